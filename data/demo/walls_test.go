package demo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// TestPerimeterWall: the wall follows the boundary all round, 2.4 m high
// and opaque, except for an opening at each gate as wide as its key area.
func TestPerimeterWall(t *testing.T) {
	c := load(t)
	var walls []orb.LineString
	total := 0.0
	fences := 0
	for _, b := range c.barriers {
		switch b.Kind {
		case store.BarrierWall:
			if !b.Opaque || b.Height != 2.4 || b.NameEn == "" {
				t.Errorf("wall %+v: want opaque, 2.4 m, named", b)
			}
			l := frameLine(b.Geom)
			walls = append(walls, l)
			total += lineLength(l)
		case store.BarrierFence:
			fences++
			if b.Opaque {
				t.Errorf("fence %s is opaque; the demo's fences are chain-link and railings", b.NameEn)
			}
		default:
			t.Errorf("barrier kind %q", b.Kind)
		}
	}
	if len(walls) != 4 || fences != 2 {
		t.Fatalf("%d walls and %d fences, want 4 stretches between the 4 gates and 2 fences", len(walls), fences)
	}
	// The boundary is 990 + 820 + 160 + 120 + 880 + 890 + 50√2 m long;
	// the gates take 32 + 12 + 20 + 12 m of it.
	want := 990 + 820 + 160 + 120 + 880 + 890 + 50*math.Sqrt2 - 76
	if math.Abs(total-want) > 0.05 {
		t.Errorf("walls %.2f m long, want %.2f m", total, want)
	}
	// Every corner of the wall is on the boundary.
	for _, l := range walls {
		for _, p := range l {
			if d := distToLine(orb.LineString(boundary), p); d > 0.01 {
				t.Errorf("wall point %v is %.2f m off the boundary", p, d)
			}
		}
	}
	// No wall in a gate's opening; the wall ends at its jambs.
	half := map[orb.Point]float64{gateSouth: 16, gateEast: 6, gateNorth: 10, gateWest: 6}
	for g, h := range half {
		nearest := math.Inf(1)
		for _, l := range walls {
			nearest = math.Min(nearest, distToLine(l, g))
		}
		if math.Abs(nearest-h) > 0.01 {
			t.Errorf("gate %v: nearest wall %.2f m away, want the opening's half width %.0f m", g, nearest, h)
		}
	}
	// Away from the gates, the middle of every side is walled.
	for i := 0; i+1 < len(boundary); i++ {
		m := orb.Point{(boundary[i][0] + boundary[i+1][0]) / 2, (boundary[i][1] + boundary[i+1][1]) / 2}
		for _, off := range []float64{0, 30} { // the south gate is at the middle of its side
			p := add(m, scale(unit(sub(boundary[i+1], boundary[i])), off))
			gate := false
			for g, h := range half {
				gate = gate || length(sub(p, g)) < h+0.01
			}
			if gate {
				continue
			}
			nearest := math.Inf(1)
			for _, l := range walls {
				nearest = math.Min(nearest, distToLine(l, p))
			}
			if nearest > 0.01 {
				t.Errorf("side %d: no wall at %v (nearest %.2f m)", i, p, nearest)
			}
		}
	}
}

// distToLine returns the distance from p to the nearest point of l.
func distToLine(l orb.LineString, p orb.Point) float64 {
	best := math.Inf(1)
	for i := 0; i+1 < len(l); i++ {
		a, b := l[i], l[i+1]
		ab := sub(b, a)
		t := 0.0
		if n := dot(ab, ab); n > 0 {
			t = math.Max(0, math.Min(1, dot(sub(p, a), ab)/n))
		}
		best = math.Min(best, length(sub(p, add(a, scale(ab, t)))))
	}
	return best
}

package visibility

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// wobbly returns a closed ring of n corners around c: a circle of radius
// r with a wobble, counter-clockwise.
func wobbly(c orb.Point, r float64, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (1 + 0.02*math.Sin(12*a) + 1e-6*math.Sin(float64(i)))
		ring = append(ring, orb.Point{c[0] + rr*math.Cos(a), c[1] + rr*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// TestInsideDense checks the strip index of a footprint of 20,000 corners
// (with a dense hole, and an ordinary square beside it) against
// planar.PolygonContains: random points, the corners themselves and the
// middles of the edges, where a point on an outline counts as inside.
func TestInsideDense(t *testing.T) {
	hole := wobbly(orb.Point{10, 0}, 15, 5000)
	hole.Reverse()
	dense := orb.Polygon{wobbly(orb.Point{}, 60, 20000), hole}
	square := rect(70, -5, 80, 5)
	o := New([]orb.Polygon{dense, square}, nil)
	if o.pip[0] == nil || o.pip[1] != nil {
		t.Fatalf("strip index on %v, want on the dense footprint only", o.pip)
	}
	want := func(p orb.Point) int {
		for i, f := range o.Footprints() {
			if planar.PolygonContains(f, p) {
				return i
			}
		}
		return -1
	}
	var pts []orb.Point
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1500; i++ {
		pts = append(pts, orb.Point{rng.Float64()*180 - 90, rng.Float64()*140 - 70})
	}
	for _, r := range o.Footprints()[0] {
		for i := 0; i+1 < len(r); i += 41 {
			a, b := r[i], r[i+1]
			pts = append(pts, a, orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2})
		}
	}
	pts = append(pts, orb.Point{0, 0}, orb.Point{10, 0}, orb.Point{-59, 0}, orb.Point{75, 0}, orb.Point{-61.5, 0})
	in := 0
	for _, p := range pts {
		got, w := o.Inside(p), want(p)
		if got != w {
			t.Fatalf("Inside(%v) = %d, want %d", p, got, w)
		}
		if got == 0 {
			in++
		}
	}
	if in < 300 {
		t.Errorf("only %d points inside the dense footprint: the test tests little", in)
	}
	if o.Inside(orb.Point{10, 0}) != -1 || o.Inside(orb.Point{-50, 0}) != 0 || o.Inside(orb.Point{75, 0}) != 1 {
		t.Error("the hole, the ring or the square is wrong")
	}
}

func BenchmarkInsideDense(b *testing.B) {
	o := New([]orb.Polygon{{wobbly(orb.Point{}, 60, 1_000_000)}}, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	b.ResetTimer()
	for b.Loop() {
		o.Inside(orb.Point{rng.Float64()*140 - 70, rng.Float64()*140 - 70})
	}
}

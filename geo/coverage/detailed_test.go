package coverage

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/geo/fire"
)

// TestDetailedBuilding computes the coverage around one round building
// of 20,000 corners (radius 60 m): the walking map thins its outline to
// a few hundred corners at most, points inside and outside stay where
// they are, the open ground of the key area around it is the square less
// the circle, and the walk from its west side to its east side is the
// way round a circle, to a few centimetres.
func TestDetailedBuilding(t *testing.T) {
	const n, R = 20000, 60.0
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, orb.Point{R * math.Cos(a), R * math.Sin(a)})
	}
	ring = append(ring, ring[0])
	s := Scene{
		Buildings: []Building{{ID: "round", Footprint: orb.Polygon{ring}}},
		Cameras:   []Camera{{ID: "c", At: orb.Point{-80, 0}, Height: 4, Heading: 90, Tilt: 10, HFOV: 90, ResolutionH: 1920, Range: 80}},
		Equipment: []Equipment{{ID: "e", At: orb.Point{75, 0}, Kind: fire.Handheld, Rating: "ABC"}},
		KeyAreas:  []KeyArea{{ID: "k", Level: "observe", Fire: true, Area: orb.Polygon{{{-90, -90}, {90, -90}, {90, 90}, {-90, 90}, {-90, -90}}}}},
	}
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if k := m.Walk().Nodes(); k > 500 {
		t.Errorf("the walking map has %d corners for one round building, want a few hundred at most", k)
	}
	obs := m.Walk().Obstacles()
	for _, c := range []struct {
		p    orb.Point
		want int
	}{{orb.Point{0, 0}, 0}, {orb.Point{59.9, 0}, 0}, {orb.Point{0, -59.9}, 0}, {orb.Point{42.3, 42.3}, 0},
		{orb.Point{60.1, 0}, -1}, {orb.Point{0, 60.1}, -1}, {orb.Point{42.5, 42.5}, -1}, {orb.Point{-80, 0}, -1}} {
		if got := obs.Inside(c.p); got != c.want {
			t.Errorf("Inside(%v) = %d, want %d", c.p, got, c.want)
		}
	}
	as := m.KeyAreas()
	if len(as) != 1 {
		t.Fatalf("key areas %+v", as)
	}
	if want := 180*180 - math.Pi*R*R; math.Abs(as[0].Ground-want) > 0.002*want {
		t.Errorf("open ground %.1f m², want %.1f (the square less the circle)", as[0].Ground, want)
	}
	if !(as[0].Camera > 0) || !(as[0].Extinguisher > 0) {
		t.Errorf("coverage %+v: the camera and the extinguisher reach nothing", as[0])
	}
	// From 10 m west of the wall to 10 m east of it: two tangents and the
	// arc between them.
	D := R + 10
	round := 2*math.Sqrt(D*D-R*R) + R*(math.Pi-2*math.Acos(R/D))
	if d := m.Walk().Distance(orb.Point{-D, 0}, orb.Point{D, 0}, 500); math.Abs(d-round) > 0.05 {
		t.Errorf("walk round the building %.3f m, want %.3f", d, round)
	}
	// The walk to a point in sight of the start is straight.
	if d := m.Walk().Distance(orb.Point{-70, 0}, orb.Point{-50, 40}, 500); math.Abs(d-math.Hypot(20, 40)) > 0.01 {
		t.Errorf("walk %.3f m, want %.3f", d, math.Hypot(20, 40))
	}
}

package drill

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestFootPaths(t *testing.T) {
	north := func(p orb.Point, d float64) orb.Point { return orb.Point{p[0], p[1] + d/110574} }
	// A 20 m square building centred on place.
	sq := orb.Polygon{{north(east(place, -10), -10), north(east(place, 10), -10), north(east(place, 10), 10), north(east(place, -10), 10), north(east(place, -10), -10)}}
	path := FootPaths([]orb.Polygon{sq}, nil, 1000)
	a, b := east(place, -30), east(place, 30)
	pts := path(a, b)
	if len(pts) < 3 || pts[0] != a || pts[len(pts)-1] != b {
		t.Fatalf("path %v", pts)
	}
	length := 0.0
	for i := 1; i < len(pts); i++ {
		length += distance(pts[i-1], pts[i])
		mid := orb.Point{(pts[i-1][0] + pts[i][0]) / 2, (pts[i-1][1] + pts[i][1]) / 2}
		if planar.PolygonContains(sq, mid) {
			t.Errorf("leg %d goes through the building", i)
		}
	}
	if want := 20 + 2*math.Hypot(20, 10); math.Abs(length-want) > 0.2 {
		t.Errorf("path of %.2f m, want %.2f (around two corners)", length, want)
	}
	if got := path(a, north(a, 5)); len(got) != 2 {
		t.Errorf("in the open the path is straight: %v", got)
	}
	// A place inside the building, 4 m from its west wall: walked to
	// just outside that wall, then in.
	in := east(place, -6)
	pts = path(a, in)
	if len(pts) < 2 || pts[0] != a || pts[len(pts)-1] != in {
		t.Fatalf("path into the building: %v", pts)
	}
	length = 0
	for i := 1; i < len(pts); i++ {
		length += distance(pts[i-1], pts[i])
	}
	if want := 20 - doorStep + 4 + doorStep; math.Abs(length-want) > 0.2 {
		t.Errorf("path into the building of %.2f m, want %.2f (in by the nearest wall)", length, want)
	}
	// And out of it: only the first leg is inside.
	pts = path(in, b)
	if len(pts) < 3 || pts[0] != in || pts[len(pts)-1] != b {
		t.Fatalf("path out of the building: %v", pts)
	}
	for i := 2; i < len(pts); i++ {
		mid := orb.Point{(pts[i-1][0] + pts[i][0]) / 2, (pts[i-1][1] + pts[i][1]) / 2}
		if planar.PolygonContains(sq, mid) {
			t.Errorf("leg %d of the way out goes through the building", i)
		}
	}
	if got := FootPaths([]orb.Polygon{sq}, nil, 40)(a, b); got != nil {
		t.Errorf("farther than the limit: %v, want none", got)
	}
}

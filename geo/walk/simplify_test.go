package walk

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/geo/visibility"
)

// TestSimplify checks that a dense ring is thinned to within the
// tolerance of the original, both ways, and that ordinary rings are kept
// corner for corner.
func TestSimplify(t *testing.T) {
	const n = 20000
	var ring orb.Ring
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		r := 30 + 0.5*math.Sin(7*a)
		ring = append(ring, orb.Point{r * math.Cos(a), r * math.Sin(a)})
	}
	ring = append(ring, ring[0])
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	orig := orb.Polygon{ring.Clone(), square}
	const tol = 0.05
	got := Simplify(orig, tol)
	if len(got) != 2 || len(got[1]) != len(square) {
		t.Fatalf("rings %d, hole of %d points: want the square untouched", len(got), len(got[1]))
	}
	if len(got[0]) > n/10 || len(got[0]) < 8 {
		t.Errorf("%d points left of %d", len(got[0]), n)
	}
	if got[0][0] != got[0][len(got[0])-1] {
		t.Error("the ring is not closed")
	}
	if orig[0][5] != ring[5] {
		t.Error("Simplify changed its input")
	}
	far := func(a, b orb.Ring) float64 { // greatest distance of a point of a from b's outline
		worst := 0.0
		for k, p := range a {
			if k%13 != 0 {
				continue
			}
			best := math.Inf(1)
			for i := 0; i+1 < len(b); i++ {
				best = math.Min(best, planar.DistanceFromSegment(b[i], b[i+1], p))
			}
			worst = math.Max(worst, best)
		}
		return worst
	}
	if d := far(ring, got[0]); d > tol {
		t.Errorf("an original point lies %.3f m from the thinned ring, more than %g", d, tol)
	}
	if d := far(got[0], ring); d > 1e-9 {
		t.Errorf("a kept point lies %.3g m off the original ring", d)
	}
	if small := (orb.Polygon{square}); len(Simplify(small, tol)[0]) != 5 {
		t.Error("a square was thinned")
	}
}

// TestWalkRoundFineCircle walks round circles drawn with many corners,
// thinned or not: a path that grazes a corner's offset along a short
// edge must still turn on round the curve (it used to stop at the
// tangent corner of a 1,000-corner circle).
func TestWalkRoundFineCircle(t *testing.T) {
	const R, D = 60.0, 70.0
	want := 2*math.Sqrt(D*D-R*R) + R*(math.Pi-2*math.Acos(R/D))
	for _, n := range []int{200, 1000, 5000} {
		var ring orb.Ring
		for i := 0; i < n; i++ {
			a := 2 * math.Pi * float64(i) / float64(n)
			ring = append(ring, orb.Point{R * math.Cos(a), R * math.Sin(a)})
		}
		ring = append(ring, ring[0])
		for _, p := range []orb.Polygon{{ring}, Simplify(orb.Polygon{ring}, 0.05)} {
			m := New(visibility.New([]orb.Polygon{p}, nil))
			if d := m.Distance(orb.Point{-D, 0}, orb.Point{D, 0}, 500); math.Abs(d-want) > 0.05 {
				t.Errorf("%d corners (%d kept): walk round %.3f m, want %.3f", n, len(p[0])-1, d, want)
			}
			if d := m.Distance(orb.Point{-D, 0}, orb.Point{0, D}, 500); math.IsInf(d, 0) {
				t.Errorf("%d corners (%d kept): no walk to the north side", n, len(p[0])-1)
			}
		}
	}
}

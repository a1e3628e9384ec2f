package walk

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
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

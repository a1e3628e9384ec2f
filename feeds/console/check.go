package console

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"safetynet/feeds/event"
)

// warning returns why e cannot be drawn, "" when it can: no position, a
// broken polygon, or a position too far from the community.
func (c *Console) warning(e *event.Event) string {
	g := e.Geometry
	if g == nil {
		return "no position"
	}
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, p := range polys {
		for _, r := range p {
			if why := brokenRing(r); why != "" {
				return "broken polygon: " + why
			}
		}
	}
	if c.opt.Centre != (orb.Point{}) {
		if d := distanceTo(c.opt.Centre, g.Bound()); d > c.opt.MaxDistance {
			return fmt.Sprintf("%.1f km from the community (limit %g km)", d/1000, c.opt.MaxDistance/1000)
		}
	}
	return ""
}

// distanceTo returns the distance in metres from p to the nearest point of
// b (0 inside it).
func distanceTo(p orb.Point, b orb.Bound) float64 {
	q := orb.Point{min(max(p[0], b.Min[0]), b.Max[0]), min(max(p[1], b.Min[1]), b.Max[1])}
	return geo.Distance(p, q)
}

// brokenRing says what is wrong with a ring, "" when nothing is: fewer than
// 4 positions, no area, or edges that cross or touch (other than
// neighbours at their shared corner).
func brokenRing(r orb.Ring) string {
	if len(r) < 4 {
		return fmt.Sprintf("a ring of %d positions (at least 4)", len(r))
	}
	if i, j, ok := selfIntersection(r); ok {
		return fmt.Sprintf("the ring crosses itself (edges %d and %d)", i+1, j+1)
	}
	if planar.Area(r) == 0 {
		return "a ring with no area"
	}
	return ""
}

// selfIntersection finds two edges of a closed ring that meet, other than
// neighbours at their shared corner: edges sorted by their west end, each
// compared with those that start before it ends.
func selfIntersection(r orb.Ring) (int, int, bool) {
	n := len(r) - 1 // edges; r[n] == r[0]
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	minX := func(i int) float64 { return min(r[i][0], r[i+1][0]) }
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(minX(a), minX(b)) })
	for k, i := range idx {
		maxX := max(r[i][0], r[i+1][0])
		for _, j := range idx[k+1:] {
			if minX(j) > maxX {
				break
			}
			a, b := min(i, j), max(i, j)
			if b == a+1 || (a == 0 && b == n-1) {
				// Neighbours share a corner: broken only when they fold back
				// onto each other.
				if overlapAdjacent(r, a, b, n) {
					return a, b, true
				}
				continue
			}
			if segmentsMeet(r[i], r[i+1], r[j], r[j+1]) {
				return a, b, true
			}
		}
	}
	return 0, 0, false
}

// overlapAdjacent reports whether neighbouring edges a and b run back
// along each other (a spike of no width).
func overlapAdjacent(r orb.Ring, a, b, n int) bool {
	var p, shared, q orb.Point
	if b == a+1 {
		p, shared, q = r[a], r[a+1], r[b+1]
	} else { // a == 0, b == n-1
		p, shared, q = r[n-1], r[0], r[1]
	}
	if orient(p, shared, q) != 0 {
		return false
	}
	// Collinear: overlapping when p and q are on the same side of shared.
	return (p[0]-shared[0])*(q[0]-shared[0])+(p[1]-shared[1])*(q[1]-shared[1]) > 0
}

func orient(a, b, c orb.Point) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func onSegment(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// segmentsMeet reports whether segments ab and cd share a point.
func segmentsMeet(a, b, c, d orb.Point) bool {
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if o1 != o2 && o3 != o4 {
		return true
	}
	return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) ||
		(o3 == 0 && onSegment(c, d, a)) || (o4 == 0 && onSegment(c, d, b))
}

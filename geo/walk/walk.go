// Package walk measures walking distance on the ground plane around
// obstacles (building footprints, walls, fences, water): the length of the
// shortest path that does not cross an obstacle, in metres.
//
// Shortest paths among polygonal obstacles are straight lines that bend
// only at convex corners of the obstacles, turning around them (taut). The
// package runs Dijkstra's algorithm over those corners, finding the
// corners visible from each settled point with an exact visibility polygon
// (geo/visibility) limited to the directions in which a taut path can go
// on. The result is exact up to the corner offset (at most 2 mm per bend).
//
// Coordinates are metres east and north in a local plane (see geo/proj).
package walk

import (
	"container/heap"
	"math"

	"github.com/paulmach/orb"

	"safetynet/geo/visibility"
)

// offset is how far outside an obstacle corner a path turns, metres.
const offset = 0.001

// slack widens the directions a path may take from a corner, radians; it
// keeps corners lying on the edge of that range inside it. Paths found
// through the extra directions are real (the visibility test holds), just
// never shorter than the taut ones.
const slack = 1e-3

// node is a convex obstacle corner, moved offset metres out, with the
// directions of the obstacle edges that meet there.
type node struct {
	p      orb.Point
	e1, e2 orb.Point // unit vectors from the corner along its two edges
	l1, l2 float64   // and their lengths
}

// Map is the walking map of a set of obstacles. Build it once with New;
// it is immutable and safe for concurrent use.
type Map struct {
	obs   *visibility.Obstacles
	nodes []node

	bucket   float64
	bx0, by0 float64
	bcols    int
	brows    int
	start    []int32
	ids      []int32
}

// New returns the walking map around obs.
func New(obs *visibility.Obstacles) *Map {
	m := &Map{obs: obs}
	addCorner := func(p, prev, next orb.Point) {
		u1, u2 := unit(sub(prev, p)), unit(sub(next, p))
		out := unit(orb.Point{-(u1[0] + u2[0]), -(u1[1] + u2[1])})
		if out == (orb.Point{}) {
			return
		}
		q := orb.Point{p[0] + offset*out[0], p[1] + offset*out[1]}
		if obs.Inside(q) >= 0 {
			return // a corner inside another footprint: never on a path
		}
		m.nodes = append(m.nodes, node{q, u1, u2, dist(prev, p), dist(next, p)})
	}
	for _, poly := range obs.Footprints() {
		for _, r := range poly {
			n := len(r) - 1 // closed
			for i := 0; i < n; i++ {
				prev, p, next := r[(i+n-1)%n], r[i], r[(i+1)%n]
				// Interior on the left: convex where the ring turns left.
				if cross(sub(p, prev), sub(next, p)) > 0 {
					addCorner(p, prev, next)
				}
			}
		}
	}
	for _, l := range obs.Walls() {
		n := len(l)
		if n > 3 && l[0] == l[n-1] {
			// A closed wall: a ring without an inside.
			for i := 0; i < n-1; i++ {
				prev, p, next := l[(i+n-2)%(n-1)], l[i], l[(i+1)%(n-1)]
				if math.Abs(cross(sub(p, prev), sub(next, p))) > 1e-12 {
					addCorner(p, prev, next)
				}
			}
			continue
		}
		for i := 0; i < n; i++ {
			switch {
			case i == 0:
				addCorner(l[0], l[1], l[1])
			case i == n-1:
				addCorner(l[n-1], l[n-2], l[n-2])
			default:
				if math.Abs(cross(sub(l[i], l[i-1]), sub(l[i+1], l[i]))) > 1e-12 {
					addCorner(l[i], l[i-1], l[i+1])
				}
			}
		}
	}
	m.index()
	return m
}

// Nodes returns the number of corners paths may bend around.
func (m *Map) Nodes() int { return len(m.nodes) }

// Obstacles returns the obstacles of the map.
func (m *Map) Obstacles() *visibility.Obstacles { return m.obs }

func (m *Map) index() {
	m.bucket = 16
	if len(m.nodes) == 0 {
		m.bcols, m.brows = 1, 1
		m.start = make([]int32, 2)
		return
	}
	b := orb.Bound{Min: m.nodes[0].p, Max: m.nodes[0].p}
	for _, n := range m.nodes {
		b = b.Extend(n.p)
	}
	for (b.Max[0]-b.Min[0])/m.bucket*(b.Max[1]-b.Min[1])/m.bucket > 1<<20 {
		m.bucket *= 2
	}
	m.bx0, m.by0 = b.Min[0], b.Min[1]
	m.bcols = int((b.Max[0]-b.Min[0])/m.bucket) + 1
	m.brows = int((b.Max[1]-b.Min[1])/m.bucket) + 1
	k := make([]int32, len(m.nodes))
	m.start = make([]int32, m.bcols*m.brows+1)
	for i, n := range m.nodes {
		c := int((n.p[0] - m.bx0) / m.bucket)
		r := int((n.p[1] - m.by0) / m.bucket)
		k[i] = int32(r*m.bcols + c)
		m.start[k[i]+1]++
	}
	for i := 1; i < len(m.start); i++ {
		m.start[i] += m.start[i-1]
	}
	m.ids = make([]int32, len(m.nodes))
	fill := append([]int32(nil), m.start...)
	for i := range m.nodes {
		m.ids[fill[k[i]]] = int32(i)
		fill[k[i]]++
	}
}

// near calls fn for the corners within r of p (and a few more).
func (m *Map) near(p orb.Point, r float64, fn func(i int32)) {
	if len(m.nodes) == 0 {
		return
	}
	cl := func(v float64, hi int) int { return max(0, min(hi, int(math.Floor(v)))) }
	c0 := cl((p[0]-r-m.bx0)/m.bucket, m.bcols-1)
	c1 := cl((p[0]+r-m.bx0)/m.bucket, m.bcols-1)
	r0 := cl((p[1]-r-m.by0)/m.bucket, m.brows-1)
	r1 := cl((p[1]+r-m.by0)/m.bucket, m.brows-1)
	for row := r0; row <= r1; row++ {
		for c := c0; c <= c1; c++ {
			k := row*m.bcols + c
			for _, i := range m.ids[m.start[k]:m.start[k+1]] {
				fn(i)
			}
		}
	}
}

// within calls fn for the corners in the buckets b meets.
func (m *Map) within(b orb.Bound, fn func(i int32)) {
	if len(m.nodes) == 0 {
		return
	}
	cl := func(v float64, hi int) int { return max(0, min(hi, int(math.Floor(v)))) }
	c0 := cl((b.Min[0]-m.bx0)/m.bucket, m.bcols-1)
	c1 := cl((b.Max[0]-m.bx0)/m.bucket, m.bcols-1)
	r0 := cl((b.Min[1]-m.by0)/m.bucket, m.brows-1)
	r1 := cl((b.Max[1]-m.by0)/m.bucket, m.brows-1)
	for row := r0; row <= r1; row++ {
		for c := c0; c <= c1; c++ {
			k := row*m.bcols + c
			for _, i := range m.ids[m.start[k]:m.start[k+1]] {
				fn(i)
			}
		}
	}
}

// Leg is one piece of the region reached on foot from a source: every
// point of View is reached by walking Start metres to From and then
// straight on, so at Start + |p - From|. View's range is the distance left.
type Leg struct {
	From  orb.Point
	Start float64
	View  *visibility.View
}

type item struct {
	d float64
	i int32
}

type queue []item

func (q queue) Len() int { return len(q) }
func (q queue) Less(a, b int) bool {
	if q[a].d != q[b].d {
		return q[a].d < q[b].d
	}
	return q[a].i < q[b].i
}
func (q queue) Swap(a, b int) { q[a], q[b] = q[b], q[a] }
func (q *queue) Push(x any)   { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// Reach calls fn with the legs of the region within limit metres on foot
// of src, nearest first: src's own view, then one leg per corner turned.
// Their union is the region; a point in several legs is reached at the
// least of their distances. fn returning false stops the walk. src should
// lie outside the obstacles: from inside one, only its inside is reached.
func (m *Map) Reach(src orb.Point, limit float64, fn func(Leg) bool) {
	if !(limit > 0) || math.IsInf(limit, 0) {
		return
	}
	type state struct {
		d    float64
		from orb.Point // where the best path to the corner comes from
		done bool
	}
	st := map[int32]*state{}
	var q queue
	relax := func(v *visibility.View, at orb.Point, d0 float64) {
		m.near(at, v.Range, func(i int32) {
			n := &m.nodes[i]
			s := st[i]
			if s != nil && s.done {
				return
			}
			d := d0 + dist(at, n.p)
			if d >= limit || (s != nil && d >= s.d) || !v.Contains(n.p) {
				return
			}
			if s == nil {
				s = &state{}
				st[i] = s
			}
			s.d, s.from = d, at
			heap.Push(&q, item{d, i})
		})
	}
	v := m.obs.View(src, visibility.All, limit)
	if !fn(Leg{src, 0, v}) {
		return
	}
	relax(v, src, 0)
	for q.Len() > 0 {
		it := heap.Pop(&q).(item)
		s := st[it.i]
		if s.done || it.d > s.d {
			continue
		}
		s.done = true
		n := &m.nodes[it.i]
		// A path may graze the obstacle by up to the corner offsets: on a
		// finely drawn curve the corners just past the tangent are seen
		// straight through that margin, along the short edge behind them.
		// (Not at the end of a wall, whose one edge is behind or not.)
		t1, t2 := graze(n.l1), graze(n.l2)
		if n.e1 == n.e2 {
			t1, t2 = 0, 0
		}
		sec, ok := taut(unit(sub(n.p, s.from)), n.e1, n.e2, t1, t2)
		if !ok {
			continue
		}
		v := m.obs.View(n.p, sec, limit-s.d)
		if v.Empty() {
			continue
		}
		if !fn(Leg{n.p, s.d, v}) {
			return
		}
		relax(v, n.p, s.d)
	}
}

// Distance returns the walking distance in metres from a to b, or +Inf
// when it is more than limit.
func (m *Map) Distance(a, b orb.Point, limit float64) float64 {
	best := math.Inf(1)
	m.Reach(a, limit, func(l Leg) bool {
		if l.Start >= best {
			return false
		}
		if l.View.Contains(b) {
			if d := l.Start + dist(l.From, b); d < best && d <= limit {
				best = d
			}
		}
		return true
	})
	return best
}

// taut returns the directions in which a path arriving in direction w
// can leave a corner whose obstacle edges run along e1 and e2: from w
// towards the obstacle, up to the nearer edge. ok is false when the
// obstacle lies on both sides of the path (it does not turn around the
// corner). An edge within tol1 (e1) or tol2 (e2) radians of straight
// behind counts as behind: the path came along it.
func taut(w, e1, e2 orb.Point, tol1, tol2 float64) (visibility.Sector, bool) {
	fw := math.Atan2(w[1], w[0])
	rel := func(e orb.Point) float64 {
		a := math.Atan2(e[1], e[0]) - fw
		a -= 2 * math.Pi * math.Round(a/(2*math.Pi))
		return a
	}
	a1, a2 := rel(e1), rel(e2)
	back := func(a, tol float64) bool { return math.Abs(a) > math.Pi-max(1e-9, tol) }
	b1, b2 := back(a1, tol1), back(a2, tol2)
	switch {
	case b1 && b2:
		return visibility.Sector{}, false
	case b1:
		a1 = a2
	case b2:
		a2 = a1
	}
	var lo, hi float64
	switch {
	case a1 >= 0 && a2 >= 0:
		lo, hi = 0, math.Min(a1, a2)
	case a1 <= 0 && a2 <= 0:
		lo, hi = math.Max(a1, a2), 0
	default:
		return visibility.Sector{}, false
	}
	lo, hi = lo-slack, hi+slack
	centre := fw + (lo+hi)/2 // radians counter-clockwise from east
	return visibility.Sector{Heading: 90 - centre*180/math.Pi, Width: (hi - lo) * 180 / math.Pi}, true
}

// graze is the angle, radians, by which a straight path that passes
// the offset corners at both ends of an edge of length l may run into
// the obstacle: such a path came along the edge.
func graze(l float64) float64 {
	return min(0.1, slack+2*offset/math.Max(l, offset))
}

func sub(a, b orb.Point) orb.Point { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func cross(a, b orb.Point) float64 { return a[0]*b[1] - a[1]*b[0] }
func dist(a, b orb.Point) float64  { return math.Hypot(a[0]-b[0], a[1]-b[1]) }
func unit(a orb.Point) orb.Point {
	l := math.Hypot(a[0], a[1])
	if l < 1e-12 {
		return orb.Point{}
	}
	return orb.Point{a[0] / l, a[1] / l}
}

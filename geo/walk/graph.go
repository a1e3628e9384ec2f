package walk

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"safetynet/geo/visibility"
)

// Graph is the visibility graph of a map's corners: every pair of corners
// that see each other along a line a shortest path can take (tangent to
// the obstacles at both ends), with its length. It answers many walks
// from a few places to many in a millisecond or so, where Reach computes
// a visibility polygon at every corner it turns. Build it once with
// NewGraph; it is immutable and safe for concurrent use.
type Graph struct {
	m     *Map
	start []int32 // CSR: links of node i are to[start[i]:start[i+1]]
	to    []int32
	d     []float64
}

// NewGraph returns the visibility graph of m's corners, computed on the
// given number of goroutines: one visibility polygon per corner, a
// fraction of a second for a thousand buildings.
func NewGraph(m *Map, workers int) *Graph {
	g := &Graph{m: m}
	n := len(m.nodes)
	r := m.span()
	links := make([][]int32, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				a := &m.nodes[i]
				v := m.obs.View(a.p, visibility.All, r)
				if v.Empty() {
					continue
				}
				// Sight is mutual: each pair is tested once, from its first,
				// among the corners within the view's bound only (not all
				// pairs of corners).
				var cand []int32
				m.within(v.Bound().Pad(0.02), func(j int32) {
					if int(j) > i {
						cand = append(cand, j)
					}
				})
				slices.Sort(cand)
				for _, j := range cand {
					b := &m.nodes[j]
					if tangent(b, sub(a.p, b.p)) && tangent(a, sub(b.p, a.p)) && v.Contains(b.p) {
						links[i] = append(links[i], j)
					}
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	g.start = make([]int32, n+1)
	for i, l := range links {
		g.start[i+1] += int32(len(l))
		for _, j := range l {
			g.start[j+1]++
		}
	}
	for i := 0; i < n; i++ {
		g.start[i+1] += g.start[i]
	}
	g.to = make([]int32, g.start[n])
	g.d = make([]float64, g.start[n])
	fill := slices.Clone(g.start[:n])
	for i, l := range links {
		for _, j := range l {
			d := dist(m.nodes[i].p, m.nodes[j].p)
			g.to[fill[i]], g.d[fill[i]] = j, d
			fill[i]++
			g.to[fill[j]], g.d[fill[j]] = int32(i), d
			fill[j]++
		}
	}
	return g
}

// span returns a range that covers the whole map from any point of it.
func (m *Map) span() float64 {
	b := m.obs.Bound()
	for _, n := range m.nodes {
		b = b.Extend(n.p)
	}
	return math.Hypot(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) + 1
}

// tangent reports whether a straight path through corner n in direction
// d (or from it, or to it) stays outside the obstacle there: both edges of
// the corner lie on one side of the line. A line along an edge counts, up
// to the corner's offset and the slack of taut paths.
func tangent(n *node, d orb.Point) bool {
	l := math.Hypot(d[0], d[1])
	if l < 1e-12 {
		return true
	}
	c1, c2 := cross(d, n.e1)/l, cross(d, n.e2)/l
	tol := slack + 2*offset/l
	return c1*c2 >= 0 || math.Abs(c1) <= tol || math.Abs(c2) <= tol
}

// Links returns the number of links of the graph, each counted once per
// direction.
func (g *Graph) Links() int { return len(g.to) }

// Anchor is a point joined to a graph: what it sees of the obstacles
// within a range and the corners a shortest path from it can turn first.
// Make it with Graph.Anchor; it is immutable and safe for concurrent use.
type Anchor struct {
	At   orb.Point
	view *visibility.View
	to   []int32
	d    []float64
}

// Anchor joins p to the graph for walks of up to limit metres (0 or less:
// the whole map). A point inside an obstacle is joined to nothing but
// itself: a walk from it reaches only points it sees from inside.
func (g *Graph) Anchor(p orb.Point, limit float64) Anchor {
	if !(limit > 0) || math.IsInf(limit, 0) {
		limit = g.m.span() + dist(p, g.m.obs.Bound().Center())
	}
	a := Anchor{At: p, view: g.m.obs.View(p, visibility.All, limit)}
	if a.view.Empty() {
		return a
	}
	g.m.near(p, limit, func(i int32) {
		n := &g.m.nodes[i]
		if dist(p, n.p) <= limit && tangent(n, sub(p, n.p)) && a.view.Contains(n.p) {
			a.to = append(a.to, i)
		}
	})
	// Nearest first, so that a walk with a shorter limit stops early.
	for _, i := range a.to {
		a.d = append(a.d, dist(p, g.m.nodes[i].p))
	}
	idx := make([]int, len(a.to))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(x, y int) int {
		if c := cmp.Compare(a.d[x], a.d[y]); c != 0 {
			return c
		}
		return cmp.Compare(a.to[x], a.to[y])
	})
	to, d := make([]int32, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		to[k], d[k] = a.to[i], a.d[i]
	}
	a.to, a.d = to, d
	return a
}

// Distances returns, for each of dsts, the least over srcs of start[k]
// (metres, the distance already walked to reach source k; nil for none)
// plus the walking distance from srcs[k], and that k; +Inf and -1 when
// it is more than limit metres. With need > 0 it stops once the need
// nearest destinations are known, and the others may be left at +Inf or
// at a longer walk. Anchors joined for a shorter walk than limit give
// walks no longer than their own limit.
func (g *Graph) Distances(srcs []Anchor, start []float64, dsts []Anchor, limit float64, need int) ([]float64, []int) {
	best := make([]float64, len(dsts))
	via := make([]int, len(dsts))
	for i := range best {
		best[i], via[i] = math.Inf(1), -1
	}
	if need <= 0 || need > len(dsts) {
		need = len(dsts)
	}
	if need == 0 || !(limit > 0) {
		return best, via
	}
	s0 := func(k int) float64 {
		if k < len(start) {
			return start[k]
		}
		return 0
	}
	bound := limit
	top := make([]float64, 0, len(dsts))
	improve := func(t int, d float64, k int) {
		if d >= best[t] || d > limit {
			return
		}
		best[t], via[t] = d, k
		if d < bound { // else the need nearest stay as they are
			top = append(top[:0], best...)
			slices.Sort(top)
			bound = min(limit, top[need-1])
		}
	}
	// Straight from a source to a destination it sees.
	for k, s := range srcs {
		if s.view == nil {
			continue
		}
		for t, e := range dsts {
			if d := dist(s.At, e.At); s0(k)+d < best[t] && s.view.Contains(e.At) {
				improve(t, s0(k)+d, k)
			}
		}
	}
	// The destinations each corner leads to.
	type arrival struct {
		t int
		d float64
	}
	n := len(g.m.nodes)
	at := make([]int32, n+1) // CSR: arrivals at corner j are into[at[j]:at[j+1]]
	for _, e := range dsts {
		for i, j := range e.to {
			if e.d[i] >= bound {
				break
			}
			at[j+1]++
		}
	}
	for j := 0; j < n; j++ {
		at[j+1] += at[j]
	}
	into := make([]arrival, at[n])
	fill := slices.Clone(at[:n])
	for t, e := range dsts {
		for i, j := range e.to {
			if e.d[i] >= bound {
				break
			}
			into[fill[j]] = arrival{t, e.d[i]}
			fill[j]++
		}
	}
	dn := make([]float64, n)
	from := make([]int32, n)
	done := make([]bool, n)
	for i := range dn {
		dn[i], from[i] = math.Inf(1), -1
	}
	var q queue
	for k, s := range srcs {
		for i, j := range s.to {
			if s0(k)+s.d[i] >= bound {
				break
			}
			if d := s0(k) + s.d[i]; d < dn[j] {
				dn[j], from[j] = d, int32(k)
				heap.Push(&q, item{d, j})
			}
		}
	}
	for q.Len() > 0 {
		it := heap.Pop(&q).(item)
		u := it.i
		if done[u] || it.d > dn[u] {
			continue
		}
		if it.d >= bound {
			break
		}
		done[u] = true
		for _, a := range into[at[u]:at[u+1]] {
			improve(a.t, it.d+a.d, int(from[u]))
		}
		for l := g.start[u]; l < g.start[u+1]; l++ {
			v := g.to[l]
			if d := it.d + g.d[l]; !done[v] && d < dn[v] && d < bound {
				dn[v], from[v] = d, from[u]
				heap.Push(&q, item{d, v})
			}
		}
	}
	return best, via
}

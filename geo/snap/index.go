package snap

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Index is a spatial index of snap targets: a packed R-tree (sort-tile-
// recursive) of their edges and lone points. It is read-only once built and
// safe for concurrent use.
type Index struct {
	ts    []Target
	segs  []seg
	nodes []node // levels bottom-up; the root is the last node
	root  int    // -1 when empty
}

// seg is one edge (a to b) or lone point (a == b) of target t, starting at
// vertex at; end is the address of b (the first vertex for a ring's
// closing edge).
type seg struct {
	t       int32
	point   bool
	at, end Path
	a, b    orb.Point
	bound   orb.Bound
}

type node struct {
	b          orb.Bound
	leaf       bool
	start, end int // children: segs[start:end] when leaf, nodes[start:end] otherwise
}

const fanout = 16

// key is an item to pack: the centre of its box and its index.
type key struct {
	x, y float64
	i    int32
}

func keyOf(b orb.Bound, i int) key {
	return key{x: b.Min[0] + b.Max[0], y: b.Min[1] + b.Max[1], i: int32(i)}
}

// NewIndex builds an index of ts. The targets' geometries are not copied
// and must not be modified while the index is in use.
func NewIndex(ts []Target) *Index {
	ix := &Index{ts: ts, root: -1}
	n := 0
	for _, t := range ts {
		lines(t.Geom, func(l line) { n += max(len(l.pts)-1, 1) })
	}
	ix.segs = make([]seg, 0, n)
	for ti, t := range ts {
		lines(t.Geom, func(l line) {
			if len(l.pts) == 1 {
				ix.segs = append(ix.segs, seg{t: int32(ti), point: true, at: Path{l.part, l.ring, 0}, a: l.pts[0], b: l.pts[0]})
				return
			}
			for i := 0; i+1 < len(l.pts); i++ {
				end := Path{l.part, l.ring, i + 1}
				if l.closed && i+1 == len(l.pts)-1 {
					end.Index = 0
				}
				ix.segs = append(ix.segs, seg{t: int32(ti), at: Path{l.part, l.ring, i}, end: end, a: l.pts[i], b: l.pts[i+1]})
			}
		})
	}
	if len(ix.segs) == 0 {
		return ix
	}
	for i := range ix.segs {
		s := &ix.segs[i]
		s.bound = orb.Bound{Min: orb.Point{math.Min(s.a[0], s.b[0]), math.Min(s.a[1], s.b[1])},
			Max: orb.Point{math.Max(s.a[0], s.b[0]), math.Max(s.a[1], s.b[1])}}
	}
	// Leaves: sort-tile-recursive packing of the segments, sorted by
	// small keys and then moved once.
	keys := make([]key, len(ix.segs))
	for i, s := range ix.segs {
		keys[i] = keyOf(s.bound, i)
	}
	strPack(keys)
	packed := make([]seg, len(ix.segs))
	for i, k := range keys {
		packed[i] = ix.segs[k.i]
	}
	ix.segs = packed
	for i := 0; i < len(ix.segs); i += fanout {
		e := min(i+fanout, len(ix.segs))
		b := ix.segs[i].bound
		for _, s := range ix.segs[i+1 : e] {
			b = union(b, s.bound)
		}
		ix.nodes = append(ix.nodes, node{b: b, leaf: true, start: i, end: e})
	}
	// Upper levels: pack the nodes of the level below until one is left.
	lo, hi := 0, len(ix.nodes)
	for hi-lo > 1 {
		level := ix.nodes[lo:hi]
		keys := make([]key, len(level))
		for i, n := range level {
			keys[i] = keyOf(n.b, i)
		}
		strPack(keys)
		sorted := make([]node, len(level))
		for i, k := range keys {
			sorted[i] = level[k.i]
		}
		copy(level, sorted)
		for i := lo; i < hi; i += fanout {
			e := min(i+fanout, hi)
			b := ix.nodes[i].b
			for _, n := range ix.nodes[i+1 : e] {
				b = union(b, n.b)
			}
			ix.nodes = append(ix.nodes, node{b: b, start: i, end: e})
		}
		lo, hi = hi, len(ix.nodes)
	}
	ix.root = len(ix.nodes) - 1
	return ix
}

// strPack orders ks for sort-tile-recursive packing: in vertical strips
// by x, each strip by y.
func strPack(ks []key) {
	slices.SortFunc(ks, func(a, b key) int { return cmp.Compare(a.x, b.x) })
	leaves := (len(ks) + fanout - 1) / fanout
	per := int(math.Ceil(math.Sqrt(float64(leaves)))) * fanout
	for s := 0; s < len(ks); s += per {
		slices.SortFunc(ks[s:min(s+per, len(ks))], func(a, b key) int { return cmp.Compare(a.y, b.y) })
	}
}

func union(a, b orb.Bound) orb.Bound {
	return orb.Bound{Min: orb.Point{math.Min(a.Min[0], b.Min[0]), math.Min(a.Min[1], b.Min[1])},
		Max: orb.Point{math.Max(a.Max[0], b.Max[0]), math.Max(a.Max[1], b.Max[1])}}
}

// Len returns the number of targets.
func (ix *Index) Len() int { return len(ix.ts) }

// Snap returns the nearest vertex within tol of p, or else the nearest
// point on an edge within tol; ok is false when nothing is within tol.
// Between equally near hits the earlier target wins.
func (ix *Index) Snap(p orb.Point, tol float64) (Hit, bool) {
	if ix.root < 0 || !(tol >= 0) {
		return Hit{}, false
	}
	q := orb.Bound{Min: orb.Point{p[0] - tol, p[1] - tol}, Max: orb.Point{p[0] + tol, p[1] + tol}}
	var v, e Hit
	vd, ed := math.Inf(1), math.Inf(1)
	vt, et := int32(-1), int32(-1)
	better := func(d, best float64, t, bt int32) bool { return d < best || d == best && t < bt }
	var buf [64]int
	stack := append(buf[:0], ix.root)
	for len(stack) > 0 {
		n := &ix.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if !n.b.Intersects(q) {
			continue
		}
		if !n.leaf {
			for c := n.start; c < n.end; c++ {
				stack = append(stack, c)
			}
			continue
		}
		for i := n.start; i < n.end; i++ {
			s := &ix.segs[i]
			if d := dist(s.a, p); d <= tol && better(d, vd, s.t, vt) {
				vd, vt = d, s.t
				v = Hit{Point: s.a, Kind: Vertex, Vertex: s.at, Dist: d}
			}
			if s.point {
				continue
			}
			if d := dist(s.b, p); d <= tol && better(d, vd, s.t, vt) {
				vd, vt = d, s.t
				v = Hit{Point: s.b, Kind: Vertex, Vertex: s.end, Dist: d}
			}
			if vt >= 0 {
				continue // a vertex is preferred: edges no longer matter
			}
			pt := project(s.a, s.b, p)
			if d := dist(pt, p); d <= tol && better(d, ed, s.t, et) {
				ed, et = d, s.t
				e = Hit{Point: pt, Kind: Edge, Vertex: s.at, Dist: d}
			}
		}
	}
	h, t := v, vt
	if vt < 0 {
		h, t = e, et
	}
	if t < 0 {
		return Hit{}, false
	}
	h.Layer, h.FID = ix.ts[t].Layer, ix.ts[t].FID
	return h, true
}

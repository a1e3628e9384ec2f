// Package visibility computes what can be seen from a point on the ground
// plane among opaque obstacles (building footprints, walls and fences), as
// an exact visibility polygon: an angular sweep over the obstacle edges
// within a range and a field-of-view sector.
//
// Coordinates are metres east (x) and north (y) in a local plane (see
// geo/proj). Sector headings are degrees clockwise from north; widths are
// degrees. Obstacles are opaque from the ground to the sky: a camera does
// not see over a building, whatever its height.
package visibility

import (
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// seg is one obstacle edge.
type seg struct {
	a, b orb.Point
}

// Obstacles is an immutable set of opaque obstacles with a spatial index
// of their edges. Build it once with New; it is safe for concurrent use.
type Obstacles struct {
	foot  []orb.Polygon
	src   []int // index of each footprint in the input
	walls []orb.LineString
	fb    []orb.Bound  // bound of each footprint
	pip   []*polyIndex // strip index of each footprint with many edges, else nil
	segs  []seg
	own   []int32 // footprint of each segment, -1 for a wall

	bucket     float64 // side of an index bucket, metres
	bx0, by0   float64
	bcols      int
	brows      int
	segStart   []int32 // CSR: segments of bucket k are segIDs[segStart[k]:segStart[k+1]]
	segIDs     []int32
	footStart  []int32
	footIDs    []int32
	scratch    sync.Pool
	totalBound orb.Bound
}

// New returns the obstacles made of the building footprints (polygons,
// holes allowed) and the walls and fences (open lines) given, in metres.
// Rings may be open or closed, in either orientation; rings with fewer
// than three distinct points, lines with fewer than two and points that
// are not finite are left out. The inputs are copied.
func New(footprints []orb.Polygon, walls []orb.LineString) *Obstacles {
	o := &Obstacles{}
	for k, p := range footprints {
		var poly orb.Polygon
		for i, r := range p {
			r = cleanRing(r)
			if len(r) < 4 {
				if i == 0 {
					break
				}
				continue
			}
			want := orb.CCW
			if i > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				r.Reverse()
			}
			poly = append(poly, r)
		}
		if len(poly) > 0 {
			o.foot = append(o.foot, poly)
			o.src = append(o.src, k)
		}
	}
	for _, l := range walls {
		var line orb.LineString
		for _, p := range l {
			if finite(p) && (len(line) == 0 || line[len(line)-1] != p) {
				line = append(line, p)
			}
		}
		if len(line) >= 2 {
			o.walls = append(o.walls, line)
		}
	}
	first := true
	grow := func(p orb.Point) {
		if first {
			o.totalBound = orb.Bound{Min: p, Max: p}
			first = false
		}
		o.totalBound = o.totalBound.Extend(p)
	}
	for _, p := range o.foot {
		first := len(o.segs)
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				o.segs = append(o.segs, seg{r[i], r[i+1]})
				o.own = append(o.own, int32(len(o.fb)))
				grow(r[i])
			}
		}
		o.fb = append(o.fb, p.Bound())
		var ix *polyIndex
		if len(o.segs)-first >= denseRing {
			ix = newPolyIndex(p, o.segs, first)
		}
		o.pip = append(o.pip, ix)
	}
	for _, l := range o.walls {
		for i := 0; i+1 < len(l); i++ {
			o.segs = append(o.segs, seg{l[i], l[i+1]})
			o.own = append(o.own, -1)
			grow(l[i])
			grow(l[i+1])
		}
	}
	o.index()
	o.scratch.New = func() any { return &scratch{mark: make([]uint32, len(o.segs))} }
	return o
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// cleanRing returns r closed, without repeated points or points that are
// not finite.
func cleanRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, p := range r {
		if finite(p) && (len(out) == 0 || out[len(out)-1] != p) {
			out = append(out, p)
		}
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 {
		return nil
	}
	return append(out, out[0])
}

// index buckets the segments and footprints on a uniform grid.
func (o *Obstacles) index() {
	b := o.totalBound
	o.bucket = 16
	// Keep the index to about a million buckets.
	for (b.Max[0]-b.Min[0])/o.bucket*(b.Max[1]-b.Min[1])/o.bucket > 1<<20 {
		o.bucket *= 2
	}
	o.bx0, o.by0 = b.Min[0], b.Min[1]
	o.bcols = int((b.Max[0]-b.Min[0])/o.bucket) + 1
	o.brows = int((b.Max[1]-b.Min[1])/o.bucket) + 1
	n := o.bcols * o.brows
	fill := func(count int, bound func(i int) orb.Bound) ([]int32, []int32) {
		start := make([]int32, n+1)
		for pass := 0; pass < 2; pass++ {
			if pass == 1 {
				t := int32(0)
				for k := range start {
					c := start[k]
					start[k] = t
					t += c
				}
			}
			var ids []int32
			if pass == 1 {
				ids = make([]int32, start[n])
			}
			for i := 0; i < count; i++ {
				c0, r0, c1, r1 := o.buckets(bound(i))
				for r := r0; r <= r1; r++ {
					for c := c0; c <= c1; c++ {
						k := r*o.bcols + c
						if pass == 0 {
							start[k]++
						} else {
							ids[start[k]] = int32(i)
							start[k]++
						}
					}
				}
			}
			if pass == 1 {
				// start[k] now holds the end of bucket k: shift back.
				copy(start[1:], start[:n])
				start[0] = 0
				return start, ids
			}
		}
		return nil, nil
	}
	o.segStart, o.segIDs = fill(len(o.segs), func(i int) orb.Bound {
		return orb.Bound{Min: o.segs[i].a, Max: o.segs[i].a}.Extend(o.segs[i].b)
	})
	o.footStart, o.footIDs = fill(len(o.foot), func(i int) orb.Bound { return o.fb[i] })
}

// buckets returns the range of buckets b meets, clipped to the index.
func (o *Obstacles) buckets(b orb.Bound) (c0, r0, c1, r1 int) {
	clampi := func(v float64, hi int) int {
		switch {
		case v < 0:
			return 0
		case v > float64(hi):
			return hi
		}
		return int(v)
	}
	c0 = clampi((b.Min[0]-o.bx0)/o.bucket, o.bcols-1)
	c1 = clampi((b.Max[0]-o.bx0)/o.bucket, o.bcols-1)
	r0 = clampi((b.Min[1]-o.by0)/o.bucket, o.brows-1)
	r1 = clampi((b.Max[1]-o.by0)/o.bucket, o.brows-1)
	return
}

// Footprints returns the footprints, outer rings counter-clockwise and
// holes clockwise, closed. The caller must not modify them.
func (o *Obstacles) Footprints() []orb.Polygon { return o.foot }

// Source returns the index in the footprints given to New of footprint i
// of Footprints (New leaves out footprints it cannot use).
func (o *Obstacles) Source(i int) int { return o.src[i] }

// Walls returns the walls and fences. The caller must not modify them.
func (o *Obstacles) Walls() []orb.LineString { return o.walls }

// Bound returns the extent of all obstacles.
func (o *Obstacles) Bound() orb.Bound { return o.totalBound }

// Inside returns the index (in Footprints) of the footprint that contains
// p, or -1. A point on an outline counts as inside. A footprint of many
// edges is tested through a strip index, in time proportional to the
// edges a vertical line through p meets.
func (o *Obstacles) Inside(p orb.Point) int {
	if len(o.foot) == 0 || !finite(p) {
		return -1
	}
	c0, r0, c1, r1 := o.buckets(orb.Bound{Min: p, Max: p})
	if c0 != c1 || r0 != r1 {
		return -1
	}
	k := r0*o.bcols + c0
	best := -1
	for _, i := range o.footIDs[o.footStart[k]:o.footStart[k+1]] {
		if (best >= 0 && int(i) > best) || !o.fb[i].Contains(p) {
			continue
		}
		if ix := o.pip[i]; ix != nil {
			if ix.contains(o.segs, p) {
				best = int(i)
			}
		} else if planar.PolygonContains(o.foot[i], p) {
			best = int(i)
		}
	}
	return best
}

// Nearest returns the point q of an obstacle outline (footprint ring or
// wall) nearest to p within radius metres, the unit normal of that
// outline pointing out of the footprint (for a wall: to its right), the
// index of the footprint (-1 for a wall) and the distance from p to q; ok
// is false when there is none within radius.
func (o *Obstacles) Nearest(p orb.Point, radius float64) (q, normal orb.Point, foot int, d float64, ok bool) {
	if len(o.segs) == 0 || !finite(p) {
		return q, normal, -1, 0, false
	}
	best := radius * radius
	bestSeg := -1
	o.near(p, radius, func(i int32) {
		s := o.segs[i]
		if d2 := planar.DistanceFromSegmentSquared(s.a, s.b, p); d2 <= best {
			if d2 < best || int(i) < bestSeg {
				best, bestSeg = d2, int(i)
			}
		}
	})
	if bestSeg < 0 {
		return q, normal, -1, 0, false
	}
	s := o.segs[bestSeg]
	d0 := orb.Point{s.b[0] - s.a[0], s.b[1] - s.a[1]}
	t := 0.0
	if l2 := d0[0]*d0[0] + d0[1]*d0[1]; l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-s.a[0])*d0[0]+(p[1]-s.a[1])*d0[1])/l2))
	}
	q = orb.Point{s.a[0] + t*d0[0], s.a[1] + t*d0[1]}
	if l := math.Hypot(d0[0], d0[1]); l > 0 {
		normal = orb.Point{d0[1] / l, -d0[0] / l} // right of the edge: outside a CCW ring
	}
	return q, normal, int(o.own[bestSeg]), math.Sqrt(best), true
}

// scratch is per-goroutine working memory of a query.
type scratch struct {
	mark []uint32
	gen  uint32
	ids  []int32
}

// near calls fn once for every segment whose bucket lies within radius of
// p (a superset of the segments within radius).
func (o *Obstacles) near(p orb.Point, radius float64, fn func(i int32)) {
	sc := o.scratch.Get().(*scratch)
	defer o.scratch.Put(sc)
	for _, i := range o.collect(sc, orb.Bound{Min: orb.Point{p[0] - radius, p[1] - radius}, Max: orb.Point{p[0] + radius, p[1] + radius}}) {
		fn(i)
	}
}

// collect returns the ids of the segments in the buckets b meets, each
// once, in increasing order. The slice belongs to sc.
func (o *Obstacles) collect(sc *scratch, b orb.Bound) []int32 {
	sc.ids = sc.ids[:0]
	if len(o.segs) == 0 || b.Max[0] < o.totalBound.Min[0] || b.Max[1] < o.totalBound.Min[1] ||
		b.Min[0] > o.totalBound.Max[0] || b.Min[1] > o.totalBound.Max[1] {
		return sc.ids
	}
	sc.gen++
	if sc.gen == 0 {
		clear(sc.mark)
		sc.gen = 1
	}
	c0, r0, c1, r1 := o.buckets(b)
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			k := r*o.bcols + c
			for _, i := range o.segIDs[o.segStart[k]:o.segStart[k+1]] {
				if sc.mark[i] != sc.gen {
					sc.mark[i] = sc.gen
					sc.ids = append(sc.ids, i)
				}
			}
		}
	}
	slices.Sort(sc.ids)
	return sc.ids
}

package visibility

import (
	"math"

	"github.com/paulmach/orb"
)

// denseRing is the number of edges from which a footprint gets a strip
// index for Inside: below it, testing every edge is as fast.
const denseRing = 64

// polyIndex answers point-in-polygon for one footprint in time
// proportional to the edges a vertical line through the point meets,
// not to all its edges: the footprint's x range is cut into strips, and
// each strip lists the edges whose x range meets it, ring by ring.
type polyIndex struct {
	x0, w  float64 // first strip's left side, strip width
	strips int
	start  []int32 // CSR: edges of strip k are edges[start[k]:start[k+1]]
	edges  []int32 // into segs, ascending (so ring by ring, outer first)
	ring   []int32 // ring of each segment of the footprint, by segment - first
	first  int32   // first segment of the footprint in segs
	bounds []orb.Bound
}

// newPolyIndex indexes footprint p, whose segments are segs[first:],
// ring after ring.
func newPolyIndex(p orb.Polygon, segs []seg, first int) *polyIndex {
	ix := &polyIndex{first: int32(first)}
	n := 0
	for ri, r := range p {
		ix.bounds = append(ix.bounds, r.Bound())
		for i := 0; i+1 < len(r); i++ {
			ix.ring = append(ix.ring, int32(ri))
			n++
		}
	}
	b := ix.bounds[0]
	width := b.Max[0] - b.Min[0]
	// Strips: about four edges each, but no more than keep the edges
	// listed to five times their number (long edges span many strips).
	var spread float64
	for _, s := range segs[first : first+n] {
		spread += math.Abs(s.b[0] - s.a[0])
	}
	k := max(1, n/4)
	if spread > 0 && width > 0 {
		k = max(1, min(k, int(4*float64(n)*width/spread)))
	}
	if !(width > 0) {
		k = 1
	}
	ix.x0, ix.strips = b.Min[0], k
	ix.w = width / float64(k)
	if !(ix.w > 0) {
		ix.w = 1
	}
	ix.start = make([]int32, k+1)
	span := func(s seg) (int, int) {
		return ix.strip(math.Min(s.a[0], s.b[0])), ix.strip(math.Max(s.a[0], s.b[0]))
	}
	for _, s := range segs[first : first+n] {
		s0, s1 := span(s)
		for j := s0; j <= s1; j++ {
			ix.start[j+1]++
		}
	}
	for j := 0; j < k; j++ {
		ix.start[j+1] += ix.start[j]
	}
	ix.edges = make([]int32, ix.start[k])
	fill := append([]int32(nil), ix.start[:k]...)
	for i, s := range segs[first : first+n] {
		s0, s1 := span(s)
		for j := s0; j <= s1; j++ {
			ix.edges[fill[j]] = int32(first + i)
			fill[j]++
		}
	}
	return ix
}

// strip returns the strip of x, clamped to the index.
func (ix *polyIndex) strip(x float64) int {
	v := math.Floor((x - ix.x0) / ix.w)
	switch {
	case !(v >= 0):
		return 0
	case v >= float64(ix.strips):
		return ix.strips - 1
	}
	return int(v)
}

// contains reports whether p lies in the footprint, with the same
// answer as planar.PolygonContains: inside or on the outer ring, and
// neither inside nor on a hole.
func (ix *polyIndex) contains(segs []seg, p orb.Point) bool {
	if !ix.bounds[0].Contains(p) {
		return false
	}
	k := ix.strip(p[0])
	cur, in, on := int32(-1), false, false
	outer := false
	// done settles ring cur; it returns false when the answer is known
	// to be "outside".
	done := func() bool {
		if cur < 0 {
			return true
		}
		c := (in || on) && ix.bounds[cur].Contains(p)
		if cur == 0 {
			outer = c
			return c
		}
		return !c
	}
	for _, e := range ix.edges[ix.start[k]:ix.start[k+1]] {
		r := ix.ring[e-ix.first]
		if r != cur {
			if !done() {
				return false
			}
			if cur < 0 && r != 0 {
				return false // the outer ring does not reach this strip
			}
			cur, in, on = r, false, false
		}
		if on {
			continue
		}
		x, o := rayIntersect(p, segs[e].a, segs[e].b)
		if o {
			on = true
		} else if x {
			in = !in
		}
	}
	if !done() {
		return false
	}
	return outer
}

// rayIntersect is planar's test of a vertical ray from p against the
// segment s-e: whether it crosses it, and whether p lies on it. It is
// the same rule as planar.RingContains, so that both agree to the bit.
func rayIntersect(p, s, e orb.Point) (intersects, on bool) {
	if s[0] > e[0] {
		s, e = e, s
	}
	switch p[0] {
	case s[0]:
		if p[1] == s[1] {
			return false, true
		} else if s[0] == e[0] {
			if s[1] > e[1] && s[1] >= p[1] && p[1] >= e[1] {
				return false, true
			}
			if e[1] > s[1] && e[1] >= p[1] && p[1] >= s[1] {
				return false, true
			}
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	case e[0]:
		if p[1] == e[1] {
			return false, true
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	}
	if p[0] < s[0] || p[0] > e[0] {
		return false, false
	}
	if s[1] > e[1] {
		if p[1] > s[1] {
			return false, false
		} else if p[1] < e[1] {
			return true, false
		}
	} else {
		if p[1] > e[1] {
			return false, false
		} else if p[1] < s[1] {
			return true, false
		}
	}
	rs := (p[1] - s[1]) / (p[0] - s[0])
	ds := (e[1] - s[1]) / (e[0] - s[0])
	if rs == ds {
		return false, true
	}
	return rs <= ds, false
}

package grid

import (
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Outline returns the cells of g for which in(i) is true as polygons in
// metres: each connected group of cells (cells touching only at a corner
// are separate groups) becomes one polygon whose outer ring runs
// counter-clockwise and whose holes run clockwise, as RFC 7946 asks.
// Vertices lie on cell corners; collinear vertices are left out. The
// polygons come in a fixed order (by their lowest row, then column), so
// equal input gives equal output.
func (g Grid) Outline(in func(i int) bool) orb.MultiPolygon {
	cols, rows := g.Cols, g.Rows
	inside := func(c, r int) bool {
		return c >= 0 && r >= 0 && c < cols && r < rows && in(r*cols+c)
	}
	// Directed boundary edges with the cells on their left, between
	// lattice points numbered r*(cols+1)+c. Horizontal edges are merged
	// into runs.
	type edge struct{ from, to int32 }
	var edges []edge
	vid := func(c, r int) int32 { return int32(r*(cols+1) + c) }
	for r := 0; r <= rows; r++ {
		// Bottom sides of row r (east-going) and top sides of row r-1
		// (west-going).
		for c := 0; c < cols; {
			up, down := inside(c, r), inside(c, r-1)
			if up == down {
				c++
				continue
			}
			c0 := c
			for c < cols && inside(c, r) == up && inside(c, r-1) == down {
				c++
			}
			if up {
				edges = append(edges, edge{vid(c0, r), vid(c, r)})
			} else {
				edges = append(edges, edge{vid(c, r), vid(c0, r)})
			}
		}
	}
	for r := 0; r < rows; r++ {
		for c := 0; c <= cols; c++ {
			left, right := inside(c-1, r), inside(c, r)
			switch {
			case right && !left: // west side of cell (c, r): south-going
				edges = append(edges, edge{vid(c, r+1), vid(c, r)})
			case left && !right: // east side of cell (c-1, r): north-going
				edges = append(edges, edge{vid(c, r), vid(c, r+1)})
			}
		}
	}
	if len(edges) == 0 {
		return nil
	}
	// Outgoing edges per start point: at most two (at a saddle).
	out := make(map[int32][2]int32, len(edges))
	for i, e := range edges {
		o, ok := out[e.from]
		if !ok {
			o = [2]int32{-1, -1}
		}
		if o[0] < 0 {
			o[0] = int32(i)
		} else {
			o[1] = int32(i)
		}
		out[e.from] = o
	}
	xy := func(v int32) (int, int) { return int(v) % (cols + 1), int(v) / (cols + 1) }
	dir := func(e edge) (int, int) {
		c0, r0 := xy(e.from)
		c1, r1 := xy(e.to)
		return sign(c1 - c0), sign(r1 - r0)
	}
	used := make([]bool, len(edges))
	type ring struct {
		pts  orb.Ring
		area float64
	}
	var outers, holes []ring
	for start := range edges {
		if used[start] {
			continue
		}
		var lattice [][2]int
		e := start
		for !used[e] {
			used[e] = true
			c, r := xy(edges[e].from)
			lattice = append(lattice, [2]int{c, r})
			next := out[edges[e].to]
			n := next[0]
			if next[1] >= 0 {
				// A saddle: turn left, keeping to the cells of this ring.
				dx, dy := dir(edges[e])
				for _, k := range next {
					if used[k] {
						continue
					}
					ex, ey := dir(edges[k])
					if dx*ey-dy*ex > 0 {
						n = k
						break
					}
				}
				if used[n] {
					n = next[1]
				}
			}
			e = int(n)
		}
		for _, loop := range splitLoops(lattice) {
			pts := simplify(loop)
			if len(pts) < 3 {
				continue
			}
			r := make(orb.Ring, 0, len(pts)+1)
			for _, p := range pts {
				r = append(r, orb.Point{g.X0 + float64(p[0])*g.Cell, g.Y0 + float64(p[1])*g.Cell})
			}
			r = append(r, r[0])
			a := planar.Area(r)
			if r.Orientation() == orb.CCW {
				outers = append(outers, ring{r, a})
			} else {
				holes = append(holes, ring{r, a})
			}
		}
	}
	polys := make(orb.MultiPolygon, len(outers))
	bounds := make([]orb.Bound, len(outers))
	for i, o := range outers {
		polys[i] = orb.Polygon{o.pts}
		bounds[i] = o.pts.Bound()
	}
	for _, h := range holes {
		// A point just left of the hole's first edge lies in the cells
		// around the hole: the smallest outer ring holding it owns the hole.
		a, b := h.pts[0], h.pts[1]
		d := orb.Point{(b[0] - a[0]), (b[1] - a[1])}
		l := max(abs(d[0]), abs(d[1]))
		p := orb.Point{(a[0]+b[0])/2 - d[1]/l*g.Cell/2, (a[1]+b[1])/2 + d[0]/l*g.Cell/2}
		best := -1
		for i, o := range outers {
			if bounds[i].Contains(p) && planar.RingContains(o.pts, p) && (best < 0 || o.area < outers[best].area) {
				best = i
			}
		}
		if best >= 0 {
			polys[best] = append(polys[best], h.pts)
		}
	}
	return polys
}

// splitLoops splits a closed path that passes a point more than once (a
// hole whose cells touch at a corner) into simple loops, which then touch
// at that point as OGC Simple Features allow.
func splitLoops(pts [][2]int) [][][2]int {
	var out [][][2]int
	var path [][2]int
	at := map[[2]int]int{}
	for _, p := range pts {
		if i, ok := at[p]; ok {
			loop := append([][2]int(nil), path[i:]...)
			out = append(out, loop)
			for _, q := range path[i+1:] {
				delete(at, q)
			}
			path = path[:i+1]
			continue
		}
		at[p] = len(path)
		path = append(path, p)
	}
	return append(out, path)
}

// simplify drops lattice points that lie on a straight line between their
// neighbours and starts the ring at its lowest, then westernmost point.
func simplify(pts [][2]int) [][2]int {
	n := len(pts)
	var out [][2]int
	for i := 0; i < n; i++ {
		a, b, c := pts[(i+n-1)%n], pts[i], pts[(i+1)%n]
		if (b[0]-a[0])*(c[1]-b[1])-(b[1]-a[1])*(c[0]-b[0]) != 0 {
			out = append(out, b)
		}
	}
	lo := 0
	for i, p := range out {
		if p[1] < out[lo][1] || (p[1] == out[lo][1] && p[0] < out[lo][0]) {
			lo = i
		}
	}
	return slices.Concat(out[lo:], out[:lo])
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// Package snap finds the vertex or edge of a geometry nearest to a point
// and edits the vertices of orb geometries. Coordinates are in whatever
// plane the caller chooses (world pixels, metres); distances are in the
// same units. Geometries are never modified in place: edits return copies.
package snap

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Kind is what a snap hit: nothing, a vertex or an edge.
type Kind int

// The kinds of Hit.
const (
	None Kind = iota
	Vertex
	Edge
)

func (k Kind) String() string {
	switch k {
	case Vertex:
		return "vertex"
	case Edge:
		return "edge"
	}
	return "none"
}

// Target is a geometry that may be snapped to, with the feature it belongs to.
type Target struct {
	Layer string
	FID   int64
	Geom  orb.Geometry
}

// Path addresses a vertex of a geometry: Part is the polygon of a
// MultiPolygon, the line of a MultiLineString or the point of a
// MultiPoint; Ring the ring of a polygon (0 the outer); Index the vertex
// within its line or ring. Fields that do not apply are 0.
type Path struct {
	Part, Ring, Index int
}

// Hit is the result of Snap: the snapped point, whether it is a vertex or a
// point on an edge, the feature, the vertex (for an edge, its start) and the
// distance from the asked point.
type Hit struct {
	Point  orb.Point
	Kind   Kind
	Layer  string
	FID    int64
	Vertex Path
	Dist   float64
}

// Errors of the vertex edits.
var (
	ErrNoVertex = errors.New("snap: no such vertex")
	ErrTooFew   = errors.New("snap: too few vertices left")
	ErrGeometry = errors.New("snap: geometry type not supported")
)

// line is one line or ring of a geometry with the address of its vertices.
type line struct {
	part, ring int
	pts        []orb.Point
	closed     bool // a ring: the last point repeats the first
}

// lines calls f for every line, ring and point of g (a point is a line of
// one vertex).
func lines(g orb.Geometry, f func(l line)) {
	switch g := g.(type) {
	case orb.Point:
		f(line{pts: []orb.Point{g}})
	case orb.MultiPoint:
		for i, p := range g {
			f(line{part: i, pts: []orb.Point{p}})
		}
	case orb.LineString:
		f(line{pts: g})
	case orb.MultiLineString:
		for i, l := range g {
			f(line{part: i, pts: l})
		}
	case orb.Ring:
		f(line{pts: g, closed: isClosed(g)})
	case orb.Polygon:
		for j, r := range g {
			f(line{ring: j, pts: r, closed: isClosed(r)})
		}
	case orb.MultiPolygon:
		for i, pg := range g {
			for j, r := range pg {
				f(line{part: i, ring: j, pts: r, closed: isClosed(r)})
			}
		}
	case orb.Collection:
		for _, c := range g {
			lines(c, f)
		}
	}
}

func isClosed(r []orb.Point) bool { return len(r) > 1 && r[0] == r[len(r)-1] }

func dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// project returns the point of segment a-b nearest to p.
func project(a, b, p orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return a
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
	switch {
	case t <= 0:
		return a
	case t >= 1:
		return b
	}
	return orb.Point{a[0] + t*dx, a[1] + t*dy}
}

// NearestVertex returns the vertex of g nearest to p and its distance; ok
// is false when g has no vertex. A ring's closing vertex is reported as its
// first (Index 0).
func NearestVertex(g orb.Geometry, p orb.Point) (Path, float64, bool) {
	best, bd, ok := Path{}, math.Inf(1), false
	lines(g, func(l line) {
		n := len(l.pts)
		if l.closed {
			n--
		}
		for i := 0; i < n; i++ {
			if d := dist(l.pts[i], p); d < bd {
				best, bd, ok = Path{l.part, l.ring, i}, d, true
			}
		}
	})
	return best, bd, ok
}

// NearestEdge returns the edge of g nearest to p (Path.Index is the index
// of its first vertex), the nearest point on it and the distance; ok is
// false when g has no edge (a point).
func NearestEdge(g orb.Geometry, p orb.Point) (Path, orb.Point, float64, bool) {
	best, bp, bd, ok := Path{}, orb.Point{}, math.Inf(1), false
	lines(g, func(l line) {
		for i := 0; i+1 < len(l.pts); i++ {
			q := project(l.pts[i], l.pts[i+1], p)
			if d := dist(q, p); d < bd {
				best, bp, bd, ok = Path{l.part, l.ring, i}, q, d, true
			}
		}
	})
	return best, bp, bd, ok
}

// edit calls f with a copy of the line of g that at addresses (and whether
// it is a closed ring) and puts back what f returns.
func edit(g orb.Geometry, at Path, f func(pts []orb.Point, closed bool) ([]orb.Point, error)) (orb.Geometry, error) {
	cp := func(pts []orb.Point) []orb.Point { return append([]orb.Point(nil), pts...) }
	bad := func() (orb.Geometry, error) {
		return nil, fmt.Errorf("%w: %+v in a %s", ErrNoVertex, at, g.GeoJSONType())
	}
	switch g := g.(type) {
	case orb.LineString:
		if at.Part != 0 || at.Ring != 0 {
			return bad()
		}
		out, err := f(cp(g), false)
		return orb.LineString(out), err
	case orb.MultiLineString:
		if at.Part < 0 || at.Part >= len(g) || at.Ring != 0 {
			return bad()
		}
		out := g.Clone()
		l, err := f(cp(g[at.Part]), false)
		out[at.Part] = l
		return out, err
	case orb.Ring:
		if at.Part != 0 || at.Ring != 0 {
			return bad()
		}
		out, err := f(cp(g), isClosed(g))
		return orb.Ring(out), err
	case orb.Polygon:
		if at.Part != 0 || at.Ring < 0 || at.Ring >= len(g) {
			return bad()
		}
		out := g.Clone()
		r, err := f(cp(g[at.Ring]), isClosed(g[at.Ring]))
		out[at.Ring] = r
		return out, err
	case orb.MultiPolygon:
		if at.Part < 0 || at.Part >= len(g) || at.Ring < 0 || at.Ring >= len(g[at.Part]) {
			return bad()
		}
		out := g.Clone()
		r, err := f(cp(g[at.Part][at.Ring]), isClosed(g[at.Part][at.Ring]))
		out[at.Part][at.Ring] = r
		return out, err
	case nil:
		return nil, ErrGeometry
	}
	return nil, fmt.Errorf("%w: %s", ErrGeometry, g.GeoJSONType())
}

// MoveVertex returns g with the vertex at moved to to. Moving the first (or
// closing) vertex of a ring moves both, so the ring stays closed.
func MoveVertex(g orb.Geometry, at Path, to orb.Point) (orb.Geometry, error) {
	switch g := g.(type) {
	case orb.Point:
		if at != (Path{}) {
			return nil, fmt.Errorf("%w: %+v in a Point", ErrNoVertex, at)
		}
		return to, nil
	case orb.MultiPoint:
		if at.Part < 0 || at.Part >= len(g) || at.Ring != 0 || at.Index != 0 {
			return nil, fmt.Errorf("%w: %+v in a MultiPoint", ErrNoVertex, at)
		}
		out := g.Clone()
		out[at.Part] = to
		return out, nil
	}
	return edit(g, at, func(pts []orb.Point, closed bool) ([]orb.Point, error) {
		i := at.Index
		if i < 0 || i >= len(pts) {
			return nil, fmt.Errorf("%w: vertex %d of %d", ErrNoVertex, i, len(pts))
		}
		pts[i] = to
		if closed && (i == 0 || i == len(pts)-1) {
			pts[0], pts[len(pts)-1] = to, to
		}
		return pts, nil
	})
}

// InsertVertex returns g with p inserted after the vertex at after (on the
// edge that starts there). After the last vertex of a line it extends the
// line; a ring's closing vertex has no edge after it.
func InsertVertex(g orb.Geometry, after Path, p orb.Point) (orb.Geometry, error) {
	return edit(g, after, func(pts []orb.Point, closed bool) ([]orb.Point, error) {
		i := after.Index
		last := len(pts) - 1
		if closed {
			last--
		}
		if i < 0 || i > last {
			return nil, fmt.Errorf("%w: vertex %d of %d", ErrNoVertex, i, len(pts))
		}
		out := make([]orb.Point, 0, len(pts)+1)
		out = append(out, pts[:i+1]...)
		out = append(out, p)
		return append(out, pts[i+1:]...), nil
	})
}

// DeleteVertex returns g without the vertex at at. A line keeps at least 2
// vertices and a ring at least 3 distinct ones (4 with the closing one):
// below that the deletion is refused with ErrTooFew. Deleting a ring's
// first vertex makes the second the first and the closing one. A point has
// no vertex to delete.
func DeleteVertex(g orb.Geometry, at Path) (orb.Geometry, error) {
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		return nil, fmt.Errorf("%w: a point has no vertex to delete; delete the feature", ErrTooFew)
	}
	return edit(g, at, func(pts []orb.Point, closed bool) ([]orb.Point, error) {
		i := at.Index
		if i < 0 || i >= len(pts) {
			return nil, fmt.Errorf("%w: vertex %d of %d", ErrNoVertex, i, len(pts))
		}
		if !closed {
			if len(pts) <= 2 {
				return nil, fmt.Errorf("%w: a line keeps at least 2 vertices", ErrTooFew)
			}
			return append(pts[:i:i], pts[i+1:]...), nil
		}
		if len(pts)-1 <= 3 {
			return nil, fmt.Errorf("%w: a ring keeps at least 3 vertices", ErrTooFew)
		}
		open := pts[:len(pts)-1]
		if i == len(pts)-1 {
			i = 0
		}
		out := append(append([]orb.Point(nil), open[:i]...), open[i+1:]...)
		return append(out, out[0]), nil
	})
}

// Translate returns a copy of g moved by dx, dy. A nil geometry stays nil.
func Translate(g orb.Geometry, dx, dy float64) orb.Geometry {
	mv := func(p orb.Point) orb.Point { return orb.Point{p[0] + dx, p[1] + dy} }
	mvs := func(ps []orb.Point) []orb.Point {
		out := make([]orb.Point, len(ps))
		for i, p := range ps {
			out[i] = mv(p)
		}
		return out
	}
	switch g := g.(type) {
	case orb.Point:
		return mv(g)
	case orb.MultiPoint:
		return orb.MultiPoint(mvs(g))
	case orb.LineString:
		return orb.LineString(mvs(g))
	case orb.Ring:
		return orb.Ring(mvs(g))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, l := range g {
			out[i] = mvs(l)
		}
		return out
	case orb.Polygon:
		out := make(orb.Polygon, len(g))
		for i, r := range g {
			out[i] = mvs(r)
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, pg := range g {
			out[i] = Translate(pg, dx, dy).(orb.Polygon)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = Translate(c, dx, dy)
		}
		return out
	case orb.Bound:
		return orb.Bound{Min: mv(g.Min), Max: mv(g.Max)}
	}
	return g
}

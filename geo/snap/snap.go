// Package snap finds the vertex or edge of a geometry nearest to a point
// and edits the vertices of orb geometries. Coordinates are in whatever
// plane the caller chooses (world pixels, metres); distances are in the
// same units. Geometries are never modified in place: edits return copies.
package snap

import (
	"errors"

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

// Index is a spatial index of snap targets. It is read-only once built and
// safe for concurrent use.
type Index struct {
	ts []Target
}

// NewIndex builds an index of ts. The targets' geometries are not copied
// and must not be modified while the index is in use.
func NewIndex(ts []Target) *Index { return &Index{ts: ts} }

// Snap returns the nearest vertex within tol of p, or else the nearest
// point on an edge within tol; ok is false when nothing is within tol.
func (ix *Index) Snap(p orb.Point, tol float64) (Hit, bool) { return Hit{}, false }

// Errors of the vertex edits.
var (
	ErrNoVertex = errors.New("snap: no such vertex")
	ErrTooFew   = errors.New("snap: too few vertices left")
	ErrGeometry = errors.New("snap: geometry type not supported")
)

// NearestVertex returns the vertex of g nearest to p and its distance; ok
// is false when g has no vertex. A ring's closing vertex is not reported
// apart from its first.
func NearestVertex(g orb.Geometry, p orb.Point) (Path, float64, bool) {
	return Path{}, 0, false
}

// NearestEdge returns the edge of g nearest to p (Path.Index is the index
// of its first vertex), the nearest point on it and the distance; ok is
// false when g has no edge.
func NearestEdge(g orb.Geometry, p orb.Point) (Path, orb.Point, float64, bool) {
	return Path{}, orb.Point{}, 0, false
}

// MoveVertex returns g with the vertex at moved to to. Moving the first (or
// closing) vertex of a ring moves both, so the ring stays closed.
func MoveVertex(g orb.Geometry, at Path, to orb.Point) (orb.Geometry, error) {
	return nil, ErrGeometry
}

// InsertVertex returns g with p inserted after the vertex at after (on the
// edge that starts there).
func InsertVertex(g orb.Geometry, after Path, p orb.Point) (orb.Geometry, error) {
	return nil, ErrGeometry
}

// DeleteVertex returns g without the vertex at at. A line keeps at least 2
// vertices and a ring at least 3 distinct ones (4 with the closing one):
// below that the deletion is refused with ErrTooFew. A point has no vertex
// to delete.
func DeleteVertex(g orb.Geometry, at Path) (orb.Geometry, error) {
	return nil, ErrGeometry
}

// Translate returns a copy of g moved by dx, dy.
func Translate(g orb.Geometry, dx, dy float64) orb.Geometry { return g }

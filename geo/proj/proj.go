// Package proj converts between EPSG:4326 longitude/latitude and a local
// metric plane around a community, where analysis is done in metres.
//
// The local plane is an azimuthal equidistant projection about an origin,
// computed on the WGS 84 ellipsoid with the radii of curvature at the origin.
// Within a few kilometres of the origin its distances are exact to well under
// a centimetre per hundred metres, which is ample for a residential compound
// or a city district.
package proj

import (
	"math"

	"github.com/paulmach/orb"
)

const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
)

// Local is a local tangent plane around Origin (longitude, latitude in
// degrees). X grows east and Y north, both in metres. The zero value is the
// plane around 0°E 0°N. A Local is an immutable value, safe for concurrent use.
type Local struct {
	Origin orb.Point
	mx, my float64 // metres per degree of longitude and latitude at the origin
}

// New returns the local plane around origin (longitude, latitude in degrees).
func New(origin orb.Point) Local {
	lat := origin[1] * math.Pi / 180
	e2 := wgs84F * (2 - wgs84F)
	s := math.Sin(lat)
	w := math.Sqrt(1 - e2*s*s)
	n := wgs84A / w                      // prime vertical radius
	m := wgs84A * (1 - e2) / (w * w * w) // meridional radius
	return Local{
		Origin: origin,
		mx:     n * math.Cos(lat) * math.Pi / 180,
		my:     m * math.Pi / 180,
	}
}

// ToMetres converts a longitude/latitude point to metres east and north of the origin.
func (l Local) ToMetres(p orb.Point) orb.Point {
	l = l.ready()
	return orb.Point{(p[0] - l.Origin[0]) * l.mx, (p[1] - l.Origin[1]) * l.my}
}

// ToLonLat converts metres east and north of the origin to longitude/latitude.
func (l Local) ToLonLat(p orb.Point) orb.Point {
	l = l.ready()
	return orb.Point{l.Origin[0] + p[0]/l.mx, l.Origin[1] + p[1]/l.my}
}

// MetresPerDegree returns the metres per degree of longitude and of latitude at the origin.
func (l Local) MetresPerDegree() (lon, lat float64) {
	l = l.ready()
	return l.mx, l.my
}

func (l Local) ready() Local {
	if l.mx == 0 {
		return New(l.Origin)
	}
	return l
}

// Project applies f to every point of g and returns the new geometry; g is not changed.
func Project(g orb.Geometry, f func(orb.Point) orb.Point) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return f(g)
	case orb.MultiPoint:
		out := make(orb.MultiPoint, len(g))
		for i, p := range g {
			out[i] = f(p)
		}
		return out
	case orb.LineString:
		return orb.LineString(projectPoints(g, f))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			out[i] = projectPoints(ls, f)
		}
		return out
	case orb.Ring:
		return orb.Ring(projectPoints(g, f))
	case orb.Polygon:
		return projectPolygon(g, f)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = projectPolygon(p, f)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = Project(c, f)
		}
		return out
	case orb.Bound:
		return orb.MultiPoint{f(g.Min), f(g.Max)}.Bound()
	}
	return g
}

func projectPoints(ps []orb.Point, f func(orb.Point) orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[i] = f(p)
	}
	return out
}

func projectPolygon(p orb.Polygon, f func(orb.Point) orb.Point) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = projectPoints(r, f)
	}
	return out
}

// Package proj converts between EPSG:4326 longitude/latitude and a local
// metric plane around a community, where analysis is done in metres.
//
// The local plane is the azimuthal equidistant projection about an origin
// on the WGS 84 ellipsoid (PROJ's +proj=aeqd +lat_0 +lon_0 +datum=WGS84):
// a point lies at its geodesic distance from the origin, in the direction
// of its azimuth there. Geodesics are solved with Vincenty's formulae,
// iterated to 1e-14 rad. Against PROJ (gdaltransform) the positions agree
// to within 0.01 mm (measured: 0.002 mm, the precision gdaltransform
// prints) from 10 m to 8 km from the origin at 31° N and at 60° N, and the
// tests hold them to that. Lengths measured on the plane are then off by
// the projection's own scale error only, 1 + d²/6R² across the radius at
// distance d from the origin: under 0.2 mm per 100 m within 20 km, which
// is ample for a residential compound or a district.
package proj

import (
	"math"

	"github.com/paulmach/orb"
)

const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
	wgs84B = wgs84A * (1 - wgs84F)
	// ep2 is the second eccentricity squared, (a²-b²)/b².
	ep2 = (wgs84A*wgs84A - wgs84B*wgs84B) / (wgs84B * wgs84B)
	rad = math.Pi / 180
)

// Local is the azimuthal equidistant plane around Origin (longitude,
// latitude in degrees). X grows east and Y north, both in metres. The
// zero value is the plane around 0°E 0°N. A Local is an immutable value,
// safe for concurrent use.
type Local struct {
	Origin     orb.Point
	mx, my     float64 // metres per degree of longitude and latitude at the origin
	sinU, cosU float64 // the origin's reduced latitude
	set        bool
}

// New returns the local plane around origin (longitude, latitude in degrees).
func New(origin orb.Point) Local {
	lat := origin[1] * rad
	e2 := wgs84F * (2 - wgs84F)
	s := math.Sin(lat)
	w := math.Sqrt(1 - e2*s*s)
	n := wgs84A / w                      // prime vertical radius
	m := wgs84A * (1 - e2) / (w * w * w) // meridional radius
	tanU := (1 - wgs84F) * math.Tan(lat)
	cosU := 1 / math.Sqrt(1+tanU*tanU) // as inverse computes it for p
	return Local{
		Origin: origin,
		mx:     n * math.Cos(lat) * rad,
		my:     m * rad,
		sinU:   tanU * cosU,
		cosU:   cosU,
		set:    true,
	}
}

// ToMetres converts a longitude/latitude point to metres east and north of
// the origin: its geodesic distance from the origin along its azimuth.
func (l Local) ToMetres(p orb.Point) orb.Point {
	l = l.ready()
	s, east, north := l.inverse(p)
	if h := math.Hypot(east, north); h > 0 {
		return orb.Point{s * east / h, s * north / h}
	}
	return orb.Point{}
}

// ToLonLat converts metres east and north of the origin to longitude/latitude.
func (l Local) ToLonLat(p orb.Point) orb.Point {
	l = l.ready()
	s := math.Hypot(p[0], p[1])
	if s == 0 {
		return l.Origin
	}
	return l.direct(math.Atan2(p[0], p[1]), s)
}

// MetresPerDegree returns the metres per degree of longitude and of latitude at the origin.
func (l Local) MetresPerDegree() (lon, lat float64) {
	l = l.ready()
	return l.mx, l.my
}

func (l Local) ready() Local {
	if !l.set {
		return New(l.Origin)
	}
	return l
}

// inverse solves the geodesic from the origin to p (Vincenty's inverse
// formula): its length in metres and its direction at the origin, as a
// vector east and north (not unit length).
func (l Local) inverse(p orb.Point) (s, east, north float64) {
	dLon := math.Remainder(p[0]-l.Origin[0], 360) * rad
	sinU1, cosU1 := l.sinU, l.cosU
	tanU2 := (1 - wgs84F) * math.Tan(p[1]*rad)
	cosU2 := 1 / math.Sqrt(1+tanU2*tanU2)
	sinU2 := tanU2 * cosU2
	lambda := dLon
	var sinL, cosL, sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	for range 50 {
		sinL, cosL = math.Sincos(lambda)
		sinSigma = math.Hypot(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL)
		if sinSigma == 0 {
			return 0, 0, 0 // the origin itself
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2SigmaM = 0 // both on the equator
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		c := wgs84F / 16 * cos2Alpha * (4 + wgs84F*(4-3*cos2Alpha))
		prev := lambda
		lambda = dLon + (1-c)*wgs84F*sinAlpha*(sigma+c*sinSigma*(cos2SigmaM+c*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-14 {
			break
		}
	}
	sinL, cosL = math.Sincos(lambda)
	a, b := vincentyAB(cos2Alpha * ep2)
	s = wgs84B * a * (sigma - deltaSigma(b, sinSigma, cosSigma, cos2SigmaM))
	return s, cosU2 * sinL, cosU1*sinU2 - sinU1*cosU2*cosL
}

// direct walks s metres from the origin along azimuth az (radians
// clockwise from north) on the ellipsoid (Vincenty's direct formula).
func (l Local) direct(az, s float64) orb.Point {
	sinU1, cosU1 := l.sinU, l.cosU
	sinA1, cosA1 := math.Sincos(az)
	sigma1 := math.Atan2(sinU1/cosU1, cosA1)
	sinAlpha := cosU1 * sinA1
	cos2Alpha := 1 - sinAlpha*sinAlpha
	a, b := vincentyAB(cos2Alpha * ep2)
	sigma := s / (wgs84B * a)
	var sinSigma, cosSigma, cos2SigmaM float64
	for range 50 {
		cos2SigmaM = math.Cos(2*sigma1 + sigma)
		sinSigma, cosSigma = math.Sincos(sigma)
		prev := sigma
		sigma = s/(wgs84B*a) + deltaSigma(b, sinSigma, cosSigma, cos2SigmaM)
		if math.Abs(sigma-prev) < 1e-14 {
			break
		}
	}
	cos2SigmaM = math.Cos(2*sigma1 + sigma)
	sinSigma, cosSigma = math.Sincos(sigma)
	x := sinU1*sinSigma - cosU1*cosSigma*cosA1
	lat := math.Atan2(sinU1*cosSigma+cosU1*sinSigma*cosA1, (1-wgs84F)*math.Hypot(sinAlpha, x))
	lambda := math.Atan2(sinSigma*sinA1, cosU1*cosSigma-sinU1*sinSigma*cosA1)
	c := wgs84F / 16 * cos2Alpha * (4 + wgs84F*(4-3*cos2Alpha))
	dLon := lambda - (1-c)*wgs84F*sinAlpha*(sigma+c*sinSigma*(cos2SigmaM+c*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
	return orb.Point{math.Remainder(l.Origin[0]+dLon/rad, 360), lat / rad}
}

// vincentyAB returns Vincenty's series A and B for u² = cos²α·e'².
func vincentyAB(u2 float64) (a, b float64) {
	a = 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	b = u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	return a, b
}

// deltaSigma is Vincenty's Δσ.
func deltaSigma(b, sinSigma, cosSigma, cos2SigmaM float64) float64 {
	c2 := cos2SigmaM * cos2SigmaM
	return b * sinSigma * (cos2SigmaM + b/4*(cosSigma*(-1+2*c2)-b/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*c2)))
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

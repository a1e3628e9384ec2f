package crs

import (
	"fmt"
	"math"
)

// Ellipsoid is a reference ellipsoid: semi-major axis A in metres and
// flattening F.
type Ellipsoid struct {
	Name string
	A, F float64
}

// The ellipsoids the package's systems use.
var (
	WGS84      = Ellipsoid{"WGS 84", 6378137, 1 / 298.257223563}
	GRS80      = Ellipsoid{"GRS 1980", 6378137, 1 / 298.257222101}
	Clarke1866 = Ellipsoid{"Clarke 1866", 6378206.4, 1 - 6356583.8/6378206.4}
)

// e2 is the first eccentricity squared.
func (el Ellipsoid) e2() float64 { return el.F * (2 - el.F) }

// maxDLon is the largest distance in longitude from the central meridian
// (degrees) a TM system accepts; the n⁶ series keeps well under a
// millimetre to about 10° at mid latitudes and degrades beyond.
const maxDLon = 20.0

// TM is a transverse Mercator projection (Gauss-Krüger when K0 is 1) on
// an ellipsoid, with latitude of origin 0. X is easting, Y northing, in
// metres. Its datum is taken as WGS 84 (see the package doc). A TM built
// by NewTM is immutable and safe for concurrent use.
type TM struct {
	name       string
	el         Ellipsoid
	lon0       float64 // central meridian, degrees
	k0, fe, fn float64

	e, ka       float64    // eccentricity; k0 times the rectifying radius
	alpha, beta [6]float64 // Krüger series coefficients
}

// NewTM returns the transverse Mercator projection on el with central
// meridian lon0 (degrees), scale k0 on it, false easting fe and false
// northing fn (metres), named name.
func NewTM(name string, el Ellipsoid, lon0, k0, fe, fn float64) *TM {
	t := &TM{name: name, el: el, lon0: lon0, k0: k0, fe: fe, fn: fn}
	t.e = math.Sqrt(el.e2())
	n := el.F / (2 - el.F)
	n2 := n * n
	n3 := n2 * n
	n4, n5, n6 := n2*n2, n2*n3, n3*n3
	t.ka = k0 * el.A / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	t.alpha = [6]float64{
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	t.beta = [6]float64{
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	return t
}

// Name returns the system's name, its EPSG code first where it has one.
func (t *TM) Name() string { return t.name }

// CentralMeridian returns the central meridian in degrees east.
func (t *TM) CentralMeridian() float64 { return t.lon0 }

// FalseEasting returns the false easting in metres.
func (t *TM) FalseEasting() float64 { return t.fe }

// Project converts geodetic longitude and latitude on the projection's
// own datum (degrees) to easting and northing (metres).
func (t *TM) Project(lon, lat float64) (x, y float64, err error) {
	if !finite(lon, lat) || math.Abs(lat) > 90 {
		return 0, 0, fmt.Errorf("%s: longitude %v, latitude %v: not a position", t.name, lon, lat)
	}
	dl := math.Remainder(lon-t.lon0, 360)
	if math.Abs(dl) > maxDLon {
		return 0, 0, fmt.Errorf("%s: longitude %v is %.1f° from the central meridian %v°; at most %v° is supported", t.name, lon, math.Abs(dl), t.lon0, maxDLon)
	}
	phi, lam := lat*rad, dl*rad
	// Conformal latitude as τ' = tan χ (Karney 2011, eq. 7-9).
	tau := math.Tan(phi)
	var xip, etap float64
	if math.Abs(lat) == 90 {
		xip, etap = math.Copysign(math.Pi/2, lat), 0
	} else {
		sigma := math.Sinh(t.e * math.Atanh(t.e*tau/math.Hypot(1, tau)))
		taup := tau*math.Hypot(1, sigma) - sigma*math.Hypot(1, tau)
		xip = math.Atan2(taup, math.Cos(lam))
		etap = math.Asinh(math.Sin(lam) / math.Hypot(taup, math.Cos(lam)))
	}
	xi, eta := xip, etap
	for j, a := range t.alpha {
		k := 2 * float64(j+1)
		xi += a * math.Sin(k*xip) * math.Cosh(k*etap)
		eta += a * math.Cos(k*xip) * math.Sinh(k*etap)
	}
	return t.fe + t.ka*eta, t.fn + t.ka*xi, nil
}

// Unproject converts easting and northing (metres) to geodetic longitude
// and latitude on the projection's own datum (degrees).
func (t *TM) Unproject(x, y float64) (lon, lat float64, err error) {
	if !finite(x, y) {
		return 0, 0, fmt.Errorf("%s: easting %v, northing %v: not a number", t.name, x, y)
	}
	xi, eta := (y-t.fn)/t.ka, (x-t.fe)/t.ka
	// Beyond maxDLon at the equator, η exceeds about 0.36; refuse what is
	// clearly outside the zone (also false eastings of the wrong zone).
	if math.Abs(eta) > 0.37 || math.Abs(xi) > math.Pi/2*1.01 {
		return 0, 0, fmt.Errorf("%s: easting %v, northing %v lies outside the zone (central meridian %v°, false easting %v m)", t.name, x, y, t.lon0, t.fe)
	}
	xip, etap := xi, eta
	for j, b := range t.beta {
		k := 2 * float64(j+1)
		xip -= b * math.Sin(k*xi) * math.Cosh(k*eta)
		etap -= b * math.Cos(k*xi) * math.Sinh(k*eta)
	}
	s, c := math.Sin(xip), math.Cos(xip)
	sh := math.Sinh(etap)
	lam := math.Atan2(sh, c)
	taup := s / math.Hypot(sh, c)
	tau := t.tauFromTaup(taup)
	lon = t.lon0 + lam/rad
	lon = math.Remainder(lon, 360)
	lat = math.Atan(tau) / rad
	if math.Abs(lon-t.lon0) > maxDLon+1 && math.Abs(math.Remainder(lon-t.lon0, 360)) > maxDLon+1 {
		return 0, 0, fmt.Errorf("%s: easting %v, northing %v lies outside the zone", t.name, x, y)
	}
	return lon, lat, nil
}

// tauFromTaup inverts the conformal latitude by Newton's method
// (Karney 2011, eq. 19-21), converging to machine precision in 2-3 steps.
func (t *TM) tauFromTaup(taup float64) float64 {
	e2m := 1 - t.e*t.e
	tau := taup / e2m
	for range 6 {
		sigma := math.Sinh(t.e * math.Atanh(t.e*tau/math.Hypot(1, tau)))
		tp := tau*math.Hypot(1, sigma) - sigma*math.Hypot(1, tau)
		d := (taup - tp) / math.Hypot(1, tp) * (1 + e2m*tau*tau) / (e2m * math.Hypot(1, tau))
		tau += d
		if math.Abs(d) < 1e-15*math.Max(1, math.Abs(tau)) {
			break
		}
	}
	return tau
}

// ToWGS84 converts easting and northing (metres) to WGS 84 longitude and
// latitude (degrees).
func (t *TM) ToWGS84(x, y float64) (lon, lat float64, err error) {
	return t.Unproject(x, y)
}

// FromWGS84 converts WGS 84 longitude and latitude (degrees) to easting
// and northing (metres).
func (t *TM) FromWGS84(lon, lat float64) (x, y float64, err error) {
	if !finite(lon, lat) || math.Abs(lat) > 90 {
		return 0, 0, fmt.Errorf("%s: longitude %v, latitude %v: not a position", t.name, lon, lat)
	}
	return t.Project(lon, lat)
}

package crs

import (
	"fmt"
	"math"
)

// The Chinese map apps' systems.
var (
	// GCJ-02 (国测局, "Mars coordinates"), used by AMap/高德 and Tencent
	// maps: WGS 84 shifted by an obfuscating offset of up to several
	// hundred metres inside China, none outside.
	GCJ02 CRS = gcj02{}
	// BD-09, used by Baidu maps: GCJ-02 shifted again.
	BD09 CRS = bd09{}
)

const (
	krasA  = 6378245.0              // the Krasovsky ellipsoid the offset is scaled on
	krasE2 = 0.00669342162296594323 // its first eccentricity squared
	bdXPi  = math.Pi * 3000 / 180
)

// outOfChina is the box outside which GCJ-02 applies no offset.
func outOfChina(lon, lat float64) bool {
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

func gcjOffset(lon, lat float64) (dlon, dlat float64) {
	x, y := lon-105, lat-35
	sx := math.Sqrt(math.Abs(x))
	dlat = -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*sx
	dlat += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	dlat += (20*math.Sin(y*math.Pi) + 40*math.Sin(y/3*math.Pi)) * 2 / 3
	dlat += (160*math.Sin(y/12*math.Pi) + 320*math.Sin(y*math.Pi/30)) * 2 / 3
	dlon = 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*sx
	dlon += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	dlon += (20*math.Sin(x*math.Pi) + 40*math.Sin(x/3*math.Pi)) * 2 / 3
	dlon += (150*math.Sin(x/12*math.Pi) + 300*math.Sin(x/30*math.Pi)) * 2 / 3
	r := lat * rad
	magic := 1 - krasE2*math.Sin(r)*math.Sin(r)
	sq := math.Sqrt(magic)
	dlat = dlat * 180 / ((krasA * (1 - krasE2)) / (magic * sq) * math.Pi)
	dlon = dlon * 180 / (krasA / sq * math.Cos(r) * math.Pi)
	return dlon, dlat
}

// wgsToGCJ is the published forward transform.
func wgsToGCJ(lon, lat float64) (float64, float64) {
	if outOfChina(lon, lat) {
		return lon, lat
	}
	dlon, dlat := gcjOffset(lon, lat)
	return lon + dlon, lat + dlat
}

// invert solves f(p) = q for p by fixed-point iteration from q, which
// converges because f is the identity plus a small smooth offset; to
// under 1e-10° (about 0.01 mm).
func invert(f func(lon, lat float64) (float64, float64), qlon, qlat float64) (float64, float64) {
	lon, lat := qlon, qlat
	for range 30 {
		flon, flat := f(lon, lat)
		dlon, dlat := qlon-flon, qlat-flat
		lon, lat = lon+dlon, lat+dlat
		if math.Abs(dlon) < 1e-11 && math.Abs(dlat) < 1e-11 {
			break
		}
	}
	return lon, lat
}

func checkLonLat(name string, x, y float64) error {
	if !finite(x, y) || math.Abs(x) > 180 || math.Abs(y) > 90 {
		return fmt.Errorf("%s: %v, %v is not a longitude and latitude", name, x, y)
	}
	return nil
}

type gcj02 struct{}

func (gcj02) Name() string { return "GCJ-02" }

func (g gcj02) ToWGS84(x, y float64) (float64, float64, error) {
	if err := checkLonLat(g.Name(), x, y); err != nil {
		return 0, 0, err
	}
	if outOfChina(x, y) {
		return x, y, nil
	}
	lon, lat := invert(wgsToGCJ, x, y)
	return lon, lat, nil
}

func (g gcj02) FromWGS84(lon, lat float64) (float64, float64, error) {
	if err := checkLonLat(g.Name(), lon, lat); err != nil {
		return 0, 0, err
	}
	x, y := wgsToGCJ(lon, lat)
	return x, y, nil
}

// gcjToBD is Baidu's published transform from GCJ-02.
func gcjToBD(lon, lat float64) (float64, float64) {
	z := math.Hypot(lon, lat) + 0.00002*math.Sin(lat*bdXPi)
	t := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*bdXPi)
	return z*math.Cos(t) + 0.0065, z*math.Sin(t) + 0.006
}

type bd09 struct{}

func (bd09) Name() string { return "BD-09" }

func (b bd09) ToWGS84(x, y float64) (float64, float64, error) {
	if err := checkLonLat(b.Name(), x, y); err != nil {
		return 0, 0, err
	}
	glon, glat := invert(gcjToBD, x, y)
	return GCJ02.ToWGS84(glon, glat)
}

func (b bd09) FromWGS84(lon, lat float64) (float64, float64, error) {
	glon, glat, err := GCJ02.FromWGS84(lon, lat)
	if err != nil {
		return 0, 0, fmt.Errorf("BD-09: %w", err)
	}
	x, y := gcjToBD(glon, glat)
	return x, y, nil
}

// Package crs converts coordinates between the systems a community's
// registers arrive in and WGS 84 longitude and latitude: WGS 84 and
// CGCS2000 geographic, the Chinese map apps' GCJ-02 (高德, 腾讯) and BD-09
// (百度), UTM, the CGCS2000 3° and 6° Gauss-Krüger zones and Ontario's
// NAD27(76) MTM zone 10.
//
// Sources: transverse Mercator after Karney, "Transverse Mercator with an
// accuracy of a few nanometers", J. Geodesy 85 (2011), the Krüger series to
// n⁶ (well under a millimetre within a zone); GCJ-02 and BD-09 after the
// published forward transforms (as in googollee/eviltransform and
// wandergis/coordtransform), inverted here by iteration to under a
// millimetre; the EPSG dataset for the zones' parameters. CGCS2000 and
// NAD83 are taken as WGS 84: they differ by less than a metre, well within
// what a register's positions hold. NAD27 is taken as WGS 84 too, as GDAL
// and PROJ do without their NTv2 grids and as the registers that give both
// NAD27 X/Y and latitude/longitude computed them (Toronto's agree to a few
// millimetres); a grid-based NAD27 to WGS 84 would move Toronto about 20 m.
package crs

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// CRS is a coordinate system: x is easting or longitude, y northing or
// latitude. Both conversions refuse what is not a position of the system
// (NaN, infinities, a point outside its zone) with an error saying so.
type CRS interface {
	Name() string
	ToWGS84(x, y float64) (lon, lat float64, err error)
	FromWGS84(lon, lat float64) (x, y float64, err error)
}

const rad = math.Pi / 180

func finite(a, b float64) bool {
	return !math.IsNaN(a) && !math.IsNaN(b) && !math.IsInf(a, 0) && !math.IsInf(b, 0)
}

// geographic is longitude and latitude on a datum taken as WGS 84.
type geographic struct{ name string }

func (g geographic) Name() string { return g.name }

func (g geographic) ToWGS84(x, y float64) (float64, float64, error) {
	if !finite(x, y) || math.Abs(x) > 180 || math.Abs(y) > 90 {
		return 0, 0, fmt.Errorf("%s: %v, %v is not a longitude and latitude", g.name, x, y)
	}
	return x, y, nil
}

func (g geographic) FromWGS84(lon, lat float64) (float64, float64, error) { return g.ToWGS84(lon, lat) }

// The geographic systems.
var (
	WGS84Geographic    CRS = geographic{"EPSG:4326 WGS 84"}
	CGCS2000Geographic CRS = geographic{"EPSG:4490 CGCS2000"}
)

// Names lists the systems Parse takes, for help texts.
func Names() []string {
	return []string{
		"WGS84 (EPSG:4326)", "GCJ-02 (火星坐标, 高德/腾讯)", "BD-09 (百度)", "CGCS2000 (EPSG:4490)",
		"UTM 50N (EPSG:32650; 326NN/327NN; NAD83 269NN)",
		"CGCS2000 GK 3° zone 39 (EPSG:4513-4533, zone-prefixed easting)",
		"CGCS2000 GK 3° CM 117E (EPSG:4534-4554)",
		"CGCS2000 GK 6° zone 20 (EPSG:4491-4501) / CM 117E (EPSG:4502-4512)",
		"EPSG:2019 (NAD27(76) / MTM zone 10, Ontario)",
	}
}

var (
	epsgRe = regexp.MustCompile(`^(?:EPSG:?)?(\d{4,5})$`)
	utmRe  = regexp.MustCompile(`^UTM(?:ZONE)?(\d{1,2})([NS])$`)
	gkRe   = regexp.MustCompile(`^(?:CGCS2000)?(?:/)?(?:3DEGREE|3°|3)?(?:GAUSSKRUGER|GAUSSKRÜGER|GK|高斯克吕格)(3|6)?(?:°|DEGREE)?(?:ZONE|带)(\d{1,2})$`)
	gkCMRe = regexp.MustCompile(`^(?:CGCS2000)?(?:/)?(3|6)?(?:DEGREE|°)?(?:GAUSSKRUGER|GAUSSKRÜGER|GK|高斯克吕格)(3|6)?(?:°|DEGREE)?(?:CM|中央子午线)(\d{2,3})E?$`)
)

// Parse returns the coordinate system named s: an EPSG code, or one of
// the names Names lists (case, spaces, hyphens and underscores ignored).
func Parse(s string) (CRS, error) {
	k := strings.ToUpper(strings.TrimSpace(s))
	for _, r := range []string{" ", "-", "_", "'", "(", ")", ","} {
		k = strings.ReplaceAll(k, r, "")
	}
	switch k {
	case "", "WGS84", "WGS1984", "4326", "EPSG:4326", "GPS", "LONLAT", "LATLON":
		return WGS84Geographic, nil
	case "CGCS2000", "CGCS", "EPSG:4490", "4490", "国家2000", "2000国家大地坐标系":
		return CGCS2000Geographic, nil
	case "GCJ02", "GCJ", "火星坐标", "火星", "国测局", "高德", "腾讯", "AMAP", "GAODE":
		return GCJ02, nil
	case "BD09", "BD09LL", "BD", "百度", "BAIDU":
		return BD09, nil
	}
	if m := epsgRe.FindStringSubmatch(k); m != nil {
		code, _ := strconv.Atoi(m[1])
		if c := epsg(code); c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("coordinate system EPSG:%d is not one SafetyNet converts; it takes %s", code, strings.Join(Names(), "; "))
	}
	if m := utmRe.FindStringSubmatch(k); m != nil {
		zone, _ := strconv.Atoi(m[1])
		if zone >= 1 && zone <= 60 {
			return UTM(zone, m[2] == "N"), nil
		}
	}
	if m := gkRe.FindStringSubmatch(k); m != nil {
		width := 3
		if m[1] == "6" {
			width = 6
		}
		zone, _ := strconv.Atoi(m[2])
		if c, err := GaussKruger(width, zone, true); err == nil {
			return c, nil
		}
	}
	if m := gkCMRe.FindStringSubmatch(k); m != nil {
		width := 3
		if m[1] == "6" || m[2] == "6" {
			width = 6
		}
		cm, _ := strconv.Atoi(m[3])
		zone := cm / 3
		if width == 6 {
			zone = (cm + 3) / 6
		}
		if c, err := GaussKruger(width, zone, false); err == nil && c.lon0 == float64(cm) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("coordinate system %q not known; SafetyNet takes %s", s, strings.Join(Names(), "; "))
}

// epsg returns the system of an EPSG code, nil for one not taken.
func epsg(code int) CRS {
	switch {
	case code == 4326:
		return WGS84Geographic
	case code == 4490:
		return CGCS2000Geographic
	case code >= 32601 && code <= 32660:
		return UTM(code-32600, true)
	case code >= 32701 && code <= 32760:
		return UTM(code-32700, false)
	case code >= 26901 && code <= 26923:
		t := UTM(code-26900, true)
		t.name = fmt.Sprintf("EPSG:%d NAD83 / UTM zone %dN", code, code-26900)
		return t
	case code >= 4491 && code <= 4501: // 6° zones 13-23, zone-prefixed
		c, _ := GaussKruger(6, code-4491+13, true)
		return c
	case code >= 4502 && code <= 4512: // 6° zones, central meridians 75E-135E
		c, _ := GaussKruger(6, code-4502+13, false)
		return c
	case code >= 4513 && code <= 4533: // 3° zones 25-45, zone-prefixed
		c, _ := GaussKruger(3, code-4513+25, true)
		return c
	case code >= 4534 && code <= 4554: // 3° zones, central meridians 75E-135E
		c, _ := GaussKruger(3, code-4534+25, false)
		return c
	case code == 2019:
		return MTM10
	}
	return nil
}

// UTM returns the UTM zone on WGS 84.
func UTM(zone int, north bool) *TM {
	fn, hemi, base := 0.0, "N", 32600
	if !north {
		fn, hemi, base = 10000000, "S", 32700
	}
	return NewTM(fmt.Sprintf("EPSG:%d WGS 84 / UTM zone %d%s", base+zone, zone, hemi), WGS84, float64(zone*6-183), 0.9996, 500000, fn)
}

// GaussKruger returns a CGCS2000 Gauss-Krüger zone of width 3 or 6
// degrees; prefixed puts the zone number before the easting (zone 39,
// 39 500 000 m at the central meridian), as EPSG:4513-4533 and 4491-4501
// do.
func GaussKruger(width, zone int, prefixed bool) (*TM, error) {
	var cm float64
	var code int
	switch width {
	case 3:
		if zone < 25 || zone > 45 {
			return nil, fmt.Errorf("CGCS2000 3° Gauss-Krüger zone %d: China's zones are 25 to 45", zone)
		}
		cm = float64(3 * zone)
		code = 4534 + zone - 25
		if prefixed {
			code = 4513 + zone - 25
		}
	case 6:
		if zone < 13 || zone > 23 {
			return nil, fmt.Errorf("CGCS2000 6° Gauss-Krüger zone %d: China's zones are 13 to 23", zone)
		}
		cm = float64(6*zone - 3)
		code = 4502 + zone - 13
		if prefixed {
			code = 4491 + zone - 13
		}
	default:
		return nil, fmt.Errorf("Gauss-Krüger zones are 3° or 6° wide, not %d°", width)
	}
	fe := 500000.0
	name := fmt.Sprintf("EPSG:%d CGCS2000 / %d-degree Gauss-Kruger CM %gE", code, width, cm)
	if prefixed {
		fe += float64(zone) * 1e6
		name = fmt.Sprintf("EPSG:%d CGCS2000 / %d-degree Gauss-Kruger zone %d", code, width, zone)
	}
	return NewTM(name, GRS80, cm, 1, fe, 0), nil
}

// MTM10 is EPSG:2019, NAD27(76) / MTM zone 10 (Ontario: Toronto's city
// data), its datum taken as WGS 84 (see the package doc).
var MTM10 = NewTM("EPSG:2019 NAD27(76) / MTM zone 10", Clarke1866, -79.5, 0.9999, 304800, 0)

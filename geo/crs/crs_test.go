package crs

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"safetynet/data/testenv"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestChinaReferencePairs checks the forward transforms against pairs
// published with two widely used implementations: wandergis/coordtransform
// (test/app.js) and googollee/eviltransform (its Python tests).
func TestChinaReferencePairs(t *testing.T) {
	// coordtransform: wgs84togcj02(116.404, 39.915), gcj02tobd09(116.404, 39.915).
	if x, y, _ := GCJ02.FromWGS84(116.404, 39.915); !near(x, 116.41024449916938, 1e-12) || !near(y, 39.91640428150164, 1e-12) {
		t.Errorf("WGS-84 to GCJ-02: %.14f, %.14f", x, y)
	}
	if x, y := gcjToBD(116.404, 39.915); !near(x, 116.41036949371029, 1e-12) || !near(y, 39.92133699351021, 1e-12) {
		t.Errorf("GCJ-02 to BD-09: %.14f, %.14f", x, y)
	}
	// coordtransform's inverses are one-step approximations: bd09togcj02
	// gives 116.39762729119315, 39.90865673957631 and gcj02towgs84
	// 116.39775550083061, 39.91359571849836; the exact inverses lie within
	// a metre of them.
	if x, y := invert(gcjToBD, 116.404, 39.915); !near(x, 116.39762729119315, 1e-5) || !near(y, 39.90865673957631, 1e-5) {
		t.Errorf("BD-09 to GCJ-02: %.14f, %.14f", x, y)
	}
	if x, y, _ := GCJ02.ToWGS84(116.404, 39.915); !near(x, 116.39775550083061, 1e-5) || !near(y, 39.91359571849836, 1e-5) {
		t.Errorf("GCJ-02 to WGS-84: %.14f, %.14f", x, y)
	}
	// eviltransform: wgsLat, wgsLng, gcjLat, gcjLng.
	for _, c := range [][4]float64{
		{31.1774276, 121.5272106, 31.17530398364597, 121.531541859215}, // Shanghai
		{22.543847, 113.912316, 22.540796131694766, 113.9171764808363}, // Shenzhen
		{39.911954, 116.377817, 39.91334545536069, 116.38404722455657}, // Beijing
	} {
		x, y, _ := GCJ02.FromWGS84(c[1], c[0])
		if !near(x, c[3], 1e-12) || !near(y, c[2], 1e-12) {
			t.Errorf("WGS-84 %v, %v to GCJ-02: %.14f, %.14f; want %v, %v", c[1], c[0], x, y, c[3], c[2])
		}
		lon, lat, _ := GCJ02.ToWGS84(c[3], c[2])
		if !near(lon, c[1], 1e-9) || !near(lat, c[0], 1e-9) {
			t.Errorf("GCJ-02 %v, %v back to WGS-84: %.12f, %.12f; want %v, %v", c[3], c[2], lon, lat, c[1], c[0])
		}
	}
	// eviltransform's BD-09 to WGS-84 (bdLat, bdLng, wgsLat, wgsLng) is an
	// approximate inverse: its answers, taken forward again, miss the BD-09
	// point by metres; the exact inverse here lands on it.
	for _, c := range [][4]float64{
		{29.199786, 120.019809, 29.196131605295484, 120.00877901149691},
		{29.210504, 120.036455, 29.206795749156136, 120.0253853970846},
	} {
		theirs := miss(BD09, c[3], c[2], c[1], c[0])
		lon, lat, _ := BD09.ToWGS84(c[1], c[0])
		ours := miss(BD09, lon, lat, c[1], c[0])
		t.Logf("BD-09 %v, %v: eviltransform's answer misses by %.2f m, ours by %.2g m, %.1f m apart",
			c[1], c[0], theirs, ours, math.Hypot((lon-c[3])*math.Cos(lat*rad), lat-c[2])*111320)
		if ours > 1e-3 || ours >= theirs {
			t.Errorf("BD-09 %v, %v to WGS-84: %.12f, %.12f", c[1], c[0], lon, lat)
		}
	}
	// Outside China nothing moves.
	if x, y, _ := GCJ02.FromWGS84(2.35, 48.85); x != 2.35 || y != 48.85 {
		t.Errorf("Paris moved to %v, %v", x, y)
	}
}

// TestChinaRoundTrip: the inverses undo the forward transforms to under
// a millimetre everywhere in China.
func TestChinaRoundTrip(t *testing.T) {
	worst := 0.0
	for lon := 73.5; lon < 135; lon += 0.7 {
		for lat := 18.3; lat < 53.5; lat += 0.6 {
			for _, c := range []CRS{GCJ02, BD09} {
				x, y, err := c.FromWGS84(lon, lat)
				if err != nil {
					t.Fatal(err)
				}
				if c == GCJ02 && math.Hypot(x-lon, y-lat) < 1e-4 && !outOfChina(lon, lat) {
					t.Fatalf("GCJ-02 does not move %v, %v", lon, lat)
				}
				blon, blat, err := c.ToWGS84(x, y)
				if err != nil {
					t.Fatal(err)
				}
				worst = math.Max(worst, math.Hypot((blon-lon)*math.Cos(lat*rad), blat-lat)*111320)
			}
		}
	}
	t.Logf("worst round trip %.2g m", worst)
	if worst > 1e-3 {
		t.Errorf("round trip off by %.3g m", worst)
	}
}

// miss is how far, in metres, WGS-84 lon, lat taken into sys lies from x, y.
func miss(sys CRS, lon, lat, x, y float64) float64 {
	fx, fy, _ := sys.FromWGS84(lon, lat)
	return math.Hypot((fx-x)*math.Cos(y*rad), fy-y) * 111320
}

// gdal runs gdaltransform from EPSG:4326 to code (or back) over pts.
func gdal(t *testing.T, tool, from, to string, pts [][2]float64) [][2]float64 {
	var in bytes.Buffer
	for _, p := range pts {
		fmt.Fprintf(&in, "%.10f %.10f\n", p[0], p[1])
	}
	cmd := exec.Command(tool, "-s_srs", from, "-t_srs", to, "-output_xy")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gdaltransform %s to %s: %v", from, to, err)
	}
	var res [][2]float64
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		x, _ := strconv.ParseFloat(f[0], 64)
		y, _ := strconv.ParseFloat(f[1], 64)
		res = append(res, [2]float64{x, y})
	}
	if len(res) != len(pts) {
		t.Fatalf("gdaltransform gave %d points for %d", len(res), len(pts))
	}
	return res
}

// TestTransverseMercatorAgainstGDAL compares every projected system with
// gdaltransform (GDAL/PROJ), both ways, at points across each zone: to a
// millimetre.
func TestTransverseMercatorAgainstGDAL(t *testing.T) {
	tool := testenv.Tool(t, "gdaltransform")
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		code       string
		lon0, lat0 float64 // the zone's centre of interest
	}{
		{"EPSG:4527", 117, 31},    // CGCS2000 3° zone 39, zone-prefixed
		{"EPSG:4548", 117, 39},    // CGCS2000 3° CM 117E
		{"EPSG:4544", 105, 30},    // CGCS2000 3° CM 105E
		{"EPSG:4499", 123, 41},    // CGCS2000 6° zone 21, zone-prefixed
		{"EPSG:4509", 129, 45},    // CGCS2000 6° CM 129E
		{"EPSG:32651", 121.5, 31}, // WGS 84 / UTM 51N
		{"EPSG:32617", -78.7, 26.5},
		{"EPSG:32755", 147, -35}, // southern hemisphere
		{"EPSG:2019", -79.4, 43.7},
	} {
		sys, err := Parse(c.code)
		if err != nil {
			t.Fatal(err)
		}
		var ll [][2]float64
		for range 40 {
			ll = append(ll, [2]float64{c.lon0 + (r.Float64()*2-1)*1.4, c.lat0 + (r.Float64()*2-1)*2})
		}
		xy := gdal(t, tool, "EPSG:4326", c.code, swapIfNeeded(ll))
		worst, worstBack := 0.0, 0.0
		for i, p := range ll {
			x, y, err := sys.FromWGS84(p[0], p[1])
			if err != nil {
				t.Fatalf("%s: %v", c.code, err)
			}
			worst = math.Max(worst, math.Hypot(x-xy[i][0], y-xy[i][1]))
			lon, lat, err := sys.ToWGS84(xy[i][0], xy[i][1])
			if err != nil {
				t.Fatalf("%s: %v", c.code, err)
			}
			worstBack = math.Max(worstBack, math.Hypot((lon-p[0])*math.Cos(p[1]*rad), lat-p[1])*111320)
		}
		t.Logf("%s (%s): projected %.2g m from GDAL, back %.2g m", c.code, sys.Name(), worst, worstBack)
		if worst > 1e-3 || worstBack > 1e-3 {
			t.Errorf("%s: %.3g m from GDAL projecting, %.3g m back", c.code, worst, worstBack)
		}
	}
}

// swapIfNeeded returns the points as gdaltransform reads EPSG:4326 with
// -output_xy: longitude first (GDAL's traditional GIS order).
func swapIfNeeded(pts [][2]float64) [][2]float64 { return pts }

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, name string }{
		{"WGS84", "EPSG:4326"}, {"wgs-84", "EPSG:4326"}, {"epsg:4326", "EPSG:4326"},
		{"GCJ-02", "GCJ-02"}, {"gcj02", "GCJ-02"}, {"火星坐标", "GCJ-02"}, {"高德", "GCJ-02"},
		{"BD-09", "BD-09"}, {"bd09", "BD-09"}, {"百度", "BD-09"},
		{"CGCS2000", "EPSG:4490"}, {"EPSG:4490", "EPSG:4490"},
		{"UTM 50N", "EPSG:32650"}, {"utm zone 17n", "EPSG:32617"}, {"UTM 55S", "EPSG:32755"}, {"EPSG:32650", "EPSG:32650"},
		{"EPSG:26917", "EPSG:26917"},
		{"EPSG:4527", "EPSG:4527"}, {"CGCS2000 GK 3 zone 39", "EPSG:4527"}, {"CGCS2000 GK zone 39", "EPSG:4527"},
		{"CGCS2000 / 3-degree Gauss-Kruger CM 117E", "EPSG:4548"}, {"EPSG:4548", "EPSG:4548"},
		{"CGCS2000 GK 6 zone 20", "EPSG:4498"}, {"EPSG:4508", "EPSG:4508"},
		{"EPSG:2019", "EPSG:2019"},
	} {
		sys, err := Parse(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !strings.HasPrefix(sys.Name(), c.name) {
			t.Errorf("%q: %s, want %s", c.in, sys.Name(), c.name)
		}
	}
	for _, bad := range []string{"EPSG:3857", "NAD27", "UTM 61N", "CGCS2000 GK 3 zone 50", "CGCS2000 GK 3 CM 118E", "mars"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q taken", bad)
		} else if !strings.Contains(err.Error(), "GCJ-02") {
			t.Errorf("%q: the error does not list what is taken: %v", bad, err)
		}
	}
}

// TestRefusals: what is not a position is refused, never turned into one.
func TestRefusals(t *testing.T) {
	gk, _ := Parse("EPSG:4527")
	for _, c := range []struct {
		sys  CRS
		x, y float64
	}{
		{GCJ02, math.NaN(), 30}, {BD09, 200, 30}, {WGS84Geographic, 0, 91},
		{gk, 500000, 3450000}, // no zone prefix in a zone-prefixed system
		{gk, math.Inf(1), 0},
		{MTM10, 3e7, 4.8e6},
	} {
		if lon, lat, err := c.sys.ToWGS84(c.x, c.y); err == nil {
			t.Errorf("%s: %v, %v became %v, %v", c.sys.Name(), c.x, c.y, lon, lat)
		}
	}
	if _, _, err := gk.FromWGS84(80, 31); err == nil {
		t.Errorf("a longitude 37° from the zone's meridian projected")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"EPSG:4527", "UTM 50N", "CGCS2000 GK 3 CM 117E", "百度", "", "EPSG:99999", "GK 6 zone 0"} {
		f.Add(s, 39500000.0, 3450000.0)
	}
	f.Fuzz(func(t *testing.T, s string, x, y float64) {
		sys, err := Parse(s)
		if err != nil {
			return
		}
		lon, lat, err := sys.ToWGS84(x, y)
		if err == nil && (math.IsNaN(lon) || math.IsNaN(lat) || math.Abs(lon) > 180 || math.Abs(lat) > 90) {
			t.Fatalf("%s: %v, %v gave %v, %v", sys.Name(), x, y, lon, lat)
		}
	})
}

func BenchmarkToWGS84(b *testing.B) {
	gk, _ := Parse("EPSG:4527")
	for _, c := range []struct {
		name string
		sys  CRS
		x, y float64
	}{
		{"GCJ-02", GCJ02, 121.47, 31.23}, {"BD-09", BD09, 121.48, 31.24}, {"GK zone 39", gk, 39509530, 3453152},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.sys.ToWGS84(c.x, c.y)
			}
		})
	}
}

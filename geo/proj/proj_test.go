package proj

import (
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/testenv"
)

// origins are the places the projection is tested at: the demo community
// (31° N) and Helsinki's centre (60° N), where the old equirectangular
// plane was off by up to 2.8 and 8.2 cm per 100 m.
var origins = []struct {
	name   string
	origin orb.Point
}{
	{"31N", orb.Point{121.60, 31.20}},
	{"60N", orb.Point{24.94, 60.17}},
}

// ring returns points d metres from the origin at 16 azimuths, walked on
// the sphere (their exact place does not matter, only that they spread).
func ring(origin orb.Point, d float64) []orb.Point {
	var out []orb.Point
	for i := range 16 {
		az := float64(i) * math.Pi / 8
		dLat := d * math.Cos(az) / 111_132
		dLon := d * math.Sin(az) / (111_320 * math.Cos(origin[1]*rad))
		out = append(out, orb.Point{origin[0] + dLon, origin[1] + dLat})
	}
	return out
}

// gdaltransform runs gdaltransform from EPSG:4326 to srs (or back with
// inverse), one point a line.
func gdaltransform(t *testing.T, tool, srs string, inverse bool, pts []orb.Point) []orb.Point {
	t.Helper()
	var in bytes.Buffer
	for _, p := range pts {
		fmt.Fprintf(&in, "%.12f %.12f\n", p[0], p[1])
	}
	args := []string{"-s_srs", "EPSG:4326", "-t_srs", srs, "-output_xy"}
	if inverse {
		args = []string{"-s_srs", srs, "-t_srs", "EPSG:4326", "-output_xy"}
	}
	cmd := exec.Command(tool, args...)
	cmd.Stdin = &in
	// EPSG:4326 in GDAL 3 is latitude first unless told otherwise.
	cmd.Env = append(cmd.Environ(), "OGR_CT_FORCE_TRADITIONAL_GIS_ORDER=YES")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gdaltransform %s: %v", strings.Join(args, " "), err)
	}
	var res []orb.Point
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var p orb.Point
		if _, err := fmt.Sscan(line, &p[0], &p[1]); err != nil {
			t.Fatalf("gdaltransform output %q: %v", line, err)
		}
		res = append(res, p)
	}
	if len(res) != len(pts) {
		t.Fatalf("gdaltransform gave %d points for %d", len(res), len(pts))
	}
	return res
}

func dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// TestAgainstGDAL compares ToMetres and ToLonLat with PROJ's azimuthal
// equidistant projection on WGS 84 (through gdaltransform) at 31° N and
// 60° N, from 10 m to 8 km from the origin: within 0.01 mm.
func TestAgainstGDAL(t *testing.T) {
	tool := testenv.Tool(t, "gdaltransform")
	const tol = 1e-5 // metres
	for _, o := range origins {
		t.Run(o.name, func(t *testing.T) {
			l := New(o.origin)
			srs := fmt.Sprintf("+proj=aeqd +lat_0=%.12f +lon_0=%.12f +datum=WGS84 +units=m +no_defs", o.origin[1], o.origin[0])
			var pts []orb.Point
			for _, d := range []float64{10, 100, 1000, 3000, 8000} {
				pts = append(pts, ring(o.origin, d)...)
			}
			want := gdaltransform(t, tool, srs, false, pts)
			worst := 0.0
			for i, p := range pts {
				got := l.ToMetres(p)
				err := dist(got, want[i])
				worst = max(worst, err)
				if err > tol {
					t.Errorf("ToMetres(%v) = %v, PROJ %v: off by %.3g m", p, got, want[i], err)
				}
			}
			// And back: PROJ's inverse of the planes' points.
			back := gdaltransform(t, tool, srs, true, want)
			for i, m := range want {
				got := l.ToMetres(l.ToLonLat(m))
				if dist(got, m) > tol {
					t.Errorf("ToLonLat(%v) round trip %v", m, got)
				}
				ll := l.ToLonLat(m)
				// 1e-5 m is about 1e-10° of latitude.
				if math.Abs(ll[0]-back[i][0])*l.mx > tol || math.Abs(ll[1]-back[i][1])*l.my > tol {
					t.Errorf("ToLonLat(%v) = %v, PROJ %v", m, ll, back[i])
				}
			}
			t.Logf("%s: worst ToMetres difference from PROJ over %d points up to 8 km: %.2g m", o.name, len(pts), worst)
		})
	}
}

// TestKnownPoints checks ToMetres against figures from PROJ
// (gdaltransform of GDAL 3.6, +proj=aeqd +datum=WGS84), so it runs without GDAL.
func TestKnownPoints(t *testing.T) {
	tests := []struct {
		name         string
		origin, p    orb.Point
		wantX, wantY float64 // metres
	}{
		{"31.2 250m", orb.Point{121.6, 31.2}, orb.Point{121.601312761149, 31.201948190899}, 125.109293557671, 216.002365638637},
		{"31.2 4000m", orb.Point{121.6, 31.2}, orb.Point{121.585632295800, 31.166177424296}, -1369.7917836564, -3749.90852098752},
		{"31.2 8000m", orb.Point{121.6, 31.2}, orb.Point{121.682740310855, 31.187499681268}, 7886.54807005206, -1382.9958189328},
		{"60.17 250m", orb.Point{24.94, 60.17}, orb.Point{24.942257388800, 60.171948190899}, 125.308074994706, 217.060197171395},
		{"60.17 4000m", orb.Point{24.94, 60.17}, orb.Point{24.915293681895, 60.136177424296}, -1372.94298727746, -3768.08162893637},
		{"60.17 8000m", orb.Point{24.94, 60.17}, orb.Point{25.082278015448, 60.157499681268}, 7901.34085199654, -1384.2136280314},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := New(tc.origin).ToMetres(tc.p)
			if math.Abs(got[0]-tc.wantX) > 1e-5 || math.Abs(got[1]-tc.wantY) > 1e-5 {
				t.Errorf("ToMetres(%v) = %.6f, want %.6f %.6f", tc.p, got, tc.wantX, tc.wantY)
			}
		})
	}
}

// TestDistances: lengths on the plane between points within 5 km of the
// origin match the geodesic's to 0.1 mm per 100 m (the projection's own
// scale error, 1 + d²/6R², is 1e-7 at 5 km).
func TestDistances(t *testing.T) {
	for _, o := range origins {
		l := New(o.origin)
		pts := append(ring(o.origin, 300), ring(o.origin, 5000)...)
		for _, a := range pts {
			for _, b := range pts {
				if a == b {
					continue
				}
				// The geodesic from a to b, with a as origin.
				geodesic := New(a).ToMetres(b)
				want := math.Hypot(geodesic[0], geodesic[1])
				pa, pb := l.ToMetres(a), l.ToMetres(b)
				got := math.Hypot(pa[0]-pb[0], pa[1]-pb[1])
				if math.Abs(got-want)/want*100 > 1e-4 {
					t.Errorf("%s: %v to %v: %.5f m on the plane, %.5f m on the ellipsoid", o.name, a, b, got, want)
				}
			}
		}
	}
}

func TestOriginAndZeroValue(t *testing.T) {
	l := New(orb.Point{121.6, 31.2})
	if p := l.ToMetres(orb.Point{121.6, 31.2}); p != (orb.Point{}) {
		t.Errorf("the origin is at %v", p)
	}
	if p := l.ToLonLat(orb.Point{}); p != l.Origin {
		t.Errorf("0,0 is at %v", p)
	}
	var z Local
	p := z.ToMetres(orb.Point{0.001, 0.001})
	if math.Abs(p[0]-111.3195) > 0.001 || math.Abs(p[1]-110.5743) > 0.001 {
		t.Errorf("zero value: %v", p)
	}
	// Across the antimeridian.
	a := New(orb.Point{179.999, 10})
	if p := a.ToMetres(orb.Point{-179.999, 10}); math.Abs(p[0]-219.3) > 0.5 || math.Abs(p[1]) > 0.01 {
		t.Errorf("across 180°: %v", p)
	}
	if p := a.ToLonLat(orb.Point{219.3, 0}); math.Abs(p[0]+179.999) > 1e-5 {
		t.Errorf("back across 180°: %v", p)
	}
}

// FuzzRoundTrip: any point within 20 km of any origin off the poles
// comes back where it was, to 0.01 mm.
func FuzzRoundTrip(f *testing.F) {
	f.Add(121.6, 31.2, 100.0, -250.0)
	f.Add(24.94, 60.17, 8000.0, 8000.0)
	f.Add(-179.99, -45.0, -3000.0, 12.0)
	f.Fuzz(func(t *testing.T, lon, lat, x, y float64) {
		if math.IsNaN(lon+lat+x+y) || math.Abs(lon) > 180 || math.Abs(lat) > 85 || math.Abs(x) > 2e4 || math.Abs(y) > 2e4 {
			return
		}
		l := New(orb.Point{lon, lat})
		got := l.ToMetres(l.ToLonLat(orb.Point{x, y}))
		if math.Abs(got[0]-x) > 1e-5 || math.Abs(got[1]-y) > 1e-5 {
			t.Errorf("origin %v: %v %v came back as %v", l.Origin, x, y, got)
		}
	})
}

func BenchmarkToMetres(b *testing.B) {
	l := New(origins[0].origin)
	pts := ring(l.Origin, 2000)
	i := 0
	for b.Loop() {
		_ = l.ToMetres(pts[i%len(pts)])
		i++
	}
}

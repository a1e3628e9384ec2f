package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

// demoDB creates the demo community in a new store and returns its path.
func demoDB(t testing.TB) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	return db
}

// coverageFiles are the files `coverage` writes.
var coverageFiles = []string{
	"camera_coverage.geojson", "gaps.geojson", "patrol_corridors.geojson", "fire_reach.geojson",
	"key_areas.csv", "violations.csv", "problems.csv",
}

// The demo community lies around 121.60 E, 31.20 N.
var demoBound = orb.Bound{Min: orb.Point{121.57, 31.17}, Max: orb.Point{121.63, 31.23}}

func TestCoverageDemo(t *testing.T) {
	db := demoDB(t)
	out := filepath.Join(t.TempDir(), "out")
	stdout := mustCtl(t, "coverage", "--db", db, "--out", out)
	for _, want := range []string{"安和苑 Anhe Garden: 103 cameras", "KA-GATE-S", "KA-ENT-139", "all key areas:", "rule violations", "wrote "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, stdout)
		}
	}
	features := map[string]int{}
	for _, name := range coverageFiles {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
			t.Errorf("%s has a byte order mark; the files are plain UTF-8", name)
		}
		if strings.HasSuffix(name, ".geojson") {
			features[name] = checkPolygons(t, name, b, demoBound)
		}
	}
	for name, n := range features {
		if n == 0 {
			t.Errorf("%s has no polygons", name)
		}
	}

	rows := csvRows(t, filepath.Join(out, "key_areas.csv"))
	head := rows[0]
	if len(rows) != 25 {
		t.Fatalf("key_areas.csv has %d rows, want the demo's 24 key areas", len(rows)-1)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, need := range []string{"code", "name_zh", "name_en", "kind", "required_level", "area_m2",
		"camera_pct", "camera_below_pct", "unseen_pct", "patrol_pct", "rounds_per_day", "extinguisher_pct", "hydrant_pct", "nothing_pct"} {
		if _, ok := col[need]; !ok {
			t.Fatalf("key_areas.csv has no %s column: %v", need, head)
		}
	}
	codes := map[string]bool{}
	for _, r := range rows[1:] {
		codes[r[col["code"]]] = true
		v := func(name string) float64 {
			f, err := strconv.ParseFloat(r[col[name]], 64)
			if err != nil {
				t.Fatalf("%s: %s %q: %v", r[0], name, r[col[name]], err)
			}
			return f
		}
		for _, name := range []string{"camera_pct", "camera_below_pct", "unseen_pct", "patrol_pct", "extinguisher_pct", "hydrant_pct", "nothing_pct"} {
			if p := v(name); p < 0 || p > 100 {
				t.Errorf("%s: %s = %v, outside 0-100", r[0], name, p)
			}
		}
		if sum := v("camera_pct") + v("camera_below_pct") + v("unseen_pct"); math.Abs(sum-100) > 0.1 {
			t.Errorf("%s: camera at/below/unseen add up to %v, want 100", r[0], sum)
		}
		if v("area_m2") <= 0 || v("rounds_per_day") < 0 {
			t.Errorf("%s: area %v m², %v rounds a day", r[0], v("area_m2"), v("rounds_per_day"))
		}
	}
	if len(codes) != 24 || !codes["KA-EBIKE"] {
		t.Errorf("key area codes %v", codes)
	}
	if !strings.Contains(string(mustRead(t, filepath.Join(out, "key_areas.csv"))), "电动自行车充电棚") {
		t.Error("key_areas.csv lacks the Chinese name 电动自行车充电棚")
	}
	vs := csvRows(t, filepath.Join(out, "violations.csv"))
	if strings.Join(vs[0], ",") != "kind,features,lon,lat,value,limit,unit,message" || len(vs) < 2 {
		t.Errorf("violations.csv: %v", vs)
	}
	ps := csvRows(t, filepath.Join(out, "problems.csv"))
	if strings.Join(ps[0], ",") != "kind,id,name,skipped,reason" || len(ps) != 1 {
		t.Errorf("problems.csv of the demo: %v, want only the header", ps)
	}
}

// checkPolygons parses a GeoJSON FeatureCollection with encoding/json,
// checks that every polygon ring is closed and every coordinate a
// longitude/latitude inside bound, and returns the number of polygons.
func checkPolygons(t *testing.T, name string, b []byte, bound orb.Bound) int {
	t.Helper()
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type     string `json:"type"`
			Geometry *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if fc.Type != "FeatureCollection" {
		t.Fatalf("%s: type %q", name, fc.Type)
	}
	n := 0
	for i, f := range fc.Features {
		if f.Type != "Feature" || f.Properties == nil {
			t.Fatalf("%s: feature %d: type %q, properties %v", name, i, f.Type, f.Properties)
		}
		if f.Geometry == nil {
			continue
		}
		var polys [][][][]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				t.Fatalf("%s: feature %d: %v", name, i, err)
			}
			polys = [][][][]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				t.Fatalf("%s: feature %d: %v", name, i, err)
			}
		default:
			t.Fatalf("%s: feature %d is a %s", name, i, f.Geometry.Type)
		}
		for _, p := range polys {
			n++
			for _, ring := range p {
				if len(ring) < 4 {
					t.Fatalf("%s: feature %d: ring of %d positions", name, i, len(ring))
				}
				first, last := ring[0], ring[len(ring)-1]
				if len(first) != 2 || first[0] != last[0] || first[1] != last[1] {
					t.Fatalf("%s: feature %d: ring not closed: %v ... %v", name, i, first, last)
				}
				for _, q := range ring {
					if q[0] < -180 || q[0] > 180 || q[1] < -90 || q[1] > 90 || !bound.Contains(orb.Point{q[0], q[1]}) {
						t.Fatalf("%s: feature %d: position %v out of range", name, i, q)
					}
				}
			}
		}
	}
	return n
}

func csvRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty: want a header row", path)
	}
	return rows
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCoverageBrokenCameras adds cameras with bad input to a copy of the
// demo: each is listed in problems.csv and left out, and the command
// still writes everything else.
func TestCoverageBrokenCameras(t *testing.T) {
	db := demoDB(t)
	ctx := context.Background()
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	bs, err := s.Buildings(ctx, world)
	if err != nil || len(bs) == 0 {
		s.Close()
		t.Fatalf("buildings: %d, %v", len(bs), err)
	}
	// The middle of the largest residential building: well inside it.
	var inside orb.Point
	best := 0.0
	for _, b := range bs {
		if bd := b.Geom.Bound(); b.Use == "residential" && (bd.Max[0]-bd.Min[0])*(bd.Max[1]-bd.Min[1]) > best {
			best, inside = (bd.Max[0]-bd.Min[0])*(bd.Max[1]-bd.Min[1]), bd.Center()
		}
	}
	open := orb.Point{121.6000, 31.1980}
	good := store.Camera{Geom: open, MountHeight: 3, Heading: 90, Tilt: 10, HFOV: 60, ResolutionH: 1920, MaxRange: 30, Status: store.CameraOnline}
	// The store refuses values out of range, NaN and text; a GeoPackage
	// edited elsewhere (QGIS) can still hold them, set below with SQL.
	broken := []struct {
		code    string
		change  func(*store.Camera)
		sql     string // SET clause, run after the insert
		skipped bool
		reason  string
	}{
		{"BAD-FOV400", nil, "hfov = 400", true, "field of view 400"},
		{"BAD-RANGE", nil, "max_range = -5", true, "range -5 m is negative"},
		{"BAD-INSIDE", func(c *store.Camera) { c.Geom = inside }, "", true, "inside building"},
		// Counted, with what was assumed listed.
		{"BAD-FOV0", func(c *store.Camera) { c.HFOV = 0 }, "", false, "no field of view: 60° assumed"},
		{"BAD-NAN", nil, "heading = NULL", false, "no heading: heading estimated"},
		{"BAD-TEXT", nil, "heading = 'sideways'", false, `heading "sideways" is not a direction: heading estimated`},
	}
	err = s.Update(ctx, func(tx *store.Tx) error {
		for _, b := range broken {
			c := good
			c.Code = b.code
			c.Names = store.Names{NameZh: "坏摄像机 " + b.code, NameEn: "Broken " + b.code}
			if b.change != nil {
				b.change(&c)
			}
			if _, err := tx.Insert(&c); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	// As QGIS would: GDAL provides the R-tree triggers' SQL functions.
	for _, b := range broken {
		if b.sql != "" {
			run1(t, tool(t, "ogrinfo"), db, "-sql", "UPDATE cameras SET "+b.sql+" WHERE code = '"+b.code+"'")
		}
	}
	// A heading in words is a heading.
	run1(t, tool(t, "ogrinfo"), db, "-sql", "UPDATE cameras SET heading = 'north-east' WHERE code = (SELECT code FROM cameras WHERE code NOT LIKE 'BAD-%' LIMIT 1)")

	out := filepath.Join(t.TempDir(), "out")
	stdout, code := ctl(t, "coverage", "--db", db, "--out", out)
	if code != 0 {
		t.Fatalf("coverage with broken cameras: exit %d\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "109 cameras (106 counted, 3 skipped") {
		t.Errorf("the summary does not count the skipped cameras:\n%s", stdout)
	}
	for _, name := range coverageFiles {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	rows := csvRows(t, filepath.Join(out, "problems.csv"))
	for _, b := range broken {
		found := false
		for _, r := range rows[1:] {
			if r[0] == "camera" && r[1] == b.code {
				found = true
				if (r[3] == "yes") != b.skipped || !strings.Contains(r[4], b.reason) || r[2] != "坏摄像机 "+b.code {
					t.Errorf("%s listed as %v, want skipped %v with a reason about %q", b.code, r, b.skipped, b.reason)
				}
			}
		}
		if !found {
			t.Errorf("%s is not in problems.csv:\n%v", b.code, rows)
		}
	}
	// The skipped cameras are not in the coverage layer; the estimated are.
	cov := string(mustRead(t, filepath.Join(out, "camera_coverage.geojson")))
	for _, b := range broken {
		if strings.Contains(cov, `"`+b.code+`"`) == b.skipped {
			t.Errorf("camera_coverage.geojson has %s: %v, want %v", b.code, !b.skipped, !b.skipped)
		}
	}
}

func TestCoverageUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "none.gpkg")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no db", []string{"coverage", "--out", "x"}, 2, "needs --db"},
		{"no out", []string{"coverage", "--db", db}, 2, "needs --out"},
		{"bad rules", []string{"coverage", "--db", db, "--out", "x", "--rules", "iso"}, 2, "gb50140 or nfpa10"},
		{"bad cell", []string{"coverage", "--db", db, "--out", "x", "--cell", "0.01"}, 2, "--cell"},
		{"missing store", []string{"coverage", "--db", db, "--out", "x"}, 1, "no such file"},
		{"report without out", []string{"report", "--db", db}, 2, "needs --out"},
		{"negative suggest", []string{"report", "--db", db, "--out", "x.pdf", "--suggest", "-1"}, 2, "--suggest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code := ctl(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d, with %q:\n%s", code, tc.code, tc.want, out)
			}
		})
	}
}

func TestReportDemo(t *testing.T) {
	pdftotext := testenv.Tool(t, "pdftotext")
	pdftoppm := testenv.Tool(t, "pdftoppm")
	db := demoDB(t)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.pdf")
	out, code := ctl(t, "report", "--db", db, "--out", pdf, "--suggest", "3")
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "warning: no TrueType font") {
		testenv.Missing(t, "no Chinese TrueType font installed (go run ./cmd/dev deps test installs fonts-wqy-microhei)\n%s", out)
	}
	if !strings.Contains(out, "3 suggested cameras") {
		t.Errorf("report says:\n%s", out)
	}
	b := mustRead(t, pdf)
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF", pdf)
	}
	text := run1(t, pdftotext, "-enc", "UTF-8", pdf, "-")
	for _, want := range []string{"安和苑 Anhe Garden", "电动自行车充电棚", "E-bike Charging Shed", "Key areas", "Fire rule violations", "Input problems", "Suggested cameras"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	rows := 0
	for _, code := range []string{"KA-GATE-S", "KA-GATE-E", "KA-GATE-W", "KA-GATE-N", "KA-RAMP-1", "KA-RAMP-2", "KA-PER-S", "KA-PER-E",
		"KA-PER-NE1", "KA-PER-NE2", "KA-PER-N", "KA-PER-W", "KA-PER-SW", "KA-PLAY", "KA-SQUARE", "KA-EBIKE", "KA-KG",
		"KA-PARK-1", "KA-PARK-2", "KA-ENT-12", "KA-ENT-44", "KA-ENT-76", "KA-ENT-109", "KA-ENT-139"} {
		if !strings.Contains(text, code) {
			t.Errorf("the PDF's text lacks key area %s", code)
		}
		rows++
	}
	if rows != 24 {
		t.Fatalf("checked %d key areas", rows)
	}
	// Page 1 renders.
	png := filepath.Join(dir, "page")
	run1(t, pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, png)
	if fi, err := os.Stat(png + ".png"); err != nil || fi.Size() < 20000 {
		t.Errorf("page 1 did not render to a picture: %v", err)
	}
	if fi, err := os.Stat(pdf); err != nil || fi.Size() > 8<<20 {
		t.Errorf("the PDF is %d bytes", fi.Size())
	}
}

func TestReportBudget(t *testing.T) {
	pdftotext := testenv.Tool(t, "pdftotext")
	db := demoDB(t)
	dir := t.TempDir()
	if out, code := ctl(t, "report", "--db", db, "--out", filepath.Join(dir, "x.pdf"), "--budget", "5000"); code != 2 || !strings.Contains(out, "--catalogue") {
		t.Errorf("--budget without prices: exit %d\n%s", code, out)
	}
	cat := filepath.Join(dir, "cameras.csv")
	if err := os.WriteFile(cat, []byte("name,sensor_width_mm,focal_length_mm,resolution_h,resolution_v,range_m,price\n"+
		"Dome 2.8 mm,5.6,2.8,2560,1440,30,1800\nBullet 6 mm,5.6,6,2560,1440,50,2300\nBullet 12 mm,5.6,12,3840,2160,100,4100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "budget.pdf")
	out := mustCtl(t, "report", "--db", db, "--out", pdf, "--catalogue", cat, "--budget", "6000", "--suggest", "10", "--title", "Budget plan")
	text := run1(t, pdftotext, "-enc", "UTF-8", pdf, "-")
	if !strings.Contains(text, "Budget plan") || !strings.Contains(text, "Budget 6,000") {
		t.Errorf("the PDF does not show the title and budget:\n%s", out)
	}
	n := strings.Count(text, "Bullet ") + strings.Count(text, "Dome ")
	if n == 0 || n > 3 {
		t.Errorf("%d catalogue models in the suggestions, want 1 to 3 within a budget of 6000", n)
	}
}

// TestCoverageHelsinki runs coverage on a real OSM import, whose cameras
// are all estimated, twice: the files are the same bytes.
func TestCoverageHelsinki(t *testing.T) {
	pbf := sharedData(t, "osm/helsinki-centre.osm.pbf")
	db := filepath.Join(t.TempDir(), "h.gpkg")
	mustCtl(t, "import", pbf, "--db", db, "--force")
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	start := time.Now()
	out := mustCtl(t, "coverage", "--db", db, "--out", a)
	t.Logf("coverage of Helsinki in %v", time.Since(start))
	// OSM cameras mapped inside buildings (indoor ones, or wall cameras
	// drawn too far in) are skipped and listed.
	m := regexp.MustCompile(`: 221 cameras \((\d+) counted, (\d+) skipped, 221 estimated\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("summary:\n%s", out)
	}
	counted, _ := strconv.Atoi(m[1])
	skipped, _ := strconv.Atoi(m[2])
	if counted+skipped != 221 || counted < 150 {
		t.Errorf("%d counted and %d skipped of 221 cameras", counted, skipped)
	}
	listed := 0
	for _, r := range csvRows(t, filepath.Join(a, "problems.csv"))[1:] {
		if r[0] == "camera" && r[3] == "yes" {
			listed++
		}
	}
	if listed != skipped {
		t.Errorf("problems.csv lists %d skipped cameras, the summary %d", listed, skipped)
	}
	mustCtl(t, "coverage", "--db", db, "--out", b)
	for _, name := range coverageFiles {
		if sum(t, filepath.Join(a, name)) != sum(t, filepath.Join(b, name)) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	helsinki := orb.Bound{Min: orb.Point{24.90, 60.14}, Max: orb.Point{24.99, 60.20}}
	if n := checkPolygons(t, "camera_coverage.geojson", mustRead(t, filepath.Join(a, "camera_coverage.geojson")), helsinki); n < 221 {
		t.Errorf("camera_coverage.geojson has %d polygons, want at least one view per camera", n)
	}
	checkPolygons(t, "fire_reach.geojson", mustRead(t, filepath.Join(a, "fire_reach.geojson")), helsinki)
	if rows := csvRows(t, filepath.Join(a, "key_areas.csv")); len(rows) != 1 {
		t.Errorf("key_areas.csv of Helsinki (no key areas) has %d rows", len(rows)-1)
	}
}

// BenchmarkCoverageDemo runs `safetynetctl coverage` on the demo
// community: load, coverage of 103 cameras, patrols and 254 pieces of fire
// equipment, and the seven files.
func BenchmarkCoverageDemo(b *testing.B) {
	db := demoDB(b)
	out := b.TempDir()
	for b.Loop() {
		if o, code := ctl(b, "coverage", "--db", db, "--out", out); code != 0 {
			b.Fatalf("exit %d\n%s", code, o)
		}
	}
}

// TestCoverageFarApart runs coverage on the demo after the Helsinki
// extract was imported into it: the coverage is the demo community's,
// with the Helsinki features listed as left out; with key areas in both
// cities, coverage says how to split the file.
func TestCoverageFarApart(t *testing.T) {
	pbf := sharedData(t, "osm/helsinki-centre.osm.pbf")
	db := demoDB(t)
	mustCtl(t, "import", pbf, "--db", db, "--force")
	out := filepath.Join(t.TempDir(), "out")
	mustCtl(t, "coverage", "--db", db, "--out", out)
	for _, name := range coverageFiles {
		if strings.HasSuffix(name, ".geojson") {
			checkPolygons(t, name, mustRead(t, filepath.Join(out, name)), demoBound)
		}
	}
	left := false
	for _, r := range csvRows(t, filepath.Join(out, "problems.csv"))[1:] {
		left = left || r[0] == "community" && strings.Contains(strings.Join(r, ","), "left out")
	}
	if !left {
		t.Error("problems.csv does not say the Helsinki features were left out")
	}

	ka := filepath.Join(t.TempDir(), "key_areas.geojson")
	if err := os.WriteFile(ka, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[24.945,60.170],[24.946,60.170],[24.946,60.171],[24.945,60.171],[24.945,60.170]]]},"properties":{"code":"HEL-1","required_level":"observe"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCtl(t, "import", ka, "--db", db)
	msg, code := ctl(t, "coverage", "--db", db, "--out", filepath.Join(t.TempDir(), "out2"))
	if code == 0 || !strings.Contains(msg, "key areas lie in places far apart") || !strings.Contains(msg, "new GeoPackage") {
		t.Errorf("coverage with key areas in two cities: exit %d\n%s", code, msg)
	}
}

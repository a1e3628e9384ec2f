package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"safetynet/data/testenv"
)

// bin is the safetynetctl binary the tests run, built once by TestMain, so
// that exit codes and messages are those a user sees.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "safetynetctl-test-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "safetynetctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build safetynetctl: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// ctl runs safetynetctl and returns its output and exit code.
func ctl(t testing.TB, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

func mustCtl(t testing.TB, args ...string) string {
	t.Helper()
	out, code := ctl(t, args...)
	if code != 0 {
		t.Fatalf("safetynetctl %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

func sharedData(t testing.TB, rel string) string { return testenv.SharedData(t, rel) }

func tool(t testing.TB, name string) string { return testenv.Tool(t, name) }

func run1(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func sum(t testing.TB, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// ogrCount asks GDAL for one number with an SQL query.
func ogrCount(t testing.TB, db, query string) int {
	t.Helper()
	out := run1(t, tool(t, "ogrinfo"), "-ro", "-q", db, "-sql", query)
	m := regexp.MustCompile(`= (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("ogrinfo %q gave no number:\n%s", query, out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var layerNames = []string{"buildings", "roads", "landuse", "water", "key_areas", "hazards", "cameras",
	"patrol_routes", "checkpoints", "fire_equipment", "access_points", "facilities"}

func TestHelsinkiThroughGDAL(t *testing.T) {
	pbf := sharedData(t, "osm/helsinki-centre.osm.pbf")
	ogrinfo := tool(t, "ogrinfo")
	db := filepath.Join(t.TempDir(), "h.gpkg")
	out := mustCtl(t, "import", pbf, "--db", db)
	if !regexp.MustCompile(`skipped [1-9]\d* ways`).MatchString(out) {
		t.Errorf("the import does not report its skipped ways:\n%s", out)
	}
	list := run1(t, ogrinfo, "-ro", db)
	for _, name := range layerNames {
		if !strings.Contains(list, ": "+name+" ") && !strings.HasSuffix(strings.TrimSpace(list), ": "+name) && !strings.Contains(list, ": "+name+"\n") {
			t.Errorf("ogrinfo does not list %s:\n%s", name, list)
		}
	}
	so := run1(t, ogrinfo, "-ro", "-so", db, "cameras")
	if !strings.Contains(so, "Feature Count: 221\n") || !strings.Contains(so, `ID["EPSG",4326]`) {
		t.Errorf("ogrinfo -so cameras:\n%s", so)
	}
	if n := ogrCount(t, db, "SELECT count(*) AS n FROM fire_equipment WHERE kind = 'hydrant_outdoor'"); n != 37 {
		t.Errorf("hydrants = %d, want 37", n)
	}
	if n := ogrCount(t, db, "SELECT count(*) AS n FROM buildings"); n < 430 {
		t.Errorf("buildings = %d, want at least 430", n)
	}
	if n := ogrCount(t, db, "SELECT count(*) AS n FROM cameras WHERE estimated = 1"); n != 221 {
		t.Errorf("estimated cameras = %d, want all 221 (Helsinki's have no direction tags)", n)
	}
}

// TestChineseNamesByteForByte follows every name of the Taipei extract from
// the OSM XML through the store and the GeoJSON export.
func TestChineseNamesByteForByte(t *testing.T) {
	osmFile := sharedData(t, "osm/taipei-xinyi.osm")
	raw, err := os.ReadFile(osmFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "t.gpkg")
	mustCtl(t, "import", osmFile, "--db", db)
	mustCtl(t, "export", "--db", db, "--out", filepath.Join(dir, "out"))
	var exported []byte
	for _, name := range layerNames {
		b, err := os.ReadFile(filepath.Join(dir, "out", name+".geojson"))
		if err != nil {
			t.Fatal(err)
		}
		exported = append(exported, b...)
	}
	names := regexp.MustCompile(`<tag k="name" v="([^"]*[\p{Han}][^"]*)"`).FindAllSubmatch(raw, -1)
	if len(names) == 0 {
		t.Fatal("no Chinese names in the extract")
	}
	kept := 0
	for _, m := range names {
		if bytes.Contains(exported, append(append([]byte(`"`), m[1]...), '"')) {
			kept++
		}
	}
	// Names of elements we do not import (shops as nodes, bus stops) are
	// not expected; the layers we keep must carry theirs byte for byte.
	if kept == 0 {
		t.Fatalf("none of %d Chinese names survived", len(names))
	}
	db2, _ := sql.Open("sqlite3", db)
	defer db2.Close()
	rows, err := db2.Query("SELECT name FROM buildings WHERE name IS NOT NULL UNION ALL SELECT name FROM roads WHERE name IS NOT NULL UNION ALL SELECT name FROM facilities WHERE name IS NOT NULL")
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for rows.Next() {
		var n string
		rows.Scan(&n)
		stored++
		if !bytes.Contains(raw, []byte(`v="`+n+`"`)) {
			t.Errorf("stored name %q is not byte for byte in the OSM file", n)
		}
		if !bytes.Contains(exported, []byte(`"`+n+`"`)) {
			t.Errorf("name %q is not byte for byte in the GeoJSON export", n)
		}
	}
	if stored == 0 {
		t.Error("no names stored")
	}
	t.Logf("%d stored names checked; %d of %d Chinese names of the file are in imported layers", stored, kept, len(names))
}

// TestRoundTripWithGDAL sends the demo community out as GeoJSON, through
// ogr2ogr into a GeoPackage, and back into a new store.
func TestRoundTripWithGDAL(t *testing.T) {
	ogr2ogr := tool(t, "ogr2ogr")
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	mustCtl(t, "export", "--db", db, "--out", filepath.Join(dir, "json"))
	gdal := filepath.Join(dir, "gdal.gpkg")
	for _, name := range layerNames {
		args := []string{"-f", "GPKG", gdal, filepath.Join(dir, "json", name+".geojson"), "-nln", name}
		if _, err := os.Stat(gdal); err == nil {
			args = append([]string{"-update"}, args...)
		}
		run1(t, ogr2ogr, args...)
	}
	// Our reader opens GDAL's file.
	info := mustCtl(t, "info", "--db", gdal)
	back := filepath.Join(dir, "back.gpkg")
	mustCtl(t, "import", gdal, "--db", back)
	a, b := dump(t, db), dump(t, back)
	if len(a) != len(layerNames) {
		t.Fatalf("dump has %d layers", len(a))
	}
	for _, name := range layerNames {
		if len(a[name]) == 0 {
			t.Errorf("demo layer %s is empty", name)
		}
		if len(a[name]) != len(b[name]) {
			t.Errorf("%s: %d features, %d after the round trip", name, len(a[name]), len(b[name]))
			continue
		}
		for i := range a[name] {
			if a[name][i] != b[name][i] {
				t.Errorf("%s feature %d changed:\n was %s\n now %s", name, i+1, a[name][i], b[name][i])
				break
			}
		}
	}
	if !strings.Contains(info, "cameras") {
		t.Errorf("info on GDAL's file:\n%s", info)
	}
}

// dump reads every attribute of every feature, in fid order, as text.
func dump(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for _, name := range layerNames {
		cols := columns(t, db, name)
		rows, err := db.Query(fmt.Sprintf("SELECT %s FROM %s ORDER BY fid", strings.Join(cols, ", "), name))
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		out[name] = []string{}
		for rows.Next() {
			rows.Scan(ptrs...)
			var b strings.Builder
			for i, c := range cols {
				v := vals[i]
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v ", c, v)
			}
			out[name] = append(out[name], b.String())
		}
		rows.Close()
	}
	return out
}

// columns lists a layer's attribute columns as the store defines them.
func columns(t *testing.T, db *sql.DB, table string) []string {
	rows, err := db.Query("SELECT name FROM pragma_table_info(?) WHERE name NOT IN ('fid', 'geom') ORDER BY name", table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

func TestDemoOpensInGDAL(t *testing.T) {
	ogrinfo := tool(t, "ogrinfo")
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	out := run1(t, ogrinfo, "-ro", "-al", "-so", db)
	for _, name := range layerNames {
		m := regexp.MustCompile(`Layer name: ` + name + `\n(?s:.*?)Feature Count: (\d+)`).FindStringSubmatch(out)
		if m == nil || m[1] == "0" {
			t.Errorf("GDAL sees no %s in the demo", name)
		}
	}
	if strings.Contains(out, "ERROR") || strings.Contains(out, "Warning") {
		t.Errorf("ogrinfo complains:\n%s", out)
	}
}

// TestBadInput feeds broken files to import: each must fail with a message
// naming the file, exit 1, and leave the existing store byte for byte.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "store.gpkg")
	mustCtl(t, "demo", "--db", db)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, file string
		says       []string
	}{
		{"not OSM XML", write("page.osm", "<html><body>not a map</body></html>"), []string{"page.osm"}},
		{"GeoJSON NaN", write("cameras.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","id":"c1","geometry":{"type":"Point","coordinates":[NaN,31.2]},"properties":{}}]}`), []string{"cameras.geojson"}},
		{"GeoJSON out of range", write("facilities.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"police"},"geometry":{"type":"Point","coordinates":[121.6,31.2]}},{"type":"Feature","id":"far","properties":{"kind":"police"},"geometry":{"type":"Point","coordinates":[250,31.2]}}]}`), []string{"facilities.geojson", "feature 1", "250"}},
		{"GeoJSON unclosed ring", write("key_areas.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","id":"ka","properties":{"kind":"gate"},"geometry":{"type":"Polygon","coordinates":[[[121.6,31.2],[121.61,31.2],[121.61,31.21],[121.6,31.21]]]}}]}`), []string{"key_areas.geojson", "feature 0"}},
		{"empty file", write("empty.osm", ""), []string{"empty.osm", "empty"}},
	}
	if pbf := filepath.Join(testenv.Root(), "..", "shared", "data", "osm", "helsinki-centre.osm.pbf"); fileExists(pbf) {
		b, _ := os.ReadFile(pbf)
		cases = append(cases, struct {
			name, file string
			says       []string
		}{"truncated PBF", write("cut.osm.pbf", string(b[:len(b)*6/10])), []string{"cut.osm.pbf"}})
	}
	plain := filepath.Join(dir, "plain.sqlite")
	p, _ := sql.Open("sqlite3", plain)
	p.Exec("CREATE TABLE people (name TEXT)")
	p.Close()
	cases = append(cases, struct {
		name, file string
		says       []string
	}{"SQLite, not GeoPackage", plain, []string{"plain.sqlite", "not a GeoPackage"}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := sum(t, db)
			out, code := ctl(t, "import", tc.file, "--db", db)
			if code != 1 {
				t.Errorf("exit code %d, want 1\n%s", code, out)
			}
			for _, s := range tc.says {
				if !strings.Contains(out, s) {
					t.Errorf("message does not say %q:\n%s", s, out)
				}
			}
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
				t.Errorf("crashed:\n%s", out)
			}
			if sum(t, db) != before {
				t.Error("the store changed")
			}
		})
	}
	t.Run("store is not a GeoPackage", func(t *testing.T) {
		before := sum(t, plain)
		out, code := ctl(t, "import", write("x.geojson", `{"type":"FeatureCollection","features":[]}`), "--db", plain)
		if code != 1 || !strings.Contains(out, "plain.sqlite") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if sum(t, plain) != before {
			t.Error("the file changed")
		}
	})
	t.Run("store locked by another program", func(t *testing.T) {
		holder, _ := sql.Open("sqlite3", db)
		defer holder.Close()
		conn, err := holder.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(context.Background(), "ROLLBACK")
		out, code := ctl(t, "import", sharedData(t, "osm/taipei-xinyi.osm"), "--db", db, "--force")
		if code != 1 || !strings.Contains(out, "store.gpkg") || !strings.Contains(out, "in use by another program") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
	t.Run("usage", func(t *testing.T) {
		if out, code := ctl(t, "import", "--db", db); code != 2 || !strings.Contains(out, "usage") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestReadOnlyStore imports into a store its user may not write: a clear
// message, exit 1, the file unchanged. Root may write anything, so as root
// the command runs as nobody.
func TestReadOnlyStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ro.gpkg")
	mustCtl(t, "demo", "--db", db)
	osmFile := sharedData(t, "osm/taipei-xinyi.osm")
	for _, p := range []string{filepath.Dir(bin), dir, filepath.Dir(dir)} {
		os.Chmod(p, 0o755)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(osmFile)
	input := filepath.Join(dir, "in.osm")
	os.WriteFile(input, data, 0o644)
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	before := sum(t, db)
	args := []string{"import", input, "--db", db}
	name := bin
	if os.Getuid() == 0 {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("running as root without setpriv: cannot take away write permission")
		}
		args = append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", bin}, args...)
		name = setpriv
	}
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("err %v, want exit 1\n%s", err, out.String())
	}
	t.Logf("as a user who may not write it: %s", strings.TrimSpace(out.String()))
	if !strings.Contains(out.String(), "ro.gpkg") || !strings.Contains(out.String(), "permission") {
		t.Errorf("message:\n%s", out.String())
	}
	if sum(t, db) != before {
		t.Error("the store changed")
	}
}

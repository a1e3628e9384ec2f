package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExtraArguments: every command that takes no argument refuses one
// with exit code 2 and the usage.
func TestExtraArguments(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.gpkg")
	mustCtl(t, "demo", "--db", db)
	out := t.TempDir()
	for _, args := range [][]string{
		{"info", "--db", db, "extra"},
		{"export", "--db", db, "--out", out, "extra"},
		{"demo", "--db", db + "2", "extra"},
		{"coverage", "--db", db, "--out", out, "extra"},
		{"report", "--db", db, "--out", filepath.Join(out, "r.pdf"), "extra"},
		{"import", "a.osm", "b.osm", "--db", db},
	} {
		msg, code := ctl(t, args...)
		if code != 2 || !strings.Contains(msg, "usage:") {
			t.Errorf("safetynetctl %s: exit %d, want 2 with the usage\n%s", strings.Join(args, " "), code, msg)
		}
	}
	if _, err := os.Stat(db + "2"); err == nil {
		t.Errorf("demo with an extra argument created %s", db+"2")
	}
}

// TestImportOSMLayer: --layer picks one layer of an OSM file; an unknown
// layer is an error naming the layers, and creates no store.
func TestImportOSMLayer(t *testing.T) {
	src := sharedData(t, "osm/taipei-xinyi.osm")
	dir := t.TempDir()
	db := filepath.Join(dir, "t.gpkg")
	msg, code := ctl(t, "import", src, "--db", db, "--layer", "nosuch")
	if code == 0 || !strings.Contains(msg, `no layer "nosuch"`) || !strings.Contains(msg, "buildings, roads") {
		t.Errorf("--layer nosuch: exit %d\n%s", code, msg)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("--layer nosuch created %s", db)
	}
	mustCtl(t, "import", src, "--db", db, "--layer", "roads")
	info := mustCtl(t, "info", "--db", db)
	if n := layerCount(t, info, "roads"); n == 0 {
		t.Errorf("no roads imported\n%s", info)
	}
	for _, l := range []string{"buildings", "landuse", "access_points"} {
		if n := layerCount(t, info, l); n != 0 {
			t.Errorf("--layer roads imported %d %s\n%s", n, l, info)
		}
	}
}

func layerCount(t *testing.T, info, layer string) int {
	t.Helper()
	for _, line := range strings.Split(info, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == layer {
			var n int
			for _, c := range f[1] {
				n = n*10 + int(c-'0')
			}
			return n
		}
	}
	t.Fatalf("no %s in\n%s", layer, info)
	return 0
}

// TestImportOSMTwice: a second import of the same extract adds nothing
// and says so.
func TestImportOSMTwice(t *testing.T) {
	src := sharedData(t, "osm/taipei-xinyi.osm")
	db := filepath.Join(t.TempDir(), "t.gpkg")
	first := mustCtl(t, "import", src, "--db", db)
	info1 := mustCtl(t, "info", "--db", db)
	second := mustCtl(t, "import", src, "--db", db)
	info2 := mustCtl(t, "info", "--db", db)
	if info1 != info2 {
		t.Errorf("a second import changed the counts:\n%s\n%s", info1, info2)
	}
	if !strings.Contains(first, "updated, 0 unchanged") || !strings.Contains(second, "(0 added, 0 updated, ") {
		t.Errorf("counts not printed:\n%s\n%s", first, second)
	}
}

// TestImportFar: OSM data more than 5 km from the community is refused
// without --force, merged with a warning with it.
func TestImportFar(t *testing.T) {
	src := sharedData(t, "osm/taipei-xinyi.osm")
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	before := sum(t, db)
	msg, code := ctl(t, "import", src, "--db", db)
	if code != 1 || !strings.Contains(msg, " km from the community in ") || !strings.Contains(msg, "--force") {
		t.Errorf("far import: exit %d\n%s", code, msg)
	}
	if sum(t, db) != before {
		t.Errorf("a refused import changed %s", db)
	}
	msg = mustCtl(t, "import", src, "--db", db, "--force")
	if !strings.Contains(msg, "warning: the data in ") || !strings.Contains(msg, " km from the community") {
		t.Errorf("far import with --force: no warning\n%s", msg)
	}
}

// TestFailedImportRemovesNewStore: a failed import into a new file leaves
// no file behind; into an existing one leaves it unchanged.
func TestFailedImportRemovesNewStore(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.osm")
	os.WriteFile(bad, []byte(`<osm version="0.6"><node id="1" lat="x" lon="1"/>`), 0o644)
	db := filepath.Join(dir, "new.gpkg")
	if msg, code := ctl(t, "import", bad, "--db", db); code != 1 {
		t.Fatalf("bad import: exit %d\n%s", code, msg)
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("a failed import left %s", p)
		}
	}
	old := filepath.Join(dir, "old.gpkg")
	mustCtl(t, "demo", "--db", old)
	before := sum(t, old)
	if msg, code := ctl(t, "import", bad, "--db", old); code != 1 {
		t.Fatalf("bad import: exit %d\n%s", code, msg)
	}
	if _, err := os.Stat(old); err != nil || sum(t, old) != before {
		t.Errorf("a failed import changed %s: %v", old, err)
	}
}

// TestImportGDALOSMGeoPackage: GDAL's own OSM GeoPackage (layers points,
// lines, multipolygons, ...) is imported through the OSM tag rules, the
// same features as from the .osm.pbf it was made from; a GeoPackage with
// none of our layers fails naming its layers.
func TestImportGDALOSMGeoPackage(t *testing.T) {
	pbf := sharedData(t, "osm/monaco.osm.pbf")
	ogr := tool(t, "ogr2ogr")
	dir := t.TempDir()
	gdal := filepath.Join(dir, "monaco-gdal.gpkg")
	run1(t, ogr, "-f", "GPKG", gdal, pbf)
	db := filepath.Join(dir, "into.gpkg")
	out := mustCtl(t, "import", gdal, "--db", db)
	info := mustCtl(t, "info", "--db", db)
	ref := filepath.Join(dir, "ref.gpkg")
	mustCtl(t, "import", pbf, "--db", ref)
	refInfo := mustCtl(t, "info", "--db", ref)
	for _, l := range []string{"buildings", "roads", "landuse", "water"} {
		got, want := layerCount(t, info, l), layerCount(t, refInfo, l)
		if got == 0 || float64(got) < 0.9*float64(want) || float64(got) > 1.1*float64(want) {
			t.Errorf("%s: %d from GDAL's GeoPackage, %d from the PBF\n%s", l, got, want, out)
		}
	}
	// Again: nothing added.
	if again := mustCtl(t, "import", gdal, "--db", db); !strings.Contains(again, "(0 added, 0 updated, ") {
		t.Errorf("second import of GDAL's GeoPackage:\n%s", again)
	}

	// A GeoPackage of other layers only is an error naming them.
	other := filepath.Join(dir, "other.gpkg")
	run1(t, ogr, "-f", "GPKG", other, gdal, "points", "-nln", "trees")
	db2 := filepath.Join(dir, "into2.gpkg")
	msg, code := ctl(t, "import", other, "--db", db2)
	if code != 1 || !strings.Contains(msg, "trees") || !strings.Contains(msg, "not recognised") {
		t.Errorf("import of a GeoPackage without our layers: exit %d\n%s", code, msg)
	}
	if _, err := os.Stat(db2); err == nil {
		t.Errorf("the failed import left %s", db2)
	}
}

// TestImportGeoPackageLayer: --layer imports one layer of a GeoPackage
// too, as for OSM and GeoJSON.
func TestImportGeoPackageLayer(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "demo.gpkg")
	mustCtl(t, "demo", "--db", src)
	db := filepath.Join(dir, "into.gpkg")
	mustCtl(t, "import", src, "--db", db, "--layer", "cameras")
	info, srcInfo := mustCtl(t, "info", "--db", db), mustCtl(t, "info", "--db", src)
	if n := layerCount(t, info, "cameras"); n == 0 || n != layerCount(t, srcInfo, "cameras") {
		t.Errorf("cameras: %d\n%s", n, info)
	}
	if n := layerCount(t, info, "buildings"); n != 0 {
		t.Errorf("--layer cameras copied %d buildings", n)
	}
	if msg, code := ctl(t, "import", src, "--db", db, "--layer", "nosuch"); code == 0 || !strings.Contains(msg, "the layers are") {
		t.Errorf("--layer nosuch: exit %d\n%s", code, msg)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportRegisters: the real registers import as a planner brings them
// in, and come back out of the store as CSV, XLSX and KML.
func TestImportRegisters(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "toronto.gpkg")
	out := mustCtl(t, "import", sharedData(t, "registers/cctv-toronto.csv"), "--layer", "cameras", "--db", db)
	if !strings.Contains(out, "imported 279 cameras") || !strings.Contains(out, "no header row") {
		t.Errorf("cctv-toronto.csv:\n%s", out)
	}
	if n := layerCount(t, mustCtl(t, "info", "--db", db), "cameras"); n != 279 {
		t.Errorf("%d cameras stored, want 279", n)
	}
	// The red-light cameras repeat nine intersections: refused whole,
	// each repeat listed, until --skip-bad.
	before := sum(t, db)
	msg, code := ctl(t, "import", sharedData(t, "registers/redlight-toronto.csv"), "--layer", "cameras", "--db", db)
	if code != 1 || strings.Count(msg, "problem: row ") != 9 || !strings.Contains(msg, "nothing stored") {
		t.Errorf("redlight: exit %d\n%s", code, msg)
	}
	if sum(t, db) != before {
		t.Error("a refused register changed the store")
	}
	mustCtl(t, "import", sharedData(t, "registers/redlight-toronto.csv"), "--layer", "cameras", "--db", db, "--skip-bad")
	if n := layerCount(t, mustCtl(t, "info", "--db", db), "cameras"); n != 279+145 {
		t.Errorf("%d cameras stored, want %d", n, 279+145)
	}
	// The same register a second time: every code is taken.
	before = sum(t, db)
	msg, code = ctl(t, "import", sharedData(t, "registers/cctv-toronto.csv"), "--layer", "cameras", "--db", db)
	if code != 1 || strings.Count(msg, "is already in the store's cameras") != 279 || sum(t, db) != before {
		t.Errorf("the same register again: exit %d\n%.500s", code, msg)
	}
	for _, format := range []string{"csv", "xlsx", "kml"} {
		file := filepath.Join(dir, "cameras."+format)
		mustCtl(t, "export", "--db", db, "--layer", "cameras", "--format", format, "-o", file)
		back := filepath.Join(dir, format+".gpkg")
		out := mustCtl(t, "import", file, "--layer", "cameras", "--db", back)
		if !strings.Contains(out, "imported 424 cameras") {
			t.Errorf("%s back in:\n%s", format, out)
		}
	}
	// A KML register far from the community is refused without --force.
	msg, code = ctl(t, "import", sharedData(t, "registers/hydrants-kirchzarten.kml"), "--layer", "fire_equipment", "--db", db, "--set", "kind=hydrant_outdoor")
	if code != 1 || !strings.Contains(msg, "km from the community") {
		t.Errorf("far KML: exit %d\n%s", code, msg)
	}
	de := filepath.Join(dir, "kirchzarten.gpkg")
	out = mustCtl(t, "import", sharedData(t, "registers/hydrants-kirchzarten.kml"), "--layer", "fire_equipment", "--db", de, "--set", "kind=hydrant_outdoor")
	if !strings.Contains(out, "imported 309 fire_equipment") {
		t.Errorf("kirchzarten:\n%s", out)
	}
}

// TestImportBrokenRegister: a register with bad rows lists each with its
// row, exits non-zero and stores nothing (a new store is not created);
// --dry-run needs no store.
func TestImportBrokenRegister(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "消防设施.csv")
	text := "编号,名称,经度,纬度,灭火器类型\n" +
		"XF-1,一号楼,121.47,31.23,干粉\n" +
		"XF-2,二号楼,东经121度,31.23,干粉\n" +
		"XF-1,三号楼,121.48,31.24,干粉\n" +
		"XF-4,四号楼,121.48,131.24,干粉\n"
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "new.gpkg")
	msg, code := ctl(t, "import", src, "--layer", "fire_equipment", "--db", db)
	for _, want := range []string{`row 3, column "经度"`, `row 4, column "编号"`, `row 5, column "纬度"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("no %q in:\n%s", want, msg)
		}
	}
	if code != 1 || fileExists(db) {
		t.Errorf("exit %d, store created %v\n%s", code, fileExists(db), msg)
	}
	msg, code = ctl(t, "import", src, "--layer", "fire_equipment", "--dry-run")
	if code != 1 || !strings.Contains(msg, "dry run: nothing stored") || !strings.Contains(msg, "4 rows, 1 usable, 3 with problems") {
		t.Errorf("dry run: exit %d\n%s", code, msg)
	}
	// A missing column named by --columns; a coordinate system not known.
	msg, code = ctl(t, "import", src, "--layer", "fire_equipment", "--db", db, "--columns", "lon=X,lat=Y")
	if code != 1 || !strings.Contains(msg, `"X" (for lon)`) || !strings.Contains(msg, `"Y" (for lat)`) || fileExists(db) {
		t.Errorf("--columns lon=X: exit %d\n%s", code, msg)
	}
	if msg, code = ctl(t, "import", src, "--layer", "fire_equipment", "--db", db, "--crs", "EPSG:2019"); code != 2 || !strings.Contains(msg, "EPSG:2019") {
		t.Errorf("--crs EPSG:2019: exit %d\n%s", code, msg)
	}
	if msg, code = ctl(t, "import", src, "--db", db); code != 2 || !strings.Contains(msg, "--layer") {
		t.Errorf("no --layer: exit %d\n%s", code, msg)
	}
}

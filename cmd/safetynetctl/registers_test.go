package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/store"
	"safetynet/geo/crs"
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
	if msg, code = ctl(t, "import", src, "--layer", "fire_equipment", "--db", db, "--crs", "EPSG:3857"); code != 2 || !strings.Contains(msg, "EPSG:3857") || !strings.Contains(msg, "GCJ-02") {
		t.Errorf("--crs EPSG:3857: exit %d\n%s", code, msg)
	}
	if msg, code = ctl(t, "import", src, "--db", db); code != 2 || !strings.Contains(msg, "--layer") {
		t.Errorf("no --layer: exit %d\n%s", code, msg)
	}
}

// TestImportRegisterInChineseSystems: an extinguisher list whose
// positions come from a Chinese map app (GCJ-02, BD-09) or a survey in a
// CGCS2000 Gauss-Krüger zone is stored at its WGS-84 positions.
func TestImportRegisterInChineseSystems(t *testing.T) {
	wgs := []orb.Point{{121.4701, 31.2302}, {121.4712, 31.2311}, {121.4725, 31.2298}}
	for _, name := range []string{"GCJ-02", "BD-09", "EPSG:4528", "CGCS2000 GK 3 CM 120E"} {
		t.Run(name, func(t *testing.T) {
			sys, err := crs.Parse(name)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString("编号,名称,经度,纬度,灭火器类型\n")
			for i, p := range wgs {
				x, y, err := sys.FromWGS84(p[0], p[1])
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "MHQ-%d,%d号楼,%.9f,%.9f,MFZ/ABC4\n", i+1, i+1, x, y)
			}
			dir := t.TempDir()
			src, db := filepath.Join(dir, "灭火器.csv"), filepath.Join(dir, "c.gpkg")
			if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			if name != "GCJ-02" && name != "BD-09" {
				// Projected metres are refused as degrees without --crs.
				if msg, code := ctl(t, "import", src, "--layer", "fire_equipment", "--db", db); code != 1 {
					t.Errorf("metres read as degrees: exit %d\n%s", code, msg)
				}
			}
			mustCtl(t, "import", src, "--layer", "fire_equipment", "--db", db, "--crs", name)
			s, err := store.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			eq, err := s.FireEquipment(context.Background(), orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}})
			if err != nil || len(eq) != 3 {
				t.Fatalf("%d stored: %v", len(eq), err)
			}
			for i, e := range eq {
				if d := geo.Distance(e.Geom, wgs[i]); d > 0.01 {
					t.Errorf("%s: stored %v, %.3f m from %v", e.Code, e.Geom, d, wgs[i])
				}
				if e.Kind != store.ExtinguisherHandheld || e.Capacity != 4 {
					t.Errorf("%s: kind %s, capacity %v", e.Code, e.Kind, e.Capacity)
				}
			}
		})
	}
}

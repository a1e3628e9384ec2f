package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

var ctx = context.Background()

func square(x, y, d float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
}

func newStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.gpkg")
	s, err := store.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, p
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestRoundTripEveryLayer(t *testing.T) {
	s, _ := newStore(t)
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	feats := []store.Feature{
		store.Building{Geom: orb.MultiPolygon{square(121.6, 31.2, 0.001)}, Names: store.Names{Name: "1号楼", NameZh: "1号楼", NameEn: "Building 1"}, Height: 18, Levels: 6, Use: "residential", OSMID: "way/1"},
		store.Road{Geom: orb.LineString{{121.6, 31.2}, {121.61, 31.2}}, Class: "service"},
		store.Land{Geom: orb.MultiPolygon{square(121.6, 31.2, 0.002)}, Class: "playground"},
		store.WaterArea{Geom: orb.MultiPolygon{square(121.6, 31.2, 0.0005)}, Class: "pond"},
		store.Barrier{Geom: orb.LineString{{121.6, 31.2}, {121.601, 31.2}}, Kind: store.BarrierFence, Height: 1.8, OSMID: "way/7"},
		store.Camera{Geom: orb.Point{121.6, 31.2}, Code: "CAM-001", MountHeight: 3.5, Heading: 0, Tilt: 12, HFOV: 70, ResolutionH: 2560, MaxRange: 40, PTZ: true, Status: store.CameraOnline, Watches: "KA-1,KA-2", Estimated: true},
		store.Equipment{Geom: orb.Point{121.6, 31.2}, Kind: store.ExtinguisherHandheld, FireClass: "ABC", HazardLevel: store.HazardMedium, Capacity: 4, CapacityUnit: "kg", LastInspection: day, Expiry: day.AddDate(1, 0, 0)},
		store.PatrolRoute{Geom: orb.LineString{{121.6, 31.2}, {121.601, 31.2}, {121.6, 31.2}}, Code: "R1", Team: "A", Shifts: "08:00-16:00", RoundsPerShift: 3},
		store.Checkpoint{Geom: orb.Point{121.601, 31.2}, RouteCode: "R1", Seq: 2},
		store.Hazard{Geom: square(121.6, 31.2, 0.0001), Category: "ebike_charging", Severity: "high", Status: store.HazardOpen, Reported: day, Responsible: "王工"},
		store.KeyArea{Geom: square(121.6, 31.2, 0.0003), Code: "KA-1", Kind: "gate", RequiredLevel: "identify"},
		store.AccessPoint{Geom: orb.Point{121.6, 31.2}, Kind: "vehicle_gate", Controlled: true},
		store.Facility{Geom: orb.Point{121.6, 31.2}, Kind: "assembly_point"},
	}
	err := s.Update(ctx, func(tx *store.Tx) error {
		for _, f := range feats {
			if _, err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range store.LayerNames() {
		n, err := s.Count(ctx, name)
		if err != nil || n != 1 {
			t.Errorf("%s: count %d, %v; want 1", name, n, err)
		}
	}
	bs, _ := s.Buildings(ctx, store.World)
	if got := bs[0]; got.FID != 1 || got.Name != "1号楼" || got.Height != 18 || got.Levels != 6 || got.NameEn != "Building 1" || !orb.Equal(got.Geom, feats[0].(store.Building).Geom) {
		t.Errorf("building = %+v", got)
	}
	cams, _ := s.Cameras(ctx, store.World)
	want := feats[5].(store.Camera)
	want.FID = 1
	if cams[0] != want {
		t.Errorf("camera\n got %+v\nwant %+v", cams[0], want)
	}
	eq, _ := s.FireEquipment(ctx, store.World)
	if !eq[0].LastInspection.Equal(day) || !eq[0].Expiry.Equal(day.AddDate(1, 0, 0)) {
		t.Errorf("equipment dates = %v %v", eq[0].LastInspection, eq[0].Expiry)
	}
	hz, _ := s.Hazards(ctx, store.World)
	if _, ok := hz[0].Geom.(orb.Polygon); !ok || hz[0].Responsible != "王工" {
		t.Errorf("hazard = %+v", hz[0])
	}
	recs, _ := s.Records(ctx, store.Cameras, store.World)
	if recs[0].Props["ptz"] != true || recs[0].Props["resolution_h"] != int64(2560) || recs[0].Props["model"] != nil {
		t.Errorf("camera record = %v", recs[0].Props)
	}
}

func TestBoundingBoxQuery(t *testing.T) {
	s, _ := newStore(t)
	err := s.Update(ctx, func(tx *store.Tx) error {
		for i := 0; i < 100; i++ {
			for j := 0; j < 100; j++ {
				if _, err := tx.Insert(store.Camera{Geom: orb.Point{float64(i) * 0.001, float64(j) * 0.001}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		b    orb.Bound
		want int
	}{
		{"inside", orb.Bound{Min: orb.Point{0.0105, 0.0205}, Max: orb.Point{0.0145, 0.0245}}, 16},
		{"edges inclusive", orb.Bound{Min: orb.Point{0.010, 0.020}, Max: orb.Point{0.014, 0.024}}, 25},
		{"outside", orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{2, 2}}, 0},
		{"world", store.World, 10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Cameras(ctx, tc.b)
			if err != nil || len(got) != tc.want {
				t.Fatalf("got %d, %v; want %d", len(got), err, tc.want)
			}
			for _, c := range got {
				if !tc.b.Contains(c.Geom) {
					t.Fatalf("%v is outside %v", c.Geom, tc.b)
				}
			}
		})
	}
}

func TestFailedUpdateLeavesFileUnchanged(t *testing.T) {
	s, path := newStore(t)
	insert := func(tx *store.Tx) error {
		_, err := tx.Insert(store.Facility{Geom: orb.Point{1, 1}, Kind: "police"})
		return err
	}
	if err := s.Update(ctx, insert); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before := sum(t, path)
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		fn   func(tx *store.Tx) error
	}{
		{"error", func(tx *store.Tx) error { insert(tx); return errors.New("stop") }},
		{"bad coordinate", func(tx *store.Tx) error {
			insert(tx)
			_, err := tx.Insert(store.Facility{Geom: orb.Point{200, 1}})
			return err
		}},
		{"wrong geometry", func(tx *store.Tx) error {
			_, err := tx.InsertRecord(store.Cameras, store.Record{Geom: orb.LineString{{1, 1}, {2, 2}}})
			return err
		}},
		{"NaN attribute", func(tx *store.Tx) error {
			insert(tx)
			_, err := tx.Insert(store.Camera{Geom: orb.Point{1, 1}, Heading: math.NaN()})
			return err
		}},
		{"unknown column", func(tx *store.Tx) error {
			_, err := tx.InsertRecord(store.Cameras, store.Record{Geom: orb.Point{1, 1}, Props: map[string]any{"colour": "red"}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Update(ctx, tc.fn); err == nil {
				t.Fatal("no error")
			}
		})
	}
	func() {
		defer func() { recover() }()
		s.Update(ctx, func(tx *store.Tx) error { insert(tx); panic("boom") })
	}()
	if n, _ := s.Count(ctx, store.Facilities); n != 1 {
		t.Errorf("count after failed updates = %d, want 1", n)
	}
	s.Close()
	if sum(t, path) != before {
		t.Error("the file changed")
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.sqlite")
	db, _ := sql.Open("sqlite3", plain)
	db.Exec("CREATE TABLE people (name TEXT)")
	db.Close()
	junk := filepath.Join(dir, "junk.gpkg")
	os.WriteFile(junk, []byte(strings.Repeat("this is not a database ", 100)), 0o644)
	newer := filepath.Join(dir, "newer.gpkg")
	s, err := store.Open(newer)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, _ = sql.Open("sqlite3", newer)
	db.Exec("UPDATE safetynet_meta SET value='99' WHERE key='schema_version'")
	db.Close()
	for _, tc := range []struct {
		name, path string
		want       error
		says       string
	}{
		{"plain sqlite", plain, store.ErrNotGeoPackage, "plain.sqlite is an SQLite database without GeoPackage tables"},
		{"not sqlite", junk, store.ErrNotGeoPackage, "junk.gpkg is not an SQLite database"},
		{"newer schema", newer, store.ErrNewerSchema, fmt.Sprintf("schema version 99, this SafetyNet reads up to %d", store.SchemaVersion)},
		{"folder", dir, nil, "is a folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(tc.path)
			_, err := store.Open(tc.path)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v; want %v saying %q", err, tc.want, tc.says)
			}
			if after, _ := os.ReadFile(tc.path); string(after) != string(before) {
				t.Error("the file changed")
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	_, path := newStore(t)
	s, err := store.OpenWith(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Count(ctx, store.Cameras); err != nil || n != 0 {
		t.Fatalf("count = %d, %v", n, err)
	}
	err = s.Update(ctx, func(tx *store.Tx) error { return nil })
	if !errors.Is(err, store.ErrReadOnly) || !strings.Contains(err.Error(), "c.gpkg") {
		t.Fatalf("err = %v", err)
	}
}

func TestLockedByAnotherProgram(t *testing.T) {
	_, path := newStore(t)
	holder, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	conn, _ := holder.Conn(ctx)
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	s, err := store.OpenWith(path, store.Options{BusyTimeout: 200 * time.Millisecond})
	if err == nil {
		err = s.Update(ctx, func(tx *store.Tx) error { return nil })
		s.Close()
	}
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "in use by another program") {
		t.Fatalf("err = %v", err)
	}
}

// TestGDALOpensOurFile checks the file against GDAL's GeoPackage driver.
func TestGDALOpensOurFile(t *testing.T) {
	ogrinfo := testenv.Tool(t, "ogrinfo")
	s, path := newStore(t)
	s.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Insert(store.Camera{Geom: orb.Point{121.6, 31.2}, Names: store.Names{Name: "南门"}, Status: "online"})
		return err
	})
	s.Close()
	out, err := exec.Command(ogrinfo, "-ro", "-al", "-so", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	for _, name := range store.LayerNames() {
		if !strings.Contains(text, "Layer name: "+name+"\n") {
			t.Errorf("ogrinfo does not list %s", name)
		}
	}
	if strings.Contains(text, "Warning") || strings.Contains(text, "ERROR") {
		t.Errorf("ogrinfo complains:\n%s", text)
	}
	out, _ = exec.Command(ogrinfo, "-ro", "-q", path, "-sql", "SELECT name, ST_X(geom) AS x FROM cameras").CombinedOutput()
	if !strings.Contains(string(out), "name (String) = 南门") || !strings.Contains(string(out), "x (Real) = 121.6") {
		t.Errorf("ogrinfo reads:\n%s", out)
	}
}

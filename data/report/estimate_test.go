package report

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

var ctx = context.Background()

// A small street: a road running east, a building north of it, and
// cameras that say too little.
func estimateStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "street.gpkg")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	const lon, lat = 121.45, 31.22
	dlat := 1 / 111320.0 // one metre north
	dlon := dlat / 0.855 // one metre east at 31° N
	pt := func(e, n float64) orb.Point { return orb.Point{lon + e*dlon, lat + n*dlat} }
	err = s.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Insert(store.Road{Geom: orb.LineString{pt(-100, 0), pt(100, 0)}, Names: store.Names{Name: "Front St"}, Class: "residential"}); err != nil {
			return err
		}
		house := orb.MultiPolygon{{{pt(-10, 20), pt(10, 20), pt(10, 40), pt(-10, 40), pt(-10, 20)}}}
		if _, err := tx.Insert(store.Building{Geom: house, Height: 6}); err != nil {
			return err
		}
		// The register's own cameras: no heading (NULL), one with a field
		// of view, one without, one on the house's south wall.
		for _, c := range []store.Record{
			{Geom: pt(0, 10), Props: map[string]any{"code": "FOV", "hfov": 80.0, "mount_height": 4.0, "resolution_h": int64(1920), "max_range": 30.0}},
			{Geom: pt(30, 10), Props: map[string]any{"code": "BARE"}},
			{Geom: pt(0, 19.9), Props: map[string]any{"code": "WALL", "model": "dome"}},
			{Geom: pt(-30, 10), Props: map[string]any{"code": "NORTH", "heading": 1.0, "tilt": 10.0, "hfov": 60.0}},
			{Geom: pt(-40, 10), Props: map[string]any{"code": "SIDE", "heading": 1.0, "tilt": 10.0, "hfov": 60.0}},
		} {
			if _, err := tx.InsertRecord(store.Cameras, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}

// Cameras without a heading or a field of view are counted with
// estimates, each listed in problems.csv; text headings do not stop the
// analysis.
func TestCamerasWithoutHeadingAreEstimated(t *testing.T) {
	s, path := estimateStore(t)
	// Text in the heading column, as another program may leave it.
	db, err := sql.Open("sqlite3_gpkg", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for code, h := range map[string]string{"NORTH": "north", "SIDE": "sideways"} {
		if _, err := db.Exec("UPDATE cameras SET heading = ? WHERE code = ?", h, code); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Analyse(ctx, s, Options{Cell: 1})
	if err != nil {
		t.Fatalf("Analyse: %v", err)
	}
	if r.Cameras.Total != 5 || r.Cameras.Counted != 5 || r.Cameras.Skipped != 0 {
		t.Errorf("cameras %+v, want all 5 counted, none skipped; problems %+v", r.Cameras, r.Problems)
	}
	if r.Cameras.Estimated != 5 { // NORTH has no mount height, resolution or range
		t.Errorf("%d cameras estimated, want 5", r.Cameras.Estimated)
	}
	heading := map[string]float64{}
	for _, c := range r.Scene.Scene.Cameras {
		heading[c.ID] = c.Heading
	}
	// South toward the road, out from the south wall, and as written.
	if heading["FOV"] != 180 || heading["BARE"] != 180 || heading["WALL"] != 180 || heading["NORTH"] != 0 {
		t.Errorf("headings %v, want FOV, BARE and WALL 180, NORTH 0", heading)
	}
	dir := t.TempDir()
	if err := r.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "problems.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.SplitN(l, ",", 3); len(f) == 3 && f[0] == "camera" {
			lines[f[1]] = l
		}
	}
	for _, tt := range []struct{ id, want string }{
		{"FOV", "no,\"no heading: heading estimated 180° (toward road Front St, 10 m away); no tilt: 15° down assumed\""},
		{"BARE", "no field of view: 60° assumed (the default)"},
		{"WALL", "no heading: heading estimated 180° (out from the wall of building buildings/1); no field of view: 90° assumed (for a dome camera)"},
		{"SIDE", `"heading ""sideways"" is not a direction: heading estimated 180° (toward road Front St, 10 m away)"`},
	} {
		if !strings.Contains(lines[tt.id], tt.want) {
			t.Errorf("problems.csv line of %s is %q, want it to say %q", tt.id, lines[tt.id], tt.want)
		}
	}
	if l, ok := lines["NORTH"]; ok {
		t.Errorf("NORTH, heading \"north\", is listed: %q", l)
	}
}

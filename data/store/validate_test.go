package store_test

import (
	"database/sql"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// Values out of range or unknown codes are refused by every way of
// writing, naming the column and the value, and nothing is stored.
func TestRulesRefuseBadValues(t *testing.T) {
	s, _ := newStore(t)
	pt := orb.Point{121.45, 31.22}
	square := orb.Polygon{{{121.45, 31.22}, {121.46, 31.22}, {121.46, 31.23}, {121.45, 31.22}}}
	for _, tt := range []struct {
		layer string
		rec   store.Record
		want  string
	}{
		{store.Cameras, store.Record{Geom: pt, Props: map[string]any{"mount_height": 1e308}}, "camera mount_height 1e+308 m is out of range: use 0 to 500 m"},
		{store.Cameras, store.Record{Geom: pt, Props: map[string]any{"status": "exploded"}}, `camera status "exploded": use online`},
		{store.Cameras, store.Record{Geom: pt, Props: map[string]any{"hfov": 400.0}}, "camera hfov 400° is out of range"},
		{store.Cameras, store.Record{Geom: pt, Props: map[string]any{"tilt": -91.0}}, "camera tilt -91°"},
		{store.Cameras, store.Record{Geom: pt, Props: map[string]any{"resolution_h": int64(-1)}}, "camera resolution_h -1 px"},
		{store.KeyAreas, store.Record{Geom: square, Props: map[string]any{"required_level": "superb"}}, `key area required_level "superb": use monitor, detect`},
		{store.Hazards, store.Record{Geom: pt, Props: map[string]any{"severity": "apocalyptic"}}, `hazard severity "apocalyptic": use low, medium, high, critical`},
		{store.Hazards, store.Record{Geom: pt, Props: map[string]any{"status": "done"}}, `hazard status "done"`},
		{store.FireEquipment, store.Record{Geom: pt, Props: map[string]any{"hazard_level": "extreme"}}, `equipment hazard_level "extreme"`},
		{store.Buildings, store.Record{Geom: square, Props: map[string]any{"height": -3.0}}, "building height -3 m"},
	} {
		err := s.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.InsertRecord(tt.layer, tt.rec)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s %v: err = %v, want ErrInvalid saying %q", tt.layer, tt.rec.Props, err, tt.want)
		}
		if n, _ := s.Count(ctx, tt.layer); n != 0 {
			t.Errorf("%s: %d features stored after a refused insert", tt.layer, n)
		}
	}

	// The typed Insert and UpdateRecord follow the same rules.
	err := s.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Insert(store.KeyArea{Geom: square, Code: "K1", RequiredLevel: "superb"})
		return err
	})
	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Insert of required level superb: err = %v", err)
	}
	var fid int64
	if err := s.Update(ctx, func(tx *store.Tx) (err error) {
		fid, err = tx.Insert(store.Camera{Geom: pt, MountHeight: 4, Status: store.CameraOnline})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx *store.Tx) error {
		return tx.UpdateRecord(store.Cameras, fid, store.Record{Props: map[string]any{"mount_height": 1e308}})
	})
	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("UpdateRecord mount height 1e308: err = %v", err)
	}
	if cs, _ := s.Cameras(ctx, store.World); len(cs) != 1 || cs[0].MountHeight != 4 {
		t.Errorf("refused update changed the camera: %+v", cs)
	}

	// Values inside the rules pass, in either spelling of a level.
	for _, lv := range []string{"identify", "Recognize", "validate", ""} {
		if err := store.CheckValue(store.KeyAreas, "required_level", lv); err != nil {
			t.Errorf("level %q: %v", lv, err)
		}
	}
}

// A file edited by another program may hold text in a number column:
// reading the layer goes on, a compass word is a heading, other text is
// not a number.
func TestTextInNumberColumnsReads(t *testing.T) {
	s, path := newStore(t)
	if err := s.Update(ctx, func(tx *store.Tx) error {
		for _, code := range []string{"A", "B", "C", "D"} {
			if _, err := tx.Insert(store.Camera{Geom: orb.Point{121.45, 31.22}, Code: code, MountHeight: 3, Heading: 10}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3_gpkg", path) // the store's driver: the R-tree triggers call its functions
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for code, h := range map[string]string{"A": "north", "B": "东南", "C": "sideways", "D": " 45 "} {
		if _, err := db.Exec(`UPDATE cameras SET heading = ?, resolution_h = 'wide', mount_height = CAST(? AS TEXT) WHERE code = ?`, h, "x", code); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := s.Cameras(ctx, store.World)
	if err != nil {
		t.Fatalf("Cameras: %v", err)
	}
	got := map[string]float64{}
	for _, c := range cs {
		got[c.Code] = c.Heading
		if !math.IsNaN(c.MountHeight) || c.ResolutionH != 0 {
			t.Errorf("camera %s: mount height %v, resolution %d; want NaN and 0 for text", c.Code, c.MountHeight, c.ResolutionH)
		}
	}
	if got["A"] != 0 || got["B"] != 135 || !math.IsNaN(got["C"]) || got["D"] != 45 {
		t.Errorf("headings = %v, want A 0, B 135, C NaN, D 45", got)
	}
}

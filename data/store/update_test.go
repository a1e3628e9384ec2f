package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

func TestUpdateRecord(t *testing.T) {
	s, path := newStore(t)
	var fid int64
	err := s.Update(ctx, func(tx *store.Tx) error {
		var err error
		fid, err = tx.Insert(store.Camera{Geom: orb.Point{121.45, 31.22}, Code: "C1", Heading: 10, HFOV: 60, VFOV: 34,
			ResolutionH: 1920, MaxRange: 30, Status: store.CameraOnline})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	moved := orb.Point{121.46, 31.23}
	err = s.Update(ctx, func(tx *store.Tx) error {
		return tx.UpdateRecord(store.Cameras, fid, store.Record{Geom: moved, Props: map[string]any{"heading": 200.0, "vfov": nil, "status": store.CameraPlanned}})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Found by the R-tree at its new place only.
	at := func(p orb.Point) []store.Camera {
		cs, err := s.Cameras(ctx, orb.Bound{Min: orb.Point{p[0] - 1e-4, p[1] - 1e-4}, Max: orb.Point{p[0] + 1e-4, p[1] + 1e-4}})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	if cs := at(orb.Point{121.45, 31.22}); len(cs) != 0 {
		t.Errorf("camera still found at its old place: %+v", cs)
	}
	cs := at(moved)
	if len(cs) != 1 {
		t.Fatalf("found %d cameras at the new place, want 1", len(cs))
	}
	c := cs[0]
	if c.Geom != moved || c.Heading != 200 || c.VFOV != 0 || c.Status != store.CameraPlanned || c.HFOV != 60 || c.Code != "C1" {
		t.Errorf("camera = %+v, want it moved, heading 200, no VFOV, planned, the rest unchanged", c)
	}

	for _, tt := range []struct {
		name string
		fid  int64
		rec  store.Record
		want string
		is   error
	}{
		{"no such feature", fid + 7, store.Record{Props: map[string]any{"heading": 1.0}}, "no such feature", store.ErrNoFeature},
		{"unknown column", fid, store.Record{Props: map[string]any{"colour": "red"}}, `no column "colour"`, nil},
		{"bad status", fid, store.Record{Props: map[string]any{"status": "broken"}}, `camera status "broken": use online, offline, maintenance, planned`, nil},
		{"not a number", fid, store.Record{Props: map[string]any{"heading": "north"}}, `"heading"`, nil},
		{"geometry type", fid, store.Record{Geom: orb.LineString{{1, 1}, {2, 2}}}, "takes POINT", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateRecord(store.Cameras, tt.fid, tt.rec) })
			if err == nil || !strings.Contains(err.Error(), tt.want) || tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
	if cs := at(moved); len(cs) != 1 || cs[0].Heading != 200 || cs[0].Status != store.CameraPlanned {
		t.Errorf("refused updates changed the camera: %+v", cs)
	}
}

func TestInsertRefusesUnknownCameraStatus(t *testing.T) {
	s, _ := newStore(t)
	err := s.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Insert(store.Camera{Geom: orb.Point{121.45, 31.22}, Status: "lost"})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), `camera status "lost"`) {
		t.Errorf("err = %v, want the status refused", err)
	}
	for _, st := range append([]string{""}, store.CameraStatuses...) {
		err := s.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Insert(store.Camera{Geom: orb.Point{121.45, 31.22}, Status: st})
			return err
		})
		if err != nil {
			t.Errorf("status %q: %v", st, err)
		}
	}
}

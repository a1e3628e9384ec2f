package report

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/data/demo"
	"safetynet/data/store"
)

// TestDuplicateCodeCamera: a second camera with a code the demo already
// uses, stored without a heading, is the one left out and listed (as the
// scene names it, CODE#n), while the first camera with that code is still
// counted.
func TestDuplicateCodeCamera(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "dup.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := demo.Write(ctx, s); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Records(ctx, store.Cameras, store.World)
	if err != nil || len(recs) == 0 {
		t.Fatalf("%d cameras, %v", len(recs), err)
	}
	code, _ := recs[0].Props["code"].(string)
	props := map[string]any{}
	for k, v := range recs[0].Props {
		props[k] = v
	}
	props["heading"] = nil
	dup := store.Record{Geom: recs[0].Geom, Props: props}
	if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.InsertRecord(store.Cameras, dup); return err }); err != nil {
		t.Fatal(err)
	}
	r, err := Analyse(ctx, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, p := range r.Problems {
		if p.Kind != "camera" || !strings.Contains(p.Msg, "heading") {
			continue
		}
		found = true
		if p.ID == code || !strings.HasPrefix(p.ID, code+"#") {
			t.Errorf("the camera without a heading is listed as %q, want %s#n (the first %s is fine)", p.ID, code, code)
		}
	}
	if !found {
		t.Errorf("no problem lists the camera without a heading: %+v", r.Problems)
	}
	if _, ok := r.Model.Camera(code); !ok {
		t.Errorf("camera %s with its heading was taken out of the model", code)
	}
}

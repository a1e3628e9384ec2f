package report

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/geo/coverage"
)

// TestPlannedCameras checks that a planned camera is listed as planned and
// adds nothing to the coverage of what exists, while a plan counts it.
func TestPlannedCameras(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "planned.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// An 8 m square key area, and 9 m south of it a camera looking north
	// with a 60° view and 40 m range: it sees most of the area at observe.
	x, y, d := 121.4535, 31.2205, 0.00008
	err = s.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Insert(store.KeyArea{Geom: orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}},
			Code: "KA-01", Kind: "gate", RequiredLevel: "observe"}); err != nil {
			return err
		}
		_, err := tx.Insert(store.Camera{Geom: orb.Point{x + d/2, y - d}, Code: "CAM-N", MountHeight: 4, HFOV: 60,
			ResolutionH: 2560, MaxRange: 40, Status: store.CameraPlanned})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyse(ctx, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Cameras; c.Total != 1 || c.Planned != 1 || c.Offline != 1 {
		t.Errorf("cameras %+v, want 1 planned (and so not working)", c)
	}
	if len(r.Areas) != 1 || r.Areas[0].Camera != 0 {
		t.Errorf("areas %+v, want KA-01 unseen by the planned camera", r.Areas)
	}
	var b bytes.Buffer
	if err := r.WriteSummary(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "1 planned and left out of the coverage") {
		t.Errorf("summary does not list the planned camera:\n%s", b.String())
	}

	// A plan counts it.
	sc, err := scene.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sc.Model(coverage.Options{IncludeOffline: true})
	if err != nil {
		t.Fatal(err)
	}
	if a := m.KeyAreas(); len(a) != 1 || a[0].Camera < 0.5 {
		t.Errorf("plan coverage %+v, want most of KA-01 seen by the planned camera", a)
	}
}

package main

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// storeWith writes the features into a new store and returns its path.
func storeWith(t testing.TB, fs ...store.Feature) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "s.gpkg")
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(context.Background(), func(tx *store.Tx) error {
		for _, f := range fs {
			if _, err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// square returns a square of side metres at 121.45 E, 31.22 N, lon/lat.
func square(side float64) orb.Polygon {
	lon0, lat0 := 121.45, 31.22
	dy := side / 111320
	dx := dy / math.Cos(lat0*math.Pi/180)
	return orb.Polygon{{{lon0, lat0}, {lon0 + dx, lat0}, {lon0 + dx, lat0 + dy}, {lon0, lat0 + dy}, {lon0, lat0}}}
}

// TestCoverageTownCell checks that coverage over a town-sized key area
// chooses a cell for it and says so, that --cell too fine for it is
// refused, and that the command's errors are its own.
func TestCoverageTownCell(t *testing.T) {
	db := storeWith(t, store.KeyArea{Geom: square(4500), Code: "TOWN", Kind: "gate", RequiredLevel: "observe"})
	out := mustCtl(t, "coverage", "--db", db, "--out", filepath.Join(t.TempDir(), "out"))
	if !strings.Contains(out, "cell 1 m\n") || !strings.Contains(out, "note: cell 1 m chosen for an extent of") {
		t.Errorf("the summary does not say which cell it chose and why:\n%s", out)
	}
	msg, code := ctl(t, "coverage", "--db", db, "--out", filepath.Join(t.TempDir(), "out2"), "--cell", "0.5")
	if code != 1 || !strings.Contains(msg, "safetynetctl: coverage: the cameras, key areas") ||
		!strings.Contains(msg, "use larger cells") || strings.Contains(msg, "report:") {
		t.Errorf("--cell 0.5 over 4.5 km: exit %d\n%s", code, msg)
	}
}

// TestCoverageNothingReaches checks the gaps line of a community without
// cameras, patrols or fire equipment: it says nothing is covered rather
// than giving the raster's padding as a gap.
func TestCoverageNothingReaches(t *testing.T) {
	for _, c := range []struct {
		name   string
		fs     []store.Feature
		ground string
	}{
		{"buildings only", []store.Feature{store.Building{Geom: orb.MultiPolygon{square(20)}, Use: "yes"}}, "(0 m2 of key-area ground)"},
		{"a key area", []store.Feature{store.KeyArea{Geom: square(30), Code: "KA", Kind: "gate", RequiredLevel: "observe"}}, "(900 m2 of key-area ground)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := mustCtl(t, "coverage", "--db", storeWith(t, c.fs...), "--out", filepath.Join(t.TempDir(), "out"))
			if !strings.Contains(out, "gaps (nothing reaches): no cameras, patrols or fire equipment counted, so nothing is covered "+c.ground) {
				t.Errorf("summary:\n%s", out)
			}
		})
	}
}

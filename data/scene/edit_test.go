package scene

import (
	"context"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/geo/snap"
)

// demoStore writes the demo community into a new GeoPackage.
func demoStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(filepath.Join(tb.TempDir(), "demo.gpkg"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := demo.Write(context.Background(), st); err != nil {
		tb.Fatal(err)
	}
	return st
}

func keyAreas(tb testing.TB, st *store.Store) []coverage.AreaCoverage {
	tb.Helper()
	s, err := Load(context.Background(), st)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := s.Model(coverage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return m.KeyAreas()
}

// moved is an edit moving a building of st by dx, dy metres.
func moved(tb testing.TB, r store.Record, dx, dy float64) store.Edit {
	tb.Helper()
	c := r.Geom.Bound().Center()
	m := geo.Distance(c, orb.Point{c[0] + 0.001, c[1]}) / 0.001 // metres per degree of longitude
	n := geo.Distance(c, orb.Point{c[0], c[1] + 0.001}) / 0.001
	after := r
	after.Geom = snap.Translate(r.Geom, dx/m, dy/n)
	before := r
	return store.Edit{Layer: store.Buildings, Before: &before, After: &after}
}

// nearCameras returns the demo's buildings, nearest to a camera first.
func nearCameras(tb testing.TB, st *store.Store) []store.Record {
	tb.Helper()
	ctx := context.Background()
	all := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	bs, err := st.Records(ctx, store.Buildings, all)
	if err != nil {
		tb.Fatal(err)
	}
	cams, err := st.Cameras(ctx, all)
	if err != nil {
		tb.Fatal(err)
	}
	dist := func(r store.Record) float64 {
		best := 1e18
		for _, c := range cams {
			best = min(best, geo.Distance(r.Geom.Bound().Center(), c.Geom))
		}
		return best
	}
	sort.Slice(bs, func(i, j int) bool { return dist(bs[i]) < dist(bs[j]) })
	return bs
}

// TestCoverageFollowsMovedBuilding: a building moved in the store onto a
// key area changes that area's coverage read from the store, and the edit
// undone gives back exactly the coverage before.
func TestCoverageFollowsMovedBuilding(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	before := keyAreas(t, st)
	all := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	kas, err := st.KeyAreas(ctx, all)
	if err != nil || len(kas) == 0 {
		t.Fatalf("%d key areas: %v", len(kas), err)
	}
	ka := kas[0]
	target := ka.Geom.Bound().Center()
	bs := nearCameras(t, st)
	sort.Slice(bs, func(i, j int) bool {
		return geo.Distance(bs[i].Geom.Bound().Center(), target) < geo.Distance(bs[j].Geom.Bound().Center(), target)
	})
	b := bs[0]
	c := b.Geom.Bound().Center()
	dx := geo.Distance(c, orb.Point{target[0], c[1]})
	if target[0] < c[0] {
		dx = -dx
	}
	dy := geo.Distance(c, orb.Point{c[0], target[1]})
	if target[1] < c[1] {
		dy = -dy
	}
	done, err := st.ApplyEdits(ctx, "test", []store.Edit{moved(t, b, dx, dy)})
	if err != nil {
		t.Fatal(err)
	}
	after := keyAreas(t, st)
	var was, now coverage.AreaCoverage
	for i := range before {
		if before[i].Code == ka.Code {
			was, now = before[i], after[i]
		}
	}
	if now.Camera == was.Camera {
		t.Errorf("building %d moved onto key area %s: still %.1f%% seen at its level", b.FID, ka.Code, 100*now.Camera)
	}
	t.Logf("building %d moved %.0f m, %.0f m onto %s: ground %.0f → %.0f m², seen at its level %.0f%% → %.0f%%",
		b.FID, dx, dy, ka.Code, was.Ground, now.Ground, 100*was.Camera, 100*now.Camera)
	if _, err := st.ApplyEdits(ctx, "test", []store.Edit{done[0].Inverse()}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(keyAreas(t, st), before) {
		t.Fatal("the building moved and moved back: the coverage differs from before")
	}
}

// BenchmarkCoverageAfterMovedBuilding: a building of the demo moved and
// saved, and the coverage of every camera and key area computed again
// from the store (aim: ≤ 1 s).
func BenchmarkCoverageAfterMovedBuilding(b *testing.B) {
	st := demoStore(b)
	ctx := context.Background()
	r := nearCameras(b, st)[0]
	dx := 1.0
	b.ResetTimer()
	for b.Loop() {
		done, err := st.ApplyEdits(ctx, "bench", []store.Edit{moved(b, r, dx, 0)})
		if err != nil {
			b.Fatal(err)
		}
		r, dx = *done[0].After, -dx
		keyAreas(b, st)
	}
}

package scene

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/geo/proj"
)

// TestBarrierFromStore: a camera 4 m up, tilted 30° down (blind up to
// 2.4 m), looks north over a 2 m wall 10 m
// away that spans its whole sector. Read through a GeoPackage, the wall
// hides the ground behind it: the key area 12-20 m north is not covered at
// all, the one 4-8 m north fully. A chain-link fence in the same place
// hides nothing, but both are in the way on foot.
func TestBarrierFromStore(t *testing.T) {
	origin := orb.Point{121.6, 31.2}
	plane := proj.New(origin)
	ll := func(x, y float64) orb.Point { return plane.ToLonLat(orb.Point{x, y}) }
	rect := func(x0, y0, x1, y1 float64) orb.Polygon {
		return orb.Polygon{{ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)}}
	}
	for _, tt := range []struct {
		name   string
		kind   string
		opaque bool
		behind float64 // camera share of the area behind
	}{
		{"2 m wall", store.BarrierWall, true, 0},
		{"chain-link fence", store.BarrierFence, false, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.Open(filepath.Join(t.TempDir(), "wall.gpkg"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			fs := []store.Feature{
				store.Camera{Geom: ll(0, 0), Code: "C", MountHeight: 4, Heading: 0, Tilt: 30, HFOV: 90, ResolutionH: 1920, MaxRange: 40, Status: store.CameraOnline},
				store.Barrier{Geom: orb.LineString{ll(-30, 10), ll(30, 10)}, Kind: tt.kind, Height: 2, Opaque: tt.opaque},
				store.KeyArea{Geom: rect(-2, 4, 2, 8), Code: "FRONT", Kind: "square", RequiredLevel: "monitor"},
				store.KeyArea{Geom: rect(-5, 12, 5, 20), Code: "BEHIND", Kind: "square", RequiredLevel: "monitor"},
			}
			if err := st.Update(ctx, func(tx *store.Tx) error {
				for _, f := range fs {
					if _, err := tx.Insert(f); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			s, err := Load(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Scene.Walls) != 1 || s.Scene.Walls[0].SeeThrough == tt.opaque || s.Scene.Walls[0].ID != "barriers/1" {
				t.Fatalf("walls in the scene: %+v", s.Scene.Walls)
			}
			m, err := s.Model(coverage.Options{})
			if err != nil {
				t.Fatal(err)
			}
			shares := map[string]float64{}
			for _, a := range m.KeyAreas() {
				shares[a.Code] = a.Camera
			}
			if shares["FRONT"] != 1 || shares["BEHIND"] != tt.behind {
				t.Errorf("camera shares %v, want FRONT 1, BEHIND %v", shares, tt.behind)
			}
			// Seen behind a fence one sees through, never behind a wall.
			if got := s.Seeing(m, ll(0, 15)); (len(got) > 0) == tt.opaque {
				t.Errorf("cameras seeing the ground behind the %s: %v", tt.kind, got)
			}
			// On foot the barrier is in the way: round its end, 2·√(30² + 5²) m.
			want := 2 * 30.4138
			a, b := s.ToMetres(ll(0, 5)), s.ToMetres(ll(0, 15))
			if d := m.Walk().Distance(a, b, 200); d < want-0.05 || d > want+0.05 {
				t.Errorf("walk across: %.2f m, want %.2f m", d, want)
			}
		})
	}
}

package scene

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/osmimport"
	"safetynet/data/store"
	"safetynet/data/testenv"
	"safetynet/geo/coverage"
)

// helsinki reads the Helsinki extract's features.
func helsinki(t *testing.T) []store.Feature {
	t.Helper()
	path := testenv.SharedData(t, "osm/helsinki-centre.osm.pbf")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, _, err := osmimport.Read(context.Background(), f, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// square is a key area of side d degrees at x, y.
func square(code string, x, y, d float64) *store.KeyArea {
	return &store.KeyArea{Geom: orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}, Code: code, RequiredLevel: "observe"}
}

// TestLoadFarApart loads stores holding places thousands of kilometres
// apart, as after importing Helsinki into the Shanghai demo: the
// coverage raster must be sized to the community, or the load must say
// what to do.
func TestLoadFarApart(t *testing.T) {
	shanghai := demo.Community()
	tests := []struct {
		name     string
		features func(t *testing.T) []store.Feature
		err      error  // wrapped by Load's error; nil: loads
		msg      string // in the error, or in the left-out problem
		left     bool   // a problem says features were left out
	}{
		{"the demo alone", func(*testing.T) []store.Feature { return shanghai }, nil, "", false},
		{"Helsinki merged into the demo", func(t *testing.T) []store.Feature {
			return append(append([]store.Feature(nil), shanghai...), helsinki(t)...)
		}, nil, "features lie far from the community", true},
		{"key areas in Shanghai and Helsinki", func(t *testing.T) []store.Feature {
			fs := append(append([]store.Feature(nil), shanghai...), helsinki(t)...)
			return append(fs, square("HEL-1", 24.945, 60.170, 0.0002))
		}, ErrSpread, "put the others in a new GeoPackage", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := store.Open(filepath.Join(t.TempDir(), "c.gpkg"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			err = s.Update(ctx, func(tx *store.Tx) error {
				for _, f := range tc.features(t) {
					if _, err := tx.Insert(f); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			sc, err := Load(ctx, s)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("Load error = %v, want %v saying %q", err, tc.err, tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := sc.Model(coverage.Options{IncludeOffline: true})
			if err != nil {
				t.Fatalf("Model: %v", err)
			}
			g := m.Grid()
			if w, h := float64(g.Cols)*g.Cell, float64(g.Rows)*g.Cell; w > 2000 || h > 2000 {
				t.Errorf("raster %.0f × %.0f m, want the community's few hundred metres", w, h)
			}
			if len(m.KeyAreas()) == 0 {
				t.Error("no key areas in the model")
			}
			var left []string
			for _, p := range sc.Problems {
				if p.Kind == "community" {
					left = append(left, p.Error())
				}
			}
			if tc.left != (len(left) > 0) || tc.left && !strings.Contains(left[0], tc.msg) {
				t.Errorf("left-out problems = %q, want %v with %q", left, tc.left, tc.msg)
			}
			if tc.left && !strings.Contains(left[0], "24.9") {
				t.Errorf("problem %q does not say where the other place is", left[0])
			}
		})
	}
}

func TestCommunity(t *testing.T) {
	cam := func(x, y float64) *store.Camera { return &store.Camera{Geom: orb.Point{x, y}, Code: "C"} }
	road := &store.Road{Geom: orb.LineString{{121.45, 31.22}, {121.46, 31.22}}}
	farRoad := &store.Road{Geom: orb.LineString{{24.94, 60.17}, {24.95, 60.17}}}
	tests := []struct {
		name string
		fs   []store.Feature
		kept int
		left int
		err  error
	}{
		{"one place", []store.Feature{square("A", 121.45, 31.22, 0.001), cam(121.451, 31.221), road}, 3, 0, nil},
		{"two places 1 km apart are one", []store.Feature{square("A", 121.45, 31.22, 0.001), cam(121.46, 31.22)}, 2, 0, nil},
		{"cameras far away are left out", []store.Feature{square("A", 121.45, 31.22, 0.001), cam(121.451, 31.221), cam(24.94, 60.17), road, farRoad}, 3, 2, nil},
		{"without key areas the place with most cameras", []store.Feature{cam(121.45, 31.22), cam(24.94, 60.17), cam(24.941, 60.171)}, 2, 1, nil},
		{"key areas in two places", []store.Feature{square("A", 121.45, 31.22, 0.001), square("B", 24.94, 60.17, 0.001)}, 0, 0, ErrSpread},
		{"a feature without geometry is kept", []store.Feature{square("A", 121.45, 31.22, 0.001), cam(24.94, 60.17), &store.Road{}}, 2, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sp, err := Community(tc.fs)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if len(sp.Kept) != tc.kept || sp.Left != tc.left {
				t.Errorf("kept %d, left %d; want %d, %d", len(sp.Kept), sp.Left, tc.kept, tc.left)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	pt := func(x, y float64) orb.Bound { return orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x, y}} }
	tests := []struct {
		name     string
		a, b     orb.Bound
		min, max float64 // metres
	}{
		{"overlapping", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, orb.Bound{Min: orb.Point{0.5, 0.5}, Max: orb.Point{2, 2}}, 0, 0},
		{"0.01° of latitude", pt(121, 31), pt(121, 31.01), 1100, 1120},
		{"Shanghai to Helsinki", pt(121.6, 31.2), pt(24.94, 60.17), 7.35e6, 7.45e6},
		{"side by side", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, orb.Bound{Min: orb.Point{1.01, 0.5}, Max: orb.Point{2, 0.6}}, 1100, 1120},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := Distance(tc.a, tc.b); d < tc.min || d > tc.max {
				t.Errorf("Distance = %.0f m, want %.0f to %.0f", d, tc.min, tc.max)
			}
		})
	}
}

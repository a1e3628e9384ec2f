package osmimport

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

// openStore opens a new store at path.
func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// extractPath returns the path of a real extract in ../shared/data/osm.
func extractPath(t *testing.T, name string) string {
	t.Helper()
	return testenv.SharedData(t, "osm/"+name)
}

func TestImport(t *testing.T) {
	for _, name := range []string{"helsinki-centre.osm.pbf", "taipei-xinyi.osm"} {
		t.Run(name, func(t *testing.T) {
			path := extractPath(t, name)
			s := openStore(t, filepath.Join(t.TempDir(), "import.gpkg"))
			defer s.Close()
			ctx := context.Background()
			st, err := Import(ctx, s, path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, layer := range store.LayerNames() {
				n, err := s.Count(ctx, layer)
				if err != nil {
					t.Fatal(err)
				}
				if n != st.Built[layer] {
					t.Errorf("%s: %d in the store, %d built", layer, n, st.Built[layer])
				}
			}
			cams, err := s.Cameras(ctx, store.World)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cams {
				if !strings.HasPrefix(c.OSMID, "node/") || c.Status != store.CameraOnline {
					t.Errorf("camera read back: %+v", c)
					break
				}
			}
			if name == "taipei-xinyi.osm" {
				roads, err := s.Roads(ctx, store.World)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, r := range roads {
					if r.OSMID == "way/49153730" {
						found = r.Name == "逸仙路42巷" && r.NameEn == "Lane 42, Yixian Road"
					}
				}
				if !found {
					t.Error("way/49153730 and its Chinese name not read back")
				}
			}
		})
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// A failed import writes nothing: the GeoPackage stays byte for byte what
// it was, whether Read fails or the store refuses a feature midway.
func TestImportFailureWritesNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "keep.gpkg")
	ctx := context.Background()

	// Some data first, so there is something to keep.
	s := openStore(t, db)
	good := filepath.Join(dir, "good.osm")
	if err := os.WriteFile(good, xmlOf(pointData), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, s, good, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A file Read rejects, and a file whose last camera the store must
	// refuse (latitude 95°) after the others were inserted.
	truncated := filepath.Join(dir, "truncated.osm.pbf")
	pbf := pbfOf(multipolygonData, true)
	if err := os.WriteFile(truncated, pbf[:len(pbf)*6/10], 0o644); err != nil {
		t.Fatal(err)
	}
	bad := pointData
	bad.nodes = append(bad.nodes[:len(bad.nodes):len(bad.nodes)],
		tNode{id: 99, lon: 24.9, lat: 95, tags: []string{"man_made", "surveillance"}})
	refused := filepath.Join(dir, "refused.osm")
	if err := os.WriteFile(refused, xmlOf(bad), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, file := range []string{truncated, refused} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			before := fileHash(t, db)
			s := openStore(t, db)
			counts := map[string]int{}
			for _, l := range store.LayerNames() {
				counts[l], _ = s.Count(ctx, l)
			}
			_, err := Import(ctx, s, file, nil)
			if err == nil {
				t.Fatal("import succeeded")
			}
			if !strings.HasPrefix(err.Error(), "import "+file+": ") {
				t.Errorf("error %q does not name the file", err)
			}
			t.Log(err)
			for _, l := range store.LayerNames() {
				if n, _ := s.Count(ctx, l); n != counts[l] {
					t.Errorf("%s: %d features, %d before", l, n, counts[l])
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if fileHash(t, db) != before {
				t.Error("the GeoPackage changed")
			}
		})
	}
}

func TestImportMissingFile(t *testing.T) {
	_, err := Import(context.Background(), nil, filepath.Join(t.TempDir(), "nope.osm"), nil)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.osm") {
		t.Errorf("got %v", err)
	}
}

// BenchmarkImportMonaco imports monaco.osm.pbf into a new GeoPackage, to
// compare with: ogr2ogr -f GPKG monaco.gpkg monaco.osm.pbf
func BenchmarkImportMonaco(b *testing.B) {
	path := testenv.SharedData(b, "osm/monaco.osm.pbf")
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		s, err := store.Open(filepath.Join(dir, "monaco"+strconv.Itoa(i)+".gpkg"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Import(context.Background(), s, path, nil); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

package geojsonio

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"safetynet/data/store"
)

// openStore opens a new store in a temporary folder.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "community.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fixtures are the testdata files named after a layer.
var fixtures = []string{"buildings.geojson", "cameras.geojson", "hazards.geojson", "roads.geojson"}

// withoutNulls returns recs with nil properties left out, as Decode
// returns them.
func withoutNulls(recs []store.Record) []store.Record {
	out := make([]store.Record, len(recs))
	for i, r := range recs {
		props := map[string]any{}
		for k, v := range r.Props {
			if v != nil {
				props[k] = v
			}
		}
		out[i] = store.Record{FID: r.FID, Geom: r.Geom, Props: props}
	}
	return out
}

// TestSchemasMatchStore keeps the test schemas honest.
func TestSchemasMatchStore(t *testing.T) {
	for _, sc := range testSchemas {
		if !slices.Contains(store.LayerNames(), sc.layer) {
			continue
		}
		real, err := schemaOf(sc.layer)
		if err != nil {
			t.Fatal(err)
		}
		if real.geom != sc.geom {
			t.Errorf("%s: geometry type %s, store says %s", sc.layer, sc.geom, real.geom)
		}
		for _, c := range sc.cols {
			if !slices.Contains(real.cols, c) {
				t.Errorf("%s: column %v is not in the store", sc.layer, c)
			}
		}
	}
}

func TestImportExport(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for _, name := range fixtures {
		n, warnings, err := Import(ctx, s, filepath.Join("testdata", name), "")
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 && name != "roads.geojson" {
			t.Errorf("%s: imported %d features, want 2", name, n)
		}
		if name == "buildings.geojson" {
			want := []string{`buildings.geojson: property "source" is not a column of buildings; ignored in 2 features`}
			if !reflect.DeepEqual(warnings, want) {
				t.Errorf("warnings %q, want %q", warnings, want)
			}
		}
	}

	cams, err := s.Cameras(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cams[0].NameZh, "人民广场地铁站 1号口 <东> & \"南\""; got != want {
		t.Errorf("name_zh %q, want %q", got, want)
	}
	hazards, err := s.Records(ctx, store.Hazards, store.World)
	if err != nil {
		t.Fatal(err)
	}
	if got := hazards[0].Props["reported"]; got != "2024-05-06" {
		t.Errorf("reported %v, want the date of the RFC 3339 time", got)
	}

	dir := filepath.Join(t.TempDir(), "export")
	counts, err := Export(ctx, s, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, l := range store.LayerNames() {
		want[l] = 0
	}
	want[store.Buildings], want[store.Cameras], want[store.Hazards], want[store.Roads] = 2, 2, 2, 1
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("counts %v, want %v", counts, want)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(store.LayerNames()) {
		t.Errorf("export wrote %d files, want one per layer: %v", len(entries), entries)
	}

	// Every exported file decodes to what the store holds.
	for _, layer := range store.LayerNames() {
		data, err := os.ReadFile(filepath.Join(dir, layer+Ext))
		if err != nil {
			t.Fatal(err)
		}
		if want[layer] == 0 && string(data) != "{\"type\":\"FeatureCollection\",\"features\":[]}\n" {
			t.Errorf("%s: empty layer written as %q", layer, data)
		}
		recs, _, err := Decode(strings.NewReader(string(data)), layer+Ext, layer)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.Records(ctx, layer, store.World)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(recs, withoutNulls(stored)) && len(recs)+len(stored) > 0 {
			t.Errorf("%s: exported\n%#v\nstore holds\n%#v", layer, recs, stored)
		}
	}

	// Importing the export into a new store and exporting it again gives
	// the same files, byte for byte.
	s2 := openStore(t)
	for _, layer := range store.LayerNames() {
		if _, _, err := Import(ctx, s2, filepath.Join(dir, layer+Ext), ""); err != nil {
			t.Fatal(err)
		}
	}
	dir2 := filepath.Join(t.TempDir(), "export2")
	if _, err := Export(ctx, s2, dir2); err != nil {
		t.Fatal(err)
	}
	for _, layer := range store.LayerNames() {
		a, _ := os.ReadFile(filepath.Join(dir, layer+Ext))
		b, _ := os.ReadFile(filepath.Join(dir2, layer+Ext))
		if string(a) != string(b) {
			t.Errorf("%s: second export differs:\n%s\n%s", layer, a, b)
		}
	}
}

// fileSum returns the SHA-256 of the store's file and of its write-ahead
// log, if any.
func fileSum(t *testing.T, path string) [2][32]byte {
	t.Helper()
	var sums [2][32]byte
	for i, p := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		sums[i] = sha256.Sum256(data)
	}
	return sums
}

// TestImportFailureLeavesStoreUnchanged checks that a failed import leaves
// the GeoPackage file byte-identical, whether it fails while decoding or
// part way through inserting.
func TestImportFailureLeavesStoreUnchanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "community.gpkg")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Import(ctx, s, "testdata/cameras.geojson", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	bad := filepath.Join(dir, "cameras.geojson")
	tests := []struct {
		name, doc string
		failAt    int // insertRecord fails on this call (1-based); 0 for never
		want      []string
	}{
		{"bad coordinate", fc(goodCam, goodCam, feat(`"cam-7"`, point("200", "31"), `{}`)), 0,
			[]string{`cameras.geojson: feature 2 (id "cam-7"): Point: longitude 200 out of range`}},
		{"insert fails part way", fc(goodCam, goodCam, feat(`"cam-7"`, point("121", "31"), `{}`)), 3,
			[]string{`nothing imported`, `cameras.geojson: feature 2 (id "cam-7"): disk on fire`}},
		{"NaN", fc(goodCam, feat(`"cam-7"`, point("NaN", "31"), `{}`)), 0,
			[]string{`cameras.geojson: feature 1: line 2`, `NaN is not a JSON number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(bad, []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			calls := 0
			insertRecord = func(tx *store.Tx, layer string, r store.Record) (int64, error) {
				if calls++; calls == tt.failAt {
					return 0, errors.New("disk on fire")
				}
				return tx.InsertRecord(layer, r)
			}
			defer func() { insertRecord = (*store.Tx).InsertRecord }()

			before := fileSum(t, path)
			s, err := store.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			opened := fileSum(t, path)
			n, _, err := Import(ctx, s, bad, "")
			if err == nil {
				t.Fatal("import succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if n != 0 {
				t.Errorf("import says %d features added", n)
			}
			if tt.failAt > 0 && calls != tt.failAt {
				t.Errorf("%d inserts, want %d", calls, tt.failAt)
			}
			if c, err := s.Count(ctx, store.Cameras); err != nil || c != 2 {
				t.Errorf("cameras: %d, %v; want the 2 imported before", c, err)
			}
			if fileSum(t, path) != opened {
				t.Error("the failed import changed the open store's files")
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if fileSum(t, path) != before {
				t.Error("the store file changed")
			}
		})
	}

	// The sums do notice a successful import.
	before := fileSum(t, path)
	s, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := Import(ctx, s, "testdata/cameras.geojson", ""); err != nil {
		t.Fatal(err)
	}
	if fileSum(t, path) == before {
		t.Error("a successful import left the files unchanged")
	}
}

func TestImportLayerFromFileName(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	dir := t.TempDir()
	doc := fc(goodCam)
	for _, name := range []string{"cctv.geojson", "cameras.json", "cameras"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := Import(ctx, s, filepath.Join(dir, "cctv.geojson"), ""); err == nil ||
		!strings.Contains(err.Error(), "cannot tell the layer from the file name; rename the file to <layer>.geojson or choose a layer") {
		t.Errorf("error %v", err)
	}
	for _, name := range []string{"cameras.json", "cameras"} {
		if n, _, err := Import(ctx, s, filepath.Join(dir, name), ""); err != nil || n != 1 {
			t.Errorf("%s: %d, %v", name, n, err)
		}
	}
	if n, _, err := Import(ctx, s, filepath.Join(dir, "cctv.geojson"), store.Cameras); err != nil || n != 1 {
		t.Errorf("cctv.geojson into cameras: %d, %v", n, err)
	}
	if _, _, err := Import(ctx, s, filepath.Join(dir, "cctv.geojson"), store.Roads); err == nil ||
		!strings.Contains(err.Error(), `cctv.geojson: feature 0 (id "cam-1"): geometry is a Point; layer roads holds a LineString`) {
		t.Errorf("error %v", err)
	}
}

func TestExportEmptyStore(t *testing.T) {
	dir := t.TempDir()
	counts, err := Export(context.Background(), openStore(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	var want []string
	for _, l := range store.LayerNames() {
		want = append(want, l+Ext)
		if counts[l] != 0 {
			t.Errorf("%s: %d features", l, counts[l])
		}
	}
	slices.Sort(want)
	if !reflect.DeepEqual(names, want) {
		t.Errorf("files %v, want %v (and no temporary files)", names, want)
	}
}

// A GeoPackage from before the barriers layer, opened read-only, exports
// every layer: an empty barriers file.
func TestExportOlderStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "older.gpkg")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TABLE barriers`, `DROP TABLE rtree_barriers_geom`,
		`DELETE FROM gpkg_geometry_columns WHERE table_name = 'barriers'`,
		`DELETE FROM gpkg_contents WHERE table_name = 'barriers'`,
		`UPDATE safetynet_meta SET value = '1' WHERE key = 'schema_version'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	ro, err := store.OpenWith(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	dir := t.TempDir()
	counts, err := Export(context.Background(), ro, dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, store.Barriers+Ext))
	if err != nil || counts[store.Barriers] != 0 || !strings.Contains(string(b), `"features": []`) && !strings.Contains(string(b), `"features":[]`) {
		t.Errorf("barriers export of an older file: %d features, %v:\n%s", counts[store.Barriers], err, b)
	}
}

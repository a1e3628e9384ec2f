// Package geojsonio reads and writes the layers of a store as RFC 7946
// GeoJSON: Import brings one file into one layer in a single transaction,
// Export writes every layer to DIR/<layer>.geojson.
//
// Coordinates are longitude, latitude in degrees (EPSG:4326). Decode checks
// every feature against its layer (geometry type, column types, coordinate
// ranges, closed rings) and names the file and the feature in its errors:
//
//	cameras.geojson: feature 3 (id "cam-7"): Point: longitude 200 out of range [-180, 180]
//
// Feature numbers count from 0, as the index into the "features" array.
// Polygon rings are accepted in either winding and written as RFC 7946
// wants: outer rings counter-clockwise, holes clockwise.
//
// The functions keep no state and are safe for concurrent use.
package geojsonio

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"safetynet/data/scene"
	"safetynet/data/store"
)

// Ext is the extension of the files Export writes.
const Ext = ".geojson"

// schema is what decoding and encoding need to know about a layer.
type schema struct {
	layer string
	geom  string // GeoPackage geometry type name: POINT, LINESTRING, ...
	cols  []store.Column
}

// schemaOf returns the schema of a layer of the store.
func schemaOf(layer string) (schema, error) {
	if !slices.Contains(store.LayerNames(), layer) {
		return schema{}, fmt.Errorf("no layer %q; the layers are %s", layer, strings.Join(store.LayerNames(), ", "))
	}
	sc := schema{layer: layer, geom: store.GeometryType(layer), cols: store.Columns(layer)}
	if sc.geom == "" {
		return schema{}, fmt.Errorf("layer %q has no geometry type", layer)
	}
	return sc, nil
}

// Decode reads a GeoJSON FeatureCollection, or a single Feature, meant for
// layer and returns its features as records ready for Tx.InsertRecord, in
// file order. name is the file name to use in messages.
//
// A record's FID is the feature's "id" when that is a positive integer, and
// 0 otherwise; a text "id" is the feature's code when its properties give
// none. Properties fill the columns of their name, ignoring case, or else
// of a name other registers use for it (see store.MapColumns: id,
// OBJECTID or camera_id for code; location_name or description for name;
// direction or bearing for heading, ...). Numbers written as text are
// numbers, and a heading may be a compass word (north, NE, 东南). Every
// value is checked against the rules of its column (store.CheckValue).
// Properties that fill no column are kept, as a JSON object, in the
// layer's attributes column where it has one, and otherwise left out;
// warnings lists those, one line each, with the number of features that
// had them. A camera without a heading or a field of view is marked
// estimated. Decode reports up to 10 bad features at once, joined by
// newlines.
func Decode(r io.Reader, name, layer string) (recs []store.Record, warnings []string, err error) {
	sc, err := schemaOf(layer)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	fs, warnings, err := decode(data, name, sc)
	if err != nil {
		return nil, warnings, err
	}
	return records(fs), warnings, nil
}

// Import reads the GeoJSON file at path into layer of s in one transaction:
// either every feature is added or, on any error, none is. When layer is ""
// it is the file's base name without extension (cameras.geojson goes to
// cameras).
//
// Imported features are appended with new fids chosen by the store; the ids
// in the file only name features in messages. Import returns the number of
// features added and the warnings of Decode.
//
// For cameras, the warnings also list what coverage will assume for each
// camera added without a heading, tilt or field of view (see Estimates).
func Import(ctx context.Context, s *store.Store, path, layer string) (n int, warnings []string, err error) {
	f, warnings, err := ReadFile(path, layer)
	if err != nil {
		return 0, warnings, err
	}
	if n, err = f.Write(ctx, s); err != nil {
		return n, warnings, err
	}
	return n, append(warnings, f.Estimates(ctx, s)...), nil
}

// File is a GeoJSON file read for one layer, ready to be written into a
// store: ReadFile, then look at Bound, then Write.
type File struct {
	// Path is the file read and Layer the layer its features go into.
	Path, Layer string
	feats       []feature
	added       map[int64]bool // fids Write gave the features
}

// ReadFile reads and checks the GeoJSON file at path for layer ("": the
// file's base name) without writing anything; see Import.
func ReadFile(path, layer string) (*File, []string, error) {
	name := filepath.Base(path)
	if layer == "" {
		layer = strings.TrimSuffix(name, filepath.Ext(name))
		if !slices.Contains(store.LayerNames(), layer) {
			return nil, nil, fmt.Errorf("import %s: cannot tell the layer from the file name; rename the file to <layer>%s or choose a layer (%s)",
				path, Ext, strings.Join(store.LayerNames(), ", "))
		}
	}
	sc, err := schemaOf(layer)
	if err != nil {
		return nil, nil, fmt.Errorf("import %s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("import: %w", err)
	}
	fs, warnings, err := decode(data, name, sc)
	if err != nil {
		return nil, warnings, fmt.Errorf("import into %s, nothing imported: %w", layer, err)
	}
	return &File{Path: path, Layer: layer, feats: fs}, warnings, nil
}

// Len returns the number of features read.
func (f *File) Len() int { return len(f.feats) }

// Bound returns the extent of the features read (longitude/latitude), and
// false when there are none.
func (f *File) Bound() (orb.Bound, bool) {
	var b orb.Bound
	found := false
	for _, ft := range f.feats {
		if ft.rec.Geom == nil {
			continue
		}
		gb := ft.rec.Geom.Bound()
		if gb.Min[0] > gb.Max[0] || gb.Min[1] > gb.Max[1] {
			continue
		}
		if !found {
			b, found = gb, true
		} else {
			b = b.Union(gb)
		}
	}
	return b, found
}

// Write adds the features read to their layer of s in one transaction:
// either every feature is added or, on any error, none is. It returns the
// number of features added.
func (f *File) Write(ctx context.Context, s *store.Store) (int, error) {
	name := filepath.Base(f.Path)
	added := make(map[int64]bool, len(f.feats))
	err := s.Update(ctx, func(tx *store.Tx) error {
		for _, ft := range f.feats {
			if err := ctx.Err(); err != nil {
				return err
			}
			r := ft.rec
			r.FID = 0 // let the store number the new features
			fid, err := insertRecord(tx, f.Layer, r)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", name, ft.label, err)
			}
			added[fid] = true
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("import into %s, nothing imported: %w", f.Layer, err)
	}
	f.added = added
	return len(f.feats), nil
}

// Estimates returns, after Write, one line for each camera written that
// coverage counts with estimates (no heading, tilt or field of view in the
// file), saying what it assumes from the roads and buildings s holds now:
//
//	cams.geojson: camera C-7: no heading: heading estimated 180° (toward road Front St, 10 m away)
//
// It returns nil for other layers, and a single line when s cannot be
// loaded for coverage.
func (f *File) Estimates(ctx context.Context, s *store.Store) []string {
	if f.Layer != store.Cameras || len(f.added) == 0 {
		return nil
	}
	name := filepath.Base(f.Path)
	sc, err := scene.Load(ctx, s)
	if err != nil {
		return []string{fmt.Sprintf("%s: cannot tell what coverage will assume for cameras without heading or field of view: %v", name, err)}
	}
	var out []string
	for _, p := range sc.Problems {
		if p.Kind == "community" {
			out = append(out, fmt.Sprintf("%s: %s", name, p.Msg))
			continue
		}
		if p.Kind != "camera" || p.Skipped {
			continue
		}
		if fid, ok := sc.FID(store.Cameras, p.ID); ok && f.added[fid] {
			out = append(out, fmt.Sprintf("%s: camera %s: %s", name, p.ID, p.Msg))
		}
	}
	return out
}

// insertRecord is Tx.InsertRecord; tests replace it to fail part way.
var insertRecord = (*store.Tx).InsertRecord

// Encode writes recs, features of layer, as a GeoJSON FeatureCollection:
// one feature per line in fid order, the fid as the feature's "id", and
// every column of the layer as a property (null when the record has no
// value). Coordinates are written with the fewest digits that read back
// exactly; polygons are wound as RFC 7946 asks. Text is written as is, in
// UTF-8, without escaping HTML or non-ASCII characters. recs is not changed.
func Encode(w io.Writer, layer string, recs []store.Record) error {
	sc, err := schemaOf(layer)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return encode(w, sc, recs)
}

// Export writes every layer of s to dir/<layer>.geojson, creating dir when
// needed and writing an empty FeatureCollection for an empty layer. Each
// file is replaced whole: a failed export leaves the previous file in
// place. Export returns the number of features written per layer.
func Export(ctx context.Context, s *store.Store, dir string) (map[string]int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	counts := make(map[string]int)
	for _, layer := range store.LayerNames() {
		sc, err := schemaOf(layer)
		if err != nil {
			return counts, fmt.Errorf("export %s: %w", layer, err)
		}
		var recs []store.Record
		if s.Has(layer) { // a file from an older SafetyNet, opened read-only, may lack a layer: it is empty
			if recs, err = s.Records(ctx, layer, store.World); err != nil {
				return counts, fmt.Errorf("export %s: %w", layer, err)
			}
		}
		path := filepath.Join(dir, layer+Ext)
		if err := writeFile(path, func(w io.Writer) error { return encode(w, sc, recs) }); err != nil {
			return counts, fmt.Errorf("export %s: %w", layer, err)
		}
		counts[layer] = len(recs)
	}
	return counts, nil
}

// writeFile writes path through a temporary file in the same folder, so the
// file is either its old self or complete.
func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// records returns the records of fs.
func records(fs []feature) []store.Record {
	recs := make([]store.Record, len(fs))
	for i, f := range fs {
		recs[i] = f.rec
	}
	return recs
}

// utf8BOM is the byte order mark some Windows tools put before UTF-8 text.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func trimBOM(data []byte) []byte { return bytes.TrimPrefix(data, utf8BOM) }

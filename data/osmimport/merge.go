package osmimport

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// Result counts what Merge did with the features it was given.
type Result struct {
	// Added counts the features whose osm_id the store did not hold;
	// Updated those it held with other values, rewritten in place (same
	// fid); Unchanged those it held exactly so.
	Added, Updated, Unchanged int
}

func (r Result) String() string {
	return fmt.Sprintf("%d added, %d updated, %d unchanged", r.Added, r.Updated, r.Unchanged)
}

// FilterLayer returns the features of layer only. An empty layer keeps
// every feature; a name that is not a layer of the store is an error that
// names the layers.
func FilterLayer(features []store.Feature, layer string) ([]store.Feature, error) {
	if layer == "" {
		return features, nil
	}
	if !slices.Contains(store.LayerNames(), layer) {
		return nil, fmt.Errorf("no layer %q; the layers are %s", layer, strings.Join(store.LayerNames(), ", "))
	}
	out := make([]store.Feature, 0, len(features))
	for _, f := range features {
		if f.Layer() == layer {
			out = append(out, f)
		}
	}
	return out, nil
}

// Merge writes features read by Read into s in one transaction: a feature
// whose osm_id the store already holds in its layer replaces that
// feature's values in place, one that is new is added. On any error, or
// when ctx is done, nothing is written. path names the file in errors.
func Merge(ctx context.Context, s *store.Store, path string, features []store.Feature) (Result, error) {
	var res Result
	have := map[string]map[string]store.Feature{} // layer -> osm_id -> stored feature
	for _, f := range features {
		l := f.Layer()
		if _, ok := have[l]; ok {
			continue
		}
		old, err := stored(ctx, s, l)
		if err != nil {
			return res, fmt.Errorf("import %s: %w", path, err)
		}
		m := make(map[string]store.Feature, len(old))
		for _, o := range old {
			if id := osmID(o); id != "" {
				m[id] = o
			}
		}
		have[l] = m
	}
	err := s.Update(ctx, func(tx *store.Tx) error {
		res = Result{}
		for i, ft := range features {
			if i%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			id := osmID(ft)
			old, ok := have[ft.Layer()][id]
			if !ok || id == "" {
				if _, err := tx.Insert(ft); err != nil {
					return fmt.Errorf("%s %s: %w", ft.Layer(), id, err)
				}
				res.Added++
				continue
			}
			fid := fidOf(old)
			setFID(ft, fid)
			if sameFeature(old, ft) {
				res.Unchanged++
				continue
			}
			if err := tx.UpdateRecord(ft.Layer(), fid, record(ft)); err != nil {
				return fmt.Errorf("%s %s: %w", ft.Layer(), id, err)
			}
			res.Updated++
		}
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", path, err)
	}
	return res, nil
}

// stored returns the features of an OSM-fed layer of s, as pointers.
func stored(ctx context.Context, s *store.Store, layer string) ([]store.Feature, error) {
	if !s.Has(layer) {
		return nil, nil
	}
	w := store.World
	switch layer {
	case store.Buildings:
		return ptrs(s.Buildings(ctx, w))
	case store.Roads:
		return ptrs(s.Roads(ctx, w))
	case store.Landuse:
		return ptrs(s.Landuse(ctx, w))
	case store.Water:
		return ptrs(s.Water(ctx, w))
	case store.Barriers:
		return ptrs(s.Barriers(ctx, w))
	case store.Cameras:
		return ptrs(s.Cameras(ctx, w))
	case store.FireEquipment:
		return ptrs(s.FireEquipment(ctx, w))
	case store.Facilities:
		return ptrs(s.Facilities(ctx, w))
	case store.AccessPoints:
		return ptrs(s.AccessPoints(ctx, w))
	}
	return nil, nil
}

func ptrs[T any, PT interface {
	*T
	store.Feature
}](fs []T, err error) ([]store.Feature, error) {
	if err != nil {
		return nil, err
	}
	out := make([]store.Feature, len(fs))
	for i := range fs {
		out[i] = PT(&fs[i])
	}
	return out, nil
}

func structOf(f store.Feature) reflect.Value {
	v := reflect.ValueOf(f)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	return v
}

func fidOf(f store.Feature) int64 { return structOf(f).FieldByName("FID").Int() }

func setFID(f store.Feature, fid int64) {
	if v := structOf(f); v.CanAddr() {
		v.FieldByName("FID").SetInt(fid)
	}
}

// sameFeature reports whether a and b, of one layer, hold the same values.
func sameFeature(a, b store.Feature) bool {
	return reflect.DeepEqual(structOf(a).Interface(), structOf(b).Interface())
}

// record returns f as a store.Record: its geometry and every gpkg column,
// zero values of omitempty columns as NULL.
func record(f store.Feature) store.Record {
	r := store.Record{Props: map[string]any{}}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			fv := v.Field(i)
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				walk(fv)
				continue
			}
			tag, ok := sf.Tag.Lookup("gpkg")
			if !ok {
				continue
			}
			name, opt, _ := strings.Cut(tag, ",")
			switch name {
			case "fid":
				continue
			case "geom":
				r.Geom, _ = fv.Interface().(orb.Geometry)
				continue
			}
			if strings.Contains(opt, "omitempty") && fv.IsZero() {
				r.Props[name] = nil
				continue
			}
			r.Props[name] = fv.Interface()
		}
	}
	walk(structOf(f))
	return r
}

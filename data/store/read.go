package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"

	"github.com/paulmach/orb"
)

// rows runs the bounding-box query of layer and calls fn for each row with
// the fid, the decoded geometry and the raw column values (t.cols order).
func (s *Store) rows(ctx context.Context, layer string, b orb.Bound, fn func(t *table, fid int64, g orb.Geometry, vals []any) error) error {
	t, err := s.table(layer)
	if err != nil {
		return err
	}
	var q string
	var args []any
	if t.rtree == "" || b == World || b.Contains(World.Min) && b.Contains(World.Max) {
		q = fmt.Sprintf("SELECT %s FROM %s ORDER BY 1", t.selects, quote(layer))
	} else {
		q = fmt.Sprintf(`SELECT %s FROM %s WHERE %s IN (SELECT id FROM %s WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?) ORDER BY 1`,
			t.selects, quote(layer), quote(t.pk), quote(t.rtree))
		args = []any{b.Max[0], b.Min[0], b.Max[1], b.Min[1]}
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return s.wrap(err)
	}
	defer rows.Close()
	vals := make([]any, len(t.cols)+2)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return s.wrap(err)
		}
		fid, _ := vals[0].(int64)
		var g orb.Geometry
		if blob, ok := vals[1].([]byte); ok && blob != nil {
			g, _, err = DecodeGeometry(blob)
			if err != nil {
				return fmt.Errorf("store: %s: %s feature %d: %w", s.path, layer, fid, err)
			}
		}
		// The R-tree holds float32-rounded boxes; filter exactly.
		if g != nil && len(args) > 0 && !g.Bound().Intersects(b) {
			continue
		}
		if err := fn(t, fid, g, vals[2:]); err != nil {
			return err
		}
	}
	return s.wrap(rows.Err())
}

// Records returns the features of layer whose bounding box meets b, in fid order.
func (s *Store) Records(ctx context.Context, layer string, b orb.Bound) ([]Record, error) {
	var out []Record
	err := s.rows(ctx, layer, b, func(t *table, fid int64, g orb.Geometry, vals []any) error {
		props := make(map[string]any, len(t.cols))
		for i, c := range t.cols {
			props[c.Name] = recordValue(c.Type, vals[i])
		}
		out = append(out, Record{FID: fid, Geom: g, Props: props})
		return nil
	})
	return out, err
}

// query reads the typed features of T's layer whose bounding box meets b.
func query[T Feature](ctx context.Context, s *Store, b orb.Bound) ([]T, error) {
	var zero T
	layer := zero.Layer()
	var out []T
	err := s.rows(ctx, layer, b, func(t *table, fid int64, g orb.Geometry, vals []any) error {
		var f T
		v := reflect.ValueOf(&f).Elem()
		v.FieldByIndex(t.def.fid).SetInt(fid)
		if g != nil {
			gv := v.FieldByIndex(t.def.geom)
			g = asType(t.def.geomType, g)
			if rv := reflect.ValueOf(g); rv.Type().AssignableTo(gv.Type()) {
				gv.Set(rv)
			}
		}
		for i := range t.cols {
			if err := t.cols[i].set(v, vals[i]); err != nil {
				return fmt.Errorf("store: %s: %s feature %d: %w", s.path, layer, fid, err)
			}
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// asType converts g to the Go type of a geometry column where the file
// stores a close relative (a Polygon in a MULTIPOLYGON layer).
func asType(typ string, g orb.Geometry) orb.Geometry {
	switch typ {
	case "MULTIPOLYGON":
		if p, ok := g.(orb.Polygon); ok {
			return orb.MultiPolygon{p}
		}
	case "POLYGON":
		if mp, ok := g.(orb.MultiPolygon); ok && len(mp) > 0 {
			return mp[0]
		}
	case "LINESTRING":
		if ml, ok := g.(orb.MultiLineString); ok && len(ml) > 0 {
			return ml[0]
		}
	}
	return g
}

// Buildings returns the buildings whose bounding box meets b.
func (s *Store) Buildings(ctx context.Context, b orb.Bound) ([]Building, error) {
	return query[Building](ctx, s, b)
}

// Roads returns the roads whose bounding box meets b.
func (s *Store) Roads(ctx context.Context, b orb.Bound) ([]Road, error) {
	return query[Road](ctx, s, b)
}

// Landuse returns the landuse areas whose bounding box meets b.
func (s *Store) Landuse(ctx context.Context, b orb.Bound) ([]Land, error) {
	return query[Land](ctx, s, b)
}

// Water returns the water areas whose bounding box meets b.
func (s *Store) Water(ctx context.Context, b orb.Bound) ([]WaterArea, error) {
	return query[WaterArea](ctx, s, b)
}

// Barriers returns the walls, fences and hedges whose bounding box meets
// b. A file written before the layer existed, opened read-only, has none:
// the result is empty, not an error.
func (s *Store) Barriers(ctx context.Context, b orb.Bound) ([]Barrier, error) {
	if !s.Has(Barriers) {
		return nil, nil
	}
	return query[Barrier](ctx, s, b)
}

// Has reports whether the file holds the table of layer. Every layer is
// present once a file has been opened for writing; a file written by an
// older SafetyNet or another program and opened read-only may lack some.
func (s *Store) Has(layer string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tables[layer] != nil
}

// Cameras returns the cameras within b.
func (s *Store) Cameras(ctx context.Context, b orb.Bound) ([]Camera, error) {
	return query[Camera](ctx, s, b)
}

// FireEquipment returns the fire and emergency equipment within b.
func (s *Store) FireEquipment(ctx context.Context, b orb.Bound) ([]Equipment, error) {
	return query[Equipment](ctx, s, b)
}

// PatrolRoutes returns the patrol routes whose bounding box meets b.
func (s *Store) PatrolRoutes(ctx context.Context, b orb.Bound) ([]PatrolRoute, error) {
	return query[PatrolRoute](ctx, s, b)
}

// Checkpoints returns the patrol checkpoints within b.
func (s *Store) Checkpoints(ctx context.Context, b orb.Bound) ([]Checkpoint, error) {
	return query[Checkpoint](ctx, s, b)
}

// Hazards returns the hazards whose bounding box meets b.
func (s *Store) Hazards(ctx context.Context, b orb.Bound) ([]Hazard, error) {
	return query[Hazard](ctx, s, b)
}

// KeyAreas returns the key areas whose bounding box meets b.
func (s *Store) KeyAreas(ctx context.Context, b orb.Bound) ([]KeyArea, error) {
	return query[KeyArea](ctx, s, b)
}

// AccessPoints returns the gates, doors and barriers within b.
func (s *Store) AccessPoints(ctx context.Context, b orb.Bound) ([]AccessPoint, error) {
	return query[AccessPoint](ctx, s, b)
}

// Facilities returns the facilities within b.
func (s *Store) Facilities(ctx context.Context, b orb.Bound) ([]Facility, error) {
	return query[Facility](ctx, s, b)
}

// Count returns the number of features in layer; 0 when the file has no such table.
func (s *Store) Count(ctx context.Context, layer string) (int, error) {
	t, err := s.table(layer)
	if err != nil {
		if layers[layer] != nil {
			return 0, nil
		}
		return 0, err
	}
	var n int
	err = s.r.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM %s", quote(t.def.name))).Scan(&n)
	return n, s.wrap(err)
}

// Extent returns the bounding box of every feature of every layer, and
// false when the store holds no features.
func (s *Store) Extent(ctx context.Context) (orb.Bound, bool, error) {
	var out orb.Bound
	found := false
	for _, name := range order {
		t, err := s.table(name)
		if err != nil || t.rtree == "" {
			continue
		}
		var minx, maxx, miny, maxy sql.NullFloat64
		err = s.r.QueryRowContext(ctx, fmt.Sprintf("SELECT min(minx), max(maxx), min(miny), max(maxy) FROM %s", quote(t.rtree))).Scan(&minx, &maxx, &miny, &maxy)
		if err != nil {
			return out, false, s.wrap(err)
		}
		if !minx.Valid {
			continue
		}
		b := orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}}
		if !found {
			out, found = b, true
		} else {
			out = out.Union(b)
		}
	}
	return out, found, nil
}

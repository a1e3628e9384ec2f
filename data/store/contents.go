package store

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
)

// FeatureTables returns the names of the feature tables that the
// GeoPackage lists in gpkg_contents, ours and any other, sorted.
func (s *Store) FeatureTables(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name`)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, s.wrap(err)
		}
		out = append(out, name)
	}
	return out, s.wrap(rows.Err())
}

// TableRows calls fn with the geometry and the other columns (by name) of
// every row of feature table name, one that FeatureTables lists, in fid
// order: a way to read a GeoPackage's tables that are not our layers.
func (s *Store) TableRows(ctx context.Context, name string, fn func(g orb.Geometry, props map[string]any) error) error {
	var geomCol string
	err := s.r.QueryRowContext(ctx, `SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?`, name).Scan(&geomCol)
	if err != nil {
		return fmt.Errorf("store: %s: table %q: %w", s.path, name, s.wrap(err))
	}
	rows, err := s.r.QueryContext(ctx, fmt.Sprintf(`SELECT * FROM %s`, quote(name)))
	if err != nil {
		return s.wrap(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return s.wrap(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return s.wrap(err)
		}
		var g orb.Geometry
		props := make(map[string]any, len(cols))
		for i, c := range cols {
			if c == geomCol {
				if blob, ok := vals[i].([]byte); ok && blob != nil {
					if g, _, err = DecodeGeometry(blob); err != nil {
						return fmt.Errorf("store: %s: %s: %w", s.path, name, err)
					}
				}
				continue
			}
			if b, ok := vals[i].([]byte); ok {
				props[c] = string(b)
			} else {
				props[c] = vals[i]
			}
		}
		if err := fn(g, props); err != nil {
			return err
		}
	}
	return s.wrap(rows.Err())
}

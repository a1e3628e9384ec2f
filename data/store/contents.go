package store

import "context"

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

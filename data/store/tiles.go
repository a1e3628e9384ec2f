package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
)

// Tile sets are GeoPackage tile pyramids (OGC GeoPackage 1.3, clause 2.2) in
// EPSG:3857 with the XYZ numbering of web maps (row 0 at the top), so QGIS
// and GDAL show a cached basemap as a raster layer of the same file.
//
// A tile set has a source: "layers" for tiles rendered from the store's own
// basemap layers, which every write to buildings, roads, landuse, water or barriers
// clears, or the URL template of a tile server, whose tiles are kept. Its
// style names the rendering: a set whose style changed is emptied.

// SRSWebMercator is the srs_id of EPSG:3857, the tile sets' reference system.
const SRSWebMercator = 3857

// SourceLayers is the source of a tile set rendered from the store's layers.
const SourceLayers = "layers"

const webMercatorHalf = 20037508.342789244

var tileSetName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// Tile is one tile of a set: zoom, column and row as in XYZ web maps, and
// its image (PNG or JPEG).
type Tile struct {
	Z, X, Y int
	Data    []byte
}

const tileSetsDDL = `
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('WGS 84 / Pseudo-Mercator', 3857, 'EPSG', 3857,
 'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]',
 'Web Mercator, for tiles');
CREATE TABLE IF NOT EXISTS gpkg_tile_matrix_set (
  table_name TEXT NOT NULL PRIMARY KEY,
  srs_id INTEGER NOT NULL,
  min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
  CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE IF NOT EXISTS gpkg_tile_matrix (
  table_name TEXT NOT NULL,
  zoom_level INTEGER NOT NULL,
  matrix_width INTEGER NOT NULL,
  matrix_height INTEGER NOT NULL,
  tile_width INTEGER NOT NULL,
  tile_height INTEGER NOT NULL,
  pixel_x_size DOUBLE NOT NULL,
  pixel_y_size DOUBLE NOT NULL,
  CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
  CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name)
);
CREATE TABLE IF NOT EXISTS safetynet_tilesets (
  table_name TEXT NOT NULL PRIMARY KEY,
  source TEXT NOT NULL,
  style TEXT NOT NULL
);
`

// EnsureTileSet creates the tile set name (lower-case letters, digits and
// underscores) for tiles of tileSize pixels at zoom levels 0 to 22 if it
// does not exist, and empties it when its source or style changed.
func (s *Store) EnsureTileSet(ctx context.Context, name, source, style string, tileSize int) error {
	if !tileSetName.MatchString(name) || layers[name] != nil || name == AlertsTable || name == EventLogTable {
		return fmt.Errorf("store: %q cannot name a tile set", name)
	}
	if s.sameTileSet(ctx, s.r, name, source, style) {
		return nil
	}
	return s.Update(ctx, func(tx *Tx) error {
		// Another map may have set the set up meanwhile: check again
		// inside the transaction before emptying anything.
		if s.sameTileSet(ctx, tx.tx, name, source, style) {
			return nil
		}
		if _, err := tx.tx.ExecContext(ctx, tileSetsDDL); err != nil {
			return err
		}
		q := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL,
  tile_data BLOB NOT NULL,
  UNIQUE (zoom_level, tile_column, tile_row))`, quote(name))
		if _, err := tx.tx.ExecContext(ctx, q); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, "DELETE FROM "+quote(name)); err != nil {
			return err
		}
		stmts := []struct {
			q    string
			args []any
		}{
			{`INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
 VALUES (?, 'tiles', ?, ?, ?, ?, ?, ?, ?)`, []any{name, name, "Map tiles from " + source, -webMercatorHalf, -webMercatorHalf, webMercatorHalf, webMercatorHalf, SRSWebMercator}},
			{`INSERT OR REPLACE INTO gpkg_tile_matrix_set VALUES (?, ?, ?, ?, ?, ?)`, []any{name, SRSWebMercator, -webMercatorHalf, -webMercatorHalf, webMercatorHalf, webMercatorHalf}},
			{`INSERT OR REPLACE INTO safetynet_tilesets VALUES (?, ?, ?)`, []any{name, source, style}},
			{`DELETE FROM gpkg_tile_matrix WHERE table_name = ?`, []any{name}},
		}
		for z := 0; z <= 22; z++ {
			n := 1 << z
			px := 2 * webMercatorHalf / float64(n*tileSize)
			stmts = append(stmts, struct {
				q    string
				args []any
			}{`INSERT INTO gpkg_tile_matrix VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, []any{name, z, n, n, tileSize, tileSize, px, px}})
		}
		for _, st := range stmts {
			if _, err := tx.tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// sameTileSet reports whether the set exists with this source and style.
func (s *Store) sameTileSet(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name, source, style string) bool {
	var src, sty string
	err := q.QueryRowContext(ctx, "SELECT source, style FROM safetynet_tilesets WHERE table_name = ?", name).Scan(&src, &sty)
	return err == nil && src == source && sty == style
}

// Tile returns the image of tile z/x/y of set, and false when the set does
// not hold it. It is safe to call from any goroutine.
func (s *Store) Tile(ctx context.Context, set string, z, x, y int) ([]byte, bool, error) {
	if !tileSetName.MatchString(set) {
		return nil, false, fmt.Errorf("store: %q cannot name a tile set", set)
	}
	var data []byte
	err := s.r.QueryRowContext(ctx, fmt.Sprintf("SELECT tile_data FROM %s WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?", quote(set)), z, x, y).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.wrap(err)
	}
	return data, true, nil
}

// PutTiles stores tiles in set, replacing those it already holds, in one
// transaction.
func (s *Store) PutTiles(ctx context.Context, set string, tiles []Tile) error {
	if !tileSetName.MatchString(set) {
		return fmt.Errorf("store: %q cannot name a tile set", set)
	}
	return s.Update(ctx, func(tx *Tx) error {
		st, err := tx.tx.PrepareContext(ctx, fmt.Sprintf("INSERT OR REPLACE INTO %s (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)", quote(set)))
		if err != nil {
			return s.wrap(err)
		}
		defer st.Close()
		for _, t := range tiles {
			if t.Z < 0 || t.Z > 22 || t.X < 0 || t.Y < 0 || t.X >= 1<<t.Z || t.Y >= 1<<t.Z || len(t.Data) == 0 {
				return fmt.Errorf("store: tile %d/%d/%d is outside the pyramid or empty", t.Z, t.X, t.Y)
			}
			if _, err := st.ExecContext(ctx, t.Z, t.X, t.Y, t.Data); err != nil {
				return s.wrap(err)
			}
		}
		return nil
	})
}

// clearDerivedTiles empties the tile sets rendered from the layers, called
// when a basemap layer changes.
func (tx *Tx) clearDerivedTiles() error {
	var has int
	tx.tx.QueryRowContext(tx.ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'safetynet_tilesets'").Scan(&has)
	if has == 0 {
		return nil
	}
	rows, err := tx.tx.QueryContext(tx.ctx, "SELECT table_name FROM safetynet_tilesets WHERE source = ?", SourceLayers)
	if err != nil {
		return err
	}
	var sets []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		sets = append(sets, n)
	}
	rows.Close()
	for _, n := range sets {
		if _, err := tx.tx.ExecContext(tx.ctx, "DELETE FROM "+quote(n)); err != nil {
			return err
		}
	}
	return nil
}

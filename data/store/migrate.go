package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The GeoPackage core tables (OGC 12-128r18, GeoPackage 1.3).
const coreDDL = `
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
 ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
 ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
 ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
CREATE TABLE IF NOT EXISTS safetynet_meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
 VALUES ('safetynet_meta', 'attributes', 'safetynet_meta', 'SafetyNet schema version');
`

// layerDescriptions are the gpkg_contents descriptions QGIS and GDAL show.
var layerDescriptions = map[string]string{
	Buildings:     "Building footprints",
	Roads:         "Roads, streets, footways and paths",
	Landuse:       "Landuse and leisure areas",
	Water:         "Water bodies",
	Barriers:      "Walls, fences and hedges; opaque ones block sight",
	Cameras:       "Video cameras with mount, heading and field of view",
	PatrolRoutes:  "Patrol routes with team and schedule",
	Checkpoints:   "Patrol checkpoints, ordered along their route",
	FireEquipment: "Extinguishers, hydrants, fire cabinets, defibrillators and supply stores",
	Hazards:       "Known hazards and their lifecycle",
	KeyAreas:      "Key areas with the image detail level their cameras must reach",
	AccessPoints:  "Gates, doors and barriers",
	Facilities:    "Police, fire stations, assembly points, guard booths",
}

// migrations[i] takes a file from schema version i to i+1. Each runs in the
// same transaction as the version bump.
var migrations = []func(ctx context.Context, tx *sql.Tx) error{
	func(ctx context.Context, tx *sql.Tx) error { return nil }, // 0 -> 1: the layers below
	func(ctx context.Context, tx *sql.Tx) error { return nil }, // 1 -> 2: the barriers layer, made by ensureLayer
	func(ctx context.Context, tx *sql.Tx) error { return nil }, // 2 -> 3: registers' own columns on every register layer, equipment's manufacture date, made by ensureLayer
}

// migrate creates the GeoPackage tables and every missing layer or column,
// then runs the numbered migrations, all in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	v, err := schemaVersion(ctx, s.w)
	if err != nil {
		return s.wrap(err)
	}
	if v == SchemaVersion {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, coreDDL); err != nil {
		return s.wrap(fmt.Errorf("create GeoPackage tables: %w", err))
	}
	for _, name := range order {
		if err := ensureLayer(ctx, tx, layers[name]); err != nil {
			return s.wrap(fmt.Errorf("create layer %s: %w", name, err))
		}
	}
	for i := v; i < SchemaVersion; i++ {
		if err := migrations[i](ctx, tx); err != nil {
			return s.wrap(fmt.Errorf("migrate schema %d to %d: %w", i, i+1, err))
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO safetynet_meta VALUES ('schema_version', ?)`, fmt.Sprint(SchemaVersion)); err != nil {
		return s.wrap(err)
	}
	return s.wrap(tx.Commit())
}

// ensureLayer creates the feature table of d with its R-tree index, or adds
// the columns an existing table lacks.
func ensureLayer(ctx context.Context, tx *sql.Tx, d *layerDef) error {
	var geomCol string
	err := tx.QueryRowContext(ctx, "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name)=?", d.name).Scan(&geomCol)
	if err == nil {
		return addColumns(ctx, tx, d)
	}
	if err != sql.ErrNoRows {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom %s", quote(d.name), d.geomType)
	for _, c := range d.cols {
		fmt.Fprintf(&b, ", %s %s", quote(c.Name), c.Type)
	}
	b.WriteString(")")
	stmts := []string{b.String(),
		fmt.Sprintf(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('%s', 'features', '%s', '%s', %d)`,
			d.name, d.name, layerDescriptions[d.name], SRSWGS84),
		fmt.Sprintf(`INSERT INTO gpkg_geometry_columns VALUES ('%s', 'geom', '%s', %d, 0, 0)`, d.name, d.geomType, SRSWGS84),
	}
	stmts = append(stmts, rtreeDDL(d.name, "geom", "fid")...)
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("%w (in %.60s)", err, st)
		}
	}
	return nil
}

func addColumns(ctx context.Context, tx *sql.Tx, d *layerDef) error {
	rows, err := tx.QueryContext(ctx, "SELECT lower(name) FROM pragma_table_info(?)", d.name)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		have[n] = true
	}
	rows.Close()
	for _, c := range d.cols {
		if !have[c.Name] {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", quote(d.name), quote(c.Name), c.Type)); err != nil {
				return err
			}
		}
	}
	return nil
}

// rtreeDDL returns the statements of the gpkg_rtree_index extension for
// column c of table t with primary key i (GeoPackage 1.3, annex F.3).
func rtreeDDL(t, c, i string) []string {
	r := "rtree_" + t + "_" + c
	x := strings.NewReplacer("<t>", t, "<c>", c, "<i>", i, "<r>", r)
	return []string{
		x.Replace(`INSERT INTO gpkg_extensions VALUES ('<t>', '<c>', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`),
		x.Replace(`CREATE VIRTUAL TABLE "<r>" USING rtree(id, minx, maxx, miny, maxy)`),
		x.Replace(`CREATE TRIGGER "<r>_insert" AFTER INSERT ON "<t>" WHEN (new."<c>" NOT NULL AND NOT ST_IsEmpty(NEW."<c>"))
BEGIN INSERT OR REPLACE INTO "<r>" VALUES (NEW."<i>", ST_MinX(NEW."<c>"), ST_MaxX(NEW."<c>"), ST_MinY(NEW."<c>"), ST_MaxY(NEW."<c>")); END`),
		x.Replace(`CREATE TRIGGER "<r>_update1" AFTER UPDATE OF "<c>" ON "<t>" WHEN OLD."<i>" = NEW."<i>" AND (NEW."<c>" NOTNULL AND NOT ST_IsEmpty(NEW."<c>"))
BEGIN INSERT OR REPLACE INTO "<r>" VALUES (NEW."<i>", ST_MinX(NEW."<c>"), ST_MaxX(NEW."<c>"), ST_MinY(NEW."<c>"), ST_MaxY(NEW."<c>")); END`),
		x.Replace(`CREATE TRIGGER "<r>_update2" AFTER UPDATE OF "<c>" ON "<t>" WHEN OLD."<i>" = NEW."<i>" AND (NEW."<c>" ISNULL OR ST_IsEmpty(NEW."<c>"))
BEGIN DELETE FROM "<r>" WHERE id = OLD."<i>"; END`),
		x.Replace(`CREATE TRIGGER "<r>_update3" AFTER UPDATE ON "<t>" WHEN OLD."<i>" != NEW."<i>" AND (NEW."<c>" NOTNULL AND NOT ST_IsEmpty(NEW."<c>"))
BEGIN DELETE FROM "<r>" WHERE id = OLD."<i>"; INSERT OR REPLACE INTO "<r>" VALUES (NEW."<i>", ST_MinX(NEW."<c>"), ST_MaxX(NEW."<c>"), ST_MinY(NEW."<c>"), ST_MaxY(NEW."<c>")); END`),
		x.Replace(`CREATE TRIGGER "<r>_update4" AFTER UPDATE ON "<t>" WHEN OLD."<i>" != NEW."<i>" AND (NEW."<c>" ISNULL OR ST_IsEmpty(NEW."<c>"))
BEGIN DELETE FROM "<r>" WHERE id IN (OLD."<i>", NEW."<i>"); END`),
		x.Replace(`CREATE TRIGGER "<r>_delete" AFTER DELETE ON "<t>" WHEN old."<c>" NOT NULL
BEGIN DELETE FROM "<r>" WHERE id = OLD."<i>"; END`),
	}
}

// Package store keeps a community's layers in an OGC GeoPackage 1.3 file:
// one feature table per layer, EPSG:4326 geometry as GeoPackage binary, an
// R-tree spatial index per table, in SQLite WAL mode with one writer.
//
// Callers never write SQL: typed queries (Cameras, Buildings, ...) read
// features within a bounding box, and Update runs a function inside one
// write transaction, so an import or an edit lands whole or not at all.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"
)

// SchemaVersion is the version of the layer schema this build writes. A file
// with a higher version was written by a newer SafetyNet and is refused.
const SchemaVersion = 3

// World is the bounding box of the whole EPSG:4326 plane; pass it to a
// query to read every feature of a layer.
var World = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

// Errors that callers may test for with errors.Is.
var (
	ErrNotGeoPackage = errors.New("store: not a GeoPackage")
	ErrNewerSchema   = errors.New("store: written by a newer version of SafetyNet")
	ErrReadOnly      = errors.New("store: read-only")
	ErrLocked        = errors.New("store: locked by another program")
	ErrNoLayer       = errors.New("store: no such layer")
	ErrNoFeature     = errors.New("store: no such feature")
)

// Options tune Open. The zero value opens for writing with a 5 s busy timeout.
type Options struct {
	// ReadOnly opens the file for reading only; Update then fails with ErrReadOnly.
	ReadOnly bool
	// BusyTimeout is how long a write waits for another program's lock.
	BusyTimeout time.Duration
}

// Store is an open GeoPackage. It is safe for concurrent use: reads run on a
// pool of connections, writes on a single connection one at a time.
type Store struct {
	path     string
	opt      Options
	w        *sql.DB // the one writer; nil when read-only
	r        *sql.DB // readers
	mu       sync.Mutex
	tables   map[string]*table // guarded by mu; what the file holds per layer
	readOnly bool

	liveReady bool // guarded by mu; the alerts and event_log tables exist (live.go)

	changes bool       // guarded by mu; the file has the change counters (watch.go)
	own     ownChanges // guarded by mu; the counters our own commits moved
}

// table is how one layer is stored in this particular file: our own files
// use fid and geom, but a GeoPackage written by another program may name its
// columns otherwise or lack some.
type table struct {
	def     *layerDef
	pk      string
	geomCol string
	rtree   string   // "" when the table has no R-tree index
	cols    []colDef // the columns of def present in the table
	selects string   // the select list: pk, geom, cols
}

const driverName = "sqlite3_gpkg"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: registerFunctions})
}

// registerFunctions adds the SQL functions the gpkg_rtree_index triggers call.
func registerFunctions(c *sqlite3.SQLiteConn) error {
	bound := func(v any) (orb.Bound, bool) {
		b, ok := v.([]byte)
		if !ok {
			return orb.Bound{}, false
		}
		e, empty, err := envelope(b)
		return e, err == nil && !empty
	}
	fns := map[string]any{
		"ST_IsEmpty": func(v any) any {
			if v == nil {
				return nil
			}
			_, ok := bound(v)
			return !ok
		},
		"ST_MinX": func(v any) any {
			if b, ok := bound(v); ok {
				return b.Min[0]
			}
			return nil
		},
		"ST_MaxX": func(v any) any {
			if b, ok := bound(v); ok {
				return b.Max[0]
			}
			return nil
		},
		"ST_MinY": func(v any) any {
			if b, ok := bound(v); ok {
				return b.Min[1]
			}
			return nil
		},
		"ST_MaxY": func(v any) any {
			if b, ok := bound(v); ok {
				return b.Max[1]
			}
			return nil
		},
	}
	for name, fn := range fns {
		if err := c.RegisterFunc(name, fn, true); err != nil {
			return err
		}
	}
	// Memory-mapped reads spare a system call per page: a bounding-box
	// query touches a page per feature.
	_, err := c.Exec("PRAGMA mmap_size = 1073741824", nil)
	return err
}

func dsn(path string, ro bool, busy time.Duration) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busy.Milliseconds()))
	if ro {
		q.Set("mode", "ro")
	} else {
		q.Set("_txlock", "immediate")
		q.Set("_synchronous", "FULL")
	}
	q.Set("_cache_size", "-65536") // KiB: R-tree inserts of a large import stay in memory
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens the GeoPackage at path, creating it with every layer when it
// does not exist, and brings its schema up to date. A GeoPackage written by
// another program (GDAL, QGIS) is opened too: layers it lacks are added.
func Open(path string) (*Store, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, opt Options) (*Store, error) {
	if opt.BusyTimeout == 0 {
		opt.BusyTimeout = 5 * time.Second
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("store: %s is a folder, not a GeoPackage file", path)
	} else if err != nil && opt.ReadOnly {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	s := &Store{path: path, opt: opt, readOnly: opt.ReadOnly, own: ownChanges{}}
	if !opt.ReadOnly {
		s.w, err = sql.Open(driverName, dsn(abs, false, opt.BusyTimeout))
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", path, err)
		}
		s.w.SetMaxOpenConns(1)
		s.w.SetConnMaxIdleTime(0)
		if err := s.prepare(); err != nil {
			s.w.Close()
			return nil, err
		}
	}
	s.r, err = sql.Open(driverName, dsn(abs, true, opt.BusyTimeout))
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(8)
	if opt.ReadOnly {
		if err := s.check(s.r); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.loadTables(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// prepare checks the file on the writer connection and migrates its schema.
func (s *Store) prepare() error {
	ctx := context.Background()
	if err := s.check(s.w); err != nil {
		return err
	}
	// WAL mode persists in the file; switching is a no-op once set.
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return s.wrap(err)
	}
	if !strings.EqualFold(mode, "wal") {
		if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
			return s.wrap(err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	return s.ensureEdit(ctx)
}

// check refuses files that are not SQLite, SQLite files that are not
// GeoPackages, and files written by a newer schema.
func (s *Store) check(db *sql.DB) error {
	ctx := context.Background()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
			return fmt.Errorf("%w: %s is not an SQLite database (%v)", ErrNotGeoPackage, s.path, err)
		}
		return s.wrap(err)
	}
	if n == 0 {
		if s.readOnly {
			return fmt.Errorf("%w: %s is empty", ErrNotGeoPackage, s.path)
		}
		return nil // a new file
	}
	var has int
	db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name='gpkg_contents'").Scan(&has)
	if has == 0 {
		return fmt.Errorf("%w: %s is an SQLite database without GeoPackage tables (gpkg_contents); open a GeoPackage, or import this data with ogr2ogr first", ErrNotGeoPackage, s.path)
	}
	v, err := schemaVersion(ctx, db)
	if err != nil {
		return s.wrap(err)
	}
	if v > SchemaVersion {
		return fmt.Errorf("%w: %s has schema version %d, this SafetyNet reads up to %d; update SafetyNet to open it", ErrNewerSchema, s.path, v, SchemaVersion)
	}
	return nil
}

func schemaVersion(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var has int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name='safetynet_meta'").Scan(&has); err != nil {
		return 0, err
	}
	if has == 0 {
		return 0, nil
	}
	var v int
	err := db.QueryRowContext(ctx, "SELECT CAST(value AS INTEGER) FROM safetynet_meta WHERE key='schema_version'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// wrap turns SQLite errors a user can act on into messages naming the file.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return fmt.Errorf("%w: %s is in use by another program (waited %s); close it there and try again", ErrLocked, s.path, s.opt.BusyTimeout)
		case sqlite3.ErrReadonly:
			return fmt.Errorf("%w: %s cannot be written (read-only file or folder); check its permissions", ErrReadOnly, s.path)
		case sqlite3.ErrCantOpen:
			return fmt.Errorf("store: cannot open %s: %v; check that the folder exists and is writable", s.path, err)
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return fmt.Errorf("%w: %s is damaged or not an SQLite database (%v)", ErrNotGeoPackage, s.path, err)
		}
	}
	return fmt.Errorf("store: %s: %w", s.path, err)
}

// Close closes the store. The WAL is checkpointed into the file.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether the store was opened for reading only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// loadTables learns how each layer is stored in the file.
func (s *Store) loadTables() error {
	ctx := context.Background()
	tabs := map[string]*table{}
	rows, err := s.r.QueryContext(ctx, "SELECT table_name, column_name FROM gpkg_geometry_columns")
	if err != nil {
		return s.wrap(err)
	}
	geomCols := map[string]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return s.wrap(err)
		}
		geomCols[strings.ToLower(t)] = c
	}
	rows.Close()
	for _, name := range order {
		gc, ok := geomCols[name]
		if !ok {
			continue
		}
		t, err := s.describe(ctx, layers[name], gc)
		if err != nil {
			return err
		}
		tabs[name] = t
	}
	s.mu.Lock()
	s.tables = tabs
	s.mu.Unlock()
	return nil
}

func (s *Store) describe(ctx context.Context, d *layerDef, geomCol string) (*table, error) {
	t := &table{def: d, geomCol: geomCol}
	rows, err := s.r.QueryContext(ctx, "SELECT name, pk FROM pragma_table_info(?)", d.name)
	if err != nil {
		return nil, s.wrap(err)
	}
	present := map[string]bool{}
	for rows.Next() {
		var name string
		var pk int
		if err := rows.Scan(&name, &pk); err != nil {
			rows.Close()
			return nil, s.wrap(err)
		}
		present[strings.ToLower(name)] = true
		if pk == 1 {
			t.pk = name
		}
	}
	rows.Close()
	if t.pk == "" {
		t.pk = "rowid"
	}
	sel := []string{quote(t.pk), quote(t.geomCol)}
	for _, c := range d.cols {
		if present[c.Name] {
			t.cols = append(t.cols, c)
			sel = append(sel, quote(c.Name))
		}
	}
	t.selects = strings.Join(sel, ", ")
	rt := "rtree_" + d.name + "_" + geomCol
	var n int
	s.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name=?", rt).Scan(&n)
	if n > 0 {
		t.rtree = rt
	}
	return t, nil
}

func quote(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

func (s *Store) table(layer string) (*table, error) {
	s.mu.Lock()
	t := s.tables[layer]
	s.mu.Unlock()
	if t == nil {
		if layers[layer] == nil {
			return nil, fmt.Errorf("%w: %q (layers are %s)", ErrNoLayer, layer, strings.Join(order, ", "))
		}
		return nil, fmt.Errorf("%w: %s has no %s table", ErrNoLayer, s.path, layer)
	}
	return t, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ChangesTable holds one change counter per layer, raised by triggers on
// every insert, update and delete of the layer's table, whoever writes it:
// the triggers are plain SQL, so GDAL, QGIS and sqlite3 run them too.
const ChangesTable = "safetynet_changes"

const editDDL = `
CREATE TABLE IF NOT EXISTS safetynet_edit_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  at DATETIME NOT NULL,
  who TEXT,
  layer TEXT NOT NULL,
  fid INTEGER NOT NULL,
  op TEXT NOT NULL,
  before_geojson TEXT,
  after_geojson TEXT
);
CREATE INDEX IF NOT EXISTS safetynet_edit_history_feature ON safetynet_edit_history(layer, fid, id);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
 VALUES ('safetynet_edit_history', 'attributes', 'safetynet_edit_history', 'Edit history: who changed which feature when, before and after as GeoJSON');
CREATE TABLE IF NOT EXISTS safetynet_sketches (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom GEOMETRY,
  layer TEXT,
  props TEXT,
  updated DATETIME
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
 VALUES ('safetynet_sketches', 'features', 'safetynet_sketches', 'Unfinished drawings, kept until finished or discarded', 4326);
INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('safetynet_sketches', 'geom', 'GEOMETRY', 4326, 0, 0);
CREATE TABLE IF NOT EXISTS safetynet_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  layer TEXT NOT NULL UNIQUE,
  seq INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
 VALUES ('safetynet_changes', 'attributes', 'safetynet_changes', 'Change counter per layer, kept by triggers, so that SafetyNet notices edits by other programs');
`

// changeTriggers returns the statements that create the change triggers of
// layer when missing.
func changeTriggers(layer string) []string {
	out := []string{fmt.Sprintf(`INSERT OR IGNORE INTO safetynet_changes (layer, seq) VALUES ('%s', 0)`, layer)}
	for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
		out = append(out, fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS "safetynet_changed_%s_%s" AFTER %s ON "%s"
BEGIN UPDATE safetynet_changes SET seq = seq + 1 WHERE layer = '%s'; END`, layer, strings.ToLower(op), op, layer, layer))
	}
	return out
}

// ensureEdit creates the edit history, sketch and change tables and the
// change triggers of every layer when the file lacks them; run when a file
// is opened for writing.
func (s *Store) ensureEdit(ctx context.Context) error {
	var have int
	want := 3 + 3*len(order)
	err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name IN ('safetynet_edit_history', 'safetynet_sketches', 'safetynet_changes') OR name LIKE 'safetynet_changed_%'`).Scan(&have)
	if err != nil {
		return s.wrap(err)
	}
	if have >= want {
		s.mu.Lock()
		s.changes = true
		s.mu.Unlock()
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, editDDL); err != nil {
		return s.wrap(fmt.Errorf("create the edit tables: %w", err))
	}
	for _, name := range order {
		var n int
		tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", name).Scan(&n)
		if n == 0 {
			continue
		}
		for _, st := range changeTriggers(name) {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return s.wrap(fmt.Errorf("create the change triggers of %s: %w", name, err))
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(err)
	}
	s.mu.Lock()
	s.changes = true
	s.mu.Unlock()
	return nil
}

// ensureEditTables makes sure the edit tables exist inside a transaction
// (they are created on open; a file changed meanwhile by another program
// may have lost them).
func (tx *Tx) ensureEditTables() error {
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM sqlite_master WHERE name IN ('safetynet_edit_history', 'safetynet_sketches')`).Scan(&n); err != nil {
		return tx.s.wrap(err)
	}
	if n == 2 {
		return nil
	}
	_, err := tx.tx.ExecContext(tx.ctx, editDDL)
	return tx.s.wrap(err)
}

// changeSeqs reads the change counters.
func changeSeqs(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT layer, seq FROM safetynet_changes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var l string
		var n int64
		if err := rows.Scan(&l, &n); err != nil {
			return nil, err
		}
		out[l] = n
	}
	return out, rows.Err()
}

// ownChanges remembers the change counters this Store's own commits moved:
// per layer, from one value to the next. Guarded by Store.mu.
type ownChanges map[string]map[int64]int64

const ownKept = 256 // transitions kept per layer

func (o ownChanges) add(before, after map[string]int64) {
	for l, a := range after {
		b := before[l]
		if a == b {
			continue
		}
		m := o[l]
		if m == nil {
			m = map[int64]int64{}
			o[l] = m
		}
		if len(m) >= ownKept {
			lowest := int64(-1)
			for k := range m {
				if lowest < 0 || k < lowest {
					lowest = k
				}
			}
			delete(m, lowest)
		}
		m[b] = a
	}
}

// Watch reports, every interval until ctx ends, the layers that another
// program (QGIS, GDAL, sqlite3, another SafetyNet) changed since the last
// report; this Store's own writes are not reported. It costs one PRAGMA
// per interval when nothing changed. Change triggers (see ChangesTable)
// tell which layers changed; in a file without them (an older file opened
// read-only), and when another program changed the schema, every layer is
// reported. The channel is closed when ctx ends or the store is closed. A slow receiver gets the
// changes coalesced, never lost.
func (s *Store) Watch(ctx context.Context, interval time.Duration) <-chan []string {
	ch := make(chan []string)
	if interval <= 0 {
		interval = time.Second
	}
	go func() {
		defer close(ch)
		conn, err := s.r.Conn(ctx)
		if err != nil {
			return
		}
		defer conn.Close()
		w := &watcher{s: s, conn: conn}
		if err := w.start(ctx); err != nil {
			return
		}
		tick := time.NewTicker(interval)
		defer tick.Stop()
		pending := map[string]bool{}
		for {
			var out chan []string
			if len(pending) > 0 {
				out = ch
			}
			select {
			case <-ctx.Done():
				return
			case out <- sorted(pending):
				clear(pending)
			case <-tick.C:
				ls, err := w.poll(ctx)
				if err != nil {
					return // the store was closed, or ctx ended
				}
				for _, l := range ls {
					pending[l] = true
				}
			}
		}
	}()
	return ch
}

func sorted(set map[string]bool) []string {
	var out []string
	for _, l := range order {
		if set[l] {
			out = append(out, l)
		}
	}
	return out
}

// watcher is the state of one Watch: the versions last seen on its own
// pinned connection (PRAGMA data_version is per connection).
type watcher struct {
	s         *Store
	conn      *sql.Conn
	version   int64
	schema    int64
	seen      map[string]int64
	triggered bool // the file has the change table
}

func (w *watcher) versions(ctx context.Context) (int64, int64, error) {
	var v, sv int64
	if err := w.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return 0, 0, err
	}
	err := w.conn.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&sv)
	return v, sv, err
}

func (w *watcher) start(ctx context.Context) error {
	var err error
	if w.version, w.schema, err = w.versions(ctx); err != nil {
		return err
	}
	w.seen, err = changeSeqs(ctx, w.conn)
	w.triggered = err == nil
	return nil
}

// poll returns the layers others changed since the last poll; an error
// when the file cannot be read any more.
func (w *watcher) poll(ctx context.Context) ([]string, error) {
	var v int64
	if err := w.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return nil, err
	}
	if v == w.version {
		return nil, nil
	}
	w.version = v
	var sv int64
	w.conn.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&sv)
	schemaChanged := sv != w.schema
	w.schema = sv
	now, err := changeSeqs(ctx, w.conn)
	if err != nil || !w.triggered {
		w.triggered = err == nil
		w.seen = now
		return LayerNames(), nil
	}
	w.s.mu.Lock()
	var out []string
	for _, l := range order {
		cur, seen := now[l], w.seen[l]
		if cur == seen {
			continue
		}
		// Follow this Store's own transitions from what was seen.
		own := w.s.own[l]
		for n := 0; seen != cur && n <= ownKept; n++ {
			next, ok := own[seen]
			if !ok {
				break
			}
			seen = next
		}
		if seen != cur {
			out = append(out, l)
		}
	}
	w.s.mu.Unlock()
	w.seen = now
	if schemaChanged {
		// A table replaced by another program (ogr2ogr -overwrite) has lost
		// its triggers: the counters no longer tell.
		var n int
		w.conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'safetynet_changed_%'`).Scan(&n)
		if n < 3*len(now) {
			return LayerNames(), nil
		}
	}
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"
)

// The operator console's live picture is kept in two tables beside the
// layers, created the first time it is saved (files written before they
// existed open as before):
//
//   - alerts: a feature table (geometry type GEOMETRY, EPSG:4326, R-tree
//     index) with one row per live subject, so QGIS and GDAL show the last
//     known picture; rows without a position have a NULL geometry.
//   - event_log: an attributes table, append-only (triggers refuse updates
//     and deletes), with every received event and operator action, so any
//     period can be replayed.
//
// Neither is one of the map layers (LayerNames, Count, Search, Records and
// Extent do not see them), and writing them does not clear the tile sets
// rendered from the basemap.

// Table names of the console's picture and log.
const (
	AlertsTable   = "alerts"
	EventLogTable = "event_log"
)

// LiveRow is one subject of the console's live picture as stored in the
// alerts table: an alert, a unit or an info event. Geom is EPSG:4326 and
// may be nil (position unknown). Data is the console's own record of the
// subject (event envelope, actions, trail) as JSON; the other fields are
// copies of it as columns for QGIS and GDAL. Times are stored to the
// millisecond.
type LiveRow struct {
	Subject, Kind     string
	Geom              orb.Geometry
	Type, Severity    string
	Status, State     string
	Title             string
	Seq               int64
	Received, Updated time.Time
	Data              []byte
}

// LogRow is one entry of the event log: when it happened, the hub's
// sequence number (0 for something raised locally), its kind (event,
// action or rule), the operator who acted (actions) and the subject it
// concerns, and its JSON. Time is stored to the millisecond.
type LogRow struct {
	Time     time.Time
	Seq      int64
	Kind     string
	Operator string
	Subject  string
	Data     []byte
}

// logTime is how times are written in the alerts and event_log tables:
// the GeoPackage DATETIME form, fixed width so that text order is time
// order.
const logTime = "2006-01-02T15:04:05.000Z"

func fmtTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(logTime)
}

// scanTime reads a DATETIME column, which the driver hands over as a
// time.Time, or as text when written by another program.
func scanTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v.UTC(), nil
	case string:
		return time.Parse(time.RFC3339Nano, v)
	case []byte:
		return time.Parse(time.RFC3339Nano, string(v))
	}
	return time.Time{}, fmt.Errorf("%v (%T) is not a time", v, v)
}

const liveDDL = `
CREATE TABLE alerts (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom GEOMETRY,
  subject TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  type TEXT,
  severity TEXT,
  status TEXT,
  state TEXT,
  title TEXT,
  seq INTEGER,
  received DATETIME,
  updated DATETIME,
  data TEXT
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
 VALUES ('alerts', 'features', 'alerts', 'Live alerts and units: the operator console''s last known picture', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('alerts', 'geom', 'GEOMETRY', 4326, 0, 0);
`

const eventLogDDL = `
CREATE TABLE event_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  time DATETIME NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  operator TEXT,
  subject TEXT,
  data TEXT
);
CREATE INDEX event_log_time ON event_log(time, id);
CREATE TRIGGER event_log_no_update BEFORE UPDATE ON event_log
 BEGIN SELECT RAISE(ABORT, 'event_log is append-only'); END;
CREATE TRIGGER event_log_no_delete BEFORE DELETE ON event_log
 BEGIN SELECT RAISE(ABORT, 'event_log is append-only'); END;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
 VALUES ('event_log', 'attributes', 'event_log', 'Every received event and operator action, append-only');
`

// consoleSeqKey is the safetynet_meta key of the last hub sequence number
// the saved picture includes.
const consoleSeqKey = "console_last_seq"

// ensureLive creates the alerts and event_log tables when the file lacks
// them.
func (tx *Tx) ensureLive() error {
	tx.s.mu.Lock()
	ready := tx.s.liveReady
	tx.s.mu.Unlock()
	if ready {
		return nil
	}
	has := func(name string) (bool, error) {
		var n int
		err := tx.tx.QueryRowContext(tx.ctx, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", name).Scan(&n)
		return n > 0, err
	}
	ok, err := has(AlertsTable)
	if err != nil {
		return err
	}
	if !ok {
		if _, err := tx.tx.ExecContext(tx.ctx, liveDDL); err != nil {
			return fmt.Errorf("create table alerts: %w", err)
		}
		for _, st := range rtreeDDL(AlertsTable, "geom", "fid") {
			if _, err := tx.tx.ExecContext(tx.ctx, st); err != nil {
				return fmt.Errorf("create the R-tree of alerts: %w", err)
			}
		}
	}
	if ok, err = has(EventLogTable); err != nil {
		return err
	} else if !ok {
		if _, err := tx.tx.ExecContext(tx.ctx, eventLogDDL); err != nil {
			return fmt.Errorf("create table event_log: %w", err)
		}
	}
	// Marked ready only after commit: a rolled-back creation is tried again.
	tx.onCommit = append(tx.onCommit, func() {
		tx.s.mu.Lock()
		tx.s.liveReady = true
		tx.s.mu.Unlock()
	})
	return nil
}

// checkFinite reports the first coordinate of g that is NaN or infinite.
func checkFinite(g orb.Geometry) error {
	var bad error
	check := func(p orb.Point) bool {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			bad = fmt.Errorf("coordinate [%v, %v] is not a number", p[0], p[1])
			return false
		}
		return true
	}
	var walk func(g orb.Geometry) bool
	walk = func(g orb.Geometry) bool {
		switch g := g.(type) {
		case nil:
		case orb.Point:
			return check(g)
		case orb.MultiPoint:
			for _, p := range g {
				if !check(p) {
					return false
				}
			}
		case orb.LineString:
			return walk(orb.MultiPoint(g))
		case orb.Ring:
			return walk(orb.MultiPoint(g))
		case orb.MultiLineString:
			for _, l := range g {
				if !walk(l) {
					return false
				}
			}
		case orb.Polygon:
			for _, r := range g {
				if !walk(r) {
					return false
				}
			}
		case orb.MultiPolygon:
			for _, p := range g {
				if !walk(p) {
					return false
				}
			}
		case orb.Collection:
			for _, x := range g {
				if !walk(x) {
					return false
				}
			}
		case orb.Bound:
			return check(g.Min) && check(g.Max)
		}
		return true
	}
	walk(g)
	return bad
}

// consoleStateKey is the safetynet_meta key of the console's own state
// (LiveBatch.State).
const consoleStateKey = "console_state"

// LiveBatch is one batch of the console's changes for SaveLiveBatch.
type LiveBatch struct {
	// Upsert replaces or adds rows by subject; Remove deletes the rows of
	// those subjects.
	Upsert []LiveRow
	Remove []string
	// Log is appended to the event log in order.
	Log []LogRow
	// LastSeq is the last hub sequence number the picture includes.
	LastSeq int64
	// State, when not nil, replaces the console's own saved state: JSON
	// the store keeps as it is (the console's alarm counts and chattering
	// sources); nil leaves the saved state as it was.
	State []byte
}

// SaveLive writes a batch of the console's changes in one transaction:
// upsert replaces or adds rows by subject, remove deletes the rows of those
// subjects, log is appended to the event log in order, and lastSeq is
// recorded as the last hub sequence number the picture includes. Rows are
// checked first (a subject and kind each, finite coordinates): when one is
// wrong nothing is written. A read-only store returns ErrReadOnly.
func (s *Store) SaveLive(ctx context.Context, upsert []LiveRow, remove []string, log []LogRow, lastSeq int64) error {
	return s.SaveLiveBatch(ctx, LiveBatch{Upsert: upsert, Remove: remove, Log: log, LastSeq: lastSeq})
}

// SaveLiveBatch is SaveLive with the console's own state (b.State, see
// LiveState) written in the same transaction.
func (s *Store) SaveLiveBatch(ctx context.Context, b LiveBatch) error {
	upsert, remove, log, lastSeq := b.Upsert, b.Remove, b.Log, b.LastSeq
	if s.readOnly {
		return fmt.Errorf("%w: %s: the console's picture cannot be saved; open the file for writing", ErrReadOnly, s.path)
	}
	blobs := make([][]byte, len(upsert))
	for i := range upsert {
		r := &upsert[i]
		if r.Subject == "" || r.Kind == "" {
			return fmt.Errorf("store: alerts: row %d: subject and kind are required", i)
		}
		if err := checkFinite(r.Geom); err != nil {
			return fmt.Errorf("store: alerts: %s: %w", r.Subject, err)
		}
		b, err := EncodeGeometry(r.Geom, SRSWGS84)
		if err != nil {
			return fmt.Errorf("store: alerts: %s: %w", r.Subject, err)
		}
		blobs[i] = b
	}
	for i, r := range log {
		if r.Time.IsZero() || r.Kind == "" {
			return fmt.Errorf("store: event_log: row %d: time and kind are required", i)
		}
	}
	return s.Update(ctx, func(tx *Tx) error {
		if err := tx.ensureLive(); err != nil {
			return s.wrap(err)
		}
		if len(upsert) > 0 {
			// UPDATE then INSERT rather than an upsert: the R-tree's update
			// triggers use INSERT OR REPLACE, which an upsert's conflict
			// handling overrides.
			upd, err := tx.tx.PrepareContext(ctx, `UPDATE alerts SET geom = ?, kind = ?, type = ?, severity = ?, status = ?, state = ?,
 title = ?, seq = ?, received = ?, updated = ?, data = ? WHERE subject = ?`)
			if err != nil {
				return s.wrap(err)
			}
			defer upd.Close()
			ins, err := tx.tx.PrepareContext(ctx, `INSERT INTO alerts (geom, kind, type, severity, status, state, title, seq, received, updated, data, subject)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return s.wrap(err)
			}
			defer ins.Close()
			for i, r := range upsert {
				args := []any{blobs[i], r.Kind, r.Type, r.Severity, r.Status, r.State, r.Title,
					r.Seq, fmtTime(r.Received), fmtTime(r.Updated), string(r.Data), r.Subject}
				res, err := upd.ExecContext(ctx, args...)
				if err == nil {
					if n, _ := res.RowsAffected(); n == 0 {
						_, err = ins.ExecContext(ctx, args...)
					}
				}
				if err != nil {
					return s.wrap(fmt.Errorf("alerts: %s: %w", r.Subject, err))
				}
			}
		}
		if len(remove) > 0 {
			st, err := tx.tx.PrepareContext(ctx, "DELETE FROM alerts WHERE subject = ?")
			if err != nil {
				return s.wrap(err)
			}
			defer st.Close()
			for _, subj := range remove {
				if _, err := st.ExecContext(ctx, subj); err != nil {
					return s.wrap(fmt.Errorf("alerts: remove %s: %w", subj, err))
				}
			}
		}
		if len(log) > 0 {
			st, err := tx.tx.PrepareContext(ctx, "INSERT INTO event_log (time, seq, kind, operator, subject, data) VALUES (?, ?, ?, ?, ?, ?)")
			if err != nil {
				return s.wrap(err)
			}
			defer st.Close()
			for _, r := range log {
				if _, err := st.ExecContext(ctx, fmtTime(r.Time), r.Seq, r.Kind, r.Operator, r.Subject, string(r.Data)); err != nil {
					return s.wrap(fmt.Errorf("event_log: %w", err))
				}
			}
		}
		if len(upsert) > 0 || len(remove) > 0 {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
 min_x = (SELECT min(minx) FROM rtree_alerts_geom), max_x = (SELECT max(maxx) FROM rtree_alerts_geom),
 min_y = (SELECT min(miny) FROM rtree_alerts_geom), max_y = (SELECT max(maxy) FROM rtree_alerts_geom)
 WHERE table_name = 'alerts'`); err != nil {
				return s.wrap(err)
			}
		}
		if len(log) > 0 {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'event_log'`); err != nil {
				return s.wrap(err)
			}
		}
		if b.State != nil {
			if _, err := tx.tx.ExecContext(ctx, "INSERT OR REPLACE INTO safetynet_meta VALUES (?, ?)", consoleStateKey, string(b.State)); err != nil {
				return s.wrap(err)
			}
		}
		_, err := tx.tx.ExecContext(ctx, "INSERT OR REPLACE INTO safetynet_meta VALUES (?, ?)", consoleSeqKey, fmt.Sprint(lastSeq))
		return s.wrap(err)
	})
}

// LiveState returns the console's own state as last saved with
// SaveLiveBatch; nil when none was.
func (s *Store) LiveState(ctx context.Context) ([]byte, error) {
	var v sql.NullString
	err := s.r.QueryRowContext(ctx, "SELECT value FROM safetynet_meta WHERE key = ?", consoleStateKey).Scan(&v)
	switch {
	case err == sql.ErrNoRows:
		return nil, nil
	case err != nil:
		return nil, s.wrap(err)
	case !v.Valid:
		return nil, nil
	}
	return []byte(v.String), nil
}

// hasTable reports whether the file holds table name, on the readers.
func (s *Store) hasTable(ctx context.Context, name string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", name).Scan(&n)
	return n > 0, s.wrap(err)
}

// LoadLive returns the console's saved picture, ordered by subject, and
// the last hub sequence number it includes; nothing and 0 when the file
// holds none.
func (s *Store) LoadLive(ctx context.Context) (rows []LiveRow, lastSeq int64, err error) {
	ok, err := s.hasTable(ctx, AlertsTable)
	if err != nil || !ok {
		return nil, 0, err
	}
	var seq sql.NullString
	err = s.r.QueryRowContext(ctx, "SELECT value FROM safetynet_meta WHERE key = ?", consoleSeqKey).Scan(&seq)
	if err != nil && err != sql.ErrNoRows {
		return nil, 0, s.wrap(err)
	}
	if seq.Valid {
		if _, err := fmt.Sscan(seq.String, &lastSeq); err != nil {
			return nil, 0, fmt.Errorf("store: %s: safetynet_meta %s %q is not a number", s.path, consoleSeqKey, seq.String)
		}
	}
	q, err := s.r.QueryContext(ctx, `SELECT geom, subject, kind, type, severity, status, state, title, seq, received, updated, data
 FROM alerts ORDER BY subject`)
	if err != nil {
		return nil, 0, s.wrap(err)
	}
	defer q.Close()
	for q.Next() {
		var r LiveRow
		var geom []byte
		var typ, sev, status, state, title, data sql.NullString
		var rec, upd any
		var sq sql.NullInt64
		if err := q.Scan(&geom, &r.Subject, &r.Kind, &typ, &sev, &status, &state, &title, &sq, &rec, &upd, &data); err != nil {
			return nil, 0, s.wrap(err)
		}
		if geom != nil {
			if r.Geom, _, err = DecodeGeometry(geom); err != nil {
				return nil, 0, fmt.Errorf("store: %s: alerts: %s: %w", s.path, r.Subject, err)
			}
		}
		r.Type, r.Severity, r.Status, r.State, r.Title, r.Seq = typ.String, sev.String, status.String, state.String, title.String, sq.Int64
		if r.Received, err = scanTime(rec); err != nil {
			return nil, 0, fmt.Errorf("store: %s: alerts: %s: received: %w", s.path, r.Subject, err)
		}
		if r.Updated, err = scanTime(upd); err != nil {
			return nil, 0, fmt.Errorf("store: %s: alerts: %s: updated: %w", s.path, r.Subject, err)
		}
		if data.Valid {
			r.Data = []byte(data.String)
		}
		rows = append(rows, r)
	}
	if err := q.Err(); err != nil {
		return nil, 0, s.wrap(err)
	}
	return rows, lastSeq, nil
}

// ConsoleLog returns up to limit entries of the event log with from <=
// Time < to, oldest first (entries of the same millisecond in the order
// they were saved). A zero from or to leaves that end open.
func (s *Store) ConsoleLog(ctx context.Context, from, to time.Time, limit int) ([]LogRow, error) {
	if limit <= 0 {
		return nil, nil
	}
	ok, err := s.hasTable(ctx, EventLogTable)
	if err != nil || !ok {
		return nil, err
	}
	lo, hi := "", "~"
	if !from.IsZero() {
		lo = from.UTC().Format(logTime)
	}
	if !to.IsZero() {
		hi = to.UTC().Format(logTime)
	}
	q, err := s.r.QueryContext(ctx, "SELECT time, seq, kind, operator, subject, data FROM event_log WHERE time >= ? AND time < ? ORDER BY time, id LIMIT ?", lo, hi, limit)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer q.Close()
	var out []LogRow
	for q.Next() {
		var r LogRow
		var tm any
		var op, subj, data sql.NullString
		if err := q.Scan(&tm, &r.Seq, &r.Kind, &op, &subj, &data); err != nil {
			return nil, s.wrap(err)
		}
		if r.Time, err = scanTime(tm); err != nil {
			return nil, fmt.Errorf("store: %s: event_log: time: %w", s.path, err)
		}
		r.Operator, r.Subject = op.String, subj.String
		if data.Valid {
			r.Data = []byte(data.String)
		}
		out = append(out, r)
	}
	return out, s.wrap(q.Err())
}

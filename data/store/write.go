package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Record is a feature as plain values: its id, its geometry in EPSG:4326 and
// its attributes keyed by column name. Attribute values are string, float64,
// int64 or bool; dates are strings "YYYY-MM-DD"; nil is NULL.
type Record struct {
	FID   int64
	Geom  orb.Geometry
	Props map[string]any
}

// Column describes one attribute column of a layer. Type is the GeoPackage
// column type: TEXT, REAL, INTEGER, BOOLEAN or DATE.
type Column struct {
	Name string
	Type string
}

// Tx is a write transaction, valid only inside the function given to Update.
// It is not safe for concurrent use.
type Tx struct {
	s       *Store
	tx      *sql.Tx
	ctx     context.Context
	inserts map[string]*sql.Stmt
	touched map[string]bool
	// While a transaction inserts into a layer, the layer's R-tree insert
	// trigger is set aside and the index is written directly: the trigger
	// would call five Go functions through cgo for every row. finish puts
	// the trigger back before commit, so other programs see the standard
	// schema, and a rollback restores it with everything else.
	rtreeInserts map[string]*sql.Stmt
	triggers     map[string]string // trigger name -> its CREATE statement
	counted      []string          // layers whose change insert trigger is set aside
	onCommit     []func()          // run after a successful commit
}

// Update runs fn in one write transaction on the store's single writer
// connection: when fn returns an error, or panics, nothing it wrote is kept
// and the file is unchanged. Concurrent calls run one after the other.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if s.readOnly {
		return fmt.Errorf("%w: %s", ErrReadOnly, s.path)
	}
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err)
	}
	tx := &Tx{s: s, tx: sqlTx, ctx: ctx, inserts: map[string]*sql.Stmt{}, touched: map[string]bool{},
		rtreeInserts: map[string]*sql.Stmt{}, triggers: map[string]string{}}
	s.mu.Lock()
	counted := s.changes
	s.mu.Unlock()
	var seqs map[string]int64
	if counted {
		// The change counters before our writes: what moves them in this
		// transaction is our own doing, not another program's (Watch).
		// A file whose counters another program removed is written all
		// the same; Watch then reports every layer.
		seqs, err = changeSeqs(ctx, sqlTx)
		counted = err == nil
		err = nil
	}
	defer func() {
		for _, st := range tx.inserts {
			st.Close()
		}
		for _, st := range tx.rtreeInserts {
			st.Close()
		}
		if err != nil {
			sqlTx.Rollback()
		}
	}()
	panicked := true
	defer func() {
		if panicked {
			sqlTx.Rollback()
		}
	}()
	err = fn(tx)
	panicked = false
	if err != nil {
		return err
	}
	if err = tx.finish(); err != nil {
		return s.wrap(err)
	}
	if counted {
		if after, err := changeSeqs(ctx, sqlTx); err == nil {
			s.mu.Lock()
			s.own.add(seqs, after)
			s.mu.Unlock()
		}
	}
	if err = sqlTx.Commit(); err != nil {
		return s.wrap(err)
	}
	for _, f := range tx.onCommit {
		f()
	}
	return nil
}

// finish restores the R-tree triggers set aside and records the new extent
// and change time of every layer written.
func (tx *Tx) finish() error {
	for _, st := range tx.rtreeInserts {
		st.Close()
	}
	clear(tx.rtreeInserts)
	for _, layer := range tx.counted {
		if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE safetynet_changes SET seq = seq + 1 WHERE layer = ?`, layer); err != nil {
			return fmt.Errorf("count the changes of %s: %w", layer, err)
		}
	}
	tx.counted = nil
	for name, ddl := range tx.triggers {
		if _, err := tx.tx.ExecContext(tx.ctx, ddl); err != nil {
			return fmt.Errorf("restore trigger %s: %w", name, err)
		}
	}
	clear(tx.triggers)
	if tx.touched[Buildings] || tx.touched[Roads] || tx.touched[Landuse] || tx.touched[Water] || tx.touched[Barriers] {
		if err := tx.clearDerivedTiles(); err != nil {
			return fmt.Errorf("clear rendered tiles: %w", err)
		}
	}
	for layer := range tx.touched {
		t, err := tx.s.table(layer)
		if err != nil || t.rtree == "" {
			continue
		}
		q := fmt.Sprintf(`UPDATE gpkg_contents SET last_change = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now'),
 min_x = (SELECT min(minx) FROM %[1]s), max_x = (SELECT max(maxx) FROM %[1]s),
 min_y = (SELECT min(miny) FROM %[1]s), max_y = (SELECT max(maxy) FROM %[1]s)
 WHERE lower(table_name) = ?`, quote(t.rtree))
		if _, err := tx.tx.ExecContext(tx.ctx, q, layer); err != nil {
			return err
		}
	}
	return nil
}

// rtreeStmt returns the statement that writes t's R-tree directly, first
// setting aside the trigger that would otherwise write it; nil when t has
// no R-tree.
func (tx *Tx) rtreeStmt(t *table) (*sql.Stmt, error) {
	if t.rtree == "" {
		return nil, nil
	}
	if st := tx.rtreeInserts[t.def.name]; st != nil {
		return st, nil
	}
	name := t.rtree + "_insert"
	var ddl string
	err := tx.tx.QueryRowContext(tx.ctx, "SELECT sql FROM sqlite_master WHERE type='trigger' AND name=?", name).Scan(&ddl)
	if err == sql.ErrNoRows {
		return nil, nil // not the standard trigger: leave the file's own mechanism alone
	} else if err != nil {
		return nil, tx.s.wrap(err)
	}
	if _, err := tx.tx.ExecContext(tx.ctx, "DROP TRIGGER "+quote(name)); err != nil {
		return nil, tx.s.wrap(err)
	}
	tx.triggers[name] = ddl
	// The change counter's insert trigger too: finish raises the counter
	// once for the whole transaction instead of once per row.
	cname := "safetynet_changed_" + t.def.name + "_insert"
	var cddl string
	if err := tx.tx.QueryRowContext(tx.ctx, "SELECT sql FROM sqlite_master WHERE type='trigger' AND name=?", cname).Scan(&cddl); err == nil {
		if _, err := tx.tx.ExecContext(tx.ctx, "DROP TRIGGER "+quote(cname)); err != nil {
			return nil, tx.s.wrap(err)
		}
		tx.triggers[cname] = cddl
		tx.counted = append(tx.counted, t.def.name)
	}
	// The statements prepared before the schema change are stale now.
	if st := tx.inserts[t.def.name]; st != nil {
		st.Close()
		delete(tx.inserts, t.def.name)
	}
	st, err := tx.tx.PrepareContext(tx.ctx, fmt.Sprintf("INSERT OR REPLACE INTO %s VALUES (?, ?, ?, ?, ?)", quote(t.rtree)))
	if err != nil {
		return nil, tx.s.wrap(err)
	}
	tx.rtreeInserts[t.def.name] = st
	return st, nil
}

func (tx *Tx) insertStmt(t *table) (*sql.Stmt, error) {
	if st := tx.inserts[t.def.name]; st != nil {
		return st, nil
	}
	names := []string{quote(t.geomCol)}
	marks := []string{"?"}
	for _, c := range t.cols {
		names = append(names, quote(c.Name))
		marks = append(marks, "?")
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", quote(t.def.name), strings.Join(names, ", "), strings.Join(marks, ", "))
	st, err := tx.tx.PrepareContext(tx.ctx, q)
	if err != nil {
		return nil, tx.s.wrap(err)
	}
	tx.inserts[t.def.name] = st
	return st, nil
}

// Insert adds f to its layer and returns its new fid. f's own FID is ignored.
func (tx *Tx) Insert(f Feature) (int64, error) {
	t, err := tx.s.table(f.Layer())
	if err != nil {
		return 0, err
	}
	v := reflect.ValueOf(f)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	g, _ := v.FieldByIndex(t.def.geom).Interface().(orb.Geometry)
	vals := t.def.toValues(v)
	for i, x := range vals {
		if f, ok := x.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return 0, fmt.Errorf("%s: %s is %v, not a number", t.def.name, t.def.cols[i].Name, f)
		}
	}
	for i, x := range vals {
		if err := CheckValue(t.def.name, t.def.cols[i].Name, x); err != nil {
			return 0, fmt.Errorf("%s: %w", t.def.name, err)
		}
	}
	args := make([]any, 0, len(t.cols)+1)
	args = append(args, nil)
	// t.cols is the subset of def.cols present in the file, in def order.
	j := 0
	for i, c := range t.def.cols {
		if j < len(t.cols) && t.cols[j].Name == c.Name {
			args = append(args, vals[i])
			j++
		}
	}
	return tx.insert(t, g, args)
}

// InsertRecord adds r to layer and returns its new fid. A property that is
// not a column of the layer, whose value does not fit its column, or that
// the column's rule refuses (CheckValue) is an error; missing properties
// are NULL.
func (tx *Tx) InsertRecord(layer string, r Record) (int64, error) {
	t, err := tx.s.table(layer)
	if err != nil {
		return 0, err
	}
	known := map[string]int{}
	for i, c := range t.cols {
		known[c.Name] = i
	}
	args := make([]any, len(t.cols)+1)
	for k, x := range r.Props {
		i, ok := known[k]
		if !ok {
			return 0, fmt.Errorf("layer %s has no column %q", layer, k)
		}
		v, err := columnValue(t.cols[i].Column, x)
		if err != nil {
			return 0, err
		}
		if err := CheckValue(layer, k, v); err != nil {
			return 0, err
		}
		args[i+1] = v
	}
	return tx.insert(t, r.Geom, args)
}

func (tx *Tx) insert(t *table, g orb.Geometry, args []any) (int64, error) {
	g, err := fitGeometry(t.def.geomType, g)
	if err != nil {
		return 0, err
	}
	blob, err := EncodeGeometry(g, SRSWGS84)
	if err != nil {
		return 0, err
	}
	args[0] = blob
	rst, err := tx.rtreeStmt(t)
	if err != nil {
		return 0, err
	}
	st, err := tx.insertStmt(t)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(tx.ctx, args...)
	if err != nil {
		return 0, tx.s.wrap(err)
	}
	tx.touched[t.def.name] = true
	fid, err := res.LastInsertId()
	if err != nil || rst == nil || isEmpty(g) {
		return fid, err
	}
	b := g.Bound()
	if _, err := rst.ExecContext(tx.ctx, fid, b.Min[0], b.Max[0], b.Min[1], b.Max[1]); err != nil {
		return 0, tx.s.wrap(err)
	}
	return fid, nil
}

// UpdateRecord changes feature fid of layer: its geometry when r.Geom is
// not nil, and the columns r.Props names (a nil value writes NULL); the
// other columns and r.FID are left alone. The layer's R-tree follows. A
// property that is not a column of the layer, or whose value does not fit
// its column, is an error; so is a value the column's rule refuses (see
// CheckValue). A missing feature is ErrNoFeature.
func (tx *Tx) UpdateRecord(layer string, fid int64, r Record) error {
	t, err := tx.s.table(layer)
	if err != nil {
		return err
	}
	known := map[string]Column{}
	for _, c := range t.cols {
		known[c.Name] = c.Column
	}
	var sets []string
	var args []any
	if r.Geom != nil {
		g, err := fitGeometry(t.def.geomType, r.Geom)
		if err != nil {
			return fmt.Errorf("%s %d: %w", layer, fid, err)
		}
		blob, err := EncodeGeometry(g, SRSWGS84)
		if err != nil {
			return fmt.Errorf("%s %d: %w", layer, fid, err)
		}
		sets = append(sets, quote(t.geomCol)+" = ?")
		args = append(args, blob)
	}
	names := make([]string, 0, len(r.Props))
	for k := range r.Props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		c, ok := known[k]
		if !ok {
			return fmt.Errorf("%s %d: layer %s has no column %q", layer, fid, layer, k)
		}
		v, err := columnValue(c, r.Props[k])
		if err != nil {
			return fmt.Errorf("%s %d: %w", layer, fid, err)
		}
		if err := CheckValue(layer, k, v); err != nil {
			return fmt.Errorf("%s %d: %w", layer, fid, err)
		}
		sets = append(sets, quote(k)+" = ?")
		args = append(args, v)
	}
	if len(sets) == 0 {
		return nil
	}
	args = append(args, fid)
	res, err := tx.tx.ExecContext(tx.ctx, fmt.Sprintf("UPDATE %s SET %s WHERE %s = ?", quote(layer), strings.Join(sets, ", "), quote(t.pk)), args...)
	if err != nil {
		return tx.s.wrap(err)
	}
	tx.touched[layer] = true
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%s %d: %w", layer, fid, ErrNoFeature)
	}
	return nil
}

// Delete removes the feature fid from layer; deleting a missing feature is not an error.
func (tx *Tx) Delete(layer string, fid int64) error {
	t, err := tx.s.table(layer)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(tx.ctx, fmt.Sprintf("DELETE FROM %s WHERE %s = ?", quote(layer), quote(t.pk)), fid)
	tx.touched[layer] = true
	return tx.s.wrap(err)
}

// fitGeometry checks that g suits a column of geometry type typ, that every
// coordinate is a finite longitude/latitude, and promotes a Polygon to a
// MultiPolygon for MULTIPOLYGON columns.
func fitGeometry(typ string, g orb.Geometry) (orb.Geometry, error) {
	if g == nil {
		return nil, fmt.Errorf("no geometry")
	}
	if err := checkCoords(g); err != nil {
		return nil, err
	}
	got := g.GeoJSONType()
	switch typ {
	case "GEOMETRY":
		return g, nil
	case "MULTIPOLYGON":
		if p, ok := g.(orb.Polygon); ok {
			return orb.MultiPolygon{p}, nil
		}
		if _, ok := g.(orb.MultiPolygon); ok {
			return g, nil
		}
	case "POLYGON":
		if mp, ok := g.(orb.MultiPolygon); ok && len(mp) == 1 {
			return mp[0], nil
		}
		if _, ok := g.(orb.Polygon); ok {
			return g, nil
		}
	default:
		if strings.EqualFold(got, typ) {
			return g, nil
		}
	}
	return nil, fmt.Errorf("geometry is a %s, the layer takes %s", got, typ)
}

func checkCoords(g orb.Geometry) error {
	var bad error
	each(g, func(p orb.Point) bool {
		switch {
		case math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0):
			bad = fmt.Errorf("coordinate %v is not a number", p)
		case p[0] < -180 || p[0] > 180:
			bad = fmt.Errorf("longitude %g out of range [-180, 180]", p[0])
		case p[1] < -90 || p[1] > 90:
			bad = fmt.Errorf("latitude %g out of range [-90, 90]", p[1])
		}
		return bad == nil
	})
	return bad
}

// each calls f for every point of g until f returns false.
func each(g orb.Geometry, f func(orb.Point) bool) bool {
	switch g := g.(type) {
	case orb.Point:
		return f(g)
	case orb.MultiPoint:
		for _, p := range g {
			if !f(p) {
				return false
			}
		}
	case orb.LineString:
		return each(orb.MultiPoint(g), f)
	case orb.Ring:
		return each(orb.MultiPoint(g), f)
	case orb.MultiLineString:
		for _, l := range g {
			if !each(orb.MultiPoint(l), f) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range g {
			if !each(orb.MultiPoint(r), f) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if !each(p, f) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range g {
			if !each(c, f) {
				return false
			}
		}
	}
	return true
}

// columnValue converts a Record property to the SQL value of column c.
func columnValue(c Column, x any) (any, error) {
	if x == nil {
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("property %q: %v (%T) is not a %s", c.Name, x, x, c.Type)
	}
	switch c.Type {
	case "TEXT":
		switch x := x.(type) {
		case string:
			return x, nil
		case float64, int64, int, bool:
			return fmt.Sprint(x), nil
		}
	case "REAL":
		if f, ok := toFloat(x); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f, nil
		}
	case "INTEGER":
		if f, ok := toFloat(x); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), nil
		}
	case "BOOLEAN":
		if f, ok := toFloat(x); ok && (f == 0 || f == 1) {
			return f == 1, nil
		}
	case "DATE":
		if s, ok := x.(string); ok {
			t, err := parseDate(c.Name, s)
			if err != nil || t.IsZero() {
				return nil, err
			}
			return t.Format(time.DateOnly), nil
		}
	}
	return bad()
}

// CopyFrom inserts every feature of every layer that src holds (another
// GeoPackage, such as one written by ogr2ogr from our GeoJSON export or a
// council's register in a table named after one of our layers) and returns
// the number copied per layer. Columns fill ours by name or by the names
// other registers use (see MapColumns); the others are kept, as a JSON
// object, in the layer's attributes column where it has one, and ignored
// otherwise. Numbers held as text are numbers, a compass word in a heading
// is its bearing, and a camera without heading or field of view is marked
// estimated. A value that does not fit our column, or that the column's
// rule refuses, is an error naming the layer, the feature and the column.
func (tx *Tx) CopyFrom(src *Store) (map[string]int, error) {
	out := map[string]int{}
	for _, name := range order {
		if _, err := src.table(name); err != nil {
			continue
		}
		dst, err := tx.s.table(name)
		if err != nil {
			return out, err
		}
		names, recs, err := src.allColumns(tx.ctx, name)
		if err != nil {
			return out, err
		}
		ours := make([]Column, len(dst.cols))
		for i, c := range dst.cols {
			ours[i] = c.Column
		}
		mapping := MapColumns(ours, names)
		typeOf := map[string]string{}
		for _, c := range ours {
			typeOf[c.Name] = c.Type
		}
		for _, r := range recs {
			props := map[string]any{}
			attrs := map[string]any{}
			for _, n := range names {
				v := r.Props[n]
				col, ok := mapping[n]
				switch {
				case !ok:
					if v != nil {
						attrs[n] = v
					}
				case col == "attributes":
					if s, ok := v.(string); ok && s != "" {
						var m map[string]any
						if json.Unmarshal([]byte(s), &m) == nil {
							for k, x := range m {
								if _, dup := attrs[k]; !dup {
									attrs[k] = x
								}
							}
						} else {
							attrs[n] = s
						}
					}
				default:
					props[col] = fromText(typeOf[col], col, v)
				}
			}
			if len(attrs) > 0 && typeOf["attributes"] != "" {
				b, err := json.Marshal(attrs)
				if err != nil {
					return out, fmt.Errorf("%s: %s feature %d: attributes: %w", src.path, name, r.FID, err)
				}
				props["attributes"] = string(b)
			}
			if name == Cameras && typeOf["estimated"] != "" && props["estimated"] == nil {
				fov := props["hfov"] != nil || props["sensor_width_mm"] != nil && props["focal_length_mm"] != nil
				if props["heading"] == nil || !fov {
					props["estimated"] = true
				}
			}
			if _, err := tx.InsertRecord(name, Record{Geom: r.Geom, Props: props}); err != nil {
				return out, fmt.Errorf("%s: %s feature %d: %w", src.path, name, r.FID, err)
			}
		}
		out[name] = len(recs)
	}
	return out, nil
}

// fromText returns v, read from another program's column for our column
// col of type typ, with numbers held as text made numbers (and a compass
// word in a heading its bearing); other values are returned as they are.
func fromText(typ, col string, v any) any {
	s, ok := v.(string)
	if !ok || typ != "REAL" && typ != "INTEGER" {
		return v
	}
	if f, ok := TextNumber(s); ok {
		return f
	}
	if col == "heading" {
		if f, ok := Compass(s); ok {
			return f
		}
	}
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return v
}

// allColumns returns the names of every column of layer's table in s but
// its key and geometry, and its features with those columns as properties
// (text, numbers, dates as text), in fid order.
func (s *Store) allColumns(ctx context.Context, layer string) ([]string, []Record, error) {
	t, err := s.table(layer)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", layer)
	if err != nil {
		return nil, nil, s.wrap(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, nil, s.wrap(err)
		}
		if !strings.EqualFold(n, t.pk) && !strings.EqualFold(n, t.geomCol) {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, s.wrap(err)
	}
	sel := []string{quote(t.pk), quote(t.geomCol)}
	for _, n := range names {
		sel = append(sel, quote(n))
	}
	rows, err = s.r.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s ORDER BY 1", strings.Join(sel, ", "), quote(layer)))
	if err != nil {
		return nil, nil, s.wrap(err)
	}
	defer rows.Close()
	vals := make([]any, len(sel))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []Record
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, s.wrap(err)
		}
		fid, _ := vals[0].(int64)
		var g orb.Geometry
		if blob, ok := vals[1].([]byte); ok && blob != nil {
			if g, _, err = DecodeGeometry(blob); err != nil {
				return nil, nil, fmt.Errorf("store: %s: %s feature %d: %w", s.path, layer, fid, err)
			}
		}
		props := make(map[string]any, len(names))
		for i, n := range names {
			switch x := vals[i+2].(type) {
			case []byte:
				props[n] = string(x)
			case time.Time:
				if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
					props[n] = x.Format(time.DateOnly)
				} else {
					props[n] = x.Format(time.RFC3339)
				}
			default:
				props[n] = x
			}
		}
		out = append(out, Record{FID: fid, Geom: asType(t.def.geomType, g), Props: props})
	}
	return names, out, s.wrap(rows.Err())
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Edit is one change of one feature of Layer: Before is the feature as the
// editor last read it, After as it is to be. Before nil is an insert, After
// nil a delete, both set an update (geometry and every attribute). Records
// are whole features: a property missing from Props is NULL.
type Edit struct {
	Layer         string
	Before, After *Record
}

// Inverse returns the edit that undoes e: Before and After swapped. The
// inverse of an insert returned by ApplyEdits deletes the inserted FID; the
// inverse of a delete inserts the feature again under its old FID.
func (e Edit) Inverse() Edit { return Edit{Layer: e.Layer, Before: e.After, After: e.Before} }

// ConflictError is returned by ApplyEdits when an edit's Before is not the
// feature as stored: another program or another editor changed it since it
// was read. Stored is the feature as it is now, nil when it was deleted (or,
// for an insert under a given FID, the feature that holds that FID).
type ConflictError struct {
	Layer  string
	FID    int64
	Stored *Record
}

func (e *ConflictError) Error() string {
	if e.Stored == nil {
		return fmt.Sprintf("store: %s %d was deleted by another program since it was read; nothing was saved", singular(e.Layer), e.FID)
	}
	return fmt.Sprintf("store: %s %d was changed by another program since it was read; nothing was saved: keep the stored version or save yours over it", singular(e.Layer), e.FID)
}

// FieldError is returned by ApplyEdits when a value of an edit's After is
// refused: Field names the column ("" for the geometry), Msg says why.
// FID is 0 for an insert.
type FieldError struct {
	Layer string
	FID   int64
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	what := singular(e.Layer)
	if e.FID != 0 {
		what = fmt.Sprintf("%s %d", what, e.FID)
	}
	if e.Field == "" {
		return fmt.Sprintf("store: %s: geometry: %s", what, e.Msg)
	}
	return fmt.Sprintf("store: %s: %s: %s", what, e.Field, e.Msg)
}

// Is makes a FieldError match ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// HistoryTable is the GeoPackage attributes table of the edit history.
const HistoryTable = "safetynet_edit_history"

// SketchTable is the GeoPackage features table of unfinished sketches.
const SketchTable = "safetynet_sketches"

// HistoryEntry is one applied edit as the edit history keeps it. Op is
// "insert", "update" or "delete"; At is UTC; Before or After is nil for an
// insert or a delete.
type HistoryEntry struct {
	ID            int64
	At            time.Time
	Who, Layer    string
	FID           int64
	Op            string
	Before, After *Record
}

// Sketch is an unfinished drawing for Layer: the vertices placed so far
// (any geometry, possibly too short for the layer yet, or nil), the
// attributes typed so far, and when it was last saved (UTC).
type Sketch struct {
	ID      int64
	Layer   string
	Geom    orb.Geometry
	Props   map[string]any
	Updated time.Time
}

// Layers returns every editable layer, in display order (basemap first).
func Layers() []string { return LayerNames() }

// LayerColumns returns the attribute columns of layer in schema order, for
// forms; nil when there is no such layer.
func LayerColumns(layer string) []Column { return Columns(layer) }

// Required reports whether column col of layer must have a value (not NULL,
// not "") in a feature that is inserted or whose value of col is edited:
// the text columns every feature of the layer has (a road's class, a key
// area's code and required level, a hazard's severity, ...).
func Required(layer, col string) bool {
	d := layers[layer]
	if d == nil {
		return false
	}
	for _, c := range d.cols {
		if c.Name == col {
			return !c.omitEmpty && c.Type == "TEXT"
		}
	}
	return false
}

// hasCode reports whether layer has a code column, unique within the layer.
func hasCode(t *table) bool {
	for _, c := range t.cols {
		if c.Name == "code" {
			return true
		}
	}
	return false
}

// scanRecord makes a Record of a row read with t.selects.
func (s *Store) scanRecord(t *table, vals []any) (*Record, error) {
	fid, _ := vals[0].(int64)
	var g orb.Geometry
	if blob, ok := vals[1].([]byte); ok && blob != nil {
		var err error
		if g, _, err = DecodeGeometry(blob); err != nil {
			return nil, fmt.Errorf("store: %s: %s feature %d: %w", s.path, t.def.name, fid, err)
		}
	}
	props := make(map[string]any, len(t.cols))
	for i, c := range t.cols {
		props[c.Name] = recordValue(c.Type, vals[i+2])
	}
	return &Record{FID: fid, Geom: asType(t.def.geomType, g), Props: props}, nil
}

type rowQuerier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// record reads feature fid of t through q; nil, nil when there is none.
func (s *Store) record(ctx context.Context, q rowQuerier, t *table, fid int64) (*Record, error) {
	vals := make([]any, len(t.cols)+2)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s = ?", t.selects, quote(t.def.name), quote(t.pk)), fid).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap(err)
	}
	return s.scanRecord(t, vals)
}

// Record returns feature fid of layer as stored, wrapping ErrNotFound when
// there is none. Props holds every column of the layer (nil for NULL).
func (s *Store) Record(ctx context.Context, layer string, fid int64) (*Record, error) {
	t, err := s.table(layer)
	if err != nil {
		return nil, err
	}
	r, err := s.record(ctx, s.r, t, fid)
	if err == nil && r == nil {
		err = fmt.Errorf("%w: %s has no %s %d", ErrNotFound, s.path, singular(layer), fid)
	}
	return r, err
}

// CodeTaken reports whether another feature of layer than except (a FID, 0
// for none) has code. An empty code is never taken; a layer without a code
// column has none.
func (s *Store) CodeTaken(ctx context.Context, layer, code string, except int64) (bool, error) {
	t, err := s.table(layer)
	if err != nil {
		return false, err
	}
	_, taken, err := s.codeOwner(ctx, s.r, t, code, except)
	return taken, err
}

func (s *Store) codeOwner(ctx context.Context, q rowQuerier, t *table, code string, except int64) (int64, bool, error) {
	if code == "" || !hasCode(t) {
		return 0, false, nil
	}
	var fid int64
	err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE "code" = ? AND %s != ? LIMIT 1`, quote(t.pk), quote(t.def.name), quote(t.pk)), code, except).Scan(&fid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, s.wrap(err)
	}
	return fid, true, nil
}

// normalize returns r as the store would give it back: every column of t
// present with its value in Record form, the geometry in the layer's Go
// type. A value that does not fit its column is kept as it is.
func normalize(t *table, r *Record) *Record {
	if r == nil {
		return nil
	}
	props := make(map[string]any, len(t.cols))
	for _, c := range t.cols {
		x := r.Props[c.Name]
		if v, err := columnValue(c.Column, x); err == nil {
			x = recordValue(c.Type, v)
		}
		props[c.Name] = x
	}
	g := r.Geom
	if g != nil {
		if fg, err := fitGeometry(t.def.geomType, g); err == nil {
			g = asType(t.def.geomType, fg)
		}
	}
	return &Record{FID: r.FID, Geom: g, Props: props}
}

// sameRecord reports whether a and b are the same feature state: geometry
// and every column of t.
func sameRecord(t *table, a, b *Record) bool {
	a, b = normalize(t, a), normalize(t, b)
	if (a.Geom == nil) != (b.Geom == nil) || a.Geom != nil && !orb.Equal(a.Geom, b.Geom) {
		return false
	}
	for _, c := range t.cols {
		if !reflect.DeepEqual(a.Props[c.Name], b.Props[c.Name]) {
			return false
		}
	}
	return true
}

// checkShape refuses lines of fewer than 2 points and rings of fewer than
// 4 (3 distinct and the closing one) or not closed.
func checkShape(g orb.Geometry) error {
	ring := func(r orb.Ring) error {
		if len(r) < 4 {
			return fmt.Errorf("a ring needs at least 3 corners, it has %d", max(len(r)-1, 0))
		}
		if r[0] != r[len(r)-1] {
			return fmt.Errorf("a ring must end where it starts")
		}
		return nil
	}
	switch g := g.(type) {
	case orb.LineString:
		if len(g) < 2 {
			return fmt.Errorf("a line needs at least 2 points, it has %d", len(g))
		}
	case orb.MultiLineString:
		for _, l := range g {
			if err := checkShape(l); err != nil {
				return err
			}
		}
	case orb.Polygon:
		if len(g) == 0 {
			return fmt.Errorf("a polygon needs an outer ring")
		}
		for _, r := range g {
			if err := ring(r); err != nil {
				return err
			}
		}
	case orb.MultiPolygon:
		if len(g) == 0 {
			return fmt.Errorf("no polygon")
		}
		for _, p := range g {
			if err := checkShape(p); err != nil {
				return err
			}
		}
	case orb.Collection:
		for _, c := range g {
			if err := checkShape(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkAfter checks e.After (with before, the stored feature, for an
// update) and returns it normalized, or a *FieldError.
func (tx *Tx) checkAfter(t *table, e Edit, fid int64) (*Record, error) {
	a := e.After
	bad := func(field, format string, args ...any) error {
		return &FieldError{Layer: t.def.name, FID: fid, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if a.Geom == nil {
		return nil, bad("", "no geometry")
	}
	g, err := fitGeometry(t.def.geomType, a.Geom)
	if err != nil {
		return nil, bad("", "%v", err)
	}
	if err := checkShape(g); err != nil {
		return nil, bad("", "%v", err)
	}
	known := map[string]bool{}
	for _, c := range t.cols {
		known[c.Name] = true
	}
	for k := range a.Props {
		if !known[k] {
			return nil, bad(k, "layer %s has no column %q", t.def.name, k)
		}
	}
	for _, c := range t.cols {
		v, err := columnValue(c.Column, a.Props[c.Name])
		if err != nil {
			return nil, bad(c.Name, "%v is not a %s", a.Props[c.Name], strings.ToLower(typeWord(c.Type)))
		}
		if err := CheckValue(t.def.name, c.Name, v); err != nil {
			return nil, bad(c.Name, "%v", err)
		}
		changed := e.Before == nil || !reflect.DeepEqual(v, mustColumnValue(c.Column, e.Before.Props[c.Name]))
		if changed && Required(t.def.name, c.Name) && (v == nil || v == "") {
			return nil, bad(c.Name, "required: a %s needs a %s", singular(t.def.name), c.Name)
		}
		if c.Name == "code" && changed {
			code, _ := v.(string)
			owner, taken, err := tx.s.codeOwner(tx.ctx, tx.tx, t, code, fid)
			if err != nil {
				return nil, err
			}
			if taken {
				return nil, bad(c.Name, "code %q is taken by %s %d; codes are unique within the layer", code, singular(t.def.name), owner)
			}
		}
	}
	out := normalize(t, a)
	out.Geom = asType(t.def.geomType, g)
	return out, nil
}

func mustColumnValue(c Column, x any) any {
	v, err := columnValue(c, x)
	if err != nil {
		return x
	}
	return v
}

func typeWord(typ string) string {
	switch typ {
	case "REAL":
		return "number"
	case "INTEGER":
		return "whole number"
	case "BOOLEAN":
		return "yes or no"
	case "DATE":
		return "date (YYYY-MM-DD)"
	}
	return "text"
}

// ApplyEdits applies edits in order in one write transaction and records
// each in the edit history as done by who. Each edit's Before must equal
// the stored feature, geometry and every attribute, or the call fails with
// a *ConflictError; each After is checked (column rules, required fields,
// unique codes within the layer) or the call fails with a *FieldError. On
// any error nothing is written. An insert gets a new FID, or the FID its
// After carries when that is free (redoing an undone insert, undoing a
// delete). The returned edits carry the FIDs and the records as stored, so
// the Inverse of a returned edit undoes it exactly.
func (s *Store) ApplyEdits(ctx context.Context, who string, edits []Edit) ([]Edit, error) {
	var out []Edit
	err := s.Update(ctx, func(tx *Tx) error {
		out = make([]Edit, 0, len(edits))
		if err := tx.ensureEditTables(); err != nil {
			return err
		}
		hist, err := tx.tx.PrepareContext(tx.ctx, `INSERT INTO `+HistoryTable+` (at, who, layer, fid, op, before_geojson, after_geojson) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return s.wrap(err)
		}
		defer hist.Close()
		at := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
		for i, e := range edits {
			r, err := tx.applyEdit(e)
			if err != nil {
				if len(edits) > 1 {
					return fmt.Errorf("edit %d of %d: %w", i+1, len(edits), err)
				}
				return err
			}
			op, fid := "update", int64(0)
			switch {
			case r.Before == nil:
				op, fid = "insert", r.After.FID
			case r.After == nil:
				op, fid = "delete", r.Before.FID
			default:
				fid = r.After.FID
			}
			b, err := recordJSON(r.Before)
			if err != nil {
				return err
			}
			a, err := recordJSON(r.After)
			if err != nil {
				return err
			}
			if _, err := hist.ExecContext(tx.ctx, at, who, r.Layer, fid, op, b, a); err != nil {
				return s.wrap(err)
			}
			out = append(out, r)
		}
		if len(edits) > 0 {
			if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?`, at, HistoryTable); err != nil {
				return s.wrap(err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (tx *Tx) applyEdit(e Edit) (Edit, error) {
	t, err := tx.s.table(e.Layer)
	if err != nil {
		return Edit{}, err
	}
	name := t.def.name
	switch {
	case e.Before == nil && e.After == nil:
		return Edit{}, fmt.Errorf("store: %s: an edit needs a before or an after", name)
	case e.Before != nil:
		stored, err := tx.s.record(tx.ctx, tx.tx, t, e.Before.FID)
		if err != nil {
			return Edit{}, err
		}
		if stored == nil || !sameRecord(t, stored, e.Before) {
			return Edit{}, &ConflictError{Layer: name, FID: e.Before.FID, Stored: stored}
		}
		if e.After == nil {
			if err := tx.Delete(name, stored.FID); err != nil {
				return Edit{}, err
			}
			return Edit{Layer: name, Before: stored}, nil
		}
		if e.After.FID != 0 && e.After.FID != stored.FID {
			return Edit{}, fmt.Errorf("store: %s %d: an edit cannot change a feature's fid (to %d)", name, stored.FID, e.After.FID)
		}
		a, err := tx.checkAfter(t, e, stored.FID)
		if err != nil {
			return Edit{}, err
		}
		a.FID = stored.FID
		if err := tx.UpdateRecord(name, stored.FID, *a); err != nil {
			return Edit{}, err
		}
		return Edit{Layer: name, Before: stored, After: a}, nil
	}
	// An insert.
	if e.After.FID < 0 {
		return Edit{}, fmt.Errorf("store: %s: fid %d is not a feature id", name, e.After.FID)
	}
	if e.After.FID != 0 {
		stored, err := tx.s.record(tx.ctx, tx.tx, t, e.After.FID)
		if err != nil {
			return Edit{}, err
		}
		if stored != nil {
			return Edit{}, &ConflictError{Layer: name, FID: e.After.FID, Stored: stored}
		}
	}
	a, err := tx.checkAfter(t, e, e.After.FID)
	if err != nil {
		return Edit{}, err
	}
	fid, err := tx.InsertRecord(name, *a)
	if err != nil {
		return Edit{}, err
	}
	if e.After.FID != 0 && fid != e.After.FID {
		if _, err := tx.tx.ExecContext(tx.ctx, fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ?", quote(name), quote(t.pk), quote(t.pk)), e.After.FID, fid); err != nil {
			return Edit{}, tx.s.wrap(err)
		}
		fid = e.After.FID
	}
	a.FID = fid
	return Edit{Layer: name, After: a}, nil
}

// recordJSON is r as a GeoJSON feature (id the fid), or NULL for nil.
func recordJSON(r *Record) (any, error) {
	if r == nil {
		return nil, nil
	}
	f := geojson.NewFeature(r.Geom)
	f.ID = r.FID
	for k, v := range r.Props {
		f.Properties[k] = v
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("store: edit history: %w", err)
	}
	return string(b), nil
}

// recordFromJSON reads a record written by recordJSON for layer.
func recordFromJSON(layer string, v sql.NullString) (*Record, error) {
	if !v.Valid {
		return nil, nil
	}
	f, err := geojson.UnmarshalFeature([]byte(v.String))
	if err != nil {
		return nil, err
	}
	r := &Record{Geom: f.Geometry, Props: map[string]any{}}
	if id, ok := f.ID.(float64); ok {
		r.FID = int64(id)
	}
	d := layers[layer]
	for k, x := range f.Properties {
		r.Props[k] = x
		if d == nil {
			continue
		}
		for _, c := range d.cols {
			if c.Name == k {
				if v, err := columnValue(c.Column, x); err == nil {
					r.Props[k] = recordValue(c.Type, v)
				}
			}
		}
	}
	if d != nil {
		r.Geom = asType(d.geomType, r.Geom)
	}
	return r, nil
}

// EditHistory returns the newest limit entries (all when limit <= 0) of the
// edit history of feature fid of layer (fid 0: every feature; layer "":
// every layer), newest first. A file without a history has none.
func (s *Store) EditHistory(ctx context.Context, layer string, fid int64, limit int) ([]HistoryEntry, error) {
	if ok, err := s.hasTable(ctx, HistoryTable); !ok {
		return nil, err
	}
	q := `SELECT id, at, who, layer, fid, op, before_geojson, after_geojson FROM ` + HistoryTable + ` WHERE 1=1`
	var args []any
	if layer != "" {
		q += ` AND layer = ?`
		args = append(args, layer)
		if fid != 0 {
			q += ` AND fid = ?`
			args = append(args, fid)
		}
	}
	q += ` ORDER BY id DESC`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var at string
		var who sql.NullString
		var b, a sql.NullString
		if err := rows.Scan(&h.ID, &at, &who, &h.Layer, &h.FID, &h.Op, &b, &a); err != nil {
			return nil, s.wrap(err)
		}
		h.Who = who.String
		h.At, _ = time.Parse(time.RFC3339Nano, at)
		if h.Before, err = recordFromJSON(h.Layer, b); err != nil {
			return nil, fmt.Errorf("store: %s: edit history entry %d: before: %w", s.path, h.ID, err)
		}
		if h.After, err = recordFromJSON(h.Layer, a); err != nil {
			return nil, fmt.Errorf("store: %s: edit history entry %d: after: %w", s.path, h.ID, err)
		}
		out = append(out, h)
	}
	return out, s.wrap(rows.Err())
}

// SaveSketch stores sk, inserting it when sk.ID is 0 (or no longer stored)
// and replacing it otherwise, and returns its ID. sk.Geom is in EPSG:4326
// and may be nil or too short for its layer yet. The write is durable on
// return: a crash afterwards does not lose it.
func (s *Store) SaveSketch(ctx context.Context, sk Sketch) (int64, error) {
	var blob any
	if sk.Geom != nil {
		if err := checkCoords(sk.Geom); err != nil {
			return 0, fmt.Errorf("store: sketch for %s: %w", sk.Layer, err)
		}
		b, err := EncodeGeometry(sk.Geom, SRSWGS84)
		if err != nil {
			return 0, fmt.Errorf("store: sketch for %s: %w", sk.Layer, err)
		}
		blob = b
	}
	props := "{}"
	if len(sk.Props) > 0 {
		b, err := json.Marshal(sk.Props)
		if err != nil {
			return 0, fmt.Errorf("store: sketch for %s: %w", sk.Layer, err)
		}
		props = string(b)
	}
	at := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	id := sk.ID
	err := s.Update(ctx, func(tx *Tx) error {
		if err := tx.ensureEditTables(); err != nil {
			return err
		}
		if id != 0 {
			res, err := tx.tx.ExecContext(tx.ctx, `UPDATE `+SketchTable+` SET geom = ?, layer = ?, props = ?, updated = ? WHERE fid = ?`, blob, sk.Layer, props, at, id)
			if err != nil {
				return s.wrap(err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return nil
			}
		}
		res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO `+SketchTable+` (fid, geom, layer, props, updated) VALUES (?, ?, ?, ?, ?)`, nullID(id), blob, sk.Layer, props, at)
		if err != nil {
			return s.wrap(err)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

// Sketches returns every stored sketch in the order they were begun.
func (s *Store) Sketches(ctx context.Context) ([]Sketch, error) {
	if ok, err := s.hasTable(ctx, SketchTable); !ok {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT fid, geom, layer, props, updated FROM `+SketchTable+` ORDER BY fid`)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []Sketch
	for rows.Next() {
		var sk Sketch
		var blob []byte
		var layer, props, at sql.NullString
		if err := rows.Scan(&sk.ID, &blob, &layer, &props, &at); err != nil {
			return nil, s.wrap(err)
		}
		sk.Layer = layer.String
		if blob != nil {
			if sk.Geom, _, err = DecodeGeometry(blob); err != nil {
				return nil, fmt.Errorf("store: %s: sketch %d: %w", s.path, sk.ID, err)
			}
		}
		if props.Valid && props.String != "" {
			if err := json.Unmarshal([]byte(props.String), &sk.Props); err != nil {
				return nil, fmt.Errorf("store: %s: sketch %d: attributes: %w", s.path, sk.ID, err)
			}
		}
		sk.Updated, _ = time.Parse(time.RFC3339Nano, at.String)
		out = append(out, sk)
	}
	return out, s.wrap(rows.Err())
}

// DeleteSketch removes sketch id; removing a missing sketch is not an error.
func (s *Store) DeleteSketch(ctx context.Context, id int64) error {
	if ok, err := s.hasTable(ctx, SketchTable); !ok {
		return err
	}
	return s.Update(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM `+SketchTable+` WHERE fid = ?`, id)
		return s.wrap(err)
	})
}

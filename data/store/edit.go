package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"
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
// not "") in a feature that is inserted or whose value of col is edited.
func Required(layer, col string) bool { return false }

// Record returns feature fid of layer as stored, wrapping ErrNotFound when
// there is none.
func (s *Store) Record(ctx context.Context, layer string, fid int64) (*Record, error) {
	return nil, errors.ErrUnsupported
}

// CodeTaken reports whether another feature of layer than except (a FID, 0
// for none) has code. An empty code is never taken; a layer without a code
// column has none.
func (s *Store) CodeTaken(ctx context.Context, layer, code string, except int64) (bool, error) {
	return false, errors.ErrUnsupported
}

// ApplyEdits applies edits in order in one write transaction and records
// each in the edit history as done by who. Each edit's Before must equal
// the stored feature, geometry and every attribute, or the call fails with
// a *ConflictError; each After is checked (column rules, required fields,
// unique codes within the layer) or the call fails with a *FieldError. On
// any error nothing is written. An insert gets a new FID, or the FID its
// After carries when that is free (redoing an undone insert, undoing a
// delete). The returned edits carry the FIDs, so the Inverse of a returned
// insert deletes that feature.
func (s *Store) ApplyEdits(ctx context.Context, who string, edits []Edit) ([]Edit, error) {
	return nil, errors.ErrUnsupported
}

// EditHistory returns the newest limit entries of the edit history of
// feature fid of layer (fid 0: every feature; layer "": every layer),
// newest first. A file without a history has none.
func (s *Store) EditHistory(ctx context.Context, layer string, fid int64, limit int) ([]HistoryEntry, error) {
	return nil, errors.ErrUnsupported
}

// SaveSketch stores sk, inserting it when sk.ID is 0 (or no longer stored)
// and replacing it otherwise, and returns its ID. The write is durable on
// return: a crash afterwards does not lose it.
func (s *Store) SaveSketch(ctx context.Context, sk Sketch) (int64, error) {
	return 0, errors.ErrUnsupported
}

// Sketches returns every stored sketch, oldest first.
func (s *Store) Sketches(ctx context.Context) ([]Sketch, error) {
	return nil, errors.ErrUnsupported
}

// DeleteSketch removes sketch id; removing a missing sketch is not an error.
func (s *Store) DeleteSketch(ctx context.Context, id int64) error {
	return errors.ErrUnsupported
}

// Watch reports, every interval until ctx ends, the layers that another
// program (QGIS, GDAL, sqlite3, another SafetyNet) changed since the last
// report; this Store's own writes are not reported. The channel is closed
// when ctx ends. A slow receiver gets the changes coalesced, never lost.
func (s *Store) Watch(ctx context.Context, interval time.Duration) <-chan []string {
	ch := make(chan []string)
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}

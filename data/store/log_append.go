package store

import (
	"context"
	"fmt"
)

// AppendLog appends rows to the event log, in order, in one transaction,
// without touching the console's picture or its last sequence number:
// the entries of a drill's director and evaluators. Every row needs a
// time and a kind; when one lacks them nothing is written. A read-only
// store returns ErrReadOnly.
func (s *Store) AppendLog(ctx context.Context, rows []LogRow) error {
	if len(rows) == 0 {
		return nil
	}
	if s.readOnly {
		return fmt.Errorf("%w: %s: the event log cannot be written; open the file for writing", ErrReadOnly, s.path)
	}
	for i, r := range rows {
		if r.Time.IsZero() || r.Kind == "" {
			return fmt.Errorf("store: event_log: row %d: time and kind are required", i)
		}
	}
	return s.Update(ctx, func(tx *Tx) error {
		if err := tx.ensureLive(); err != nil {
			return s.wrap(err)
		}
		st, err := tx.tx.PrepareContext(ctx, "INSERT INTO event_log (time, seq, kind, operator, subject, data) VALUES (?, ?, ?, ?, ?, ?)")
		if err != nil {
			return s.wrap(err)
		}
		defer st.Close()
		for i, r := range rows {
			if _, err := st.ExecContext(ctx, fmtTime(r.Time), r.Seq, r.Kind, r.Operator, r.Subject, string(r.Data)); err != nil {
				return s.wrap(fmt.Errorf("event_log: row %d: %w", i, err))
			}
		}
		_, err = tx.tx.ExecContext(ctx, `UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'event_log'`)
		return s.wrap(err)
	})
}

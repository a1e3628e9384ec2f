package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by an event log or token store used after Close.
var ErrClosed = errors.New("store: closed")

// LogEntry is one event in the hub's log: its sequence number, who
// published it, the publisher's own ID for it, when the hub received it,
// and the event as stored (opaque bytes to the log).
type LogEntry struct {
	Seq       int64
	Publisher string
	ID        string
	Received  time.Time
	Data      []byte
}

// EventLogOptions tune OpenEventLog. The zero value is usable.
type EventLogOptions struct {
	// MaxBatch is the most appends committed in one transaction
	// (default 4096).
	MaxBatch int
	// OnCommit, when set, is called by the log's writer goroutine after
	// each commit with the entries it stored (not the duplicates), in
	// sequence order, before their Append calls return. It must not block
	// for long: the next commit waits for it.
	OnCommit func([]LogEntry)
	// BusyTimeout is how long a commit waits for another program's lock
	// (default 5 s).
	BusyTimeout time.Duration
}

// EventLog is an append-only log of events with sequence numbers that only
// grow (the table's rowid: one more than the largest, and rows are never
// deleted), in an SQLite file (WAL mode). Append returns only once the event
// is durable: its transaction is committed and the WAL fsync'd
// (synchronous=FULL). Appends that arrive while a commit is in progress
// are committed together in the next one (group commit), so many
// concurrent publishers share each fsync.
//
// An EventLog is safe for concurrent use. One goroutine writes; reads run
// on their own connections.
type EventLog struct {
	path   string
	opt    EventLogOptions
	w      *sql.DB
	r      *sql.DB
	reqs   chan *appendReq
	mu     sync.RWMutex // guards closed against Append's send
	closed bool
	stop   chan struct{}
	done   chan struct{}
	last   atomic.Int64
}

type appendReq struct {
	publisher, id string
	data          []byte
	received      time.Time
	seq           int64
	dup           bool
	done          func(seq int64, dup bool, err error)
}

const eventLogSchema = `
CREATE TABLE IF NOT EXISTS hub_events (
  seq       INTEGER PRIMARY KEY,
  publisher TEXT NOT NULL,
  id        TEXT NOT NULL,
  received  INTEGER NOT NULL,
  data      BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS hub_events_publisher_id ON hub_events(publisher, id);
`

// hubDSN is the data source of the hub's SQLite file (a plain SQLite file,
// not a GeoPackage).
func hubDSN(path string, ro bool, busy time.Duration) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busy.Milliseconds()))
	if ro {
		q.Set("mode", "ro")
	} else {
		q.Set("_txlock", "immediate")
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "FULL")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// openHubDB opens the writer of the hub's file and creates schema in it.
func openHubDB(path, schema string, busy time.Duration) (*sql.DB, string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, "", fmt.Errorf("store: %s: %w", path, err)
	}
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return nil, "", fmt.Errorf("store: %s is a folder, not a database file", path)
	}
	db, err := sql.Open("sqlite3", hubDSN(abs, false, busy))
	if err != nil {
		return nil, "", fmt.Errorf("store: %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("store: %s: create tables: %w; check that it is an SQLite file and that its folder is writable", path, err)
	}
	return db, abs, nil
}

// OpenEventLog opens the event log in the SQLite file at path, creating the
// file and its table when they do not exist. The file may also hold the
// hub's tokens (OpenTokens).
func OpenEventLog(path string, opt EventLogOptions) (*EventLog, error) {
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 4096
	}
	if opt.BusyTimeout <= 0 {
		opt.BusyTimeout = 5 * time.Second
	}
	w, abs, err := openHubDB(path, eventLogSchema, opt.BusyTimeout)
	if err != nil {
		return nil, err
	}
	r, err := sql.Open("sqlite3", hubDSN(abs, true, opt.BusyTimeout))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	l := &EventLog{path: path, opt: opt, w: w, r: r, reqs: make(chan *appendReq, opt.MaxBatch),
		stop: make(chan struct{}), done: make(chan struct{})}
	var last sql.NullInt64
	if err := w.QueryRow("SELECT max(seq) FROM hub_events").Scan(&last); err != nil {
		l.w.Close()
		l.r.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	l.last.Store(last.Int64)
	go l.writer()
	return l, nil
}

// Append stores one event and returns its sequence number once it is
// durable. When the log already holds (publisher, id), nothing is stored
// and Append returns the first sequence number with dup true. Once the
// event is handed to the writer Append waits for the commit even if ctx
// ends, so that its answer is never ambiguous.
func (l *EventLog) Append(ctx context.Context, publisher, id string, data []byte) (seq int64, dup bool, err error) {
	done := make(chan struct{})
	var cerr error
	if err := l.AppendAsync(ctx, publisher, id, data, func(s int64, d bool, e error) {
		seq, dup, cerr = s, d, e
		close(done)
	}); err != nil {
		return 0, false, err
	}
	<-done
	return seq, dup, cerr
}

// AppendAsync hands one event to the log and returns at once; done is
// called once the event is durable (or failed), with what Append would
// return. Events handed over by one goroutine are stored in that order, so
// a publisher can have many in flight. done runs on the log's writer
// goroutine and must not block. When AppendAsync returns an error (closed
// log, ctx done before the writer took the event), done is never called.
func (l *EventLog) AppendAsync(ctx context.Context, publisher, id string, data []byte, done func(seq int64, dup bool, err error)) error {
	r := &appendReq{publisher: publisher, id: id, data: data, received: time.Now(), done: done}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return fmt.Errorf("%w: event log %s", ErrClosed, l.path)
	}
	select {
	case l.reqs <- r:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *EventLog) writer() {
	defer close(l.done)
	ctx := context.Background()
	conn, err := l.w.Conn(ctx)
	if err != nil {
		l.fail(err)
		return
	}
	defer conn.Close()
	ins, err := conn.PrepareContext(ctx, "INSERT INTO hub_events(publisher, id, received, data) VALUES (?, ?, ?, ?) ON CONFLICT(publisher, id) DO NOTHING")
	if err != nil {
		l.fail(err)
		return
	}
	defer ins.Close()
	find, err := conn.PrepareContext(ctx, "SELECT seq FROM hub_events WHERE publisher = ? AND id = ?")
	if err != nil {
		l.fail(err)
		return
	}
	defer find.Close()
	batch := make([]*appendReq, 0, l.opt.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case r := <-l.reqs:
			batch = append(batch, r)
		case <-l.stop:
			// Close stops new appends first; commit what is queued.
			for {
				select {
				case r := <-l.reqs:
					batch = append(batch, r)
					if len(batch) == cap(batch) {
						l.commit(ctx, conn, ins, find, batch)
						batch = batch[:0]
					}
				default:
					if len(batch) > 0 {
						l.commit(ctx, conn, ins, find, batch)
					}
					return
				}
			}
		}
	fill:
		for len(batch) < cap(batch) {
			select {
			case r := <-l.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		l.commit(ctx, conn, ins, find, batch)
	}
}

// fail answers every request with err until Close.
func (l *EventLog) fail(err error) {
	err = fmt.Errorf("store: event log %s: %w", l.path, err)
	for {
		select {
		case r := <-l.reqs:
			r.done(0, false, err)
		case <-l.stop:
			for {
				select {
				case r := <-l.reqs:
					r.done(0, false, err)
				default:
					return
				}
			}
		}
	}
}

// commit writes batch in one transaction and answers its requests.
func (l *EventLog) commit(ctx context.Context, conn *sql.Conn, ins, find *sql.Stmt, batch []*appendReq) {
	var stored []LogEntry
	err := func() error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		ti, tf := tx.Stmt(ins), tx.Stmt(find)
		for _, r := range batch {
			res, err := ti.Exec(r.publisher, r.id, r.received.UnixNano(), r.data)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				// Stored before: answer with its sequence number.
				if err := tf.QueryRow(r.publisher, r.id).Scan(&r.seq); err != nil {
					return err
				}
				r.dup = true
				continue
			}
			if r.seq, err = res.LastInsertId(); err != nil {
				return err
			}
			stored = append(stored, LogEntry{Seq: r.seq, Publisher: r.publisher, ID: r.id, Received: r.received, Data: r.data})
		}
		return tx.Commit()
	}()
	if err != nil {
		err = fmt.Errorf("store: event log %s: commit: %w", l.path, err)
		for _, r := range batch {
			r.done(0, false, err)
		}
		return
	}
	if len(stored) > 0 {
		l.last.Store(stored[len(stored)-1].Seq)
		if l.opt.OnCommit != nil {
			l.opt.OnCommit(stored)
		}
	}
	for _, r := range batch {
		r.done(r.seq, r.dup, nil)
	}
}

// Read returns up to limit entries with a sequence number after after, in
// sequence order.
func (l *EventLog) Read(ctx context.Context, after int64, limit int) ([]LogEntry, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := l.r.QueryContext(ctx, "SELECT seq, publisher, id, received, data FROM hub_events WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: event log %s: read after %d: %w", l.path, after, err)
	}
	defer rows.Close()
	out := make([]LogEntry, 0, min(limit, 1024))
	for rows.Next() {
		var e LogEntry
		var ns int64
		if err := rows.Scan(&e.Seq, &e.Publisher, &e.ID, &ns, &e.Data); err != nil {
			return nil, fmt.Errorf("store: event log %s: read after %d: %w", l.path, after, err)
		}
		e.Received = time.Unix(0, ns)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: event log %s: read after %d: %w", l.path, after, err)
	}
	return out, nil
}

// Last returns the sequence number of the newest entry, 0 when the log is
// empty.
func (l *EventLog) Last() int64 { return l.last.Load() }

// Path returns the file the log was opened from.
func (l *EventLog) Path() string { return l.path }

// Close commits the appends already queued, refuses new ones and closes
// the file.
func (l *EventLog) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	close(l.stop)
	<-l.done
	return errors.Join(l.r.Close(), l.w.Close())
}

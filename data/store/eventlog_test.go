package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openLog(t *testing.T, path string, opt EventLogOptions) *EventLog {
	t.Helper()
	l, err := OpenEventLog(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestEventLogAppendRead(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	l := openLog(t, path, EventLogOptions{})
	steps := []struct {
		publisher, id string
		seq           int64
		dup           bool
	}{
		{"cam", "e1", 1, false},
		{"cam", "e2", 2, false},
		{"cam", "e1", 1, true},   // re-sent: the first sequence number, nothing stored
		{"gate", "e1", 3, false}, // same id, another publisher
		{"gate", "e1", 3, true},
	}
	for i, s := range steps {
		seq, dup, err := l.Append(ctx, s.publisher, s.id, []byte(fmt.Sprintf(`{"n":%d}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		if seq != s.seq || dup != s.dup {
			t.Errorf("step %d: seq %d dup %v, want %d %v", i, seq, dup, s.seq, s.dup)
		}
	}
	if l.Last() != 3 {
		t.Errorf("last %d", l.Last())
	}
	reads := []struct {
		after int64
		limit int
		want  []int64
	}{{0, 10, []int64{1, 2, 3}}, {1, 10, []int64{2, 3}}, {0, 2, []int64{1, 2}}, {3, 10, nil}, {0, 0, nil}}
	for _, r := range reads {
		es, err := l.Read(ctx, r.after, r.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, e := range es {
			got = append(got, e.Seq)
		}
		if fmt.Sprint(got) != fmt.Sprint(r.want) {
			t.Errorf("read after %d limit %d: %v, want %v", r.after, r.limit, got, r.want)
		}
	}
	es, _ := l.Read(ctx, 0, 1)
	if string(es[0].Data) != `{"n":0}` || es[0].Publisher != "cam" || es[0].ID != "e1" || es[0].Received.IsZero() {
		t.Errorf("entry %+v", es[0])
	}
	// Reopened, the log goes on from where it was.
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Append(ctx, "cam", "e9", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("append after close: %v", err)
	}
	l2 := openLog(t, path, EventLogOptions{})
	if l2.Last() != 3 {
		t.Errorf("reopened last %d", l2.Last())
	}
	if seq, dup, _ := l2.Append(ctx, "cam", "e2", []byte("{}")); seq != 2 || !dup {
		t.Errorf("dedup across reopen: seq %d dup %v", seq, dup)
	}
	if seq, _, _ := l2.Append(ctx, "cam", "e3", []byte("{}")); seq != 4 {
		t.Errorf("next seq %d, want 4", seq)
	}
}

// TestEventLogDurability checks the settings that make an acknowledged
// event survive a power loss: WAL, synchronous FULL.
func TestEventLogDurability(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	openLog(t, path, EventLogOptions{})
	// The writer's connection is pinned to its goroutine: check a
	// connection opened the same way.
	db, err := sql.Open("sqlite3", hubDSN(path, false, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	var sync int
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 {
		t.Errorf("journal_mode %s synchronous %d, want wal and 2 (FULL)", mode, sync)
	}
}

// TestEventLogGroupCommit: concurrent appends share commits, every event
// gets its own sequence number, and OnCommit sees each stored event once,
// in order.
func TestEventLogGroupCommit(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var commits int
	var seen []int64
	l := openLog(t, filepath.Join(t.TempDir(), "hub.db"), EventLogOptions{OnCommit: func(es []LogEntry) {
		mu.Lock()
		commits++
		for _, e := range es {
			seen = append(seen, e.Seq)
		}
		mu.Unlock()
	}})
	const writers, each = 16, 200
	var wg sync.WaitGroup
	seqs := make([][]int64, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				seq, dup, err := l.Append(ctx, fmt.Sprintf("p%d", w), fmt.Sprint(i), []byte("{}"))
				if err != nil || dup {
					t.Errorf("append: %v dup %v", err, dup)
					return
				}
				seqs[w] = append(seqs[w], seq)
			}
		}()
	}
	wg.Wait()
	all := map[int64]bool{}
	for w, s := range seqs {
		for i, seq := range s {
			if all[seq] {
				t.Fatalf("seq %d given twice", seq)
			}
			all[seq] = true
			if i > 0 && seq <= s[i-1] {
				t.Errorf("writer %d: seq %d after %d", w, seq, s[i-1])
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != writers*each {
		t.Fatalf("OnCommit saw %d events, want %d", len(seen), writers*each)
	}
	for i, s := range seen {
		if s != int64(i+1) {
			t.Fatalf("OnCommit event %d has seq %d", i, s)
		}
	}
	if commits >= writers*each {
		t.Errorf("%d commits for %d events: no group commit", commits, writers*each)
	}
	t.Logf("%d events in %d commits", writers*each, commits)
}

// TestEventLogAsyncOrder: events handed over by one goroutine keep their
// order, and Close commits what is queued.
func TestEventLogAsyncOrder(t *testing.T) {
	ctx := context.Background()
	l := openLog(t, filepath.Join(t.TempDir(), "hub.db"), EventLogOptions{MaxBatch: 64})
	const n = 1000
	got := make([]int64, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		err := l.AppendAsync(ctx, "p", fmt.Sprint(i), []byte("{}"), func(seq int64, _ bool, err error) {
			if err != nil {
				t.Error(err)
			}
			got[i] = seq
			wg.Done()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i := range got {
		if got[i] != int64(i+1) {
			t.Fatalf("event %d got seq %d", i, got[i])
		}
	}
}

func TestEventLogOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path, want string
	}{
		{"folder", dir, "is a folder"},
		{"missing folder", filepath.Join(dir, "no", "such", "hub.db"), "hub.db"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OpenEventLog(tc.path, EventLogOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
}

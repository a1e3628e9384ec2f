package replay_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/replay"
)

var (
	bigOnce sync.Once
	bigRows []store.LogRow
)

// big is a synthetic hour of 100,000 messages with 50 units.
func big() []store.LogRow {
	bigOnce.Do(func() { bigRows = replay.Synthetic(t0, time.Hour, 100_000, 50, opt) })
	return bigRows
}

func TestSyntheticIsBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	rows := replay.Synthetic(t0, 10*time.Minute, 10_000, 50, opt)
	kinds := map[string]int{}
	for _, r := range rows {
		kinds[r.Kind]++
	}
	if kinds[replay.RowEvent] < 9000 || kinds[replay.RowAction] < 200 || kinds[replay.RowRule] == 0 {
		t.Errorf("rows by kind %v", kinds)
	}
	l, err := replay.New(rows, replay.Options{Console: opt})
	if err != nil {
		t.Fatal(err)
	}
	s := l.At(t0.Add(9 * time.Minute))
	if len(s.Units) != 50 || len(s.Alerts) < 100 {
		t.Errorf("%d units, %d alerts at 9 min", len(s.Units), len(s.Alerts))
	}
	statuses := map[console.Status]int{}
	for _, a := range s.Alerts {
		statuses[a.Status]++
	}
	if statuses[console.StatusAcknowledged]+statuses[console.StatusAssigned] == 0 || statuses[console.StatusResolved] == 0 {
		t.Errorf("statuses %v: the operators did nothing", statuses)
	}
	if len(s.Units[0].Trail) < 10 {
		t.Errorf("unit trail of %d points", len(s.Units[0].Trail))
	}
}

// TestSyntheticReplayEqualsFreshRun: seeking at random in a busy log
// gives the pictures of a replay run from the start to each instant.
func TestSyntheticReplayEqualsFreshRun(t *testing.T) {
	rows := replay.Synthetic(t0, 5*time.Minute, 5_000, 20, opt)
	l, err := replay.New(rows, replay.Options{Console: opt, Every: 300})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 12 {
		at := t0.Add(time.Duration(rng.Int64N(int64(5 * time.Minute))))
		fresh, err := replay.New(rows, replay.Options{Console: opt, Every: 1 << 30})
		if err != nil {
			t.Fatal(err)
		}
		got, want := l.At(at), fresh.At(at)
		got.Version, want.Version = 0, 0
		same(t, at.Sub(t0).Seconds(), got, want)
	}
}

func BenchmarkBuild100k(b *testing.B) {
	rows := big()
	b.ResetTimer()
	for b.Loop() {
		if _, err := replay.New(rows, replay.Options{Console: opt}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)), "rows")
}

func BenchmarkSeek100k(b *testing.B) {
	rows := big()
	l, err := replay.New(rows, replay.Options{Console: opt})
	if err != nil {
		b.Fatal(err)
	}
	from, to := l.Span()
	rng := rand.New(rand.NewPCG(1, 2))
	var times []time.Duration
	b.ResetTimer()
	for b.Loop() {
		at := from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
		s := time.Now()
		snap := l.At(at)
		times = append(times, time.Since(s))
		if len(snap.Units) == 0 {
			b.Fatal("no units")
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(l.Checkpoints()), "checkpoints")
}

// BenchmarkPlay100k: playing forward a frame at a time at 20× (0.66 s of
// log per 33 ms frame).
func BenchmarkPlay100k(b *testing.B) {
	l, err := replay.New(big(), replay.Options{Console: opt})
	if err != nil {
		b.Fatal(err)
	}
	from, to := l.Span()
	at := from
	b.ResetTimer()
	for b.Loop() {
		at = at.Add(660 * time.Millisecond)
		if at.After(to) {
			at = from
		}
		l.At(at)
	}
}

// The two ways a checkpoint could be kept: a copy of the console
// (console.Clone, what Log uses), or its saved picture restored into a
// new console (Restore, as after a restart; it loses the info events,
// the alarm counts and the chattering sources, which are not in
// TakeChanges).
func checkpointConsole(b *testing.B) (*console.Console, []store.LiveRow) {
	rows := big()
	c := console.New(opt)
	saved := map[string]store.LiveRow{}
	for _, r := range rows[:len(rows)/2] {
		if r.Kind != replay.RowEvent && r.Kind != replay.RowAction {
			continue
		}
		var m event.Message
		if err := json.Unmarshal(r.Data, &m); err != nil {
			b.Fatal(err)
		}
		c.Apply(m, r.Time)
		if r.Seq%500 == 0 {
			up, rm, _ := c.TakeChanges()
			for _, u := range up {
				saved[u.Subject] = u
			}
			for _, s := range rm {
				delete(saved, s)
			}
		}
	}
	up, rm, _ := c.TakeChanges()
	for _, u := range up {
		saved[u.Subject] = u
	}
	for _, s := range rm {
		delete(saved, s)
	}
	live := make([]store.LiveRow, 0, len(saved))
	for _, r := range saved {
		live = append(live, r)
	}
	sort.Slice(live, func(i, j int) bool { return live[i].Subject < live[j].Subject })
	return c, live
}

func BenchmarkCheckpointClone(b *testing.B) {
	c, _ := checkpointConsole(b)
	b.ResetTimer()
	for b.Loop() {
		c.Clone()
	}
}

func BenchmarkCheckpointRestore(b *testing.B) {
	c, live := checkpointConsole(b)
	last := c.LastSeq()
	b.ResetTimer()
	for b.Loop() {
		n := console.New(opt)
		if err := n.Restore(live, last); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(live)), "subjects")
}

package drill

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// syntheticLog is an hour of a busy console: 50 units reporting every
// 1.8 s, 2,000 alarms each opened, acknowledged, assigned and resolved;
// 100,000 rows in all.
func syntheticLog(tb testing.TB) []store.LogRow {
	tb.Helper()
	t := &testing.T{}
	rng := rand.New(rand.NewPCG(1, 2))
	const units, alarms = 50, 2000
	var log []store.LogRow
	seq := int64(0)
	pos := make([]orb.Point, units)
	for i := range pos {
		pos[i] = east(place, float64(rng.IntN(800)-400))
	}
	type pending struct {
		at   time.Duration
		rows func(time.Time) []store.LogRow
	}
	var todo []pending
	for i := 0; i < alarms; i++ {
		at := time.Duration(rng.Int64N(int64(55 * time.Minute)))
		subj := fmt.Sprintf("AL-%d", i)
		u := fmt.Sprintf("patrol:P%d", rng.IntN(units))
		a := alarm(subj, "fire.smoke", event.Exercise, t0.Add(at), east(place, float64(rng.IntN(600)-300)), "DR-B", fmt.Sprint(i))
		todo = append(todo,
			pending{at, func(w time.Time) []store.LogRow { seq++; return []store.LogRow{logRow(t, w, seq, a)} }},
			pending{at + 5*time.Second, func(w time.Time) []store.LogRow { return []store.LogRow{viewRow(t, w, subj, "wang")} }},
			pending{at + 20*time.Second, func(w time.Time) []store.LogRow {
				return []store.LogRow{actionRow(t, w, console.ActionAck, subj, "wang", "")}
			}},
			pending{at + 30*time.Second, func(w time.Time) []store.LogRow {
				return []store.LogRow{actionRow(t, w, console.ActionAssign, subj, "wang", u)}
			}},
			pending{at + 4*time.Minute, func(w time.Time) []store.LogRow {
				return []store.LogRow{actionRow(t, w, console.ActionResolve, subj, "wang", "")}
			}})
	}
	for k := 0; len(log)+len(todo) < 100000; k++ {
		at := time.Duration(k) * 1800 * time.Millisecond / units
		i := k % units
		pos[i] = orb.Point{pos[i][0] + (rng.Float64()-0.5)*1e-4, pos[i][1] + (rng.Float64()-0.5)*1e-4}
		p := position(fmt.Sprintf("patrol:P%d", i), fmt.Sprintf("Team %d", i), "team", t0.Add(at), pos[i])
		todo = append(todo, pending{at, func(w time.Time) []store.LogRow { seq++; return []store.LogRow{logRow(t, w, seq, p)} }})
	}
	// In time order, as a console logs.
	sortPending := func(a, b pending) int {
		switch {
		case a.at < b.at:
			return -1
		case a.at > b.at:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(todo, sortPending)
	for _, p := range todo {
		log = append(log, p.rows(t0.Add(p.at))...)
	}
	return log
}

func BenchmarkChain100k(b *testing.B) {
	log := syntheticLog(b)
	if len(log) != 100000 {
		b.Fatalf("%d rows", len(log))
	}
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		n = len(Chain(log, ChainOptions{DrillID: "DR-B"}))
	}
	b.ReportMetric(float64(n), "alarms")
}

func TestSyntheticLogChains(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 100,000 rows")
	}
	log := syntheticLog(t)
	chains := Chain(log, ChainOptions{DrillID: "DR-B"})
	if len(chains) != 2000 {
		t.Fatalf("%d chains, want 2000", len(chains))
	}
	for _, c := range chains[:50] {
		if d, ok := c.Since(StepAck); !ok || d != 20*time.Second {
			t.Errorf("%s acknowledged after %v", c.Subject, d)
		}
		if d, ok := c.Since(StepResolve); !ok || d != 4*time.Minute {
			t.Errorf("%s resolved after %v", c.Subject, d)
		}
	}
}

package rules

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// BenchmarkObserve: 10 rules over a stream of patrol positions from 8
// patrols, with a tick per second of stream time.
func BenchmarkObserve(b *testing.B) {
	rules := []Rule{
		{ID: "a-in", Kind: Enter, Zone: "KA-A"},
		{ID: "a-out", Kind: Leave, Zone: "KA-A"},
		{ID: "b-in", Kind: Enter, Zone: "KA-B"},
		{ID: "b-out", Kind: Leave, Zone: "KA-B"},
		{ID: "a-abs", Kind: Absence, Zone: "KA-A", Minutes: 5},
		{ID: "b-abs", Kind: Absence, Zone: "KA-B", Minutes: 5},
		{ID: "trk", Kind: Enter, Zone: "KA-A", Units: "track."},
		{ID: "cov", Kind: CameraCoverage},
		{ID: "cp", Kind: Checkpoint, Minutes: 10},
		{ID: "cp-1", Kind: Checkpoint, Route: "PR-1"},
	}
	const n = 10000
	events := make([]event.Event, n)
	for i := range events {
		p := i % 8
		x := 121.0015 + 0.0025*math.Sin(float64(i)/400+float64(p))
		tm := t0.Add(time.Duration(i) * 200 * time.Millisecond)
		events[i] = event.Event{ID: fmt.Sprintf("pos-%d", i), Type: "patrol.position", Time: tm,
			Subject: fmt.Sprintf("patrol:PR-%d", p+1), Title: "Team", Geometry: orb.Point{x, 31.0005},
			Expires: tm.Add(5 * time.Minute), Properties: map[string]any{"route": "PR-1"}}
	}
	b.ReportAllocs()
	b.ResetTimer()
	raised, observed := 0, 0
	start := time.Now()
	for b.Loop() {
		g, err := New(rules, testEnv(), t0)
		if err != nil {
			b.Fatal(err)
		}
		var last time.Time
		for _, e := range events {
			raised += len(g.Observe(e, e.Time))
			if e.Time.Sub(last) >= time.Second {
				raised += len(g.Tick(e.Time))
				last = e.Time
			}
		}
		observed += n
	}
	b.ReportMetric(float64(observed)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(raised)/float64(observed), "raised/event")
}

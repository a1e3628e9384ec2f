package console_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// stream returns n messages like the simulator's: patrol positions of 20
// routes and an alarm every tenth message.
func stream(n int) []event.Message {
	out := make([]event.Message, n)
	for i := range out {
		at := t0.Add(time.Duration(i) * time.Millisecond)
		p := orb.Point{121.6 + float64(i%97)*1e-5, 31.2 + float64(i%89)*1e-5}
		e := event.Event{ID: fmt.Sprint("e", i), Type: "patrol.position", Subject: fmt.Sprint("patrol:R", i%20), Time: at,
			Stale: at.Add(time.Minute), Expires: at.Add(5 * time.Minute), Geometry: p, Severity: event.Minor, Status: event.Actual}
		if i%10 == 0 {
			e.Type, e.Subject, e.Severity, e.Stale, e.Expires = "intrusion.perimeter", "", event.Severe, time.Time{}, at.Add(30*time.Minute)
		}
		out[i] = event.Message{Seq: int64(i + 1), Event: e, State: event.Fresh}
	}
	return out
}

// TestConcurrentUse applies messages on one goroutine while another takes
// snapshots and changes, as the app does (run with -race).
func TestConcurrentUse(t *testing.T) {
	c := console.New(console.Options{Centre: orb.Point{121.6, 31.2}})
	msgs := stream(2000)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, m := range msgs {
			c.Apply(m, m.Event.Time)
		}
	}()
	for i := 0; i < 200; i++ {
		s := c.Snapshot(t0)
		s.Queue(console.Filter{}, t0)
		c.TakeChanges()
		c.Tick(t0)
	}
	wg.Wait()
	s := c.Snapshot(t0.Add(2 * time.Second))
	if s.LastSeq != 2000 || len(s.Units) != 18 || len(s.Alerts) != 200 { // routes 0 and 10 fall on alarms
		t.Errorf("last seq %d, %d units, %d alerts; want 2000, 18, 200", s.LastSeq, len(s.Units), len(s.Alerts))
	}
}

func BenchmarkApply(b *testing.B) {
	msgs := stream(100_000)
	c := console.New(console.Options{Centre: orb.Point{121.6, 31.2}})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := msgs[i%len(msgs)]
		m.Seq = int64(i + 1)
		c.Apply(m, m.Event.Time)
		if i%1000 == 999 {
			c.TakeChanges()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkSnapshot(b *testing.B) {
	c := console.New(console.Options{Centre: orb.Point{121.6, 31.2}})
	for _, m := range stream(20_000) { // 2,000 alerts, 18 units
		c.Apply(m, t0)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := c.Snapshot(t0)
		s.Queue(console.Filter{}, t0)
	}
}

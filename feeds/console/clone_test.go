package console_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// TestClone: a copy taken midway and the original, given the same rest
// of the stream and the same ticks, show the same pictures; changing
// the copy leaves the original as it was.
func TestClone(t *testing.T) {
	msgs := stream(4000)
	a := console.New(console.Options{Centre: orb.Point{121.6, 31.2}, ChatterCount: 3})
	for _, m := range msgs[:2000] {
		a.Apply(m, m.Event.Time)
	}
	at := msgs[1999].Event.Time
	a.Tick(at)
	b := a.Clone()
	js := func(s console.Snapshot) string { x, _ := json.Marshal(s); return string(x) }
	if js(a.Snapshot(at)) != js(b.Snapshot(at)) {
		t.Fatal("the copy differs from the original at once")
	}
	if _, _, log := b.TakeChanges(); len(log) != 0 {
		t.Errorf("the copy has %d pending log entries, want none", len(log))
	}
	before := js(a.Snapshot(at))
	ack, err := console.NewAction(console.ActionAck, a.Snapshot(at).Alerts[0].Subject, "li", "", "", at)
	if err != nil {
		t.Fatal(err)
	}
	b.Apply(event.Message{Event: ack}, at)
	if js(a.Snapshot(at)) != before {
		t.Error("acknowledging on the copy changed the original")
	}
	a.Apply(event.Message{Event: ack}, at)
	for i, m := range msgs[2000:] {
		a.Apply(m, m.Event.Time)
		b.Apply(m, m.Event.Time)
		if i%500 == 0 {
			a.Tick(m.Event.Time.Add(time.Second))
			b.Tick(m.Event.Time.Add(time.Second))
		}
	}
	end := msgs[len(msgs)-1].Event.Time.Add(2 * time.Minute)
	a.Tick(end)
	b.Tick(end)
	if x, y := js(a.Snapshot(end)), js(b.Snapshot(end)); x != y {
		t.Errorf("after the same stream:\n original %.300s\n copy     %.300s", x, y)
	}
}

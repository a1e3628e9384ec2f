package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func message(t *testing.T, seq int64, e event.Event) event.Message {
	t.Helper()
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	return event.Message{Seq: seq, Publisher: "sim", Received: e.Time, State: event.Fresh, Event: e}
}

func TestRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.gpkg")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a := console.New(console.Options{Centre: orb.Point{121.6, 31.2}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Record(ctx, s, 10*time.Millisecond) }()

	now := t0
	msgs := []event.Event{
		{ID: "s1", Type: "fire.smoke", Severity: event.Severe, Time: now, Expires: now.Add(time.Hour), Geometry: orb.Point{121.601, 31.2}},
		{ID: "i1", Type: "intrusion.perimeter", Severity: event.Severe, Time: now, Expires: now.Add(time.Hour), Geometry: orb.Point{121.602, 31.2}},
		{ID: "f1", Type: "access.forced_door", Severity: event.Severe, Time: now, Expires: now.Add(time.Hour)}, // no position
		{ID: "p1", Type: "patrol.position", Subject: "patrol:R1", Time: now, Stale: now.Add(time.Minute), Expires: now.Add(5 * time.Minute), Geometry: orb.Point{121.6, 31.2}},
		{ID: "p2", Type: "patrol.position", Subject: "patrol:R1", Time: now.Add(10 * time.Second), Stale: now.Add(70 * time.Second), Expires: now.Add(5 * time.Minute), Geometry: orb.Point{121.6005, 31.2}},
	}
	for i, e := range msgs {
		a.Apply(message(t, int64(i+1), e), now)
	}
	for _, x := range []struct{ kind, subj, unit, note string }{
		{console.ActionAck, "s1", "", ""},
		{console.ActionAssign, "s1", "patrol:R1", ""},
		{console.ActionResolve, "i1", "", ""},
		{console.ActionNote, "f1", "", "gate 3"},
	} {
		e, err := console.NewAction(x.kind, x.subj, "li", x.unit, x.note, now.Add(20*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		a.Apply(event.Message{Event: e}, now.Add(20*time.Second))
	}
	// The echo of one action, with the hub's sequence number.
	first := a.Snapshot(now)
	var ackID string
	for _, al := range first.Alerts {
		if al.Subject == "s1" {
			ackID = al.Actions[0].EventID
		}
	}
	ack, _ := console.NewAction(console.ActionAck, "s1", "li", "", "", now.Add(20*time.Second))
	ack.ID = ackID
	a.Apply(message(t, 6, ack), now.Add(21*time.Second))
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := a.Snapshot(now.Add(30 * time.Second))
	s.Close()

	s, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, last, err := s.LoadLive(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if last != 6 || len(rows) != 4 {
		t.Fatalf("saved %d rows, last seq %d; want 4, 6", len(rows), last)
	}
	b := console.New(console.Options{Centre: orb.Point{121.6, 31.2}})
	if err := b.Restore(rows, last); err != nil {
		t.Fatal(err)
	}
	got := b.Snapshot(now.Add(30 * time.Second))
	if got.LastSeq != 6 {
		t.Errorf("last seq %d", got.LastSeq)
	}
	js := func(v any) string { x, _ := json.Marshal(v); return string(x) }
	if len(got.Alerts) != len(want.Alerts) {
		t.Fatalf("%d alerts, want %d", len(got.Alerts), len(want.Alerts))
	}
	for i := range want.Alerts {
		g, w := got.Alerts[i], want.Alerts[i]
		if g.Subject != w.Subject || g.Status != w.Status || g.AssignedTo != w.AssignedTo || g.Warning != w.Warning ||
			js(g.Actions) != js(w.Actions) || js(g.Event) != js(w.Event) || !g.Received.Equal(w.Received) {
			t.Errorf("alert %s:\n got %s\nwant %s", w.Subject, js(g), js(w))
		}
	}
	// Hand-checked: s1 assigned to the patrol with ack and assign, i1
	// resolved, f1 new with a note and no position.
	open := got.Queue(console.Filter{}, now.Add(30*time.Second))
	var sum []string
	for _, al := range open {
		sum = append(sum, al.Subject+":"+string(al.Status)+":"+al.AssignedTo)
	}
	if !slices.Equal(sum, []string{"f1:new:", "s1:assigned:patrol:R1"}) {
		t.Errorf("open queue %v", sum)
	}
	if len(got.Units) != 1 || got.Units[0].Subject != "patrol:R1" || len(got.Units[0].Trail) != 2 || got.Units[0].Event.ID != "p2" {
		t.Errorf("units %s", js(got.Units))
	}
	// The log holds every message applied and the actions, in order.
	log, err := s.ConsoleLog(context.Background(), time.Time{}, time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range log {
		kinds = append(kinds, r.Kind)
	}
	if !slices.Equal(kinds, []string{"event", "event", "event", "event", "event", "action", "action", "action", "action", "action"}) {
		t.Errorf("log kinds %v", kinds)
	}
	// Messages up to the saved sequence number are not applied again.
	if b.Apply(message(t, 5, msgs[4]), now) {
		t.Error("an already saved message was applied again")
	}
}

// TestRestartKeepsAlarmManagement: folded counts, escalations, the
// cleared mark, the shelf, chattering and the alarm rate survive a
// restart (Record, then Load into a new console), and the restored
// console goes on folding, cancelling by a folded event and bringing the
// shelf back.
func TestRestartKeepsAlarmManagement(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.gpkg")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a := console.New(console.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Record(ctx, s, 10*time.Millisecond) }()

	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	al := func(id, typ, src string, sev event.Severity, at time.Time) event.Event {
		return event.Event{ID: id, Type: typ, Severity: sev, Time: at, Source: src, Geometry: orb.Point{121.601, 31.2}, Title: id}
	}
	seq := int64(0)
	apply := func(e event.Event) {
		seq++
		a.Apply(message(t, seq, e), e.Time)
	}
	act := func(e event.Event, err error) {
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Check(e); err != nil {
			t.Fatal(err)
		}
		a.Apply(event.Message{Event: e}, e.Time)
	}
	apply(al("x1", "fire.smoke", "sensor:SD-1", event.Severe, sec(0)))
	act(console.NewAction(console.ActionAck, "x1", "li", "", "", sec(5)))
	apply(al("x2", "fire.smoke", "sensor:SD-1", event.Severe, sec(20)))
	apply(al("x3", "fire.smoke", "sensor:SD-1", event.Severe, sec(40)))
	apply(al("g1", "access.forced_door", "gate:N", event.Severe, sec(50)))
	apply(al("g-ok", "access.normal", "gate:N", event.UnknownSeverity, sec(55)))
	apply(al("e1", "equipment.fault", "equipment:EX-1", event.Minor, sec(60)))
	act(console.NewShelve("e1", "li", "extinguisher at the service shop", 2*time.Hour, sec(61)))
	apply(al("h1", "fire.heat", "sensor:HD-1", event.Moderate, sec(70)))
	act(console.NewAction(console.ActionAck, "h1", "li", "", "", sec(71)))
	apply(al("h2", "fire.heat", "sensor:HD-1", event.Severe, sec(80)))
	for i := range 9 {
		apply(al(fmt.Sprint("c", i), "intrusion.zone", fmt.Sprint("camera:", i), event.Minor, sec(90+i)))
	}
	now := sec(100)
	want := a.Snapshot(now)
	if !want.Rate.Flood || want.Rate.Recent != 14 || want.Rate.Chattering != 1 || want.Rate.Shelved != 1 {
		t.Fatalf("before the restart: %+v", want.Rate)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := console.New(console.Options{})
	if err := b.Load(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	got := b.Snapshot(now)
	js := func(v any) string { x, _ := json.Marshal(v); return string(x) }
	if len(got.Alerts) != len(want.Alerts) {
		t.Fatalf("%d alerts, want %d", len(got.Alerts), len(want.Alerts))
	}
	for i := range want.Alerts {
		if g, w := js(got.Alerts[i]), js(want.Alerts[i]); g != w {
			t.Errorf("alert %s:\n got %s\nwant %s", want.Alerts[i].Subject, g, w)
		}
	}
	if got.Rate != want.Rate {
		t.Errorf("rate after the restart %+v, want %+v", got.Rate, want.Rate)
	}
	// Hand-checked.
	x1, _ := b.Alert("x1")
	g1, _ := b.Alert("g1")
	e1, _ := b.Alert("e1")
	h1, _ := b.Alert("h1")
	if x1.Count != 3 || x1.SinceAck != 2 || !x1.Chattering || x1.Status != console.StatusAcknowledged ||
		g1.Cleared.IsZero() || e1.ShelveReason == "" || !e1.ShelvedUntil.Equal(sec(61).Add(2*time.Hour)) ||
		h1.Severity != event.Severe || h1.Status != console.StatusNew {
		t.Errorf("restored: x1 %d/%d/%v/%s, g1 cleared %v, e1 shelf %q until %v, h1 %s %s", x1.Count, x1.SinceAck, x1.Chattering, x1.Status,
			g1.Cleared, e1.ShelveReason, e1.ShelvedUntil, h1.Severity, h1.Status)
	}
	// It goes on: a repeat folds, the source still chatters, a cancel
	// naming a folded event removes the alert, the shelf comes back.
	b.Apply(message(t, 100, al("x4", "fire.smoke", "sensor:SD-1", event.Severe, sec(110))), sec(110))
	if x1, _ = b.Alert("x1"); x1.Count != 4 || !x1.Chattering {
		t.Errorf("after the restart a repeat: count %d, chattering %v", x1.Count, x1.Chattering)
	}
	b.Apply(message(t, 101, event.Event{ID: "x-cancel", Type: "fire.smoke", Op: event.Cancel, References: []string{"x2"}, Time: sec(120)}), sec(120))
	if _, ok := b.Alert("x1"); ok {
		t.Error("a cancel naming a folded event left the alert")
	}
	back := sec(61).Add(2 * time.Hour)
	b.Tick(back)
	if e1, _ = b.Alert("e1"); !e1.ShelvedUntil.IsZero() {
		t.Error("the shelf did not return after the restart")
	}
}

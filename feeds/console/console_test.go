package console

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// centre of the community; 0.001° of latitude is about 111 m.
var centre = orb.Point{121.6, 31.2}

func msg(seq int64, e event.Event) event.Message {
	if e.Time.IsZero() {
		e.Time = t0
	}
	if err := e.Validate(); err != nil {
		panic(err)
	}
	return event.Message{Seq: seq, Publisher: "sim", Received: e.Time, State: event.Fresh, Event: e}
}

func smoke(id string, at time.Time) event.Event {
	return event.Event{ID: id, Type: "fire.smoke", Severity: event.Severe, Time: at, Geometry: orb.Point{121.601, 31.2},
		Expires: at.Add(30 * time.Minute), Title: "Smoke"}
}

func action(t *testing.T, kind, subj, op, unit, note string, at time.Time) event.Message {
	t.Helper()
	e, err := NewAction(kind, subj, op, unit, note, at)
	if err != nil {
		t.Fatal(err)
	}
	return event.Message{Event: e}
}

func TestActionsChangeWorkflow(t *testing.T) {
	c := New(Options{Centre: centre})
	c.Apply(msg(1, smoke("a1", t0)), t0)
	ack := action(t, ActionAck, "a1", "li", "", "", t0.Add(time.Second))
	if !c.Apply(ack, t0.Add(time.Second)) {
		t.Fatal("ack changed nothing")
	}
	a, _ := c.Alert("a1")
	if a.Status != StatusAcknowledged || len(a.Actions) != 1 || a.Actions[0].Operator != "li" {
		t.Fatalf("after ack: %+v", a)
	}
	// The hub's echo of the same action: nothing changes.
	echo := ack
	echo.Seq = 2
	v := c.Version()
	if c.Apply(echo, t0.Add(2*time.Second)) || c.Version() != v {
		t.Error("the echo of an applied action changed the picture")
	}
	if a, _ = c.Alert("a1"); len(a.Actions) != 1 {
		t.Errorf("echo added an action: %d", len(a.Actions))
	}
	c.Apply(action(t, ActionAssign, "a1", "li", "patrol:R1", "", t0.Add(3*time.Second)), t0.Add(3*time.Second))
	a, _ = c.Alert("a1")
	if a.Status != StatusAssigned || a.AssignedTo != "patrol:R1" {
		t.Errorf("after assign: %s %q", a.Status, a.AssignedTo)
	}
	// ack after assign is refused (the alert is already being handled);
	// a note is always taken.
	if c.Apply(action(t, ActionAck, "a1", "wang", "", "", t0.Add(4*time.Second)), t0.Add(4*time.Second)) {
		t.Error("an ack of an assigned alert changed it")
	}
	c.Apply(action(t, ActionNote, "a1", "wang", "", "extinguisher taken", t0.Add(5*time.Second)), t0.Add(5*time.Second))
	a, _ = c.Alert("a1")
	if a.Status != StatusAssigned || len(a.Actions) != 3 || a.Actions[2].Note != "extinguisher taken" {
		t.Errorf("after ack and note: %s, %d actions", a.Status, len(a.Actions))
	}
	c.Apply(action(t, ActionResolve, "a1", "li", "", "", t0.Add(6*time.Second)), t0.Add(6*time.Second))
	if a, _ = c.Alert("a1"); a.Status != StatusResolved {
		t.Errorf("after resolve: %s", a.Status)
	}
	// An action on a subject the console does not hold: ignored.
	if c.Apply(action(t, ActionAck, "nobody", "li", "", "", t0), t0.Add(7*time.Second)) {
		t.Error("an action on an unknown subject changed the picture")
	}
	if _, ok := c.Alert("nobody"); ok {
		t.Error("an action made an alert")
	}
}

// TestEchoNamesWhoActed: the hub stamps an action with the name of the
// token that published it; its echo puts that name on the action applied
// locally under the operator's own name, and the event log says who acted.
func TestEchoNamesWhoActed(t *testing.T) {
	c := New(Options{Centre: centre})
	c.Apply(msg(1, smoke("a1", t0)), t0)
	local := action(t, ActionResolve, "a1", "Wang", "", "", t0.Add(time.Second))
	c.Apply(local, t0.Add(time.Second))
	c.TakeChanges()
	echo := local
	echo.Seq = 2
	echo.Event.Properties = map[string]any{"action": ActionResolve, "operator": "console-1", "operator_claimed": "Wang"}
	if !c.Apply(echo, t0.Add(2*time.Second)) {
		t.Error("the hub's echo naming another operator changed nothing")
	}
	a, _ := c.Alert("a1")
	if a.Status != StatusResolved || len(a.Actions) != 1 || a.Actions[0].Operator != "console-1" {
		t.Errorf("after the echo: %s, actions %+v, want one resolve by console-1", a.Status, a.Actions)
	}
	up, _, log := c.TakeChanges()
	if len(log) != 1 || log[0].Seq != 2 || log[0].Operator != "console-1" {
		t.Errorf("logged %d rows, want the echo by console-1", len(log))
	} else if len(up) != 1 {
		t.Errorf("saved %d alerts, want the one whose action now names console-1", len(up))
	}
	if c.Apply(echo, t0.Add(3*time.Second)) {
		t.Error("the same echo twice changed the picture")
	}
}

func TestNewAction(t *testing.T) {
	e, err := NewAction(ActionAssign, "camera:CAM-1", "li", "patrol:R2", "", t0)
	if err != nil {
		t.Fatal(err)
	}
	if e.Type != "operator.assign" || e.Op != event.Ack || len(e.References) != 1 || e.References[0] != "camera:CAM-1" ||
		e.Properties["unit"] != "patrol:R2" || e.Properties["operator"] != "li" || e.Properties["action"] != "assign" || !strings.HasPrefix(e.ID, "op-") {
		t.Errorf("%+v", e)
	}
	e2, _ := NewAction(ActionAssign, "camera:CAM-1", "li", "patrol:R2", "", t0)
	if e2.ID == e.ID {
		t.Error("two actions share an ID")
	}
	for _, c := range []struct{ name, kind, subj, op, unit, note string }{
		{"unknown kind", "close", "a", "li", "", ""},
		{"shelve without reason", ActionShelve, "a", "li", "", " "},
		{"clear is the console's own", ActionClear, "a", "li", "", ""},
		{"no subject", ActionAck, "", "li", "", ""},
		{"no operator", ActionAck, "a", " ", "", ""},
		{"assign without unit", ActionAssign, "a", "li", "", ""},
		{"empty note", ActionNote, "a", "li", "", ""},
		{"control character", ActionAck, "a\n", "li", "", ""},
	} {
		if _, err := NewAction(c.kind, c.subj, c.op, c.unit, c.note, t0); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestReportsReplaceAndReopen(t *testing.T) {
	c := New(Options{})
	off := func(id string, at time.Time) event.Event {
		return event.Event{ID: id, Type: "camera.offline", Severity: event.Moderate, Subject: "camera:C1", Time: at, Geometry: orb.Point{121.6, 31.2}}
	}
	c.Apply(msg(1, off("e1", t0)), t0)
	c.Apply(action(t, ActionAck, "camera:C1", "li", "", "", t0), t0)
	// Newer report: event replaced, workflow kept, Received kept.
	if !c.Apply(msg(2, off("e2", t0.Add(time.Minute))), t0.Add(time.Minute)) {
		t.Fatal("newer report ignored")
	}
	a, _ := c.Alert("camera:C1")
	if a.Event.ID != "e2" || a.Status != StatusAcknowledged || len(a.Actions) != 1 || !a.Received.Equal(t0) || a.Seq != 2 {
		t.Errorf("after newer report: %s %s %d actions, received %v, seq %d", a.Event.ID, a.Status, len(a.Actions), a.Received, a.Seq)
	}
	// Older report: ignored.
	if c.Apply(msg(3, off("e0", t0.Add(-time.Minute))), t0.Add(2*time.Minute)) {
		t.Error("older report applied")
	}
	// Camera back online: resolved by system.
	on := event.Event{ID: "e4", Type: "camera.online", Subject: "camera:C1", Time: t0.Add(3 * time.Minute), Title: "back",
		Expires: t0.Add(13 * time.Minute), Geometry: orb.Point{121.6, 31.2}}
	c.Apply(msg(4, on), t0.Add(3*time.Minute))
	a, _ = c.Alert("camera:C1")
	if a.Status != StatusResolved || a.Actions[len(a.Actions)-1].Operator != "system" || a.Event.ID != "e2" {
		t.Errorf("after camera.online: %s by %q, event %s", a.Status, a.Actions[len(a.Actions)-1].Operator, a.Event.ID)
	}
	s := c.Snapshot(t0.Add(3 * time.Minute))
	if len(s.Info) != 1 || s.Info[0].Event.ID != "e4" || len(s.Queue(Filter{}, t0)) != 0 {
		t.Errorf("info %d, queue %d", len(s.Info), len(s.Queue(Filter{}, t0)))
	}
	// Offline again: reopened as new, Received anew, earlier actions kept
	// (the ack, and the system's clear and resolve).
	at := t0.Add(4 * time.Minute)
	c.Apply(msg(5, off("e5", at)), at)
	a, _ = c.Alert("camera:C1")
	if a.Status != StatusNew || a.AssignedTo != "" || !a.Received.Equal(at) || len(a.Actions) != 3 || a.Count != 1 || !a.Cleared.IsZero() {
		t.Errorf("reopened: %s, received %v, %d actions", a.Status, a.Received, len(a.Actions))
	}
	// CAP-style Cancel by reference to the event ID removes it.
	cancel := event.Event{ID: "x", Type: "alert", Op: event.Cancel, References: []string{"e5"}, Time: at.Add(time.Second)}
	if !c.Apply(msg(6, cancel), at.Add(time.Second)) {
		t.Fatal("cancel changed nothing")
	}
	if _, ok := c.Alert("camera:C1"); ok {
		t.Error("cancelled alert still there")
	}
	if got := c.Snapshot(at).LastSeq; got != 6 {
		t.Errorf("last seq %d", got)
	}
	// A message with a sequence number already applied is skipped.
	if c.Apply(msg(6, off("e7", at.Add(time.Hour))), at.Add(time.Hour)) {
		t.Error("a repeated sequence number was applied")
	}
}

func pos(id, subj string, at time.Time, p orb.Point) event.Event {
	return event.Event{ID: id, Type: "patrol.position", Subject: subj, Time: at, Stale: at.Add(time.Minute),
		Expires: at.Add(time.Hour), Geometry: p}
}

func TestUnitsTrailStaleRemove(t *testing.T) {
	c := New(Options{TrailLen: 3, RemoveAfter: 5 * time.Minute})
	step := func(i int) orb.Point { return orb.Point{121.6 + float64(i)*0.001, 31.2} }
	for i := range 5 {
		at := t0.Add(time.Duration(i) * 10 * time.Second)
		c.Apply(msg(int64(i+1), pos(string(rune('a'+i)), "patrol:R1", at, step(i))), at)
	}
	s := c.Snapshot(t0.Add(41 * time.Second))
	if len(s.Units) != 1 {
		t.Fatalf("%d units", len(s.Units))
	}
	u := s.Units[0]
	want := []orb.Point{step(2), step(3), step(4)}
	if len(u.Trail) != 3 || u.Trail[0] != want[0] || u.Trail[2] != want[2] || u.Stale || !u.LastSeen.Equal(t0.Add(40*time.Second)) {
		t.Errorf("unit %+v", u)
	}
	// Last report at t0+40s: stale at t0+100s, removed at t0+400s.
	if !c.Tick(t0.Add(100 * time.Second)) {
		t.Error("turning stale is no change")
	}
	if s = c.Snapshot(t0.Add(100 * time.Second)); !s.Units[0].Stale {
		t.Error("not stale")
	}
	if c.Tick(t0.Add(399 * time.Second)) {
		t.Error("change before removal")
	}
	if !c.Tick(t0.Add(400*time.Second)) || len(c.Snapshot(t0.Add(400*time.Second)).Units) != 0 {
		t.Fatal("unit not removed at stale + RemoveAfter")
	}
	now := t0.Add(401 * time.Second)
	// Not resurrected by a late report of the same time or older...
	if c.Apply(msg(10, pos("late", "patrol:R1", t0.Add(40*time.Second), orb.Point{121.6, 31.2})), now) {
		t.Error("resurrected by an event not after the removed one")
	}
	// ...nor by a newer one already past its own removal time...
	old := pos("dead", "patrol:R1", t0.Add(50*time.Second), orb.Point{121.6, 31.2})
	if c.Apply(msg(11, old), t0.Add(50*time.Second+6*time.Minute)) {
		t.Error("resurrected by an event past stale + RemoveAfter")
	}
	// ...but a fresh one brings the patrol back, with a new trail.
	if !c.Apply(msg(12, pos("new", "patrol:R1", now, orb.Point{121.61, 31.2})), now) {
		t.Error("fresh report refused")
	}
	if u := c.Snapshot(now).Units; len(u) != 1 || len(u[0].Trail) != 1 {
		t.Errorf("back: %+v", u)
	}
	// Drop-track (CoT stale before start: Op Cancel) removes it at once.
	drop := event.Event{ID: "drop", Type: "track.friendly", Subject: "patrol:R1", Op: event.Cancel, Time: now.Add(time.Second)}
	if !c.Apply(msg(13, drop), now.Add(time.Second)) || len(c.Snapshot(now).Units) != 0 {
		t.Error("drop-track did not remove the unit")
	}
}

func TestWarnings(t *testing.T) {
	c := New(Options{Centre: centre, MaxDistance: 20000})
	bow := orb.Polygon{{{121.6, 31.2}, {121.61, 31.21}, {121.61, 31.2}, {121.6, 31.21}, {121.6, 31.2}}}
	flat := orb.Polygon{{{121.6, 31.2}, {121.61, 31.2}, {121.62, 31.2}, {121.6, 31.2}}}
	good := orb.Polygon{{{121.6, 31.2}, {121.61, 31.2}, {121.61, 31.21}, {121.6, 31.21}, {121.6, 31.2}}}
	far := orb.Point{121.6, 31.2 + 0.110567} // 0.110567° of latitude on orb's sphere (R 6378137 m): 12.31 km
	cases := []struct {
		name string
		geom orb.Geometry
		want string
	}{
		{"no position", nil, "no position"},
		{"bow tie", bow, "broken polygon: the ring crosses itself (edges 1 and 3)"},
		{"zero area, folded back on itself", flat, "broken polygon: the ring crosses itself (edges 1 and 3)"},
		{"far point", far, "12.3 km from the community (limit 20 km)"},
		{"good polygon", good, ""},
		{"near point", orb.Point{121.61, 31.21}, ""},
		{"huge area around the centre", orb.Polygon{{{121, 31}, {122, 31}, {122, 32}, {121, 32}, {121, 31}}}, ""},
	}
	c.opt.MaxDistance = 10000 // so that 12.3 km is too far
	cases[3].want = "12.3 km from the community (limit 10 km)"
	for i, tc := range cases {
		e := event.Event{ID: tc.name, Type: "intrusion.zone", Time: t0, Geometry: tc.geom}
		if !c.Apply(msg(int64(i+1), e), t0) {
			t.Fatalf("%s: not applied", tc.name)
		}
		a, _ := c.Alert(tc.name)
		if !strings.HasPrefix(a.Warning, tc.want) || (tc.want == "" && a.Warning != "") {
			t.Errorf("%s: warning %q, want %q", tc.name, a.Warning, tc.want)
		}
	}
	// Kept in the queue.
	if n := len(c.Snapshot(t0).Queue(Filter{}, t0)); n != len(cases) {
		t.Errorf("queue has %d, want %d", n, len(cases))
	}
}

func TestQueueOrderAndFilter(t *testing.T) {
	c := New(Options{})
	evs := []event.Event{
		{ID: "minor-new", Type: "equipment.fault", Severity: event.Minor, Time: t0.Add(5 * time.Minute)},
		{ID: "severe-old", Type: "fire.smoke", Severity: event.Severe, Time: t0},
		{ID: "severe-new", Type: "intrusion.perimeter", Severity: event.Severe, Time: t0.Add(2 * time.Minute)},
		{ID: "b-extreme", Type: "fire.alarm", Severity: event.Extreme, Time: t0.Add(time.Minute)},
		{ID: "a-extreme", Type: "fire.alarm", Severity: event.Extreme, Time: t0.Add(time.Minute), Status: event.Exercise},
		{ID: "checkpoint", Type: "patrol.checkpoint", Time: t0.Add(6 * time.Minute)},
	}
	for i, e := range evs {
		c.Apply(msg(int64(i+1), e), t0.Add(6*time.Minute))
	}
	now := t0.Add(6 * time.Minute)
	c.Apply(action(t, ActionResolve, "severe-old", "li", "", "", now), now)
	s := c.Snapshot(now)
	ids := func(as []Alert) string {
		var out []string
		for _, a := range as {
			out = append(out, a.Subject)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want string
	}{
		{"open", Filter{}, "a-extreme b-extreme severe-new minor-new"},
		{"resolved", Filter{Statuses: []Status{StatusResolved}}, "severe-old"},
		{"fire", Filter{Families: []string{"fire"}, Statuses: []Status{StatusNew, StatusResolved}}, "a-extreme b-extreme severe-old"},
		{"last 4 min", Filter{Within: 4 * time.Minute}, "severe-new minor-new"},
		{"no drills", Filter{HideDrills: true}, "b-extreme severe-new minor-new"},
	} {
		if got := ids(s.Queue(tc.f, now)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestTickExpiresAndPrunes(t *testing.T) {
	c := New(Options{InfoFor: time.Minute})
	c.Apply(msg(1, smoke("s1", t0)), t0)                // expires t0+30m
	c.Apply(msg(2, smoke("s2", t0.Add(time.Hour))), t0) // expires t0+90m
	c.Apply(msg(3, event.Event{ID: "cp", Type: "patrol.checkpoint", Time: t0, Expires: t0.Add(time.Hour)}), t0)
	c.Apply(action(t, ActionResolve, "s2", "li", "", "", t0), t0)
	if len(c.Snapshot(t0).Info) != 1 {
		t.Fatal("no info")
	}
	c.Tick(t0.Add(time.Minute))
	if len(c.Snapshot(t0).Info) != 0 {
		t.Error("info kept past InfoFor")
	}
	c.Tick(t0.Add(30 * time.Minute))
	if _, ok := c.Alert("s1"); ok {
		t.Error("expired alert kept")
	}
	if _, ok := c.Alert("s2"); !ok {
		t.Error("resolved alert gone before its day")
	}
	c2 := New(Options{})
	long := smoke("s3", t0)
	long.Expires = time.Time{}
	c2.Apply(msg(1, long), t0)
	c2.Apply(action(t, ActionResolve, "s3", "li", "", "", t0), t0.Add(time.Minute))
	c2.Tick(t0.Add(24*time.Hour + 59*time.Second))
	if _, ok := c2.Alert("s3"); !ok {
		t.Error("resolved alert gone early")
	}
	c2.Tick(t0.Add(24*time.Hour + time.Minute))
	if _, ok := c2.Alert("s3"); ok {
		t.Error("resolved alert kept past a day")
	}
}

func TestKindOf(t *testing.T) {
	for typ, want := range map[string]Kind{
		"patrol.position": KindUnit, "track.hostile": KindUnit, "patrol.checkpoint": KindInfo, "camera.online": KindInfo,
		"chat.message": KindInfo, "operator.note": KindInfo, "marker.point": KindInfo, "route": KindInfo, "drawing.shape": KindInfo,
		"camera.offline": KindAlert, "fire.smoke": KindAlert, "alarm.emergency": KindAlert, "patrol.missed_checkpoint": KindAlert,
	} {
		if got := KindOf(&event.Event{Type: typ}); got != want {
			t.Errorf("%s: %s, want %s", typ, got, want)
		}
	}
}

func TestBrokenRing(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    orb.Ring
		bad  bool
	}{
		{"square", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, false},
		{"triangle", orb.Ring{{0, 0}, {1, 0}, {0, 1}, {0, 0}}, false},
		{"bow tie", orb.Ring{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}, true},
		{"too short", orb.Ring{{0, 0}, {1, 0}, {0, 0}}, true},
		{"touching itself", orb.Ring{{0, 0}, {2, 0}, {2, 2}, {1, 0}, {0, 2}, {0, 0}}, true},
		{"spike", orb.Ring{{0, 0}, {2, 0}, {2, 2}, {2, 3}, {2, 2}, {0, 2}, {0, 0}}, true},
		{"concave", orb.Ring{{0, 0}, {2, 0}, {2, 2}, {1, 1}, {0, 2}, {0, 0}}, false},
	} {
		if got := brokenRing(tc.r) != ""; got != tc.bad {
			t.Errorf("%s: broken %v (%q), want %v", tc.name, got, brokenRing(tc.r), tc.bad)
		}
	}
}

func TestTakeChanges(t *testing.T) {
	c := New(Options{})
	c.Apply(msg(1, smoke("s1", t0)), t0)
	c.Apply(msg(2, pos("p1", "patrol:R1", t0, orb.Point{121.6, 31.2})), t0)
	up, rm, log := c.TakeChanges()
	if len(up) != 2 || up[0].Subject != "patrol:R1" || up[0].Kind != "unit" || up[1].Subject != "s1" || up[1].Status != "new" ||
		up[1].Severity != "severe" || len(rm) != 0 || len(log) != 2 || log[1].Seq != 2 || log[1].Kind != "event" {
		t.Fatalf("first: %+v %v %+v", up, rm, log)
	}
	if up, rm, log = c.TakeChanges(); len(up)+len(rm)+len(log) != 0 {
		t.Errorf("nothing changed, yet %d %d %d", len(up), len(rm), len(log))
	}
	c.Apply(msg(3, event.Event{ID: "c", Type: "alert", Op: event.Cancel, References: []string{"s1"}, Time: t0}), t0)
	c.Apply(action(t, ActionAck, "patrol:R1", "li", "", "", t0), t0) // not an alert: logged only
	up, rm, log = c.TakeChanges()
	if len(up) != 0 || len(rm) != 1 || rm[0] != "s1" || len(log) != 2 || log[1].Kind != "action" || log[1].Operator != "li" || log[1].Seq != 0 {
		t.Errorf("after cancel: %+v %v %+v", up, rm, log)
	}
}

// TestOpenedLoggedOnce: the first look at an alert leaves one view entry
// in the log; looking again leaves none, until the alert comes back after
// it was resolved.
func TestOpenedLoggedOnce(t *testing.T) {
	c := New(Options{Centre: centre})
	c.Apply(msg(1, smoke("a1", t0)), t0)
	c.TakeChanges()
	if c.Opened("nobody", "li", t0) {
		t.Error("opening an unknown subject was logged")
	}
	if !c.Opened("a1", "li", t0.Add(4*time.Second)) {
		t.Fatal("the first opening was not logged")
	}
	if c.Opened("a1", "wang", t0.Add(5*time.Second)) {
		t.Error("a second opening was logged")
	}
	_, _, log := c.TakeChanges()
	if len(log) != 1 || log[0].Kind != LogView || log[0].Operator != "li" || log[0].Subject != "a1" || !log[0].Time.Equal(t0.Add(4*time.Second)) {
		t.Fatalf("log %+v, want one view by li at t+4s", log)
	}
	var x Action
	if err := json.Unmarshal(log[0].Data, &x); err != nil || x.Kind != ActionOpen || x.EventID != "a1" {
		t.Errorf("view data %s (%v)", log[0].Data, err)
	}
	if a, _ := c.Alert("a1"); a.Status != StatusNew {
		t.Errorf("opening changed the status to %s", a.Status)
	}
	c.Apply(action(t, ActionResolve, "a1", "li", "", "", t0.Add(6*time.Second)), t0.Add(6*time.Second))
	again := smoke("a1-2", t0.Add(time.Minute))
	again.Subject = "a1"
	c.Apply(msg(3, again), t0.Add(time.Minute))
	if a, _ := c.Alert("a1"); a.Status != StatusNew {
		t.Fatalf("the alert did not come back: %s", a.Status)
	}
	if !c.Opened("a1", "wang", t0.Add(61*time.Second)) {
		t.Error("opening the alert that came back was not logged")
	}
}

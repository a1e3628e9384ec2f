package drill

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

var (
	t0    = time.Date(2026, 5, 1, 22, 0, 0, 0, time.FixedZone("CST", 8*3600))
	place = orb.Point{121.6054, 31.2001}
)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

// east returns the point d metres east of p.
func east(p orb.Point, d float64) orb.Point {
	return orb.Point{p[0] + d/(111320*math.Cos(p[1]*math.Pi/180)), p[1]}
}

// logRow is the row a console writes for the message.
func logRow(t *testing.T, when time.Time, seq int64, e event.Event) store.LogRow {
	t.Helper()
	data, err := json.Marshal(event.Message{Seq: seq, Event: e, State: event.Fresh})
	if err != nil {
		t.Fatal(err)
	}
	row := store.LogRow{Time: when, Seq: seq, Kind: "event", Subject: e.SubjectOrID(), Data: data}
	if e.Op == event.Ack && strings.HasPrefix(e.Type, "operator.") {
		row.Kind, row.Subject = "action", e.References[0]
		row.Operator, _ = e.Properties["operator"].(string)
	}
	return row
}

func actionRow(t *testing.T, when time.Time, kind, subject, operator, unit string) store.LogRow {
	t.Helper()
	e, err := console.NewAction(kind, subject, operator, unit, "", when)
	if err != nil {
		t.Fatal(err)
	}
	return logRow(t, when, 0, e)
}

func viewRow(t *testing.T, when time.Time, subject, operator string) store.LogRow {
	data, _ := json.Marshal(console.Action{Kind: console.ActionOpen, Operator: operator, Time: when})
	return store.LogRow{Time: when, Kind: console.LogView, Operator: operator, Subject: subject, Data: data}
}

func alarm(id, typ string, status event.Status, when time.Time, g orb.Geometry, drillID, inject string) event.Event {
	e := event.Event{ID: id, Subject: id, Type: typ, Severity: event.Severe, Status: status, Time: when, Geometry: g,
		Title: id, Properties: map[string]any{}}
	if drillID != "" {
		e.Properties["drill_id"], e.Properties["drill"], e.Properties["inject"] = drillID, "Night fire", inject
	}
	return e
}

func position(subject, title, team string, when time.Time, p orb.Point) event.Event {
	return event.Event{ID: subject + "@" + when.Format(time.RFC3339Nano), Subject: subject, Type: "patrol.position",
		Severity: event.Minor, Status: event.Exercise, Time: when, Geometry: p, Title: title, Source: subject,
		Properties: map[string]any{"team": team}}
}

// fixture is a drill of two alarms (one folding a repeat), a real alert
// during it, and an alarm of another drill.
func fixture(t *testing.T) []store.LogRow {
	t.Helper()
	ack, err := console.NewAction(console.ActionAck, "DR1-1", "wang", "", "", at(25))
	if err != nil {
		t.Fatal(err)
	}
	echo := ack
	echo.Properties = map[string]any{"action": "ack", "operator": "wang@hub"}
	smoke1 := alarm("sd-1", "fire.smoke", event.Exercise, at(130), east(place, 40), "DR1", "2")
	smoke1.Subject, smoke1.Source = "", "sensor:SD-19"
	smoke2 := smoke1
	smoke2.ID, smoke2.Time = "sd-2", at(140)
	return []store.LogRow{
		logRow(t, at(0), 1, alarm("DR1-1", "fire.smoke", event.Exercise, at(0), place, "DR1", "1")),
		logRow(t, at(5), 2, position("patrol:PR-1", "Security Team 1", "安保一队", at(5), east(place, 200))),
		viewRow(t, at(10), "DR1-1", "wang"),
		viewRow(t, at(12), "DR1-1", "li"), // a second look is not the first
		logRow(t, at(25), 0, ack),
		logRow(t, at(26), 3, echo),                                                     // the hub's echo
		actionRow(t, at(27), console.ActionAck, "DR1-1", "li", ""),                     // refused by the console, not a new ack
		actionRow(t, at(40), console.ActionAssign, "DR1-1", "wang", "Security Team 1"), // by title
		logRow(t, at(50), 4, position("patrol:PR-1", "Security Team 1", "安保一队", at(50), east(place, 200))),
		logRow(t, at(60), 5, position("patrol:PR-1", "Security Team 1", "安保一队", at(60), east(place, 150))),
		actionRow(t, at(70), console.ActionAssign, "DR1-1", "wang", "patrol:PR-2"), // by subject, before it reported
		logRow(t, at(80), 6, position("patrol:PR-2", "Security Team 2", "安保二队", at(80), east(place, -300))),
		logRow(t, at(90), 7, alarm("CAM-065-1", "intrusion.perimeter", event.Actual, at(90), place, "", "")),
		actionRow(t, at(95), console.ActionAck, "CAM-065-1", "li", ""),
		logRow(t, at(100), 8, position("patrol:PR-2", "Security Team 2", "安保二队", at(100), east(place, -250))),
		logRow(t, at(120), 9, position("patrol:PR-1", "Security Team 1", "安保一队", at(120), east(place, 10))),
		logRow(t, at(130), 10, smoke1),
		logRow(t, at(140), 11, smoke2), // folds into sd-1
		actionRow(t, at(150), console.ActionAck, "sd-1", "zhao", ""),
		logRow(t, at(160), 12, alarm("DR2-1", "fire.smoke", event.Exercise, at(160), place, "DR2", "1")),
		logRow(t, at(200), 13, position("patrol:PR-2", "Security Team 2", "安保二队", at(200), east(place, -5))),
		actionRow(t, at(260), console.ActionResolve, "DR1-1", "wang", ""),
		actionRow(t, at(300), console.ActionResolve, "CAM-065-1", "li", ""),
	}
}

func TestChainByHand(t *testing.T) {
	log := fixture(t)
	got := Chain(log, ChainOptions{DrillID: "DR1"})
	if len(got) != 2 {
		t.Fatalf("%d chains for DR1, want 2 (the fire and the folded smoke alarm): %+v", len(got), got)
	}
	a := got[0]
	sec := func(s int) time.Duration { return time.Duration(s) * time.Second }
	want := []struct {
		step string
		d    time.Duration
	}{
		{StepOpen, sec(10)}, {StepAck, sec(25)}, {StepAssign, sec(40)}, {StepMoving, sec(60)},
		{StepOnScene, sec(120)}, {StepJoint, sec(200)}, {StepResolve, sec(260)},
	}
	for _, w := range want {
		d, ok := a.Since(w.step)
		if !ok || d != w.d {
			t.Errorf("DR1-1 %s: %v (reached %v), want %v", w.step, d, ok, w.d)
		}
	}
	if a.Subject != "DR1-1" || !a.Drill || a.DrillID != "DR1" || a.Inject != "1" || a.DrillName != "Night fire" {
		t.Errorf("DR1-1 identity: %+v", a)
	}
	if a.Operator != "wang" || a.Unit != "Security Team 1" || a.UnitSubject != "patrol:PR-1" || a.Team != "安保一队" || a.Units != 2 || a.ResolvedBy != "wang" {
		t.Errorf("DR1-1 people: operator %q unit %q (%q) team %q units %d resolved by %q",
			a.Operator, a.Unit, a.UnitSubject, a.Team, a.Units, a.ResolvedBy)
	}
	if d, ok := a.Between(StepMoving, StepOnScene); !ok || d != sec(60) {
		t.Errorf("travel %v, want 1m0s", d)
	}
	s := got[1]
	if s.Subject != "sd-1" || s.Inject != "2" {
		t.Errorf("second chain %q inject %q, want sd-1 inject 2", s.Subject, s.Inject)
	}
	if d, ok := s.Since(StepAck); !ok || d != sec(20) {
		t.Errorf("sd-1 acknowledged after %v, want 20s", d)
	}
	if _, ok := s.Since(StepResolve); ok {
		t.Error("sd-1 was never resolved")
	}

	real := Chain(log, ChainOptions{Real: true})
	if len(real) != 1 || real[0].Subject != "CAM-065-1" || real[0].Drill {
		t.Fatalf("real alarms: %+v, want CAM-065-1 alone", real)
	}
	if d, _ := real[0].Since(StepAck); d != 5*time.Second {
		t.Errorf("real alert acknowledged after %v, want 5s", d)
	}
	if d, _ := real[0].Since(StepJoint); d != 210*time.Second {
		t.Errorf("real alert without units: joint action is the resolve, %v, want 3m30s", d)
	}
	if all := Chain(log, ChainOptions{}); len(all) != 4 {
		t.Errorf("%d alarms in all, want 4", len(all))
	}
}

func TestChainDeterministic(t *testing.T) {
	log := fixture(t)
	a := Chain(log, ChainOptions{})
	for i := 0; i < 20; i++ {
		b := Chain(log, ChainOptions{})
		if !chainsEqual(a, b) {
			t.Fatalf("run %d differs", i)
		}
	}
}

func chainsEqual(a, b []AlarmChain) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		for _, s := range Steps() {
			if !x.At(s).Equal(y.At(s)) {
				return false
			}
		}
		x.Geometry, y.Geometry = nil, nil
		for _, s := range Steps() {
			*stepPtr(&x, s), *stepPtr(&y, s) = time.Time{}, time.Time{}
		}
		if x != y {
			return false
		}
	}
	return true
}

func stepPtr(c *AlarmChain, s string) *time.Time {
	switch s {
	case StepReceived:
		return &c.Received
	case StepOpen:
		return &c.Opened
	case StepAck:
		return &c.Acked
	case StepAssign:
		return &c.Assigned
	case StepMoving:
		return &c.Moving
	case StepOnScene:
		return &c.OnScene
	case StepJoint:
		return &c.Joint
	}
	return &c.Resolved
}

func TestChainReopenAndCancel(t *testing.T) {
	again := alarm("A-2", "fire.smoke", event.Actual, at(20), place, "", "")
	again.Subject = "A"
	log := []store.LogRow{
		logRow(t, at(0), 1, alarm("A", "fire.smoke", event.Actual, at(0), place, "", "")),
		actionRow(t, at(10), console.ActionResolve, "A", "wang", ""),
		logRow(t, at(20), 2, again), // newer: a new incident
		actionRow(t, at(50), console.ActionAck, "A", "wang", ""),
	}
	b := alarm("B", "fire.smoke", event.Actual, at(60), place, "", "")
	cancel := b
	cancel.ID, cancel.Op, cancel.Time = "B-x", event.Cancel, at(61)
	log = append(log, logRow(t, at(60), 3, b), logRow(t, at(61), 4, cancel), actionRow(t, at(70), console.ActionAck, "B", "li", ""))
	got := Chain(log, ChainOptions{})
	if len(got) != 3 {
		t.Fatalf("%d chains, want 3", len(got))
	}
	if d, ok := got[1].Since(StepAck); !ok || d != 30*time.Second {
		t.Errorf("reopened alarm acknowledged after %v, want 30s", d)
	}
	if _, ok := got[2].Since(StepAck); ok {
		t.Error("an ack after a cancel counts")
	}
}

func TestDistance(t *testing.T) {
	sq := orb.Polygon{{east(place, -10), east(place, 10), {east(place, 10)[0], place[1] + 0.0002}, {east(place, -10)[0], place[1] + 0.0002}, east(place, -10)}}
	tests := []struct {
		name string
		p    orb.Point
		g    orb.Geometry
		want float64
	}{
		{"point", east(place, 12), place, 12},
		{"inside polygon", orb.Point{place[0], place[1] + 0.0001}, sq, 0},
		{"outside polygon", east(place, 25), sq, 15},
		{"line", orb.Point{place[0], place[1] - 20/110574.0}, orb.LineString{east(place, -50), east(place, 50)}, 20},
		{"none", place, nil, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := distance(tc.p, tc.g)
			if math.IsInf(tc.want, 1) != math.IsInf(got, 1) || math.Abs(got-tc.want) > 0.05 {
				t.Errorf("distance %.3f m, want %.3f", got, tc.want)
			}
		})
	}
}

func FuzzChain(f *testing.F) {
	f.Add("event", "A", []byte(`{"seq":1,"event":{"id":"A","type":"fire.smoke","time":"2026-05-01T10:00:00Z","geometry":{"type":"Point","coordinates":[121.6,31.2]}}}`))
	f.Add("action", "A", []byte(`{"seq":2,"event":{"id":"x","type":"operator.assign","op":"ack","time":"2026-05-01T10:00:00Z","references":["A"],"properties":{"unit":"P"}}}`))
	f.Add("event", "P", []byte(`{"event":{"id":"p","type":"patrol.position","time":"2026-05-01T10:00:00Z","geometry":{"type":"Point","coordinates":[121.6,31.2]},"properties":{"team":7}}}`))
	f.Add("view", "A", []byte(`{"kind":"open"}`))
	f.Add("rule", "A", []byte(`{"kind":"resolve","operator":"system"}`))
	f.Fuzz(func(t *testing.T, kind, subject string, data []byte) {
		log := []store.LogRow{
			logRow(t, at(0), 1, alarm("A", "fire.smoke", event.Exercise, at(0), place, "D", "1")),
			{Time: at(1), Kind: kind, Subject: subject, Data: data},
			{Time: at(2), Kind: kind, Subject: "A", Data: data},
		}
		Chain(log, ChainOptions{})
		Chain(log, ChainOptions{DrillID: "D"})
		log[1].Kind = KindObservation
		Observations(log, "")
	})
}

// TestChainOwnRadius: an alarm that names its own on-scene radius (an
// inject's Expect.OnSceneRadius, as a property or a CAP parameter) is
// reached within it; the others within the default.
func TestChainOwnRadius(t *testing.T) {
	wide := alarm("A-wide", "fire.smoke", event.Exercise, at(0), place, "D", "1")
	wide.Properties["on_scene_radius"] = "40"
	capWide := alarm("A-cap", "fire.smoke", event.Exercise, at(0), place, "D", "2")
	capWide.Properties["parameters"] = map[string]any{"on_scene_radius": []any{"40"}}
	plain := alarm("A-plain", "fire.smoke", event.Exercise, at(0), place, "D", "3")
	silly := alarm("A-silly", "fire.smoke", event.Exercise, at(0), place, "D", "4")
	silly.Properties["on_scene_radius"] = "1e9"
	var log []store.LogRow
	for i, e := range []event.Event{wide, capWide, plain, silly} {
		log = append(log, logRow(t, at(0), int64(i+1), e))
		log = append(log, actionRow(t, at(10), console.ActionAssign, e.Subject, "wang", fmt.Sprintf("Team %d", i)))
		// Each team stops 30 m east of the place.
		log = append(log, logRow(t, at(60), int64(10+i), position(fmt.Sprintf("unit:%d", i), fmt.Sprintf("Team %d", i), "station", at(60), east(place, 100))))
		log = append(log, logRow(t, at(90), int64(20+i), position(fmt.Sprintf("unit:%d", i), fmt.Sprintf("Team %d", i), "station", at(90), east(place, 30))))
	}
	got := map[string]bool{}
	for _, c := range Chain(log, ChainOptions{DrillID: "D"}) {
		got[c.Subject] = !c.OnScene.IsZero()
	}
	want := map[string]bool{"A-wide": true, "A-cap": true, "A-plain": false, "A-silly": false}
	for s, w := range want {
		if got[s] != w {
			t.Errorf("%s on scene at 30 m: %v, want %v", s, got[s], w)
		}
	}
}

package console

import (
	"os"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/testenv"
	"safetynet/feeds/cap"
	"safetynet/feeds/cot"
	"safetynet/feeds/event"
)

// TestCoTUnitGoesStaleThenIsRemoved: a real ATAK position report (from
// FreeTAKServer's samples) is a patrol unit on the console; past its CoT
// stale time it is greyed, RemoveAfter later it is gone, and the same
// report arriving again does not bring it back.
func TestCoTUnitGoesStaleThenIsRemoved(t *testing.T) {
	data, err := os.ReadFile(testenv.SharedData(t, "cot/freetakserver/a-f-G-U-C-1581185446278.xml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := cot.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if KindOf(&e) != KindUnit {
		t.Fatalf("a CoT friendly ground unit (%s) is a %s, want a unit", e.Type, KindOf(&e))
	}
	// time 18:10:46.207Z, stale 18:11:13.207Z.
	at := e.Time.Add(time.Second)
	c := New(Options{RemoveAfter: 2 * time.Minute}) // no centre: no distance check
	m := event.Message{Seq: 1, Publisher: "tak", Received: at, State: event.Fresh, Event: e}
	if !c.Apply(m, at) {
		t.Fatal("the position report changed nothing")
	}
	unit := func(now time.Time) (Unit, bool) {
		for _, u := range c.Snapshot(now).Units {
			if u.Subject == e.SubjectOrID() {
				return u, true
			}
		}
		return Unit{}, false
	}
	if u, ok := unit(at); !ok || u.Stale {
		t.Fatalf("just received: present %v, stale %v; want present and fresh", ok, u.Stale)
	}
	if u, ok := unit(at); ok && u.Event.Title != "corvTab" {
		t.Errorf("the unit is called %q, want its callsign corvTab", u.Event.Title)
	}
	stale := e.Stale.Add(time.Second)
	c.Tick(stale)
	if u, ok := unit(stale); !ok || !u.Stale {
		t.Fatalf("a second past its stale time: present %v, stale %v; want present and greyed", ok, u.Stale)
	}
	beforeRemoval := e.Stale.Add(2*time.Minute - time.Second)
	c.Tick(beforeRemoval)
	if _, ok := unit(beforeRemoval); !ok {
		t.Fatal("removed before RemoveAfter had passed")
	}
	gone := e.Stale.Add(2*time.Minute + time.Second)
	c.Tick(gone)
	if _, ok := unit(gone); ok {
		t.Fatal("still shown RemoveAfter after turning stale")
	}
	m.Seq = 2
	c.Apply(m, gone) // the same report again, e.g. replayed by a TAK server
	if _, ok := unit(gone); ok {
		t.Fatal("an old report resurrected the removed unit")
	}
}

// TestCAPCancelRemovesItsAlert: a CAP 1.2 Alert is in the queue; a CAP
// Cancel naming it in <references> removes it.
func TestCAPCancelRemovesItsAlert(t *testing.T) {
	const alert = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>ANHE-2026-0007</identifier>
  <sender>control@anhe.example</sender>
  <sent>2026-05-01T10:00:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Private</scope>
  <info>
    <category>Fire</category>
    <event>Smoke in the e-bike shed</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <headline>Smoke, e-bike shed 3</headline>
    <area>
      <areaDesc>E-bike shed 3</areaDesc>
      <circle>31.2001,121.6002 0.03</circle>
    </area>
  </info>
</alert>`
	const cancel = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>ANHE-2026-0008</identifier>
  <sender>control@anhe.example</sender>
  <sent>2026-05-01T10:04:00+08:00</sent>
  <status>Actual</status>
  <msgType>Cancel</msgType>
  <scope>Private</scope>
  <references>control@anhe.example,ANHE-2026-0007,2026-05-01T10:00:00+08:00</references>
</alert>`
	a, err := cap.Decode([]byte(alert))
	if err != nil {
		t.Fatal(err)
	}
	x, err := cap.Decode([]byte(cancel))
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{Centre: orb.Point{121.6, 31.2}})
	now := a.Time.Add(time.Second)
	c.Apply(event.Message{Seq: 1, Received: now, State: event.Fresh, Event: a}, now)
	q := c.Snapshot(now).Queue(Filter{}, now)
	if len(q) != 1 || q[0].Warning != "" {
		t.Fatalf("queue after the CAP alert: %+v, want the alert, drawn (no warning)", q)
	}
	if _, ok := q[0].Event.Geometry.(orb.Polygon); !ok {
		t.Errorf("the CAP circle is a %T, want a polygon to draw", q[0].Event.Geometry)
	}
	now = x.Time.Add(time.Second)
	c.Apply(event.Message{Seq: 2, Received: now, State: event.Deleted, Event: x}, now)
	s := c.Snapshot(now)
	if q := s.Queue(Filter{Statuses: []Status{StatusNew, StatusAcknowledged, StatusAssigned, StatusResolved}}, now); len(q) != 0 {
		t.Fatalf("after the CAP Cancel the queue still holds %d alert(s): %+v", len(q), q[0].Event.Title)
	}
}

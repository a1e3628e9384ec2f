package console

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// alarm is an alarm report from a device, as the simulator and most
// sensors send them: no subject of its own, a source.
func alarm(id, typ, source string, sev event.Severity, at time.Time) event.Event {
	return event.Event{ID: id, Type: typ, Severity: sev, Time: at, Source: source, Geometry: orb.Point{121.601, 31.2},
		Expires: at.Add(time.Hour), Title: typ + " " + source}
}

// feed applies the events in order, each at its own time, with rising
// sequence numbers after those already applied.
func feed(c *Console, es ...event.Event) {
	for _, e := range es {
		c.Apply(msg(c.LastSeq()+1, e), e.Time)
	}
}

func open(c *Console, now time.Time) []Alert { return c.Snapshot(now).Queue(Filter{}, now) }

func subjects(as []Alert) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Subject)
	}
	return strings.Join(out, " ")
}

func TestFolding(t *testing.T) {
	s := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	type want struct {
		queue    string // subjects of the open queue
		subject  string // the alert checked below
		count    int
		status   Status
		severity event.Severity
		sinceAck int
		first    time.Time
		last     time.Time
		eventID  string
	}
	cases := []struct {
		name string
		run  func(t *testing.T, c *Console)
		want want
	}{
		{"repeats from one source fold into the first", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "fire.smoke", "sensor:SD-1", event.Severe, s(0)),
				alarm("a2", "fire.smoke", "sensor:SD-1", event.Severe, s(120)),
				alarm("a3", "fire.smoke", "sensor:SD-1", event.Severe, s(300)))
		}, want{"a1", "a1", 3, StatusNew, event.Severe, 0, s(0), s(300), "a3"}},
		{"a repeat on an acknowledged alert keeps it acknowledged and is counted", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "access.forced_door", "gate:N", event.Severe, s(0)))
			c.Apply(action(t, ActionAck, "a1", "li", "", "", s(10)), s(10))
			feed(c, alarm("a2", "access.forced_door", "gate:N", event.Severe, s(200)))
		}, want{"a1", "a1", 2, StatusAcknowledged, event.Severe, 1, s(0), s(200), "a2"}},
		{"another type of the same source is another alert", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "access.forced_door", "gate:N", event.Severe, s(0)),
				alarm("a2", "access.tailgating", "gate:N", event.Severe, s(200)))
		}, want{"a2 a1", "a1", 1, StatusNew, event.Severe, 0, s(0), s(0), "a1"}},
		{"another source is another alert", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "fire.smoke", "sensor:SD-1", event.Severe, s(0)),
				alarm("a2", "fire.smoke", "sensor:SD-2", event.Severe, s(200)))
		}, want{"a2 a1", "a1", 1, StatusNew, event.Severe, 0, s(0), s(0), "a1"}},
		{"alerts without a source never fold", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "fire.smoke", "", event.Severe, s(0)), alarm("a2", "fire.smoke", "", event.Severe, s(200)))
		}, want{"a2 a1", "a1", 1, StatusNew, event.Severe, 0, s(0), s(0), "a1"}},
		{"an alarm naming its own subject is kept apart", func(t *testing.T, c *Console) {
			b := alarm("b1", "rule.coverage_drop", "rule:coverage", event.Moderate, s(200))
			b.Subject = "rule:coverage:KA-2"
			feed(c, alarm("a1", "rule.coverage_drop", "rule:coverage", event.Moderate, s(0)), b)
		}, want{"rule:coverage:KA-2 a1", "a1", 1, StatusNew, event.Moderate, 0, s(0), s(0), "a1"}},
		{"CAP messages are each their own incident", func(t *testing.T, c *Console) {
			a, b := alarm("x,1", "alert.met", "x", event.Severe, s(0)), alarm("x,2", "alert.met", "x", event.Severe, s(200))
			a.Format, b.Format = event.CAP, event.CAP
			feed(c, a, b)
		}, want{"x,2 x,1", "x,1", 1, StatusNew, event.Severe, 0, s(0), s(0), "x,1"}},
		{"after the first is resolved a repeat is a new alert", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "fire.smoke", "sensor:SD-1", event.Severe, s(0)))
			c.Apply(action(t, ActionResolve, "a1", "li", "", "", s(10)), s(10))
			feed(c, alarm("a2", "fire.smoke", "sensor:SD-1", event.Severe, s(200)))
		}, want{"a2", "a2", 1, StatusNew, event.Severe, 0, s(200), s(200), "a2"}},
		{"a more severe repeat escalates: new again at its new priority", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "fire.heat", "sensor:HD-1", event.Moderate, s(0)))
			c.Apply(action(t, ActionAssign, "a1", "li", "patrol:R1", "", s(10)), s(10))
			feed(c, alarm("a2", "fire.heat", "sensor:HD-1", event.Extreme, s(200)))
		}, want{"a1", "a1", 2, StatusNew, event.Extreme, 1, s(0), s(200), "a2"}},
		{"a less severe repeat keeps the highest severity", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "fire.heat", "sensor:HD-1", event.Severe, s(0)),
				alarm("a2", "fire.heat", "sensor:HD-1", event.Minor, s(200)))
		}, want{"a1", "a1", 2, StatusNew, event.Severe, 0, s(0), s(200), "a2"}},
		{"a repeat that happened earlier is counted, the newer event kept", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "fire.smoke", "sensor:SD-1", event.Severe, s(100)),
				alarm("a0", "fire.smoke", "sensor:SD-1", event.Severe, s(0)))
		}, want{"a1", "a1", 2, StatusNew, event.Severe, 0, s(0), s(100), "a1"}},
		{"the same alarm again counts once", func(t *testing.T, c *Console) {
			feed(c, alarm("a1", "fire.smoke", "sensor:SD-1", event.Severe, s(0)),
				alarm("a2", "fire.smoke", "sensor:SD-1", event.Severe, s(100)),
				alarm("a2", "fire.smoke", "sensor:SD-1", event.Severe, s(100)))
		}, want{"a1", "a1", 2, StatusNew, event.Severe, 0, s(0), s(100), "a2"}},
		{"a subject's newer report is a repeat too", func(t *testing.T, c *Console) {
			a, b := alarm("e1", "camera.offline", "camera:C1", event.Moderate, s(0)), alarm("e2", "camera.offline", "camera:C1", event.Moderate, s(60))
			a.Subject, b.Subject = "camera:C1", "camera:C1"
			feed(c, a, b)
		}, want{"camera:C1", "camera:C1", 2, StatusNew, event.Moderate, 0, s(0), s(60), "e2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{Centre: centre})
			tc.run(t, c)
			now := s(400)
			if got := subjects(open(c, now)); got != tc.want.queue {
				t.Errorf("queue %q, want %q", got, tc.want.queue)
			}
			a, ok := c.Alert(tc.want.subject)
			if !ok {
				t.Fatalf("no alert %s", tc.want.subject)
			}
			w := tc.want
			if a.Count != w.count || a.Status != w.status || a.Severity != w.severity || a.SinceAck != w.sinceAck ||
				!a.First.Equal(w.first) || !a.Last.Equal(w.last) || a.Event.ID != w.eventID {
				t.Errorf("got count %d, %s, %s, %d since ack, first %v, last %v, event %s\nwant count %d, %s, %s, %d since ack, first %v, last %v, event %s",
					a.Count, a.Status, a.Severity, a.SinceAck, a.First, a.Last, a.Event.ID,
					w.count, w.status, w.severity, w.sinceAck, w.first, w.last, w.eventID)
			}
		})
	}
}

// TestFoldedAlertCancelledByAnyOfItsEvents: a cancel naming any of the
// events folded into an alert removes the alert.
func TestFoldedAlertCancelledByAnyOfItsEvents(t *testing.T) {
	for _, ref := range []string{"a1", "a2", "a3"} {
		t.Run(ref, func(t *testing.T) {
			c := New(Options{})
			feed(c, alarm("a1", "fire.smoke", "sensor:SD-1", event.Severe, t0),
				alarm("a2", "fire.smoke", "sensor:SD-1", event.Severe, t0.Add(time.Minute)),
				alarm("a3", "fire.smoke", "sensor:SD-1", event.Severe, t0.Add(2*time.Minute)))
			at := t0.Add(3 * time.Minute)
			feed(c, event.Event{ID: "x", Type: "fire.smoke", Op: event.Cancel, References: []string{ref}, Time: at})
			if q := open(c, at); len(q) != 0 {
				t.Errorf("after cancelling %s: %s", ref, subjects(q))
			}
		})
	}
}

func TestEscalationRecordedAndSounds(t *testing.T) {
	c := New(Options{})
	feed(c, alarm("a1", "fire.heat", "sensor:HD-1", event.Moderate, t0))
	c.Apply(action(t, ActionAck, "a1", "li", "", "", t0.Add(time.Second)), t0.Add(time.Second))
	before, _ := c.Alert("a1")
	at := t0.Add(time.Minute)
	feed(c, alarm("a2", "fire.heat", "sensor:HD-1", event.Severe, at))
	a, _ := c.Alert("a1")
	last := a.Actions[len(a.Actions)-1]
	if last.Kind != ActionEscalate || last.Operator != System || last.Detail != "moderate → severe" {
		t.Errorf("last action %+v, want an escalation by system", last)
	}
	if !a.Raised.After(before.Raised) || !a.Audible(at) {
		t.Errorf("raised %v (before %v), audible %v: an escalation calls for attention", a.Raised, before.Raised, a.Audible(at))
	}
	if got := c.Snapshot(at).Rate.Recent; got != 2 {
		t.Errorf("rate %d, want 2: the escalation asks for a new acknowledgement", got)
	}
	// Acknowledging again works.
	if err := a.Allows(ActionAck); err != nil {
		t.Error(err)
	}
}

func TestChattering(t *testing.T) {
	src := "sensor:SD-9"
	at := func(secs ...int) []event.Event {
		var es []event.Event
		for i, s := range secs {
			es = append(es, alarm(fmt.Sprint("c", i), "fire.smoke", src, event.Severe, t0.Add(time.Duration(s)*time.Second)))
		}
		return es
	}
	cases := []struct {
		name   string
		opt    Options
		alarms []event.Event
		tick   time.Duration // after the last alarm
		want   bool
	}{
		{"3 in a minute", Options{}, at(0, 20, 50), 0, true},
		{"3 in exactly a minute", Options{}, at(0, 30, 60), 0, true},
		{"3 in more than a minute", Options{}, at(0, 40, 80), 0, false},
		{"2 in a minute", Options{}, at(0, 10), 0, false},
		{"4 spread out, the last 3 in a minute", Options{}, at(0, 100, 120, 150), 0, true},
		{"still chattering before it has been quiet long enough", Options{}, at(0, 20, 50), 4*time.Minute + 59*time.Second, true},
		{"quiet for 5 minutes ends it", Options{}, at(0, 20, 50), 5 * time.Minute, false},
		{"configured: 5 in 2 minutes", Options{ChatterCount: 5, ChatterWindow: 2 * time.Minute}, at(0, 20, 40, 60, 100), 0, true},
		{"configured: 4 of 5 is not", Options{ChatterCount: 5, ChatterWindow: 2 * time.Minute}, at(0, 20, 40, 60), 0, false},
		{"configured quiet", Options{ChatterQuiet: time.Minute}, at(0, 20, 50), time.Minute, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.opt)
			feed(c, tc.alarms...)
			now := tc.alarms[len(tc.alarms)-1].Time.Add(tc.tick)
			if tc.tick > 0 {
				c.Tick(now)
			}
			a, _ := c.Alert("c0")
			s := c.Snapshot(now)
			if a.Chattering != tc.want || (s.Rate.Chattering == 1) != tc.want {
				t.Errorf("chattering %v (rate says %d sources), want %v", a.Chattering, s.Rate.Chattering, tc.want)
			}
			if a.Audible(now) == tc.want {
				t.Errorf("audible %v while chattering %v", a.Audible(now), tc.want)
			}
		})
	}
}

// TestChatteringSuppressed: while a source chatters, a new alert from it
// neither sounds, nor goes to the top of its severity, nor counts in the
// alarm rate; once it is quiet it is an ordinary source again.
func TestChatteringSuppressed(t *testing.T) {
	c := New(Options{})
	src := "sensor:SD-9"
	feed(c, alarm("other", "fire.smoke", "sensor:SD-1", event.Severe, t0))
	feed(c, alarm("c1", "fire.smoke", src, event.Severe, t0.Add(10*time.Second)),
		alarm("c2", "fire.smoke", src, event.Severe, t0.Add(20*time.Second)),
		alarm("c3", "fire.smoke", src, event.Severe, t0.Add(30*time.Second)))
	now := t0.Add(40 * time.Second)
	c.Apply(action(t, ActionResolve, "c1", "li", "", "", now), now)
	rate := c.Snapshot(now).Rate.Recent
	feed(c, alarm("c4", "fire.smoke", src, event.Severe, t0.Add(50*time.Second)))
	now = t0.Add(55 * time.Second)
	s := c.Snapshot(now)
	if got := subjects(s.Queue(Filter{}, now)); got != "other c4" {
		t.Errorf("queue %q: the chattering source's new alert went above an older one", got)
	}
	c4, _ := c.Alert("c4")
	if !c4.Chattering || c4.Audible(now) {
		t.Errorf("new alert from a chattering source: chattering %v, audible %v", c4.Chattering, c4.Audible(now))
	}
	if s.Rate.Recent != rate {
		t.Errorf("rate %d, was %d: a chattering source's alert counted", s.Rate.Recent, rate)
	}
	later := t0.Add(50*time.Second + 5*time.Minute)
	if !c.Tick(later) {
		t.Error("the end of chattering changed nothing")
	}
	if c4, _ = c.Alert("c4"); c4.Chattering || !c4.Audible(later) {
		t.Errorf("quiet source: chattering %v", c4.Chattering)
	}
	if got := subjects(open(c, later)); got != "c4 other" {
		t.Errorf("queue %q once quiet", got)
	}
}

func TestShelving(t *testing.T) {
	c := New(Options{MaxShelve: 4 * time.Hour})
	a1, b1 := alarm("a1", "equipment.fault", "equipment:EX-1", event.Minor, t0), alarm("b1", "fire.smoke", "sensor:SD-1", event.Severe, t0)
	a1.Expires, b1.Expires = time.Time{}, time.Time{}
	feed(c, a1, b1)
	shelve := func(subj, reason string, d time.Duration, at time.Time) event.Event {
		e, err := NewShelve(subj, "li", reason, d, at)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	at := t0.Add(time.Minute)
	e := shelve("a1", "extinguisher out for service", 2*time.Hour, at)
	if err := c.Check(e); err != nil {
		t.Fatal(err)
	}
	c.Apply(event.Message{Event: e}, at)
	a, _ := c.Alert("a1")
	if !a.ShelvedUntil.Equal(at.Add(2*time.Hour)) || a.ShelvedBy != "li" || a.ShelveReason != "extinguisher out for service" || a.Status != StatusNew {
		t.Errorf("shelved: until %v by %q for %q, %s", a.ShelvedUntil, a.ShelvedBy, a.ShelveReason, a.Status)
	}
	steps := []struct {
		name    string
		now     time.Time
		filter  Filter
		want    string
		shelved int
	}{
		{"left out of the default queue", at, Filter{}, "b1", 1},
		{"the shelf alone", at, Filter{Shelved: Only}, "a1", 1},
		{"both", at, Filter{Shelved: Both}, "b1 a1", 1},
		{"still shelved a second before its time", at.Add(2*time.Hour - time.Second), Filter{}, "b1", 1},
		{"back by itself at its time", at.Add(2 * time.Hour), Filter{}, "b1 a1", 0},
	}
	for _, st := range steps {
		c.Tick(st.now)
		s := c.Snapshot(st.now)
		if got := subjects(s.Queue(st.filter, st.now)); got != st.want || s.Rate.Shelved != st.shelved {
			t.Errorf("%s: queue %q, %d shelved; want %q, %d", st.name, got, s.Rate.Shelved, st.want, st.shelved)
		}
	}
	a, _ = c.Alert("a1")
	last := a.Actions[len(a.Actions)-1]
	if !a.ShelvedUntil.IsZero() || last.Kind != ActionUnshelve || last.Operator != System || last.Note != NoteShelfOver {
		t.Errorf("after the shelf time: until %v, last action %+v", a.ShelvedUntil, last)
	}
	if !a.Raised.Equal(at.Add(2 * time.Hour)) {
		t.Errorf("raised %v: coming back calls for attention", a.Raised)
	}

	// An operator takes it off the shelf early.
	now := at.Add(3 * time.Hour)
	c.Apply(event.Message{Event: shelve("b1", "detector being cleaned", time.Hour, now)}, now)
	if got := subjects(open(c, now)); got != "a1" {
		t.Errorf("b1 shelved: %q", got)
	}
	un := action(t, ActionUnshelve, "b1", "wang", "", "", now.Add(time.Minute))
	if err := c.Check(un.Event); err != nil {
		t.Fatal(err)
	}
	c.Apply(un, now.Add(time.Minute))
	if got := subjects(open(c, now.Add(time.Minute))); got != "b1 a1" {
		t.Errorf("b1 unshelved: %q", got)
	}

	// Longer than the longest shelf: Check refuses, the hub's copy is cut.
	long := shelve("a1", "until the contractor comes", 10*time.Hour, now)
	var ref *RefusedError
	if err := c.Check(long); !errors.As(err, &ref) || ref.Reason != ReasonTooLong {
		t.Errorf("a 10 h shelf: %v, want refused as too long", err)
	}
	c.Apply(event.Message{Seq: c.LastSeq() + 1, Event: long}, now)
	if a, _ = c.Alert("a1"); !a.ShelvedUntil.Equal(now.Add(4 * time.Hour)) {
		t.Errorf("a 10 h shelf from the hub ends %v, want cut to 4 h", a.ShelvedUntil)
	}
	// A shelve without a reason or a time from elsewhere changes nothing.
	for name, props := range map[string]map[string]any{
		"no reason": {"action": "shelve", "operator": "x", "duration_s": 60.0},
		"no time":   {"action": "shelve", "operator": "x", "note": "why"},
	} {
		e := event.Event{ID: "bad-" + name, Type: "operator.shelve", Op: event.Ack, Time: now, References: []string{"b1"}, Properties: props}
		if c.Apply(msg(c.LastSeq()+1, e), now) {
			t.Errorf("a shelve with %s was applied", name)
		}
	}
	// Resolving takes it off the shelf.
	c.Apply(action(t, ActionResolve, "a1", "li", "", "", now), now)
	if a, _ = c.Alert("a1"); !a.ShelvedUntil.IsZero() {
		t.Error("a resolved alert stays on the shelf")
	}
}

func TestCleared(t *testing.T) {
	src := "gate:N"
	normal := func(id, typ, source string, at time.Time) event.Event {
		return event.Event{ID: id, Type: typ, Time: at, Source: source, Title: "Door closed", Geometry: orb.Point{121.601, 31.2}}
	}
	s := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	cases := []struct {
		name    string
		before  []string // operator actions before the normal
		normal  event.Event
		cleared bool
		status  Status
		inQueue bool
	}{
		{"new: marked cleared, stays until acknowledged", nil, normal("n", "access.normal", src, s(60)), true, StatusNew, true},
		{"acknowledged: resolved at once", []string{ActionAck}, normal("n", "access.normal", src, s(60)), true, StatusResolved, false},
		{"assigned: stays until an operator resolves it", []string{ActionAssign}, normal("n", "access.normal", src, s(60)), true, StatusAssigned, true},
		{"normal from another source", nil, normal("n", "access.normal", "gate:S", s(60)), false, StatusNew, true},
		{"normal of another family", nil, normal("n", "fire.normal", src, s(60)), false, StatusNew, true},
		{"normal older than the alarm", nil, normal("n", "access.normal", src, s(-60)), false, StatusNew, true},
		{"normal without a source", nil, normal("n", "access.normal", "", s(60)), false, StatusNew, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{})
			feed(c, alarm("a1", "access.forced_door", src, event.Severe, t0))
			for _, k := range tc.before {
				c.Apply(action(t, k, "a1", "li", "patrol:R1", "", s(10)), s(10))
			}
			feed(c, tc.normal)
			now := s(90)
			a, _ := c.Alert("a1")
			inQueue := strings.Contains(subjects(open(c, now)), "a1")
			if !a.Cleared.IsZero() != tc.cleared || a.Status != tc.status || inQueue != tc.inQueue {
				t.Errorf("cleared %v, %s, in queue %v; want %v, %s, %v", a.Cleared, a.Status, inQueue, tc.cleared, tc.status, tc.inQueue)
			}
			if tc.status == StatusResolved && a.Actions[len(a.Actions)-1].Operator != System {
				t.Errorf("resolved by %q, want system", a.Actions[len(a.Actions)-1].Operator)
			}
		})
	}

	t.Run("acknowledging a cleared alert resolves it", func(t *testing.T) {
		c := New(Options{})
		feed(c, alarm("a1", "access.forced_door", src, event.Severe, t0), normal("n", "access.normal", src, s(60)))
		c.Apply(action(t, ActionAck, "a1", "li", "", "", s(70)), s(70))
		a, _ := c.Alert("a1")
		if a.Status != StatusResolved || a.Actions[len(a.Actions)-1].Note != NoteAckNormal {
			t.Errorf("%s, actions %+v", a.Status, a.Actions)
		}
	})
	t.Run("a new alarm takes the mark off", func(t *testing.T) {
		c := New(Options{})
		feed(c, alarm("a1", "access.forced_door", src, event.Severe, t0), normal("n", "access.normal", src, s(60)),
			alarm("a2", "access.forced_door", src, event.Severe, s(120)))
		a, _ := c.Alert("a1")
		if !a.Cleared.IsZero() || a.Count != 2 {
			t.Errorf("cleared %v, count %d", a.Cleared, a.Count)
		}
	})
	t.Run("camera.online clears camera.offline of the same camera", func(t *testing.T) {
		c := New(Options{})
		off := alarm("off", "camera.offline", "camera:C1", event.Moderate, t0)
		off.Subject = "camera:C1"
		on := normal("on", "camera.online", "camera:C1", s(60))
		on.Subject = "camera:C1"
		feed(c, off, on)
		a, _ := c.Alert("camera:C1")
		if a.Cleared.IsZero() || a.Status != StatusNew {
			t.Errorf("unacknowledged camera back online: cleared %v, %s; want cleared, new", a.Cleared, a.Status)
		}
	})
}

func TestDrillEnd(t *testing.T) {
	drill := func(id, name string, at time.Time) event.Event {
		e := alarm(id, "fire.smoke", "sensor:"+id, event.Severe, at)
		e.Status = event.Exercise
		if name != "" {
			e.Properties = map[string]any{"drill": name}
		}
		return e
	}
	end := func(name string, at time.Time) event.Event {
		e := event.Event{ID: "end-" + name, Type: TypeDrillEnd, Status: event.Exercise, Time: at, Title: "Drill over"}
		if name != "" {
			e.Properties = map[string]any{"drill": name}
		}
		return e
	}
	cases := []struct {
		name string
		end  event.Event
		want string // open afterwards
	}{
		{"named: its alerts and the unnamed ones", end("D1", t0.Add(10*time.Minute)), "late real d2"},
		{"unnamed: every drill alert", end("", t0.Add(10*time.Minute)), "late real"},
		{"alerts raised after the end stay", end("", t0.Add(4*time.Minute)), "late d1b real"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{})
			feed(c, drill("d1a", "D1", t0), drill("d1b", "D1", t0.Add(5*time.Minute)), drill("d0", "", t0.Add(time.Minute)),
				drill("d2", "D2", t0.Add(2*time.Minute)), alarm("real", "fire.smoke", "sensor:SD-3", event.Severe, t0.Add(3*time.Minute)))
			late := drill("late", "D1", t0.Add(20*time.Minute))
			feed(c, tc.end)
			feed(c, late)
			now := t0.Add(21 * time.Minute)
			if got := subjects(open(c, now)); got != tc.want {
				t.Errorf("open %q, want %q", got, tc.want)
			}
			for _, a := range c.Snapshot(now).Queue(Filter{Statuses: []Status{StatusResolved}}, now) {
				last := a.Actions[len(a.Actions)-1]
				if last.Operator != System || last.Note != NoteDrillEnded || last.EventID != tc.end.ID {
					t.Errorf("%s closed by %+v", a.Subject, last)
				}
			}
			if k := KindOf(&tc.end); k != KindInfo {
				t.Errorf("drill.end is a %s", k)
			}
		})
	}
}

// TestDrillEndByID: two runs of one scenario share its name; drill.end
// ends the alerts of its own run (drill_id), also when a CAP alert carries
// the id as a parameter.
func TestDrillEndByID(t *testing.T) {
	c := New(Options{})
	run := func(id, drillID string, cap bool, at time.Time) event.Event {
		e := alarm(id, "fire.smoke", "sensor:"+id, event.Severe, at)
		e.Status = event.Exercise
		if cap {
			e.Properties = map[string]any{"parameters": map[string]any{"drill": []any{"Shed fire"}, "drill_id": []any{drillID}}}
		} else {
			e.Properties = map[string]any{"drill": "Shed fire", "drill_id": drillID}
		}
		return e
	}
	feed(c, run("a-json", "R1", false, t0), run("a-cap", "R1", true, t0.Add(time.Second)),
		run("b-json", "R2", false, t0.Add(2*time.Second)), run("b-cap", "R2", true, t0.Add(3*time.Second)))
	feed(c, event.Event{ID: "end-R1", Type: TypeDrillEnd, Status: event.Exercise, Time: t0.Add(time.Minute), Title: "Drill over",
		Properties: map[string]any{"drill": "Shed fire", "drill_id": "R1"}})
	if got := subjects(open(c, t0.Add(2*time.Minute))); got != "b-cap b-json" {
		t.Errorf("open after the end of run R1: %q, want the alerts of run R2", got)
	}
}

func TestRateAndFlood(t *testing.T) {
	sev := []event.Severity{event.Minor, event.Minor, event.Moderate, event.Severe, event.Extreme}
	// n alarms from n sources, one every step.
	spread := func(n int, step time.Duration) []event.Event {
		var es []event.Event
		for i := range n {
			es = append(es, alarm(fmt.Sprint("r", i), "intrusion.zone", fmt.Sprint("camera:", i), sev[i%len(sev)], t0.Add(time.Duration(i)*step)))
		}
		return es
	}
	cases := []struct {
		name   string
		opt    Options
		alarms []event.Event
		at     time.Duration // after t0
		recent int
		flood  bool
		hour   int
	}{
		{"10 in 10 minutes is not a flood", Options{}, spread(10, 50*time.Second), 9 * time.Minute, 10, false, 10},
		{"11 in 10 minutes is", Options{}, spread(11, 50*time.Second), 9 * time.Minute, 11, true, 11},
		{"the window slides", Options{}, spread(11, 50*time.Second), 20 * time.Minute, 0, false, 11},
		{"a day keeps them", Options{}, spread(11, 50*time.Second), 23 * time.Hour, 0, false, 0},
		{"repeats of one source are not new alarms", Options{}, func() []event.Event {
			var es []event.Event
			for i := range 20 {
				es = append(es, alarm(fmt.Sprint("r", i), "fire.smoke", "sensor:SD-1", event.Severe, t0.Add(time.Duration(i)*25*time.Second)))
			}
			return es
		}(), 9 * time.Minute, 1, false, 1},
		{"configured: 3 in 5 minutes", Options{FloodAlarms: 3, FloodWindow: 5 * time.Minute}, spread(4, time.Minute), 4 * time.Minute, 4, true, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.opt)
			feed(c, tc.alarms...)
			now := t0.Add(tc.at)
			c.Tick(now)
			r := c.Snapshot(now).Rate
			if r.Recent != tc.recent || r.Flood != tc.flood || r.Hour.Total() != tc.hour {
				t.Errorf("recent %d, flood %v, hour %d; want %d, %v, %d", r.Recent, r.Flood, r.Hour.Total(), tc.recent, tc.flood, tc.hour)
			}
			if r.Day.Total() != len(tc.alarms) && !strings.Contains(tc.name, "repeats") {
				t.Errorf("day %d, want %d", r.Day.Total(), len(tc.alarms))
			}
		})
	}
	t.Run("mix", func(t *testing.T) {
		c := New(Options{})
		feed(c, spread(10, time.Second)...)
		r := c.Snapshot(t0.Add(time.Minute)).Rate
		want := Mix{Extreme: 2, Severe: 2, Moderate: 2, Minor: 4}
		if r.Hour != want || r.Day != want || r.Hour.Share(event.Minor) != 0.4 {
			t.Errorf("hour %+v, day %+v; want %+v", r.Hour, r.Day, want)
		}
	})
	t.Run("Tick reports the rate falling", func(t *testing.T) {
		c := New(Options{})
		feed(c, spread(3, time.Second)...)
		c.Tick(t0.Add(time.Minute))
		if !c.Tick(t0.Add(11 * time.Minute)) {
			t.Error("the alarms left the window, Tick says nothing changed")
		}
		if c.Tick(t0.Add(11*time.Minute + time.Second)) {
			t.Error("nothing left the window, Tick says something changed")
		}
	})
	t.Run("standing alarms", func(t *testing.T) {
		c := New(Options{})
		e := alarm("old", "equipment.fault", "equipment:P-1", event.Minor, t0)
		e.Expires = time.Time{}
		feed(c, e)
		if s := c.Snapshot(t0.Add(24*time.Hour + time.Minute)); s.Rate.Standing != 1 || !s.Alerts[0].Standing {
			t.Errorf("standing %d, alert marked %v; want 1, marked", s.Rate.Standing, s.Alerts[0].Standing)
		}
		if s := c.Snapshot(t0.Add(23 * time.Hour)); s.Rate.Standing != 0 || s.Alerts[0].Standing {
			t.Errorf("standing %d after 23 h", s.Rate.Standing)
		}
	})
}

func TestFilters(t *testing.T) {
	c := New(Options{})
	d := alarm("drill-severe", "fire.smoke", "sensor:D", event.Severe, t0.Add(4*time.Minute))
	d.Status = event.Exercise
	feed(c, alarm("minor", "equipment.fault", "equipment:1", event.Minor, t0),
		alarm("moderate", "access.tailgating", "gate:1", event.Moderate, t0.Add(time.Minute)),
		alarm("severe", "fire.smoke", "sensor:1", event.Severe, t0.Add(2*time.Minute)),
		alarm("extreme", "fire.alarm", "sensor:2", event.Extreme, t0.Add(3*time.Minute)), d)
	now := t0.Add(5 * time.Minute)
	sh, _ := NewShelve("moderate", "li", "works", time.Hour, now)
	c.Apply(event.Message{Event: sh}, now)
	s := c.Snapshot(now)
	for _, tc := range []struct {
		name string
		f    Filter
		want string
	}{
		{"default", Filter{}, "extreme drill-severe severe minor"},
		{"at least severe", Filter{MinSeverity: event.Severe}, "extreme drill-severe severe"},
		{"a set of severities", Filter{Severities: []event.Severity{event.Minor, event.Extreme}}, "extreme minor"},
		{"drills only", Filter{Drills: Only}, "drill-severe"},
		{"no drills", Filter{Drills: Without}, "extreme severe minor"},
		{"no drills, the old way", Filter{HideDrills: true}, "extreme severe minor"},
		{"drills and the rest", Filter{Drills: Both}, "extreme drill-severe severe minor"},
		{"shelved too", Filter{Shelved: Both}, "extreme drill-severe severe moderate minor"},
		{"the shelf", Filter{Shelved: Only}, "moderate"},
		{"shelved and at least moderate", Filter{Shelved: Both, MinSeverity: event.Moderate}, "extreme drill-severe severe moderate"},
	} {
		if got := subjects(s.Queue(tc.f, now)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestRowsStayPut: repeats of an alert do not move it in the queue; Hold
// keeps the rows on screen in place and adds new ones at the end.
func TestRowsStayPut(t *testing.T) {
	c := New(Options{})
	feed(c, alarm("a", "fire.smoke", "sensor:1", event.Severe, t0), alarm("b", "fire.smoke", "sensor:2", event.Severe, t0.Add(time.Minute)))
	now := t0.Add(2 * time.Minute)
	before := subjects(open(c, now))
	feed(c, alarm("a2", "fire.smoke", "sensor:1", event.Severe, now)) // a repeat of a, newest event of all
	if got := subjects(open(c, now)); got != before {
		t.Errorf("a repeat moved the rows: %q, was %q", got, before)
	}
	feed(c, alarm("x", "fire.alarm", "sensor:3", event.Extreme, now.Add(time.Second)))
	q := open(c, now.Add(time.Second))
	if subjects(q) != "x b a" {
		t.Fatalf("queue %q", subjects(q))
	}
	rows, arrived := Hold(q, []string{"b", "gone", "a"})
	if subjects(rows) != "b a x" || arrived != 1 {
		t.Errorf("held %q, %d arrived; want \"b a x\", 1", subjects(rows), arrived)
	}
	if Compare(&rows[2], &rows[0]) >= 0 {
		t.Error("the arrival does not sort above the view: no banner")
	}
}

func TestRefusals(t *testing.T) {
	setups := map[Status][]string{
		StatusNew:          nil,
		StatusAcknowledged: {ActionAck},
		StatusAssigned:     {ActionAssign},
		StatusResolved:     {ActionResolve},
	}
	cases := []struct {
		status Status
		kind   string
		reason string // "" allowed
	}{
		{StatusNew, ActionAck, ""},
		{StatusNew, ActionUnshelve, ReasonNotShelved},
		{StatusAcknowledged, ActionAck, ReasonAcknowledged},
		{StatusAcknowledged, ActionAssign, ""},
		{StatusAssigned, ActionAck, ReasonAssigned},
		{StatusAssigned, ActionAssign, ReasonSameUnit},
		{StatusAssigned, ActionShelve, ""},
		{StatusResolved, ActionAck, ReasonResolved},
		{StatusResolved, ActionResolve, ReasonResolved},
		{StatusResolved, ActionAssign, ReasonResolved},
		{StatusResolved, ActionShelve, ReasonResolved},
		{StatusResolved, ActionNote, ""},
	}
	for _, tc := range cases {
		t.Run(string(tc.status)+" "+tc.kind, func(t *testing.T) {
			c := New(Options{})
			feed(c, alarm("a1", "fire.smoke", "sensor:1", event.Severe, t0))
			for _, k := range setups[tc.status] {
				c.Apply(action(t, k, "a1", "li", "patrol:R1", "", t0.Add(time.Second)), t0.Add(time.Second))
			}
			e := action(t, tc.kind, "a1", "wang", "patrol:R1", "a note", t0.Add(time.Minute))
			err := c.Check(e.Event)
			var ref *RefusedError
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
			} else if !errors.As(err, &ref) || ref.Reason != tc.reason || !errors.Is(err, ErrRefused) || ref.Kind != tc.kind {
				t.Fatalf("Check: %v, want refused: %s", err, tc.reason)
			}
			a, _ := c.Alert("a1")
			if byState := a.Allows(tc.kind); (byState == nil) != (tc.reason == "" || tc.reason == ReasonSameUnit) {
				t.Errorf("Allows: %v", byState)
			}
			// The same action arriving from the hub: applied only when allowed.
			n := len(a.Actions)
			e.Seq = c.LastSeq() + 1
			changed := c.Apply(e, t0.Add(time.Minute))
			a, _ = c.Alert("a1")
			if changed != (tc.reason == "") || (len(a.Actions) > n) != (tc.reason == "") {
				t.Errorf("applied %v, %d actions (were %d)", changed, len(a.Actions), n)
			}
		})
	}
	t.Run("an alert no longer held", func(t *testing.T) {
		c := New(Options{})
		var ref *RefusedError
		if err := c.Check(action(t, ActionAck, "gone", "li", "", "", t0).Event); !errors.As(err, &ref) || ref.Reason != ReasonGone {
			t.Errorf("%v", err)
		}
		if err := c.Check(smoke("s", t0)); err == nil || errors.Is(err, ErrRefused) {
			t.Errorf("an alarm checked as an action: %v", err)
		}
	})
}

// TestSecondResolveFromTheHub: two consoles resolve the same alert; the
// second resolve arriving from the hub is in the event log but not in
// the alert's actions.
func TestSecondResolveFromTheHub(t *testing.T) {
	c := New(Options{})
	c.Apply(msg(1, smoke("s1", t0)), t0)
	mine := action(t, ActionResolve, "s1", "li", "", "", t0.Add(time.Second))
	c.Apply(mine, t0.Add(time.Second))
	theirs := action(t, ActionResolve, "s1", "wang", "", "", t0.Add(2*time.Second))
	theirs.Seq = 2
	c.Apply(theirs, t0.Add(3*time.Second))
	mine.Seq = 3
	c.Apply(mine, t0.Add(4*time.Second)) // the echo of ours
	a, _ := c.Alert("s1")
	resolves := 0
	for _, x := range a.Actions {
		if x.Kind == ActionResolve {
			resolves++
		}
	}
	if resolves != 1 {
		t.Errorf("%d resolves in the alert's actions, want 1: %+v", resolves, a.Actions)
	}
	_, _, log := c.TakeChanges()
	if len(log) != 4 {
		t.Errorf("%d log rows, want 4 (alarm, two resolves, echo)", len(log))
	}
}

// TestUnitIDsForgotten: a patrol reporting for hours does not make the
// console remember every position's ID.
func TestUnitIDsForgotten(t *testing.T) {
	c := New(Options{})
	for i := range 5000 {
		at := t0.Add(time.Duration(i) * time.Second)
		c.Apply(msg(int64(i+1), pos(fmt.Sprint("p", i), "patrol:R1", at, orb.Point{121.6, 31.2 + float64(i%50)*1e-5})), at)
	}
	c.mu.Lock()
	n := len(c.ids)
	c.mu.Unlock()
	if n > 10 {
		t.Errorf("%d event IDs remembered for one patrol", n)
	}
}

// TestFoldedIDsBounded: a source repeating for hours into one alert keeps
// a bounded number of its event IDs.
func TestFoldedIDsBounded(t *testing.T) {
	c := New(Options{})
	for i := range 3000 {
		feed(c, alarm(fmt.Sprint("f", i), "equipment.fault", "equipment:P-1", event.Minor, t0.Add(time.Duration(i)*time.Second)))
	}
	c.mu.Lock()
	n := len(c.ids)
	c.mu.Unlock()
	if a, _ := c.Alert("f0"); a.Count != 3000 || n > maxFolded+2 {
		t.Errorf("count %d, %d IDs remembered", a.Count, n)
	}
}

package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"safetynet/feeds/event"
)

func TestEnterLeave(t *testing.T) {
	g := newEngine(t, []Rule{
		{ID: "in", Kind: Enter, Zone: "KA-A"},
		{ID: "out", Kind: Leave, Zone: "KA-A", Severity: event.Severe},
	}, testEnv())
	const u = "patrol:PR-1"
	steps := []struct {
		name string
		e    event.Event
		want []string // IDs raised
	}{
		{"first position only sets state", pos(u, at(0), inA), nil},
		{"still inside", pos(u, at(time.Minute), inA), nil},
		{"leaves", pos(u, at(2*time.Minute), outA), []string{"rule:out:patrol:PR-1:" + ms(at(2*time.Minute))}},
		{"older position ignored", pos(u, at(90*time.Second), inA), nil},
		{"same time ignored", pos(u, at(2*time.Minute), inA), nil},
		{"enters", pos(u, at(3*time.Minute), inA), []string{"rule:in:patrol:PR-1:" + ms(at(3*time.Minute))}},
		{"another zone is not this one", pos(u, at(4*time.Minute), inB), []string{"rule:out:patrol:PR-1:" + ms(at(4*time.Minute))}},
		{"a track is not a patrol", pos("track.friendly-1", at(4*time.Minute), outA), nil},
		{"the track moves in", pos("track.friendly-1", at(5*time.Minute), inA), nil},
		{"cancel forgets the unit", event.Event{ID: "c1", Type: "patrol.position", Op: event.Cancel, Subject: u, Time: at(6 * time.Minute)}, nil},
		{"after the cancel the first position sets state", pos(u, at(7*time.Minute), inA), nil},
		{"leaves again", pos(u, at(8*time.Minute), outA), []string{"rule:out:patrol:PR-1:" + ms(at(8*time.Minute))}},
	}
	for _, s := range steps {
		got := g.Observe(s.e, s.e.Time)
		check(t, got)
		if !reflect.DeepEqual(ids(got), s.want) {
			t.Errorf("%s: raised %v, want %v", s.name, ids(got), s.want)
		}
	}

	// The fields of one raised event, checked by hand.
	g = newEngine(t, []Rule{{ID: "in", Kind: Enter, Zone: "KA-A"}}, testEnv())
	g.Observe(pos(u, at(0), outA), at(0))
	e := pos(u, at(time.Minute), inA)
	e.Status = event.Exercise
	got := g.Observe(e, at(time.Minute))
	if len(got) != 1 {
		t.Fatalf("raised %d events, want 1", len(got))
	}
	r := got[0]
	want := "rule:in:patrol:PR-1:" + ms(at(time.Minute))
	if r.ID != want || r.Subject != want || r.Type != "rule.zone_enter" || r.Source != "rule:in" ||
		r.Status != event.Exercise || r.Severity != event.Moderate || !r.Time.Equal(at(time.Minute)) {
		t.Errorf("raised %+v", r)
	}
	if r.Geometry != inA {
		t.Errorf("geometry %v, want the unit's point %v", r.Geometry, inA)
	}
	if r.Title != "Team of patrol:PR-1 entered North Gate" {
		t.Errorf("title %q", r.Title)
	}
	if r.Properties["rule"] != "in" || r.Properties["zone"] != "KA-A" || r.Properties["unit"] != u {
		t.Errorf("properties %v", r.Properties)
	}
}

func TestUnitsPrefix(t *testing.T) {
	g := newEngine(t, []Rule{{ID: "trk", Kind: Enter, Zone: "KA-B", Units: "track."}}, testEnv())
	g.Observe(pos("track.hostile-9", at(0), inA), at(0))
	g.Observe(pos("patrol:PR-1", at(0), inA), at(0))
	if got := g.Observe(pos("patrol:PR-1", at(time.Minute), inB), at(time.Minute)); len(got) != 0 {
		t.Errorf("a patrol raised %v under a track rule", ids(got))
	}
	got := g.Observe(pos("track.hostile-9", at(time.Minute), inB), at(time.Minute))
	if want := []string{"rule:trk:track.hostile-9:" + ms(at(time.Minute))}; !reflect.DeepEqual(ids(got), want) {
		t.Errorf("raised %v, want %v", ids(got), want)
	}
}

func TestAbsence(t *testing.T) {
	g := newEngine(t, []Rule{{ID: "abs", Kind: Absence, Zone: "KA-A", Minutes: 10}}, testEnv())
	const u = "patrol:PR-1"
	id := func(d time.Duration) string { return "rule:abs:KA-A:" + ms(at(d)) }
	steps := []struct {
		name string
		tick time.Duration // when e is zero: Tick at this time
		e    event.Event
		want []string
	}{
		{"not yet", 10*time.Minute - time.Millisecond, event.Event{}, nil},
		{"ten minutes after start", 10 * time.Minute, event.Event{}, []string{id(10 * time.Minute)}},
		{"once per period", 20 * time.Minute, event.Event{}, nil},
		{"outside does not count", 0, pos(u, at(21*time.Minute), outA), nil},
		{"a unit arrives", 0, pos(u, at(22*time.Minute), inA), nil},
		{"inside: nothing", 40 * time.Minute, event.Event{}, nil},
		{"it leaves at 41", 0, pos(u, at(41*time.Minute), outA), nil},
		{"not before 51", 51*time.Minute - time.Second, event.Event{}, nil},
		{"at 51", 51 * time.Minute, event.Event{}, []string{id(51 * time.Minute)}},
		{"back at 55 re-arms", 0, pos(u, at(55*time.Minute), inA), nil},
		{"gone at 56", 0, pos(u, at(56*time.Minute), outA), nil},
		// A unit arriving after the deadline, with no tick between: the
		// absence is raised at its deadline by the arrival itself.
		{"arrives at 70", 0, pos(u, at(70*time.Minute), inA), []string{id(66 * time.Minute)}},
	}
	for _, s := range steps {
		var got []event.Event
		if s.e.ID == "" {
			got = g.Tick(at(s.tick))
		} else {
			got = g.Observe(s.e, s.e.Time)
		}
		check(t, got)
		if !reflect.DeepEqual(ids(got), s.want) {
			t.Errorf("%s: raised %v, want %v", s.name, ids(got), s.want)
		}
		for _, e := range got {
			if e.Type != "rule.absence" || !reflect.DeepEqual(e.Geometry, zoneA) || e.Properties["zone"] != "KA-A" ||
				!strings.Contains(e.Title, "North Gate") || !strings.Contains(e.Title, "10 min") {
				t.Errorf("%s: raised %+v", s.name, e)
			}
		}
	}
}

// TestAbsenceExpiry: a unit whose last position expired no longer holds
// the zone; the absence counts from the expiry.
func TestAbsenceExpiry(t *testing.T) {
	g := newEngine(t, []Rule{{ID: "abs", Kind: Absence, Zone: "KA-A", Minutes: 10}}, testEnv())
	e := pos("patrol:PR-1", at(time.Minute), inA)
	e.Expires = at(6 * time.Minute)
	e.Status = event.Exercise
	if got := g.Observe(e, at(time.Minute)); len(got) != 0 {
		t.Fatalf("raised %v", ids(got))
	}
	if got := g.Tick(at(16*time.Minute - time.Second)); len(got) != 0 {
		t.Errorf("raised %v before 16 min", ids(got))
	}
	got := g.Tick(at(30 * time.Minute))
	if want := []string{"rule:abs:KA-A:" + ms(at(16*time.Minute))}; !reflect.DeepEqual(ids(got), want) {
		t.Fatalf("raised %v, want %v", ids(got), want)
	}
	if got[0].Status != event.Exercise {
		t.Errorf("status %s, want exercise (the drill unit emptied the zone)", got[0].Status)
	}
}

func TestDisabled(t *testing.T) {
	rules := []Rule{
		{ID: "in", Kind: Enter, Zone: "KA-A", Disabled: true},
		{ID: "abs", Kind: Absence, Zone: "KA-A", Minutes: 1, Disabled: true},
		{ID: "cp", Kind: Checkpoint, Disabled: true},
		{ID: "gone", Kind: Leave, Zone: "KA-GONE", Disabled: true}, // a missing zone does not matter
	}
	g := newEngine(t, rules, testEnv())
	var got []event.Event
	got = append(got, g.Observe(pos("patrol:PR-1", at(0), outA), at(0))...)
	got = append(got, g.Observe(pos("patrol:PR-1", at(time.Minute), inA), at(time.Minute))...)
	got = append(got, g.Tick(at(24*time.Hour))...)
	if len(got) != 0 {
		t.Errorf("disabled rules raised %v", ids(got))
	}
}

func TestNewErrors(t *testing.T) {
	env := testEnv()
	env.Routes = append(env.Routes, env.Routes[0])
	env.Routes[2].Code, env.Routes[2].Shifts = "PR-BAD", "8-16"
	for _, tc := range []struct {
		name  string
		rules []Rule
		want  []string
	}{
		{"unknown zone", []Rule{{ID: "ok", Kind: CameraCoverage}, {ID: "x", Kind: Enter, Zone: "KA-Z"}}, []string{`rules[1] (id "x")`, `zone "KA-Z" is not a key area`}},
		{"unknown route", []Rule{{ID: "cp", Kind: Checkpoint, Route: "PR-9"}}, []string{`rules[0] (id "cp")`, `route "PR-9" is not a patrol route`}},
		{"route with bad shifts", []Rule{{ID: "cp", Kind: Checkpoint, Route: "PR-BAD"}}, []string{`(id "cp")`, `shift "8-16"`}},
		{"bad field", []Rule{{ID: "a", Kind: Absence, Zone: "KA-A"}}, []string{`(id "a")`, "minutes is missing"}},
		{"duplicate", []Rule{{ID: "a", Kind: CameraCoverage}, {ID: "a", Kind: Checkpoint}}, []string{"duplicate id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.rules, env, t0)
			if err == nil {
				t.Fatal("New accepted the rules")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// Every route: one with bad shifts is left out of late alerts, not an error.
	if _, err := New([]Rule{{ID: "cp", Kind: Checkpoint}}, env, t0); err != nil {
		t.Errorf("a rule for every route: %v", err)
	}
}

// TestBadEvents: events no decoder would pass still raise nothing and do
// not panic.
func TestBadEvents(t *testing.T) {
	g := newEngine(t, []Rule{
		{ID: "in", Kind: Enter, Zone: "KA-A"}, {ID: "abs", Kind: Absence, Zone: "KA-A", Minutes: 1},
		{ID: "cov", Kind: CameraCoverage}, {ID: "cp", Kind: Checkpoint},
	}, testEnv())
	for _, e := range []event.Event{
		{},
		{Type: "patrol.position", Subject: "patrol:x", Time: at(0)},
		{Type: "patrol.position", Subject: "patrol:x", Time: at(0), Geometry: nil},
		pos("patrol:x", at(time.Second), [2]float64{1e308, -1e308}),
		{Type: "patrol.checkpoint", Time: at(0), Properties: map[string]any{"route": "PR-1", "order": "two"}},
		{Type: "patrol.checkpoint", Time: at(0), Properties: map[string]any{"route": "PR-1", "order": 1e300}},
		{Type: "patrol.checkpoint", Time: at(0), Properties: map[string]any{"route": 7, "order": -1.5}},
		{Type: "camera.offline", Time: at(0), Subject: "camera:"},
		{Type: "camera.offline", Time: at(0), Source: "camera:CAM-1"},
		{Op: event.Cancel, Time: at(0)},
	} {
		check(t, g.Observe(e, at(time.Second)))
	}
}

// TestMaxUnits: beyond MaxUnits the unit heard from least recently is
// forgotten, and the zone it held counts as empty from its last position.
func TestMaxUnits(t *testing.T) {
	g := newEngine(t, []Rule{{ID: "abs", Kind: Absence, Zone: "KA-A", Minutes: 60}}, testEnv())
	g.Observe(pos("patrol:first", at(0), inA), at(0))
	for i := 1; i < MaxUnits; i++ {
		g.Observe(pos(fmt.Sprintf("patrol:%05d", i), at(time.Second), outA), at(time.Second))
	}
	if got := g.Tick(at(2 * time.Hour)); len(got) != 0 {
		t.Fatalf("raised %v while a unit is inside", ids(got))
	}
	got := g.Observe(pos("patrol:one-too-many", at(2*time.Hour), outA), at(2*time.Hour))
	if len(g.units) != MaxUnits {
		t.Errorf("%d units tracked", len(g.units))
	}
	if want := []string{"rule:abs:KA-A:" + ms(at(time.Hour))}; !reflect.DeepEqual(ids(got), want) {
		t.Errorf("raised %v, want %v", ids(got), want)
	}
}

// TestUpdateSubject: an Update without a subject moves the unit its first
// reference names.
func TestUpdateSubject(t *testing.T) {
	g := newEngine(t, []Rule{{ID: "in", Kind: Enter, Zone: "KA-A"}}, testEnv())
	g.Observe(pos("patrol:PR-1", at(0), outA), at(0))
	e := pos("", at(time.Minute), inA)
	e.Op, e.References = event.Update, []string{"patrol:PR-1"}
	got := g.Observe(e, at(time.Minute))
	if want := []string{"rule:in:patrol:PR-1:" + ms(at(time.Minute))}; !reflect.DeepEqual(ids(got), want) {
		t.Errorf("raised %v, want %v", ids(got), want)
	}
}

package rules

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// cpEvent is a checkpoint passed, as cmd/safetynetctl simulate sends it.
func cpEvent(route, code string, order int, tm time.Time) event.Event {
	e := event.Event{ID: "cp-" + route + code + ms(tm), Type: "patrol.checkpoint", Time: tm, Source: "patrol:" + route,
		Geometry: orb.Point{121.0, 31.0}, Properties: map[string]any{"route": route, "order": float64(order)}}
	if code != "" {
		e.Properties["checkpoint"] = code
	}
	return e
}

func TestMissedCheckpoint(t *testing.T) {
	g := newEngine(t, []Rule{{ID: "cp", Kind: Checkpoint}, {ID: "night", Kind: Checkpoint, Route: "PR-N"}}, testEnv())
	m := func(code string, d time.Duration) string { return "rule:cp:PR-1:" + code + ":" + ms(at(d)) }
	steps := []struct {
		name string
		e    event.Event
		want []string
	}{
		{"first pass", cpEvent("PR-1", "CP-1", 1, at(5*time.Minute)), nil},
		{"in order", cpEvent("PR-1", "CP-2", 2, at(10*time.Minute)), nil},
		{"skips CP-3", cpEvent("PR-1", "CP-4", 4, at(20*time.Minute)), []string{m("CP-3", 20*time.Minute)}},
		{"older pass ignored", cpEvent("PR-1", "CP-1", 1, at(15*time.Minute)), nil},
		{"skips CP-1 across the end of the round", cpEvent("PR-1", "CP-2", 2, at(30*time.Minute)), []string{m("CP-1", 30*time.Minute)}},
		{"the same again", cpEvent("PR-1", "CP-2", 2, at(31*time.Minute)), nil},
		{"by order only", cpEvent("PR-1", "", 3, at(40*time.Minute)), nil},
		{"skips two, by order", cpEvent("PR-1", "", 2, at(50*time.Minute)), []string{m("CP-4", 50*time.Minute), m("CP-1", 50*time.Minute)}},
		{"an unknown route", cpEvent("PR-9", "CP-1", 1, at(60*time.Minute)), nil},
		{"an unknown checkpoint", cpEvent("PR-1", "CP-77", 0, at(61*time.Minute)), nil},
	}
	var all []event.Event
	for _, s := range steps {
		got := g.Observe(s.e, s.e.Time)
		check(t, got)
		all = append(all, got...)
		if !reflect.DeepEqual(ids(got), s.want) {
			t.Errorf("%s: raised %v, want %v", s.name, ids(got), s.want)
		}
	}
	e := all[0]
	if e.Type != "patrol.missed_checkpoint" || e.Geometry != (orb.Point{121.002, 31.0}) || e.Title != "Team 1 missed checkpoint CP-3 (Shed)" ||
		e.Properties["route"] != "PR-1" || e.Properties["checkpoint"] != "CP-3" || e.Properties["order"] != 3 || e.Properties["passed"] != "CP-4" {
		t.Errorf("missed: %+v", e)
	}
}

func TestCheckpointLate(t *testing.T) {
	// PR-1: 08:00-16:00, 4 rounds: a round every 2 h; 10 min of grace.
	g := newEngine(t, []Rule{{ID: "cp", Kind: Checkpoint, Route: "PR-1", Minutes: 10}}, testEnv())
	late := func(code string, d time.Duration) string { return "rule:cp:PR-1:" + code + ":late:" + ms(at(d)) }
	h := time.Hour
	if got := g.Observe(cpEvent("PR-1", "CP-1", 1, at(h)), at(h)); len(got) != 0 {
		t.Fatalf("raised %v", ids(got))
	}
	steps := []struct {
		name string
		tick time.Duration
		want []string
	}{
		{"not before 10:10", 2*h + 10*time.Minute - time.Second, nil},
		{"10:10: the checkpoints not passed since 08:00", 2*h + 10*time.Minute,
			[]string{late("CP-2", 2*h+10*time.Minute), late("CP-3", 2*h+10*time.Minute), late("CP-4", 2*h+10*time.Minute)}},
		{"11:10: CP-1, passed at 09:00", 3*h + 10*time.Minute, []string{late("CP-1", 3*h+10*time.Minute)}},
		{"once per round", 4 * h, nil},
		{"to 07:59 the next day: the rest of the shift only", 24*h - time.Minute, []string{
			late("CP-1", 5*h+10*time.Minute), late("CP-1", 7*h+10*time.Minute),
			late("CP-2", 4*h+10*time.Minute), late("CP-2", 6*h+10*time.Minute),
			late("CP-3", 4*h+10*time.Minute), late("CP-3", 6*h+10*time.Minute),
			late("CP-4", 4*h+10*time.Minute), late("CP-4", 6*h+10*time.Minute)}},
		{"the next shift counts from its start", 26*h + 10*time.Minute, []string{
			late("CP-1", 26*h+10*time.Minute), late("CP-2", 26*h+10*time.Minute), late("CP-3", 26*h+10*time.Minute), late("CP-4", 26*h+10*time.Minute)}},
	}
	for _, s := range steps {
		got := g.Tick(at(s.tick))
		check(t, got)
		if !reflect.DeepEqual(ids(got), s.want) {
			t.Errorf("%s: raised %v, want %v", s.name, ids(got), s.want)
		}
		for _, e := range got {
			if e.Type != "rule.checkpoint_late" || e.Properties["round_minutes"] != 120.0 || !strings.Contains(e.Title, "not passed") {
				t.Errorf("%s: %+v", s.name, e)
			}
		}
	}
}

// TestNightShift: a shift across midnight; nothing is late outside it.
func TestNightShift(t *testing.T) {
	// PR-N: 22:00-06:00, 2 rounds: every 4 h, no grace. Start 08:00.
	g := newEngine(t, []Rule{{ID: "n", Kind: Checkpoint, Route: "PR-N"}}, testEnv())
	late := func(code string, d time.Duration) string { return "rule:n:PR-N:" + code + ":late:" + ms(at(d)) }
	h := time.Hour
	for _, s := range []struct {
		tick time.Duration
		want []string
	}{
		{14*h - time.Second, nil},                                  // 21:59:59
		{18*h - time.Second, nil},                                  // 01:59:59
		{21 * h, []string{late("CN-1", 18*h), late("CN-2", 18*h)}}, // at 05:00: late at 02:00; 06:00 ends the shift
		{37 * h, nil}, // 21:00 the next day
		{42 * h, []string{late("CN-1", 42*h), late("CN-2", 42*h)}},
	} {
		got := g.Tick(at(s.tick))
		check(t, got)
		if !reflect.DeepEqual(ids(got), s.want) {
			t.Errorf("tick at %s: raised %v, want %v", at(s.tick).Format("Jan 2 15:04:05"), ids(got), s.want)
		}
	}
}

func TestParseShifts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []shift
		bad  bool
	}{
		{"", nil, false},
		{"08:00-16:00", []shift{{480, 960}}, false},
		{"08:00-16:00, 16:00-24:00,00:00-08:00", []shift{{480, 960}, {960, 1440}, {0, 480}}, false},
		{"22:00-06:00", []shift{{1320, 1800}}, false},
		{"08:00-08:00", []shift{{480, 1920}}, false},
		{"8:30-9:45", []shift{{510, 585}}, false},
		{"08:00-25:00", nil, true},
		{"24:00-06:00", nil, true},
		{"08:60-09:00", nil, true},
		{"08:00", nil, true},
		{"+8:00-09:00", nil, true},
		{"08:00-16:00,x", nil, true},
	} {
		got, err := parseShifts(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("parseShifts(%q) = %v, %v", tc.in, got, err)
		}
	}
}

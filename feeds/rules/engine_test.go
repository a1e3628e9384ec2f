package rules

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// stream is a deterministic mixed stream over the test community: three
// patrols walking east and west through both zones, checkpoints passed
// with gaps and a long pause, a camera going offline and back, and a tick every 20 s.
func stream(n int) []event.Event {
	var out []event.Event
	for i := 0; i < n; i++ {
		tm := at(time.Duration(i) * 20 * time.Second)
		for p := 0; p < 3; p++ {
			phase := float64(i)/30 + float64(p)*2
			x := 121.0015 + 0.0025*math.Sin(phase)
			e := event.Event{ID: fmt.Sprintf("pos-%d-%d", p, i), Type: "patrol.position", Time: tm.Add(time.Duration(p) * time.Second),
				Subject: fmt.Sprintf("patrol:PR-%d", p+1), Title: fmt.Sprintf("Team %d", p+1),
				Geometry: orb.Point{x, 31.0005}, Expires: tm.Add(5 * time.Minute)}
			if i%50 == 7 {
				e.Status = event.Exercise
			}
			out = append(out, e)
		}
		if i%9 == 0 && (i < 700 || i >= 1200) { // a pause of almost 3 h
			order := (i/9)%4 + 1
			if i%45 == 0 {
				order = order%4 + 1 // skip one now and then
			}
			out = append(out, cpEvent("PR-1", fmt.Sprintf("CP-%d", order), order, tm))
		}
		switch i % 200 {
		case 60:
			out = append(out, camEvent("camera.offline", "CAM-1", tm))
		case 140:
			out = append(out, camEvent("camera.online", "CAM-1", tm))
		}
		if i == 400 {
			out = append(out, event.Event{ID: "cancel-2", Type: "patrol.position", Op: event.Cancel, Subject: "patrol:PR-2", Time: tm})
		}
	}
	return out
}

func allKinds() []Rule {
	return []Rule{
		{ID: "a-in", Kind: Enter, Zone: "KA-A"},
		{ID: "a-out", Kind: Leave, Zone: "KA-A"},
		{ID: "b-in", Kind: Enter, Zone: "KA-B", Severity: event.Severe},
		{ID: "a-abs", Kind: Absence, Zone: "KA-A", Minutes: 3},
		{ID: "b-abs", Kind: Absence, Zone: "KA-B", Minutes: 5},
		{ID: "cov", Kind: CameraCoverage},
		{ID: "cp", Kind: Checkpoint, Minutes: 10},
	}
}

func run(t *testing.T, events []event.Event) []event.Event {
	env := testEnv()
	env.Coverage = &fakeCoverage{base: map[string]float64{"KA-A": 0.9, "KA-B": 0.95},
		loss: map[string]map[string]float64{"CAM-1": {"KA-A": 0.5, "KA-B": 0.5}}, off: map[string]bool{}}
	g := newEngine(t, allKinds(), env)
	var out []event.Event
	var last time.Time
	for _, e := range events {
		out = append(out, g.Observe(e, e.Time)...)
		if e.Time.Sub(last) >= 20*time.Second {
			out = append(out, g.Tick(e.Time)...)
			last = e.Time
		}
	}
	return out
}

// TestDeterministic: the same stream twice gives identical events, every
// one valid, with unique IDs, and each kind of rule fired.
func TestDeterministic(t *testing.T) {
	events := stream(2000) // 11 hours
	a, b := run(t, events), run(t, events)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs over the same stream raised different events")
	}
	check(t, a)
	seen := map[string]bool{}
	types := map[string]int{}
	for _, e := range a {
		if seen[e.ID] {
			t.Errorf("ID %s raised twice", e.ID)
		}
		seen[e.ID] = true
		types[e.Type]++
	}
	for _, typ := range []string{TypeZoneEnter, TypeZoneLeave, TypeAbsence, TypeCoverageDrop, TypeMissedCheckpoint, TypeCheckpointLate} {
		if types[typ] == 0 {
			t.Errorf("no %s raised; raised %v", typ, types)
		}
	}
	// Ticking more often changes nothing: times come from the events.
	env := testEnv()
	env.Coverage = &fakeCoverage{base: map[string]float64{"KA-A": 0.9, "KA-B": 0.95},
		loss: map[string]map[string]float64{"CAM-1": {"KA-A": 0.5, "KA-B": 0.5}}, off: map[string]bool{}}
	g := newEngine(t, allKinds(), env)
	var c []event.Event
	for _, e := range events {
		c = append(c, g.Observe(e, e.Time)...)
		c = append(c, g.Tick(e.Time)...)
	}
	if !reflect.DeepEqual(sortedIDs(a), sortedIDs(c)) {
		t.Errorf("ticking at every event raised other events: %d vs %d", len(a), len(c))
	}
}

func sortedIDs(es []event.Event) map[string]bool {
	m := map[string]bool{}
	for _, e := range es {
		m[e.ID] = true
	}
	return m
}

package rules_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
	"safetynet/feeds/rules"
)

// A patrol walking into the north gate at 08:11 UTC raises one
// rule.zone_enter; the gate, empty again from 08:12, raises one
// rule.absence at 08:42 (IDs end in the trigger time, Unix milliseconds).
func Example() {
	rs, err := rules.Parse([]byte(`[
		{"id": "gate-n-in", "kind": "enter", "zone": "KA-GATE-N"},
		{"id": "gate-n-empty", "kind": "absence", "zone": "KA-GATE-N", "minutes": 30}
	]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	gate := orb.Polygon{{{121.000, 31.000}, {121.001, 31.000}, {121.001, 31.001}, {121.000, 31.001}, {121.000, 31.000}}}
	env := rules.Env{Zones: map[string]orb.Polygon{"KA-GATE-N": gate}, ZoneNames: map[string]string{"KA-GATE-N": "North Gate"}, Location: time.UTC}
	start := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	g, err := rules.New(rs, env, start)
	if err != nil {
		fmt.Println(err)
		return
	}
	walk := func(min int, lon float64) {
		t := start.Add(time.Duration(min) * time.Minute)
		e := event.Event{ID: fmt.Sprint("p", min), Type: "patrol.position", Time: t, Subject: "patrol:PR-1",
			Title: "Security Team 1", Geometry: orb.Point{lon, 31.0005}}
		for _, r := range g.Observe(e, t) {
			fmt.Println(r.Type, r.ID, r.Title)
		}
	}
	walk(10, 120.999) // outside
	walk(11, 121.0005)
	walk(12, 121.002)
	for _, r := range g.Tick(start.Add(time.Hour)) {
		fmt.Println(r.Type, r.ID, r.Title)
	}
	// Output:
	// rule.zone_enter rule:gate-n-in:patrol:PR-1:1777623060000 Security Team 1 entered North Gate
	// rule.absence rule:gate-n-empty:KA-GATE-N:1777624920000 No unit at North Gate for 30 min
}

package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/event"
)

// t0 is the start of every test engine: 08:00 UTC.
var t0 = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func ms(t time.Time) string { return fmt.Sprint(t.UnixMilli()) }

func square(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// The test zone KA-A is a square of about 100 m; inA is inside, outA west
// of it.
var (
	zoneA = square(121.000, 31.000, 121.001, 31.001)
	zoneB = square(121.002, 31.000, 121.003, 31.001)
	inA   = orb.Point{121.0005, 31.0005}
	inB   = orb.Point{121.0025, 31.0005}
	outA  = orb.Point{120.9990, 31.0005}
)

func testEnv() Env {
	return Env{
		Zones:     map[string]orb.Polygon{"KA-A": zoneA, "KA-B": zoneB},
		ZoneNames: map[string]string{"KA-A": "North Gate", "KA-B": "Square"},
		ZoneKinds: map[string]string{"KA-A": "gate", "KA-B": "square"},
		Routes: []store.PatrolRoute{
			{Code: "PR-1", Team: "Team 1", Shifts: "08:00-16:00", RoundsPerShift: 4,
				Geom: orb.LineString{{121.0, 31.0}, {121.003, 31.0}}},
			{Code: "PR-N", Team: "Night Team", Shifts: "22:00-06:00", RoundsPerShift: 2,
				Geom: orb.LineString{{121.0, 31.001}, {121.003, 31.001}}},
		},
		Checkpoints: []store.Checkpoint{
			// Out of Seq order on purpose.
			{Code: "CP-3", RouteCode: "PR-1", Seq: 3, Geom: orb.Point{121.002, 31.0}, Names: store.Names{NameEn: "Shed"}},
			{Code: "CP-1", RouteCode: "PR-1", Seq: 1, Geom: orb.Point{121.000, 31.0}},
			{Code: "CP-2", RouteCode: "PR-1", Seq: 2, Geom: orb.Point{121.001, 31.0}},
			{Code: "CP-4", RouteCode: "PR-1", Seq: 4, Geom: orb.Point{121.003, 31.0}},
			{Code: "CN-1", RouteCode: "PR-N", Seq: 1, Geom: orb.Point{121.000, 31.001}},
			{Code: "CN-2", RouteCode: "PR-N", Seq: 2, Geom: orb.Point{121.003, 31.001}},
		},
		Location: time.UTC,
	}
}

func newEngine(t *testing.T, rules []Rule, env Env) *Engine {
	t.Helper()
	g, err := New(rules, env, t0)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var seq int

func pos(subject string, tm time.Time, p orb.Point) event.Event {
	seq++
	return event.Event{ID: fmt.Sprintf("pos-%d", seq), Type: "patrol.position", Time: tm, Geometry: p,
		Subject: subject, Source: subject, Title: "Team of " + subject, Status: event.Actual}
}

// check asserts that the events are valid and come from their rules.
func check(t *testing.T, es []event.Event) {
	t.Helper()
	for _, e := range es {
		c := e
		if err := c.Validate(); err != nil {
			t.Errorf("raised event %s does not validate: %v", e.ID, err)
		}
		rule, _ := e.Properties["rule"].(string)
		if rule == "" || e.Source != "rule:"+rule {
			t.Errorf("event %s: source %q, rule property %q", e.ID, e.Source, rule)
		}
		if e.Op != event.Cancel && !strings.HasPrefix(e.ID, "rule:"+rule+":") {
			t.Errorf("event %s: ID does not start with rule:%s:", e.ID, rule)
		}
	}
}

func ids(es []event.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

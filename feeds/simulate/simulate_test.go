package simulate

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// demoStore writes the demo community to a new GeoPackage.
func demoStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Write(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// simHour plays the demo community for d of real time at 5 events a
// second with the rates r and returns what it sent.
func simHour(t *testing.T, s *store.Store, seed uint64, r Rates, d time.Duration, drill bool) []event.Event {
	t.Helper()
	sim, err := New(context.Background(), s, Options{Seed: seed, Speed: 5, Drill: drill, Language: "en", Rates: r})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	sim.Start(start, d)
	var out []event.Event
	for now := start; now.Before(start.Add(d)); now = now.Add(200 * time.Millisecond) {
		e := sim.Next(now)
		if err := e.Validate(); err != nil {
			t.Fatalf("%s: %v", e.ID, err)
		}
		out = append(out, e)
	}
	return append(out, sim.Finish(start.Add(d))...)
}

// alarmKinds are the types of the simulated alarms.
var alarmKinds = map[string]bool{"intrusion.perimeter": true, "access.forced_door": true, "access.tailgating": true,
	"fire.smoke": true, "equipment.fault": true}

// story sums up a simulated run: alarms (first reports, not a chattering
// device's repeats), their severities, the false ones (cancelled or back
// to normal).
type story struct {
	alarms, repeats, falses int
	sev                     map[event.Severity]int
}

func tell(es []event.Event) story {
	st := story{sev: map[event.Severity]int{}}
	for _, e := range es {
		switch {
		case e.Op == event.Cancel, strings.HasSuffix(e.Type, ".normal"):
			st.falses++
		case alarmKinds[e.Type] && e.Properties["repeat"] == true:
			st.repeats++
		case alarmKinds[e.Type]:
			st.alarms++
			st.sev[e.Severity]++
		}
	}
	return st
}

// TestSimulatedAlarmRates: a default hour of the demo community has a few
// alarms, most of them minor, some false; faster and configured runs keep
// the severity mix of ISA-18.2 and the shares asked for.
func TestSimulatedAlarmRates(t *testing.T) {
	s := demoStore(t)

	t.Run("a default hour", func(t *testing.T) {
		total := story{sev: map[event.Severity]int{}}
		const hours = 8
		for seed := uint64(1); seed <= hours; seed++ {
			st := tell(simHour(t, s, seed, DefaultRates(), time.Hour, false))
			if st.alarms > 15 {
				t.Errorf("seed %d: %d alarms in an hour, want a few", seed, st.alarms)
			}
			total.alarms += st.alarms
			total.falses += st.falses
			for k, v := range st.sev {
				total.sev[k] += v
			}
		}
		perHour := float64(total.alarms) / hours
		t.Logf("%d hours: %.1f alarms an hour, severities %v, %d false of %d", hours, perHour, total.sev, total.falses, total.alarms)
		if perHour < 1.5 || perHour > 8 {
			t.Errorf("%.1f alarms an hour, want a few (about 4)", perHour)
		}
		if low := total.sev[event.Minor] + total.sev[event.Moderate]; low*2 <= total.alarms || total.sev[event.Minor] < total.sev[event.Severe]+total.sev[event.Extreme] {
			t.Errorf("severities %v: want most of them minor", total.sev)
		}
		if total.falses == 0 || total.falses >= total.alarms {
			t.Errorf("%d false of %d alarms, want some", total.falses, total.alarms)
		}
	})

	for _, tc := range []struct {
		name                            string
		r                               Rates
		perHour, false, extreme, severe float64 // wanted
	}{
		{"accelerated 100 times", Rates{PerHour: 4, FalseShare: 0.5, ExtremeShare: 0.05, SevereShare: 0.15, Accel: 100}, 400, 0.5, 0.05, 0.15},
		{"configured", Rates{PerHour: 60, FalseShare: 0.2, ExtremeShare: 0.1, SevereShare: 0.4, Accel: 10}, 600, 0.2, 0.1, 0.4},
		{"no false alarms", Rates{PerHour: 300, FalseShare: 0, ExtremeShare: 0, SevereShare: 0, Accel: 1}, 300, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tell(simHour(t, s, 7, tc.r, time.Hour, false))
			n := float64(st.alarms)
			if math.Abs(n-tc.perHour) > 4*math.Sqrt(tc.perHour) {
				t.Errorf("%d alarms in the hour, want about %.0f", st.alarms, tc.perHour)
			}
			within := func(what string, got, want float64) {
				if sd := math.Sqrt(want * (1 - want) / n); math.Abs(got-want) > 4*sd+0.01 {
					t.Errorf("%s share %.3f, want about %.2f", what, got, want)
				}
			}
			within("false", float64(st.falses)/n, tc.false)
			within("extreme", float64(st.sev[event.Extreme])/n, tc.extreme)
			within("severe", float64(st.sev[event.Severe])/n, tc.severe)
			if tc.false == 0 && st.repeats > 0 {
				t.Errorf("%d repeats without false alarms", st.repeats)
			}
		})
	}
}

// TestSimulatedHourOnTheConsole: an hour's alarms of the simulator in
// three minutes, as a drill, on the console: repeats fold into their
// alerts and cancelled alarms leave, so there are fewer alerts than
// alarms; the console says it is in a flood; the drill's end closes every
// alert it raised.
func TestSimulatedHourOnTheConsole(t *testing.T) {
	s := demoStore(t)
	r := DefaultRates()
	r.PerHour, r.Accel = 60, 20
	es := simHour(t, s, 3, r, 3*time.Minute, true)
	st := tell(es)
	end := es[len(es)-1]
	if end.Type != console.TypeDrillEnd || end.Status != event.Exercise || end.Properties["drill"] != es[0].Properties["drill"] {
		t.Fatalf("the drill ends with %s %s %v", end.Type, end.Status, end.Properties)
	}
	c := console.New(console.Options{})
	cancels := 0
	for i, e := range es[:len(es)-1] {
		c.Apply(event.Message{Seq: int64(i + 1), Event: e}, e.Time)
		if e.Op == event.Cancel {
			cancels++
		}
	}
	now := end.Time
	snap := c.Snapshot(now)
	alerts := 0
	for _, a := range snap.Alerts {
		if alarmKinds[a.Event.Type] {
			alerts++
		}
	}
	if alerts == 0 || alerts > st.alarms-cancels {
		t.Errorf("%d alerts for %d alarms (%d repeats, %d cancelled)", alerts, st.alarms, st.repeats, cancels)
	}
	if !snap.Rate.Flood || snap.Rate.Recent > st.alarms {
		t.Errorf("rate %+v for %d alarms in 3 minutes", snap.Rate, st.alarms)
	}
	c.Apply(event.Message{Seq: int64(len(es)), Event: end}, now)
	if q := c.Snapshot(now).Queue(console.Filter{}, now); len(q) != 0 {
		t.Errorf("%d drill alerts open after the drill ended", len(q))
	}
}

package replay_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/replay"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

var centre = orb.Point{121.6, 31.2}

// sec is t0 plus s seconds (fractions to the millisecond).
func sec(s float64) time.Time {
	return t0.Add(time.Duration(s * float64(time.Second))).Round(time.Millisecond)
}

// cue is one thing that happens in the scripted session: a message from
// the hub, or an operator's action applied locally and echoed by the hub
// a little later.
type cue struct {
	at     float64
	e      event.Event
	action bool
}

// script is a session of a little over four minutes: two patrol units
// moving (one stops reporting and is removed), a fire alarm folded with
// a repeat, acknowledged, assigned, escalated by a more severe repeat,
// cleared by its source and resolved; a CAP area shelved until its shelf
// time is over; a drill alarm ended by drill.end; an alarm without a
// position with a note.
func script(t *testing.T) []cue {
	t.Helper()
	var cs []cue
	for i := 0; i < 50; i++ {
		at := 0.2 + float64(i)*5
		for k, subj := range []string{"patrol:R1", "patrol:R2"} {
			if subj == "patrol:R2" && at > 60 {
				continue
			}
			p := orb.Point{121.6 + float64(i)*2e-5, 31.2 + float64(k)*3e-4}
			tm := sec(at)
			cs = append(cs, cue{at: at, e: event.Event{ID: fmt.Sprintf("pos-%d-%d", k, i), Type: "patrol.position", Subject: subj,
				Time: tm, Stale: tm.Add(30 * time.Second), Expires: tm.Add(10 * time.Minute), Geometry: p, Title: strings.TrimPrefix(subj, "patrol:"),
				Properties: map[string]any{"heading_deg": 90.0}}})
		}
	}
	alarm := func(at float64, id, typ string, sev event.Severity, src string) cue {
		tm := sec(at)
		return cue{at: at, e: event.Event{ID: id, Type: typ, Severity: sev, Time: tm, Expires: tm.Add(2 * time.Hour), Source: src,
			Geometry: orb.Point{121.6012, 31.2007}, Title: "Smoke in the bike shed"}}
	}
	act := func(at float64, kind, subj, unit, note string) cue {
		e, err := console.NewAction(kind, subj, "li", unit, note, sec(at))
		if err != nil {
			t.Fatal(err)
		}
		return cue{at: at, e: e, action: true}
	}
	shelve, err := console.NewShelve("cap-1", "wang", "works on the gate", 30*time.Second, sec(20))
	if err != nil {
		t.Fatal(err)
	}
	cap1 := event.Event{ID: "cap-1", Type: "intrusion.perimeter", Severity: event.Moderate, Time: sec(5), Expires: sec(5).Add(time.Hour),
		Format: event.CAP, Title: "Perimeter breach, east fence",
		Geometry: orb.Polygon{{{121.601, 31.201}, {121.602, 31.201}, {121.602, 31.202}, {121.601, 31.202}, {121.601, 31.201}}}}
	drill := alarm(30, "d-1", "fire.smoke", event.Severe, "sensor:SD-9")
	drill.e.Status, drill.e.Properties, drill.e.Title = event.Exercise, map[string]any{"drill": "D1"}, "Drill: smoke at block 3"
	end := event.Event{ID: "d-end", Type: console.TypeDrillEnd, Status: event.Exercise, Time: sec(60), Properties: map[string]any{"drill": "D1"},
		Title: "End of drill D1"}
	normal := event.Event{ID: "n-1", Type: "fire.normal", Source: "sensor:SD-1", Time: sec(80), Title: "Smoke detector SD-1 normal"}
	noPos := alarm(100, "c-1", "access.forced_door", event.Severe, "door:D7")
	noPos.e.Geometry = nil
	cs = append(cs,
		alarm(1.3, "a-1", "fire.smoke", event.Severe, "sensor:SD-1"),
		alarm(3.5, "a-2", "fire.smoke", event.Severe, "sensor:SD-1"), // folds into a-1
		cue{at: 5, e: cap1},
		act(10, console.ActionAck, "a-1", "", ""),
		act(15, console.ActionAssign, "a-1", "patrol:R1", ""),
		cue{at: 20, e: shelve, action: true},
		drill,
		act(40, console.ActionAck, "d-1", "", ""),
		cue{at: 60, e: end},
		alarm(70, "a-3", "fire.smoke", event.Extreme, "sensor:SD-1"), // escalates a-1
		cue{at: 80, e: normal},
		act(90, console.ActionResolve, "a-1", "", ""),
		noPos,
		act(120, console.ActionNote, "c-1", "", "guard sent to door 7"),
	)
	slices.SortStableFunc(cs, func(a, b cue) int { return sec(a.at).Compare(sec(b.at)) })
	return cs
}

var opt = console.Options{Centre: centre, RemoveAfter: time.Minute}

// session runs a real console over the script, ticking once a second on
// whole seconds as the live feed does, and returns its log (what
// TakeChanges hands the store) and its snapshots at the instants asked.
func session(t *testing.T, instants []float64) ([]store.LogRow, map[float64]console.Snapshot) {
	t.Helper()
	c := console.New(opt)
	type ev struct {
		at   time.Time
		tick bool
		m    event.Message
	}
	var evs []ev
	seq := int64(0)
	for _, x := range script(t) {
		if err := x.e.Validate(); err != nil {
			t.Fatalf("%s: %v", x.e.ID, err)
		}
		at := sec(x.at)
		if x.action {
			evs = append(evs, ev{at: at, m: event.Message{Event: x.e}})
			at = at.Add(300 * time.Millisecond) // the hub's echo
		}
		evs = append(evs, ev{at: at, m: event.Message{Seq: 1, Publisher: "sim", Received: at, State: event.Fresh, Event: x.e}})
	}
	for s := 1; s <= 300; s++ {
		evs = append(evs, ev{at: sec(float64(s)), tick: true})
	}
	// Ticks before messages of the same instant, as the replay does.
	slices.SortStableFunc(evs, func(a, b ev) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if a.tick != b.tick {
			if a.tick {
				return -1
			}
			return 1
		}
		return 0
	})
	for i := range evs {
		if evs[i].m.Seq > 0 { // the hub's numbers, in the order it sends
			seq++
			evs[i].m.Seq = seq
		}
	}
	var rows []store.LogRow
	snaps := map[float64]console.Snapshot{}
	next := 0
	slices.Sort(instants)
	take := func(until time.Time) {
		for next < len(instants) && sec(instants[next]).Before(until) {
			snaps[instants[next]] = c.Snapshot(sec(instants[next]))
			next++
		}
	}
	for i, e := range evs {
		take(e.at)
		if e.tick {
			c.Tick(e.at)
		} else {
			c.Apply(e.m, e.at)
		}
		if i%7 == 0 {
			_, _, log := c.TakeChanges()
			rows = append(rows, log...)
		}
	}
	take(sec(1e6))
	_, _, log := c.TakeChanges()
	return append(rows, log...), snaps
}

// same compares two pictures field by field (the version aside) and
// reports the first differences.
func same(t *testing.T, at float64, got, want console.Snapshot) {
	t.Helper()
	got.Version, want.Version = 0, 0
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	if js(got) == js(want) {
		return
	}
	if len(got.Alerts) != len(want.Alerts) || len(got.Units) != len(want.Units) {
		t.Errorf("t+%gs: %d alerts, %d units; want %d, %d", at, len(got.Alerts), len(got.Units), len(want.Alerts), len(want.Units))
		return
	}
	for i := range want.Alerts {
		if g, w := js(got.Alerts[i]), js(want.Alerts[i]); g != w {
			t.Errorf("t+%gs: alert %s:\n got %s\nwant %s", at, want.Alerts[i].Subject, g, w)
		}
	}
	for i := range want.Units {
		if g, w := js(got.Units[i]), js(want.Units[i]); g != w {
			t.Errorf("t+%gs: unit %s:\n got %s\nwant %s", at, want.Units[i].Subject, g, w)
		}
	}
	if g, w := js(got.Rate), js(want.Rate); g != w {
		t.Errorf("t+%gs: rate %s, want %s", at, g, w)
	}
	if g, w := js(got.Info), js(want.Info); g != w {
		t.Errorf("t+%gs: info\n got %s\nwant %s", at, g, w)
	}
}

var instants = []float64{0, 1.3, 2, 4, 12, 15.1, 25, 49.5, 51, 55, 61, 65, 72, 85, 95, 105, 125, 150, 170, 200, 260, 299}

func TestAtEqualsLiveConsole(t *testing.T) {
	rows, want := session(t, instants)
	kinds := map[string]int{}
	for _, r := range rows {
		kinds[r.Kind]++
	}
	// The session must exercise what the replay re-derives: escalate,
	// clear, the drill's end and the shelf's end are rule rows.
	if kinds[replay.RowRule] < 4 || kinds[replay.RowAction] < 10 {
		t.Fatalf("the session logged %v: it lacks the automatic actions it is meant to have", kinds)
	}
	for _, every := range []int{1, 7, 100000} {
		t.Run(fmt.Sprint("every", every), func(t *testing.T) {
			l, err := replay.New(rows, replay.Options{Console: opt, Every: every})
			if err != nil {
				t.Fatal(err)
			}
			for _, at := range instants {
				same(t, at, l.At(sec(at)), want[at])
			}
			// Backwards, then forwards again, then at random.
			for _, at := range []float64{260, 12, 95, 51, 299, 0, 150} {
				same(t, at, l.At(sec(at)), want[at])
			}
		})
	}
}

// TestRulesNotDoubled: the automatic actions recorded once in the log
// appear once in the replayed picture.
func TestRulesNotDoubled(t *testing.T) {
	rows, _ := session(t, nil)
	l, err := replay.New(rows, replay.Options{Console: opt})
	if err != nil {
		t.Fatal(err)
	}
	count := func(s console.Snapshot, subj, kind string) int {
		n := 0
		for _, a := range s.Alerts {
			if a.Subject == subj {
				for _, x := range a.Actions {
					if x.Kind == kind && x.Operator == console.System {
						n++
					}
				}
			}
		}
		return n
	}
	s := l.At(sec(100))
	for _, c := range []struct {
		subj, kind string
	}{
		{"a-1", console.ActionEscalate}, {"a-1", console.ActionClear}, {"d-1", console.ActionResolve}, {"cap-1", console.ActionUnshelve},
	} {
		if n := count(s, c.subj, c.kind); n != 1 {
			t.Errorf("%s: %d automatic %s actions, want 1", c.subj, n, c.kind)
		}
	}
	// Hand-checked picture at t+100 s.
	byID := map[string]console.Alert{}
	for _, a := range s.Alerts {
		byID[a.Subject] = a
	}
	if a := byID["a-1"]; a.Status != console.StatusResolved || a.Count != 3 || a.Severity != event.Extreme || a.Cleared.IsZero() {
		t.Errorf("a-1: %s, count %d, %s, cleared %v; want resolved, 3, extreme, cleared", a.Status, a.Count, a.Severity, a.Cleared)
	}
	if a := byID["d-1"]; a.Status != console.StatusResolved {
		t.Errorf("d-1: %s, want resolved by the drill's end", a.Status)
	}
	if a := byID["cap-1"]; !a.ShelvedUntil.IsZero() || a.Status != console.StatusNew {
		t.Errorf("cap-1: shelved until %v, %s; want off the shelf, new", a.ShelvedUntil, a.Status)
	}
	if len(s.Units) != 2 {
		t.Errorf("%d units at t+100 s, want 2 (R2 stale, not yet removed)", len(s.Units))
	}
	if s := l.At(sec(200)); len(s.Units) != 1 || s.Units[0].Subject != "patrol:R1" || len(s.Units[0].Trail) != 20 {
		t.Errorf("t+200 s: units %v; want R1 alone with a trail of 20", s.Units)
	}
}

func TestMarksAndTracks(t *testing.T) {
	rows, _ := session(t, nil)
	l, err := replay.New(rows, replay.Options{Console: opt})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range l.Marks() {
		got = append(got, fmt.Sprintf("%g %d %s %s", m.Time.Sub(t0).Seconds(), m.Kind, m.Type, m.Subject))
	}
	want := []string{"10 2 ack a-1", "15 2 assign a-1", "20 2 shelve cap-1", "30 1 fire.smoke d-1", "40 2 ack d-1",
		"60 1 drill.end d-end", "90 2 resolve a-1", "120 2 note c-1"}
	if !slices.Equal(got, want) {
		t.Errorf("marks\n got %q\nwant %q", got, want)
	}
	if m, ok := l.Next(sec(30), replay.MarkAny); !ok || m.Type != console.ActionAck || m.Subject != "d-1" {
		t.Errorf("next after t+30 s: %+v", m)
	}
	if m, ok := l.Next(sec(30), replay.MarkInject); !ok || m.Type != console.TypeDrillEnd {
		t.Errorf("next inject after t+30 s: %+v", m)
	}
	if m, ok := l.Prev(sec(30), replay.MarkInject|replay.MarkAction); !ok || m.Type != console.ActionShelve {
		t.Errorf("previous before t+30 s: %+v", m)
	}
	if _, ok := l.Prev(sec(10), replay.MarkAny); ok {
		t.Error("a mark before the first")
	}
	if _, ok := l.Next(sec(120), replay.MarkAny); ok {
		t.Error("a mark after the last")
	}
	if ds, ok := l.DrillStart(); !ok || !ds.Equal(sec(30)) {
		t.Errorf("drill start %v, want t+30 s", ds)
	}
	from, to := l.Span()
	if !from.Equal(sec(0.2)) || to.Before(sec(245)) {
		t.Errorf("span %v – %v", from, to)
	}
	tr := l.Track("patrol:R2", sec(100))
	if len(tr) != 12 || tr[11].At != (orb.Point{121.6 + 11*2e-5, 31.2003}) {
		t.Errorf("R2's track to t+100 s: %d points, last %v; want 12, the one of t+55.2 s", len(tr), tr)
	}
	if all := l.Tracks(sec(100), 5); len(all) != 2 || len(all["patrol:R1"]) != 5 {
		t.Errorf("tracks: %d units, R1 %d points", len(all), len(all["patrol:R1"]))
	}
}

func TestBadRows(t *testing.T) {
	rows, _ := session(t, []float64{100})
	good := len(rows)
	rows = append(rows,
		store.LogRow{Time: sec(3), Kind: replay.RowEvent, Data: []byte(`{"seq":`)},
		store.LogRow{Time: sec(4), Kind: "gossip", Data: []byte(`{}`)},
		store.LogRow{Kind: replay.RowEvent},
		store.LogRow{Time: sec(5), Kind: replay.RowRule, Data: []byte(`[1]`)},
		store.LogRow{Time: sec(6), Kind: replay.RowAction, Data: []byte(`{"seq":3}`)},
		store.LogRow{Time: sec(7), Kind: replay.RowObservation, Operator: "evaluator", Data: []byte(`{"text":"gate 3 not opened"}`)},
		store.LogRow{Time: sec(8), Kind: replay.RowDrill, Subject: "drill-1", Data: []byte(`{"what":"pause"}`)},
	)
	l, err := replay.New(rows, replay.Options{Console: opt})
	if err != nil && strings.Contains(err.Error(), fmt.Sprintf("row %d", good+6)) {
		t.Errorf("a drill director's entry is taken for a bad row: %v", err)
	}
	if err == nil {
		t.Fatal("no error for bad rows")
	}
	for _, w := range []string{fmt.Sprintf("row %d", good), "gossip", "no time", fmt.Sprintf("row %d", good+3), "no event id"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	if l == nil || len(l.At(sec(100)).Alerts) != 4 {
		t.Error("the good rows are not replayed")
	}
	if m, ok := l.Next(sec(6), replay.MarkObservation); !ok || m.Label != "gate 3 not opened" || m.Operator != "evaluator" {
		t.Errorf("observation mark %+v", m)
	}
	empty, err := replay.New(nil, replay.Options{})
	if err != nil || len(empty.At(t0).Alerts) != 0 {
		t.Errorf("empty log: %v", err)
	}
	if from, to := empty.Span(); !from.IsZero() || !to.IsZero() {
		t.Error("an empty log has a span")
	}
}

// TestLongQuiet: a log with a month between its rows builds quickly,
// with a tick just before the later row.
func TestLongQuiet(t *testing.T) {
	rows, _ := session(t, nil)
	late := rows[len(rows)-1]
	late.Time = late.Time.Add(30 * 24 * time.Hour)
	l, err := replay.New(append(rows, late), replay.Options{Console: opt})
	if err != nil {
		t.Fatal(err)
	}
	s := l.At(late.Time)
	for _, a := range s.Alerts {
		if a.Status == console.StatusResolved {
			t.Errorf("%s resolved a month ago is still there: the ticks before the late row did not run", a.Subject)
		}
	}
}

// TestConcurrentSeeks: seeks from several goroutines at once give the
// pictures of seeks one at a time (run with -race).
func TestConcurrentSeeks(t *testing.T) {
	rows, want := session(t, instants)
	l, err := replay.New(rows, replay.Options{Console: opt, Every: 20})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan map[float64]console.Snapshot)
	for g := 0; g < 4; g++ {
		go func() {
			got := map[float64]console.Snapshot{}
			for i := range instants {
				at := instants[(i*7+g*5)%len(instants)]
				got[at] = l.At(sec(at))
			}
			done <- got
		}()
	}
	for g := 0; g < 4; g++ {
		for at, s := range <-done {
			same(t, at, s, want[at])
		}
	}
}

package replay

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/replay"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

var copt = console.Options{Centre: demo.Origin}

// fixture is the log of an eight-minute drill from start: eight patrol
// units walking round the community, a smoke inject acknowledged and
// assigned, a CAP area inject acknowledged, a real forced door, the
// drill's end and an evaluator's observation.
func fixture(t testing.TB, start time.Time, ackAfter time.Duration) []store.LogRow {
	t.Helper()
	at := func(s float64) time.Time { return start.Add(time.Duration(s * float64(time.Second))) }
	type msg struct {
		at time.Time
		e  event.Event
	}
	var ms []msg
	for i := 0; i < 160; i++ {
		for u := 0; u < 8; u++ {
			tm := at(float64(i)*3 + float64(u)*0.1)
			ang := float64(i)/40 + float64(u)*math.Pi/4
			p := orb.Point{demo.Origin[0] + 0.0011*math.Cos(ang)*1.2, demo.Origin[1] + 0.0009*math.Sin(ang)}
			ms = append(ms, msg{tm, event.Event{ID: fmt.Sprintf("p%d-%d", u, i), Type: "patrol.position", Subject: fmt.Sprintf("patrol:U%02d", u),
				Time: tm, Stale: tm.Add(time.Minute), Expires: tm.Add(10 * time.Minute), Geometry: p, Title: fmt.Sprintf("U%02d", u),
				Properties: map[string]any{"heading_deg": math.Mod(ang*180/math.Pi+90, 360)}}})
		}
	}
	drill := map[string]any{"drill": "D1"}
	ms = append(ms,
		msg{at(10), event.Event{ID: "inj-1", Type: "fire.smoke", Severity: event.Severe, Status: event.Exercise, Time: at(10), Expires: at(3600),
			Source: "sensor:SD-19", Geometry: orb.Point{demo.Origin[0] + 0.0004, demo.Origin[1] + 0.0002}, Title: "Smoke in the bike shed", Properties: drill}},
		msg{at(100), event.Event{ID: "inj-2", Type: "intrusion.perimeter", Severity: event.Extreme, Status: event.Exercise, Time: at(100),
			Expires: at(3600), Format: event.CAP, Title: "Perimeter breach, east fence", Properties: drill,
			Geometry: orb.Polygon{{{demo.Origin[0] + 0.001, demo.Origin[1] - 0.0005}, {demo.Origin[0] + 0.0016, demo.Origin[1] - 0.0005},
				{demo.Origin[0] + 0.0016, demo.Origin[1] + 0.0001}, {demo.Origin[0] + 0.001, demo.Origin[1] + 0.0001}, {demo.Origin[0] + 0.001, demo.Origin[1] - 0.0005}}}}},
		msg{at(200), event.Event{ID: "real-1", Type: "access.forced_door", Severity: event.Moderate, Time: at(200), Expires: at(7200),
			Source: "door:D7", Geometry: orb.Point{demo.Origin[0] - 0.0007, demo.Origin[1] + 0.0003}, Title: "Door D7 forced"}},
		msg{at(300), event.Event{ID: "end-1", Type: console.TypeDrillEnd, Status: event.Exercise, Time: at(300), Title: "End of drill D1", Properties: drill}},
	)
	act := func(s float64, kind, subj, unit string) {
		e, err := console.NewAction(kind, subj, "li", unit, "", at(s))
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, msg{at(s), e})
	}
	act(10+ackAfter.Seconds(), console.ActionAck, "inj-1", "")
	act(70, console.ActionAssign, "inj-1", "patrol:U01")
	act(130, console.ActionAck, "inj-2", "")
	slices.SortStableFunc(ms, func(a, b msg) int { return a.at.Compare(b.at) })
	c := console.New(copt)
	next := start.Truncate(time.Second).Add(time.Second)
	for i, m := range ms {
		for !next.After(m.at) {
			c.Tick(next)
			next = next.Add(time.Second)
		}
		c.Apply(event.Message{Seq: int64(i + 1), Publisher: "sim", Received: m.at, State: event.Fresh, Event: m.e}, m.at)
	}
	_, _, rows := c.TakeChanges()
	return append(rows, store.LogRow{Time: at(360), Kind: replay.RowObservation, Operator: "evaluator",
		Data: []byte(`{"text":"the east gate team arrived without a radio"}`)})
}

// queued is what the player hands the Fyne goroutine in tests; pump runs
// it on the test's goroutine.
var queued chan func()

// setup gives the test its own app, in English unless lang says, with
// the player's and the map's hand-overs queued for pump.
func setup(t testing.TB, language string) {
	t.Helper()
	for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(name, "")
	}
	t.Setenv("LANG", "en_US.UTF-8")
	test.NewTempApp(t)
	if err := locale.Use(language); err != nil {
		t.Fatal(err)
	}
	q := make(chan func(), 1<<14)
	queued = q
	do = func(fn func()) { q <- fn }
	mapview.TestHandOff(true)
	t.Cleanup(func() { do = fyne.Do; mapview.TestHandOff(false) })
}

// pump runs what was handed over until ok holds, for at most 10 s.
func pump(t testing.TB, v *View, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for drained := false; !drained; {
			select {
			case fn := <-queued:
				fn()
			default:
				drained = true
			}
		}
		v.m.RunHandedOff()
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the view did not get there in 10 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// at waits until v shows the instant want.
func at(t testing.TB, v *View, want time.Time) {
	t.Helper()
	pump(t, v, func() bool { return v.frame != nil && v.frame.at.Equal(want) })
}

// newTestView shows the fixture's replay in a window of w×h.
func newTestView(t testing.TB, s *store.Store, w, h float32) (*View, fyne.Window) {
	t.Helper()
	m := mapview.New(s)
	t.Cleanup(m.Close)
	win := test.NewTempWindow(t, nil)
	v := NewView(win, m, fixture(t, t0, 30*time.Second), ViewOptions{Replay: replay.Options{Console: copt}, Title: "Drill D1", Location: time.UTC})
	t.Cleanup(v.Close)
	win.SetPadded(false)
	win.SetContent(v.Object())
	win.Resize(fyne.NewSize(w, h))
	from, _ := v.log.Span()
	at(t, v, from)
	return v, win
}

func subjects(q []console.Alert) []string {
	var out []string
	for _, a := range q {
		out = append(out, a.Subject+":"+string(a.Status))
	}
	return out
}

func TestSliderMovesTheState(t *testing.T) {
	setup(t, "en")
	v, _ := newTestView(t, nil, 1000, 700)
	from, to := v.log.Span()
	if len(v.queue) != 0 || len(v.frame.snap.Units) != 1 {
		t.Errorf("at the start: queue %v, %d units; want empty, 1", subjects(v.queue), len(v.frame.snap.Units))
	}
	for _, c := range []struct {
		sec  float64
		want []string
	}{
		{45, []string{"inj-1:acknowledged"}},
		{150, []string{"inj-2:acknowledged", "inj-1:assigned"}},
		{250, []string{"inj-2:acknowledged", "inj-1:assigned", "real-1:new"}},
		{320, []string{"real-1:new"}}, // the drill's end resolved the injects
		{20, []string{"inj-1:new"}},
	} {
		v.slider.SetValue(c.sec - from.Sub(t0).Seconds())
		want := t0.Add(time.Duration(c.sec * float64(time.Second)))
		at(t, v, want)
		if got := subjects(v.queue); !slices.Equal(got, c.want) {
			t.Errorf("slider at t+%gs: queue %v, want %v", c.sec, got, c.want)
		}
		if v.clock.Text != want.Format("2006-01-02 15:04:05") {
			t.Errorf("clock %q at %v", v.clock.Text, want)
		}
		if n := len(v.frame.items); n < 8 {
			t.Errorf("t+%gs: %d items on the map, want the 8 units and the alerts", c.sec, n)
		}
	}
	// The map's units carry their trails.
	var trail int
	for _, it := range v.frame.items {
		if it.Kind == mapview.LiveUnit {
			trail = max(trail, len(it.Trail))
		}
	}
	if trail < 5 {
		t.Errorf("longest trail %d points at t+20 s", trail)
	}
	if !to.After(from) {
		t.Fatal("empty span")
	}
}

func TestPlayAt20xAdvances(t *testing.T) {
	setup(t, "en")
	v, _ := newTestView(t, nil, 1000, 700)
	from, _ := v.log.Span()
	v.SetSpeed(20)
	v.Play(false)
	start := time.Now()
	pump(t, v, func() bool { return v.frame.playing && v.frame.at.Sub(from) > 4*time.Second })
	wall := time.Since(start)
	v.Pause()
	pump(t, v, func() bool { return !v.frame.playing })
	got := v.At().Sub(from)
	// 20 × the wall time it took, give or take the frames in flight.
	if got < 4*time.Second || got > 20*(wall+time.Second) {
		t.Errorf("played %v of the log in %v of wall time at 20×", got, wall)
	}
	paused := v.At()
	time.Sleep(100 * time.Millisecond)
	pump(t, v, func() bool { return true })
	if !v.At().Equal(paused) {
		t.Errorf("moved from %v to %v while paused", paused, v.At())
	}
	// Backwards.
	v.Play(true)
	pump(t, v, func() bool { return v.frame.playing && v.frame.at.Before(paused.Add(-2*time.Second)) })
	v.Pause()
}

func TestTypedSeek(t *testing.T) {
	setup(t, "en")
	v, _ := newTestView(t, nil, 1000, 700)
	for _, c := range []struct {
		text string
		want time.Time
	}{
		{"10:02:30", t0.Add(150 * time.Second)},
		{"2026-05-01 10:03:20", t0.Add(200 * time.Second)},
		{" t+01:30 ", t0.Add(100 * time.Second)}, // from the drill's start (the first inject, t+10 s)
		{"10:01", t0.Add(60 * time.Second)},
		{"2026-05-01T10:00:40Z", t0.Add(40 * time.Second)},
	} {
		if err := v.SeekText(c.text); err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		at(t, v, c.want)
		if v.msg.Visible() && v.msg.Importance == 0 {
			t.Errorf("%q: message %q", c.text, v.msg.Text)
		}
	}
	if got := subjects(v.queue); !slices.Equal(got, []string{"inj-1:acknowledged"}) {
		t.Errorf("queue at 10:00:40: %v", got)
	}
	// Through the entry, as typed.
	test.Type(v.entry, "10:02:00")
	v.entry.OnSubmitted(v.entry.Text)
	at(t, v, t0.Add(2*time.Minute))
}

func TestBadTypedTime(t *testing.T) {
	setup(t, "en")
	v, _ := newTestView(t, nil, 1000, 700)
	v.SeekText("10:01:00")
	at(t, v, t0.Add(time.Minute))
	for _, bad := range []string{"", "25:99", "noon", "10:61:00", "2026-13-45 10:00", "t+xx", "10:00:00:00", strings.Repeat("9", 500), "1e3:00"} {
		if err := v.SeekText(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
		if !v.msg.Visible() || !strings.Contains(v.msg.Text, "Cannot go to") {
			t.Errorf("%q: message %q, shown %v", bad, v.msg.Text, v.msg.Visible())
		}
	}
	time.Sleep(20 * time.Millisecond)
	pump(t, v, func() bool { return true })
	if !v.At().Equal(t0.Add(time.Minute)) {
		t.Errorf("bad input moved the replay to %v", v.At())
	}
	// A time outside the log is shown at its nearest end, and said.
	v.SeekText("09:00:00")
	from, _ := v.log.Span()
	at(t, v, from)
	if !strings.Contains(v.msg.Text, "outside the log") {
		t.Errorf("message %q", v.msg.Text)
	}
}

func TestJumpToMarks(t *testing.T) {
	setup(t, "en")
	v, _ := newTestView(t, nil, 1000, 700)
	var got []string
	for v.Jump(true, replay.MarkInject|replay.MarkAction) {
		to := v.jumpTo
		pump(t, v, func() bool { return v.frame != nil && v.cmdsDrained() && v.At().Equal(to) })
		got = append(got, fmt.Sprintf("%g", v.At().Sub(t0).Seconds()))
	}
	if want := []string{"10", "40", "70", "100", "130", "300"}; !slices.Equal(got, want) {
		t.Errorf("jumped to %v, want %v", got, want)
	}
	if v.selected != "end-1" {
		t.Errorf("selected %q after the drill's end", v.selected)
	}
	if !v.Jump(false, replay.MarkAction) {
		t.Fatal("no action before")
	}
	at(t, v, t0.Add(130*time.Second))
	if v.selected != "inj-2" || !v.detail.Visible() || !strings.Contains(v.dNotes.Text, "li: Acknowledge") && !strings.Contains(v.dNotes.Text, "li:") {
		t.Errorf("detail of %q: %q", v.selected, v.dNotes.Text)
	}
	v.markKind.SetSelectedIndex(3)
	v.nextM.OnTapped()
	at(t, v, t0.Add(360*time.Second))
	if !strings.Contains(v.msg.Text, "without a radio") {
		t.Errorf("observation said as %q", v.msg.Text)
	}
}

// TestJumpTwiceQuickly: a second jump before the first is drawn goes on
// from the first one's mark, not back to it.
func TestJumpTwiceQuickly(t *testing.T) {
	setup(t, "en")
	v, _ := newTestView(t, nil, 1000, 700)
	v.Jump(true, replay.MarkInject|replay.MarkAction)
	v.Jump(true, replay.MarkInject|replay.MarkAction)
	to := v.jumpTo
	pump(t, v, func() bool { return v.frame != nil && v.cmdsDrained() && v.At().Equal(to) })
	if got := v.At().Sub(t0).Seconds(); got != 40 {
		t.Errorf("two quick jumps went to t0+%gs, want the second mark (40 s)", got)
	}
}

// cmdsDrained reports whether the player has taken every command sent
// and its last frame was drawn.
func (v *View) cmdsDrained() bool {
	v.mail.mu.Lock()
	defer v.mail.mu.Unlock()
	return len(v.cmds) == 0 && v.mail.pending == nil && len(queued) == 0
}

func TestCompareAlignsStarts(t *testing.T) {
	setup(t, "en")
	startB := t0.Add(26 * time.Hour)
	m1, m2 := mapview.New(nil), mapview.New(nil)
	t.Cleanup(m1.Close)
	t.Cleanup(m2.Close)
	win := test.NewTempWindow(t, nil)
	c := NewCompare(win, m1, m2, fixture(t, t0, 30*time.Second), fixture(t, startB, 90*time.Second),
		CompareOptions{Replay: replay.Options{Console: copt}, TitleA: "Run 1", TitleB: "Run 2", Location: time.UTC})
	t.Cleanup(c.Close)
	win.SetContent(c.Object())
	win.Resize(fyne.NewSize(1200, 700))
	a, b := c.Views()
	// Both drills start with their first inject, 10 s into their logs.
	c.slider.SetValue(60)
	at(t, a, t0.Add(70*time.Second))
	at(t, b, startB.Add(70*time.Second))
	if ga, gb := subjects(a.queue), subjects(b.queue); !slices.Equal(ga, []string{"inj-1:assigned"}) || !slices.Equal(gb, []string{"inj-1:assigned"}) {
		t.Errorf("at t+60 s: run 1 %v, run 2 %v", ga, gb)
	}
	c.Seek(45 * time.Second)
	at(t, a, t0.Add(55*time.Second))
	at(t, b, startB.Add(55*time.Second))
	// Run 1 acknowledged after 30 s, run 2 not yet (90 s).
	if ga, gb := subjects(a.queue), subjects(b.queue); !slices.Equal(ga, []string{"inj-1:acknowledged"}) || !slices.Equal(gb, []string{"inj-1:new"}) {
		t.Errorf("at t+45 s: run 1 %v, run 2 %v", ga, gb)
	}
	if c.offset.Text != "t+00:45" {
		t.Errorf("offset %q", c.offset.Text)
	}
	c.Play()
	pump(t, a, func() bool { return a.frame.playing && b.frame.playing })
	c.Pause()
	pump(t, a, func() bool { return !a.frame.playing && !b.frame.playing })
	if d := a.At().Sub(a.base) - b.At().Sub(b.base); d < -100*time.Millisecond || d > 100*time.Millisecond {
		t.Errorf("the runs drifted %v apart playing together", d)
	}
}

func TestParseTime(t *testing.T) {
	shown := t0.Add(5 * time.Minute)
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"10:15", t0.Add(15 * time.Minute)},
		{"10:15:30.5", t0.Add(15*time.Minute + 30500*time.Millisecond)},
		{"t+2:00", t0.Add(2 * time.Minute)},
		{"t−0:30", t0.Add(-30 * time.Second)},
		{"+1:00:00", t0.Add(time.Hour)},
		{"2026/05/02 08:00", time.Date(2026, 5, 2, 8, 0, 0, 0, time.UTC)},
		{"2026-05-02T08:00:00+08:00", time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := parseTime(c.in, shown, t0, time.UTC)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%q: %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"10:15", "t+2:00", "2026-05-02 08:00", "25:00", "t-", "::", "10:00:60", "2026-05-02T08:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s, t0, t0, time.UTC)
		if err == nil && (got.Year() < 1000 || got.Year() > 9999) {
			t.Errorf("%q: %v without an error", s, got)
		}
	})
}

func TestBadAndEmptyLogs(t *testing.T) {
	setup(t, "en")
	rows := append(fixture(t, t0, 30*time.Second), store.LogRow{Time: t0.Add(time.Minute), Kind: replay.RowEvent, Data: []byte("{broken")})
	win := test.NewTempWindow(t, nil)
	m := mapview.New(nil)
	t.Cleanup(m.Close)
	v := NewView(win, m, rows, ViewOptions{Replay: replay.Options{Console: copt}, Location: time.UTC})
	t.Cleanup(v.Close)
	win.SetContent(v.Object())
	pump(t, v, func() bool { return v.frame != nil })
	if !v.msg.Visible() || !strings.Contains(v.msg.Text, "could not be read") || !strings.Contains(v.msg.Text, fmt.Sprintf("row %d", len(rows)-1)) {
		t.Errorf("message %q", v.msg.Text)
	}
	v.SeekText("10:03:30")
	at(t, v, t0.Add(210*time.Second))
	if got := subjects(v.queue); !slices.Equal(got, []string{"inj-2:acknowledged", "inj-1:assigned", "real-1:new"}) {
		t.Errorf("queue beside a broken row %v", got)
	}

	e := NewView(win, m, nil, ViewOptions{Location: time.UTC})
	t.Cleanup(e.Close)
	win.SetContent(e.Object())
	pump(t, e, func() bool { return e.frame != nil })
	if !strings.Contains(e.msg.Text, "holds nothing") || e.clock.Text != "––:––:––" || len(e.queue) != 0 {
		t.Errorf("empty log: message %q, clock %q, queue %v", e.msg.Text, e.clock.Text, subjects(e.queue))
	}
	e.Play(false)
	e.Jump(true, replay.MarkAny)
	e.SeekText("10:00")
	pump(t, e, func() bool { return e.cmdsDrained() })
}

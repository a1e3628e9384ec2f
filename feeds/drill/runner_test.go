package drill

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/ingest"
)

// fakeHub collects what a runner publishes.
type fakeHub struct {
	mu   sync.Mutex
	data [][]byte
	seq  int64
}

func (h *fakeHub) publish(_ context.Context, data []byte) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.data = append(h.data, bytes.Clone(data))
	return nil
}

// take returns the messages published since the last call.
func (h *fakeHub) take(t *testing.T) []event.Message {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []event.Message
	for _, d := range h.data {
		e, err := ingest.Decode(d)
		if err != nil {
			t.Fatalf("published event does not decode: %v\n%s", err, d)
		}
		h.seq++
		out = append(out, event.Message{Seq: h.seq, Event: e})
	}
	h.data = nil
	return out
}

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time      { return c.now }
func (c *fakeClock) set(d time.Duration) { c.now = t0.Add(d) }
func min_(m, s int) time.Duration        { return time.Duration(m)*time.Minute + time.Duration(s)*time.Second }
func timed(n string, d time.Duration) store.Inject {
	return store.Inject{Number: n, Offset: d, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "severe",
		Format: store.FormatJSON, Title: store.Texts{TextZh: "烟感 " + n, TextEn: "Smoke " + n}, Geometry: place}
}

func newTestRunner(t *testing.T, sc store.Scenario, speed float64) (*Runner, *fakeHub, *fakeClock) {
	t.Helper()
	h, c := &fakeHub{}, &fakeClock{now: t0}
	r, err := NewRunner(sc, RunOptions{DrillID: "DR-T", Name: "Test drill", Speed: speed, Publish: h.publish, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return r, h, c
}

func numbers(ms []event.Message) []string {
	var out []string
	for _, m := range ms {
		_, _, n := DrillOf(&m.Event)
		out = append(out, n)
	}
	return out
}

func TestPauseKeepsScenarioTimes(t *testing.T) {
	sc := store.Scenario{Code: "T", Injects: []store.Inject{timed("1", min_(1, 0)), timed("2", min_(3, 0)), timed("3", min_(6, 0))}}
	r, h, c := newTestRunner(t, sc, 1)
	ctx := context.Background()
	r.Start()
	step := func(wall time.Duration, want ...string) {
		t.Helper()
		c.set(wall)
		if err := r.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if got := numbers(h.take(t)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("at wall %v: sent %v, want %v", wall, got, want)
		}
	}
	step(min_(0, 59))
	step(min_(1, 0), "1")
	c.set(min_(2, 0))
	r.Pause()
	if st := r.Status(); !st.Paused || st.At != min_(2, 0) || !st.NextDue.IsZero() || st.Next != "2" {
		t.Fatalf("paused status: %+v", st)
	}
	step(min_(4, 0)) // inject 2's time on the wall clock, but scenario time stands at 2:00
	step(min_(7, 0))
	r.Resume()
	if st := r.Status(); st.At != min_(2, 0) || !st.NextDue.Equal(t0.Add(min_(8, 0))) {
		t.Fatalf("resumed: at %v, next due %v; want 2:00 and wall 8:00", st.At, st.NextDue)
	}
	step(min_(7, 0)) // resuming sends no burst
	step(min_(7, 59))
	step(min_(8, 0), "2")
	step(min_(10, 59))
	step(min_(11, 0), "3")
	for _, s := range r.Status().Injects {
		if s.State != StateSent || s.Late != 0 || s.SentAt != s.Offset {
			t.Errorf("inject %s: %s at %v, late %v; want sent at its scenario time %v", s.Number, s.State, s.SentAt, s.Late, s.Offset)
		}
	}
}

func TestLateInjectsGoOnceInOrder(t *testing.T) {
	sc := store.Scenario{Code: "T", Injects: []store.Inject{timed("b", min_(2, 0)), timed("a", min_(1, 0)), timed("c", min_(9, 0))}}
	r, h, c := newTestRunner(t, sc, 60)
	r.Start()
	c.set(5 * time.Second) // scenario 5:00: the machine slept through a and b
	r.Tick(context.Background())
	if got := numbers(h.take(t)); strings.Join(got, ",") != "a,b" {
		t.Fatalf("sent %v, want a then b (by scenario time)", got)
	}
	r.Tick(context.Background())
	if got := h.take(t); len(got) != 0 {
		t.Fatalf("sent again: %v", numbers(got))
	}
	st := r.Status()
	for _, s := range st.Injects[:2] {
		want := min_(5, 0) - s.Offset
		if s.State != StateLate || s.Late != want {
			t.Errorf("inject %s: %s late %v, want late %v", s.Number, s.State, s.Late, want)
		}
	}
	if st.Next != "c" || st.NextAt != min_(9, 0) || !st.NextDue.Equal(t0.Add(9*time.Second)) {
		t.Errorf("next: %q at %v due %v", st.Next, st.NextAt, st.NextDue)
	}
}

func contingencyScenario() store.Scenario {
	esc := timed("1-A", 0)
	esc.Timed, esc.Kind, esc.Severity = false, store.InjectContingent, "extreme"
	esc.Condition = &store.Condition{After: "1", Missing: store.StepAck, Within: 2 * time.Minute}
	return store.Scenario{Code: "T", Injects: []store.Inject{timed("1", min_(1, 0)), esc, timed("2", min_(10, 0))}}
}

func TestContingency(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ackAt time.Duration // scenario (speed 1); 0: never
		want  string
	}{
		{"acknowledged in time", min_(2, 30), StateNotNeeded},
		{"not acknowledged", 0, StateSent},
		{"acknowledged too late", min_(3, 30), StateSent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, h, c := newTestRunner(t, contingencyScenario(), 1)
			ctx := context.Background()
			r.Start()
			feed := func() {
				for _, m := range h.take(t) {
					r.Saw(m)
				}
			}
			c.set(min_(1, 0))
			r.Tick(ctx)
			feed()
			subj := r.Status().Injects[0].Subject
			if subj == "" {
				t.Fatal("inject 1 has no subject")
			}
			for _, w := range []time.Duration{min_(2, 30), min_(3, 0), min_(3, 30)} {
				c.set(w)
				if tc.ackAt == w {
					ack, _ := console.NewAction(console.ActionAck, subj, "wang", "", "", c.now)
					r.Saw(event.Message{Seq: 99, Event: ack})
				}
				r.Tick(ctx)
				feed()
			}
			if got := r.Status().Injects[1]; got.State != tc.want {
				t.Errorf("contingency %s (%s), want %s", got.State, got.Note, tc.want)
			}
		})
	}
}

func TestTriggerSkipStatus(t *testing.T) {
	sc := contingencyScenario()
	r, h, c := newTestRunner(t, sc, 1)
	ctx := context.Background()
	if err := r.Trigger("nope"); err == nil {
		t.Error("trigger of an unknown inject")
	}
	r.Start()
	if err := r.Trigger("2"); err != nil {
		t.Fatal(err)
	}
	c.set(10 * time.Second)
	r.Tick(ctx)
	if got := numbers(h.take(t)); len(got) != 1 || got[0] != "2" {
		t.Fatalf("triggered: sent %v", got)
	}
	if err := r.Trigger("2"); err == nil {
		t.Error("a second trigger of a sent inject")
	}
	if err := r.Skip("1"); err != nil {
		t.Fatal(err)
	}
	c.set(min_(5, 0))
	r.Tick(ctx)
	if got := h.take(t); len(got) != 0 {
		t.Errorf("a skipped inject (and its contingency) went out: %v", numbers(got))
	}
	st := r.Status()
	if st.Injects[0].State != StateSkipped || st.Injects[1].State != StatePending || st.Injects[1].DueKnown || st.Injects[2].SentAt != 10*time.Second {
		t.Errorf("status: %+v", st.Injects)
	}
	if err := r.End(ctx); err != nil {
		t.Fatal(err)
	}
	end := h.take(t)
	if len(end) != 1 || end[0].Event.Type != console.TypeDrillEnd || end[0].Event.Properties["drill"] != "Test drill" || !end[0].Event.IsDrill() {
		t.Fatalf("end: %+v", end)
	}
	r.End(ctx)
	if len(h.take(t)) != 0 {
		t.Error("drill.end sent twice")
	}
	if !r.Status().Stopped {
		t.Error("not stopped after End")
	}
}

func TestInjectFormats(t *testing.T) {
	var injects []store.Inject
	for _, f := range []string{store.FormatJSON, store.FormatCAP, store.FormatCoT} {
		in := timed(f, time.Minute)
		in.Format = f
		in.Message = store.Texts{TextZh: "充电棚冒烟", TextEn: "Smoke at the shed"}
		injects = append(injects, in)
	}
	r, h, c := newTestRunner(t, store.Scenario{Code: "T", Injects: injects}, 1)
	r.Start()
	c.set(time.Minute)
	r.Tick(context.Background())
	raw := h.data
	msgs := h.take(t)
	if len(msgs) != 3 {
		t.Fatalf("%d events sent", len(msgs))
	}
	for i, m := range msgs {
		e := m.Event
		id, name, n := DrillOf(&e)
		if !e.IsDrill() || id != "DR-T" || name != "Test drill" || n != injects[i].Format {
			t.Errorf("%s: drill %v, id %q, name %q, inject %q", injects[i].Format, e.IsDrill(), id, name, n)
		}
		if e.Title != "烟感 "+injects[i].Format {
			t.Errorf("%s: title %q", injects[i].Format, e.Title)
		}
		if got := r.Status().Injects[i].Subject; got != e.SubjectOrID() {
			t.Errorf("%s: runner expects subject %q, console will see %q", injects[i].Format, got, e.SubjectOrID())
		}
	}
	if !bytes.Contains(raw[1], []byte("<status>Exercise</status>")) || !bytes.Contains(raw[1], []byte("<note>Test drill</note>")) {
		t.Errorf("CAP without status Exercise and the exercise in note:\n%s", raw[1])
	}
	if !bytes.Contains(raw[2], []byte(`opex="s`)) {
		t.Errorf("CoT without opex s:\n%s", raw[2])
	}
}

func TestNewRunnerRefuses(t *testing.T) {
	pub := func(context.Context, []byte) error { return nil }
	dup := store.Scenario{Code: "T", Injects: []store.Inject{timed("1", 0), timed("1", time.Minute)}}
	bad := contingencyScenario()
	bad.Injects[1].Condition = &store.Condition{After: "9", Missing: store.StepAck}
	format := store.Scenario{Code: "T", Injects: []store.Inject{timed("1", 0)}}
	format.Injects[0].Format = "sms"
	for name, tc := range map[string]struct {
		sc  store.Scenario
		opt RunOptions
	}{
		"no id":         {contingencyScenario(), RunOptions{Name: "x", Publish: pub}},
		"no publish":    {contingencyScenario(), RunOptions{DrillID: "x", Name: "x"}},
		"dup number":    {dup, RunOptions{DrillID: "x", Name: "x", Publish: pub}},
		"bad condition": {bad, RunOptions{DrillID: "x", Name: "x", Publish: pub}},
		"bad format":    {format, RunOptions{DrillID: "x", Name: "x", Publish: pub}},
	} {
		if _, err := NewRunner(tc.sc, tc.opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRunStopsWithDrillEnd(t *testing.T) {
	sc := store.Scenario{Code: "T", Injects: []store.Inject{timed("1", 50*time.Millisecond)}}
	h := &fakeHub{}
	var rows []store.LogRow
	var mu sync.Mutex
	r, err := NewRunner(sc, RunOptions{DrillID: "DR-R", Name: "Run", Publish: h.publish,
		Log: func(row store.LogRow) { mu.Lock(); rows = append(rows, row); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	r.Start()
	deadline := time.Now().Add(10 * time.Second)
	for r.Status().Injects[0].State == StatePending && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	obs := r.Observe("evaluator 1", "team 1 took the long way")
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
	msgs := h.take(t)
	if len(msgs) != 2 || msgs[1].Event.Type != console.TypeDrillEnd {
		t.Fatalf("sent %d events, want the inject and drill.end", len(msgs))
	}
	mu.Lock()
	defer mu.Unlock()
	var kinds []string
	for _, row := range rows {
		kinds = append(kinds, row.Kind)
	}
	if obs.Kind != KindObservation || !bytes.Contains(obs.Data, []byte(`"drill_id":"DR-R"`)) || !bytes.Contains(obs.Data, []byte("scenario_s")) {
		t.Errorf("observation: %+v %s", obs, obs.Data)
	}
	if got := strings.Join(kinds, ","); got != "drill,drill,observation,drill" {
		t.Errorf("director's log kinds %s, want start, inject, observation, end", got)
	}
	obsAll := Observations(append(rows, store.LogRow{Kind: KindObservation, Data: []byte("{")}), "DR-R")
	if len(obsAll) != 1 || obsAll[0].Text != "team 1 took the long way" || obsAll[0].Evaluator != "evaluator 1" || obsAll[0].At <= 0 {
		t.Errorf("observations: %+v", obsAll)
	}
	if len(Observations(rows, "other")) != 0 {
		t.Error("an observation of another drill")
	}
}

func TestRespondersAutoAssignAndWalk(t *testing.T) {
	sc := store.Scenario{Code: "T", Injects: []store.Inject{timed("1", min_(1, 0))}}
	h, c := &fakeHub{}, &fakeClock{now: t0}
	near, far := east(place, 300), east(place, -600)
	rs := NewResponders([]Unit{{Subject: "u:far", Title: "Far team", Team: "B", At: far}, {Subject: "u:near", Title: "Near team", Team: "A", At: near}},
		ResponderOptions{Speed: 3, Every: 10 * time.Second, AutoAssign: 30 * time.Second})
	r, err := NewRunner(sc, RunOptions{DrillID: "DR-W", Name: "Walk", Publish: h.publish, Now: c.Now, Responders: rs})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r.Start()
	con := console.New(console.Options{})
	var log []store.LogRow
	feed := func() []event.Message {
		ms := h.take(t)
		for _, m := range ms {
			con.Apply(m, c.now)
			r.Saw(m)
		}
		_, _, l := con.TakeChanges()
		log = append(log, l...)
		return ms
	}
	var assign *event.Event
	var last map[string]event.Event
	last = map[string]event.Event{}
	for s := 0; s <= 300; s += 5 {
		c.set(time.Duration(s) * time.Second)
		if err := r.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range feed() {
			e := m.Event
			if id, _, _ := DrillOf(&e); !e.IsDrill() || id != "DR-W" {
				t.Fatalf("%s (%s) is not marked as the drill's", e.ID, e.Type)
			}
			switch e.Type {
			case "operator.assign":
				if assign != nil {
					t.Fatal("assigned twice")
				}
				assign = &e
				if c.now.Sub(t0) != 90*time.Second {
					t.Errorf("assigned at %v, want 1:30 (30 s after the inject)", c.now.Sub(t0))
				}
			case "patrol.position":
				last[e.Subject] = e
			}
		}
	}
	if assign == nil || assign.Properties["unit"] != "Near team" {
		t.Fatalf("auto-assign: %+v, want the nearest unit", assign)
	}
	if p := last["u:near"].Geometry.(orb.Point); distance(p, place) > 0.01 {
		t.Errorf("the near team ended %.1f m from the alarm", distance(p, place))
	}
	if p := last["u:far"].Geometry.(orb.Point); p != far {
		t.Errorf("the far team moved to %v", p)
	}
	chains := Chain(log, ChainOptions{DrillID: "DR-W"})
	if live := r.Chains(); len(live) != 1 || !chainsEqual(live, chains) {
		t.Errorf("the runner's own chains differ from the console log's:\n%+v\n%+v", live, chains)
	}
	if len(chains) != 1 {
		t.Fatalf("%d chains", len(chains))
	}
	ch := chains[0]
	// Sent at 1:00, assigned at 1:30, walks 300 m at 3 m/s: there at
	// 3:10, reported on the 10-second beat: 3:10.
	if d, _ := ch.Since(StepAssign); d != 30*time.Second {
		t.Errorf("assigned after %v", d)
	}
	if d, _ := ch.Since(StepAck); d != 30*time.Second {
		t.Errorf("an assignment acknowledges: ack after %v, want 30s", d)
	}
	if d, _ := ch.Since(StepMoving); d != 40*time.Second {
		t.Errorf("moving after %v, want 40s (the first report nearer)", d)
	}
	if d, ok := ch.Since(StepOnScene); !ok || d != 130*time.Second {
		t.Errorf("on scene after %v (%v), want 2m10s", d, ok)
	}
	if ch.Team != "A" || ch.UnitSubject != "u:near" {
		t.Errorf("team %q unit %q", ch.Team, ch.UnitSubject)
	}
}

package drill

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/report"
	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// demoRun runs the demo scenario at 60× through an in-process hub with a
// real console, a scripted operator and simulated responders, as
// TestDrillEndToEnd does, with an evaluator's observations; it returns
// the console's log and the director's rows merged in time order.
func demoRun(t *testing.T, drillID string) []store.LogRow {
	t.Helper()
	url, token := startHub(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := client.Options{URL: url, Token: token, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second}
	pub := client.NewPublisher(opt, 1024, nil)
	go pub.Run(ctx)

	sc := demo.Scenario()
	feet, walls := Obstacles(demo.Community())
	station := orb.Point{121.601744, 31.199019}
	var units []Unit
	for i := 1; i <= 4; i++ {
		units = append(units, Unit{Subject: fmt.Sprintf("mfs:%d", i), Title: fmt.Sprintf("微型消防站%d组", i), Team: "微型消防站", At: east(station, float64(i))})
	}
	var mu sync.Mutex
	var director []store.LogRow
	r, err := NewRunner(sc, RunOptions{DrillID: drillID, Name: sc.NameEn, Speed: 60, Language: "zh", Publish: pub.Publish,
		Place: Places(demo.Community()), Responders: NewResponders(units, ResponderOptions{Speed: 3, Path: FootPaths(feet, walls, 2000)}),
		Log: func(row store.LogRow) { mu.Lock(); director = append(director, row); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	con := console.New(console.Options{Language: "zh"})
	sawEnd := make(chan struct{})
	sub := client.NewSubscriber(opt, 0)
	subCtx, stopSub := context.WithCancel(ctx)
	subDone := make(chan struct{})
	go func() {
		defer close(subDone)
		sub.Run(subCtx, func(m event.Message) error {
			con.Apply(m, time.Now())
			r.Saw(m)
			if m.Event.Type == console.TypeDrillEnd {
				close(sawEnd)
			}
			return nil
		})
	}()
	op := &operator{t: t, con: con, pub: pub, units: units, busy: map[string]string{}}
	opCtx, stopOp := context.WithCancel(ctx)
	opDone := make(chan struct{})
	go func() {
		defer close(opDone)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-opCtx.Done():
				return
			case <-tick.C:
				op.step(opCtx)
			}
		}
	}()
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(ctx) }()
	r.Start()
	observed := map[time.Duration]string{
		3*time.Minute + 30*time.Second: "+ O1: the crew reached the shed with extinguishers quickly",
		4*time.Minute + 30*time.Second: "- the hose from FE-014 took long to lay", // after inject 5, of O3
		11 * time.Minute:               "gate guard opened the East Gate for the engine",
	}
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		st := r.Status()
		for at, text := range observed {
			if st.At >= at {
				r.Observe("evaluator li", text)
				delete(observed, at)
			}
		}
		if st.At > 13*time.Minute+30*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.Stop()
	if err := <-runDone; err != nil {
		t.Fatalf("Run: %v", err)
	}
	select {
	case <-sawEnd:
	case <-time.After(10 * time.Second):
		t.Fatal("drill.end never came back from the hub")
	}
	stopOp()
	<-opDone
	time.Sleep(100 * time.Millisecond)
	stopSub()
	<-subDone
	_, _, log := con.TakeChanges()
	mu.Lock()
	defer mu.Unlock()
	all := append(slices.Clone(log), director...)
	slices.SortStableFunc(all, func(a, b store.LogRow) int { return a.Time.Compare(b.Time) })
	return all
}

// demoStore writes the demo community and log into a new store.
func demoStore(t *testing.T, log []store.LogRow) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Write(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveLive(ctx, nil, nil, log, 0); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAfterActionOfARun(t *testing.T) {
	if testing.Short() {
		t.Skip("a 13-second drill through a hub")
	}
	const drillID = "DR-FIRE-EBIKE-AAR"
	ctx := context.Background()
	log := demoRun(t, drillID)
	s := demoStore(t, log)
	sc := demo.Scenario()

	// Without a stored run, the run is derived from the log.
	derived, err := AfterAction(ctx, s, drillID, "en", AfterActionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if derived.Run.Scenario != demo.ScenarioCode || derived.Run.Started.IsZero() || !derived.Run.Ended.After(derived.Run.Started) {
		t.Errorf("derived run: %+v", derived.Run)
	}
	// With the run stored as the director saves it.
	first, last := drillSpan(log, drillID)
	run := store.DrillRun{ID: drillID, Scenario: sc.Code, Names: sc.Names, Started: first, Ended: last.Add(time.Second)}
	if err := s.SaveDrillRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	a, err := AfterAction(ctx, s, drillID, "en", AfterActionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := AfterAction(ctx, s, drillID, "en", AfterActionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, again) {
		t.Error("two AfterActions of the same store differ")
	}
	if a.Run.Started.Sub(first).Abs() >= time.Millisecond || a.Community == "" || a.Language != "en" || a.Norm != store.NormMFS135 {
		t.Errorf("run %v, community %q, language %q, norm %q", a.Run.Started, a.Community, a.Language, a.Norm)
	}
	if len(a.Base.Buildings) == 0 || len(a.Base.Roads) == 0 {
		t.Errorf("map base: %d buildings, %d roads", len(a.Base.Buildings), len(a.Base.Roads))
	}

	// The chains are Chain's of the stored log, scaled to scenario time,
	// with the norm's limits.
	log, err = s.ConsoleLog(ctx, time.Time{}, time.Time{}, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	chains := Chain(log, ChainOptions{DrillID: drillID})
	if len(chains) == 0 || len(a.Chains) != len(chains) || len(derived.Chains) != len(chains) {
		t.Fatalf("%d chain rows (derived %d), Chain gives %d", len(a.Chains), len(derived.Chains), len(chains))
	}
	limits := map[string]time.Duration{report.ChainAcknowledged: time.Minute, report.ChainOnScene: 3 * time.Minute, StepJoint: 5 * time.Minute}
	for i, c := range chains {
		row := a.Chains[i]
		if row.Inject != c.Inject || !row.Received.Equal(c.Received) || row.Type != c.Type || row.Team != c.Team || row.Unit != c.Unit || row.Subject != injectOf(sc, c.Inject).Title.TextEn {
			t.Errorf("chain %d: row %+v, chain %+v", i, row, c)
		}
		sc60 := Scaled(c, 60)
		for k, st := range Steps()[1:] {
			got := row.Steps[k]
			want, ok := sc60.Since(st)
			if got.Step != reportStep[st] || got.Done != ok || (ok && got.After != want) {
				t.Errorf("inject %s step %s: %+v, want %v %v", c.Inject, st, got, want, ok)
			}
			if got.Limit != limits[got.Step] {
				t.Errorf("inject %s step %s: limit %v, want %v", c.Inject, st, got.Limit, limits[got.Step])
			}
			if got.Limit > 0 && got.Met != (ok && want <= got.Limit) {
				t.Errorf("inject %s step %s: met %v after %v", c.Inject, st, got.Met, want)
			}
		}
	}
	if !reflect.DeepEqual(a.Chains, derived.Chains) {
		t.Error("the derived run's chains differ from the stored run's")
	}
	card := Score(scaledAll(chains, 60), Norm135())
	if len(a.Summary) != 3 {
		t.Fatalf("summary: %+v", a.Summary)
	}
	for i, st := range card.All.Steps {
		if got := a.Summary[i]; got.N != st.N || got.Met != st.Met || got.Pass != st.Pass || got.Limit != st.Step.Limit {
			t.Errorf("summary %d: %+v, score %+v", i, got, st)
		}
	}
	if want := ProposeRatings(sc, scaledAll(chains, 60)); !reflect.DeepEqual(a.Run.Ratings, want) {
		t.Errorf("ratings %+v, want proposed %+v", a.Run.Ratings, want)
	}

	// Every inject sent is in the timeline once, at its scenario time;
	// the escalation as a contingency.
	var sent []string
	for _, row := range log {
		if row.Kind == KindDrill {
			var d directorRow
			if err := json.Unmarshal(row.Data, &d); err == nil && d.Action == "inject" {
				sent = append(sent, d.Inject)
			}
		}
	}
	count := map[string]int{}
	actions := 0
	for _, e := range a.Timeline {
		switch e.Kind {
		case report.TimelineInject, report.TimelineContingency:
			count[e.Inject]++
			in := injectOf(sc, e.Inject)
			if (e.Kind == report.TimelineContingency) != (in.Condition != nil) {
				t.Errorf("inject %s as %s", e.Inject, e.Kind)
			}
			if in.Timed && (e.Offset < in.Offset || e.Offset > in.Offset+5*time.Second) {
				t.Errorf("inject %s at %v, its time is %v", e.Inject, e.Offset, in.Offset)
			}
		case report.TimelineAction:
			actions++
			if e.Inject == "" || e.Who == "" || e.Text == "" {
				t.Errorf("action %+v", e)
			}
		}
	}
	for _, n := range sent {
		if count[n] != 1 {
			t.Errorf("inject %s is %d times in the timeline", n, count[n])
		}
	}
	if len(sent) < 10 || count["1-A"] != 1 || actions < 3*len(chains) {
		t.Errorf("%d injects sent (%v), 1-A %d times, %d actions for %d alarms", len(sent), sent, count["1-A"], actions, len(chains))
	}
	for i := 1; i < len(a.Timeline); i++ {
		if a.Timeline[i].At.Before(a.Timeline[i-1].At) {
			t.Errorf("timeline out of order at %d", i)
		}
	}

	// Observations: marked ones by their mark, the unmarked one by its
	// objective's steps (O4's fire engine at the gate).
	if len(a.Strengths)+len(a.Improvements) != 3 {
		t.Fatalf("strengths %+v, improvements %+v", a.Strengths, a.Improvements)
	}
	if a.Strengths[0].Text != "O1: the crew reached the shed with extinguishers quickly" || a.Strengths[0].Objective != "O1" {
		t.Errorf("strength %+v", a.Strengths[0])
	}
	if a.Improvements[0].Text != "the hose from FE-014 took long to lay" || a.Improvements[0].Objective != "O3" {
		t.Errorf("improvement %+v", a.Improvements[0])
	}
	o4 := true
	for _, c := range a.Chains {
		if injectOf(sc, c.Inject).Objective == "O4" {
			for _, st := range c.Steps {
				o4 = o4 && (st.Limit == 0 || st.Met)
			}
		}
	}
	unmarked := a.Improvements
	if o4 {
		unmarked = a.Strengths
	}
	if last := unmarked[len(unmarked)-1]; last.Objective != "O4" || last.Text != "gate guard opened the East Gate for the engine" {
		t.Errorf("unmarked observation %+v (O4 met: %v)", last, o4)
	}

	// A map per alarm with a place; inject 1's with its unit's track,
	// ending on scene.
	if len(a.Maps) != len(chains) {
		t.Errorf("%d maps for %d alarms", len(a.Maps), len(chains))
	}
	for i, c := range chains {
		if c.Inject != "1" {
			continue
		}
		m := a.Maps[i]
		if len(m.Tracks) == 0 || len(m.Tracks[0].Points) < 3 || m.Tracks[0].Unit != c.Unit {
			t.Fatalf("inject 1's map: %+v", m)
		}
		end := m.Tracks[0].Points[len(m.Tracks[0].Points)-1]
		if d := distance(end, c.Geometry); d > store.DefaultOnSceneRadius {
			t.Errorf("inject 1's track ends %.0f m from the alarm", d)
		}
	}

	zh, err := AfterAction(ctx, s, drillID, "zh", AfterActionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range zh.Chains {
		if c.Subject != injectOf(sc, c.Inject).Title.TextZh || !reflect.DeepEqual(c.Steps, a.Chains[i].Steps) {
			t.Errorf("Chinese chain %d: %+v", i, c)
		}
	}
	for i, e := range zh.Timeline {
		if e.Kind == report.TimelineAction && e.Text == a.Timeline[i].Text {
			t.Errorf("Chinese timeline %d: %q is the English report's", i, e.Text)
		}
	}
	if id, err := LatestDrill(ctx, s, demo.ScenarioCode); err != nil || id != drillID {
		t.Errorf("latest drill of %s: %q, %v", demo.ScenarioCode, id, err)
	}
	if _, err := AfterAction(ctx, s, "DR-NONE", "en", AfterActionOptions{}); err == nil {
		t.Error("a drill the store does not know: no error")
	}
	if _, err := AfterAction(ctx, s, drillID, "fr", AfterActionOptions{}); err == nil {
		t.Error("language fr: no error")
	}
}

func scaledAll(cs []AlarmChain, speed float64) []AlarmChain {
	out := make([]AlarmChain, len(cs))
	for i, c := range cs {
		out[i] = Scaled(c, speed)
	}
	return out
}

func injectOf(sc store.Scenario, n string) store.Inject {
	for _, in := range sc.Injects {
		if in.Number == n {
			return in
		}
	}
	return store.Inject{}
}

func TestClassifyObservation(t *testing.T) {
	for _, c := range []struct{ text, kind, rest string }{
		{"+ quick response", ObservationStrength, "quick response"},
		{"＋反应迅速", ObservationStrength, "反应迅速"},
		{"- slow hose", ObservationImprovement, "slow hose"},
		{"Strength: clear radio", ObservationStrength, "clear radio"},
		{"[improvement] no head count", ObservationImprovement, "no head count"},
		{"【优点】疏散有序", ObservationStrength, "疏散有序"},
		{"不足：水带铺设慢", ObservationImprovement, "水带铺设慢"},
		{"#strength good", ObservationStrength, "good"},
		{"strengthened the cordon", "", "strengthened the cordon"},
		{"  gate opened  ", "", "gate opened"},
		{"", "", ""},
	} {
		kind, rest := ClassifyObservation(c.text)
		if kind != c.kind || rest != c.rest {
			t.Errorf("%q: %q %q, want %q %q", c.text, kind, rest, c.kind, c.rest)
		}
	}
}

func FuzzClassifyObservation(f *testing.F) {
	for _, s := range []string{"+ ok", "【优点】", "不足：", "#improvement x", "-", "[strength"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, rest := ClassifyObservation(s)
		if kind != "" && kind != ObservationStrength && kind != ObservationImprovement {
			t.Fatalf("kind %q", kind)
		}
		if len(rest) > len(s) {
			t.Fatalf("rest %q longer than %q", rest, s)
		}
	})
}

func TestScenarioClock(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 22, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	c := scenarioClock{speed: 60, rows: []directorRow{
		{time: at(0), Action: "start", Speed: 60},
		{time: at(2), Action: "pause", ScenarioS: 120, Speed: 60},
		{time: at(10), Action: "resume", ScenarioS: 120, Speed: 60},
		{time: at(11), Action: "speed", ScenarioS: 180, Speed: 1},
	}}
	for _, x := range []struct {
		wall float64
		want time.Duration
	}{{-1, 0}, {1, time.Minute}, {5, 2 * time.Minute}, {10.5, 150 * time.Second}, {21, 190 * time.Second}} {
		if got := c.at(at(x.wall)); got != x.want {
			t.Errorf("at %vs: %v, want %v", x.wall, got, x.want)
		}
	}
	fit := scenarioClock{t0: t0, speed: 60}
	if got := fit.at(at(3)); got != 3*time.Minute {
		t.Errorf("fitted clock at 3 s: %v", got)
	}
	for _, x := range []struct {
		s    string
		want time.Duration
		ok   bool
	}{{"t+01:30", 90 * time.Second, true}, {"t+1:02:03", time.Hour + 2*time.Minute + 3*time.Second, true}, {"01:30", 0, false}, {"t+x:1", 0, false}} {
		if got, ok := parseOffset(x.s); got != x.want || ok != x.ok {
			t.Errorf("parseOffset(%q) = %v %v", x.s, got, ok)
		}
	}
}

// BenchmarkAfterAction100k builds the report's input from an hour of a
// busy console (syntheticLog: 2,000 drill alarms, 100,000 rows).
func BenchmarkAfterAction100k(b *testing.B) {
	log := syntheticLog(b)
	run := store.DrillRun{ID: "DR-B", Scenario: "B", Started: log[0].Time, Ended: log[len(log)-1].Time}
	sc := store.Scenario{Code: "B", Objectives: []store.Objective{{Code: "O1"}}}
	b.ResetTimer()
	for b.Loop() {
		a := buildAfterAction(log, sc, run, "en", AfterActionOptions{})
		if len(a.Chains) != 2000 {
			b.Fatalf("%d chains", len(a.Chains))
		}
	}
}

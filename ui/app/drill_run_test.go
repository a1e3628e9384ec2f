package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"safetynet/data/store"
	"safetynet/feeds/console"
	feedreplay "safetynet/feeds/replay"
	"safetynet/ui/drill"
)

// runScenario is a short drill of the demo community: an alarm in each
// format the runner sends, the third long after the others, and one
// without a time.
func runScenario() store.Scenario {
	tx := func(zh, en string) store.Texts { return store.Texts{TextZh: zh, TextEn: en} }
	exp := store.Expect{AckWithin: time.Minute}
	return store.Scenario{
		Code: "DR-RUN", Names: store.Names{NameZh: "车棚火警", NameEn: "Shed fire"}, Norm: store.NormMFS135,
		Injects: []store.Inject{
			{Number: "1", Offset: 0, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "severe", Format: store.FormatJSON,
				LocationCode: "KA-EBIKE", Title: tx("电动车棚烟感报警", "Smoke alarm, e-bike shed"), Expect: exp},
			{Number: "2", Offset: 30 * time.Second, Timed: true, Kind: store.InjectPrimary, Type: "fire.heat", Severity: "extreme", Format: store.FormatCAP,
				LocationCode: "KA-EBIKE", Title: tx("车棚温度骤升", "Heat rising in the shed"), Expect: exp},
			{Number: "3", Offset: 30 * time.Minute, Timed: true, Kind: store.InjectPrimary, Type: "medical.emergency", Severity: "severe", Format: store.FormatCoT,
				LocationCode: "GATE-N", Title: tx("北门有人晕倒", "Person collapsed at the North Gate"), Expect: exp},
			{Number: "4", Kind: store.InjectContextual, Type: "camera.offline", Severity: "minor", Format: store.FormatJSON,
				LocationCode: "CAM-003", Title: tx("摄像机离线", "Camera offline")},
		},
	}
}

// drillAlerts returns the queue's drill alerts.
func drillAlerts(x *App) []console.Alert {
	var out []console.Alert
	for _, a := range x.live.queue {
		if a.Drill {
			out = append(out, a)
		}
	}
	return out
}

// TestDrillRunsFromDrillMode starts a drill of a saved scenario from the
// Director tab against a hub in the test, at 60×: its injects (JSON, CAP,
// CoT) arrive in the console as drill alerts, the panel shows them sent,
// a pause holds the scenario clock, an evaluator's observation lands in
// the event log with the drill's ID, End drill sends drill.end, the run
// is kept, and Replay… shows the run's picture.
func TestDrillRunsFromDrillMode(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	ctx := context.Background()
	url, tok := testHub(t)
	s := demoConsoleStore(t)
	sc := runScenario()
	if err := s.SaveScenario(ctx, sc); err != nil {
		t.Fatal(err)
	}
	x := startConsole(t, s, url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return strings.Contains(x.live.conn.Text, "connected") && x.live.running() != nil })
	x.SetDrillMode(true)
	d := x.drill
	eventually(t, "the scenario is listed", func() bool { return d.listed(sc.Code) })
	for i, l := range d.scenarios {
		if l.Code == sc.Code {
			d.list.Select(i)
		}
	}
	if d.wb.Scenario().Code != sc.Code {
		t.Fatalf("the list shows %s", d.wb.Scenario().Code)
	}
	panel := d.wb.Director
	if panel.Start.Disabled() {
		t.Fatal("Start is disabled")
	}

	// An unsaved change: refused, with the reason.
	d.wb.Select(0)
	setCode(d.wb, "CAM-003")
	if !d.wb.Dirty() {
		t.Fatal("a changed place does not count as a change")
	}
	{
		test.Tap(panel.Start)
		if d.run.lastErr == nil || !strings.Contains(d.run.lastErr.Error(), "Save the scenario DR-RUN") {
			t.Fatalf("a start with unsaved changes: %v", d.run.lastErr)
		}
		if d.run.r != nil || d.run.starting {
			t.Fatal("a runner started with unsaved changes")
		}
		d.load(sc)
	}

	d.run.speed.SetSelected("60×")
	test.Tap(panel.Start)
	if d.run.lastErr != nil {
		t.Fatalf("start refused: %v", d.run.lastErr)
	}
	eventually(t, "the runner starts", func() bool { return d.run.r != nil })
	id := d.run.cur.rec.ID
	if !strings.HasPrefix(id, "DR-RUN-") {
		t.Errorf("drill ID %q", id)
	}
	runs, err := s.DrillRuns(ctx, sc.Code)
	if err != nil || len(runs) != 1 || runs[0].ID != id || runs[0].Started.IsZero() || !runs[0].Ended.IsZero() {
		t.Fatalf("the run kept at its start: %+v (%v)", runs, err)
	}
	eventually(t, "injects 1 and 2 arrive in the console as drill alerts", func() bool { return len(drillAlerts(x)) >= 2 })
	eventually(t, "the panel shows 1 and 2 sent", func() bool {
		st := panel.Status()
		return st.State == drill.RunRunning && st.Injects["1"] != drill.InjectPending && st.Injects["2"] != drill.InjectPending &&
			st.Injects["1"] != "" && st.Injects["2"] != ""
	})
	if st := panel.Status(); st.Injects["3"] != drill.InjectPending || st.Injects["4"] != drill.InjectPending {
		t.Errorf("3 and 4 are not pending: %v", st.Injects)
	}

	test.Tap(panel.Pause)
	eventually(t, "the panel shows the pause", func() bool { return panel.Status().State == drill.RunPaused })
	held := panel.Status().Clock
	time.Sleep(300 * time.Millisecond)
	panel.Update()
	if c := panel.Status().Clock; c != held {
		t.Errorf("the scenario clock moved from %s to %s during a pause", held, c)
	}
	test.Tap(panel.Resume)
	eventually(t, "the clock runs again", func() bool { return panel.Status().State == drill.RunRunning && panel.Status().Clock > held })

	// Send now: inject 3 (CoT) and 4, long before 3's time.
	for i, in := range d.wb.Scenario().Injects {
		if in.Number == "3" || in.Number == "4" {
			d.wb.Select(i)
			test.Tap(panel.Trigger)
		}
	}
	eventually(t, "all four arrive as drill alerts", func() bool { return len(drillAlerts(x)) >= 4 })
	for _, a := range drillAlerts(x) {
		if line := alertLine(a); !strings.Contains(line, "[DRILL]") {
			t.Errorf("queue line of drill alert %s: %q", a.Subject, line)
		}
	}
	for _, a := range x.live.queue {
		if !a.Drill {
			t.Errorf("alert %s (%s) is not marked as drill", a.Subject, a.Event.Type)
		}
	}

	panel.Observe("Gate team answered after 40 s")
	if obs := panel.Observations(); len(obs) != 1 {
		t.Fatalf("observations listed: %v", obs)
	}

	test.Tap(panel.Stop)
	eventually(t, "the run ends", func() bool {
		select {
		case <-d.run.cur.done:
			return panel.Status().State == drill.RunStopped
		default:
			return false
		}
	})
	eventually(t, "drill.end resolves the drill's alerts", func() bool {
		for _, a := range drillAlerts(x) {
			if a.Status != console.StatusResolved {
				return false
			}
		}
		return true
	})
	runs, err = s.DrillRuns(ctx, sc.Code)
	if err != nil || len(runs) != 1 || runs[0].Ended.Before(runs[0].Started) || runs[0].Ended.IsZero() {
		t.Fatalf("the run kept at its end: %+v (%v)", runs, err)
	}
	if p := runs[0].Participants; len(p) == 0 || p[0] != "Wang" {
		t.Errorf("participants %v", p)
	}

	var log []store.LogRow
	eventually(t, "the observation and drill.end are in the event log", func() bool {
		log, err = s.ConsoleLog(ctx, time.Time{}, time.Time{}, 1<<20)
		obs, end := false, false
		for _, r := range log {
			obs = obs || r.Kind == "observation"
			end = end || r.Kind == "event" && strings.Contains(string(r.Data), `"drill.end"`)
		}
		return obs && end
	})
	kinds := map[string]int{}
	for _, r := range log {
		kinds[r.Kind]++
		if r.Kind == "observation" {
			var data struct {
				DrillID string `json:"drill_id"`
				Text    string `json:"text"`
			}
			if err := json.Unmarshal(r.Data, &data); err != nil || data.DrillID != id || r.Subject != id || r.Operator != "Wang" || data.Text != "Gate team answered after 40 s" {
				t.Errorf("observation row %+v (%s)", r, r.Data)
			}
		}
	}
	if kinds["drill"] == 0 {
		t.Errorf("no director's entries in the event log: %v", kinds)
	}
	if _, err := feedreplay.New(log, feedreplay.Options{}); err != nil {
		t.Errorf("the replay cannot read the run's log: %v", err)
	}

	// Replay of the run in a window of its own. Its player hands frames
	// over with fyne.Do, which the test driver runs on the player's own
	// goroutine: under the race detector that is a race of the harness.
	if raceEnabled {
		return
	}
	from, to := runPeriod(runs[0])
	x.OpenReplay(runTitle(runs[0]), from, to)
	eventually(t, "the replay window opens", func() bool { return len(replays[x]) == 1 })
	rw := replays[x][0]
	if rw.maps[0] == x.m || rw.win == x.win {
		t.Fatal("the replay uses the live window or map")
	}
	lf, lt := rw.view.Log().Span()
	if lf.Before(from) || lt.After(to) {
		t.Errorf("replayed %s..%s, asked %s..%s", lf, lt, from, to)
	}
	snap := rw.view.Log().At(lt)
	n := 0
	for _, a := range snap.Alerts {
		if a.Drill {
			n++
			if a.Status != console.StatusResolved {
				t.Errorf("at the end of the replay %s is %s", a.Subject, a.Status)
			}
		}
	}
	if n < 4 {
		t.Errorf("the replay's last picture has %d drill alerts, want 4", n)
	}
	if x.live.running() == nil || x.centre.Objects[0] == rw.view.Object() {
		t.Error("the replay replaced the live console")
	}
	rw.close()
	if len(replays[x]) != 0 {
		t.Error("the closed replay is still listed")
	}
}

// TestDrillRefusedWithoutHub: without a hub the Director tab says why a
// drill cannot start.
func TestDrillRefusedWithoutHub(t *testing.T) {
	x, _, s := drillOn(t)
	sc := runScenario()
	if err := s.SaveScenario(context.Background(), sc); err != nil {
		t.Fatal(err)
	}
	x.drill.scenarios = append(x.drill.scenarios, sc)
	x.drill.load(sc)
	test.Tap(x.drill.wb.Director.Start)
	if err := x.drill.run.lastErr; err == nil || !strings.Contains(err.Error(), "not connected to a hub") {
		t.Errorf("start without a hub: %v", err)
	}
	if x.drill.run.r != nil {
		t.Error("a runner started")
	}
}

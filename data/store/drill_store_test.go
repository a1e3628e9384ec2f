package store_test

import (
	"errors"
	"fmt"
	"math"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

// drillScenario is a scenario with every field set.
func drillScenario() store.Scenario {
	return store.Scenario{
		Code:        "DR-FIRE-SHED",
		Names:       store.Names{Name: "电动车棚火灾", NameZh: "电动车棚火灾", NameEn: "E-bike shed fire"},
		Description: store.Texts{Text: "夜间车棚起火", TextZh: "夜间车棚起火", TextEn: "A night fire in the e-bike shed"},
		Exercises:   "PLAN-FIRE-1",
		Norm:        store.NormMFS135,
		Objectives: []store.Objective{
			{Code: "O1", Text: store.Texts{Text: "1 min", TextEn: "acknowledged within 1 minute"}, Capability: "fire-fighting"},
			{Code: "O2", Text: store.Texts{TextZh: "疏散"}, Capability: "evacuation"},
		},
		Injects: []store.Inject{
			{Number: "1", Offset: 0, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "severe",
				Title: store.Texts{Text: "烟感报警", TextZh: "烟感报警", TextEn: "Smoke alarm"}, Message: store.Texts{Text: "SD-19 smoke", TextEn: "SD-19"},
				Format: store.FormatJSON, LocationCode: "SD-19", Source: "sensor:SD-19", From: "SIMCELL", To: "console", Method: "hub",
				Controller: "Wang", Expect: store.Expect{AckWithin: time.Minute, AssignWithin: 90 * time.Second, OnSceneWithin: 3 * time.Minute,
					OnSceneRadius: 20, ResolveWithin: 5 * time.Minute},
				ExpectedAction: store.Texts{Text: "确认并派员", TextEn: "ack and send a unit"}, Objective: "O1", Notes: "evaluator: watch the radio"},
			{Number: "1-A", Offset: 75 * time.Second, Timed: true, Kind: store.InjectContingent, Format: store.FormatCAP,
				Geometry: orb.Point{121.6, 31.2}, Location: "north gate",
				Condition: &store.Condition{After: "1", Missing: store.StepAck, Within: time.Minute}},
			{Number: "2", Kind: store.InjectContextual, Title: store.Texts{Text: "Resident calls"},
				Geometry: square(121.6, 31.2, 0.001), Method: "phone", Objective: "O2"},
		},
	}
}

func sameScenario(t *testing.T, got, want store.Scenario) {
	t.Helper()
	got.Created, got.Updated, want.Created, want.Updated = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scenario differs:\n got %+v\nwant %+v", got, want)
		for i := range min(len(got.Injects), len(want.Injects)) {
			if !reflect.DeepEqual(got.Injects[i], want.Injects[i]) {
				t.Errorf("inject %d:\n got %+v\nwant %+v", i, got.Injects[i], want.Injects[i])
			}
		}
	}
}

func TestScenarioRoundTrip(t *testing.T) {
	s, path := newStore(t)
	if got, err := s.Scenarios(ctx); err != nil || len(got) != 0 {
		t.Fatalf("a new file: %v, %v; want no scenarios", got, err)
	}
	if _, err := s.Scenario(ctx, "DR-FIRE-SHED"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing scenario: %v, want ErrNotFound", err)
	}
	sc := drillScenario()
	if err := s.SaveScenario(ctx, sc); err != nil {
		t.Fatal(err)
	}
	other := store.Scenario{Code: "A-FIRST", Injects: []store.Inject{{Number: "1"}}}
	if err := s.SaveScenario(ctx, other); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := store.OpenWith(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Scenario(ctx, sc.Code)
	if err != nil {
		t.Fatal(err)
	}
	if got.Created.IsZero() || got.Updated.IsZero() {
		t.Errorf("created %v, updated %v: want both set", got.Created, got.Updated)
	}
	sameScenario(t, got, sc)
	all, err := s.Scenarios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Code != "A-FIRST" || all[1].Code != sc.Code || len(all[1].Injects) != 3 {
		t.Fatalf("Scenarios: %d, want A-FIRST then %s with 3 injects", len(all), sc.Code)
	}
	if err := s.SaveScenario(ctx, sc); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("save into a read-only store: %v", err)
	}
}

func TestNoDrillTablesReadsEmpty(t *testing.T) {
	s, path := newStore(t)
	s.Close()
	ro, err := store.OpenWith(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	sc, err1 := ro.Scenarios(ctx)
	runs, err2 := ro.DrillRuns(ctx, "")
	acts, err3 := ro.CorrectiveActions(ctx, "")
	if len(sc)+len(runs)+len(acts) != 0 || errors.Join(err1, err2, err3) != nil {
		t.Errorf("a file without drill tables: %v %v %v, %v %v %v", sc, runs, acts, err1, err2, err3)
	}
	if _, err := ro.Scenario(ctx, "X"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Scenario: %v", err)
	}
	if _, err := ro.DrillRun(ctx, "X"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DrillRun: %v", err)
	}
}

func TestSaveScenarioReplacesWhole(t *testing.T) {
	s, _ := newStore(t)
	sc := drillScenario()
	if err := s.SaveScenario(ctx, sc); err != nil {
		t.Fatal(err)
	}
	first, _ := s.Scenario(ctx, sc.Code)
	time.Sleep(5 * time.Millisecond)
	sc.Injects = sc.Injects[:1]
	sc.Name = "renamed"
	if err := s.SaveScenario(ctx, sc); err != nil {
		t.Fatal(err)
	}
	got, err := s.Scenario(ctx, sc.Code)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Injects) != 1 || got.Name != "renamed" {
		t.Errorf("after replacing: %d injects, name %q", len(got.Injects), got.Name)
	}
	if !got.Created.Equal(first.Created) || !got.Updated.After(first.Updated) {
		t.Errorf("created %v -> %v, updated %v -> %v: want created kept, updated later", first.Created, got.Created, first.Updated, got.Updated)
	}
	if err := s.DeleteScenario(ctx, sc.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Scenario(ctx, sc.Code); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted scenario: %v", err)
	}
	if err := s.DeleteScenario(ctx, sc.Code); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestSaveInvalidScenarioWritesNothing(t *testing.T) {
	s, path := newStore(t)
	good := drillScenario()
	if err := s.SaveScenario(ctx, good); err != nil {
		t.Fatal(err)
	}
	before := sum(t, path)
	bad := drillScenario()
	bad.Name = "changed"
	bad.Injects[2].Number = "1"
	err := s.SaveScenario(ctx, bad)
	if !errors.Is(err, store.ErrInvalidScenario) || !strings.Contains(err.Error(), "inject 1: number: repeated") {
		t.Fatalf("duplicate number: %v", err)
	}
	got, _ := s.Scenario(ctx, good.Code)
	sameScenario(t, got, good)
	if sum(t, path) != before {
		t.Error("a refused scenario changed the file")
	}
}

func TestValidate(t *testing.T) {
	known := func(c string) bool { return c == "SD-19" }
	cases := []struct {
		name  string
		edit  func(sc *store.Scenario)
		codes func(string) bool
		want  []string // substrings, one per expected error
	}{
		{"valid", func(*store.Scenario) {}, known, nil},
		{"no code", func(sc *store.Scenario) { sc.Code = " " }, nil, []string{"scenario: code is empty"}},
		{"duplicate", func(sc *store.Scenario) { sc.Injects[1].Number = "1" }, nil, []string{"inject 1: number: repeated"}},
		{"waits for itself", func(sc *store.Scenario) { sc.Injects[1].Condition.After = "1-A" }, nil, []string{"inject 1-A: condition: waits for itself"}},
		{"empty number", func(sc *store.Scenario) { sc.Injects[2].Number = "" }, nil, []string{"inject at position 3: number: empty"}},
		{"negative time", func(sc *store.Scenario) { sc.Injects[0].Offset = -time.Second }, nil, []string{"inject 1: time: -1s"}},
		{"untimed negative is ignored", func(sc *store.Scenario) { sc.Injects[2].Offset = -time.Second }, nil, nil},
		{"format", func(sc *store.Scenario) { sc.Injects[0].Format = "sms" }, nil, []string{`inject 1: format: "sms"`}},
		{"severity", func(sc *store.Scenario) { sc.Injects[0].Severity = "hot" }, nil, []string{`inject 1: severity: "hot"`}},
		{"kind", func(sc *store.Scenario) { sc.Injects[0].Kind = "main" }, nil, []string{`inject 1: kind: "main"`}},
		{"norm", func(sc *store.Scenario) { sc.Norm = "fast" }, nil, []string{`norm "fast"`}},
		{"condition on missing inject", func(sc *store.Scenario) { sc.Injects[1].Condition.After = "9" }, nil, []string{`inject 1-A: condition: inject "9" is not in the scenario`}},
		{"condition step", func(sc *store.Scenario) { sc.Injects[1].Condition.Missing = "arrive" }, nil, []string{`inject 1-A: condition: step "arrive"`}},
		{"condition within", func(sc *store.Scenario) { sc.Injects[1].Condition.Within = -1 }, nil, []string{"inject 1-A: condition: within"}},
		{"radius", func(sc *store.Scenario) { sc.Injects[0].Expect.OnSceneRadius = -1 }, nil, []string{"inject 1: on-scene radius"}},
		{"deadline", func(sc *store.Scenario) { sc.Injects[0].Expect.AckWithin = -time.Second }, nil, []string{"inject 1: expect ack"}},
		{"unknown code", func(sc *store.Scenario) { sc.Injects[0].LocationCode = "GATE-9" }, known, []string{`inject 1: location code: "GATE-9"`}},
		{"codes not checked without lookup", func(sc *store.Scenario) { sc.Injects[0].LocationCode = "GATE-9" }, nil, nil},
		{"objective", func(sc *store.Scenario) { sc.Injects[0].Objective = "O9" }, nil, []string{`inject 1: objective: "O9"`}},
		{"coordinates", func(sc *store.Scenario) { sc.Injects[1].Geometry = orb.Point{0, math.NaN()} }, nil, []string{"inject 1-A: geometry: coordinate"}},
		{"two problems", func(sc *store.Scenario) {
			sc.Injects[0].Format = "sms"
			sc.Injects[2].Severity = "hot"
		}, nil, []string{"inject 1: format", "inject 2: severity"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := drillScenario()
			c.edit(&sc)
			errs := sc.Validate(c.codes)
			if len(errs) != len(c.want) {
				t.Fatalf("%d errors %v, want %d %q", len(errs), errs, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d %q lacks %q", i, errs[i], w)
				}
			}
		})
	}
}

func TestDrillRunsAndCorrectiveActions(t *testing.T) {
	s, path := newStore(t)
	if runs, err := s.DrillRuns(ctx, ""); err != nil || len(runs) != 0 {
		t.Fatalf("a new file: %v %v", runs, err)
	}
	run := store.DrillRun{ID: "D-2026-05-01", Scenario: "DR-FIRE-SHED", Names: store.Names{Name: "May drill", NameZh: "五月演练"},
		Started: t0, Ended: t0.Add(40 * time.Minute), Scope: "functional", Participants: []string{"Team A", "Li"},
		Ratings:    []store.Rating{{Objective: "O2", Proposed: store.RatingS, Rating: store.RatingM, Note: "late"}, {Objective: "O1", Proposed: store.RatingP}},
		Corrective: []store.CorrectiveAction{{Objective: "O2", Text: "train the night shift", Owner: "Zhang", Start: t0, Due: t0.Add(30 * 24 * time.Hour), Status: "open"}}}
	if err := s.SaveDrillRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	other := store.DrillRun{ID: "D-0", Scenario: "OTHER", Started: t0.Add(-time.Hour)}
	if err := s.SaveDrillRun(ctx, other); err != nil {
		t.Fatal(err)
	}
	got, err := s.DrillRun(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Corrective) != 1 || got.Corrective[0].ID == 0 || got.Corrective[0].Drill != run.ID {
		t.Fatalf("corrective actions %+v", got.Corrective)
	}
	want := run
	want.Corrective = []store.CorrectiveAction{run.Corrective[0]}
	want.Corrective[0].ID, want.Corrective[0].Drill = got.Corrective[0].ID, run.ID
	if !reflect.DeepEqual(got, want) {
		t.Errorf("run:\n got %+v\nwant %+v", got, want)
	}
	all, err := s.DrillRuns(ctx, "")
	if err != nil || len(all) != 2 || all[0].ID != "D-0" {
		t.Errorf("all runs: %v, %v; want D-0 first (earlier start)", all, err)
	}
	of, err := s.DrillRuns(ctx, "DR-FIRE-SHED")
	if err != nil || len(of) != 1 || of[0].ID != run.ID {
		t.Errorf("runs of the scenario: %v, %v", of, err)
	}
	if _, err := s.DrillRun(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing run: %v", err)
	}

	a := got.Corrective[0]
	a.Status, a.Done = "done", t0.Add(10*24*time.Hour)
	if id, err := s.SaveCorrectiveAction(ctx, a); err != nil || id != a.ID {
		t.Fatalf("update: %d, %v", id, err)
	}
	id2, err := s.SaveCorrectiveAction(ctx, store.CorrectiveAction{Drill: run.ID, Text: "buy a second extinguisher"})
	if err != nil || id2 == a.ID {
		t.Fatalf("new action: %d, %v", id2, err)
	}
	acts, err := s.CorrectiveActions(ctx, run.ID)
	if err != nil || len(acts) != 2 {
		t.Fatalf("actions: %v, %v", acts, err)
	}
	if acts[0].Status != "done" || !acts[0].Done.Equal(a.Done) || acts[1].Status != "open" {
		t.Errorf("actions %+v", acts)
	}
	for _, bad := range []store.CorrectiveAction{{Drill: run.ID}, {Text: "x"}, {Drill: run.ID, Text: "x", Status: "later"}} {
		if _, err := s.SaveCorrectiveAction(ctx, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if _, err := s.SaveCorrectiveAction(ctx, store.CorrectiveAction{ID: 999, Drill: run.ID, Text: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of a missing action: %v", err)
	}
	if err := s.SaveDrillRun(ctx, store.DrillRun{ID: "x", Scenario: "y", Ratings: []store.Rating{{Objective: "O1", Rating: "A"}}}); err == nil {
		t.Error("rating A accepted")
	}
	// Saving the run again replaces its ratings and keeps the actions.
	run.Ratings = run.Ratings[:1]
	run.Corrective = nil
	if err := s.SaveDrillRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	got, _ = s.DrillRun(ctx, run.ID)
	if len(got.Ratings) != 1 || len(got.Corrective) != 2 {
		t.Errorf("after saving again: %d ratings, %d actions; want 1, 2", len(got.Ratings), len(got.Corrective))
	}
	_ = path
}

func TestFeatureCodesAndPlaceOf(t *testing.T) {
	s, _ := newStore(t)
	err := s.Update(ctx, func(tx *store.Tx) error {
		for _, f := range []store.Feature{
			store.Camera{Geom: orb.Point{121.1, 31.1}, Code: "CAM-012"},
			store.AccessPoint{Geom: orb.Point{121.2, 31.2}, Code: "GATE-N", Kind: "vehicle_gate"},
			store.KeyArea{Geom: square(121.3, 31.3, 0.001), Code: "KA-SHED", Kind: "ebike_shed"},
			store.Building{Geom: orb.MultiPolygon{square(121.4, 31.4, 0.001)}, OSMID: "way/77"},
			store.Equipment{Geom: orb.Point{121.5, 31.5}, Code: "FE-3", Kind: "extinguisher"},
		} {
			if _, err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	codes, err := s.FeatureCodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]bool{"CAM-012": true, "cam-012 ": true, "GATE-N": true, "KA-SHED": true, "way/77": true, "FE-3": true, "GATE-S": false, "": false} {
		if codes(code) != want {
			t.Errorf("codes(%q) = %v", code, !want)
		}
	}
	for _, c := range []struct {
		code, layer string
		at          orb.Point
	}{{"GATE-N", store.AccessPoints, orb.Point{121.2, 31.2}}, {"ka-shed", store.KeyAreas, orb.Point{121.3005, 31.3005}}, {"way/77", store.Buildings, orb.Point{121.4005, 31.4005}}} {
		g, layer, err := s.PlaceOf(ctx, c.code)
		if err != nil {
			t.Errorf("%s: %v", c.code, err)
			continue
		}
		if layer != c.layer || g == nil || !g.Bound().Pad(1e-9).Contains(c.at) {
			t.Errorf("%s: %s %v, want %s around %v", c.code, layer, g, c.layer, c.at)
		}
	}
	if _, _, err := s.PlaceOf(ctx, "GATE-S"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
}

func TestOgrinfoReadsDrills(t *testing.T) {
	ogrinfo := testenv.Tool(t, "ogrinfo")
	s, path := newStore(t)
	if err := s.SaveScenario(ctx, drillScenario()); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDrillRun(ctx, store.DrillRun{ID: "D1", Scenario: "DR-FIRE-SHED", Ratings: []store.Rating{{Objective: "O1", Rating: "P"}},
		Corrective: []store.CorrectiveAction{{Text: "x"}}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", path).CombinedOutput()
	text := string(out)
	if err != nil || strings.Contains(text, "Warning") || strings.Contains(text, "ERROR") {
		t.Fatalf("ogrinfo -al (%v):\n%s", err, text)
	}
	for _, want := range []string{"Layer name: drill_scenarios", "Layer name: drill_injects", "Layer name: drill_runs",
		"Layer name: drill_ratings", "Layer name: drill_corrective_actions"} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo lacks %q", want)
		}
	}
	out, err = exec.Command(ogrinfo, "-ro", "-q", path, "-sql", "SELECT number, offset_ms FROM drill_injects ORDER BY seq").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "number (String) = 1-A") || !strings.Contains(string(out), "offset_ms (Integer") {
		t.Errorf("ogrinfo reads the injects (%v):\n%s", err, out)
	}
}

func BenchmarkSaveScenario(b *testing.B) {
	dir, err := tmpDir()
	if err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(fmt.Sprintf("%s/drill-%d.gpkg", dir, b.N))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	sc := drillScenario()
	base := sc.Injects[0]
	sc.Injects = nil
	for i := range 100 {
		in := base
		in.Number = fmt.Sprint(i + 1)
		in.Offset = time.Duration(i) * 30 * time.Second
		sc.Injects = append(sc.Injects, in)
	}
	b.ResetTimer()
	for range b.N {
		if err := s.SaveScenario(ctx, sc); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Scenario(ctx, sc.Code); err != nil {
			b.Fatal(err)
		}
	}
}

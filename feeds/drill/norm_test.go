package drill

import (
	"testing"
	"time"

	"safetynet/data/store"
)

func TestPercentileNearestRank(t *testing.T) {
	s := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x) * time.Second
		}
		return out
	}
	tests := []struct {
		name   string
		values []time.Duration
		p      float64
		want   int
		ok     bool
	}{
		// The worked examples of the nearest-rank method.
		{"30th of 5", s(15, 20, 35, 40, 50), 30, 20, true},
		{"40th of 5", s(15, 20, 35, 40, 50), 40, 20, true},
		{"50th of 5", s(15, 20, 35, 40, 50), 50, 35, true},
		{"100th of 5", s(15, 20, 35, 40, 50), 100, 50, true},
		{"unsorted", s(50, 15, 40, 20, 35), 50, 35, true},
		{"90th of 10 is the 9th", s(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9, true},
		{"95th of 10 is the 10th", s(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 95, 10, true},
		{"tiny p is the smallest", s(3, 1, 2), 0.1, 1, true},
		{"one value", s(7), 90, 7, true},
		{"none", nil, 90, 0, false},
		{"p 0", s(1), 0, 0, false},
		{"p over 100", s(1), 101, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]time.Duration(nil), tc.values...)
			got, ok := Percentile(tc.values, tc.p)
			if ok != tc.ok || got != time.Duration(tc.want)*time.Second {
				t.Errorf("Percentile(%v, %g) = %v, %v; want %ds, %v", tc.values, tc.p, got, ok, tc.want, tc.ok)
			}
			for i := range before {
				if before[i] != tc.values[i] {
					t.Fatal("Percentile changed its input")
				}
			}
		})
	}
}

func TestScore135(t *testing.T) {
	chains := Chain(fixture(t), ChainOptions{})
	sc := Score(chains, Norm135())
	if sc.Norm != store.NormMFS135 || len(sc.Alarms) != 4 {
		t.Fatalf("norm %q, %d alarms", sc.Norm, len(sc.Alarms))
	}
	// DR1-1: ack 25 s (met), on scene 120 s (met), joint 200 s (met).
	for i, r := range sc.Alarms[0].Steps {
		if !r.Applies || !r.Reached || !r.Met {
			t.Errorf("DR1-1 step %d %s: %+v, want met", i, r.Step.Name, r)
		}
	}
	// The group of all: respond reached by 3 of 4 (DR2-1 never
	// acknowledged), so the 100th percentile is not reached: fail.
	resp := sc.All.Steps[0]
	if resp.N != 4 || resp.Reached != 3 || resp.Met != 3 || resp.ValueReached || resp.Pass {
		t.Errorf("respond over all: %+v", resp)
	}
	// By drill: DR1 respond values 25 s, 20 s: 100th = 25 s, pass.
	var dr1 *GroupScore
	for i := range sc.Drills {
		if sc.Drills[i].Key == "DR1" {
			dr1 = &sc.Drills[i]
		}
	}
	if dr1 == nil || dr1.Count != 2 {
		t.Fatalf("drill groups: %+v", sc.Drills)
	}
	if r := dr1.Steps[0]; r.Value != 25*time.Second || !r.Pass {
		t.Errorf("DR1 respond: %+v, want 25s pass", r)
	}
	if r := dr1.Steps[1]; r.ValueReached || r.Pass || r.Reached != 1 {
		t.Errorf("DR1 on scene (sd-1 never had a unit): %+v", r)
	}
	if len(sc.Teams) != 2 || sc.Teams[0].Key != "" || sc.Teams[1].Key != "安保一队" || sc.Teams[1].Count != 1 {
		t.Errorf("teams: %+v", sc.Teams)
	}
}

func TestScoreNFPAFamilies(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(typ string, assign, moving, scene int) AlarmChain {
		c := AlarmChain{Type: typ, Received: base, Acked: base.Add(10 * time.Second)}
		c.Assigned = base.Add(time.Duration(assign) * time.Second)
		c.Moving = base.Add(time.Duration(moving) * time.Second)
		c.OnScene = base.Add(time.Duration(scene) * time.Second)
		return c
	}
	// Turnout 70 s: within fire's 80 s, over EMS's 60 s.
	chains := []AlarmChain{mk("fire.smoke", 20, 90, 200), mk("medical.emergency", 20, 90, 400)}
	sc := Score(chains, NormNFPA1710())
	steps := sc.Alarms[0].Steps
	if steps[1].Applies || !steps[2].Applies || !steps[2].Met {
		t.Errorf("fire alarm turnout: EMS %+v, fire %+v", steps[1], steps[2])
	}
	steps = sc.Alarms[1].Steps
	if !steps[1].Applies || steps[1].Met || steps[2].Applies {
		t.Errorf("medical alarm turnout: EMS %+v, fire %+v", steps[1], steps[2])
	}
	if travel := sc.All.Steps[3]; travel.Value != 310*time.Second || travel.Pass {
		t.Errorf("travel at the 90th percentile of 110 s and 310 s: %+v", travel)
	}
}

func TestProposeRatings(t *testing.T) {
	sc := store.Scenario{Objectives: []store.Objective{{Code: "O1"}, {Code: "O2"}, {Code: "O3"}}, Injects: []store.Inject{
		{Number: "1", Objective: "O1", Expect: store.Expect{AckWithin: time.Minute, OnSceneWithin: 3 * time.Minute, ResolveWithin: 4 * time.Minute}},
		{Number: "2", Objective: "O2", Expect: store.Expect{AckWithin: 10 * time.Second, AssignWithin: time.Minute}},
		{Number: "3", Objective: "O3", Expect: store.Expect{AckWithin: time.Minute}}, // never sent
	}}
	chains := Chain(fixture(t), ChainOptions{DrillID: "DR1"})
	got := ProposeRatings(sc, chains)
	// 1: ack 25 s ≤ 1 min, on scene 2 min ≤ 3, resolve 4:20 > 4: 2 of 3, S.
	// 2: ack 20 s > 10 s, never assigned: 0 of 2, U. 3: not judged.
	want := []string{store.RatingS, store.RatingU, ""}
	for i, r := range got {
		if r.Proposed != want[i] || r.Objective != sc.Objectives[i].Code {
			t.Errorf("objective %s: proposed %q, want %q", r.Objective, r.Proposed, want[i])
		}
	}
	for _, tc := range []struct {
		met, total int
		want       string
	}{{3, 3, "P"}, {2, 3, "S"}, {1, 3, "M"}, {0, 3, "U"}, {1, 4, "U"}, {0, 0, ""}} {
		if got := proposal(tc.met, tc.total); got != tc.want {
			t.Errorf("proposal(%d of %d) = %q, want %q", tc.met, tc.total, got, tc.want)
		}
	}
}

func TestScaled(t *testing.T) {
	c := AlarmChain{Received: t0, Acked: t0.Add(time.Second)}
	s := Scaled(c, 60)
	if d, _ := s.Since(StepAck); d != time.Minute {
		t.Errorf("ack after 1 s at 60×: %v of scenario time, want 1m0s", d)
	}
	if !s.OnScene.IsZero() {
		t.Error("a step not reached stays not reached")
	}
}

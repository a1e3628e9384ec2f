package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"safetynet/data/demo"
	"safetynet/data/store"
)

// TestDrillRateAndAction: the evaluator's rating replaces nothing but its
// objective's, and corrective actions are added and followed up; bad
// values are refused and change nothing.
func TestDrillRateAndAction(t *testing.T) {
	db := demoDB(t)
	ctx := context.Background()
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	run := store.DrillRun{ID: "R1", Scenario: demo.ScenarioCode, Started: start, Ended: start.Add(20 * time.Minute),
		Ratings: []store.Rating{{Objective: "O1", Proposed: "S"}, {Objective: "O2", Proposed: "P"}}}
	if err := s.SaveDrillRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	s.Close()

	if out := mustCtl(t, "drill", "rate", db, "--drill", demo.ScenarioCode, "--objective", "O1", "--rating", "m", "--note", "ack late"); !strings.Contains(out, "objective O1 rated M") {
		t.Errorf("rate: %s", out)
	}
	for _, bad := range [][]string{
		{"--drill", "R1", "--objective", "O1", "--rating", "X"},
		{"--drill", "R1", "--objective", "O9", "--rating", "P"},
		{"--drill", "NOPE", "--objective", "O1", "--rating", "P"},
	} {
		if out, code := ctl(t, append([]string{"drill", "rate", db}, bad...)...); code == 0 {
			t.Errorf("drill rate %v accepted: %s", bad, out)
		}
	}
	out := mustCtl(t, "drill", "action", db, "--drill", "R1", "--objective", "O1", "--text", "Answer the smoke alarm within 1 min", "--owner", "Duty manager", "--due", "2026-12-31")
	if !strings.Contains(out, "corrective action 1 (Duty manager, open, due 2026-12-31)") {
		t.Errorf("action: %s", out)
	}
	if out, code := ctl(t, "drill", "action", db, "--drill", "R1", "--text", "x", "--owner", "y", "--due", "31/12/2026"); code != 2 {
		t.Errorf("a bad date: exit %d, %s", code, out)
	}
	if out, code := ctl(t, "drill", "action", db, "--drill", "R1", "--id", "1", "--status", "finished"); code == 0 {
		t.Errorf("a bad status accepted: %s", out)
	}
	mustCtl(t, "drill", "action", db, "--drill", "R1", "--id", "1", "--status", "done")

	s, err = store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.DrillRun(ctx, "R1")
	if err != nil {
		t.Fatal(err)
	}
	rs := map[string]store.Rating{}
	for _, r := range got.Ratings {
		rs[r.Objective] = r
	}
	if r := rs["O1"]; r.Rating != "M" || r.Proposed != "S" || r.Note != "ack late" {
		t.Errorf("O1 rating %+v", r)
	}
	if r := rs["O2"]; r.Rating != "" || r.Proposed != "P" {
		t.Errorf("O2 rating changed: %+v", r)
	}
	acts, err := s.CorrectiveActions(ctx, "R1")
	if err != nil || len(acts) != 1 {
		t.Fatalf("corrective actions %+v, %v", acts, err)
	}
	if a := acts[0]; a.Status != "done" || a.Done.IsZero() || a.Owner != "Duty manager" || a.Objective != "O1" || a.Due.Format("2006-01-02") != "2026-12-31" {
		t.Errorf("corrective action %+v", a)
	}
}

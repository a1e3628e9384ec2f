package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/drill"
	"safetynet/feeds/event"
)

func TestDrillCommandsRegistered(t *testing.T) {
	for _, name := range []string{"run", "chain"} {
		if drillCommands[name] == nil {
			t.Errorf("drill %s is not registered", name)
		}
	}
}

// consoleLogStore writes a store whose event log holds a drill alarm
// handled by a real console: opened after 10 s, acknowledged after 25 s,
// assigned after 40 s, the unit on scene after 2 min, resolved after
// 4 min; and a real alert acknowledged after 5 s.
func consoleLogStore(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "log.gpkg")
	mustCtl(t, "demo", "--db", db)
	ctx := context.Background()
	t0 := time.Date(2026, 5, 1, 22, 0, 0, 0, time.FixedZone("CST", 8*3600))
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	shed := orb.Point{121.605368, 31.200082}
	con := console.New(console.Options{})
	seq := int64(0)
	apply := func(e event.Event, when time.Time) {
		seq++
		if !con.Apply(event.Message{Seq: seq, Event: e}, when) {
			t.Fatalf("the console took nothing from %s", e.ID)
		}
	}
	act := func(kind, subject, unit string, when time.Time) {
		e, err := console.NewAction(kind, subject, "wang", unit, "", when)
		if err != nil {
			t.Fatal(err)
		}
		apply(e, when)
	}
	unit := func(p orb.Point, when time.Time) {
		apply(event.Event{ID: "u@" + when.String(), Subject: "patrol:PR-1", Type: "patrol.position", Time: when, Geometry: p,
			Title: "Security Team 1", Properties: map[string]any{"team": "安保一队"}}, when)
	}
	apply(event.Event{ID: "DR-1-1", Subject: "DR-1-1", Type: "fire.smoke", Severity: event.Severe, Status: event.Exercise, Time: at(0),
		Geometry: shed, Properties: map[string]any{"drill_id": "DR-1", "drill": "Night fire", "inject": "1"}}, at(0))
	unit(orb.Point{121.6040, 31.2000}, at(1))
	con.Opened("DR-1-1", "wang", at(10))
	act(console.ActionAck, "DR-1-1", "", at(25))
	act(console.ActionAssign, "DR-1-1", "Security Team 1", at(40))
	unit(orb.Point{121.6045, 31.2000}, at(60))
	apply(event.Event{ID: "real-1", Type: "intrusion.perimeter", Severity: event.Severe, Time: at(70), Geometry: orb.Point{121.5962, 31.1950}}, at(70))
	act(console.ActionAck, "real-1", "", at(75))
	unit(shed, at(120))
	act(console.ActionResolve, "DR-1-1", "", at(240))
	_, _, log := con.TakeChanges()
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveLive(ctx, nil, nil, log, seq); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestDrillChainCommand(t *testing.T) {
	db := consoleLogStore(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := cmdDrillChain(ctx, []string{db, "--drill", "DR-1"}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) < 2 {
		t.Fatalf("output:\n%s", out.String())
	}
	row := strings.Fields(lines[1])
	// received (2 fields), inject, subject, type, team, unit (3 fields), then the steps.
	want := []string{"1", "DR-1-1", "fire.smoke", "安保一队", "Security", "Team", "1", "0:10", "0:25", "0:40", "1:00", "2:00", "4:00", "4:00"}
	if got := row[2:]; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("chain row\n got %v\nwant %v\n%s", got, want, out.String())
	}
	if strings.Contains(out.String(), "real-1") {
		t.Errorf("the real alert is in the drill's chain:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "respond") || !strings.Contains(out.String(), "pass") {
		t.Errorf("no score:\n%s", out.String())
	}

	out.Reset()
	if err := cmdDrillChain(ctx, []string{db, "--real", "--csv"}, &out); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "real-1" || recs[1][3] != "false" || recs[1][11] != "5.000" {
		t.Errorf("real alarms as CSV: %v", recs)
	}

	for _, args := range [][]string{{}, {db, "--norm", "x"}, {db, "--from", "yesterday"}, {db, "--speed", "0"}} {
		if err := cmdDrillChain(ctx, args, &out); err == nil {
			t.Errorf("drill chain %v: no error", args)
		}
	}
	if err := cmdDrillChain(ctx, []string{filepath.Join(t.TempDir(), "none.gpkg")}, &out); err == nil {
		t.Error("drill chain of a missing store: no error")
	}
}

func TestDrillRun(t *testing.T) {
	th := startHub(t)
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	drillRunInput = strings.NewReader("status\nskip 9\nfrobnicate\nnote smoke seen from the east gate\n")
	defer func() { drillRunInput = strings.NewReader("") }()
	var out bytes.Buffer
	err := cmdDrillRun(context.Background(), []string{db, demo.ScenarioCode, "--hub", th.url, "--token", th.publisher,
		"--speed", "600", "--id", "DR-TEST", "--lang", "en", "--responders", "1", "--after", "1m"}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"inject 1    sent", "inject 9    skipped", "unknown command \"frobnicate\"", "noted at", "drill DR-TEST ended"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	sent := map[string]bool{}
	var ended bool
	for _, e := range th.events(t) {
		id, _, n := drill.DrillOf(&e)
		if !e.IsDrill() || id != "DR-TEST" {
			t.Errorf("event %s (%s) is not the drill's: %s %q", e.ID, e.Type, e.Status, id)
		}
		if e.Type == console.TypeDrillEnd {
			ended = true
		}
		sent[n] = true
	}
	// A publisher token cannot follow the hub: the escalation goes out as
	// if nothing had been answered.
	for _, n := range []string{"1", "2", "3", "1-A", "4", "5", "7"} {
		if !sent[n] {
			t.Errorf("inject %s never reached the hub", n)
		}
	}
	if sent["9"] || !ended {
		t.Errorf("skipped inject 9 sent %v, drill.end sent %v", sent["9"], ended)
	}

	for _, args := range [][]string{{db}, {db, "NOPE", "--hub", th.url, "--token", th.publisher},
		{db, demo.ScenarioCode, "--hub", th.url, "--token", th.publisher, "--format", "sms"},
		{db, demo.ScenarioCode, "--token", th.publisher}} {
		if err := cmdDrillRun(context.Background(), args, &out); err == nil {
			t.Errorf("drill run %v: no error", args)
		}
	}
}

func TestDrillRunInterrupted(t *testing.T) {
	th := startHub(t)
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	pr, pw := io.Pipe() // a director who never types
	defer pw.Close()
	drillRunInput = pr
	defer func() { drillRunInput = strings.NewReader("") }()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel) // Ctrl+C
	var out bytes.Buffer
	if err := cmdDrillRun(ctx, []string{db, demo.ScenarioCode, "--hub", th.url, "--token", th.publisher, "--id", "DR-INT"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var injects, ends int
	for _, e := range th.events(t) {
		switch {
		case e.Type == console.TypeDrillEnd:
			ends++
		default:
			injects++
		}
	}
	// At speed 1, half a second in: inject 1 (t+00:00) only, then drill.end.
	if injects != 1 || ends != 1 {
		t.Errorf("%d injects and %d drill.end at the hub, want 1 and 1\n%s", injects, ends, out.String())
	}
}

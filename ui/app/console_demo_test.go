package app

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"safetynet/data/demo"
	"safetynet/data/scene"
	"safetynet/data/store"
)

// demoConsoleStore writes the demo community to a new GeoPackage.
func demoConsoleStore(t testing.TB) *store.Store {
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

// TestConsoleRightAnswersOnTheDemo: an operator selects the demo's
// alarms in the console. A smoke detector in a stairwell gets its
// extinguisher within 30 m on foot (walking from the building's door);
// the North Gate's forced door lists both North Gate cameras, which look
// at the opening in the wall.
func TestConsoleRightAnswersOnTheDemo(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	s := demoConsoleStore(t)
	sources, err := scene.Sources(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	var smoke, gate scene.Source
	for _, src := range sources {
		if src.Kind == scene.SourceSmoke && src.Building != "" && smoke.Code == "" && src.Detail == "ebike_charging" {
			smoke = src
		}
		if src.Kind == scene.SourceGate && src.Names.NameEn == "North Gate" {
			gate = src
		}
	}
	if smoke.Code == "" || gate.Code == "" {
		t.Fatalf("the demo has no stairwell detector (%+v) or North Gate (%+v)", smoke, gate)
	}
	x := startConsole(t, s, url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	now := time.Now().UTC().Format(time.RFC3339Nano)
	post(t, url, tok[2], fmt.Sprintf(`{"id":"sd","type":"fire.smoke","severity":"severe","source":%q,"time":%q,"title":"Smoke","geometry":{"type":"Point","coordinates":[%.8f,%.8f]}}`,
		smoke.Name(), now, smoke.At[0], smoke.At[1]))
	post(t, url, tok[2], fmt.Sprintf(`{"id":"gate","type":"access.forced_door","severity":"severe","source":%q,"time":%q,"title":"Door forced","geometry":{"type":"Point","coordinates":[%.8f,%.8f]}}`,
		gate.Name(), now, gate.At[0], gate.At[1]))
	eventually(t, "both alarms arrive", func() bool {
		_, a := queued(x, "sd")
		_, b := queued(x, "gate")
		return a && b
	})

	x.live.selectAlert("sd", true)
	eventually(t, "the smoke alarm's answer", func() bool { return nearShown(x) })
	eq := labels(x.live.equip)
	walk := regexp.MustCompile(`: (\d+) m on foot`).FindStringSubmatch(strings.Join(eq, "\n"))
	if len(walk) < 2 {
		t.Fatalf("no equipment on foot for the smoke detector in %s: %q", smoke.Building, eq)
	}
	if d, _ := strconv.Atoi(walk[1]); d > 30 || !strings.Contains(eq[0], "extinguisher") {
		t.Errorf("nearest equipment for the stairwell detector: %q, want an extinguisher within 30 m on foot", eq)
	}
	if cams := labels(x.live.cams); !strings.HasPrefix(cams[0], "Inside ") {
		t.Errorf("the answer does not say the detector is inside a building: %q", cams)
	}

	t.Logf("smoke detector %s: %q %q", smoke.Code, labels(x.live.cams), eq)
	x.live.selectAlert("gate", true)
	eventually(t, "the gate alarm's answer", func() bool { return nearShown(x) })
	cams := strings.Join(labels(x.live.cams), "\n")
	for _, want := range []string{"North Gate inbound", "North Gate outbound"} {
		if !strings.Contains(cams, want) {
			t.Errorf("the North Gate alarm does not list %s:\n%s", want, cams)
		}
	}
	t.Logf("North Gate: %s", cams)
	if w := x.live.box.MinSize().Width; w > 330 {
		t.Errorf("the alert's detail asks for %.0f px, more than the alert panel's 330 at 1280 px: it would squeeze the map", w)
	}
	if strings.Contains(cams, "No camera sees this place.") {
		t.Errorf("the North Gate alarm says no camera sees it:\n%s", cams)
	}
}

package main

import (
	"context"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/feeds/event"
	"safetynet/feeds/hub"
)

// testHub runs an in-process hub for send and simulate.
type testHub struct {
	srv       *hub.Server
	url       string
	publisher string
	viewer    string
}

func startHub(t *testing.T) *testHub {
	t.Helper()
	db := filepath.Join(t.TempDir(), "hub.db")
	toks, err := store.OpenTokens(db)
	if err != nil {
		t.Fatal(err)
	}
	th := &testHub{}
	ctx := context.Background()
	th.publisher, _ = toks.Add(ctx, "ctl", store.RolePublisher)
	th.viewer, _ = toks.Add(ctx, "view", store.RoleViewer)
	th.srv, err = hub.New(hub.Config{DB: db, Tokens: toks, Rate: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(th.srv.Handler())
	th.url = hs.URL
	t.Cleanup(func() { hs.CloseClientConnections(); th.srv.Close(); hs.Close(); toks.Close() })
	return th
}

// events returns what the hub stored, decoded.
func (th *testHub) events(t *testing.T) []event.Event {
	t.Helper()
	es, err := th.srv.Log().Read(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var out []event.Event
	for _, le := range es {
		e, err := event.Decode(le.Data)
		if err != nil {
			t.Fatalf("stored event %d does not decode: %v", le.Seq, err)
		}
		out = append(out, e)
	}
	return out
}

func TestSend(t *testing.T) {
	th := startHub(t)
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "smoke.json")
	os.WriteFile(jsonFile, []byte(`{"id":"SD-07-1","type":"fire.smoke","severity":"severe","time":"2026-05-01T10:15:00+08:00","geometry":{"type":"Point","coordinates":[121.6,31.2]}}`), 0o644)
	badFile := filepath.Join(dir, "bad.json")
	os.WriteFile(badFile, []byte(`{"id":"x","type":"fire.smoke"}`), 0o644)
	capFile := sharedData(t, "cap/oasis-1.2-examples/Oasis_EarthquakeReport.xml")
	cotFile := sharedData(t, "cot/freetakserver/b-m-p-s-m-1581185985900.xml")
	hubArgs := []string{"--hub", th.url, "--token", th.publisher}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"json file", append([]string{"send", jsonFile}, hubArgs...), 0, "stored as seq 1: json SD-07-1 (fire.smoke)"},
		{"again", append([]string{"send", jsonFile}, hubArgs...), 0, "already stored as seq 1"},
		{"cap file", append([]string{"send", capFile}, hubArgs...), 0, "stored as seq 2: cap trinet@caltech.edu,TRI13970876.2 (alert.geo)"},
		{"cot file", append([]string{"send", cotFile}, hubArgs...), 0, "stored as seq 3: cot d287532a"},
		{"from flags", append([]string{"send", "--type", "camera.offline", "--id", "cam-9-off", "--severity", "moderate", "--point", "121.6,31.2", "--source", "camera:CAM-009"}, hubArgs...), 0, "stored as seq 4: json cam-9-off (camera.offline)"},
		{"invalid event names the file", append([]string{"send", badFile}, hubArgs...), 1, "bad.json: event: invalid: time is missing"},
		{"missing file", append([]string{"send", filepath.Join(dir, "nope.xml")}, hubArgs...), 1, "nope.xml"},
		{"viewer token", []string{"send", jsonFile, "--hub", th.url, "--token", th.viewer}, 1, "may publish"},
		{"no hub", []string{"send", jsonFile, "--token", th.publisher}, 2, "--hub"},
		{"no token", []string{"send", jsonFile, "--hub", th.url}, 2, "token"},
		{"bad point", append([]string{"send", "--type", "fire.smoke", "--point", "x"}, hubArgs...), 2, "lon,lat"},
		{"bad type", append([]string{"send", "--type", "Fire"}, hubArgs...), 2, "dotted lower-case"},
		{"hub down", []string{"send", jsonFile, "--hub", "http://127.0.0.1:1", "--token", th.publisher}, 1, "127.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := append([]string(nil), tc.args...)
			out, code := ctl(t, cmd...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s", code, tc.code, tc.want, out)
			}
			if strings.Contains(out, th.publisher) || strings.Contains(out, th.viewer) {
				t.Error("the output shows the token")
			}
		})
	}
	es := th.events(t)
	if len(es) != 4 || es[3].Source != "camera:CAM-009" || es[3].Geometry != (orb.Point{121.6, 31.2}) {
		t.Errorf("stored %d events; the last %+v", len(es), es[len(es)-1])
	}
}

// distanceToLine is the distance in metres from p to the nearest point of
// ls.
func distanceToLine(ls orb.LineString, p orb.Point) float64 {
	best := math.Inf(1)
	k := math.Cos(p[1] * math.Pi / 180)
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		dx, dy := (b[0]-a[0])*k, b[1]-a[1]
		t := 0.0
		if d2 := dx*dx + dy*dy; d2 > 0 {
			t = math.Max(0, math.Min(1, ((p[0]-a[0])*k*dx+(p[1]-a[1])*dy)/d2))
		}
		q := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
		best = math.Min(best, geo.Distance(p, q))
	}
	return best
}

// TestSimulate plays the demo community for a few seconds, fast, and checks
// that the story is realistic: patrols on their routes, checkpoints where
// they are, alarms from the community's fixed alarm sources (scene.Sources:
// where the cameras look, at the gates, detectors inside the buildings),
// one camera going offline and back.
func TestSimulate(t *testing.T) {
	th := startHub(t)
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	out := mustCtl(t, "simulate", "--db", db, "--hub", th.url, "--token", th.publisher, "--duration", "4s", "--rate", "100", "--speed", "60", "--seed", "7", "--accel", "3600")
	if !strings.Contains(out, "acknowledged, 0 refused") {
		t.Errorf("summary: %s", out)
	}
	s, err := store.OpenWith(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	routes, _ := s.PatrolRoutes(ctx, store.World)
	checks, _ := s.Checkpoints(ctx, store.World)
	cams, _ := s.Cameras(ctx, store.World)
	sources, err := scene.Sources(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	byRoute := map[string]orb.LineString{}
	for _, r := range routes {
		byRoute[r.Code] = r.Geom
	}
	places := map[string]orb.Point{} // of cameras, going offline and back
	for _, c := range cams {
		places["camera:"+c.Code] = c.Geom
	}
	alarms := map[string]orb.Point{} // of the alarm sources
	for _, src := range sources {
		alarms[src.Name()] = src.At
	}
	es := th.events(t)
	if len(es) < 200 || len(es) > 420 { // a loaded machine drops ticks
		t.Fatalf("%d events for 4 s at 100/s", len(es))
	}
	counts := map[string]int{}
	for _, e := range es {
		counts[e.Type]++
		if e.Status != event.Actual || e.Properties["simulated"] != true {
			t.Errorf("%s: status %s", e.ID, e.Status)
		}
		pt, ok := e.Geometry.(orb.Point)
		if !ok {
			t.Fatalf("%s %s has geometry %v", e.Type, e.ID, e.Geometry)
		}
		switch e.Type {
		case "patrol.position":
			route := byRoute[e.Properties["route"].(string)]
			if d := distanceToLine(route, pt); d > 1 || e.Subject != "patrol:"+e.Properties["route"].(string) {
				t.Errorf("%s: %.1f m off route %s", e.ID, d, e.Properties["route"])
			}
			if !e.Stale.After(e.Time) || !e.Expires.After(e.Stale) {
				t.Errorf("%s: time %v stale %v expires %v", e.ID, e.Time, e.Stale, e.Expires)
			}
		case "patrol.checkpoint":
			near := math.Inf(1)
			for _, c := range checks {
				if c.Code == e.Properties["checkpoint"] {
					near = geo.Distance(c.Geom, pt)
				}
			}
			if near > 5 {
				t.Errorf("%s: checkpoint %v reported %.1f m from where it is", e.ID, e.Properties["checkpoint"], near)
			}
		case "camera.offline", "camera.online":
			if p, ok := places[e.Source]; !ok || p != pt {
				t.Errorf("%s from %s at %v, not where that device is", e.Type, e.Source, pt)
			}
		case "intrusion.perimeter", "access.forced_door", "access.tailgating", "fire.smoke", "equipment.fault":
			if p, ok := alarms[e.Source]; !ok || p != pt {
				t.Errorf("%s from %s at %v, not where that alarm source is", e.Type, e.Source, pt)
			}
		}
	}
	for _, typ := range []string{"patrol.position", "patrol.checkpoint", "camera.offline", "camera.online"} {
		if counts[typ] == 0 {
			t.Errorf("no %s in %v", typ, counts)
		}
	}
	if n := counts["intrusion.perimeter"] + counts["access.forced_door"] + counts["access.tailgating"] + counts["fire.smoke"] + counts["equipment.fault"]; n == 0 {
		t.Errorf("no alarms in %v", counts)
	}
	if counts["patrol.position"] < len(es)*3/4 {
		t.Errorf("mostly positions expected: %v", counts)
	}

	// Errors and drills.
	empty := filepath.Join(t.TempDir(), "empty.gpkg")
	es2, err := store.Open(empty)
	if err != nil {
		t.Fatal(err)
	}
	es2.Close()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no routes", []string{"simulate", "--db", empty, "--hub", th.url, "--token", th.publisher, "--duration", "1s"}, 1, "no patrol routes"},
		{"no db", []string{"simulate", "--hub", th.url, "--token", th.publisher}, 2, "--db"},
		{"bad rate", []string{"simulate", "--db", db, "--hub", th.url, "--token", th.publisher, "--rate", "0"}, 2, "--rate"},
		{"bad language", []string{"simulate", "--db", db, "--hub", th.url, "--token", th.publisher, "--lang", "fr"}, 2, "--lang"},
		{"drill", []string{"simulate", "--db", db, "--hub", th.url, "--token", th.publisher, "--duration", "500ms", "--rate", "20", "--drill"}, 0, "0 refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code := ctl(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s", code, tc.code, tc.want, out)
			}
		})
	}
	all := th.events(t)
	for _, e := range all[len(es):] {
		if e.Status != event.Exercise {
			t.Errorf("drill event %s has status %s", e.ID, e.Status)
		}
	}
}

// TestSimulateInChinese: with --lang zh the events' titles are Chinese
// and name the demo's features by their Chinese names.
func TestSimulateInChinese(t *testing.T) {
	th := startHub(t)
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	mustCtl(t, "simulate", "--db", db, "--hub", th.url, "--token", th.publisher, "--duration", "2s", "--rate", "50", "--speed", "60", "--seed", "3", "--lang", "zh")
	s, err := store.OpenWith(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cams, _ := s.Cameras(context.Background(), store.World)
	zh := map[string]string{}
	for _, c := range cams {
		zh["camera:"+c.Code] = c.NameZh
	}
	seen := 0
	for _, e := range th.events(t) {
		if e.Type != "camera.offline" {
			continue
		}
		seen++
		if want := "摄像机离线：" + zh[e.Source]; e.Title != want || zh[e.Source] == "" {
			t.Errorf("camera.offline title %q, want %q", e.Title, want)
		}
	}
	if seen == 0 {
		t.Error("no camera.offline event in 2 s")
	}
}

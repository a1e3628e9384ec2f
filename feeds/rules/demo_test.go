package rules

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"safetynet/data/demo"
	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/feeds/event"
	"safetynet/geo/coverage"
)

// TestDemo: the demo community from its GeoPackage. Its default rules
// build an engine; taking offline the camera that contributes most to
// some key area raises a coverage drop for that area, and bringing it
// back cancels the drop and restores the model.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demo.Write(ctx, st); err != nil {
		t.Fatal(err)
	}
	env, err := EnvFromStore(ctx, st, "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Zones) == 0 || len(env.Routes) == 0 || len(env.Checkpoints) == 0 {
		t.Fatalf("env: %d zones, %d routes, %d checkpoints", len(env.Zones), len(env.Routes), len(env.Checkpoints))
	}
	if env.ZoneNames["KA-GATE-S"] != "South Gate" || env.ZoneKinds["KA-GATE-S"] != "gate" {
		t.Errorf("KA-GATE-S: name %q, kind %q", env.ZoneNames["KA-GATE-S"], env.ZoneKinds["KA-GATE-S"])
	}
	rules := Defaults(env)
	if !reflect.DeepEqual(rules, Defaults(env)) {
		t.Error("Defaults differ between calls")
	}
	var gates []string
	for _, r := range rules {
		if r.Kind == Absence {
			gates = append(gates, r.Zone)
			if r.Minutes != 30 {
				t.Errorf("%s: %g minutes", r.ID, r.Minutes)
			}
		}
	}
	if want := []string{"KA-GATE-E", "KA-GATE-N", "KA-GATE-S", "KA-GATE-W"}; !reflect.DeepEqual(gates, want) {
		t.Errorf("absence rules on %v, want %v", gates, want)
	}
	if n := len(rules); n != 6 || rules[4].Kind != CameraCoverage || rules[5].Kind != Checkpoint || rules[5].Route != "" {
		t.Errorf("defaults: %+v", rules)
	}
	if back, err := Parse(Format(rules)); err != nil || !reflect.DeepEqual(back, rules) {
		t.Errorf("defaults do not survive Format and Parse: %v", err)
	}

	sc, err := scene.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sc.Model(coverage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	original := m.KeyAreas()
	area, camera, before, after := biggestContribution(t, m)
	t.Logf("camera %s carries key area %s: %.1f%% -> %.1f%%", camera, area, 100*before, 100*after)

	env.Coverage = ModelCoverage(m)
	env.Location = time.UTC
	g, err := New(rules, env, t0)
	if err != nil {
		t.Fatalf("the default rules: %v", err)
	}
	off := event.Event{ID: "off-1", Type: "camera.offline", Time: at(time.Minute), Subject: "camera:" + camera, Source: "camera:" + camera}
	got := g.Observe(off, at(time.Minute))
	check(t, got)
	var drop *event.Event
	for i, e := range got {
		if e.Type != TypeCoverageDrop || e.Properties["camera"] != camera {
			t.Errorf("unexpected %s %s", e.Type, e.ID)
		}
		if e.Properties["zone"] == area {
			drop = &got[i]
		}
	}
	if drop == nil {
		t.Fatalf("no coverage drop for %s; raised %v", area, ids(got))
	}
	if drop.ID != "rule:coverage:camera:"+camera+":"+area+":"+ms(at(time.Minute)) ||
		drop.Properties["before_pct"] != pct(before) || drop.Properties["after_pct"] != pct(after) {
		t.Errorf("drop: %s %v", drop.ID, drop.Properties)
	}
	on := event.Event{ID: "on-1", Type: "camera.online", Time: at(2 * time.Minute), Subject: "camera:" + camera, Source: "camera:" + camera}
	back := g.Observe(on, at(2*time.Minute))
	check(t, back)
	if len(back) != len(got) {
		t.Errorf("%d drops, %d cancels", len(got), len(back))
	}
	for i, e := range back {
		if e.Op != event.Cancel || i >= len(got) || !slices.Equal(e.References, []string{got[i].ID}) {
			t.Errorf("back online: %+v", e)
		}
	}
	if !reflect.DeepEqual(m.KeyAreas(), original) {
		t.Error("the model's key-area coverage differs after the camera came back")
	}
}

// biggestContribution finds, by taking each camera out and back, the key
// area and camera whose loss takes the area from at least DefaultMinShare
// furthest below it.
func biggestContribution(t *testing.T, m *coverage.Model) (area, camera string, before, after float64) {
	t.Helper()
	best := -1.0
	for _, a := range m.KeyAreas() {
		if a.Camera < DefaultMinShare || a.Code == "" {
			continue
		}
		for _, id := range a.Cameras {
			c, ok := m.Camera(id)
			if !ok {
				continue
			}
			m.RemoveCamera(id)
			var left float64
			for _, b := range m.KeyAreas() {
				if b.Code == a.Code {
					left = b.Camera
				}
			}
			if _, err := m.SetCamera(c); err != nil {
				t.Fatal(err)
			}
			if left < DefaultMinShare && a.Camera-left > best {
				best, area, camera, before, after = a.Camera-left, a.Code, id, a.Camera, left
			}
		}
	}
	if best < 0 {
		t.Fatal("no camera alone takes a key area below the minimum share")
	}
	return area, camera, before, after
}

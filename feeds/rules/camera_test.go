package rules

import (
	"maps"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// fakeCoverage: each area has a share with every camera online; each
// camera, when offline, takes a share of some areas away.
type fakeCoverage struct {
	base map[string]float64
	loss map[string]map[string]float64 // camera -> area -> share lost
	off  map[string]bool
}

func (f *fakeCoverage) shares() map[string]float64 {
	out := maps.Clone(f.base)
	for cam := range f.off {
		for a, l := range f.loss[cam] {
			out[a] -= l
		}
	}
	return out
}

func (f *fakeCoverage) SetOnline(cam string, online bool) (before, after map[string]float64, ok bool) {
	if _, known := f.loss[cam]; !known {
		return nil, nil, false
	}
	before = f.shares()
	if online {
		delete(f.off, cam)
	} else {
		f.off[cam] = true
	}
	return before, f.shares(), true
}

func camEvent(typ, code string, tm time.Time) event.Event {
	return event.Event{ID: typ + "-" + code + "-" + ms(tm), Type: typ, Time: tm, Subject: "camera:" + code,
		Source: "camera:" + code, Geometry: orb.Point{121.0004, 31.0002}}
}

func TestCoverageDrop(t *testing.T) {
	env := testEnv()
	env.Coverage = &fakeCoverage{
		base: map[string]float64{"KA-A": 0.9, "KA-B": 0.5},
		loss: map[string]map[string]float64{
			"CAM-1": {"KA-A": 0.25, "KA-B": 0.1},
			"CAM-2": {"KA-A": 0.05},
			"CAM-3": {},
		},
		off: map[string]bool{},
	}
	g := newEngine(t, []Rule{{ID: "cov", Kind: CameraCoverage}}, env)
	drop := "rule:cov:camera:CAM-1:KA-A:" + ms(at(time.Minute))
	steps := []struct {
		name string
		e    event.Event
		want []string
	}{
		{"an unknown camera", camEvent("camera.offline", "CAM-9", at(0)), nil},
		{"no loss", camEvent("camera.offline", "CAM-3", at(0)), nil},
		// KA-A 90% -> 65%: below 80%; KA-B was below already.
		{"CAM-1 offline", camEvent("camera.offline", "CAM-1", at(time.Minute)), []string{drop}},
		{"offline again", camEvent("camera.offline", "CAM-1", at(90*time.Second)), nil},
		{"CAM-2 offline: KA-A already alerted", camEvent("camera.offline", "CAM-2", at(2*time.Minute)), nil},
		{"CAM-2 online: KA-A still below", camEvent("camera.online", "CAM-2", at(3*time.Minute)), nil},
		{"CAM-2 offline again", camEvent("camera.offline", "CAM-2", at(4*time.Minute)), nil},
		{"CAM-1 online: 85%, cancelled", camEvent("camera.online", "CAM-1", at(5*time.Minute)), []string{drop + ":cancel"}},
		{"CAM-2 online", camEvent("camera.online", "CAM-2", at(6*time.Minute)), nil},
	}
	var raised []event.Event
	for _, s := range steps {
		got := g.Observe(s.e, s.e.Time)
		check(t, got)
		raised = append(raised, got...)
		if !reflect.DeepEqual(ids(got), s.want) {
			t.Errorf("%s: raised %v, want %v", s.name, ids(got), s.want)
		}
	}
	if len(raised) != 2 {
		t.Fatalf("%d events", len(raised))
	}
	d, c := raised[0], raised[1]
	if d.Type != "rule.coverage_drop" || d.Subject != drop || !reflect.DeepEqual(d.Geometry, zoneA) ||
		d.Properties["camera"] != "CAM-1" || d.Properties["zone"] != "KA-A" ||
		d.Properties["before_pct"] != 90.0 || d.Properties["after_pct"] != 65.0 ||
		d.Title != "North Gate: coverage 65% with camera CAM-1 offline" {
		t.Errorf("drop: %+v", d)
	}
	if c.Op != event.Cancel || c.Subject != drop || !reflect.DeepEqual(c.References, []string{drop}) ||
		c.Properties["after_pct"] != 85.0 || !c.Time.Equal(at(5*time.Minute)) {
		t.Errorf("cancel: %+v", c)
	}
}

func TestCoverageDrill(t *testing.T) {
	env := testEnv()
	env.Coverage = &fakeCoverage{base: map[string]float64{"KA-A": 1}, loss: map[string]map[string]float64{"CAM-1": {"KA-A": 0.5}}, off: map[string]bool{}}
	g := newEngine(t, []Rule{{ID: "cov", Kind: CameraCoverage, MinShare: 0.6, Severity: event.Severe}}, env)
	off := camEvent("camera.offline", "CAM-1", at(0))
	off.Status = event.Exercise
	got := g.Observe(off, at(0))
	on := camEvent("camera.online", "CAM-1", at(time.Minute))
	got = append(got, g.Observe(on, at(time.Minute))...)
	check(t, got)
	if len(got) != 2 {
		t.Fatalf("raised %v", ids(got))
	}
	for _, e := range got {
		if e.Status != event.Exercise || e.Severity != event.Severe {
			t.Errorf("%s: status %s, severity %s; want exercise, severe", e.ID, e.Status, e.Severity)
		}
	}
}

func TestCoverageNil(t *testing.T) {
	g := newEngine(t, []Rule{{ID: "cov", Kind: CameraCoverage}}, testEnv())
	if got := g.Observe(camEvent("camera.offline", "CAM-1", at(0)), at(0)); len(got) != 0 {
		t.Errorf("raised %v without coverage", ids(got))
	}
}

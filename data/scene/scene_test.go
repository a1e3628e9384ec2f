package scene

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/osmimport"
	"safetynet/data/store"
	"safetynet/data/testenv"
	"safetynet/geo/coverage"
	"safetynet/geo/placement"
)

func TestRoundsPerDay(t *testing.T) {
	tests := []struct {
		name     string
		shifts   string
		perShift int
		want     float64
		problem  string
	}{
		{"three shifts of two", "08:00-16:00,16:00-24:00,00:00-08:00", 2, 6, ""},
		{"one shift", "22:00-06:00", 4, 4, ""},
		{"spaces", " 08:00-16:00 , 16:00-24:00 ", 3, 6, ""},
		{"no shifts: one a day", "", 3, 3, "no shifts given"},
		{"a bad shift", "08:00-16:00,lunch", 2, 2, `shifts "lunch"`},
		{"negative rounds", "08:00-16:00", -1, 0, "-1 rounds per shift"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, prob := roundsPerDay(tc.shifts, tc.perShift)
			if got != tc.want || !strings.Contains(prob, tc.problem) || (tc.problem == "") != (prob == "") {
				t.Errorf("roundsPerDay = %v, %q; want %v, %q", got, prob, tc.want, tc.problem)
			}
		})
	}
}

func TestFromFeatures(t *testing.T) {
	at := func(dx, dy float64) orb.Point { return orb.Point{121.6 + dx*1e-5, 31.2 + dy*1e-5} }
	fs := []store.Feature{
		store.Camera{Geom: at(0, 0), Code: "CAM-1", HFOV: 60, ResolutionH: 2560, MaxRange: 40, MountHeight: 4, Status: store.CameraOnline},
		&store.Camera{Geom: at(1, 0), Code: "CAM-1", HFOV: 60, Status: store.CameraOffline}, // pointer, same code, no height
		store.Camera{Geom: at(2, 0), OSMID: "node/7", HFOV: 90},
		store.Equipment{Geom: at(0, 1), Code: "FE-1", Kind: store.FireCabinet, FireClass: "ABC"},
		store.Equipment{Geom: at(0, 2), Kind: store.Defibrillator},
		store.Equipment{Geom: at(0, 3), FID: 9, Kind: store.HydrantOutdoor},
		store.KeyArea{Geom: orb.Polygon{{at(0, 0), at(1, 0), at(1, 1), at(0, 0)}}, Code: "KA-1", Kind: "ebike_shed", RequiredLevel: "observe"},
		store.KeyArea{Geom: orb.Polygon{{at(0, 0), at(1, 0), at(1, 1), at(0, 0)}}, Code: "KA-2", Kind: "gate", RequiredLevel: "identify"},
		store.Road{Geom: orb.LineString{at(-9, 0), at(9, 0)}, Class: "footway"},
		store.Road{Geom: orb.LineString{at(-9, 0), at(9, 0)}, Class: "residential", Names: store.Names{NameEn: "Ring Road"}},
		store.PatrolRoute{Geom: orb.LineString{at(0, 0), at(5, 5)}, Code: "PR-1", Shifts: "08:00-20:00,20:00-08:00", RoundsPerShift: 3},
		store.Hazard{Geom: at(0, 0)},
	}
	s := FromFeatures(fs)
	var ids []string
	for _, c := range s.Scene.Cameras {
		ids = append(ids, c.ID)
	}
	if want := []string{"CAM-1", "CAM-1#1", "node/7"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("camera IDs %v, want %v", ids, want)
	}
	c := s.Scene.Cameras[1]
	if !c.Offline || !c.Estimated || c.Height != DefaultHeight || c.ResolutionH != DefaultResolutionH || c.Range != DefaultRange {
		t.Errorf("defaults not given: %+v", c)
	}
	if c := s.Scene.Cameras[0]; c.Offline || c.Estimated || c.Height != 4 {
		t.Errorf("camera 1 changed: %+v", c)
	}
	var kinds []string
	for _, e := range s.Scene.Equipment {
		kinds = append(kinds, e.ID+" "+e.Kind)
	}
	if want := []string{"FE-1 handheld", "fire_equipment/9 hydrant"}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("equipment %v, want %v", kinds, want)
	}
	if k := s.Scene.KeyAreas; len(k) != 2 || !k[0].Fire || k[1].Fire {
		t.Errorf("key areas needing fire cover: %+v", k)
	}
	if r := s.Scene.Roads; len(r) != 2 || r[0].Vehicle || !r[1].Vehicle || r[1].Name != "Ring Road" {
		t.Errorf("roads %+v", r)
	}
	if p := s.Scene.Patrols; len(p) != 1 || p[0].RoundsPerDay != 6 {
		t.Errorf("patrols %+v", p)
	}
	// Metres and back.
	p := s.ToMetres(at(2, 0))
	if d := math.Hypot(p[0]-s.Scene.Cameras[2].At[0], p[1]-s.Scene.Cameras[2].At[1]); d > 1e-9 {
		t.Errorf("ToMetres differs from the scene by %v m", d)
	}
	back := s.ToLonLat(s.Scene.Cameras[2].At).(orb.Point)
	if math.Abs(back[0]-at(2, 0)[0]) > 1e-12 || math.Abs(back[1]-at(2, 0)[1]) > 1e-12 {
		t.Errorf("round trip %v, want %v", back, at(2, 0))
	}
}

// demoModel returns the demo community's scene and coverage.
func demoModel(t *testing.T) (*Scene, *coverage.Model) {
	t.Helper()
	s := FromFeatures(demo.Community())
	m, err := s.Model(coverage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s, m
}

func TestDemo(t *testing.T) {
	s, m := demoModel(t)
	if len(s.Problems) != 0 {
		t.Errorf("loading problems: %v", s.Problems)
	}
	for _, p := range m.Problems() {
		if p.Skipped {
			t.Errorf("demo feature left out: %v", p)
		}
	}
	cams := 0
	for _, f := range demo.Community() {
		if _, ok := f.(store.Camera); ok {
			cams++
		}
	}
	if got := len(m.CameraIDs()); got != cams || cams < 50 {
		t.Errorf("%d cameras in the model, %d in the demo", got, cams)
	}
	areas := m.KeyAreas()
	if len(areas) != len(s.Scene.KeyAreas) || len(areas) < 10 {
		t.Fatalf("%d key areas reported, %d in the scene", len(areas), len(s.Scene.KeyAreas))
	}
	for _, a := range areas {
		if sum := a.Camera + a.CameraBelow + a.Unseen; math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: camera shares add up to %v", a.Code, sum)
		}
		// Every key area of the demo has cameras put up for it.
		if a.Camera == 0 || len(a.Cameras) == 0 {
			t.Errorf("%s: no camera gives %s anywhere", a.Code, a.Level)
		}
		if a.Hydrant != 1 {
			t.Errorf("%s: %.1f%% within hydrant reach, want all (hydrants every 100 m)", a.Code, 100*a.Hydrant)
		}
	}
	// The site is the compound: the gap layer stays inside its wall.
	if len(s.Scene.Site) != 1 {
		t.Fatalf("site has %d polygons, want the compound", len(s.Scene.Site))
	}
	gaps := s.Layer(m, coverage.GapLayer)
	site := s.Scene.Site.Bound()
	for _, p := range m.Outline(coverage.GapLayer) {
		if b := p.Bound(); !site.Pad(0.5).Contains(b.Min) || !site.Pad(0.5).Contains(b.Max) {
			t.Errorf("gap polygon %v outside the site %v", b, site)
		}
	}
	gb := gaps.Geometry.Bound()
	if math.Abs(gb.Center()[0]-demo.Origin[0]) > 0.01 || math.Abs(gb.Center()[1]-demo.Origin[1]) > 0.01 {
		t.Errorf("gap layer centred on %v, not near the demo at %v", gb.Center(), demo.Origin)
	}
	// Zones of a gate camera in GeoJSON.
	zones, ok := s.Zones(m, "CAM-001")
	if !ok || len(zones.Features) < 3 {
		t.Fatalf("zones of CAM-001: %v, %v", zones, ok)
	}
	if zones.Features[0].Properties["level"] != "monitor" {
		t.Errorf("first zone %v, want monitor", zones.Features[0].Properties)
	}
	// The camera sees points of its own zones.
	z, _ := m.Zones("CAM-001")
	c, _ := m.Camera("CAM-001")
	far := z[len(z)-1]
	mid := (far.Near + far.Far) / 2
	a := (90 - c.Heading) * math.Pi / 180
	p := orb.Point{c.At[0] + mid*math.Cos(a), c.At[1] + mid*math.Sin(a)}
	found := false
	for _, sg := range s.Seeing(m, s.ToLonLat(p).(orb.Point)) {
		if sg.Camera == "CAM-001" && sg.Level == far.Level.Name {
			found = true
		}
	}
	if !found {
		t.Errorf("CAM-001 does not see the middle of its %s zone", far.Level.Name)
	}
}

// TestDemoDeterministic: two loads and computations give the same.
func TestDemoDeterministic(t *testing.T) {
	_, a := demoModel(t)
	_, b := demoModel(t)
	if !reflect.DeepEqual(a.KeyAreas(), b.KeyAreas()) {
		t.Error("key areas differ between runs")
	}
	if !reflect.DeepEqual(a.Violations(), b.Violations()) {
		t.Error("violations differ between runs")
	}
	if !reflect.DeepEqual(a.Outline(coverage.GapLayer), b.Outline(coverage.GapLayer)) {
		t.Error("gap layers differ between runs")
	}
}

// TestLoad reads the demo back from a GeoPackage: the same coverage as
// from the features.
func TestLoad(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := demo.Write(ctx, st); err != nil {
		t.Fatal(err)
	}
	s, err := Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Model(coverage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, want := demoModel(t)
	if !reflect.DeepEqual(m.KeyAreas(), want.KeyAreas()) {
		t.Error("coverage from the store differs from coverage from the features")
	}
}

func readHelsinki(t *testing.T) []store.Feature {
	t.Helper()
	path := testenv.SharedData(t, "osm/helsinki-centre.osm.pbf")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, _, err := osmimport.Read(context.Background(), f, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestHelsinki: 221 cameras mapped without direction; defaults from the
// importer, estimated; mounts inside buildings refused with a problem
// each; the same result twice.
func TestHelsinki(t *testing.T) {
	fs := readHelsinki(t)
	var models []*coverage.Model
	for run := 0; run < 2; run++ {
		s := FromFeatures(fs)
		if len(s.Scene.Cameras) != 221 {
			t.Fatalf("%d cameras, want 221", len(s.Scene.Cameras))
		}
		for _, c := range s.Scene.Cameras {
			if !c.Estimated || c.HFOV != 90 || c.Heading != 0 || !(c.Height > 0) {
				t.Fatalf("camera %s: %+v, want the importer's estimated defaults", c.ID, c)
			}
		}
		m, err := s.Model(coverage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
		skipped := 0
		for _, p := range m.Problems() {
			if p.Kind == "camera" && p.Skipped {
				skipped++
				if !strings.Contains(p.Msg, "inside building") {
					t.Errorf("unexpected problem %v", p)
				}
			}
		}
		if got := len(m.CameraIDs()); got+skipped != 221 || got < 150 {
			t.Errorf("%d cameras used and %d skipped, of 221", got, skipped)
		}
	}
	a, b := models[0], models[1]
	if !reflect.DeepEqual(a.Outline(coverage.CameraLayer), b.Outline(coverage.CameraLayer)) {
		t.Error("camera layers differ between runs")
	}
	if !reflect.DeepEqual(a.Violations(), b.Violations()) {
		t.Error("violations differ between runs")
	}
	if !reflect.DeepEqual(a.Problems(), b.Problems()) {
		t.Error("problems differ between runs")
	}
}

// TestDemoPlacement: suggestions for the demo are the same twice, their
// gains fall, and the model counts about what they promise (targets are
// every other cell, so within a few per cent).
func TestDemoPlacement(t *testing.T) {
	var runs [][]placement.Suggestion
	for run := 0; run < 2; run++ {
		_, m := demoModel(t)
		got, err := placement.Suggest(m, placement.Options{N: 3})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, got)
		if len(got) != 3 {
			t.Fatalf("%d suggestions, want 3", len(got))
		}
		before, promised := 0.0, 0.0
		for _, a := range m.KeyAreas() {
			before += a.Camera * a.Ground
		}
		for i, s := range got {
			if i > 0 && s.Gain > got[i-1].Gain {
				t.Errorf("gain %v after %v", s.Gain, got[i-1].Gain)
			}
			promised += s.Gain
			if _, err := m.SetCamera(s.Camera); err != nil {
				t.Fatal(err)
			}
		}
		after := 0.0
		for _, a := range m.KeyAreas() {
			after += a.Camera * a.Ground
		}
		if got := after - before; math.Abs(got-promised) > 0.03*promised {
			t.Errorf("cameras added %.1f m², suggestions promised %.1f m²", got, promised)
		}
	}
	if !reflect.DeepEqual(runs[0], runs[1]) {
		t.Error("suggestions differ between runs")
	}
}

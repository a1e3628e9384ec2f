package coverage

import (
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/geo/dori"
	"safetynet/geo/fire"
)

func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// open is a camera on open ground at the origin looking east with no
// blind zone; tests change what they need.
func open(id string) Camera {
	return Camera{ID: id, Heading: 90, HFOV: 90, ResolutionH: 1920, Range: 40}
}

func areaOf(t *testing.T, m *Model, id string) AreaCoverage {
	t.Helper()
	for _, a := range m.KeyAreas() {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no key area %s", id)
	return AreaCoverage{}
}

func TestCameraProblems(t *testing.T) {
	building := Building{ID: "B1", Footprint: rect(10, -5, 20, 5)}
	with := func(f func(*Camera)) Camera {
		c := open("X")
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		cam     Camera
		skipped bool
		msg     string // part of the message; "" for no problem
	}{
		{"fine", open("X"), false, ""},
		{"field of view 0 and no lens", with(func(c *Camera) { c.HFOV = 0 }), true, "field of view 0°"},
		{"field of view from the lens", with(func(c *Camera) { c.HFOV, c.SensorWidth, c.FocalLength = 0, 5.6, 4 }), false, ""},
		{"field of view over 360", with(func(c *Camera) { c.HFOV = 400 }), true, "field of view 400°"},
		{"negative field of view", with(func(c *Camera) { c.HFOV = -10 }), true, "field of view -10°"},
		{"negative range", with(func(c *Camera) { c.Range = -5 }), true, "range -5 m is negative"},
		{"no range", with(func(c *Camera) { c.Range = 0 }), true, "range 0 m"},
		{"endless range", with(func(c *Camera) { c.Range = math.Inf(1) }), false, "counted as 2000 m"},
		{"heading NaN", with(func(c *Camera) { c.Heading = math.NaN() }), true, "heading is not a number"},
		{"position NaN", with(func(c *Camera) { c.At = orb.Point{math.NaN(), 0} }), true, "position is not a number"},
		{"range NaN", with(func(c *Camera) { c.Range = math.NaN() }), true, "range is not a number"},
		{"no resolution", with(func(c *Camera) { c.ResolutionH = 0 }), true, "resolution 0 px"},
		{"negative height", with(func(c *Camera) { c.Height = -1 }), true, "height -1 m"},
		{"tilt past straight down", with(func(c *Camera) { c.Tilt = 120 }), true, "tilt 120°"},
		{"inside a building", with(func(c *Camera) { c.At = orb.Point{15, 0} }), true, "inside building B1, 5.0 m from its wall"},
		{"on a building's wall", with(func(c *Camera) { c.At = orb.Point{10.3, 0}; c.Heading = 270 }), false, "0.30 m inside building B1: moved onto its wall"},
		{"looking up: sees no ground", with(func(c *Camera) { c.Height, c.Tilt = 3, -40 }), false, "sees no ground"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(Scene{Buildings: []Building{building}, Cameras: []Camera{tc.cam, {ID: "GOOD", At: orb.Point{-5, 0}, Heading: 270, HFOV: 60, ResolutionH: 1920, Range: 20}}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			probs := m.Problems()
			if tc.msg == "" {
				if len(probs) != 0 {
					t.Fatalf("problems %v, want none", probs)
				}
			} else {
				if len(probs) != 1 {
					t.Fatalf("problems %v, want one", probs)
				}
				p := probs[0]
				if p.ID != "X" || p.Kind != "camera" || p.Skipped != tc.skipped || !strings.Contains(p.Msg, tc.msg) {
					t.Errorf("problem %q (skipped %v), want camera X: ...%s... (skipped %v)", p.Error(), p.Skipped, tc.msg, tc.skipped)
				}
			}
			_, kept := m.Camera("X")
			if kept == tc.skipped {
				t.Errorf("camera kept = %v, want %v", kept, !tc.skipped)
			}
			if _, ok := m.Camera("GOOD"); !ok {
				t.Errorf("the good camera is gone")
			}
			if c, ok := m.Camera("X"); ok && m.Obstacles().Inside(c.At) >= 0 {
				t.Errorf("mount %v is inside a building", c.At)
			}
		})
	}
}

func TestCameraFromLens(t *testing.T) {
	c := open("L")
	c.HFOV, c.SensorWidth, c.FocalLength, c.ResolutionV = 0, 5.6, 2.8, 1080
	m, err := New(Scene{Cameras: []Camera{c}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := m.Camera("L")
	if math.Abs(got.HFOV-90) > 1e-9 || math.Abs(got.VFOV-2*math.Atan(9.0/16)*180/math.Pi) > 1e-9 {
		t.Errorf("HFOV %v, VFOV %v; want 90 and 58.7", got.HFOV, got.VFOV)
	}
}

func TestSetCameraRefusesBadInput(t *testing.T) {
	m, err := New(Scene{Buildings: []Building{{ID: "B", Footprint: rect(10, -5, 20, 5)}}, Cameras: []Camera{open("A")},
		KeyAreas: []KeyArea{{ID: "K", Area: rect(2, -2, 6, 2), Level: "detect"}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := m.KeyAreas()
	bad := open("A")
	bad.At = orb.Point{15, 0}
	_, err = m.SetCamera(bad)
	var p Problem
	if err == nil || !strings.Contains(err.Error(), "inside building B") {
		t.Fatalf("SetCamera inside a building: %v", err)
	} else if p = err.(Problem); !p.Skipped || p.ID != "A" {
		t.Errorf("problem %+v", p)
	}
	if after := m.KeyAreas(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused camera changed the coverage")
	}
	if c, _ := m.Camera("A"); c.At != (orb.Point{}) {
		t.Errorf("camera moved to %v", c.At)
	}
}

// TestWallBlocksCamera: nothing behind an opaque edge is covered.
func TestWallBlocksCamera(t *testing.T) {
	c := open("C")
	c.Heading = 0 // north: the wall spans the whole 90° sector at y = 10
	s := Scene{
		Walls:   []Wall{{ID: "W", Line: orb.LineString{{-10, 10}, {10, 10}}}},
		Cameras: []Camera{c},
		KeyAreas: []KeyArea{
			{ID: "front", Area: rect(-2, 4, 2, 8), Level: "observe"},
			{ID: "behind", Area: rect(-5, 12, 5, 20), Level: "monitor"},
		},
	}
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := areaOf(t, m, "front"); a.Camera != 1 {
		t.Errorf("front: camera share %v, want 1", a.Camera)
	}
	if a := areaOf(t, m, "behind"); a.Camera != 0 || a.CameraBelow != 0 || a.Unseen != 1 {
		t.Errorf("behind the wall: %+v, want unseen", a)
	}
	for _, p := range m.Outline(CameraLayer) {
		for _, q := range p[0] {
			if q[1] > 10+1e-9 {
				t.Fatalf("camera layer reaches %v, behind the wall", q)
			}
		}
	}
	poly, _ := m.View("C")
	if b := poly.Bound(); b.Max[1] > 10+1e-9 {
		t.Errorf("view reaches y = %v, behind the wall", b.Max[1])
	}
	if got := m.Seeing(orb.Point{0, 15}); len(got) != 0 {
		t.Errorf("Seeing behind the wall = %v", got)
	}
	if got := m.Seeing(orb.Point{0, 5}); len(got) != 1 || got[0].Camera != "C" {
		t.Errorf("Seeing in front = %v", got)
	}
}

// TestZoneEdges checks the zones against ppm(d) = W / (2 d tan(HFOV/2)).
func TestZoneEdges(t *testing.T) {
	c := Camera{ID: "Z", Heading: 90, HFOV: 60, ResolutionH: 2560, ResolutionV: 1440, Range: 200}
	m, err := New(Scene{Cameras: []Camera{c}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	zones, _ := m.Zones("Z")
	if len(zones) != len(dori.IEC2014) {
		t.Fatalf("%d zones, want %d", len(zones), len(dori.IEC2014))
	}
	tan := math.Tan(30 * math.Pi / 180)
	for i, z := range zones {
		l := dori.IEC2014[i]
		want := 2560 / (2 * l.PPM * tan) // far edge by the formula
		// The zone's farthest point, and the points just inside and
		// outside its edge straight ahead.
		far := 0.0
		for _, p := range z.Area {
			for _, q := range p[0] {
				far = math.Max(far, math.Hypot(q[0], q[1]))
			}
		}
		if math.Abs(far-want)/want > 0.01 {
			t.Errorf("%s: zone reaches %.3f m, formula %.3f m", l.Name, far, want)
		}
		if !planar.MultiPolygonContains(z.Area, orb.Point{0.99 * want, 0}) || planar.MultiPolygonContains(z.Area, orb.Point{1.01 * want, 0}) {
			t.Errorf("%s: zone edge not within 1%% of %.3f m", l.Name, want)
		}
		if z.Level.Name != l.Name || math.Abs(z.Far-want) > 1e-9 {
			t.Errorf("zone %d: %s to %v m, want %s to %v m", i, z.Level.Name, z.Far, l.Name, want)
		}
		// The density just inside and just outside the edge.
		in, out := m.Seeing(orb.Point{0.99 * want, 0}), m.Seeing(orb.Point{1.01 * want, 0})
		if len(in) != 1 || in[0].Level != l.Name {
			t.Errorf("%s: at 0.99 of the edge Seeing = %+v", l.Name, in)
		} else if ppm := l.PPM / 0.99; math.Abs(in[0].PPM-ppm)/ppm > 1e-9 {
			t.Errorf("%s: PPM at 0.99 of the edge %v, want %v", l.Name, in[0].PPM, ppm)
		}
		if i > 0 && (len(out) != 1 || out[0].Level != dori.IEC2014[i-1].Name) {
			t.Errorf("%s: at 1.01 of the edge Seeing = %+v", l.Name, out)
		}
	}
}

func TestBlindZone(t *testing.T) {
	c := Camera{ID: "Z", Heading: 90, HFOV: 60, ResolutionH: 2560, ResolutionV: 1440, Range: 200, Height: 4, Tilt: 20}
	m, err := New(Scene{Cameras: []Camera{c}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	vfov := 2 * math.Atan(math.Tan(30*math.Pi/180)*1440/2560) * 180 / math.Pi
	blind := 4 / math.Tan((20+vfov/2)*math.Pi/180) // 5.12 m
	zones, _ := m.Zones("Z")
	for _, z := range zones {
		if math.Abs(z.Near-blind) > 1e-9 {
			t.Errorf("%s: near edge %v, want %v", z.Level.Name, z.Near, blind)
		}
		for _, p := range z.Area {
			for _, q := range p[0] {
				if d := math.Hypot(q[0], q[1]); d < blind*0.999 {
					t.Errorf("%s: zone point %v is %.3f m out, inside the blind zone", z.Level.Name, q, d)
				}
			}
		}
	}
	if got := m.Seeing(orb.Point{0.95 * blind, 0}); len(got) != 0 {
		t.Errorf("Seeing in the blind zone = %v", got)
	}
	if got := m.Seeing(orb.Point{1.05 * blind, 0}); len(got) != 1 {
		t.Errorf("Seeing past the blind zone = %v", got)
	}
	// The image's top edge is 2 degrees below the horizon: no ground
	// beyond h / tan(2°).
	c.Tilt = vfov/2 + 2
	m2, _ := New(Scene{Cameras: []Camera{c}}, Options{})
	horizon := 4 / math.Tan(2*math.Pi/180)
	if got := m2.Seeing(orb.Point{1.01 * horizon, 0}); len(got) != 0 {
		t.Errorf("Seeing past the image's top = %v", got)
	}
	if got := m2.Seeing(orb.Point{0.99 * horizon, 0}); len(got) != 1 {
		t.Errorf("Seeing below the image's top = %v", got)
	}
}

// strip returns the area of [10, 30] x [-5, 5] within r of the origin
// (11.2 < r < 30): the integral of sqrt(r² - y²) - 10 over y in [-5, 5].
func strip(r float64) float64 {
	f := func(y float64) float64 { return y/2*math.Sqrt(r*r-y*y) + r*r/2*math.Asin(y/r) }
	return f(5) - f(-5) - 100
}

// TestKeyAreaShares checks the shares of a 20 x 10 m key area against
// areas worked out by hand. The camera gives observe (62.5 px/m) to 20 m
// (W = 2500, HFOV 90: 2500 / 125) and sees to its range, 25 m.
func TestKeyAreaShares(t *testing.T) {
	cam := Camera{ID: "C", Heading: 90, HFOV: 90, ResolutionH: 2500, Range: 25}
	area := KeyArea{ID: "K", Area: rect(10, -5, 30, 5), Level: "observe", Fire: true}
	obs, seen := strip(20)/200, strip(25)/200 // 0.489, 0.742
	tests := []struct {
		name   string
		scene  Scene
		want   AreaCoverage
		checks func(t *testing.T, a AreaCoverage)
	}{
		{"camera only", Scene{Cameras: []Camera{cam}, KeyAreas: []KeyArea{area}},
			AreaCoverage{Camera: obs, CameraBelow: seen - obs, Unseen: 1 - seen, Nothing: 1 - seen}, nil},
		{"two patrols see it all", Scene{Cameras: []Camera{cam}, KeyAreas: []KeyArea{area}, Patrols: []Patrol{
			{ID: "P1", Line: orb.LineString{{0, -12}, {40, -12}}, RoundsPerDay: 6},
			{ID: "P2", Line: orb.LineString{{0, 12}, {40, 12}}, RoundsPerDay: 4},
		}}, AreaCoverage{Camera: obs, CameraBelow: seen - obs, Unseen: 1 - seen, Patrol: 1, RoundsPerDay: 10}, nil},
		{"an extinguisher 16.4 m on foot from the far corners", Scene{Cameras: []Camera{cam}, KeyAreas: []KeyArea{area}, Equipment: []Equipment{
			{ID: "E", At: orb.Point{20, -8}, Kind: fire.Handheld, Rating: "ABC", Hazard: fire.Light},
		}}, AreaCoverage{Camera: obs, CameraBelow: seen - obs, Unseen: 1 - seen, Extinguisher: 1}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.scene, Options{Cell: 0.1})
			if err != nil {
				t.Fatal(err)
			}
			a := areaOf(t, m, "K")
			if math.Abs(a.Ground-200) > 1e-6 {
				t.Errorf("ground %v m², want 200", a.Ground)
			}
			if sum := a.Camera + a.CameraBelow + a.Unseen; math.Abs(sum-1) > 1e-12 {
				t.Errorf("camera shares add up to %v", sum)
			}
			w := tc.want
			for _, f := range []struct {
				name      string
				got, want float64
			}{
				{"camera", a.Camera, w.Camera}, {"below", a.CameraBelow, w.CameraBelow}, {"unseen", a.Unseen, w.Unseen},
				{"patrol", a.Patrol, w.Patrol}, {"rounds", a.RoundsPerDay, w.RoundsPerDay},
				{"extinguisher", a.Extinguisher, w.Extinguisher}, {"nothing", a.Nothing, w.Nothing},
			} {
				if math.Abs(f.got-f.want) > 0.005 {
					t.Errorf("%s = %.4f, want %.4f", f.name, f.got, f.want)
				}
			}
			if !reflect.DeepEqual(a.Cameras, []string{"C"}) {
				t.Errorf("cameras %v, want [C]", a.Cameras)
			}
		})
	}
}

// TestExtinguisherWalking is the case of the issue: a point 20 m from a
// handheld class A extinguisher in a straight line but 26 m on foot
// (round a block with corners (6, ±√45) and (14, ±√45): 9 + 8 + 9) is not
// covered under GB 50140 medium hazard (20 m).
func TestExtinguisherWalking(t *testing.T) {
	h := math.Sqrt(45)
	block := []Building{{ID: "B", Footprint: rect(6, -h, 14, h)}}
	target := KeyArea{ID: "T", Area: rect(19.5, -0.5, 20.5, 0.5), Level: "detect", Fire: true}
	tests := []struct {
		name      string
		buildings []Building
		kind      string
		hazard    string
		at        orb.Point
		reached   bool
		dist      float64
	}{
		{"round the block, medium hazard: 26 > 20 m", block, fire.Handheld, fire.Medium, orb.Point{20, 0}, false, 0},
		{"round the block, light hazard: 26 > 25 m", block, fire.Handheld, fire.Light, orb.Point{20, 0}, false, 0},
		{"round the block, wheeled: 26 < 40 m", block, fire.Wheeled, fire.Medium, orb.Point{20, 0}, true, 26},
		{"open ground, medium hazard: 19.5 < 20 m", nil, fire.Handheld, fire.Medium, orb.Point{19.5, 0}, true, 19.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Scene{Buildings: tc.buildings, KeyAreas: []KeyArea{target},
				Equipment: []Equipment{{ID: "E", Kind: tc.kind, Rating: "A", Hazard: tc.hazard}}}
			m, err := New(s, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := m.Reaching(tc.at)
			if !tc.reached {
				if len(got) != 0 {
					t.Errorf("Reaching = %+v, want nothing", got)
				}
			} else if len(got) != 1 || math.Abs(got[0].Distance-tc.dist) > 0.01 {
				t.Errorf("Reaching = %+v, want E at %v m", got, tc.dist)
			}
			if d := m.Walk().Distance(orb.Point{}, orb.Point{20, 0}, 100); tc.buildings != nil && math.Abs(d-26) > 0.01 {
				t.Errorf("walking distance %v, want 26", d)
			}
			// The target cells' centres are 19.76 to 20.26 m away in a
			// straight line, 25.8 to 26.2 m round the block.
			a := areaOf(t, m, "T")
			want := 0.0
			switch {
			case tc.buildings == nil:
				want = 0.5 // the western half, within 20 m
			case tc.reached:
				want = 1
			}
			if a.Extinguisher != want {
				t.Errorf("key area share %v, want %v", a.Extinguisher, want)
			}
			found := false
			for _, v := range m.Violations() {
				if v.Kind == ExtinguisherReach && v.IDs[0] == "T" {
					found = true
				}
			}
			if found != (want < 1) {
				t.Errorf("extinguisher-reach violation listed: %v, want %v", found, want < 1)
			}
		})
	}
}

func TestSeeing(t *testing.T) {
	near := Camera{ID: "near", At: orb.Point{0, 0}, Heading: 90, HFOV: 60, ResolutionH: 1920, Range: 50}
	far := Camera{ID: "far", At: orb.Point{-20, 0}, Heading: 90, HFOV: 60, ResolutionH: 3840, Range: 80}
	hidden := Camera{ID: "hidden", At: orb.Point{40, 10}, Heading: 225, HFOV: 90, ResolutionH: 3840, Range: 60}
	off := Camera{ID: "off", At: orb.Point{10, -10}, Heading: 0, HFOV: 90, ResolutionH: 3840, Range: 60, Offline: true}
	s := Scene{
		Cameras:   []Camera{near, far, hidden, off},
		Buildings: []Building{{ID: "B", Footprint: rect(25, 0, 35, 8)}}, // between "hidden" and the point
	}
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := m.Seeing(orb.Point{15, -1})
	// near: 15.03 m, 1920 / (2 · 15.03 · tan 30°) = 110.6 px/m;
	// far: 35.01 m, 3840 / (2 · 35.01 · tan 30°) = 95.0 px/m.
	if len(got) != 2 || got[0].Camera != "near" || got[1].Camera != "far" {
		t.Fatalf("Seeing = %+v, want near then far", got)
	}
	for _, g := range got {
		want := dori.PPM(g.Distance, map[string]int{"near": 1920, "far": 3840}[g.Camera], 60)
		if math.Abs(g.PPM-want) > 1e-9 || g.Level != "observe" {
			t.Errorf("%s: %v px/m (%s), want %v (observe)", g.Camera, g.PPM, g.Level, want)
		}
	}
	// With offline cameras counted (a plan), "off" sees it too.
	m2, _ := New(s, Options{IncludeOffline: true})
	if got := m2.Seeing(orb.Point{15, -1}); len(got) != 3 || got[0].Camera != "off" {
		t.Errorf("Seeing with offline cameras = %+v", got)
	}
}

// TestIncremental checks that moving, adding and removing cameras gives
// exactly what computing from scratch gives.
func TestIncremental(t *testing.T) {
	s := camerasOnly(synthetic(300, 40, 7))
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := s
	want.Cameras = append([]Camera(nil), s.Cameras...)
	for i := 0; i < 5; i++ {
		c := want.Cameras[i*3]
		c.At[0] += 1.5
		c.Heading += 40
		c.HFOV = 30
		want.Cameras[i*3] = c
		if _, err := m.SetCamera(c); err != nil {
			t.Fatal(err)
		}
	}
	added := Camera{ID: "NEW", At: orb.Point{500.25, 500.25}, Heading: 10, HFOV: 70, ResolutionH: 2560, Range: 50}
	for _, b := range s.Buildings {
		if planar.PolygonContains(b.Footprint, added.At) {
			added.At = orb.Point{1.25, 1.25}
		}
	}
	if _, err := m.SetCamera(added); err != nil {
		t.Fatal(err)
	}
	if !m.RemoveCamera(want.Cameras[1].ID) || m.RemoveCamera("nope") {
		t.Fatal("RemoveCamera")
	}
	want.Cameras = append(append(want.Cameras[:1:1], want.Cameras[2:]...), added)
	fresh, err := New(want, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.KeyAreas(), fresh.KeyAreas()) {
		t.Errorf("key areas differ from a fresh computation")
	}
	if !reflect.DeepEqual(m.camCount, fresh.camCount) {
		t.Errorf("camera counts differ from a fresh computation")
	}
	p := want.Cameras[10].At
	p[0] += 3
	if !reflect.DeepEqual(m.Seeing(p), fresh.Seeing(p)) {
		t.Errorf("Seeing differs from a fresh computation")
	}
}

// TestDeterministic: one or two goroutines, twice over, give the same.
func TestDeterministic(t *testing.T) {
	s := synthetic(500, 60, 3)
	var runs []*Model
	for _, w := range []int{1, 2, 2} {
		m, err := New(s, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, m)
	}
	for i, m := range runs[1:] {
		if !reflect.DeepEqual(m.KeyAreas(), runs[0].KeyAreas()) {
			t.Errorf("run %d: key areas differ", i+1)
		}
		if !reflect.DeepEqual(m.Violations(), runs[0].Violations()) {
			t.Errorf("run %d: violations differ", i+1)
		}
		if !reflect.DeepEqual(m.Outline(GapLayer), runs[0].Outline(GapLayer)) {
			t.Errorf("run %d: gap layers differ", i+1)
		}
	}
}

func TestPatrolCorridor(t *testing.T) {
	s := Scene{
		Buildings: []Building{{ID: "B", Footprint: rect(10, 5, 30, 15)}},
		Patrols:   []Patrol{{ID: "P", Line: orb.LineString{{0, 0}, {40, 0}}, RoundsPerDay: 9}},
		KeyAreas: []KeyArea{
			{ID: "front", Area: rect(15, 1, 25, 4), Level: "detect"},
			{ID: "behind", Area: rect(15, 16, 25, 20), Level: "detect"},
			{ID: "far", Area: rect(15, -45, 25, -40), Level: "detect"},
			{ID: "beside", Area: rect(35, 10, 38, 14), Level: "detect"},
		},
	}
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		area   string
		share  float64
		rounds float64
	}{
		{"front", 1, 9}, {"behind", 0, 0}, {"far", 0, 0}, {"beside", 1, 9},
	}
	for _, tc := range tests {
		a := areaOf(t, m, tc.area)
		if a.Patrol != tc.share || math.Abs(a.RoundsPerDay-tc.rounds) > 1e-6 {
			t.Errorf("%s: patrol %v, %v rounds; want %v, %v", tc.area, a.Patrol, a.RoundsPerDay, tc.share, tc.rounds)
		}
	}
	c, ok := m.Corridor("P")
	if !ok || len(c) == 0 {
		t.Fatal("no corridor")
	}
	// Within 30 m of a 40 m line, less the building's shadow: at most a
	// stadium of 40 x 60 plus a circle of radius 30.
	if a := planar.Area(c); a > 40*60+math.Pi*900 || a < 2000 {
		t.Errorf("corridor area %v m²", a)
	}
}

func TestViolations(t *testing.T) {
	road := Road{ID: "R", Name: "Ring Road", Line: orb.LineString{{0, 0}, {400, 0}}, Vehicle: true}
	hyd := func(id string, x float64) Equipment {
		return Equipment{ID: id, At: orb.Point{x, 5}, Kind: fire.Hydrant}
	}
	m, err := New(Scene{
		Roads:     []Road{road},
		Equipment: []Equipment{hyd("H1", 0), hyd("H2", 100), hyd("H3", 230), hyd("H4", 330)},
		KeyAreas:  []KeyArea{{ID: "K", Area: rect(100, 300, 110, 310), Level: "detect"}},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range m.Violations() {
		got = append(got, v.Kind+" "+strings.Join(v.IDs, ","))
	}
	// H2 and H3 are 130 m apart along the road; every hydrant has a
	// neighbour within 120 m; K is 295 m from the nearest (H2).
	want := []string{HydrantSpacing + " H2,H3", HydrantReach + " K,H2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("violations %q, want %q", got, want)
	}
}

func TestBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"negative cell", Options{Cell: -1}},
		{"bad level table", Options{Levels: dori.Table{{Name: "x", PPM: 0}}}},
		{"negative sight", Options{Sight: -3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(Scene{}, tc.opt); err == nil {
				t.Error("no error")
			}
		})
	}
	// Too large an area for the cell size given (TestAutoCell: chosen).
	big := Scene{KeyAreas: []KeyArea{{ID: "K", Area: rect(0, 0, 10000, 10000), Level: "detect"}}}
	if _, err := New(big, Options{Cell: 0.5}); err == nil || !strings.Contains(err.Error(), "use larger cells") {
		t.Errorf("10 km square at 0.5 m: %v", err)
	}
}

// TestConcurrentUse runs queries while cameras move (run with -race).
func TestConcurrentUse(t *testing.T) {
	s := camerasOnly(synthetic(200, 30, 5))
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				c := s.Cameras[i%len(s.Cameras)].At
				_ = m.Seeing(orb.Point{c[0] + 3, c[1]})
				if i%10 == 0 {
					_ = m.KeyAreas()
					_, _ = m.Zones(s.Cameras[0].ID)
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		c := s.Cameras[i]
		c.Heading += 90
		if _, err := m.SetCamera(c); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}

func TestFeatureProblems(t *testing.T) {
	b := Building{ID: "B", Footprint: rect(0, 0, 20, 20)}
	tests := []struct {
		name    string
		scene   Scene
		kind    string
		skipped bool
		msg     string
	}{
		{"unknown level", Scene{KeyAreas: []KeyArea{{ID: "K", Area: rect(30, 0, 40, 10), Level: "validate"}}},
			"key area", false, `unknown image-detail level "validate"`},
		{"key area of two points", Scene{KeyAreas: []KeyArea{{ID: "K", Area: orb.Polygon{{{0, 0}, {1, 1}}}, Level: "detect"}}},
			"key area", true, "fewer than 3 corners"},
		{"route of one point", Scene{Patrols: []Patrol{{ID: "P", Line: orb.LineString{{0, 0}, {0, 0}}, RoundsPerDay: 2}}},
			"patrol", true, "fewer than 2 distinct points"},
		{"rounds NaN", Scene{Patrols: []Patrol{{ID: "P", Line: orb.LineString{{30, 0}, {40, 0}}, RoundsPerDay: math.NaN()}}},
			"patrol", true, "rounds a day"},
		{"no rounds", Scene{Patrols: []Patrol{{ID: "P", Line: orb.LineString{{30, 0}, {40, 0}}}}},
			"patrol", false, "no rounds a day"},
		{"defibrillator", Scene{Equipment: []Equipment{{ID: "E", At: orb.Point{30, 0}, Kind: "defibrillator"}}},
			"equipment", true, `kind "defibrillator" has no reach rule`},
		{"class K under GB 50140", Scene{Equipment: []Equipment{{ID: "E", At: orb.Point{30, 0}, Kind: fire.Handheld, Rating: "K"}}},
			"equipment", true, "no reach rule"},
		{"extinguisher deep indoors", Scene{Buildings: []Building{b}, Equipment: []Equipment{{ID: "E", At: orb.Point{10, 10}, Kind: fire.Handheld}}},
			"equipment", true, "indoors is not modelled"},
		{"extinguisher just inside", Scene{Buildings: []Building{b}, Equipment: []Equipment{{ID: "E", At: orb.Point{10, 19}, Kind: fire.Handheld}}},
			"equipment", false, "measured from 1.0 m away"},
		{"two cameras, one ID", Scene{Cameras: []Camera{open("C"), open("C")}},
			"camera", true, "same ID"},
		{"flat footprint", Scene{Buildings: []Building{{ID: "F", Footprint: orb.Polygon{{{0, 0}, {5, 0}, {0, 0}}}}}},
			"building", true, "fewer than 3 distinct corners"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.scene, Options{})
			if err != nil {
				t.Fatal(err)
			}
			probs := m.Problems()
			if len(probs) != 1 {
				t.Fatalf("problems %v, want one", probs)
			}
			p := probs[0]
			if p.Kind != tc.kind || p.Skipped != tc.skipped || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("problem %q (skipped %v), want %s ...%s... (skipped %v)", p.Error(), p.Skipped, tc.kind, tc.msg, tc.skipped)
			}
		})
	}
}

// TestSeeThroughFence: a chain-link fence hides nothing from a camera, but
// nobody walks through it: the way from one side to the other goes round
// its end, 2·√(10² + 5²) ≈ 22.36 m instead of 10 m.
func TestSeeThroughFence(t *testing.T) {
	c := open("C")
	c.Heading = 0
	fence := orb.LineString{{-10, 10}, {10, 10}}
	for _, seeThrough := range []bool{false, true} {
		s := Scene{
			Walls:    []Wall{{ID: "F", Line: fence, SeeThrough: seeThrough}},
			Cameras:  []Camera{c},
			KeyAreas: []KeyArea{{ID: "behind", Area: rect(-2, 12, 2, 16), Level: "monitor"}},
		}
		m, err := New(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		a := areaOf(t, m, "behind")
		if seeThrough && a.Camera != 1 {
			t.Errorf("behind a see-through fence: camera share %v, want 1", a.Camera)
		}
		if !seeThrough && a.Camera != 0 {
			t.Errorf("behind an opaque wall: camera share %v, want 0", a.Camera)
		}
		want := 2 * math.Hypot(10, 5)
		if d := m.Walk().Distance(orb.Point{0, 5}, orb.Point{0, 15}, 100); math.Abs(d-want) > 0.01 {
			t.Errorf("see-through %v: walk across the fence %.3f m, want %.3f m", seeThrough, d, want)
		}
	}
}

// TestPreview: a previewed camera has the zones it gets once added, and
// the preview leaves the model as it was.
func TestPreview(t *testing.T) {
	s := Scene{
		Buildings: []Building{{ID: "B", Footprint: rect(10, -5, 20, 5)}},
		KeyAreas:  []KeyArea{{ID: "K", Area: rect(2, -10, 30, 10), Level: "detect"}},
		Cameras:   []Camera{open("C1")},
	}
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := m.KeyAreas()
	c := open("NEW")
	c.At, c.Heading = orb.Point{5, -8}, 45
	tests := []struct {
		name string
		cam  Camera
		ok   bool
	}{
		{"a camera on open ground", c, true},
		{"a camera without a field of view", Camera{ID: "BAD", ResolutionH: 1920, Range: 30}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, zones, err := m.Preview(tc.cam)
			if (err == nil) != tc.ok {
				t.Fatalf("Preview error = %v, want ok %v", err, tc.ok)
			}
			if _, ok := m.Camera(tc.cam.ID); ok {
				t.Error("Preview added the camera")
			}
			if !reflect.DeepEqual(m.KeyAreas(), before) {
				t.Error("Preview changed the key areas' coverage")
			}
			if !tc.ok {
				return
			}
			if len(zones) == 0 {
				t.Fatal("no zones")
			}
			if _, err := m.SetCamera(tc.cam); err != nil {
				t.Fatal(err)
			}
			defer m.RemoveCamera(tc.cam.ID)
			want, _ := m.Zones(tc.cam.ID)
			if !reflect.DeepEqual(zones, want) {
				t.Errorf("preview zones differ from the added camera's")
			}
			if added, _ := m.Camera(tc.cam.ID); !reflect.DeepEqual(got, added) {
				t.Errorf("preview camera = %+v, added %+v", got, added)
			}
		})
	}
}

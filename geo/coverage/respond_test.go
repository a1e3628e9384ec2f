package coverage

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/geo/fire"
)

// respondScene is a small site with every kind of place an alarm can be:
//
//   - building B (0..20 x 0..10) with a door D in its south wall, an
//     extinguisher X1 2 m in front of the door and another, X2, 2 m
//     behind its north wall; a camera looks at the ground before the door;
//   - building C (40..60 x 0..10) with a footpath from 1 m off its north
//     wall, and extinguisher X3 beside the path;
//   - building E (80..100 x 0..10), with neither;
//   - a wall along y = 50 with a 20 m gap and gate G in it; a camera
//     north of the wall looks east across the ground north of the gap but
//     not at the gate itself;
//   - an unbroken wall along y = 100 with gate H on it and extinguisher X4
//     3 m north of it;
//   - gate K on open ground, a pond P.
func respondScene() Scene {
	return Scene{
		Buildings: []Building{
			{ID: "B", Footprint: rect(0, 0, 20, 10)},
			{ID: "C", Footprint: rect(40, 0, 60, 10)},
			{ID: "E", Footprint: rect(80, 0, 100, 10)},
		},
		Walls: []Wall{
			{ID: "W1", Line: orb.LineString{{-50, 50}, {-10, 50}}},
			{ID: "W2", Line: orb.LineString{{10, 50}, {50, 50}}},
			{ID: "W3", Line: orb.LineString{{-50, 100}, {50, 100}}},
		},
		Water: []Water{{ID: "P", Area: rect(-40, -30, -20, -10)}},
		Roads: []Road{{ID: "path", Line: orb.LineString{{50, 11}, {50, 30}}}},
		Cameras: []Camera{
			{ID: "door", At: orb.Point{14, -6}, Heading: 315, HFOV: 90, ResolutionH: 1920, Range: 30},
			{ID: "north", At: orb.Point{-12, 58}, Heading: 90, HFOV: 40, ResolutionH: 1920, Range: 30},
		},
		Equipment: []Equipment{
			{ID: "X1", At: orb.Point{10, -2}, Kind: fire.Handheld, Rating: "ABC"},
			{ID: "X2", At: orb.Point{10, 12}, Kind: fire.Handheld, Rating: "ABC"},
			{ID: "X3", At: orb.Point{52, 12}, Kind: fire.Handheld, Rating: "ABC"},
			{ID: "X4", At: orb.Point{0, 103}, Kind: fire.Handheld, Rating: "ABC"},
		},
		Access: []Access{
			{ID: "D", At: orb.Point{10, 0}, Kind: "door"},
			{ID: "G", At: orb.Point{0, 50}, Kind: "vehicle_gate"},
			{ID: "H", At: orb.Point{0, 100}, Kind: "pedestrian_gate"},
			{ID: "K", At: orb.Point{0, -40}, Kind: "barrier"},
		},
	}
}

func respondModel(t testing.TB) *Model {
	t.Helper()
	m, err := New(respondScene(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := m.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	return m
}

func cameraIDs(r Response) []string {
	var ids []string
	for _, c := range r.Cameras {
		ids = append(ids, c.Camera)
	}
	return ids
}

func TestRespond(t *testing.T) {
	m := respondModel(t)
	tests := []struct {
		name     string
		q        orb.Point
		place    Place
		building string
		via      string
		access   string
		spots    int       // how many
		spotAt   orb.Point // where the first spot away from q is
		cameras  []string
		equip    string  // the nearest piece
		walk     float64 // and its walk, metres
	}{
		{"in a building with a door", orb.Point{10, 8}, InBuilding, "B", ViaEntrances, "", 1, orb.Point{10, -0.5}, []string{"door"}, "X1", 1.5 + 8.5},
		{"in a building with a footpath to it", orb.Point{50, 2}, InBuilding, "C", ViaPaths, "", 1, orb.Point{50, 10.5}, nil, "X3", math.Hypot(2, 1.5) + 8.5},
		{"in a building with neither", orb.Point{90, 3}, InBuilding, "E", ViaOutline, "", 1, orb.Point{90, -0.5}, nil, "X3", 0},
		{"at a door, outside", orb.Point{10, -1}, AtAccess, "", "", "D", 2, orb.Point{10, -0.5}, []string{"door"}, "X1", 1},
		{"at a gate in a gap of a wall", orb.Point{0, 50}, AtAccess, "", "", "G", 3, orb.Point{0, 51}, []string{"north"}, "", 0},
		{"at a gate on an unbroken wall", orb.Point{0, 100}, AtAccess, "", "", "H", 3, orb.Point{0, 101}, nil, "X4", 3},
		{"next to a gate", orb.Point{2, 101.5}, AtAccess, "", "", "H", 3, orb.Point{0, 101}, nil, "X4", math.Hypot(2, 1.5)},
		{"at a gate on open ground", orb.Point{0, -40}, Outdoors, "", "", "K", 1, orb.Point{}, nil, "X1", math.Hypot(10, 38)},
		{"outdoors", orb.Point{10, -4}, Outdoors, "", "", "", 1, orb.Point{}, []string{"door"}, "X1", 2},
		{"in water", orb.Point{-30, -20}, InWater, "P", "", "", 4, orb.Point{-30, -30.5}, nil, "X1", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := m.Respond(tc.q, RespondOptions{})
			if r.Place != tc.place || r.Building != tc.building || r.Via != tc.via || r.Access != tc.access {
				t.Fatalf("place %q building %q via %q access %q, want %q %q %q %q", r.Place, r.Building, r.Via, r.Access, tc.place, tc.building, tc.via, tc.access)
			}
			if len(r.Spots) != tc.spots {
				t.Fatalf("spots %+v, want %d", r.Spots, tc.spots)
			}
			for _, s := range r.Spots {
				if m.walk.Obstacles().Inside(s.At) >= 0 {
					t.Errorf("spot %v is inside an obstacle", s.At)
				}
				if math.Abs(s.Offset-dist(s.At, tc.q)) > 1e-9 {
					t.Errorf("spot %v: offset %.2f, want the distance to the alarm", s.At, s.Offset)
				}
			}
			if tc.spotAt != (orb.Point{}) {
				found := false
				for _, s := range r.Spots {
					found = found || dist(s.At, tc.spotAt) < 0.01
				}
				if !found {
					t.Errorf("spots %+v, want one at %v", r.Spots, tc.spotAt)
				}
			}
			if got := cameraIDs(r); !slices.Equal(got, tc.cameras) {
				t.Errorf("cameras %v, want %v", got, tc.cameras)
			}
			for _, c := range r.Cameras {
				if c.Spot < 0 || c.Spot >= len(r.Spots) {
					t.Errorf("camera %s sees spot %d of %d", c.Camera, c.Spot, len(r.Spots))
				}
			}
			if tc.equip == "" {
				return
			}
			if len(r.Equipment) == 0 || r.Equipment[0].ID != tc.equip {
				t.Fatalf("equipment %+v, want %s first", r.Equipment, tc.equip)
			}
			if tc.walk > 0 && math.Abs(r.Equipment[0].Walk-tc.walk) > 0.05 {
				t.Errorf("walk to %s %.2f m, want %.2f m", tc.equip, r.Equipment[0].Walk, tc.walk)
			}
			for i := 1; i < len(r.Equipment); i++ {
				if r.Equipment[i].Walk < r.Equipment[i-1].Walk {
					t.Errorf("equipment not nearest first: %+v", r.Equipment)
				}
			}
		})
	}
}

// TestRespondFindsWhatTheOldLookupMissed: looking at the alarm's point
// itself, nobody walks into a building and no camera sees the gate; the
// response walks to the door and looks at the ground either side of the
// opening.
func TestRespondFindsWhatTheOldLookupMissed(t *testing.T) {
	m := respondModel(t)
	inB := orb.Point{10, 8}
	if d := m.Walk().Distance(orb.Point{10, -2}, inB, 1000); !math.IsInf(d, 1) {
		t.Fatalf("walk into the building %.1f m: the walking map changed", d)
	}
	if got := m.Seeing(orb.Point{0, 50}); len(got) != 0 {
		t.Fatalf("cameras seeing the gate itself: %v", got)
	}
	if r := m.Respond(inB, RespondOptions{}); len(r.Equipment) == 0 || r.Equipment[0].Walk > 30 {
		t.Errorf("in the building: equipment %+v, want an extinguisher within 30 m", r.Equipment)
	}
	if r := m.Respond(orb.Point{0, 50}, RespondOptions{}); !slices.Contains(cameraIDs(r), "north") {
		t.Errorf("at the gate: cameras %v, want north", cameraIDs(r))
	}
}

func TestRespondOptions(t *testing.T) {
	m := respondModel(t)
	q := orb.Point{10, 8}
	tests := []struct {
		name string
		opt  RespondOptions
		want []string
	}{
		{"default: three", RespondOptions{}, []string{"X1", "X2", "X3"}},
		{"one", RespondOptions{MaxEquipment: 1}, []string{"X1"}},
		{"within 40 m", RespondOptions{MaxWalk: 40}, []string{"X1", "X2"}},
		{"hydrants only", RespondOptions{Kinds: []string{fire.Hydrant}}, nil},
		{"nonsense limits use the defaults", RespondOptions{MaxWalk: math.NaN(), MaxEquipment: -1, Snap: math.Inf(1), Apron: -3}, []string{"X1", "X2", "X3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range m.Respond(q, tc.opt).Equipment {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("equipment %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRespondUnits(t *testing.T) {
	m := respondModel(t)
	q := orb.Point{10, 8} // in B, through its door at (10, 0)
	units := []orb.Point{
		{10, 30},         // north of B: round it
		{math.NaN(), 0},  // no position
		{10, -20},        // in front of the door
		{5, 9},           // inside B: stands just outside its north wall
		{1000, 1000},     // too far
		{200, 0},         // 190 m east
		{-30, -20},       // in the pond, 10 m from its shore: cannot get out
		{10.1, -19.9999}, // beside the second
	}
	r := m.Respond(q, RespondOptions{Units: units, MaxUnits: 3})
	var got []int
	for _, u := range r.Units {
		got = append(got, u.Unit)
	}
	if want := []int{2, 7, 3}; !slices.Equal(got, want) {
		t.Fatalf("units %v (%+v), want %v", got, r.Units, want)
	}
	if d := r.Units[0].Walk; math.Abs(d-(19.5+8.5)) > 0.01 {
		t.Errorf("walk from the unit in front of the door %.2f m, want 28", d)
	}
	all := m.Respond(q, RespondOptions{Units: units, MaxUnits: 100})
	got = got[:0]
	for _, u := range all.Units {
		got = append(got, u.Unit)
	}
	if want := []int{2, 7, 3, 0, 5}; !slices.Equal(got, want) {
		t.Errorf("all units %v (%+v), want %v", got, all.Units, want)
	}
	for _, u := range all.Units {
		d, spot := m.WalkTo(r, units[u.Unit], 1000)
		if math.Abs(d-u.Walk) > 1e-6 || spot != u.Spot {
			t.Errorf("WalkTo unit %d: %.3f m to spot %d, Respond said %.3f m to %d", u.Unit, d, spot, u.Walk, u.Spot)
		}
	}
	for _, p := range []orb.Point{{1000, 1000}, {math.NaN(), 1}, {-30, -20}} {
		if d, spot := m.WalkTo(r, p, 1000); !math.IsInf(d, 1) || spot != -1 {
			t.Errorf("WalkTo from %v: %v m to spot %d, want +Inf, -1", p, d, spot)
		}
	}
	// No limit: as far as it goes (round the corner of B); from the pond,
	// nowhere.
	if d, _ := m.WalkTo(r, orb.Point{1000, 1000}, math.Inf(1)); math.Abs(d-(8.5+math.Hypot(10, 0.5)+math.Hypot(980, 1000))) > 0.01 {
		t.Errorf("WalkTo without a limit: %.2f m", d)
	}
	if d, _ := m.WalkTo(r, orb.Point{-30, -20}, math.Inf(1)); !math.IsInf(d, 1) {
		t.Errorf("WalkTo from the pond without a limit: %.2f m", d)
	}
}

func TestRespondBadInput(t *testing.T) {
	m := respondModel(t)
	for _, q := range []orb.Point{{math.NaN(), 0}, {0, math.Inf(1)}} {
		r := m.Respond(q, RespondOptions{Units: []orb.Point{{0, 0}}})
		if r.Place != "" || len(r.Spots)+len(r.Cameras)+len(r.Equipment)+len(r.Units) != 0 {
			t.Errorf("Respond(%v) = %+v, want nothing", q, r)
		}
	}
	// Far outside everything: itself, nothing near.
	r := m.Respond(orb.Point{1e7, 1e7}, RespondOptions{})
	if r.Place != Outdoors || len(r.Spots) != 1 || len(r.Cameras)+len(r.Equipment) != 0 {
		t.Errorf("far away: %+v", r)
	}
	// An empty model answers too.
	e, err := New(Scene{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.Respond(orb.Point{1, 2}, RespondOptions{Units: []orb.Point{{1, 3}}}); r.Place != Outdoors || len(r.Units) != 1 || r.Units[0].Walk != 1 {
		t.Errorf("empty model: %+v", r)
	}
}

func TestAccessProblems(t *testing.T) {
	s := respondScene()
	s.Access = append(s.Access, Access{ID: "G", At: orb.Point{5, 5}}, Access{ID: "Z", At: orb.Point{math.NaN(), 0}})
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range m.Problems() {
		msgs = append(msgs, p.Error())
	}
	want := []string{
		"access point G: another access point has the same ID (skipped)",
		"access point Z: position is not a number (skipped)",
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("problems %q, want %q", msgs, want)
	}
	if r := m.Respond(orb.Point{0, 50}, RespondOptions{}); r.Access != "G" {
		t.Errorf("the first G stays: %+v", r)
	}
}

func TestAim(t *testing.T) {
	s := respondScene()
	s.Cameras = append(s.Cameras,
		Camera{ID: "off", At: orb.Point{30, -10}, Heading: 0, HFOV: 60, ResolutionH: 1920, Range: 30, Offline: true},
		Camera{ID: "tilted", At: orb.Point{30, -10}, Height: 4, Tilt: 30, Heading: 90, HFOV: 60, ResolutionH: 1920, Range: 30},
		Camera{ID: "at a wall", At: orb.Point{10, -0.2}, Heading: 0, HFOV: 20, ResolutionH: 1920, Range: 30},
	)
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		ok   bool
		near orb.Point // where the axis meets the ground, if known
	}{
		{"door", true, orb.Point{}},
		{"north", true, orb.Point{}},
		{"tilted", true, orb.Point{30 + 4/math.Tan(30*math.Pi/180), -10}},
		{"off", false, orb.Point{}},
		{"unknown", false, orb.Point{}},
		{"at a wall", false, orb.Point{}}, // it looks at B's wall
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			p, ok := m.Aim(tc.id)
			if ok != tc.ok {
				t.Fatalf("Aim = %v, %v; want ok %v", p, ok, tc.ok)
			}
			if !ok {
				return
			}
			seen := false
			for _, s := range m.Seeing(p) {
				seen = seen || s.Camera == tc.id
			}
			if !seen || m.walk.Obstacles().Inside(p) >= 0 {
				t.Errorf("aim %v: seen by %v; inside an obstacle: %v", p, m.Seeing(p), m.walk.Obstacles().Inside(p) >= 0)
			}
			if tc.near != (orb.Point{}) && dist(p, tc.near) > 0.01 {
				t.Errorf("aim %v, want %v", p, tc.near)
			}
		})
	}
}

// TestRespondConcurrent runs responses while cameras come and go (run it
// with -race).
func TestRespondConcurrent(t *testing.T) {
	m := respondModel(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				r := m.Respond(orb.Point{0, 50}, RespondOptions{Units: []orb.Point{{0, 0}}})
				if r.Place != AtAccess {
					t.Errorf("place %q", r.Place)
					return
				}
				m.WalkTo(r, orb.Point{5, 60}, 200)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := Camera{ID: "extra", At: orb.Point{0, 40}, Heading: 0, HFOV: 60, ResolutionH: 1920, Range: 20}
		for i := 0; i < 20; i++ {
			if _, err := m.SetCamera(c); err != nil {
				t.Error(err)
				return
			}
			m.RemoveCamera("extra")
		}
	}()
	wg.Wait()
	if r := m.Respond(orb.Point{0, 50}, RespondOptions{}); strings.Join(cameraIDs(r), ",") != "north" {
		t.Errorf("cameras after: %v", cameraIDs(r))
	}
}

// BenchmarkRespond resolves an alarm inside a building.
func BenchmarkRespond(b *testing.B) {
	m := respondModel(b)
	for i := 0; i < b.N; i++ {
		m.Respond(orb.Point{10, 8}, RespondOptions{Units: []orb.Point{{10, -20}}})
	}
}

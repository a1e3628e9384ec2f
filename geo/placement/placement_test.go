package placement

import (
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/geo/coverage"
	"safetynet/geo/dori"
)

func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func TestCatalogue(t *testing.T) {
	c := Catalogue()
	if len(c) != 12 {
		t.Fatalf("%d models, want 12", len(c))
	}
	// docs/STANDARDS.md: recognise (125 px/m) to about 7.7 m with the
	// 2.8 mm lens at 1920 px and 66 m with the 12 mm lens at 3840 px.
	first, last := c[0], c[len(c)-1]
	if d := dori.Distance(125, first.ResolutionH, first.HFOV()); math.Abs(d-7.68) > 0.01 {
		t.Errorf("%s recognises to %.2f m", first.Name, d)
	}
	if d := dori.Distance(125, last.ResolutionH, last.HFOV()); math.Abs(d-65.8) > 0.1 {
		t.Errorf("%s recognises to %.2f m", last.Name, d)
	}
}

func TestMounts(t *testing.T) {
	m, err := coverage.New(coverage.Scene{
		Buildings: []coverage.Building{{ID: "B", Footprint: rect(0, 0, 10, 6)}},
		Roads: []coverage.Road{
			{ID: "R", Line: orb.LineString{{0, -20}, {100, -20}}, Vehicle: true},
			{ID: "F", Line: orb.LineString{{0, -40}, {100, -40}}}, // a footway: no poles
		},
	}, coverage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms := Mounts(m, Options{})
	var walls, poles int
	for _, mt := range ms {
		switch mt.Kind {
		case Wall:
			walls++
			if mt.Ref != "B" || mt.Height != 3 {
				t.Errorf("wall mount %+v", mt)
			}
		case Pole:
			poles++
			if mt.Ref != "R" || mt.Height != 4 || math.Abs(math.Abs(mt.At[1]+20)-4) > 1e-9 {
				t.Errorf("pole %+v", mt)
			}
		}
	}
	// 4 corners; poles at 0, 20, ... 100 m on both sides.
	if walls != 4 || poles != 12 {
		t.Errorf("%d wall mounts and %d poles, want 4 and 12", walls, poles)
	}
	d := 0.5 / math.Sqrt2
	if math.Abs(ms[0].At[0]+d) > 1e-12 || math.Abs(ms[0].At[1]+d) > 1e-12 {
		t.Errorf("first corner mount at %v, want %v", ms[0].At, orb.Point{-d, -d})
	}
}

// scene is a tiny building whose east corners are the only mounts, and
// a 23 x 4 m key area east of it at recognise level.
func scene() coverage.Scene {
	return coverage.Scene{
		Buildings: []coverage.Building{{ID: "B", Footprint: rect(-2, -1, 0, 1)}},
		KeyAreas:  []coverage.KeyArea{{ID: "K", Area: rect(2, -2, 25, 2), Level: "recognise"}},
	}
}

func TestSuggest(t *testing.T) {
	m, err := coverage.New(scene(), coverage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Suggest(m, Options{N: 3, TargetStep: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no suggestion")
	}
	total := 0.0
	prev := math.Inf(1)
	for _, s := range got {
		if s.Gain <= 0 || s.Gain > prev+1e-9 {
			t.Errorf("gains not positive and falling: %v after %v", s.Gain, prev)
		}
		if math.Abs(s.GainShare-s.Gain/92) > 1e-9 || !reflect.DeepEqual(s.Areas, []string{"K"}) {
			t.Errorf("suggestion %+v", s)
		}
		prev = s.Gain
		total += s.Gain
		if _, err := m.SetCamera(s.Camera); err != nil {
			t.Fatal(err)
		}
	}
	// What the model counts once the cameras are in is what was promised.
	a := m.KeyAreas()[0]
	if got := a.Camera * a.Ground; math.Abs(got-total) > 0.01*total {
		t.Errorf("cameras cover %.2f m² of K, suggestions promised %.2f m²", got, total)
	}
	// Asking again, with them in place, suggests nothing better than the last.
	again, err := Suggest(m, Options{N: 1, TargetStep: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) == 1 && again[0].Gain > prev+1e-9 {
		t.Errorf("next suggestion gains %v, more than the last one's %v", again[0].Gain, prev)
	}
}

func TestSuggestPerCost(t *testing.T) {
	cheap := Model{Name: "cheap", SensorWidth: 5.6, FocalLength: 4, ResolutionH: 1920, ResolutionV: 1080, Price: 100}
	dear := Model{Name: "dear", SensorWidth: 5.6, FocalLength: 4, ResolutionH: 3840, ResolutionV: 2160, Price: 1000}
	m, err := coverage.New(scene(), coverage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The dear camera recognises to 21.9 m, the cheap one to 11 m.
	tests := []struct {
		name    string
		perCost bool
		want    string
	}{
		{"most ground", false, "dear"},
		{"most ground per price", true, "cheap"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Suggest(m, Options{N: 1, Catalogue: []Model{cheap, dear}, PerCost: tc.perCost})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Model.Name != tc.want || got[0].Cost != got[0].Model.Price {
				t.Errorf("suggested %+v, want the %s model", got, tc.want)
			}
		})
	}
	if _, err := Suggest(m, Options{N: 1, PerCost: true}); err == nil {
		t.Error("ranking per cost without prices: no error")
	}
}

func TestSuggestNothingToDo(t *testing.T) {
	tests := []struct {
		name  string
		scene coverage.Scene
	}{
		{"no key areas", coverage.Scene{Buildings: []coverage.Building{{ID: "B", Footprint: rect(0, 0, 5, 5)}}}},
		{"no mounts within reach", coverage.Scene{
			Buildings: []coverage.Building{{ID: "B", Footprint: rect(0, 0, 5, 5)}},
			KeyAreas:  []coverage.KeyArea{{ID: "K", Area: rect(500, 500, 510, 510), Level: "identify"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := coverage.New(tc.scene, coverage.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Suggest(m, Options{N: 2})
			if err != nil || len(got) != 0 {
				t.Errorf("Suggest = %v, %v; want nothing", got, err)
			}
		})
	}
}

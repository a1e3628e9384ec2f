package coverage_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"safetynet/geo/coverage"
)

// Which cameras see a point, best pixel density first: the query behind a
// live alert. The wall hides the point from the camera behind it.
func ExampleModel_Seeing() {
	m, err := coverage.New(coverage.Scene{
		Walls: []coverage.Wall{{ID: "fence", Line: orb.LineString{{30, -5}, {30, 5}}}},
		Cameras: []coverage.Camera{
			{ID: "gate", At: orb.Point{0, 0}, Heading: 90, HFOV: 50, ResolutionH: 2560, Range: 50},
			{ID: "pole", At: orb.Point{10, -20}, Heading: 0, HFOV: 90, ResolutionH: 1920, Range: 40},
			{ID: "yard", At: orb.Point{40, 0}, Heading: 270, HFOV: 90, ResolutionH: 3840, Range: 40},
		},
	}, coverage.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range m.Seeing(orb.Point{12, 0}) {
		fmt.Printf("%s: %.1f m, %.0f px/m, %s\n", s.Camera, s.Distance, s.PPM, s.Level)
	}
	// Output:
	// gate: 12.0 m, 229 px/m, recognise
	// pole: 20.1 m, 48 px/m, detect
}

// What reaches a smoke alarm inside a building: its door, the camera that
// watches the door, the extinguisher beside it and the nearest patrol.
// Walks count the straight way in from the door.
func ExampleModel_Respond() {
	m, err := coverage.New(coverage.Scene{
		Buildings: []coverage.Building{{ID: "B1", Footprint: orb.Polygon{{{0, 0}, {20, 0}, {20, 10}, {0, 10}, {0, 0}}}}},
		Access:    []coverage.Access{{ID: "B1-door", At: orb.Point{10, 0}, Kind: "entrance"}},
		Cameras:   []coverage.Camera{{ID: "entrance", At: orb.Point{14, -6}, Heading: 315, HFOV: 90, ResolutionH: 1920, Range: 30}},
		Equipment: []coverage.Equipment{{ID: "FE-1", At: orb.Point{10, -2}, Kind: "handheld", Rating: "ABC"}},
	}, coverage.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := m.Respond(orb.Point{10, 8}, coverage.RespondOptions{Units: []orb.Point{{10, 30}, {10, -20}}})
	fmt.Printf("%s %s via %s, %d spot: %s at %.1f m from the alarm\n", r.Place, r.Building, r.Via, len(r.Spots), r.Spots[0].Access, r.Spots[0].Offset)
	for _, c := range r.Cameras {
		fmt.Printf("camera %s: %.0f px/m\n", c.Camera, c.PPM)
	}
	for _, e := range r.Equipment {
		fmt.Printf("%s %s: %.1f m on foot\n", e.Kind, e.ID, e.Walk)
	}
	for _, u := range r.Units {
		fmt.Printf("unit %d: %.1f m on foot\n", u.Unit, u.Walk)
	}
	// Output:
	// building B1 via entrances, 1 spot: B1-door at 8.5 m from the alarm
	// camera entrance: 240 px/m
	// handheld FE-1: 10.0 m on foot
	// unit 1: 28.0 m on foot
	// unit 0: 50.9 m on foot
}

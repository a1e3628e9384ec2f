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

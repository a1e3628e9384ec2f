package scene

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/coverage"
)

func TestHeadingOf(t *testing.T) {
	house := []coverage.Building{{ID: "B", Footprint: orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}}}
	road := []coverage.Road{{ID: "R", Name: "High St", Line: orb.LineString{{-50, -20}, {50, -20}}}}
	for _, tt := range []struct {
		name   string
		at     orb.Point
		bs     []coverage.Building
		rs     []coverage.Road
		want   float64
		reason string
	}{
		{"on the east wall", orb.Point{10, 5}, house, road, 90, "out from the wall of building B"},
		{"just inside the north wall", orb.Point{5, 9.5}, house, road, 0, "out from the wall"},
		{"off the west wall", orb.Point{-1, 5}, house, road, 270, "out from the wall"},
		{"toward the road", orb.Point{30, 0}, house, road, 180, "toward road High St, 20 m away"},
		{"over the road", orb.Point{30, -20}, nil, road, 90, "along road High St"},
		{"away from a building", orb.Point{25, 5}, house, nil, 90, "away from building B, 15 m away"},
		{"nothing near", orb.Point{500, 500}, house, road, 0, "north"},
	} {
		h, why := HeadingOf(tt.at, tt.bs, tt.rs)
		if math.Abs(h-tt.want) > 0.1 || !strings.Contains(why, tt.reason) {
			t.Errorf("%s: %g° (%s), want %g° (%s)", tt.name, h, why, tt.want, tt.reason)
		}
	}
}

func TestHFOVOf(t *testing.T) {
	for kind, want := range map[string]float64{"": 60, "Fixed Dome": 90, "fisheye 360": 360, "ANPR": 30, "PTZ": 60, "bullet": 90} {
		if got, _ := HFOVOf(kind); got != want {
			t.Errorf("HFOVOf(%q) = %g, want %g", kind, got, want)
		}
	}
}

// FromFeatures gives a camera with a NaN heading and no field of view
// estimates and lists them, instead of leaving coverage to skip it.
func TestFromFeaturesEstimates(t *testing.T) {
	cam := store.Camera{FID: 1, Code: "C1", Geom: orb.Point{121.45, 31.22}, Heading: math.NaN(), MountHeight: 3,
		ResolutionH: 1920, MaxRange: 30, Attributes: `{"Type":"dome"}`}
	s := FromFeatures([]store.Feature{cam})
	if len(s.Scene.Cameras) != 1 {
		t.Fatal("no camera")
	}
	c := s.Scene.Cameras[0]
	if math.IsNaN(c.Heading) || c.HFOV != 90 || !c.Estimated {
		t.Errorf("camera %+v, want a heading, hfov 90 (dome) and estimated", c)
	}
	if len(s.Problems) != 1 || s.Problems[0].Skipped || !strings.Contains(s.Problems[0].Msg, "no field of view: 90° assumed (for a dome camera)") {
		t.Errorf("problems %+v", s.Problems)
	}
	m, err := s.Model(coverage.Options{Cell: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ids := m.CameraIDs(); len(ids) != 1 {
		t.Errorf("coverage counts %v, want C1", ids)
	}
}

package coverage

import (
	"testing"

	"github.com/paulmach/orb"

	"safetynet/geo/grid"
)

// TestViewMatchesRayTest checks, cell by cell, the ground 20 cameras of
// the synthetic town see against a straight-line test from the camera
// to each cell centre against every building edge: every cell compared
// with gdal_viewshed must agree.
func TestViewMatchesRayTest(t *testing.T) {
	s := camerasOnly(synthetic(2000, 200, 1))
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var f grid.Filler
	for _, c := range s.Cameras[:gdalCameras] {
		mine := map[int]bool{}
		for _, k := range visible(m, c, &f) {
			mine[int(k)] = true
		}
		exact := rayTest(m, s.Buildings, c)
		for i := range symDiff(mine, exact) {
			if comparable(m, c, i) {
				t.Errorf("camera %s: cell at %v: ours %v, ray test %v", c.ID, m.g.Centre(i%m.g.Cols, i/m.g.Cols), mine[i], exact[i])
			}
		}
	}
}

// TestComparisonHelpers checks the cells the comparison with
// gdal_viewshed leaves out as ties, and the rasterised test against the
// exact one, on a building of 10.1 .. 13.9 m square, whose cells
// (centres 10.25 .. 13.75) reach 10.0 .. 14.0 m.
func TestComparisonHelpers(t *testing.T) {
	s := Scene{
		Buildings: []Building{{ID: "B", Footprint: orb.Polygon{{{10.1, 10.1}, {13.9, 10.1}, {13.9, 13.9}, {10.1, 13.9}, {10.1, 10.1}}}}},
		Cameras:   []Camera{{ID: "C", At: orb.Point{5.25, 12.25}, Height: 4, Heading: 90, HFOV: 90, Range: 20}},
	}
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := m.g
	c := s.Cameras[0]
	cell := func(p orb.Point) int {
		col, row, ok := g.At(p)
		if !ok {
			t.Fatalf("%v is off the raster", p)
		}
		return row*g.Cols + col
	}
	for _, tc := range []struct {
		p    orb.Point
		want bool
		why  string
	}{
		{c.At, false, "the camera's own cell"},
		{orb.Point{8.25, 12.25}, true, "3 m due east"},
		{orb.Point{8.25, 15.25}, false, "on the sector edge at 45°"},
		{orb.Point{8.25, 15.75}, false, "outside the sector"},
		{orb.Point{8.25, 14.75}, true, "just inside the sector"},
		{orb.Point{25.25, 12.25}, false, "on the range circle"},
		{orb.Point{12.25, 12.25}, false, "in the building"},
	} {
		if got := comparable(m, c, cell(tc.p)); got != tc.want {
			t.Errorf("comparable %v (%s) = %v, want %v", tc.p, tc.why, got, tc.want)
		}
	}
	exact := rayTest(m, s.Buildings, c)
	raster := rasterRay(m, c)
	for _, tc := range []struct {
		p             orb.Point
		exact, raster bool
		why           string
	}{
		{orb.Point{9.75, 12.25}, true, true, "just west of the building"},
		{orb.Point{16.25, 12.25}, false, false, "straight behind the building"},
		{orb.Point{15.25, 18.25}, true, true, "past the north-west corner, 1.2 m above it"},
		// The line (slope 0.35) is 13.95 m at x 10.1, above the corner
		// (10.1, 13.9), but 13.91 m at x 10.0, inside the cell square
		// 10.0 .. 10.5 x 13.5 .. 14.0.
		{orb.Point{15.25, 15.75}, true, false, "between the footprint's corner and its cell's corner"},
	} {
		i := cell(tc.p)
		if exact[i] != tc.exact || raster[i] != tc.raster {
			t.Errorf("%v (%s): exact %v, rasterised %v; want %v, %v", tc.p, tc.why, exact[i], raster[i], tc.exact, tc.raster)
		}
	}
}

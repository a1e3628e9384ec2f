package coverage

import (
	"path/filepath"
	"testing"

	"safetynet/data/testenv"
	"safetynet/geo/grid"
)

// minIoUVsGDAL is the least intersection over union of the ground our
// cameras see with what gdal_viewshed sees on the "level" surface model
// (see gdalSetups), over BenchmarkViewshedVsGDAL's 20 cameras.
const minIoUVsGDAL = 0.93

// TestViewshedVsGDAL asserts what BenchmarkViewshedVsGDAL measures, on its
// headline set-up: the same town and cameras, the "level" surface model,
// the same cells compared, ours against gdal_viewshed's.
func TestViewshedVsGDAL(t *testing.T) {
	tool := testenv.Tool(t, "gdal_viewshed")
	s := camerasOnly(synthetic(2000, 200, 1))
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := m.g
	set := gdalSetups[0]
	if set.name != "level" {
		t.Fatalf("the first surface model is %q, want level", set.name)
	}
	dir := t.TempDir()
	dsm := filepath.Join(dir, set.name+".tif")
	if err := writeDSM(dsm, g, m.ground, set.building); err != nil {
		t.Fatal(err)
	}
	var total iou
	var f grid.Filler
	for _, c := range s.Cameras[:gdalCameras] {
		col, row, ok := g.At(c.At)
		if !ok || !m.ground.Has(row*g.Cols+col) {
			t.Fatalf("camera %s at %v is off the raster or in a building cell", c.ID, c.At)
		}
		c.At = g.Centre(col, row)
		mine := map[int]bool{}
		for _, k := range visible(m, c, &f) {
			mine[int(k)] = true
		}
		theirs, err := viewshed(tool, dsm, dir, g, c, set.observer, set.target)
		if err != nil {
			t.Fatal(err)
		}
		in, un := compare(m, c, mine, theirs, nil)
		if un == 0 {
			t.Errorf("camera %s: no cell compared", c.ID)
		}
		total.add(in, un)
	}
	t.Logf("IoU against gdal_viewshed, level model, %d cameras: %.4f (%d of %d cells)", gdalCameras, total.ratio(), total.in, total.un)
	if r := total.ratio(); r < minIoUVsGDAL {
		t.Errorf("IoU against gdal_viewshed %.4f, want at least %.2f", r, minIoUVsGDAL)
	}
}

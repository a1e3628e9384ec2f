package mapview

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"safetynet/data/demo"
)

// TestShots saves screenshots of the demo for a person to look at, when
// MAPSHOT_DIR names a folder.
func TestShots(t *testing.T) {
	dir := os.Getenv("MAPSHOT_DIR")
	if dir == "" {
		t.Skip("set MAPSHOT_DIR to save screenshots")
	}
	test.NewTempApp(t)
	s := demoStore(t)
	m, win := showMap(t, s, 1280, 800)
	for _, dark := range []bool{false, true} {
		m.SetDark(dark)
		for _, z := range []float64{16, 17, 18} {
			m.FlyTo(demo.Origin, z)
			img := capture(t, m, win)
			savePNG(t, filepath.Join(dir, fmt.Sprintf("z%g-%s.png", z, map[bool]string{false: "light", true: "dark"}[dark])), img)
		}
	}
	// A busy hour's alerts at the default zoom, in the map of a 1280×800
	// and of a 1920×1080 console window.
	for _, size := range [][2]float32{{760, 680}, {1120, 960}} {
		m, win, _ := hourMap(t, size[0], size[1], 114)
		savePNG(t, filepath.Join(dir, fmt.Sprintf("hour-%gx%g.png", size[0], size[1])), capture(t, m, win))
	}
	// Plan mode's coverage by image-detail level, zoomed out and at the
	// South Gate.
	p := computePlanLayers(t, s)
	m, win = showMap(t, s, 740, 480)
	m.SetDark(false)
	m.SetCoverage(p.newPlanCoverage())
	gate := demoGate(t, s, "GATE-S")
	for _, z := range []float64{16, 17, 18.5} {
		m.FlyTo(gate, z)
		savePNG(t, filepath.Join(dir, fmt.Sprintf("plan-z%g.png", z)), capture(t, m, win))
	}
}

func savePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

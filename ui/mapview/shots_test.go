package mapview

import (
	"fmt"
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
			name := fmt.Sprintf("z%g-%s.png", z, map[bool]string{false: "light", true: "dark"}[dark])
			f, err := os.Create(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, img)
			f.Close()
		}
	}
}

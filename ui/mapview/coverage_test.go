package mapview

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
)

func TestSetCoverageDrawsShapes(t *testing.T) {
	test.NewTempApp(t)
	m, win := showMap(t, demoStore(t), 400, 300)
	m.SetDark(false)
	m.FlyTo(demo.Origin, 19)
	before := capture(t, m, win)

	d := 0.0003
	x, y := demo.Origin[0], demo.Origin[1]
	magenta := color.NRGBA{0xFF, 0x00, 0xFF, 0xFF}
	c := &Coverage{Shapes: []Shape{{
		Polygon: orb.MultiPolygon{{{{x - d, y - d}, {x + d, y - d}, {x + d, y + d}, {x - d, y + d}, {x - d, y - d}}}},
		Fill:    magenta,
	}}}
	m.SetCoverage(c)
	if m.Coverage() != c {
		t.Fatal("Coverage does not return what was set")
	}
	after := capture(t, m, win)
	count := func(img interface {
		At(x, y int) color.Color
	}) int {
		n := 0
		for py := 0; py < 300; py += 4 {
			for px := 0; px < 400; px += 4 {
				r, g, b, _ := img.At(px, py).RGBA()
				if r>>8 > 0xF0 && g>>8 < 0x20 && b>>8 > 0xF0 {
					n++
				}
			}
		}
		return n
	}
	if nb, na := count(before), count(after); nb != 0 || na < 500 {
		t.Errorf("magenta samples before %d, after %d: want none, then most of the map", nb, na)
	}
	m.SetCoverage(nil)
	if m.Coverage() != nil {
		t.Error("SetCoverage(nil) kept the coverage")
	}
	if n := count(capture(t, m, win)); n != 0 {
		t.Errorf("magenta samples after clearing: %d", n)
	}
}

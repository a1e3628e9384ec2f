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

// TestDetailLevelsColourBlindSafe draws nested camera zones of every
// image-detail level, and a second camera's zone overlapping one of
// them, on the light and the dark basemap: neighbouring levels, and the
// lowest and the ground, differ by at least ΔE 8 in normal vision,
// protanopia, deuteranopia and tritanopia, and overlapping zones of one
// level look as one.
func TestDetailLevelsColourBlindSafe(t *testing.T) {
	n := DetailLevelCount()
	if n < 5 {
		t.Fatalf("%d detail levels have colours, want monitor to identify at least", n)
	}
	for _, dark := range []bool{false, true} {
		t.Run(map[bool]string{false: "light", true: "dark"}[dark], func(t *testing.T) {
			test.NewTempApp(t)
			m, win := showMap(t, nil, 640, 400)
			m.SetDark(dark)
			m.FlyTo(orb.Point{121.47, 31.23}, 17)
			m.WaitIdle()
			square := func(cx, cy, h float64) orb.MultiPolygon {
				return orb.MultiPolygon{{{at(m, cx-h, cy-h), at(m, cx+h, cy-h), at(m, cx+h, cy+h), at(m, cx-h, cy+h), at(m, cx-h, cy-h)}}}
			}
			const step = 24.0
			half := func(level int) float64 { return float64(n+1-level) * step }
			var c Coverage
			for level := 1; level <= n; level++ {
				c.Shapes = append(c.Shapes, Shape{Polygon: square(320, 200, half(level)), Level: level})
			}
			// Another camera's zones up to level 3, to the right.
			for level := 1; level <= 3; level++ {
				c.Shapes = append(c.Shapes, Shape{Polygon: square(320+half(3)+step/2, 200, half(level)), Level: level})
			}
			m.SetCoverage(&c)
			img := capture(t, m, win)
			band := func(level int) color.NRGBA { // the middle of level's band, left of the centre
				x := 320 - half(level) + step/2
				if level == n {
					x = 320
				}
				return img.NRGBAAt(int(x), 200)
			}
			ground := img.NRGBAAt(20, 20)
			for _, v := range visions {
				prev := ground
				for level := 1; level <= n; level++ {
					cur := band(level)
					if d := deltaE(prev, cur, v.m); d < 8 {
						t.Errorf("%s: level %d %v is ΔE %.1f from level %d %v, want at least 8", v.name, level, cur, d, level-1, prev)
					}
					prev = cur
				}
				for level := 2; level <= n; level++ {
					a, b := DetailLevelColour(level-1, dark), DetailLevelColour(level, dark)
					if d := deltaE(a, b, v.m); d < 8 || a.A != 255 {
						t.Errorf("%s: legend swatches of levels %d %v and %d %v ΔE %.1f apart, want opaque and at least 8", v.name, level-1, a, level, b, d)
					}
				}
			}
			// Where the two cameras' level 3 zones overlap (beyond the
			// first one's level 4), the colour is level 3's.
			x := int(320 + half(4) + step/2)
			if o, l3 := img.NRGBAAt(x, 200), band(3); deltaE(o, l3, visions[0].m) > 1.5 {
				t.Errorf("two overlapping level 3 zones %v, one alone %v: want the same", o, l3)
			}
		})
	}
}

// TestPlanWashSubdued draws a plan's coverage over the demo with the
// fire reach and the gaps in the plan colours, and in the strong colours
// they had before: the plan colours change the map under them at most
// half as much.
func TestPlanWashSubdued(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	p := computePlanLayers(t, s)
	m, win := showMap(t, s, 640, 400)
	m.SetDark(false)
	m.FlyTo(demoGate(t, s, "GATE-S"), 17)
	m.WaitIdle()
	under := &Coverage{Shapes: []Shape{}}
	for _, z := range p.zones {
		under.Shapes = append(under.Shapes, Shape{Polygon: z.area, Level: z.level + 1})
	}
	m.SetCoverage(under)
	base := capture(t, m, win)
	strength := func(c *Coverage) float64 {
		m.SetCoverage(c)
		img := capture(t, m, win)
		sum := 0.0
		for y := 0; y < 400; y++ {
			for x := 0; x < 640; x++ {
				sum += deltaE(base.NRGBAAt(x, y), img.NRGBAAt(x, y), visions[0].m)
			}
		}
		return sum / (640 * 400)
	}
	with := func(shapes ...Shape) *Coverage {
		return &Coverage{Shapes: append(append([]Shape(nil), under.Shapes...), shapes...)}
	}
	pc := Plan()
	before := []color.NRGBA{{0xE6, 0x9F, 0x00, 0xD0}, {0xD5, 0x5E, 0x00, 0x38}, {0xD5, 0x5E, 0x00, 0xC0}} // reach stroke, gap fill and stroke
	for _, tc := range []struct {
		name     string
		old, now *Coverage
	}{
		{"fire reach", with(Shape{Polygon: p.reach, Stroke: before[0]}), with(Shape{Polygon: p.reach, Fill: pc.ReachFill, Stroke: pc.ReachStroke})},
		{"gaps", with(Shape{Polygon: p.gap, Fill: before[1], Stroke: before[2]}), with(Shape{Polygon: p.gap, Fill: pc.GapFill, Stroke: pc.GapStroke})},
	} {
		old, now := strength(tc.old), strength(tc.now)
		t.Logf("%s: mean ΔE %.2f before, %.2f now", tc.name, old, now)
		if now > old/2 || now == 0 {
			t.Errorf("%s: changes the map by ΔE %.2f on average, want drawn but at most half the %.2f of before", tc.name, now, old)
		}
	}
}

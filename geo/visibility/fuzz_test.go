package visibility

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// FuzzView feeds arbitrary numbers (NaN, infinities, huge and degenerate
// shapes included) to New and View: nothing may panic, and what the
// polygon holds the view must contain.
func FuzzView(f *testing.F) {
	f.Add(0.0, 0.0, 5.0, 0.0, 90.0, 20.0, 1.0, 2.0, 3.0, 4.0, -2.0, 6.0)
	f.Add(0.0, 0.0, 0.0, 0.0, 360.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(math.NaN(), 1.0, 2.0, 3.0, 45.0, math.Inf(1), 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, ox, oy, heading, _ float64, width, r, ax, ay, bx, by, cx, cy float64) {
		o := New([]orb.Polygon{{{{ax, ay}, {bx, by}, {cx, cy}}}}, []orb.LineString{{{ax, by}, {cx, ay}}})
		v := o.View(orb.Point{ox, oy}, Sector{Heading: heading, Width: width}, r)
		p := v.Polygon(0.01)
		_ = v.Clip(r/3, r/2, 0.01)
		_ = v.Rings(0, r, 0.01)
		if len(p) == 0 || math.Abs(ox) > 1e6 || math.Abs(oy) > 1e6 || r > 1e4 {
			return
		}
		// The centroid of a star-shaped polygon's triangle next to the
		// origin is inside both.
		c, _ := planar.CentroidArea(p)
		if planar.PolygonContains(p, c) && !v.Contains(c) && o.Inside(c) < 0 {
			if _, _, _, d, ok := o.Nearest(c, 1e-6); !ok || d > 1e-6 {
				t.Errorf("polygon holds %v, view does not", c)
			}
		}
	})
}

package visibility

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// TestWallEdgeOn: a viewpoint on the line of a wall, a millimetre beyond
// its end (where a walking path turns round it), sees the wall edge-on: an
// obstacle piece a few 1e-11 rad wide that rounding puts in front at one
// end of its angles and behind at the other. Views in every direction are
// made without a panic, and the ground beside the wall is seen.
func TestWallEdgeOn(t *testing.T) {
	for k := 0; k < 2000; k++ {
		ang := float64(k) * 0.7 * rad
		u := orb.Point{math.Cos(ang), math.Sin(ang)}
		a := orb.Point{113.37 + float64(k%7)*3.1, -437.69 + float64(k%5)*7.3}
		b := orb.Point{a[0] + 504*u[0], a[1] + 504*u[1]}
		o := New(nil, []orb.LineString{{a, b}})
		origin := orb.Point{a[0] - 0.001*u[0], a[1] - 0.001*u[1]}
		for _, w := range []float64{10, 1, 0.1} {
			heading := 90 - ang/rad
			v := o.View(origin, Sector{Heading: heading, Width: w}, 14.6)
			if w == 10 {
				n := orb.Point{-u[1], u[0]}
				p := orb.Point{origin[0] + 10*u[0] + 0.3*n[0], origin[1] + 10*u[1] + 0.3*n[1]}
				if !v.Contains(p) {
					t.Fatalf("wall at %.1f°: %v beside the wall not seen", ang/rad, p)
				}
			}
		}
	}
}

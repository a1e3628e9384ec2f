package geojsonio

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func TestOrientation(t *testing.T) {
	tests := []struct {
		name string
		ring orb.Ring
		want orb.Orientation
	}{
		{"counter-clockwise", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, orb.CCW},
		{"clockwise", orb.Ring{{0, 0}, {1, 1}, {1, 0}, {0, 0}}, orb.CW},
		{"no area", orb.Ring{{0, 0}, {1, 1}, {2, 2}, {0, 0}}, 0},
		{"too short", orb.Ring{{0, 0}, {0, 0}}, 0},
		{"sliver", orb.Ring{{121.47, 31.23}, {121.48, 31.2300000000001}, {121.49, 31.23}, {121.47, 31.23}}, orb.CW},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := orientation(tt.ring); got != tt.want {
				t.Errorf("orientation %v, want %v", got, tt.want)
			}
			r := slices.Clone(tt.ring)
			r.Reverse()
			if got := orientation(r); got != -tt.want {
				t.Errorf("reversed: orientation %v, want %v", got, -tt.want)
			}
		})
	}
}

// TestOrientationReverse checks on random near-degenerate rings that a
// ring and its reverse always get opposite orientations, and that the
// answer agrees with orb wherever orb's rounded sum is clearly non-zero.
func TestOrientationReverse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		n := 3 + rng.IntN(8)
		r := make(orb.Ring, n+1)
		x0, y0 := rng.Float64()*360-180, rng.Float64()*180-90
		for i := range n {
			// Points close to one line, so that rounding matters.
			d := rng.Float64()
			r[i] = orb.Point{x0 + d, y0 + d*0.5 + (rng.Float64()-0.5)*1e-14}
		}
		r[n] = r[0]
		o := orientation(r)
		rev := slices.Clone(r)
		rev.Reverse()
		if got := orientation(rev); got != -o {
			t.Fatalf("ring %v: orientation %v, reversed %v", r, o, got)
		}
		wind(orb.Polygon{r})
		if o := orientation(r); o != 0 && o != orb.CCW {
			t.Fatalf("wound outer ring %v is %v", r, o)
		}
	}
}

package geojsonio

import (
	"math"

	"github.com/paulmach/orb"
)

// wind winds the outer ring of p counter-clockwise and its holes clockwise,
// in place. Rings without area are left as they are.
func wind(p orb.Polygon) {
	for i, r := range p {
		if reversed(r, i == 0) {
			r.Reverse()
		}
	}
}

// reversed reports whether ring r, an outer ring or a hole, runs against
// the RFC 7946 winding.
func reversed(r orb.Ring, outer bool) bool {
	want := orb.CW
	if outer {
		want = orb.CCW
	}
	o := orientation(r)
	return o != 0 && o != want
}

// orientation returns the winding of the closed ring r in the plane, like
// orb.Ring.Orientation, but with the exact sign of its shoelace sum: a ring
// and its reverse always get opposite answers, so winding is idempotent
// even for slivers where a rounded sum would flip sign.
func orientation(r orb.Ring) orb.Orientation {
	if len(r) < 3 {
		return 0
	}
	ox, oy := r[0][0], r[0][1]
	// partials is the exact sum of the terms so far as non-overlapping
	// floats of increasing magnitude (Shewchuk's algorithm, as in Python's
	// math.fsum); its sign is the sign of its largest element.
	var partials []float64
	for i := 1; i < len(r)-1; i++ {
		// The conversions stop the compiler fusing into an FMA, which
		// would make a term differ from its reverse's negation.
		x := float64((r[i][0]-ox)*(r[i+1][1]-oy)) - float64((r[i+1][0]-ox)*(r[i][1]-oy))
		j := 0
		for _, y := range partials {
			if math.Abs(x) < math.Abs(y) {
				x, y = y, x
			}
			hi := x + y
			lo := y - (hi - x)
			if lo != 0 {
				partials[j] = lo
				j++
			}
			x = hi
		}
		partials = append(partials[:j], x)
	}
	for i := len(partials) - 1; i >= 0; i-- {
		switch {
		case partials[i] > 0:
			return orb.CCW
		case partials[i] < 0:
			return orb.CW
		}
	}
	return 0
}

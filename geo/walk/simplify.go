package walk

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
)

// DenseRing is the number of points from which Simplify thins a ring.
const DenseRing = 256

// Simplify returns p with each ring of DenseRing points or more thinned
// so that the ring stays within tol metres of the original (Hausdorff
// distance): points closer than tol/2 to the last one kept are dropped,
// then Douglas-Peucker at tol/2. Rings with fewer points are returned as
// they are, so ordinary footprints keep every corner. A walk around the
// result differs from one around p by at most about tol per corner
// turned, and no point farther than tol from p's outline changes sides.
// Simplify keeps a ring as it is when thinning would leave fewer than
// three distinct points; p itself is not changed.
func Simplify(p orb.Polygon, tol float64) orb.Polygon {
	if !(tol > 0) {
		return p
	}
	var out orb.Polygon
	changed := false
	for _, r := range p {
		if len(r) < DenseRing {
			out = append(out, r)
			continue
		}
		ls := orb.LineString(r).Clone()
		if ls[0] != ls[len(ls)-1] {
			ls = append(ls, ls[0])
		}
		ls = simplify.Radial(planar.Distance, tol/2).LineString(ls)
		if ls[len(ls)-1] != ls[0] {
			ls = append(ls, ls[0])
		}
		ls = simplify.DouglasPeucker(tol / 2).LineString(ls)
		if len(ls) < 4 {
			out = append(out, r)
			continue
		}
		out = append(out, orb.Ring(ls))
		changed = true
	}
	if !changed {
		return p
	}
	return out
}

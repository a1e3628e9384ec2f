package demo

import (
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// footprint is a building outline drawn with its south-west corner at the
// origin of the compound frame, and its main entrance.
type footprint struct {
	ring     orb.Ring
	w, d     float64   // extent east and north
	entrance orb.Point // on the north wall, where residents go in and out
	levels   int
	height   float64 // metres
}

// Residential building types of the demo.
const (
	slabDepth   = 12.0 // 6-storey slab block, metres north-south
	slabLevels  = 6
	slabHeight  = 18.0
	storeyTower = 3.0 // metres per storey of a tower
)

// towerHeight returns the height in metres of a tower of the given number
// of storeys: 3 m a storey plus a metre of parapet and roof.
func towerHeight(levels int) float64 { return storeyTower*float64(levels) + 1 }

// slab returns a 6-storey slab block: plain, with staggered units, or an
// L with a short wing to the north at one end.
// It is at most maxW long and maxD deep.
func slab(rng *rand.Rand, maxW, maxD float64) (footprint, bool) {
	lengths := []float64{36, 42, 48, 54, 60, 66}
	var fit []float64
	for _, l := range lengths {
		if l <= maxW {
			fit = append(fit, l)
		}
	}
	if len(fit) == 0 || maxD < slabDepth {
		return footprint{}, false
	}
	l := fit[rng.IntN(len(fit))]
	f := footprint{w: l, d: slabDepth, levels: slabLevels, height: slabHeight}
	switch v := rng.IntN(20); {
	case v < 8 || maxD < slabDepth+3.6: // plain
		f.ring = rect{0, 0, l, slabDepth}.ring()
		f.entrance = orb.Point{l / 2, slabDepth}
	case v < 15 || l < 48 || maxD < slabDepth+10: // units stepped back from one another
		n := 3
		if l >= 54 {
			n = 4
		}
		offs := []float64{0, 1.5, 0, 1.5}
		if rng.IntN(2) == 0 {
			offs = []float64{0, 1.2, 2.4, 3.6}
		}
		f.ring, f.entrance = stepped(l, n, offs[:n])
		f.d = slabDepth + maxOf(offs[:n])
	default: // an L: a wing to the north at one end
		wing, ext := 13.0, 8.0+2*float64(rng.IntN(2))
		f.d = slabDepth + ext
		if rng.IntN(2) == 0 { // east wing
			f.ring = closeRing([]orb.Point{{0, 0}, {l, 0}, {l, f.d}, {l - wing, f.d}, {l - wing, slabDepth}, {0, slabDepth}})
			f.entrance = orb.Point{(l - wing) / 2, slabDepth}
		} else {
			f.ring = closeRing([]orb.Point{{0, 0}, {l, 0}, {l, slabDepth}, {wing, slabDepth}, {wing, f.d}, {0, f.d}})
			f.entrance = orb.Point{wing + (l-wing)/2, slabDepth}
		}
	}
	return f, true
}

// stepped returns a slab of length l made of n equal units, each set back
// north by its offset, and the entrance of its middle unit.
func stepped(l float64, n int, offs []float64) (orb.Ring, orb.Point) {
	w := l / float64(n)
	var bottom, top []orb.Point
	for i := 0; i < n; i++ {
		x0, x1 := float64(i)*w, float64(i+1)*w
		bottom = append(bottom, orb.Point{x0, offs[i]}, orb.Point{x1, offs[i]})
	}
	for i := n - 1; i >= 0; i-- {
		x0, x1 := float64(i)*w, float64(i+1)*w
		top = append(top, orb.Point{x1, offs[i] + slabDepth}, orb.Point{x0, offs[i] + slabDepth})
	}
	mid := n / 2
	return closeRing(append(bottom, top...)), orb.Point{(float64(mid) + 0.5) * w, offs[mid] + slabDepth}
}

// tower returns a high-rise of the given storeys in one of four plans.
func tower(rng *rand.Rand, levels int, maxW float64) (footprint, bool) {
	type plan struct {
		ring     orb.Ring
		w, d     float64
		entrance orb.Point
	}
	plans := []plan{
		{ // a light well notched into the north side; the lobby is at its back
			closeRing([]orb.Point{{0, 0}, {32, 0}, {32, 20}, {20, 20}, {20, 16}, {12, 16}, {12, 20}, {0, 20}}),
			32, 20, orb.Point{16, 16},
		},
		{ // a slab of flats with the stair core standing out to the north
			closeRing([]orb.Point{{0, 0}, {30, 0}, {30, 16}, {20, 16}, {20, 21}, {10, 21}, {10, 16}, {0, 16}}),
			30, 21, orb.Point{5, 16},
		},
		{ // bays standing out to the south at both ends
			closeRing([]orb.Point{{0, 0}, {8, 0}, {8, 3}, {26, 3}, {26, 0}, {34, 0}, {34, 19}, {0, 19}}),
			34, 19, orb.Point{17, 19},
		},
		{ // two units, the eastern one set back
			closeRing([]orb.Point{{0, 0}, {16, 0}, {16, 2}, {32, 2}, {32, 20}, {16, 20}, {16, 18}, {0, 18}}),
			32, 20, orb.Point{8, 18},
		},
	}
	var fit []plan
	for _, p := range plans {
		if p.w <= maxW {
			fit = append(fit, p)
		}
	}
	if len(fit) == 0 {
		return footprint{}, false
	}
	p := fit[rng.IntN(len(fit))]
	return footprint{ring: p.ring, w: p.w, d: p.d, entrance: p.entrance, levels: levels, height: towerHeight(levels)}, true
}

func maxOf(v []float64) float64 {
	m := v[0]
	for _, x := range v[1:] {
		m = max(m, x)
	}
	return m
}

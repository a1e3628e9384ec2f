package demo

import (
	"math"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// Heights of the compound's barriers and half widths of the openings in
// its wall at the gates, metres.
const (
	wallHeight            = 2.4 // the perimeter wall
	substationFenceHeight = 2.2 // chain-link round the substation
	playFenceHeight       = 1.2 // railings round the kindergarten play yard
	gateHalfSouth         = 16  // half the opening of the south (main) gate
	gateHalfNorth         = 10  // of the north vehicle gate
	gateHalfWalk          = 6   // of the east and west pedestrian gates
)

// gateGap is an opening in the perimeter wall: the gate at its middle and
// half its width along the wall.
type gateGap struct {
	at   orb.Point
	half float64
}

// gateGaps are the openings, in the order the wall meets them going
// counter-clockwise from the south-west corner.
var gateGaps = []gateGap{
	{gateSouth, gateHalfSouth}, {gateEast, gateHalfWalk}, {gateNorth, gateHalfNorth}, {gateWest, gateHalfWalk},
}

// walls adds the perimeter wall, open at the gates, the chain-link fence
// round the substation and the railings round the kindergarten play yard.
func (s *site) walls() {
	// The wall runs counter-clockwise along the boundary; each gate ends one
	// stretch and starts the next. The stretch from the west gate wraps
	// round the south-west corner to the south gate.
	var runs []orb.LineString
	var cur orb.LineString
	for i := 0; i+1 < len(boundary); i++ {
		a, b := boundary[i], boundary[i+1]
		u := unit(sub(b, a))
		if len(cur) == 0 {
			cur = append(cur, a)
		}
		for _, g := range gateGaps {
			d := dot(sub(g.at, a), u)
			if math.Abs(dot(sub(g.at, a), left(u))) > 1e-9 || d <= 0 || d >= length(sub(b, a)) {
				continue // not on this side
			}
			cur = append(cur, add(a, scale(u, d-g.half)))
			runs = append(runs, cur)
			cur = orb.LineString{add(a, scale(u, d+g.half))}
		}
		cur = append(cur, b)
	}
	// Join the last stretch (west gate to the south-west corner) with the
	// first (corner to the south gate).
	runs[0] = append(cur[:len(cur)-1:len(cur)-1], runs[0]...)
	stretch := []store.Names{
		names("西南围墙", "South-West Wall"),
		names("东南围墙", "South-East Wall"),
		names("东北围墙", "North-East Wall"),
		names("西北围墙", "North-West Wall"),
	}
	for i, r := range runs {
		s.barriers = append(s.barriers, store.Barrier{Geom: r, Names: stretch[i], Kind: store.BarrierWall, Height: wallHeight, Opaque: true})
	}

	// The substation's fence, 2 m out, with its gate on the south side.
	f := substation.grow(2)
	c := substation.centre()[0]
	s.barriers = append(s.barriers, store.Barrier{
		Geom:  orb.LineString{{c - 1.5, f.y0}, {f.x0, f.y0}, {f.x0, f.y1}, {f.x1, f.y1}, {f.x1, f.y0}, {c + 1.5, f.y0}},
		Names: names("开闭所围栏", "Substation Fence"), Kind: store.BarrierFence, Height: substationFenceHeight,
	})
	// The kindergarten play yard: railings on three sides, open to the
	// building's U on the north.
	y := rect{-448, -92, -400, -76}.grow(1)
	s.barriers = append(s.barriers, store.Barrier{
		Geom:  orb.LineString{{y.x0, y.y1}, {y.x0, y.y0}, {y.x1, y.y0}, {y.x1, y.y1}},
		Names: names("幼儿园活动场护栏", "Kindergarten Play Yard Railings"), Kind: store.BarrierFence, Height: playFenceHeight,
	})
}

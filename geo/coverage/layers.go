package coverage

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"safetynet/geo/fire"
	"safetynet/geo/grid"
	"safetynet/geo/visibility"
	"safetynet/geo/walk"
)

// route is a checked patrol route and the cells seen from it.
type route struct {
	Patrol
	runs []run
}

// equip is a checked piece of fire equipment and the cells it reaches.
type equip struct {
	Equipment
	reach float64
	runs  []run
}

// computePatrols checks the routes and works out each corridor: the
// union of what is seen within Options.Sight from points every
// Options.PatrolStep metres along the route.
func (m *Model) computePatrols(ps []Patrol) {
	seen := map[string]bool{}
	for _, p := range ps {
		bad := func(msg string, skip bool) {
			m.problems = append(m.problems, Problem{Kind: "patrol", ID: p.ID, Msg: msg, Skipped: skip})
		}
		var line orb.LineString
		for _, q := range p.Line {
			if !badNumber(q[0], q[1]) && (len(line) == 0 || line[len(line)-1] != q) {
				line = append(line, q)
			}
		}
		switch {
		case seen[p.ID]:
			bad("another patrol route has the same ID", true)
			continue
		case len(line) < 2:
			bad("route has fewer than 2 distinct points", true)
			continue
		case math.IsNaN(p.RoundsPerDay) || p.RoundsPerDay < 0 || math.IsInf(p.RoundsPerDay, 0):
			bad(fmt.Sprintf("%v rounds a day: set its shifts and rounds per shift", p.RoundsPerDay), true)
			continue
		case p.RoundsPerDay == 0:
			bad("no rounds a day: set its shifts and rounds per shift; its corridor counts with weight 0", false)
		}
		seen[p.ID] = true
		p.Line = line
		m.patrols = append(m.patrols, &route{Patrol: p})
	}
	parallel(m.opt.Workers, len(m.patrols), func(i int, f *grid.Filler) { m.corridor(m.patrols[i], f) })
	m.patrolMask = grid.NewMask(m.g)
	m.slotRounds = make([]float32, m.slots)
	for _, r := range m.patrols {
		for _, rn := range r.runs {
			base := int(rn.row) * m.g.Cols
			m.patrolMask.SetRange(base+int(rn.c0), base+int(rn.c1))
			for _, s := range m.keyRows[rn.row] {
				for c := max(rn.c0, s.c0); c < min(rn.c1, s.c1); c++ {
					m.slotRounds[s.slot+c-s.c0] += float32(r.RoundsPerDay)
				}
			}
		}
	}
}

// stations returns points every step metres along line, its ends included.
func stations(line orb.LineString, step float64) []orb.Point {
	out := []orb.Point{line[0]}
	for i := 0; i+1 < len(line); i++ {
		a, b := line[i], line[i+1]
		l := math.Hypot(b[0]-a[0], b[1]-a[1])
		n := int(math.Ceil(l / step))
		for k := 1; k <= n; k++ {
			t := float64(k) / float64(n)
			out = append(out, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
		}
	}
	return out
}

// corridor rasterises what is seen from route r.
func (m *Model) corridor(r *route, f *grid.Filler) {
	g := m.g
	b := r.Line.Bound().Pad(m.opt.Sight + g.Cell)
	sub, off := m.window(b)
	mask := grid.NewMask(sub)
	s2 := m.opt.Sight * m.opt.Sight
	for _, p := range stations(r.Line, m.opt.PatrolStep) {
		if m.sight.Inside(p) >= 0 {
			continue // a passage through a building
		}
		v := m.sight.View(p, visibility.All, m.opt.Sight)
		m.fillWithin(f, sub, off, v.Rings(0, m.opt.Sight, 0.02), p, s2, mask, false)
	}
	r.runs = m.runsOf(sub, off, mask)
}

// window returns the part of the raster under b as a grid of its own and
// the offset of its first cell (column, row) in the raster.
func (m *Model) window(b orb.Bound) (grid.Grid, [2]int) {
	g := m.g
	c0, c1 := g.ColSpan(b.Min[0], b.Max[0])
	r0, r1 := g.RowSpan(b.Min[1], b.Max[1])
	if c0 > c1 || r0 > r1 {
		return grid.Grid{X0: g.X0, Y0: g.Y0, Cell: g.Cell}, [2]int{}
	}
	return grid.Grid{
		X0: g.X0 + float64(c0)*g.Cell, Y0: g.Y0 + float64(r0)*g.Cell, Cell: g.Cell,
		Cols: c1 - c0 + 1, Rows: r1 - r0 + 1,
	}, [2]int{c0, r0}
}

// fillWithin marks in mask (over sub) the ground cells of rings within
// sqrt(r2) metres of p; walkable leaves out water too.
func (m *Model) fillWithin(f *grid.Filler, sub grid.Grid, off [2]int, rings []orb.Ring, p orb.Point, r2 float64, mask grid.Mask, walkable bool) {
	g := m.g
	f.Fill(sub, rings, func(row, c0, c1 int) {
		dy := sub.Y0 + (float64(row)+0.5)*sub.Cell - p[1]
		dy2 := dy * dy
		gbase := (row+off[1])*g.Cols + off[0]
		for c := c0; c < c1; c++ {
			gi := gbase + c
			if !m.ground.Has(gi) || (walkable && m.water.Has(gi)) {
				continue
			}
			dx := sub.X0 + (float64(c)+0.5)*sub.Cell - p[0]
			if dx*dx+dy2 <= r2 {
				mask.Set(row*sub.Cols + c)
			}
		}
	})
}

// runsOf returns the cells of mask (over sub) as runs of the raster.
func (m *Model) runsOf(sub grid.Grid, off [2]int, mask grid.Mask) []run {
	var out []run
	for r := 0; r < sub.Rows; r++ {
		base := r * sub.Cols
		for c := 0; c < sub.Cols; {
			if !mask.Has(base + c) {
				c++
				continue
			}
			s := c
			for c < sub.Cols && mask.Has(base+c) {
				c++
			}
			out = append(out, run{int32(r + off[1]), int32(s + off[0]), int32(c + off[0]), 0})
		}
	}
	return out
}

// computeEquipment checks the fire equipment and works out each piece's
// reach on foot.
func (m *Model) computeEquipment(es []Equipment) {
	seen := map[string]bool{}
	for _, e := range es {
		bad := func(msg string, skip bool) {
			m.problems = append(m.problems, Problem{Kind: "equipment", ID: e.ID, Msg: msg, Skipped: skip})
		}
		if seen[e.ID] {
			bad("another piece of equipment has the same ID", true)
			continue
		}
		if badNumber(e.At[0], e.At[1]) {
			bad("position is not a number", true)
			continue
		}
		if e.Kind != fire.Handheld && e.Kind != fire.Wheeled && e.Kind != fire.Hydrant {
			bad(fmt.Sprintf("kind %q has no reach rule: use %s, %s or %s", e.Kind, fire.Handheld, fire.Wheeled, fire.Hydrant), true)
			continue
		}
		reach, err := m.opt.Fire.Reach(e.Kind, e.Rating, e.Hazard)
		if err != nil {
			bad(err.Error(), true)
			continue
		}
		if i := m.walk.Obstacles().Inside(e.At); i >= 0 {
			q, n, _, d, ok := m.walk.Obstacles().Nearest(e.At, 5)
			if !ok {
				bad("inside a building or water, more than 5 m from its edge: reach indoors is not modelled", true)
				continue
			}
			e.At = push(q, e.At, n, d)
			bad(fmt.Sprintf("inside a building or water: reach measured from %.1f m away, outside it", d), false)
		}
		seen[e.ID] = true
		m.equipment = append(m.equipment, &equip{Equipment: e, reach: reach})
	}
	parallel(m.opt.Workers, len(m.equipment), func(i int, f *grid.Filler) { m.reach(m.equipment[i], f) })
	m.extMask = grid.NewMask(m.g)
	m.hydMask = grid.NewMask(m.g)
	for _, e := range m.equipment {
		mask := m.extMask
		if e.Kind == fire.Hydrant {
			mask = m.hydMask
		}
		for _, rn := range e.runs {
			base := int(rn.row) * m.g.Cols
			mask.SetRange(base+int(rn.c0), base+int(rn.c1))
		}
	}
}

// reach rasterises the cells within walking reach of e.
func (m *Model) reach(e *equip, f *grid.Filler) {
	sub, off := m.window(orb.Bound{Min: e.At, Max: e.At}.Pad(e.reach + m.g.Cell))
	mask := grid.NewMask(sub)
	m.walk.Reach(e.At, e.reach, func(l walk.Leg) bool {
		r := l.View.Range
		m.fillWithin(f, sub, off, l.View.Rings(0, r, 0.02), l.From, r*r, mask, true)
		return true
	})
	e.runs = m.runsOf(sub, off, mask)
}

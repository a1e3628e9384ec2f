package coverage

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"safetynet/geo/fire"
)

// AreaCoverage is how well one key area is covered. Shares are fractions
// from 0 to 1 of the area's open ground (its cells outside buildings).
// Camera, CameraBelow and Unseen add up to 1.
type AreaCoverage struct {
	ID, Code, Name string
	// Level is the image-detail level the area needs.
	Level string
	// Ground is the area's open ground, square metres.
	Ground float64
	// Camera is the share seen at Level or better.
	Camera float64
	// CameraBelow is the share seen, but only below Level.
	CameraBelow float64
	// Unseen is the share no camera sees.
	Unseen float64
	// Patrol is the share in sight of a patrol route.
	Patrol float64
	// RoundsPerDay is the mean over the area of the patrol rounds a day
	// that pass in sight.
	RoundsPerDay float64
	// Extinguisher is the share within walking reach of an extinguisher.
	Extinguisher float64
	// Hydrant is the share within reach of an outdoor hydrant.
	Hydrant float64
	// Nothing is the share that no camera (at any level), patrol or
	// extinguisher reaches.
	Nothing float64
	// Cameras are the cameras that give Level somewhere in the area.
	Cameras []string
}

// KeyAreas returns the coverage of every key area, in the order of the
// scene.
func (m *Model) KeyAreas() []AreaCoverage {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]AreaCoverage, len(m.areas))
	cellArea := m.g.CellArea()
	for ai, a := range m.areas {
		r := AreaCoverage{ID: a.ID, Code: a.Code, Name: a.Name, Level: m.opt.Levels[a.req].Name}
		var cam, below, unseen, patrol, ext, hyd, nothing int
		rounds := 0.0
		for s := a.slot0; s < a.slot0+a.slots; s++ {
			cell := int(m.slotCell[s])
			seen := m.camCount[cell] > 0
			switch {
			case m.slotCam[s] > 0:
				cam++
			case seen:
				below++
			default:
				unseen++
			}
			p := m.patrolMask.Has(cell)
			e := m.extMask.Has(cell)
			if p {
				patrol++
			}
			if e {
				ext++
			}
			if m.hydMask.Has(cell) {
				hyd++
			}
			if !seen && !p && !e {
				nothing++
			}
			rounds += float64(m.slotRounds[s])
		}
		r.Ground = float64(a.slots) * cellArea
		if n := float64(a.slots); n > 0 {
			r.Camera, r.CameraBelow, r.Unseen = float64(cam)/n, float64(below)/n, float64(unseen)/n
			r.Patrol, r.Extinguisher, r.Hydrant = float64(patrol)/n, float64(ext)/n, float64(hyd)/n
			r.Nothing, r.RoundsPerDay = float64(nothing)/n, rounds/n
		}
		out[ai] = r
	}
	// Which cameras give each area its level.
	sets := make([]map[string]bool, len(m.areas))
	for _, k := range m.cams {
		if k == nil || k.view == nil {
			continue
		}
		for _, rn := range k.runs {
			for _, s := range m.keyRows[rn.row] {
				if rn.level >= s.req && max(rn.c0, s.c0) < min(rn.c1, s.c1) {
					if sets[s.area] == nil {
						sets[s.area] = map[string]bool{}
					}
					sets[s.area][k.ID] = true
				}
			}
		}
	}
	for i, set := range sets {
		for id := range set {
			out[i].Cameras = append(out[i].Cameras, id)
		}
		slices.Sort(out[i].Cameras)
	}
	return out
}

// Layer names a raster layer of the model.
type Layer int

// Layers of the model.
const (
	// CameraLayer is the ground some camera sees at the lowest level or better.
	CameraLayer Layer = iota
	// PatrolLayer is the ground in sight of a patrol route.
	PatrolLayer
	// ExtinguisherLayer is the ground within walking reach of an extinguisher.
	ExtinguisherLayer
	// HydrantLayer is the ground within reach of an outdoor hydrant.
	HydrantLayer
	// GapLayer is the open ground (within the site, when the scene has
	// one) that no camera, patrol or extinguisher reaches.
	GapLayer
)

// Outline returns a layer as polygons in metres, on cell boundaries (see
// grid.Grid.Outline).
func (m *Model) Outline(l Layer) orb.MultiPolygon {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var in func(i int) bool
	switch l {
	case CameraLayer:
		in = func(i int) bool { return m.camCount[i] > 0 }
	case PatrolLayer:
		in = m.patrolMask.Has
	case ExtinguisherLayer:
		in = m.extMask.Has
	case HydrantLayer:
		in = m.hydMask.Has
	case GapLayer:
		in = m.gap
	default:
		return nil
	}
	return m.g.Outline(in)
}

// gap reports whether cell i is open ground nothing reaches.
func (m *Model) gap(i int) bool {
	return m.ground.Has(i) && (m.site == nil || m.site.Has(i)) &&
		m.camCount[i] == 0 && !m.patrolMask.Has(i) && !m.extMask.Has(i)
}

// GapArea returns the area of the gap layer, square metres: 0 for a
// scene without cameras, key areas, patrols, equipment or site, whose
// raster is only padding around nothing.
func (m *Model) GapArea() float64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.bare {
		return 0
	}
	n := 0
	for i := 0; i < m.g.Len(); i++ {
		if m.gap(i) {
			n++
		}
	}
	return float64(n) * m.g.CellArea()
}

// Corridor returns what is seen from patrol route id, in metres.
func (m *Model) Corridor(id string) (orb.MultiPolygon, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, r := range m.patrols {
		if r.ID == id {
			return m.outlineRuns(r.runs), true
		}
	}
	return nil, false
}

// Reach returns the ground within walking reach of equipment id, in
// metres, and the reach in metres.
func (m *Model) Reach(id string) (orb.MultiPolygon, float64, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, e := range m.equipment {
		if e.ID == id {
			return m.outlineRuns(e.runs), e.reach, true
		}
	}
	return nil, 0, false
}

func (m *Model) outlineRuns(runs []run) orb.MultiPolygon {
	if len(runs) == 0 {
		return nil
	}
	r0, r1 := runs[0].row, runs[len(runs)-1].row
	c0, c1 := runs[0].c0, runs[0].c1
	for _, r := range runs {
		c0, c1 = min(c0, r.c0), max(c1, r.c1)
	}
	g := m.g
	sub := g
	sub.X0 += float64(c0) * g.Cell
	sub.Y0 += float64(r0) * g.Cell
	sub.Cols, sub.Rows = int(c1-c0), int(r1-r0+1)
	set := make([]bool, sub.Len())
	for _, r := range runs {
		base := int(r.row-r0) * sub.Cols
		for c := r.c0; c < r.c1; c++ {
			set[base+int(c-c0)] = true
		}
	}
	return sub.Outline(func(i int) bool { return set[i] })
}

// Reaching is one piece of fire equipment that reaches a point on foot.
type Reaching struct {
	Equipment string
	Kind      string
	// Distance is the walking distance to the point, metres.
	Distance float64
	// Limit is the equipment's reach under the rule set, metres.
	Limit float64
}

// Reaching returns the fire equipment within walking reach of p
// (metres), nearest on foot first.
func (m *Model) Reaching(p orb.Point) []Reaching {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Reaching
	for _, e := range m.equipment {
		if math.Hypot(p[0]-e.At[0], p[1]-e.At[1]) > e.reach {
			continue
		}
		if d := m.walk.Distance(e.At, p, e.reach); d <= e.reach {
			out = append(out, Reaching{Equipment: e.ID, Kind: e.Kind, Distance: d, Limit: e.reach})
		}
	}
	slices.SortStableFunc(out, func(a, b Reaching) int {
		switch {
		case a.Distance < b.Distance:
			return -1
		case a.Distance > b.Distance:
			return 1
		}
		return 0
	})
	return out
}

// Violation kinds.
const (
	// HydrantSpacing: two hydrants along one road are farther apart than
	// the spacing limit.
	HydrantSpacing = "hydrant_spacing"
	// HydrantIsolated: a hydrant's nearest neighbour is farther than the
	// spacing limit.
	HydrantIsolated = "hydrant_isolated"
	// ExtinguisherReach: part of a key area that needs fire protection
	// (KeyArea.Fire) is farther on foot than any extinguisher's maximum
	// protection distance.
	ExtinguisherReach = "extinguisher_reach"
	// HydrantReach: part of a key area is beyond every hydrant's
	// protection radius.
	HydrantReach = "hydrant_reach"
)

// Violation is one breach of the fire rules.
type Violation struct {
	Kind string
	// IDs are the equipment concerned (for reach: the key area first,
	// then the nearest equipment of that kind).
	IDs []string
	// At is where it is: between the hydrants, or the middle of the key
	// area's uncovered part, metres.
	At orb.Point
	// Value and Limit are the distance found and allowed, metres; for
	// reach, Value is the uncovered area in square metres.
	Value, Limit float64
	Msg          string
}

// Violations returns the breaches of the fire rules: hydrant spacing
// along roads and between nearest neighbours, key areas with ground
// beyond every hydrant's reach and, for key areas that need fire
// protection, beyond every extinguisher's reach.
func (m *Model) Violations() []Violation {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Violation
	var hyd []*equip
	var pts []orb.Point
	for _, e := range m.equipment {
		if e.Kind == fire.Hydrant {
			hyd = append(hyd, e)
			pts = append(pts, e.At)
		}
	}
	var roads []orb.LineString
	var roadNames []string
	for _, r := range m.roads {
		if r.Vehicle && len(r.Line) > 1 {
			roads = append(roads, r.Line)
			name := r.ID
			if r.Name != "" {
				name = r.Name + " (" + r.ID + ")"
			}
			roadNames = append(roadNames, name)
		}
	}
	limit := m.opt.Fire.HydrantSpacing
	for _, gp := range fire.Spacing(pts, roads, limit, m.opt.HydrantSnap) {
		a := hyd[gp.A]
		if gp.B < 0 {
			out = append(out, Violation{Kind: HydrantIsolated, IDs: []string{a.ID}, At: a.At, Value: gp.Distance, Limit: limit,
				Msg: fmt.Sprintf("hydrant %s: nearest other hydrant %.0f m away, more than %.0f m", a.ID, gp.Distance, limit)})
			continue
		}
		b := hyd[gp.B]
		out = append(out, Violation{Kind: HydrantSpacing, IDs: []string{a.ID, b.ID},
			At: orb.Point{(a.At[0] + b.At[0]) / 2, (a.At[1] + b.At[1]) / 2}, Value: gp.Distance, Limit: limit,
			Msg: fmt.Sprintf("hydrants %s and %s: %.0f m apart along road %s, more than %.0f m", a.ID, b.ID, gp.Distance, roadNames[gp.Road], limit)})
	}
	cellArea := m.g.CellArea()
	for _, a := range m.areas {
		for _, kind := range []string{ExtinguisherReach, HydrantReach} {
			if kind == ExtinguisherReach && !a.Fire {
				continue
			}
			mask, what := m.extMask, "extinguisher"
			if kind == HydrantReach {
				mask, what = m.hydMask, "hydrant"
			}
			n := 0
			var sx, sy float64
			for s := a.slot0; s < a.slot0+a.slots; s++ {
				cell := int(m.slotCell[s])
				if !mask.Has(cell) {
					n++
					c, r := cell%m.g.Cols, cell/m.g.Cols
					p := m.g.Centre(c, r)
					sx += p[0]
					sy += p[1]
				}
			}
			if n == 0 {
				continue
			}
			at := orb.Point{sx / float64(n), sy / float64(n)}
			ids := []string{a.ID}
			best := math.Inf(1)
			nearest := ""
			for _, e := range m.equipment {
				if (e.Kind == fire.Hydrant) != (kind == HydrantReach) {
					continue
				}
				if d := math.Hypot(e.At[0]-at[0], e.At[1]-at[1]); d < best {
					best, nearest = d, e.ID
				}
			}
			if nearest != "" {
				ids = append(ids, nearest)
			}
			out = append(out, Violation{Kind: kind, IDs: ids, At: at, Value: float64(n) * cellArea,
				Msg: fmt.Sprintf("key area %s: %.0f m² (%.0f%%) beyond walking reach of every %s", a.ID, float64(n)*cellArea, 100*float64(n)/float64(a.slots), what)})
		}
	}
	return out
}

// Target is one key-area cell for placing cameras: where it is, the pixel
// density it needs, whether a camera already gives it that, and how much
// ground it stands for.
type Target struct {
	At      orb.Point
	Area    int     // index in KeyAreas
	PPM     float64 // px/m needed
	Covered bool
	Weight  float64 // square metres
}

// Targets returns every step-th key-area cell in each direction (step 1:
// all of them) as placement targets.
func (m *Model) Targets(step int) []Target {
	m.mu.RLock()
	defer m.mu.RUnlock()
	step = max(1, step)
	w := m.g.CellArea() * float64(step*step)
	var out []Target
	for ai, a := range m.areas {
		ppm := m.opt.Levels[a.req].PPM
		for s := a.slot0; s < a.slot0+a.slots; s++ {
			cell := int(m.slotCell[s])
			c, r := cell%m.g.Cols, cell/m.g.Cols
			if c%step != 0 || r%step != 0 {
				continue
			}
			out = append(out, Target{At: m.g.Centre(c, r), Area: ai, PPM: ppm, Covered: m.slotCam[s] > 0, Weight: w})
		}
	}
	return out
}

package coverage

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/geo/grid"
	"safetynet/geo/visibility"
	"safetynet/geo/walk"
)

// Place says where an alarm's point lies, as Model.Respond found it.
type Place string

// Places an alarm can be at.
const (
	// Outdoors: on open ground; the point itself is the spot.
	Outdoors Place = "outdoors"
	// InBuilding: inside a building's footprint; the spots are its
	// entrances, or the nearest points of its outline (Response.Via).
	InBuilding Place = "building"
	// AtAccess: at a gate, door or barrier in a wall, a fence or a
	// building's outline; the spots are the ground either side of the
	// opening (the outside only, for a building's door).
	AtAccess Place = "access"
	// InWater: in water; the spots are the nearest points of its shore.
	InWater Place = "water"
)

// How the spots of a place in a building were found (Response.Via).
const (
	// ViaEntrances: the access points on the building's outline.
	ViaEntrances = "entrances"
	// ViaPaths: the data has no entrance of the building; the spots are
	// where footpaths end at its outline (its doors, as a map draws them).
	ViaPaths = "paths"
	// ViaOutline: the data has neither entrances of the building nor
	// footpaths to it; the spots are the points of its outline nearest the
	// alarm that one can stand at outside.
	ViaOutline = "outline"
)

// Distances that decide what an access point is, metres.
const (
	onLine    = 0.5  // an access point this near a wall or fence is on it
	gapSnap   = 5.0  // how far from the line between two wall ends a gate may be
	maxGap    = 40.0 // the widest opening between two wall ends
	doorSnap  = 2.0  // how far from a building's outline its door may be
	pathSnap  = 1.5  // how far from a building's outline a footpath to its door may end
	lineGate  = 4.0  // the width taken for a gate on an unbroken wall
	doorWidth = 2.0  // the width taken for a door
	standDoor = 0.5  // where one stands outside a door or an outline
	standGate = 1.0  // where one stands either side of an opening
	maxSides  = 4    // outline spots of a building without entrances
)

// RespondOptions tune Model.Respond. The zero value gives the defaults.
type RespondOptions struct {
	// MaxEquipment is how many pieces of fire equipment to list, nearest
	// on foot first; default 3.
	MaxEquipment int
	// Kinds limits the equipment to these kinds (fire.Handheld,
	// fire.Wheeled, fire.Hydrant); nil lists every kind.
	Kinds []string
	// MaxWalk is the longest walk looked at, metres; default 1000.
	MaxWalk float64
	// Units are the positions of patrol units or other responders,
	// metres; Response.Units lists the nearest on foot.
	Units []orb.Point
	// MaxUnits is how many units to list; default 3.
	MaxUnits int
	// Snap is how near the alarm's point an access point must be to be
	// taken as its place, metres; default 3.
	Snap float64
	// Apron is how far in front of an entrance, or either side of an
	// opening, lies the ground a camera must see to count as seeing it,
	// metres; default 6.
	Apron float64
}

func (o RespondOptions) withDefaults() RespondOptions {
	if o.MaxEquipment <= 0 {
		o.MaxEquipment = 3
	}
	if o.MaxUnits <= 0 {
		o.MaxUnits = 3
	}
	if !(o.MaxWalk > 0) || math.IsInf(o.MaxWalk, 0) {
		o.MaxWalk = 1000
	}
	if !(o.Snap > 0) || math.IsInf(o.Snap, 0) {
		o.Snap = 3
	}
	if !(o.Apron > 0) || math.IsInf(o.Apron, 0) {
		o.Apron = 6
	}
	o.Apron = max(o.Apron, standGate)
	return o
}

// Response is where an alarm is and what reaches it: the places people
// and cameras can get at, the cameras that see them, the fire equipment
// and the units nearest on foot. Distances are metres.
type Response struct {
	// Point is the alarm's point as given.
	Point orb.Point
	// Place is where it lies; empty when the point is not a number.
	Place Place
	// Building is the ID of the building (InBuilding) or of the water
	// (InWater) the point is in.
	Building string
	// Via says how the spots of a point in a building were found:
	// ViaEntrances or ViaOutline.
	Via string
	// Access is the ID of the access point at the point: the gate or door
	// (AtAccess), or one standing on open ground (Outdoors).
	Access string
	// Spots are the places to go to. Empty when none can be reached (a
	// building shut in by others, bad input).
	Spots []Spot
	// Cameras are the cameras that see a spot, best pixel density
	// first (then by ID), each once, with the spot it sees best.
	Cameras []Watch
	// Equipment is the fire equipment nearest on foot, at most
	// RespondOptions.MaxEquipment pieces within MaxWalk, nearest first
	// (then by ID).
	Equipment []Nearby
	// Units are the units of RespondOptions.Units nearest on foot, at most
	// MaxUnits within MaxWalk, nearest first (then in the order given).
	Units []UnitWalk
}

// Spot is a place one can stand at to deal with an alarm: the point
// itself when outdoors, the ground outside a door, one side of a gate.
type Spot struct {
	At orb.Point
	// Access is the ID of the access point the spot is at, if any.
	Access string
	// Offset is the straight distance from At to the alarm's point,
	// metres: the way in from the door, for a point in a building. Walks
	// to the spot count it.
	Offset float64
}

// Watch is a camera that sees a spot.
type Watch struct {
	Sight
	// Spot is the index in Response.Spots of the spot it sees.
	Spot int
	// At is the point of the spot's ground where the camera gives the
	// pixel density of the Sight.
	At orb.Point
}

// Nearby is a piece of fire equipment within walking distance.
type Nearby struct {
	ID   string
	Kind string
	At   orb.Point
	// Walk is the walking distance from the equipment to the spot plus
	// the spot's Offset, metres.
	Walk float64
	// Spot is the index in Response.Spots of the spot walked to.
	Spot int
}

// UnitWalk is how far a unit has to walk.
type UnitWalk struct {
	// Unit is the index in RespondOptions.Units.
	Unit int
	// Walk is the walking distance to the nearest spot plus its Offset,
	// metres.
	Walk float64
	// Spot is the index in Response.Spots of the spot walked to.
	Spot int
}

// access is a checked access point and what it opens.
type access struct {
	Access
	open     bool      // an opening in a wall or fence, passed either way
	building int       // the footprint whose door it is, else -1
	centre   orb.Point // the middle of the opening, or the door on the outline
	along    orb.Point // unit vector along the wall or outline
	out      orb.Point // for a door: unit normal out of the building
	width    float64   // of the opening, metres
}

// door is where a footpath meets a building's outline.
type door struct {
	at, out orb.Point // on the outline; unit normal out of the building
}

// patch is a Spot and the ground cameras must see for it.
type patch struct {
	Spot
	ground []orb.Point
}

// computeAccess checks the access points and works out what each opens.
func (m *Model) computeAccess(as []Access) {
	m.entrances = make([][]int32, len(m.sight.Footprints()))
	walls := m.walk.Obstacles().Walls()
	seen := map[string]bool{}
	for _, a := range as {
		bad := func(msg string) {
			m.problems = append(m.problems, Problem{Kind: "access point", ID: a.ID, Msg: msg, Skipped: true})
		}
		switch {
		case seen[a.ID]:
			bad("another access point has the same ID")
			continue
		case badNumber(a.At[0], a.At[1]):
			bad("position is not a number")
			continue
		}
		seen[a.ID] = true
		k := &access{Access: a, building: -1, centre: a.At}
		if q, u, d, ok := nearestLine(walls, a.At); ok && d <= onLine {
			k.open, k.centre, k.along, k.width = true, q, u, lineGate
		} else if c, u, w, ok := gap(walls, a.At); ok {
			k.open, k.centre, k.along, k.width = true, c, u, w
		} else if i, q, n, ok := m.door(a.At); ok {
			k.building, k.centre, k.out, k.width = i, q, n, doorWidth
			k.along = orb.Point{-n[1], n[0]}
			m.entrances[i] = append(m.entrances[i], int32(len(m.access)))
		}
		m.access = append(m.access, k)
	}
	m.computePaths()
}

// computePaths finds the doors footpaths lead to: the ends of roads that
// carry no vehicles on a building's outline or up to pathSnap from it.
func (m *Model) computePaths() {
	m.paths = make([][]door, len(m.sight.Footprints()))
	for _, r := range m.roads {
		if r.Vehicle || len(r.Line) < 2 {
			continue
		}
		for _, p := range []orb.Point{r.Line[0], r.Line[len(r.Line)-1]} {
			if badNumber(p[0], p[1]) {
				continue
			}
			i, q, n, ok := m.door(p)
			if !ok || (m.sight.Inside(p) < 0 && dist(p, q) > pathSnap) {
				continue
			}
			dup := false
			for _, d := range m.paths[i] {
				dup = dup || dist(d.at, q) < 2
			}
			if !dup {
				m.paths[i] = append(m.paths[i], door{q, n})
			}
		}
	}
}

// nearestLine returns the point of lines nearest to p, the unit vector
// along the segment there and the distance; ok is false without lines.
func nearestLine(lines []orb.LineString, p orb.Point) (q, u orb.Point, d float64, ok bool) {
	best := math.Inf(1)
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			if d2 := planar.DistanceFromSegmentSquared(l[i], l[i+1], p); d2 < best {
				best = d2
				q, _ = onSegment(l[i], l[i+1], p)
				u = unit(sub(l[i+1], l[i]))
			}
		}
	}
	return q, u, math.Sqrt(best), !math.IsInf(best, 1)
}

// onSegment returns the point of segment ab nearest to p and its
// parameter along ab in [0, 1].
func onSegment(a, b, p orb.Point) (orb.Point, float64) {
	ab := sub(b, a)
	t := 0.0
	if l2 := ab[0]*ab[0] + ab[1]*ab[1]; l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*ab[0]+(p[1]-a[1])*ab[1])/l2))
	}
	return orb.Point{a[0] + t*ab[0], a[1] + t*ab[1]}, t
}

// gap finds the opening p stands in: two ends of walls or fences at most
// maxGap apart with p between them, at most gapSnap from the line that
// joins them. It returns the point of that line nearest to p, the unit
// vector along it and its length.
func gap(walls []orb.LineString, p orb.Point) (c, u orb.Point, width float64, ok bool) {
	var ends []orb.Point
	for _, l := range walls {
		if len(l) < 2 || l[0] == l[len(l)-1] {
			continue
		}
		for _, e := range []orb.Point{l[0], l[len(l)-1]} {
			if dist(e, p) <= maxGap {
				ends = append(ends, e)
			}
		}
	}
	bestOff, bestW := math.Inf(1), math.Inf(1)
	for i := range ends {
		for j := i + 1; j < len(ends); j++ {
			a, b := ends[i], ends[j]
			w := dist(a, b)
			if w < 0.5 || w > maxGap {
				continue
			}
			q, t := onSegment(a, b, p)
			off := dist(q, p)
			if t <= 0 || t >= 1 || off > gapSnap {
				continue
			}
			if off < bestOff-1e-9 || (off < bestOff+1e-9 && w < bestW) {
				bestOff, bestW = off, w
				c, u, width, ok = q, unit(sub(b, a)), w, true
			}
		}
	}
	return c, u, width, ok
}

// door returns the building whose outline p is on or next to (within
// doorSnap, inside or out), the point of that outline nearest to p and the
// outline's normal out of the building there.
func (m *Model) door(p orb.Point) (foot int, q, out orb.Point, ok bool) {
	if i := m.sight.Inside(p); i >= 0 {
		best := math.Inf(1)
		for _, r := range m.sight.Footprints()[i] {
			for k := 0; k+1 < len(r); k++ {
				if c, _ := onSegment(r[k], r[k+1], p); dist(c, p) < best {
					best, q = dist(c, p), c
					e := unit(sub(r[k+1], r[k]))
					out = orb.Point{e[1], -e[0]} // right of the edge: out of a CCW ring, into a hole
				}
			}
		}
		return i, q, out, best <= doorSnap
	}
	q, n, f, _, found := m.sight.Nearest(p, doorSnap)
	if !found || f < 0 {
		return -1, q, out, false
	}
	return f, q, n, true
}

// accessNear returns the access point nearest to p within r metres, or nil.
func (m *Model) accessNear(p orb.Point, r float64) *access {
	var best *access
	bd := r
	for _, a := range m.access {
		if d := dist(a.At, p); d <= bd {
			best, bd = a, d
		}
	}
	return best
}

// Respond resolves an alarm at q (metres) to the places people and
// cameras can reach, and finds what reaches them:
//
//   - in a building: its entrances (access points on its outline); when
//     the data has none, where footpaths end at its outline; when there
//     are none either, the nearest points of its outline one can stand at
//     outside (Via says which). A walk counts the straight way in from the
//     door (Spot.Offset);
//   - at a gate, door or barrier in a wall or fence (an access point
//     within opt.Snap of q): the ground either side of the opening, and q;
//   - outdoors: q itself.
//
// It lists the cameras that see the spots (for an entrance or an
// opening, any of the ground opt.Apron deep in front of it), and the fire
// equipment and the units (opt.Units) nearest on foot. On the demo
// community (180 buildings, on a busy machine) an alarm takes under a
// millisecond on average; three patrol units a few hundred metres off add
// some 10 to 20 ms, as a walk that long looks over most of the community
// from the spots and the units. The first call builds the walking graph
// (see PrepareRespond). A
// point that is not a number gives a Response with no Place and nothing
// in it.
//
// Respond is safe for concurrent use with the model's other methods: it
// reads the cameras under the model's read lock; the equipment, access
// points and walking map it also reads are fixed by New.
func (m *Model) Respond(q orb.Point, opt RespondOptions) Response {
	r := Response{Point: q}
	if badNumber(q[0], q[1]) {
		return r
	}
	opt = opt.withDefaults()
	obs := m.walk.Obstacles()
	inside := obs.Inside(q)
	a := m.accessNear(q, opt.Snap)
	var ts []patch
	switch {
	case a != nil && (a.open || a.building >= 0) && (inside < 0 || dist(q, a.At) <= onLine):
		r.Place, r.Access = AtAccess, a.ID
		if inside < 0 {
			ts = append(ts, patch{Spot{At: q}, []orb.Point{q}})
		}
		ts = append(ts, m.accessSpots(a, q, opt.Apron)...)
	case inside >= 0 && obs.Source(inside) < len(m.buildings):
		b := obs.Source(inside)
		r.Place, r.Building, r.Via = InBuilding, m.buildings[b], ViaEntrances
		for _, i := range m.entrances[b] {
			ts = append(ts, m.accessSpots(m.access[i], q, opt.Apron)...)
		}
		if len(ts) == 0 {
			r.Via = ViaPaths
			for _, d := range m.paths[b] {
				if t, ok := m.side(d.at, d.out, orb.Point{-d.out[1], d.out[0]}, doorWidth, standDoor, opt.Apron, q); ok {
					ts = append(ts, t)
				}
			}
		}
		if len(ts) == 0 {
			r.Via = ViaOutline
			ts = m.outlineSpots(obs.Footprints()[inside], q, opt.Apron)
		}
	case inside >= 0:
		r.Place, r.Building = InWater, m.walkIDs[inside]
		ts = m.outlineSpots(obs.Footprints()[inside], q, opt.Apron)
	default:
		r.Place = Outdoors
		if a != nil {
			r.Access = a.ID
		}
		ts = []patch{{Spot{At: q}, []orb.Point{q}}}
	}
	for _, t := range ts {
		r.Spots = append(r.Spots, t.Spot)
	}
	r.Cameras = m.watching(ts)

	_, at := m.walkGraph()
	var eq []*equip
	var dsts []walk.Anchor
	for i, e := range m.equipment {
		if opt.Kinds == nil || slices.Contains(opt.Kinds, e.Kind) {
			eq = append(eq, e)
			dsts = append(dsts, at[i])
		}
	}
	ds, via := m.walkTo(r.Spots, dsts, nil, opt.MaxWalk, opt.MaxEquipment)
	for i, e := range eq {
		if !math.IsInf(ds[i], 1) {
			r.Equipment = append(r.Equipment, Nearby{ID: e.ID, Kind: e.Kind, At: e.At, Walk: ds[i], Spot: via[i]})
		}
	}
	slices.SortFunc(r.Equipment, func(a, b Nearby) int {
		if c := cmp.Compare(a.Walk, b.Walk); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(r.Equipment) > opt.MaxEquipment {
		r.Equipment = r.Equipment[:opt.MaxEquipment]
	}

	var units []orb.Point
	var index []int
	for i, u := range opt.Units {
		if !badNumber(u[0], u[1]) {
			units, index = append(units, m.standOff(u)), append(index, i)
		}
	}
	if len(units) > 0 {
		ds, via := m.walkTo(r.Spots, nil, units, opt.MaxWalk, opt.MaxUnits)
		for k, i := range index {
			if !math.IsInf(ds[k], 1) {
				r.Units = append(r.Units, UnitWalk{Unit: i, Walk: ds[k], Spot: via[k]})
			}
		}
		slices.SortStableFunc(r.Units, func(a, b UnitWalk) int { return cmp.Compare(a.Walk, b.Walk) })
		if len(r.Units) > opt.MaxUnits {
			r.Units = r.Units[:opt.MaxUnits]
		}
	}
	return r
}

// WalkTo returns the walking distance in metres from p to the nearest of
// r's spots plus that spot's Offset, and the spot's index; +Inf and
// -1 when it is further than limit metres (at most 100 km). It lets a
// caller measure the walk of a unit that reports after Respond; it is
// safe for concurrent use.
func (m *Model) WalkTo(r Response, p orb.Point, limit float64) (float64, int) {
	if badNumber(p[0], p[1]) || !(limit > 0) {
		return math.Inf(1), -1
	}
	limit = min(limit, 1e5)
	ds, via := m.walkTo(r.Spots, nil, []orb.Point{m.standOff(p)}, limit, 1)
	return ds[0], via[0]
}

// accessSpots returns the spots of access point a for an alarm at q:
// either side of an opening, the outside of a door.
func (m *Model) accessSpots(a *access, q orb.Point, apron float64) []patch {
	var out []patch
	if a.open {
		n := orb.Point{-a.along[1], a.along[0]}
		for _, side := range []float64{1, -1} {
			if t, ok := m.side(a.centre, scale(n, side), a.along, a.width, standGate, apron, q); ok {
				t.Access = a.ID
				out = append(out, t)
			}
		}
		return out
	}
	if t, ok := m.side(a.centre, a.out, a.along, a.width, standDoor, apron, q); ok {
		t.Access = a.ID
		out = append(out, t)
	}
	return out
}

// side returns the spot in front of the outline point c, on the side of
// its unit normal n (along u, w wide): where one stands, stand metres out
// (further if that is taken), and the ground seen from there up to apron
// metres out. ok is false when nobody can stand there.
func (m *Model) side(c, n, u orb.Point, w, stand, apron float64, q orb.Point) (patch, bool) {
	var at orb.Point
	ok := false
	for _, d := range []float64{stand, 2 * stand, 4 * stand} {
		if p := add(c, scale(n, d)); m.standable(p) {
			at, ok = p, true
			break
		}
	}
	if !ok {
		return patch{}, false
	}
	t := patch{Spot: Spot{At: at, Offset: dist(at, q)}}
	across := []float64{0}
	if w > 3 {
		k := min(5, int(math.Ceil(w/4))+1)
		across = across[:0]
		for i := 0; i < k; i++ {
			across = append(across, -w/2+0.5+(w-1)*float64(i)/float64(k-1))
		}
	}
	// The ground one sees from where one stands: not behind a wall or in
	// the next building.
	v := m.sight.View(at, visibility.All, apron+w)
	for i := 0; i <= 4; i++ {
		d := stand + (apron-stand)*float64(i)/4
		for _, s := range across {
			if p := add(add(c, scale(n, d)), scale(u, s)); v.Contains(p) {
				t.ground = append(t.ground, p)
			}
		}
	}
	return t, true
}

// outlineSpots returns the points of poly's outer ring nearest to q
// that one can stand at outside: the nearest, and the others about as near
// (up to maxSides), at least 2 m apart.
func (m *Model) outlineSpots(poly orb.Polygon, q orb.Point, apron float64) []patch {
	if len(poly) == 0 {
		return nil
	}
	type cand struct {
		p, n orb.Point
		d    float64
	}
	var cs []cand
	r := poly[0]
	for k := 0; k+1 < len(r); k++ {
		p, _ := onSegment(r[k], r[k+1], q)
		e := unit(sub(r[k+1], r[k]))
		n := orb.Point{e[1], -e[0]} // out of the CCW outer ring
		d := dist(p, q)
		if d > 1e-6 {
			n = scale(sub(p, q), 1/d)
		}
		if m.standable(add(p, scale(n, standDoor))) {
			cs = append(cs, cand{p, n, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmp.Compare(a.d, b.d) })
	var out []patch
	for _, c := range cs {
		if len(out) == maxSides || c.d > cs[0].d+max(2, cs[0].d/2) {
			break
		}
		far := true
		for _, t := range out {
			far = far && dist(add(c.p, scale(c.n, standDoor)), t.At) >= 2
		}
		if !far {
			continue
		}
		if t, ok := m.side(c.p, c.n, orb.Point{-c.n[1], c.n[0]}, doorWidth, standDoor, apron, q); ok {
			out = append(out, t)
		}
	}
	return out
}

// standable reports whether someone can stand at p: outside every
// building and water, a little clear of every outline.
func (m *Model) standable(p orb.Point) bool {
	obs := m.walk.Obstacles()
	if obs.Inside(p) >= 0 {
		return false
	}
	_, _, _, _, near := obs.Nearest(p, standDoor*0.6)
	return !near
}

// standOff returns p, or, when p is inside a building or water up to 5 m
// from its edge, the point just outside that edge.
func (m *Model) standOff(p orb.Point) orb.Point {
	obs := m.walk.Obstacles()
	if obs.Inside(p) < 0 {
		return p
	}
	q, n, _, d, ok := obs.Nearest(p, 5)
	if !ok {
		return p
	}
	return push(q, p, n, d)
}

// watching returns the cameras that see any of the spots' ground, each
// once with its best pixel density, best first.
func (m *Model) watching(ts []patch) []Watch {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Watch
	at := map[string]int{}
	for ti, t := range ts {
		for _, p := range t.ground {
			m.seeing(p, func(s Sight) {
				if j, ok := at[s.Camera]; ok {
					if s.PPM > out[j].PPM {
						out[j] = Watch{s, ti, p}
					}
					return
				}
				at[s.Camera] = len(out)
				out = append(out, Watch{s, ti, p})
			})
		}
	}
	slices.SortStableFunc(out, func(a, b Watch) int { return bySight(a.Sight, b.Sight) })
	return out
}

// walkTo returns for each destination (the anchors fixed, else the
// points pts) the least, over the spots, of the spot's Offset plus the
// walking distance from the spot, if at most limit (else +Inf), and that
// spot's index (else -1). It finds the need nearest exactly and stops
// there; the others may be left at +Inf or at a longer walk.
//
// A view costs what lies within its range, so the spots (and pts) are
// joined to the graph for short walks first (32 m, or a quarter more than
// the straight way to the need-th nearest of pts), then twice as far each
// time fewer than need destinations are found: every walk up to the range
// is found exactly.
func (m *Model) walkTo(ts []Spot, fixed []walk.Anchor, pts []orb.Point, limit float64, need int) ([]float64, []int) {
	g, _ := m.walkGraph()
	n := len(fixed)
	if fixed == nil {
		n = len(pts)
	}
	need = min(need, n)
	srcs := make([]walk.Anchor, len(ts))
	start := make([]float64, len(ts))
	dsts := fixed
	// A walk is never shorter than the straight line: look as far as the
	// need-th nearest point in a straight line, and a little more.
	r0 := 32.0
	if fixed == nil && need > 0 {
		straight := make([]float64, len(pts))
		for i, p := range pts {
			straight[i] = math.Inf(1)
			for _, t := range ts {
				straight[i] = min(straight[i], t.Offset+dist(t.At, p))
			}
		}
		slices.Sort(straight)
		r0 = max(r0, 1.25*straight[need-1])
	}
	for r := min(r0, limit); ; r = min(2*r, limit) {
		for i, t := range ts {
			srcs[i], start[i] = walk.Anchor{}, t.Offset
			if t.Offset < r {
				srcs[i] = g.Anchor(t.At, r-t.Offset)
			}
		}
		if fixed == nil {
			dsts = make([]walk.Anchor, len(pts))
			for i, p := range pts {
				dsts[i] = g.Anchor(p, r)
			}
		}
		ds, via := g.Distances(srcs, start, dsts, r, need)
		found := 0
		for _, d := range ds {
			if !math.IsInf(d, 1) {
				found++
			}
		}
		if found >= need || r >= limit {
			return ds, via
		}
	}
}

// PrepareRespond builds what Respond and WalkTo walk on (the visibility
// graph of the walking map's corners and the equipment's place in it),
// which they otherwise build on first use: about a second for the demo
// community on a busy machine. Call it in the background once the model
// is made, so that the first alarm is answered at once. Safe for
// concurrent use; later calls return at once.
func (m *Model) PrepareRespond() { m.walkGraph() }

// walkGraph returns the visibility graph of the walking map and the
// equipment's anchors in it, building them on first use.
func (m *Model) walkGraph() (*walk.Graph, []walk.Anchor) {
	m.graphOnce.Do(func() {
		m.graph = walk.NewGraph(m.walk, m.opt.Workers)
		m.equipAt = make([]walk.Anchor, len(m.equipment))
		parallel(m.opt.Workers, len(m.equipment), func(i int, _ *grid.Filler) {
			m.equipAt[i] = m.graph.Anchor(m.equipment[i].At, 0)
		})
	})
	return m.graph, m.equipAt
}

// Aim returns a point of open ground that camera id sees, as near as can
// be to where its axis meets the ground (its heading, at the distance its
// tilt and height give, kept between its blind zone and the end of its
// image): the place of an alarm from the camera's video analytics, metres.
// ok is false for an unknown camera, one not counted (offline) or one
// that sees no open ground. Safe for concurrent use.
func (m *Model) Aim(id string) (orb.Point, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	k := m.cam(id)
	if k == nil || k.view == nil || k.blind >= k.reach {
		return orb.Point{}, false
	}
	lo, hi := k.blind+0.5, k.reach-0.5
	if lo > hi {
		lo, hi = (k.blind+k.reach)/2, (k.blind+k.reach)/2
	}
	d0 := (lo + hi) / 2
	if k.Tilt > 0 && k.Height > 0 {
		d0 = math.Max(lo, math.Min(hi, k.Height/math.Tan(k.Tilt*math.Pi/180)))
	}
	obs := m.walk.Obstacles()
	for _, turn := range []float64{0, -0.125, 0.125, -0.25, 0.25, -0.375, 0.375, -0.45, 0.45} {
		s, c := math.Sincos((k.Heading + turn*k.hfov) * math.Pi / 180)
		for step := 0.0; d0-step >= lo || d0+step <= hi; step++ {
			for _, d := range []float64{d0 - step, d0 + step} {
				if d < lo || d > hi {
					continue
				}
				p := orb.Point{k.At[0] + d*s, k.At[1] + d*c}
				if lv, _, _ := k.level(p); lv >= 0 && obs.Inside(p) < 0 {
					return p, true
				}
			}
		}
	}
	return orb.Point{}, false
}

func dist(a, b orb.Point) float64            { return math.Hypot(a[0]-b[0], a[1]-b[1]) }
func sub(a, b orb.Point) orb.Point           { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func add(a, b orb.Point) orb.Point           { return orb.Point{a[0] + b[0], a[1] + b[1]} }
func scale(a orb.Point, k float64) orb.Point { return orb.Point{a[0] * k, a[1] * k} }
func unit(a orb.Point) orb.Point {
	l := math.Hypot(a[0], a[1])
	if l < 1e-12 {
		return orb.Point{}
	}
	return orb.Point{a[0] / l, a[1] / l}
}

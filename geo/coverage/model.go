package coverage

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"safetynet/geo/dori"
	"safetynet/geo/grid"
	"safetynet/geo/visibility"
	"safetynet/geo/walk"
)

// maxCells bounds the raster: 64 million cells (a 4 km square at 0.5 m).
const maxCells = 1 << 26

// bucketSize is the side of a bucket of the camera index, metres.
const bucketSize = 32.0

// Model is the coverage of one scene, kept up to date as cameras are
// added, moved and removed.
//
// A Model is safe for concurrent use: queries (Seeing, Respond, KeyAreas,
// Zones, ...) take a read lock and may run together; SetCamera and
// RemoveCamera take the write lock.
type Model struct {
	mu sync.RWMutex

	opt       Options
	g         grid.Grid
	sight     *visibility.Obstacles // buildings and walls
	walk      *walk.Map             // buildings, walls and water
	buildings []string              // IDs of the scene's buildings
	ground    grid.Mask             // cells outside every building
	water     grid.Mask             // cells in water
	site      grid.Mask             // cells of the site; nil: all
	roads     []Road

	cams     []*cam // nil where removed
	camIndex map[string]int
	camCount []uint16 // cameras covering each cell at any level

	bcols, brows int
	buckets      [][]int32 // cameras whose view meets each bucket

	areas    []area
	keyRows  [][]keySpan // per row
	slots    int
	slotCell []int32
	slotCam  []uint16 // cameras giving the slot's required level

	patrols    []*route
	patrolMask grid.Mask
	slotRounds []float32

	equipment []*equip
	extMask   grid.Mask
	hydMask   grid.Mask

	access    []*access // fixed by New
	entrances [][]int32 // per building footprint, its access points
	paths     [][]door  // per building footprint, where footpaths meet it
	walkIDs   []string  // ID of each footprint of the walking map

	graphOnce sync.Once     // builds graph and equipAt on first use
	graph     *walk.Graph   // of the walking map's corners
	equipAt   []walk.Anchor // of each piece of equipment in graph

	problems []Problem
	cellNote string // why the cell size was chosen larger than the default
	bare     bool   // nothing to cover: the raster is only padding
}

// area is a key area on the raster.
type area struct {
	KeyArea
	req   int // index of the required level
	slot0 int // first slot
	slots int
}

// keySpan is a run of cells [c0, c1) of a row inside key area a, whose
// slots are slot .. slot+c1-c0-1.
type keySpan struct {
	c0, c1 int32
	slot   int32
	area   int32
	req    int8
}

// New computes the coverage of s. It returns an error only for options it
// cannot use; problems with single features are in Problems, and those
// features are left out.
func New(s Scene, opt Options) (*Model, error) {
	auto := opt.Cell == 0
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	m := &Model{opt: opt, camIndex: map[string]int{}}
	if opt.Workers <= 0 {
		m.opt.Workers = runtime.GOMAXPROCS(0)
	}

	var foot []orb.Polygon
	for _, b := range s.Buildings {
		foot = append(foot, b.Footprint)
	}
	var walls, fences []orb.LineString
	for _, w := range s.Walls {
		if w.SeeThrough {
			fences = append(fences, w.Line)
		} else {
			walls = append(walls, w.Line)
		}
	}
	m.sight = visibility.New(foot, walls)
	for i := range m.sight.Footprints() {
		m.buildings = append(m.buildings, s.Buildings[m.sight.Source(i)].ID)
	}
	if n := len(m.buildings); n < len(s.Buildings) {
		kept := map[int]bool{}
		for i := range m.sight.Footprints() {
			kept[m.sight.Source(i)] = true
		}
		for i, b := range s.Buildings {
			if !kept[i] {
				m.problems = append(m.problems, Problem{Kind: "building", ID: b.ID, Msg: "footprint has fewer than 3 distinct corners", Skipped: true})
			}
		}
	}
	// The walking map thins footprints of absurdly many points (a
	// scanned outline, a circle of a million corners) to within a tenth
	// of a cell: walks change by less than the raster resolves, and
	// walking stays fast whatever the detail.
	var walkFoot []orb.Polygon
	for _, p := range m.sight.Footprints() {
		walkFoot = append(walkFoot, walk.Simplify(p, opt.Cell/10))
	}
	for _, w := range s.Water {
		walkFoot = append(walkFoot, walk.Simplify(w.Area, opt.Cell/10))
	}
	m.walk = walk.New(visibility.New(walkFoot, append(walls, fences...)))
	for i := range m.walk.Obstacles().Footprints() {
		if k := m.walk.Obstacles().Source(i); k < len(m.buildings) {
			m.walkIDs = append(m.walkIDs, m.buildings[k])
		} else {
			m.walkIDs = append(m.walkIDs, s.Water[k-len(m.buildings)].ID)
		}
	}
	m.roads = s.Roads

	m.g, m.cellNote, err = extent(s, opt, auto)
	if err != nil {
		return nil, err
	}
	m.opt.Cell = m.g.Cell
	m.bare = len(s.Cameras) == 0 && len(s.KeyAreas) == 0 && len(s.Patrols) == 0 && len(s.Equipment) == 0 && len(s.Site) == 0
	m.computeAccess(s.Access)
	m.rasterObstacles(s)
	m.rasterAreas(s.KeyAreas)

	// Cameras: checked in order, seen in parallel, counted in order.
	var ks []*cam
	for _, c := range s.Cameras {
		if _, dup := m.camIndex[c.ID]; dup {
			m.problems = append(m.problems, Problem{Kind: "camera", ID: c.ID, Msg: "another camera has the same ID", Skipped: true})
			continue
		}
		k, probs := m.check(c)
		m.problems = append(m.problems, probs...)
		if k == nil {
			continue
		}
		m.camIndex[c.ID] = len(m.cams)
		m.cams = append(m.cams, k)
		if c.Offline && !opt.IncludeOffline {
			continue
		}
		ks = append(ks, k)
	}
	parallel(m.opt.Workers, len(ks), func(i int, f *grid.Filler) { m.see(ks[i], f) })
	m.bcols = int(math.Ceil(float64(m.g.Cols)*m.g.Cell/bucketSize)) + 1
	m.brows = int(math.Ceil(float64(m.g.Rows)*m.g.Cell/bucketSize)) + 1
	m.buckets = make([][]int32, m.bcols*m.brows)
	m.camCount = make([]uint16, m.g.Len())
	for i, k := range m.cams {
		if k.view != nil {
			m.apply(k, 1)
			m.index(int32(i), k, true)
		}
	}

	m.computePatrols(s.Patrols)
	m.computeEquipment(s.Equipment)
	return m, nil
}

// parallel calls fn for 0..n-1 on the given number of goroutines, each
// with its own Filler.
func parallel(workers, n int, fn func(i int, f *grid.Filler)) {
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var f grid.Filler
			for i := range next {
				fn(i, &f)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// extent returns the raster over everything that can be covered. With
// auto, a cell larger than opt.Cell is chosen when opt.Cell would give
// too many cells, and note says why.
func extent(s Scene, opt Options, auto bool) (g grid.Grid, note string, err error) {
	var b orb.Bound
	first := true
	add := func(bb orb.Bound) {
		if badNumber(bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1]) {
			return
		}
		if first {
			b, first = bb, false
		} else {
			b = b.Union(bb)
		}
	}
	for _, c := range s.Cameras {
		r := c.Range
		if !(r > 0) || r > 300 {
			r = 300
		}
		add(orb.Bound{Min: c.At, Max: c.At}.Pad(r))
	}
	for _, a := range s.KeyAreas {
		if len(a.Area) > 0 && len(a.Area[0]) > 0 {
			add(a.Area.Bound())
		}
	}
	for _, p := range s.Patrols {
		if len(p.Line) > 0 {
			add(p.Line.Bound().Pad(opt.Sight))
		}
	}
	for _, e := range s.Equipment {
		pad := 0.0
		if r, err := opt.Fire.Reach(e.Kind, e.Rating, e.Hazard); err == nil && e.Kind != "hydrant" {
			pad = r
		}
		add(orb.Bound{Min: e.At, Max: e.At}.Pad(pad))
	}
	if len(s.Site) > 0 {
		add(s.Site.Bound())
	}
	if first {
		b = orb.Bound{}
	}
	b = b.Pad(2)
	g = grid.Cover(b, opt.Cell)
	if g.Len() > maxCells && auto {
		if c := autoCell(b); c > opt.Cell {
			note = fmt.Sprintf("cell %g m chosen for an extent of %s x %s (%g m cells would be %d, more than %d)",
				c, span(b.Max[0]-b.Min[0]), span(b.Max[1]-b.Min[1]), opt.Cell, g.Len(), maxCells)
			g = grid.Cover(b, c)
		}
	}
	if g.Len() > maxCells {
		return g, "", fmt.Errorf("coverage: the cameras, key areas, patrols and fire equipment spread over %s x %s, %d cells of %g m, more than %d: "+
			"keep one community per GeoPackage (put places far apart in files of their own), or use larger cells",
			span(b.Max[0]-b.Min[0]), span(b.Max[1]-b.Min[1]), g.Len(), g.Cell, maxCells)
	}
	return g, note, nil
}

// autoCell returns the smallest round cell size (1, 2, 2.5 or 5 m times
// a power of ten) at which b needs no more than maxCells cells.
func autoCell(b orb.Bound) float64 {
	for e := 0.0; e < 6; e++ {
		for _, m := range []float64{1, 2, 2.5, 5} {
			c := m * math.Pow(10, e)
			if grid.Cover(b, c).Len() <= maxCells {
				return c
			}
		}
	}
	return 1e6
}

// CellNote says why the model chose a cell larger than the default for
// the extent; "" when it did not (Options.Cell 0 and a small extent, or
// a size given).
func (m *Model) CellNote() string { return m.cellNote }

// span writes a length in metres for a message: "850 m", "12 km".
func span(m float64) string {
	if m < 10000 {
		return fmt.Sprintf("%.0f m", m)
	}
	return fmt.Sprintf("%.0f km", m/1000)
}

// rasterObstacles marks building, water and site cells.
func (m *Model) rasterObstacles(s Scene) {
	g := m.g
	var f grid.Filler
	m.ground = grid.NewMask(g)
	m.ground.SetRange(0, g.Len())
	for _, p := range m.sight.Footprints() {
		f.Fill(g, p, func(row, c0, c1 int) {
			for c := c0; c < c1; c++ {
				i := row*g.Cols + c
				m.ground[i>>6] &^= 1 << (uint(i) & 63)
			}
		})
	}
	m.water = grid.NewMask(g)
	for _, w := range s.Water {
		f.Fill(g, w.Area, func(row, c0, c1 int) { m.water.SetRange(row*g.Cols+c0, row*g.Cols+c1) })
	}
	if len(s.Site) > 0 {
		m.site = grid.NewMask(g)
		for _, p := range s.Site {
			f.Fill(g, p, func(row, c0, c1 int) { m.site.SetRange(row*g.Cols+c0, row*g.Cols+c1) })
		}
	}
}

// rasterAreas lays the key areas on the raster: one slot per ground cell
// of each area.
func (m *Model) rasterAreas(areas []KeyArea) {
	g := m.g
	var f grid.Filler
	m.keyRows = make([][]keySpan, g.Rows)
	seen := map[string]bool{}
	for _, a := range areas {
		bad := func(msg string) {
			m.problems = append(m.problems, Problem{Kind: "key area", ID: a.ID, Msg: msg, Skipped: true})
		}
		switch {
		case seen[a.ID]:
			bad("another key area has the same ID")
			continue
		case len(a.Area) == 0 || len(a.Area[0]) < 3:
			bad("outline has fewer than 3 corners")
			continue
		}
		seen[a.ID] = true
		req, err := m.opt.Levels.Index(a.Level)
		if err != nil {
			req = 0
			m.problems = append(m.problems, Problem{Kind: "key area", ID: a.ID, Msg: fmt.Sprintf("%v; counted at %s", err, m.opt.Levels[0].Name)})
		}
		ar := area{KeyArea: a, req: req, slot0: m.slots}
		ai := int32(len(m.areas))
		f.Fill(g, a.Area, func(row, c0, c1 int) {
			base := row * g.Cols
			for c := c0; c < c1; {
				for c < c1 && !m.ground.Has(base+c) {
					c++
				}
				s := c
				for c < c1 && m.ground.Has(base+c) {
					c++
				}
				if c > s {
					m.keyRows[row] = append(m.keyRows[row], keySpan{int32(s), int32(c), int32(m.slots), ai, int8(req)})
					for k := s; k < c; k++ {
						m.slotCell = append(m.slotCell, int32(base+k))
					}
					m.slots += c - s
				}
			}
		})
		ar.slots = m.slots - ar.slot0
		m.areas = append(m.areas, ar)
	}
	m.slotCam = make([]uint16, m.slots)
}

// apply adds (sign 1) or takes away (sign -1) a camera's cells.
func (m *Model) apply(k *cam, sign int) {
	cols := m.g.Cols
	d := uint16(sign) // wraps to subtract
	for _, r := range k.runs {
		base := int(r.row) * cols
		cc := m.camCount[base+int(r.c0) : base+int(r.c1)]
		for i := range cc {
			cc[i] += d
		}
		for _, s := range m.keyRows[r.row] {
			if r.level < s.req {
				continue
			}
			lo, hi := max(r.c0, s.c0), min(r.c1, s.c1)
			for c := lo; c < hi; c++ {
				m.slotCam[s.slot+c-s.c0] += d
			}
		}
	}
}

// index adds or removes camera i in the buckets its view meets.
func (m *Model) index(i int32, k *cam, add bool) {
	g := m.g
	cl := func(v float64, hi int) int { return max(0, min(hi, int(math.Floor(v)))) }
	c0 := cl((k.bound.Min[0]-g.X0)/bucketSize, m.bcols-1)
	c1 := cl((k.bound.Max[0]-g.X0)/bucketSize, m.bcols-1)
	r0 := cl((k.bound.Min[1]-g.Y0)/bucketSize, m.brows-1)
	r1 := cl((k.bound.Max[1]-g.Y0)/bucketSize, m.brows-1)
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			b := &m.buckets[r*m.bcols+c]
			if add {
				*b = append(*b, i)
			} else if j := slices.Index(*b, i); j >= 0 {
				*b = slices.Delete(*b, j, j+1)
			}
		}
	}
}

// BuildingID returns the ID of the building whose footprint is
// Obstacles().Footprints()[i].
func (m *Model) BuildingID(i int) string { return m.buildingID(i) }

// buildingID returns the ID of footprint i of the sight obstacles.
func (m *Model) buildingID(i int) string {
	if i >= 0 && i < len(m.buildings) {
		return m.buildings[i]
	}
	return fmt.Sprint(i)
}

// SetCamera adds c, or replaces the camera with the same ID (moved,
// turned, another lens), and updates the coverage: a fraction of a
// millisecond for a camera of ordinary range. A camera that cannot be
// used is refused with a Problem as the error, and the model is left as
// it was. Warnings about a camera that is used anyway (a mount moved onto
// a wall) are returned with a nil error.
//
// The raster is fixed by New (the scene's cameras and their ranges, key
// areas, routes and equipment, plus 2 m): ground a camera sees beyond it
// is not counted. Build a new model when cameras go far outside.
func (m *Model) SetCamera(c Camera) ([]Problem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, probs := m.check(c)
	if k == nil {
		return nil, probs[0]
	}
	if c.Offline && !m.opt.IncludeOffline {
		k.view = nil
	} else {
		var f grid.Filler
		m.see(k, &f)
	}
	i, ok := m.camIndex[c.ID]
	if ok {
		if old := m.cams[i]; old.view != nil {
			m.apply(old, -1)
			m.index(int32(i), old, false)
		}
		m.cams[i] = k
	} else {
		i = len(m.cams)
		m.camIndex[c.ID] = i
		m.cams = append(m.cams, k)
	}
	if k.view != nil {
		m.apply(k, 1)
		m.index(int32(i), k, true)
	}
	return probs, nil
}

// RemoveCamera takes the camera with the given ID out of the coverage and
// reports whether there was one.
func (m *Model) RemoveCamera(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.camIndex[id]
	if !ok {
		return false
	}
	if k := m.cams[i]; k.view != nil {
		m.apply(k, -1)
		m.index(int32(i), k, false)
	}
	m.cams[i] = nil
	delete(m.camIndex, id)
	return true
}

// Camera returns the camera with the given ID as it is counted: its mount
// moved off any wall, heading in [0, 360), HFOV and VFOV worked out.
func (m *Model) Camera(id string) (Camera, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	k := m.cam(id)
	if k == nil {
		return Camera{}, false
	}
	c := k.Camera
	c.HFOV, c.VFOV = k.hfov, k.vfov
	return c, true
}

func (m *Model) cam(id string) *cam {
	i, ok := m.camIndex[id]
	if !ok {
		return nil
	}
	return m.cams[i]
}

// CameraIDs returns the IDs of the cameras in the model, in the order
// they were added.
func (m *Model) CameraIDs() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var ids []string
	for _, k := range m.cams {
		if k != nil {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

// Problems returns the problems found with the scene's features, in the
// order of the scene. The caller may keep the slice.
func (m *Model) Problems() []Problem {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.problems)
}

// Grid returns the raster the model counts on.
func (m *Model) Grid() grid.Grid { return m.g }

// Levels returns the image-detail levels in use, lowest first.
func (m *Model) Levels() dori.Table { return slices.Clone(m.opt.Levels) }

// Obstacles returns what blocks sight: buildings, walls and fences.
func (m *Model) Obstacles() *visibility.Obstacles { return m.sight }

// Walk returns the walking map: buildings, walls, fences and water.
func (m *Model) Walk() *walk.Map { return m.walk }

// Roads returns the roads of the scene. The caller must not modify them.
func (m *Model) Roads() []Road { return m.roads }

// Sight is one camera that sees a point.
type Sight struct {
	Camera string
	// Distance is the horizontal distance from the mount, metres.
	Distance float64
	// PPM is the pixel density at the point, px/m.
	PPM float64
	// Level is the best image-detail level reached there.
	Level     string
	Estimated bool
}

// Seeing returns the cameras that see p (metres), best pixel density
// first (then by ID). It uses the model's spatial index and exact views:
// a few microseconds for a point seen by a handful of cameras.
func (m *Model) Seeing(p orb.Point) []Sight {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Sight
	m.seeing(p, func(s Sight) { out = append(out, s) })
	slices.SortFunc(out, bySight)
	return out
}

// seeing calls fn for each camera that sees p, in no order. The caller
// holds m.mu.
func (m *Model) seeing(p orb.Point, fn func(Sight)) {
	g := m.g
	c := int(math.Floor((p[0] - g.X0) / bucketSize))
	r := int(math.Floor((p[1] - g.Y0) / bucketSize))
	if c < 0 || r < 0 || c >= m.bcols || r >= m.brows || badNumber(p[0], p[1]) {
		return
	}
	for _, i := range m.buckets[r*m.bcols+c] {
		k := m.cams[i]
		lv, ppm, d := k.level(p)
		if lv < 0 {
			continue
		}
		fn(Sight{Camera: k.ID, Distance: d, PPM: ppm, Level: m.opt.Levels[lv].Name, Estimated: k.Estimated})
	}
}

// bySight orders sights best pixel density first, then by camera ID.
func bySight(a, b Sight) int {
	switch {
	case a.PPM > b.PPM:
		return -1
	case a.PPM < b.PPM:
		return 1
	case a.Camera < b.Camera:
		return -1
	case a.Camera > b.Camera:
		return 1
	}
	return 0
}

// Zone is the ground a camera sees at one image-detail level or better.
type Zone struct {
	Level dori.Level
	// Near and Far bound the zone's distance from the mount, metres: the
	// blind zone and the level's far edge (or the camera's range).
	Near, Far float64
	Area      orb.MultiPolygon
}

// Zones returns the camera's zones from the lowest level up: nested
// polygons, each its visibility polygon cut to the distances where the
// pixel density reaches the level and the ground is in the image. Levels
// it does not reach are left out. ok is false for an unknown camera.
func (m *Model) Zones(id string) (zones []Zone, ok bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	k := m.cam(id)
	if k == nil {
		return nil, false
	}
	return m.zones(k), true
}

// zones returns k's zones; see Zones.
func (m *Model) zones(k *cam) []Zone {
	if k.view == nil {
		return nil
	}
	var zones []Zone
	for i, l := range m.opt.Levels {
		far := math.Min(k.far[i], k.reach)
		if far <= k.blind {
			break
		}
		a := k.view.Clip(k.blind, far, m.opt.Tolerance)
		if len(a) == 0 {
			break
		}
		zones = append(zones, Zone{Level: l, Near: k.blind, Far: far, Area: a})
	}
	return zones
}

// Preview returns camera c as the model would count it (its mount moved
// off any wall, its fields of view worked out; see Camera) and the zones
// it would have (see Zones), without adding it or changing the model: to
// show where a camera would go before it is added. A camera that cannot
// be used is refused as SetCamera refuses it. Preview takes the read
// lock: previews may run together with queries.
func (m *Model) Preview(c Camera) (Camera, []Zone, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	k, probs := m.check(c)
	if k == nil {
		return Camera{}, nil, probs[0]
	}
	if k.blind < k.reach {
		k.view = m.sight.View(k.At, visibility.Sector{Heading: k.Heading, Width: k.hfov}, k.reach)
	}
	out := k.Camera
	out.HFOV, out.VFOV = k.hfov, k.vfov
	return out, m.zones(k), nil
}

// View returns the camera's visibility polygon (its sector and range,
// less what buildings and walls hide; the blind zone is not cut out).
func (m *Model) View(id string) (orb.Polygon, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	k := m.cam(id)
	if k == nil {
		return nil, false
	}
	if k.view == nil {
		return nil, true
	}
	return k.view.Polygon(m.opt.Tolerance), true
}

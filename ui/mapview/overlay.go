package mapview

import (
	"context"
	"image"
	"image/color"
	"math"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"safetynet/data/store"
	"safetynet/geo/viewport"
	"safetynet/icons"
)

// FieldsOfView is the pseudo-layer of the cameras' field-of-view sectors,
// for SetLayerVisible and LayerVisible.
const FieldsOfView = "fov"

// pointItem is a point feature of a safety layer, projected.
type pointItem struct {
	layer   string
	fid     int64
	m       orb.Point // normalised web mercator
	symbol  string    // icons symbol name
	label   string    // drawn on the symbol (checkpoint numbers)
	status  string    // camera status
	feature store.Feature
}

// shapeItem is a line or polygon feature of a safety layer, projected.
type shapeItem struct {
	layer   string
	fid     int64
	rings   [][]orb.Point // polygon rings, or one line
	bound   orb.Bound
	feature store.Feature
}

// overlayData is the safety layers of a store, read once and then only
// read: it is shared by the UI and the overlay goroutine.
type overlayData struct {
	points  map[string][]pointItem // by layer
	shapes  map[string][]shapeItem // by layer: key areas, hazard areas, routes
	sectors []shapeItem            // camera field-of-view sectors, fid = camera
	status  map[int64]string       // camera status by fid
	osm     bool
	extent  orb.Bound
	found   bool         // extent is set
	root    *overlayData // the data as read, when this is a copy with a feature dragged
}

// base returns the data as read from the store that d is, or is a copy of.
func (d *overlayData) base() *overlayData {
	if d.root != nil {
		return d.root
	}
	return d
}

// pointLayers are the layers drawn as symbols, bottom to top.
var pointLayers = []string{store.Checkpoints, store.AccessPoints, store.Facilities, store.FireEquipment, store.Hazards, store.Cameras}

// loadOverlay reads the safety layers of s.
func loadOverlay(ctx context.Context, s *store.Store) (*overlayData, error) {
	d := &overlayData{points: map[string][]pointItem{}, shapes: map[string][]shapeItem{}, status: map[int64]string{}}
	if s == nil {
		return d, nil
	}
	var err error
	d.extent, d.found, err = s.Extent(ctx)
	if err != nil {
		return nil, err
	}
	if d.found {
		// Whether the basemap came from OpenStreetMap: a look at its
		// middle, since tiles read from the store's cache do not tell.
		c := d.extent.Center()
		probe := orb.Bound{Min: orb.Point{c[0] - 0.002, c[1] - 0.002}, Max: orb.Point{c[0] + 0.002, c[1] + 0.002}}
		rs, err := s.Roads(ctx, probe)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			d.osm = d.osm || r.OSMID != ""
		}
		bs, err := s.Buildings(ctx, probe)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			d.osm = d.osm || b.OSMID != ""
		}
	}
	cams, err := s.Cameras(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, c := range cams {
		d.osm = d.osm || c.OSMID != ""
		sym := cameraSymbol(c.Status)
		d.points[store.Cameras] = append(d.points[store.Cameras], pointItem{layer: store.Cameras, fid: c.FID, m: viewport.Project(c.Geom), symbol: sym, status: c.Status, feature: c})
		d.status[c.FID] = c.Status
		ring := sector(c)
		d.sectors = append(d.sectors, shapeItem{layer: store.Cameras, fid: c.FID, rings: [][]orb.Point{ring}, bound: boundOf(ring), feature: c})
	}
	point := func(layer string, fid int64, at orb.Point, f store.Feature) pointItem {
		return pointItem{layer: layer, fid: fid, m: viewport.Project(at), feature: f}
	}
	err = addPoints(ctx, d, s.FireEquipment, func(e store.Equipment) pointItem {
		d.osm = d.osm || e.OSMID != ""
		p := point(store.FireEquipment, e.FID, e.Geom, e)
		p.symbol = equipmentSymbol(e.Kind)
		return p
	})
	if err == nil {
		err = addPoints(ctx, d, s.AccessPoints, func(a store.AccessPoint) pointItem {
			d.osm = d.osm || a.OSMID != ""
			p := point(store.AccessPoints, a.FID, a.Geom, a)
			p.symbol = accessSymbol(a.Kind)
			return p
		})
	}
	if err == nil {
		err = addPoints(ctx, d, s.Facilities, func(f store.Facility) pointItem {
			d.osm = d.osm || f.OSMID != ""
			p := point(store.Facilities, f.FID, f.Geom, f)
			p.symbol = facilitySymbol(f.Kind)
			return p
		})
	}
	if err == nil {
		err = addPoints(ctx, d, s.Checkpoints, func(c store.Checkpoint) pointItem {
			p := point(store.Checkpoints, c.FID, c.Geom, c)
			p.label = strconv.Itoa(c.Seq)
			return p
		})
	}
	if err != nil {
		return nil, err
	}
	hs, err := s.Hazards(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		switch g := h.Geom.(type) {
		case orb.Point:
			d.points[store.Hazards] = append(d.points[store.Hazards], pointItem{layer: store.Hazards, fid: h.FID, m: viewport.Project(g), symbol: icons.Hazard, feature: h})
		case orb.Polygon:
			d.shapes[store.Hazards] = append(d.shapes[store.Hazards], polyItem(store.Hazards, h.FID, orb.MultiPolygon{g}, h))
		case orb.MultiPolygon:
			d.shapes[store.Hazards] = append(d.shapes[store.Hazards], polyItem(store.Hazards, h.FID, g, h))
		}
	}
	kas, err := s.KeyAreas(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, k := range kas {
		d.shapes[store.KeyAreas] = append(d.shapes[store.KeyAreas], polyItem(store.KeyAreas, k.FID, orb.MultiPolygon{k.Geom}, k))
	}
	// Large areas under small ones, so that each stays clickable.
	sort.SliceStable(d.shapes[store.KeyAreas], func(i, j int) bool {
		return boundArea(d.shapes[store.KeyAreas][i].bound) > boundArea(d.shapes[store.KeyAreas][j].bound)
	})
	rs, err := s.PatrolRoutes(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		line := make([]orb.Point, len(r.Geom))
		for i, p := range r.Geom {
			line[i] = viewport.Project(p)
		}
		d.shapes[store.PatrolRoutes] = append(d.shapes[store.PatrolRoutes], shapeItem{layer: store.PatrolRoutes, fid: r.FID, rings: [][]orb.Point{line}, bound: boundOf(line), feature: r})
	}
	return d, nil
}

// addPoints reads every feature of a point layer and adds the item that
// item makes of each to the layer's points.
func addPoints[T store.Feature](ctx context.Context, d *overlayData, read func(context.Context, orb.Bound) ([]T, error), item func(T) pointItem) error {
	fs, err := read(ctx, store.World)
	if err != nil {
		return err
	}
	for _, f := range fs {
		p := item(f)
		d.points[p.layer] = append(d.points[p.layer], p)
	}
	return nil
}

func polyItem(layer string, fid int64, mp orb.MultiPolygon, f store.Feature) shapeItem {
	it := shapeItem{layer: layer, fid: fid, feature: f}
	first := true
	for _, p := range mp {
		for _, r := range p {
			ring := make([]orb.Point, len(r))
			for i, q := range r {
				ring[i] = viewport.Project(q)
			}
			if first {
				it.bound, first = boundOf(ring), false
			} else {
				it.bound = it.bound.Union(boundOf(ring))
			}
			it.rings = append(it.rings, ring)
		}
	}
	return it
}

func boundOf(pts []orb.Point) orb.Bound {
	if len(pts) == 0 {
		return orb.Bound{}
	}
	b := orb.Bound{Min: pts[0], Max: pts[0]}
	for _, p := range pts[1:] {
		b = b.Extend(p)
	}
	return b
}

// hfov returns the horizontal field of view of c in degrees: its HFOV, or
// computed from the sensor width and focal length when that is 0, or 60°
// when neither is known.
func hfov(c store.Camera) float64 {
	switch {
	case c.HFOV > 0:
		return math.Min(c.HFOV, 360)
	case c.SensorWidth > 0 && c.FocalLength > 0:
		return 2 * math.Atan(c.SensorWidth/(2*c.FocalLength)) * 180 / math.Pi
	}
	return 60
}

// defaultRange is the range drawn for a camera without a max range, metres.
const defaultRange = 30

// sector returns the field-of-view sector of c as a ring in normalised web
// mercator: the camera, then the arc at its range (geodesic).
func sector(c store.Camera) []orb.Point {
	r := c.MaxRange
	if r <= 0 {
		r = defaultRange
	}
	fov := hfov(c)
	steps := int(math.Ceil(fov / 5))
	ring := make([]orb.Point, 0, steps+3)
	if fov < 360 {
		ring = append(ring, viewport.Project(c.Geom))
	}
	for i := 0; i <= steps; i++ {
		b := c.Heading - fov/2 + fov*float64(i)/float64(steps)
		ring = append(ring, viewport.Project(geo.PointAtBearingAndDistance(c.Geom, b, r)))
	}
	return ring
}

func equipmentSymbol(kind string) string {
	switch kind {
	case store.ExtinguisherWheeled:
		return icons.ExtinguisherWheeled
	case store.HydrantOutdoor, store.HydrantIndoor:
		return icons.Hydrant
	case store.FireCabinet:
		return icons.FireCabinet
	case store.Defibrillator:
		return icons.Defibrillator
	case store.SupplyStore:
		return icons.SupplyStore
	}
	return icons.Extinguisher
}

func accessSymbol(kind string) string {
	switch kind {
	case "vehicle_gate", "gate":
		return icons.VehicleGate
	case "pedestrian_gate", "turnstile":
		return icons.PedestrianGate
	case "barrier", "bollard", "lift_gate":
		return icons.Barrier
	case "ramp":
		return icons.Ramp
	}
	return icons.Door
}

func facilitySymbol(kind string) string {
	switch kind {
	case "police":
		return icons.Police
	case "fire_station":
		return icons.FireStation
	case "assembly_point":
		return icons.AssemblyPoint
	case "guard_booth":
		return icons.GuardBooth
	case "management_office":
		return icons.ManagementOffice
	case "clinic", "hospital", "doctors":
		return icons.Clinic
	case "refuse_point", "waste_disposal", "recycling":
		return icons.RefusePoint
	}
	return icons.Facility
}

// clusterColour is the badge colour of a cluster of layer.
func clusterColour(layer string) color.NRGBA {
	switch layer {
	case store.Cameras:
		return okBlue
	case store.FireEquipment:
		return okVermilion
	case store.Hazards:
		return rgb(0x8A7A00)
	case store.Checkpoints:
		return okPurple
	}
	return rgb(0x3B3B6B)
}

// squareCluster reports whether the cluster badges of layer are rounded
// squares, as its symbols are (fire equipment, facilities), rather than
// discs.
func squareCluster(layer string) bool {
	return layer == store.FireEquipment || layer == store.Facilities
}

// Clustering: below clusterMaxZoom, points of a layer that fall in the
// same cell of a grid of clusterCell pixels (anchored to the world, so it
// does not move when panning) are drawn as one badge with their count.
const clusterMaxZoom = 18.5

// clusterCell returns the size of the clustering grid at zoom z, pixels:
// coarser when zoomed out, where a badge per cell is all one can read.
func clusterCell(z float64) float64 {
	if z >= 16.5 {
		return 30
	}
	return 56
}

// layerScale is the size of a layer's symbols relative to cameras': the
// many extinguishers and hydrants are drawn smaller.
func layerScale(layer string) float64 {
	switch layer {
	case store.Cameras, store.Hazards:
		return 1
	case store.FireEquipment:
		return 0.8
	}
	return 0.9
}

// group is one symbol on screen: a point, or a cluster of several.
type group struct {
	layer string
	items []int     // indexes into the layer's points
	at    orb.Point // screen position, logical pixels of the view
}

// groups returns what layer's points look like in view v: single points
// and clusters, in a stable order.
func groups(pts []pointItem, layer string, v viewport.Viewport) []group {
	if len(pts) == 0 {
		return nil
	}
	if v.Zoom >= clusterMaxZoom || layer == store.Checkpoints && v.Zoom >= 15.5 {
		out := make([]group, len(pts))
		for i, p := range pts {
			out[i] = group{layer: layer, items: []int{i}, at: v.MercatorToScreen(p.m)}
		}
		return out
	}
	w := v.WorldSize() / clusterCell(v.Zoom)
	type cell struct{ x, y int64 }
	cells := map[cell]int{}
	var out []group
	var broken []int // cameras offline or in maintenance: each drawn, over the others
	for i, p := range pts {
		if layer == store.Cameras && (p.status == store.CameraOffline || p.status == store.CameraMaintenance) {
			broken = append(broken, i)
			continue
		}
		c := cell{int64(math.Floor(p.m[0] * w)), int64(math.Floor(p.m[1] * w))}
		if g, ok := cells[c]; ok {
			out[g].items = append(out[g].items, i)
			continue
		}
		cells[c] = len(out)
		out = append(out, group{layer: layer, items: []int{i}})
	}
	for g := range out {
		var sx, sy float64
		for _, i := range out[g].items {
			sx += pts[i].m[0]
			sy += pts[i].m[1]
		}
		n := float64(len(out[g].items))
		out[g].at = v.MercatorToScreen(orb.Point{sx / n, sy / n})
	}
	for _, i := range broken {
		out = append(out, group{layer: layer, items: []int{i}, at: v.MercatorToScreen(pts[i].m)})
	}
	return out
}

// symbolSize returns the size of symbols at zoom z, logical pixels.
func symbolSize(z float64) float64 {
	switch {
	case z >= 17.5:
		return 24
	case z >= 16.5:
		return 20
	case z >= 15.5:
		return 16
	}
	return 13
}

// overlayJob is one drawing of the safety layers.
type overlayJob struct {
	view     viewport.Viewport // of the image, margin included; Scale set
	data     *overlayData
	coverage *coverageData
	visible  map[string]bool
	sel      Selection
	dark     bool
}

// overlayMargin is how far beyond the widget's edges the overlay image
// reaches, logical pixels, so that a pan shows drawn symbols at once.
const overlayMargin = 96

// spareImage keeps one image for reuse. It is safe for concurrent use.
type spareImage struct {
	mu  sync.Mutex
	img *image.RGBA
}

func (s *spareImage) put(img *image.RGBA) {
	s.mu.Lock()
	s.img = img
	s.mu.Unlock()
}

func (s *spareImage) take() *image.RGBA {
	s.mu.Lock()
	defer s.mu.Unlock()
	img := s.img
	s.img = nil
	return img
}

// overlayPainters keeps the painters of overlay drawings, with their
// buffers, from one drawing to the next.
var overlayPainters = sync.Pool{New: func() any { return newPainter(nil) }}

// overlayStrip is the least height in pixels of the strips an overlay
// drawing is split into, one per processor.
const overlayStrip = 128

// drawOverlay draws the safety layers of job, into reuse when that is
// an image of the right size. The image is drawn in horizontal strips,
// one per processor, at the same time: each strip draws every shape and
// symbol that meets it, clipped to it.
func drawOverlay(job overlayJob, reuse *image.RGBA) *image.RGBA {
	return drawStrips(job, reuse, runtime.GOMAXPROCS(0))
}

// drawStrips is drawOverlay in at most n strips.
func drawStrips(job overlayJob, reuse *image.RGBA, n int) *image.RGBA {
	v := job.view
	s := v.Scale
	if s <= 0 {
		s = 1
	}
	r := image.Rect(0, 0, int(math.Ceil(v.Width*s)), int(math.Ceil(v.Height*s)))
	img := reuse
	fresh := img == nil || img.Rect != r
	if fresh {
		img = image.NewRGBA(r)
	}
	if job.data == nil || r.Empty() {
		if !fresh {
			clear(img.Pix)
		}
		return img
	}
	n = max(1, min(n, 4, r.Dy()/overlayStrip))
	var wg sync.WaitGroup
	for i := n - 1; i >= 0; i-- {
		strip := image.Rect(r.Min.X, r.Min.Y+r.Dy()*i/n, r.Max.X, r.Min.Y+r.Dy()*(i+1)/n)
		part := img.SubImage(strip).(*image.RGBA)
		if i == 0 {
			drawOverlayPart(job, part, !fresh)
			break
		}
		wg.Go(func() { drawOverlayPart(job, part, !fresh) })
	}
	wg.Wait()
	return img
}

// drawOverlayPart draws the safety layers of job that meet img's bounds,
// a strip of the whole drawing as wide as it, after making it transparent
// when wipe is set.
func drawOverlayPart(job overlayJob, img *image.RGBA, wipe bool) {
	if wipe {
		clear(img.Pix[:img.Rect.Dy()*img.Stride])
	}
	v := job.view
	s := v.Scale
	if s <= 0 {
		s = 1
	}
	d := job.data
	col := &lightOverlay
	if job.dark {
		col = &darkOverlay
	}
	p := overlayPainters.Get().(*painter)
	p.dst = img
	defer func() {
		p.dst = nil
		overlayPainters.Put(p)
	}()
	screen := screenPath(v, s)
	// The part of the view drawn, logical pixels, with room for strokes
	// and arrows reaching into it from shapes beyond.
	ib := img.Bounds()
	const reach = 12
	top, bottom := float64(ib.Min.Y)/s-reach, float64(ib.Max.Y)/s+reach
	viewB := orb.Bound{Min: v.ToMercator(orb.Point{float64(ib.Min.X)/s - reach, top}), Max: v.ToMercator(orb.Point{float64(ib.Max.X)/s + reach, bottom})}
	on := func(l string) bool { return job.visible[l] }
	fs := float32(s)

	// The coverage, under everything else.
	drawCoverage(p, job.coverage, viewB, screen, fs)

	// Areas: key areas and hazard areas, lightly filled and outlined.
	for _, l := range []struct {
		layer      string
		fill, edge color.NRGBA
		dashed     bool
	}{
		{store.KeyAreas, col.keyAreaFill, col.keyArea, false},
		{store.Hazards, col.hazardFill, col.hazardArea, true},
	} {
		if !on(l.layer) {
			continue
		}
		items := d.shapes[l.layer]
		for _, it := range items {
			if it.bound.Intersects(viewB) {
				p.feature()
				for _, r := range it.rings {
					p.addRing(screen(r), false)
				}
			}
		}
		p.fill(l.fill)
		for _, it := range items {
			if it.bound.Intersects(viewB) {
				for _, r := range it.rings {
					if l.dashed {
						p.addDashes(screen(r), 1.6*fs, 6*fs, 4*fs, true)
					} else {
						p.addStroke(screen(r), 1.5*fs, true)
					}
				}
			}
		}
		p.fill(l.edge)
	}

	// Field-of-view sectors, by status, under everything else.
	if on(store.Cameras) && on(FieldsOfView) && v.Zoom >= 14 {
		for _, status := range []string{store.CameraOnline, store.CameraMaintenance, store.CameraOffline, store.CameraPlanned, ""} {
			cs, ok := col.fov[status]
			if !ok {
				cs = col.fov[store.CameraOnline]
			}
			n := 0
			for _, it := range d.sectors {
				st := d.status[it.fid]
				if _, known := col.fov[st]; !known {
					st = ""
				}
				if st != status || !it.bound.Intersects(viewB) {
					continue
				}
				p.feature()
				p.addRing(screen(it.rings[0]), false)
				n++
			}
			if n == 0 {
				continue
			}
			if cs[0].A > 0 {
				p.fill(cs[0])
			} else {
				p.reset() // an outline only: the camera covers nothing
			}
			for _, it := range d.sectors {
				st := d.status[it.fid]
				if _, known := col.fov[st]; !known {
					st = ""
				}
				if st != status || !it.bound.Intersects(viewB) {
					continue
				}
				if status != store.CameraOnline && status != "" {
					p.addDashes(screen(it.rings[0]), 1*fs, 4*fs, 3*fs, true)
				} else {
					p.addStroke(screen(it.rings[0]), 0.9*fs, true)
				}
			}
			p.fill(cs[1])
		}
	}

	// Patrol routes with direction arrows.
	if on(store.PatrolRoutes) {
		routes := d.shapes[store.PatrolRoutes]
		for _, it := range routes {
			if it.bound.Intersects(viewB) {
				p.addStroke(screen(it.rings[0]), 7*fs, false)
			}
		}
		p.fill(col.routeCasing)
		for _, it := range routes {
			if it.bound.Intersects(viewB) {
				p.addStroke(screen(it.rings[0]), 3.5*fs, false)
			}
		}
		p.fill(col.route)
		for _, it := range routes {
			if it.bound.Intersects(viewB) {
				addArrows(p, screen(it.rings[0]), 120*fs, 7*fs)
			}
		}
		p.fill(col.route)
	}

	// Symbols, layer by layer, clustered when zoomed out.
	size := symbolSize(v.Zoom)
	type badge struct {
		at     orb.Point
		n      int
		c      color.NRGBA
		square bool
	}
	var badges []badge
	for _, layer := range pointLayers {
		if !on(layer) {
			continue
		}
		pts := d.points[layer]
		px := int(math.Round(size * s * layerScale(layer)))
		for _, g := range groups(pts, layer, v) {
			x, y := float32(g.at[0]*s), float32(g.at[1]*s)
			if g.at[0] < -size || g.at[1] < top-size || g.at[0] > v.Width+size || g.at[1] > bottom+size {
				continue
			}
			if len(g.items) > 1 {
				badges = append(badges, badge{orb.Point{float64(x), float64(y)}, len(g.items), clusterColour(layer), squareCluster(layer)})
				continue
			}
			it := pts[g.items[0]]
			if layer == store.Checkpoints {
				r := float32(size*0.42) * fs
				if v.Zoom < 15.5 {
					r = 3.5 * fs
				}
				p.addCircle(x, y, r+1.5*fs)
				p.fill(col.checkpointEdge)
				p.addCircle(x, y, r)
				p.fill(col.route)
				if v.Zoom >= 15.5 {
					drawText(img, it.label, x, y, int(math.Round(float64(r)*1.15)), col.text)
				}
				continue
			}
			if sym := symbolImages.get(it.symbol, px); sym != nil {
				blit(img, sym, x, y)
			}
		}
	}
	// Cluster badges in the shape of their layer's symbols: rounded
	// squares for fire equipment and facilities, discs for the others.
	for _, b := range badges {
		r := float32(8+2.5*math.Log10(float64(b.n))) * fs
		x, y := float32(b.at[0]), float32(b.at[1])
		if b.square {
			q := r * 0.9
			p.feature()
			p.addRing(roundRect(x-q-1.8*fs, y-q-1.8*fs, x+q+1.8*fs, y+q+1.8*fs, q*0.45+1.8*fs), false)
			p.fill(col.clusterEdge)
			p.feature()
			p.addRing(roundRect(x-q, y-q, x+q, y+q, q*0.45), false)
			p.fill(b.c)
		} else {
			p.addCircle(x, y, r+1.8*fs)
			p.fill(col.clusterEdge)
			p.addCircle(x, y, r)
			p.fill(b.c)
		}
		drawText(img, strconv.Itoa(b.n), x, y, int(math.Round(float64(r)*1.0)), col.text)
	}

	// The selection: a halo around it.
	if sel := job.sel; sel.Layer != "" {
		if it, ok := d.point(sel.Layer, sel.FID); ok && on(sel.Layer) {
			q := v.MercatorToScreen(it.m)
			x, y := float32(q[0]*s), float32(q[1]*s)
			r := float32(size/2+5) * fs
			p.feature()
			p.addRing(ringXY(x, y, r+2*fs), false)
			p.addRing(ringXY(x, y, r-2*fs), true)
			p.fill(col.halo)
			p.feature()
			p.addRing(ringXY(x, y, r+0.8*fs), false)
			p.addRing(ringXY(x, y, r-0.8*fs), true)
			p.fill(col.haloInner)
		} else if it, ok := d.shape(sel.Layer, sel.FID); ok && on(sel.Layer) {
			closed := sel.Layer != store.PatrolRoutes
			for _, r := range it.rings {
				p.addStroke(screen(r), 6*fs, closed)
			}
			p.fill(alpha(col.halo, 0.8))
			for _, r := range it.rings {
				p.addStroke(screen(r), 3*fs, closed)
			}
			p.fill(col.haloInner)
		}
	}
}

// ringXY returns a circle of radius r around x, y as xy pairs.
func ringXY(x, y, r float32) []float32 {
	n := max(16, int(r))
	out := make([]float32, 0, 2*n)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		s, c := math.Sincos(a)
		out = append(out, x+r*float32(c), y+r*float32(s))
	}
	return out
}

// addArrows adds a direction arrow every gap pixels along the line xy,
// pointing from its start to its end.
func addArrows(p *painter, xy []float32, gap, size float32) {
	next := gap / 2
	walked := float32(0)
	for i := 0; i+3 < len(xy); i += 2 {
		ax, ay, bx, by := xy[i], xy[i+1], xy[i+2], xy[i+3]
		l := float32(math.Hypot(float64(bx-ax), float64(by-ay)))
		if l < 1e-3 {
			continue
		}
		ux, uy := (bx-ax)/l, (by-ay)/l
		for next <= walked+l {
			t := next - walked
			cx, cy := ax+ux*t, ay+uy*t
			p.feature()
			p.addRing([]float32{
				cx + ux*size, cy + uy*size,
				cx - ux*size*0.8 - uy*size*0.9, cy - uy*size*0.8 + ux*size*0.9,
				cx - ux*size*0.3, cy - uy*size*0.3,
				cx - ux*size*0.8 + uy*size*0.9, cy - uy*size*0.8 - ux*size*0.9,
			}, false)
			next += gap
		}
		walked += l
	}
}

// point returns the point feature fid of layer.
func (d *overlayData) point(layer string, fid int64) (pointItem, bool) {
	for _, it := range d.points[layer] {
		if it.fid == fid {
			return it, true
		}
	}
	return pointItem{}, false
}

// shape returns the line or polygon feature fid of layer.
func (d *overlayData) shape(layer string, fid int64) (shapeItem, bool) {
	for _, it := range d.shapes[layer] {
		if it.fid == fid {
			return it, true
		}
	}
	return shapeItem{}, false
}

// hit is what lies under a screen point.
type hit struct {
	sel     Selection
	cluster []pointItem // several points drawn as one badge
	at      orb.Point   // screen position of the symbol or cluster
	status  string      // a camera's status as shown (see SetCameraStatus)
}

// hitTest returns the feature drawn topmost at screen point q of view v.
func (d *overlayData) hitTest(v viewport.Viewport, visible map[string]bool, q orb.Point) (hit, bool) {
	if d == nil {
		return hit{}, false
	}
	size := symbolSize(v.Zoom)
	for i := len(pointLayers) - 1; i >= 0; i-- {
		layer := pointLayers[i]
		if !visible[layer] {
			continue
		}
		pts := d.points[layer]
		gs := groups(pts, layer, v)
		best, bestD := -1, math.Inf(1)
		for k, g := range gs {
			r := size*layerScale(layer)/2 + 3
			if len(g.items) > 1 {
				r = 12
			}
			dd := math.Hypot(g.at[0]-q[0], g.at[1]-q[1])
			if dd <= r && dd < bestD {
				best, bestD = k, dd
			}
		}
		if best < 0 {
			continue
		}
		g := gs[best]
		if len(g.items) > 1 {
			h := hit{at: g.at}
			for _, i := range g.items {
				h.cluster = append(h.cluster, pts[i])
			}
			return h, true
		}
		it := pts[g.items[0]]
		return hit{sel: Selection{Layer: layer, FID: it.fid, Feature: it.feature}, at: g.at, status: it.status}, true
	}
	m := v.ToMercator(q)
	tol := 5 / v.WorldSize()
	if visible[store.PatrolRoutes] {
		for _, it := range d.shapes[store.PatrolRoutes] {
			if !it.bound.Pad(tol).Contains(m) {
				continue
			}
			if planar.DistanceFrom(orb.LineString(it.rings[0]), m) <= tol {
				return hit{sel: Selection{Layer: store.PatrolRoutes, FID: it.fid, Feature: it.feature}, at: q}, true
			}
		}
	}
	for _, layer := range []string{store.Hazards, store.KeyAreas} {
		if !visible[layer] {
			continue
		}
		items := d.shapes[layer]
		for i := len(items) - 1; i >= 0; i-- {
			it := items[i]
			if !it.bound.Contains(m) {
				continue
			}
			if planar.RingContains(orb.Ring(it.rings[0]), m) {
				return hit{sel: Selection{Layer: layer, FID: it.fid, Feature: it.feature}, at: q}, true
			}
		}
	}
	return hit{}, false
}

// screenPath returns a function that puts a path in Web Mercator into
// device pixels of view v at scale s, as x, y pairs. The slice it returns
// is reused by the next call.
func screenPath(v viewport.Viewport, s float64) func([]orb.Point) []float32 {
	var buf []float32
	return func(r []orb.Point) []float32 {
		buf = buf[:0]
		for _, q := range r {
			x := v.MercatorToScreen(q)
			buf = append(buf, float32(x[0]*s), float32(x[1]*s))
		}
		return buf
	}
}

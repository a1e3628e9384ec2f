package mapview

import (
	"math"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/viewport"
	"safetynet/ui/locale"
)

// The map takes the mouse and the keyboard.
var (
	_ fyne.Draggable         = (*Map)(nil)
	_ fyne.Scrollable        = (*Map)(nil)
	_ fyne.Tappable          = (*Map)(nil)
	_ fyne.SecondaryTappable = (*Map)(nil)
	_ fyne.Focusable         = (*Map)(nil)
	_ desktop.Hoverable      = (*Map)(nil)
	_ desktop.Cursorable     = (*Map)(nil)
)

// Interaction steps.
const (
	wheelStep = 50.0 // scroll units per zoom level: a wheel notch is 25
	keyPan    = 96.0 // pixels an arrow key pans
	keyZoom   = 0.5  // zoom levels of + and -
)

// Dragged pans the map with the pointer, or moves the feature the drag
// began on when its layer is draggable (see SetDraggable).
func (m *Map) Dragged(e *fyne.DragEvent) {
	m.clearTip()
	if m.dragFeature(e) {
		return
	}
	m.setView(func(v viewport.Viewport) viewport.Viewport {
		return v.Pan(float64(e.Dragged.DX), float64(e.Dragged.DY))
	})
}

// DragEnd drops a dragged feature: it stays where it was dropped when the
// layer's DragFunc accepts the place, and goes back otherwise.
func (m *Map) DragEnd() {
	m.mu.Lock()
	d := m.drag
	m.drag = dragState{}
	fn := m.draggable[d.layer]
	m.mu.Unlock()
	if d.layer == "" || !d.moved {
		return
	}
	if fn != nil && fn(d.fid, d.at, true) {
		return
	}
	m.mu.Lock()
	if m.data != nil {
		m.data = m.data.withPoint(d.from, d.sector)
		m.sel = m.reselect(m.sel)
	}
	m.mu.Unlock()
	m.Refresh()
}

// DragFunc is told where the operator drags a feature: its fid and the
// longitude/latitude (EPSG:4326) it is at, with done false while it moves
// and true once, when it is dropped. At the drop it returns whether the
// feature may stay there; false puts it back where the drag began. While
// it moves the result is ignored. It runs on the Fyne goroutine and must
// return quickly: hand slow work to a goroutine.
type DragFunc func(fid int64, at orb.Point, done bool) bool

// SetDraggable lets the operator drag the symbols of point layer (a store
// layer such as store.Cameras) with the pointer, in the Select tool,
// calling fn as they do; a drag that begins elsewhere pans as before. The
// map moves the symbol (and a camera's field of view) itself; it does
// not write the store. A nil fn makes the layer's features fixed again,
// as they are until SetDraggable is called.
func (m *Map) SetDraggable(layer string, fn DragFunc) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if fn == nil {
		delete(m.draggable, layer)
		return
	}
	if m.draggable == nil {
		m.draggable = map[string]DragFunc{}
	}
	m.draggable[layer] = fn
}

// dragState is the feature being dragged; the zero value is none.
type dragState struct {
	begun  bool       // the drag's first event has been seen
	layer  string     // "" when the drag pans
	fid    int64      //
	from   pointItem  // the feature as it was
	sector *shapeItem // its field of view as it was (cameras)
	grab   orb.Point  // the symbol's centre minus the pointer, pixels
	at     orb.Point  // where it is now, lon/lat
	moved  bool
}

// dragFeature moves the dragged feature to e's position and reports
// whether a feature is being dragged (false: the drag pans).
func (m *Map) dragFeature(e *fyne.DragEvent) bool {
	q := orb.Point{float64(e.Position.X), float64(e.Position.Y)}
	m.mu.Lock()
	d := &m.drag
	if !d.begun {
		// The drag began where the button went down: before this event's move.
		d.begun = true
		start := orb.Point{q[0] - float64(e.Dragged.DX), q[1] - float64(e.Dragged.DY)}
		if m.tool == ToolPan && len(m.draggable) > 0 && m.data != nil {
			if h, ok := m.data.hitTest(m.view, m.visibleLayers(), start); ok && len(h.cluster) == 0 && m.draggable[h.sel.Layer] != nil {
				if it, ok := m.data.point(h.sel.Layer, h.sel.FID); ok {
					d.layer, d.fid, d.from = it.layer, it.fid, it
					d.sector = m.data.sector(it.fid, it.layer)
					d.grab = orb.Point{h.at[0] - start[0], h.at[1] - start[1]}
				}
			}
		}
	}
	fn := m.draggable[d.layer]
	if d.layer == "" || fn == nil || m.data == nil {
		m.mu.Unlock()
		return d.layer != "" // a dropped layer's drag ends without panning
	}
	d.at = m.view.ToLonLat(orb.Point{q[0] + d.grab[0], q[1] + d.grab[1]})
	d.moved = true
	it, sec := movedPoint(d.from, d.sector, d.at)
	m.data = m.data.withPoint(it, sec)
	m.sel = m.reselect(m.sel)
	fid, at := d.fid, d.at
	m.mu.Unlock()
	m.Refresh()
	fn(fid, at, false)
	return true
}

// reselect returns sel with its feature as m.data now holds it; m.mu is
// held.
func (m *Map) reselect(sel Selection) Selection {
	if sel.Layer == "" || m.data == nil {
		return sel
	}
	if s := m.data.find(sel.Layer, sel.FID); s.Layer != "" {
		return s
	}
	return sel
}

// movedPoint returns the point it, and its field of view sec when it has
// one, moved to at (lon/lat).
func movedPoint(it pointItem, sec *shapeItem, at orb.Point) (pointItem, *shapeItem) {
	it.m = viewport.Project(at)
	switch f := it.feature.(type) {
	case store.Camera:
		f.Geom = at
		it.feature = f
		if sec != nil {
			ring := sector(f)
			s := *sec
			s.rings, s.bound, s.feature = [][]orb.Point{ring}, boundOf(ring), f
			sec = &s
		}
	case store.Equipment:
		f.Geom = at
		it.feature = f
	case store.AccessPoint:
		f.Geom = at
		it.feature = f
	case store.Facility:
		f.Geom = at
		it.feature = f
	case store.Checkpoint:
		f.Geom = at
		it.feature = f
	case store.Hazard:
		f.Geom = at
		it.feature = f
	}
	return it, sec
}

// sector returns the field-of-view sector of point fid of layer, or nil.
func (d *overlayData) sector(fid int64, layer string) *shapeItem {
	if layer != store.Cameras {
		return nil
	}
	for _, s := range d.sectors {
		if s.fid == fid {
			return &s
		}
	}
	return nil
}

// withPoint returns a copy of d in which the point of it's layer and fid
// is it, and the sector of that fid is sec when sec is not nil. d itself,
// shared with the overlay goroutine, does not change.
func (d *overlayData) withPoint(it pointItem, sec *shapeItem) *overlayData {
	out := *d
	if out.root == nil {
		out.root = d
	}
	out.points = make(map[string][]pointItem, len(d.points))
	for l, pts := range d.points {
		out.points[l] = pts
	}
	pts := slices.Clone(d.points[it.layer])
	for i := range pts {
		if pts[i].fid == it.fid {
			pts[i] = it
		}
	}
	out.points[it.layer] = pts
	if sec != nil {
		out.sectors = slices.Clone(d.sectors)
		for i := range out.sectors {
			if out.sectors[i].fid == sec.fid {
				out.sectors[i] = *sec
			}
		}
	}
	return &out
}

// Scrolled zooms at the pointer with the mouse wheel.
func (m *Map) Scrolled(e *fyne.ScrollEvent) {
	d := float64(e.Scrolled.DY) / wheelStep
	if d == 0 {
		return
	}
	d = math.Max(-1, math.Min(1, d))
	p := orb.Point{float64(e.Position.X), float64(e.Position.Y)}
	m.clearTip()
	m.setView(func(v viewport.Viewport) viewport.Viewport { return v.ZoomAt(p, d) })
}

// Cursor is part of desktop.Cursorable: a crosshair while measuring or
// picking.
func (m *Map) Cursor() desktop.Cursor {
	if m.Tool() != ToolPan || m.Picking() {
		return desktop.CrosshairCursor
	}
	return desktop.DefaultCursor
}

// Tapped selects what was clicked, or adds a point to a measurement.
func (m *Map) Tapped(e *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(m); c != nil {
		c.Focus(m)
	}
	q := orb.Point{float64(e.Position.X), float64(e.Position.Y)}
	if m.tapMarks(q) {
		return // a pick, or a mark: above everything
	}
	if m.Tool() == ToolPan && m.tapLive(q) {
		return // live items lie above the features
	}
	m.mu.Lock()
	tool := m.tool
	v := m.view
	if tool != ToolPan {
		m.measured = append(m.measured, v.ToLonLat(q))
		ms := measurement(tool, m.measured)
		m.mu.Unlock()
		m.Refresh()
		if m.OnMeasure != nil {
			m.OnMeasure(ms)
		}
		return
	}
	h, ok := m.data.hitTest(v, m.visibleLayers(), q)
	m.mu.Unlock()
	if ok && len(h.cluster) > 0 {
		// A click on a cluster zooms in on it.
		m.setView(func(v viewport.Viewport) viewport.Viewport {
			return v.ZoomAt(h.at, math.Min(2, clusterMaxZoom+0.01-v.Zoom))
		})
		return
	}
	m.mu.Lock()
	m.sel = h.sel
	m.mu.Unlock()
	m.Refresh()
	if m.OnSelect != nil {
		m.OnSelect(h.sel)
	}
}

// TappedSecondary ends a measurement: the next click starts a new one.
func (m *Map) TappedSecondary(*fyne.PointEvent) {
	m.mu.Lock()
	m.measured = nil
	m.mu.Unlock()
	m.Refresh()
}

// FocusGained is part of fyne.Focusable.
func (m *Map) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (m *Map) FocusLost() {}

// TypedRune zooms with + and -.
func (m *Map) TypedRune(r rune) {
	switch r {
	case '+', '=':
		m.zoomCentre(keyZoom)
	case '-', '_':
		m.zoomCentre(-keyZoom)
	}
}

// TypedKey pans with the arrow keys, fits the community with Home and
// ends a measurement with Escape.
func (m *Map) TypedKey(e *fyne.KeyEvent) {
	pan := func(dx, dy float64) {
		m.setView(func(v viewport.Viewport) viewport.Viewport { return v.Pan(dx, dy) })
	}
	switch e.Name {
	case fyne.KeyLeft:
		pan(keyPan, 0)
	case fyne.KeyRight:
		pan(-keyPan, 0)
	case fyne.KeyUp:
		pan(0, keyPan)
	case fyne.KeyDown:
		pan(0, -keyPan)
	case fyne.KeyHome:
		m.Home()
	case fyne.KeyPlus, fyne.KeyEqual:
		m.zoomCentre(keyZoom)
	case fyne.KeyMinus:
		m.zoomCentre(-keyZoom)
	case fyne.KeyEscape:
		m.TappedSecondary(nil)
	}
}

func (m *Map) zoomCentre(d float64) {
	m.setView(func(v viewport.Viewport) viewport.Viewport {
		return v.ZoomAt(orb.Point{v.Width / 2, v.Height / 2}, d)
	})
}

// MouseIn is part of desktop.Hoverable.
func (m *Map) MouseIn(e *desktop.MouseEvent) { m.MouseMoved(e) }

// MouseMoved reports the position under the pointer and shows what lies
// there in a tooltip.
func (m *Map) MouseMoved(e *desktop.MouseEvent) {
	q := orb.Point{float64(e.Position.X), float64(e.Position.Y)}
	m.mu.Lock()
	v := m.view
	h, ok := m.data.hitTest(v, m.visibleLayers(), q)
	tip := tooltip{}
	if ok {
		tip = tooltipFor(h)
		tip.at = q
	}
	if lt, ok := m.liveTooltip(v, q); ok {
		tip = lt
	}
	changed := tip.title != m.tip.title || tip.detail != m.tip.detail || tip.title != "" && tip.at != m.tip.at
	m.tip = tip
	m.mu.Unlock()
	if changed {
		m.Refresh()
	}
	if m.OnCursor != nil {
		m.OnCursor(v.ToLonLat(q))
	}
}

// MouseOut hides the tooltip.
func (m *Map) MouseOut() { m.clearTip() }

func (m *Map) clearTip() {
	m.mu.Lock()
	had := m.tip.title != ""
	m.tip = tooltip{}
	m.mu.Unlock()
	if had {
		m.Refresh()
	}
}

// tooltipFor says what h is: its name and its kind.
func tooltipFor(h hit) tooltip {
	if len(h.cluster) > 0 {
		layer := h.cluster[0].layer
		return tooltip{
			title:  lang.L("{{.Count}} × {{.Layer}}", map[string]any{"Count": len(h.cluster), "Layer": locale.Layer(layer)}),
			detail: lang.L("Click to zoom in"),
		}
	}
	f := h.sel.Feature
	if c, ok := f.(store.Camera); ok && h.status != "" {
		c.Status = h.status // live, as drawn
		f = c
	}
	name, code, kind := describe(f)
	title := name
	switch {
	case title == "" && code != "":
		title = code
	case title == "":
		title = locale.Layer(h.sel.Layer)
	case code != "":
		title = code + " " + name
	}
	return tooltip{title: title, detail: kind}
}

// describe returns a feature's name in the interface language, its code
// and a line saying what kind of thing it is.
func describe(f store.Feature) (name, code, kind string) {
	l := locale.Current()
	switch x := f.(type) {
	case store.Camera:
		return x.Label(l), x.Code, locale.Layer(store.Cameras) + " · " + word("status", x.Status)
	case store.Equipment:
		return x.Label(l), x.Code, word("kind", x.Kind)
	case store.Hazard:
		return x.Label(l), x.Code, word("kind", x.Category) + " · " + word("severity", x.Severity)
	case store.AccessPoint:
		return x.Label(l), x.Code, word("kind", x.Kind)
	case store.Facility:
		return x.Label(l), "", word("kind", x.Kind)
	case store.Checkpoint:
		return x.Label(l), x.Code, locale.Layer(store.Checkpoints) + " · " + x.RouteCode
	case store.PatrolRoute:
		return x.Label(l), x.Code, locale.Layer(store.PatrolRoutes)
	case store.KeyArea:
		return x.Label(l), x.Code, word("kind", x.Kind)
	}
	return "", "", ""
}

// word translates a value of a feature's field (a kind, a status) with the
// key "map.<field>.<value>", or shows the value readably when there is no
// translation.
func word(field, value string) string {
	plain := strings.ReplaceAll(value, "_", " ")
	if !translated[field+"."+value] {
		return plain // lang would log the miss
	}
	return lang.X("map."+field+"."+value, plain)
}

// translated are the values with a "map.<field>.<value>" translation in
// ui/locale/translations.
var translated = func() map[string]bool {
	out := map[string]bool{}
	for field, values := range map[string]string{
		"status":   "online offline maintenance planned",
		"severity": "low medium high critical",
		"kind": "extinguisher_handheld extinguisher_wheeled hydrant_outdoor hydrant_indoor fire_cabinet defibrillator supply_store " +
			"vehicle_gate pedestrian_gate door barrier ramp police fire_station assembly_point guard_booth management_office clinic refuse_point " +
			"ebike_charging gas electrical construction blocked_fire_lane flood_prone vulnerable_resident " +
			"gate perimeter playground parking kindergarten_entrance ebike_shed building_entrance square carpark_ramp",
	} {
		for _, v := range strings.Fields(values) {
			out[field+"."+v] = true
		}
	}
	return out
}()

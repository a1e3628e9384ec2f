// Package mapview is SafetyNet's map: a Fyne widget that shows a
// community's GeoPackage as a calm basemap drawn from its own vector
// layers (so it works offline), with the names of buildings, roads, parks
// and water in the interface's language, and the safety layers on top —
// cameras with their fields of view, patrol routes, fire equipment,
// hazards, key areas, gates and facilities — and lets the operator pan,
// zoom, select, hover and measure.
//
// Basemap tiles are rendered by worker goroutines, kept in a bounded
// in-memory cache and in the store's tile sets (one per theme variant,
// language and pixel size: "basemap_en", "basemap_dark_zh_2x"), and
// handed to the UI in batches of at most one fyne.Do per frame. The
// safety layers are drawn by a goroutine of their own whenever the view
// changes. The paint path only places images that are ready: nothing
// slow runs on the Fyne goroutine.
package mapview

import (
	"context"
	"image"
	"math"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/store"
	"safetynet/geo/viewport"
)

// Tool is what a click on the map does.
type Tool int

// Tools.
const (
	// ToolPan selects what is clicked; dragging pans in every tool.
	ToolPan Tool = iota
	// ToolMeasureDistance adds each click to a path and reports its length.
	ToolMeasureDistance
	// ToolMeasureArea adds each click to a polygon and reports its area.
	ToolMeasureArea
)

// Selection is a selected feature: its layer (a store layer name), its
// fid and the feature itself (store.Camera, store.KeyArea, ...). The zero
// value means nothing is selected.
type Selection struct {
	Layer   string
	FID     int64
	Feature store.Feature
}

// Measurement is the result of a measuring tool so far.
type Measurement struct {
	Tool Tool
	// Points are the clicked points, longitude/latitude (EPSG:4326).
	Points []orb.Point
	// Distance is the geodesic length of the path through Points, metres;
	// for ToolMeasureArea it includes the closing edge (the perimeter).
	Distance float64
	// Area is the geodesic area of the polygon of Points, square metres
	// (ToolMeasureArea with three points or more; 0 otherwise).
	Area float64
}

// Limits of the map's zoom.
const (
	minZoom  = 2.0
	maxZoom  = 21.0
	homeZoom = 19.0 // Home never zooms closer than this
	homePad  = 24.0 // pixels between the community and the edges on Home
)

// Map is the map widget. Create it with New. Its methods must be called on
// the Fyne goroutine (or, in tests, the test's goroutine); the work they
// start in the background hands its results back with fyne.Do. Call Close
// when the map is no longer shown.
type Map struct {
	widget.BaseWidget

	// OnSelect is called when the operator clicks a feature, and with the
	// zero Selection when they click where there is none.
	OnSelect func(Selection)
	// OnCursor is called with the longitude/latitude under the mouse
	// pointer as it moves over the map.
	OnCursor func(lonlat orb.Point)
	// OnViewChanged is called after the view changed: pan, zoom, Home,
	// FlyTo or a resize.
	OnViewChanged func(viewport.Viewport)
	// OnMeasure is called after each click of a measuring tool.
	OnMeasure func(Measurement)
	// OnSelectLive is called with the ID of the live item the operator
	// clicks (see SetLive); live items take precedence over features.
	OnSelectLive func(id string)

	// mu guards the fields below. The Fyne goroutine owns the widget, but
	// Fyne's test driver runs fyne.Do callbacks on the goroutine that
	// calls it, so the state is locked all the same.
	mu         sync.Mutex
	store      *store.Store
	view       viewport.Viewport
	viewSet    bool // the view was chosen (Home, FlyTo, pan, zoom): keep it on resize
	homeWanted bool // Home is due once the extent and the size are known
	autoFit    bool // the view is Home's and follows resizes until the operator moves it
	hidden     map[string]bool
	sel        Selection
	tool       Tool
	measured   []orb.Point
	tileURL    string
	dark       int8 // 0 follows the theme, 1 light, 2 dark
	data       *overlayData
	coverage   *coverageData // drawn under the safety layers; nil for none
	frame      overlayFrame
	askedKey   overlayKey // the last overlay drawing asked for
	tip        tooltip
	loadErr    error
	draggable  map[string]DragFunc // by layer; see SetDraggable
	camStatus  map[string]string   // live camera statuses by code; see SetCameraStatus
	drag       dragState

	work   *tracker
	pump   *pump
	eng    *engine
	ctx    context.Context
	cancel context.CancelFunc
	ovMu   sync.Mutex
	ovNext *overlayJob // guarded by ovMu: the drawing waiting for the overlay goroutine
	ovKick chan struct{}
	spare  spareImage // an overlay image no longer shown
	closed bool
	live   liveLayer // the live layer (live.go), with a lock of its own
	marks  markLayer // marks and the pick (marks.go), with a lock of their own
	// ui, in tests, receives the batches meant for fyne.Do; WaitIdle runs
	// them on the test's goroutine (see handOffInWait).
	ui chan func()
}

// handOffInWait makes maps created from now on hand their results to
// WaitIdle instead of fyne.Do. Fyne's test driver runs a fyne.Do callback
// at once on the goroutine that calls it — here a background one — which
// races with the test's own goroutine; WaitIdle runs them on the test's
// goroutine as the Fyne goroutine would. Tests set it; the app never does.
var handOffInWait = false

// overlayFrame is a drawing of the safety layers and the view it shows.
type overlayFrame struct {
	img  any // *image.RGBA; any keeps the zero value cheap to compare
	view viewport.Viewport
}

// tooltip is the hover label: empty when hidden.
type tooltip struct {
	title, detail string
	at            orb.Point
}

// New returns a map showing s (which may be nil), fitted to its extent
// once that has been read. The map reads s but never closes it.
func New(s *store.Store) *Map {
	m := &Map{
		hidden: map[string]bool{},
		work:   newTracker(),
		ovKick: make(chan struct{}, 1),
		view:   viewport.New(orb.Point{0, 20}, minZoom, 0, 0),
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	do := fyne.Do
	if handOffInWait {
		m.ui = make(chan func(), 64)
		do = func(fn func()) {
			select {
			case m.ui <- fn:
			case <-m.ctx.Done():
			}
		}
	}
	m.pump = newPump(m.ctx, do)
	m.ExtendBaseWidget(m)
	go m.overlayLoop()
	m.setStore(s, false)
	return m
}

// Close stops the map's background work, after saving the tiles rendered
// so far in the store. The map shows nothing new afterwards.
func (m *Map) Close() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	eng := m.eng
	m.mu.Unlock()
	if eng != nil {
		eng.close()
	}
	m.cancel()
	m.work.reset()
}

// SetStore shows s in place of the current store, fitted to its extent.
// The map never closes a store.
func (m *Map) SetStore(s *store.Store) {
	m.mu.Lock()
	old := m.eng
	m.mu.Unlock()
	if old != nil {
		go old.close() // saves its tiles; the map no longer waits for it
	}
	m.setStore(s, false)
	m.Refresh()
}

// Reload reads the store again after it changed (an edit, an added camera)
// and keeps the view and the selection, unlike SetStore.
func (m *Map) Reload() {
	m.mu.Lock()
	old, s := m.eng, m.store
	m.mu.Unlock()
	if old != nil {
		go old.close()
	}
	m.setStore(s, true)
	m.Refresh()
}

// setStore shows s; keep keeps the view and the selection (s is the store
// shown already, read again).
func (m *Map) setStore(s *store.Store, keep bool) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.store = s
	m.data = nil
	m.askedKey = overlayKey{}
	if m.drag.begun {
		m.drag = dragState{begun: true} // the rest of a drag begun on the old data pans
	}
	if keep {
		m.sel.Feature = nil // found again in the new data
	} else {
		m.sel = Selection{}
		m.frame = overlayFrame{}
		m.viewSet = false
		m.homeWanted = true
	}
	eng := newEngine(s, m.work, m.pump, m.tilesArrived)
	eng.setRemote(m.tileURL)
	m.eng = eng
	m.mu.Unlock()

	m.work.add(1)
	go func() {
		d, err := loadOverlay(eng.ctx, s)
		m.pump.send(func() {
			defer m.work.done(1)
			m.mu.Lock()
			if m.eng != eng {
				m.mu.Unlock()
				return // another store is shown by now
			}
			m.loadErr = err
			if d == nil {
				d = &overlayData{}
			}
			if len(m.camStatus) > 0 {
				d = d.withCameraStatus(m.camStatus)
			}
			m.data = d
			if m.sel.Layer != "" && m.sel.Feature == nil {
				m.sel = d.find(m.sel.Layer, m.sel.FID)
			}
			home := m.homeWanted
			m.mu.Unlock()
			if home {
				m.Home()
			} else {
				m.Refresh()
			}
		})
	}()
}

// tilesArrived runs on the UI goroutine after a batch of tiles is ready.
func (m *Map) tilesArrived() { m.Refresh() }

// CreateRenderer is part of fyne.Widget.
func (m *Map) CreateRenderer() fyne.WidgetRenderer { return newRenderer(m) }

// SetLayerVisible shows or hides layer: a store layer name
// (store.Cameras, store.Buildings, ...) or FieldsOfView.
func (m *Map) SetLayerVisible(layer string, on bool) {
	m.mu.Lock()
	if m.hidden[layer] == !on {
		m.mu.Unlock()
		return
	}
	m.hidden[layer] = !on
	m.mu.Unlock()
	m.Refresh()
}

// LayerVisible reports whether layer is shown. Every layer is shown until
// SetLayerVisible hides it.
func (m *Map) LayerVisible(layer string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return !m.hidden[layer]
}

// visibleLayers returns the shown layers as a set; m.mu is held.
func (m *Map) visibleLayers() map[string]bool {
	out := map[string]bool{}
	for _, l := range append(store.LayerNames(), FieldsOfView) {
		out[l] = !m.hidden[l]
	}
	return out
}

// baseMask returns the basemap layers shown; m.mu is held.
func (m *Map) baseMask() uint8 {
	var mask uint8
	for l, bit := range baseBits {
		if !m.hidden[l] {
			mask |= bit
		}
	}
	return mask
}

// Home fits the view to the extent of the store's features. Before the
// extent has been read, or before the map has a size, it does so as soon
// as both are known.
func (m *Map) Home() {
	m.mu.Lock()
	if m.data == nil || m.view.Width <= 0 || m.view.Height <= 0 {
		m.homeWanted = true
		m.mu.Unlock()
		return
	}
	m.homeWanted = false
	m.autoFit = true
	if m.data.found {
		v := viewport.Fit(m.data.extent, m.view.Width, m.view.Height, homePad)
		v.Zoom = math.Min(v.Zoom, homeZoom)
		v.Scale = m.view.Scale
		m.view = clampView(v)
	}
	m.viewSet = true
	m.mu.Unlock()
	m.viewChanged()
}

// FlyTo centres the view on p (longitude, latitude) at zoom.
func (m *Map) FlyTo(p orb.Point, zoom float64) {
	m.mu.Lock()
	v := m.view
	v.Center, v.Zoom = p, zoom
	m.view = clampView(v)
	m.viewSet = true
	m.homeWanted = false
	m.autoFit = false
	m.mu.Unlock()
	m.viewChanged()
}

// View returns the current view.
func (m *Map) View() viewport.Viewport {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.view
}

// Selected returns the selected feature; the zero Selection when none is.
func (m *Map) Selected() Selection {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sel
}

// Select highlights feature fid of layer, as a click on it would, but
// without calling OnSelect. Select("", 0) clears the selection. Only the
// safety layers can be selected.
func (m *Map) Select(layer string, fid int64) {
	m.mu.Lock()
	switch {
	case layer == "":
		m.sel = Selection{}
	case m.data == nil:
		m.sel = Selection{Layer: layer, FID: fid} // resolved when loaded
	default:
		m.sel = m.data.find(layer, fid)
	}
	m.mu.Unlock()
	m.Refresh()
}

// find returns the selection of feature fid of layer, or the zero
// Selection when there is no such feature.
func (d *overlayData) find(layer string, fid int64) Selection {
	if it, ok := d.point(layer, fid); ok {
		return Selection{Layer: layer, FID: fid, Feature: it.feature}
	}
	if it, ok := d.shape(layer, fid); ok {
		return Selection{Layer: layer, FID: fid, Feature: it.feature}
	}
	return Selection{}
}

// SetTool chooses what clicks do, and clears any measurement.
func (m *Map) SetTool(t Tool) {
	m.mu.Lock()
	m.tool = t
	m.measured = nil
	m.mu.Unlock()
	m.Refresh()
}

// Tool returns the current tool.
func (m *Map) Tool() Tool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tool
}

// SetTileURL shows tiles from an XYZ tile server above the basemap, for
// example "https://tile.openstreetmap.org/{z}/{x}/{y}.png" ({z}, {x}, {y},
// {-y} and {s} are filled in); "" shows none. Tiles are fetched in the
// background and kept in the store's "remote_tiles" set; where they cannot
// be fetched the basemap drawn from the store shows.
func (m *Map) SetTileURL(template string) {
	m.mu.Lock()
	m.tileURL = template
	if m.eng != nil {
		m.eng.setRemote(template)
	}
	m.mu.Unlock()
	m.Refresh()
}

// SetDark draws the map in its dark (true) or light (false) style. Until
// it is called the map follows the theme's variant.
func (m *Map) SetDark(dark bool) {
	m.mu.Lock()
	m.dark = 1
	if dark {
		m.dark = 2
	}
	m.mu.Unlock()
	m.Refresh()
}

// isDark reports whether to draw dark; m.mu is held.
func (m *Map) isDark() bool {
	switch m.dark {
	case 1:
		return false
	case 2:
		return true
	}
	return ThemeIsDark()
}

// ThemeIsDark reports whether the app's theme draws dark: its own fixed
// variant when it has one (ui/theme's ForcedVariant), else the system's.
// Call it on the Fyne goroutine.
func ThemeIsDark() bool {
	a := fyne.CurrentApp()
	if a == nil {
		return false
	}
	// The theme may fix its own variant whatever the system's.
	st := a.Settings()
	if f, ok := st.Theme().(interface {
		ForcedVariant() (fyne.ThemeVariant, bool)
	}); ok {
		if v, forced := f.ForcedVariant(); forced {
			return v == theme.VariantDark
		}
	}
	return st.ThemeVariant() == theme.VariantDark
}

// WaitIdle blocks until every tile and drawing asked for so far is ready
// and shown, or a minute has passed, and reports which. It is for tests
// and benchmarks: in a running app it must not be called on the Fyne
// goroutine, which the work it waits for needs.
func (m *Map) WaitIdle() bool {
	if m.ui == nil {
		return m.work.wait(time.Minute)
	}
	deadline := time.After(time.Minute)
	for {
		for drained := false; !drained; {
			select {
			case fn := <-m.ui:
				fn()
			default:
				drained = true
			}
		}
		if m.work.idle() {
			return true
		}
		select {
		case fn := <-m.ui:
			fn()
		case <-time.After(2 * time.Millisecond):
		case <-deadline:
			return false
		}
	}
}

// MemoryLimit is the soft limit on the Go heap the app sets for itself
// (runtime/debug.SetMemoryLimit) unless GOMEMLIMIT says otherwise: near
// it the collector works harder instead of letting the heap grow, which
// keeps a map of a whole city well under 300 MB resident on a busy
// machine.
const MemoryLimit = 192 << 20

// RunHandedOff runs, on the caller's goroutine, the work the map handed
// over since the last call and returns how many pieces it ran, without
// waiting for more. Only for maps made after TestHandOff(true); a no-op
// otherwise.
func (m *Map) RunHandedOff() int {
	n := 0
	for m.ui != nil {
		select {
		case fn := <-m.ui:
			fn()
			n++
		default:
			return n
		}
	}
	return n
}

// setView changes the view after an interaction.
func (m *Map) setView(f func(viewport.Viewport) viewport.Viewport) {
	m.mu.Lock()
	m.view = clampView(f(m.view))
	m.viewSet = true
	m.homeWanted = false
	m.autoFit = false
	m.mu.Unlock()
	m.viewChanged()
}

func (m *Map) viewChanged() {
	m.Refresh()
	if m.OnViewChanged != nil {
		m.OnViewChanged(m.View())
	}
}

func clampView(v viewport.Viewport) viewport.Viewport {
	v.Zoom = math.Max(minZoom, math.Min(maxZoom, v.Zoom))
	return v
}

// measurement computes the measurement of the points so far.
func measurement(t Tool, pts []orb.Point) Measurement {
	out := Measurement{Tool: t, Points: append([]orb.Point(nil), pts...)}
	for i := 1; i < len(pts); i++ {
		out.Distance += geo.Distance(pts[i-1], pts[i])
	}
	if t == ToolMeasureArea && len(pts) >= 3 {
		out.Distance += geo.Distance(pts[len(pts)-1], pts[0])
		ring := append(orb.Ring(nil), pts...)
		ring = append(ring, pts[0])
		out.Area = math.Abs(geo.Area(orb.Polygon{ring}))
	}
	return out
}

// requestOverlay asks the overlay goroutine to draw job, replacing any
// drawing it has not started yet. After Close it does nothing: no
// goroutine is left to draw, and work counted then would never be done.
func (m *Map) requestOverlay(job overlayJob) {
	if m.ctx.Err() != nil {
		return
	}
	m.ovMu.Lock()
	if m.ovNext == nil {
		m.work.add(1)
	}
	m.ovNext = &job
	m.ovMu.Unlock()
	select {
	case m.ovKick <- struct{}{}:
	default:
	}
}

// overlayLoop draws the safety layers for the latest view asked for.
func (m *Map) overlayLoop() {
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-m.ovKick:
		}
		m.ovMu.Lock()
		job := m.ovNext
		m.ovNext = nil
		m.ovMu.Unlock()
		if job == nil {
			continue
		}
		img := drawOverlay(*job, m.spare.take())
		m.pump.send(func() {
			defer m.work.done(1)
			m.mu.Lock()
			old := m.frame.img
			if m.data == job.data || m.data != nil && job.data != nil && m.data.base() == job.data.base() {
				// The same data, or a feature of it dragged since: the
				// drawing shows what is there until the next one comes.
				m.frame = overlayFrame{img: img, view: job.view}
			} else {
				old = img
			}
			m.mu.Unlock()
			m.Refresh()
			// No longer shown: the next drawing may reuse its pixels.
			if o, ok := old.(*image.RGBA); ok && o != nil {
				m.spare.put(o)
			}
		})
	}
}

package mapview

import (
	"math"
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

// Dragged pans the map with the pointer.
func (m *Map) Dragged(e *fyne.DragEvent) {
	m.clearTip()
	m.setView(func(v viewport.Viewport) viewport.Viewport {
		return v.Pan(float64(e.Dragged.DX), float64(e.Dragged.DY))
	})
}

// DragEnd is part of fyne.Draggable.
func (m *Map) DragEnd() {}

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

// Cursor is part of desktop.Cursorable: a crosshair while measuring.
func (m *Map) Cursor() desktop.Cursor {
	if m.Tool() != ToolPan {
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
	name, code, kind := describe(h.sel.Feature)
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
		"status":   "online offline maintenance",
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

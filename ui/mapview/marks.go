package mapview

import (
	"image/color"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/paulmach/orb"

	"safetynet/geo/viewport"
)

// Mark is a numbered marker drawn over everything else on the map: a
// drill inject at its place.
type Mark struct {
	// ID names the mark; the function given to SetMarks reports it.
	ID string
	// At is the mark's place, longitude/latitude (EPSG:4326).
	At orb.Point
	// Text is drawn inside the mark: a few characters ("5-A").
	Text string
	// Colour fills the mark.
	Colour color.NRGBA
	// Selected marks are drawn larger, with a halo, above the others.
	Selected bool
}

// PickFunc receives the place clicked while picking (longitude/latitude)
// and the feature there, or the zero Selection.
type PickFunc func(lonlat orb.Point, sel Selection)

// markLayer holds the marks and the pick waiting for a click; mu guards
// it apart from the map's own lock.
type markLayer struct {
	mu    sync.Mutex
	marks []Mark
	onTap func(id string)
	pick  PickFunc
}

// markSize is a mark's diameter, logical pixels; a selected one is
// markSize+6.
const markSize = 24

// SetMarks shows marks (copied; nil for none) and calls onTap (may be
// nil) with the ID of the mark clicked. Marks lie above the live layer
// and the features, and take their clicks.
func (m *Map) SetMarks(marks []Mark, onTap func(id string)) {
	m.marks.mu.Lock()
	m.marks.marks = append([]Mark(nil), marks...)
	m.marks.onTap = onTap
	m.marks.mu.Unlock()
	m.Refresh()
}

// Marks returns the marks shown.
func (m *Map) Marks() []Mark {
	m.marks.mu.Lock()
	defer m.marks.mu.Unlock()
	return append([]Mark(nil), m.marks.marks...)
}

// Pick makes the next click on the map call fn with the place clicked and
// the feature there, instead of selecting, measuring or zooming; nil
// cancels a pick. The pointer is a crosshair meanwhile.
func (m *Map) Pick(fn PickFunc) {
	m.marks.mu.Lock()
	m.marks.pick = fn
	m.marks.mu.Unlock()
}

// Picking tells whether a pick waits for a click.
func (m *Map) Picking() bool {
	m.marks.mu.Lock()
	defer m.marks.mu.Unlock()
	return m.marks.pick != nil
}

// tapMarks answers a click at screen point q while picking or on a mark,
// and reports whether it did.
func (m *Map) tapMarks(q orb.Point) bool {
	m.marks.mu.Lock()
	pick := m.marks.pick
	m.marks.pick = nil
	marks, onTap := m.marks.marks, m.marks.onTap
	m.marks.mu.Unlock()
	v := m.View()
	if pick != nil {
		m.mu.Lock()
		h, _ := m.data.hitTest(v, m.visibleLayers(), q)
		m.mu.Unlock()
		sel := h.sel
		if len(h.cluster) > 0 {
			sel = Selection{}
		}
		pick(v.ToLonLat(q), sel)
		return true
	}
	best, bestD := -1, math.Inf(1)
	for i, mk := range marks {
		p := v.ToScreen(mk.At)
		d := math.Hypot(p[0]-q[0], p[1]-q[1])
		r := markSize/2 + 2.0
		if mk.Selected {
			r += 3
		}
		if d <= r && (d < bestD || mk.Selected) {
			best, bestD = i, d
		}
	}
	if best < 0 {
		return false
	}
	if onTap != nil {
		onTap(marks[best].ID)
	}
	return true
}

// markObjects are the renderer's canvas objects for the marks, reused.
type markObjects struct {
	discs  []*canvas.Circle
	halos  []*canvas.Circle
	labels []*canvas.Text
}

// placeMarks places the marks in view v, the selected ones last.
func (r *renderer) placeMarks(v viewport.Viewport) []fyne.CanvasObject {
	r.m.marks.mu.Lock()
	marks := append([]Mark(nil), r.m.marks.marks...)
	r.m.marks.mu.Unlock()
	if len(marks) == 0 {
		return nil
	}
	mo := &r.marks
	for len(mo.discs) < len(marks) {
		mo.discs = append(mo.discs, canvas.NewCircle(color.White))
		mo.halos = append(mo.halos, canvas.NewCircle(color.Transparent))
		t := canvas.NewText("", color.White)
		t.TextStyle.Bold = true
		mo.labels = append(mo.labels, t)
	}
	var objs, top []fyne.CanvasObject
	for i, mk := range marks {
		if !validLonLat(mk.At) {
			continue
		}
		p := v.ToScreen(mk.At)
		x, y := float32(p[0]), float32(p[1])
		if x < -markSize || y < -markSize || float64(x) > v.Width+markSize || float64(y) > v.Height+markSize {
			continue
		}
		d := float32(markSize)
		if mk.Selected {
			d += 6
		}
		disc := mo.discs[i]
		disc.FillColor = mk.Colour
		disc.StrokeColor = color.White
		disc.StrokeWidth = 2
		disc.Move(fyne.NewPos(x-d/2, y-d/2))
		disc.Resize(fyne.NewSize(d, d))
		l := mo.labels[i]
		l.Text = mk.Text
		l.Color = contrast(mk.Colour)
		l.TextSize = float32(math.Max(9, 13-1.5*math.Max(0, float64(len(mk.Text)-2))))
		ls := l.MinSize()
		l.Move(fyne.NewPos(x-ls.Width/2, y-ls.Height/2))
		disc.Refresh()
		l.Refresh()
		if !mk.Selected {
			objs = append(objs, disc, l)
			continue
		}
		h := mo.halos[i]
		h.FillColor = color.Transparent
		h.StrokeColor = color.NRGBA{0x10, 0x10, 0x10, 0xE0}
		h.StrokeWidth = 3
		h.Move(fyne.NewPos(x-d/2-4, y-d/2-4))
		h.Resize(fyne.NewSize(d+8, d+8))
		h.Refresh()
		top = append(top, h, disc, l)
	}
	return append(objs, top...)
}

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
// drill inject at its place, as a pin: a numbered head on a stem.
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

// markSize is the diameter of a mark's head, logical pixels; a selected
// one's is markSize+6.
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
	for _, pm := range layoutMarks(v, marks) {
		d := math.Hypot(pm.hx-q[0], pm.hy-q[1])
		if f := math.Hypot(pm.x-q[0], pm.y-q[1]); f <= 8 && f < d {
			d = f // the foot, at the place itself
		} else if d > pm.d/2+2 {
			continue
		}
		if d < bestD {
			best, bestD = pm.i, d
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
	heads, halos, feet []*canvas.Circle
	stems              []*canvas.Line
	labels             []*canvas.Text
}

// placedMark is a mark as drawn: its place on screen and its head's
// centre and diameter. Heads stand above their places on short stems, so
// that marks read as pins, unlike the round and square symbols of the
// layers below; marks at one place fan out side by side.
type placedMark struct {
	i         int
	x, y      float64 // the place
	hx, hy, d float64 // the head
}

// layoutMarks places marks in view v, in order.
func layoutMarks(v viewport.Viewport, marks []Mark) []placedMark {
	out := make([]placedMark, 0, len(marks))
	type key struct{ x, y int }
	groups := map[key][]int{}
	var order []key
	for i, mk := range marks {
		if !validLonLat(mk.At) {
			continue
		}
		p := v.ToScreen(mk.At)
		d := float64(markSize)
		if mk.Selected {
			d += 6
		}
		out = append(out, placedMark{i: i, x: p[0], y: p[1], hx: p[0], hy: p[1] - d/2 - markStem, d: d})
		k := key{int(math.Round(p[0] / 6)), int(math.Round(p[1] / 6))}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], len(out)-1)
	}
	for _, k := range order {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		w := 0.0
		for _, j := range g {
			w += out[j].d + 2
		}
		x := out[g[0]].x - w/2
		for _, j := range g {
			out[j].hx = x + out[j].d/2 + 1
			out[j].hy -= 4 // a longer stem, slanting to the head
			x += out[j].d + 2
		}
	}
	return out
}

// markStem is the length of a mark's stem, logical pixels.
const markStem = 9

// placeMarks places the marks in view v, the selected ones last.
func (r *renderer) placeMarks(v viewport.Viewport) []fyne.CanvasObject {
	r.m.marks.mu.Lock()
	marks := append([]Mark(nil), r.m.marks.marks...)
	r.m.marks.mu.Unlock()
	if len(marks) == 0 {
		return nil
	}
	mo := &r.marks
	for len(mo.heads) < len(marks) {
		mo.heads = append(mo.heads, canvas.NewCircle(color.White))
		mo.halos = append(mo.halos, canvas.NewCircle(color.Transparent))
		mo.feet = append(mo.feet, canvas.NewCircle(color.White))
		mo.stems = append(mo.stems, canvas.NewLine(color.White))
		t := canvas.NewText("", color.White)
		t.TextStyle.Bold = true
		mo.labels = append(mo.labels, t)
	}
	dark := color.NRGBA{0x14, 0x14, 0x18, 0xE6}
	var objs, top []fyne.CanvasObject
	for _, pm := range layoutMarks(v, marks) {
		i, mk := pm.i, marks[pm.i]
		if pm.x < -2*markSize || pm.y < -markSize || pm.x > v.Width+2*markSize || pm.y > v.Height+3*markSize {
			continue
		}
		hx, hy, d := pm.hx, pm.hy, pm.d
		x, y := float32(pm.x), float32(pm.y)
		foot := mo.feet[i]
		foot.FillColor, foot.StrokeColor, foot.StrokeWidth = mk.Colour, color.White, 1.5
		foot.Move(fyne.NewPos(x-3.5, y-3.5))
		foot.Resize(fyne.NewSize(7, 7))
		stem := mo.stems[i]
		stem.StrokeColor, stem.StrokeWidth = dark, 2
		stem.Position1, stem.Position2 = fyne.NewPos(float32(hx), float32(hy+d/2)), fyne.NewPos(x, y-3)
		head := mo.heads[i]
		head.FillColor, head.StrokeColor, head.StrokeWidth = mk.Colour, color.White, 2
		head.Move(fyne.NewPos(float32(hx-d/2), float32(hy-d/2)))
		head.Resize(fyne.NewSize(float32(d), float32(d)))
		halo := mo.halos[i]
		halo.FillColor, halo.StrokeColor, halo.StrokeWidth = color.Transparent, dark, 1.5
		g := float32(1.5)
		if mk.Selected {
			g = 4
			halo.StrokeWidth = 3
		}
		halo.Move(fyne.NewPos(float32(hx-d/2)-g, float32(hy-d/2)-g))
		halo.Resize(fyne.NewSize(float32(d)+2*g, float32(d)+2*g))
		l := mo.labels[i]
		l.Text = mk.Text
		l.Color = contrast(mk.Colour)
		l.TextSize = float32(math.Max(9, 13-1.5*math.Max(0, float64(len(mk.Text)-2))))
		ls := l.MinSize()
		l.Move(fyne.NewPos(float32(hx)-ls.Width/2, float32(hy)-ls.Height/2))
		for _, o := range []fyne.CanvasObject{foot, stem, halo, head, l} {
			o.Refresh()
		}
		if mk.Selected {
			top = append(top, stem, foot, halo, head, l)
		} else {
			objs = append(objs, stem, foot, halo, head, l)
		}
	}
	return append(objs, top...)
}

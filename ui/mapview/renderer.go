package mapview

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"safetynet/data/store"
	"safetynet/geo/viewport"
	"safetynet/icons"
)

// renderer places the map's canvas objects: the tiles that are ready, the
// overlay drawing, the measurement, the scale bar, the north arrow, the
// attribution and the tooltip. It holds only canvas objects.
type renderer struct {
	m *Map

	mu      sync.Mutex // Fyne's test driver may refresh from two goroutines
	bg      *canvas.Rectangle
	tiles   map[tileKey]*canvas.Image
	overlay *canvas.Image
	lines   []*canvas.Line
	dots    []*canvas.Circle
	mLabel  *canvas.Text
	mBack   *canvas.Rectangle

	scaleBack  *canvas.Rectangle
	scaleBar   *canvas.Rectangle
	scaleTicks [2]*canvas.Rectangle
	scaleText  *canvas.Text
	north      *canvas.Image
	attrBack   *canvas.Rectangle
	attr       *canvas.Text
	tipBack    *canvas.Rectangle
	tipTitle   *canvas.Text
	tipDetail  *canvas.Text
	live       liveObjects
	marks      markObjects

	objects []fyne.CanvasObject
}

func newRenderer(m *Map) *renderer {
	r := &renderer{
		m:         m,
		bg:        canvas.NewRectangle(light.background),
		tiles:     map[tileKey]*canvas.Image{},
		overlay:   canvas.NewImageFromImage(nil),
		mLabel:    canvas.NewText("", color.Black),
		mBack:     canvas.NewRectangle(color.White),
		scaleBack: canvas.NewRectangle(color.White),
		scaleBar:  canvas.NewRectangle(color.Black),
		scaleText: canvas.NewText("", color.Black),
		north:     canvas.NewImageFromResource(icons.Symbol(icons.NorthArrow)),
		attrBack:  canvas.NewRectangle(color.White),
		attr:      canvas.NewText("© OpenStreetMap contributors", color.Black),
		tipBack:   canvas.NewRectangle(color.Black),
		tipTitle:  canvas.NewText("", color.White),
		tipDetail: canvas.NewText("", color.White),
	}
	r.overlay.FillMode = canvas.ImageFillStretch
	r.overlay.ScaleMode = canvas.ImageScaleFastest
	r.north.FillMode = canvas.ImageFillContain
	for i := range r.scaleTicks {
		r.scaleTicks[i] = canvas.NewRectangle(color.Black)
	}
	r.scaleBack.CornerRadius = 3
	r.attrBack.CornerRadius = 3
	r.mBack.CornerRadius = 3
	r.tipBack.CornerRadius = 4
	r.tipTitle.TextStyle.Bold = true
	r.mLabel.TextStyle.Bold = true
	return r
}

func (r *renderer) Destroy() {}

func (r *renderer) MinSize() fyne.Size { return fyne.NewSize(64, 64) }

func (r *renderer) Objects() []fyne.CanvasObject {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.objects
}

func (r *renderer) Layout(size fyne.Size) {
	r.m.resized(size)
	r.layout(size)
}

func (r *renderer) Refresh() { r.layout(r.m.Size()) }

// resized gives the view the widget's size and the canvas's scale.
func (m *Map) resized(size fyne.Size) {
	scale := 1.0
	if c := fyne.CurrentApp().Driver().CanvasForObject(m); c != nil {
		scale = float64(c.Scale())
	}
	m.mu.Lock()
	w, h := float64(size.Width), float64(size.Height)
	changed := m.view.Width != w || m.view.Height != h || m.view.Scale != scale
	m.view = m.view.WithSize(w, h)
	m.view.Scale = scale
	home := (m.homeWanted || m.autoFit && changed) && m.data != nil && w > 0 && h > 0
	m.mu.Unlock()
	if home {
		m.Home()
	} else if changed && m.OnViewChanged != nil && w > 0 {
		m.OnViewChanged(m.View())
	}
}

// state is what one layout needs of the widget, read under its lock.
type state struct {
	view     viewport.Viewport
	data     *overlayData
	coverage *coverageData
	visible  map[string]bool
	mask     uint8
	dark     bool
	tileURL  string
	sel      Selection
	frame    overlayFrame
	measured []orb.Point
	tool     Tool
	tip      tooltip
	eng      *engine
}

func (m *Map) state() state {
	m.mu.Lock()
	defer m.mu.Unlock()
	return state{
		view: m.view, data: m.data, coverage: m.coverage, visible: m.visibleLayers(), mask: m.baseMask(),
		dark: m.isDark(), tileURL: m.tileURL, sel: m.sel, frame: m.frame,
		measured: m.measured, tool: m.tool, tip: m.tip, eng: m.eng,
	}
}

// overlayKey tells whether the overlay drawing asked for last is still
// the right one.
type overlayKey struct {
	view    viewport.Viewport
	data    *overlayData
	cov     *coverageData
	visible string
	sel     Selection
	dark    bool
}

func (r *renderer) layout(size fyne.Size) {
	st := r.m.state()
	v := st.view
	if size.Width <= 0 || size.Height <= 0 || v.Width <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	pal, col := &light, &lightOverlay
	if st.dark {
		pal, col = &dark, &darkOverlay
	}
	r.bg.FillColor = pal.background
	r.bg.Resize(size)
	objs := []fyne.CanvasObject{r.bg}

	// Tiles: ask for the visible ones and a ring around them, and show
	// those ready, with scaled neighbours in place of those that are not.
	objs = append(objs, r.placeTiles(st)...)

	// The safety layers, as last drawn, moved to the current view; and a
	// new drawing asked for when the view or the content changed.
	if st.data != nil {
		job, key := overlayRequest(st)
		r.m.mu.Lock()
		if r.m.askedKey != key {
			r.m.askedKey = key
			r.m.mu.Unlock()
			r.m.requestOverlay(job)
		} else {
			r.m.mu.Unlock()
		}
	}
	if img, ok := st.frame.img.(*image.RGBA); ok && img != nil {
		fv := st.frame.view
		k := math.Exp2(v.Zoom - fv.Zoom)
		tl := v.MercatorToScreen(fv.ToMercator(orb.Point{0, 0}))
		if r.overlay.Image != img {
			r.overlay.Image = img
			r.overlay.Refresh()
		}
		r.overlay.Move(fyne.NewPos(float32(tl[0]), float32(tl[1])))
		r.overlay.Resize(fyne.NewSize(float32(fv.Width*k), float32(fv.Height*k)))
		objs = append(objs, r.overlay)
	}

	objs = append(objs, r.placeLive(st)...)
	objs = append(objs, r.placeMarks(v)...)
	objs = append(objs, r.placeMeasure(st, col)...)
	objs = append(objs, r.placeDecorations(st, size)...)
	objs = append(objs, r.placeTooltip(st, size)...)
	r.objects = objs
}

// overlayRequest returns the overlay drawing that st needs, and its key.
func overlayRequest(st state) (overlayJob, overlayKey) {
	v := st.view
	job := overlayJob{
		view: v.WithSize(v.Width+2*overlayMargin, v.Height+2*overlayMargin), data: st.data, coverage: st.coverage,
		visible: st.visible, sel: st.sel, dark: st.dark,
	}
	job.view.Scale = v.Scale
	key := overlayKey{job.view, st.data, st.coverage, visibleKey(st.visible), Selection{Layer: st.sel.Layer, FID: st.sel.FID}, st.dark}
	return job, key
}

func visibleKey(vis map[string]bool) string {
	var b strings.Builder
	for _, l := range append(store.LayerNames(), FieldsOfView) {
		if vis[l] {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// tileSize returns the pixel size of tiles for the view's device scale.
func tileSize(v viewport.Viewport) int {
	if v.Scale >= 1.5 {
		return 512
	}
	return 256
}

// placeTiles asks for the tiles of the view and returns the images of
// those ready, placeholders first.
func (r *renderer) placeTiles(st state) []fyne.CanvasObject {
	v := st.view
	e := st.eng
	if e == nil {
		return nil
	}
	size := tileSize(v)
	z := v.TileZoom(size)
	visible := v.Tiles(z)
	around := v.TilesAround(z, 256)
	srcs := []tileKey{{src: srcBase, mask: st.mask, dark: st.dark, size: uint16(size), lang: e.namesLanguage()}}
	if st.tileURL != "" {
		srcs = append(srcs, tileKey{src: srcRemote, size: 256})
	}
	var keys []tileKey
	nVisible := 0
	for _, base := range srcs {
		for _, t := range visible {
			keys = append(keys, base.at(t))
		}
	}
	nVisible = len(keys)
	inView := map[maptile.Tile]bool{}
	for _, t := range visible {
		inView[t] = true
	}
	for _, base := range srcs {
		for _, t := range around {
			if !inView[t] {
				keys = append(keys, base.at(t))
			}
		}
	}
	e.want(keys, nVisible)

	// What to show: ready tiles, else their ready children, else the
	// nearest ready ancestor, drawn beneath.
	type shown struct {
		k   tileKey
		img *image.RGBA
	}
	var under, over []shown
	seen := map[tileKey]bool{}
	for _, base := range srcs {
		var layerUnder, layerOver []shown
		for _, t := range visible {
			k := base.at(t)
			if img := e.peek(k); img != nil {
				layerOver = append(layerOver, shown{k, img})
				continue
			}
			found := false
			if k.z < 22 {
				for i := uint32(0); i < 4; i++ {
					c := k
					c.z, c.x, c.y = k.z+1, 2*k.x+i%2, 2*k.y+i/2
					if img := e.peek(c); img != nil && !seen[c] {
						seen[c] = true
						layerUnder = append(layerUnder, shown{c, img})
						found = true
					}
				}
			}
			a := k
			for d := 0; d < 6 && a.z > 0 && !found; d++ {
				a = a.parent()
				if img := e.peek(a); img != nil {
					if !seen[a] {
						seen[a] = true
						layerUnder = append(layerUnder, shown{a, img})
					}
					found = true
				}
			}
		}
		sort.SliceStable(layerUnder, func(i, j int) bool { return layerUnder[i].k.z < layerUnder[j].k.z })
		under = append(under, layerUnder...)
		under = append(under, layerOver...)
	}
	_ = over
	objs := make([]fyne.CanvasObject, 0, len(under))
	next := make(map[tileKey]*canvas.Image, len(under))
	for _, s := range under {
		img := r.tiles[s.k]
		if img == nil {
			img = canvas.NewImageFromImage(s.img)
			img.FillMode = canvas.ImageFillStretch
			img.ScaleMode = canvas.ImageScaleSmooth
		} else if img.Image != s.img {
			img.Image = s.img
			img.Refresh()
		}
		next[s.k] = img
		a, b := v.TileRect(s.k.tile())
		x0, y0 := math.Round(a[0]), math.Round(a[1])
		x1, y1 := math.Round(b[0]), math.Round(b[1])
		img.Move(fyne.NewPos(float32(x0), float32(y0)))
		img.Resize(fyne.NewSize(float32(x1-x0), float32(y1-y0)))
		objs = append(objs, img)
	}
	r.tiles = next
	return objs
}

// placeMeasure draws the measuring path or polygon and its result.
func (r *renderer) placeMeasure(st state, col *overlayColours) []fyne.CanvasObject {
	pts := st.measured
	if st.tool == ToolPan || len(pts) == 0 {
		return nil
	}
	v := st.view
	var objs []fyne.CanvasObject
	n := len(pts) - 1
	if st.tool == ToolMeasureArea && len(pts) >= 3 {
		n = len(pts)
	}
	for len(r.lines) < n {
		l := canvas.NewLine(col.measure)
		r.lines = append(r.lines, l)
	}
	for len(r.dots) < len(pts) {
		r.dots = append(r.dots, canvas.NewCircle(color.White))
	}
	for i := 0; i < n; i++ {
		a, b := v.ToScreen(pts[i]), v.ToScreen(pts[(i+1)%len(pts)])
		l := r.lines[i]
		l.StrokeColor = col.measure
		l.StrokeWidth = 2.5
		l.Position1 = fyne.NewPos(float32(a[0]), float32(a[1]))
		l.Position2 = fyne.NewPos(float32(b[0]), float32(b[1]))
		l.Refresh()
		objs = append(objs, l)
	}
	for i, p := range pts {
		q := v.ToScreen(p)
		d := r.dots[i]
		d.FillColor = color.White
		d.StrokeColor = col.measure
		d.StrokeWidth = 2
		d.Move(fyne.NewPos(float32(q[0])-4, float32(q[1])-4))
		d.Resize(fyne.NewSize(8, 8))
		objs = append(objs, d)
	}
	ms := measurement(st.tool, pts)
	text := formatDistance(ms.Distance)
	if st.tool == ToolMeasureArea {
		text = formatArea(ms.Area) + " · " + text
	}
	r.mLabel.Text = text
	r.mLabel.TextSize = theme.TextSize()
	r.mLabel.Color = okBlack
	r.mLabel.Refresh()
	ts := r.mLabel.MinSize()
	last := v.ToScreen(pts[len(pts)-1])
	at := fyne.NewPos(float32(last[0])+10, float32(last[1])-ts.Height-8)
	r.mBack.FillColor = color.NRGBA{0xFF, 0xFF, 0xFF, 0xE6}
	r.mBack.Move(at.SubtractXY(5, 2))
	r.mBack.Resize(ts.AddWidthHeight(10, 4))
	r.mLabel.Move(at)
	objs = append(objs, r.mBack, r.mLabel)
	return objs
}

// placeDecorations places the scale bar, the north arrow and the
// attribution.
func (r *renderer) placeDecorations(st state, size fyne.Size) []fyne.CanvasObject {
	v := st.view
	fg, back := color.Color(okBlack), color.Color(color.NRGBA{0xFF, 0xFF, 0xFF, 0xC8})
	if st.dark {
		fg, back = color.NRGBA{0xE8, 0xE8, 0xE8, 0xFF}, color.NRGBA{0x10, 0x12, 0x14, 0xC8}
	}
	small := theme.CaptionTextSize()
	var objs []fyne.CanvasObject

	// Scale bar: the longest round length up to 120 pixels.
	mpp := v.MetresPerPixel()
	metres, px := niceLength(mpp, 120)
	r.scaleText.Text = formatDistance(metres)
	r.scaleText.TextSize = small
	r.scaleText.Color = fg
	r.scaleText.Refresh()
	ts := r.scaleText.MinSize()
	x0, y0 := float32(12), size.Height-12
	bw := float32(px)
	r.scaleBack.FillColor = back
	r.scaleBack.Move(fyne.NewPos(x0-6, y0-ts.Height-12))
	r.scaleBack.Resize(fyne.NewSize(max(bw, ts.Width)+12, ts.Height+16))
	r.scaleBar.FillColor = fg
	r.scaleBar.Move(fyne.NewPos(x0, y0-3))
	r.scaleBar.Resize(fyne.NewSize(bw, 2))
	for i, t := range r.scaleTicks {
		t.FillColor = fg
		t.Move(fyne.NewPos(x0+float32(i)*bw-1, y0-8))
		t.Resize(fyne.NewSize(2, 7))
	}
	r.scaleText.Move(fyne.NewPos(x0+2, y0-ts.Height-6))
	objs = append(objs, r.scaleBack, r.scaleBar, r.scaleTicks[0], r.scaleTicks[1], r.scaleText)

	// North arrow: the map is never rotated, so north is up.
	r.north.Move(fyne.NewPos(size.Width-34, 12))
	r.north.Resize(fyne.NewSize(22, 30))
	objs = append(objs, r.north)

	// Attribution whenever OpenStreetMap data is on show.
	osm := st.tileURL != "" || st.eng != nil && st.eng.osm.Load() || st.data != nil && st.data.osm
	if osm {
		r.attr.TextSize = small
		r.attr.Color = fg
		r.attr.Refresh()
		as := r.attr.MinSize()
		r.attrBack.FillColor = back
		r.attrBack.Move(fyne.NewPos(size.Width-as.Width-12, size.Height-as.Height-8))
		r.attrBack.Resize(as.AddWidthHeight(8, 4))
		r.attr.Move(fyne.NewPos(size.Width-as.Width-8, size.Height-as.Height-6))
		objs = append(objs, r.attrBack, r.attr)
	}
	return objs
}

// placeTooltip places the hover label beside the pointer, inside the map.
func (r *renderer) placeTooltip(st state, size fyne.Size) []fyne.CanvasObject {
	t := st.tip
	if t.title == "" {
		return nil
	}
	r.tipTitle.Text = t.title
	r.tipTitle.TextSize = theme.TextSize()
	r.tipTitle.Color = color.White
	r.tipTitle.Refresh()
	r.tipDetail.Text = t.detail
	r.tipDetail.TextSize = theme.CaptionTextSize()
	r.tipDetail.Color = color.NRGBA{0xDD, 0xDD, 0xDD, 0xFF}
	r.tipDetail.Refresh()
	a, b := r.tipTitle.MinSize(), r.tipDetail.MinSize()
	if t.detail == "" {
		b = fyne.Size{}
	}
	w, h := max(a.Width, b.Width)+16, a.Height+b.Height+10
	x, y := float32(t.at[0])+14, float32(t.at[1])+14
	if x+w > size.Width-4 {
		x = float32(t.at[0]) - 14 - w
	}
	if y+h > size.Height-4 {
		y = float32(t.at[1]) - 14 - h
	}
	x, y = max(4, x), max(4, y)
	r.tipBack.FillColor = color.NRGBA{0x1A, 0x1A, 0x1A, 0xE6}
	r.tipBack.Move(fyne.NewPos(x, y))
	r.tipBack.Resize(fyne.NewSize(w, h))
	r.tipTitle.Move(fyne.NewPos(x+8, y+5))
	r.tipDetail.Move(fyne.NewPos(x+8, y+5+a.Height))
	objs := []fyne.CanvasObject{r.tipBack, r.tipTitle}
	if t.detail != "" {
		objs = append(objs, r.tipDetail)
	}
	return objs
}

// niceLength returns the longest length of 1, 2 or 5 times a power of ten
// metres that is at most maxPx pixels long, and its length in pixels.
func niceLength(mpp, maxPx float64) (metres, px float64) {
	if mpp <= 0 || math.IsNaN(mpp) {
		return 0, 0
	}
	limit := mpp * maxPx
	p := math.Pow(10, math.Floor(math.Log10(limit)))
	for _, f := range []float64{5, 2, 1} {
		if f*p <= limit {
			return f * p, f * p / mpp
		}
	}
	return p, p / mpp
}

// formatDistance writes metres as "850 m" or "1.2 km".
func formatDistance(m float64) string {
	switch {
	case m >= 10000:
		return fmt.Sprintf("%.0f km", m/1000)
	case m >= 1000:
		return fmt.Sprintf("%.1f km", m/1000)
	case m >= 10:
		return fmt.Sprintf("%.0f m", m)
	}
	return fmt.Sprintf("%.1f m", m)
}

// formatArea writes square metres as "850 m²", "1.25 ha" or "3.1 km²".
func formatArea(a float64) string {
	switch {
	case a >= 1e6:
		return fmt.Sprintf("%.2f km²", a/1e6)
	case a >= 1e4:
		return fmt.Sprintf("%.2f ha", a/1e4)
	}
	return fmt.Sprintf("%.0f m²", a)
}

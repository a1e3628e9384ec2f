package app

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/geo/placement"
	"safetynet/geo/viewport"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

// planRow is one key area in the plan's table.
type planRow struct {
	code, name, level                     string
	camera, patrol, extinguisher, nothing float64 // fractions
	bound                                 orb.Bound
}

// planResult is what a plan computation hands back to the window.
type planResult struct {
	cov    *mapview.Coverage
	rows   []planRow
	levels []string // level names, lowest first
	err    error

	// The model and what the coverage is made of, for editing cameras.
	sc              *scene.Scene
	model           *coverage.Model
	under, ext, gap []mapview.Shape            // patrols under the camera zones; fire reach and gaps over them
	zones           map[string][]mapview.Shape // by camera ID
	names           map[string]string          // key-area names by ID
	bounds          map[string]orb.Bound       // key-area bounds by ID
	levelIndex      map[string]int
	lonlat          func(orb.Geometry) orb.MultiPolygon
	camIDs          map[int64]string // the model's camera IDs by store fid
	fids            map[string]int64 // and back
	left            int              // features left out, far from the community
	cell            float64          // the raster cell used, metres
	cellChosen      bool             // chosen larger than 0.5 m for the extent
}

// computePlan loads s into a coverage model, counting offline and planned
// cameras as a plan does, and returns its layers in longitude/latitude and its key
// areas, on cells of cell metres (0: chosen for the extent). It runs in
// the background.
func computePlan(ctx context.Context, s *store.Store, language string, cell float64) planResult {
	sc, err := scene.Load(ctx, s)
	if err != nil {
		return planResult{err: err}
	}
	if err := ctx.Err(); err != nil {
		return planResult{err: err}
	}
	m, err := sc.Model(coverage.Options{IncludeOffline: true, Cell: cell})
	if err != nil {
		return planResult{err: err}
	}
	if err := ctx.Err(); err != nil {
		return planResult{err: err}
	}
	all := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	names := map[string]string{}
	if ks, err := s.KeyAreas(ctx, all); err == nil {
		for _, k := range ks {
			id := k.Code
			if id == "" {
				id = fmt.Sprintf("%s/%d", store.KeyAreas, k.FID)
			}
			names[id] = k.Label(language)
		}
	}
	lonlat := func(g orb.Geometry) orb.MultiPolygon {
		switch g := sc.ToLonLat(g).(type) {
		case orb.MultiPolygon:
			return g
		case orb.Polygon:
			return orb.MultiPolygon{g}
		}
		return nil
	}

	r := planResult{sc: sc, model: m, names: names, lonlat: lonlat, left: sc.Left, cell: m.Grid().Cell, cellChosen: m.CellNote() != "",
		zones: map[string][]mapview.Shape{}, bounds: map[string]orb.Bound{}, levelIndex: map[string]int{},
		camIDs: map[int64]string{}, fids: map[string]int64{}}
	for _, c := range sc.Scene.Cameras {
		if fid, ok := sc.FID(store.Cameras, c.ID); ok {
			if _, ok := m.Camera(c.ID); ok {
				r.camIDs[fid], r.fids[c.ID] = c.ID, fid
			}
		}
	}
	for i, l := range m.Levels() {
		r.levels = append(r.levels, l.Name)
		r.levelIndex[l.Name] = i
	}
	if p := m.Outline(coverage.PatrolLayer); len(p) > 0 {
		r.under = append(r.under, mapview.Shape{Polygon: lonlat(p), Fill: mapview.Plan().PatrolFill})
	}
	for _, id := range m.CameraIDs() {
		r.zones[id] = r.cameraShapes(id)
	}
	if p := m.Outline(coverage.ExtinguisherLayer); len(p) > 0 {
		pc := mapview.Plan()
		r.ext = append(r.ext, mapview.Shape{Polygon: lonlat(p), Fill: pc.ReachFill, Stroke: pc.ReachStroke})
	}
	r.gap = r.gapShapes()
	r.cov = r.coverage()
	for _, k := range sc.Scene.KeyAreas {
		if len(k.Area) > 0 {
			r.bounds[k.ID] = sc.ToLonLat(k.Area).Bound()
		}
	}
	r.rows = r.keyAreas()
	return r
}

// cameraShapes returns camera id's zones, coloured by level.
func (r *planResult) cameraShapes(id string) []mapview.Shape {
	zones, _ := r.model.Zones(id)
	var out []mapview.Shape
	for _, z := range zones {
		out = append(out, mapview.Shape{Polygon: r.lonlat(z.Area), Level: r.levelIndex[z.Level.Name] + 1})
	}
	return out
}

// gapShapes returns the gap layer.
func (r *planResult) gapShapes() []mapview.Shape {
	if p := r.model.Outline(coverage.GapLayer); len(p) > 0 {
		pc := mapview.Plan()
		return []mapview.Shape{{Polygon: r.lonlat(p), Fill: pc.GapFill, Stroke: pc.GapStroke}}
	}
	return nil
}

// coverage puts the layers together in drawing order.
func (r *planResult) coverage() *mapview.Coverage {
	cov := &mapview.Coverage{Shapes: append([]mapview.Shape(nil), r.under...)}
	for _, id := range r.model.CameraIDs() {
		cov.Shapes = append(cov.Shapes, r.zones[id]...)
	}
	cov.Shapes = append(cov.Shapes, r.ext...)
	cov.Shapes = append(cov.Shapes, r.gap...)
	return cov
}

// keyAreas returns the table's rows from the model.
func (r *planResult) keyAreas() []planRow {
	var rows []planRow
	for _, a := range r.model.KeyAreas() {
		row := planRow{
			code: a.Code, name: a.Name, level: a.Level, bound: r.bounds[a.ID],
			camera: a.Camera, patrol: a.Patrol, extinguisher: a.Extinguisher, nothing: a.Nothing,
		}
		if n, ok := r.names[a.ID]; ok && n != "" {
			row.name = n
		}
		rows = append(rows, row)
	}
	return rows
}

// planPanel shows plan mode: the toggle, progress, Suggest and a one-line
// status in the top bar; under the map the key areas' coverage (or the
// suggested cameras); in the layer panel the legend of the plan's layers.
// Its methods run on the Fyne goroutine.
type planPanel struct {
	toggle    *widget.Check
	progress  *widget.ProgressBarInfinite
	status    *widget.Label // one line in the top bar: what the plan is doing, or a refusal
	table     *widget.Table
	empty     *widget.Label // in place of the table when it has no rows
	legend    *fyne.Container
	legendBox *fyne.Container // the legend with its title, for the layer panel
	keyAreas  *fyne.Container // the table, or what stands in for it
	box       *fyne.Container // keyAreas, or the suggestions
	rows      []planRow
	onRow     func(planRow)
	suggest   *widget.Button
	// suggestions are the cameras suggested last, shown in place of the table.
	suggestions []placement.Suggestion
	sugg        *suggestionList
}

// planColumns are the table's column headers.
func planColumns() []string {
	return []string{lang.L("Code"), lang.L("Name"), lang.L("Required level"),
		lang.L("% at level"), lang.L("% patrol"), lang.L("% extinguisher"), lang.L("% nothing")}
}

var planWidths = []float32{90, 200, 110, 90, 80, 110, 90}

// planRowsShown is how many of the table's rows plan mode keeps in
// sight below the map, at any window size from 1280×800 up.
const planRowsShown = 6

// newCompactCell returns a table cell: one line of text with less
// padding than a label, so that a short table shows more rows.
func newCompactCell(bold bool) *fyne.Container {
	t := canvas.NewText("", fynetheme.Color(fynetheme.ColorNameForeground))
	t.TextStyle.Bold = bold
	return container.New(layout.NewCustomPaddedLayout(0, 0, fynetheme.InnerPadding(), fynetheme.InnerPadding()), t)
}

// setCompactCell shows s in cell o of a column w wide; text too wide for
// the column ends in an ellipsis.
func setCompactCell(o fyne.CanvasObject, s string, w float32) {
	c, ok := o.(*fyne.Container)
	if !ok || len(c.Objects) != 1 {
		return
	}
	t, ok := c.Objects[0].(*canvas.Text)
	if !ok {
		return
	}
	t.Color = fynetheme.Color(fynetheme.ColorNameForeground)
	t.TextSize = fynetheme.TextSize()
	t.Text = fitText(s, w-2*fynetheme.InnerPadding(), t.TextSize, t.TextStyle)
	t.Refresh()
}

// fitText returns s, or as much of it as fits in w followed by "…".
func fitText(s string, w, size float32, style fyne.TextStyle) string {
	if w <= 0 || fyne.MeasureText(s, size, style).Width <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi { // the longest prefix that fits with the ellipsis
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(r[:mid])+"…", size, style).Width <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

func newPlanPanel(onToggle func(bool), onRow func(planRow)) *planPanel {
	p := &planPanel{onRow: onRow}
	p.toggle = widget.NewCheck(lang.L("Plan"), onToggle)
	p.progress = widget.NewProgressBarInfinite()
	p.progress.Stop()
	p.progress.Hide()
	p.status = widget.NewLabel("")
	p.status.Truncation = fyne.TextTruncateEllipsis
	p.status.Importance = widget.WarningImportance
	p.status.Hide()
	p.empty = widget.NewLabel("")
	p.empty.Wrapping = fyne.TextWrapWord
	p.empty.Hide()
	cols := planColumns()
	p.table = widget.NewTable(
		func() (int, int) { return len(p.rows), len(cols) },
		func() fyne.CanvasObject { return newCompactCell(false) },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Col >= 0 && id.Col < len(planWidths) {
				setCompactCell(o, p.cell(id.Row, id.Col), planWidths[id.Col])
			}
		})
	p.table.ShowHeaderRow = true
	p.table.CreateHeader = func() fyne.CanvasObject { return newCompactCell(true) }
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			setCompactCell(o, cols[id.Col], planWidths[id.Col])
		}
	}
	for i, w := range planWidths {
		p.table.SetColumnWidth(i, w)
	}
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.rows) && p.onRow != nil {
			p.onRow(p.rows[id.Row])
		}
	}
	p.legend = container.NewVBox()
	title := widget.NewLabel(lang.L("Plan"))
	title.TextStyle.Bold = true
	p.legendBox = container.NewVBox(title, p.legend, widget.NewSeparator())
	p.legendBox.Hide()
	p.suggest = widget.NewButton(lang.L("Suggest cameras…"), nil)
	p.suggest.Disable()
	p.suggest.Hide()
	p.keyAreas = container.NewStack(p.table, container.NewPadded(p.empty))
	p.box = container.NewStack(p.keyAreas)
	return p
}

// tableHeight returns the height of the table's header and n rows. A
// table's rows are as high as its tallest template, header included,
// and lie a theme padding apart.
func (p *planPanel) tableHeight(n int) float32 {
	row := max(p.table.CreateCell().MinSize().Height, p.table.CreateHeader().MinSize().Height)
	return float32(n+1)*(row+fynetheme.Padding()) + 2
}

// cell returns the text of the table's cell at row, col.
func (p *planPanel) cell(row, col int) string {
	if row < 0 || row >= len(p.rows) {
		return ""
	}
	r := p.rows[row]
	pct := func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }
	switch col {
	case 0:
		return r.code
	case 1:
		return r.name
	case 2:
		return locale.Value(r.level)
	case 3:
		return pct(r.camera)
	case 4:
		return pct(r.patrol)
	case 5:
		return pct(r.extinguisher)
	case 6:
		return pct(r.nothing)
	}
	return ""
}

// say shows text in the top bar's plan status; "" hides it.
func (p *planPanel) say(text string) {
	p.status.SetText(text)
	if text == "" {
		p.status.Hide()
	} else {
		p.status.Show()
	}
}

// showEmpty shows text in place of the table; "" shows the table.
func (p *planPanel) showEmpty(text string) {
	p.empty.SetText(text)
	if text == "" {
		p.empty.Hide()
		p.table.Show()
	} else {
		p.table.Hide()
		p.empty.Show()
	}
}

// busy shows that the plan is being computed, or not.
func (p *planPanel) busy(on bool) {
	if on {
		p.progress.Show()
		p.progress.Start()
		if len(p.rows) == 0 {
			p.showEmpty(lang.L("Computing coverage…"))
		}
		p.say(lang.L("Computing coverage…"))
	} else {
		p.progress.Stop()
		p.progress.Hide()
		p.say("")
	}
}

// show lists the result's key areas and the legend of its layers.
func (p *planPanel) show(r planResult) {
	p.rows = r.rows
	p.table.UnselectAll()
	p.table.Refresh()
	p.legend.Objects = nil
	dark, pc := mapview.ThemeIsDark(), mapview.Plan()
	for i, l := range r.levels {
		p.legend.Add(swatch(mapview.DetailLevelColour(i+1, dark), color.NRGBA{}, locale.Value(l)))
	}
	p.legend.Add(swatch(pc.PatrolFill, color.NRGBA{}, lang.L("patrol in sight")))
	p.legend.Add(swatch(pc.ReachFill, pc.ReachStroke, lang.L("extinguisher reach")))
	p.legend.Add(swatch(pc.GapFill, pc.GapStroke, lang.L("nothing covers")))
	p.legend.Refresh()
	if len(r.rows) == 0 {
		p.showEmpty(lang.L("No key areas: add key areas to see how well they are covered."))
	} else {
		p.showEmpty("")
	}
	p.box.Refresh()
}

// swatch is a line of the plan's legend: a square of the layer's fill
// and stroke, and its name on one compact line.
func swatch(fill, stroke color.NRGBA, text string) fyne.CanvasObject {
	r := canvas.NewRectangle(fill)
	r.StrokeColor, r.StrokeWidth = stroke, 2
	r.CornerRadius = 2
	sw := container.NewGridWrap(fyne.NewSquareSize(16), r)
	t := canvas.NewText(text, fynetheme.Color(fynetheme.ColorNameForeground))
	return container.New(layout.NewCustomPaddedLayout(2, 2, fynetheme.InnerPadding(), 0),
		container.NewBorder(nil, nil, container.NewCenter(sw), nil, t))
}

// SetPlanMode turns plan mode on or off, as the Plan switch in the top
// bar does.
func (x *App) SetPlanMode(on bool) { x.plan.toggle.SetChecked(on) }

// SelectCamera finds the camera whose code or OSM id is code, in the
// background, then centres the map on it and selects it as a click would
// (in plan mode its editor shows once the plan is ready). A code no
// camera has is shown in the status bar.
func (x *App) SelectCamera(code string) {
	s := x.store
	if s == nil {
		return
	}
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, 30*time.Second)
		defer cancel()
		cs, err := s.Cameras(ctx, store.World)
		found := -1
		for i, c := range cs {
			if c.Code == code || c.OSMID == code {
				found = i
				break
			}
		}
		hand(func() {
			if x.store != s {
				return
			}
			switch {
			case err != nil:
				x.ShowError(err)
			case found < 0:
				x.showNotice(lang.L("No camera has the code {{.Code}}.", map[string]any{"Code": code}))
			default:
				c := cs[found]
				x.m.FlyTo(c.Geom, 18.6) // just close enough that cameras are not clustered
				x.m.Select(store.Cameras, c.FID)
				x.selected(mapview.Selection{Layer: store.Cameras, FID: c.FID})
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// Plan mode's share of the window: the layer panel's and the feature
// panel's widths as fractions of the window and of what is right of the
// layer panel, so that the map keeps over 60 % of the window's width.
const (
	planLeftOffset  = 0.15
	planInnerOffset = 0.78
)

// setPlan turns plan mode on or off. In plan mode the alert queue gives
// way: the right-hand side shows only the feature panel (with the camera
// editor), narrower, the key-area table lies under the map with at least
// planRowsShown rows in sight, and the plan's legend joins the layer
// panel.
func (x *App) setPlan(on bool) {
	x.planOn = on
	x.stopPlan()
	x.closeSuggestions()
	// The fields of view would hide the camera zones; the layer panel's
	// choice comes back with plan mode off.
	fov := true
	if c, ok := x.layers.checks[mapview.FieldsOfView]; ok {
		fov = c.Checked
	}
	x.m.SetLayerVisible(mapview.FieldsOfView, fov && !on)
	if !on {
		x.m.SetCoverage(nil)
		x.centre.Objects = []fyne.CanvasObject{x.m}
		x.centre.Refresh()
		x.plan.legendBox.Hide()
		x.plan.suggest.Hide()
		x.plan.say("")
		x.tabs.Items = []*container.TabItem{x.alertsTab, x.infoTab}
		x.tabs.Refresh()
		if x.planOffsets != [2]float64{} {
			x.outer.SetOffset(x.planOffsets[0])
			x.inner.SetOffset(x.planOffsets[1])
		}
		return
	}
	x.planOffsets = [2]float64{x.outer.Offset, x.inner.Offset}
	x.tabs.Items = []*container.TabItem{x.infoTab}
	x.tabs.Select(x.infoTab)
	x.tabs.Refresh()
	x.outer.SetOffset(planLeftOffset)
	x.inner.SetOffset(planInnerOffset)
	x.plan.legendBox.Show()
	x.plan.suggest.Show()
	x.centre.Objects = []fyne.CanvasObject{container.New(&planLayout{table: x.plan.tableHeight}, x.m, widget.NewSeparator(), x.plan.box)}
	x.centre.Refresh()
	x.startPlan()
}

// planLayout puts the map above the key-area table: the table gets the
// height of planRowsShown rows, or a quarter of the height when that is
// more (a tall window shows more rows), and the map the rest.
type planLayout struct {
	table func(rows int) float32
}

// Layout places the map, a separator and the table.
func (l *planLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 3 {
		return
	}
	sep := fynetheme.SeparatorThicknessSize()
	bottom := max(l.table(planRowsShown), size.Height/4)
	bottom = min(bottom, size.Height/2)
	top := size.Height - bottom - sep
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, top))
	objs[1].Move(fyne.NewPos(0, top))
	objs[1].Resize(fyne.NewSize(size.Width, sep))
	objs[2].Move(fyne.NewPos(0, top+sep))
	objs[2].Resize(fyne.NewSize(size.Width, bottom))
}

// MinSize is small: the window's own minimum decides.
func (l *planLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(200, 200) }

// stopPlan cancels the plan being computed, if any.
func (x *App) stopPlan() {
	x.planGen++
	if x.planCancel != nil {
		x.planCancel()
		x.planCancel = nil
	}
	x.plan.busy(false)
	x.planRes = nil
	x.drag = nil
	x.m.SetDraggable(store.Cameras, nil)
	x.camEdit.hide()
	x.plan.suggest.Disable()
}

// startPlan computes the plan of the current store in the background and
// then shows it on the map and in the table.
func (x *App) startPlan() {
	x.stopPlan()
	x.closeSuggestions()
	s := x.store
	if s == nil {
		x.m.SetCoverage(nil)
		x.plan.show(planResult{})
		x.plan.showEmpty(lang.L("No GeoPackage open. Choose File › Open… to open one."))
		return
	}
	gen := x.planGen
	ctx, cancel := context.WithTimeout(x.ctx, 5*time.Minute)
	x.planCancel = cancel
	x.plan.busy(true)
	language := locale.Current()
	cell := LoadSettings(x.fyne.Preferences()).PlanCell
	hand := do // read here: tests replace do when the window closes
	go func() {
		r := computePlan(ctx, s, language, cell)
		hand(func() {
			if gen != x.planGen {
				return // cancelled: the store changed or plan mode went off
			}
			cancel()
			x.planCancel = nil
			x.plan.busy(false)
			if r.err != nil {
				x.m.SetCoverage(nil)
				x.plan.show(planResult{})
				x.plan.showEmpty(lang.L("Could not compute coverage: {{.Err}}", map[string]any{"Err": r.err}))
				x.plan.say(lang.L("Could not compute coverage."))
			} else {
				x.planRes = &r
				x.drawPlan()
				x.plan.show(r)
				if r.left > 0 {
					x.plan.say(lang.L("{{.N}} features far from the community were left out of the plan: keep one community per GeoPackage.", map[string]any{"N": r.left}))
				} else if r.cellChosen {
					x.plan.say(lang.L("Plan cells of {{.Cell}} m: the community is too large for 0.5 m cells (Settings sets the size).", map[string]any{"Cell": r.cell}))
				}
				x.plan.suggest.Enable()
				x.m.SetDraggable(store.Cameras, x.cameraDragged)
				if sel := x.m.Selected(); sel.Layer == store.Cameras {
					defer x.selected(sel) // shows the camera editor
				}
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// drawPlan shows the plan's coverage on the map, with the suggested
// camera previewed over it, if any.
func (x *App) drawPlan() {
	r := x.planRes
	if r == nil {
		x.m.SetCoverage(nil)
		return
	}
	if len(x.preview) == 0 {
		x.m.SetCoverage(r.cov)
		return
	}
	cov := &mapview.Coverage{Shapes: append(append([]mapview.Shape(nil), r.cov.Shapes...), x.preview...)}
	x.m.SetCoverage(cov)
}

// flyToArea shows a key area of the plan's table.
func (x *App) flyToArea(r planRow) {
	if r.bound.IsZero() {
		return
	}
	size := x.m.Size()
	v := viewport.Fit(r.bound, float64(max(size.Width, 400)), float64(max(size.Height, 300)), 48)
	x.m.FlyTo(r.bound.Center(), min(v.Zoom, 20))
}

// cameraEditor turns the selected camera in plan mode: its heading and
// field of view, applied to the plan's model as the sliders move and
// saved to the store when an edit ends. Its methods run on the Fyne
// goroutine.
type cameraEditor struct {
	id    string
	saved coverage.Camera // as last shown or saved

	heading, fov     *widget.Slider
	headingL, fovL   *widget.Label
	box              *fyne.Container
	onChange, onDone func()
	relayout         func() // lays out the panel holding box again
}

func newCameraEditor() *cameraEditor {
	e := &cameraEditor{
		heading: widget.NewSlider(0, 359), fov: widget.NewSlider(10, 180),
		headingL: widget.NewLabel(""), fovL: widget.NewLabel(""),
	}
	e.heading.Step, e.fov.Step = 1, 1
	title := widget.NewLabel(lang.L("Plan this camera"))
	title.TextStyle.Bold = true
	e.box = container.NewVBox(widget.NewSeparator(), title, e.headingL, e.heading, e.fovL, e.fov)
	e.box.Hide()
	changed := func(float64) {
		e.labels()
		if e.onChange != nil {
			e.onChange()
		}
	}
	ended := func(float64) {
		if e.onDone != nil {
			e.onDone()
		}
	}
	e.heading.OnChanged, e.fov.OnChanged = changed, changed
	e.heading.OnChangeEnded, e.fov.OnChangeEnded = ended, ended
	return e
}

func (e *cameraEditor) labels() {
	e.headingL.SetText(lang.L("Heading {{.Deg}}°", map[string]any{"Deg": fmt.Sprintf("%.0f", e.heading.Value)}))
	e.fovL.SetText(lang.L("Field of view {{.Deg}}°", map[string]any{"Deg": fmt.Sprintf("%.0f", e.fov.Value)}))
}

// edit shows camera c of the plan's model; hide hides the editor.
func (e *cameraEditor) edit(c coverage.Camera) {
	e.id, e.saved = c.ID, c
	on, oc := e.onChange, e.onDone
	e.onChange, e.onDone = nil, nil // setting the sliders changes nothing
	e.heading.SetValue(c.Heading)
	e.fov.SetValue(c.HFOV)
	e.onChange, e.onDone = on, oc
	e.labels()
	e.box.Show()
	if e.relayout != nil {
		e.relayout()
	}
}

func (e *cameraEditor) hide() {
	e.id = ""
	if e.box.Visible() {
		e.box.Hide()
		if e.relayout != nil {
			e.relayout()
		}
	}
}

// planCamera returns the plan model's ID of the store camera r, if the
// plan has it.
func (x *App) planCamera(r store.Record) (coverage.Camera, bool) {
	if x.planRes == nil {
		return coverage.Camera{}, false
	}
	if id, ok := x.planRes.camIDs[r.FID]; ok {
		return x.planRes.model.Camera(id)
	}
	if id, ok := x.planRes.sc.ID(store.Cameras, r.FID); ok {
		return x.planRes.model.Camera(id)
	}
	return coverage.Camera{}, false
}

// cameraChanged applies the editor's heading and field of view to the
// plan's model and shows the camera's new zones and the key areas.
func (x *App) cameraChanged() {
	r := x.planRes
	if r == nil || x.camEdit.id == "" {
		return
	}
	c, ok := r.model.Camera(x.camEdit.id)
	if !ok {
		return
	}
	if c.Heading == x.camEdit.heading.Value && c.HFOV == x.camEdit.fov.Value {
		return
	}
	c.Heading, c.HFOV, c.VFOV = x.camEdit.heading.Value, x.camEdit.fov.Value, 0
	if _, err := r.model.SetCamera(c); err != nil {
		x.plan.say(refusal(c.ID, err))
		return
	}
	r.zones[c.ID] = r.cameraShapes(c.ID)
	r.cov = r.coverage()
	x.drawPlan()
	r.rows = r.keyAreas()
	x.plan.rows = r.rows
	x.plan.table.Refresh()
}

// cameraDone redraws the gap layer, which takes longer, once the operator
// lets go of a slider or drops a camera.
func (x *App) cameraDone() {
	r := x.planRes
	if r == nil {
		return
	}
	hand := do
	go func() {
		gap := r.gapShapes()
		hand(func() {
			if x.planRes != r {
				return
			}
			r.gap = gap
			r.cov = r.coverage()
			x.drawPlan()
			if settled != nil {
				settled()
			}
		})
	}()
}

// suggestCount is how many cameras Suggest proposes at a time.
const suggestCount = 3

// Colours of a suggested camera previewed on the map: a magenta that
// none of the plan's layers uses, its field of view translucent over
// the zones and its mount solid.
var (
	previewFill   = color.NRGBA{0xE0, 0x1E, 0xC8, 0x40}
	previewStroke = color.NRGBA{0xE0, 0x1E, 0xC8, 0xFF}
	previewMount  = color.NRGBA{0x5A, 0x00, 0x4E, 0xFF}
)

// suggestCameras asks geo/placement in the background where cameras
// would cover the key areas best, then lists them in place of the table.
func (x *App) suggestCameras() {
	r := x.planRes
	if r == nil {
		return
	}
	x.plan.suggest.Disable()
	x.plan.busy(true)
	x.plan.say(lang.L("Looking for places for cameras…"))
	hand := do
	go func() {
		sg, err := placement.Suggest(r.model, placement.Options{N: suggestCount})
		hand(func() {
			if x.planRes != r {
				return
			}
			x.plan.busy(false)
			x.plan.suggest.Enable()
			x.plan.suggestions = sg
			if err != nil {
				x.ShowError(err)
			} else {
				x.showSuggestions(sg)
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// suggestionList shows suggested cameras in place of the key-area
// table: selecting a row, or pointing at it, previews the camera on the
// map; each row has a button that adds it. Its methods run on the Fyne
// goroutine.
type suggestionList struct {
	items    []placement.Suggestion
	added    map[int]string // the code each added suggestion got
	selected int            // -1: none
	hovered  int            // -1: none
	list     *widget.List
	box      *fyne.Container
}

// suggestionRow is a row of the list; pointing at it previews its
// camera.
type suggestionRow struct {
	widget.BaseWidget
	label   *widget.Label
	add     *widget.Button
	id      int
	onHover func(id int, in bool)
}

func newSuggestionRow(onHover func(int, bool)) *suggestionRow {
	r := &suggestionRow{label: widget.NewLabel(""), add: widget.NewButton(lang.L("Add"), nil), onHover: onHover}
	r.label.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays out the row: its text, and Add at the end.
func (r *suggestionRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, r.add, r.label))
}

// MouseIn previews the row's camera.
func (r *suggestionRow) MouseIn(*desktop.MouseEvent) { r.onHover(r.id, true) }

// MouseMoved does nothing: the preview follows the row entered.
func (r *suggestionRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut goes back to the selected row's preview.
func (r *suggestionRow) MouseOut() { r.onHover(r.id, false) }

// suggestionText describes suggestion i of the list.
func suggestionText(i int, s placement.Suggestion) string {
	return lang.L("{{.N}}. {{.Model}}, heading {{.Heading}}°: +{{.Gain}} m² ({{.Share}}% of key-area ground)", map[string]any{
		"N": i + 1, "Model": s.Model.Name, "Heading": fmt.Sprintf("%.0f", s.Camera.Heading),
		"Gain": fmt.Sprintf("%.0f", s.Gain), "Share": fmt.Sprintf("%.1f", 100*s.GainShare),
	})
}

// showSuggestions lists suggested cameras in place of the key-area table
// and previews the first on the map.
func (x *App) showSuggestions(sg []placement.Suggestion) {
	if len(sg) == 0 {
		showInfo(x.win, lang.L("Suggest cameras…"), lang.L("No camera would add coverage of the key areas."), x.m)
		return
	}
	l := &suggestionList{items: sg, added: map[int]string{}, selected: -1, hovered: -1}
	hover := func(id int, in bool) {
		switch {
		case in:
			l.hovered = id
		case l.hovered == id:
			l.hovered = -1
		default:
			return
		}
		x.previewSuggestion()
	}
	l.list = widget.NewList(
		func() int { return len(l.items) },
		func() fyne.CanvasObject { return newSuggestionRow(hover) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*suggestionRow)
			row.id = id
			text := suggestionText(id, l.items[id])
			if code, ok := l.added[id]; ok {
				text += " — " + lang.L("added as {{.Code}}", map[string]any{"Code": code})
				row.add.Disable()
			} else {
				row.add.Enable()
			}
			row.label.SetText(text)
			row.add.OnTapped = func() {
				row.add.Disable()
				x.addSuggestion(id)
			}
		})
	l.list.OnSelected = func(id widget.ListItemID) {
		l.selected = id
		x.previewSuggestion()
	}
	title := widget.NewLabel(lang.L("Suggested cameras: select one to see where it would go"))
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	closeB := widget.NewButton(lang.L("Close"), x.closeSuggestions)
	l.box = container.NewBorder(container.NewBorder(nil, nil, nil, closeB, title), nil, nil, nil, l.list)
	x.plan.sugg = l
	x.plan.box.Objects = []fyne.CanvasObject{l.box}
	x.plan.box.Refresh()
	l.list.Select(0)
}

// closeSuggestions puts the key-area table back in place of the
// suggestions and takes the preview off the map.
func (x *App) closeSuggestions() {
	if x.plan.sugg == nil {
		return
	}
	x.plan.sugg = nil
	x.preview = nil
	x.plan.box.Objects = []fyne.CanvasObject{x.plan.keyAreas}
	x.plan.box.Refresh()
	x.drawPlan()
}

// previewSuggestion shows on the map the suggestion pointed at, else the
// one selected: its field of view and its mount, highlighted, and brings
// it into view. A suggestion already added is not previewed: it is in the
// plan.
func (x *App) previewSuggestion() {
	l, r := x.plan.sugg, x.planRes
	x.preview = nil
	i := -1
	if l != nil {
		i = l.selected
		if l.hovered >= 0 {
			i = l.hovered
		}
	}
	if r == nil || i < 0 || i >= len(l.items) {
		x.drawPlan()
		return
	}
	if _, added := l.added[i]; added {
		x.drawPlan()
		return
	}
	c, zones, err := r.model.Preview(l.items[i].Camera)
	if err != nil {
		x.plan.say(refusal(l.items[i].Camera.ID, err))
		x.drawPlan()
		return
	}
	x.preview = previewShapes(r, c, zones, x.m.View().MetresPerPixel())
	x.drawPlan()
	at := r.sc.Plane.ToLonLat(c.At)
	v, size := x.m.View(), x.m.Size()
	if p := v.ToScreen(at); p[0] < 24 || p[1] < 24 || p[0] > float64(size.Width)-24 || p[1] > float64(size.Height)-24 {
		x.m.FlyTo(at, max(v.Zoom, 18))
	}
}

// previewShapes draws camera c with its zones: the zones translucent
// with a strong outline, the mount as a dot about 12 px across at mpp
// metres per pixel.
func previewShapes(r *planResult, c coverage.Camera, zones []coverage.Zone, mpp float64) []mapview.Shape {
	var out []mapview.Shape
	for _, z := range zones {
		out = append(out, mapview.Shape{Polygon: r.lonlat(z.Area), Fill: previewFill, Stroke: previewStroke})
	}
	rad := max(0.5, 6*mpp)
	var ring orb.Ring
	for k := 0; k <= 16; k++ {
		a := 2 * math.Pi * float64(k%16) / 16
		ring = append(ring, orb.Point{c.At[0] + rad*math.Cos(a), c.At[1] + rad*math.Sin(a)})
	}
	out = append(out, mapview.Shape{Polygon: r.lonlat(orb.Polygon{ring}), Fill: previewMount, Stroke: color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}})
	return out
}

// Names of planned cameras in both languages of the data (not of the
// interface: the store keeps both), with their number.
const (
	plannedNameZh = "规划摄像机 %d"
	plannedNameEn = "Planned camera %d"
	plannedCode   = "PLAN-%d"
)

// suggestedCamera converts suggestion s of the plan r into a store
// camera: the first planned-camera number whose code no camera of codes
// has, with names "Planned camera N" and "规划摄像机 N" (the local name in
// the interface's language).
func suggestedCamera(r *planResult, s placement.Suggestion, codes map[string]bool) store.Camera {
	c := s.Camera
	taken := func(code string) bool {
		if codes[code] {
			return true
		}
		_, in := r.model.Camera(code)
		return in
	}
	n := 1
	for taken(fmt.Sprintf(plannedCode, n)) {
		n++
	}
	names := store.Names{NameZh: fmt.Sprintf(plannedNameZh, n), NameEn: fmt.Sprintf(plannedNameEn, n)}
	names.Name = names.NameEn
	if locale.Current() == locale.Chinese {
		names.Name = names.NameZh
	}
	return store.Camera{
		Geom: r.sc.Plane.ToLonLat(c.At), Names: names, Code: fmt.Sprintf(plannedCode, n), Model: s.Model.Name,
		MountHeight: c.Height, Heading: c.Heading, Tilt: c.Tilt, HFOV: c.HFOV, VFOV: c.VFOV,
		SensorWidth: c.SensorWidth, FocalLength: c.FocalLength,
		ResolutionH: c.ResolutionH, ResolutionV: c.ResolutionV, MaxRange: c.Range,
		// Not mounted yet: the plan counts it, the coverage of what exists does not.
		Status: store.CameraPlanned, Watches: strings.Join(s.Areas, ","),
	}
}

// addSuggestion inserts suggestion i of the list into the store as a
// planned camera, in the background, then adds it to the plan, selects
// it and remembers how to undo it.
func (x *App) addSuggestion(i int) {
	r, st, l := x.planRes, x.store, x.plan.sugg
	if r == nil || st == nil || l == nil || i < 0 || i >= len(l.items) {
		return
	}
	s := l.items[i]
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, 30*time.Second)
		defer cancel()
		var c store.Camera
		var fid int64
		var count int
		cs, err := st.Cameras(ctx, store.World)
		if err == nil {
			codes := map[string]bool{}
			for _, k := range cs {
				codes[k.Code] = true
			}
			c = suggestedCamera(r, s, codes)
			err = st.Update(ctx, func(tx *store.Tx) error {
				var err error
				fid, err = tx.Insert(c)
				return err
			})
		}
		if err == nil {
			count, _ = st.Count(ctx, store.Cameras)
		}
		hand(func() {
			if x.store != st {
				return
			}
			if err != nil {
				x.ShowError(fmt.Errorf("%s: %w", lang.L("Could not add the camera"), err))
			} else {
				x.layers.setCount(store.Cameras, count)
				x.m.Reload()
				if x.plan.sugg == l {
					l.added[i] = c.Code
					l.list.RefreshItem(i)
					x.previewSuggestion()
				}
				cam := s.Camera
				cam.ID = c.Code
				if x.planRes == r {
					x.planAdd(r, cam, fid)
				}
				x.pushUndo(camChange{st: st, fid: fid, id: c.Code, added: true})
				x.m.Select(store.Cameras, fid)
				x.selected(mapview.Selection{Layer: store.Cameras, FID: fid})
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// planAdd adds camera c, stored as fid, to the plan r and shows it.
func (x *App) planAdd(r *planResult, c coverage.Camera, fid int64) {
	if _, err := r.model.SetCamera(c); err != nil {
		x.plan.say(refusal(c.ID, err))
		return
	}
	r.camIDs[fid], r.fids[c.ID] = c.ID, fid
	r.zones[c.ID] = r.cameraShapes(c.ID)
	x.planChanged(r)
}

// planRemove takes camera id, stored as fid, out of the plan r.
func (x *App) planRemove(r *planResult, id string, fid int64) {
	if !r.model.RemoveCamera(id) {
		return
	}
	delete(r.camIDs, fid)
	delete(r.fids, id)
	delete(r.zones, id)
	if x.camEdit.id == id {
		x.camEdit.hide()
	}
	x.planChanged(r)
}

// planChanged shows the plan r again after cameras came or went: the
// coverage, the key areas and, in the background, the gaps.
func (x *App) planChanged(r *planResult) {
	r.cov = r.coverage()
	x.drawPlan()
	r.rows = r.keyAreas()
	x.plan.rows = r.rows
	x.plan.table.Refresh()
	x.cameraDone()
}

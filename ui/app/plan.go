package app

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
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

// Colours of the plan's coverage layers.
var (
	// levelColours are the fills of camera zones by image-detail level,
	// lowest first (viridis, translucent: nested zones darken inwards).
	levelColours = []color.NRGBA{
		{0x44, 0x01, 0x54, 0x60}, {0x41, 0x44, 0x87, 0x60}, {0x2A, 0x78, 0x8E, 0x68},
		{0x22, 0xA8, 0x84, 0x70}, {0x7A, 0xD1, 0x51, 0x78}, {0xFD, 0xE7, 0x25, 0x80},
	}
	gapFill      = color.NRGBA{0xD5, 0x5E, 0x00, 0x38}
	gapStroke    = color.NRGBA{0xD5, 0x5E, 0x00, 0xC0}
	patrolFill   = color.NRGBA{0xCC, 0x79, 0xA7, 0x30}
	extinguisher = color.NRGBA{0xE6, 0x9F, 0x00, 0xD0}
)

// levelColour returns the fill of camera zones at level index i.
func levelColour(i int) color.NRGBA {
	if i < 0 {
		i = 0
	}
	if i >= len(levelColours) {
		i = len(levelColours) - 1
	}
	return levelColours[i]
}

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
}

// computePlan loads s into a coverage model, counting offline and planned
// cameras as a plan does, and returns its layers in longitude/latitude and its key
// areas. It runs in the background.
func computePlan(ctx context.Context, s *store.Store, language string) planResult {
	sc, err := scene.Load(ctx, s)
	if err != nil {
		return planResult{err: err}
	}
	if err := ctx.Err(); err != nil {
		return planResult{err: err}
	}
	m, err := sc.Model(coverage.Options{IncludeOffline: true})
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

	r := planResult{sc: sc, model: m, names: names, lonlat: lonlat,
		zones: map[string][]mapview.Shape{}, bounds: map[string]orb.Bound{}, levelIndex: map[string]int{},
		camIDs: map[int64]string{}, fids: map[string]int64{}}
	cams, err := s.Cameras(ctx, all)
	if err != nil {
		return planResult{err: err}
	}
	for _, c := range cams {
		// The scene names a camera by its code, else its OSM id, else layer/fid.
		for _, id := range []string{c.Code, c.OSMID, fmt.Sprintf("%s/%d", store.Cameras, c.FID)} {
			if _, ok := m.Camera(id); ok && id != "" {
				if _, taken := r.fids[id]; !taken {
					r.camIDs[c.FID], r.fids[id] = id, c.FID
					break
				}
			}
		}
	}
	for i, l := range m.Levels() {
		r.levels = append(r.levels, l.Name)
		r.levelIndex[l.Name] = i
	}
	if p := m.Outline(coverage.PatrolLayer); len(p) > 0 {
		r.under = append(r.under, mapview.Shape{Polygon: lonlat(p), Fill: patrolFill})
	}
	for _, id := range m.CameraIDs() {
		r.zones[id] = r.cameraShapes(id)
	}
	if p := m.Outline(coverage.ExtinguisherLayer); len(p) > 0 {
		r.ext = append(r.ext, mapview.Shape{Polygon: lonlat(p), Stroke: extinguisher})
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
		out = append(out, mapview.Shape{Polygon: r.lonlat(z.Area), Fill: levelColour(r.levelIndex[z.Level.Name])})
	}
	return out
}

// gapShapes returns the gap layer.
func (r *planResult) gapShapes() []mapview.Shape {
	if p := r.model.Outline(coverage.GapLayer); len(p) > 0 {
		return []mapview.Shape{{Polygon: r.lonlat(p), Fill: gapFill, Stroke: gapStroke}}
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

// planPanel shows plan mode: the toggle and progress in the top bar, and
// under the map the key areas' coverage with the legend of the layers.
// Its methods run on the Fyne goroutine.
type planPanel struct {
	toggle   *widget.Check
	progress *widget.ProgressBarInfinite
	status   *widget.Label
	table    *widget.Table
	legend   *fyne.Container
	box      *fyne.Container
	rows     []planRow
	onRow    func(planRow)
	suggest  *widget.Button
	// suggestions are the cameras suggested last, shown in a dialog.
	suggestions []placement.Suggestion
}

// planColumns are the table's column headers.
func planColumns() []string {
	return []string{lang.L("Code"), lang.L("Name"), lang.L("Required level"),
		lang.L("% at level"), lang.L("% patrol"), lang.L("% extinguisher"), lang.L("% nothing")}
}

var planWidths = []float32{90, 200, 110, 90, 80, 110, 90}

func newPlanPanel(onToggle func(bool), onRow func(planRow)) *planPanel {
	p := &planPanel{onRow: onRow}
	p.toggle = widget.NewCheck(lang.L("Plan"), onToggle)
	p.progress = widget.NewProgressBarInfinite()
	p.progress.Stop()
	p.progress.Hide()
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	cols := planColumns()
	p.table = widget.NewTable(
		func() (int, int) { return len(p.rows), len(cols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(p.cell(id.Row, id.Col))
		})
	p.table.ShowHeaderRow = true
	p.table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle.Bold = true
		return l
	}
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			o.(*widget.Label).SetText(cols[id.Col])
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
	p.legend = container.NewGridWithColumns(4)
	p.suggest = widget.NewButton(lang.L("Suggest cameras…"), nil)
	p.suggest.Disable()
	// The legend spans the width, so that its labels are read in full.
	p.box = container.NewBorder(container.NewVBox(widget.NewSeparator(), p.legend,
		container.NewBorder(nil, nil, nil, p.suggest, p.status)), nil, nil, nil, p.table)
	return p
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

// busy shows that the plan is being computed, or not.
func (p *planPanel) busy(on bool) {
	if on {
		p.progress.Show()
		p.progress.Start()
		p.status.SetText(lang.L("Computing coverage…"))
		p.status.Show()
	} else {
		p.progress.Stop()
		p.progress.Hide()
	}
}

// show lists the result's key areas and the legend of its layers.
func (p *planPanel) show(r planResult) {
	p.rows = r.rows
	p.table.UnselectAll()
	p.table.Refresh()
	p.legend.Objects = nil
	for i, l := range r.levels {
		p.legend.Add(swatch(levelColour(i), color.NRGBA{}, locale.Value(l)))
	}
	p.legend.Add(swatch(patrolFill, color.NRGBA{}, lang.L("patrol in sight")))
	p.legend.Add(swatch(color.NRGBA{}, extinguisher, lang.L("extinguisher reach")))
	p.legend.Add(swatch(gapFill, gapStroke, lang.L("nothing covers")))
	p.legend.Refresh()
	p.box.Refresh()
	if len(r.rows) == 0 {
		p.status.SetText(lang.L("No key areas: add key areas to see how well they are covered."))
		p.status.Show()
	} else {
		p.status.SetText("")
		p.status.Hide()
	}
	p.box.Refresh()
}

func swatch(fill, stroke color.NRGBA, text string) fyne.CanvasObject {
	r := canvas.NewRectangle(fill)
	r.StrokeColor, r.StrokeWidth = stroke, 2
	r.CornerRadius = 2
	sw := container.NewGridWrap(fyne.NewSquareSize(16), r)
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, container.NewCenter(sw), nil, l)
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

// setPlan turns plan mode on or off.
func (x *App) setPlan(on bool) {
	x.planOn = on
	x.stopPlan()
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
		return
	}
	split := container.NewVSplit(x.m, x.plan.box)
	split.Offset = 0.58
	x.centre.Objects = []fyne.CanvasObject{split}
	x.centre.Refresh()
	x.startPlan()
}

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
	s := x.store
	if s == nil {
		x.m.SetCoverage(nil)
		x.plan.show(planResult{})
		x.plan.status.SetText(lang.L("No GeoPackage open. Choose File › Open… to open one."))
		x.plan.status.Show()
		return
	}
	gen := x.planGen
	ctx, cancel := context.WithTimeout(x.ctx, 5*time.Minute)
	x.planCancel = cancel
	x.plan.busy(true)
	language := locale.Current()
	hand := do // read here: tests replace do when the window closes
	go func() {
		r := computePlan(ctx, s, language)
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
				x.plan.status.SetText(lang.L("Could not compute coverage: {{.Err}}", map[string]any{"Err": r.err}))
				x.plan.status.Show()
			} else {
				x.planRes = &r
				x.m.SetCoverage(r.cov)
				x.plan.show(r)
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
	var ids []string
	for _, k := range []string{"code", "osm_id"} {
		if v, ok := r.Props[k].(string); ok && v != "" {
			ids = append(ids, v)
		}
	}
	ids = append(ids, fmt.Sprintf("%s/%d", store.Cameras, r.FID))
	for _, id := range ids {
		if c, ok := x.planRes.model.Camera(id); ok {
			return c, true
		}
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
		x.plan.status.SetText(err.Error())
		x.plan.status.Show()
		return
	}
	r.zones[c.ID] = r.cameraShapes(c.ID)
	r.cov = r.coverage()
	x.m.SetCoverage(r.cov)
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
			x.m.SetCoverage(r.cov)
			if settled != nil {
				settled()
			}
		})
	}()
}

// suggestCount is how many cameras Suggest proposes at a time.
const suggestCount = 3

// suggestCameras asks geo/placement in the background where cameras
// would cover the key areas best, then lists them.
func (x *App) suggestCameras() {
	r := x.planRes
	if r == nil {
		return
	}
	x.plan.suggest.Disable()
	x.plan.busy(true)
	x.plan.status.SetText(lang.L("Looking for places for cameras…"))
	hand := do
	go func() {
		sg, err := placement.Suggest(r.model, placement.Options{N: suggestCount})
		hand(func() {
			if x.planRes != r {
				return
			}
			x.plan.busy(false)
			x.plan.status.Hide()
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

// showSuggestions lists suggested cameras, each with a button that adds
// it to the store.
func (x *App) showSuggestions(sg []placement.Suggestion) {
	if len(sg) == 0 {
		dialog.ShowInformation(lang.L("Suggest cameras…"), lang.L("No camera would add coverage of the key areas."), x.win)
		return
	}
	list := container.NewVBox()
	var d dialog.Dialog
	for i, s := range sg {
		s := s
		text := lang.L("{{.N}}. {{.Model}}, heading {{.Heading}}°: +{{.Gain}} m² ({{.Share}}% of key-area ground)", map[string]any{
			"N": i + 1, "Model": s.Model.Name, "Heading": fmt.Sprintf("%.0f", s.Camera.Heading),
			"Gain": fmt.Sprintf("%.0f", s.Gain), "Share": fmt.Sprintf("%.1f", 100*s.GainShare),
		})
		var add *widget.Button
		add = widget.NewButton(lang.L("Add"), func() {
			add.Disable()
			x.addSuggestion(s)
		})
		list.Add(container.NewBorder(nil, nil, nil, add, widget.NewLabel(text)))
	}
	d = dialog.NewCustom(lang.L("Suggest cameras…"), lang.L("Close"), list, x.win)
	d.Show()
}

// suggestedCamera converts a suggestion of the plan r into a store camera,
// coded after the suggestion unless the code is taken.
func suggestedCamera(r *planResult, s placement.Suggestion) store.Camera {
	c := s.Camera
	code := c.ID
	for n := 2; ; n++ {
		if _, taken := r.model.Camera(code); !taken {
			break
		}
		code = fmt.Sprintf("%s-%d", c.ID, n)
	}
	return store.Camera{
		Geom: r.sc.Plane.ToLonLat(c.At), Code: code, Model: s.Model.Name,
		MountHeight: c.Height, Heading: c.Heading, Tilt: c.Tilt, HFOV: c.HFOV, VFOV: c.VFOV,
		SensorWidth: c.SensorWidth, FocalLength: c.FocalLength,
		ResolutionH: c.ResolutionH, ResolutionV: c.ResolutionV, MaxRange: c.Range,
		// Not mounted yet: the plan counts it, the coverage of what exists does not.
		Status: store.CameraPlanned, Watches: strings.Join(s.Areas, ","),
	}
}

// addSuggestion inserts a suggested camera into the store, then reloads
// the map and the plan.
func (x *App) addSuggestion(s placement.Suggestion) {
	r, st := x.planRes, x.store
	if r == nil || st == nil {
		return
	}
	c := suggestedCamera(r, s)
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, 30*time.Second)
		defer cancel()
		err := st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Insert(c)
			return err
		})
		hand(func() {
			if x.store != st {
				return
			}
			if err != nil {
				x.ShowError(err)
			} else {
				x.m.Reload()
				x.load() // counts, and the plan again
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

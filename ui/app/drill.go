package app

import (
	"context"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/viewport"
	"safetynet/ui/drill"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

// drillMode is the drill coordinator's mode: the scenarios of the open
// file on the left, the map with the scenario's injects numbered at their
// places over the timeline, and on the right the selected inject's
// editor, the scenario's properties and the director's panel. Its
// methods run on the Fyne goroutine.
type drillMode struct {
	x      *App
	on     bool
	toggle *widget.Check
	wb     *drill.Workbench

	list      *widget.List
	scenarios []store.Scenario // as listed
	listGen   int              // counts list reads; an older one is dropped
	places    map[string]orb.Point
	placesGen int
	saving    bool
	fit       bool // the view is to show the injects at the next drawing

	add, remove, save, newSc *widget.Button
	status                   *widget.Label
	left, bottom             fyne.CanvasObject
	injectTab, scTab, dirTab *container.TabItem
	savedLeft                fyne.CanvasObject // the layer panel, while drill mode shows
	offsets                  [2]float64        // the splits' offsets before drill mode
	director                 drill.Director
	tick                     context.CancelFunc
	run                      *runDirector // the director of runs through the live console's hub
	replay                   *widget.Button
}

func newDrillMode(x *App) *drillMode {
	d := &drillMode{x: x, wb: drill.NewWorkbench()}
	d.toggle = widget.NewCheck(lang.L("Drill"), func(on bool) { d.request(on) })
	d.wb.OnChange = d.changed
	d.wb.OnSelect = func(int) {
		d.drawMarks()
		d.showProblems()
	}
	d.wb.Editor.OnPick = d.pickPlace
	d.add = widget.NewButtonWithIcon(lang.L("Add inject here"), fynetheme.ContentAddIcon(), d.addHere)
	d.remove = widget.NewButtonWithIcon(lang.L("Delete inject"), fynetheme.DeleteIcon(), func() { d.wb.Remove(d.wb.Selected()) })
	d.save = widget.NewButtonWithIcon(lang.L("Save scenario"), fynetheme.DocumentSaveIcon(), d.saveScenario)
	d.save.Importance = widget.HighImportance
	d.newSc = widget.NewButtonWithIcon(lang.L("New scenario"), fynetheme.ContentAddIcon(), func() { d.ifSaved(d.newScenario) })
	d.status = widget.NewLabel("")
	d.status.Truncation = fyne.TextTruncateEllipsis
	d.list = widget.NewList(func() int { return len(d.scenarios) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(scenarioTitle(d.scenarios[i]))
		})
	d.list.OnSelected = func(i widget.ListItemID) {
		if i >= len(d.scenarios) || d.scenarios[i].Code == d.wb.Scenario().Code && !d.wb.Dirty() {
			return
		}
		sc := d.scenarios[i]
		d.ifSaved(func() { d.load(sc) })
	}
	title := widget.NewLabelWithStyle(lang.L("Scenarios"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.left = container.NewBorder(container.NewVBox(title, d.newSc), nil, nil, nil, d.list)
	d.bottom = container.NewBorder(container.NewBorder(nil, nil, container.NewHBox(d.add, d.remove, d.save), nil, d.status), nil, nil, nil, d.wb.Timeline)
	d.injectTab = container.NewTabItem(lang.L("Inject"), container.NewVScroll(container.NewPadded(d.wb.Editor)))
	d.scTab = container.NewTabItem(lang.L("Scenario"), container.NewVScroll(container.NewPadded(d.wb.Properties)))
	d.run = newRunDirector(d)
	d.director = d.run
	d.wb.Director.SetDirector(d.run)
	d.replay = widget.NewButtonWithIcon(lang.L("Replay…"), fynetheme.MediaReplayIcon(), func() { x.showReplayChooser() })
	d.dirTab = container.NewTabItem(lang.L("Director"), container.NewVScroll(container.NewPadded(container.NewVBox(
		d.run.options, widget.NewSeparator(), d.wb.Director, widget.NewSeparator(), d.replay))))
	d.newScenario()
	return d
}

// scenarioTitle is a scenario's line in the list: its name and code.
func scenarioTitle(sc store.Scenario) string {
	n := sc.Label(locale.Current())
	if n == "" {
		return sc.Code
	}
	return n + " · " + sc.Code
}

// SetDrillMode turns Drill mode on or off, as the Drill switch in the top
// bar does; turning it off asks first about unsaved changes.
func (x *App) SetDrillMode(on bool) { x.drill.toggle.SetChecked(on) }

// SetDrillDirector makes d direct the runs started from the Director tab
// (nil: none, the buttons are disabled).
func (x *App) SetDrillDirector(d drill.Director) {
	x.drill.director = d
	x.drill.wb.Director.SetDirector(d)
	if x.drill.on {
		x.drill.follow()
	}
}

// request turns the mode on, or asks about unsaved changes before it
// turns it off.
func (d *drillMode) request(on bool) {
	if on == d.on {
		return
	}
	if on {
		d.enter()
		return
	}
	if !d.wb.Dirty() {
		d.leave()
		return
	}
	d.toggle.SetChecked(true) // until the coordinator answers
	d.askUnsaved(d.leave)
}

// ifSaved runs then at once when nothing is unsaved, or after asking.
func (d *drillMode) ifSaved(then func()) {
	if !d.wb.Dirty() {
		then()
		return
	}
	d.askUnsaved(then)
}

// askUnsaved asks whether to save the scenario's changes, drop them or
// go on editing; then runs after a save that succeeded or a drop.
func (d *drillMode) askUnsaved(then func()) {
	x := d.x
	var dlg *dialog.CustomDialog
	msg := widget.NewLabel(lang.L("The scenario {{.Code}} has changes that are not saved.", map[string]any{"Code": d.wb.Scenario().Code}))
	msg.Wrapping = fyne.TextWrapWord
	saveB := widget.NewButton(lang.L("Save"), func() {
		dlg.Hide()
		d.saveThen(then)
	})
	saveB.Importance = widget.HighImportance
	if !d.wb.Valid() {
		saveB.Disable()
	}
	drop := widget.NewButton(lang.L("Discard changes"), func() {
		dlg.Hide()
		d.wb.MarkSaved()
		then()
	})
	keep := widget.NewButton(lang.L("Keep editing"), func() {
		dlg.Hide()
		d.selectListed()
	})
	dlg = dialog.NewCustomWithoutButtons(lang.L("Unsaved scenario"), msg, x.win)
	dlg.SetButtons([]fyne.CanvasObject{keep, drop, saveB})
	dlg.Resize(fyne.NewSize(440, 160))
	trackDialog(x.win, dlg, func() {
		if !saveB.Disabled() {
			saveB.OnTapped()
		}
	}, dlg.Hide, x.m)
}

// enter shows Drill mode, in place of plan mode.
func (d *drillMode) enter() {
	x := d.x
	if x.planOn {
		x.SetPlanMode(false)
	}
	d.on = true
	x.plan.toggle.Disable()
	d.savedLeft = x.outer.Leading
	x.outer.Leading = container.NewPadded(d.left)
	x.outer.Refresh()
	x.tabs.Items = []*container.TabItem{d.injectTab, d.scTab, d.dirTab, x.alertsTab} // the console goes on: the director sees the queue
	x.tabs.Select(d.injectTab)
	x.tabs.Refresh()
	d.offsets = [2]float64{x.outer.Offset, x.inner.Offset}
	x.outer.SetOffset(drillLeftOffset)
	x.inner.SetOffset(drillInnerOffset)
	x.centre.Objects = []fyne.CanvasObject{container.New(&drillLayout{bottom: d.bottom}, x.m, widget.NewSeparator(), d.bottom)}
	x.centre.Refresh()
	// The theme may have changed while they were not shown.
	d.wb.Editor.Refresh()
	d.wb.Properties.Refresh()
	d.wb.Director.Refresh()
	d.left.Refresh()
	d.bottom.Refresh()
	d.readList()
	d.readPlaces()
	d.changed()
	d.wb.MarkSaved() // changed() counts as an edit
	d.follow()
}

// leave goes back to the console.
func (d *drillMode) leave() {
	x := d.x
	d.on = false
	if d.tick != nil {
		d.tick()
		d.tick = nil
	}
	d.toggle.SetChecked(false)
	x.plan.toggle.Enable()
	x.m.Pick(nil)
	x.m.SetMarks(nil, nil)
	if d.savedLeft != nil {
		x.outer.Leading = d.savedLeft
		x.outer.Refresh()
	}
	x.tabs.Items = []*container.TabItem{x.alertsTab, x.infoTab}
	x.tabs.Select(x.alertsTab)
	x.tabs.Refresh()
	x.centre.Objects = []fyne.CanvasObject{x.m}
	x.centre.Refresh()
	if d.offsets != [2]float64{} {
		x.outer.SetOffset(d.offsets[0])
		x.inner.SetOffset(d.offsets[1])
	}
}

// Drill mode's share of the window: the scenario list's and the editor's
// widths as fractions of the window and of what is right of the list.
const (
	drillLeftOffset  = 0.16
	drillInnerOffset = 0.66
)

// drillLayout puts the map above the timeline and its tools, which get
// the height they ask for, at most half.
type drillLayout struct{ bottom fyne.CanvasObject }

// Layout places the map, a separator and the timeline.
func (l *drillLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 3 {
		return
	}
	sep := fynetheme.SeparatorThicknessSize()
	bottom := min(l.bottom.MinSize().Height, size.Height/2)
	top := size.Height - bottom - sep
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, top))
	objs[1].Move(fyne.NewPos(0, top))
	objs[1].Resize(fyne.NewSize(size.Width, sep))
	objs[2].Move(fyne.NewPos(0, top+sep))
	objs[2].Resize(fyne.NewSize(size.Width, bottom))
}

// MinSize is small: the window's own minimum decides.
func (l *drillLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(200, 200) }

// follow updates the director's panel a few times a second while a
// director is set and the mode is on.
func (d *drillMode) follow() {
	if d.tick != nil {
		d.tick()
		d.tick = nil
	}
	if d.director == nil {
		return
	}
	ctx, cancel := context.WithCancel(d.x.ctx)
	d.tick = cancel
	hand := do
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				hand(func() {
					if ctx.Err() == nil {
						d.wb.Director.Update()
					}
				})
			}
		}
	}()
}

// newScenario starts an empty scenario with a code no listed one has.
func (d *drillMode) newScenario() {
	code := "DR-1"
	for n := 1; ; n++ {
		code = "DR-" + strconv.Itoa(n)
		taken := false
		for _, sc := range d.scenarios {
			taken = taken || sc.Code == code
		}
		if !taken {
			break
		}
	}
	d.load(store.Scenario{Code: code, Norm: store.NormMFS135, Names: store.Names{NameZh: "新演练", NameEn: "New drill"}})
	d.list.UnselectAll()
}

// listed reports whether the scenario coded code is among the file's
// saved scenarios.
func (d *drillMode) listed(code string) bool {
	for _, sc := range d.scenarios {
		if sc.Code == code {
			return true
		}
	}
	return false
}

// selectListed selects the scenario shown in the list, if it is there.
func (d *drillMode) selectListed() {
	code := d.wb.Scenario().Code
	for i, s := range d.scenarios {
		if s.Code == code {
			d.list.Select(i)
			return
		}
	}
	d.list.UnselectAll()
}

// load shows sc, and its injects on the map once their places are
// known.
func (d *drillMode) load(sc store.Scenario) {
	d.wb.Load(sc)
	d.fit = len(sc.Injects) > 0
	d.changed()
	d.wb.MarkSaved()
	d.selectListed()
}

// readList reads the open file's scenarios in the background.
func (d *drillMode) readList() {
	d.listGen++
	gen, src := d.listGen, scenariosFor(d.x.store)
	if src == nil {
		d.scenarios = nil
		d.list.Refresh()
		return
	}
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(d.x.ctx, 30*time.Second)
		defer cancel()
		scs, err := src.Scenarios(ctx)
		hand(func() {
			if gen != d.listGen {
				return
			}
			if err != nil {
				d.x.ShowError(err)
			} else {
				d.scenarios = scs
				d.list.Refresh()
				code := d.wb.Scenario().Code
				for i, sc := range scs {
					if sc.Code == code {
						d.list.Select(i)
					}
				}
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// readPlaces reads the codes of the community's features and their
// places in the background: the location codes injects may name.
func (d *drillMode) readPlaces() {
	d.placesGen++
	gen, s := d.placesGen, d.x.store
	d.places = nil
	d.wb.SetCodes(nil)
	if s == nil {
		return
	}
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(d.x.ctx, 30*time.Second)
		defer cancel()
		places, err := featurePlaces(ctx, s)
		hand(func() {
			if gen == d.placesGen && err == nil { // without the codes every code is accepted
				d.places = places
				d.wb.SetCodes(func(c string) bool { _, ok := places[c]; return ok })
				d.drawMarks()
				d.showProblems()
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// featurePlaces maps the codes of the community's features to their
// places: points as they are, lines at their middle vertex, areas at the
// middle of their bounds.
func featurePlaces(ctx context.Context, s *store.Store) (map[string]orb.Point, error) {
	out := map[string]orb.Point{}
	add := func(code string, g orb.Geometry) {
		if code == "" || g == nil {
			return
		}
		out[code] = placeOf(g)
	}
	cams, err := s.Cameras(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, c := range cams {
		add(c.Code, c.Geom)
	}
	eqs, err := s.FireEquipment(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, e := range eqs {
		add(e.Code, e.Geom)
	}
	rs, err := s.PatrolRoutes(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		add(r.Code, r.Geom)
	}
	cps, err := s.Checkpoints(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, c := range cps {
		add(c.Code, c.Geom)
	}
	hs, err := s.Hazards(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		add(h.Code, h.Geom)
	}
	ks, err := s.KeyAreas(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, k := range ks {
		add(k.Code, k.Geom)
	}
	as, err := s.AccessPoints(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		add(a.Code, a.Geom)
	}
	return out, nil
}

// placeOf returns where a geometry's mark goes.
func placeOf(g orb.Geometry) orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return g
	case orb.LineString:
		if len(g) > 0 {
			return g[len(g)/2]
		}
	}
	return g.Bound().Center()
}

// featureCode returns the code and the place of a feature clicked on the
// map, and its name for the inject's location text.
func featureCode(sel mapview.Selection) (code string, at orb.Geometry, name string) {
	language := locale.Current()
	switch f := sel.Feature.(type) {
	case store.Camera:
		return f.Code, f.Geom, f.Label(language)
	case store.Equipment:
		return f.Code, f.Geom, f.Label(language)
	case store.PatrolRoute:
		return f.Code, f.Geom, f.Label(language)
	case store.Checkpoint:
		return f.Code, f.Geom, f.Label(language)
	case store.Hazard:
		return f.Code, f.Geom, ""
	case store.KeyArea:
		return f.Code, f.Geom, f.Label(language)
	case store.AccessPoint:
		return f.Code, f.Geom, f.Label(language)
	case store.Facility:
		return "", f.Geom, f.Label(language)
	case store.Building:
		return "", nil, f.Label(language)
	}
	return "", nil, ""
}

// pickedPlace is what a click on the map makes an inject's place: the
// feature's code when it has one, else the point clicked, with the
// feature's name as the location's words.
func pickedPlace(p orb.Point, sel mapview.Selection) (code string, g orb.Geometry, words string) {
	code, _, words = featureCode(sel)
	if code != "" {
		return code, nil, words
	}
	return "", p, words
}

// addHere waits for a click on the map and adds an inject there.
func (d *drillMode) addHere() {
	d.status.SetText(lang.L("Click a feature or a place on the map for the new inject."))
	d.x.m.Pick(func(p orb.Point, sel mapview.Selection) {
		code, g, words := pickedPlace(p, sel)
		d.wb.AddInject(code, g, words)
		d.x.tabs.Select(d.injectTab)
	})
}

// pickPlace waits for a click on the map and makes it the selected
// inject's place.
func (d *drillMode) pickPlace() {
	d.status.SetText(lang.L("Click a feature or a place on the map for the inject."))
	d.x.m.Pick(func(p orb.Point, sel mapview.Selection) {
		code, g, _ := pickedPlace(p, sel)
		d.wb.Editor.SetPlace(code, g)
	})
}

// changed shows the scenario's injects on the map and its problems.
func (d *drillMode) changed() {
	if !d.on {
		return
	}
	d.drawMarks()
	d.showProblems()
}

// showProblems says in the bar above the timeline what keeps the
// scenario from being saved, and enables Save when nothing does.
func (d *drillMode) showProblems() {
	ps := d.wb.Problems()
	if d.wb.Selected() >= 0 {
		d.remove.Enable()
	} else {
		d.remove.Disable()
	}
	if len(ps) == 0 || d.x.store == nil {
		if d.x.store == nil {
			d.save.Disable()
			d.status.SetText(lang.L("No GeoPackage open. Choose File › Open… to open one."))
			return
		}
		if !d.saving {
			d.save.Enable()
		}
		n := len(d.wb.Scenario().Injects)
		text := lang.L("{{.N}} injects", map[string]any{"N": n})
		if n == 1 {
			text = lang.L("1 inject")
		}
		if d.wb.Dirty() {
			text = lang.L("{{.Injects}} · not saved", map[string]any{"Injects": text})
		}
		d.status.SetText(text)
		d.status.Importance = widget.MediumImportance
		d.status.Refresh()
		return
	}
	d.save.Disable()
	p := ps[0]
	where := lang.L("Scenario")
	if p.Inject >= 0 {
		where = lang.L("Inject {{.N}}", map[string]any{"N": d.wb.Scenario().Injects[p.Inject].Number})
	}
	d.status.SetText(lang.L("{{.N}} problems. {{.Where}}: {{.Text}}", map[string]any{"N": len(ps), "Where": where, "Text": p.Text}))
	d.status.Importance = widget.DangerImportance
	d.status.Refresh()
}

// drawMarks shows each inject that has a place as a numbered mark.
func (d *drillMode) drawMarks() {
	if !d.on {
		return
	}
	sc := d.wb.Scenario()
	sel := d.wb.Selected()
	var marks []mapview.Mark
	for i, in := range sc.Injects {
		at, ok := d.injectPlace(in)
		if !ok {
			continue
		}
		marks = append(marks, mapview.Mark{ID: strconv.Itoa(i), At: at, Text: in.Number, Colour: drill.Colour, Selected: i == sel})
	}
	if d.fit && len(marks) > 0 && (d.places != nil || d.x.store == nil) {
		d.fit = false
		b := orb.Bound{Min: marks[0].At, Max: marks[0].At}
		for _, mk := range marks {
			b = b.Extend(mk.At)
		}
		size := d.x.m.Size()
		v := viewport.Fit(b, float64(max(size.Width, 400)), float64(max(size.Height, 300)), 56)
		d.x.m.FlyTo(b.Center(), min(v.Zoom, 18.5))
	}
	d.x.m.SetMarks(marks, func(id string) {
		if i, err := strconv.Atoi(id); err == nil {
			d.wb.Select(i)
			d.x.tabs.Select(d.injectTab)
		}
	})
}

// injectPlace returns where an inject's mark goes: its own geometry, or
// its location code's feature.
func (d *drillMode) injectPlace(in store.Inject) (orb.Point, bool) {
	if in.Geometry != nil {
		return placeOf(in.Geometry), true
	}
	if p, ok := d.places[in.LocationCode]; ok && in.LocationCode != "" {
		return p, true
	}
	return orb.Point{}, false
}

// saveScenario saves the scenario when it is valid.
func (d *drillMode) saveScenario() { d.saveThen(nil) }

// saveThen saves the scenario in the background with one call, then
// runs then (may be nil) once it is saved.
func (d *drillMode) saveThen(then func()) {
	dst := scenariosFor(d.x.store)
	if dst == nil || d.saving {
		return
	}
	if !d.wb.Valid() {
		d.showProblems()
		return
	}
	d.wb.Sort()
	sc := d.wb.Scenario()
	now := time.Now().UTC()
	if sc.Created.IsZero() {
		sc.Created = now
	}
	sc.Updated = now
	d.saving = true
	d.save.Disable()
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(d.x.ctx, 30*time.Second)
		defer cancel()
		err := dst.SaveScenario(ctx, sc)
		hand(func() {
			d.saving = false
			if err != nil {
				d.x.ShowError(err)
				d.showProblems()
			} else {
				if cur := d.wb.Scenario(); cur.Code == sc.Code {
					d.wb.MarkSaved()
				}
				d.showProblems()
				d.readList()
				if then != nil {
					then()
				}
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// Package app is SafetyNet's main window: the community map with its layer
// panel and legend, the selected feature's attributes, search, measuring,
// import, recent files and settings.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/viewport"
	"safetynet/icons"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
	"safetynet/ui/theme"
)

// Title is the application's name in the window title, the same in every
// language.
const Title = "SafetyNet 安全网"

// loadTheme finds the CJK font once per process; tests replace it.
var loadTheme = sync.OnceValues(theme.Load)

// do hands a function to the Fyne goroutine. Tests replace it with a queue
// that their own goroutine runs, as Fyne's test driver would run fyne.Do on
// the calling goroutine.
var do = fyne.Do

// settled, when set, is called on the Fyne goroutine each time a
// background read or open has been handed back to the window; for tests.
var settled func()

// App is SafetyNet's main window and the store it shows: the map in the
// centre, the layers with their legend on the left, the selected feature
// on the right, a search box and tools above, a status bar below. Its
// methods must be called on the Fyne goroutine; reads of the store run on
// goroutines of their own and hand their results back with fyne.Do.
type App struct {
	fyne   fyne.App
	win    fyne.Window
	ctx    context.Context // cancelled when the window closes
	cancel context.CancelFunc
	th     *theme.Theme // nil when no CJK font was found

	store *store.Store      // nil when no file is open
	gen   int               // counts loads; results of an older load are dropped
	sel   int               // counts selections; an older feature read is dropped
	shown mapview.Selection // the feature the feature panel shows, or is reading

	m      *mapview.Map
	layers *layerPanel
	info   *infoPanel
	search *searchBox
	recent *fyne.Menu

	plan       *planPanel
	planOn     bool
	planGen    int                // counts plan computations; an older result is dropped
	planCancel context.CancelFunc // cancels the plan being computed
	centre     *fyne.Container    // the map, or the map over the plan's table
	planRes    *planResult        // the plan shown; nil when none
	camEdit    *cameraEditor
	drag       *camDrag    // the camera being dragged in plan mode
	undo       []camChange // camera changes saved, last last
	undoItem   *fyne.MenuItem
	menu       *fyne.MainMenu
	preview    []mapview.Shape // a suggested camera shown over the plan

	outer, inner *container.Split // layers | (centre | tabs)
	planOffsets  [2]float64       // their offsets before plan mode

	live     *liveConsole
	drill    *drillMode
	hub      Options // the hub given on the command line, over the settings' one
	restarts int     // counts console restarts; an older one never overrides a newer
	notices  int     // counts notices; a newer one stays its full time

	// OnQuit, when set, is called as the operator quits (File › Quit),
	// before the window closes: the command can make sure the process
	// ends in time.
	OnQuit             func()
	tabs               *container.AppTabs
	alertsTab, infoTab *container.TabItem

	path, cursor, scale, measure *widget.Label
	extent, notice               *statusLabel
	statusBar                    *fyne.Container // laid out again when a status text changes width
}

// Options are what the command line sets for one run of the window.
type Options struct {
	// HubURL, when set, is the alert hub the console follows for this
	// run, whatever the settings say, with Token (when empty, the one
	// saved in Settings for that hub, if any); Operator, when set, is who
	// acts.
	HubURL, Token, Operator string
	// AllowInsecure lets the token go over plain http:// to HubURL
	// although it is not on this computer (-insecure); the Settings
	// checkbox may allow it too for the hub it was ticked for.
	AllowInsecure bool
}

// New builds the main window of a showing s, which may be nil. The window
// owns s from then on: it closes it when another file is opened or the
// window closes.
//
// New gives a a theme with an installed CJK font. When there is none it
// switches the interface to English (see locale.Use) and says so in the
// status bar. Call locale.Use before New.
func New(a fyne.App, s *store.Store) *App { return NewWith(a, s, Options{}) }

// NewWith is New with the command line's options for this run.
func NewWith(a fyne.App, s *store.Store, opt Options) *App {
	x := &App{fyne: a, store: s, hub: opt}
	notice := ""
	if th, err := loadTheme(); err == nil {
		x.th = th
	} else {
		if locale.Current() != locale.English {
			locale.Use(locale.English) // English needs no extra font; the choice is valid
		}
		notice = lang.L("No Chinese font found, so SafetyNet is shown in English. Install fonts-noto-cjk or fonts-wqy-microhei to see Chinese.")
	}
	settings := LoadSettings(a.Preferences())
	x.applyTheme(settings.Theme)
	a.SetIcon(icons.App)

	x.ctx, x.cancel = context.WithCancel(context.Background())
	x.win = a.NewWindow(Title)
	x.win.SetIcon(icons.App)
	x.win.SetMaster()
	x.win.Resize(fyne.NewSize(1280, 800))

	x.m = mapview.New(s)
	x.m.SetTileURL(settings.TileURL)
	x.m.OnSelect = x.selected
	x.m.OnCursor = func(p orb.Point) {
		x.cursor.SetText(fmt.Sprintf("%s, %s", degrees(p[0]), degrees(p[1])))
	}
	x.m.OnViewChanged = x.viewChanged
	x.m.OnMeasure = x.measured
	x.live = newLiveConsole(x)
	x.m.OnSelectLive = x.liveSelected
	x.m.OnLiveDrawn(x.live.drawn)
	x.win.SetOnClosed(func() {
		delete(dialogs, x.win)
		x.closeReplays()
		x.cancel()
		x.live.stop()
		x.live.wait(closeWait) // the last save of the picture
		x.m.Close()
		if x.store != nil {
			x.store.Close()
			x.store = nil
		}
	})

	x.buildMenu()
	x.info = newInfoPanel()
	x.layers = newLayerPanel(layerEntries(safetyLayers, basemapLayers, mapview.FieldsOfView), legend, func(key string, on bool) {
		x.m.SetLayerVisible(key, on)
	})
	x.search = newSearchBox(x.ctx, x.win, func() *store.Store { return x.store }, x.found)

	x.path = widget.NewLabel("")
	x.path.Truncation = fyne.TextTruncateEllipsis
	x.extent = newStatusLabel(x)
	x.cursor = widget.NewLabel("")
	x.scale = widget.NewLabel("")
	x.measure = widget.NewLabel("")
	x.notice = newStatusLabel(x)
	x.notice.set(notice, widget.WarningImportance, "")
	if notice == "" {
		x.notice.Hide()
	}
	x.statusBar = container.NewVBox(widget.NewSeparator(), x.notice,
		container.NewBorder(nil, nil, container.NewHBox(x.live.conn, x.cursor, x.scale, x.measure), x.extent, x.path))
	status := x.statusBar

	toolNames := []string{lang.L("Select"), lang.L("Measure distance"), lang.L("Measure area")}
	tools := widget.NewRadioGroup(toolNames, nil)
	tools.Horizontal = true
	tools.Required = true
	tools.SetSelected(toolNames[0])
	tools.OnChanged = func(v string) {
		x.m.SetTool(mapview.Tool(indexOf(toolNames, v)))
		x.measure.SetText("")
	}
	home := widget.NewButtonWithIcon(lang.L("Home"), fynetheme.HomeIcon(), x.m.Home)
	x.plan = newPlanPanel(x.setPlan, x.flyToArea)
	x.plan.suggest.OnTapped = x.suggestCameras
	x.camEdit = newCameraEditor()
	x.camEdit.onChange = x.cameraChanged
	x.camEdit.onDone = func() {
		x.saveEdit()
		x.cameraDone()
	}
	x.camEdit.relayout = x.info.box.Refresh
	x.drill = newDrillMode(x)
	x.info.extra.Add(x.camEdit.box)
	top := container.NewBorder(nil, widget.NewSeparator(), nil, container.NewHBox(x.plan.progress, x.plan.suggest, x.plan.toggle, x.drill.toggle, tools, home),
		container.NewGridWithColumns(2, x.search.entry, x.plan.status))

	left := container.NewVScroll(container.NewPadded(container.NewVBox(x.plan.legendBox, x.layers.box)))
	x.alertsTab = container.NewTabItem(lang.L("Alerts"), x.live.box)
	x.infoTab = container.NewTabItem(lang.L("Feature"), container.NewPadded(x.info.box))
	x.tabs = container.NewAppTabs(x.alertsTab, x.infoTab)
	right := x.tabs
	x.centre = container.NewStack(x.m)
	x.inner = container.NewHSplit(x.centre, right)
	x.inner.Offset = 0.7
	x.outer = container.NewHSplit(left, x.inner)
	x.outer.Offset = 0.17
	x.win.SetContent(container.NewBorder(top, status, nil, nil, x.outer))
	x.win.Canvas().Focus(x.m)

	x.load()
	x.live.start(x.store, x.effective(settings))
	return x
}

// showSettings opens the settings dialog; saving applies what changed.
// A hub given on the command line stays in force for this run.
func (x *App) showSettings() {
	cur := LoadSettings(x.fyne.Preferences()).PlanCell
	showSettings(x.win, x.fyne.Preferences(), x.live.rulesJSON(), x.hub.HubURL, func(s Settings) {
		x.applyTheme(s.Theme)
		x.m.SetTileURL(s.TileURL)
		x.restartConsole(x.effective(s))
		if x.planOn && s.PlanCell != cur {
			x.startPlan() // on the new cells
		}
	}, x.m)
}

// closeWait is how long closing the window waits for the console's last
// save: the window closes within it whatever happens.
const closeWait = 1500 * time.Millisecond

// effective returns the settings with the command line's hub over the
// stored one.
func (x *App) effective(s Settings) Settings {
	if x.hub.HubURL != "" {
		tok := x.hub.Token
		if tok == "" && sameHub(s.HubURL, x.hub.HubURL) {
			tok = s.HubToken
		}
		s.HubURL, s.HubToken = x.hub.HubURL, tok
		s.HubAllowInsecure = x.hub.AllowInsecure || insecureAllowed(x.fyne.Preferences(), x.hub.HubURL)
	}
	if x.hub.Operator != "" {
		s.Operator = x.hub.Operator
	}
	return s
}

// liveSelected selects the alert the operator clicked on the map.
func (x *App) liveSelected(id string) {
	if _, ok := x.live.alert(id); ok {
		x.live.selectAlert(id, false)
	}
}

// showAlerts brings the alert queue to the front.
func (x *App) showAlerts() {
	if x.tabs.Selected() != x.alertsTab {
		x.tabs.Select(x.alertsTab)
	}
}

// setAlertCount shows how many alerts the queue holds in its tab.
func (x *App) setAlertCount(n int) {
	t := lang.L("Alerts")
	if n > 0 {
		t += " (" + strconv.Itoa(n) + ")"
	}
	if x.alertsTab.Text != t {
		x.alertsTab.Text = t
		x.tabs.Refresh()
	}
}

// Layers listed in the layer panel: the safety layers over the basemap.
var (
	safetyLayers  = []string{store.Cameras, store.KeyAreas, store.PatrolRoutes, store.Checkpoints, store.FireEquipment, store.Hazards, store.AccessPoints, store.Facilities}
	basemapLayers = []string{store.Buildings, store.Barriers, store.Roads, store.Landuse, store.Water}
)

// applyTheme sets the CJK theme in the variant the user chose.
func (x *App) applyTheme(variant string) {
	th := x.th
	if th == nil {
		th = theme.New(nil, nil)
	}
	x.fyne.Settings().SetTheme(th.WithVariant(variant))
}

func (x *App) buildMenu() {
	open := fyne.NewMenuItem(lang.L("Open…"), x.chooseFile)
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	x.win.Canvas().AddShortcut(open.Shortcut, func(fyne.Shortcut) { x.chooseFile() })
	x.recent = fyne.NewMenu(lang.L("Open recent"))
	recent := fyne.NewMenuItem(lang.L("Open recent"), nil)
	recent.ChildMenu = x.recent
	x.fillRecent()
	newCommunity := fyne.NewMenuItem(lang.L("New community…"), x.showNewCommunity)
	imp := fyne.NewMenuItem(lang.L("Import OSM or GeoJSON…"), x.chooseImport)
	imp.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault}
	x.win.Canvas().AddShortcut(imp.Shortcut, func(fyne.Shortcut) { x.chooseImport() })
	settings := fyne.NewMenuItem(lang.L("Settings…"), x.showSettings)
	quitNow := func() {
		if x.OnQuit != nil {
			x.OnQuit()
		}
		x.Quit()
	}
	quit := fyne.NewMenuItem(lang.L("Quit"), quitNow)
	quit.IsQuit = true
	quit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	x.win.Canvas().AddShortcut(quit.Shortcut, func(fyne.Shortcut) { quitNow() })
	shortcut := func(label string, key fyne.KeyName, fn func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, fn)
		it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		x.win.Canvas().AddShortcut(it.Shortcut, func(fyne.Shortcut) { fn() })
		return it
	}
	alerts := fyne.NewMenu(lang.L("Alerts"),
		shortcut(lang.L("Next alert"), fyne.KeyN, func() { x.live.next() }),
		shortcut(lang.L("Acknowledge"), fyne.KeyK, func() { x.live.acknowledge() }),
		shortcut(lang.L("Assign…"), fyne.KeyG, func() { x.live.assignDialog() }),
		shortcut(lang.L("Resolve…"), fyne.KeyR, func() { x.live.resolveDialog() }),
		shortcut(lang.L("Shelve or unshelve…"), fyne.KeyH, func() { x.live.shelveDialog() }))
	x.undoItem = fyne.NewMenuItem(lang.L("Undo camera change"), x.undoCamera)
	// The desktop driver reports Ctrl+Z as fyne.ShortcutUndo, never as a
	// custom Ctrl+Z shortcut.
	x.undoItem.Shortcut = &fyne.ShortcutUndo{}
	x.undoItem.Disabled = true
	x.win.Canvas().AddShortcut(x.undoItem.Shortcut, func(fyne.Shortcut) { x.undoCamera() })
	drillMode := shortcut(lang.L("Drill mode"), fyne.KeyD, func() { x.SetDrillMode(!x.drill.on) })
	x.menu = fyne.NewMainMenu(fyne.NewMenu(lang.L("File"), newCommunity, open, recent, imp,
		fyne.NewMenuItemSeparator(), settings, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu(lang.L("Edit"), x.undoItem), alerts, fyne.NewMenu(lang.L("Drill"), drillMode,
			fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Replay…"), x.showReplayChooser),
			fyne.NewMenuItem(lang.L("Compare two runs…"), x.showCompareChooser)))
	x.win.SetMainMenu(x.menu)
}

// fillRecent lists the recent files in File › Open recent.
func (x *App) fillRecent() {
	x.recent.Items = nil
	for _, p := range x.fyne.Preferences().StringList(prefRecent) {
		path := p
		x.recent.Items = append(x.recent.Items, fyne.NewMenuItem(path, func() { x.Open(path) }))
	}
	if len(x.recent.Items) == 0 {
		none := fyne.NewMenuItem(lang.L("No recent files"), nil)
		none.Disabled = true
		x.recent.Items = append(x.recent.Items, none)
	}
	x.recent.Refresh()
}

// selected shows the feature the map selected, read in the background.
func (x *App) selected(sel mapview.Selection) {
	x.saveEdit() // a camera turned and not yet saved
	x.sel++
	x.shown = sel
	if sel.Layer == "" || x.store == nil {
		x.camEdit.hide()
		x.info.clear()
		return
	}
	n, s := x.sel, x.store
	hand := do // read once: tests swap do between tests
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, 5*time.Second)
		defer cancel()
		r, ok, err := s.Get(ctx, sel.Layer, sel.FID)
		hand(func() {
			if n != x.sel {
				return
			}
			x.camEdit.hide()
			if err != nil || !ok {
				x.info.clear()
			} else {
				x.info.show(sel.Layer, r)
				x.tabs.Select(x.infoTab)
				if c, ok := x.planCamera(r); ok && sel.Layer == store.Cameras {
					x.camEdit.edit(c)
				}
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// found flies to a feature found by the search box and selects it.
func (x *App) found(h store.Hit) {
	zoom := 18.0
	if h.Bound.Max[0]-h.Bound.Min[0] > 0.002 || h.Bound.Max[1]-h.Bound.Min[1] > 0.002 {
		size := x.m.Size()
		zoom = viewport.Fit(h.Bound, float64(max(size.Width, 400)), float64(max(size.Height, 300)), 48).Zoom
	}
	x.m.FlyTo(h.Bound.Center(), zoom)
	x.m.Select(h.Layer, h.FID)
	x.selected(mapview.Selection{Layer: h.Layer, FID: h.FID})
	x.win.Canvas().Focus(x.m)
}

// viewChanged shows the zoom and the scale of the map.
func (x *App) viewChanged(v viewport.Viewport) {
	// A screen pixel is about 0.28 mm (OGC's standard rendering pixel).
	denom := v.MetresPerPixel() / 0.00028
	x.scale.SetText(lang.L("zoom {{.Zoom}} · 1:{{.Scale}}", map[string]any{
		"Zoom": strconv.FormatFloat(v.Zoom, 'f', 1, 64), "Scale": thousands(int(roundScale(denom))),
	}))
}

// roundScale rounds a scale denominator to two significant digits.
func roundScale(d float64) float64 {
	if d < 100 {
		return math.Round(d)
	}
	p := math.Pow(10, math.Floor(math.Log10(d))-1)
	return math.Round(d/p) * p
}

// measured shows what the measuring tool measured so far.
func (x *App) measured(ms mapview.Measurement) {
	switch {
	case ms.Tool == mapview.ToolMeasureArea && len(ms.Points) >= 3:
		x.measure.SetText(lang.L("area {{.Area}} · perimeter {{.Length}}", map[string]any{"Area": area(ms.Area), "Length": length(ms.Distance)}))
	case len(ms.Points) >= 2:
		x.measure.SetText(lang.L("distance {{.Length}}", map[string]any{"Length": length(ms.Distance)}))
	default:
		x.measure.SetText("")
	}
}

func length(m float64) string {
	if m >= 1000 {
		return strconv.FormatFloat(m/1000, 'f', 2, 64) + " km"
	}
	return strconv.FormatFloat(m, 'f', 1, 64) + " m"
}

func area(m2 float64) string {
	if m2 >= 1e6 {
		return strconv.FormatFloat(m2/1e6, 'f', 3, 64) + " km²"
	}
	return thousands(int(math.Round(m2))) + " m²"
}

// imported reloads the map and the counts after an import.
func (x *App) imported(summary string, err error) {
	if err != nil {
		x.ShowError(err)
		return
	}
	x.m.SetStore(x.store)
	x.load()
	x.refreshSelected("", 0)
	showInfo(x.win, lang.L("Import"), summary, x.m)
}

// Quit closes the window, after the console's last save (at most
// closeWait), and ends the app.
func (x *App) Quit() { x.fyne.Quit() }

// Window returns the main window.
func (x *App) Window() fyne.Window { return x.win }

// ShowAndRun shows the window and runs the application until it quits.
func (x *App) ShowAndRun() { x.win.ShowAndRun() }

// ShowError shows err in a dialog over the window.
func (x *App) ShowError(err error) { showErr(x.win, err, x.m) }

// ShowOpenError shows why the file at path could not be opened, with what
// to do about it.
func (x *App) ShowOpenError(path string, err error) { x.ShowError(openError(path, err)) }

// Open opens the GeoPackage at path in the background and then shows it in
// place of the current one. When it cannot be opened, a dialog says why
// and the current file stays open. A drill scenario with unsaved changes
// is asked about first.
func (x *App) Open(path string) {
	if x.drill.on && x.drill.wb.Dirty() {
		x.drill.askUnsaved(func() { x.Open(path) }) // the scenario belongs to the file open now
		return
	}
	hand := do // read once: tests swap do between tests
	go func() {
		s, err := openExisting(path)
		hand(func() {
			if err != nil {
				x.ShowOpenError(path, err)
				if settled != nil {
					settled()
				}
				return
			}
			if x.ctx.Err() != nil { // the window closed meanwhile
				s.Close()
				return
			}
			x.closeReplays() // they read the file open now
			old := x.store
			x.store = s
			x.m.SetStore(s)
			x.info.clear()
			addRecent(x.fyne.Preferences(), absolute(path))
			x.fillRecent()
			x.load()
			x.restartOn(s, x.effective(LoadSettings(x.fyne.Preferences())), old)
		})
	}()
}

// openExisting opens a GeoPackage for writing, or for reading only when it
// cannot be written. Unlike store.Open it never creates a file.
func openExisting(path string) (*store.Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	s, err := store.Open(path)
	if errors.Is(err, store.ErrReadOnly) {
		return store.OpenWith(path, store.Options{ReadOnly: true})
	}
	return s, err
}

// openError puts a translated sentence saying what to do in front of err.
func openError(path string, err error) error {
	data := map[string]any{"File": filepath.Base(path)}
	var msg string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = lang.L("Cannot open {{.File}}: there is no such file. Check the name and folder.", data)
	case errors.Is(err, store.ErrNotGeoPackage):
		msg = lang.L("Cannot open {{.File}}: it is not a GeoPackage. Choose a .gpkg file made by SafetyNet, QGIS or GDAL.", data)
	case errors.Is(err, store.ErrNewerSchema):
		msg = lang.L("Cannot open {{.File}}: it was written by a newer version of SafetyNet. Update SafetyNet to open it.", data)
	case errors.Is(err, store.ErrLocked):
		msg = lang.L("Cannot open {{.File}}: another program is using it. Close it there and try again.", data)
	default:
		msg = lang.L("Cannot open {{.File}}.", data)
	}
	return fmt.Errorf("%s\n\n%w", msg, err)
}

// chooseFile asks for a GeoPackage to open.
func (x *App) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			x.ShowError(err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		x.Open(path)
	}, x.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".gpkg", ".GPKG"}))
	if x.store != nil {
		dir := storage.NewFileURI(filepath.Dir(absolute(x.store.Path())))
		if l, err := storage.ListerForURI(dir); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// load shows the current store and reads its feature counts and extent in
// the background.
func (x *App) load() {
	x.gen++
	if x.drill.on {
		x.drill.readList() // the scenarios of the file now open
		x.drill.readPlaces()
	}
	if x.planOn {
		x.startPlan() // cancels the plan of the store shown before
	}
	gen, s := x.gen, x.store
	names := store.LayerNames()
	if s == nil {
		for _, n := range names {
			x.layers.setCount(n, countNone)
		}
		x.win.SetTitle(Title)
		x.path.SetText(lang.L("No GeoPackage open. Choose File › Open… to open one."))
		x.extent.SetText("")
		return
	}
	for _, n := range names {
		x.layers.setCount(n, countReading)
	}
	x.win.SetTitle(Title + " — " + filepath.Base(s.Path()))
	x.path.SetText(absolute(s.Path()))
	x.extent.SetText(lang.L("Reading…"))

	hand := do // read once: tests swap do between tests
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, time.Minute)
		defer cancel()
		counts := make([]int, len(names))
		var err error
		for i, n := range names {
			c, e := s.Count(ctx, n)
			counts[i] = c
			if err == nil {
				err = e
			}
		}
		b, found, e := s.Extent(ctx)
		if err == nil {
			err = e
		}
		hand(func() {
			if gen != x.gen {
				return // another file was opened meanwhile
			}
			for i, n := range names {
				x.layers.setCount(n, counts[i])
			}
			switch {
			case err != nil:
				x.extent.set(lang.L("Could not read {{.File}}", map[string]any{"File": filepath.Base(s.Path())}), widget.DangerImportance, err.Error())
			case !found:
				x.extent.SetText(lang.L("Extent: no features yet"))
			default:
				x.extent.SetText(lang.L("Extent: {{.West}}, {{.South}} – {{.East}}, {{.North}} (lon, lat)", map[string]any{
					"West": degrees(b.Min[0]), "South": degrees(b.Min[1]),
					"East": degrees(b.Max[0]), "North": degrees(b.Max[1]),
				}))
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// degrees formats a longitude or latitude to 5 decimals, about a metre.
func degrees(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }

// thousands formats n with commas between groups of three digits, as
// both English and Chinese write counts: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func absolute(path string) string {
	if p, err := filepath.Abs(path); err == nil {
		return p
	}
	return path
}

// restartConsole follows the hub of new settings when they changed what
// the console depends on.
func (x *App) restartConsole(s Settings) {
	o := x.live.settings
	if o.HubURL == s.HubURL && o.HubToken == s.HubToken && o.HubAllowInsecure == s.HubAllowInsecure && o.Rules == s.Rules && o.RemoveAfter == s.RemoveAfter {
		x.live.settings = s // operator and sound apply at once
		return
	}
	x.restartOn(x.store, s, nil)
}

// restartOn stops the console and starts it on st with s once the old
// session has made its last save; then closes old (the store shown
// before, or nil). Of several restarts in a row the last one wins.
func (x *App) restartOn(st *store.Store, s Settings, old *store.Store) {
	prev := x.live.cur
	x.live.stop()
	x.restarts++
	n := x.restarts
	hand := do
	go func() {
		if prev != nil {
			prev.waitFor(5 * time.Second)
		}
		if old != nil {
			old.Close() // waits for reads still running
		}
		hand(func() {
			if n == x.restarts && x.store == st && x.ctx.Err() == nil {
				x.live.start(st, s)
			}
		})
	}()
}

// FollowHub makes the console follow the hub at url with token, acting
// as operator (when not empty), for this run only: the settings keep
// their own hub, and saving them keeps this one.
func (x *App) FollowHub(url, token, operator string) {
	x.hub = Options{HubURL: url, Token: token, Operator: operator}
	x.restartConsole(x.effective(LoadSettings(x.fyne.Preferences())))
}

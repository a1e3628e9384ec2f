// Package app is SafetyNet's main window. For now it lists the open
// GeoPackage's layers with their feature counts, shows the file and its
// extent in a status bar, and opens another file from the File menu; the
// map comes later.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
	"safetynet/icons"
	"safetynet/ui/locale"
	"safetynet/ui/theme"
)

// Title is the application's name in the window title, the same in every
// language.
const Title = "SafetyNet 安全网"

// loadTheme finds the CJK font once per process; tests replace it.
var loadTheme = sync.OnceValues(theme.Load)

// settled, when set, is called on the Fyne goroutine each time a
// background read or open has been handed back to the window; for tests.
var settled func()

// App is SafetyNet's main window and the store it shows. Its methods must
// be called on the Fyne goroutine; reads of the store run on goroutines of
// their own and hand their results back with fyne.Do.
type App struct {
	fyne   fyne.App
	win    fyne.Window
	ctx    context.Context // cancelled when the window closes
	cancel context.CancelFunc

	store *store.Store // nil when no file is open
	gen   int          // counts loads; results of an older load are dropped
	rows  []row        // one per layer, in store.LayerNames order

	table                *widget.Table
	path, extent, notice *widget.Label
}

// row is one layer's line in the table.
type row struct {
	layer string
	count int
	err   error
	done  bool // false while the count is being read
}

// New builds the main window of a showing s, which may be nil. The window
// owns s from then on: it closes it when another file is opened or the
// window closes.
//
// New gives a a theme with an installed CJK font. When there is none it
// switches the interface to English (see locale.Use) and says so in the
// status bar. Call locale.Use before New.
func New(a fyne.App, s *store.Store) *App {
	notice := ""
	if th, err := loadTheme(); err == nil {
		a.Settings().SetTheme(th)
	} else {
		if locale.Current() != locale.English {
			locale.Use(locale.English) // English needs no extra font; the choice is valid
		}
		notice = lang.L("No Chinese font found, so SafetyNet is shown in English. Install fonts-noto-cjk or fonts-wqy-microhei to see Chinese.")
	}
	a.SetIcon(icons.App)

	x := &App{fyne: a, store: s}
	x.ctx, x.cancel = context.WithCancel(context.Background())
	x.win = a.NewWindow(Title)
	x.win.SetIcon(icons.App)
	x.win.SetMaster()
	x.win.Resize(fyne.NewSize(900, 600))
	x.win.SetOnClosed(func() {
		x.cancel()
		if x.store != nil {
			x.store.Close()
			x.store = nil
		}
	})

	open := fyne.NewMenuItem(lang.L("Open…"), x.chooseFile)
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	x.win.Canvas().AddShortcut(open.Shortcut, func(fyne.Shortcut) { x.chooseFile() })
	quit := fyne.NewMenuItem(lang.L("Quit"), a.Quit)
	quit.IsQuit = true
	x.win.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu(lang.L("File"), open, fyne.NewMenuItemSeparator(), quit)))

	x.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(x.rows), 2 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		x.updateCell,
	)
	x.table.ShowHeaderColumn = false
	x.table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle.Bold = true
		return l
	}
	x.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Col == 0 {
			l.Alignment = fyne.TextAlignLeading
			l.SetText(lang.L("Layer"))
		} else {
			l.Alignment = fyne.TextAlignTrailing
			l.SetText(lang.L("Features"))
		}
	}
	x.table.SetColumnWidth(0, 280)
	x.table.SetColumnWidth(1, 140)

	x.path = widget.NewLabel("")
	x.path.Truncation = fyne.TextTruncateEllipsis
	x.extent = widget.NewLabel("")
	x.notice = widget.NewLabel(notice)
	x.notice.Importance = widget.WarningImportance
	if notice == "" {
		x.notice.Hide()
	}
	status := container.NewVBox(widget.NewSeparator(), x.notice,
		container.NewBorder(nil, nil, nil, x.extent, x.path))
	x.win.SetContent(container.NewBorder(nil, status, nil, nil, x.table))

	x.load()
	return x
}

// Window returns the main window.
func (x *App) Window() fyne.Window { return x.win }

// ShowAndRun shows the window and runs the application until it quits.
func (x *App) ShowAndRun() { x.win.ShowAndRun() }

// ShowError shows err in a dialog over the window.
func (x *App) ShowError(err error) { dialog.ShowError(err, x.win) }

// ShowOpenError shows why the file at path could not be opened, with what
// to do about it.
func (x *App) ShowOpenError(path string, err error) { x.ShowError(openError(path, err)) }

// Open opens the GeoPackage at path in the background and then shows it in
// place of the current one. When it cannot be opened, a dialog says why
// and the current file stays open.
func (x *App) Open(path string) {
	go func() {
		s, err := openExisting(path)
		fyne.Do(func() {
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
			old := x.store
			x.store = s
			x.load()
			if old != nil {
				go old.Close() // waits for reads still running
			}
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
	gen, s := x.gen, x.store
	if s == nil {
		x.rows = nil
		x.win.SetTitle(Title)
		x.path.SetText(lang.L("No GeoPackage open. Choose File › Open… to open one."))
		x.extent.SetText("")
		x.table.Refresh()
		return
	}
	names := store.LayerNames()
	x.rows = make([]row, len(names))
	for i, n := range names {
		x.rows[i] = row{layer: n}
	}
	x.win.SetTitle(Title + " — " + filepath.Base(s.Path()))
	x.path.SetText(absolute(s.Path()))
	x.extent.SetText(lang.L("Reading…"))
	x.table.Refresh()

	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, time.Minute)
		defer cancel()
		rows := make([]row, len(names))
		for i, n := range names {
			c, err := s.Count(ctx, n)
			rows[i] = row{layer: n, count: c, err: err, done: true}
		}
		b, found, err := s.Extent(ctx)
		for _, r := range rows {
			if err == nil {
				err = r.err
			}
		}
		fyne.Do(func() {
			if gen != x.gen {
				return // another file was opened meanwhile
			}
			x.rows = rows
			x.table.Refresh()
			switch {
			case err != nil:
				x.extent.SetText(lang.L("Could not read {{.File}}: {{.Err}}", map[string]any{"File": filepath.Base(s.Path()), "Err": err}))
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

func (x *App) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(x.rows) {
		l.SetText("")
		return
	}
	r := x.rows[id.Row]
	if id.Col == 0 {
		l.Alignment = fyne.TextAlignLeading
		l.SetText(locale.Layer(r.layer))
		return
	}
	l.Alignment = fyne.TextAlignTrailing
	switch {
	case !r.done:
		l.SetText("…")
	case r.err != nil:
		l.SetText(lang.L("error"))
	default:
		l.SetText(thousands(r.count))
	}
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

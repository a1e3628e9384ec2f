package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/geojsonio"
	"safetynet/data/osmimport"
	"safetynet/data/scene"
	"safetynet/data/store"
)

// farImport is how far from the open community, metres, imported data
// may lie before the import asks whether it really belongs there.
const farImport = scene.FarImport

// importProgress is the dialog over an import: what it does, a bar and
// Cancel. report may be called from any goroutine; the rest on the Fyne
// goroutine.
type importProgress struct {
	ctx    context.Context
	cancel context.CancelFunc
	d      dialog.Dialog
	label  *widget.Label
	bar    *widget.ProgressBar
	hand   func(func())

	mu   sync.Mutex
	last time.Time
}

func newImportProgress(ctx context.Context, win fyne.Window, text string) *importProgress {
	p := &importProgress{hand: do, label: widget.NewLabel(text), bar: widget.NewProgressBar()}
	p.ctx, p.cancel = context.WithCancel(ctx)
	p.label.Wrapping = fyne.TextWrapWord
	p.d = dialog.NewCustomWithoutButtons(lang.L("Import"), container.NewVBox(p.label, p.bar,
		widget.NewButton(lang.L("Cancel"), p.cancel)), win)
	p.d.Resize(fyne.NewSize(420, 160))
	trackDialog(win, p.d, func() {}, p.cancel, nil) // Esc cancels the import
	return p
}

// report shows doneBytes of total, at most one value per frame.
func (p *importProgress) report(doneBytes, total int64) {
	if total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 16*time.Millisecond && doneBytes < total {
		return
	}
	p.last = time.Now()
	f := float64(doneBytes) / float64(total)
	p.hand(func() { p.bar.SetValue(f) })
}

// close hides the dialog and releases its context.
func (p *importProgress) close() {
	p.d.Hide()
	p.cancel()
}

// source is a file read for import and not yet written: an OSM extract or
// a GeoJSON layer.
type source struct {
	path     string
	osm      []store.Feature
	stats    osmimport.Stats
	geo      *geojsonio.File
	warnings []string
}

// isGeoJSON reports whether path names a GeoJSON file; anything else is
// read as OSM (by content: XML or PBF).
func isGeoJSON(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json":
		return true
	}
	return false
}

// readSource reads and checks the file at path without writing it.
func readSource(ctx context.Context, path string, progress func(done, total int64)) (*source, error) {
	src := &source{path: path}
	var err error
	if isGeoJSON(path) {
		src.geo, src.warnings, err = geojsonio.ReadFile(path, "")
	} else {
		src.osm, src.stats, err = osmimport.ReadFile(ctx, path, progress)
	}
	if err != nil {
		return nil, importError(err)
	}
	return src, nil
}

// bound returns the extent of the data read, and false when it holds no
// features.
func (src *source) bound() (orb.Bound, bool) {
	if src.geo != nil {
		return src.geo.Bound()
	}
	return src.stats.Bound, src.stats.HasBound
}

// write writes the data read into s in one transaction and returns what
// to tell the user.
func (src *source) write(ctx context.Context, s *store.Store) (string, error) {
	name := filepath.Base(src.path)
	if src.geo != nil {
		n, err := src.geo.Write(ctx, s)
		if err != nil {
			return "", importError(err)
		}
		msg := lang.L("Imported {{.N}} features from {{.File}}.", map[string]any{"N": n, "File": name})
		if len(src.warnings) > 0 {
			msg += "\n" + strings.Join(src.warnings, "\n")
		}
		return msg, nil
	}
	if err := osmimport.Write(ctx, s, src.path, src.osm); err != nil {
		return "", importError(err)
	}
	total := 0
	for _, n := range src.stats.Built {
		total += n
	}
	msg := lang.L("Imported {{.N}} features from {{.File}}.", map[string]any{"N": total, "File": name})
	if skipped := src.stats.SkippedWays + src.stats.SkippedRelations; skipped > 0 {
		msg += "\n" + lang.L("{{.N}} ways and relations reach outside the file or do not close, and were skipped.", map[string]any{"N": skipped})
	}
	return msg, nil
}

// importError says a cancelled import changed nothing.
func importError(err error) error {
	if errors.Is(err, context.Canceled) {
		return errors.New(lang.L("The import was cancelled; nothing was changed."))
	}
	return err
}

// chooseImport asks for an OSM or GeoJSON file, then which file it goes
// into (see askImportTarget).
func (x *App) chooseImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			x.ShowError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		x.askImportTarget(path)
	}, x.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".osm", ".pbf", ".geojson", ".json"}))
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// askImportTarget asks whether the file at src goes into the open
// community or into a new GeoPackage, then imports it there. With no
// community open, or one open read-only, only a new GeoPackage can take it.
func (x *App) askImportTarget(src string) {
	name := map[string]any{"File": filepath.Base(src)}
	intoNew := lang.L("A new GeoPackage…")
	options := []string{intoNew}
	var intoOpen string
	var note string
	switch s := x.store; {
	case s == nil:
		note = lang.L("No community is open: {{.File}} goes into a new GeoPackage.", name)
	case s.ReadOnly():
		note = lang.L("{{.File}} is open read-only; nothing can be imported into it.", map[string]any{"File": filepath.Base(s.Path())})
	default:
		intoOpen = lang.L("The open community ({{.File}})", map[string]any{"File": filepath.Base(s.Path())})
		options = []string{intoOpen, intoNew}
	}
	choice := widget.NewRadioGroup(options, nil)
	choice.Required = true
	choice.SetSelected(options[0])
	items := []fyne.CanvasObject{widget.NewLabel(lang.L("Import {{.File}} into:", name)), choice}
	if note != "" {
		l := widget.NewLabel(note)
		l.Wrapping = fyne.TextWrapWord
		items = append(items, l)
	}
	d := dialog.NewCustomConfirm(lang.L("Import"), lang.L("Import"), lang.L("Cancel"), container.NewVBox(items...), func(ok bool) {
		if !ok {
			return
		}
		if choice.Selected == intoOpen && intoOpen != "" {
			x.importInto(src)
		} else {
			x.chooseNewFile(src)
		}
	}, x.win)
	d.Resize(fyne.NewSize(480, 220))
	showConfirm(x.win, d, x.m)
}

// importInto reads the file at src in the background and writes it into
// the open community, after asking when its data lies more than 5 km
// from the community's extent.
func (x *App) importInto(src string) {
	st := x.store
	if st == nil || st.ReadOnly() {
		x.askImportTarget(src)
		return
	}
	p := newImportProgress(x.ctx, x.win, lang.L("Reading {{.File}}…", map[string]any{"File": filepath.Base(src)}))
	go func() {
		read, err := readSource(p.ctx, src, p.report)
		var ext orb.Bound
		var found bool
		if err == nil {
			ext, found, err = st.Extent(p.ctx)
		}
		p.hand(func() {
			if x.store != st {
				p.close()
				return // another file was opened meanwhile
			}
			if err != nil {
				p.close()
				x.imported("", err)
				return
			}
			if b, ok := read.bound(); ok && found {
				if d := scene.Distance(ext, b); d > farImport {
					p.close()
					x.askFar(st, read, d)
					return
				}
			}
			x.writeInto(st, read, p)
		})
	}()
}

// askFar asks whether data lying d metres from the open community goes
// into it all the same, into a new GeoPackage, or nowhere.
func (x *App) askFar(st *store.Store, read *source, d float64) {
	msg := lang.L("The data in {{.File}} lies {{.Km}} km from the community in {{.Into}}. A GeoPackage holds one community: data this far away belongs in a GeoPackage of its own.", map[string]any{
		"File": filepath.Base(read.path), "Km": thousands(int(d/1000 + 0.5)), "Into": filepath.Base(st.Path()),
	})
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	var dlg dialog.Dialog
	cancel := widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() })
	intoNew := widget.NewButton(lang.L("Import into a new GeoPackage…"), func() {
		dlg.Hide()
		x.chooseNewFile(read.path)
	})
	merge := widget.NewButton(lang.L("Merge anyway"), func() {
		dlg.Hide()
		if x.store != st {
			return
		}
		x.writeInto(st, read, newImportProgress(x.ctx, x.win, lang.L("Importing {{.File}}…", map[string]any{"File": filepath.Base(read.path)})))
	})
	merge.Importance = widget.DangerImportance
	intoNew.Importance = widget.HighImportance
	dlg = dialog.NewCustomWithoutButtons(lang.L("Import far from the community?"),
		container.NewBorder(nil, container.NewHBox(cancel, merge, intoNew), nil, nil, l), x.win)
	dlg.Resize(fyne.NewSize(560, 220))
	trackDialog(x.win, dlg, intoNew.OnTapped, dlg.Hide, x.m)
}

// writeInto writes read into st in the background under progress p.
func (x *App) writeInto(st *store.Store, read *source, p *importProgress) {
	p.label.SetText(lang.L("Importing {{.File}}…", map[string]any{"File": filepath.Base(read.path)}))
	p.bar.SetValue(1)
	go func() {
		summary, err := read.write(p.ctx, st)
		p.hand(func() {
			p.close()
			if x.store == st {
				x.imported(summary, err)
			} else if err != nil {
				x.ShowError(err)
			}
		})
	}()
}

// chooseNewFile asks where to create a new GeoPackage, then creates it
// from the file at src (an OSM extract or a GeoJSON layer; "" for an
// empty community) and opens it.
//
// It asks for a folder and a name rather than with Fyne's save dialog:
// that dialog truncates a file the user agrees to overwrite before the
// caller sees it, which would destroy a GeoPackage (the open one, even).
func (x *App) chooseNewFile(src string) {
	dir := ""
	if x.store != nil {
		dir = filepath.Dir(absolute(x.store.Path()))
	} else if wd, err := os.Getwd(); err == nil {
		dir = wd
	}
	folder := newFormEntry()
	folder.SetText(dir)
	name := newFormEntry()
	base := lang.L("community")
	if src != "" {
		base = strings.TrimSuffix(strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)), ".osm")
	}
	name.SetText(base + ".gpkg")
	browse := widget.NewButton(lang.L("Choose folder…"), func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				folder.SetText(l.Path())
			}
		}, x.win)
		if l, err := storage.ListerForURI(storage.NewFileURI(folder.Text)); err == nil {
			d.SetLocation(l)
		}
		d.Resize(fyne.NewSize(760, 520))
		d.Show()
	})
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Folder"), container.NewBorder(nil, nil, nil, browse, folder)),
		widget.NewFormItem(lang.L("File name"), name))
	d := dialog.NewCustomConfirm(lang.L("Save the new community as"), lang.L("Create"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		n := strings.TrimSpace(name.Text)
		if n == "" {
			x.ShowError(errors.New(lang.L("Give the new GeoPackage a file name.")))
			return
		}
		if !strings.EqualFold(filepath.Ext(n), ".gpkg") {
			n += ".gpkg"
		}
		x.NewCommunity(filepath.Join(strings.TrimSpace(folder.Text), n), src)
	}, x.win)
	d.Resize(fyne.NewSize(620, 220))
	name.OnSubmitted = func(string) { d.Confirm() }
	folder.OnSubmitted = func(string) { d.Confirm() }
	name.onCancel, folder.onCancel = d.Hide, d.Hide
	name.window, folder.window = windowShortcuts{x.win}, windowShortcuts{x.win}
	showConfirm(x.win, d, x.m)
	x.win.Canvas().Focus(name)
}

// showNewCommunity asks whether the new community starts empty or from
// an OSM extract, then where to save it (see NewCommunity).
func (x *App) showNewCommunity() {
	empty, fromOSM := lang.L("Empty"), lang.L("From an OSM extract (.osm or .osm.pbf)")
	extract := widget.NewEntry()
	extract.SetPlaceHolder(lang.L("OSM extract"))
	extract.Disable()
	browse := widget.NewButton(lang.L("Choose…"), func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			extract.SetText(r.URI().Path())
			r.Close()
		}, x.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".osm", ".pbf"}))
		d.Resize(fyne.NewSize(760, 520))
		d.Show()
	})
	browse.Disable()
	kind := widget.NewRadioGroup([]string{empty, fromOSM}, func(v string) {
		if v == fromOSM {
			extract.Enable()
			browse.Enable()
		} else {
			extract.Disable()
			browse.Disable()
		}
	})
	kind.Required = true
	kind.SetSelected(empty)
	body := container.NewVBox(widget.NewLabel(lang.L("Start the new community:")), kind,
		container.NewBorder(nil, nil, nil, browse, extract))
	d := dialog.NewCustomConfirm(lang.L("New community"), lang.L("Create…"), lang.L("Cancel"), body, func(ok bool) {
		if !ok {
			return
		}
		src := ""
		if kind.Selected == fromOSM {
			src = strings.TrimSpace(extract.Text)
			if src == "" {
				x.ShowError(errors.New(lang.L("Choose the OSM extract to start the community from.")))
				return
			}
		}
		x.chooseNewFile(src)
	}, x.win)
	d.Resize(fyne.NewSize(520, 240))
	showConfirm(x.win, d, x.m)
}

// NewCommunity creates a GeoPackage at path, fills it from the file at
// src (an OSM extract or a GeoJSON layer; "" leaves it empty) with a
// progress dialog that can cancel, and then opens it in place of the
// open one. It never overwrites a file: when path exists a dialog says
// so. When the import fails or is cancelled the new file is removed and
// the open community stays open. Call it on the Fyne goroutine; the work
// runs in the background.
func (x *App) NewCommunity(path, src string) {
	if _, err := os.Stat(path); err == nil {
		x.ShowError(errors.New(lang.L("{{.File}} already exists. Choose another name: a new community never replaces a file.", map[string]any{"File": filepath.Base(path)})))
		return
	} else if !errors.Is(err, fs.ErrNotExist) {
		x.ShowError(fmt.Errorf("%s: %w", lang.L("Cannot create {{.File}}.", map[string]any{"File": filepath.Base(path)}), err))
		return
	}
	text := lang.L("Creating {{.File}}…", map[string]any{"File": filepath.Base(path)})
	if src != "" {
		text = lang.L("Importing {{.File}}…", map[string]any{"File": filepath.Base(src)})
	}
	p := newImportProgress(x.ctx, x.win, text)
	go func() {
		summary, err := createCommunity(p.ctx, path, src, p.report)
		p.hand(func() {
			p.close()
			if err != nil {
				x.ShowError(err)
				if settled != nil {
					settled()
				}
				return
			}
			x.Open(path)
			if summary != "" {
				dialog.ShowInformation(lang.L("New community"), summary, x.win)
			}
		})
	}()
}

// createCommunity creates the GeoPackage at path and imports src into
// it; on any error it removes what it created.
func createCommunity(ctx context.Context, path, src string, progress func(done, total int64)) (summary string, err error) {
	var read *source
	if src != "" { // read first: a file that cannot be read leaves nothing behind
		if read, err = readSource(ctx, src, progress); err != nil {
			return "", err
		}
	}
	s, err := store.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", lang.L("Cannot create {{.File}}.", map[string]any{"File": filepath.Base(path)}), err)
	}
	if read != nil {
		summary, err = read.write(ctx, s)
	}
	if cerr := s.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
			os.Remove(p)
		}
		return "", err
	}
	return summary, nil
}

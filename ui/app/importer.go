package app

import (
	"context"
	"errors"
	"fmt"
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

	"safetynet/data/geojsonio"
	"safetynet/data/osmimport"
	"safetynet/data/store"
)

// importFile imports an OSM (XML or PBF) or GeoJSON file into s in the
// background, with a progress dialog over win that can cancel it; done is
// called on the Fyne goroutine with a summary, or the error. The import is
// one transaction: cancelled or failed, it leaves the store unchanged.
func importFile(ctx context.Context, win fyne.Window, s *store.Store, path string, done func(summary string, err error)) {
	ctx, cancel := context.WithCancel(ctx)
	bar := widget.NewProgressBar()
	label := widget.NewLabel(lang.L("Importing {{.File}}…", map[string]any{"File": filepath.Base(path)}))
	d := dialog.NewCustomWithoutButtons(lang.L("Import"), container.NewVBox(label, bar,
		widget.NewButton(lang.L("Cancel"), cancel)), win)
	d.Resize(fyne.NewSize(420, 160))
	d.Show()

	hand := do // read once: tests swap do between tests
	// progress is called on the import's goroutine; hand at most one value
	// per frame to the bar.
	var mu sync.Mutex
	var last time.Time
	progress := func(doneBytes, total int64) {
		if total <= 0 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < 16*time.Millisecond && doneBytes < total {
			return
		}
		last = time.Now()
		f := float64(doneBytes) / float64(total)
		hand(func() { bar.SetValue(f) })
	}
	go func() {
		defer cancel()
		summary, err := runImport(ctx, s, path, progress)
		hand(func() {
			d.Hide()
			done(summary, err)
		})
	}()
}

func runImport(ctx context.Context, s *store.Store, path string, progress func(done, total int64)) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json":
		n, warnings, err := geojsonio.Import(ctx, s, path, "")
		if err != nil {
			return "", err
		}
		msg := lang.L("Imported {{.N}} features from {{.File}}.", map[string]any{"N": n, "File": filepath.Base(path)})
		if len(warnings) > 0 {
			msg += "\n" + strings.Join(warnings, "\n")
		}
		return msg, nil
	default:
		st, err := osmimport.Import(ctx, s, path, progress)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return "", errors.New(lang.L("The import was cancelled; nothing was changed."))
			}
			return "", err
		}
		total := 0
		for _, n := range st.Built {
			total += n
		}
		msg := lang.L("Imported {{.N}} features from {{.File}}.", map[string]any{"N": total, "File": filepath.Base(path)})
		if skipped := st.SkippedWays + st.SkippedRelations; skipped > 0 {
			msg += "\n" + lang.L("{{.N}} ways and relations reach outside the file or do not close, and were skipped.", map[string]any{"N": skipped})
		}
		return msg, nil
	}
}

// chooseImport asks for an OSM or GeoJSON file and imports it into s.
func chooseImport(ctx context.Context, win fyne.Window, s *store.Store, done func(summary string, err error)) {
	if s == nil {
		dialog.ShowInformation(lang.L("Import"), lang.L("Open or create a GeoPackage first."), win)
		return
	}
	if s.ReadOnly() {
		dialog.ShowError(fmt.Errorf("%s", lang.L("{{.File}} is open read-only; nothing can be imported into it.", map[string]any{"File": filepath.Base(s.Path())})), win)
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, win)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		importFile(ctx, win, s, path, done)
	}, win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".osm", ".pbf", ".geojson", ".json"}))
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
	"safetynet/feeds/console"
	feedreplay "safetynet/feeds/replay"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
	"safetynet/ui/replay"
)

// maxReplayRows is the most event-log entries one replay reads.
const maxReplayRows = 1 << 20

// replayLayout is how a typed period's times are written.
const replayLayout = "2006-01-02 15:04"

// replayWindow is a replay open beside the live console: a window of
// its own with its own map on the same store. Its fields belong to the
// Fyne goroutine.
type replayWindow struct {
	win     fyne.Window
	maps    []*mapview.Map
	view    *replay.View    // one period; nil for a comparison
	compare *replay.Compare // two runs; nil for one period
	closed  bool
}

// close closes the window, its view and its maps.
func (r *replayWindow) close() {
	if r.closed {
		return
	}
	r.closed = true
	r.win.Close()
}

// replays are the replay windows open, per main window.
var replays = map[*App][]*replayWindow{}

// closeReplays closes x's replay windows: before the store they read
// closes.
func (x *App) closeReplays() {
	for _, r := range replays[x] {
		r.close()
	}
	delete(replays, x)
}

// runTitle is a drill run's line in a list: its scenario's name, its
// start and its ID.
func runTitle(r store.DrillRun) string {
	name := r.Label(locale.Current())
	if name == "" {
		name = r.Scenario
	}
	return fmt.Sprintf("%s · %s · %s", name, r.Started.Local().Format(replayLayout), r.ID)
}

// runPeriod is the part of the event log a run covers: from its start to
// its end (an hour on when it did not end), with a minute's margin either
// side.
func runPeriod(r store.DrillRun) (from, to time.Time) {
	to = r.Ended
	if to.IsZero() {
		to = r.Started.Add(time.Hour)
	}
	return r.Started.Add(-time.Minute), to.Add(time.Minute)
}

// readRuns reads the file's drill runs in the background and hands them
// to then.
func (x *App) readRuns(then func([]store.DrillRun)) {
	s := x.store
	if s == nil {
		x.ShowError(errors.New(lang.L("No GeoPackage open. Choose File › Open… to open one.")))
		return
	}
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, 30*time.Second)
		defer cancel()
		runs, err := s.DrillRuns(ctx, "")
		hand(func() {
			if err != nil {
				x.ShowError(err)
			} else if x.store == s {
				then(runs)
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// showReplayChooser asks which period of the event log to replay: a
// drill run, the last hour, or a typed period.
func (x *App) showReplayChooser() {
	x.readRuns(func(runs []store.DrillRun) {
		var dlg *dialog.CustomDialog
		var titles []string
		for i := len(runs) - 1; i >= 0; i-- { // newest first
			titles = append(titles, runTitle(runs[i]))
		}
		runOf := func(title string) (store.DrillRun, bool) {
			for _, r := range runs {
				if runTitle(r) == title {
					return r, true
				}
			}
			return store.DrillRun{}, false
		}
		pickRun := widget.NewSelect(titles, nil)
		pickRun.PlaceHolder = lang.L("(no drill run kept)")
		if len(titles) > 0 {
			pickRun.SetSelected(titles[0])
		}
		now := time.Now()
		fromE, toE := widget.NewEntry(), widget.NewEntry()
		fromE.SetText(now.Add(-time.Hour).Format(replayLayout))
		toE.SetText(now.Add(time.Minute).Format(replayLayout))
		choices := []string{lang.L("A drill run"), lang.L("The last hour"), lang.L("A period")}
		which := widget.NewRadioGroup(choices, nil)
		which.Required = true
		if len(runs) > 0 {
			which.SetSelected(choices[0])
		} else {
			which.SetSelected(choices[1])
		}
		msg := widget.NewLabel("")
		msg.Importance = widget.DangerImportance
		msg.Wrapping = fyne.TextWrapWord
		msg.Hide()
		open := widget.NewButton(lang.L("Replay"), func() {
			var from, to time.Time
			title := ""
			switch which.Selected {
			case choices[0]:
				r, ok := runOf(pickRun.Selected)
				if !ok {
					msg.SetText(lang.L("Choose a drill run."))
					msg.Show()
					return
				}
				from, to = runPeriod(r)
				title = runTitle(r)
			case choices[1]:
				to = time.Now().Add(time.Minute)
				from = to.Add(-time.Hour - time.Minute)
				title = lang.L("The last hour")
			default:
				var err error
				from, to, err = parsePeriod(fromE.Text, toE.Text)
				if err != nil {
					msg.SetText(err.Error())
					msg.Show()
					return
				}
				title = fromE.Text + " – " + toE.Text
			}
			dlg.Hide()
			x.OpenReplay(title, from, to)
		})
		open.Importance = widget.HighImportance
		cancel := widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() })
		form := widget.NewForm(
			widget.NewFormItem(lang.L("Replay"), which),
			widget.NewFormItem(lang.L("Drill run"), pickRun),
			widget.NewFormItem(lang.L("From"), fromE),
			widget.NewFormItem(lang.L("To"), toE),
		)
		dlg = dialog.NewCustomWithoutButtons(lang.L("Replay the event log"), container.NewVBox(form, msg), x.win)
		dlg.SetButtons([]fyne.CanvasObject{cancel, open})
		dlg.Resize(fyne.NewSize(560, 320))
		trackDialog(x.win, dlg, open.OnTapped, dlg.Hide, x.m)
	})
}

// parsePeriod reads a typed period, in local time, as replayLayout.
func parsePeriod(from, to string) (time.Time, time.Time, error) {
	lo, err := time.ParseInLocation(replayLayout, strings.TrimSpace(from), time.Local)
	if err != nil {
		return lo, lo, errors.New(lang.L("The start {{.Text}} is not a time such as 2026-05-01 22:00.", map[string]any{"Text": from}))
	}
	hi, err := time.ParseInLocation(replayLayout, strings.TrimSpace(to), time.Local)
	if err != nil {
		return lo, hi, errors.New(lang.L("The end {{.Text}} is not a time such as 2026-05-01 22:00.", map[string]any{"Text": to}))
	}
	if !hi.After(lo) {
		return lo, hi, errors.New(lang.L("The end of the period must come after its start."))
	}
	return lo, hi, nil
}

// replayOptions are the live console's options, so that the replay
// shows the picture the operators saw.
func (x *App) replayOptions(ctx context.Context, s *store.Store) feedreplay.Options {
	set := x.effective(LoadSettings(x.fyne.Preferences()))
	opt := console.Options{RemoveAfter: time.Duration(set.RemoveAfter * float64(time.Minute)), Language: locale.Current()}
	if b, ok, err := s.Extent(ctx); err == nil && ok {
		opt.Centre = b.Center()
	}
	return feedreplay.Options{Console: opt}
}

// OpenReplay opens a window replaying the store's event log from from to
// to, titled title, beside the live console: it reads the log in the
// background, then shows the replay on a map of its own.
func (x *App) OpenReplay(title string, from, to time.Time) {
	s := x.store
	if s == nil {
		x.ShowError(errors.New(lang.L("No GeoPackage open. Choose File › Open… to open one.")))
		return
	}
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, time.Minute)
		defer cancel()
		rows, err := s.ConsoleLog(ctx, from, to, maxReplayRows)
		opt := x.replayOptions(ctx, s)
		hand(func() {
			defer func() {
				if settled != nil {
					settled()
				}
			}()
			if x.store != s || x.ctx.Err() != nil {
				return
			}
			if err != nil {
				x.ShowError(err)
				return
			}
			if len(rows) == 0 {
				x.ShowError(errors.New(lang.L("The event log has nothing from {{.From}} to {{.To}}.", map[string]any{
					"From": from.Local().Format(replayLayout), "To": to.Local().Format(replayLayout)})))
				return
			}
			rw := &replayWindow{win: x.fyne.NewWindow(lang.L("Replay: {{.Title}}", map[string]any{"Title": title}))}
			m := x.replayMap(s)
			rw.maps = []*mapview.Map{m}
			rw.view = replay.NewView(rw.win, m, rows, replay.ViewOptions{Replay: opt, Title: title})
			x.showReplayWindow(rw, rw.view.Object(), rw.view.Close)
		})
	}()
}

// replayMap makes a map for a replay on s, at the live map's view.
func (x *App) replayMap(s *store.Store) *mapview.Map {
	m := mapview.New(s)
	m.SetTileURL(x.effective(LoadSettings(x.fyne.Preferences())).TileURL)
	v := x.m.View()
	if v.Zoom > 0 {
		m.FlyTo(v.Center, v.Zoom)
	}
	return m
}

// showReplayWindow shows rw with content; closing it calls stop and
// closes its maps.
func (x *App) showReplayWindow(rw *replayWindow, content fyne.CanvasObject, stop func()) {
	replays[x] = append(replays[x], rw)
	rw.win.SetContent(content)
	rw.win.SetOnClosed(func() {
		rw.closed = true
		stop()
		for _, m := range rw.maps {
			m.Close()
		}
		list := replays[x]
		for i, r := range list {
			if r == rw {
				replays[x] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
	})
	rw.win.Resize(fyne.NewSize(1200, 760))
	rw.win.Show()
}

// showCompareChooser asks for two runs of one scenario and opens their
// comparison.
func (x *App) showCompareChooser() {
	x.readRuns(func(runs []store.DrillRun) {
		var titles []string
		for i := len(runs) - 1; i >= 0; i-- {
			titles = append(titles, runTitle(runs[i]))
		}
		runOf := func(title string) (store.DrillRun, bool) {
			for _, r := range runs {
				if runTitle(r) == title {
					return r, true
				}
			}
			return store.DrillRun{}, false
		}
		var dlg *dialog.CustomDialog
		first, second := widget.NewSelect(titles, nil), widget.NewSelect(nil, nil)
		first.PlaceHolder = lang.L("(no drill run kept)")
		second.PlaceHolder = lang.L("(no other run of this scenario)")
		first.OnChanged = func(t string) {
			a, _ := runOf(t)
			var others []string
			for _, o := range titles {
				if b, _ := runOf(o); o != t && b.Scenario == a.Scenario {
					others = append(others, o)
				}
			}
			second.Options = others
			second.ClearSelected()
			if len(others) > 0 {
				second.SetSelected(others[0])
			}
			second.Refresh()
		}
		if len(titles) > 0 {
			first.SetSelected(titles[0])
		}
		msg := widget.NewLabel("")
		msg.Importance = widget.DangerImportance
		msg.Wrapping = fyne.TextWrapWord
		msg.Hide()
		open := widget.NewButton(lang.L("Compare"), func() {
			a, okA := runOf(first.Selected)
			b, okB := runOf(second.Selected)
			if !okA || !okB {
				msg.SetText(lang.L("Choose two runs of the same scenario."))
				msg.Show()
				return
			}
			dlg.Hide()
			x.OpenCompare(a, b)
		})
		open.Importance = widget.HighImportance
		cancel := widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() })
		form := widget.NewForm(widget.NewFormItem(lang.L("First run"), first), widget.NewFormItem(lang.L("Second run"), second))
		dlg = dialog.NewCustomWithoutButtons(lang.L("Compare two runs"), container.NewVBox(form, msg), x.win)
		dlg.SetButtons([]fyne.CanvasObject{cancel, open})
		dlg.Resize(fyne.NewSize(640, 240))
		trackDialog(x.win, dlg, open.OnTapped, dlg.Hide, x.m)
	})
}

// OpenCompare opens a window comparing runs a and b side by side, each
// from its own start.
func (x *App) OpenCompare(a, b store.DrillRun) {
	s := x.store
	if s == nil {
		x.ShowError(errors.New(lang.L("No GeoPackage open. Choose File › Open… to open one.")))
		return
	}
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, time.Minute)
		defer cancel()
		fa, ta := runPeriod(a)
		fb, tb := runPeriod(b)
		rowsA, err := s.ConsoleLog(ctx, fa, ta, maxReplayRows)
		var rowsB []store.LogRow
		if err == nil {
			rowsB, err = s.ConsoleLog(ctx, fb, tb, maxReplayRows)
		}
		opt := x.replayOptions(ctx, s)
		hand(func() {
			defer func() {
				if settled != nil {
					settled()
				}
			}()
			if x.store != s || x.ctx.Err() != nil {
				return
			}
			if err != nil {
				x.ShowError(err)
				return
			}
			if len(rowsA) == 0 || len(rowsB) == 0 {
				x.ShowError(errors.New(lang.L("The event log has nothing of one of the runs.")))
				return
			}
			rw := &replayWindow{win: x.fyne.NewWindow(lang.L("Compare: {{.A}} and {{.B}}", map[string]any{"A": a.ID, "B": b.ID}))}
			m1, m2 := x.replayMap(s), x.replayMap(s)
			rw.maps = []*mapview.Map{m1, m2}
			rw.compare = replay.NewCompare(rw.win, m1, m2, rowsA, rowsB, replay.CompareOptions{Replay: opt,
				TitleA: runTitle(a), TitleB: runTitle(b), StartA: a.Started, StartB: b.Started})
			x.showReplayWindow(rw, rw.compare.Object(), rw.compare.Close)
		})
	}()
}

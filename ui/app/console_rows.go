package app

import (
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/ui/mapview"
)

// queueRow is one row of the alert queue: a bar coloured by what the row
// asks of the operator (a new alert: its severity; acknowledged: grey;
// assigned: the unit's blue), the title across the row with how many
// alarms it folds and its marks (returned to normal, chattering, drill),
// and under it the severity, where it is in the workflow and the time of
// its last alarm. New alerts are bold. The pointer over a row holds the queue's rows still.
type queueRow struct {
	widget.BaseWidget
	l                        *liveConsole
	bar                      *canvas.Rectangle
	sev, title, status, when *widget.Label
	box                      *fyne.Container
}

func newQueueRow(l *liveConsole) *queueRow {
	r := &queueRow{l: l, bar: canvas.NewRectangle(color.Transparent)}
	r.bar.SetMinSize(fyne.NewSize(4, 1))
	r.sev = widget.NewLabel("EXTREME")
	r.sev.TextStyle.Bold = true
	r.sev.SizeName = fynetheme.SizeNameCaptionText
	r.title = widget.NewLabel("")
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.status = widget.NewLabel("")
	r.status.SizeName = fynetheme.SizeNameCaptionText
	r.status.Truncation = fyne.TextTruncateEllipsis
	r.when = widget.NewLabel("00:00")
	r.when.SizeName = fynetheme.SizeNameCaptionText
	// Two lines: the title across the row; below it the severity, where
	// the alert is in the workflow and the time of its last alarm.
	lines := container.New(layout.NewCustomPaddedVBoxLayout(-2*fynetheme.InnerPadding()),
		r.title, container.NewBorder(nil, nil, r.sev, r.when, r.status))
	r.box = container.NewBorder(nil, nil, r.bar, nil, lines)
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer draws the row's box.
func (r *queueRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// MouseIn holds the queue's rows still.
func (r *queueRow) MouseIn(*desktop.MouseEvent) { r.l.pointerOver(true) }

// MouseMoved does nothing: MouseIn holds the rows.
func (r *queueRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut lets the rows move again unless the pointer enters another row.
func (r *queueRow) MouseOut() { r.l.pointerOver(false) }

// show fills the row with a.
func (r *queueRow) show(a console.Alert, now time.Time) {
	r.sev.SetText(severityText(a.Severity))
	if imp := severityImportance(a.Severity); r.sev.Importance != imp {
		r.sev.Importance = imp
		r.sev.Refresh()
	}
	title := alertLine(a)
	if a.Count > 1 {
		title += " ×" + strconv.Itoa(a.Count)
	}
	if !a.Cleared.IsZero() {
		title = "↩ " + title
	}
	if a.Chattering {
		title = "〰 " + title
	}
	bold := a.Status == console.StatusNew
	if r.title.Text != title || r.title.TextStyle.Bold != bold {
		r.title.Text = title
		r.title.TextStyle.Bold = bold
		r.title.Refresh()
	}
	r.status.SetText(rowStatus(a, now))
	r.when.SetText(lastAlarm(a).Local().Format("15:04"))
	c := rowColour(a, now)
	if r.bar.FillColor != c {
		r.bar.FillColor = c
		r.bar.Refresh()
	}
}

// rowStatus is the short word for where a is in the workflow.
func rowStatus(a console.Alert, now time.Time) string {
	switch {
	case a.Shelved(now):
		return lang.L("row.shelved")
	case a.Status == console.StatusNew:
		return lang.L("row.new")
	case a.Status == console.StatusAcknowledged:
		return lang.L("row.acknowledged")
	case a.Status == console.StatusAssigned:
		return "→ " + a.AssignedTo
	case a.Status == console.StatusResolved:
		return lang.L("row.resolved")
	}
	return ""
}

// rowColour is the colour of a row's bar.
func rowColour(a console.Alert, now time.Time) color.Color {
	th := fyne.CurrentApp().Settings().Theme()
	v := fynetheme.VariantLight
	if mapview.ThemeIsDark() {
		v = fynetheme.VariantDark
	}
	switch {
	case a.Shelved(now) || a.Status == console.StatusResolved:
		return color.Transparent
	case a.Status == console.StatusAssigned:
		return th.Color(fynetheme.ColorNamePrimary, v)
	case a.Status == console.StatusAcknowledged:
		return th.Color(fynetheme.ColorNameDisabled, v)
	}
	switch a.Severity {
	case event.Extreme:
		return th.Color(fynetheme.ColorNameError, v)
	case event.Severe:
		return th.Color(fynetheme.ColorNameWarning, v)
	}
	return th.Color(fynetheme.ColorNameForeground, v)
}

// pointerHold is how long the queue's rows keep still after the pointer
// left a row, so that moving from one row to the next never re-sorts.
const pointerHold = 400 * time.Millisecond

// pointerOver records the pointer entering or leaving a row of the queue.
func (l *liveConsole) pointerOver(in bool) {
	l.pointerGen++
	if in {
		l.setPointer(true)
		return
	}
	n, hand := l.pointerGen, do
	time.AfterFunc(pointerHold, func() {
		hand(func() {
			if n == l.pointerGen {
				l.setPointer(false)
			}
		})
	})
}

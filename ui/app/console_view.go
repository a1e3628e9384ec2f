package app

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/feeds/client"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

// view is the console's part of the window: the alert queue with its
// filters, the alarm rate, the selected alert's detail and the hub's
// state in the status bar. It belongs to the Fyne goroutine.
type view struct {
	snap       console.Snapshot
	shown      uint64
	queue      []console.Alert // the rows as listed
	filter     console.Filter
	selected   string
	listed     string            // the subject the list shows selected
	listedAt   widget.ListItemID // and the row it shows it in
	heard      map[string]bool   // subject and raise time of the alerts the sound was played for
	pointer    bool              // the pointer is over the queue: its rows hold still
	pointerGen int               // counts the pointer's moves in and out of rows
	rowH       float32           // a row's height

	list                                         *widget.List
	statusSel, famSel, windowSl, sevSel, drillSl *widget.Select
	rate                                         *widget.Label
	banner                                       *widget.Button
	title, meta, marks, warn, note               *widget.Label
	hint                                         *widget.Label // shown while no alert is selected
	side                                         *fyne.Container
	ack, assign, resolve, shelve, open           *widget.Button
	cams, equip, units                           *fyne.Container
	detail                                       *fyne.Container
	box                                          fyne.CanvasObject
	conn                                         *statusLabel
}

// Status filter choices, in the order of statusSel.
const (
	showOpen = iota
	showNew
	showAcknowledged
	showAssigned
	showShelved
	showResolved
	showAll
)

func (l *liveConsole) buildView() {
	l.heard = map[string]bool{}
	l.conn = newStatusLabel(l.x)
	l.conn.set(lang.L("Hub: not set"), widget.MediumImportance, "")

	statuses := []string{lang.L("filter.status.open"), lang.L("filter.status.new"), lang.L("filter.status.acknowledged"),
		lang.L("filter.status.assigned"), lang.L("filter.status.shelved"), lang.L("filter.status.resolved"), lang.L("filter.status.all")}
	l.statusSel = widget.NewSelect(statuses, nil)
	l.statusSel.SetSelectedIndex(showOpen)
	fams := []string{lang.L("All types")}
	for _, f := range familyCodes {
		fams = append(fams, familyText(f))
	}
	l.famSel = widget.NewSelect(fams, nil)
	l.famSel.SetSelectedIndex(0)
	windows := []string{lang.L("Any time"), lang.L("Last 15 min"), lang.L("Last hour"), lang.L("Last 24 h")}
	l.windowSl = widget.NewSelect(windows, nil)
	l.windowSl.SetSelectedIndex(0)
	l.sevSel = widget.NewSelect([]string{lang.L("filter.severity.any"), lang.L("filter.severity.extreme"),
		lang.L("filter.severity.severe"), lang.L("filter.severity.moderate")}, nil)
	l.sevSel.SetSelectedIndex(0)
	l.drillSl = widget.NewSelect([]string{lang.L("filter.drill.both"), lang.L("filter.drill.without"), lang.L("filter.drill.only")}, nil)
	l.drillSl.SetSelectedIndex(0)
	for _, sel := range []*widget.Select{l.statusSel, l.famSel, l.windowSl, l.sevSel, l.drillSl} {
		sel.OnChanged = func(string) { l.refilter() }
	}

	l.list = widget.NewList(func() int { return len(l.queue) }, func() fyne.CanvasObject {
		return newQueueRow(l)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(l.queue) {
			o.(*queueRow).show(l.queue[i], time.Now())
		}
	})
	l.list.OnSelected = func(i widget.ListItemID) {
		if i < len(l.queue) {
			l.listed, l.listedAt = l.queue[i].Subject, i
			if l.queue[i].Subject != l.selected {
				l.selectAlert(l.queue[i].Subject, true)
			}
		}
	}
	l.rowH = newQueueRow(l).MinSize().Height
	l.rate = widget.NewLabel("")
	l.rate.Wrapping = fyne.TextWrapWord
	l.banner = widget.NewButton("", l.showTop)
	l.banner.Importance = widget.DangerImportance
	l.banner.Hide()

	l.title = widget.NewLabel("")
	l.title.TextStyle.Bold = true
	l.title.Wrapping = fyne.TextWrapWord
	l.meta = widget.NewLabel("")
	l.meta.Wrapping = fyne.TextWrapWord
	l.marks = widget.NewLabel("")
	l.marks.Wrapping = fyne.TextWrapWord
	l.marks.Importance = widget.WarningImportance
	l.warn = widget.NewLabel("")
	l.warn.Importance = widget.WarningImportance
	l.warn.Wrapping = fyne.TextWrapWord
	l.note = widget.NewLabel("")
	l.note.Wrapping = fyne.TextWrapWord
	l.ack = widget.NewButton(lang.L("Acknowledge"), l.acknowledge)
	l.assign = widget.NewButton(lang.L("Assign…"), l.assignDialog)
	l.resolve = widget.NewButton(lang.L("Resolve…"), l.resolveDialog)
	l.shelve = widget.NewButton(lang.L("Shelve…"), l.shelveDialog)
	l.ack.Importance = widget.HighImportance
	l.open = widget.NewButton(lang.L("Open camera view"), nil)
	l.open.Hide()
	l.cams = container.NewVBox()
	l.equip = container.NewVBox()
	l.units = container.NewVBox()
	heading := func(s string) fyne.CanvasObject {
		h := widget.NewLabel(s)
		h.TextStyle.Bold = true
		return h
	}
	l.detail = container.NewVBox(l.title, l.meta, l.marks, l.warn, container.NewGridWithColumns(2, l.ack, l.assign, l.resolve, l.shelve), l.note,
		heading(lang.L("Cameras that see it")), l.cams, l.open,
		heading(lang.L("Nearest fire equipment on foot")), l.equip,
		heading(lang.L("Nearest patrol units")), l.units)
	l.detail.Hide()

	l.hint = widget.NewLabel(lang.L("Select an alert to see it on the map, the cameras that see it and what is near. Ctrl+N: next alert, Ctrl+K: acknowledge, Ctrl+G: assign, Ctrl+R: resolve, Ctrl+H: shelve."))
	l.hint.Wrapping = fyne.TextWrapWord
	l.hint.Importance = widget.LowImportance
	filters := container.NewVBox(container.NewGridWithColumns(2, l.statusSel, l.famSel, l.sevSel, l.drillSl, l.windowSl), l.rate)
	l.side = container.NewVBox(l.hint, l.detail)
	split := container.NewVSplit(container.NewBorder(l.banner, nil, nil, nil, l.list), container.NewVScroll(container.NewPadded(l.side)))
	split.Offset = 0.5
	l.box = container.NewBorder(filters, nil, nil, nil, split)
}

// clearView empties the queue, the detail and the live layer.
func (l *liveConsole) clearView() {
	l.snap, l.shown, l.queue, l.selected, l.listed = console.Snapshot{}, 0, nil, "", ""
	l.banner.Hide()
	l.rate.SetText("")
	l.detail.Hide()
	l.hint.Show()
	l.side.Refresh()
	l.list.Refresh()
	l.x.m.SetLive(nil, 0)
	l.x.m.HighlightCameras(nil)
	l.stats.reset()
}

// refilter turns the filter choices into the console's filter.
func (l *liveConsole) refilter() {
	f := console.Filter{}
	switch l.statusSel.SelectedIndex() {
	case showNew:
		f.Statuses = []console.Status{console.StatusNew}
	case showAcknowledged:
		f.Statuses = []console.Status{console.StatusAcknowledged}
	case showAssigned:
		f.Statuses = []console.Status{console.StatusAssigned}
	case showShelved:
		f.Shelved = console.Only
	case showResolved:
		f.Statuses = []console.Status{console.StatusResolved}
	case showAll:
		f.Statuses = []console.Status{console.StatusNew, console.StatusAcknowledged, console.StatusAssigned, console.StatusResolved}
		f.Shelved = console.Both
	}
	if i := l.famSel.SelectedIndex(); i > 0 {
		f.Families = []string{familyCodes[i-1]}
	}
	f.Within = []time.Duration{0, 15 * time.Minute, time.Hour, 24 * time.Hour}[max(l.windowSl.SelectedIndex(), 0)]
	f.MinSeverity = []event.Severity{"", event.Extreme, event.Severe, event.Moderate}[max(l.sevSel.SelectedIndex(), 0)]
	f.Drills = []console.Include{console.Both, console.Without, console.Only}[max(l.drillSl.SelectedIndex(), 0)]
	l.filter = f
	l.pointer = false // a new choice sorts the list afresh
	if l.running() != nil {
		l.redraw()
	}
}

// familyCodes are the type families of the filter, in its order.
var familyCodes = []string{"fire", "intrusion", "access", "alarm", "camera", "patrol", "rule", "medical", "equipment"}

// setConn shows the hub's state in the status bar: a short text, and the
// whole story (an error's detail) when the operator clicks it.
func (l *liveConsole) setConn(text string, imp widget.Importance, detail string) {
	l.conn.set(text, imp, detail)
}

// connState shows the hub connection's state in the status bar.
func (l *liveConsole) connState(st client.State, err error) {
	detail := ""
	if err != nil {
		detail = err.Error()
	}
	switch st {
	case client.Connected:
		l.setConn(lang.L("Hub: connected"), widget.SuccessImportance, "")
	case client.Connecting:
		l.setConn(lang.L("Hub: connecting…"), widget.WarningImportance, detail)
	case client.Disconnected:
		l.setConn(lang.L("Hub: offline, retrying"), widget.DangerImportance, detail)
	default:
		if errors.Is(err, client.ErrInsecure) {
			l.setConn(insecureHubText(), widget.DangerImportance, detail)
			return
		}
		l.setConn(lang.L("Hub: stopped"), widget.DangerImportance, detail)
	}
}

// show draws a frame: the queue, the map's live layer, the selected
// alert; and sounds new severe alerts.
func (l *liveConsole) show(fr *frame) {
	l.stats.handed(fr.snap.Version, fr.arrivals, time.Now())
	if fr.snap.Version == l.shown {
		return
	}
	l.snap, l.shown = fr.snap, fr.snap.Version
	l.redraw()
}

// redraw draws the snapshot held again: after a new frame or a change of
// the filters. While the pointer is over the queue, or the queue is
// scrolled down, its rows hold still: alerts that arrive are added at the
// end, and a banner says when one of them is more severe than the rows in
// view.
func (l *liveConsole) redraw() {
	snap := l.snap
	now := time.Now()
	q := snap.Queue(l.filter, now)
	arrived := 0
	if l.holding() {
		shown := make([]string, len(l.queue))
		for i, a := range l.queue {
			shown[i] = a.Subject
		}
		q, arrived = console.Hold(q, shown)
	}
	prev := l.queue
	l.queue = q
	l.showBanner(arrived)
	l.showRate(snap.Rate)
	sound := false // one tone a frame, however many arrived in it
	heard := make(map[string]bool, len(l.heard))
	for i := range snap.Alerts {
		a := &snap.Alerts[i]
		if !a.Audible(now) || a.Severity.Rank() < event.Severe.Rank() {
			continue
		}
		key := a.Subject + "@" + a.Raised.String()
		if !l.heard[key] {
			sound = true
		}
		heard[key] = true
	}
	l.heard = heard // forgets the alerts that left the picture or were acknowledged
	if sound && l.settings.Sound {
		playSound(l.settings.SoundFile)
	}
	l.refreshRows(prev)
	if i := l.indexOf(l.selected); i >= 0 {
		// The selected alert may have moved in the queue (a more severe
		// one arrived above it): the highlight follows the alert, not the row.
		if l.listed != l.selected || l.listedAt != i {
			l.listed, l.listedAt = l.selected, i
			l.list.Select(i)
		}
	} else if l.listed != "" {
		l.listed = ""
		l.list.UnselectAll()
	}
	l.x.m.SetLive(liveItems(l.queue, snap.Units, l.selected), snap.Version)
	l.x.m.SetCameraStatus(camerasDown(snap.Alerts))
	l.x.setAlertCount(len(l.queue))
	if l.selected != "" {
		l.fillDetail(false)
	}
}

// wrapped is a label whose text wraps to the panel's width: a long line
// never widens the panel.
func wrapped(text string) *widget.Label {
	w := widget.NewLabel(text)
	w.Wrapping = fyne.TextWrapWord
	return w
}

// camerasDown returns the cameras an open camera.offline alert says are
// down now, by code, for the map to mark.
func camerasDown(alerts []console.Alert) map[string]string {
	var out map[string]string
	for _, a := range alerts {
		if a.Event.Type != "camera.offline" || a.Status == console.StatusResolved || !a.Cleared.IsZero() {
			continue
		}
		src := a.Event.Source
		if !strings.HasPrefix(src, "camera:") {
			src = a.Subject
		}
		if code, ok := strings.CutPrefix(src, "camera:"); ok && code != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[code] = "offline"
		}
	}
	return out
}

// refreshRows redraws the rows of the queue that changed since prev: the
// whole list when rows came, went or moved, else only the rows whose
// alert changed. (A whole refresh of a widget.List builds a row just to
// measure it; thirty a second of them is garbage for nothing.)
func (l *liveConsole) refreshRows(prev []console.Alert) {
	if len(prev) != len(l.queue) {
		l.list.Refresh()
		return
	}
	for i := range prev {
		if prev[i].Subject != l.queue[i].Subject {
			l.list.Refresh()
			return
		}
	}
	now := time.Now()
	for i := range prev {
		if rowOf(prev[i], now) != rowOf(l.queue[i], now) {
			l.list.RefreshItem(i)
		}
	}
}

// row is what a row of the queue shows of an alert.
type row struct {
	title, status, when string
	severity            event.Severity
	bold                bool
}

func rowOf(a console.Alert, now time.Time) row {
	return row{title: alertLine(a) + strconv.Itoa(a.Count) + a.Cleared.String() + strconv.FormatBool(a.Chattering),
		status: rowStatus(a, now), when: lastAlarm(a).String(), severity: a.Severity, bold: a.Status == console.StatusNew}
}

// holding reports whether the queue's rows should hold still: the
// operator points at them or has scrolled down to read them.
func (l *liveConsole) holding() bool {
	return l.pointer || l.list.GetScrollOffset() > 1
}

// showBanner shows, when rows held still and some of the arrived ones
// (at the end of the queue) sort above the rows in view, a banner that
// brings them up.
func (l *liveConsole) showBanner(arrived int) {
	if arrived == 0 || len(l.queue) == 0 {
		l.banner.Hide()
		return
	}
	top := 0
	if l.rowH > 0 {
		top = min(len(l.queue)-1, int(l.list.GetScrollOffset()/l.rowH))
	}
	first := l.queue[len(l.queue)-arrived]
	if top < len(l.queue)-arrived && console.Compare(&first, &l.queue[top]) >= 0 {
		l.banner.Hide()
		return
	}
	l.banner.SetText(lang.L("▲ {{.N}} new, up to {{.Severity}}: show them", map[string]any{"N": arrived, "Severity": severityText(first.Severity)}))
	l.banner.Importance = widget.WarningImportance
	if first.Severity.Rank() >= event.Severe.Rank() {
		l.banner.Importance = widget.DangerImportance
	}
	l.banner.Show()
}

// showTop sorts the queue afresh and scrolls to its top.
func (l *liveConsole) showTop() {
	l.pointer = false
	l.list.ScrollToTop()
	l.redraw()
}

// setPointer records whether the pointer is over the queue.
func (l *liveConsole) setPointer(in bool) {
	if l.pointer == in {
		return
	}
	l.pointer = in
	if !in && l.running() != nil {
		l.redraw()
	}
}

// showRate shows the alarm load on one line: new alarms in the flood
// window, a flood when over its limit, the alarms of the hour and what is
// shelved.
func (l *liveConsole) showRate(r console.Rate) {
	text := lang.L("{{.N}} alarms in {{.Min}} min", map[string]any{"N": r.Recent, "Min": int(r.Window.Minutes())})
	if r.Flood {
		text = lang.L("ALARM FLOOD: {{.N}} in {{.Min}} min (limit {{.Limit}})", map[string]any{"N": r.Recent, "Min": int(r.Window.Minutes()), "Limit": r.Limit})
	} else if h := r.Hour.Total(); h > 0 {
		text += " · " + lang.L("1 h: {{.N}}", map[string]any{"N": h})
	}
	if r.Shelved > 0 {
		text += " · " + lang.L("{{.N}} shelved", map[string]any{"N": r.Shelved})
	}
	l.rate.SetText(text)
	imp := widget.LowImportance
	if r.Flood {
		imp = widget.DangerImportance
	}
	if l.rate.Importance != imp {
		l.rate.Importance = imp
		l.rate.TextStyle.Bold = r.Flood
		l.rate.Refresh()
	}
}

func (l *liveConsole) indexOf(subject string) int {
	if subject == "" {
		return -1
	}
	for i, a := range l.queue {
		if a.Subject == subject {
			return i
		}
	}
	return -1
}

// liveItems turns the queue and the units into the map's live layer.
// Alerts with a warning (no position, far away, broken shape) stay in the
// queue only.
func liveItems(queue []console.Alert, units []console.Unit, selected string) []mapview.LiveItem {
	items := make([]mapview.LiveItem, 0, len(queue)+len(units))
	for _, u := range units {
		h := math.NaN()
		if v, ok := u.Event.Properties["heading_deg"].(float64); ok {
			h = v
		}
		items = append(items, mapview.LiveItem{ID: u.Subject, Kind: mapview.LiveUnit, Geometry: u.Event.Geometry,
			Family: u.Event.TypeFamily(), Severity: u.Event.Severity.Rank(), Heading: h, Stale: u.Stale,
			Drill: u.Event.IsDrill(), Trail: u.Trail, Label: u.Event.Title, Selected: u.Subject == selected})
	}
	for i := len(queue) - 1; i >= 0; i-- { // the most severe drawn last, on top
		a := queue[i]
		if a.Warning != "" || a.Event.Geometry == nil || a.Status == console.StatusResolved {
			continue
		}
		items = append(items, mapview.LiveItem{ID: a.Subject, Kind: mapview.LiveAlert, Geometry: a.Event.Geometry,
			Family: a.Event.TypeFamily(), Severity: a.Severity.Rank(), Heading: math.NaN(),
			Stale: a.State == event.StaleState, Drill: a.Drill, New: a.Status == console.StatusNew,
			Selected: a.Subject == selected, Label: a.Event.Title, Time: lastAlarm(a)})
	}
	return items
}

// lastAlarm is the time of a's latest alarm.
func lastAlarm(a console.Alert) time.Time {
	if !a.Last.IsZero() {
		return a.Last
	}
	return a.Event.Time
}

// selectAlert selects an alert: the map flies to it, and the cameras that
// see it, the nearest fire equipment and patrol units are listed.
func (l *liveConsole) selectAlert(subject string, fly bool) {
	l.selected = subject
	a, ok := l.alert(subject)
	if !ok {
		l.detail.Hide()
		l.hint.Show()
		l.side.Refresh()
		l.x.m.HighlightCameras(nil)
		return
	}
	if i := l.indexOf(subject); i >= 0 {
		l.list.Select(i)
	}
	if ss := l.running(); ss != nil {
		ss.c.Opened(subject, l.settings.operator(), time.Now())
	}
	l.x.showAlerts()
	if fly && a.Warning == "" && a.Event.Geometry != nil {
		l.x.m.FlyTo(a.Event.Geometry.Bound().Center(), math.Max(l.x.m.View().Zoom, 18))
	}
	l.x.m.SetLive(liveItems(l.queue, l.snap.Units, l.selected), l.snap.Version)
	l.fillDetail(true)
}

func (l *liveConsole) alert(subject string) (console.Alert, bool) {
	for _, a := range l.snap.Alerts {
		if a.Subject == subject {
			return a, true
		}
	}
	return console.Alert{}, false
}

// fillDetail shows the selected alert; with near it also finds, in the
// background, who sees it and what is near it.
func (l *liveConsole) fillDetail(near bool) {
	a, ok := l.alert(l.selected)
	if !ok {
		return
	}
	e := a.Event
	l.title.SetText(alertLine(a))
	meta := fmt.Sprintf("%s · %s · %s · %s", severityText(a.Severity), typeText(e.Type), e.Time.Local().Format("2006-01-02 15:04:05"), statusText(a.Status))
	if e.Source != "" {
		meta += " · " + l.sourceText(e.Source)
	}
	if a.AssignedTo != "" {
		meta += " · " + lang.L("assigned to {{.Unit}}", map[string]any{"Unit": a.AssignedTo})
	}
	if e.Description != "" {
		meta += "\n" + e.Description
	}
	l.meta.SetText(meta)
	if m := alertMarks(a, time.Now()); m != "" {
		l.marks.SetText(m)
		l.marks.Show()
	} else {
		l.marks.Hide()
	}
	if a.Warning != "" {
		l.warn.SetText(lang.L("Not on the map: {{.Why}}", map[string]any{"Why": a.Warning}))
		l.warn.Show()
	} else {
		l.warn.Hide()
	}
	var notes []string
	for _, act := range a.Actions {
		who := act.Operator
		if who == console.System {
			who = lang.L("system")
		}
		s := act.Time.Local().Format("15:04:05") + " " + who + ": " + actionText(act.Kind)
		if act.Unit != "" {
			s += " → " + act.Unit
		}
		if !act.Until.IsZero() {
			s += " " + lang.L("until {{.Time}}", map[string]any{"Time": act.Until.Local().Format("15:04")})
		}
		if act.Note != "" {
			if act.Operator == console.System {
				s += " — " + translated(act.Note)
			} else {
				s += " — " + act.Note
			}
		}
		if act.Detail != "" {
			s += " (" + act.Detail + ")"
		}
		notes = append(notes, s)
	}
	l.note.SetText(strings.Join(notes, "\n"))
	if len(notes) == 0 {
		l.note.Hide()
	} else {
		l.note.Show()
	}
	setEnabled(l.ack, a.Allows(console.ActionAck) == nil)
	setEnabled(l.assign, a.Allows(console.ActionAssign) == nil)
	setEnabled(l.resolve, a.Allows(console.ActionResolve) == nil)
	if a.Shelved(time.Now()) {
		l.shelve.SetText(lang.L("Unshelve"))
		setEnabled(l.shelve, a.Allows(console.ActionUnshelve) == nil)
	} else {
		l.shelve.SetText(lang.L("Shelve…"))
		setEnabled(l.shelve, a.Allows(console.ActionShelve) == nil)
	}
	if !l.detail.Visible() {
		l.detail.Show()
		l.hint.Hide()
		l.side.Refresh()
	}
	if near {
		l.findNear(a)
	}
}

// findNear finds, off the Fyne goroutine, the cameras that see the alert,
// the nearest fire equipment on foot and the nearest patrol units.
func (l *liveConsole) findNear(a console.Alert) {
	l.cams.Objects, l.equip.Objects, l.units.Objects = nil, nil, nil
	l.open.Hide()
	ss := l.running()
	if a.Warning != "" || a.Event.Geometry == nil || ss == nil {
		l.x.m.HighlightCameras(nil)
		l.cams.Refresh()
		return
	}
	looking := func(c *fyne.Container) {
		w := widget.NewLabel(lang.L("Looking…"))
		w.Importance = widget.LowImportance
		c.Add(w)
		c.Refresh()
	}
	looking(l.cams)
	looking(l.equip)
	looking(l.units)
	p := a.Event.Geometry.Bound().Center()
	units := slices.Clone(l.snap.Units)
	language := locale.Current()
	hand := do
	go func() {
		r := ss.look.near(ss.ctx, a.Subject, p, units, language)
		hand(func() {
			if l.cur == ss && r.subject == l.selected {
				l.showNear(r)
			}
		})
	}()
}

// showNear lists what near found and highlights the cameras' views.
func (l *liveConsole) showNear(r nearResult) {
	l.x.m.HighlightCameras(r.fids)
	l.cams.Objects = nil
	if r.where != "" {
		w := widget.NewLabel(r.where)
		w.Wrapping = fyne.TextWrapWord
		w.Importance = widget.LowImportance
		l.cams.Add(w)
	}
	if len(r.sights) == 0 {
		l.cams.Add(widget.NewLabel(lang.L("No camera sees this place.")))
	}
	first := ""
	for _, sg := range r.sights {
		name := r.names[sg.Camera]
		if name == "" {
			name = sg.Camera
		}
		text := lang.L("{{.Camera}}: {{.PPM}} px/m ({{.Level}}), {{.Dist}} m", map[string]any{
			"Camera": name, "PPM": strconv.FormatFloat(sg.PPM, 'f', 0, 64), "Level": translated("val." + sg.Level),
			"Dist": strconv.FormatFloat(sg.Distance, 'f', 0, 64)})
		if sg.spot != "" {
			text += " · " + lang.L("sees {{.Where}}", map[string]any{"Where": sg.spot})
		}
		if sg.Estimated {
			text += " · " + lang.L("heading estimated")
		}
		l.cams.Add(wrapped(text))
		if first == "" && r.links[sg.Camera] != "" {
			first = sg.Camera
		}
	}
	if first != "" {
		link := r.links[first]
		l.open.SetText(lang.L("Open view of {{.Camera}}", map[string]any{"Camera": r.names[first]}))
		l.open.OnTapped = func() { openLink(l.x.fyne, link) }
		l.open.Show()
	}
	l.equip.Objects = nil
	if len(r.equip) == 0 {
		l.equip.Add(widget.NewLabel(lang.L("No fire equipment within 1 km on foot.")))
	}
	for _, e := range r.equip {
		id := e.name
		if id == "" {
			id = e.id
		}
		l.equip.Add(wrapped(lang.L("{{.Kind}} {{.ID}}: {{.Dist}} m on foot", map[string]any{
			"Kind": translated("equip." + e.kind), "ID": id, "Dist": strconv.FormatFloat(e.walk, 'f', 0, 64)})))
	}
	l.units.Objects = nil
	if len(r.units) == 0 {
		l.units.Add(widget.NewLabel(lang.L("No patrol unit within 1 km on foot.")))
	}
	for _, u := range r.units {
		t := lang.L("{{.Unit}}: {{.Dist}} m on foot", map[string]any{"Unit": u.title, "Dist": strconv.FormatFloat(u.walk, 'f', 0, 64)})
		if u.stale {
			t += " · " + lang.L("position stale")
		}
		l.units.Add(wrapped(t))
	}
	l.cams.Refresh()
	l.equip.Refresh()
	l.units.Refresh()
}

// alertMarks says what alarm management knows of a: how many alarms it
// folds and since when, repeats since it was acknowledged, its source
// back to normal, chattering, shelved, standing for over a day.
func alertMarks(a console.Alert, now time.Time) string {
	var ms []string
	if a.Count > 1 {
		ms = append(ms, lang.L("{{.N}} alarms from {{.First}} to {{.Last}}", map[string]any{"N": a.Count,
			"First": a.First.Local().Format("15:04:05"), "Last": a.Last.Local().Format("15:04:05")}))
	}
	if a.SinceAck > 0 {
		ms = append(ms, lang.L("{{.N}} more since acknowledged", map[string]any{"N": a.SinceAck}))
	}
	if !a.Cleared.IsZero() {
		ms = append(ms, lang.L("↩ source back to normal at {{.Time}}", map[string]any{"Time": a.Cleared.Local().Format("15:04:05")}))
	}
	if a.Chattering {
		ms = append(ms, lang.L("〰 chattering: repeats are folded in silently"))
	}
	if a.Shelved(now) {
		ms = append(ms, lang.L("shelved by {{.Who}} until {{.Time}}: {{.Why}}", map[string]any{"Who": a.ShelvedBy,
			"Time": a.ShelvedUntil.Local().Format("15:04"), "Why": a.ShelveReason}))
	}
	if a.Standing {
		ms = append(ms, lang.L("standing for over a day"))
	}
	return strings.Join(ms, "\n")
}

// next selects the next alert of the queue (the first when none is).
func (l *liveConsole) next() {
	if len(l.queue) == 0 {
		return
	}
	i := l.indexOf(l.selected) + 1
	if i >= len(l.queue) {
		i = 0
	}
	l.selectAlert(l.queue[i].Subject, true)
}

// drawStats keeps the time from an event's arrival to the frame that
// shows it, and frame times, for the benchmarks and the soak test. It is
// written on the Fyne goroutine and read by tests, hence its own lock;
// nothing slow runs under it.
type drawStats struct {
	mu      sync.Mutex
	pending []arrival
	// handedAt: when each version was handed to the map.
	handedAt map[uint64]time.Time
	samples  []drawSample
	frames   []time.Duration
}

// drawSample is one event's path to the screen: from reaching this
// console, and from being stored by the hub, to the frame showing it.
type drawSample struct {
	fromClient, fromHub time.Duration
}

const maxLatencySamples = 1 << 16

func (d *drawStats) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending, d.handedAt, d.samples, d.frames = nil, nil, nil, nil
}

// handed records that version, with the arrivals it shows first, was
// handed to the map at t.
func (d *drawStats) handed(version uint64, arrivals []arrival, t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending = append(d.pending, arrivals...)
	if len(d.pending) > maxArrivals {
		d.pending = d.pending[len(d.pending)-maxArrivals:]
	}
	if d.handedAt == nil {
		d.handedAt = map[uint64]time.Time{}
	}
	if len(d.handedAt) < 1024 {
		d.handedAt[version] = t
	}
}

// drawn records that the map drew the items of version stamp at t.
func (d *drawStats) drawn(stamp uint64, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, a := range d.pending {
		if a.version > stamp {
			break
		}
		if len(d.samples) < maxLatencySamples {
			s := drawSample{fromClient: at.Sub(a.at)}
			if !a.hub.IsZero() {
				s.fromHub = at.Sub(a.hub)
			}
			d.samples = append(d.samples, s)
		}
		n++
	}
	d.pending = d.pending[n:]
	if t, ok := d.handedAt[stamp]; ok && len(d.frames) < maxLatencySamples {
		d.frames = append(d.frames, at.Sub(t))
	}
	for v := range d.handedAt {
		if v <= stamp {
			delete(d.handedAt, v)
		}
	}
}

// take returns and forgets the samples and frame times measured.
func (d *drawStats) take() ([]drawSample, []time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, f := d.samples, d.frames
	d.samples, d.frames = nil, nil
	return s, f
}

// drawn is the map's OnLiveDrawn callback.
func (l *liveConsole) drawn(stamp uint64, at time.Time) { l.stats.drawn(stamp, at) }

// latencies returns and forgets the arrival-to-drawing times measured,
// and the frame times: from handing a frame to the map to the map frame
// that shows it.
func (l *liveConsole) latencies() (arrivals, frames []time.Duration) {
	s, f := l.stats.take()
	for _, x := range s {
		arrivals = append(arrivals, x.fromClient)
	}
	return arrivals, f
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func unitTitle(u console.Unit) string {
	if u.Event.Title != "" {
		return u.Event.Title
	}
	return u.Subject
}

func alertLine(a console.Alert) string {
	t := a.Event.Title
	if t == "" {
		t = typeText(a.Event.Type)
	}
	if a.Drill {
		t = lang.L("[DRILL]") + " " + t
	}
	if a.Warning != "" {
		t = "⚠ " + t
	}
	return t
}

func severityText(s event.Severity) string { return translated("severity." + string(s)) }

func severityImportance(s event.Severity) widget.Importance {
	switch s {
	case event.Extreme:
		return widget.DangerImportance
	case event.Severe:
		return widget.WarningImportance
	case event.Moderate:
		return widget.HighImportance
	}
	return widget.MediumImportance
}

func statusText(s console.Status) string { return translated("status." + string(s)) }

func actionText(kind string) string { return translated("action." + kind) }

// translated translates a key made of a prefix and a coded value, such
// as "severity.extreme".
func translated(key string) string { return lang.L(key) }

// noticeFor is how long a notice stays in the status bar.
const noticeFor = 20 * time.Second

// showNotice shows a message in the status bar's notice line for
// noticeFor (the whole of it on a click when it is too long to show).
func (x *App) showNotice(msg string) {
	x.notice.set(msg, widget.WarningImportance, msg)
	x.notice.Show()
	x.notices++
	n, hand := x.notices, do
	time.AfterFunc(noticeFor, func() {
		hand(func() {
			if n == x.notices {
				x.notice.Hide()
			}
		})
	})
}

// Package replay is the replay screen: the operator console's picture at
// any instant of an event log, on a map and in a queue and detail panel,
// with a time slider, playback forwards and backwards at 1× to 20×, a
// typed time to seek to and jumps to the previous or next inject or
// action; and a side-by-side comparison of two runs of a drill.
//
// Replay never touches the live picture: a View replays its own
// replay.Log (built from the rows it is given) on its own consoles, and
// draws on the Map widget it is given, which must not be the live
// console's map (SetLive on the live map would replace the live layer).
// The caller makes a Map for the replay (mapview.New on the same store
// shows the same community) and closes it after Close.
//
// Ownership: the widgets and the View's fields belong to the Fyne
// goroutine, except the player's state, which belongs to the player
// goroutine. The Fyne goroutine sends it commands (play, pause, seek,
// speed, selection) over a channel; it computes each frame (the picture
// at the instant, the queue, the map's live items) off the Fyne goroutine
// and hands the newest one over with fyne.Do, at most one crossing
// waiting at a time.
package replay

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/replay"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

// do hands work to the Fyne goroutine; tests replace it.
var do = fyne.Do

// Speeds the player offers, in times real time.
var Speeds = []float64{1, 2, 5, 10, 20}

// FrameEvery is how often the player draws while playing.
const FrameEvery = 33 * time.Millisecond

// ViewOptions tune a View. The zero value is usable.
type ViewOptions struct {
	// Replay are the options of the log's replay; use the live
	// console's console.Options (centre, language, remove-after) so that
	// the picture is the one the operators saw.
	Replay replay.Options
	// Title names what is replayed (the drill, the shift) beside the
	// REPLAY mark.
	Title string
	// Location is the time zone times are shown and typed in (default
	// time.Local).
	Location *time.Location
	// MapOutside leaves the map out of Object: the caller lays it out.
	MapOutside bool
	// Log, when not nil, is replayed instead of one built from the rows.
	Log *replay.Log
}

// View is the replay screen of one event log. Its methods belong to the
// Fyne goroutine.
type View struct {
	win fyne.Window
	m   *mapview.Map
	log *replay.Log
	loc *time.Location
	opt ViewOptions

	from, to time.Time
	base     time.Time // the instant the slider and t+ count from
	buildErr error

	// Shown: the last frame drawn.
	frame *frame
	// jumpTo is the mark a jump asked for until a frame shows it: a
	// second jump before then goes on from there, not from the frame.
	jumpTo   time.Time
	selected string
	queue    []console.Alert
	setting  bool // the slider is being set from a frame
	// shownDetail is detailKey of the alert the detail panel shows.
	shownDetail string

	cmds   chan func(*player)
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mail   mailbox
	onShow func(*frame) // tests

	banner         *fyne.Container
	title, clock   *canvas.Text
	offset         *widget.Label
	slider         *widget.Slider
	startL, endL   *widget.Label
	play, pause    *widget.Button
	reverse        *widget.Button
	speed          *widget.Select
	markKind       *widget.Select
	prevM, nextM   *widget.Button
	entry          *widget.Entry
	seekB          *widget.Button
	msg            *widget.Label
	list           *widget.List
	counts         *widget.Label
	showAll        *widget.Check
	hint           *widget.Label
	dTitle, dMeta  *widget.Label
	dMarks, dNotes *widget.Label
	detail         *fyne.Container
	controls       *fyne.Container
	relayout       func() // lays out again what holds the message line
	box            fyne.CanvasObject
}

// NewView builds the replay of rows (as Store.ConsoleLog returns them)
// on m, shown at the start of the log. Rows that cannot be read are left
// out and said in the view's message line. win is the window the view is
// shown in (its canvas takes the keyboard focus of the time entry). Call
// Close when done.
func NewView(win fyne.Window, m *mapview.Map, rows []store.LogRow, opt ViewOptions) *View {
	v := newView(win, m, rows, opt)
	v.buildControls()
	v.buildBody()
	box := container.NewBorder(container.NewVBox(v.banner, v.controls), nil, nil, nil, v.body())
	v.box, v.relayout = box, box.Refresh
	v.start()
	return v
}

// newView makes a View's state and the widgets both screens use.
func newView(win fyne.Window, m *mapview.Map, rows []store.LogRow, opt ViewOptions) *View {
	v := &View{win: win, m: m, opt: opt, loc: opt.Location, cmds: make(chan func(*player), 64)}
	if v.loc == nil {
		v.loc = time.Local
	}
	v.log = opt.Log
	if v.log == nil {
		v.log, v.buildErr = replay.New(rows, opt.Replay)
	}
	v.from, v.to = v.log.Span()
	v.base = v.from
	if ds, ok := v.log.DrillStart(); ok {
		v.base = ds
	}
	v.ctx, v.cancel = context.WithCancel(context.Background())
	v.buildBanner()
	v.buildBody()
	v.msg = widget.NewLabel("")
	v.msg.Wrapping = fyne.TextWrapWord
	v.msg.Hide()
	return v
}

// start runs the player and draws the first frame.
func (v *View) start() {
	p := &player{v: v, log: v.log, at: v.from, speed: 1, from: v.from, to: v.to}
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		p.run(v.ctx)
	}()
	v.send(func(p *player) { p.seek(p.at) })
	if v.buildErr != nil {
		v.say(lang.L("Some rows of the log could not be read and are left out: {{.Err}}", map[string]any{"Err": v.buildErr}), true)
	} else if v.log.Rows() == 0 {
		v.say(lang.L("The event log holds nothing for this period."), false)
	}
}

// Object returns the screen: the REPLAY banner with the clock, the
// controls and the time slider, the map (unless MapOutside) and the
// queue with the selected alert's detail.
func (v *View) Object() fyne.CanvasObject { return v.box }

// Log returns the log the view replays.
func (v *View) Log() *replay.Log { return v.log }

// At returns the instant shown.
func (v *View) At() time.Time {
	if v.frame == nil {
		return v.from
	}
	return v.frame.at
}

// Close stops the player and clears the map's live layer. The map is
// the caller's to close.
func (v *View) Close() {
	v.cancel()
	v.wg.Wait()
	v.m.SetLive(nil, 0)
}

func (v *View) send(fn func(*player)) {
	select {
	case v.cmds <- fn:
	case <-v.ctx.Done():
	}
}

// Seek shows the instant t (kept within the log's span) and keeps
// playing when it was.
func (v *View) Seek(t time.Time) {
	v.jumpTo = time.Time{}
	v.send(func(p *player) { p.seek(t) })
}

// Play plays forwards (reverse false) or backwards at the speed chosen.
func (v *View) Play(reverse bool) {
	dir := 1.0
	if reverse {
		dir = -1
	}
	v.jumpTo = time.Time{}
	v.send(func(p *player) { p.setPlaying(true, dir) })
}

// Pause stops playing, keeping the instant shown.
func (v *View) Pause() { v.send(func(p *player) { p.setPlaying(false, p.dir) }) }

// SetSpeed sets the playback speed (times real time: 1, 2, 5, 10, 20).
func (v *View) SetSpeed(x float64) {
	for i, s := range Speeds {
		if s == x && v.speed.SelectedIndex() != i {
			v.speed.SetSelectedIndex(i) // calls back with the speed
			return
		}
	}
	v.send(func(p *player) { p.setSpeed(x) })
}

// SeekText seeks to a typed time: hh:mm[:ss] on the day shown, a date
// and time (2006-01-02 15:04[:05], or RFC 3339), or t+mm:ss from the
// start of the drill (or of the log). Bad input is said in the message
// line and changes nothing; it returns the error.
func (v *View) SeekText(s string) error {
	t, err := parseTime(s, v.At(), v.base, v.loc)
	if err != nil {
		v.say(lang.L("Cannot go to {{.Text}}: type hh:mm:ss, a date and time (2026-05-01 10:15:00) or t+mm:ss.", map[string]any{"Text": strconvQuote(s)}), true)
		return err
	}
	if t.Before(v.from) || t.After(v.to) {
		v.say(lang.L("{{.Time}} is outside the log ({{.From}} – {{.To}}): shown at its nearest end.", map[string]any{
			"Time": v.fmtTime(t), "From": v.fmtTime(v.from), "To": v.fmtTime(v.to)}), false)
	} else {
		v.say("", false)
	}
	v.Seek(t)
	return nil
}

func strconvQuote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}

// Jump seeks to the next (or previous) mark of kinds after (before) the
// instant shown, and pauses there; it reports whether there was one.
func (v *View) Jump(next bool, kinds replay.MarkKind) bool {
	var m replay.Mark
	var ok bool
	from := v.At()
	if !v.jumpTo.IsZero() {
		from = v.jumpTo
	}
	if next {
		m, ok = v.log.Next(from, kinds)
	} else {
		m, ok = v.log.Prev(from, kinds)
	}
	if !ok {
		if next {
			v.say(lang.L("Nothing more after this instant."), false)
		} else {
			v.say(lang.L("Nothing before this instant."), false)
		}
		return false
	}
	v.say(v.markText(m), false)
	v.jumpTo = m.Time
	v.send(func(p *player) {
		p.setPlaying(false, p.dir)
		p.seek(m.Time)
	})
	if m.Subject != "" && m.Kind != replay.MarkObservation {
		v.selectAlert(m.Subject)
	}
	return true
}

// markText says what a mark is.
func (v *View) markText(m replay.Mark) string {
	at := v.fmtClock(m.Time)
	switch m.Kind {
	case replay.MarkInject:
		title := m.Label
		if title == "" {
			title = locale.EventType(m.Type)
		}
		return lang.L("{{.Time}} inject: {{.Title}}", map[string]any{"Time": at, "Title": title})
	case replay.MarkAction:
		s := lang.L("{{.Time}} {{.Operator}}: {{.Action}} {{.Subject}}", map[string]any{"Time": at, "Operator": m.Operator,
			"Action": translated("action." + m.Type), "Subject": m.Subject})
		if m.Unit != "" && m.Type == console.ActionAssign {
			s += " → " + m.Unit
		}
		if m.Label != "" {
			s += " — " + m.Label
		}
		return s
	}
	return lang.L("{{.Time}} observation by {{.Operator}}: {{.Text}}", map[string]any{"Time": at, "Operator": m.Operator, "Text": m.Label})
}

// say shows msg in the message line, as an error when bad.
func (v *View) say(msg string, bad bool) {
	imp := widget.LowImportance
	if bad {
		imp = widget.DangerImportance
	}
	v.msg.Importance = imp
	v.msg.SetText(msg)
	if shown := msg != ""; shown != v.msg.Visible() {
		if shown {
			v.msg.Show()
		} else {
			v.msg.Hide()
		}
		if v.relayout != nil {
			v.relayout()
		}
	}
}

func (v *View) fmtTime(t time.Time) string  { return t.In(v.loc).Format("2006-01-02 15:04:05") }
func (v *View) fmtClock(t time.Time) string { return t.In(v.loc).Format("15:04:05") }

// fmtOffset is t as t+mm:ss from the view's base (t−mm:ss before it).
func fmtOffset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "−", -d
	}
	d = d.Truncate(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return "t" + sign + strconv.Itoa(h) + ":" + twoDigits(m) + ":" + twoDigits(s)
	}
	return "t" + sign + twoDigits(m) + ":" + twoDigits(s)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// replayColour is the colour of the REPLAY banner: a deep violet no live
// screen uses.
var replayColour = color.NRGBA{R: 0x5b, G: 0x21, B: 0xb6, A: 0xff}

func (v *View) buildBanner() {
	bg := canvas.NewRectangle(replayColour)
	mark := canvas.NewText(lang.L("REPLAY")+" · "+lang.L("not live"), color.White)
	mark.TextStyle.Bold = true
	mark.TextSize = theme.TextSize() * 1.25
	v.title = canvas.NewText(v.opt.Title, color.White)
	v.title.TextStyle.Bold = true
	v.clock = canvas.NewText("2006-01-02 15:04:05", color.White) // its width, for the layout
	v.clock.TextStyle = fyne.TextStyle{Bold: true}
	v.clock.TextSize = theme.TextSize() * 1.25
	row := container.NewHBox(mark, layout.NewSpacer(), v.title, layout.NewSpacer(), v.clock)
	v.banner = container.NewStack(bg, container.NewPadded(row))
}

func (v *View) buildControls() {
	v.slider = widget.NewSlider(0, math.Max(v.to.Sub(v.from).Seconds(), 1))
	v.slider.Step = 0.1
	v.slider.OnChanged = func(x float64) {
		if v.setting {
			return
		}
		v.Seek(v.from.Add(time.Duration(x * float64(time.Second))))
	}
	v.startL = widget.NewLabel(v.fmtClock(v.from))
	v.startL.SizeName = theme.SizeNameCaptionText
	v.endL = widget.NewLabel(v.fmtClock(v.to))
	v.endL.SizeName = theme.SizeNameCaptionText
	v.offset = widget.NewLabel("t+00:00:00") // its width, for the layout
	v.offset.TextStyle.Monospace = true

	v.reverse = widget.NewButtonWithIcon(lang.L("Reverse"), theme.MediaFastRewindIcon(), func() { v.Play(true) })
	v.play = widget.NewButtonWithIcon(lang.L("Play"), theme.MediaPlayIcon(), func() { v.Play(false) })
	v.play.Importance = widget.HighImportance
	v.pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), v.Pause)
	var speeds []string
	for _, s := range Speeds {
		speeds = append(speeds, lang.L("{{.N}}×", map[string]any{"N": s}))
	}
	v.speed = widget.NewSelect(speeds, func(string) {
		if i := v.speed.SelectedIndex(); i >= 0 {
			x := Speeds[i]
			v.send(func(p *player) { p.setSpeed(x) })
		}
	})
	v.speed.SetSelectedIndex(0)
	v.markKind = widget.NewSelect([]string{lang.L("Injects and actions"), lang.L("Injects"), lang.L("Operator actions"), lang.L("Observations")}, nil)
	v.markKind.SetSelectedIndex(0)
	v.prevM = widget.NewButtonWithIcon(lang.L("Previous"), theme.MediaSkipPreviousIcon(), func() { v.Jump(false, v.kinds()) })
	v.nextM = widget.NewButtonWithIcon(lang.L("Next"), theme.MediaSkipNextIcon(), func() { v.Jump(true, v.kinds()) })
	v.entry = widget.NewEntry()
	v.entry.SetPlaceHolder(lang.L("hh:mm:ss or date and time"))
	v.entry.OnSubmitted = func(s string) { v.SeekText(s) }
	v.seekB = widget.NewButton(lang.L("Go to"), func() { v.SeekText(v.entry.Text) })
	wide := func(w float32, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	top := container.NewHBox(v.reverse, v.play, v.pause, wide(100, v.speed), widget.NewSeparator(),
		wide(200, v.markKind), v.prevM, v.nextM, layout.NewSpacer(), wide(220, v.entry), v.seekB)
	slider := container.NewBorder(nil, nil, v.startL, container.NewHBox(v.endL, v.offset), v.slider)
	v.controls = container.NewVBox(top, slider, v.msg)
}

// kinds are the marks the jump buttons go to.
func (v *View) kinds() replay.MarkKind {
	switch v.markKind.SelectedIndex() {
	case 1:
		return replay.MarkInject
	case 2:
		return replay.MarkAction
	case 3:
		return replay.MarkObservation
	}
	return replay.MarkInject | replay.MarkAction
}

func (v *View) buildBody() {
	if v.list != nil {
		return
	}
	v.list = widget.NewList(func() int { return len(v.queue) }, func() fyne.CanvasObject { return newRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.queue) {
				o.(*row).show(v.queue[i], v.At(), v.loc)
			}
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i < len(v.queue) && v.queue[i].Subject != v.selected {
			v.selectAlert(v.queue[i].Subject)
		}
	}
	v.counts = widget.NewLabel("")
	v.counts.Wrapping = fyne.TextWrapWord
	v.counts.SizeName = theme.SizeNameCaptionText
	v.showAll = widget.NewCheck(lang.L("Show resolved and shelved"), func(on bool) {
		v.send(func(p *player) { p.all = on; p.redo() })
	})
	v.hint = widget.NewLabel(lang.L("Select an alert to see what was done about it up to this instant."))
	v.hint.Wrapping = fyne.TextWrapWord
	v.hint.Importance = widget.LowImportance
	v.dTitle = widget.NewLabel("")
	v.dTitle.TextStyle.Bold = true
	v.dTitle.Wrapping = fyne.TextWrapWord
	v.dMeta = widget.NewLabel("")
	v.dMeta.Wrapping = fyne.TextWrapWord
	v.dMarks = widget.NewLabel("")
	v.dMarks.Wrapping = fyne.TextWrapWord
	v.dMarks.Importance = widget.WarningImportance
	v.dNotes = widget.NewLabel("")
	v.dNotes.Wrapping = fyne.TextWrapWord
	heading := widget.NewLabel(lang.L("Actions up to this instant"))
	heading.TextStyle.Bold = true
	v.detail = container.NewVBox(v.dTitle, v.dMeta, v.dMarks, heading, v.dNotes)
	v.detail.Hide()
	v.m.OnSelectLive = func(id string) { v.selectAlert(id) }
}

// side is the queue over the selected alert's detail.
func (v *View) side() fyne.CanvasObject {
	head := container.NewVBox(v.counts, v.showAll)
	split := container.NewVSplit(container.NewBorder(head, nil, nil, nil, v.list),
		container.NewVScroll(container.NewPadded(container.NewVBox(v.hint, v.detail))))
	split.Offset = 0.55
	return split
}

// body is the map beside the side panel, or the side panel alone.
func (v *View) body() fyne.CanvasObject {
	if v.opt.MapOutside {
		return v.side()
	}
	split := container.NewHSplit(v.m, v.side())
	split.Offset = 0.66
	return split
}

// selectAlert shows subject's detail and marks it on the map.
func (v *View) selectAlert(subject string) {
	v.selected = subject
	v.shownDetail = ""
	v.send(func(p *player) { p.selected = subject; p.redo() })
	if v.frame != nil {
		v.fillDetail(v.frame)
	}
}

// show draws a frame: the clock, the slider, the queue, the map's live
// layer and the selected alert.
func (v *View) show(f *frame) {
	v.frame = f
	if f.at.Equal(v.jumpTo) {
		v.jumpTo = time.Time{}
	}
	if v.log.Rows() == 0 {
		v.clock.Text = "––:––:––"
	} else {
		v.clock.Text = v.fmtTime(f.at)
	}
	v.clock.Refresh()
	if v.offset != nil {
		setText(v.offset, fmtOffset(f.at.Sub(v.base)))
	}
	if v.slider != nil {
		v.setting = true
		v.slider.SetValue(f.at.Sub(v.from).Seconds())
		v.setting = false
		if f.playing {
			v.play.Importance = widget.MediumImportance
			v.pause.Importance = widget.HighImportance
		} else {
			v.play.Importance = widget.HighImportance
			v.pause.Importance = widget.MediumImportance
		}
		v.play.Refresh()
		v.pause.Refresh()
	}
	prev := v.queue
	v.queue = f.queue
	if f.playing && len(prev) > 0 {
		// While playing the rows hold still: alerts that arrive join at
		// the end, the others keep their place (a row that jumps at 20×
		// cannot be read). A pause or a seek sorts the queue afresh.
		shown := make([]string, len(prev))
		for i, a := range prev {
			shown[i] = a.Subject
		}
		v.queue, _ = console.Hold(f.queue, shown)
	}
	v.refreshRows(prev)
	sel := -1
	for i, a := range v.queue {
		if a.Subject == v.selected {
			sel = i
		}
	}
	if sel >= 0 {
		v.list.Select(sel)
	} else {
		v.list.UnselectAll()
	}
	setText(v.counts, lang.L("{{.Open}} open alerts, {{.Units}} units, {{.Recent}} alarms in {{.Min}} min", map[string]any{
		"Open": f.open, "Units": len(f.snap.Units), "Recent": f.snap.Rate.Recent, "Min": int(f.snap.Rate.Window.Minutes())}))
	v.m.SetLive(f.items, f.stamp)
	v.fillDetail(f)
	if v.onShow != nil {
		v.onShow(f)
	}
}

// refreshRows redraws the rows of the queue that changed since prev: the
// whole list when rows came, went or moved.
func (v *View) refreshRows(prev []console.Alert) {
	if len(prev) != len(v.queue) {
		v.list.Refresh()
		return
	}
	for i := range prev {
		if prev[i].Subject != v.queue[i].Subject {
			v.list.Refresh()
			return
		}
	}
	for i := range prev {
		p, q := &prev[i], &v.queue[i]
		if p.Status != q.Status || p.Count != q.Count || p.Severity != q.Severity || p.AssignedTo != q.AssignedTo ||
			!p.ShelvedUntil.Equal(q.ShelvedUntil) || !p.Cleared.Equal(q.Cleared) || p.Event.ID != q.Event.ID {
			v.list.RefreshItem(i)
		}
	}
}

// detailKey is what the detail panel shows of a, to fill it only when
// that changed.
func detailKey(a *console.Alert, at time.Time) string {
	return fmt.Sprint(a.Subject, a.Event.ID, a.Status, a.AssignedTo, a.Count, a.Severity, len(a.Actions), a.Cleared.UnixNano(),
		a.Shelved(at), a.ShelvedUntil.UnixNano())
}

// fillDetail shows the selected alert as it was at f's instant.
func (v *View) fillDetail(f *frame) {
	var a console.Alert
	ok := false
	for _, x := range f.snap.Alerts {
		if x.Subject == v.selected {
			a, ok = x, true
		}
	}
	key := ""
	if ok {
		key = detailKey(&a, f.at)
	}
	if key == v.shownDetail && v.detail.Visible() == ok {
		return
	}
	v.shownDetail = key
	if !ok {
		if v.selected != "" {
			v.hint.SetText(lang.L("{{.Subject}} is not in the picture at this instant.", map[string]any{"Subject": v.selected}))
		}
		if v.detail.Visible() {
			v.detail.Hide()
			v.hint.Show()
		}
		return
	}
	e := a.Event
	v.dTitle.SetText(alertLine(a))
	meta := strings.Join([]string{translated("severity." + string(a.Severity)), locale.EventType(e.Type),
		v.fmtTime(e.Time), translated("status." + string(a.Status))}, " · ")
	if a.AssignedTo != "" {
		meta += " · " + lang.L("assigned to {{.Unit}}", map[string]any{"Unit": a.AssignedTo})
	}
	if e.Source != "" {
		meta += " · " + locale.Source(e.Source, "")
	}
	if e.Description != "" {
		meta += "\n" + e.Description
	}
	v.dMeta.SetText(meta)
	var marks []string
	if a.Count > 1 {
		marks = append(marks, lang.L("{{.N}} alarms from {{.First}} to {{.Last}}", map[string]any{"N": a.Count,
			"First": v.fmtClock(a.First), "Last": v.fmtClock(a.Last)}))
	}
	if !a.Cleared.IsZero() {
		marks = append(marks, lang.L("↩ source back to normal at {{.Time}}", map[string]any{"Time": v.fmtClock(a.Cleared)}))
	}
	if a.Shelved(f.at) {
		marks = append(marks, lang.L("shelved by {{.Who}} until {{.Time}}: {{.Why}}", map[string]any{"Who": a.ShelvedBy,
			"Time": a.ShelvedUntil.In(v.loc).Format("15:04"), "Why": a.ShelveReason}))
	}
	v.dMarks.SetText(strings.Join(marks, "\n"))
	v.dMarks.Hidden = len(marks) == 0
	var notes []string
	for _, act := range a.Actions {
		who := act.Operator
		if who == console.System {
			who = lang.L("system")
		}
		s := v.fmtClock(act.Time) + " " + who + ": " + translated("action."+act.Kind)
		if act.Unit != "" {
			s += " → " + act.Unit
		}
		if act.Note != "" {
			if act.Operator == console.System {
				s += " — " + lang.L(act.Note)
			} else {
				s += " — " + act.Note
			}
		}
		if act.Detail != "" {
			s += " (" + act.Detail + ")"
		}
		notes = append(notes, s)
	}
	if len(notes) == 0 {
		notes = []string{lang.L("none yet")}
	}
	v.dNotes.SetText(strings.Join(notes, "\n"))
	if !v.detail.Visible() {
		v.detail.Show()
		v.hint.Hide()
	}
	v.detail.Refresh()
}

// alertLine is an alert's title as the queue shows it.
func alertLine(a console.Alert) string {
	t := a.Event.Title
	if t == "" {
		t = locale.EventType(a.Event.Type)
	}
	if a.Drill {
		t = lang.L("[DRILL]") + " " + t
	}
	if a.Warning != "" {
		t = "⚠ " + t
	}
	return t
}

// liveItems turns the queue and the units into the map's live layer, as
// the live console does: alerts with a warning or resolved stay off the
// map; the most severe are drawn last, on top.
func liveItems(queue []console.Alert, units []console.Unit, selected string) []mapview.LiveItem {
	items := make([]mapview.LiveItem, 0, len(queue)+len(units))
	for _, u := range units {
		h := math.NaN()
		if x, ok := u.Event.Properties["heading_deg"].(float64); ok {
			h = x
		}
		items = append(items, mapview.LiveItem{ID: u.Subject, Kind: mapview.LiveUnit, Geometry: u.Event.Geometry,
			Family: u.Event.TypeFamily(), Severity: u.Event.Severity.Rank(), Heading: h, Stale: u.Stale,
			Drill: u.Event.IsDrill(), Trail: u.Trail, Label: u.Event.Title, Selected: u.Subject == selected})
	}
	for i := len(queue) - 1; i >= 0; i-- {
		a := queue[i]
		if a.Warning != "" || a.Event.Geometry == nil || a.Status == console.StatusResolved {
			continue
		}
		last := a.Last
		if last.IsZero() {
			last = a.Event.Time
		}
		items = append(items, mapview.LiveItem{ID: a.Subject, Kind: mapview.LiveAlert, Geometry: a.Event.Geometry,
			Family: a.Event.TypeFamily(), Severity: a.Severity.Rank(), Heading: math.NaN(),
			Stale: a.State == event.StaleState, Drill: a.Drill, New: a.Status == console.StatusNew,
			Selected: a.Subject == selected, Label: a.Event.Title, Time: last})
	}
	return items
}

// translated translates a key made of a prefix and a coded value, such
// as "severity.extreme".
func translated(key string) string { return lang.L(key) }

package replay

import (
	"context"
	"errors"
	"fmt"
	"image/color"
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

	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/replay"
	"safetynet/ui/mapview"
)

// frame is one picture handed to the Fyne goroutine: the instant, the
// console's picture then, the queue as listed and the map's live items.
type frame struct {
	at      time.Time
	snap    console.Snapshot
	queue   []console.Alert
	items   []mapview.LiveItem
	open    int
	playing bool
	stamp   uint64
	// work is how long the player took to make the frame.
	work time.Duration
}

// mailbox holds the newest frame not yet drawn.
type mailbox struct {
	mu      sync.Mutex
	pending *frame
}

// put leaves f, replacing a frame not yet taken, and reports whether the
// box was empty (then a crossing to the Fyne goroutine is needed).
func (m *mailbox) put(f *frame) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	empty := m.pending == nil
	m.pending = f
	return empty
}

func (m *mailbox) take() *frame {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.pending
	m.pending = nil
	return f
}

// player is the playback state. It belongs to the player goroutine
// (run); the Fyne goroutine changes it only through View.cmds.
type player struct {
	v        *View
	log      *replay.Log
	from, to time.Time

	at      time.Time
	playing bool
	dir     float64 // 1 forwards, -1 backwards
	speed   float64
	// The instant shown and the wall time when playback last started or
	// changed speed: at = atStart + (now − wallStart) × speed × dir.
	atStart, wallStart time.Time

	selected string
	all      bool
	stamp    uint64
	dirty    bool
}

func (p *player) run(ctx context.Context) {
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	for {
		var tick <-chan time.Time
		if p.playing {
			if ticker == nil {
				ticker = time.NewTicker(FrameEvery)
			}
			tick = ticker.C
		} else if ticker != nil {
			ticker.Stop()
			ticker = nil
		}
		select {
		case <-ctx.Done():
			return
		case fn := <-p.v.cmds:
			fn(p)
			for more := true; more; {
				select {
				case fn := <-p.v.cmds:
					fn(p)
				default:
					more = false
				}
			}
		case now := <-tick:
			p.advance(now)
		}
		if p.dirty {
			p.dirty = false
			p.emit()
		}
	}
}

// clamp keeps t within the log's span.
func (p *player) clamp(t time.Time) time.Time {
	if t.Before(p.from) {
		return p.from
	}
	if t.After(p.to) {
		return p.to
	}
	return t
}

func (p *player) seek(t time.Time) {
	p.at = p.clamp(t)
	p.atStart, p.wallStart = p.at, time.Now()
	p.dirty = true
}

func (p *player) setPlaying(on bool, dir float64) {
	if on {
		if dir > 0 && !p.at.Before(p.to) {
			p.at = p.from // played to the end: again from the start
		}
		if dir < 0 && !p.at.After(p.from) {
			p.at = p.to
		}
	}
	p.playing, p.dir = on, dir
	p.atStart, p.wallStart = p.at, time.Now()
	p.dirty = true
}

func (p *player) setSpeed(x float64) {
	if x <= 0 {
		return
	}
	p.speed = x
	p.atStart, p.wallStart = p.at, time.Now()
	p.dirty = true
}

func (p *player) redo() { p.dirty = true }

// advance moves the instant to wall time now and stops at either end.
func (p *player) advance(now time.Time) {
	d := time.Duration(float64(now.Sub(p.wallStart)) * p.speed * p.dir)
	at := p.clamp(p.atStart.Add(d))
	if at.Equal(p.to) && p.dir > 0 || at.Equal(p.from) && p.dir < 0 {
		p.playing = false
	}
	p.at = at
	p.dirty = true
}

// emit makes the frame of the instant and hands it to the Fyne goroutine.
func (p *player) emit() {
	f := p.frameAt(p.at)
	if p.v.mail.put(f) {
		v := p.v
		do(func() {
			if f := v.mail.take(); f != nil && v.ctx.Err() == nil {
				v.show(f)
			}
		})
	}
}

// frameAt makes the frame of instant at.
func (p *player) frameAt(at time.Time) *frame {
	start := time.Now()
	p.stamp++
	snap := p.log.At(at)
	f := &frame{at: at, snap: snap, playing: p.playing, stamp: p.stamp}
	filter := console.Filter{}
	if p.all {
		filter.Statuses = []console.Status{console.StatusNew, console.StatusAcknowledged, console.StatusAssigned, console.StatusResolved}
		filter.Shelved = console.Both
	}
	f.queue = snap.Queue(filter, at)
	for _, a := range snap.Alerts {
		if a.Status != console.StatusResolved && a.Status != "" {
			f.open++
		}
	}
	f.items = liveItems(f.queue, snap.Units, p.selected)
	f.work = time.Since(start)
	return f
}

// parseTime reads a typed instant: t+[h:]mm:ss (or t−…, +…, -…) from
// base; hh:mm[:ss[.fff]] on the day of shown; or a date and time
// (2006-01-02 15:04[:05], 2006-01-02T15:04:05, RFC 3339), in loc unless
// it says its zone.
func parseTime(s string, shown, base time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("no time given")
	}
	if len(s) > 64 {
		return time.Time{}, errors.New("too long for a time")
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(s, "t"), "T")
	rest = strings.ReplaceAll(rest, "−", "-")
	if rest != "" && (rest[0] == '+' || rest[0] == '-') {
		d, err := clockDuration(rest[1:], true)
		if err != nil {
			return time.Time{}, err
		}
		if rest[0] == '-' {
			d = -d
		}
		return base.Add(d), nil
	}
	if !strings.ContainsAny(s, "-/") {
		d, err := clockDuration(s, false)
		if err != nil {
			return time.Time{}, err
		}
		if d >= 24*time.Hour {
			return time.Time{}, fmt.Errorf("%q is not a time of day", s)
		}
		day := shown.In(loc)
		return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Add(d), nil
	}
	s = strings.ReplaceAll(s, "/", "-")
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			if y := t.Year(); y < 1900 || y > 9999 {
				return time.Time{}, fmt.Errorf("%q: the year %d is not one an event log holds", s, y)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time", s)
}

// clockDuration reads h:mm:ss[.fff] as a duration, and h:mm too, or
// mm:ss when offset.
func clockDuration(s string, offset bool) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("%q is not hh:mm:ss", s)
	}
	if offset && len(parts) == 2 {
		parts = append([]string{"0"}, parts...)
	}
	var secs float64
	if len(parts) == 3 {
		x, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || x < 0 || x >= 60 || strings.ContainsAny(parts[2], "eE+-") {
			return 0, fmt.Errorf("%q: seconds %q", s, parts[2])
		}
		secs = x
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h < 0 || h > 999 || m < 0 || m >= 60 || strings.HasPrefix(parts[0], "+") || strings.HasPrefix(parts[1], "+") {
		return 0, fmt.Errorf("%q is not hh:mm:ss", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(secs*float64(time.Second)), nil
}

// row is one row of the replay's queue: a bar coloured by what the alert
// asked of the operator at that instant, its title, and under it its
// severity, where it was in the workflow and its last alarm's time.
type row struct {
	widget.BaseWidget
	bar                 *canvas.Rectangle
	title, status, when *widget.Label
	sev                 *widget.Label
	box                 *fyne.Container
}

func newRow() *row {
	r := &row{bar: canvas.NewRectangle(color.Transparent)}
	r.bar.SetMinSize(fyne.NewSize(4, 1))
	r.title = widget.NewLabel("")
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.sev = widget.NewLabel(translated("severity.extreme")) // the widest, for the row's layout
	r.sev.TextStyle.Bold = true
	r.sev.SizeName = theme.SizeNameCaptionText
	r.status = widget.NewLabel(translated("status.acknowledged"))
	r.status.SizeName = theme.SizeNameCaptionText
	r.status.Truncation = fyne.TextTruncateEllipsis
	r.when = widget.NewLabel("00:00:00")
	r.when.SizeName = theme.SizeNameCaptionText
	lines := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.InnerPadding()),
		r.title, container.NewBorder(nil, nil, r.sev, r.when, r.status))
	r.box = container.NewBorder(nil, nil, r.bar, nil, lines)
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer draws the row's box.
func (r *row) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (r *row) show(a console.Alert, at time.Time, loc *time.Location) {
	setText(r.sev, translated("severity."+string(a.Severity)))
	imp := widget.MediumImportance
	switch a.Severity {
	case event.Extreme:
		imp = widget.DangerImportance
	case event.Severe:
		imp = widget.WarningImportance
	case event.Moderate:
		imp = widget.HighImportance
	}
	if r.sev.Importance != imp {
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
	bold := a.Status == console.StatusNew
	if r.title.Text != title || r.title.TextStyle.Bold != bold { // shaping text is the costly part of a row
		r.title.Text = title
		r.title.TextStyle.Bold = bold
		r.title.Refresh()
	}
	var st string
	switch {
	case a.Shelved(at):
		st = lang.L("row.shelved")
	case a.Status == console.StatusAssigned:
		st = "→ " + a.AssignedTo
	default:
		st = translated("status." + string(a.Status))
	}
	setText(r.status, st)
	last := a.Last
	if last.IsZero() {
		last = a.Event.Time
	}
	setText(r.when, last.In(loc).Format("15:04:05"))
	c := rowColour(a, at)
	if r.bar.FillColor != c {
		r.bar.FillColor = c
		r.bar.Refresh()
	}
}

func rowColour(a console.Alert, at time.Time) color.Color {
	th := fyne.CurrentApp().Settings().Theme()
	v := theme.VariantLight
	if mapview.ThemeIsDark() {
		v = theme.VariantDark
	}
	switch {
	case a.Shelved(at) || a.Status == console.StatusResolved:
		return color.Transparent
	case a.Status == console.StatusAssigned:
		return th.Color(theme.ColorNamePrimary, v)
	case a.Status == console.StatusAcknowledged:
		return th.Color(theme.ColorNameDisabled, v)
	}
	switch a.Severity {
	case event.Extreme:
		return th.Color(theme.ColorNameError, v)
	case event.Severe:
		return th.Color(theme.ColorNameWarning, v)
	}
	return th.Color(theme.ColorNameForeground, v)
}

// setText sets l's text when it differs: each change shapes the text
// again, which at 20× is most of a frame's work.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

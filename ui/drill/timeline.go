package drill

import (
	"image/color"
	"math"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
	"safetynet/ui/locale"
)

// Timeline is a scenario's timeline: a ruler from t+00:00 to a little
// after the last inject, the timed injects as numbered chips at their
// times (coloured by kind, in up to three rows where they crowd), the
// untimed ones in order in an "Unscheduled" lane below, a line from each
// contingency inject to the inject it depends on, each inject's run
// state, and the scenario clock of a running drill as a cursor.
//
// A click selects an inject (OnSelect); dragging one re-times it in steps
// of Snap, showing the new time as it goes, and reports it on release
// (OnRetime). Dropped in the unscheduled lane an inject loses its time;
// dragged out of it, it gets one. Create it with NewTimeline.
type Timeline struct {
	widget.BaseWidget

	// OnSelect is called with the index of the inject clicked.
	OnSelect func(i int)
	// OnRetime is called when a drag ends with the inject's index, its new
	// scenario time and whether it is timed; the timeline already shows it.
	OnRetime func(i int, offset time.Duration, timed bool)

	injects  []store.Inject
	selected int
	now      time.Duration
	nowOn    bool
	states   map[string]string
	drag     *timelineDrag
	hover    int // the inject under the pointer, -1: none
	hoverAt  fyne.Position
}

// timelineDrag is an inject being dragged.
type timelineDrag struct {
	i      int     // -1: the drag began on no inject
	grab   float32 // from the pointer to the chip's centre, x
	at     fyne.Position
	offset time.Duration
	timed  bool
}

// Timeline geometry, logical pixels.
const (
	tlRuler   = 24 // ruler height
	tlRow     = 28 // a row of chips
	tlChipH   = 22
	tlLaneGap = 8
	tlPadL    = 14
	tlPadR    = 18
	tlMaxRows = 3
	tlLabelW  = 104 // the unscheduled lane's title
)

// NewTimeline returns an empty timeline.
func NewTimeline() *Timeline {
	t := &Timeline{selected: -1, hover: -1}
	t.ExtendBaseWidget(t)
	return t
}

// SetInjects shows injects (copied), keeping the selection when it is
// still in range.
func (t *Timeline) SetInjects(injects []store.Inject) {
	t.injects = append([]store.Inject(nil), injects...)
	if t.selected >= len(t.injects) {
		t.selected = -1
	}
	t.Refresh()
}

// Injects returns the injects shown, as re-timed by dragging.
func (t *Timeline) Injects() []store.Inject { return append([]store.Inject(nil), t.injects...) }

// SetSelected highlights inject i (-1: none).
func (t *Timeline) SetSelected(i int) {
	if i < -1 || i >= len(t.injects) {
		i = -1
	}
	t.selected = i
	t.Refresh()
}

// Selected returns the index of the selected inject, or -1.
func (t *Timeline) Selected() int { return t.selected }

// SetNow shows the scenario clock at d as a cursor, or hides it.
func (t *Timeline) SetNow(d time.Duration, on bool) {
	t.now, t.nowOn = d, on
	t.Refresh()
}

// SetStates shows each inject's run state by number (InjectSent,
// InjectLate, InjectSkipped; absent is pending).
func (t *Timeline) SetStates(states map[string]string) {
	t.states = states
	t.Refresh()
}

// Span returns the time the ruler covers: the last timed inject (or the
// clock) plus a minute, rounded up to 5 minutes, at least 10 minutes.
func (t *Timeline) Span() time.Duration {
	end := 10 * time.Minute
	last := time.Duration(0)
	for _, in := range t.injects {
		if in.Timed && in.Offset > last {
			last = in.Offset
		}
	}
	if t.drag != nil && t.drag.i >= 0 && t.drag.offset > last {
		last = t.drag.offset
	}
	if t.nowOn && t.now > last {
		last = t.now
	}
	if e := (last + time.Minute + 5*time.Minute - 1).Truncate(5 * time.Minute); e > end {
		end = e
	}
	return end
}

// xOf returns the x of scenario time d in a timeline w wide.
func (t *Timeline) xOf(d time.Duration, w float32) float32 {
	span := t.Span().Seconds()
	return tlPadL + float32(d.Seconds()/span)*(w-tlPadL-tlPadR)
}

// timeAt returns the scenario time at x, snapped to Snap, not negative.
func (t *Timeline) timeAt(x, w float32) time.Duration {
	span := t.Span().Seconds()
	s := float64(x-tlPadL) / float64(w-tlPadL-tlPadR) * span
	d := time.Duration(math.Round(s/Snap.Seconds())) * Snap
	return max(d, 0)
}

// chip is one inject as laid out.
type chip struct {
	i          int
	x, y, w, h float32 // top left and size
	label      string
}

func (c chip) centre() fyne.Position { return fyne.NewPos(c.x+c.w/2, c.y+c.h/2) }

func (c chip) contains(p fyne.Position) bool {
	return p.X >= c.x-2 && p.X <= c.x+c.w+2 && p.Y >= c.y-2 && p.Y <= c.y+c.h+2
}

// rows returns how many rows the timed lane needs.
func (t *Timeline) rows(chips []chip) int {
	n := 1
	for _, c := range chips {
		if c.y > 0 && c.y < t.unscheduledTop(tlMaxRows) {
			n = max(n, int((c.y-tlRuler)/tlRow)+1)
		}
	}
	return n
}

// unscheduledTop returns the top of the unscheduled lane under rows rows.
func (t *Timeline) unscheduledTop(rows int) float32 {
	return tlRuler + float32(rows)*tlRow + tlLaneGap
}

func chipWidth(label string) float32 {
	w := fyne.MeasureText(label, theme.CaptionTextSize(), fyne.TextStyle{Bold: true}).Width + 12
	return max(w, 26)
}

// layout places the chips in a timeline w wide: the timed ones by time,
// each in the first row where it does not overlap, the untimed in order.
func (t *Timeline) layout(w float32) (chips []chip, rows int) {
	type timed struct {
		i   int
		off time.Duration
	}
	var ts []timed
	var untimed []int
	for i, in := range t.injects {
		off, on := in.Offset, in.Timed
		if t.drag != nil && t.drag.i == i {
			off, on = t.drag.offset, t.drag.timed
		}
		if on {
			ts = append(ts, timed{i, off})
		} else {
			untimed = append(untimed, i)
		}
	}
	sort.SliceStable(ts, func(a, b int) bool { return ts[a].off < ts[b].off })
	var right [tlMaxRows]float32
	for r := range right {
		right[r] = -1e9
	}
	rows = 1
	placed := map[int]chip{}
	for _, it := range ts {
		label := t.injects[it.i].Number
		cw := chipWidth(label)
		x := t.xOf(it.off, w) - cw/2
		row := -1
		for r := 0; r < tlMaxRows; r++ {
			if right[r]+3 <= x {
				row = r
				break
			}
		}
		if row < 0 { // all crowded: the row that ends first
			row = 0
			for r := 1; r < tlMaxRows; r++ {
				if right[r] < right[row] {
					row = r
				}
			}
		}
		right[row] = x + cw
		rows = max(rows, row+1)
		placed[it.i] = chip{i: it.i, x: x, y: tlRuler + float32(row)*tlRow + (tlRow-tlChipH)/2, w: cw, h: tlChipH, label: label}
	}
	top := t.unscheduledTop(rows)
	x := float32(tlPadL + tlLabelW)
	for _, i := range untimed {
		label := t.injects[i].Number
		cw := chipWidth(label)
		placed[i] = chip{i: i, x: x, y: top + (tlRow-tlChipH)/2, w: cw, h: tlChipH, label: label}
		x += cw + 6
	}
	for i := range t.injects {
		if c, ok := placed[i]; ok {
			chips = append(chips, c)
		}
	}
	return chips, rows
}

// chipAt returns the index of the inject at p, or -1; the chip drawn on
// top (the later one) wins.
func (t *Timeline) chipAt(p fyne.Position) int {
	chips, _ := t.layout(t.Size().Width)
	for k := len(chips) - 1; k >= 0; k-- {
		if chips[k].contains(p) {
			return chips[k].i
		}
	}
	return -1
}

// Tapped selects the inject clicked.
func (t *Timeline) Tapped(e *fyne.PointEvent) {
	i := t.chipAt(e.Position)
	if i < 0 {
		return
	}
	t.SetSelected(i)
	if t.OnSelect != nil {
		t.OnSelect(i)
	}
}

// MouseIn starts following the pointer.
func (t *Timeline) MouseIn(e *desktop.MouseEvent) { t.MouseMoved(e) }

// MouseMoved names the inject under the pointer.
func (t *Timeline) MouseMoved(e *desktop.MouseEvent) {
	i := t.chipAt(e.Position)
	if i == t.hover && (i < 0 || e.Position == t.hoverAt) {
		return
	}
	t.hover, t.hoverAt = i, e.Position
	t.Refresh()
}

// MouseOut hides the name.
func (t *Timeline) MouseOut() {
	if t.hover >= 0 {
		t.hover = -1
		t.Refresh()
	}
}

// HoverText returns what the timeline says of the inject under the
// pointer: its number, time and title ("" when none).
func (t *Timeline) HoverText() string {
	if t.hover < 0 || t.hover >= len(t.injects) || t.drag != nil {
		return ""
	}
	in := t.injects[t.hover]
	s := in.Number + " · "
	if in.Timed {
		s += FormatClock(in.Offset)
	} else {
		s += lang.L("Unscheduled")
	}
	if title := in.Title.Label(locale.Current()); title != "" {
		s += " · " + title
	} else if in.Type != "" {
		s += " · " + locale.EventType(in.Type)
	}
	return s
}

// Dragged moves the inject under the pointer where the drag began.
func (t *Timeline) Dragged(e *fyne.DragEvent) {
	w := t.Size().Width
	if t.drag == nil {
		start := e.Position.Subtract(e.Dragged)
		d := &timelineDrag{i: t.chipAt(start)}
		if d.i >= 0 {
			chips, _ := t.layout(w)
			for _, c := range chips {
				if c.i == d.i {
					d.grab = c.centre().X - start.X
				}
			}
			in := t.injects[d.i]
			d.offset, d.timed = in.Offset, in.Timed
		}
		t.drag = d
		if d.i < 0 {
			return
		}
	}
	d := t.drag
	if d.i < 0 {
		return
	}
	d.at = e.Position
	_, rows := t.layout(w)
	d.timed = e.Position.Y < t.unscheduledTop(rows)
	d.offset = t.timeAt(e.Position.X+d.grab, w)
	t.Refresh()
}

// DragEnd applies the new time and reports it.
func (t *Timeline) DragEnd() {
	d := t.drag
	t.drag = nil
	if d == nil || d.i < 0 {
		return
	}
	in := &t.injects[d.i]
	in.Timed = d.timed
	if d.timed {
		in.Offset = d.offset
	}
	t.selected = d.i
	t.Refresh()
	if t.OnRetime != nil {
		t.OnRetime(d.i, in.Offset, in.Timed)
	}
	if t.OnSelect != nil {
		t.OnSelect(d.i)
	}
}

// MinSize fits the ruler, the rows the chips need and the unscheduled
// lane.
func (t *Timeline) MinSize() fyne.Size {
	t.ExtendBaseWidget(t)
	return t.BaseWidget.MinSize()
}

// CreateRenderer draws the timeline.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	return &timelineRenderer{t: t}
}

type timelineRenderer struct {
	t       *Timeline
	objects []fyne.CanvasObject
}

func (r *timelineRenderer) Destroy() {}

func (r *timelineRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *timelineRenderer) Layout(fyne.Size) { r.Refresh() }

func (r *timelineRenderer) MinSize() fyne.Size {
	_, rows := r.t.layout(600)
	return fyne.NewSize(360, r.t.unscheduledTop(rows)+tlRow+4)
}

func withAlpha(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// Refresh rebuilds the drawing: the timeline holds a few dozen injects.
func (r *timelineRenderer) Refresh() {
	t := r.t
	size := t.Size()
	w := size.Width
	if w <= tlPadL+tlPadR {
		r.objects = nil
		canvas.Refresh(t)
		return
	}
	fg := theme.Color(theme.ColorNameForeground)
	muted := withAlpha(fg, 0x99)
	small := theme.CaptionTextSize()
	chips, rows := t.layout(w)
	var objs []fyne.CanvasObject

	// Lanes.
	top := t.unscheduledTop(rows)
	lane := canvas.NewRectangle(withAlpha(fg, 0x0C))
	lane.Move(fyne.NewPos(0, tlRuler))
	lane.Resize(fyne.NewSize(w, float32(rows)*tlRow))
	un := canvas.NewRectangle(withAlpha(fg, 0x08))
	un.Move(fyne.NewPos(0, top))
	un.Resize(fyne.NewSize(w, tlRow))
	title := canvas.NewText(lang.L("Unscheduled"), muted)
	title.TextSize = small
	title.Move(fyne.NewPos(tlPadL, top+(tlRow-title.MinSize().Height)/2))
	objs = append(objs, lane, un, title)

	// Ruler: minor ticks every minute or 5, labels where there is room.
	span := t.Span()
	perMin := (w - tlPadL - tlPadR) / float32(span.Minutes())
	minor, major := time.Minute, 5*time.Minute
	for _, s := range []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute} {
		if float32(s.Minutes())*perMin >= 7 {
			minor = s
			break
		}
	}
	for _, s := range []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour} {
		if float32(s.Minutes())*perMin >= 58 && s >= minor {
			major = s
			break
		}
	}
	base := canvas.NewLine(withAlpha(fg, 0x60))
	base.Position1, base.Position2 = fyne.NewPos(tlPadL, tlRuler-1), fyne.NewPos(w-tlPadR, tlRuler-1)
	objs = append(objs, base)
	for d := time.Duration(0); d <= span; d += minor {
		x := t.xOf(d, w)
		h := float32(4)
		if d%major == 0 {
			h = 8
			l := canvas.NewText(FormatClock(d), muted)
			l.TextSize = small
			lw := l.MinSize().Width
			lx := min(max(x-lw/2, 0), w-lw)
			l.Move(fyne.NewPos(lx, 1))
			objs = append(objs, l)
			g := canvas.NewLine(withAlpha(fg, 0x18))
			g.Position1, g.Position2 = fyne.NewPos(x, tlRuler), fyne.NewPos(x, tlRuler+float32(rows)*tlRow)
			objs = append(objs, g)
		}
		tick := canvas.NewLine(withAlpha(fg, 0x80))
		tick.Position1, tick.Position2 = fyne.NewPos(x, tlRuler-1-h), fyne.NewPos(x, tlRuler-1)
		objs = append(objs, tick)
	}

	// Contingency links, under the chips.
	byNumber := map[string]chip{}
	for _, c := range chips {
		byNumber[t.injects[c.i].Number] = c
	}
	for _, c := range chips {
		cond := t.injects[c.i].Condition
		if cond == nil {
			continue
		}
		p, ok := byNumber[cond.After]
		if !ok || p.i == c.i {
			continue
		}
		l := canvas.NewLine(withAlpha(KindColour(store.InjectContingent), 0xC0))
		l.StrokeWidth = 1.5
		l.Position1, l.Position2 = p.centre(), c.centre()
		objs = append(objs, l)
	}

	// Chips.
	for _, c := range chips {
		in := t.injects[c.i]
		kc := KindColour(in.Kind)
		st := t.states[in.Number]
		back := canvas.NewRectangle(kc)
		back.CornerRadius = c.h / 2
		text := color.Color(color.White)
		switch st {
		case InjectSent:
			back.FillColor = withAlpha(kc, 0x50)
			back.StrokeColor = theme.Color(theme.ColorNameSuccess)
			back.StrokeWidth = 2
			text = fg
		case InjectLate:
			back.StrokeColor = theme.Color(theme.ColorNameError)
			back.StrokeWidth = 2.5
		case InjectSkipped:
			back.FillColor = withAlpha(muted, 0x50)
			text = muted
		}
		x, y, cw, ch := c.x, c.y, c.w, c.h
		if c.i == t.selected {
			halo := canvas.NewRectangle(color.Transparent)
			halo.StrokeColor = fg
			halo.StrokeWidth = 2
			halo.CornerRadius = (ch + 6) / 2
			halo.Move(fyne.NewPos(x-3, y-3))
			halo.Resize(fyne.NewSize(cw+6, ch+6))
			objs = append(objs, halo)
		}
		back.Move(fyne.NewPos(x, y))
		back.Resize(fyne.NewSize(cw, ch))
		l := canvas.NewText(c.label, text)
		l.TextSize = small
		l.TextStyle.Bold = true
		ls := l.MinSize()
		l.Move(fyne.NewPos(x+(cw-ls.Width)/2, y+(ch-ls.Height)/2))
		objs = append(objs, back, l)
		if st == InjectSkipped {
			s := canvas.NewLine(muted)
			s.StrokeWidth = 1.5
			s.Position1, s.Position2 = fyne.NewPos(x+4, y+ch/2), fyne.NewPos(x+cw-4, y+ch/2)
			objs = append(objs, s)
		}
	}

	// The clock of a running drill.
	if t.nowOn {
		x := t.xOf(t.now, w)
		red := theme.Color(theme.ColorNameError)
		l := canvas.NewLine(red)
		l.StrokeWidth = 2
		l.Position1, l.Position2 = fyne.NewPos(x, tlRuler-10), fyne.NewPos(x, top+tlRow)
		objs = append(objs, l)
	}

	// The time an inject is being dragged to.
	if d := t.drag; d != nil && d.i >= 0 {
		s := lang.L("Unscheduled")
		if d.timed {
			s = FormatClock(d.offset)
		}
		l := canvas.NewText(s, theme.Color(theme.ColorNameBackground))
		l.TextSize = small
		l.TextStyle.Bold = true
		ls := l.MinSize()
		x := min(max(d.at.X+d.grab-ls.Width/2, 0), w-ls.Width-8)
		y := max(d.at.Y-tlChipH-ls.Height, 0)
		back := canvas.NewRectangle(fg)
		back.CornerRadius = 4
		back.Move(fyne.NewPos(x, y))
		back.Resize(ls.AddWidthHeight(8, 2))
		l.Move(fyne.NewPos(x+4, y+1))
		objs = append(objs, back, l)
	}
	// The name of the inject under the pointer, above the lanes.
	if s := t.HoverText(); s != "" {
		l := canvas.NewText(s, theme.Color(theme.ColorNameBackground))
		l.TextSize = small
		ls := l.MinSize()
		x := min(max(t.hoverAt.X-ls.Width/2, 0), w-ls.Width-8)
		back := canvas.NewRectangle(withAlpha(fg, 0xE6))
		back.CornerRadius = 4
		back.Move(fyne.NewPos(x, 0))
		back.Resize(ls.AddWidthHeight(8, 2))
		l.Move(fyne.NewPos(x+4, 1))
		objs = append(objs, back, l)
	}
	r.objects = objs
	canvas.Refresh(t) // the objects are new: the canvas must draw them
}

// DragLabel returns what the timeline shows while an inject is dragged:
// its new time (t+mm:ss) or "Unscheduled"; "" when nothing is dragged.
func (t *Timeline) DragLabel() string {
	d := t.drag
	if d == nil || d.i < 0 {
		return ""
	}
	if !d.timed {
		return lang.L("Unscheduled")
	}
	return FormatClock(d.offset)
}

package drill

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"safetynet/data/store"
)

// showTimeline puts a timeline of the sample scenario in an 800 px wide
// test window. The sample's last inject is at t+15:00, so the ruler
// spans 20 minutes over 800-14-18 = 768 px: 1.5625 s a pixel.
func showTimeline(t *testing.T) *Timeline {
	t.Helper()
	useEnglish(t)
	tl := NewTimeline()
	tl.SetInjects(sampleScenario().Injects)
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(800, 160))
	if tl.Size().Width != 800 {
		t.Fatalf("timeline is %v wide", tl.Size())
	}
	if tl.Span() != 20*time.Minute {
		t.Fatalf("span %v, want 20 min", tl.Span())
	}
	return tl
}

// drag drags from a to b in steps, as the desktop driver reports a drag:
// the pointer's position and the movement since the last event.
func drag(tl *Timeline, a, b fyne.Position, steps int, beforeEnd func()) {
	prev := a
	for k := 1; k <= steps; k++ {
		f := float32(k) / float32(steps)
		p := fyne.NewPos(a.X+(b.X-a.X)*f, a.Y+(b.Y-a.Y)*f)
		tl.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}, Dragged: fyne.NewDelta(p.X-prev.X, p.Y-prev.Y)})
		prev = p
	}
	if beforeEnd != nil {
		beforeEnd()
	}
	tl.DragEnd()
}

func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, c := range test.WidgetRenderer(o.(fyne.Widget)).Objects() {
		if t, ok := c.(*canvas.Text); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestTimelineDragRetimes(t *testing.T) {
	tl := showTimeline(t)
	var got []string
	tl.OnRetime = func(i int, off time.Duration, timed bool) {
		got = append(got, tl.Injects()[i].Number+"@"+FormatClock(off))
		if !timed {
			got[len(got)-1] = tl.Injects()[i].Number + "@unscheduled"
		}
	}
	// Inject 4 is at t+05:00: x = 14 + 300/1.5625 = 206, in the first row.
	start := fyne.NewPos(206, tlRuler+tlRow/2)
	var during []string
	var label string
	drag(tl, start, start.AddXY(64, 3), 5, func() { // 64 px = 100 s
		label = tl.DragLabel()
		during = texts(tl)
	})
	in := tl.Injects()[4]
	if in.Offset != 6*time.Minute+40*time.Second || !in.Timed {
		t.Errorf("inject 4 after a 64 px drag: %v timed %v, want t+06:40", in.Offset, in.Timed)
	}
	if label != "t+06:40" || !contains(during, "t+06:40") {
		t.Errorf("while dragging the timeline showed %q (texts %q), want t+06:40", label, during)
	}
	if tl.DragLabel() != "" || contains(texts(tl), "t+06:40") {
		t.Error("the drag's time is still shown after the drop")
	}
	if tl.Selected() != 4 {
		t.Errorf("the dragged inject is not selected: %d", tl.Selected())
	}

	// A small drag snaps to 5 s: 2 px is 3.1 s, which rounds to 5 s.
	// Inject 4 at t+06:40 now crowds 5 at t+06:30: it moved to the second
	// row.
	at := chipOf(tl, 4).centre()
	if at.Y < tlRuler+tlRow {
		t.Errorf("inject 4 at t+06:40 is not in the second row beside 5 at t+06:30: %v", at)
	}
	drag(tl, at, at.AddXY(2, 0), 1, nil)
	if off := tl.Injects()[4].Offset; off != 6*time.Minute+45*time.Second {
		t.Errorf("a 2 px drag re-timed inject 4 to %v, want t+06:45 (5 s snap)", off)
	}

	// Dropped in the unscheduled lane, inject 9 loses its time; the
	// untimed 3-A dragged up gets one.
	nine := chipOf(tl, 9).centre()
	_, rows := tl.layout(800)
	lane := tl.unscheduledTop(rows) + tlRow/2
	drag(tl, nine, fyne.NewPos(nine.X, lane), 4, nil)
	if tl.Injects()[9].Timed {
		t.Error("inject 9 dropped in the unscheduled lane is still timed")
	}
	threeA := chipOf(tl, 3)
	if _, rows := tl.layout(800); threeA.y < tl.unscheduledTop(rows) {
		t.Fatalf("3-A is not in the unscheduled lane: %+v", threeA)
	}
	// Without 9 the ruler ends at t+15:00.
	if tl.Span() != 15*time.Minute {
		t.Errorf("span without inject 9: %v, want 15 min", tl.Span())
	}
	drag(tl, threeA.centre(), fyne.NewPos(tl.xOf(4*time.Minute, 800), tlRuler+tlRow/2), 6, nil)
	if in := tl.Injects()[3]; !in.Timed || in.Offset != 4*time.Minute {
		t.Errorf("3-A dragged to x of t+04:00: timed %v at %v", in.Timed, in.Offset)
	}
	want := []string{"4@t+06:40", "4@t+06:45", "9@unscheduled", "3-A@t+04:00"}
	if len(got) != len(want) {
		t.Fatalf("OnRetime reported %q, want %q", got, want)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("OnRetime reported %q, want %q", got, want)
			break
		}
	}

	// A drag that begins on no inject changes nothing.
	before := tl.Injects()
	drag(tl, fyne.NewPos(790, tlRuler+tlRow/2), fyne.NewPos(500, tlRuler+tlRow/2), 3, nil)
	for k, in := range tl.Injects() {
		if in.Offset != before[k].Offset || in.Timed != before[k].Timed {
			t.Errorf("a drag on empty ground moved inject %s", in.Number)
		}
	}
}

func TestTimelineTapSelectsAndShowsState(t *testing.T) {
	tl := showTimeline(t)
	var sel []int
	tl.OnSelect = func(i int) { sel = append(sel, i) }
	// Inject 2 at t+02:00: x = 14 + 120/1.5625 = 90.8.
	test.TapAt(tl, fyne.NewPos(91, tlRuler+tlRow/2))
	if len(sel) != 1 || sel[0] != 1 || tl.Selected() != 1 {
		t.Errorf("a tap on inject 2 selected %v (Selected %d)", sel, tl.Selected())
	}
	test.TapAt(tl, fyne.NewPos(700, tlRuler+tlRow/2))
	if len(sel) != 1 {
		t.Errorf("a tap on empty ground reported %v", sel)
	}
	// Ruler labels every 5 minutes at 38 px a minute, minor ticks every
	// minute.
	ts := texts(tl)
	for _, want := range []string{"t+00:00", "t+05:00", "t+10:00", "t+20:00", "Unscheduled", "3-A"} {
		if !contains(ts, want) {
			t.Errorf("the timeline does not show %q: %q", want, ts)
		}
	}
	if contains(ts, "t+01:00") {
		t.Error("the ruler labels every minute at 38 px a minute")
	}
	// A running drill: the cursor, and the sent and skipped injects.
	tl.SetNow(4*time.Minute, true)
	tl.SetStates(map[string]string{"1": InjectSent, "2": InjectSkipped, "3": InjectLate})
	var cursor, sent, late bool
	for _, o := range test.WidgetRenderer(tl).Objects() {
		switch c := o.(type) {
		case *canvas.Line:
			x := 14 + float32((4*time.Minute).Seconds()/1.5625)
			if c.Position1.X == x && c.Position2.X == x && c.StrokeWidth == 2 {
				cursor = true
			}
		case *canvas.Rectangle:
			if c.StrokeWidth == 2 && c.FillColor != nil && c.CornerRadius == tlChipH/2 {
				sent = true
			}
			if c.StrokeWidth == 2.5 {
				late = true
			}
		}
	}
	if !cursor || !sent || !late {
		t.Errorf("running drill: cursor %v, sent chip %v, late chip %v", cursor, sent, late)
	}
	// Contingency 3-A is linked to 3.
	links := 0
	for _, o := range test.WidgetRenderer(tl).Objects() {
		if l, ok := o.(*canvas.Line); ok && l.StrokeColor == withAlpha(KindColour(store.InjectContingent), 0xC0) {
			links++
		}
	}
	if links != 1 {
		t.Errorf("%d contingency links drawn, want 1 (3-A to 3)", links)
	}
}

// chipOf returns inject i's chip as laid out 800 px wide.
func chipOf(tl *Timeline, i int) chip {
	chips, _ := tl.layout(800)
	for _, c := range chips {
		if c.i == i {
			return c
		}
	}
	return chip{}
}

func TestTimelineHoverNamesTheInject(t *testing.T) {
	tl := showTimeline(t)
	tl.SetInjects(sampleScenario().Injects)
	in := sampleScenario().Injects[4]
	in.Title.TextEn = "Person collapsed at the North Gate"
	ins := sampleScenario().Injects
	ins[4] = in
	tl.SetInjects(ins)
	tl.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(206, tlRuler+tlRow/2)}})
	if got, want := tl.HoverText(), "4 · t+05:00 · Person collapsed at the North Gate"; got != want {
		t.Errorf("hovering inject 4 says %q, want %q", got, want)
	}
	if !contains(texts(tl), tl.HoverText()) {
		t.Error("the hover text is not drawn")
	}
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(91, tlRuler+tlRow/2)}})
	if got := tl.HoverText(); got != "2 · t+02:00 · Camera offline" {
		t.Errorf("hovering inject 2 (no title) says %q", got)
	}
	tl.MouseOut()
	if tl.HoverText() != "" {
		t.Error("the hover text stays after the pointer left")
	}
}

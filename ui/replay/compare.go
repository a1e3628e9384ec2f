package replay

import (
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
	"safetynet/feeds/replay"
	"safetynet/ui/mapview"
)

// CompareOptions tune a Compare. The zero value is usable.
type CompareOptions struct {
	// Replay are the options of both replays (see ViewOptions.Replay).
	Replay replay.Options
	// TitleA and TitleB name the two runs.
	TitleA, TitleB string
	// StartA and StartB are the instants of each log that are aligned
	// (the drill's start, DrillRun.Started); zero: the first drill row
	// of the log (replay.Log.DrillStart), else its first row.
	StartA, StartB time.Time
	// Location is the time zone times are shown in (default time.Local).
	Location *time.Location
}

// Compare shows two runs side by side, each on its own map with its
// queue, aligned at their starts and moved together by one slider of
// the time since the start. Like View it never touches the live picture:
// m1 and m2 are maps of its own. Its methods belong to the Fyne
// goroutine.
type Compare struct {
	a, b    *View
	lo, hi  time.Duration // the slider's range, from the aligned starts
	setting bool
	off     time.Duration

	slider      *widget.Slider
	offset      *canvas.Text
	play, pause *widget.Button
	speed       *widget.Select
	box         fyne.CanvasObject
}

// NewCompare builds the comparison of the runs logged in rowsA (shown on
// m1) and rowsB (on m2), both at their starts. Call Close when done.
func NewCompare(win fyne.Window, m1, m2 *mapview.Map, rowsA, rowsB []store.LogRow, opt CompareOptions) *Compare {
	vo := ViewOptions{Replay: opt.Replay, Location: opt.Location}
	vo.Title = opt.TitleA
	a := newView(win, m1, rowsA, vo)
	vo.Title = opt.TitleB
	b := newView(win, m2, rowsB, vo)
	if !opt.StartA.IsZero() {
		a.base = opt.StartA
	}
	if !opt.StartB.IsZero() {
		b.base = opt.StartB
	}
	c := &Compare{a: a, b: b}
	c.lo = min(a.from.Sub(a.base), b.from.Sub(b.base))
	c.hi = max(a.to.Sub(a.base), b.to.Sub(b.base))
	c.off = 0
	if c.off < c.lo {
		c.off = c.lo
	}

	c.slider = widget.NewSlider(c.lo.Seconds(), math.Max(c.hi.Seconds(), c.lo.Seconds()+1))
	c.slider.Step = 0.1
	c.slider.OnChanged = func(x float64) {
		if !c.setting {
			c.Seek(time.Duration(x * float64(time.Second)))
		}
	}
	c.offset = canvas.NewText("t+00:00:00", theme.Color(theme.ColorNameForeground))
	c.offset.TextStyle = fyne.TextStyle{Bold: true}
	c.offset.TextSize = theme.TextSize() * 1.25
	c.play = widget.NewButtonWithIcon(lang.L("Play"), theme.MediaPlayIcon(), func() { c.Play() })
	c.play.Importance = widget.HighImportance
	c.pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), func() { c.Pause() })
	var speeds []string
	for _, s := range Speeds {
		speeds = append(speeds, lang.L("{{.N}}×", map[string]any{"N": s}))
	}
	c.speed = widget.NewSelect(speeds, func(string) {
		if i := c.speed.SelectedIndex(); i >= 0 {
			x := Speeds[i]
			c.a.send(func(p *player) { p.setSpeed(x) })
			c.b.send(func(p *player) { p.setSpeed(x) })
		}
	})
	c.speed.SetSelectedIndex(0)
	// The slider follows the run still playing.
	follow := func(v *View) func(*frame) {
		return func(f *frame) {
			d := f.at.Sub(v.base)
			if f.playing && d > c.off || !f.playing && v == c.a {
				c.show(d)
			}
		}
	}
	a.onShow, b.onShow = follow(a), follow(b)

	bg := canvas.NewRectangle(replayColour)
	mark := canvas.NewText(lang.L("REPLAY")+" · "+lang.L("comparison of two runs, aligned at their starts"), color.White)
	mark.TextStyle.Bold = true
	banner := container.NewStack(bg, container.NewPadded(mark))
	bar := container.NewHBox(c.play, c.pause, c.speed, widget.NewSeparator(), c.offset)
	controls := container.NewVBox(bar, c.slider)
	side := func(v *View) fyne.CanvasObject {
		split := container.NewVSplit(v.m, v.side())
		split.Offset = 0.6
		box := container.NewBorder(container.NewVBox(v.banner, v.msg), nil, nil, nil, split)
		v.relayout = box.Refresh
		return box
	}
	body := container.NewHSplit(side(a), side(b))
	body.Offset = 0.5
	c.box = container.NewBorder(container.NewVBox(banner, controls), nil, nil, nil, body)
	a.start()
	b.start()
	c.Seek(c.off)
	return c
}

// Object returns the screen.
func (c *Compare) Object() fyne.CanvasObject { return c.box }

// Views returns the two runs' views, for their logs and instants.
func (c *Compare) Views() (a, b *View) { return c.a, c.b }

// Offset returns the time since the aligned starts shown.
func (c *Compare) Offset() time.Duration { return c.off }

// Seek shows both runs at d after their starts (each kept within its
// own log).
func (c *Compare) Seek(d time.Duration) {
	d = max(c.lo, min(c.hi, d))
	c.a.Seek(c.a.base.Add(d))
	c.b.Seek(c.b.base.Add(d))
	c.show(d)
}

// Play plays both runs forwards together from the offset shown.
func (c *Compare) Play() {
	d := c.off
	for _, v := range []*View{c.a, c.b} {
		t := v.base.Add(d)
		v.send(func(p *player) {
			p.seek(t)
			if !p.at.Before(p.to) {
				return // this run is over at that offset
			}
			p.setPlaying(true, 1)
		})
	}
}

// Pause stops both runs.
func (c *Compare) Pause() {
	c.a.Pause()
	c.b.Pause()
}

func (c *Compare) show(d time.Duration) {
	c.off = d
	c.offset.Text = fmtOffset(d)
	c.offset.Refresh()
	c.setting = true
	c.slider.SetValue(d.Seconds())
	c.setting = false
}

// Close stops both players and clears both maps' live layers.
func (c *Compare) Close() {
	c.a.Close()
	c.b.Close()
}

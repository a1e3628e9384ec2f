package drill

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DirectorPanel directs a run through a Director: start, pause, resume,
// trigger the selected inject now, skip it, stop; the scenario clock in
// large figures with the run's state (a pause is shown plainly); and the
// evaluator's observations, each sent with Enter and listed with the
// scenario time it was made at. Create it with NewDirectorPanel; call
// Update (a few times a second while a run is on) to follow the run.
type DirectorPanel struct {
	widget.BaseWidget

	// OnStatus is called with the run's status after each Update and
	// action, for the timeline.
	OnStatus func(RunStatusView)

	d      Director
	number string // the selected inject's number

	Start, Pause, Resume, Trigger, Skip, Stop *widget.Button

	clock     *canvas.Text
	state     *widget.Label
	message   *widget.Label
	evaluator *widget.Entry
	observe   *widget.Entry
	notes     *widget.Label
	lines     []string
	last      RunStatusView
	box       *fyne.Container
}

// NewDirectorPanel returns a panel with no director: its buttons are
// disabled until SetDirector.
func NewDirectorPanel() *DirectorPanel {
	p := &DirectorPanel{}
	p.Start = widget.NewButtonWithIcon(lang.L("Start"), theme.MediaPlayIcon(), func() { p.act(func(d Director) error { d.Start(); return nil }) })
	p.Pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), func() { p.act(func(d Director) error { d.Pause(); return nil }) })
	p.Resume = widget.NewButtonWithIcon(lang.L("Resume"), theme.MediaPlayIcon(), func() { p.act(func(d Director) error { d.Resume(); return nil }) })
	p.Trigger = widget.NewButtonWithIcon(lang.L("Send now"), theme.MailSendIcon(), func() { p.act(func(d Director) error { return d.Trigger(p.number) }) })
	p.Skip = widget.NewButtonWithIcon(lang.L("Skip"), theme.MediaSkipNextIcon(), func() { p.act(func(d Director) error { return d.Skip(p.number) }) })
	p.Stop = widget.NewButtonWithIcon(lang.L("End drill"), theme.MediaStopIcon(), func() { p.act(func(d Director) error { d.Stop(); return nil }) })
	p.Stop.Importance = widget.DangerImportance
	p.clock = canvas.NewText(FormatClock(0), theme.Color(theme.ColorNameForeground))
	p.clock.TextSize = theme.TextSize() * 2.2
	p.clock.TextStyle = fyne.TextStyle{Bold: true}
	p.state = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.message = widget.NewLabel("")
	p.message.Wrapping = fyne.TextWrapWord
	p.message.Importance = widget.DangerImportance
	p.message.Hide()
	p.evaluator = widget.NewEntry()
	p.evaluator.PlaceHolder = lang.L("Evaluator")
	p.observe = widget.NewEntry()
	p.observe.PlaceHolder = lang.L("Observation, then Enter")
	p.observe.OnSubmitted = p.Observe
	p.notes = widget.NewLabel("")
	p.notes.Wrapping = fyne.TextWrapWord
	p.box = container.NewVBox(
		container.NewHBox(p.clock, container.NewCenter(p.state)),
		container.NewGridWithColumns(3, p.Start, p.Pause, p.Resume),
		container.NewGridWithColumns(3, p.Trigger, p.Skip, p.Stop),
		p.message,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Observations"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, nil, container.NewGridWithColumns(1, p.evaluator, p.observe)),
		p.notes,
	)
	p.ExtendBaseWidget(p)
	p.show(RunStatusView{State: RunIdle})
	return p
}

// Refresh redraws the panel in the current theme.
func (p *DirectorPanel) Refresh() {
	p.show(p.last)
	refreshAll(p.box)
	p.BaseWidget.Refresh()
}

// CreateRenderer lays the panel out.
func (p *DirectorPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

// SetDirector directs runs through d (nil: none).
func (p *DirectorPanel) SetDirector(d Director) {
	p.d = d
	p.Update()
}

// SetSelected sets the number of the inject Send now and Skip act on ("":
// none).
func (p *DirectorPanel) SetSelected(number string) {
	p.number = number
	p.show(p.last)
}

// Update shows the director's status.
func (p *DirectorPanel) Update() {
	st := RunStatusView{State: RunIdle}
	if p.d != nil {
		st = p.d.Status()
	}
	p.show(st)
	if p.OnStatus != nil {
		p.OnStatus(st)
	}
}

// Status returns the status shown last.
func (p *DirectorPanel) Status() RunStatusView { return p.last }

func (p *DirectorPanel) act(fn func(Director) error) {
	if p.d == nil {
		return
	}
	if err := fn(p.d); err != nil {
		p.message.SetText(err.Error())
		p.message.Show()
	} else {
		p.message.Hide()
	}
	p.Update()
}

// show enables what the run's state allows and shows its clock.
func (p *DirectorPanel) show(st RunStatusView) {
	p.last = st
	on := p.d != nil
	enable := func(b *widget.Button, ok bool) {
		if ok && on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	running, paused := st.State == RunRunning, st.State == RunPaused
	enable(p.Start, st.State == RunIdle || st.State == RunStopped || st.State == "")
	enable(p.Pause, running)
	enable(p.Resume, paused)
	pending := p.number != "" && (st.Injects[p.number] == "" || st.Injects[p.number] == InjectPending)
	enable(p.Trigger, (running || paused) && pending)
	enable(p.Skip, (running || paused) && pending)
	enable(p.Stop, running || paused)
	p.clock.Text = FormatClock(st.Clock)
	p.clock.Color = theme.Color(theme.ColorNameForeground)
	switch st.State {
	case RunRunning:
		p.state.SetText(lang.L("Running"))
		p.state.Importance = widget.SuccessImportance
	case RunPaused:
		p.state.SetText(lang.L("PAUSED"))
		p.state.Importance = widget.WarningImportance
		p.clock.Color = theme.Color(theme.ColorNameWarning)
	case RunStopped:
		p.state.SetText(lang.L("Ended"))
		p.state.Importance = widget.MediumImportance
	default:
		p.state.SetText(lang.L("Not started"))
		p.state.Importance = widget.LowImportance
	}
	if p.d == nil {
		p.state.SetText(lang.L("No drill runner connected"))
	}
	p.state.Refresh()
	p.clock.Refresh()
}

// Observe sends an observation of the evaluator named in the panel and
// lists it with the scenario time; empty text is ignored.
func (p *DirectorPanel) Observe(text string) {
	if text == "" || p.d == nil {
		return
	}
	who := p.evaluator.Text
	if err := p.d.Observe(who, text); err != nil {
		p.message.SetText(err.Error())
		p.message.Show()
		return
	}
	p.message.Hide()
	at := FormatClock(p.d.Status().Clock)
	line := at + "  " + text
	if who != "" {
		line = at + "  " + who + ": " + text
	}
	p.lines = append([]string{line}, p.lines...)
	if len(p.lines) > 8 {
		p.lines = p.lines[:8]
	}
	p.notes.SetText(joinLines(p.lines))
	p.observe.SetText("")
}

// Observations returns the observations listed, newest first.
func (p *DirectorPanel) Observations() []string { return append([]string(nil), p.lines...) }

func joinLines(ls []string) string {
	s := ""
	for i, l := range ls {
		if i > 0 {
			s += "\n"
		}
		s += l
	}
	return s
}

package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
	"safetynet/feeds/client"
	rundrill "safetynet/feeds/drill"
	"safetynet/feeds/event"
	"safetynet/ui/drill"
	"safetynet/ui/locale"
)

// drillSpeeds are the scenario clock's speeds the Director tab offers.
var drillSpeeds = []float64{1, 2, 5, 10, 30, 60}

// drillUnits is how many simulated units of the micro fire station a
// tabletop drill has.
const drillUnits = 3

// runDirector is Drill mode's drill.Director: Start makes a
// feeds/drill.Runner for the saved scenario shown, which sends its
// injects through the live console's hub connection (its publisher, with
// the operator's token) and learns the players' progress from every
// message the console receives. The runner runs on goroutines of the
// console's session, stopped with it; Stop sends drill.end. The run is
// kept as a store.DrillRun at its start and at its end, and the
// director's and evaluators' entries go to the event log.
//
// Its methods run on the Fyne goroutine and never block; the Runner's
// own methods are safe for concurrent use and quick.
type runDirector struct {
	d *drillMode

	speed      *widget.Select
	responders *widget.Check
	options    *widget.Form

	starting bool
	r        *rundrill.Runner // the run shown; nil before the first start
	cur      *drillRun        // its bookkeeping
	lastErr  error            // why the last Start was refused, for tests
}

// drillRun is one run's bookkeeping shared with its goroutines.
type drillRun struct {
	mu   sync.Mutex
	rec  store.DrillRun
	seen map[string]bool // operators seen acting
	log  *logWriter
	done chan struct{} // closed once the run has ended and been saved
}

func newRunDirector(d *drillMode) *runDirector {
	rd := &runDirector{d: d}
	var names []string
	for _, v := range drillSpeeds {
		names = append(names, speedText(v))
	}
	rd.speed = widget.NewSelect(names, nil)
	rd.speed.SetSelected(speedText(1))
	rd.responders = widget.NewCheck(lang.L("Simulated responders (tabletop)"), nil)
	rd.options = widget.NewForm(widget.NewFormItem(lang.L("Speed"), rd.speed), widget.NewFormItem("", rd.responders))
	return rd
}

// speedText writes a clock speed as 60×.
func speedText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "×" }

// chosenSpeed returns the speed selected.
func (rd *runDirector) chosenSpeed() float64 {
	v, err := strconv.ParseFloat(strings.TrimSuffix(rd.speed.Selected, "×"), 64)
	if err != nil || !(v > 0) {
		return 1
	}
	return v
}

// refuse says why a drill cannot start.
func (rd *runDirector) refuse(err error) {
	rd.lastErr = err
	rd.d.x.ShowError(err)
}

// Start starts a run of the scenario shown, once it is saved and the
// console is connected to a hub; it says why not otherwise.
func (rd *runDirector) Start() {
	d := rd.d
	x := d.x
	if rd.starting || rd.r != nil && rd.state() != drill.RunStopped && rd.state() != drill.RunIdle {
		return
	}
	sc := d.wb.Scenario()
	switch {
	case x.store == nil:
		rd.refuse(errors.New(lang.L("No GeoPackage open. Choose File › Open… to open one.")))
		return
	case d.wb.Dirty() || !d.listed(sc.Code):
		rd.refuse(errors.New(lang.L("Save the scenario {{.Code}} before you start a drill of it.", map[string]any{"Code": sc.Code})))
		return
	case len(sc.Injects) == 0:
		rd.refuse(errors.New(lang.L("The scenario {{.Code}} has no injects to send.", map[string]any{"Code": sc.Code})))
		return
	}
	ss := x.live.running()
	if ss == nil || ss.pub == nil {
		rd.refuse(errors.New(lang.L("The console is not connected to a hub, so the drill cannot send its injects. Set the hub and an operator token in Settings.")))
		return
	}
	if st := ss.pub.State(); st != client.Connected {
		rd.refuse(errors.New(lang.L("The hub is not connected at the moment, so the drill cannot send its injects. Wait until the status bar says the hub is connected.")))
		return
	}
	rd.lastErr = nil
	rd.starting = true
	language := locale.Current()
	speed, tabletop := rd.chosenSpeed(), rd.responders.Checked
	operator := x.effective(LoadSettings(x.fyne.Preferences())).Operator
	s := x.store
	started := time.Now()
	run := &drillRun{seen: map[string]bool{}, log: newLogWriter(), done: make(chan struct{}), rec: store.DrillRun{
		ID: sc.Code + "-" + started.UTC().Format("20060102T150405"), Scenario: sc.Code, Names: sc.Names, Started: started.UTC()}}
	if tabletop {
		run.rec.Scope = "tabletop"
	}
	if operator != "" {
		run.seen[operator] = true
		run.rec.Participants = []string{operator}
	}
	hand := do
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		ctx, cancel := context.WithTimeout(ss.ctx, 30*time.Second)
		com, err := rundrill.ReadCommunity(ctx, s)
		if err == nil {
			err = s.SaveDrillRun(ctx, run.rec)
		}
		cancel()
		var r *rundrill.Runner
		if err == nil {
			opt := rundrill.RunOptions{DrillID: run.rec.ID, Name: sc.Label(language), Speed: speed, Language: language,
				Publish: ss.pub.Publish, Place: com.Place, Log: run.log.add, Sender: "safetynet-drill"}
			if tabletop {
				opt.Responders = rundrill.NewResponders(com.StationUnits(drillUnits, language),
					rundrill.ResponderOptions{AutoAssign: 30 * time.Second, Path: com.Path})
			}
			r, err = rundrill.NewRunner(sc, opt)
		}
		hand(func() {
			rd.starting = false
			if err != nil {
				rd.refuse(err)
				return
			}
			if ss.ctx.Err() != nil {
				return
			}
			rd.r, rd.cur = r, run
			rd.begin(ss, r, run, s)
			d.wb.Director.Update()
			if settled != nil {
				settled()
			}
		})
	}()
}

// begin runs r on the session's goroutines: the runner, the writer of
// its log entries, and the record of its end.
func (rd *runDirector) begin(ss *session, r *rundrill.Runner, run *drillRun, s *store.Store) {
	saw := func(m event.Message) {
		r.Saw(m)
		if op := actor(&m.Event); op != "" {
			run.mu.Lock()
			if !run.seen[op] {
				run.seen[op] = true
				run.rec.Participants = append(run.rec.Participants, op)
			}
			run.mu.Unlock()
		}
	}
	ss.saw.Store(&saw)
	ctx, cancel := context.WithCancel(ss.ctx)
	logDone := make(chan struct{})
	hand := do
	ss.wg.Add(2)
	go func() {
		defer ss.wg.Done()
		defer close(logDone)
		run.log.run(ctx, s, func(err error) {
			hand(func() {
				rd.d.x.showNotice(lang.L("Drill entries could not be written to the event log: {{.Err}}", map[string]any{"Err": err}))
			})
		})
	}()
	go func() {
		defer ss.wg.Done()
		err := r.Run(ctx)
		if old := ss.saw.Load(); old == &saw {
			ss.saw.CompareAndSwap(old, nil)
		}
		cancel()
		<-logDone
		run.mu.Lock()
		run.rec.Ended = time.Now().UTC()
		rec := run.rec
		rec.Participants = slices.Clone(rec.Participants)
		slices.Sort(rec.Participants)
		run.mu.Unlock()
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ss.ctx), 10*time.Second)
		serr := s.SaveDrillRun(sctx, rec)
		scancel()
		close(run.done)
		if err = errors.Join(ignoreCanceled(err), serr); err != nil {
			hand(func() {
				rd.d.x.showNotice(lang.L("The drill {{.ID}}: {{.Err}}", map[string]any{"ID": rec.ID, "Err": err}))
			})
		}
		hand(func() {
			rd.d.wb.Director.Update()
			if settled != nil {
				settled()
			}
		})
	}()
	r.Start()
}

// ignoreCanceled drops a context's cancellation: the window or the
// session closing ends a run too.
func ignoreCanceled(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// actor returns the operator who acted in e, "" when e is no operator's
// act.
func actor(e *event.Event) string {
	if e.Op != event.Ack && e.TypeFamily() != "operator" {
		return ""
	}
	op, _ := e.Properties["operator"].(string)
	return op
}

// state returns the run's state as the panel shows it.
func (rd *runDirector) state() string { return rd.Status().State }

// Pause pauses the scenario clock.
func (rd *runDirector) Pause() {
	if rd.r != nil {
		rd.r.Pause()
	}
}

// Resume starts the scenario clock again.
func (rd *runDirector) Resume() {
	if rd.r != nil {
		rd.r.Resume()
	}
}

// Trigger sends the inject numbered n now.
func (rd *runDirector) Trigger(n string) error {
	if rd.r == nil {
		return errors.New(lang.L("Start the drill first."))
	}
	return rd.r.Trigger(n)
}

// Skip marks the inject numbered n as not to be sent.
func (rd *runDirector) Skip(n string) error {
	if rd.r == nil {
		return errors.New(lang.L("Start the drill first."))
	}
	return rd.r.Skip(n)
}

// Stop ends the drill: the runner sends drill.end.
func (rd *runDirector) Stop() {
	if rd.r != nil {
		rd.r.Stop()
	}
}

// Status returns the run as the panel shows it.
func (rd *runDirector) Status() drill.RunStatusView {
	if rd.r == nil {
		return drill.RunStatusView{State: drill.RunIdle}
	}
	return statusView(rd.r.Status())
}

// statusView turns a runner's status into the panel's.
func statusView(st rundrill.RunStatus) drill.RunStatusView {
	v := drill.RunStatusView{Clock: st.At, Injects: map[string]string{}}
	switch {
	case !st.Started:
		v.State = drill.RunIdle
	case st.Stopped:
		v.State = drill.RunStopped
	case st.Paused:
		v.State = drill.RunPaused
	default:
		v.State = drill.RunRunning
	}
	for _, in := range st.Injects {
		switch in.State {
		case rundrill.StateSent:
			v.Injects[in.Number] = drill.InjectSent
		case rundrill.StateLate:
			v.Injects[in.Number] = drill.InjectLate
		case rundrill.StateSkipped, rundrill.StateNotNeeded:
			v.Injects[in.Number] = drill.InjectSkipped
		default:
			v.Injects[in.Number] = drill.InjectPending
		}
	}
	return v
}

// Observe records an evaluator's observation in the event log.
func (rd *runDirector) Observe(evaluator, text string) error {
	if rd.r == nil {
		return errors.New(lang.L("Start the drill first."))
	}
	if evaluator == "" {
		evaluator = rd.d.x.effective(LoadSettings(rd.d.x.fyne.Preferences())).Operator
	}
	rd.r.Observe(evaluator, text)
	return nil
}

// logWriter writes a run's log entries to the event log in order, in
// batches, on one goroutine; add never blocks.
type logWriter struct {
	mu   sync.Mutex
	rows []store.LogRow
	wake chan struct{}
}

func newLogWriter() *logWriter { return &logWriter{wake: make(chan struct{}, 1)} }

// add queues a row (RunOptions.Log).
func (w *logWriter) add(r store.LogRow) {
	w.mu.Lock()
	w.rows = append(w.rows, r)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run writes what is queued until ctx ends, then what is left; onErr
// hears of a batch that could not be written (it is kept for the next).
func (w *logWriter) run(ctx context.Context, s *store.Store, onErr func(error)) {
	flush := func() {
		w.mu.Lock()
		rows := w.rows
		w.rows = nil
		w.mu.Unlock()
		if len(rows) == 0 {
			return
		}
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err := s.AppendLog(wctx, rows)
		cancel()
		if err != nil {
			w.mu.Lock()
			w.rows = append(rows, w.rows...)
			w.mu.Unlock()
			onErr(err)
		}
	}
	for {
		select {
		case <-ctx.Done():
			flush()
			return
		case <-w.wake:
			flush()
		}
	}
}

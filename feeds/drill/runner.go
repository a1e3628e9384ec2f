package drill

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/cap"
	"safetynet/feeds/console"
	"safetynet/feeds/cot"
	"safetynet/feeds/event"
	"safetynet/feeds/ingest"
)

// States of an inject in a run.
const (
	StatePending = "pending"
	StateSent    = "sent"
	// StateLate is an inject sent more than RunOptions.LateAfter after it
	// fell due (InjectStatus.Late says by how much).
	StateLate    = "late"
	StateSkipped = "skipped"
	// StateNotNeeded is a contingency inject whose condition did not hold
	// when it fell due: the step it waits for was reached in time.
	StateNotNeeded = "not_needed"
)

// Log kinds of the director's own entries (RunOptions.Log): KindDrill
// for the controller's (start, pause, resume, speed, trigger, skip,
// inject, end), KindObservation for an evaluator's. Chain skips both.
const (
	KindDrill       = "drill"
	KindObservation = "observation"
)

// RunOptions configure a Runner.
type RunOptions struct {
	// DrillID is the run's ID, carried by every event the run sends
	// (properties.drill_id); Name the exercise's name (properties.drill,
	// CAP note). Both required.
	DrillID, Name string
	// Speed of the scenario clock (default 1; 60 for a tabletop that runs
	// an hour in a minute).
	Speed float64
	// Language of the injects' titles and messages: "zh" or "en" (both
	// go with the event in properties.texts; default "zh").
	Language string
	// Publish sends one encoded event to the hub
	// (client.Publisher.Publish). Required.
	Publish func(ctx context.Context, data []byte) error
	// Now is the wall clock (default time.Now).
	Now func() time.Time
	// Place finds a feature's geometry by its code, for an inject that
	// names a LocationCode and draws no Geometry.
	Place func(code string) (orb.Geometry, bool)
	// Responders, when set, are the simulated units of a tabletop drill.
	Responders *Responders
	// Log, when set, gets the director's entries (kinds KindDrill and
	// KindObservation) for the event log.
	Log func(store.LogRow)
	// OnChange, when set, is called with the new status after every
	// change; it must not block or call the Runner.
	OnChange func(RunStatus)
	// LateAfter is how long after its due time an inject may go out and
	// still count as on time (default 1 s of wall-clock time).
	LateAfter time.Duration
	// Sender is the CAP sender of CAP injects (default "safetynet-drill").
	Sender string
}

// InjectStatus is where one inject stands in the run.
type InjectStatus struct {
	Number     string
	Offset     time.Duration
	Timed      bool
	Contingent bool
	State      string
	// SentAt is the scenario time it went out, Sent the wall-clock time;
	// Late how far past its due scenario time it went out.
	SentAt time.Duration
	Sent   time.Time
	Late   time.Duration
	// Due is the scenario time it falls due; DueKnown is false for an
	// inject without a time (only a trigger sends it) and for a
	// contingency whose inject it depends on is not sent yet.
	Due      time.Duration
	DueKnown bool
	// Subject is the subject of its alarm in the console; Note says why
	// it was skipped or not needed, or what went wrong sending it.
	Subject string
	Note    string
}

// RunStatus is the state of a run.
type RunStatus struct {
	DrillID, Name            string
	Started, Paused, Stopped bool
	Speed                    float64
	At                       time.Duration // scenario time
	Injects                  []InjectStatus
	// Next is the number of the next inject due (by scenario time), NextAt
	// its scenario time and NextDue its wall-clock time (zero while
	// paused); Next is "" when none is due.
	Next    string
	NextAt  time.Duration
	NextDue time.Time
}

// Runner is a drill's director: it runs the scenario clock and sends each
// inject through the hub when its scenario time comes (or its condition
// holds, or the director triggers it), encoded in its format and marked
// as drill traffic, and ends the drill with drill.end. It learns the
// players' progress from the hub's messages the caller forwards (Saw).
// Its methods are safe for concurrent use; sending happens in Tick (Run
// calls it), one event at a time in order.
type Runner struct {
	opt RunOptions
	sc  store.Scenario

	mu      sync.Mutex
	clock   *Clock
	injects []*injectRun
	seen    *chainer // the chains of the hub's messages, as the console would log them
	stopped bool
	ended   bool
	stop    bool // Stop asked for
	wake    chan struct{}
}

type injectRun struct {
	in store.Inject
	InjectStatus
	triggered bool
	assigned  bool // someone (or AutoAssign) assigned its alarm
	place     orb.Geometry
}

// NewRunner returns the director of a run of sc. It checks the scenario:
// unique inject numbers, contingencies naming an inject that exists,
// formats it can send.
func NewRunner(sc store.Scenario, opt RunOptions) (*Runner, error) {
	if strings.TrimSpace(opt.DrillID) == "" || strings.TrimSpace(opt.Name) == "" {
		return nil, errors.New("drill: a run needs a drill ID and a name")
	}
	if opt.Publish == nil {
		return nil, errors.New("drill: a run needs a Publish function")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Language == "" {
		opt.Language = "zh"
	}
	if opt.LateAfter <= 0 {
		opt.LateAfter = time.Second
	}
	if opt.Sender == "" {
		opt.Sender = "safetynet-drill"
	}
	r := &Runner{opt: opt, sc: sc, clock: NewClock(opt.Speed), wake: make(chan struct{}, 1), seen: newChainer(0)}
	numbers := map[string]bool{}
	for i, in := range sc.Injects {
		if strings.TrimSpace(in.Number) == "" {
			return nil, fmt.Errorf("drill: scenario %s: inject %d has no number", sc.Code, i+1)
		}
		if numbers[in.Number] {
			return nil, fmt.Errorf("drill: scenario %s: inject number %q twice", sc.Code, in.Number)
		}
		numbers[in.Number] = true
		switch in.Format {
		case "", store.FormatJSON, store.FormatCAP, store.FormatCoT:
		default:
			return nil, fmt.Errorf("drill: scenario %s: inject %s: format %q is not json, cap or cot", sc.Code, in.Number, in.Format)
		}
		if in.Format != "" && in.Type == "" {
			return nil, fmt.Errorf("drill: scenario %s: inject %s: no event type to send", sc.Code, in.Number)
		}
		ir := &injectRun{in: in, InjectStatus: InjectStatus{Number: in.Number, Offset: in.Offset, Timed: in.Timed,
			Contingent: in.Condition != nil, State: StatePending}}
		ir.place = in.Geometry
		if ir.place == nil && in.LocationCode != "" && opt.Place != nil {
			if g, ok := opt.Place(in.LocationCode); ok {
				ir.place = g
			}
		}
		r.injects = append(r.injects, ir)
	}
	for _, in := range sc.Injects {
		if c := in.Condition; c != nil {
			if !numbers[c.After] || c.After == in.Number {
				return nil, fmt.Errorf("drill: scenario %s: inject %s: its condition names inject %q, which is not in the scenario", sc.Code, in.Number, c.After)
			}
			switch c.Missing {
			case StepAck, StepAssign, StepOnScene, StepResolve:
			default:
				return nil, fmt.Errorf("drill: scenario %s: inject %s: condition step %q is not ack, assign, on_scene or resolve", sc.Code, in.Number, c.Missing)
			}
		}
	}
	return r, nil
}

func (r *Runner) find(number string) *injectRun {
	for _, ir := range r.injects {
		if ir.Number == number {
			return ir
		}
	}
	return nil
}

func (r *Runner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// controller logs a director's entry; the mutex is held.
func (r *Runner) controller(now time.Time, action, inject string, extra map[string]any) {
	if r.opt.Log == nil {
		return
	}
	d := map[string]any{"drill_id": r.opt.DrillID, "action": action, "scenario_s": r.clock.At(now).Seconds(), "speed": r.clock.Speed()}
	if inject != "" {
		d["inject"] = inject
	}
	for k, v := range extra {
		d[k] = v
	}
	data, _ := json.Marshal(d)
	r.opt.Log(store.LogRow{Time: now, Kind: KindDrill, Operator: "director", Subject: r.opt.DrillID, Data: data})
}

// changed tells OnChange; the mutex is not held.
func (r *Runner) changed() {
	if r.opt.OnChange != nil {
		r.opt.OnChange(r.Status())
	}
	r.poke()
}

// Start starts the scenario clock (t+00:00 now).
func (r *Runner) Start() {
	r.mu.Lock()
	now := r.opt.Now()
	if r.clock.Started() || r.stopped {
		r.mu.Unlock()
		return
	}
	r.clock.Start(now)
	r.controller(now, "start", "", nil)
	r.mu.Unlock()
	r.changed()
}

// Pause stops scenario time.
func (r *Runner) Pause() {
	r.mu.Lock()
	now := r.opt.Now()
	if !r.clock.Started() || r.clock.Paused() || r.stopped {
		r.mu.Unlock()
		return
	}
	r.clock.Pause(now)
	r.controller(now, "pause", "", nil)
	r.mu.Unlock()
	r.changed()
}

// Resume lets scenario time run again; injects keep their scenario times.
func (r *Runner) Resume() {
	r.mu.Lock()
	now := r.opt.Now()
	if !r.clock.Paused() || r.stopped {
		r.mu.Unlock()
		return
	}
	r.clock.Resume(now)
	r.controller(now, "resume", "", nil)
	r.mu.Unlock()
	r.changed()
}

// SetSpeed changes the clock's speed from now on.
func (r *Runner) SetSpeed(s float64) {
	r.mu.Lock()
	now := r.opt.Now()
	r.clock.SetSpeed(s, now)
	r.controller(now, "speed", "", nil)
	r.mu.Unlock()
	r.changed()
}

// Trigger sends the pending inject number at the next Tick, whatever its
// time or condition.
func (r *Runner) Trigger(number string) error {
	r.mu.Lock()
	ir := r.find(number)
	switch {
	case ir == nil:
		r.mu.Unlock()
		return fmt.Errorf("drill: no inject %q in scenario %s", number, r.sc.Code)
	case ir.State != StatePending:
		r.mu.Unlock()
		return fmt.Errorf("drill: inject %s is already %s", number, ir.State)
	case r.stopped:
		r.mu.Unlock()
		return fmt.Errorf("drill: the drill %s has ended", r.opt.DrillID)
	}
	ir.triggered = true
	r.controller(r.opt.Now(), "trigger", number, nil)
	r.mu.Unlock()
	r.changed()
	return nil
}

// Skip marks the pending inject number skipped: it is never sent.
func (r *Runner) Skip(number string) error {
	r.mu.Lock()
	ir := r.find(number)
	switch {
	case ir == nil:
		r.mu.Unlock()
		return fmt.Errorf("drill: no inject %q in scenario %s", number, r.sc.Code)
	case ir.State != StatePending:
		r.mu.Unlock()
		return fmt.Errorf("drill: inject %s is already %s", number, ir.State)
	}
	ir.State, ir.Note = StateSkipped, "skipped by the director"
	r.controller(r.opt.Now(), "skip", number, nil)
	r.mu.Unlock()
	r.changed()
	return nil
}

// Stop asks Run to end the drill: it sends drill.end and returns.
func (r *Runner) Stop() {
	r.mu.Lock()
	r.stop = true
	r.mu.Unlock()
	r.poke()
}

// Observe records an evaluator's observation at the present scenario
// time: a log row of kind KindObservation (Operator the evaluator,
// Subject the drill ID, Data {"drill_id", "scenario_s", "text"}), given
// to RunOptions.Log and returned.
func (r *Runner) Observe(evaluator, text string) store.LogRow {
	r.mu.Lock()
	now := r.opt.Now()
	data, _ := json.Marshal(map[string]any{"drill_id": r.opt.DrillID, "scenario_s": r.clock.At(now).Seconds(), "text": text})
	row := store.LogRow{Time: now, Kind: KindObservation, Operator: evaluator, Subject: r.opt.DrillID, Data: data}
	r.mu.Unlock()
	if r.opt.Log != nil {
		r.opt.Log(row)
	}
	return row
}

// Saw tells the runner about a message from the hub (every message the
// caller's subscription delivers): operator actions and unit positions
// tell it how far the players got with each inject, for contingencies
// and simulated responders.
func (r *Runner) Saw(m event.Message) {
	e := &m.Event
	row := store.LogRow{Time: r.opt.Now(), Seq: m.Seq, Kind: "event", Subject: e.SubjectOrID()}
	isAction := e.Op == event.Ack && strings.HasPrefix(e.Type, "operator.")
	if isAction {
		if len(e.References) == 0 {
			return
		}
		row.Kind, row.Subject = "action", e.References[0]
		row.Operator, _ = e.Properties["operator"].(string)
	} else if k := console.KindOf(e); k == console.KindInfo {
		return
	}
	data, err := json.Marshal(m)
	if err != nil {
		return
	}
	row.Data = data
	r.mu.Lock()
	r.seen.row(&row)
	if isAction {
		r.sawAction(e, row.Subject)
	}
	r.mu.Unlock()
}

// sawAction follows assignments and resolves of the run's alarms for the
// responders; the mutex is held.
func (r *Runner) sawAction(e *event.Event, subject string) {
	var ir *injectRun
	for _, x := range r.injects {
		if x.Subject == subject && x.Subject != "" {
			ir = x
		}
	}
	if ir == nil {
		return
	}
	kind, _ := e.Properties["action"].(string)
	switch kind {
	case console.ActionAssign:
		ir.assigned = true
		if rs := r.opt.Responders; rs != nil {
			unit, _ := e.Properties["unit"].(string)
			if u := rs.find(unit); u != nil && u.alarm != subject {
				if p, ok := centre(ir.place); ok {
					rs.dispatch(u, subject, p, r.clock.At(r.opt.Now()))
				}
			}
		}
	case console.ActionResolve:
		if rs := r.opt.Responders; rs != nil {
			rs.free(subject)
		}
	}
}

// due returns the scenario time ir falls due; the mutex is held.
func (r *Runner) due(ir *injectRun) (time.Duration, bool) {
	if c := ir.in.Condition; c != nil {
		after := r.find(c.After)
		if after == nil || (after.State != StateSent && after.State != StateLate) {
			return 0, false
		}
		return after.SentAt + c.Within, true
	}
	return ir.Offset, ir.Timed
}

// Status returns the run's state now.
func (r *Runner) Status() RunStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status(r.opt.Now())
}

func (r *Runner) status(now time.Time) RunStatus {
	st := RunStatus{DrillID: r.opt.DrillID, Name: r.opt.Name, Started: r.clock.Started(), Paused: r.clock.Paused(),
		Stopped: r.stopped, Speed: r.clock.Speed(), At: r.clock.At(now)}
	for _, ir := range r.injects {
		s := ir.InjectStatus
		s.Due, s.DueKnown = r.due(ir)
		st.Injects = append(st.Injects, s)
		if s.State == StatePending && s.DueKnown && (st.Next == "" || s.Due < st.NextAt) {
			st.Next, st.NextAt = s.Number, s.Due
		}
	}
	if st.Next != "" {
		st.NextDue, _ = r.clock.Due(st.NextAt, now)
	}
	return st
}

// outgoing is an event to publish, with the inject it is for.
type outgoing struct {
	ir   *injectRun
	data []byte
	what string
}

// Tick sends what is due at the wall-clock time of RunOptions.Now: the
// injects whose scenario time came (in order of it, then of the MSEL),
// the triggered ones, the contingencies whose condition holds, and the
// simulated responders' reports and automatic assignments. Run calls
// it; a test may call it itself with a fake clock. It returns the first
// error of Publish (the rest of what was due is still sent).
func (r *Runner) Tick(ctx context.Context) error {
	r.mu.Lock()
	now := r.opt.Now()
	if r.stopped {
		r.mu.Unlock()
		return nil
	}
	at := r.clock.At(now)
	type dueInject struct {
		ir  *injectRun
		due time.Duration
		i   int
	}
	var list []dueInject
	for i, ir := range r.injects {
		if ir.State != StatePending {
			continue
		}
		if ir.triggered {
			list = append(list, dueInject{ir, at, i})
			continue
		}
		if !r.clock.Started() || r.clock.Paused() {
			continue
		}
		if d, ok := r.due(ir); ok && d <= at {
			list = append(list, dueInject{ir, d, i})
		}
	}
	slices.SortStableFunc(list, func(a, b dueInject) int {
		if a.due != b.due {
			if a.due < b.due {
				return -1
			}
			return 1
		}
		return a.i - b.i
	})
	var out []outgoing
	var chains []AlarmChain
	for _, d := range list {
		ir := d.ir
		if c := ir.in.Condition; c != nil && !ir.triggered {
			if chains == nil {
				chains = r.seen.chains(ChainOptions{DrillID: r.opt.DrillID})
			}
			if reached(chains, c.After, c.Missing) {
				ir.State, ir.Note = StateNotNeeded, fmt.Sprintf("inject %s reached %s within %s", c.After, c.Missing, c.Within)
				r.controller(now, "not_needed", ir.Number, nil)
				continue
			}
		}
		ir.SentAt, ir.Sent, ir.State = at, now, StateSent
		if !ir.triggered {
			ir.Late = at - d.due
			if scale(ir.Late, 1/r.clock.Speed()) > r.opt.LateAfter {
				ir.State = StateLate
			}
		}
		if ir.in.Format == "" {
			ir.Note = "delivered by other means: " + ir.in.Method
		} else {
			data, subject, err := r.encode(ir, now)
			if err != nil {
				ir.Note = err.Error()
			} else {
				ir.Subject = subject
				out = append(out, outgoing{ir, data, "inject"})
			}
		}
		extra := map[string]any{}
		if ir.State == StateLate {
			extra["late_s"] = ir.Late.Seconds()
		}
		r.controller(now, "inject", ir.Number, extra)
	}
	out = append(out, r.responders(now, at)...)
	r.mu.Unlock()

	var first error
	for _, o := range out {
		if err := r.opt.Publish(ctx, o.data); err != nil {
			if o.ir != nil {
				r.mu.Lock()
				o.ir.Note = "not sent: " + err.Error()
				r.mu.Unlock()
			}
			if first == nil {
				first = fmt.Errorf("drill %s: send %s: %w", r.opt.DrillID, o.what, err)
			}
		}
	}
	if len(list) > 0 || len(out) > 0 {
		r.changed()
	}
	return first
}

// reached reports whether the alarm of inject number reached step.
func reached(chains []AlarmChain, number, step string) bool {
	for i := range chains {
		if chains[i].Inject == number && !chains[i].At(step).IsZero() {
			return true
		}
	}
	return false
}

// responders moves the simulated units and assigns automatically; the
// mutex is held.
func (r *Runner) responders(now time.Time, at time.Duration) []outgoing {
	rs := r.opt.Responders
	if rs == nil || !r.clock.Started() || r.clock.Paused() {
		return nil
	}
	var out []outgoing
	if rs.opt.AutoAssign > 0 {
		for _, ir := range r.injects {
			if ir.assigned || ir.Subject == "" || (ir.State != StateSent && ir.State != StateLate) || at-ir.SentAt < rs.opt.AutoAssign {
				continue
			}
			p, ok := centre(ir.place)
			if !ok || console.KindOf(&event.Event{Type: ir.in.Type}) != console.KindAlert {
				continue
			}
			u := rs.nearestFree(p)
			if u == nil {
				continue
			}
			e, err := console.NewAction(console.ActionAssign, ir.Subject, rs.opt.Operator, u.Title, "", now)
			if err != nil {
				continue
			}
			r.mark(&e)
			data, err := event.Encode(e)
			if err != nil {
				continue
			}
			ir.assigned = true
			rs.dispatch(u, ir.Subject, p, at)
			out = append(out, outgoing{nil, data, "assign " + u.Title})
		}
	}
	for _, rep := range rs.due(at) {
		u := rep.unit
		e := event.Event{ID: fmt.Sprintf("%s-%s-%d", r.opt.DrillID, u.Subject, now.UnixNano()), Subject: u.Subject,
			Type: "patrol.position", Severity: event.Minor, Status: event.Exercise, Time: now, Geometry: rep.at,
			Source: u.Subject, Title: u.Title, Stale: now.Add(2 * time.Minute), Expires: now.Add(10 * time.Minute),
			Properties: map[string]any{"team": u.Team, "simulated": true, "speed_mps": rs.opt.Speed}}
		r.mark(&e)
		data, err := event.Encode(e)
		if err != nil {
			continue
		}
		out = append(out, outgoing{nil, data, "position of " + u.Subject})
	}
	return out
}

// mark marks e as the run's traffic.
func (r *Runner) mark(e *event.Event) {
	e.Status = event.Exercise
	if e.Properties == nil {
		e.Properties = map[string]any{}
	}
	e.Properties["drill_id"], e.Properties["drill"] = r.opt.DrillID, r.opt.Name
}

// injectID is the event ID of an inject in this run.
func (r *Runner) injectID(number string) string {
	return strings.Map(func(c rune) rune {
		if c <= ' ' || c == ',' || c == '<' || c == '&' {
			return '_'
		}
		return c
	}, r.opt.DrillID+"-"+number)
}

// encode writes the inject's event in its format; the subject is the one
// the console files its alarm under. The mutex is held.
func (r *Runner) encode(ir *injectRun, now time.Time) ([]byte, string, error) {
	in := &ir.in
	lang := r.opt.Language
	other := "en"
	if lang == "en" {
		other = "zh"
	}
	tag := map[string]string{"zh": "zh-CN", "en": "en-US"}
	id := r.injectID(in.Number)
	e := event.Event{ID: id, Subject: id, Type: in.Type, Severity: event.Severity(in.Severity), Time: now,
		Geometry: ir.place, Source: in.Source, Title: in.Title.Label(lang), Description: in.Message.Label(lang),
		Properties: map[string]any{"inject": in.Number, "scenario_time": offsetText(ir.SentAt), "simulated": true}}
	if e.Title == "" {
		e.Title = in.Type
	}
	r.mark(&e)
	texts := []any{event.Texts{Language: tag[lang], Title: e.Title, Description: e.Description}.Map()}
	if t := in.Title.Label(other); t != "" {
		texts = append(texts, event.Texts{Language: tag[other], Title: t, Description: in.Message.Label(other)}.Map())
	}
	e.Properties[event.TextsKey] = texts
	if in.LocationCode != "" {
		e.Properties["location_code"] = in.LocationCode
	}
	if rad := in.Expect.OnSceneRadius; rad > 0 {
		e.Properties["on_scene_radius"] = strconv.FormatFloat(rad, 'f', -1, 64)
	}
	if in.Location != "" {
		e.Properties["location"] = in.Location
	}
	if _, ok := e.Properties["location"]; !ok && ir.place == nil && in.LocationCode != "" {
		e.Properties["location"] = in.LocationCode
	}
	var data []byte
	var err error
	switch in.Format {
	case store.FormatCAP:
		e.Properties["note"] = r.opt.Name
		data, err = cap.Encoder{Sender: r.opt.Sender}.Encode(e)
	case store.FormatCoT:
		data, err = cot.Encode(e)
	default:
		data, err = event.Encode(e)
	}
	if err != nil {
		return nil, "", fmt.Errorf("inject %s: %w", in.Number, err)
	}
	back, err := ingest.Decode(data)
	if err != nil {
		return nil, "", fmt.Errorf("inject %s: its own %s does not read back: %w", in.Number, in.Format, err)
	}
	if !back.IsDrill() {
		return nil, "", fmt.Errorf("inject %s: its %s is not marked as a drill", in.Number, in.Format)
	}
	return data, back.SubjectOrID(), nil
}

// offsetText writes a scenario time as t+mm:ss (t+h:mm:ss past an hour).
func offsetText(d time.Duration) string {
	s := int64(math.Round(d.Seconds()))
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("t+%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("t+%02d:%02d", s/60, s%60)
}

// End sends drill.end (console.TypeDrillEnd, with the drill's name and
// ID) once and stops the run: the console resolves the drill's open
// alerts. Run calls it when it stops.
func (r *Runner) End(ctx context.Context) error {
	r.mu.Lock()
	if r.ended {
		r.mu.Unlock()
		return nil
	}
	now := r.opt.Now()
	r.ended, r.stopped = true, true
	r.clock.Pause(now)
	e := event.Event{ID: r.injectID("end"), Type: console.TypeDrillEnd, Severity: event.Minor, Time: now,
		Title: "drill ended: " + r.opt.Name}
	r.mark(&e)
	r.controller(now, "end", "", nil)
	r.mu.Unlock()
	data, err := event.Encode(e)
	if err == nil {
		err = r.opt.Publish(ctx, data)
	}
	r.changed()
	if err != nil {
		return fmt.Errorf("drill %s: send drill.end: %w", r.opt.DrillID, err)
	}
	return nil
}

// Run drives the run until Stop or ctx ends: it ticks whenever something
// falls due (sleeping in between; a pause, a trigger or a speed change
// wakes it), then sends drill.end and returns. Start the clock with
// Start (before or after Run begins). It returns nil after Stop, ctx's
// error after ctx ended (drill.end is still sent, with up to 5 s to go
// out), and an error of Publish otherwise as it happens, without ending.
func (r *Runner) Run(ctx context.Context) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var sendErr error
	for {
		r.mu.Lock()
		stop := r.stop
		r.mu.Unlock()
		if stop {
			return errors.Join(sendErr, r.End(ctx))
		}
		if err := r.Tick(ctx); err != nil && sendErr == nil && ctx.Err() == nil {
			sendErr = err
		}
		wait := r.nextWait()
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			end, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			err := r.End(end)
			cancel()
			return errors.Join(ctx.Err(), err)
		case <-r.wake:
		case <-timer.C:
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// nextWait is how long Run may sleep before something falls due.
func (r *Runner) nextWait() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.opt.Now()
	wait := time.Hour
	consider := func(offset time.Duration) {
		if t, ok := r.clock.Due(offset, now); ok {
			wait = min(wait, max(0, t.Sub(now)))
		}
	}
	at := r.clock.At(now)
	for _, ir := range r.injects {
		if ir.State != StatePending {
			continue
		}
		if d, ok := r.due(ir); ok {
			consider(d)
		}
	}
	if rs := r.opt.Responders; rs != nil {
		if t, ok := rs.next(at); ok {
			consider(t)
		}
		if rs.opt.AutoAssign > 0 {
			for _, ir := range r.injects {
				if !ir.assigned && ir.Subject != "" {
					consider(ir.SentAt + rs.opt.AutoAssign)
				}
			}
		}
	}
	return max(wait, time.Millisecond)
}

// Chains returns the response chains of this run's alarms as the
// messages passed to Saw show them so far (Chain with the drill's ID),
// for a director's live view.
func (r *Runner) Chains() []AlarmChain {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen.chains(ChainOptions{DrillID: r.opt.DrillID})
}

// Observation is an evaluator's observation as Runner.Observe logged it.
type Observation struct {
	Time      time.Time
	Evaluator string
	DrillID   string
	// At is the scenario time it was made at.
	At   time.Duration
	Text string
}

// Observations returns the observations of the drill drillID ("" for
// every drill) in log, in log order; rows it cannot read are skipped.
func Observations(log []store.LogRow, drillID string) []Observation {
	var out []Observation
	for _, row := range log {
		if row.Kind != KindObservation {
			continue
		}
		var d struct {
			DrillID   string  `json:"drill_id"`
			ScenarioS float64 `json:"scenario_s"`
			Text      string  `json:"text"`
		}
		if json.Unmarshal(row.Data, &d) != nil || (drillID != "" && d.DrillID != drillID) {
			continue
		}
		if math.IsNaN(d.ScenarioS) || d.ScenarioS < 0 || d.ScenarioS > 1e9 {
			d.ScenarioS = 0
		}
		out = append(out, Observation{Time: row.Time, Evaluator: row.Operator, DrillID: d.DrillID,
			At: time.Duration(math.Round(d.ScenarioS * float64(time.Second))), Text: d.Text})
	}
	return out
}

package drill

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/data/report"
	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// AfterActionOptions tune AfterAction. The zero value is usable.
type AfterActionOptions struct {
	// Norm is the norm to score against (store.NormMFS135,
	// store.NormNFPA1710); "" is the scenario's.
	Norm string
	// Speed is the run's clock speed, by which the chains' wall-clock
	// durations are multiplied into scenario time; 0 takes it from the
	// director's log rows, else from the injects' scenario times against
	// when they arrived, else 1.
	Speed float64
	// Margin is how much of the log before the run's start and after its
	// end is read (default 5 minutes): the units' positions before the
	// first alarm, clocks that differ between machines.
	Margin time.Duration
	// Radius is how near, in metres, a unit must be to be on scene
	// (default store.DefaultOnSceneRadius).
	Radius float64
	// Community names the community on the report; "" takes the name of
	// the store's largest named residential area, else the file's name.
	Community string
}

// ErrNoDrill is wrapped by the error of AfterAction and LatestDrill when
// the store knows nothing of the drill asked for.
var ErrNoDrill = errors.New("drill: no such drill")

// LatestDrill returns the drill ID ref names: ref itself when the store
// has a run of that ID or its log has rows carrying it, else, when ref is
// a scenario's code, the ID of that scenario's latest stored run.
func LatestDrill(ctx context.Context, s *store.Store, ref string) (string, error) {
	if _, err := s.DrillRun(ctx, ref); err == nil {
		return ref, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	runs, err := s.DrillRuns(ctx, ref)
	if err != nil {
		return "", err
	}
	if len(runs) > 0 {
		return runs[len(runs)-1].ID, nil
	}
	log, err := s.ConsoleLog(ctx, time.Time{}, time.Time{}, maxLogRows)
	if err != nil {
		return "", err
	}
	if first, _ := drillSpan(log, ref); !first.IsZero() {
		return ref, nil
	}
	return "", fmt.Errorf("%w: %s has no drill run %q, no scenario of that code with a run, and no log entry of it", ErrNoDrill, s.Path(), ref)
}

// maxLogRows is the most event-log rows AfterAction reads.
const maxLogRows = 1 << 22

// AfterAction builds the after-action report of the drill drillID in
// lang ("zh" or "en") from the store alone: the run as stored (when the
// store has no run of that ID, one derived from the event log: its first
// and last row carrying the ID, the scenario named by its events), its
// scenario, and the console's event log over the run's period with
// opt.Margin either side. It is deterministic: the same store and options
// give the same value.
//
//   - Timeline: every inject sent (the director's KindDrill "inject" rows
//     or, without them, the first event carrying the drill ID and the
//     inject's number), contingencies as report.TimelineContingency (one
//     not needed, as the director logged it, as an action saying so); the
//     operators' actions on the drill's alarms (opened, acknowledged,
//     assigned, resolved, notes; the console's own resolves at the
//     drill's end); the evaluators' observations. Scenario times come from
//     the director's rows (their scenario_s, speed, pauses), else from
//     the injects' own scenario_time against when they arrived.
//   - Chains: Chain with the drill ID, scaled to scenario time (Scaled),
//     one report.ChainRow each with the times of its steps from
//     reception and the norm's limits; a norm step measured from another
//     step (NFPA 1710's turnout and travel) gets its limit from reception
//     as that step's time plus the step's limit. Summary: Score's verdict
//     for all the alarms, N the alarms judged, Value the time at the
//     percentile (the slowest reached when the percentile falls on an
//     alarm that never reached the step).
//   - Strengths and Improvements: see ClassifyObservation.
//   - Ratings: the run's stored ones, else ProposeRatings; a stored
//     rating without a proposal gets ProposeRatings' (the log may show
//     more than the director saw).
//   - Maps: one per alarm with a place or a track, with the tracks of the
//     units assigned to it: each from its last position report before
//     its assignment to the alarm's resolve (the run's end when never
//     resolved).
//   - Participants, when the run names none: who appear in the
//     timeline.
//   - Base: report.ReadMapBase.
func AfterAction(ctx context.Context, s *store.Store, drillID, lang string, opt AfterActionOptions) (report.AfterAction, error) {
	if lang != "zh" && lang != "en" {
		return report.AfterAction{}, fmt.Errorf("drill: after-action report language %q: use zh or en", lang)
	}
	if opt.Margin <= 0 {
		opt.Margin = 5 * time.Minute
	}
	run, err := s.DrillRun(ctx, drillID)
	derived := false
	if errors.Is(err, store.ErrNotFound) {
		run, err = deriveRun(ctx, s, drillID)
		derived = true
	}
	if err != nil {
		return report.AfterAction{}, err
	}
	sc, err := s.Scenario(ctx, run.Scenario)
	if err != nil {
		return report.AfterAction{}, fmt.Errorf("drill %s: %w", drillID, err)
	}
	var log []store.LogRow
	if derived {
		log, err = s.ConsoleLog(ctx, time.Time{}, time.Time{}, maxLogRows)
	} else {
		from, to := run.Started, run.Ended
		if !from.IsZero() {
			from = from.Add(-opt.Margin)
		}
		if !to.IsZero() {
			to = to.Add(opt.Margin)
		}
		log, err = s.ConsoleLog(ctx, from, to, maxLogRows)
	}
	if err != nil {
		return report.AfterAction{}, fmt.Errorf("drill %s: %w", drillID, err)
	}
	a := buildAfterAction(log, sc, run, lang, opt)
	if a.Base, err = report.ReadMapBase(ctx, s); err != nil {
		return report.AfterAction{}, fmt.Errorf("drill %s: %w", drillID, err)
	}
	a.Community = opt.Community
	if a.Community == "" {
		if a.Community, err = communityName(ctx, s, lang); err != nil {
			return report.AfterAction{}, fmt.Errorf("drill %s: %w", drillID, err)
		}
	}
	return a, nil
}

// deriveRun makes a run of drillID from the event log: its first and
// last row carrying the ID, and the scenario its events name.
func deriveRun(ctx context.Context, s *store.Store, drillID string) (store.DrillRun, error) {
	log, err := s.ConsoleLog(ctx, time.Time{}, time.Time{}, maxLogRows)
	if err != nil {
		return store.DrillRun{}, fmt.Errorf("drill %s: %w", drillID, err)
	}
	first, last := drillSpan(log, drillID)
	if first.IsZero() {
		return store.DrillRun{}, fmt.Errorf("%w: %s has no drill run %q and no log entry of it", ErrNoDrill, s.Path(), drillID)
	}
	scs, err := s.Scenarios(ctx)
	if err != nil {
		return store.DrillRun{}, fmt.Errorf("drill %s: %w", drillID, err)
	}
	name := ""
	var injects []string
	for _, row := range log {
		e, ok := drillEvent(row, drillID)
		if !ok {
			continue
		}
		_, n, in := DrillOf(e)
		if name == "" {
			name = n
		}
		if in != "" {
			injects = append(injects, in)
		}
	}
	code := matchScenario(scs, drillID, name, injects)
	if code == "" {
		return store.DrillRun{}, fmt.Errorf("drill %s: no scenario in %s matches its name %q or its injects", drillID, s.Path(), name)
	}
	return store.DrillRun{ID: drillID, Scenario: code, Started: first, Ended: last}, nil
}

// matchScenario picks the scenario of a drill: one with the drill's name,
// else the one whose code is the longest prefix of the drill ID, else the
// one holding the most of its inject numbers.
func matchScenario(scs []store.Scenario, drillID, name string, injects []string) string {
	for _, sc := range scs {
		if name != "" && (name == sc.Name || name == sc.NameZh || name == sc.NameEn) {
			return sc.Code
		}
	}
	best := ""
	for _, sc := range scs {
		if strings.HasPrefix(drillID, sc.Code) && len(sc.Code) > len(best) {
			best = sc.Code
		}
	}
	if best != "" {
		return best
	}
	most := 0
	for _, sc := range scs {
		n := 0
		for _, in := range sc.Injects {
			if slices.Contains(injects, in.Number) {
				n++
			}
		}
		if n > most {
			best, most = sc.Code, n
		}
	}
	return best
}

// drillSpan returns the times of the first and last log rows of the
// drill: the director's and evaluators' rows and events carrying its ID.
func drillSpan(log []store.LogRow, drillID string) (first, last time.Time) {
	for _, row := range log {
		ok := (row.Kind == KindDrill || row.Kind == KindObservation) && row.Subject == drillID
		if !ok {
			_, ok = drillEvent(row, drillID)
		}
		if ok {
			if first.IsZero() {
				first = row.Time
			}
			last = row.Time
		}
	}
	return first, last
}

// drillEvent reads the event of an event or action row when it carries
// drillID.
func drillEvent(row store.LogRow, drillID string) (*event.Event, bool) {
	if (row.Kind != "event" && row.Kind != "action") || !strings.Contains(string(row.Data), drillID) {
		return nil, false
	}
	var m event.Message
	if json.Unmarshal(row.Data, &m) != nil {
		return nil, false
	}
	id, _, _ := DrillOf(&m.Event)
	return &m.Event, id == drillID
}

// directorRow is a KindDrill row of the director.
type directorRow struct {
	time      time.Time
	Action    string  `json:"action"`
	Inject    string  `json:"inject"`
	ScenarioS float64 `json:"scenario_s"`
	Speed     float64 `json:"speed"`
	LateS     float64 `json:"late_s"`
}

// scenarioClock gives the scenario time of a wall-clock time in the run.
type scenarioClock struct {
	rows  []directorRow
	t0    time.Time // without director rows: the wall-clock time of t+00:00
	speed float64
}

// at returns the scenario time at t.
func (c *scenarioClock) at(t time.Time) time.Duration {
	if len(c.rows) == 0 {
		return max(0, scale(t.Sub(c.t0), c.speed))
	}
	i := 0
	for k, r := range c.rows {
		if !r.time.After(t) {
			i = k
		}
	}
	r := c.rows[i]
	base := secs(r.ScenarioS)
	speed := r.Speed
	if !(speed > 0) {
		speed = 1
	}
	running := r.Action != "pause" && r.Action != "end"
	if t.Before(r.time) || running {
		return max(0, base+scale(t.Sub(r.time), speed))
	}
	return base
}

func secs(s float64) time.Duration {
	if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 || s > 1e9 {
		return 0
	}
	return time.Duration(math.Round(s * float64(time.Second)))
}

// aarBuilder gathers what the report shows from one drill's log.
type aarBuilder struct {
	lang     string
	sc       store.Scenario
	run      store.DrillRun
	drillID  string
	director []directorRow
	clock    scenarioClock
	speed    float64
}

func (b *aarBuilder) t(zh, en string) string {
	if b.lang == "zh" {
		return zh
	}
	return en
}

// buildAfterAction is AfterAction on a log already read.
func buildAfterAction(log []store.LogRow, sc store.Scenario, run store.DrillRun, lang string, opt AfterActionOptions) report.AfterAction {
	b := &aarBuilder{lang: lang, sc: sc, run: run, drillID: run.ID}
	for _, row := range log {
		if row.Kind != KindDrill || row.Subject != run.ID {
			continue
		}
		var d directorRow
		if json.Unmarshal(row.Data, &d) == nil {
			d.time = row.Time
			b.director = append(b.director, d)
		}
	}
	injectEvents := b.injectEvents(log)
	b.speed = opt.Speed
	if !(b.speed > 0) {
		for _, d := range b.director {
			if d.Speed > 0 {
				b.speed = d.Speed
				break
			}
		}
	}
	b.clock = scenarioClock{rows: b.director}
	if len(b.director) == 0 {
		b.fitClock(injectEvents)
	}
	if !(b.speed > 0) {
		b.speed = 1
	}
	b.clock.speed = b.speed

	chains := Chain(log, ChainOptions{DrillID: run.ID, Radius: opt.Radius})
	scaled := make([]AlarmChain, len(chains))
	for i, c := range chains {
		scaled[i] = Scaled(c, b.speed)
	}
	normName := opt.Norm
	if normName == "" {
		normName = sc.Norm
	}
	norm := NormByName(normName)
	card := Score(scaled, norm)

	a := report.AfterAction{Language: lang, Scenario: sc, Run: run, Norm: norm.Name}
	if a.Run.Started.IsZero() || a.Run.Ended.IsZero() {
		first, last := drillSpan(log, run.ID)
		if a.Run.Started.IsZero() {
			a.Run.Started = first
		}
		if a.Run.Ended.IsZero() {
			a.Run.Ended = last
		}
	}
	proposed := ProposeRatings(sc, scaled)
	if len(a.Run.Ratings) == 0 {
		a.Run.Ratings = proposed
	} else {
		a.Run.Ratings = slices.Clone(a.Run.Ratings)
		for i, rt := range a.Run.Ratings {
			for _, p := range proposed {
				if rt.Proposed == "" && p.Objective == rt.Objective {
					a.Run.Ratings[i].Proposed = p.Proposed
				}
			}
		}
	}
	a.Chains = chainRows(card)
	a.Summary = normSummary(card)
	a.Timeline = b.timeline(log, chains, injectEvents)
	a.Strengths, a.Improvements = b.observations(log, a.Chains)
	if len(a.Run.Participants) == 0 {
		a.Run.Participants = participants(a.Timeline)
	}
	a.Maps = b.maps(log, chains, a.Run.Ended)
	// An alarm of an inject is named by the inject's title in the
	// report's language (the run sent it in one language).
	for i, c := range chains {
		if t := b.injectTitle(c.Inject); t != "" {
			a.Chains[i].Subject = t
		}
	}
	return a
}

// injectTitle is the title of inject number in the report's language.
func (b *aarBuilder) injectTitle(number string) string {
	if number == "" {
		return ""
	}
	for _, in := range b.sc.Injects {
		if in.Number == number {
			return in.Title.Label(b.lang)
		}
	}
	return ""
}

// injectEvent is the first arrival of an inject's event.
type injectEvent struct {
	time     time.Time
	offset   time.Duration
	hasOff   bool
	subject  string
	operator string
}

// injectEvents returns the first event row of each inject of the drill.
func (b *aarBuilder) injectEvents(log []store.LogRow) map[string]injectEvent {
	out := map[string]injectEvent{}
	for _, row := range log {
		if row.Kind != "event" {
			continue
		}
		e, ok := drillEvent(row, b.drillID)
		if !ok {
			continue
		}
		_, _, n := DrillOf(e)
		if n == "" {
			continue
		}
		if _, seen := out[n]; seen {
			continue
		}
		ie := injectEvent{time: row.Time, subject: row.Subject}
		if st, ok := e.Properties["scenario_time"].(string); ok {
			ie.offset, ie.hasOff = parseOffset(st)
		}
		out[n] = ie
	}
	return out
}

// parseOffset reads t+mm:ss or t+h:mm:ss.
func parseOffset(s string) (time.Duration, bool) {
	s, ok := strings.CutPrefix(strings.TrimSpace(s), "t+")
	if !ok {
		return 0, false
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var d time.Duration
	for _, p := range parts {
		var v int
		if _, err := fmt.Sscanf(p, "%d", &v); err != nil || v < 0 || v > 1e6 {
			return 0, false
		}
		d = d*60 + time.Duration(v)
	}
	return d * time.Second, true
}

// fitClock finds t+00:00 and, when not given, the speed from the injects'
// scenario times against when they arrived.
func (b *aarBuilder) fitClock(ev map[string]injectEvent) {
	var pts []injectEvent
	for _, in := range b.sc.Injects {
		if e, ok := ev[in.Number]; ok && e.hasOff {
			pts = append(pts, e)
		}
	}
	slices.SortFunc(pts, func(p, q injectEvent) int { return p.time.Compare(q.time) })
	if !(b.speed > 0) && len(pts) >= 2 {
		p, q := pts[0], pts[len(pts)-1]
		if dw := q.time.Sub(p.time); dw > 0 && q.offset > p.offset {
			v := float64(q.offset-p.offset) / float64(dw)
			b.speed = roundSpeed(v)
		}
	}
	speed := b.speed
	if !(speed > 0) {
		speed = 1
	}
	switch {
	case len(pts) > 0:
		b.clock.t0 = pts[0].time.Add(-scale(pts[0].offset, 1/speed))
	default:
		b.clock.t0 = b.run.Started
	}
}

// roundSpeed rounds an estimated speed to two significant digits: the
// injects' scenario times are to the second.
func roundSpeed(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Round(v/p) * p
}

// reportStep is the report's name of a chain step.
var reportStep = map[string]string{
	StepOpen: report.ChainOpened, StepAck: report.ChainAcknowledged, StepAssign: report.ChainAssigned,
	StepMoving: report.ChainMoving, StepOnScene: report.ChainOnScene, StepJoint: report.ChainJoint, StepResolve: report.ChainResolved,
}

// chainRows turns the scorecard's alarms into the report's rows.
func chainRows(card Scorecard) []report.ChainRow {
	out := make([]report.ChainRow, 0, len(card.Alarms))
	for _, as := range card.Alarms {
		c := as.Chain
		title := c.Title
		if title == "" {
			title = c.Subject
		}
		row := report.ChainRow{Subject: title, Inject: c.Inject, Type: c.Type, Team: c.Team, Unit: c.Unit, Received: c.Received}
		for _, st := range Steps()[1:] {
			t := report.StepTime{Step: reportStep[st]}
			t.After, t.Done = c.Since(st)
			for _, r := range as.Steps {
				if r.Step.To != st || !r.Applies {
					continue
				}
				from := time.Duration(0)
				if r.Step.From != "" && r.Step.From != StepReceived {
					d, ok := c.Since(r.Step.From)
					if !ok {
						continue // not judged: the step it is measured from never came
					}
					from = d
				}
				t.Limit, t.Met = from+r.Step.Limit, r.Met
				break
			}
			row.Steps = append(row.Steps, t)
		}
		out = append(out, row)
	}
	return out
}

// normSummary is the scorecard's verdict over all the alarms.
func normSummary(card Scorecard) []report.NormSummary {
	out := make([]report.NormSummary, 0, len(card.All.Steps))
	for i, s := range card.All.Steps {
		v := s.Value
		if !s.ValueReached {
			for _, as := range card.Alarms {
				if r := as.Steps[i]; r.Applies && r.Reached && r.Value > v {
					v = r.Value
				}
			}
		}
		out = append(out, report.NormSummary{Step: reportStep[s.Step.To], Limit: s.Step.Limit, Percentile: s.Step.Percentile,
			Value: v, N: s.N, Met: s.Met, Pass: s.Pass})
	}
	return out
}

// timeline lists the injects sent, the operators' actions on the drill's
// alarms and the observations.
func (b *aarBuilder) timeline(log []store.LogRow, chains []AlarmChain, ev map[string]injectEvent) []report.TimelineEntry {
	injects := map[string]store.Inject{}
	for _, in := range b.sc.Injects {
		injects[in.Number] = in
	}
	kindOf := func(n string) string {
		if in, ok := injects[n]; ok && (in.Condition != nil || in.Kind == store.InjectContingent) {
			return report.TimelineContingency
		}
		return report.TimelineInject
	}
	who := func(n string) string {
		if in, ok := injects[n]; ok && in.Controller != "" {
			return in.Controller
		}
		return b.t("导演组", "director")
	}
	var out []report.TimelineEntry
	sent := map[string]bool{}
	for _, d := range b.director {
		if d.Action != "inject" || d.Inject == "" || sent[d.Inject] {
			continue
		}
		sent[d.Inject] = true
		e := report.TimelineEntry{At: d.time, Offset: secs(d.ScenarioS), Inject: d.Inject, Kind: kindOf(d.Inject), Who: who(d.Inject)}
		if d.LateS > 0 {
			e.Text = b.t("迟发 ", "late by ") + mmssText(secs(d.LateS))
		}
		out = append(out, e)
	}
	for _, d := range b.director {
		in, ok := injects[d.Inject]
		if d.Action != "not_needed" || !ok || in.Condition == nil || sent[d.Inject] {
			continue
		}
		c := in.Condition
		out = append(out, report.TimelineEntry{At: d.time, Offset: secs(d.ScenarioS), Inject: d.Inject, Kind: report.TimelineAction, Who: who(d.Inject),
			Text: b.t(fmt.Sprintf("应急注入无需发送：注入 %s 已在 %s 内%s", c.After, mmssText(c.Within), stepZh[c.Missing]),
				fmt.Sprintf("contingency not needed: inject %s reached %s within %s", c.After, strings.ReplaceAll(c.Missing, "_", " "), mmssText(c.Within)))})
	}
	for _, in := range b.sc.Injects {
		e, ok := ev[in.Number]
		if !ok || sent[in.Number] {
			continue
		}
		sent[in.Number] = true
		off := e.offset
		if !e.hasOff {
			off = b.clock.at(e.time)
		}
		out = append(out, report.TimelineEntry{At: e.time, Offset: off, Inject: in.Number, Kind: kindOf(in.Number), Who: who(in.Number)})
	}

	// The alarms of the drill, by subject, while each is open.
	type span struct {
		inject   string
		from, to time.Time
	}
	alarms := map[string][]span{}
	for _, c := range chains {
		alarms[c.Subject] = append(alarms[c.Subject], span{c.Inject, c.Received, c.Resolved})
	}
	injectOf := func(subject string, t time.Time) (string, bool) {
		for _, s := range alarms[subject] {
			if !t.Before(s.from) && (s.to.IsZero() || !t.After(s.to)) {
				return s.inject, true
			}
		}
		return "", false
	}
	seenActions := map[string]bool{}
	for _, row := range log {
		var kind, operator, unit, note string
		switch row.Kind {
		case "action":
			var m event.Message
			if json.Unmarshal(row.Data, &m) != nil {
				continue
			}
			e := &m.Event
			if e.Op != event.Ack || !strings.HasPrefix(e.Type, "operator.") {
				continue
			}
			if e.ID != "" {
				if seenActions[e.ID] {
					continue
				}
				seenActions[e.ID] = true
			}
			kind, _ = e.Properties["action"].(string)
			if kind == "" {
				kind = strings.TrimPrefix(e.Type, "operator.")
			}
			unit, _ = e.Properties["unit"].(string)
			note, _ = e.Properties["note"].(string)
			operator = row.Operator
		case "rule":
			var x console.Action
			if json.Unmarshal(row.Data, &x) != nil {
				continue
			}
			kind, operator, note = x.Kind, x.Operator, x.Note
			if operator == "" {
				operator = console.System
			}
		case console.LogView:
			kind, operator = "view", row.Operator
		case KindObservation:
			for _, o := range Observations([]store.LogRow{row}, b.drillID) {
				out = append(out, report.TimelineEntry{At: o.Time, Offset: o.At, Kind: report.TimelineObservation, Who: o.Evaluator, Text: o.Text})
			}
			continue
		default:
			continue
		}
		n, ok := injectOf(row.Subject, row.Time)
		if !ok {
			continue
		}
		out = append(out, report.TimelineEntry{At: row.Time, Offset: b.clock.at(row.Time), Inject: n, Kind: report.TimelineAction,
			Who: operator, Text: b.actionText(kind, unit, note)})
	}
	slices.SortStableFunc(out, func(p, q report.TimelineEntry) int {
		if c := p.At.Compare(q.At); c != 0 {
			return c
		}
		return 0
	})
	return out
}

// participants are who appear in the timeline: controllers, operators
// and evaluators, in order of first appearance, without the console
// itself.
func participants(tl []report.TimelineEntry) []string {
	var out []string
	for _, e := range tl {
		if w := strings.TrimSpace(e.Who); w != "" && w != console.System && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

var stepZh = map[string]string{StepAck: "确认", StepAssign: "派遣", StepOnScene: "到场", StepResolve: "处置完毕"}

// actionText says what an action did, in the report's language.
func (b *aarBuilder) actionText(kind, unit, note string) string {
	var s string
	switch kind {
	case "view":
		s = b.t("首次查看警情", "opened the alarm")
	case console.ActionAck:
		s = b.t("确认警情", "acknowledged")
	case console.ActionAssign:
		s = b.t("派遣 ", "assigned ") + unit
	case console.ActionResolve:
		s = b.t("处置完毕", "resolved")
	case console.ActionNote:
		s = b.t("备注", "note")
	case console.ActionShelve:
		s = b.t("搁置", "shelved")
	case console.ActionUnshelve:
		s = b.t("取消搁置", "unshelved")
	case "escalate":
		s = b.t("自动升级", "escalated")
	case "clear":
		s = b.t("自动清除", "cleared")
	default:
		s = kind
	}
	switch note {
	case "":
	case console.NoteDrillEnded:
		s += b.t("（演练结束）", " (drill ended)")
	case console.NoteNormal:
		s += b.t("（恢复正常）", " (returned to normal)")
	case console.NoteEscalated:
	default:
		s += b.t("：", ": ") + note
	}
	return s
}

func mmssText(d time.Duration) string {
	s := int64(math.Round(d.Seconds()))
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// Kinds of an observation (ClassifyObservation).
const (
	ObservationStrength    = "strength"
	ObservationImprovement = "improvement"
)

var (
	strengthTags    = []string{"strength", "strengths", "优点", "做得好"}
	improvementTags = []string{"improvement", "improvements", "area for improvement", "不足", "待改进", "改进"}
)

// ClassifyObservation reads the marking of an evaluator's observation:
// a text that starts with "+" (or "＋"), or with a tag "strength", "优点"
// or "做得好" (followed by ":" "：" or a space, or written [strength],
// 【优点】, #strength), is a strength; one that starts with "-" ("－",
// "−") or a tag "improvement", "不足", "待改进" or "改进" is an area for
// improvement. It returns the kind ("" when unmarked) and the text
// without its marking. AfterAction puts an unmarked observation with the
// strengths when every step with a limit of the alarms of its objective
// (the objective code the text names, else that of the last inject sent
// before it) was met, and with the areas for improvement otherwise,
// including when it concerns no objective or no limited step.
func ClassifyObservation(text string) (kind, rest string) {
	s := strings.TrimSpace(text)
	r, n := utf8.DecodeRuneInString(s)
	switch r {
	case '+', '＋':
		return ObservationStrength, strings.TrimSpace(s[n:])
	case '-', '－', '−':
		return ObservationImprovement, strings.TrimSpace(s[n:])
	}
	for _, x := range []struct {
		kind string
		tags []string
	}{{ObservationStrength, strengthTags}, {ObservationImprovement, improvementTags}} {
		for _, tag := range x.tags {
			if rest, ok := cutTag(s, tag); ok {
				return x.kind, rest
			}
		}
	}
	return "", s
}

// cutTag removes a leading tag from s: "tag:", "tag：", "tag ", "[tag]",
// "【tag】", "#tag", case-insensitive.
func cutTag(s, tag string) (string, bool) {
	for _, w := range [][2]string{{"[", "]"}, {"【", "】"}, {"#", ""}, {"", ""}} {
		p := w[0] + tag + w[1]
		if len(s) < len(p) || !strings.EqualFold(s[:len(p)], p) {
			continue
		}
		rest := s[len(p):]
		if w[1] == "" {
			r, n := utf8.DecodeRuneInString(rest)
			switch {
			case rest == "":
			case r == ':' || r == '：':
				rest = rest[n:]
			case unicode.IsSpace(r):
			default:
				continue // a longer word
			}
		}
		return strings.TrimSpace(rest), true
	}
	return "", false
}

// observations sorts the drill's observations into strengths and areas
// for improvement.
func (b *aarBuilder) observations(log []store.LogRow, rows []report.ChainRow) (strengths, improvements []report.Observation) {
	objOf := map[string]string{}
	for _, in := range b.sc.Injects {
		objOf[in.Number] = in.Objective
	}
	met := map[string][2]int{} // objective -> steps with a limit met, all
	for _, c := range rows {
		o := objOf[c.Inject]
		v := met[o]
		for _, s := range c.Steps {
			if s.Limit > 0 {
				v[1]++
				if s.Met {
					v[0]++
				}
			}
		}
		met[o] = v
	}
	// The injects sent, in time, for the objective of an observation that
	// names none.
	type sentInject struct {
		at     time.Time
		number string
	}
	var sent []sentInject
	for _, d := range b.director {
		if d.Action == "inject" {
			sent = append(sent, sentInject{d.time, d.Inject})
		}
	}
	if len(sent) == 0 {
		for _, c := range rows {
			sent = append(sent, sentInject{c.Received, c.Inject})
		}
		slices.SortStableFunc(sent, func(p, q sentInject) int { return p.at.Compare(q.at) })
	}
	for _, o := range Observations(log, b.drillID) {
		kind, text := ClassifyObservation(o.Text)
		obj := b.objectiveIn(text)
		if obj == "" {
			for _, s := range sent {
				if !s.at.After(o.Time) && objOf[s.number] != "" {
					obj = objOf[s.number]
				}
			}
		}
		if kind == "" {
			kind = ObservationImprovement
			if v := met[obj]; obj != "" && v[1] > 0 && v[0] == v[1] {
				kind = ObservationStrength
			}
		}
		ro := report.Observation{At: o.Time, Evaluator: o.Evaluator, Text: text, Objective: obj}
		if kind == ObservationStrength {
			strengths = append(strengths, ro)
		} else {
			improvements = append(improvements, ro)
		}
	}
	return strengths, improvements
}

// objectiveIn returns the code of the first objective the text names as
// a word of its own.
func (b *aarBuilder) objectiveIn(text string) string {
	best, at := "", -1
	for _, o := range b.sc.Objectives {
		if o.Code == "" {
			continue
		}
		for i := 0; i+len(o.Code) <= len(text); {
			k := strings.Index(text[i:], o.Code)
			if k < 0 {
				break
			}
			k += i
			before, _ := utf8.DecodeLastRuneInString(text[:k])
			after, _ := utf8.DecodeRuneInString(text[k+len(o.Code):])
			if !isWordRune(before) && !isWordRune(after) {
				if at < 0 || k < at {
					best, at = o.Code, k
				}
				break
			}
			i = k + 1
		}
	}
	return best
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-')
}

// unitFix is one position report of a unit.
type unitFix struct {
	t time.Time
	p orb.Point
}

// maps draws each alarm with the tracks of the units assigned to it.
func (b *aarBuilder) maps(log []store.LogRow, chains []AlarmChain, end time.Time) []report.AlarmMap {
	tracks := map[string][]unitFix{} // unit subject -> reports in time
	names := map[string]string{}     // subject, title or source -> unit subject
	type assign struct {
		subject, unit string
		t             time.Time
	}
	var assigns []assign
	seen := map[string]bool{}
	for _, row := range log {
		switch row.Kind {
		case "event":
			if !strings.Contains(string(row.Data), "position") && !strings.Contains(string(row.Data), `"track`) {
				continue
			}
			var m event.Message
			if json.Unmarshal(row.Data, &m) != nil {
				continue
			}
			e := &m.Event
			if console.KindOf(e) != console.KindUnit || e.Op == event.Cancel {
				continue
			}
			p, ok := e.Geometry.(orb.Point)
			if !ok || event.CheckGeometry(p) != nil {
				continue
			}
			tracks[row.Subject] = append(tracks[row.Subject], unitFix{row.Time, p})
			for _, n := range []string{row.Subject, e.Title, e.Source} {
				if n != "" {
					names[n] = row.Subject
				}
			}
		case "action":
			var m event.Message
			if json.Unmarshal(row.Data, &m) != nil {
				continue
			}
			e := &m.Event
			if e.Op != event.Ack || e.Properties["action"] != console.ActionAssign {
				continue
			}
			if e.ID != "" {
				if seen[e.ID] {
					continue
				}
				seen[e.ID] = true
			}
			unit, _ := e.Properties["unit"].(string)
			if unit = strings.TrimSpace(unit); unit != "" {
				assigns = append(assigns, assign{row.Subject, unit, row.Time})
			}
		}
	}
	var out []report.AlarmMap
	for _, c := range chains {
		to := c.Resolved
		if to.IsZero() {
			to = end
		}
		m := report.AlarmMap{Title: c.Title, Place: c.Geometry}
		if t := b.injectTitle(c.Inject); t != "" {
			m.Title = t
		}
		if m.Title == "" {
			m.Title = c.Subject
		}
		done := map[string]bool{}
		for _, a := range assigns {
			if a.subject != c.Subject || a.t.Before(c.Received) || (!to.IsZero() && a.t.After(to)) || done[a.unit] {
				continue
			}
			done[a.unit] = true
			subj, ok := names[a.unit]
			if !ok {
				continue
			}
			tr := report.Track{Unit: a.unit}
			for _, p := range tracks[subj] {
				if p.t.After(a.t) && (to.IsZero() || !p.t.After(to)) {
					tr.Points, tr.Times = append(tr.Points, p.p), append(tr.Times, p.t)
				} else if !p.t.After(a.t) {
					tr.Points, tr.Times = []orb.Point{p.p}, []time.Time{p.t} // the last report before the assignment
				}
			}
			if len(tr.Points) > 0 {
				m.Tracks = append(m.Tracks, tr)
			}
		}
		if m.Place != nil || len(m.Tracks) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// communityName names the community: the store's largest named
// residential area, else the file's name.
func communityName(ctx context.Context, s *store.Store, lang string) (string, error) {
	b, ok, err := s.Extent(ctx)
	if err != nil || !ok {
		return "", err
	}
	land, err := s.Landuse(ctx, b)
	if err != nil {
		return "", err
	}
	best, area := "", 0.0
	for _, l := range land {
		name := l.Label(lang)
		if l.Class != "residential" || name == "" {
			continue
		}
		if a := planar.Area(l.Geom); a > area {
			best, area = name, a
		}
	}
	if best == "" {
		base := s.Path()
		if i := strings.LastIndexAny(base, `/\`); i >= 0 {
			base = base[i+1:]
		}
		best = strings.TrimSuffix(base, ".gpkg")
	}
	return best, nil
}

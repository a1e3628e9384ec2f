// Package replay rebuilds the operator console's picture at any instant
// of its event log (store.LogRow, as Store.ConsoleLog returns them), for
// after-action review and drill replays. It is a pure core: no I/O, no
// UI, and it never touches a live console; each Log has consoles of its
// own.
//
// The picture at t is what a live console that had received the log up
// to t would show: the event and action rows are applied, in log order,
// to a fresh console.Console with now the row's time, and the console is
// aged with Tick once a second of log time, as the live console's feed
// does (on the phase of the live console's ticks where an automatic
// unshelve shows it, else on whole seconds). Rows of kind "rule" are the
// console's own automatic actions (escalate, clear, the resolves of a
// return to normal and of a drill's end, the end of a shelf); the
// console derives them again from the same messages and ticks, so they
// are not applied (that would record them twice): an unshelve at the end
// of a shelf only adds a tick at its time. Rows of kind "view" (an
// operator's first look) and "observation" change nothing in the
// picture; observations are marks.
//
// Seeking is fast: New keeps a copy of the console (console.Clone) every
// Options.Every rows or Options.EveryTime of log time, and At starts from
// the nearest copy before t, or goes on from where the last call left off
// when that is nearer. Results depend only on the log and t, never on the
// order of calls.
package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// Kinds of event-log rows (store.LogRow.Kind).
const (
	RowEvent       = "event"
	RowAction      = "action"
	RowRule        = "rule"
	RowView        = console.LogView
	RowObservation = "observation"
	// RowDrill is a drill director's own entry (start, pause, speed,
	// trigger, end): not part of the console's picture, which has what
	// it caused as events.
	RowDrill = "drill"
)

// Options tune a Log. The zero value is usable.
type Options struct {
	// Console are the options of the consoles the log is replayed on: use
	// the live console's (centre, language, remove-after) so that the
	// picture is the same.
	Console console.Options
	// Every is the most steps (applied rows and ticks) between two
	// checkpoints (default 2,000); EveryTime the most log time between
	// two (default 5 minutes). Every is at most 16,384. Fewer checkpoints take less memory, more
	// make seeking faster.
	Every     int
	EveryTime time.Duration
}

// MarkKind is what a Mark is; kinds combine as a set in Next and Prev.
type MarkKind uint8

// Mark kinds.
const (
	// MarkInject is drill traffic: an alarm or info event with status
	// exercise or test (a drill's inject, its drill.end).
	MarkInject MarkKind = 1 << iota
	// MarkAction is an operator's action (ack, assign, resolve, note,
	// shelve, unshelve), once per action (the hub's echo is not another).
	MarkAction
	// MarkObservation is an evaluator's observation (row kind
	// "observation").
	MarkObservation
	// MarkAny is every kind.
	MarkAny = MarkInject | MarkAction | MarkObservation
)

// Mark is a moment worth jumping to.
type Mark struct {
	Time time.Time
	Kind MarkKind
	// Subject is the alert it concerns (an inject's subject, the alert
	// acted on).
	Subject string
	// Type is an inject's event type (fire.smoke, drill.end) or an
	// action's kind (ack, assign...); empty for an observation.
	Type string
	// Operator is who acted or observed.
	Operator string
	// Unit is the unit an assign names.
	Unit string
	// Label is the inject's title, the action's note, the observation's
	// text; may be empty.
	Label string
	// Drill names the exercise (properties.drill), when it does.
	Drill string
}

// TrackPoint is one reported position of a unit.
type TrackPoint struct {
	Time time.Time
	At   orb.Point
}

// step is one step of the replay: a message applied at its row's time,
// or a tick (msg < 0).
type step struct {
	at  time.Time
	msg int32
}

type checkpoint struct {
	pos int // steps applied
	c   *console.Console
}

// Log is an event log ready to replay. Its methods are safe for
// concurrent use; At serialises on one lock.
type Log struct {
	opt         console.Options
	msgs        []event.Message
	steps       []step
	checkpoints []checkpoint
	marks       []Mark
	tracks      map[string][]TrackPoint
	from, to    time.Time
	drillStart  time.Time
	rows        int

	mu  sync.Mutex
	cur *console.Console // nil until the first At
	pos int              // steps applied to cur
}

// tickEvery is how often the live console ages its picture.
const tickEvery = time.Second

// quietFor is how long after a row the replay ticks once a second, as
// the live console does; later in a long quiet spell it ticks ever less
// often (a sixteenth of the quiet so far), so that a log with days
// between its rows still replays quickly.
const quietFor = 15 * time.Minute

// gapStep is the time to the next tick when the last row is quiet ago.
func gapStep(quiet time.Duration) time.Duration {
	if quiet <= quietFor {
		return tickEvery
	}
	return max(tickEvery, (quiet / 16).Truncate(tickEvery))
}

// maxEvery bounds Options.Every: a console keeps the log entries of
// what it applied until they are taken, and replaying from a checkpoint
// never takes them.
const maxEvery = console.MaxPendingLog / 4

// maxNamed is how many bad rows an error of New names.
const maxNamed = 10

// New builds the replay of rows (oldest first, as Store.ConsoleLog
// returns them; rows out of time order are put in order, those of one
// instant kept as given). Rows that cannot be read (an event row whose
// data is not a message, an unknown kind) are left out and named in the
// error, by index and time; the Log returned replays the rest and is
// never nil.
func New(rows []store.LogRow, opt Options) (*Log, error) {
	if opt.Every <= 0 {
		opt.Every = 2000
	}
	opt.Every = min(opt.Every, maxEvery)
	if opt.EveryTime <= 0 {
		opt.EveryTime = 5 * time.Minute
	}
	l := &Log{opt: opt.Console, tracks: map[string][]TrackPoint{}, rows: len(rows)}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rows[order[a]].Time.Before(rows[order[b]].Time) })

	var errs []error
	bad := 0
	fail := func(i int, err error) {
		bad++
		if bad <= maxNamed {
			errs = append(errs, fmt.Errorf("replay: row %d (%s, %s): %w", i, rows[i].Time.UTC().Format(time.RFC3339Nano), rows[i].Kind, err))
		}
	}
	type item struct {
		at   time.Time
		msg  int32 // -1: a tick at at
		tick bool
	}
	var items []item
	var phase time.Duration = -1
	seenAction := map[string]bool{}
	for _, i := range order {
		r := rows[i]
		if r.Time.IsZero() {
			fail(i, errors.New("no time"))
			continue
		}
		switch r.Kind {
		case RowEvent, RowAction:
			var m event.Message
			if err := json.Unmarshal(r.Data, &m); err != nil {
				fail(i, fmt.Errorf("data is not an event message: %w", err))
				continue
			}
			if m.Event.ID == "" || m.Event.Type == "" {
				fail(i, errors.New("the message has no event id or type"))
				continue
			}
			items = append(items, item{at: r.Time, msg: int32(len(l.msgs))})
			l.msgs = append(l.msgs, m)
			l.note(&m, r, seenAction)
		case RowRule:
			var a console.Action
			if err := json.Unmarshal(r.Data, &a); err != nil {
				fail(i, fmt.Errorf("data is not a console action: %w", err))
				continue
			}
			if a.Kind == console.ActionUnshelve && a.Note == console.NoteShelfOver {
				items = append(items, item{at: r.Time, msg: -1, tick: true})
				if phase < 0 {
					phase = r.Time.Sub(r.Time.Truncate(tickEvery))
				}
			}
		case RowView, RowDrill:
		case RowObservation:
			l.marks = append(l.marks, observation(r))
		default:
			fail(i, fmt.Errorf("kind %q is not event, action, rule, view, observation or drill", r.Kind))
			continue
		}
		if l.from.IsZero() {
			l.from = r.Time
		}
		l.to = r.Time
	}
	if bad > maxNamed {
		errs = append(errs, fmt.Errorf("replay: %d more rows left out", bad-maxNamed))
	}
	if phase < 0 {
		phase = 0
	}
	slices.SortStableFunc(l.marks, func(a, b Mark) int { return a.Time.Compare(b.Time) })

	// The schedule: the rows, with the ticks of the live console's
	// cadence between them.
	next := time.Time{}
	if !l.from.IsZero() {
		next = l.from.Truncate(tickEvery).Add(phase)
		for next.Before(l.from) {
			next = next.Add(tickEvery)
		}
	}
	var last time.Time
	tick := func(at time.Time) {
		if at.After(last) || len(l.steps) == 0 {
			l.steps = append(l.steps, step{at: at, msg: -1})
			last = at
		}
	}
	lastRow := l.from
	for _, it := range items {
		for !next.After(it.at) {
			tick(next)
			step := gapStep(next.Sub(lastRow))
			n := next.Add(step)
			if step > tickEvery && n.After(it.at) {
				// The last tick of a long quiet spell comes just before the row.
				n = next.Add(max(it.at.Sub(next)/tickEvery, 1) * tickEvery)
			}
			next = n
		}
		lastRow = it.at
		if it.tick {
			tick(it.at)
			continue
		}
		l.steps = append(l.steps, step{at: it.at, msg: it.msg})
	}

	// Checkpoints, made by running the schedule once.
	c := console.New(l.opt)
	l.checkpoints = append(l.checkpoints, checkpoint{pos: 0, c: c.Clone()})
	since, at := 0, l.from
	for i := range l.steps {
		l.run(c, i)
		since++
		if since >= opt.Every || l.steps[i].at.Sub(at) >= opt.EveryTime {
			// Going on with a copy drops the changes the console keeps
			// for a store, which nothing here takes.
			cp := c.Clone()
			l.checkpoints = append(l.checkpoints, checkpoint{pos: i + 1, c: cp})
			c = cp.Clone()
			since, at = 0, l.steps[i].at
		}
	}
	return l, errors.Join(errs...)
}

// note records what row r of message m adds to the marks and tracks.
func (l *Log) note(m *event.Message, r store.LogRow, seenAction map[string]bool) {
	e := &m.Event
	switch {
	case e.Op == event.Ack && strings.HasPrefix(e.Type, "operator."):
		if seenAction[e.ID] {
			return
		}
		seenAction[e.ID] = true
		subj := ""
		if len(e.References) > 0 {
			subj = e.References[0]
		}
		kind, _ := e.Properties["action"].(string)
		if kind == "" {
			kind = strings.TrimPrefix(e.Type, "operator.")
		}
		op, _ := e.Properties["operator"].(string)
		if op == "" {
			op = r.Operator
		}
		unit, _ := e.Properties["unit"].(string)
		note, _ := e.Properties["note"].(string)
		l.marks = append(l.marks, Mark{Time: r.Time, Kind: MarkAction, Subject: subj, Type: kind, Operator: op, Unit: unit, Label: note,
			Drill: drillName(e)})
	case console.KindOf(e) == console.KindUnit:
		if p, ok := e.Geometry.(orb.Point); ok && e.Op != event.Cancel {
			subj := r.Subject
			if subj == "" {
				subj = e.SubjectOrID()
			}
			l.tracks[subj] = append(l.tracks[subj], TrackPoint{Time: r.Time, At: p})
		}
	case e.IsDrill() && e.Op != event.Cancel:
		if l.drillStart.IsZero() {
			l.drillStart = r.Time
		}
		loc := e.Localized(l.opt.Language)
		subj := r.Subject
		if subj == "" {
			subj = e.SubjectOrID()
		}
		l.marks = append(l.marks, Mark{Time: r.Time, Kind: MarkInject, Subject: subj, Type: e.Type, Label: loc.Title, Drill: drillName(e)})
	}
}

func drillName(e *event.Event) string {
	s, _ := e.Properties["drill"].(string)
	return s
}

// observation is the mark of an observation row: its text is the data's
// "text", "note" or "title" when the data is a JSON object, else the
// data itself.
func observation(r store.LogRow) Mark {
	m := Mark{Time: r.Time, Kind: MarkObservation, Subject: r.Subject, Operator: r.Operator}
	var obj map[string]any
	if json.Unmarshal(r.Data, &obj) == nil {
		for _, k := range []string{"text", "note", "title"} {
			if s, ok := obj[k].(string); ok && s != "" {
				m.Label = s
				break
			}
		}
		if s, ok := obj["drill"].(string); ok {
			m.Drill = s
		}
	} else {
		m.Label = strings.TrimSpace(string(r.Data))
	}
	return m
}

// run applies step i to c.
func (l *Log) run(c *console.Console, i int) {
	s := l.steps[i]
	if s.msg < 0 {
		c.Tick(s.at)
		return
	}
	c.Apply(l.msgs[s.msg], s.at)
}

// Span returns the times of the first and the last row; zero times for
// an empty log.
func (l *Log) Span() (from, to time.Time) { return l.from, l.to }

// Rows returns how many rows the log was built from, read or not.
func (l *Log) Rows() int { return l.rows }

// DrillStart returns the time of the first drill row (an alarm or info
// event of status exercise or test), the start to align two runs of a
// drill at; false when the log holds none.
func (l *Log) DrillStart() (time.Time, bool) { return l.drillStart, !l.drillStart.IsZero() }

// At returns the console's picture at t: the snapshot, at t, of a
// console that received every row up to and including t and aged once a
// second meanwhile. Before the first row it is empty; after the last it
// is the last picture aged to t by Snapshot (no ticks run past the log).
func (l *Log) At(t time.Time) console.Snapshot {
	pos := sort.Search(len(l.steps), func(i int) bool { return l.steps[i].at.After(t) })
	l.mu.Lock()
	defer l.mu.Unlock()
	k := sort.Search(len(l.checkpoints), func(i int) bool { return l.checkpoints[i].pos > pos }) - 1
	cp := l.checkpoints[k]
	if l.cur == nil || l.pos > pos || l.pos < cp.pos {
		l.cur, l.pos = cp.c.Clone(), cp.pos
	}
	for ; l.pos < pos; l.pos++ {
		l.run(l.cur, l.pos)
	}
	return l.cur.Snapshot(t)
}

// Marks returns the marks of the log, oldest first. The slice is the
// caller's.
func (l *Log) Marks() []Mark { return slices.Clone(l.marks) }

// Next returns the first mark of one of kinds (MarkAny: every kind; 0
// counts as MarkAny) strictly after t.
func (l *Log) Next(t time.Time, kinds MarkKind) (Mark, bool) {
	if kinds == 0 {
		kinds = MarkAny
	}
	i := sort.Search(len(l.marks), func(i int) bool { return l.marks[i].Time.After(t) })
	for ; i < len(l.marks); i++ {
		if l.marks[i].Kind&kinds != 0 {
			return l.marks[i], true
		}
	}
	return Mark{}, false
}

// Prev returns the last mark of one of kinds strictly before t.
func (l *Log) Prev(t time.Time, kinds MarkKind) (Mark, bool) {
	if kinds == 0 {
		kinds = MarkAny
	}
	i := sort.Search(len(l.marks), func(i int) bool { return !l.marks[i].Time.Before(t) }) - 1
	for ; i >= 0; i-- {
		if l.marks[i].Kind&kinds != 0 {
			return l.marks[i], true
		}
	}
	return Mark{}, false
}

// Track returns the positions unit subject reported up to and including
// t, oldest first, as received (the console may have refused some: too
// old, past their removal). The slice is the caller's.
func (l *Log) Track(subject string, t time.Time) []TrackPoint {
	tr := l.tracks[subject]
	n := sort.Search(len(tr), func(i int) bool { return tr[i].Time.After(t) })
	return slices.Clone(tr[:n])
}

// Tracks returns the positions of every unit up to and including t, the
// most recent max of each (max <= 0: all), by subject.
func (l *Log) Tracks(t time.Time, max int) map[string][]orb.Point {
	out := make(map[string][]orb.Point, len(l.tracks))
	for s, tr := range l.tracks {
		n := sort.Search(len(tr), func(i int) bool { return tr[i].Time.After(t) })
		lo := 0
		if max > 0 && n > max {
			lo = n - max
		}
		if n == 0 {
			continue
		}
		pts := make([]orb.Point, 0, n-lo)
		for _, p := range tr[lo:n] {
			pts = append(pts, p.At)
		}
		out[s] = pts
	}
	return out
}

// Checkpoints returns how many checkpoints the log keeps.
func (l *Log) Checkpoints() int { return len(l.checkpoints) }

// Package console is the operator console's live state: the alert queue
// with each alert's workflow (new, acknowledged, assigned, resolved), the
// units (patrols, tracks) with their trails, and recent info events, built
// from the hub's messages and the operators' own actions, and saved to the
// community's GeoPackage so a restarted console shows the last known
// picture.
//
// Lifecycle, per subject (event.Event.SubjectOrID, or the subject an
// Update or Cancel refers to):
//   - A newer report (by event Time) replaces the event and keeps the
//     workflow (status, assignee, actions), unless the alert was resolved:
//     then the report is a new incident and reopens it as new, with
//     Received set again (the earlier actions stay in Actions). An older
//     report, or the same event again, changes nothing.
//   - Cancel (CAP Cancel, CoT delete and drop-track) removes the alert or
//     the unit. Expired alerts leave at the next Tick; resolved alerts leave
//     a day after they were resolved.
//   - Units turn Stale past their event's stale time and are removed
//     RemoveAfter later (or at their expiry when that comes first); once
//     removed, a unit comes back only with an event newer than the one it
//     was removed with, and not with one already past its own removal time.
//   - Operator actions (event type operator.*, Op Ack, References[0] the
//     alert's subject) change the alert's workflow; an action seen before
//     (same event ID: the local apply, then the hub's echo) changes
//     nothing. An action on a subject the console does not hold is logged
//     and otherwise ignored: the hub delivers in order, so an alert always
//     comes before the actions on it, and the only such actions are on
//     alerts already gone or raised locally on another console.
//   - Info events are kept for InfoFor (or until they expire) and are not
//     in the queue; camera.online resolves the camera.offline alert of the
//     same subject, as the operator "system".
//   - Input that cannot be drawn (no position, a broken polygon, a position
//     farther than MaxDistance from Centre) is kept with a Warning.
package console

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// Status is where an alert is in the operators' workflow.
type Status string

// Statuses.
const (
	StatusNew          Status = "new"
	StatusAcknowledged Status = "acknowledged"
	StatusAssigned     Status = "assigned"
	StatusResolved     Status = "resolved"
)

// open reports whether an alert with status s still needs handling.
func (s Status) open() bool { return s == StatusNew || s == StatusAcknowledged || s == StatusAssigned }

// Action is one operator action on an alert: its kind (ack, assign,
// resolve, note), who did it ("system" for automatic ones), the unit
// assigned, a note, the ID of the event that carried it and its time.
type Action struct {
	Kind     string    `json:"kind"`
	Operator string    `json:"operator,omitempty"`
	Unit     string    `json:"unit,omitempty"`
	Note     string    `json:"note,omitempty"`
	EventID  string    `json:"event_id"`
	Time     time.Time `json:"time"`
}

// Alert is one subject in the console: its current event, where it is in
// the workflow and the actions taken on it. Info events use the same
// record (Status empty).
type Alert struct {
	Subject string
	Event   event.Event
	// Seq is the hub's sequence number of Event, 0 when raised locally.
	Seq int64
	// Received is when this console first got the subject (or got it
	// again after it was resolved): arrival latency, "new" pulsing.
	Received time.Time
	// Updated is when the console last changed the record.
	Updated time.Time
	// State is fresh or stale.
	State      event.State
	Status     Status
	AssignedTo string
	// Actions are oldest first, at most MaxActions.
	Actions []Action
	// Warning, when set, says why the alert is kept in the queue but not
	// drawn: "no position", "12.3 km from the community (limit 20 km)",
	// "broken polygon: <why>".
	Warning string
	// Drill is true for exercise and test traffic.
	Drill bool
}

// Unit is a moving patrol or track: its latest event and the positions
// before it.
type Unit struct {
	Subject string
	Event   event.Event
	// Trail holds the last positions, oldest first, the current one last;
	// at most TrailLen.
	Trail []orb.Point
	// Stale is true past the event's stale time: drawn greyed.
	Stale bool
	// LastSeen is the time of the latest position report.
	LastSeen time.Time
	// Warning, as for Alert: the latest report cannot be drawn.
	Warning string
}

// MaxActions is the most actions kept per alert; older ones are dropped.
const MaxActions = 256

// Options tune a Console. The zero value is usable.
type Options struct {
	// Centre is the community's centre (longitude, latitude); the zero
	// point turns the distance check off.
	Centre orb.Point
	// MaxDistance is how far from Centre, in metres, an event may be and
	// still be drawn (default 20,000).
	MaxDistance float64
	// RemoveAfter is how long a unit stays, greyed, after turning stale
	// (default 5 minutes).
	RemoveAfter time.Duration
	// TrailLen is the most positions of a unit's trail (default 20).
	TrailLen int
	// InfoFor is how long info events are kept (default 10 minutes);
	// MaxInfo the most kept (default 500, the oldest go first).
	InfoFor time.Duration
	MaxInfo int
}

// Console is the operator console's live state. It is safe for concurrent
// use: one mutex guards everything and Apply does no I/O, so the
// subscriber's goroutine may apply messages while the UI takes snapshots.
type Console struct {
	opt Options

	mu      sync.Mutex
	version uint64
	lastSeq int64
	alerts  map[string]*alertRec
	units   map[string]*Unit
	info    map[string]*Alert
	ids     map[string]string    // event id -> subject, for Update and Cancel by reference
	gone    map[string]tombstone // removed units
	changes changes
	saveErr error
}

type alertRec struct {
	Alert
	resolvedAt time.Time
}

// tombstone remembers a removed unit so that it is not brought back.
type tombstone struct {
	time    time.Time // event time it was removed with
	removed time.Time // when
}

// tombstoneFor is how long removed units are remembered.
const tombstoneFor = 24 * time.Hour

// resolvedFor is how long resolved alerts stay.
const resolvedFor = 24 * time.Hour

// New returns an empty console.
func New(opt Options) *Console {
	if opt.MaxDistance <= 0 {
		opt.MaxDistance = 20000
	}
	if opt.RemoveAfter <= 0 {
		opt.RemoveAfter = 5 * time.Minute
	}
	if opt.TrailLen <= 0 {
		opt.TrailLen = 20
	}
	if opt.InfoFor <= 0 {
		opt.InfoFor = 10 * time.Minute
	}
	if opt.MaxInfo <= 0 {
		opt.MaxInfo = 500
	}
	return &Console{opt: opt, alerts: map[string]*alertRec{}, units: map[string]*Unit{}, info: map[string]*Alert{},
		ids: map[string]string{}, gone: map[string]tombstone{}, changes: newChanges()}
}

// Version returns a number that grows with every change of the picture.
func (c *Console) Version() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// LastSeq returns the highest hub sequence number applied.
func (c *Console) LastSeq() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastSeq
}

// Apply applies one message at now and reports whether the picture
// changed. Seq 0 marks an event raised locally (an operator's action before
// the hub echoes it); a message with a sequence number already applied is
// skipped.
func (c *Console) Apply(m event.Message, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m.Seq > 0 {
		if m.Seq <= c.lastSeq {
			return false
		}
		c.lastSeq = m.Seq
	}
	e := m.Event
	subj := c.subject(&e)
	kind, op := "event", ""
	if isAction(&e) {
		kind, op = "action", str(e.Properties, "operator")
	}
	c.changes.logMessage(now, m, kind, op, subj)
	changed := c.apply(&e, m.Seq, subj, now)
	if changed {
		c.version++
	}
	return changed
}

// subject returns the subject e applies to (see event.Picture.Subject).
func (c *Console) subject(e *event.Event) string {
	if isAction(e) {
		if len(e.References) > 0 {
			return e.References[0]
		}
		return ""
	}
	if e.Subject != "" {
		return e.Subject
	}
	for _, r := range e.References {
		if s, ok := c.ids[r]; ok {
			return s
		}
		if c.alerts[r] != nil || c.units[r] != nil {
			return r
		}
	}
	if len(e.References) > 0 && e.Op != event.Report {
		return e.References[0]
	}
	return e.ID
}

func (c *Console) apply(e *event.Event, seq int64, subj string, now time.Time) bool {
	if e.Op == event.Ack {
		if isAction(e) {
			return c.applyAction(e, seq, subj, now)
		}
		return false
	}
	if e.Op == event.Cancel {
		return c.cancel(e, subj, now)
	}
	if e.StateAt(now) == event.Expired {
		return false
	}
	switch KindOf(e) {
	case KindUnit:
		return c.applyUnit(e, seq, subj, now)
	case KindInfo:
		return c.applyInfo(e, seq, subj, now)
	}
	return c.applyAlert(e, seq, subj, now)
}

func (c *Console) applyAlert(e *event.Event, seq int64, subj string, now time.Time) bool {
	a := c.alerts[subj]
	if a == nil {
		a = &alertRec{Alert: Alert{Subject: subj, Received: now, Status: StatusNew}}
		c.alerts[subj] = a
	} else {
		if e.ID == a.Event.ID || e.Time.Before(a.Event.Time) {
			return false
		}
		if a.Status == StatusResolved {
			a.Status, a.AssignedTo, a.Received, a.resolvedAt = StatusNew, "", now, time.Time{}
		}
	}
	a.Event, a.Seq, a.Updated = *e, seq, now
	a.State = e.StateAt(now)
	a.Warning = c.warning(e)
	a.Drill = e.IsDrill()
	c.ids[e.ID] = subj
	c.changes.dirty(subj)
	return true
}

func (c *Console) applyInfo(e *event.Event, seq int64, subj string, now time.Time) bool {
	if cur := c.info[subj]; cur != nil && (e.ID == cur.Event.ID || e.Time.Before(cur.Event.Time)) {
		return false
	}
	c.info[subj] = &Alert{Subject: subj, Event: *e, Seq: seq, Received: now, Updated: now,
		State: e.StateAt(now), Warning: c.warning(e), Drill: e.IsDrill()}
	if len(c.info) > c.opt.MaxInfo {
		c.pruneInfo(now, len(c.info)-c.opt.MaxInfo)
	}
	if e.Type == "camera.online" {
		if a := c.alerts[subj]; a != nil && a.Event.Type == "camera.offline" && a.Status != StatusResolved && !e.Time.Before(a.Event.Time) {
			act := Action{Kind: "resolve", Operator: "system", Note: e.Title, EventID: e.ID, Time: e.Time}
			c.act(a, act, now)
			c.changes.logRule(now, act, subj)
		}
	}
	return true
}

// pruneInfo drops the n oldest info events.
func (c *Console) pruneInfo(now time.Time, n int) {
	all := make([]*Alert, 0, len(c.info))
	for _, a := range c.info {
		all = append(all, a)
	}
	slices.SortFunc(all, func(a, b *Alert) int { return a.Received.Compare(b.Received) })
	for _, a := range all[:n] {
		delete(c.info, a.Subject)
	}
}

// removeAt is when a unit with event e leaves the console; zero: never.
func (c *Console) removeAt(e *event.Event) time.Time {
	var t time.Time
	if !e.Stale.IsZero() {
		t = e.Stale.Add(c.opt.RemoveAfter)
	}
	if !e.Expires.IsZero() && (t.IsZero() || e.Expires.Before(t)) {
		t = e.Expires
	}
	return t
}

func (c *Console) applyUnit(e *event.Event, seq int64, subj string, now time.Time) bool {
	if at := c.removeAt(e); !at.IsZero() && !now.Before(at) {
		return false // dead on arrival
	}
	if g, ok := c.gone[subj]; ok && !e.Time.After(g.time) {
		return false
	}
	u := c.units[subj]
	if u == nil {
		u = &Unit{Subject: subj}
		c.units[subj] = u
	} else if e.ID == u.Event.ID || e.Time.Before(u.Event.Time) {
		return false
	}
	delete(c.gone, subj)
	u.Event, u.LastSeen = *e, e.Time
	u.Warning = c.warning(e)
	u.Stale = !e.Stale.IsZero() && !now.Before(e.Stale)
	if p, ok := e.Geometry.(orb.Point); ok && u.Warning == "" && (len(u.Trail) == 0 || u.Trail[len(u.Trail)-1] != p) {
		u.Trail = append(u.Trail, p)
		if len(u.Trail) > c.opt.TrailLen {
			u.Trail = slices.Clone(u.Trail[len(u.Trail)-c.opt.TrailLen:])
		}
	}
	c.ids[e.ID] = subj
	c.changes.dirty(subj)
	return true
}

func (c *Console) cancel(e *event.Event, subj string, now time.Time) bool {
	changed := false
	if a := c.alerts[subj]; a != nil && !e.Time.Before(a.Event.Time) {
		delete(c.alerts, subj)
		c.changes.remove(subj)
		changed = true
	}
	if u := c.units[subj]; u != nil {
		c.removeUnit(u, e.Time, now)
		changed = true
	} else if g, ok := c.gone[subj]; ok && e.Time.After(g.time) {
		c.gone[subj] = tombstone{time: e.Time, removed: now}
	}
	if c.info[subj] != nil {
		delete(c.info, subj)
		changed = true
	}
	return changed
}

// removeUnit removes u, remembering the later of its event's time and t so
// that older reports do not bring it back.
func (c *Console) removeUnit(u *Unit, t, now time.Time) {
	if u.Event.Time.After(t) {
		t = u.Event.Time
	}
	c.gone[u.Subject] = tombstone{time: t, removed: now}
	delete(c.units, u.Subject)
	c.changes.remove(u.Subject)
}

// Tick ages the picture at now and reports whether it changed: units past
// their stale time turn Stale and are removed RemoveAfter later, alerts
// turn stale and leave when they expire, resolved alerts leave a day after
// they were resolved, and old info events go. Call it about once a second.
func (c *Console) Tick(now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	changed := false
	for s, a := range c.alerts {
		st := a.Event.StateAt(now)
		switch {
		case st == event.Expired || (a.Status == StatusResolved && now.Sub(a.resolvedAt) >= resolvedFor):
			delete(c.alerts, s)
			c.changes.remove(s)
			changed = true
		case st != a.State:
			a.State = st
			c.changes.dirty(s)
			changed = true
		}
	}
	for _, u := range c.units {
		if at := c.removeAt(&u.Event); !at.IsZero() && !now.Before(at) {
			c.removeUnit(u, u.Event.Time, now)
			changed = true
			continue
		}
		if st := !u.Event.Stale.IsZero() && !now.Before(u.Event.Stale); st != u.Stale {
			u.Stale = st
			c.changes.dirty(u.Subject)
			changed = true
		}
	}
	for s, a := range c.info {
		if a.Event.StateAt(now) == event.Expired || now.Sub(a.Received) >= c.opt.InfoFor {
			delete(c.info, s)
			changed = true
		} else if st := a.Event.StateAt(now); st != a.State {
			a.State = st
			changed = true
		}
	}
	for s, g := range c.gone {
		if now.Sub(g.removed) >= tombstoneFor {
			delete(c.gone, s)
		}
	}
	if len(c.ids) > 4*(len(c.alerts)+len(c.units))+1024 {
		for id, s := range c.ids {
			if c.alerts[s] == nil && c.units[s] == nil {
				delete(c.ids, id)
			}
		}
	}
	if changed {
		c.version++
	}
	return changed
}

// Snapshot is a copy of the console's picture at one time, for the UI to
// read without locks. Events share their Properties maps and geometry with
// the console: treat them as read-only.
type Snapshot struct {
	Version uint64
	// Alerts are every live alert, resolved ones too (Queue filters
	// them), in queue order: most severe first, then newest event first,
	// then by subject.
	Alerts []Alert
	// Units are ordered by subject.
	Units []Unit
	// Info holds the recent info events, newest first.
	Info    []Alert
	LastSeq int64
}

// Snapshot returns a copy of the picture with states as at now.
func (c *Console) Snapshot(now time.Time) Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Snapshot{Version: c.version, LastSeq: c.lastSeq,
		Alerts: make([]Alert, 0, len(c.alerts)), Units: make([]Unit, 0, len(c.units)), Info: make([]Alert, 0, len(c.info))}
	// Sorted as pointers: moving whole records costs more than comparing.
	live := make([]*alertRec, 0, len(c.alerts))
	for _, a := range c.alerts {
		if a.Event.StateAt(now).Live() {
			live = append(live, a)
		}
	}
	slices.SortFunc(live, func(a, b *alertRec) int { return queueOrder(&a.Alert, &b.Alert) })
	for _, a := range live {
		x := a.Alert
		x.State = a.Event.StateAt(now)
		x.Actions = slices.Clone(a.Actions)
		s.Alerts = append(s.Alerts, x)
	}
	for _, u := range c.units {
		if at := c.removeAt(&u.Event); !at.IsZero() && !now.Before(at) {
			continue
		}
		x := *u
		x.Stale = !u.Event.Stale.IsZero() && !now.Before(u.Event.Stale)
		x.Trail = slices.Clone(u.Trail)
		s.Units = append(s.Units, x)
	}
	for _, a := range c.info {
		if st := a.Event.StateAt(now); st.Live() {
			x := *a
			x.State = st
			s.Info = append(s.Info, x)
		}
	}
	slices.SortFunc(s.Units, func(a, b Unit) int { return cmp.Compare(a.Subject, b.Subject) })
	slices.SortFunc(s.Info, func(a, b Alert) int {
		return cmp.Or(b.Event.Time.Compare(a.Event.Time), cmp.Compare(a.Subject, b.Subject))
	})
	return s
}

// Alert returns a copy of the alert with this subject.
func (c *Console) Alert(subject string) (Alert, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.alerts[subject]
	if a == nil {
		return Alert{}, false
	}
	x := a.Alert
	x.Actions = slices.Clone(a.Actions)
	return x, true
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

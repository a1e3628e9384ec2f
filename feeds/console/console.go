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
//     report, or the same event again, changes nothing. A newer report
//     (not an Update) is a repeat: Count grows.
//   - Folding: an alarm report that names no subject of its own, has a
//     source and did not come as CAP joins the open alert (new,
//     acknowledged or assigned) with the same source and type instead of
//     making a new one: Count grows, Last is its time, the event is
//     replaced when newer, and the workflow stays (a repeat on an
//     acknowledged or assigned alert counts in SinceAck, it does not make
//     the alert new). Alerts without a source never fold; an alarm that
//     names its own subject is about that object and is kept apart; CAP
//     messages are each their own incident (CAP has its own Update and
//     Cancel).
//   - Escalation: a repeat of higher severity raises the alert's Severity
//     and makes an acknowledged or assigned alert new again, to be
//     acknowledged at its new priority (AssignedTo stays; acknowledging
//     returns it to assigned); a shelved alert comes off the shelf. It is
//     recorded as a system action "escalate". A repeat of the same or a
//     lower severity keeps the highest (an Update sets it as it says).
//   - Chattering: a source that alarms ChatterCount times within
//     ChatterWindow (by event time) is chattering until it has been quiet
//     for ChatterQuiet: its alerts are marked Chattering, do not sound
//     (Alert.Audible), sort below the other alerts of their severity, and
//     new alerts from it do not count in the alarm rate.
//   - Return to normal: an event of type <family>.normal (fire.normal,
//     access.normal, ...) clears the open alerts of that family from the
//     same source (or of the same subject when it names one), and
//     camera.online clears camera.offline alike. A cleared alert stays in
//     the queue, marked Cleared, while it is new; acknowledging it resolves
//     it, and an acknowledged alert that clears is resolved at once (by
//     "system", note NoteNormal); an assigned alert stays until an operator
//     resolves it, since a unit is on its way. A new alarm from the source
//     takes the mark off again.
//   - Drill end: an event of type drill.end resolves every open drill
//     alert raised before it (by "system", note NoteDrillEnded); with
//     properties.drill naming the exercise only the alerts of that drill
//     and those naming none.
//   - Shelving: a shelved alert is left out of the default queue until its
//     shelf time is over (then Tick brings it back, action "unshelve" by
//     "system") or an operator unshelves it. Shelf times are cut to
//     MaxShelve.
//   - Cancel (CAP Cancel, CoT delete and drop-track) removes the alert or
//     the unit, a folded alert by any of its events. Expired alerts leave
//     at the next Tick; resolved alerts leave a day after they were
//     resolved.
//   - Units turn Stale past their event's stale time and are removed
//     RemoveAfter later (or at their expiry when that comes first); once
//     removed, a unit comes back only with an event newer than the one it
//     was removed with, and not with one already past its own removal time.
//   - Operator actions (event type operator.*, Op Ack, References[0] the
//     alert's subject) change the alert's workflow; an action seen before
//     (same event ID: the local apply, then the hub's echo) changes
//     nothing, and so does an action the alert's state does not allow
//     (Alert.Allows: a second resolve from another console, an ack of an
//     acknowledged alert): it is in the event log, not in Actions. An
//     action on a subject the console does not hold is logged and
//     otherwise ignored: the hub delivers in order, so an alert always
//     comes before the actions on it, and the only such actions are on
//     alerts already gone or raised locally on another console.
//   - Info events are kept for InfoFor (or until they expire) and are not
//     in the queue.
//   - Input that cannot be drawn (no position, a broken polygon, a position
//     farther than MaxDistance from Centre) is kept with a Warning.
//
// The alarm rate (Snapshot.Rate) counts the alerts that called for
// attention (new, reopened, escalated from acknowledged), not folded
// repeats, by event time (never later than arrival), to 10 s.
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

// Action is one action on an alert: its kind (ack, assign, resolve, note,
// shelve, unshelve by operators; clear, escalate, resolve, unshelve by
// "system" for automatic ones), who did it, the unit assigned, a note (the
// reason of a shelve; one of the Note* phrases for automatic ones), what an
// automatic one is about (Detail: the drill's name, "moderate → severe",
// the title of the event that cleared it), the end of a shelf, the ID of
// the event that carried it and its time.
type Action struct {
	Kind     string    `json:"kind"`
	Operator string    `json:"operator,omitempty"`
	Unit     string    `json:"unit,omitempty"`
	Note     string    `json:"note,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	Until    time.Time `json:"until,omitzero"`
	EventID  string    `json:"event_id"`
	Time     time.Time `json:"time"`
}

// Notes of the automatic actions, in English: the UI translates them as
// keys.
const (
	NoteNormal     = "returned to normal"
	NoteAckNormal  = "acknowledged after return to normal"
	NoteDrillEnded = "drill ended"
	NoteShelfOver  = "shelf time over"
	NoteEscalated  = "escalated"
)

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

	// Severity is the alert's priority: the highest severity of the
	// alarms folded into it (Event.Severity for a single alarm; an Update
	// sets it). The queue orders and filters by it.
	Severity event.Severity
	// Count is how many alarms the alert stands for: 1, plus every repeat
	// folded into it. First and Last are the event times of the earliest
	// and the latest of them.
	Count       int
	First, Last time.Time
	// SinceAck counts the repeats folded in while the alert was
	// acknowledged or assigned: they do not make it new again, so show
	// them ("+3 since acknowledged").
	SinceAck int
	// Raised is when the alert last called for attention: it arrived, was
	// reopened, escalated, or came back from the shelf. Sound once per
	// Subject and Raised, when Audible.
	Raised time.Time
	// Cleared is the time its source reported normal again; zero while
	// it is still in alarm.
	Cleared time.Time
	// Chattering is true while its source chatters (see the package doc):
	// show a mark, do not sound.
	Chattering bool
	// ShelvedUntil is when the alert comes back from the shelf; zero when
	// it is not shelved. ShelvedBy and ShelveReason say who shelved it and
	// why.
	ShelvedUntil time.Time
	ShelvedBy    string
	ShelveReason string
	// Standing is true, in a Snapshot, for an open alert older than
	// Options.StandingAfter (a stale alarm, standing for more than a day
	// by default): show it so that it is reviewed.
	Standing bool
}

// Shelved reports whether the alert is on the shelf at now.
func (a *Alert) Shelved(now time.Time) bool {
	return !a.ShelvedUntil.IsZero() && now.Before(a.ShelvedUntil)
}

// Audible reports whether the alert should sound at now: new, not
// chattering, not shelved. The UI sounds once per Subject and Raised.
func (a *Alert) Audible(now time.Time) bool {
	return a.Status == StatusNew && !a.Chattering && !a.Shelved(now)
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

// Options tune a Console. The zero value is usable; the alarm-management
// defaults are those of ISA-18.2 / EEMUA 191.
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

	// FloodAlarms is the most new alarms in FloodWindow that are not yet a
	// flood (defaults 10 in 10 minutes: more is a flood).
	FloodAlarms int
	FloodWindow time.Duration
	// A source alarming ChatterCount times within ChatterWindow is
	// chattering (defaults 3 in 1 minute) until it has been quiet for
	// ChatterQuiet (default 5 minutes).
	ChatterCount  int
	ChatterWindow time.Duration
	ChatterQuiet  time.Duration
	// MaxShelve is the longest an alert may be shelved (default 8 hours,
	// a shift); longer shelves are cut to it.
	MaxShelve time.Duration
	// StandingAfter is how long an alert may stay open before it counts
	// as a stale (standing) alarm in Rate.Standing (default 24 hours).
	StandingAfter time.Duration
	// Language is the console's language (en, zh_Hans, fr-CA, ...): an
	// event in several languages (a CAP alert with one info per language)
	// shows the title and texts of this language, else of its base
	// language, else English, else the first (event.Localized).
	Language string
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

	folds   map[string]string   // fold key -> subject of the open alert it folds into
	sources map[string]*chatter // alarm sources seen within ChatterQuiet
	rate    rate
	// recent is the alarm count of the flood window at the last Tick.
	recent int
}

type alertRec struct {
	Alert
	resolvedAt time.Time
	key        string   // fold key; "" when it does not fold
	folded     []string // IDs of the latest events folded in, for Cancel by reference
	// opened is set once an operator opened the alert since it arrived
	// at openedFor (its Received then).
	opened    bool
	openedFor time.Time
}

// maxFolded is how many folded event IDs an alert remembers.
const maxFolded = 32

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
	if opt.FloodAlarms <= 0 {
		opt.FloodAlarms = 10
	}
	if opt.FloodWindow <= 0 {
		opt.FloodWindow = 10 * time.Minute
	}
	if opt.ChatterCount <= 1 {
		opt.ChatterCount = 3
	}
	if opt.ChatterWindow <= 0 {
		opt.ChatterWindow = time.Minute
	}
	if opt.ChatterQuiet <= 0 {
		opt.ChatterQuiet = 5 * time.Minute
	}
	if opt.MaxShelve <= 0 {
		opt.MaxShelve = 8 * time.Hour
	}
	if opt.StandingAfter <= 0 {
		opt.StandingAfter = 24 * time.Hour
	}
	return &Console{opt: opt, alerts: map[string]*alertRec{}, units: map[string]*Unit{}, info: map[string]*Alert{},
		ids: map[string]string{}, gone: map[string]tombstone{}, changes: newChanges(),
		folds: map[string]string{}, sources: map[string]*chatter{}}
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
	e := m.Event.Localized(c.opt.Language)
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
		if s, seen := c.ids[e.ID]; seen && c.alerts[s] != nil {
			return false // a repeat already folded in
		}
		key := foldKey(e)
		if t := c.alerts[c.folds[key]]; key != "" && t != nil && t.key == key && t.Status.open() {
			c.repeat(t, e, seq, now, c.chatter(e))
			return true
		}
		a = &alertRec{Alert: Alert{Subject: subj}, key: key}
		c.alerts[subj] = a
		c.raise(a, e, now, c.chatter(e))
	} else {
		if e.ID == a.Event.ID || e.Time.Before(a.Event.Time) {
			return false
		}
		chattering := e.Op == event.Report && c.chatter(e)
		switch {
		case a.Status == StatusResolved:
			c.raise(a, e, now, chattering)
		case e.Op == event.Report:
			c.repeat(a, e, seq, now, chattering)
			return true
		default: // an Update says what the severity is now
			if e.Severity.Rank() > a.Severity.Rank() {
				c.escalate(a, e, now)
			} else {
				a.Severity = e.Severity
			}
			a.Last = e.Time
		}
	}
	c.setEvent(a, e, seq, now)
	return true
}

// setEvent makes e the alert's event.
func (c *Console) setEvent(a *alertRec, e *event.Event, seq int64, now time.Time) {
	if a.Event.ID != e.ID {
		c.remember(a, a.Event.ID)
	}
	a.Event, a.Seq, a.Updated = *e, seq, now
	a.State = e.StateAt(now)
	a.Warning = c.warning(e)
	a.Drill = e.IsDrill()
	c.ids[e.ID] = a.Subject
	if a.key != "" {
		c.folds[a.key] = a.Subject
	}
	c.changes.dirty(a.Subject)
}

// raise starts a (or starts it again after it was resolved) as a new
// alert with the alarm e; the caller sets the event.
func (c *Console) raise(a *alertRec, e *event.Event, now time.Time, chattering bool) {
	a.Status, a.AssignedTo, a.Received, a.Raised, a.resolvedAt = StatusNew, "", now, now, time.Time{}
	a.Severity, a.Count, a.First, a.Last, a.SinceAck = e.Severity, 1, e.Time, e.Time, 0
	a.Cleared, a.ShelvedUntil, a.ShelvedBy, a.ShelveReason = time.Time{}, time.Time{}, "", ""
	c.forget(a)
	a.Chattering = chattering
	if !chattering {
		c.count(e, a.Severity, now)
	}
}

// repeat folds the alarm e into the open alert a.
func (c *Console) repeat(a *alertRec, e *event.Event, seq int64, now time.Time, chattering bool) {
	a.Count++
	if a.Status == StatusAcknowledged || a.Status == StatusAssigned {
		a.SinceAck++
	}
	a.Cleared = time.Time{}
	a.Chattering = a.Chattering || chattering
	if e.Time.Before(a.First) {
		a.First = e.Time
	}
	if e.Severity.Rank() > a.Severity.Rank() {
		c.escalate(a, e, now)
	}
	if !e.Time.Before(a.Event.Time) {
		a.Last = e.Time
		c.setEvent(a, e, seq, now)
		return
	}
	c.remember(a, e.ID)
	a.Updated = now
	c.changes.dirty(a.Subject)
}

// remember keeps id as one of a's earlier events, for Cancel and Update
// by reference, forgetting the oldest past maxFolded.
func (c *Console) remember(a *alertRec, id string) {
	if id == "" || id == a.Subject {
		return // the subject finds the alert by itself
	}
	c.ids[id] = a.Subject
	a.folded = append(a.folded, id)
	if n := len(a.folded) - maxFolded; n > 0 {
		for _, old := range a.folded[:n] {
			if c.ids[old] == a.Subject && old != a.Event.ID {
				delete(c.ids, old)
			}
		}
		a.folded = slices.Delete(a.folded, 0, n)
	}
}

// forget drops the earlier events of a.
func (c *Console) forget(a *alertRec) {
	for _, id := range a.folded {
		if c.ids[id] == a.Subject {
			delete(c.ids, id)
		}
	}
	a.folded = a.folded[:0]
}

// escalate raises a to the severity of e (see the package doc).
func (c *Console) escalate(a *alertRec, e *event.Event, now time.Time) {
	act := Action{Kind: ActionEscalate, Operator: System, Note: NoteEscalated,
		Detail: string(a.Severity) + " → " + string(e.Severity), EventID: e.ID, Time: e.Time}
	a.Severity = e.Severity
	c.act(a, act, now)
	c.changes.logRule(now, act, a.Subject)
	if a.Status == StatusAcknowledged || a.Status == StatusAssigned {
		a.Status = StatusNew
		a.Raised = now
		if !a.Chattering {
			c.count(e, a.Severity, now)
		}
	}
	if !a.ShelvedUntil.IsZero() {
		off := Action{Kind: ActionUnshelve, Operator: System, Note: NoteEscalated, EventID: e.ID, Time: e.Time}
		c.unshelve(a, off, now)
		c.changes.logRule(now, off, a.Subject)
	}
	a.Raised = now
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
	switch {
	case e.Type == TypeDrillEnd:
		c.endDrill(e, now)
	case e.Type == "camera.online", IsNormal(e):
		c.normal(e, now)
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
	if old := u.Event.ID; old != "" && old != e.ID && c.ids[old] == subj {
		delete(c.ids, old) // a unit's positions are not referred to: keep only the latest
	}
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
		c.removeAlert(a)
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

// removeAlert removes a and what points at it.
func (c *Console) removeAlert(a *alertRec) {
	delete(c.alerts, a.Subject)
	if a.key != "" && c.folds[a.key] == a.Subject {
		delete(c.folds, a.key)
	}
	c.changes.remove(a.Subject)
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
			c.removeAlert(a)
			changed = true
			continue
		case st != a.State:
			a.State = st
			c.changes.dirty(s)
			changed = true
		}
		if !a.ShelvedUntil.IsZero() && !now.Before(a.ShelvedUntil) {
			act := Action{Kind: ActionUnshelve, Operator: System, Note: NoteShelfOver, EventID: a.Event.ID, Time: a.ShelvedUntil}
			c.unshelve(a, act, now)
			c.changes.logRule(now, act, s)
			a.Raised = now
			changed = true
		}
	}
	if c.tickAlarms(now) {
		changed = true
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
	if len(c.ids) > 4*(len(c.alerts)+len(c.units))+maxFolded*len(c.alerts)+1024 {
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
	// Alerts are every live alert, resolved and shelved ones too (Queue
	// filters them), in queue order (Compare): most severe first, then
	// not chattering before chattering, then newest first alarm, then by
	// subject.
	Alerts []Alert
	// Units are ordered by subject.
	Units []Unit
	// Info holds the recent info events, newest first.
	Info    []Alert
	LastSeq int64
	// Rate is the alarm load: the rate per flood window, the flood flag,
	// the priority mix of the last hour and day.
	Rate Rate
}

// Snapshot returns a copy of the picture with states as at now.
func (c *Console) Snapshot(now time.Time) Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Snapshot{Version: c.version, LastSeq: c.lastSeq, Rate: c.rateAt(now),
		Alerts: make([]Alert, 0, len(c.alerts)), Units: make([]Unit, 0, len(c.units)), Info: make([]Alert, 0, len(c.info))}
	// Sorted as pointers: moving whole records costs more than comparing.
	live := make([]*alertRec, 0, len(c.alerts))
	for _, a := range c.alerts {
		if a.Event.StateAt(now).Live() {
			live = append(live, a)
		}
	}
	slices.SortFunc(live, func(a, b *alertRec) int { return Compare(&a.Alert, &b.Alert) })
	for _, a := range live {
		x := a.Alert
		x.State = a.Event.StateAt(now)
		x.Actions = slices.Clone(a.Actions)
		x.Standing = a.Status.open() && now.Sub(first(&a.Alert)) > c.opt.StandingAfter
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

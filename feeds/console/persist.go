package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/event"
)

// MaxPendingLog is the most log entries kept for the store between saves;
// when nothing saves them (no Record running, or the file cannot be
// written) the oldest are dropped.
const MaxPendingLog = 1 << 16

// changes are what happened since the last TakeChanges; guarded by the
// console's mutex.
type changes struct {
	up    map[string]bool // subjects changed
	rm    map[string]bool // subjects removed
	log   []pendingLog
	state bool // the console's own state changed (alarm counts, sources)
}

type pendingLog struct {
	time           time.Time
	seq            int64
	kind, operator string
	subject        string
	msg            *event.Message
	action         *Action
}

func newChanges() changes { return changes{up: map[string]bool{}, rm: map[string]bool{}} }

func (ch *changes) dirty(subj string)  { ch.up[subj] = true; delete(ch.rm, subj) }
func (ch *changes) remove(subj string) { ch.rm[subj] = true; delete(ch.up, subj) }

func (ch *changes) add(p pendingLog) {
	if len(ch.log) >= MaxPendingLog {
		n := len(ch.log) - MaxPendingLog + 1
		ch.log = append(ch.log[:0], ch.log[n:]...)
	}
	ch.log = append(ch.log, p)
}

func (ch *changes) logMessage(now time.Time, m event.Message, kind, operator, subj string) {
	ch.add(pendingLog{time: now, seq: m.Seq, kind: kind, operator: operator, subject: subj, msg: &m})
}

func (ch *changes) logRule(now time.Time, a Action, subj string) {
	ch.add(pendingLog{time: now, kind: "rule", operator: a.Operator, subject: subj, action: &a})
}

// record is a subject as saved in LiveRow.Data.
type record struct {
	Subject    string      `json:"subject"`
	Kind       Kind        `json:"kind"`
	Event      event.Event `json:"event"`
	Seq        int64       `json:"seq,omitempty"`
	Received   time.Time   `json:"received,omitzero"`
	Updated    time.Time   `json:"updated,omitzero"`
	State      event.State `json:"state,omitempty"`
	Status     Status      `json:"status,omitempty"`
	AssignedTo string      `json:"assigned_to,omitempty"`
	Actions    []Action    `json:"actions,omitempty"`
	ResolvedAt time.Time   `json:"resolved_at,omitzero"`
	Trail      []orb.Point `json:"trail,omitempty"`
	Warning    string      `json:"warning,omitempty"`

	Severity     event.Severity `json:"severity,omitempty"`
	Count        int            `json:"count,omitempty"`
	First        time.Time      `json:"first,omitzero"`
	Last         time.Time      `json:"last,omitzero"`
	SinceAck     int            `json:"since_ack,omitempty"`
	Raised       time.Time      `json:"raised,omitzero"`
	Cleared      time.Time      `json:"cleared,omitzero"`
	Chattering   bool           `json:"chattering,omitempty"`
	ShelvedUntil time.Time      `json:"shelved_until,omitzero"`
	ShelvedBy    string         `json:"shelved_by,omitempty"`
	ShelveReason string         `json:"shelve_reason,omitempty"`
	Folded       []string       `json:"folded,omitempty"`
}

// state is the console's own state as saved beside the picture
// (store.LiveBatch.State): the alarm counts and the chattering sources.
type state struct {
	V int `json:"v"`
	// Rate holds the alarm counts: [Unix seconds, extreme, severe,
	// moderate, minor, unknown] per 10 s.
	Rate    [][6]int64             `json:"rate,omitempty"`
	Sources map[string]savedSource `json:"sources,omitempty"`
}

type savedSource struct {
	Times []time.Time `json:"times"`
	On    bool        `json:"on,omitempty"`
	Last  time.Time   `json:"last"`
}

// stateVersion is the version of the state's JSON.
const stateVersion = 1

// encodeState returns the console's own state as JSON; the mutex is held.
func (c *Console) encodeState() []byte {
	st := state{V: stateVersion, Sources: map[string]savedSource{}}
	for _, b := range c.rate.b {
		st.Rate = append(st.Rate, [6]int64{b.at, int64(b.n[4]), int64(b.n[3]), int64(b.n[2]), int64(b.n[1]), int64(b.n[0])})
	}
	for s, ch := range c.sources {
		st.Sources[s] = savedSource{Times: slices.Clone(ch.times), On: ch.on, Last: ch.last}
	}
	data, _ := json.Marshal(st)
	return data
}

// RestoreState loads the console's own state saved beside the picture
// (store.Store.LiveState): the alarm counts of the last day and the
// chattering sources, so that the rate and the flood flag are right after
// a restart. nil or empty data restores nothing; data that cannot be
// read is left out and named in the error.
func (c *Console) RestoreState(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("console: restore the alarm counts: %w", err)
	}
	if st.V != stateVersion {
		return fmt.Errorf("console: restore the alarm counts: version %d, this console reads %d", st.V, stateVersion)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range st.Rate {
		if r[0] < 0 || r[0] > 253402300799 { // years 1970 to 9999
			continue
		}
		t := time.Unix(r[0], 0)
		for i, sev := range []event.Severity{event.Extreme, event.Severe, event.Moderate, event.Minor, event.UnknownSeverity} {
			if n := r[i+1]; n > 0 {
				c.rate.add(t, sev, int(min(n, 1<<30)))
			}
		}
	}
	for s, v := range st.Sources {
		if s == "" || len(v.Times) > c.opt.ChatterCount {
			continue
		}
		times := slices.Clone(v.Times)
		slices.SortFunc(times, time.Time.Compare)
		c.sources[s] = &chatter{times: times, on: v.On, last: v.Last}
	}
	c.version++
	return nil
}

// Load restores the console from the picture and state saved in s
// (store.LoadLive, store.LiveState; Restore, RestoreState) into an empty
// console after a restart. What cannot be read is left out and named in
// the error; the rest is restored.
func (c *Console) Load(ctx context.Context, s *store.Store) error {
	rows, last, err := s.LoadLive(ctx)
	if err != nil {
		return fmt.Errorf("console: load the saved picture: %w", err)
	}
	data, err := s.LiveState(ctx)
	if err != nil {
		return fmt.Errorf("console: load the alarm counts: %w", err)
	}
	return errors.Join(c.Restore(rows, last), c.RestoreState(data))
}

// TakeChanges returns what changed since the last call, for the store:
// the rows of the alerts and units changed, the subjects removed, and the
// log of every message applied (kind event or action) and every automatic
// action (kind rule). Info events are not saved.
func (c *Console) TakeChanges() (upsert []store.LiveRow, remove []string, log []store.LogRow) {
	b := c.takeChanges()
	return b.Upsert, b.Remove, b.Log
}

// takeChanges returns the changes as a batch for the store, with the
// console's own state when it changed.
func (c *Console) takeChanges() store.LiveBatch {
	var upsert []store.LiveRow
	var log []store.LogRow
	c.mu.Lock()
	var st []byte
	if c.changes.state {
		st = c.encodeState()
	}
	recs := make([]record, 0, len(c.changes.up))
	for _, s := range slices.Sorted(maps.Keys(c.changes.up)) {
		if a := c.alerts[s]; a != nil {
			recs = append(recs, record{Subject: s, Kind: KindAlert, Event: a.Event, Seq: a.Seq, Received: a.Received, Updated: a.Updated,
				State: a.State, Status: a.Status, AssignedTo: a.AssignedTo, Actions: slices.Clone(a.Actions), ResolvedAt: a.resolvedAt,
				Warning: a.Warning, Severity: a.Severity, Count: a.Count, First: a.First, Last: a.Last, SinceAck: a.SinceAck,
				Raised: a.Raised, Cleared: a.Cleared, Chattering: a.Chattering, ShelvedUntil: a.ShelvedUntil, ShelvedBy: a.ShelvedBy,
				ShelveReason: a.ShelveReason, Folded: slices.Clone(a.folded)})
		} else if u := c.units[s]; u != nil {
			st := event.Fresh
			if u.Stale {
				st = event.StaleState
			}
			recs = append(recs, record{Subject: s, Kind: KindUnit, Event: u.Event, Received: u.LastSeen, Updated: u.LastSeen,
				State: st, Trail: slices.Clone(u.Trail), Warning: u.Warning})
		}
	}
	remove := slices.Sorted(maps.Keys(c.changes.rm))
	pending := c.changes.log
	lastSeq := c.lastSeq
	c.changes = newChanges()
	c.mu.Unlock()

	// Encoding happens outside the lock: Apply is not held up by it.
	for _, r := range recs {
		data, err := json.Marshal(r)
		if err != nil {
			continue // an event's properties that JSON cannot write; the event came in as JSON
		}
		upsert = append(upsert, store.LiveRow{Subject: r.Subject, Kind: string(r.Kind), Geom: r.Event.Geometry,
			Type: r.Event.Type, Severity: string(r.Event.Severity), Status: string(r.Status), State: string(r.State),
			Title: r.Event.Title, Seq: r.Seq, Received: r.Received, Updated: r.Updated, Data: data})
	}
	for _, p := range pending {
		var data []byte
		if p.msg != nil {
			data, _ = json.Marshal(p.msg)
		} else if p.action != nil {
			data, _ = json.Marshal(p.action)
		}
		log = append(log, store.LogRow{Time: p.time, Seq: p.seq, Kind: p.kind, Operator: p.operator, Subject: p.subject, Data: data})
	}
	return store.LiveBatch{Upsert: upsert, Remove: remove, Log: log, LastSeq: lastSeq, State: st}
}

// Restore loads the picture saved in the store (store.LoadLive) into an
// empty console after a restart: the alerts with their workflow and the
// units with their trails. Apply then skips messages up to lastSeq. Rows
// that cannot be read are left out and named in the error.
func (c *Console) Restore(rows []store.LiveRow, lastSeq int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, row := range rows {
		var r record
		if err := json.Unmarshal(row.Data, &r); err != nil {
			errs = append(errs, fmt.Errorf("console: restore %s: %w", row.Subject, err))
			continue
		}
		if r.Subject == "" {
			r.Subject = row.Subject
		}
		if err := r.Event.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("console: restore %s: %w", row.Subject, err))
			continue
		}
		switch r.Kind {
		case KindAlert:
			a := c.restoreAlert(&r)
			c.alerts[r.Subject] = a
			for _, id := range r.Folded {
				c.remember(a, id)
			}
			if a.key != "" && a.Status.open() {
				c.folds[a.key] = a.Subject
			}
		case KindUnit:
			if len(r.Trail) > c.opt.TrailLen {
				r.Trail = r.Trail[len(r.Trail)-c.opt.TrailLen:]
			}
			c.units[r.Subject] = &Unit{Subject: r.Subject, Event: r.Event, Trail: r.Trail, Stale: r.State == event.StaleState,
				LastSeen: r.Event.Time, Warning: c.warning(&r.Event)}
		default:
			errs = append(errs, fmt.Errorf("console: restore %s: kind %q is not alert or unit", row.Subject, r.Kind))
			continue
		}
		c.ids[r.Event.ID] = r.Subject
	}
	if lastSeq > c.lastSeq {
		c.lastSeq = lastSeq
	}
	c.version++
	return errors.Join(errs...)
}

// restoreAlert makes the alert of a saved record, with what an older
// record lacks (or another program wrote wrong) taken from its event.
func (c *Console) restoreAlert(r *record) *alertRec {
	switch r.Status {
	case StatusNew, StatusAcknowledged, StatusAssigned, StatusResolved:
	default:
		r.Status = StatusNew
	}
	switch r.Severity {
	case event.Extreme, event.Severe, event.Moderate, event.Minor, event.UnknownSeverity:
	default:
		r.Severity = r.Event.Severity
	}
	if r.Count < 1 {
		r.Count = 1
	}
	if r.First.IsZero() {
		r.First = r.Event.Time
	}
	if r.Last.IsZero() {
		r.Last = r.Event.Time
	}
	if r.Raised.IsZero() {
		r.Raised = r.Received
	}
	if r.Status == StatusResolved {
		r.ShelvedUntil = time.Time{}
	}
	if len(r.Actions) > MaxActions {
		r.Actions = r.Actions[len(r.Actions)-MaxActions:]
	}
	return &alertRec{Alert: Alert{Subject: r.Subject, Event: r.Event, Seq: r.Seq, Received: r.Received,
		Updated: r.Updated, State: r.State, Status: r.Status, AssignedTo: r.AssignedTo, Actions: r.Actions,
		Warning: c.warning(&r.Event), Drill: r.Event.IsDrill(), Severity: r.Severity, Count: r.Count, First: r.First,
		Last: r.Last, SinceAck: max(r.SinceAck, 0), Raised: r.Raised, Cleared: r.Cleared, Chattering: r.Chattering,
		ShelvedUntil: r.ShelvedUntil, ShelvedBy: r.ShelvedBy, ShelveReason: r.ShelveReason},
		resolvedAt: r.ResolvedAt, key: foldKey(&r.Event)}
}

// SaveError returns the error of Record's last save, nil when it
// succeeded (or none was tried).
func (c *Console) SaveError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.saveErr
}

// batch is changes taken but not yet saved.
type batch struct {
	up    map[string]store.LiveRow
	rm    map[string]bool
	log   []store.LogRow
	state []byte // the newest state not yet saved
}

func (b *batch) merge(up []store.LiveRow, rm []string, log []store.LogRow) {
	if b.up == nil {
		b.up, b.rm = map[string]store.LiveRow{}, map[string]bool{}
	}
	for _, r := range up {
		b.up[r.Subject] = r
		delete(b.rm, r.Subject)
	}
	for _, s := range rm {
		delete(b.up, s)
		b.rm[s] = true
	}
	b.log = append(b.log, log...)
	if n := len(b.log) - MaxPendingLog; n > 0 {
		b.log = append(b.log[:0], b.log[n:]...)
	}
}

// Record saves the console's changes to s every interval, each batch in
// one transaction (store.SaveLive), until ctx ends; then it saves what is
// left and returns. A batch that fails is kept and tried again with the
// next one (SaveError tells the UI); a read-only store ends Record at once
// with store.ErrReadOnly. It returns the last save's error.
func (c *Console) Record(ctx context.Context, s *store.Store, every time.Duration) error {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var b batch
	saved := int64(-1)
	save := func(ctx context.Context) error {
		ch := c.takeChanges()
		seq := ch.LastSeq
		b.merge(ch.Upsert, ch.Remove, ch.Log)
		if ch.State != nil {
			b.state = ch.State
		}
		if len(b.up) == 0 && len(b.rm) == 0 && len(b.log) == 0 && b.state == nil && seq == saved {
			return nil
		}
		rows := make([]store.LiveRow, 0, len(b.up))
		for _, k := range slices.Sorted(maps.Keys(b.up)) {
			rows = append(rows, b.up[k])
		}
		err := s.SaveLiveBatch(ctx, store.LiveBatch{Upsert: rows, Remove: slices.Sorted(maps.Keys(b.rm)), Log: b.log,
			LastSeq: seq, State: b.state})
		if err == nil {
			b, saved = batch{}, seq
		}
		c.mu.Lock()
		c.saveErr = err
		c.mu.Unlock()
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return save(context.WithoutCancel(ctx))
		case <-t.C:
			if err := save(ctx); errors.Is(err, store.ErrReadOnly) {
				return err
			}
		}
	}
}

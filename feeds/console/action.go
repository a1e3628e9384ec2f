package console

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"safetynet/feeds/event"
)

// Action kinds an operator takes (NewAction).
const (
	ActionAck      = "ack"
	ActionAssign   = "assign"
	ActionResolve  = "resolve"
	ActionNote     = "note"
	ActionShelve   = "shelve"
	ActionUnshelve = "unshelve"
)

// Action kinds only the console itself records (operator System).
const (
	ActionClear    = "clear"
	ActionEscalate = "escalate"
)

// DefaultShelve is how long NewAction shelves an alert; NewShelve takes
// a duration.
const DefaultShelve = time.Hour

// NewAction returns the event that carries an operator's action on the
// alert subject: type operator.<kind>, Op Ack, References [subject],
// Properties action, operator, unit and note, and a new random ID. Check
// it with Console.Check, apply it locally (seq 0) and publish it to the
// hub; the echo changes nothing. assign needs a unit, note a note, and
// shelve a reason (the note; it shelves for DefaultShelve, NewShelve for
// another time).
func NewAction(kind, subject, operator, unit, note string, now time.Time) (event.Event, error) {
	if kind == ActionShelve {
		return NewShelve(subject, operator, note, DefaultShelve, now)
	}
	return newAction(kind, subject, operator, unit, note, 0, now)
}

// NewShelve returns the event that shelves the alert subject for d (more
// than 0; the console cuts it to Options.MaxShelve, and Check refuses
// more) with a reason: as NewAction, kind shelve, with
// properties.duration_s the shelf time in seconds.
func NewShelve(subject, operator, reason string, d time.Duration, now time.Time) (event.Event, error) {
	return newAction(ActionShelve, subject, operator, "", reason, d, now)
}

func newAction(kind, subject, operator, unit, note string, d time.Duration, now time.Time) (event.Event, error) {
	switch kind {
	case ActionAck, ActionResolve, ActionUnshelve:
	case ActionAssign:
		if strings.TrimSpace(unit) == "" {
			return event.Event{}, fmt.Errorf("console: assign %s: no unit to assign", subject)
		}
	case ActionNote:
		if strings.TrimSpace(note) == "" {
			return event.Event{}, fmt.Errorf("console: note on %s: the note is empty", subject)
		}
	case ActionShelve:
		if strings.TrimSpace(note) == "" {
			return event.Event{}, fmt.Errorf("console: shelve %s: give a reason for shelving", subject)
		}
		if d <= 0 {
			return event.Event{}, fmt.Errorf("console: shelve %s: the shelf time %v is not positive", subject, d)
		}
	default:
		return event.Event{}, fmt.Errorf("console: action %q is not ack, assign, resolve, note, shelve or unshelve", kind)
	}
	if subject == "" {
		return event.Event{}, fmt.Errorf("console: %s: no alert named", kind)
	}
	if strings.TrimSpace(operator) == "" {
		return event.Event{}, fmt.Errorf("console: %s %s: no operator named", kind, subject)
	}
	var b [12]byte
	rand.Read(b[:])
	e := event.Event{
		ID: "op-" + hex.EncodeToString(b[:]), Type: "operator." + kind, Op: event.Ack, Time: now,
		References: []string{subject}, Title: kind + " " + subject + " by " + operator,
		Properties: map[string]any{"action": kind, "operator": operator, "unit": unit, "note": note},
	}
	if kind == ActionShelve {
		e.Properties["duration_s"] = d.Seconds()
	}
	if err := e.Validate(); err != nil {
		return event.Event{}, fmt.Errorf("console: %s %s: %w", kind, subject, err)
	}
	return e, nil
}

// ErrRefused is wrapped by every RefusedError.
var ErrRefused = errors.New("console: action refused")

// Reasons of a RefusedError, in English: the UI translates them as keys.
const (
	ReasonAcknowledged = "already acknowledged"
	ReasonAssigned     = "already assigned"
	ReasonResolved     = "already resolved"
	ReasonSameUnit     = "already assigned to that unit"
	ReasonNotShelved   = "not shelved"
	ReasonNoReason     = "no reason given for shelving"
	ReasonNoShelfTime  = "no shelf time given"
	ReasonTooLong      = "longer than the longest shelf time"
	ReasonGone         = "no longer in the queue"
	ReasonNotAlert     = "not an alert"
)

// RefusedError says why an action is not allowed on an alert in its
// present state.
type RefusedError struct {
	// Kind is the action refused, Subject the alert.
	Kind, Subject string
	// Reason is one of the Reason* phrases.
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("console: %s %s refused: %s", e.Kind, e.Subject, e.Reason)
}

// Unwrap makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Unwrap() error { return ErrRefused }

// Allows reports whether an operator may take an action of kind on the
// alert in its present state: nil, or a *RefusedError saying why not. Ack
// needs a new alert; assign, resolve and shelve an alert not resolved;
// unshelve a shelved one; a note is always allowed. Use it to enable the
// actions a UI offers; Console.Check also looks at the action's details.
func (a Alert) Allows(kind string) error {
	refuse := func(why string) error { return &RefusedError{Kind: kind, Subject: a.Subject, Reason: why} }
	if a.Status == "" {
		return refuse(ReasonNotAlert)
	}
	switch kind {
	case ActionAck:
		switch a.Status {
		case StatusAcknowledged:
			return refuse(ReasonAcknowledged)
		case StatusAssigned:
			return refuse(ReasonAssigned)
		case StatusResolved:
			return refuse(ReasonResolved)
		}
	case ActionAssign, ActionResolve, ActionShelve:
		if a.Status == StatusResolved {
			return refuse(ReasonResolved)
		}
	case ActionUnshelve:
		if a.ShelvedUntil.IsZero() {
			return refuse(ReasonNotShelved)
		}
	case ActionNote:
	default:
		return fmt.Errorf("console: action %q is not ack, assign, resolve, note, shelve or unshelve", kind)
	}
	return nil
}

// Check reports whether the console allows the operator's action e (from
// NewAction or NewShelve) now: nil, or a *RefusedError (the alert is gone,
// its state does not allow it, an assign to the unit already assigned, a
// shelf longer than Options.MaxShelve or without a reason), or an error
// when e is not an action. Call it before applying and publishing e.
func (c *Console) Check(e event.Event) error {
	if !isAction(&e) || len(e.References) == 0 {
		return fmt.Errorf("console: event %s (%s) is not an operator action", e.ID, e.Type)
	}
	kind := actionKind(&e)
	c.mu.Lock()
	defer c.mu.Unlock()
	subj := e.References[0]
	a := c.alerts[subj]
	if a == nil {
		return &RefusedError{Kind: kind, Subject: subj, Reason: ReasonGone}
	}
	_, err := c.allows(a, &e, kind, true)
	return err
}

// actionKind is the kind of the operator action e.
func actionKind(e *event.Event) string {
	if k := str(e.Properties, "action"); k != "" {
		return k
	}
	return strings.TrimPrefix(e.Type, "operator.")
}

// allows checks the action e of kind on a and returns, for a shelve, the
// shelf time, cut to MaxShelve unless strict (then longer is refused).
func (c *Console) allows(a *alertRec, e *event.Event, kind string, strict bool) (time.Duration, error) {
	if err := a.Allows(kind); err != nil {
		return 0, err
	}
	refuse := func(why string) error { return &RefusedError{Kind: kind, Subject: a.Subject, Reason: why} }
	switch kind {
	case ActionAssign:
		if u := str(e.Properties, "unit"); a.Status == StatusAssigned && u == a.AssignedTo {
			return 0, refuse(ReasonSameUnit)
		}
	case ActionShelve:
		if strings.TrimSpace(str(e.Properties, "note")) == "" {
			return 0, refuse(ReasonNoReason)
		}
		sec, _ := e.Properties["duration_s"].(float64)
		if !(sec > 0) || math.IsInf(sec, 0) {
			return 0, refuse(ReasonNoShelfTime)
		}
		d := c.opt.MaxShelve
		if sec < d.Seconds() {
			d = time.Duration(sec * float64(time.Second))
		} else if strict && sec > d.Seconds() {
			return 0, refuse(ReasonTooLong)
		}
		return d, nil
	}
	return 0, nil
}

// applyAction applies an operator's action to the alert it names; an
// action the alert's state does not allow changes nothing. The hub's echo
// (seq > 0) of an action applied locally changes nothing but the
// operator: the hub names who really acted (the token's name).
func (c *Console) applyAction(e *event.Event, seq int64, subj string, now time.Time) bool {
	a := c.alerts[subj]
	if a == nil {
		return false
	}
	for i, x := range a.Actions {
		if x.EventID == e.ID {
			if op := str(e.Properties, "operator"); seq > 0 && op != "" && op != x.Operator {
				a.Actions[i].Operator = op
				c.changes.dirty(a.Subject)
				return true
			}
			return false
		}
	}
	kind := actionKind(e)
	switch kind {
	case ActionAck, ActionAssign, ActionResolve, ActionNote, ActionShelve, ActionUnshelve:
	default:
		return false
	}
	d, err := c.allows(a, e, kind, false)
	if err != nil {
		return false
	}
	x := Action{Kind: kind, Operator: str(e.Properties, "operator"), Unit: str(e.Properties, "unit"),
		Note: str(e.Properties, "note"), EventID: e.ID, Time: e.Time}
	if kind == ActionShelve {
		x.Until = e.Time.Add(d)
	}
	c.act(a, x, now)
	if kind == ActionAck && !a.Cleared.IsZero() && a.Status == StatusAcknowledged {
		res := Action{Kind: ActionResolve, Operator: System, Note: NoteAckNormal, EventID: e.ID, Time: e.Time}
		c.act(a, res, now)
		c.changes.logRule(now, res, subj)
	}
	return true
}

// act records x on a and moves its status: ack takes a new alert to
// acknowledged (assigned when it has a unit), assign an open one to
// assigned (AssignedTo the unit), resolve any to resolved (off the
// shelf); shelve and unshelve set and clear the shelf; a note, clear and
// escalate only join Actions.
func (c *Console) act(a *alertRec, x Action, now time.Time) {
	a.Actions = append(a.Actions, x)
	if len(a.Actions) > MaxActions {
		a.Actions = append([]Action(nil), a.Actions[len(a.Actions)-MaxActions:]...)
	}
	switch x.Kind {
	case ActionAck:
		if a.Status == StatusNew {
			a.Status = StatusAcknowledged
			if a.AssignedTo != "" {
				a.Status = StatusAssigned
			}
		}
	case ActionAssign:
		if a.Status != StatusResolved {
			a.Status, a.AssignedTo = StatusAssigned, x.Unit
		}
	case ActionResolve:
		if a.Status != StatusResolved {
			a.Status, a.resolvedAt = StatusResolved, now
			a.ShelvedUntil, a.ShelvedBy, a.ShelveReason = time.Time{}, "", ""
		}
	case ActionShelve:
		a.ShelvedUntil, a.ShelvedBy, a.ShelveReason = x.Until, x.Operator, x.Note
	case ActionUnshelve:
		a.ShelvedUntil, a.ShelvedBy, a.ShelveReason = time.Time{}, "", ""
	}
	a.Updated = now
	c.changes.dirty(a.Subject)
}

// unshelve takes a off the shelf with the action x.
func (c *Console) unshelve(a *alertRec, x Action, now time.Time) {
	c.act(a, x, now)
}

// MaxShelve is the longest an alert may be shelved (Options.MaxShelve).
func (c *Console) MaxShelve() time.Duration { return c.opt.MaxShelve }

// ActionOpen is the kind of the log entry an operator's first look at an
// alert leaves (Opened): the "first opened" link of the response chain.
// It is recorded in this console's event log only (kind "view"), never
// sent to the hub, and changes nothing in the alert's workflow.
const ActionOpen = "open"

// LogView is the event-log kind of an Opened entry; its data is the
// Action (kind open) as JSON.
const LogView = "view"

// Opened records that operator opened the alert subject at now: the
// first time for that alert since it arrived (or came back after being
// resolved) it leaves a log entry of kind LogView; later openings leave
// none. It reports whether it logged one.
func (c *Console) Opened(subject, operator string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.alerts[subject]
	if a == nil || a.Status == "" || (a.opened && a.openedFor.Equal(a.Received)) {
		return false
	}
	a.opened, a.openedFor = true, a.Received
	x := Action{Kind: ActionOpen, Operator: operator, EventID: a.Event.ID, Time: now}
	c.changes.add(pendingLog{time: now, kind: LogView, operator: operator, subject: subject, action: &x})
	return true
}

package console

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"safetynet/feeds/event"
)

// Action kinds.
const (
	ActionAck     = "ack"
	ActionAssign  = "assign"
	ActionResolve = "resolve"
	ActionNote    = "note"
)

// NewAction returns the event that carries an operator's action on the
// alert subject: type operator.<kind>, Op Ack, References [subject],
// Properties action, operator, unit and note, and a new random ID. Apply
// it locally (seq 0) and publish it to the hub; the echo changes nothing.
// assign needs a unit and note a note.
func NewAction(kind, subject, operator, unit, note string, now time.Time) (event.Event, error) {
	switch kind {
	case ActionAck, ActionResolve:
	case ActionAssign:
		if strings.TrimSpace(unit) == "" {
			return event.Event{}, fmt.Errorf("console: assign %s: no unit to assign", subject)
		}
	case ActionNote:
		if strings.TrimSpace(note) == "" {
			return event.Event{}, fmt.Errorf("console: note on %s: the note is empty", subject)
		}
	default:
		return event.Event{}, fmt.Errorf("console: action %q is not ack, assign, resolve or note", kind)
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
	if err := e.Validate(); err != nil {
		return event.Event{}, fmt.Errorf("console: %s %s: %w", kind, subject, err)
	}
	return e, nil
}

// applyAction applies an operator's action to the alert it names. The
// hub's echo (seq > 0) of an action applied locally changes nothing but
// the operator: the hub names who really acted (the token's name).
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
	kind := str(e.Properties, "action")
	if kind == "" {
		kind = strings.TrimPrefix(e.Type, "operator.")
	}
	switch kind {
	case ActionAck, ActionAssign, ActionResolve, ActionNote:
	default:
		return false
	}
	c.act(a, Action{Kind: kind, Operator: str(e.Properties, "operator"), Unit: str(e.Properties, "unit"),
		Note: str(e.Properties, "note"), EventID: e.ID, Time: e.Time}, now)
	return true
}

// act records x on a and moves its status: ack takes a new alert to
// acknowledged, assign an open one to assigned (AssignedTo the unit),
// resolve any to resolved; a note, or an action on a resolved alert other
// than resolve, only joins Actions.
func (c *Console) act(a *alertRec, x Action, now time.Time) {
	a.Actions = append(a.Actions, x)
	if len(a.Actions) > MaxActions {
		a.Actions = append([]Action(nil), a.Actions[len(a.Actions)-MaxActions:]...)
	}
	switch x.Kind {
	case ActionAck:
		if a.Status == StatusNew {
			a.Status = StatusAcknowledged
		}
	case ActionAssign:
		if a.Status != StatusResolved {
			a.Status, a.AssignedTo = StatusAssigned, x.Unit
		}
	case ActionResolve:
		if a.Status != StatusResolved {
			a.Status, a.resolvedAt = StatusResolved, now
		}
	}
	a.Updated = now
	c.changes.dirty(a.Subject)
}

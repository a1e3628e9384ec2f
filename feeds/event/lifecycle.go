package event

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// State is where an event is in its lifecycle. Every kind of event goes
// fresh -> stale -> expired, or is deleted by a Cancel on the way.
type State string

// States.
const (
	// Fresh: current, shown as live.
	Fresh State = "fresh"
	// StaleState: past its stale time, shown greyed until it expires.
	StaleState State = "stale"
	// Expired: past its expiry; never shown or sent as live again.
	Expired State = "expired"
	// Deleted: cancelled (CAP Cancel, CoT delete or drop-track).
	Deleted State = "deleted"
)

// StateAt returns the state of e alone at now: Deleted for a Cancel,
// otherwise by its stale and expiry times.
func (e *Event) StateAt(now time.Time) State {
	switch {
	case e.Op == Cancel:
		return Deleted
	case !e.Expires.IsZero() && !now.Before(e.Expires):
		return Expired
	case !e.Stale.IsZero() && !now.Before(e.Stale):
		return StaleState
	}
	return Fresh
}

// Live reports whether the state is one shown on the live picture.
func (s State) Live() bool { return s == Fresh || s == StaleState }

// Message is one event as the hub sends it to subscribers: the event as
// stored, its sequence number in the hub's log, who published it and when
// the hub received it, and its state when the hub sent it. A subscriber
// shows an event as live only when State is fresh or stale.
type Message struct {
	Seq       int64     `json:"seq"`
	Publisher string    `json:"publisher"`
	Received  time.Time `json:"received"`
	State     State     `json:"state"`
	Event     Event     `json:"event"`
}

// AppendMessage appends the JSON of a Message to dst without decoding the
// stored event: data must be the event's JSON envelope as stored.
func AppendMessage(dst []byte, seq int64, publisher string, received time.Time, state State, data []byte) []byte {
	dst = append(dst, `{"seq":`...)
	dst = fmt.Appendf(dst, "%d", seq)
	dst = append(dst, `,"publisher":`...)
	p, _ := json.Marshal(publisher)
	dst = append(dst, p...)
	dst = append(dst, `,"received":"`...)
	dst = received.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","state":"`...)
	dst = append(dst, state...)
	dst = append(dst, `","event":`...)
	dst = append(dst, data...)
	return append(dst, '}')
}

// Picture is the live picture built from a stream of events: the current
// event of each subject and the state of each. It applies the one lifecycle
// of every kind: a newer report of a subject replaces the older (CoT same
// uid, CAP Update through references, JSON same subject), Cancel deletes,
// and expired events drop out of Live.
//
// The zero value is ready to use. A Picture is not safe for concurrent use.
type Picture struct {
	current map[string]Event  // subject -> its current event
	deleted map[string]bool   // subjects cancelled
	ids     map[string]string // event id -> subject
}

// Subject returns the subject e applies to in p: its own Subject, else for
// an event with references the subject of the first reference p knows (or
// the first reference itself), else its ID.
func (p *Picture) Subject(e *Event) string {
	if e.Subject != "" {
		return e.Subject
	}
	if len(e.References) > 0 {
		for _, r := range e.References {
			if s, ok := p.ids[r]; ok {
				return s
			}
			if _, ok := p.current[r]; ok {
				return r
			}
		}
		if e.Op != Report {
			return e.References[0]
		}
	}
	return e.ID
}

// Apply adds e to the picture and returns the subject it applied to and the
// subject's state at now afterwards. A report older (by Time) than the
// subject's current one is ignored; an Ack changes nothing.
func (p *Picture) Apply(e Event, now time.Time) (string, State) {
	if p.current == nil {
		p.current = map[string]Event{}
		p.deleted = map[string]bool{}
		p.ids = map[string]string{}
	}
	subj := p.Subject(&e)
	if e.Op == Ack {
		return subj, p.State(subj, now)
	}
	p.ids[e.ID] = subj
	if e.Op == Cancel {
		delete(p.current, subj)
		p.deleted[subj] = true
		return subj, Deleted
	}
	if cur, ok := p.current[subj]; ok && e.Time.Before(cur.Time) {
		return subj, p.State(subj, now)
	}
	delete(p.deleted, subj)
	p.current[subj] = e
	return subj, e.StateAt(now)
}

// State returns the state of subject at now; "" when p never saw it.
func (p *Picture) State(subject string, now time.Time) State {
	if e, ok := p.current[subject]; ok {
		return e.StateAt(now)
	}
	if p.deleted[subject] {
		return Deleted
	}
	return ""
}

// Get returns the current event of subject.
func (p *Picture) Get(subject string) (Event, bool) {
	e, ok := p.current[subject]
	return e, ok
}

// Live returns the current events that are fresh or stale at now, ordered
// by subject.
func (p *Picture) Live(now time.Time) []Event {
	var out []Event
	for _, e := range p.current {
		if e.StateAt(now).Live() {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SubjectOrID() < out[j].SubjectOrID() })
	return out
}

// Prune forgets expired subjects and deletions, and the ids that point at
// them, keeping the picture's memory bounded.
func (p *Picture) Prune(now time.Time) {
	gone := map[string]bool{}
	for s, e := range p.current {
		if e.StateAt(now) == Expired {
			delete(p.current, s)
			gone[s] = true
		}
	}
	for s := range p.deleted {
		gone[s] = true
	}
	clear(p.deleted)
	for id, s := range p.ids {
		if gone[s] {
			delete(p.ids, id)
		}
	}
}

// Len returns the number of subjects with a current event.
func (p *Picture) Len() int { return len(p.current) }

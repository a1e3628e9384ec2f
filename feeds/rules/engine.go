package rules

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// Types of the events rules raise.
const (
	TypeZoneEnter        = "rule.zone_enter"
	TypeZoneLeave        = "rule.zone_leave"
	TypeAbsence          = "rule.absence"
	TypeCoverageDrop     = "rule.coverage_drop"
	TypeMissedCheckpoint = "patrol.missed_checkpoint"
	TypeCheckpointLate   = "rule.checkpoint_late"
)

// SourcePrefix begins the Source of every raised event: "rule:<rule id>".
const SourcePrefix = "rule:"

// Engine evaluates rules over a stream of events. Its clock is the times
// it is given (event times and the now arguments), never the wall clock:
// replaying a stream with its own times raises the same events.
//
// An Engine is not safe for concurrent use: one goroutine owns it.
type Engine struct {
	env   Env
	loc   *time.Location
	start time.Time

	zones   []zone
	zoneIdx map[string]int

	moves    []*moveRule
	absences []*absenceRule
	covers   []*coverRule
	checks   []*checkRule

	units      map[string]*unit
	scratch    []bool
	nextExpiry time.Time // no unit expires before; zero: none may
	cams       map[string]*camState
}

// New returns an engine for the rules in env, whose clock starts at start
// (absence is counted from start). Disabled rules are kept out. Its errors
// name the rule: a field that is wrong, a zone code not in env, a route
// code not among env's routes or with shifts that do not parse.
func New(rules []Rule, env Env, start time.Time) (*Engine, error) {
	if err := checkAll(rules); err != nil {
		return nil, err
	}
	g := &Engine{env: env, loc: env.Location, start: start, zoneIdx: map[string]int{},
		units: map[string]*unit{}, cams: map[string]*camState{}}
	if g.loc == nil {
		g.loc = time.Local
	}
	routes := buildRoutes(env)
	for i, r := range rules {
		if r.Disabled {
			continue
		}
		if err := g.add(r, routes); err != nil {
			return nil, fmt.Errorf("rules: %s: %w", where(i, r.ID), err)
		}
	}
	return g, nil
}

func (g *Engine) add(r Rule, routes []*routeInfo) error {
	switch r.Kind {
	case Enter, Leave, Absence:
		z, err := g.zone(r.Zone)
		if err != nil {
			return err
		}
		units := r.Units
		if units == "" {
			units = DefaultUnits
		}
		if r.Kind == Absence {
			g.absences = append(g.absences, &absenceRule{rule: r, zone: z, units: units, inside: map[string]bool{},
				emptySince: g.start, status: event.Actual})
		} else {
			g.moves = append(g.moves, &moveRule{rule: r, zone: z, units: units})
		}
	case CameraCoverage:
		min := r.MinShare
		if min == 0 {
			min = DefaultMinShare
		}
		g.covers = append(g.covers, &coverRule{rule: r, min: min, active: map[string]*dropAlert{}})
	case Checkpoint:
		c, err := newCheckRule(r, routes, g.start)
		if err != nil {
			return err
		}
		g.checks = append(g.checks, c)
	}
	return nil
}

// zone returns the index of the zone with the given code, adding it.
func (g *Engine) zone(code string) (int, error) {
	if i, ok := g.zoneIdx[code]; ok {
		return i, nil
	}
	p, ok := g.env.Zones[code]
	if !ok {
		return 0, fmt.Errorf("zone %q is not a key area of this community", preview(code))
	}
	if len(p) == 0 || len(p[0]) < 4 {
		return 0, fmt.Errorf("zone %q has no polygon", preview(code))
	}
	if err := event.CheckGeometry(p); err != nil {
		return 0, fmt.Errorf("zone %q: %w", preview(code), err)
	}
	name := g.env.ZoneNames[code]
	if name == "" {
		name = code
	}
	g.zones = append(g.zones, zone{code: code, name: name, poly: p, bound: p.Bound()})
	g.zoneIdx[code] = len(g.zones) - 1
	g.scratch = make([]bool, len(g.zones))
	return len(g.zones) - 1, nil
}

// Observe evaluates the rules on one received event; now is the
// console's current time on the same clock as the events (when replaying,
// the time of the event replayed). Events with a Point geometry and a
// subject with a zone rule's Units prefix are positions of that unit; a
// Cancel of the unit's subject forgets it; camera.offline and
// camera.online ("camera:<code>") drive camera_coverage rules;
// patrol.checkpoint (properties route, checkpoint, order) drives
// checkpoint rules. Events without a time are ignored.
//
// It returns the events raised, in a fixed order: those due before the
// event's time, those the event triggers, then those due by now.
func (g *Engine) Observe(e event.Event, now time.Time) []event.Event {
	var out []event.Event
	if !e.Time.IsZero() && e.Time.Before(now) {
		out = g.advance(e.Time, out)
	}
	switch {
	case e.Time.IsZero():
	case e.Op == event.Cancel:
		out = g.cancelUnit(e, out)
	case e.Op == event.Ack:
	default:
		switch e.Type {
		case "camera.offline", "camera.online":
			out = g.camera(e, out)
		case "patrol.checkpoint":
			out = g.checkpoint(e, out)
		}
		if p, ok := e.Geometry.(orb.Point); ok {
			out = g.position(e, subjectOf(e), p, out)
		}
	}
	return g.advance(now, out)
}

// subjectOf returns the subject an event describes: its Subject, for an
// Update or Cancel without one the first of its References, else its ID.
func subjectOf(e event.Event) string {
	switch {
	case e.Subject != "":
		return e.Subject
	case (e.Op == event.Update || e.Op == event.Cancel) && len(e.References) > 0:
		return e.References[0]
	}
	return e.ID
}

// Tick raises what has come due by now: absences and late checkpoints. A
// console calls it about once a second.
func (g *Engine) Tick(now time.Time) []event.Event {
	return g.advance(now, nil)
}

// advance raises everything due at or before t, in time order per rule.
func (g *Engine) advance(t time.Time, out []event.Event) []event.Event {
	out = g.expire(t, out)
	for _, a := range g.absences {
		out = a.due(g, t, out)
	}
	for _, c := range g.checks {
		out = c.due(g, t, out)
	}
	return out
}

// severity returns the rule's severity or the kind's usual one.
func severity(r Rule, usual event.Severity) event.Severity {
	if r.Severity != "" {
		return r.Severity
	}
	return usual
}

// raise completes and validates an event of rule r triggered at t; key
// names the trigger within the rule (a unit, a zone, a checkpoint...).
// Events that would not validate are dropped.
func raise(out []event.Event, r Rule, key string, t time.Time, e event.Event) []event.Event {
	e.ID = eventID(r.ID, key, t)
	if e.Subject == "" {
		e.Subject = e.ID
	}
	e.Time = t
	e.Source = SourcePrefix + r.ID
	if e.Properties == nil {
		e.Properties = map[string]any{}
	}
	e.Properties["rule"] = r.ID
	e.Properties["kind"] = string(r.Kind)
	if r.Name != "" {
		e.Properties["rule_name"] = r.Name
	}
	if e.Status == "" {
		e.Status = event.Actual
	}
	if err := e.Validate(); err != nil {
		return out
	}
	return append(out, e)
}

// eventID is "rule:<rule id>:<key>:<t in Unix milliseconds>", shortened
// with a hash when longer than an event ID may be.
func eventID(rule, key string, t time.Time) string {
	return clipID(SourcePrefix + rule + ":" + key + ":" + strconv.FormatInt(t.UnixMilli(), 10))
}

// clipID keeps id within event.MaxIDLen, replacing the middle of a longer
// one by a hash of the whole.
func clipID(id string) string {
	if len(id) <= event.MaxIDLen {
		return id
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	sum := fmt.Sprintf("~%016x~", h.Sum64())
	keep := (event.MaxIDLen - len(sum)) / 2
	head, tail := id[:keep], id[len(id)-keep:]
	head = strings.ToValidUTF8(head, "")
	tail = strings.ToValidUTF8(tail, "")
	return head + sum + tail
}

// clock formats t for titles in the engine's location.
func (g *Engine) clock(t time.Time) string { return t.In(g.loc).Format("15:04") }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package rules

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/feeds/event"
)

// zone is a key area a rule names.
type zone struct {
	code, name string
	poly       orb.Polygon
	bound      orb.Bound
}

func (z *zone) contains(p orb.Point) bool {
	return z.bound.Contains(p) && planar.PolygonContains(z.poly, p)
}

// unit is a tracked unit: its last position and the zones it is in.
type unit struct {
	subject string
	name    string // the title of its last position, else its subject
	t       time.Time
	expires time.Time
	status  event.Status // of its last position
	in      []bool       // by zone index
}

// MaxUnits is how many units an engine tracks at once; a new unit beyond
// it makes the engine forget the one heard from least recently.
const MaxUnits = 10000

// evictOldest forgets the unit whose last position is oldest (the first
// subject among equals), as if cancelled at that time.
func (g *Engine) evictOldest() {
	var old *unit
	for _, u := range g.units {
		if old == nil || u.t.Before(old.t) || (u.t.Equal(old.t) && u.subject < old.subject) {
			old = u
		}
	}
	if old != nil {
		g.forget(old, old.t, old.status)
	}
}

// moveRule is an enter or leave rule.
type moveRule struct {
	rule  Rule
	zone  int
	units string
}

// absenceRule is an absence rule: the units inside its zone, and since
// when it has been empty.
type absenceRule struct {
	rule       Rule
	zone       int
	units      string
	inside     map[string]bool
	emptySince time.Time
	raised     bool         // for the current period without units
	status     event.Status // of the event that emptied the zone
}

// tracked reports whether some zone rule applies to the subject.
func (g *Engine) tracked(subject string) bool {
	for _, m := range g.moves {
		if strings.HasPrefix(subject, m.units) {
			return true
		}
	}
	for _, a := range g.absences {
		if strings.HasPrefix(subject, a.units) {
			return true
		}
	}
	return false
}

// position moves the unit subject to p at e.Time, raising enter and leave
// events for the zones it crossed into or out of. The first position of a
// unit only sets where it is; positions not newer than the last are
// ignored.
func (g *Engine) position(e event.Event, subject string, p orb.Point, out []event.Event) []event.Event {
	if len(g.zones) == 0 || !g.tracked(subject) {
		return out
	}
	if err := event.CheckGeometry(p); err != nil {
		return out
	}
	u := g.units[subject]
	first := u == nil
	if !first && !e.Time.After(u.t) {
		return out
	}
	now := g.scratch
	for i := range g.zones {
		now[i] = g.zones[i].contains(p)
	}
	if first {
		if len(g.units) >= MaxUnits {
			g.evictOldest()
		}
		u = &unit{subject: subject, in: make([]bool, len(g.zones))}
		g.units[subject] = u
	}
	u.name = subject
	if e.Title != "" && len(e.Title) <= MaxNameLen {
		u.name = e.Title
	}
	if !first {
		for _, m := range g.moves {
			if !strings.HasPrefix(subject, m.units) {
				continue
			}
			was, is := u.in[m.zone], now[m.zone]
			if (m.rule.Kind == Enter && !was && is) || (m.rule.Kind == Leave && was && !is) {
				out = g.raiseMove(out, m, u, p, e)
			}
		}
	}
	for _, a := range g.absences {
		if !strings.HasPrefix(subject, a.units) {
			continue
		}
		switch is := now[a.zone]; {
		case is && !a.inside[subject]:
			out = a.due(g, e.Time, out)
			a.inside[subject] = true
		case !is && a.inside[subject]:
			a.leave(subject, e.Time, e.Status)
		}
	}
	u.in, g.scratch = now, u.in
	u.t, u.expires, u.status = e.Time, e.Expires, e.Status
	if !u.expires.IsZero() && (g.nextExpiry.IsZero() || u.expires.Before(g.nextExpiry)) {
		g.nextExpiry = u.expires
	}
	return out
}

func (g *Engine) raiseMove(out []event.Event, m *moveRule, u *unit, p orb.Point, e event.Event) []event.Event {
	z := &g.zones[m.zone]
	typ, verb, sev := TypeZoneEnter, "entered", event.Moderate
	if m.rule.Kind == Leave {
		typ, verb, sev = TypeZoneLeave, "left", event.Minor
	}
	return raise(out, m.rule, u.subject, e.Time, event.Event{
		Type:        typ,
		Severity:    severity(m.rule, sev),
		Status:      e.Status,
		Geometry:    p,
		Title:       g.env.title(string(m.rule.Kind), u.name, z.name),
		Description: fmt.Sprintf("%s (%s) %s key area %s (%s) at %s.", u.name, u.subject, verb, z.name, z.code, g.clock(e.Time)),
		Properties:  map[string]any{"zone": z.code, "unit": u.subject},
	})
}

// leave takes a unit out of the rule's zone at t; an empty zone starts a
// new period of absence.
func (a *absenceRule) leave(subject string, t time.Time, status event.Status) {
	delete(a.inside, subject)
	if len(a.inside) == 0 {
		a.emptySince, a.raised, a.status = t, false, status
	}
}

// due raises the absence when the zone has been empty for the rule's
// minutes by t, once per period.
func (a *absenceRule) due(g *Engine, t time.Time, out []event.Event) []event.Event {
	if a.raised || len(a.inside) > 0 {
		return out
	}
	at := a.emptySince.Add(minutes(a.rule.Minutes))
	if at.After(t) {
		return out
	}
	a.raised = true
	z := &g.zones[a.zone]
	return raise(out, a.rule, z.code, at, event.Event{
		Type:     TypeAbsence,
		Severity: severity(a.rule, event.Moderate),
		Status:   a.status,
		Geometry: z.poly,
		Title:    g.env.title("absence", z.name, span(minutes(a.rule.Minutes))),
		Description: fmt.Sprintf("No unit (%s*) has been inside key area %s (%s) since %s.",
			a.units, z.name, z.code, g.clock(a.emptySince)),
		Properties: map[string]any{"zone": z.code, "since": a.emptySince.Format(time.RFC3339), "minutes": a.rule.Minutes},
	})
}

// cancelUnit forgets the unit a Cancel names: its next position starts
// afresh, and the zones it was in count it out from the cancel's time.
func (g *Engine) cancelUnit(e event.Event, out []event.Event) []event.Event {
	if u := g.units[subjectOf(e)]; u != nil {
		g.forget(u, e.Time, e.Status)
	}
	return out
}

func (g *Engine) forget(u *unit, t time.Time, status event.Status) {
	for _, a := range g.absences {
		if a.inside[u.subject] {
			a.leave(u.subject, t, status)
		}
	}
	delete(g.units, u.subject)
}

// expire forgets the units whose last position expired by t, in order of
// expiry: a unit that stopped reporting does not hold a zone.
func (g *Engine) expire(t time.Time, out []event.Event) []event.Event {
	if g.nextExpiry.IsZero() || g.nextExpiry.After(t) {
		return out
	}
	var gone []*unit
	next := time.Time{}
	for _, u := range g.units {
		switch {
		case u.expires.IsZero():
		case !u.expires.After(t):
			gone = append(gone, u)
		case next.IsZero() || u.expires.Before(next):
			next = u.expires
		}
	}
	sort.Slice(gone, func(i, j int) bool {
		if !gone[i].expires.Equal(gone[j].expires) {
			return gone[i].expires.Before(gone[j].expires)
		}
		return gone[i].subject < gone[j].subject
	})
	for _, u := range gone {
		// Absences that came due before the unit expired are raised first.
		for _, a := range g.absences {
			out = a.due(g, u.expires, out)
		}
		g.forget(u, u.expires, u.status)
	}
	g.nextExpiry = next
	return out
}

// minutes converts a rule's minutes to a duration.
func minutes(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }

// span writes a duration for titles: "30 min", "1 h 30 min", "45 s".
func span(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d h", h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%d min", m))
	}
	if s > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d s", s))
	}
	return strings.Join(parts, " ")
}

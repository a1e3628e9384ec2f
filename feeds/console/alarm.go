package console

import (
	"slices"
	"strings"
	"time"

	"safetynet/feeds/event"
)

// System is the operator of automatic actions.
const System = "system"

// TypeDrillEnd is the type of the event that ends a drill: send it with
// status exercise (or test), and optionally properties.drill naming the
// exercise, as the drill's alerts do.
const TypeDrillEnd = "drill.end"

// normalSuffix ends the type of an event that says its source is back to
// normal: fire.normal, access.normal, ...
const normalSuffix = ".normal"

// IsNormal reports whether e says its source is back to normal: its type
// is <family>.normal (fire.normal clears the source's fire.* alerts).
func IsNormal(e *event.Event) bool {
	return strings.HasSuffix(e.Type, normalSuffix) && e.Op != event.Cancel
}

// foldKey is what alarms that fold together share: source and type. ""
// for alarms that never fold: those without a source, those naming their
// own subject, and CAP messages.
func foldKey(e *event.Event) string {
	if e.Source == "" || e.Subject != "" || e.Format == event.CAP || e.Op != event.Report {
		return ""
	}
	return e.Source + "\x00" + e.Type
}

// rateTime is when an alarm counts in the rate: its event time, never
// later than now (a source whose clock runs ahead).
func (c *Console) rateTime(e *event.Event, now time.Time) time.Time {
	if e.Time.After(now) {
		return now
	}
	return e.Time
}

// count counts the new alarm e in the rate, at severity sev.
func (c *Console) count(e *event.Event, sev event.Severity, now time.Time) {
	c.rate.add(c.rateTime(e, now), sev, 1)
	c.changes.state = true
}

// chatter is one alarm source's recent alarms.
type chatter struct {
	times []time.Time // event times of its last alarms, at most ChatterCount
	on    bool        // chattering
	last  time.Time   // its latest alarm
}

// chatter records that e's source alarmed and reports whether it is
// chattering now; sources without a name never chatter. When a source
// starts chattering, its open alerts are marked.
func (c *Console) chatter(e *event.Event) bool {
	if e.Source == "" || e.Op != event.Report {
		return false
	}
	c.changes.state = true
	ch := c.sources[e.Source]
	if ch == nil {
		ch = &chatter{}
		c.sources[e.Source] = ch
	}
	i, _ := slices.BinarySearchFunc(ch.times, e.Time, time.Time.Compare)
	ch.times = slices.Insert(ch.times, i, e.Time)
	if n := len(ch.times) - c.opt.ChatterCount; n > 0 {
		ch.times = slices.Delete(ch.times, 0, n)
	}
	if e.Time.After(ch.last) {
		ch.last = e.Time
	}
	if !ch.on && len(ch.times) == c.opt.ChatterCount && ch.times[len(ch.times)-1].Sub(ch.times[0]) <= c.opt.ChatterWindow {
		ch.on = true
		c.markChattering(e.Source, true)
	}
	return ch.on
}

// markChattering sets the Chattering mark of the open alerts of source.
func (c *Console) markChattering(source string, on bool) {
	for _, a := range c.alerts {
		if a.Event.Source == source && a.Chattering != on && (a.Status.open() || !on) {
			a.Chattering = on
			c.changes.dirty(a.Subject)
		}
	}
}

// tickAlarms ends the chattering of sources quiet for ChatterQuiet, drops
// alarm counts older than a day and reports whether the picture changed
// (a source stopped chattering, the flood window's count changed).
func (c *Console) tickAlarms(now time.Time) bool {
	changed := false
	for s, ch := range c.sources {
		if now.Sub(ch.last) < c.opt.ChatterQuiet {
			continue
		}
		if ch.on {
			c.markChattering(s, false)
			changed = true
		}
		delete(c.sources, s)
		c.changes.state = true
	}
	if c.rate.prune(now.Add(-rateKept)) {
		c.changes.state = true
	}
	if n := c.rate.count(now.Add(-c.opt.FloodWindow), now).Total(); n != c.recent {
		c.recent = n
		changed = true
	}
	return changed
}

// normal clears the open alerts that the normal event e (camera.online,
// <family>.normal) ends: of e's source (or subject, when it names one),
// of e's family (camera.offline for camera.online), not newer than e.
func (c *Console) normal(e *event.Event, now time.Time) {
	family, typ := strings.TrimSuffix(e.Type, normalSuffix), ""
	if e.Type == "camera.online" {
		family, typ = "", "camera.offline"
	}
	for _, a := range c.alerts {
		switch {
		case !a.Status.open() || !a.Cleared.IsZero() || e.Time.Before(a.Last),
			typ != "" && a.Event.Type != typ,
			typ == "" && a.Event.TypeFamily() != family,
			!(e.Source != "" && a.Event.Source == e.Source || e.Subject != "" && a.Subject == e.Subject):
			continue
		}
		c.clear(a, e, now)
	}
}

// clear marks a as back to normal with e; an acknowledged alert is then
// resolved.
func (c *Console) clear(a *alertRec, e *event.Event, now time.Time) {
	a.Cleared = e.Time
	act := Action{Kind: ActionClear, Operator: System, Note: NoteNormal, Detail: e.Title, EventID: e.ID, Time: e.Time}
	c.act(a, act, now)
	c.changes.logRule(now, act, a.Subject)
	if a.Status == StatusAcknowledged {
		res := Action{Kind: ActionResolve, Operator: System, Note: NoteNormal, Detail: e.Title, EventID: e.ID, Time: e.Time}
		c.act(a, res, now)
		c.changes.logRule(now, res, a.Subject)
	}
}

// endDrill resolves the open drill alerts that the drill.end event e ends.
// A drill.end naming its drill (properties drill_id, else drill: the
// exercise's name; a CAP alert carries them as parameters) ends only the
// alerts of that drill.
func (c *Console) endDrill(e *event.Event, now time.Time) {
	id, name := drillMark(e, "drill_id"), drillMark(e, "drill")
	for _, a := range c.alerts {
		if !a.Drill || !a.Status.open() || a.First.After(e.Time) {
			continue
		}
		if aid := drillMark(&a.Event, "drill_id"); id != "" && aid != "" {
			if aid != id {
				continue
			}
		} else if n := drillMark(&a.Event, "drill"); name != "" && n != "" && n != name {
			continue
		}
		act := Action{Kind: ActionResolve, Operator: System, Note: NoteDrillEnded, Detail: name, EventID: e.ID, Time: e.Time}
		c.act(a, act, now)
		c.changes.logRule(now, act, a.Subject)
	}
}

// drillMark returns the property k of e, or the CAP parameter k.
func drillMark(e *event.Event, k string) string {
	if v := str(e.Properties, k); v != "" {
		return v
	}
	ps, _ := e.Properties["parameters"].(map[string]any)
	switch v := ps[k].(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			s, _ := v[0].(string)
			return s
		}
	case []string:
		if len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// rateKept is how long the alarm counts are kept: Rate.Day.
const rateKept = 24 * time.Hour

// rateStep is the resolution of the alarm counts, in seconds.
const rateStep = 10

// rate counts alarms by severity in rateStep buckets, oldest first.
type rate struct {
	b []bucket
}

// bucket is the alarms of the rateStep seconds from at (Unix seconds),
// counted by severity rank (n[4] extreme ... n[0] unknown).
type bucket struct {
	at int64
	n  [5]int
}

// add counts n alarms of severity sev at t.
func (r *rate) add(t time.Time, sev event.Severity, n int) {
	at := t.Unix() - mod(t.Unix(), rateStep)
	i, found := slices.BinarySearchFunc(r.b, at, func(b bucket, at int64) int { return int(b.at - at) })
	if !found {
		r.b = slices.Insert(r.b, i, bucket{at: at})
	}
	r.b[i].n[sev.Rank()] += n
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// count returns the alarms of the buckets that overlap (from, to].
func (r *rate) count(from, to time.Time) Mix {
	var m Mix
	lo, hi := from.Unix()-rateStep, to.Unix()
	i, _ := slices.BinarySearchFunc(r.b, lo+1, func(b bucket, at int64) int { return int(b.at - at) })
	for ; i < len(r.b) && r.b[i].at <= hi; i++ {
		m.Extreme += r.b[i].n[4]
		m.Severe += r.b[i].n[3]
		m.Moderate += r.b[i].n[2]
		m.Minor += r.b[i].n[1]
		m.Unknown += r.b[i].n[0]
	}
	return m
}

// prune drops the buckets that end before t and reports whether there
// were any.
func (r *rate) prune(t time.Time) bool {
	i := 0
	for i < len(r.b) && r.b[i].at+rateStep <= t.Unix() {
		i++
	}
	if i > 0 {
		r.b = slices.Delete(r.b, 0, i)
	}
	return i > 0
}

// Mix is a count of alarms by severity.
type Mix struct {
	Extreme, Severe, Moderate, Minor, Unknown int
}

// Total is the number of alarms in m.
func (m Mix) Total() int { return m.Extreme + m.Severe + m.Moderate + m.Minor + m.Unknown }

// Share returns the part of m's alarms of severity s, 0 to 1 (0 when m is
// empty). The standard's aim: about 0.05 extreme, 0.15 severe, 0.80
// moderate, minor and unknown together.
func (m Mix) Share(s event.Severity) float64 {
	t := m.Total()
	if t == 0 {
		return 0
	}
	var n int
	switch s {
	case event.Extreme:
		n = m.Extreme
	case event.Severe:
		n = m.Severe
	case event.Moderate:
		n = m.Moderate
	case event.Minor:
		n = m.Minor
	default:
		n = m.Unknown
	}
	return float64(n) / float64(t)
}

// Rate is the console's alarm load at one time (ISA-18.2 / EEMUA 191):
// the new alarms of the flood window against the flood limit, the
// priority mix of the last hour and day, and the alerts set aside.
type Rate struct {
	// Window and Limit are Options.FloodWindow and Options.FloodAlarms.
	Window time.Duration
	Limit  int
	// Recent is the number of new alarms in the last Window (to 10 s);
	// Flood is true when it is over Limit: show it on the queue.
	Recent int
	Flood  bool
	// Hour and Day are the new alarms of the last hour and day by
	// severity.
	Hour, Day Mix
	// Chattering is the number of sources chattering now; Shelved the
	// open alerts on the shelf; Standing the open alerts older than
	// Options.StandingAfter (stale alarms).
	Chattering, Shelved, Standing int
}

// rateAt returns the Rate at now; the console's mutex is held.
func (c *Console) rateAt(now time.Time) Rate {
	r := Rate{Window: c.opt.FloodWindow, Limit: c.opt.FloodAlarms,
		Hour: c.rate.count(now.Add(-time.Hour), now), Day: c.rate.count(now.Add(-rateKept), now)}
	r.Recent = c.rate.count(now.Add(-c.opt.FloodWindow), now).Total()
	r.Flood = r.Recent > r.Limit
	for _, ch := range c.sources {
		if ch.on {
			r.Chattering++
		}
	}
	for _, a := range c.alerts {
		if !a.Status.open() || !a.Event.StateAt(now).Live() {
			continue
		}
		if a.Shelved(now) {
			r.Shelved++
		}
		if now.Sub(first(&a.Alert)) > c.opt.StandingAfter {
			r.Standing++
		}
	}
	return r
}

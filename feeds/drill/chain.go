package drill

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/valyala/fastjson"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// Steps of the response chain, in order. StepAck, StepAssign,
// StepOnScene and StepResolve are the store's (store.StepAck...), so
// that a scenario's conditions name them.
const (
	StepReceived = "received"
	StepOpen     = "open"
	StepAck      = store.StepAck
	StepAssign   = store.StepAssign
	StepMoving   = "moving"
	StepOnScene  = store.StepOnScene
	StepJoint    = "joint"
	StepResolve  = store.StepResolve
)

// Steps returns the steps of the chain in order.
func Steps() []string {
	return []string{StepReceived, StepOpen, StepAck, StepAssign, StepMoving, StepOnScene, StepJoint, StepResolve}
}

// AlarmChain is the response to one alarm as the console's event log
// shows it: when each step was first reached (wall-clock times as the
// console logged them; zero when never reached).
//
//   - Received: the console got the alarm (its event row; again after it
//     was resolved, a newer report is a new incident and a new chain).
//   - Opened: an operator first opened it (view row).
//   - Acked, Assigned: the first acknowledge and the first assignment;
//     an assignment before any acknowledge acknowledges too (the console
//     takes a new alert straight to assigned and refuses an ack then).
//   - Moving: the first position report of an assigned unit, after its
//     assignment, nearer to the alarm than that unit's report before.
//   - OnScene: the first report of an assigned unit within the on-scene
//     radius of the alarm's geometry (distance to a point or line, 0
//     inside a polygon); a unit whose last report before its assignment
//     is already there is on scene at the assignment.
//   - Joint: joint action: the second assigned unit on scene; when at
//     most one unit was assigned by the time the alarm was resolved, the
//     resolve (one unit, or an alarm settled without sending one, acts
//     alone: its work ends with the resolve).
//   - Resolved: the first resolve, by an operator or by the console
//     itself (a drill's end, a return to normal: ResolvedBy "system").
type AlarmChain struct {
	Subject  string
	Type     string
	Severity event.Severity
	Title    string
	// Drill is true for exercise and test traffic; DrillID, DrillName
	// and Inject are the run, the exercise and the MSEL inject number it
	// carries (properties drill_id, drill, inject; CAP parameters).
	Drill     bool
	DrillID   string
	DrillName string
	Inject    string
	// Geometry is the alarm's place (EPSG:4326), nil when unknown.
	Geometry orb.Geometry

	Received, Opened, Acked, Assigned, Moving, OnScene, Joint, Resolved time.Time

	// Operator is who acknowledged (or assigned first; else who
	// resolved); ResolvedBy who resolved.
	Operator   string
	ResolvedBy string
	// Unit is the first unit assigned, as the operator named it;
	// UnitSubject the subject of its position reports once seen; Team
	// that unit's team (properties.team, else its title). Units counts
	// the distinct units assigned.
	Unit        string
	UnitSubject string
	Team        string
	Units       int
}

// At returns the time step was reached; zero when it was not.
func (c *AlarmChain) At(step string) time.Time {
	switch step {
	case StepReceived:
		return c.Received
	case StepOpen:
		return c.Opened
	case StepAck:
		return c.Acked
	case StepAssign:
		return c.Assigned
	case StepMoving:
		return c.Moving
	case StepOnScene:
		return c.OnScene
	case StepJoint:
		return c.Joint
	case StepResolve:
		return c.Resolved
	}
	return time.Time{}
}

// Between returns the time from step from to step to; ok is false when
// either was not reached. from "" is StepReceived.
func (c *AlarmChain) Between(from, to string) (d time.Duration, ok bool) {
	if from == "" {
		from = StepReceived
	}
	a, b := c.At(from), c.At(to)
	if a.IsZero() || b.IsZero() {
		return 0, false
	}
	return b.Sub(a), true
}

// Since returns the time from Received to step; ok is false when step
// was not reached.
func (c *AlarmChain) Since(step string) (time.Duration, bool) { return c.Between(StepReceived, step) }

// ChainOptions say which alarms Chain returns and how near is on scene.
// The zero value returns every alarm, drill and real.
type ChainOptions struct {
	// DrillID, when set, keeps only the alarms carrying that drill ID: a
	// real alert during the drill is never in its metrics.
	DrillID string
	// Real keeps only real alarms (not exercise or test traffic); it is
	// ignored when DrillID is set.
	Real bool
	// Radius is how near, in metres, a unit must be to be on scene
	// (default store.DefaultOnSceneRadius), for an alarm whose event
	// names no radius of its own (property or CAP parameter
	// on_scene_radius, in metres, as a drill's inject sends its
	// Expect.OnSceneRadius).
	Radius float64
}

// movedAtLeast is how much nearer, in metres, a report must be than the
// one before for the unit to count as moving toward the alarm: less is
// position noise.
const movedAtLeast = 0.5

// Chain returns the response chain of every alarm in the console's event
// log (store.LogRow as feeds/console writes them: kind event and action
// rows carry an event.Message, rule and view rows a console.Action), in
// the order the alarms were received. It is a pure function of log: the
// same rows give the same chains on any machine. Rows it cannot read are
// skipped. Units are matched to an assignment by subject, title or
// source, as the operator may have typed any of them.
func Chain(log []store.LogRow, opt ChainOptions) []AlarmChain {
	ch := newChainer(opt.Radius)
	for i := range log {
		ch.row(&log[i])
	}
	return ch.chains(opt)
}

func newChainer(radius float64) *chainer {
	if !(radius > 0) {
		radius = store.DefaultOnSceneRadius
	}
	return &chainer{radius: radius, parser: new(fastjson.Parser), current: map[string]*alarmRec{}, folds: map[string]*alarmRec{},
		units: map[string]*unitRec{}, names: map[string]string{}, assigned: map[string][]*assignRec{}, actions: map[string]bool{}}
}

// chains returns the chains so far that opt keeps.
func (ch *chainer) chains(opt ChainOptions) []AlarmChain {
	out := make([]AlarmChain, 0, len(ch.all))
	for _, a := range ch.all {
		c := a.AlarmChain
		switch {
		case opt.DrillID != "":
			if c.DrillID != opt.DrillID {
				continue
			}
		case opt.Real:
			if c.Drill {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

type alarmRec struct {
	AlarmChain
	open    bool
	key     string // fold key
	eventID string
	evTime  time.Time
	units   []*assignRec
	onScene int // units on scene
	radius  float64
}

type assignRec struct {
	alarm   *alarmRec
	name    string // as typed
	subject string // of the unit's reports, once seen
	at      time.Time
	moving  bool
	onScene bool
}

type unitRec struct {
	subject, title, source, team string
	last                         orb.Point
	has                          bool
}

type chainer struct {
	parser   *fastjson.Parser
	radius   float64
	all      []*alarmRec
	current  map[string]*alarmRec    // subject -> its latest alarm
	folds    map[string]*alarmRec    // fold key -> open alarm
	units    map[string]*unitRec     // unit subject -> unit
	names    map[string]string       // subject, title or source -> unit subject
	assigned map[string][]*assignRec // name as typed -> open assignments
	actions  map[string]bool         // action event IDs seen
}

// lightEvent is the part of a logged event.Message the chain reads.
type lightEvent struct {
	ID, Type, Source, Title, Subject string
	Severity                         event.Severity
	Status                           event.Status
	Op                               event.Op
	Format                           event.Format
	// Time and Expires are read for alarms only.
	Time, Expires time.Time
	ev, geometry  *fastjson.Value
	props         *fastjson.Value
}

// maxOnSceneRadius is the largest on_scene_radius an alarm may name, in
// metres; a larger one is taken for a mistake and the default used.
const maxOnSceneRadius = 5000

// prop returns a string property, or the first value of the CAP
// parameter of that name.
func (e *lightEvent) prop(k string) string {
	if e.props == nil {
		return ""
	}
	if b := e.props.GetStringBytes(k); len(b) > 0 {
		return string(b)
	}
	if v := e.props.Get("parameters", k); v != nil {
		switch v.Type() {
		case fastjson.TypeString:
			return string(v.GetStringBytes())
		case fastjson.TypeArray:
			if a := v.GetArray(); len(a) > 0 {
				return string(a[0].GetStringBytes())
			}
		}
	}
	return ""
}

// first returns a CAP parameter's first value.
func first(v any) string {
	switch v := v.(type) {
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

// DrillOf returns the drill ID, the exercise's name and the inject number
// an event carries: properties drill_id, drill and inject, or the CAP
// parameters of those names.
func DrillOf(e *event.Event) (id, name, inject string) {
	get := func(k string) string {
		if s, ok := e.Properties[k].(string); ok && s != "" {
			return s
		}
		if ps, ok := e.Properties["parameters"].(map[string]any); ok {
			return first(ps[k])
		}
		return ""
	}
	return get("drill_id"), get("drill"), get("inject")
}

// decodeLight reads the event of a logged message; the values it
// returns live until the parser's next use.
func (ch *chainer) decodeLight(data []byte) (lightEvent, bool) {
	v, err := ch.parser.ParseBytes(data)
	if err != nil {
		return lightEvent{}, false
	}
	ev := v.Get("event")
	if ev == nil || ev.Type() != fastjson.TypeObject {
		return lightEvent{}, false
	}
	e := lightEvent{Type: string(ev.GetStringBytes("type")), Op: event.Op(ev.GetStringBytes("op")),
		ev: ev, geometry: ev.Get("geometry"), props: ev.Get("properties")}
	if e.props != nil && e.props.Type() != fastjson.TypeObject {
		e.props = nil
	}
	return e, e.Type != ""
}

// fill reads the rest of an alarm's or an action's fields.
func (e *lightEvent) fill() {
	str := func(k string) string { return string(e.ev.GetStringBytes(k)) }
	e.ID, e.Source, e.Title, e.Subject = str("id"), str("source"), str("title"), str("subject")
	e.Severity, e.Status, e.Format = event.Severity(str("severity")), event.Status(str("status")), event.Format(str("format"))
}

// readTimes reads the event's time and expiry.
func (e *lightEvent) readTimes() {
	parse := func(k string) time.Time {
		t, _ := time.Parse(time.RFC3339Nano, string(e.ev.GetStringBytes(k)))
		return t
	}
	e.Time, e.Expires = parse("time"), parse("expires")
}

func (ch *chainer) row(row *store.LogRow) {
	switch row.Kind {
	case "event":
		e, ok := ch.decodeLight(row.Data)
		if !ok {
			return
		}
		ch.event(row, &e)
	case "action":
		e, ok := ch.decodeLight(row.Data)
		if !ok || e.Op != event.Ack || !strings.HasPrefix(e.Type, "operator.") {
			return
		}
		e.fill()
		if e.ID != "" {
			if ch.actions[e.ID] {
				return // the hub's echo of a local action
			}
			ch.actions[e.ID] = true
		}
		kind := e.prop("action")
		if kind == "" {
			kind = strings.TrimPrefix(e.Type, "operator.")
		}
		ch.action(row, kind, e.prop("unit"))
	case "rule":
		var x console.Action
		if json.Unmarshal(row.Data, &x) != nil {
			return
		}
		if x.Kind == console.ActionResolve {
			ch.action(row, console.ActionResolve, "")
		}
	case console.LogView:
		if a := ch.current[row.Subject]; a != nil && a.open && a.Opened.IsZero() && !row.Time.Before(a.Received) {
			a.Opened = row.Time
		}
	}
}

func (ch *chainer) event(row *store.LogRow, e *lightEvent) {
	kind := console.KindOf(&event.Event{Type: e.Type})
	if kind == console.KindUnit {
		ch.position(row, e)
		return
	}
	if kind != console.KindAlert || e.Op == event.Ack {
		return
	}
	e.fill()
	e.readTimes()
	if !e.Expires.IsZero() && !row.Time.Before(e.Expires) {
		return // expired on arrival: the console drops it
	}
	subj := row.Subject
	a := ch.current[subj]
	if e.Op == event.Cancel {
		if a != nil && a.open {
			ch.close(a)
		}
		return
	}
	if a != nil {
		if e.ID == a.eventID || e.Time.Before(a.evTime) {
			return
		}
		if a.open {
			ch.update(a, e)
			return
		}
	} else if key := foldKey(e); key != "" {
		if t := ch.folds[key]; t != nil && t.open {
			ch.update(t, e) // a repeat folded into the open alert
			return
		}
	}
	n := &alarmRec{open: true, key: foldKey(e), eventID: e.ID, evTime: e.Time}
	n.Subject, n.Type, n.Severity, n.Title, n.Received = subj, e.Type, e.Severity, e.Title, row.Time
	n.Drill = e.Status == event.Exercise || e.Status == event.Test
	n.DrillID, n.DrillName, n.Inject = e.prop("drill_id"), e.prop("drill"), e.prop("inject")
	n.Geometry = geometry(e.geometry)
	n.radius = ch.radius
	if v, err := strconv.ParseFloat(e.prop("on_scene_radius"), 64); err == nil && v > 0 && v <= maxOnSceneRadius {
		n.radius = v
	}
	ch.current[subj] = n
	if n.key != "" {
		ch.folds[n.key] = n
	}
	ch.all = append(ch.all, n)
}

// update takes a newer report of the open alarm a: its severity when
// higher (or as an Update says), its place when it names one.
func (ch *chainer) update(a *alarmRec, e *lightEvent) {
	if !e.Time.Before(a.evTime) {
		a.eventID, a.evTime = e.ID, e.Time
		if g := geometry(e.geometry); g != nil {
			a.Geometry = g
		}
	}
	if e.Severity.Rank() > a.Severity.Rank() || e.Op == event.Update {
		a.Severity = e.Severity
	}
}

// foldKey is as the console folds alarms: by source and type, for an
// alarm naming no subject of its own that did not come as CAP.
func foldKey(e *lightEvent) string {
	if e.Source == "" || e.Subject != "" || e.Format == event.CAP || e.Op != event.Report {
		return ""
	}
	return e.Source + "\x00" + e.Type
}

func geometry(v *fastjson.Value) orb.Geometry {
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil
	}
	g, err := geojson.UnmarshalGeometry(v.MarshalTo(nil))
	if err != nil || g == nil || event.CheckGeometry(g.Geometry()) != nil {
		return nil
	}
	return g.Geometry()
}

// point reads a GeoJSON Point; ok is false for anything else.
func point(v *fastjson.Value) (orb.Point, bool) {
	if v == nil || string(v.GetStringBytes("type")) != "Point" {
		return orb.Point{}, false
	}
	c := v.GetArray("coordinates")
	if len(c) < 2 {
		return orb.Point{}, false
	}
	lon, err1 := c[0].Float64()
	lat, err2 := c[1].Float64()
	pt := orb.Point{lon, lat}
	if err1 != nil || err2 != nil || event.CheckGeometry(pt) != nil {
		return orb.Point{}, false
	}
	return pt, true
}

func (ch *chainer) close(a *alarmRec) {
	a.open = false
	if a.key != "" && ch.folds[a.key] == a {
		delete(ch.folds, a.key)
	}
}

func (ch *chainer) action(row *store.LogRow, kind, unit string) {
	a := ch.current[row.Subject]
	if a == nil || !a.open {
		return
	}
	t := row.Time
	switch kind {
	case console.ActionAck:
		if a.Acked.IsZero() {
			a.Acked = t
			a.Operator = row.Operator
		}
	case console.ActionAssign:
		unit = strings.TrimSpace(unit)
		if unit == "" {
			return
		}
		if a.Assigned.IsZero() {
			a.Assigned, a.Unit = t, unit
		}
		if a.Acked.IsZero() {
			a.Acked, a.Operator = t, row.Operator // an assignment answers the alarm
		}
		for _, u := range a.units {
			if u.name == unit {
				return
			}
		}
		u := &assignRec{alarm: a, name: unit, at: t}
		a.units = append(a.units, u)
		a.Units = len(a.units)
		ch.assigned[unit] = append(ch.assigned[unit], u)
		if s, ok := ch.names[unit]; ok {
			ur := ch.units[s]
			ch.bind(u, ur)
			if ur.has && distance(ur.last, a.Geometry) <= a.radius {
				u.moving = true
				ch.arrive(u, t)
			}
		}
	case console.ActionResolve:
		if a.Resolved.IsZero() {
			a.Resolved, a.ResolvedBy = t, row.Operator
			if a.Operator == "" && row.Operator != console.System {
				a.Operator = row.Operator
			}
			if a.Joint.IsZero() && len(a.units) <= 1 {
				a.Joint = t
			}
		}
		ch.close(a)
		for _, u := range a.units {
			ch.drop(u)
		}
	}
}

// bind records that the assignment u is the unit ur.
func (ch *chainer) bind(u *assignRec, ur *unitRec) {
	u.subject = ur.subject
	a := u.alarm
	if a.units[0] == u {
		a.UnitSubject = ur.subject
		a.Team = ur.team
		if a.Team == "" {
			a.Team = ur.title
		}
	}
}

// drop removes the assignment u from the open ones.
func (ch *chainer) drop(u *assignRec) {
	list := ch.assigned[u.name]
	for i, x := range list {
		if x == u {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(ch.assigned, u.name)
	} else {
		ch.assigned[u.name] = list
	}
}

func (ch *chainer) arrive(u *assignRec, t time.Time) {
	if u.onScene {
		return
	}
	u.onScene = true
	a := u.alarm
	a.onScene++
	if a.OnScene.IsZero() {
		a.OnScene = t
	}
	if a.Moving.IsZero() {
		a.Moving = t
	}
	if a.onScene == 2 && a.Joint.IsZero() {
		a.Joint = t
	}
}

func (ch *chainer) position(row *store.LogRow, e *lightEvent) {
	if e.Op == event.Cancel {
		return
	}
	p, ok := point(e.geometry)
	if !ok {
		return
	}
	subj := row.Subject
	ur := ch.units[subj]
	if ur == nil {
		ur = &unitRec{subject: subj}
		ch.units[subj] = ur
		ch.names[subj] = subj
	}
	if t := e.ev.GetStringBytes("title"); len(t) > 0 && string(t) != ur.title {
		ur.title = string(t)
		ch.names[ur.title] = subj
	}
	if src := e.ev.GetStringBytes("source"); len(src) > 0 && string(src) != ur.source {
		ur.source = string(src)
		ch.names[ur.source] = subj
	}
	if e.props != nil {
		if team := e.props.GetStringBytes("team"); len(team) > 0 && string(team) != ur.team {
			ur.team = string(team)
		}
	}
	prev, had := ur.last, ur.has
	ur.last, ur.has = p, true
	names := [3]string{subj, ur.title, ur.source}
	for i, name := range names {
		if name == "" || (i > 0 && name == names[0]) || (i == 2 && name == names[1]) {
			continue
		}
		for _, u := range ch.assigned[name] {
			if u.subject == "" {
				ch.bind(u, ur)
			}
			if u.subject != subj || row.Time.Before(u.at) || u.onScene {
				continue
			}
			a := u.alarm
			d := distance(p, a.Geometry)
			if !u.moving && had && d < distance(prev, a.Geometry)-movedAtLeast {
				u.moving = true
				if a.Moving.IsZero() {
					a.Moving = row.Time
				}
			}
			if d <= a.radius {
				ch.arrive(u, row.Time)
			}
		}
	}
}

// distance returns the distance in metres from p to g: to a point, to
// the nearest point of a line, 0 inside a polygon and to its edge
// outside; +Inf for no geometry. It works in a local plane around p,
// precise to well under a metre across a community.
func distance(p orb.Point, g orb.Geometry) float64 {
	kx := 111320 * math.Cos(p[1]*math.Pi/180)
	const ky = 110574.0
	xy := func(q orb.Point) (float64, float64) { return (q[0] - p[0]) * kx, (q[1] - p[1]) * ky }
	toPoint := func(q orb.Point) float64 { x, y := xy(q); return math.Hypot(x, y) }
	toLine := func(l []orb.Point) float64 {
		best := math.Inf(1)
		for i := 0; i+1 < len(l); i++ {
			ax, ay := xy(l[i])
			bx, by := xy(l[i+1])
			dx, dy := bx-ax, by-ay
			t := 0.0
			if n := dx*dx + dy*dy; n > 0 {
				t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/n))
			}
			best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
		}
		if len(l) == 1 {
			best = toPoint(l[0])
		}
		return best
	}
	toPolygon := func(pg orb.Polygon) float64 {
		if planar.PolygonContains(pg, p) {
			return 0
		}
		best := math.Inf(1)
		for _, r := range pg {
			best = math.Min(best, toLine(r))
		}
		return best
	}
	best := math.Inf(1)
	switch g := g.(type) {
	case orb.Point:
		best = toPoint(g)
	case orb.MultiPoint:
		for _, q := range g {
			best = math.Min(best, toPoint(q))
		}
	case orb.LineString:
		best = toLine(g)
	case orb.MultiLineString:
		for _, l := range g {
			best = math.Min(best, toLine(l))
		}
	case orb.Polygon:
		best = toPolygon(g)
	case orb.MultiPolygon:
		for _, pg := range g {
			best = math.Min(best, toPolygon(pg))
		}
	}
	return best
}

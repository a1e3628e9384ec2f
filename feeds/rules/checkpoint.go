package rules

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/event"
)

// maxLatePerTick bounds the late alerts one checkpoint raises in one call,
// should the clock jump far ahead.
const maxLatePerTick = 100

// routeInfo is a patrol route as checkpoint rules see it.
type routeInfo struct {
	route    store.PatrolRoute
	team     string
	cps      []store.Checkpoint // in Seq order
	byCode   map[string]int
	shifts   []shift
	shiftErr error
}

func (ri *routeInfo) cpKey(i int) string {
	if c := ri.cps[i].Code; c != "" {
		return c
	}
	return fmt.Sprintf("#%d", i+1)
}

func (ri *routeInfo) cpName(i int, label func(store.Names) string) string {
	key := ri.cpKey(i)
	if n := label(ri.cps[i].Names); n != "" && n != key {
		return key + " (" + n + ")"
	}
	return key
}

// buildRoutes groups env's checkpoints by route, in Seq order, and reads
// the routes' shifts.
func buildRoutes(env Env) []*routeInfo {
	var out []*routeInfo
	byCode := map[string]*routeInfo{}
	for _, r := range env.Routes {
		if r.Code == "" || byCode[r.Code] != nil {
			continue
		}
		ri := &routeInfo{route: r, team: r.Team, byCode: map[string]int{}}
		if ri.team == "" {
			ri.team = r.Code
		}
		ri.shifts, ri.shiftErr = parseShifts(r.Shifts)
		byCode[r.Code] = ri
		out = append(out, ri)
	}
	for _, c := range env.Checkpoints {
		if ri := byCode[c.RouteCode]; ri != nil && event.CheckGeometry(c.Geom) == nil {
			ri.cps = append(ri.cps, c)
		}
	}
	for _, ri := range out {
		sort.SliceStable(ri.cps, func(i, j int) bool { return ri.cps[i].Seq < ri.cps[j].Seq })
		for i, c := range ri.cps {
			if _, dup := ri.byCode[c.Code]; c.Code != "" && !dup {
				ri.byCode[c.Code] = i
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].route.Code < out[j].route.Code })
	return out
}

// checkRule is a checkpoint rule and its state per route.
type checkRule struct {
	rule   Rule
	grace  time.Duration
	routes []*routeState
	byCode map[string]*routeState
}

// routeState is where a patrol is on its round.
type routeState struct {
	*routeInfo
	last     int       // order (1-based) of the checkpoint passed last; 0: none yet
	lastT    time.Time // when
	status   event.Status
	ref      []time.Time // per checkpoint: passed last, or the engine's start
	lastLate []time.Time // per checkpoint: the last late alert's time
	next     []lateAt    // per checkpoint: the next late alert, once worked out
}

// lateAt is when a checkpoint will next be late, and the round's period.
type lateAt struct {
	at     time.Time
	period time.Duration
	ok     bool // there is a next time
	known  bool // worked out since ref or lastLate last changed
}

func newCheckRule(r Rule, routes []*routeInfo, start time.Time) (*checkRule, error) {
	c := &checkRule{rule: r, grace: minutes(r.Minutes), byCode: map[string]*routeState{}}
	for _, ri := range routes {
		if r.Route != "" && ri.route.Code != r.Route {
			continue
		}
		if r.Route != "" && ri.shiftErr != nil {
			return nil, fmt.Errorf("route %q: %w", preview(r.Route), ri.shiftErr)
		}
		rs := &routeState{routeInfo: ri, status: event.Actual,
			ref: make([]time.Time, len(ri.cps)), lastLate: make([]time.Time, len(ri.cps)), next: make([]lateAt, len(ri.cps))}
		for i := range rs.ref {
			rs.ref[i] = start
		}
		c.routes = append(c.routes, rs)
		c.byCode[ri.route.Code] = rs
	}
	if r.Route != "" && len(c.routes) == 0 {
		return nil, fmt.Errorf("route %q is not a patrol route of this community", preview(r.Route))
	}
	return c, nil
}

// checkpoint handles a patrol.checkpoint event: the checkpoints skipped
// since the one passed before raise patrol.missed_checkpoint, and the
// checkpoint passed starts its wait afresh.
func (g *Engine) checkpoint(e event.Event, out []event.Event) []event.Event {
	if len(g.checks) == 0 {
		return out
	}
	route, _ := e.Properties["route"].(string)
	if route == "" {
		route, _ = strings.CutPrefix(e.Source, "patrol:")
	}
	code, _ := e.Properties["checkpoint"].(string)
	order, hasOrder := integer(e.Properties["order"])
	for _, c := range g.checks {
		rs := c.byCode[route]
		if rs == nil || len(rs.cps) == 0 {
			continue
		}
		n := len(rs.cps)
		k := 0
		if i, ok := rs.byCode[code]; ok && code != "" {
			k = i + 1
		} else if hasOrder && order >= 1 && order <= n {
			k = order
		}
		if k == 0 || (rs.last != 0 && !e.Time.After(rs.lastT)) {
			continue
		}
		if rs.last != 0 && k != rs.last {
			for j := rs.last%n + 1; j != k; j = j%n + 1 {
				out = g.raiseMissed(out, c, rs, j-1, k-1, e)
			}
		}
		rs.last, rs.lastT, rs.status = k, e.Time, e.Status
		if e.Time.After(rs.ref[k-1]) {
			rs.ref[k-1] = e.Time
			rs.next[k-1].known = false
		}
	}
	return out
}

// integer reads a JSON or Go number that is a whole number.
func integer(v any) (int, bool) {
	var f float64
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		f = float64(n)
	case float64:
		f = n
	case json.Number:
		x, err := n.Float64()
		if err != nil {
			return 0, false
		}
		f = x
	default:
		return 0, false
	}
	if f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, false
	}
	return int(f), true
}

func (g *Engine) raiseMissed(out []event.Event, c *checkRule, rs *routeState, skipped, passed int, e event.Event) []event.Event {
	cp := rs.cps[skipped]
	return raise(out, c.rule, rs.route.Code+":"+rs.cpKey(skipped), e.Time, event.Event{
		Type:     TypeMissedCheckpoint,
		Severity: severity(c.rule, event.Minor),
		Status:   e.Status,
		Geometry: cp.Geom,
		Title:    g.env.title("missed", rs.team, rs.cpName(skipped, g.env.label)),
		Description: fmt.Sprintf("%s on route %s passed %s at %s without passing %s (checkpoint %d of %d).",
			rs.team, rs.route.Code, rs.cpName(passed, englishLabel), g.clock(e.Time), rs.cpName(skipped, englishLabel), skipped+1, len(rs.cps)),
		Properties: map[string]any{"route": rs.route.Code, "checkpoint": rs.cpKey(skipped), "order": skipped + 1, "passed": rs.cpKey(passed)},
	})
}

// due raises rule.checkpoint_late for every checkpoint not passed for a
// round's period plus the grace, by t: once per round, within shifts.
func (c *checkRule) due(g *Engine, t time.Time, out []event.Event) []event.Event {
	for _, rs := range c.routes {
		if len(rs.shifts) == 0 || rs.route.RoundsPerShift <= 0 {
			continue
		}
		for i := range rs.cps {
			for n := 0; n < maxLatePerTick; n++ {
				nx := &rs.next[i]
				if !nx.known {
					nx.at, nx.period, nx.ok = nextLate(rs.shifts, rs.route.RoundsPerShift, c.grace, rs.ref[i], rs.lastLate[i], g.loc)
					nx.known = true
				}
				if !nx.ok || nx.at.After(t) {
					break
				}
				rs.lastLate[i], nx.known = nx.at, false
				out = g.raiseLate(out, c, rs, i, nx.at, nx.period)
			}
		}
	}
	return out
}

func (g *Engine) raiseLate(out []event.Event, c *checkRule, rs *routeState, i int, at time.Time, period time.Duration) []event.Event {
	cp := rs.cps[i]
	return raise(out, c.rule, rs.route.Code+":"+rs.cpKey(i)+":late", at, event.Event{
		Type:     TypeCheckpointLate,
		Severity: severity(c.rule, event.Moderate),
		Status:   rs.status,
		Geometry: cp.Geom,
		Title:    g.env.title("late", rs.team, rs.cpName(i, g.env.label)),
		Description: fmt.Sprintf("Checkpoint %s of route %s has not been passed since %s: a round takes %s, and the grace is %s.",
			rs.cpName(i, englishLabel), rs.route.Code, g.clock(rs.ref[i]), span(period), span(c.grace)),
		Properties: map[string]any{"route": rs.route.Code, "checkpoint": rs.cpKey(i), "order": i + 1,
			"since": rs.ref[i].Format(time.RFC3339), "round_minutes": math.Round(period.Minutes()*10) / 10},
	})
}

// englishLabel names a feature in the descriptions, which are English.
func englishLabel(n store.Names) string { return n.Label("en") }

// Package simulate plays a realistic day of a community for the alert
// hub and the console: patrols walking their routes and reporting
// positions and checkpoints, a few alarms an hour from the community's
// fixed alarm sources (cameras, gates, smoke detectors, equipment; most
// minor, many false), a camera going offline and back, and a drill's end.
// It makes the events; sending them is the caller's (safetynetctl
// simulate publishes them to a hub).
package simulate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/feeds/event"
)

// walkingSpeed is a patrol's pace, metres per second.
const walkingSpeed = 1.4

// Options say what a Simulation plays.
type Options struct {
	// Seed: the same seed plays the same story.
	Seed uint64
	// Speed is how many times faster than walking pace the patrols move.
	Speed float64
	// Drill marks every event as an exercise and ends with drill.end.
	Drill bool
	// Language of the titles and names: "en" or "zh".
	Language string
	// Rates say how many alarms come, how severe and how many false.
	Rates Rates
}

// Languages are the languages the titles can be written in.
func Languages() []string { return []string{"en", "zh"} }

// New returns a simulation of the community in s (its patrol routes,
// checkpoints, cameras and alarm sources), read once.
func New(ctx context.Context, s *store.Store, opt Options) (*Simulation, error) {
	if _, ok := phrases[opt.Language]; !ok {
		return nil, fmt.Errorf("simulate: no titles in %q; use en or zh", opt.Language)
	}
	if opt.Speed <= 0 {
		opt.Speed = 1
	}
	sim, err := newSim(ctx, s, opt.Seed, opt.Speed, opt.Drill)
	if err != nil {
		return nil, err
	}
	sim.lang, sim.rates = opt.Language, opt.Rates
	return sim, nil
}

// patrol is a team walking its route.
type patrol struct {
	route  store.PatrolRoute
	length float64   // metres
	closed bool      // a loop; otherwise walked back and forth
	checks []float64 // distances of its checkpoints along the route
	codes  []string
	names  []store.Names
	along  float64 // metres walked so far
	round  int
	seq    int
}

// Simulation makes the events: one owner, not safe for concurrent use.
type Simulation struct {
	rng       *rand.Rand
	speed     float64
	status    event.Status
	prefix    string
	patrols   []*patrol
	cameras   []store.Camera
	sources   map[string][]scene.Source // the community's alarm sources, by kind
	queue     []event.Event
	last      time.Time
	offlineAt time.Time
	onlineAt  time.Time
	offline   *store.Camera
	n         int
	counts    map[string]int // events returned by next, by type
	turn      int            // the patrol whose position comes next
	lang      string         // of titles and names: en or zh
	rates     Rates          // how many alarms, how severe, how many false
	nextAlarm time.Time      // when the next alarm is due
	later     []scheduled    // what follows the alarms: repeats, back to normal, cancels
	alarms    int            // alarms sent (not their repeats)
	falses    int            // of them false
}

// Rates say how often the Simulation alarms and how: alarms per hour of
// simulated time, the share of false ones, the shares of extreme and
// severe ones (the rest moderate and minor, a third and two thirds), and
// how many times faster than real time it runs.
type Rates struct {
	PerHour, FalseShare, ExtremeShare, SevereShare, Accel float64
}

// DefaultRates are a compound's: a few alarms an hour, most of them
// minor, half of them false, the severity mix of ISA-18.2 (5 % highest,
// 15 % high, 80 % the rest).
func DefaultRates() Rates {
	return Rates{PerHour: 4, FalseShare: 0.5, ExtremeShare: 0.05, SevereShare: 0.15, Accel: 1}
}

// scheduled is an event to send at a time (its ID and time are set then).
type scheduled struct {
	at time.Time
	e  event.Event
}

// phrases are the titles and descriptions of the simulated events, by
// language.
var phrases = map[string]map[string]string{
	"en": {
		"offline": "Camera offline: %s", "novideo": "No video from %s since %s", "online": "Camera back online: %s",
		"passed": "%s passed %s", "intrusion": "Intrusion seen by %s", "intrusion.desc": "Video analytics: a person crossing the line in the view of %s",
		"tailgating": "Tailgating at %s", "forced": "Door forced at %s", "smoke": "Smoke detector %s",
		"smoke.desc": "Smoke detected; send the nearest patrol with an extinguisher", "fault": "Fault: %s %s",
		"normal": "Back to normal: %s", "false": "False alarm: %s", "drill.end": "Drill over",
	},
	"zh": {
		"offline": "摄像机离线：%s", "novideo": "%s 自 %s 起无视频", "online": "摄像机恢复在线：%s",
		"passed": "%s 经过 %s", "intrusion": "%s 发现入侵", "intrusion.desc": "视频分析：有人越过 %s 画面中的警戒线",
		"tailgating": "%s 尾随进入", "forced": "%s 门被强行打开", "smoke": "烟感报警 %s",
		"smoke.desc": "检测到烟雾；请派最近的巡逻队携带灭火器前往", "fault": "设备故障：%s %s",
		"normal": "恢复正常：%s", "false": "误报：%s", "drill.end": "演练结束",
	},
}

// say formats the phrase key in the Simulation's language.
func (sim *Simulation) say(key string, args ...any) string {
	p, ok := phrases[sim.lang]
	if !ok {
		p = phrases["en"]
	}
	return fmt.Sprintf(p[key], args...)
}

// name is a feature's name in the Simulation's language.
func (sim *Simulation) name(n store.Names) string {
	if sim.lang == "" {
		return n.Label("en")
	}
	return n.Label(sim.lang)
}

func newSim(ctx context.Context, s *store.Store, seed uint64, speed float64, drill bool) (*Simulation, error) {
	routes, err := s.PatrolRoutes(ctx, store.World)
	if err != nil {
		return nil, err
	}
	if len(routes) == 0 {
		return nil, errors.New("no patrol routes: create the demo community (safetynetctl demo --db F) or import some")
	}
	checks, err := s.Checkpoints(ctx, store.World)
	if err != nil {
		return nil, err
	}
	sim := &Simulation{rng: rand.New(rand.NewPCG(seed, seed^0x5afe)), speed: speed, status: event.Actual, counts: map[string]int{}}
	if drill {
		sim.status = event.Exercise
	}
	if sim.cameras, err = s.Cameras(ctx, store.World); err != nil {
		return nil, err
	}
	srcs, err := scene.Sources(ctx, s)
	if err != nil {
		return nil, err
	}
	sim.sources = map[string][]scene.Source{}
	for _, src := range srcs {
		sim.sources[src.Kind] = append(sim.sources[src.Kind], src)
	}
	for _, r := range routes {
		if len(r.Geom) < 2 {
			continue
		}
		p := &patrol{route: r, length: geo.Length(r.Geom), closed: r.Geom[0] == r.Geom[len(r.Geom)-1]}
		if p.length < 1 {
			continue
		}
		var cps []store.Checkpoint
		for _, c := range checks {
			if c.RouteCode == r.Code {
				cps = append(cps, c)
			}
		}
		sort.Slice(cps, func(i, j int) bool { return cps[i].Seq < cps[j].Seq })
		for _, c := range cps {
			p.checks = append(p.checks, alongLine(r.Geom, c.Geom))
			p.codes = append(p.codes, c.Code)
			p.names = append(p.names, c.Names)
		}
		p.along = sim.rng.Float64() * p.length
		sim.patrols = append(sim.patrols, p)
	}
	if len(sim.patrols) == 0 {
		return nil, errors.New("the patrol routes have no length")
	}
	return sim, nil
}

// alongLine returns how far along ls (metres) the point of ls nearest to p
// lies.
func alongLine(ls orb.LineString, p orb.Point) float64 {
	best, bestD, walked := 0.0, math.Inf(1), 0.0
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		seg := geo.Distance(a, b)
		// Project in degrees scaled by latitude: fine over a few hundred metres.
		k := math.Cos(a[1] * math.Pi / 180)
		ax, ay, bx, by, px, py := a[0]*k, a[1], b[0]*k, b[1], p[0]*k, p[1]
		t := 0.0
		if d2 := (bx-ax)*(bx-ax) + (by-ay)*(by-ay); d2 > 0 {
			t = math.Max(0, math.Min(1, ((px-ax)*(bx-ax)+(py-ay)*(by-ay))/d2))
		}
		q := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
		if d := geo.Distance(q, p); d < bestD {
			best, bestD = walked+t*seg, d
		}
		walked += seg
	}
	return best
}

func (sim *Simulation) Start(t time.Time, d time.Duration) {
	sim.last = t
	sim.prefix = fmt.Sprintf("sim-%x", t.UnixNano())
	if len(sim.cameras) > 0 {
		c := sim.cameras[sim.rng.IntN(len(sim.cameras))]
		sim.offline = &c
		sim.offlineAt = t.Add(d / 3)
		sim.onlineAt = t.Add(d * 3 / 4)
	}
}

func (sim *Simulation) id() string {
	sim.n++
	return fmt.Sprintf("%s-%d", sim.prefix, sim.n)
}

func (sim *Simulation) base(now time.Time, typ string, sev event.Severity, g orb.Geometry, source, title string) event.Event {
	e := event.Event{ID: sim.id(), Type: typ, Severity: sev, Status: sim.status, Time: now, Geometry: g,
		Source: source, Title: title, Properties: map[string]any{"simulated": true}}
	if sim.status == event.Exercise {
		e.Properties["drill"] = sim.prefix
	}
	return e
}

// next returns the event to send at now: something queued (a checkpoint
// passed, the camera going offline), now and then an alarm, otherwise the
// next patrol's position.
func (sim *Simulation) Next(now time.Time) event.Event {
	e := sim.pick(now)
	if e.Op == event.Cancel {
		sim.counts[e.Type+" (cancel)"]++
	} else {
		sim.counts[e.Type]++
	}
	return e
}

func (sim *Simulation) pick(now time.Time) event.Event {
	walked := now.Sub(sim.last).Seconds() * walkingSpeed * sim.speed
	sim.last = now
	for _, p := range sim.patrols {
		sim.walk(now, p, walked)
	}
	if sim.offline != nil && !sim.offlineAt.IsZero() && !now.Before(sim.offlineAt) {
		c := sim.offline
		e := sim.base(now, "camera.offline", event.Moderate, c.Geom, "camera:"+c.Code, sim.say("offline", sim.name(c.Names)))
		e.Subject = "camera:" + c.Code
		e.Description = sim.say("novideo", c.Code, now.Format("15:04:05"))
		sim.offlineAt = time.Time{}
		sim.queue = append(sim.queue, e)
	}
	if sim.offline != nil && sim.offlineAt.IsZero() && !sim.onlineAt.IsZero() && !now.Before(sim.onlineAt) {
		c := sim.offline
		e := sim.base(now, "camera.online", event.Minor, c.Geom, "camera:"+c.Code, sim.say("online", sim.name(c.Names)))
		e.Subject = "camera:" + c.Code
		e.Expires = now.Add(10 * time.Minute)
		sim.onlineAt = time.Time{}
		sim.queue = append(sim.queue, e)
	}
	for len(sim.later) > 0 && !now.Before(sim.later[0].at) {
		e := sim.later[0].e
		e.ID, e.Time = sim.id(), now
		sim.later = sim.later[1:]
		sim.queue = append(sim.queue, e)
	}
	if len(sim.queue) > 0 {
		e := sim.queue[0]
		sim.queue = sim.queue[1:]
		return e
	}
	if sim.alarmDue(now) {
		if e, ok := sim.alarm(now, sim.severity()); ok {
			sim.follow(now, e)
			return e
		}
	}
	p := sim.patrols[sim.turn%len(sim.patrols)]
	sim.turn++
	return sim.position(now, p)
}

// walk moves p and queues the checkpoints it passes.
func (sim *Simulation) walk(now time.Time, p *patrol, d float64) {
	from := p.along
	p.along += d
	for i, c := range p.checks {
		// Positions are counted over the doubled route for open routes.
		cycle := p.length
		if !p.closed {
			cycle = 2 * p.length
		}
		for k := math.Floor(from / cycle); k*cycle <= p.along; k++ {
			at := k*cycle + c
			if at > from && at <= p.along {
				e := sim.base(now, "patrol.checkpoint", event.Minor, sim.pointAt(p, at), "patrol:"+p.route.Code, sim.say("passed", teamName(p), sim.name(p.names[i])))
				e.Expires = now.Add(time.Hour)
				e.Properties["route"], e.Properties["checkpoint"], e.Properties["order"] = p.route.Code, p.codes[i], i+1
				sim.queue = append(sim.queue, e)
			}
		}
	}
	if int(p.along/p.length) > p.round {
		p.round = int(p.along / p.length)
	}
}

func teamName(p *patrol) string {
	if p.route.Team != "" {
		return p.route.Team
	}
	return p.route.Code
}

// pointAt is where a patrol is after walking d metres.
func (sim *Simulation) pointAt(p *patrol, d float64) orb.Point {
	d = math.Mod(d, 2*p.length)
	if p.closed {
		d = math.Mod(d, p.length)
	} else if d > p.length {
		d = 2*p.length - d
	}
	pt, _ := geo.PointAtDistanceAlongLine(p.route.Geom, d)
	return pt
}

func (sim *Simulation) position(now time.Time, p *patrol) event.Event {
	pt := sim.pointAt(p, p.along)
	ahead := sim.pointAt(p, p.along+5)
	p.seq++
	e := sim.base(now, "patrol.position", event.Minor, pt, "patrol:"+p.route.Code, teamName(p))
	e.Subject = "patrol:" + p.route.Code
	e.Stale = now.Add(time.Minute)
	e.Expires = now.Add(5 * time.Minute)
	e.Properties["route"], e.Properties["round"] = p.route.Code, p.round+1
	e.Properties["speed_mps"] = math.Round(walkingSpeed*sim.speed*10) / 10
	e.Properties["heading_deg"] = math.Round(geo.Bearing(pt, ahead))
	return e
}

// alarm makes one alarm of severity sev from one of the community's fixed
// alarm sources (scene.Sources): a camera's analytics where it looks, a
// gate, a smoke detector inside a building, a piece of equipment.
func (sim *Simulation) alarm(now time.Time, sev event.Severity) (event.Event, bool) {
	var e event.Event
	pick := func(kind string) scene.Source {
		all := sim.sources[kind]
		return all[sim.rng.IntN(len(all))]
	}
	switch k := sim.kind(sev); {
	case k < 3 && len(sim.sources[scene.SourceCamera]) > 0:
		c := pick(scene.SourceCamera)
		e = sim.base(now, "intrusion.perimeter", event.Severe, c.At, c.Name(), sim.say("intrusion", sim.name(c.Names)))
		e.Properties["camera"] = c.Code
		e.Description = sim.say("intrusion.desc", c.Code)
	case k < 6 && len(sim.sources[scene.SourceGate]) > 0:
		a := pick(scene.SourceGate)
		typ, sev, what := "access.tailgating", event.Moderate, "tailgating"
		if sim.rng.IntN(2) == 0 {
			typ, sev, what = "access.forced_door", event.Severe, "forced"
		}
		e = sim.base(now, typ, sev, a.At, a.Name(), sim.say(what, sim.name(a.Names)))
		e.Properties["gate"] = a.Code
	case k < 8 && len(sim.sources[scene.SourceSmoke]) > 0:
		d := pick(scene.SourceSmoke)
		e = sim.base(now, "fire.smoke", event.Severe, d.At, d.Name(), sim.say("smoke", d.Code))
		e.Description = sim.say("smoke.desc")
		e.Properties["sensor"] = d.Code
	case len(sim.sources[scene.SourceEquipment]) > 0:
		q := pick(scene.SourceEquipment)
		e = sim.base(now, "equipment.fault", event.Minor, q.At, q.Name(), sim.say("fault", strings.ReplaceAll(q.Detail, "_", " "), q.Code))
		e.Properties["equipment"] = q.Code
	default:
		return e, false
	}
	e.Severity = sev // the site's priority for this alarm
	e.Expires = now.Add(30 * time.Minute)
	return e, true
}

// alarmDue reports whether an alarm is due at now and draws when the next
// one is: alarms come as a Poisson process of Rates.PerHour an hour of
// simulated time, Rates.Accel times faster than real time.
func (sim *Simulation) alarmDue(now time.Time) bool {
	per := sim.rates.PerHour * sim.rates.Accel / 3600 // a second of real time
	if per <= 0 {
		return false
	}
	gap := func() time.Duration { return time.Duration(sim.rng.ExpFloat64() / per * float64(time.Second)) }
	if sim.nextAlarm.IsZero() {
		sim.nextAlarm = now.Add(gap())
	}
	if now.Before(sim.nextAlarm) {
		return false
	}
	sim.nextAlarm = sim.nextAlarm.Add(gap())
	if sim.nextAlarm.Before(now) {
		sim.nextAlarm = now // more alarms due than ticks: one a tick
	}
	return true
}

// severity draws an alarm's severity: extreme and severe by their
// shares, of the rest a third moderate and two thirds minor.
func (sim *Simulation) severity() event.Severity {
	switch x := sim.rng.Float64(); {
	case x < sim.rates.ExtremeShare:
		return event.Extreme
	case x < sim.rates.ExtremeShare+sim.rates.SevereShare:
		return event.Severe
	case x < sim.rates.ExtremeShare+sim.rates.SevereShare+(1-sim.rates.ExtremeShare-sim.rates.SevereShare)/3:
		return event.Moderate
	}
	return event.Minor
}

// kind picks which of alarm's kinds (0-2 a camera, 3-5 a gate, 6-7 a
// smoke detector, 8-9 equipment) raises an alarm of severity sev: fires
// and intrusions are the severe ones, gates the moderate ones, equipment
// faults and video analytics' nuisance intrusions the minor ones.
func (sim *Simulation) kind(sev event.Severity) int {
	switch sev {
	case event.Extreme:
		return 6 + sim.rng.IntN(2)
	case event.Severe:
		return []int{0, 1, 2, 6, 7}[sim.rng.IntN(5)]
	case event.Moderate:
		return 3 + sim.rng.IntN(3)
	}
	if sim.rng.IntN(5) < 2 {
		return sim.rng.IntN(3)
	}
	return 8 + sim.rng.IntN(2)
}

// follow schedules what comes after the alarm e: a false alarm is
// cancelled or its source reports normal a little later (simulated
// time), and a fifth of the false ones come from a chattering device that
// repeats the alarm a few times first.
func (sim *Simulation) follow(now time.Time, e event.Event) {
	sim.alarms++
	if sim.rng.Float64() >= sim.rates.FalseShare {
		return
	}
	sim.falses++
	simTime := func(d time.Duration) time.Duration { return time.Duration(float64(d) / sim.rates.Accel) }
	at := now
	if sim.rng.IntN(5) == 0 {
		for range 2 + sim.rng.IntN(2) {
			at = at.Add(simTime(time.Duration(10+sim.rng.IntN(15)) * time.Second))
			r := e
			r.Properties = maps.Clone(e.Properties)
			r.Properties["repeat"] = true
			sim.schedule(at, r)
		}
	}
	at = at.Add(simTime(time.Duration(30+sim.rng.IntN(150)) * time.Second))
	var x event.Event
	if sim.rng.IntN(5) < 3 {
		family, _, _ := strings.Cut(e.Type, ".")
		x = sim.base(now, family+".normal", event.Minor, e.Geometry, e.Source, sim.say("normal", e.Title))
	} else {
		x = sim.base(now, e.Type, e.Severity, e.Geometry, e.Source, sim.say("false", e.Title))
		x.Op, x.References = event.Cancel, []string{e.ID}
	}
	x.Expires = time.Time{}
	sim.schedule(at, x)
}

// schedule sends e at at.
func (sim *Simulation) schedule(at time.Time, e event.Event) {
	i := sort.Search(len(sim.later), func(i int) bool { return sim.later[i].at.After(at) })
	sim.later = slices.Insert(sim.later, i, scheduled{at: at, e: e})
}

// finish returns the events that end the story at now: for a drill,
// drill.end naming it (properties.drill), so that consoles close its
// alerts together.
func (sim *Simulation) Finish(now time.Time) []event.Event {
	if sim.status != event.Exercise {
		return nil
	}
	e := sim.base(now, "drill.end", event.Minor, nil, "simulator", sim.say("drill.end"))
	if len(sim.patrols) > 0 && len(sim.patrols[0].route.Geom) > 0 {
		e.Geometry = sim.patrols[0].route.Geom[0]
	}
	sim.counts[e.Type]++
	return []event.Event{e}
}

func (sim *Simulation) Summary() string {
	keys := make([]string, 0, len(sim.counts))
	for k := range sim.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", sim.counts[k], k))
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" (%d alarms, %d of them false)", sim.alarms, sim.falses)
}

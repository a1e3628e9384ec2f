package replay

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// Synthetic returns the event log of a busy session for benchmarks,
// demos and tests: n messages spread evenly over d from start, run
// through a real console (opt, ticked once a second) as the live one
// would log them. units patrol units report their positions round
// the community centre (opt.Centre, or 121.6 E 31.2 N) and make most
// of the messages; one message in ten is an alarm (from 200 sources,
// some folding into open alerts, some about their own subject), one in
// twenty-five an operator's action on a recent alert (ack, assign,
// resolve). The same arguments give the same log.
func Synthetic(start time.Time, d time.Duration, n, units int, opt console.Options) []store.LogRow {
	if units < 1 {
		units = 1
	}
	centre := opt.Centre
	if centre == (orb.Point{}) {
		centre = orb.Point{121.6, 31.2}
		opt.Centre = centre
	}
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	c := console.New(opt)
	var rows []store.LogRow
	take := func() {
		_, _, log := c.TakeChanges()
		rows = append(rows, log...)
	}
	var recent []string
	types := []string{"fire.smoke", "intrusion.perimeter", "access.forced_door", "alarm.panic", "camera.offline"}
	sevs := []event.Severity{event.Minor, event.Moderate, event.Moderate, event.Severe, event.Extreme}
	tick := start.Truncate(time.Second).Add(time.Second)
	seq := int64(0)
	nextUnit := 0
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(float64(d) * float64(i) / float64(n)))
		for !tick.After(at) {
			c.Tick(tick)
			tick = tick.Add(time.Second)
		}
		seq++
		r := rng.IntN(100)
		var e event.Event
		switch {
		case r < 4 && len(recent) > 0:
			subj := recent[rng.IntN(len(recent))]
			a, ok := c.Alert(subj)
			kind := console.ActionAck
			switch {
			case !ok || a.Status == console.StatusResolved:
				kind = console.ActionNote
			case a.Status == console.StatusAcknowledged:
				kind = console.ActionAssign
			case a.Status == console.StatusAssigned:
				kind = console.ActionResolve
			}
			x, err := console.NewAction(kind, subj, fmt.Sprint("op", rng.IntN(3)), fmt.Sprintf("patrol:U%02d", rng.IntN(units)), "checked", at)
			if err != nil {
				continue
			}
			x.ID = fmt.Sprintf("op-%d", i)
			e = x
		case r < 14:
			src := rng.IntN(200)
			p := orb.Point{centre[0] + (rng.Float64()-0.5)*0.01, centre[1] + (rng.Float64()-0.5)*0.008}
			e = event.Event{ID: fmt.Sprint("al-", i), Type: types[src%len(types)], Severity: sevs[rng.IntN(len(sevs))], Time: at,
				Expires: at.Add(2 * time.Hour), Source: fmt.Sprintf("sensor:S%03d", src), Geometry: p,
				Title: fmt.Sprintf("Alarm %d at sensor S%03d", i, src)}
			if src%3 == 0 {
				e.Subject = fmt.Sprintf("sensor:S%03d", src)
			}
			subj := e.Subject
			if subj == "" {
				subj = e.ID
			}
			recent = append(recent, subj)
			if len(recent) > 64 {
				recent = recent[1:]
			}
		default:
			u := nextUnit % units
			nextUnit++
			// Each unit walks a circle of its own, a lap in about 20 minutes.
			ang := 2*math.Pi*float64(at.Sub(start))/float64(20*time.Minute) + float64(u)
			rad := 0.0008 + 0.0001*float64(u%7)
			p := orb.Point{centre[0] + rad*math.Cos(ang)*1.2 + 0.0003*float64(u%5), centre[1] + rad*math.Sin(ang) + 0.0002*float64(u%3)}
			e = event.Event{ID: fmt.Sprint("pos-", i), Type: "patrol.position", Subject: fmt.Sprintf("patrol:U%02d", u), Time: at,
				Stale: at.Add(time.Minute), Expires: at.Add(10 * time.Minute), Geometry: p, Title: fmt.Sprintf("U%02d", u),
				Properties: map[string]any{"heading_deg": math.Mod(ang*180/math.Pi+90, 360)}}
		}
		c.Apply(event.Message{Seq: seq, Publisher: "sim", Received: at, State: event.Fresh, Event: e}, at)
		if i%1000 == 999 {
			take()
		}
	}
	take()
	return rows
}

package drill

import (
	"math"
	"time"

	"github.com/paulmach/orb"
)

// Unit is a simulated responder of a tabletop drill: the subject its
// position reports carry, its title (what an operator types to assign
// it), its team and where it starts (EPSG:4326).
type Unit struct {
	Subject, Title, Team string
	At                   orb.Point
}

// ResponderOptions tune simulated responders. The zero value is usable.
type ResponderOptions struct {
	// Speed is how fast a unit goes to an alarm, metres per second of
	// scenario time (default 2.5: a brisk walk with equipment).
	Speed float64
	// Every is the scenario time between a moving unit's position
	// reports (default 5 s); a unit standing still reports every 12 of
	// them.
	Every time.Duration
	// AutoAssign, when above 0, sends the nearest free unit to an
	// inject's alarm that no one assigned within that scenario time of it
	// being sent, as an assign action by Operator.
	AutoAssign time.Duration
	// Operator names the simulated dispatcher of AutoAssign (default
	// "drill:simulated").
	Operator string
	// Path returns the way from one point to another as points to walk
	// through (EPSG:4326, from first to last); nil: a straight line.
	Path func(from, to orb.Point) []orb.Point
}

// Responders are the simulated units of a drill: when an inject's alarm
// is assigned to one of them (or, with AutoAssign, to the nearest free
// one), it goes to the alarm's place along Path at Speed and reports its
// position (patrol.position, marked exercise with the drill's ID) as it
// goes, in scenario time. A Responders belongs to one Runner, which
// drives it; it is not safe for concurrent use by itself.
type Responders struct {
	opt   ResponderOptions
	units []*simUnit
}

type simUnit struct {
	Unit
	pos     orb.Point
	route   []orb.Point
	cum     []float64 // metres along route at each point
	start   time.Duration
	alarm   string // subject of the alarm it is sent to; "" when free
	last    time.Duration
	spoken  bool // reported at least once
	arrived bool
}

// NewResponders returns the simulated units, each at its starting point.
func NewResponders(units []Unit, opt ResponderOptions) *Responders {
	if !(opt.Speed > 0) || math.IsInf(opt.Speed, 0) {
		opt.Speed = 2.5
	}
	if opt.Every <= 0 {
		opt.Every = 5 * time.Second
	}
	if opt.Operator == "" {
		opt.Operator = "drill:simulated"
	}
	r := &Responders{opt: opt}
	for _, u := range units {
		r.units = append(r.units, &simUnit{Unit: u, pos: u.At})
	}
	return r
}

// find returns the unit an operator named (subject or title).
func (r *Responders) find(name string) *simUnit {
	for _, u := range r.units {
		if name != "" && (u.Subject == name || u.Title == name) {
			return u
		}
	}
	return nil
}

// nearestFree returns the free unit nearest to p, nil when none is free.
func (r *Responders) nearestFree(p orb.Point) *simUnit {
	var best *simUnit
	bd := math.Inf(1)
	for _, u := range r.units {
		if u.alarm != "" {
			continue
		}
		if d := distance(u.pos, p); d < bd {
			best, bd = u, d
		}
	}
	return best
}

// dispatch sends u to p for the alarm subject at scenario time at.
func (r *Responders) dispatch(u *simUnit, subject string, p orb.Point, at time.Duration) {
	route := []orb.Point{u.pos, p}
	if r.opt.Path != nil {
		if pts := r.opt.Path(u.pos, p); len(pts) >= 2 {
			route = pts
		}
	}
	u.route, u.cum = route, make([]float64, len(route))
	for i := 1; i < len(route); i++ {
		u.cum[i] = u.cum[i-1] + distance(route[i-1], route[i])
	}
	u.start, u.alarm, u.arrived = at, subject, false
	u.last = at - r.opt.Every // report at once
}

// free releases the units sent to the alarm subject; they stay where
// they are.
func (r *Responders) free(subject string) {
	for _, u := range r.units {
		if u.alarm == subject {
			u.alarm, u.route, u.cum = "", nil, nil
		}
	}
}

// where returns u's position at scenario time at.
func (r *Responders) where(u *simUnit, at time.Duration) (orb.Point, bool) {
	if len(u.route) < 2 {
		return u.pos, true
	}
	d := r.opt.Speed * (at - u.start).Seconds()
	total := u.cum[len(u.cum)-1]
	if d >= total {
		return u.route[len(u.route)-1], true
	}
	if d <= 0 {
		return u.route[0], false
	}
	for i := 1; i < len(u.route); i++ {
		if d <= u.cum[i] {
			seg := u.cum[i] - u.cum[i-1]
			f := 0.0
			if seg > 0 {
				f = (d - u.cum[i-1]) / seg
			}
			a, b := u.route[i-1], u.route[i]
			return orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}, false
		}
	}
	return u.route[len(u.route)-1], true
}

// posReport is one position report due.
type posReport struct {
	unit *simUnit
	at   orb.Point
}

// due returns the reports due at scenario time at, moving the units.
func (r *Responders) due(at time.Duration) []posReport {
	var out []posReport
	for _, u := range r.units {
		every := r.opt.Every
		if u.alarm == "" || u.arrived {
			every *= 12
		}
		if u.spoken && at-u.last < every {
			continue
		}
		p, arrived := r.where(u, at)
		u.pos, u.last, u.spoken = p, at, true
		if u.alarm != "" && arrived {
			u.arrived = true
		}
		out = append(out, posReport{u, p})
	}
	return out
}

// next returns the scenario time of the next report due after at.
func (r *Responders) next(at time.Duration) (time.Duration, bool) {
	best, ok := time.Duration(0), false
	for _, u := range r.units {
		every := r.opt.Every
		if u.alarm == "" || u.arrived {
			every *= 12
		}
		t := u.last + every
		if !u.spoken {
			t = at
		}
		if !ok || t < best {
			best, ok = t, true
		}
	}
	return best, ok
}

// centre is the point a unit goes to for a geometry: a point itself,
// else the centre of its bounds.
func centre(g orb.Geometry) (orb.Point, bool) {
	switch g := g.(type) {
	case nil:
		return orb.Point{}, false
	case orb.Point:
		return g, true
	}
	return g.Bound().Center(), true
}

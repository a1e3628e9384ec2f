// Package drill runs and measures drills (exercises): the scenario clock
// apart from wall-clock time, the director that sends a scenario's
// injects through the hub, simulated responders for tabletop drills, and
// the response-time chain of every alarm as a pure function of the
// console's event log, scored against a norm kept as data.
//
// Scenario time is an offset from the drill's start (t+mm:ss). A pause
// stops scenario time and moves when an inject is due on the clock,
// never its scenario time. The chain is measured on the times the
// console logged (wall-clock time), so the same log gives the same
// numbers on any machine.
package drill

import (
	"math"
	"time"
)

// Clock is a drill's scenario clock: scenario time runs at Speed times
// wall-clock time while the clock runs, and stands still before Start
// and while paused. Every method takes the wall-clock time now, so that
// tests and replays drive it with their own time. The zero value is a
// stopped clock at speed 1. A Clock is not safe for concurrent use.
//
// A pause never shifts scenario times: an inject at t+10:00 goes out when
// the clock reads t+10:00, however long the pause was, and no inject can
// fall inside a pause since scenario time does not move then. Resuming
// therefore never sends a burst. An inject the director sends later than
// it fell due (a slow or suspended machine) is sent once, in its order,
// and marked late by how much (see Runner).
type Clock struct {
	speed   float64
	started bool
	running bool
	base    time.Duration // scenario time at anchor
	anchor  time.Time     // wall-clock time of the last start, resume or speed change
}

// NewClock returns a stopped clock that will run at speed times wall
// time (speed 60: an hour of scenario in a minute); speed ≤ 0, NaN or
// infinite means 1.
func NewClock(speed float64) *Clock {
	return &Clock{speed: cleanSpeed(speed)}
}

func cleanSpeed(s float64) float64 {
	if !(s > 0) || math.IsInf(s, 0) {
		return 1
	}
	return s
}

// Start starts the clock at scenario time 0 at now; starting a started
// clock does nothing.
func (c *Clock) Start(now time.Time) {
	if c.started {
		return
	}
	c.speed = cleanSpeed(c.speed)
	c.started, c.running, c.base, c.anchor = true, true, 0, now
}

// Started reports whether Start was called.
func (c *Clock) Started() bool { return c.started }

// Pause stops scenario time at now; pausing a paused or stopped clock
// does nothing.
func (c *Clock) Pause(now time.Time) {
	if !c.running {
		return
	}
	c.base = c.At(now)
	c.running = false
}

// Resume lets scenario time run again from where it stood; resuming a
// running clock, or one never started, does nothing.
func (c *Clock) Resume(now time.Time) {
	if !c.started || c.running {
		return
	}
	c.running, c.anchor = true, now
}

// Paused reports whether the clock was started and is paused.
func (c *Clock) Paused() bool { return c.started && !c.running }

// Speed returns the clock's speed.
func (c *Clock) Speed() float64 { return cleanSpeed(c.speed) }

// SetSpeed changes the speed from now on; scenario time already run is
// kept. A speed ≤ 0 is ignored.
func (c *Clock) SetSpeed(s float64, now time.Time) {
	if !(s > 0) || math.IsInf(s, 0) {
		return
	}
	if c.running {
		c.base, c.anchor = c.At(now), now
	}
	c.speed = s
}

// At returns the scenario time at wall-clock time now: 0 before Start,
// the time it stood at while paused. A now before the last start, resume
// or speed change counts as that moment.
func (c *Clock) At(now time.Time) time.Duration {
	if !c.running {
		return c.base
	}
	d := now.Sub(c.anchor)
	if d < 0 {
		d = 0
	}
	return c.base + scale(d, c.Speed())
}

// Due returns the wall-clock time at which scenario time offset falls
// due, the clock running as it does at now; a time before now for an
// offset already past. ok is false while the clock is paused or not
// started: no wall-clock time is due then.
func (c *Clock) Due(offset time.Duration, now time.Time) (t time.Time, ok bool) {
	if !c.running {
		return time.Time{}, false
	}
	if now.Before(c.anchor) {
		now = c.anchor
	}
	return now.Add(scale(offset-c.At(now), 1/c.Speed())), true
}

// scale multiplies d by k, rounding to the nanosecond.
func scale(d time.Duration, k float64) time.Duration {
	if k == 1 {
		return d
	}
	return time.Duration(math.Round(float64(d) * k))
}

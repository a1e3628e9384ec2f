// Package drill is the drill coordinator's workbench: a scenario's
// timeline with its injects (drag one to re-time it), the editor of the
// selected inject and of the scenario's properties, checked as the
// coordinator types, and the director's panel that starts, pauses,
// triggers and skips injects of a running drill and takes the
// evaluator's observations.
//
// The widgets work on store.Scenario values; they save through the small
// Scenarios interface and direct a run through Director, both declared
// here and satisfied by the caller. Every method must be called on the
// Fyne goroutine.
package drill

import (
	"context"
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"safetynet/data/store"
)

// Scenarios is where scenarios are kept: the GeoPackage's store, or a
// fake in tests. Its methods may block; callers run them off the Fyne
// goroutine.
type Scenarios interface {
	Scenarios(ctx context.Context) ([]store.Scenario, error)
	SaveScenario(ctx context.Context, sc store.Scenario) error
}

// Director runs a drill of a scenario: it sends the injects on the
// scenario clock, and takes the director's and the evaluators' actions.
// Its methods are called on the Fyne goroutine and must not block.
type Director interface {
	Start()
	Pause()
	Resume()
	// Trigger sends the inject numbered n now, whatever its time.
	Trigger(n string) error
	// Skip marks the inject numbered n as not to be sent.
	Skip(n string) error
	Stop()
	// Status returns the run as it stands.
	Status() RunStatusView
	// Observe records an evaluator's observation, stamped with the
	// scenario and wall-clock time it is made at.
	Observe(evaluator, text string) error
}

// Run states a RunStatusView reports.
const (
	RunIdle    = "idle"
	RunRunning = "running"
	RunPaused  = "paused"
	RunStopped = "stopped"
)

// Inject states a RunStatusView reports.
const (
	InjectPending = "pending"
	InjectSent    = "sent"
	InjectLate    = "late"
	InjectSkipped = "skipped"
)

// RunStatusView is a run as the director panel shows it: its state
// (RunIdle, RunRunning, RunPaused, RunStopped), the scenario clock, and
// each inject's state by number (InjectPending when absent).
type RunStatusView struct {
	State   string
	Clock   time.Duration
	Injects map[string]string
}

// Colour is the drill colour: injects on the map and primary injects on
// the timeline.
var Colour = color.NRGBA{0x8E, 0x44, 0xAD, 0xFF}

// KindColour returns the colour of an inject kind on the timeline:
// primary in the drill colour, contingent amber, contextual slate.
func KindColour(kind string) color.NRGBA {
	switch kind {
	case store.InjectContingent:
		return color.NRGBA{0xD9, 0x7B, 0x00, 0xFF}
	case store.InjectContextual:
		return color.NRGBA{0x60, 0x7D, 0x8B, 0xFF}
	}
	return Colour
}

// Snap is the step injects are re-timed in by dragging.
const Snap = 5 * time.Second

// FormatClock formats a scenario time as t+mm:ss (t+hh:mm:ss from an
// hour on); a negative time as t-mm:ss.
func FormatClock(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("t%s%d:%02d:%02d", sign, s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("t%s%02d:%02d", sign, s/60, s%60)
}

// ParseClock reads a scenario time written as t+mm:ss, mm:ss, hh:mm:ss
// (with or without the t+), or a number of minutes ("12"). Seconds and
// minutes after the first field are below 60; the time is not negative.
func ParseClock(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "T"), "t")
	t = strings.TrimPrefix(t, "+")
	if t == "" {
		return 0, fmt.Errorf("drill: empty time %q", s)
	}
	parts := strings.Split(t, ":")
	if len(parts) > 3 {
		return 0, fmt.Errorf("drill: time %q has more than three fields", s)
	}
	var total int64
	for i, p := range parts {
		if p == "" || len(p) > 4 {
			return 0, fmt.Errorf("drill: bad time %q", s)
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("drill: bad time %q", s)
		}
		if i > 0 && n >= 60 {
			return 0, fmt.Errorf("drill: bad time %q: %d is not below 60", s, n)
		}
		total = total*60 + n
	}
	if len(parts) == 1 {
		total *= 60 // minutes
	}
	return time.Duration(total) * time.Second, nil
}

// FormatSpan formats a deadline in seconds or minutes and seconds
// ("90" reads back as 1:30): "" for zero.
func FormatSpan(d time.Duration) string {
	if d == 0 {
		return ""
	}
	s := int64(d / time.Second)
	if s%60 == 0 {
		return fmt.Sprintf("%d:00", s/60)
	}
	if s < 60 {
		return strconv.FormatInt(s, 10)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// ParseSpan reads a deadline written as seconds ("90") or m:ss ("1:30");
// "" is zero (not expected). A negative deadline is an error.
func ParseSpan(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("drill: negative deadline %q", s)
	}
	m, sec, ok := strings.Cut(t, ":")
	if !ok {
		n, err := strconv.ParseFloat(t, 64)
		if err != nil || n < 0 || n > 1e6 {
			return 0, fmt.Errorf("drill: bad deadline %q", s)
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	mi, err1 := strconv.Atoi(m)
	si, err2 := strconv.Atoi(sec)
	if err1 != nil || err2 != nil || mi < 0 || si < 0 || si >= 60 || len(sec) != 2 {
		return 0, fmt.Errorf("drill: bad deadline %q", s)
	}
	return time.Duration(mi*60+si) * time.Second, nil
}

// Package rules raises alerts from the live stream itself: a patrol
// entering or leaving a key area, a key area left without a patrol for too
// long, cameras going offline so that a key area loses its coverage, and
// patrol checkpoints skipped or not passed in time.
//
// Rules are data: a JSON array the user edits (Parse, Format). An Engine
// evaluates them over the events a console receives (Observe) and the
// passing of time (Tick). Every raised event is a valid event.Event whose
// ID and Subject derive from the rule and what triggered it, never from the
// wall clock or randomness, so that several consoles evaluating the same
// rules over the same stream raise the same events.
package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"safetynet/feeds/event"
)

// Kind is what a rule watches for.
type Kind string

// Kinds of rule.
const (
	// Enter raises rule.zone_enter when a unit crosses into a key area.
	Enter Kind = "enter"
	// Leave raises rule.zone_leave when a unit crosses out of a key area.
	Leave Kind = "leave"
	// Absence raises rule.absence when no unit has been inside a key area
	// for Minutes.
	Absence Kind = "absence"
	// CameraCoverage raises rule.coverage_drop when a camera going offline
	// takes a key area's coverage below MinShare.
	CameraCoverage Kind = "camera_coverage"
	// Checkpoint raises patrol.missed_checkpoint for each checkpoint
	// skipped (passing order k after order j, k != j+1 cyclically), and
	// rule.checkpoint_late once per round for a checkpoint not passed for
	// a round's period (shift length / RoundsPerShift) plus Minutes. Late
	// is counted within shifts only, from the last pass, the start of the
	// shift or the engine's start, whichever is latest.
	Checkpoint Kind = "checkpoint"
)

// Kinds lists every kind, in the order the settings show them.
var Kinds = []Kind{Enter, Leave, Absence, CameraCoverage, Checkpoint}

// Defaults of a rule's optional fields.
const (
	// DefaultUnits is the subject prefix of the units a zone rule applies
	// to when it names none: the patrols.
	DefaultUnits = "patrol:"
	// DefaultMinShare is the coverage share below which a camera_coverage
	// rule raises, when it names none.
	DefaultMinShare = 0.8
)

// Limits of a rule's fields.
const (
	MaxRules      = 1000
	MaxIDLen      = 64
	MaxNameLen    = 200
	MaxCodeLen    = 128         // zone, route and units
	MaxMinutes    = 7 * 24 * 60 // a week
	maxPreviewLen = 40
)

// Rule is one rule as the user writes it. The zero values of the optional
// fields mean their defaults (DefaultUnits, DefaultMinShare, the kind's
// severity); Parse keeps them as written, so Format(Parse(x)) keeps the
// user's text short.
type Rule struct {
	// ID names the rule: letters, digits, '-', '_' and '.', unique among
	// the rules. It is part of the ID of every event the rule raises.
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Name is what the settings show; optional.
	Name string `json:"name,omitempty"`
	// Zone is the code of a key area (enter, leave, absence).
	Zone string `json:"zone,omitempty"`
	// Units is the subject prefix of the tracked units the rule applies to
	// (enter, leave, absence); "" means DefaultUnits.
	Units string `json:"units,omitempty"`
	// Minutes is, for absence, how long a zone may stay without a unit
	// inside (above 0); for checkpoint, the grace after a round's expected
	// time before a checkpoint is late (0 or more).
	Minutes float64 `json:"minutes,omitempty"`
	// Route is the code of the patrol route a checkpoint rule watches; ""
	// means every route.
	Route string `json:"route,omitempty"`
	// MinShare (camera_coverage) is the share, 0 to 1, of a key area seen
	// at its required level below which a camera going offline raises;
	// 0 means DefaultMinShare.
	MinShare float64 `json:"min_share,omitempty"`
	// Severity of the raised events; "" means the kind's usual severity.
	Severity event.Severity `json:"severity,omitempty"`
	// Disabled rules raise nothing.
	Disabled bool `json:"disabled,omitempty"`
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// check returns what is wrong with the rule's fields, naming the field.
// It does not look at the environment (zones, routes).
func (r Rule) check() error {
	switch {
	case r.ID == "":
		return fmt.Errorf("id is missing")
	case len(r.ID) > MaxIDLen:
		return fmt.Errorf("id is %d bytes, at most %d", len(r.ID), MaxIDLen)
	case !idRE.MatchString(r.ID):
		return fmt.Errorf("id %q may hold only letters, digits, '-', '_' and '.', and must start with a letter or digit", preview(r.ID))
	}
	switch r.Kind {
	case Enter, Leave, Absence, CameraCoverage, Checkpoint:
	case "":
		return fmt.Errorf("kind is missing (one of %s)", kindList())
	default:
		return fmt.Errorf("kind %q is not one of %s", preview(string(r.Kind)), kindList())
	}
	if err := text("name", r.Name, MaxNameLen); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"zone", r.Zone}, {"units", r.Units}, {"route", r.Route}} {
		if err := text(f.name, f.v, MaxCodeLen); err != nil {
			return err
		}
	}
	zoneKind := r.Kind == Enter || r.Kind == Leave || r.Kind == Absence
	switch {
	case zoneKind && strings.TrimSpace(r.Zone) == "":
		return fmt.Errorf("zone is missing (the code of a key area, e.g. KA-GATE-S)")
	case !zoneKind && r.Zone != "":
		return fmt.Errorf("zone does not apply to %s rules", r.Kind)
	case !zoneKind && r.Units != "":
		return fmt.Errorf("units does not apply to %s rules", r.Kind)
	case r.Kind != Checkpoint && r.Route != "":
		return fmt.Errorf("route does not apply to %s rules", r.Kind)
	case r.Kind != CameraCoverage && r.MinShare != 0:
		return fmt.Errorf("min_share does not apply to %s rules", r.Kind)
	}
	switch {
	case math.IsNaN(r.Minutes) || math.IsInf(r.Minutes, 0):
		return fmt.Errorf("minutes is not a number")
	case r.Minutes < 0:
		return fmt.Errorf("minutes %g is negative", r.Minutes)
	case r.Minutes > MaxMinutes:
		return fmt.Errorf("minutes %g is more than %d (a week)", r.Minutes, MaxMinutes)
	case r.Kind == Absence && r.Minutes == 0:
		return fmt.Errorf("minutes is missing: how long the zone may stay without a unit (above 0)")
	case r.Kind != Absence && r.Kind != Checkpoint && r.Minutes != 0:
		return fmt.Errorf("minutes does not apply to %s rules", r.Kind)
	}
	if math.IsNaN(r.MinShare) || r.MinShare < 0 || r.MinShare > 1 {
		return fmt.Errorf("min_share %g is outside 0..1 (a share: 0.8 is 80%%)", r.MinShare)
	}
	switch r.Severity {
	case "", event.Extreme, event.Severe, event.Moderate, event.Minor, event.UnknownSeverity:
	default:
		return fmt.Errorf("severity %q is not one of extreme, severe, moderate, minor, unknown", preview(string(r.Severity)))
	}
	return nil
}

func text(field, v string, max int) error {
	if len(v) > max {
		return fmt.Errorf("%s is %d bytes, at most %d", field, len(v), max)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	for _, c := range v {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) {
			return fmt.Errorf("%s %q contains a control character", field, preview(v))
		}
	}
	return nil
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func preview(s string) string {
	if len(s) <= maxPreviewLen {
		return s
	}
	n := maxPreviewLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// where names the rule at index i for an error message.
func where(i int, id string) string {
	if id == "" || len(id) > MaxIDLen {
		return fmt.Sprintf("rules[%d]", i)
	}
	return fmt.Sprintf("rules[%d] (id %q)", i, preview(id))
}

// checkAll checks every rule and that their IDs are unique.
func checkAll(rules []Rule) error {
	if len(rules) > MaxRules {
		return fmt.Errorf("rules: %d rules, at most %d", len(rules), MaxRules)
	}
	seen := make(map[string]int, len(rules))
	for i, r := range rules {
		if err := r.check(); err != nil {
			return fmt.Errorf("rules: %s: %w", where(i, r.ID), err)
		}
		if j, dup := seen[r.ID]; dup {
			return fmt.Errorf("rules: %s: duplicate id, rules[%d] has the same", where(i, r.ID), j)
		}
		seen[r.ID] = i
	}
	return nil
}

// Parse reads rules from a JSON array of rule objects ("null" and "[]"
// give none). Its errors name the rule (index and id) and the field:
// unknown kind, missing zone, negative minutes, min_share outside 0..1,
// duplicate id, fields a rule does not know. It does not check zones and
// routes against a community: New does.
func Parse(data []byte) ([]Rule, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, fmt.Errorf("rules: not a JSON array of rules: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if len(raws) > MaxRules {
		return nil, fmt.Errorf("rules: %d rules, at most %d", len(raws), MaxRules)
	}
	if len(raws) == 0 {
		return nil, nil
	}
	rules := make([]Rule, len(raws))
	for i, raw := range raws {
		var head struct {
			ID any `json:"id"`
		}
		_ = json.Unmarshal(raw, &head) // only to name the rule in errors
		id, _ := head.ID.(string)
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return nil, fmt.Errorf("rules: %s: null is not a rule", where(i, id))
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rules[i]); err != nil {
			return nil, fmt.Errorf("rules: %s: %s", where(i, id), strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	if err := checkAll(rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// Format writes rules as an indented JSON array that Parse reads back to
// the same rules. Numbers that are not finite, which Parse never returns,
// are written as 0.
func Format(rules []Rule) []byte {
	if rules == nil {
		rules = []Rule{}
	}
	clean := make([]Rule, len(rules))
	for i, r := range rules {
		if math.IsNaN(r.Minutes) || math.IsInf(r.Minutes, 0) {
			r.Minutes = 0
		}
		if math.IsNaN(r.MinShare) || math.IsInf(r.MinShare, 0) {
			r.MinShare = 0
		}
		clean[i] = r
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(clean); err != nil {
		// Only non-finite numbers make encoding fail, and they were replaced.
		panic("rules: format: " + err.Error())
	}
	return buf.Bytes()
}

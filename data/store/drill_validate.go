package store

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// InjectKinds are the kinds an inject may have; "" is read as
// InjectPrimary.
var InjectKinds = []string{InjectPrimary, InjectContingent, InjectContextual}

// InjectFormats are the formats an inject's event may go out in; "" is an
// inject delivered by other means.
var InjectFormats = []string{FormatJSON, FormatCAP, FormatCoT}

// InjectSeverities are the severities an inject's event may have (CAP's
// scale, lower case); "" leaves it to the event.
var InjectSeverities = []string{"minor", "moderate", "severe", "extreme", "unknown"}

// Steps are the steps of the response chain a condition may wait for, in
// order.
var Steps = []string{StepAck, StepAssign, StepOnScene, StepResolve}

// Norms are the response norms a scenario may be scored against; "" is
// read as NormMFS135.
var Norms = []string{NormMFS135, NormNFPA1710}

// ErrInvalidScenario is wrapped by the error SaveScenario returns for a
// scenario that Validate finds wrong.
var ErrInvalidScenario = errors.New("store: invalid drill scenario")

// Validate returns every problem of the scenario, each an error naming the
// inject (by number, or by position when it has none) and the field: a
// missing code or number, a duplicate number, a negative time or deadline,
// an unknown kind, format, severity or norm, a condition on a missing
// inject or on a step that is not one of Steps, a negative on-scene
// radius, a coordinate that is not a number, and, when codes is not nil,
// a location code that codes does not know. Nil means none.
func (sc *Scenario) Validate(codes func(code string) bool) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}
	if strings.TrimSpace(sc.Code) == "" {
		bad("scenario: code is empty")
	}
	if sc.Norm != "" && !slices.Contains(Norms, sc.Norm) {
		bad("scenario %s: norm %q is not one of %s", sc.Code, sc.Norm, strings.Join(Norms, ", "))
	}
	seenObj := map[string]bool{}
	for i, o := range sc.Objectives {
		if strings.TrimSpace(o.Code) == "" {
			bad("scenario %s: objective %d: code is empty", sc.Code, i+1)
		} else if seenObj[o.Code] {
			bad("scenario %s: objective %s: code repeated", sc.Code, o.Code)
		}
		seenObj[o.Code] = true
	}
	numbers := map[string]int{}
	for i, in := range sc.Injects {
		if in.Number != "" {
			if _, dup := numbers[in.Number]; !dup {
				numbers[in.Number] = i
			}
		}
	}
	seen := map[string]bool{}
	for i, in := range sc.Injects {
		name := "inject " + in.Number
		if strings.TrimSpace(in.Number) == "" {
			name = fmt.Sprintf("inject at position %d", i+1)
			bad("%s: number: empty", name)
		} else if seen[in.Number] {
			bad("%s: number: repeated (first at position %d)", name, numbers[in.Number]+1)
		}
		seen[in.Number] = true
		if in.Timed && in.Offset < 0 {
			bad("%s: time: %v is before the start", name, in.Offset)
		}
		if in.Kind != "" && !slices.Contains(InjectKinds, in.Kind) {
			bad("%s: kind: %q is not one of %s", name, in.Kind, strings.Join(InjectKinds, ", "))
		}
		if in.Format != "" && !slices.Contains(InjectFormats, in.Format) {
			bad("%s: format: %q is not one of %s", name, in.Format, strings.Join(InjectFormats, ", "))
		}
		if in.Severity != "" && !slices.Contains(InjectSeverities, in.Severity) {
			bad("%s: severity: %q is not one of %s", name, in.Severity, strings.Join(InjectSeverities, ", "))
		}
		for _, d := range []struct {
			field string
			v     float64
		}{
			{"expect ack", in.Expect.AckWithin.Seconds()},
			{"expect assign", in.Expect.AssignWithin.Seconds()},
			{"expect on scene", in.Expect.OnSceneWithin.Seconds()},
			{"expect resolve", in.Expect.ResolveWithin.Seconds()},
		} {
			if d.v < 0 {
				bad("%s: %s: %vs is negative", name, d.field, d.v)
			}
		}
		if r := in.Expect.OnSceneRadius; r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
			bad("%s: on-scene radius: %v m is not a distance", name, r)
		}
		if err := checkFinite(in.Geometry); err != nil {
			bad("%s: geometry: %v", name, err)
		}
		if c := in.Condition; c != nil {
			switch j, ok := numbers[c.After]; {
			case strings.TrimSpace(c.After) == "":
				bad("%s: condition: names no inject", name)
			case !ok:
				bad("%s: condition: inject %q is not in the scenario", name, c.After)
			case j == i:
				bad("%s: condition: waits for itself", name)
			}
			if !slices.Contains(Steps, c.Missing) {
				bad("%s: condition: step %q is not one of %s", name, c.Missing, strings.Join(Steps, ", "))
			}
			if c.Within < 0 {
				bad("%s: condition: within %v is negative", name, c.Within)
			}
		}
		if codes != nil && in.LocationCode != "" && !codes(in.LocationCode) {
			bad("%s: location code: %q is not a feature of this community", name, in.LocationCode)
		}
		if in.Objective != "" && len(sc.Objectives) > 0 && !seenObj[in.Objective] {
			bad("%s: objective: %q is not an objective of the scenario", name, in.Objective)
		}
	}
	return errs
}

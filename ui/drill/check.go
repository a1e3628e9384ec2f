package drill

import (
	"regexp"
	"time"

	"fyne.io/fyne/v2/lang"

	"safetynet/data/store"
)

// Fields of a scenario and of an inject that a Problem can name.
const (
	FieldCode       = "code"
	FieldName       = "name"
	FieldObjectives = "objectives"
	FieldNumber     = "number"
	FieldTime       = "time"
	FieldType       = "type"
	FieldLocation   = "location"
	FieldAck        = "ack"
	FieldAssign     = "assign"
	FieldOnScene    = "on_scene"
	FieldRadius     = "radius"
	FieldResolve    = "resolve"
	FieldObjective  = "objective"
	FieldCondition  = "condition"
)

// Problem is one thing wrong with a scenario: the inject it is in (its
// index; -1 for the scenario's own properties), the field and a sentence
// in the interface language saying what to do.
type Problem struct {
	Inject int
	Field  string
	Text   string
}

var typeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$`)

// Check returns what is wrong with sc, scenario properties first, then
// the injects in order. codes tells whether a location code names a
// feature of the community; nil accepts every code.
func Check(sc store.Scenario, codes func(string) bool) []Problem {
	var out []Problem
	add := func(i int, field, text string) { out = append(out, Problem{Inject: i, Field: field, Text: text}) }
	if sc.Code == "" {
		add(-1, FieldCode, lang.L("Give the scenario a code."))
	}
	if sc.Name == "" && sc.NameZh == "" && sc.NameEn == "" {
		add(-1, FieldName, lang.L("Give the scenario a name."))
	}
	objectives := map[string]bool{}
	for _, o := range sc.Objectives {
		if o.Code == "" {
			add(-1, FieldObjectives, lang.L("Every objective needs a code (O1, O2…)."))
		} else if objectives[o.Code] {
			add(-1, FieldObjectives, lang.L("Objective {{.Code}} is listed twice.", map[string]any{"Code": o.Code}))
		}
		objectives[o.Code] = true
	}
	seen := map[string]int{}
	for _, in := range sc.Injects {
		if in.Number != "" {
			seen[in.Number]++
		}
	}
	for i, in := range sc.Injects {
		switch {
		case in.Number == "":
			add(i, FieldNumber, lang.L("Give the inject a number."))
		case seen[in.Number] > 1:
			add(i, FieldNumber, lang.L("Number {{.N}} is used by another inject.", map[string]any{"N": in.Number}))
		}
		if in.Timed && in.Offset < 0 {
			add(i, FieldTime, lang.L("The time cannot be before the start."))
		}
		if in.Type != "" && !typeRE.MatchString(in.Type) {
			add(i, FieldType, lang.L("A type is a dotted lower-case name, e.g. fire.smoke."))
		}
		if in.LocationCode != "" && codes != nil && !codes(in.LocationCode) {
			add(i, FieldLocation, lang.L("No feature has the code {{.Code}}: pick one on the map.", map[string]any{"Code": in.LocationCode}))
		}
		for _, d := range []struct {
			field string
			v     time.Duration
		}{{FieldAck, in.Expect.AckWithin}, {FieldAssign, in.Expect.AssignWithin}, {FieldOnScene, in.Expect.OnSceneWithin}, {FieldResolve, in.Expect.ResolveWithin}} {
			if d.v < 0 {
				add(i, d.field, lang.L("A deadline cannot be negative."))
			}
		}
		if in.Expect.OnSceneRadius < 0 {
			add(i, FieldRadius, lang.L("The radius cannot be negative."))
		}
		if in.Objective != "" && !objectives[in.Objective] {
			add(i, FieldObjective, lang.L("The scenario has no objective {{.Code}}.", map[string]any{"Code": in.Objective}))
		}
		if c := in.Condition; c != nil {
			switch {
			case c.After == "":
				add(i, FieldCondition, lang.L("Name the inject this one depends on."))
			case c.After == in.Number:
				add(i, FieldCondition, lang.L("An inject cannot depend on itself."))
			case seen[c.After] == 0:
				add(i, FieldCondition, lang.L("No inject has the number {{.N}}.", map[string]any{"N": c.After}))
			case c.Missing != store.StepAck && c.Missing != store.StepAssign && c.Missing != store.StepOnScene && c.Missing != store.StepResolve:
				add(i, FieldCondition, lang.L("Choose the step that was not reached."))
			case c.Within < 0:
				add(i, FieldCondition, lang.L("A deadline cannot be negative."))
			}
		} else if in.Kind == store.InjectContingent {
			add(i, FieldCondition, lang.L("A contingency inject needs its condition."))
		}
	}
	return out
}

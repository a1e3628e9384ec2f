package store

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"safetynet/geo/dori"
)

// The rules every write of a feature follows, whoever writes it (an edit
// in the app, an import, a copy from another GeoPackage): the range of a
// number and the codes a coded column takes. A value outside them is
// refused with ErrInvalid, naming the column and the value; nothing of
// the transaction is kept.

// ErrInvalid is wrapped by the errors of values a column does not take.
var ErrInvalid = errors.New("value not allowed")

// Rule is what a column takes: numbers from Min to Max (unit Unit), or
// text that is one of Codes (or "", none). A zero Rule takes anything its
// column type does.
type Rule struct {
	Min, Max float64
	Unit     string
	Codes    []string
	// Check, when set, tells whether a text value is allowed; Help says
	// which ones are.
	Check func(string) bool
	Help  string
}

func (r Rule) numeric() bool { return r.Min != 0 || r.Max != 0 }

// Hazard severities.
var HazardSeverities = []string{"low", "medium", "high", "critical"}

// HazardStatuses are the lifecycle states of a hazard.
var HazardStatuses = []string{HazardOpen, HazardMitigated, HazardClosed}

// HazardLevels are the hazard levels of an area (GB 50140).
var HazardLevels = []string{HazardLight, HazardMedium, HazardSevere}

// iec2025 are the level names of IEC 62676-4:2025, accepted besides those
// of the default table (see geo/dori) because the level table is
// configurable.
var iec2025 = []string{"overview", "outline", "discern", "perceive", "characterize", "validate", "scrutinize"}

func validLevel(s string) bool {
	if _, err := dori.Default().Index(s); err == nil {
		return true
	}
	return slices.Contains(iec2025, strings.ToLower(strings.TrimSpace(s)))
}

func levelHelp() string {
	var names []string
	for _, l := range dori.Default() {
		names = append(names, l.Name)
	}
	return strings.Join(append(names, iec2025...), ", ")
}

// rules are the rules per layer and column.
var rules = map[string]map[string]Rule{
	Buildings: {
		"height": {Min: 0, Max: 1000, Unit: "m"},
		"levels": {Min: 0, Max: 1000}, // as many as an OSM import takes
	},
	Barriers: {
		"height": {Min: 0, Max: 100, Unit: "m"},
	},
	Cameras: {
		"mount_height":    {Min: 0, Max: 500, Unit: "m"},
		"heading":         {Min: -360, Max: 360, Unit: "°"},
		"tilt":            {Min: -90, Max: 90, Unit: "°"},
		"hfov":            {Min: 0, Max: 360, Unit: "°"},
		"vfov":            {Min: 0, Max: 179.9, Unit: "°"},
		"sensor_width_mm": {Min: 0, Max: 100, Unit: "mm"},
		"focal_length_mm": {Min: 0, Max: 5000, Unit: "mm"},
		"resolution_h":    {Min: 0, Max: 100000, Unit: "px"},
		"resolution_v":    {Min: 0, Max: 100000, Unit: "px"},
		"max_range":       {Min: 0, Max: 100000, Unit: "m"},
		"status":          {Codes: CameraStatuses},
	},
	FireEquipment: {
		"capacity":     {Min: 0, Max: 1e6},
		"hazard_level": {Codes: HazardLevels},
	},
	Hazards: {
		"severity": {Codes: HazardSeverities},
		"status":   {Codes: HazardStatuses},
	},
	KeyAreas: {
		"required_level": {Check: validLevel, Help: levelHelp()},
	},
	PatrolRoutes: {
		"rounds_per_shift": {Min: 0, Max: 1000},
	},
	Checkpoints: {
		"seq": {Min: 0, Max: 1e6},
	},
}

// RuleOf returns the rule of column col of layer; ok is false when the
// column takes any value of its type.
func RuleOf(layer, col string) (r Rule, ok bool) {
	r, ok = rules[layer][col]
	return r, ok
}

// CheckValue checks v, a Record property value (string, float64, int64,
// bool or nil) of column col of layer, against the column's rule. nil and
// "" always pass: they are "not known".
func CheckValue(layer, col string, v any) error {
	r, ok := rules[layer][col]
	if !ok || v == nil {
		return nil
	}
	if r.numeric() {
		f, ok := toFloat(v)
		if !ok {
			return nil // the column type check says what is wrong
		}
		if math.IsNaN(f) || f < r.Min || f > r.Max {
			unit := ""
			if r.Unit != "" {
				unit = " " + r.Unit
				if r.Unit == "°" {
					unit = r.Unit
				}
			}
			return invalid{fmt.Sprintf("%s %s %s%s is out of range: use %s to %s%s", singular(layer), col,
				formatNum(f), unit, formatNum(r.Min), formatNum(r.Max), unit)}
		}
		return nil
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return nil
	}
	switch {
	case r.Codes != nil && !slices.Contains(r.Codes, s):
		return invalid{fmt.Sprintf("%s %s %q: use %s", singular(layer), col, s, strings.Join(r.Codes, ", "))}
	case r.Check != nil && !r.Check(s):
		return invalid{fmt.Sprintf("%s %s %q: use %s", singular(layer), col, s, r.Help)}
	}
	return nil
}

// CheckRecord checks every property of r against the rules of layer and
// returns the first value refused.
func CheckRecord(layer string, r Record) error {
	d := layers[layer]
	if d == nil {
		return nil
	}
	for _, c := range d.cols {
		if err := CheckValue(layer, c.Name, r.Props[c.Name]); err != nil {
			return err
		}
	}
	return nil
}

// invalid is a value refused by a rule; it is ErrInvalid.
type invalid struct{ msg string }

func (e invalid) Error() string        { return e.msg }
func (e invalid) Is(target error) bool { return target == ErrInvalid }

// singular names one feature of layer in messages: "camera", "key area".
func singular(layer string) string {
	switch layer {
	case FireEquipment:
		return "equipment"
	case Landuse, Water:
		return layer
	}
	return strings.ReplaceAll(strings.TrimSuffix(layer, "s"), "_", " ")
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

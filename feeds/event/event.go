// Package event is the one model of a live event in SafetyNet, whatever it
// arrived as (our JSON envelope, CAP 1.2 or Cursor on Target): its JSON
// envelope, its validation, and its lifecycle fresh -> stale -> expired ->
// deleted.
//
// Geometry is EPSG:4326 (longitude, latitude) as orb values. Times keep the
// offset they were written with.
package event

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Severity is CAP's severity scale.
type Severity string

// Severities, most severe first (CAP 1.2 <severity>, lower case).
const (
	Extreme         Severity = "extreme"
	Severe          Severity = "severe"
	Moderate        Severity = "moderate"
	Minor           Severity = "minor"
	UnknownSeverity Severity = "unknown"
)

// Rank orders severities: 4 for extreme down to 0 for unknown.
func (s Severity) Rank() int {
	switch s {
	case Extreme:
		return 4
	case Severe:
		return 3
	case Moderate:
		return 2
	case Minor:
		return 1
	}
	return 0
}

// Status tells real traffic from drills and tests. Drill traffic is marked
// end to end: CAP status Exercise and CoT opex "s..." become Exercise.
type Status string

// Statuses.
const (
	Actual   Status = "actual"
	Exercise Status = "exercise"
	Test     Status = "test"
)

// Op is what an event does to the object it describes (its subject).
type Op string

// Ops. The zero Op is a new report that replaces any older one of the same
// subject.
const (
	// Report is a new observation of the subject (CAP Alert, a CoT event,
	// a JSON event without op).
	Report Op = ""
	// Update replaces the subject's earlier report (CAP Update).
	Update Op = "update"
	// Cancel ends the subject: it is deleted from the live picture (CAP
	// Cancel, CoT t-x-d-d and drop-track).
	Cancel Op = "cancel"
	// Ack acknowledges or rejects an earlier event (CAP Ack and Error); it
	// leaves the live picture as it is.
	Ack Op = "ack"
)

// Format is how an event arrived.
type Format string

// Formats.
const (
	JSON Format = "json"
	CAP  Format = "cap"
	CoT  Format = "cot"
)

// Event is one live event. The zero value is not valid: ID and Type are
// required, and Validate fills in the defaults.
type Event struct {
	// ID is unique among the events of one publisher; re-sending an event
	// with the same ID is idempotent. CAP: "sender,identifier"; CoT:
	// "uid@time".
	ID string
	// Type is a dotted lower-case name: fire.smoke, intrusion.perimeter,
	// patrol.position, ... (see Types).
	Type     string
	Severity Severity
	Status   Status
	// Time is when the event happened (CAP sent, CoT time).
	Time time.Time
	// Stale is when the event turns stale (shown greyed); zero: never
	// before it expires. CoT stale.
	Stale time.Time
	// Expires is when the event ends; zero: it lasts until cancelled.
	Expires time.Time
	// Geometry is a Point, Polygon or MultiPolygon (also LineString for
	// routes, MultiLineString for freehand drawings) in EPSG:4326; nil when
	// the position is unknown.
	Geometry orb.Geometry
	// Source names the camera, gate or sensor it came from, e.g.
	// "camera:CAM-012", "gate:GATE-N", "cot:ANDROID-123".
	Source      string
	Title       string
	Description string
	// Properties holds anything else; values are JSON values.
	Properties map[string]any
	// Subject names the object the event describes: a newer event with the
	// same subject replaces the older. Empty means the event's own ID, or
	// for Update and Cancel the subject of the first of References.
	Subject string
	Op      Op
	// References are the IDs (or subjects) of earlier events this one
	// updates, cancels or acknowledges.
	References []string
	// Format is how the event arrived; set by the decoders.
	Format Format
}

// Limits of an event's fields.
const (
	MaxIDLen    = 256
	MaxTypeLen  = 64
	MaxTextLen  = 64 << 10 // title, description, each, bytes
	MaxRefs     = 64
	MaxVertices = 100000
)

var typeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$`)

// Types are the event types SafetyNet's own sensors and apps send. Other
// types are accepted as long as they are dotted lower-case names.
var Types = []string{
	"fire.smoke", "fire.heat", "fire.alarm",
	"intrusion.perimeter", "intrusion.zone",
	"access.forced_door", "access.tailgating", "access.held_open", "access.denied",
	"patrol.position", "patrol.checkpoint", "patrol.missed_checkpoint",
	"equipment.fault", "camera.offline", "camera.online", "camera.tamper",
	"medical.emergency", "operator.ack", "operator.note",
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("event: invalid")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Validate checks e and fills in defaults: severity unknown, status actual.
// Its errors name the field that is wrong.
func (e *Event) Validate() error {
	if e.ID == "" {
		return invalid("id is missing")
	}
	if err := checkText("id", e.ID, MaxIDLen, true); err != nil {
		return err
	}
	if e.Type == "" {
		return invalid("type is missing (e.g. fire.smoke)")
	}
	if len(e.Type) > MaxTypeLen || !typeRE.MatchString(e.Type) {
		return invalid("type %q is not a dotted lower-case name such as fire.smoke", clip(e.Type))
	}
	switch e.Severity {
	case "":
		e.Severity = UnknownSeverity
	case Extreme, Severe, Moderate, Minor, UnknownSeverity:
	default:
		return invalid("severity %q is not one of extreme, severe, moderate, minor, unknown", clip(string(e.Severity)))
	}
	switch e.Status {
	case "":
		e.Status = Actual
	case Actual, Exercise, Test:
	default:
		return invalid("status %q is not one of actual, exercise, test", clip(string(e.Status)))
	}
	switch e.Format {
	case "", JSON, CAP, CoT:
	default:
		return invalid("format %q is not json, cap or cot", clip(string(e.Format)))
	}
	switch e.Op {
	case Report, Update, Cancel, Ack:
	default:
		return invalid("op %q is not one of update, cancel, ack (or absent)", clip(string(e.Op)))
	}
	if e.Time.IsZero() {
		return invalid("time is missing")
	}
	if y := e.Time.Year(); y < 1970 || y > 9999 {
		return invalid("time %s is out of range", e.Time.Format(time.RFC3339))
	}
	if !e.Stale.IsZero() && (e.Stale.Year() < 1970 || e.Stale.Year() > 9999) {
		return invalid("stale %s is out of range", e.Stale.Format(time.RFC3339))
	}
	if !e.Expires.IsZero() && (e.Expires.Year() < 1970 || e.Expires.Year() > 9999) {
		return invalid("expires %s is out of range", e.Expires.Format(time.RFC3339))
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"source", e.Source, MaxIDLen}, {"subject", e.Subject, MaxIDLen}, {"title", e.Title, MaxTextLen}, {"description", e.Description, MaxTextLen}} {
		if err := checkText(f.name, f.v, f.max, f.name == "source" || f.name == "subject"); err != nil {
			return err
		}
	}
	if len(e.References) > MaxRefs {
		return invalid("%d references, at most %d", len(e.References), MaxRefs)
	}
	for i, r := range e.References {
		if r == "" {
			return invalid("references[%d] is empty", i)
		}
		if err := checkText(fmt.Sprintf("references[%d]", i), r, MaxIDLen, true); err != nil {
			return err
		}
	}
	if (e.Op == Update || e.Op == Cancel) && e.Subject == "" && len(e.References) == 0 {
		return invalid("op %s needs a subject or references naming what it changes", e.Op)
	}
	return CheckGeometry(e.Geometry)
}

func checkText(field, s string, max int, line bool) error {
	if len(s) > max {
		return invalid("%s is %d bytes, at most %d", field, len(s), max)
	}
	if !utf8.ValidString(s) {
		return invalid("%s is not valid UTF-8", field)
	}
	if line {
		for _, r := range s {
			if unicode.IsControl(r) {
				return invalid("%s %q contains a control character", field, clip(s))
			}
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// CheckGeometry reports whether g is a geometry an event may carry: a
// Point, MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon with finite
// longitudes in [-180, 180] and latitudes in [-90, 90], closed rings of at
// least 4 positions, and at most MaxVertices positions. nil is allowed.
func CheckGeometry(g orb.Geometry) error {
	n := 0
	pt := func(where string, p orb.Point) error {
		n++
		if n > MaxVertices {
			return invalid("geometry has more than %d positions", MaxVertices)
		}
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) ||
			p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return invalid("geometry %s: [%g, %g] is not a longitude, latitude in degrees", where, p[0], p[1])
		}
		return nil
	}
	ring := func(where string, r orb.Ring) error {
		if len(r) < 4 {
			return invalid("geometry %s: a ring needs at least 4 positions, has %d", where, len(r))
		}
		if r[0] != r[len(r)-1] {
			return invalid("geometry %s: ring is not closed (first position differs from last)", where)
		}
		for i, p := range r {
			if err := pt(fmt.Sprintf("%s[%d]", where, i), p); err != nil {
				return err
			}
		}
		return nil
	}
	poly := func(where string, p orb.Polygon) error {
		if len(p) == 0 {
			return invalid("geometry %s: polygon has no rings", where)
		}
		for i, r := range p {
			if err := ring(fmt.Sprintf("%s[%d]", where, i), r); err != nil {
				return err
			}
		}
		return nil
	}
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return pt("point", g)
	case orb.MultiPoint:
		if len(g) == 0 {
			return invalid("geometry: MultiPoint without points")
		}
		for i, p := range g {
			if err := pt(fmt.Sprintf("coordinates[%d]", i), p); err != nil {
				return err
			}
		}
	case orb.LineString:
		if len(g) < 2 {
			return invalid("geometry: LineString needs at least 2 positions, has %d", len(g))
		}
		for i, p := range g {
			if err := pt(fmt.Sprintf("coordinates[%d]", i), p); err != nil {
				return err
			}
		}
	case orb.MultiLineString:
		if len(g) == 0 {
			return invalid("geometry: MultiLineString without lines")
		}
		for i, l := range g {
			if len(l) < 2 {
				return invalid("geometry: line %d needs at least 2 positions, has %d", i, len(l))
			}
			for j, p := range l {
				if err := pt(fmt.Sprintf("coordinates[%d][%d]", i, j), p); err != nil {
					return err
				}
			}
		}
	case orb.Polygon:
		return poly("coordinates", g)
	case orb.MultiPolygon:
		if len(g) == 0 {
			return invalid("geometry: MultiPolygon without polygons")
		}
		for i, p := range g {
			if err := poly(fmt.Sprintf("coordinates[%d]", i), p); err != nil {
				return err
			}
		}
	default:
		return invalid("geometry type %s is not allowed (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon)", g.GeoJSONType())
	}
	return nil
}

// SubjectOrID returns the event's subject, or its ID when it names none.
func (e *Event) SubjectOrID() string {
	if e.Subject != "" {
		return e.Subject
	}
	return e.ID
}

// IsDrill reports whether the event is exercise or test traffic.
func (e *Event) IsDrill() bool { return e.Status == Exercise || e.Status == Test }

// TypeFamily returns the part of the type before the first dot: "fire" for
// fire.smoke.
func (e *Event) TypeFamily() string {
	f, _, _ := strings.Cut(e.Type, ".")
	return f
}

// Package coverage works out what a community's cameras, patrols and fire
// equipment reach: each camera's exact visibility polygon and its
// pixel-density zones (IEC 62676-4), the corridor seen from each patrol
// route, the walking reach of extinguishers and hydrants, and from these
// the share of every key area covered, the places nothing reaches and the
// equipment that breaks the spacing rules.
//
// Geometry is exact where it is drawn (visibility polygons and zones);
// area accounting is done on a raster of square cells (0.5 m by default),
// whose cells count by their centres. The raster keeps, per camera, the
// cells it covers and the level it reaches there, and per cell how many
// cameras cover it, so that moving one camera updates the totals in a few
// milliseconds.
//
// All coordinates are metres east and north in a local plane (see
// geo/proj); headings are degrees clockwise from north, tilts degrees down
// from the horizontal, fields of view degrees.
package coverage

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"safetynet/geo/dori"
	"safetynet/geo/fire"
)

// Scene is everything coverage is computed from, in metres. Each feature
// has an ID that must be unique within its kind; reports and problems
// name features by it. New keeps parts of the scene (road lines, key
// area names): do not change a scene's geometry while a model built from
// it is in use.
type Scene struct {
	Buildings []Building
	Walls     []Wall
	Water     []Water
	Roads     []Road
	Cameras   []Camera
	Patrols   []Patrol
	Equipment []Equipment
	KeyAreas  []KeyArea
	// Access holds the gates, doors and barriers: where people pass a
	// wall, a fence or a building's outline. Model.Respond uses them.
	Access []Access
	// Site, when not empty, limits the gap layer to the community.
	Site orb.MultiPolygon
}

// Building is an opaque footprint: nobody sees or walks through it.
type Building struct {
	ID        string
	Footprint orb.Polygon
}

// Wall is a wall, fence or hedge: a line nobody walks through. It blocks
// sight too, whatever its height (the ground plane has no heights: a
// camera mounted above a wall is taken not to see the ground behind it),
// unless SeeThrough is set, as for a chain-link fence or railings.
type Wall struct {
	ID   string
	Line orb.LineString
	// SeeThrough is true for a fence one sees through: it blocks walking,
	// not sight.
	SeeThrough bool
}

// Water is water: seen across, not walked through.
type Water struct {
	ID   string
	Area orb.Polygon
}

// Road is a road centre line. Vehicle roads carry hydrants and poles.
type Road struct {
	ID      string
	Name    string
	Line    orb.LineString
	Vehicle bool
}

// Camera is a fixed camera (a PTZ camera at its current preset).
type Camera struct {
	ID string
	// At is the mount, metres. A mount inside a building is refused; one
	// on a wall (up to Options.WallSnap inside the footprint) is moved
	// out onto it.
	At orb.Point
	// Height is the mount height above the ground, metres.
	Height float64
	// Heading is where the camera looks, degrees clockwise from north.
	Heading float64
	// Tilt is how far it looks down, degrees from the horizontal.
	Tilt float64
	// HFOV and VFOV are the fields of view, degrees. HFOV 0 means
	// 2 atan(SensorWidth / 2 FocalLength); VFOV 0 follows from HFOV and the
	// image's aspect ratio (16:9 when ResolutionV is 0).
	HFOV, VFOV float64
	// SensorWidth and FocalLength are in millimetres.
	SensorWidth, FocalLength float64
	// ResolutionH and ResolutionV are the image size in pixels.
	ResolutionH, ResolutionV int
	// Range is how far the camera is useful (its lights, its lens), metres.
	Range float64
	// Offline cameras count only with Options.IncludeOffline.
	Offline bool
	// Estimated is true when heading, field of view or height are guesses.
	Estimated bool
}

// Patrol is a patrol route walked RoundsPerDay times a day.
type Patrol struct {
	ID           string
	Line         orb.LineString
	RoundsPerDay float64
}

// Equipment is fire equipment. Kind is fire.Handheld, fire.Wheeled or
// fire.Hydrant; Rating the extinguisher's fire classes ("ABC", "BC", "K")
// and Hazard the hazard level of the area it protects (fire.Light,
// fire.Medium, fire.Severe; empty means the rule set's default).
type Equipment struct {
	ID     string
	At     orb.Point
	Kind   string
	Rating string
	Hazard string
}

// KeyArea is an area that must be watched at image-detail Level (a name
// in the level table, such as "observe" or "identify").
type KeyArea struct {
	ID    string
	Code  string
	Name  string
	Area  orb.Polygon
	Level string
	// Fire is true when every point of the area must be within walking
	// reach of an extinguisher (a shed, an entrance, a car park); then
	// Violations lists the ground beyond reach.
	Fire bool
}

// Access is a gate, door, barrier or other way in or through. One in a
// wall or fence (on its line, or in a gap between two of its ends) is an
// opening people pass either way; one on a building's outline (up to 2 m
// from it) is that building's entrance; any other stands on open ground.
type Access struct {
	ID string
	At orb.Point
	// Kind is what it is: vehicle_gate, pedestrian_gate, door, entrance,
	// barrier, ramp, ... It does not change how it is used.
	Kind string
}

// Options tune the computation. The zero value gives the defaults.
type Options struct {
	// Cell is the side of a raster cell, metres. 0 chooses it: 0.5 m, or
	// when the extent would need more than 64 million cells of 0.5 m
	// (about 4 km square), the smallest of 1, 2, 2.5 and 5 m times a power
	// of ten that fits (Model.CellNote says so). A size given that is
	// too fine for the extent is an error.
	Cell float64
	// Levels is the image-detail level table; default dori.IEC2014.
	Levels dori.Table
	// Fire is the fire rule set; default fire.GB50140.
	Fire *fire.Rules
	// Sight is how far a patrol sees, metres; default 30.
	Sight float64
	// PatrolStep is the distance between the points of a route a patrol's
	// view is computed from, metres; default 5.
	PatrolStep float64
	// HydrantSnap is how near a road a hydrant must be to count as on it,
	// metres; default 15.
	HydrantSnap float64
	// WallSnap is how far inside a building a camera mount may be and
	// still count as on its wall (and be moved onto it), metres; default
	// 0.5. Mapped positions of wall cameras (OSM) may need more.
	WallSnap float64
	// IncludeOffline counts offline cameras as if they were working, as a
	// plan does.
	IncludeOffline bool
	// Workers is how many goroutines compute in parallel; default
	// GOMAXPROCS.
	Workers int
	// Tolerance is how far drawn arcs may stray from true circles,
	// metres; default 0.05.
	Tolerance float64
}

func (o Options) withDefaults() (Options, error) {
	if o.Cell == 0 {
		o.Cell = 0.5
	}
	if !(o.Cell > 0.01) || math.IsInf(o.Cell, 0) {
		return o, fmt.Errorf("coverage: cell size %v m: use a size from 0.01 m up", o.Cell)
	}
	if o.Levels == nil {
		o.Levels = dori.Default()
	}
	lv, err := o.Levels.Sorted()
	if err != nil {
		return o, fmt.Errorf("coverage: %w", err)
	}
	o.Levels = lv
	if o.Fire == nil {
		r := fire.GB50140
		o.Fire = &r
	}
	if o.Sight == 0 {
		o.Sight = 30
	}
	if o.PatrolStep == 0 {
		o.PatrolStep = 5
	}
	if o.HydrantSnap == 0 {
		o.HydrantSnap = 15
	}
	if o.WallSnap == 0 {
		o.WallSnap = 0.5
	}
	if !(o.Sight > 0) || !(o.PatrolStep > 0) || !(o.HydrantSnap > 0) || !(o.WallSnap > 0) {
		return o, fmt.Errorf("coverage: sight %v m, patrol step %v m, hydrant snap %v m and wall snap %v m must be positive", o.Sight, o.PatrolStep, o.HydrantSnap, o.WallSnap)
	}
	if o.Tolerance <= 0 {
		o.Tolerance = 0.05
	}
	return o, nil
}

// Problem is something wrong with one feature of the scene: which
// feature, what is wrong and whether the feature was left out.
type Problem struct {
	Kind    string // "camera", "patrol", "equipment", "key area", "building", "access point"
	ID      string
	Msg     string
	Skipped bool
}

// Error returns the problem as one line, such as
// `camera CAM-012: field of view 0°: set hfov, or sensor width and focal length (skipped)`.
func (p Problem) Error() string {
	s := fmt.Sprintf("%s %s: %s", p.Kind, p.ID, p.Msg)
	if p.Skipped {
		s += " (skipped)"
	}
	return s
}

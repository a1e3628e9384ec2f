// Package fire holds the reach rules of fire equipment: how far on foot
// an extinguisher may be from any point it protects (GB 50140-2005 or
// NFPA 10), and the protection radius and spacing of outdoor hydrants
// (GB 50974-2014), with the spacing checks for hydrants along roads.
//
// Distances are metres; reaches are walking distances (see geo/walk).
// The tables come from secondary sources (see docs/STANDARDS.md) and are
// plain data: callers may change them. Everything in the package is safe
// for concurrent use.
package fire

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// Equipment kinds a rule applies to.
const (
	Handheld = "handheld" // portable extinguisher (also the ones in a fire cabinet)
	Wheeled  = "wheeled"  // wheeled extinguisher
	Hydrant  = "hydrant"  // outdoor hydrant
)

// Hazard levels of the protected area (GB 50140).
const (
	Light  = "light"
	Medium = "medium"
	Severe = "severe"
)

// Rule is one row of a reach table: the greatest walking distance in
// metres from an extinguisher of Kind rated for fire Class to any point
// of an area of hazard level Hazard. An empty Class or Hazard matches any.
type Rule struct {
	Kind   string
	Class  string // "A", "B" (B and C fires), "K"
	Hazard string
	Reach  float64
}

// Rules is a rule set: a reach table and the hydrant limits.
type Rules struct {
	Name  string
	Table []Rule
	// HydrantReach is the protection radius of an outdoor hydrant, metres
	// (walked: the hose is laid around buildings).
	HydrantReach float64
	// HydrantSpacing is the greatest distance between neighbouring
	// outdoor hydrants, metres.
	HydrantSpacing float64
	// DefaultHazard is assumed when equipment does not say which hazard
	// level it protects.
	DefaultHazard string
}

// GB50140 is the Chinese rule set: GB 50140-2005 extinguisher distances
// and GB 50974-2014 outdoor hydrants (150 m radius, 120 m spacing). It is
// the default. Copy it before changing it.
var GB50140 = Rules{
	Name: "GB 50140-2005",
	Table: []Rule{
		{Handheld, "A", Severe, 15}, {Handheld, "A", Medium, 20}, {Handheld, "A", Light, 25},
		{Wheeled, "A", Severe, 30}, {Wheeled, "A", Medium, 40}, {Wheeled, "A", Light, 50},
		{Handheld, "B", Severe, 9}, {Handheld, "B", Medium, 12}, {Handheld, "B", Light, 15},
		{Wheeled, "B", Severe, 18}, {Wheeled, "B", Medium, 24}, {Wheeled, "B", Light, 30},
	},
	HydrantReach:   150,
	HydrantSpacing: 120,
	DefaultHazard:  Medium,
}

// NFPA10 is the United States rule set of NFPA 10: class A 75 ft
// (22.86 m), class B 30 ft (9.14 m) for the smaller ratings a handheld
// unit usually has and 50 ft (15.24 m) for wheeled units, class K 30 ft.
// Hydrant limits are those of GB50140; set local values where they differ.
var NFPA10 = Rules{
	Name: "NFPA 10",
	Table: []Rule{
		{Handheld, "A", "", 22.86}, {Wheeled, "A", "", 22.86},
		{Handheld, "B", "", 9.14}, {Wheeled, "B", "", 15.24},
		{Handheld, "K", "", 9.14}, {Wheeled, "K", "", 9.14},
	},
	HydrantReach:   150,
	HydrantSpacing: 120,
	DefaultHazard:  Medium,
}

// ErrNoRule reports equipment that no rule covers.
var ErrNoRule = errors.New("fire: no reach rule")

// Class returns the class a reach rule is looked up for, from an
// extinguisher's rating such as "ABC", "BC", "A" or "K": A when it is
// rated for solid fires (the fires of homes), else B for liquids and
// gases (C, gas, counts as B in GB 50140), else K. It returns "" for an
// empty or unknown rating.
func Class(rating string) string {
	r := strings.ToUpper(rating)
	switch {
	case strings.Contains(r, "A"):
		return "A"
	case strings.ContainsAny(r, "BC"):
		return "B"
	case strings.Contains(r, "K"), strings.Contains(r, "F"):
		return "K"
	}
	return ""
}

// Reach returns the walking reach in metres of equipment of kind (Handheld,
// Wheeled or Hydrant) rated for rating ("ABC", ...) protecting an area of
// hazard level hazard; an empty hazard means r.DefaultHazard, and an empty
// rating class A. The error wraps ErrNoRule and says what is missing.
func (r Rules) Reach(kind, rating, hazard string) (float64, error) {
	if kind == Hydrant {
		if !(r.HydrantReach > 0) {
			return 0, fmt.Errorf("%w for hydrants in %s", ErrNoRule, r.Name)
		}
		return r.HydrantReach, nil
	}
	class := "A"
	if rating != "" {
		class = Class(rating)
		if class == "" {
			return 0, fmt.Errorf("%w: fire class %q is not A, B, C or K", ErrNoRule, rating)
		}
	}
	h := strings.ToLower(hazard)
	if h == "" {
		h = r.DefaultHazard
	}
	for _, row := range r.Table {
		if row.Kind == kind && (row.Class == "" || row.Class == class) && (row.Hazard == "" || row.Hazard == h) {
			return row.Reach, nil
		}
	}
	return 0, fmt.Errorf("%w in %s for a %s extinguisher, class %s, %s hazard", ErrNoRule, r.Name, kind, class, h)
}

// Gap is a pair of hydrants farther apart than the spacing allows, or a
// hydrant with no neighbour within it (B = -1).
type Gap struct {
	A, B int // indices into the hydrants; B is -1 for an isolated hydrant
	// Distance is the spacing found, metres: along the road for a pair on
	// one road, straight for an isolated hydrant.
	Distance float64
	// Road is the index of the road for a pair, -1 otherwise.
	Road int
}

// Spacing checks hydrants (points, metres) against the spacing limit.
// For each road (centre line, metres) it takes the hydrants within snap
// metres of it in order along the road and reports neighbours more than
// limit apart along it; and it reports every hydrant whose nearest
// neighbour is more than limit away in a straight line. The result is in
// a fixed order: pairs by road then position, then isolated hydrants.
func Spacing(hydrants []orb.Point, roads []orb.LineString, limit, snap float64) []Gap {
	var gaps []Gap
	seen := map[[2]int]bool{}
	for ri, road := range roads {
		type at struct {
			i int
			s float64
		}
		var on []at
		for i, h := range hydrants {
			if s, d := along(road, h); d <= snap {
				on = append(on, at{i, s})
			}
		}
		slices.SortStableFunc(on, func(a, b at) int {
			switch {
			case a.s < b.s:
				return -1
			case a.s > b.s:
				return 1
			}
			return a.i - b.i
		})
		for k := 0; k+1 < len(on); k++ {
			a, b := on[k], on[k+1]
			key := [2]int{min(a.i, b.i), max(a.i, b.i)}
			if d := b.s - a.s; d > limit && !seen[key] {
				seen[key] = true
				gaps = append(gaps, Gap{A: a.i, B: b.i, Distance: d, Road: ri})
			}
		}
	}
	if len(hydrants) > 1 {
		for i, h := range hydrants {
			best := math.Inf(1)
			for j, o := range hydrants {
				if i != j {
					best = math.Min(best, math.Hypot(h[0]-o[0], h[1]-o[1]))
				}
			}
			if best > limit {
				gaps = append(gaps, Gap{A: i, B: -1, Distance: best, Road: -1})
			}
		}
	}
	return gaps
}

// along returns the position of p projected on line (metres from its
// start) and its distance from the line.
func along(line orb.LineString, p orb.Point) (s, d float64) {
	d = math.Inf(1)
	pos := 0.0
	for i := 0; i+1 < len(line); i++ {
		a, b := line[i], line[i+1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		t := 0.0
		if l > 0 {
			t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/(l*l)))
		}
		if dd := math.Hypot(a[0]+t*dx-p[0], a[1]+t*dy-p[1]); dd < d {
			d, s = dd, pos+t*l
		}
		pos += l
	}
	return s, d
}

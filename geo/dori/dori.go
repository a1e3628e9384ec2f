// Package dori holds the image-detail levels of IEC 62676-4 and the
// formulas that relate a camera's resolution, field of view and mounting to
// the pixel density it gives on the ground.
//
// Distances are horizontal distances on the ground in metres, angles are in
// degrees and pixel densities in pixels per metre (px/m). Everything in the
// package is a pure function or an immutable value, safe for concurrent use.
package dori

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Level is one image-detail level: a name and the pixel density (px/m at
// the target) the image must reach for it.
type Level struct {
	Name string
	PPM  float64
}

// Table is a list of image-detail levels. Functions of the package that
// take a Table expect it sorted by PPM, lowest first (see Sorted); a Table
// is a plain value that callers may build from their own configuration.
type Table []Level

// IEC2014 is the level table of IEC 62676-4:2014 (EN 62676-4:2015),
// lowest first. It is the default table. Do not modify it: copy it.
var IEC2014 = Table{
	{"monitor", 12.5},
	{"detect", 25},
	{"observe", 62.5},
	{"recognise", 125},
	{"identify", 250},
	{"inspect", 1000},
}

// Default returns a copy of the default level table, IEC2014.
func Default() Table { return append(Table(nil), IEC2014...) }

// ErrLevel reports a level name that is not in a table or a table that
// cannot be used.
var ErrLevel = errors.New("dori: unknown image-detail level")

// aliases maps other spellings to the names of IEC2014.
var aliases = map[string]string{
	"recognize":      "recognise",
	"recognition":    "recognise",
	"identification": "identify",
	"detection":      "detect",
	"observation":    "observe",
	"monitoring":     "monitor",
	"inspection":     "inspect",
}

// Index returns the position in t of the level called name, ignoring case
// and accepting the usual variants (recognize, identification, ...), or
// an error wrapping ErrLevel that lists the known names.
func (t Table) Index(name string) (int, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for pass := 0; pass < 2; pass++ {
		for i, l := range t {
			if strings.ToLower(l.Name) == n {
				return i, nil
			}
		}
		a, ok := aliases[n]
		if !ok {
			break
		}
		n = a
	}
	names := make([]string, len(t))
	for i, l := range t {
		names[i] = l.Name
	}
	return -1, fmt.Errorf("%w %q: use one of %s", ErrLevel, name, strings.Join(names, ", "))
}

// Sorted returns a copy of t sorted by PPM, lowest first, after checking
// that every level has a name and a finite positive PPM and that no name
// or PPM repeats.
func (t Table) Sorted() (Table, error) {
	if len(t) == 0 {
		return nil, fmt.Errorf("%w: the level table is empty", ErrLevel)
	}
	out := append(Table(nil), t...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].PPM < out[j].PPM })
	seen := map[string]bool{}
	for i, l := range out {
		if l.Name == "" || !(l.PPM > 0) || math.IsInf(l.PPM, 0) {
			return nil, fmt.Errorf("%w: level %q needs a name and a positive px/m, not %v", ErrLevel, l.Name, l.PPM)
		}
		if seen[strings.ToLower(l.Name)] {
			return nil, fmt.Errorf("%w: level %q appears twice", ErrLevel, l.Name)
		}
		seen[strings.ToLower(l.Name)] = true
		if i > 0 && out[i-1].PPM == l.PPM {
			return nil, fmt.Errorf("%w: levels %q and %q have the same px/m", ErrLevel, out[i-1].Name, l.Name)
		}
	}
	return out, nil
}

// ParseTable reads a level table written as "name=ppm" pairs separated by
// commas, such as "detect=25,validate=500" from a configuration file or a
// command-line flag, and returns it sorted (see Sorted).
func ParseTable(s string) (Table, error) {
	var t Table
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%w: %q: write each level as name=px/m", ErrLevel, part)
		}
		ppm, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: px/m is not a number", ErrLevel, part)
		}
		t = append(t, Level{strings.TrimSpace(name), ppm})
	}
	return t.Sorted()
}

const rad = math.Pi / 180

// HFOV returns the horizontal field of view in degrees of a lens of focal
// length f on a sensor w wide (both in millimetres): 2 atan(w / 2f). It
// returns 0 when either is not positive.
func HFOV(w, f float64) float64 {
	if !(w > 0) || !(f > 0) {
		return 0
	}
	return 2 * math.Atan(w/(2*f)) / rad
}

// VFOV returns the vertical field of view in degrees that goes with a
// horizontal field of view hfov (degrees) on an image of width x height
// pixels: 2 atan(tan(hfov/2) * height/width). With an unknown height it
// assumes 16:9.
func VFOV(hfov float64, width, height int) float64 {
	ratio := 9.0 / 16
	if width > 0 && height > 0 {
		ratio = float64(height) / float64(width)
	}
	return 2 * math.Atan(math.Tan(hfov/2*rad)*ratio) / rad
}

// PPM returns the pixel density in px/m at horizontal distance d metres
// for a camera w pixels wide with horizontal field of view hfov degrees:
// w / (2 d tan(hfov/2)). It is +Inf at d = 0. For panoramic views of 180°
// or more, where the flat-image formula no longer holds, it spreads the
// pixels along the arc instead: w / (d hfov), hfov in radians.
func PPM(d float64, w int, hfov float64) float64 {
	return float64(w) / (d * span(hfov))
}

// Distance returns the horizontal distance in metres up to which a camera
// w pixels wide with horizontal field of view hfov degrees gives at least
// ppm px/m: w / (2 ppm tan(hfov/2)) (see PPM for 180° and more). It is
// the far edge of a level's zone.
func Distance(ppm float64, w int, hfov float64) float64 {
	return float64(w) / (ppm * span(hfov))
}

// span returns the width in metres of the image at a distance of one metre.
func span(hfov float64) float64 {
	if hfov >= 180 {
		return hfov * rad
	}
	return 2 * math.Tan(hfov/2*rad)
}

// BlindZone returns the horizontal distance in metres under a camera
// mounted h metres high, tilted down by tilt degrees, with vertical field
// of view vfov degrees, inside which it does not see the ground:
// h / tan(tilt + vfov/2). It is 0 when the lower edge of the image points
// straight down or beyond, and +Inf when it points at or above the horizon.
func BlindZone(h, tilt, vfov float64) float64 {
	a := tilt + vfov/2
	switch {
	case h <= 0 || a >= 90:
		return 0
	case a <= 0:
		return math.Inf(1)
	}
	return h / math.Tan(a*rad)
}

// Horizon returns the horizontal distance in metres beyond which a camera
// mounted h metres high, tilted down by tilt degrees, with vertical field
// of view vfov degrees, no longer sees the ground because the upper edge
// of its image points below the horizon: h / tan(tilt - vfov/2). It is
// +Inf when the upper edge points at or above the horizon.
func Horizon(h, tilt, vfov float64) float64 {
	a := tilt - vfov/2
	if h <= 0 || a <= 0 {
		return math.Inf(1)
	}
	if a >= 90 {
		return 0
	}
	return h / math.Tan(a*rad)
}

// Best returns the index in t (sorted, lowest first) of the highest level
// whose PPM is at most ppm, or -1 when ppm is below every level.
func (t Table) Best(ppm float64) int {
	i := sort.Search(len(t), func(i int) bool { return t[i].PPM > ppm })
	return i - 1
}

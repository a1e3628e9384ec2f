package scene

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/geo/coverage"
)

// Defaults for what a camera register often leaves out. A camera given
// them is marked Estimated and each one is listed as a problem of the
// scene (not skipped), so coverage counts the camera and says what it
// assumed.
const (
	// DefaultHFOV is the field of view, degrees, of a camera whose type
	// says nothing about it.
	DefaultHFOV = 60.0
	// DefaultTilt is how far down a camera without a tilt looks, degrees.
	DefaultTilt = 15.0
	// wallNear is how close to a building outline a mount counts as on
	// its wall, metres.
	wallNear = 3.0
	// lookFar is how far a road or building may be to set a heading, metres.
	lookFar = 100.0
)

// hfovOfType maps words of a camera's type or model to a field of view.
var hfovOfType = []struct {
	words []string
	hfov  float64
}{
	{[]string{"fisheye", "fish-eye", "360", "panoram", "全景", "鱼眼"}, 360},
	{[]string{"180"}, 180},
	{[]string{"anpr", "alpr", "lpr", "plate", "车牌"}, 30},
	{[]string{"dome", "turret", "半球", "球"}, 90},
	{[]string{"bullet", "枪"}, 90},
	{[]string{"ptz", "speed dome"}, 60},
}

// HFOVOf returns the field of view to assume for a camera whose type or
// model is kind (dome, bullet, fisheye, PTZ, ANPR, ...), and the words
// that say why: DefaultHFOV when kind says nothing.
func HFOVOf(kind string) (float64, string) {
	k := strings.ToLower(kind)
	for _, t := range hfovOfType {
		for _, w := range t.words {
			if strings.Contains(k, w) {
				return t.hfov, fmt.Sprintf("for a %s camera", w)
			}
		}
	}
	return DefaultHFOV, "the default"
}

// HeadingOf returns the heading, degrees clockwise from north, to assume
// for a camera at (metres) with no heading of its own, and the words that
// say why: the open side of the building wall it is mounted on; else
// toward the nearest road (along it for a camera over the road); else
// away from the nearest building; else north.
func HeadingOf(at orb.Point, bs []coverage.Building, rs []coverage.Road) (float64, string) {
	// On a wall: look out, away from the building.
	bestD, bestB := math.Inf(1), -1
	var bestQ orb.Point
	var bestSeg [2]orb.Point
	for i, b := range bs {
		if len(b.Footprint) == 0 || !near(b.Footprint.Bound(), at, lookFar) {
			continue
		}
		for _, r := range b.Footprint {
			for j := 0; j+1 < len(r); j++ {
				q := closest(r[j], r[j+1], at)
				if d := planar.Distance(q, at); d < bestD {
					bestD, bestB, bestQ, bestSeg = d, i, q, [2]orb.Point{r[j], r[j+1]}
				}
			}
		}
	}
	if bestB >= 0 && bestD <= wallNear {
		return outward(bs[bestB].Footprint, at, bestQ, bestSeg), fmt.Sprintf("out from the wall of building %s", bs[bestB].ID)
	}
	// Else the nearest road.
	roadD, road := math.Inf(1), -1
	var roadQ orb.Point
	var roadSeg [2]orb.Point
	for i, r := range rs {
		if len(r.Line) < 2 || !near(r.Line.Bound(), at, lookFar) {
			continue
		}
		for j := 0; j+1 < len(r.Line); j++ {
			q := closest(r.Line[j], r.Line[j+1], at)
			if d := planar.Distance(q, at); d < roadD {
				roadD, road, roadQ, roadSeg = d, i, q, [2]orb.Point{r.Line[j], r.Line[j+1]}
			}
		}
	}
	if road >= 0 && roadD <= lookFar {
		name := rs[road].Name
		if name == "" {
			name = rs[road].ID
		}
		if roadD < 1 {
			return bearing(roadSeg[0], roadSeg[1]), fmt.Sprintf("along road %s, which it stands over", name)
		}
		return bearing(at, roadQ), fmt.Sprintf("toward road %s, %.0f m away", name, roadD)
	}
	if bestB >= 0 && bestD <= lookFar {
		return bearing(bestQ, at), fmt.Sprintf("away from building %s, %.0f m away", bs[bestB].ID, bestD)
	}
	return 0, "north: no road or building within 100 m"
}

// outward returns the heading from the wall segment seg of footprint p,
// nearest to at at q, toward the open side.
func outward(p orb.Polygon, at, q orb.Point, seg [2]orb.Point) float64 {
	if d := planar.Distance(q, at); d > 0.05 {
		if planar.PolygonContains(p, at) {
			return bearing(at, q) // inside the outline: out through the nearest wall
		}
		return bearing(q, at)
	}
	dx, dy := seg[1][0]-seg[0][0], seg[1][1]-seg[0][1]
	n := math.Hypot(dx, dy)
	if n == 0 {
		return 0
	}
	nx, ny := dy/n, -dx/n // one normal; the other is its opposite
	if planar.PolygonContains(p, orb.Point{q[0] + nx*0.5, q[1] + ny*0.5}) {
		nx, ny = -nx, -ny
	}
	return bearing(q, orb.Point{q[0] + nx, q[1] + ny})
}

// bearing returns the heading from a to b, degrees clockwise from north
// (y), in [0, 360).
func bearing(a, b orb.Point) float64 {
	h := math.Atan2(b[0]-a[0], b[1]-a[1]) * 180 / math.Pi
	h = math.Round(h*10) / 10
	if h < 0 {
		h += 360
	}
	if h >= 360 {
		h -= 360
	}
	return h
}

// closest returns the point of segment ab nearest to p.
func closest(a, b, p orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	if l == 0 {
		return a
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l
	t = math.Max(0, math.Min(1, t))
	return orb.Point{a[0] + t*dx, a[1] + t*dy}
}

func near(b orb.Bound, p orb.Point, d float64) bool {
	return p[0] >= b.Min[0]-d && p[0] <= b.Max[0]+d && p[1] >= b.Min[1]-d && p[1] <= b.Max[1]+d
}

// estimate fills in the heading, field of view and tilt of camera k of
// s that has none (NaN heading or tilt, no field of view), marks it
// Estimated and lists what was assumed. why, when set, says what was wrong
// with the heading given.
func (s *Scene) estimate(k int, kind, why string) {
	c := &s.Scene.Cameras[k]
	var said []string
	if math.IsNaN(c.Heading) {
		h, from := HeadingOf(c.At, s.Scene.Buildings, s.Scene.Roads)
		c.Heading = h
		if why == "" {
			why = "no heading"
		}
		said = append(said, fmt.Sprintf("%s: heading estimated %g° (%s)", why, h, from))
	}
	if c.HFOV == 0 && (c.SensorWidth <= 0 || c.FocalLength <= 0) {
		f, from := HFOVOf(kind)
		c.HFOV = f
		said = append(said, fmt.Sprintf("no field of view: %g° assumed (%s)", f, from))
	}
	if math.IsNaN(c.Tilt) {
		c.Tilt = DefaultTilt
		said = append(said, fmt.Sprintf("no tilt: %g° down assumed", DefaultTilt))
	}
	if len(said) == 0 {
		return
	}
	c.Estimated = true
	s.Problems = append(s.Problems, coverage.Problem{Kind: "camera", ID: c.ID, Msg: strings.Join(said, "; ")})
}

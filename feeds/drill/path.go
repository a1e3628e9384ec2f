package drill

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/geo/proj"
	"safetynet/geo/visibility"
	"safetynet/geo/walk"
)

// FootPaths returns a ResponderOptions.Path that walks around the
// obstacles: building footprints (polygons) and walls or fences (lines),
// all EPSG:4326. A path is the shortest way on foot (geo/walk), from
// first point to last, bending at the obstacles' corners; nil (a straight
// line for the responders) when there is no way within limit metres. A
// place inside a building is reached through the nearest point outside
// its wall. The obstacles are read once; the function is
// safe for concurrent use.
func FootPaths(footprints []orb.Polygon, walls []orb.LineString, limit float64) func(from, to orb.Point) []orb.Point {
	var b orb.Bound
	first := true
	for _, p := range footprints {
		if len(p) == 0 || len(p[0]) == 0 {
			continue
		}
		if first {
			b, first = p.Bound(), false
		} else {
			b = b.Union(p.Bound())
		}
	}
	local := proj.New(b.Center())
	var feet []orb.Polygon
	for _, p := range footprints {
		feet = append(feet, proj.Project(p, local.ToMetres).(orb.Polygon))
	}
	var lines []orb.LineString
	for _, l := range walls {
		lines = append(lines, proj.Project(l, local.ToMetres).(orb.LineString))
	}
	m := walk.New(visibility.New(feet, lines))
	return func(from, to orb.Point) []orb.Point {
		// A place inside a building (an alarm at a building's middle) is
		// reached by walking to the nearest point outside its wall, then
		// in; a start inside one walks out first.
		a, b := local.ToMetres(from), local.ToMetres(to)
		a2, b2 := outside(feet, a), outside(feet, b)
		pts := footPath(m, a2, b2, limit)
		if pts == nil {
			return nil
		}
		if a2 != a {
			pts = append([]orb.Point{a}, pts...)
		}
		if b2 != b {
			pts = append(pts, b)
		}
		out := make([]orb.Point, len(pts))
		for i, p := range pts {
			out[i] = local.ToLonLat(p)
		}
		out[0], out[len(out)-1] = from, to
		return out
	}
}

// doorStep is how far outside its wall a place inside a building is
// reached, in metres.
const doorStep = 0.5

// outside returns p when no footprint holds it, else the nearest point
// doorStep metres outside the outer ring of the one that does.
func outside(feet []orb.Polygon, p orb.Point) orb.Point {
	for _, f := range feet {
		if len(f) == 0 || len(f[0]) < 4 || !planar.PolygonContains(f, p) {
			continue
		}
		best, bestD := p, math.Inf(1)
		ring := f[0]
		for i := 0; i+1 < len(ring); i++ {
			q := nearestOnSegment(ring[i], ring[i+1], p)
			if d := math.Hypot(q[0]-p[0], q[1]-p[1]); d < bestD {
				best, bestD = q, d
			}
		}
		if bestD == 0 || math.IsInf(bestD, 1) {
			return best
		}
		k := (bestD + doorStep) / bestD
		return orb.Point{p[0] + (best[0]-p[0])*k, p[1] + (best[1]-p[1])*k}
	}
	return p
}

// nearestOnSegment is the point of segment ab nearest to p.
func nearestOnSegment(a, b, p orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	if l == 0 {
		return a
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	return orb.Point{a[0] + t*dx, a[1] + t*dy}
}

// footPath returns the shortest way on foot from a to b in m (metres),
// nil when there is none within limit.
func footPath(m *walk.Map, a, b orb.Point, limit float64) []orb.Point {
	var legs []walk.Leg
	best, bestLeg := math.Inf(1), -1
	m.Reach(a, limit, func(l walk.Leg) bool {
		if l.Start >= best {
			return false
		}
		legs = append(legs, l)
		if l.View.Contains(b) {
			if d := l.Start + math.Hypot(b[0]-l.From[0], b[1]-l.From[1]); d < best && d <= limit {
				best, bestLeg = d, len(legs)-1
			}
		}
		return true
	})
	if bestLeg < 0 {
		return nil
	}
	path := []orb.Point{b}
	cur, at := bestLeg, legs[bestLeg].Start
	for steps := 0; legs[cur].Start > 0 && steps < len(legs); steps++ {
		p := legs[cur].From
		path = append(path, p)
		next := -1
		for i := range legs[:cur] {
			l := &legs[i]
			if l.Start < at && math.Abs(l.Start+math.Hypot(p[0]-l.From[0], p[1]-l.From[1])-at) < 1e-6 && l.View.Contains(p) {
				next = i
				break
			}
		}
		if next < 0 {
			return nil
		}
		cur, at = next, legs[next].Start
	}
	path = append(path, a)
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

package coverage

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"safetynet/geo/dori"
	"safetynet/geo/grid"
	"safetynet/geo/visibility"
)

// Limits on camera input.
const (
	wallGap  = 0.1  // how far off an outline a snapped mount is put, metres
	maxRange = 2000 // the longest range taken at face value, metres
)

// cam is a checked camera with its derived values, view and raster.
type cam struct {
	Camera             // as given, with At moved off any wall
	hfov, vfov float64 // degrees
	blind      float64 // radius of the blind zone, metres
	reach      float64 // how far it sees ground at the lowest level, metres
	far        []float64
	view       *visibility.View
	runs       []run
	bound      orb.Bound
}

// run is a stretch of cells [c0, c1) of one row that a camera, patrol or
// piece of equipment covers, at a level (cameras only).
type run struct {
	row, c0, c1 int32
	level       int8
}

func badNumber(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}

// check returns a checked camera without its view, and problems: one
// with Skipped set when the camera cannot be used.
func (m *Model) check(c Camera) (*cam, []Problem) {
	bad := func(format string, a ...any) (*cam, []Problem) {
		return nil, []Problem{{Kind: "camera", ID: c.ID, Msg: fmt.Sprintf(format, a...), Skipped: true}}
	}
	switch {
	case badNumber(c.At[0], c.At[1]):
		return bad("position is not a number")
	case badNumber(c.Height):
		return bad("mount height is not a number")
	case badNumber(c.Heading):
		return bad("heading is not a number")
	case badNumber(c.Tilt):
		return bad("tilt is not a number")
	case badNumber(c.HFOV, c.VFOV):
		return bad("field of view is not a number")
	case badNumber(c.SensorWidth, c.FocalLength):
		return bad("sensor width or focal length is not a number")
	case math.IsNaN(c.Range):
		return bad("range is not a number")
	}
	k := &cam{Camera: c, hfov: c.HFOV}
	if k.hfov == 0 {
		k.hfov = dori.HFOV(c.SensorWidth, c.FocalLength)
		if k.hfov == 0 {
			return bad("field of view 0°: set hfov, or sensor width and focal length")
		}
	}
	switch {
	case k.hfov < 0 || k.hfov > 360:
		return bad("field of view %g°: it must be more than 0° and at most 360°", k.hfov)
	case c.VFOV < 0 || c.VFOV >= 180:
		return bad("vertical field of view %g°: it must be from 0° to under 180°", c.VFOV)
	case c.Range < 0:
		return bad("range %g m is negative: set how far the camera sees", c.Range)
	case c.Range == 0:
		return bad("range 0 m: set how far the camera sees")
	case c.ResolutionH <= 0:
		return bad("horizontal resolution %d px: set the image width in pixels", c.ResolutionH)
	case c.ResolutionV < 0:
		return bad("vertical resolution %d px is negative", c.ResolutionV)
	case c.Height < 0:
		return bad("mount height %g m is negative", c.Height)
	case c.Tilt < -90 || c.Tilt > 90:
		return bad("tilt %g° is outside -90° to 90°", c.Tilt)
	}
	var probs []Problem
	if c.Range > maxRange {
		probs = append(probs, Problem{Kind: "camera", ID: c.ID, Msg: fmt.Sprintf("range %g m is more than %d m: counted as %d m", c.Range, maxRange, maxRange)})
		k.Range = maxRange
	}
	k.vfov = c.VFOV
	if k.vfov == 0 {
		k.vfov = dori.VFOV(math.Min(k.hfov, 179), c.ResolutionH, c.ResolutionV)
	}
	k.Heading = math.Mod(c.Heading, 360)
	if k.Heading < 0 {
		k.Heading += 360
	}

	// The mount: off every outline, never inside a building.
	if i := m.sight.Inside(c.At); i >= 0 {
		id := m.buildingID(i)
		q, n, _, d, ok := m.sight.Nearest(c.At, m.opt.WallSnap)
		if !ok {
			_, _, _, d, _ = m.sight.Nearest(c.At, 1e4)
			return bad("mount is inside building %s, %.1f m from its wall: move it onto the wall or outside", id, d)
		}
		at := push(q, c.At, n, d)
		if m.sight.Inside(at) >= 0 {
			return bad("mount is inside building %s and cannot be moved onto its wall: move it outside", id)
		}
		k.At = at
		probs = append(probs, Problem{Kind: "camera", ID: c.ID, Msg: fmt.Sprintf("mount was %.2f m inside building %s: moved onto its wall", d, id)})
	} else if q, n, foot, _, ok := m.sight.Nearest(c.At, wallGap/2); ok {
		if foot < 0 {
			// On a wall or fence: put it on the side it looks at.
			s, co := math.Sincos((90 - k.Heading) * math.Pi / 180)
			if co*n[0]+s*n[1] < 0 {
				n = orb.Point{-n[0], -n[1]}
			}
			k.At = orb.Point{q[0] + wallGap*n[0], q[1] + wallGap*n[1]}
		} else {
			k.At = push(q, c.At, n, 0)
		}
	}

	lv := m.opt.Levels
	k.far = make([]float64, len(lv))
	for i, l := range lv {
		k.far[i] = dori.Distance(l.PPM, c.ResolutionH, k.hfov)
	}
	k.reach = math.Min(k.Range, k.far[0])
	if c.Height > 0 {
		k.blind = dori.BlindZone(c.Height, c.Tilt, k.vfov)
		k.reach = math.Min(k.reach, dori.Horizon(c.Height, c.Tilt, k.vfov))
	}
	if k.blind >= k.reach {
		probs = append(probs, Problem{Kind: "camera", ID: c.ID, Msg: fmt.Sprintf(
			"sees no ground at %s level or better: its blind zone reaches %.1f m and its image ends at %.1f m; check height and tilt",
			lv[0].Name, k.blind, k.reach)})
	}
	return k, probs
}

// push returns a point wallGap metres off the outline at q, on the side
// away from p (inside), or along the outward normal n when p is on it.
func push(q, p, n orb.Point, d float64) orb.Point {
	dir := n
	if d > 1e-9 {
		dir = orb.Point{(q[0] - p[0]) / d, (q[1] - p[1]) / d}
	}
	return orb.Point{q[0] + wallGap*dir[0], q[1] + wallGap*dir[1]}
}

// see computes the camera's view and raster. It only reads the model's
// immutable parts, so cameras may be seen in parallel.
func (m *Model) see(k *cam, f *grid.Filler) {
	k.runs = k.runs[:0]
	if k.blind >= k.reach {
		k.view = m.sight.View(k.At, visibility.Sector{}, 0)
		k.bound = orb.Bound{Min: k.At, Max: k.At}
		return
	}
	k.view = m.sight.View(k.At, visibility.Sector{Heading: k.Heading, Width: k.hfov}, k.reach)
	rings := k.view.Rings(0, k.reach, 0.02)
	k.bound = boundOf(rings, k.At)
	th := make([]float64, len(k.far))
	for i, d := range k.far {
		d = math.Min(d, k.reach)
		th[i] = d * d
	}
	b2 := k.blind * k.blind
	g := m.g
	f.Fill(g, rings, func(row, c0, c1 int) {
		dy := g.Y0 + (float64(row)+0.5)*g.Cell - k.At[1]
		dy2 := dy * dy
		base := row * g.Cols
		cur, start := int8(-1), c0
		flush := func(end int) {
			if cur >= 0 && end > start {
				k.runs = append(k.runs, run{int32(row), int32(start), int32(end), cur})
			}
		}
		for col := c0; col < c1; col++ {
			lv := int8(-1)
			if m.ground.Has(base + col) {
				dx := g.X0 + (float64(col)+0.5)*g.Cell - k.At[0]
				d2 := dx*dx + dy2
				if d2 >= b2 {
					for i := 0; i < len(th) && d2 <= th[i]; i++ {
						lv = int8(i)
					}
				}
			}
			if lv != cur {
				flush(col)
				cur, start = lv, col
			}
		}
		flush(c1)
	})
}

func boundOf(rings []orb.Ring, p orb.Point) orb.Bound {
	b := orb.Bound{Min: p, Max: p}
	for _, r := range rings {
		b = b.Union(r.Bound())
	}
	return b
}

// level returns the level index the camera gives at p and its pixel
// density there, or -1 when it does not see p.
func (k *cam) level(p orb.Point) (int, float64, float64) {
	d := math.Hypot(p[0]-k.At[0], p[1]-k.At[1])
	if d < k.blind || d > k.reach || k.view == nil || !k.view.Contains(p) {
		return -1, 0, d
	}
	lv := -1
	for i := 0; i < len(k.far) && d <= k.far[i]; i++ {
		lv = i
	}
	return lv, dori.PPM(d, k.ResolutionH, k.hfov), d
}

package scene

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/store"
	"safetynet/geo/coverage"
)

// ErrSpread is returned, wrapped, by Load and Community when the key
// areas lie in places too far apart to be one community: a GeoPackage
// holds one community, and a coverage raster over places hundreds of
// kilometres apart would not fit in memory.
var ErrSpread = errors.New("scene: the key areas lie in places far apart")

// placeCell is the side of the cells, degrees (about 2.2 km of latitude),
// by which features are grouped into places: features in the same or
// neighbouring cells belong to one place.
const placeCell = 0.02

// placeMargin is how far outside its place a feature may reach and still
// be kept, metres: a road or a wall along the edge of the community.
const placeMargin = 300.0

// maxPlaceCells is the number of cells a feature's bounding box may span
// and still join places; a larger one (a stray vertex, a feature the size
// of a province) would join everything, so it only decides whether the
// feature is kept.
const maxPlaceCells = 100

// Place is one group of features lying together, apart from the others.
type Place struct {
	// Bound is the bounding box of the place's features, longitude/latitude.
	Bound orb.Bound
	// Features, KeyAreas and Cameras count the features of the place.
	Features, KeyAreas, Cameras int
}

// String names the place by its centre and what it holds, for messages:
// "around 121.45300, 31.22100 (12 key areas, 40 cameras, 310 features)".
func (p Place) String() string {
	c := p.Bound.Center()
	return fmt.Sprintf("around %.5f, %.5f (%d key areas, %d cameras, %d features)", c[0], c[1], p.KeyAreas, p.Cameras, p.Features)
}

// Split is the community Community found in a list of features.
type Split struct {
	// Kept are the features of the community.
	Kept []store.Feature
	// Here is the community's place, and Left counts the features left
	// out; Away is the largest place left out. All zero when the features
	// lie in one place.
	Here Place
	Left int
	Away Place
}

// Community returns the features of fs that make up the community: when
// fs lies in one place, all of them; when it lies in several places far
// apart (data of two cities imported into one file), those of the place
// holding the key areas, or, without key areas, of the place with the
// most cameras (then the most features), with the roads, water, walls
// and land reaching into it.
//
// When key areas lie in more than one place, Community returns an error
// wrapping ErrSpread that names the places and says what to do.
func Community(fs []store.Feature) (Split, error) {
	ps, of := places(fs)
	if len(ps) <= 1 {
		return Split{Kept: fs}, nil
	}
	var withAreas []int
	for i, p := range ps {
		if p.KeyAreas > 0 {
			withAreas = append(withAreas, i)
		}
	}
	best := -1
	switch len(withAreas) {
	case 0:
		for i, p := range ps {
			if best < 0 || p.Cameras > ps[best].Cameras || p.Cameras == ps[best].Cameras && p.Features > ps[best].Features {
				best = i
			}
		}
	case 1:
		best = withAreas[0]
	default:
		sort.SliceStable(withAreas, func(a, b int) bool { return ps[withAreas[a]].KeyAreas > ps[withAreas[b]].KeyAreas })
		var names []string
		for _, i := range withAreas[:min(3, len(withAreas))] {
			names = append(names, ps[i].String())
		}
		a, b := ps[withAreas[0]], ps[withAreas[1]]
		return Split{}, fmt.Errorf("%w: %d places %.0f km apart hold key areas: %s; "+
			"a GeoPackage holds one community: keep one place's features in this file and put the others in a new GeoPackage (File › New community, or safetynetctl import into a new file)",
			ErrSpread, len(withAreas), Distance(a.Bound, b.Bound)/1000, strings.Join(names, "; "))
	}
	sp := Split{Here: ps[best]}
	area := pad(sp.Here.Bound, placeMargin)
	for i, f := range fs {
		switch {
		case of[i] == best:
			sp.Kept = append(sp.Kept, f)
		case of[i] < 0: // not grouped: kept when it reaches into the community
			if g := shape(f); g == nil || empty(g.Bound()) || g.Bound().Intersects(area) {
				sp.Kept = append(sp.Kept, f)
			} else {
				sp.Left++
			}
		default:
			sp.Left++
		}
	}
	for i, p := range ps {
		if i != best && p.Features > sp.Away.Features {
			sp.Away = p
		}
	}
	return sp, nil
}

// LeftOut is the problem that says which features Community left out of
// sp; its Kind is "community".
func LeftOut(sp Split) coverage.Problem {
	return coverage.Problem{Kind: "community", ID: sp.Here.String(), Skipped: true, Msg: fmt.Sprintf(
		"%d features lie far from the community and were left out, the most %s, %.0f km away; "+
			"a GeoPackage holds one community: put other places in a GeoPackage of their own",
		sp.Left, sp.Away, Distance(sp.Away.Bound, sp.Here.Bound)/1000)}
}

// places groups the features that place the community (buildings,
// cameras, patrols, equipment, key areas) into places, and returns them
// with the place of each feature (-1: not grouped).
func places(fs []store.Feature) ([]Place, []int) {
	type cell struct{ x, y int }
	of := make([]int, len(fs))
	cells := map[cell][]int{} // the features in each cell
	for i, f := range fs {
		of[i] = -1
		g := geom(f)
		if g == nil {
			continue
		}
		b := g.Bound()
		if bad(b) || empty(b) {
			continue
		}
		x0, y0 := int(math.Floor(b.Min[0]/placeCell)), int(math.Floor(b.Min[1]/placeCell))
		x1, y1 := int(math.Floor(b.Max[0]/placeCell)), int(math.Floor(b.Max[1]/placeCell))
		if (x1-x0+1)*(y1-y0+1) > maxPlaceCells {
			continue
		}
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				cells[cell{x, y}] = append(cells[cell{x, y}], i)
			}
		}
	}
	// Connected cells, 8 neighbours, in a fixed order.
	keys := make([]cell, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a].x < keys[b].x || keys[a].x == keys[b].x && keys[a].y < keys[b].y })
	comp := map[cell]int{}
	var ps []Place
	for _, k := range keys {
		if _, done := comp[k]; done {
			continue
		}
		n := len(ps)
		ps = append(ps, Place{})
		stack := []cell{k}
		comp[k] = n
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, i := range cells[c] {
				of[i] = n
			}
			for dx := -1; dx <= 1; dx++ {
				for dy := -1; dy <= 1; dy++ {
					nb := cell{c.x + dx, c.y + dy}
					if _, ok := cells[nb]; !ok {
						continue
					}
					if _, done := comp[nb]; !done {
						comp[nb] = n
						stack = append(stack, nb)
					}
				}
			}
		}
	}
	started := make([]bool, len(ps))
	for i, f := range fs {
		n := of[i]
		if n < 0 {
			continue
		}
		p := &ps[n]
		b := geom(f).Bound()
		if !started[n] {
			p.Bound, started[n] = b, true
		} else {
			p.Bound = p.Bound.Union(b)
		}
		p.Features++
		switch deref(f).(type) {
		case store.KeyArea:
			p.KeyAreas++
		case store.Camera:
			p.Cameras++
		}
	}
	return ps, of
}

// FarImport is how far, metres, data brought into a community may lie
// from the community's extent (Distance) before the import asks, or the
// command line refuses without --force: a GeoPackage holds one community.
const FarImport = 5000.0

// Distance returns the distance between two bounding boxes
// (longitude/latitude), metres on the sphere between their nearest
// points: 0 when they overlap.
func Distance(a, b orb.Bound) float64 {
	near := func(lo1, hi1, lo2, hi2 float64) (float64, float64) {
		switch {
		case hi1 < lo2:
			return hi1, lo2
		case hi2 < lo1:
			return lo1, hi2
		}
		m := (math.Max(lo1, lo2) + math.Min(hi1, hi2)) / 2
		return m, m
	}
	x1, x2 := near(a.Min[0], a.Max[0], b.Min[0], b.Max[0])
	y1, y2 := near(a.Min[1], a.Max[1], b.Min[1], b.Max[1])
	return geo.DistanceHaversine(orb.Point{x1, y1}, orb.Point{x2, y2})
}

// pad grows b (longitude/latitude) by m metres on every side.
func pad(b orb.Bound, m float64) orb.Bound {
	dy := m / 111320
	c := math.Cos(b.Center()[1] * math.Pi / 180)
	dx := dy / math.Max(c, 0.01)
	return orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
}

// empty reports whether b is the bound of a feature without geometry:
// orb's empty bound (minimum above maximum) or the zero bound.
func empty(b orb.Bound) bool { return b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b == orb.Bound{} }

func bad(b orb.Bound) bool {
	for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}

// shape returns the geometry of any feature the scene reads, or nil.
func shape(f store.Feature) orb.Geometry {
	if g := geom(f); g != nil {
		return g
	}
	switch f := deref(f).(type) {
	case store.WaterArea:
		return f.Geom
	case store.Road:
		return f.Geom
	case store.Barrier:
		return f.Geom
	case store.Land:
		return f.Geom
	}
	return nil
}

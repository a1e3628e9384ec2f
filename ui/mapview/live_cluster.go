package mapview

import (
	"math"
	"sort"

	"github.com/paulmach/orb"

	"safetynet/geo/viewport"
)

// Alerts are drawn as pins: a disc (the head) holding the alert's glyph,
// on a short tail whose tip marks the alert's place. No safety layer uses
// that shape (cameras are circles, fire equipment rounded squares,
// hazards triangles, gates diamonds), and the tip leaves the symbol of
// the camera, gate or extinguisher that raised the alert in sight.
//
// Below clusterMaxZoom, alerts that fall in the same cell of a grid of
// liveCellAt pixels (anchored to the world), or in neighbouring cells
// when their pins would lie on one another, are drawn as one pin with a
// count badge, in the colour and with the glyph of its most important
// member (a real alert before a drill: a cluster looks like a drill only
// when every fresh member is one); at and above it, only alerts at one place (within liveSame
// pixels: a gate's repeated alarms, which no zoom would part) are. The
// selected alert is never merged.

// pinTail is the distance from a pin's head centre down to its tip, in
// head radii.
const pinTail = 1.55

// liveSame is how close in pixels alerts must be to be merged at and
// above clusterMaxZoom.
const liveSame = 5.0

// liveCellAt returns the size of the clustering grid at zoom z, logical
// pixels: coarser when zoomed out, where a pin per cell is all one can
// read.
func liveCellAt(z float64) float64 {
	if z < 16.5 {
		return 56
	}
	return 36
}

// pinRadius returns the head radius of the pin of an alert of severity
// sev, or of a cluster whose most important member has it, logical
// pixels.
func pinRadius(sev int, cluster bool) float64 {
	r := liveSizes[sev] / 2
	if cluster {
		r++
	}
	return r
}

// liveGroup is one alert symbol on screen: one alert, or several.
type liveGroup struct {
	members []int     // indexes into the set's items, bottom to top
	top     int       // the member shown: the most important (see liveRank)
	at      orb.Point // the pin's tip, logical pixels of the view
	sev     int       // the shown member's severity
	stale   bool      // the shown member is stale: every member is
	drill   bool      // the shown member is a drill: no fresh member is real
	isNew   bool      // some fresh member is new
	rank    int
}

// head returns the centre of g's pin head and its radius, logical pixels.
func (g *liveGroup) head() (orb.Point, float64) {
	r := pinRadius(g.sev, len(g.members) > 1)
	return orb.Point{g.at[0], g.at[1] - pinTail*r}, r
}

// groups returns the alert symbols of s in view v, bottom to top.
func (s *liveSet) groups(v viewport.Viewport) []liveGroup {
	if s == nil || len(s.alerts) == 0 {
		return nil
	}
	out := make([]liveGroup, 0, len(s.alerts))
	type cell struct{ x, y int64 }
	cells := map[cell]int{}
	if v.Zoom < clusterMaxZoom {
		w := v.WorldSize() / liveCellAt(v.Zoom)
		for _, i := range s.alerts {
			it := &s.items[i]
			if !it.sel {
				c := cell{int64(math.Floor(it.at[0] * w)), int64(math.Floor(it.at[1] * w))}
				if g, ok := cells[c]; ok {
					out[g].members = append(out[g].members, i)
					continue
				}
				cells[c] = len(out)
			}
			out = append(out, liveGroup{members: []int{i}})
		}
	} else {
		// Only alerts at one place merge: look for a group begun within
		// liveSame pixels, in the cells of a grid of that size around.
		w := v.WorldSize() / liveSame
		first := map[int]orb.Point{} // group: its first member, world pixels / liveSame
		for _, i := range s.alerts {
			it := &s.items[i]
			if !it.sel {
				px, py := it.at[0]*w, it.at[1]*w
				c := cell{int64(math.Floor(px)), int64(math.Floor(py))}
				found := -1
				for dy := int64(-1); dy <= 1 && found < 0; dy++ {
					for dx := int64(-1); dx <= 1 && found < 0; dx++ {
						if g, ok := cells[cell{c.x + dx, c.y + dy}]; ok {
							if f := first[g]; math.Hypot(f[0]-px, f[1]-py) <= 1 {
								found = g
							}
						}
					}
				}
				if found >= 0 {
					out[found].members = append(out[found].members, i)
					continue
				}
				cells[c] = len(out)
				first[len(out)] = orb.Point{px, py}
			}
			out = append(out, liveGroup{members: []int{i}})
		}
	}
	centre := func(gr *liveGroup) {
		var sx, sy float64
		for _, i := range gr.members {
			sx += s.items[i].at[0]
			sy += s.items[i].at[1]
		}
		n := float64(len(gr.members))
		gr.at = v.MercatorToScreen(orb.Point{sx / n, sy / n})
	}
	if v.Zoom < clusterMaxZoom {
		// Groups of neighbouring cells whose pins would lie on one
		// another become one.
		sep := liveCellAt(v.Zoom) / 2
		for g := range out {
			centre(&out[g])
		}
		kept := out[:0]
		for _, gr := range out {
			merged := false
			if !s.items[gr.members[0]].sel {
				for k := range kept {
					if o := &kept[k]; !s.items[o.members[0]].sel && math.Hypot(o.at[0]-gr.at[0], o.at[1]-gr.at[1]) < sep {
						o.members = append(o.members, gr.members...)
						merged = true
						break
					}
				}
			}
			if !merged {
				kept = append(kept, gr)
			}
		}
		out = kept
	}
	for g := range out {
		gr := &out[g]
		gr.top = gr.members[0]
		for _, i := range gr.members {
			it := &s.items[i]
			if liveRank(it) > liveRank(&s.items[gr.top]) {
				gr.top = i
			}
			gr.isNew = gr.isNew || it.isNew && !it.stale
		}
		top := &s.items[gr.top]
		gr.sev, gr.stale, gr.drill, gr.rank = top.sev, top.stale, top.drill, liveRank(top)
		centre(gr)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].rank < out[b].rank })
	return out
}

// liveRank orders alerts by importance, for drawing (the most important
// on top) and for choosing the member a cluster shows: stale under
// fresh, drills under real alerts, then by severity, the selected on
// top.
func liveRank(it *liveItem) int {
	r := it.sev
	if !it.drill {
		r += 10
	}
	if !it.stale {
		r += 20
	}
	if it.sel {
		r += 100
	}
	return r
}

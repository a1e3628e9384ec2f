package mapview

import (
	"image"
	"math"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"safetynet/geo/viewport"
)

// Below clusterMaxZoom, alert symbols that fall in the same cell of a
// grid of liveCell pixels (anchored to the world) are drawn as one disc
// with their count, in the colour of the most severe fresh one, so that
// a busy night stays readable. Selected alerts are never merged.
const liveCell = 36.0

// liveGroup is one alert symbol on screen: one alert, or several.
type liveGroup struct {
	members []int     // indexes into the set's items, bottom to top
	at      orb.Point // screen position, logical pixels of the view
	sev     int       // the highest severity of the fresh members (of all when every one is stale)
	stale   bool      // every member is stale
	drill   bool      // some member is a drill
	isNew   bool      // some fresh member is new
	rank    int
}

// groups returns the alert symbols of s in view v, bottom to top.
func (s *liveSet) groups(v viewport.Viewport) []liveGroup {
	if s == nil || len(s.alerts) == 0 {
		return nil
	}
	out := make([]liveGroup, 0, len(s.alerts))
	merge := v.Zoom < clusterMaxZoom
	w := v.WorldSize() / liveCell
	type cell struct{ x, y int64 }
	cells := map[cell]int{}
	for _, i := range s.alerts {
		it := &s.items[i]
		if merge && !it.sel {
			c := cell{int64(math.Floor(it.at[0] * w)), int64(math.Floor(it.at[1] * w))}
			if g, ok := cells[c]; ok {
				out[g].members = append(out[g].members, i)
				continue
			}
			cells[c] = len(out)
		}
		out = append(out, liveGroup{members: []int{i}})
	}
	for g := range out {
		gr := &out[g]
		var sx, sy float64
		gr.stale, gr.sev = true, -1
		for _, i := range gr.members {
			it := &s.items[i]
			sx += it.at[0]
			sy += it.at[1]
			gr.drill = gr.drill || it.drill
			gr.rank = max(gr.rank, liveRank(it))
			if !it.stale {
				if gr.stale {
					gr.stale, gr.sev = false, -1
				}
				gr.sev = max(gr.sev, it.sev)
				gr.isNew = gr.isNew || it.isNew
			} else if gr.stale {
				gr.sev = max(gr.sev, it.sev)
			}
		}
		n := float64(len(gr.members))
		gr.at = v.MercatorToScreen(orb.Point{sx / n, sy / n})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].rank < out[b].rank })
	return out
}

// liveRank orders alerts for drawing: stale under fresh, then by
// severity, the selected on top.
func liveRank(it *liveItem) int {
	r := it.sev
	if !it.stale {
		r += 10
	}
	if it.sel {
		r += 100
	}
	return r
}

// clusterRadius is the radius of a cluster of n alerts, logical pixels.
func clusterRadius(n int) float64 { return 12 + 2.5*math.Log10(float64(n)) }

// cluster returns the disc of a cluster of n alerts: the colour of its
// severity, a white ring and a dark keyline, the count on it.
func (c *spriteCache) cluster(n, sev int, stale, drill bool, scale float64, res fyne.Resource) *image.RGBA {
	k := spriteKey{kind: 'c', heading: n, sev: sev, stale: stale, drill: drill, px: int(math.Round(scale * 100)), font: resName(res)}
	return c.get(k, func() *image.RGBA {
		fs := float32(scale)
		R := float32(clusterRadius(n)) * fs
		side := int(math.Ceil(float64(2*R + 16*fs)))
		img := image.NewRGBA(image.Rect(0, 0, side, side))
		x, y := float32(side)/2, float32(side)/2
		p := newPainter(img)
		fill, key, ring, fg := liveSeverity[sev], alpha(okBlack, 0.75), white, glyphColour(sev)
		if stale {
			fill, key, ring, fg = alpha(liveStale, 0.85), alpha(okBlack, 0.35), alpha(white, 0.8), white
		}
		if drill {
			p.addCircle(x, y, R+4.6*fs)
			p.fill(alpha(white, 0.95))
			p.feature()
			p.addDashes(ringXY(x, y, R+3*fs), 2.4*fs, 4*fs, 3*fs, true)
			p.fill(okBlack)
		}
		// A stack of discs: one behind, offset, says "several alerts"
		// apart from the safety layers' cluster badges.
		for _, o := range []float32{3.5 * fs, 0} {
			p.addCircle(x+o, y-o, R)
			p.fill(key)
			p.addCircle(x+o, y-o, R-1.1*fs)
			p.fill(ring)
			p.addCircle(x+o, y-o, R-3*fs)
			p.fill(fill)
		}
		f := c.face(res, int(math.Round(float64(R))))
		d := font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: f}
		text := strconv.Itoa(n)
		w := d.MeasureString(text)
		m := f.Metrics()
		d.Dot = fixed.Point26_6{X: fixed.Int26_6(x*64) - w/2, Y: fixed.Int26_6(y*64) + (m.Ascent-m.Descent)/2}
		d.DrawString(text)
		return img
	})
}

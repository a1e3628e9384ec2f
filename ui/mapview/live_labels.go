package mapview

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/geo/viewport"
)

// Labels of the live layer: units' callsigns and the titles of the
// selected alert and of the severe ones, beside their symbols. They are
// placed in one pass, most important first (the selected item, then by
// severity, then the newest): each takes the first of a few places
// around its symbol that is clear of the labels placed before it and of
// every other symbol, and is left out when none is. The selected item's
// label is always shown; it may cover a symbol, never a label.

// liveBox is a rectangle on screen, logical pixels.
type liveBox struct{ x0, y0, x1, y1 float64 }

// overlaps reports whether a and b share more than an edge.
func (a liveBox) overlaps(b liveBox) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

func (a liveBox) grow(d float64) liveBox { return liveBox{a.x0 - d, a.y0 - d, a.x1 + d, a.y1 + d} }

// placedLabel is a label of the live layer placed on screen.
type placedLabel struct {
	text string
	box  liveBox // the plate, logical pixels
}

// liveLayout is where the live layer's alert symbols and labels go in a
// view.
type liveLayout struct {
	groups  []liveGroup
	symbols []liveBox // of the alert pins (with their tags and badges) and units, logical pixels
	labels  []placedLabel
}

// Limits of the labels of the live layer.
const (
	maxAlertLabels = 12 // alert titles in one view, the selected one included
	labelRunes     = 30 // longer titles are cut, with an ellipsis
	labelGapPx     = 3  // between a label and its symbol, logical pixels
)

// labelMinSeverity is the least severity of an alert whose title is
// shown unselected at zoom z: only severe and extreme ones when zoomed
// out, more as one comes closer.
func labelMinSeverity(z float64) int {
	switch {
	case z >= 19.5:
		return 1
	case z >= 18:
		return 2
	}
	return 3
}

// liveLabelText is t cut to labelRunes runes.
func liveLabelText(t string) string {
	t = strings.TrimSpace(t)
	if utf8.RuneCountInString(t) <= labelRunes {
		return t
	}
	r := []rune(t)
	return strings.TrimSpace(string(r[:labelRunes-1])) + "…"
}

// liveMeasure returns the size of the plate of a label, logical pixels.
type liveMeasure func(text string) (w, h float64)

// layout places the alert symbols and labels of s in view v: picked is
// an item clicked since the set was given (drawn selected), measure
// sizes label plates, tagW and tagH are the size of the DRILL tag
// (logical pixels, 0 for none), and labels stay margin pixels inside the
// view's edges (the part of the drawing on screen).
func (s *liveSet) layout(v viewport.Viewport, picked string, measure liveMeasure, tagW, tagH, margin float64) liveLayout {
	var out liveLayout
	if s == nil {
		return out
	}
	out.groups = s.groups(v)
	selected := func(it *liveItem) bool { return it.sel || picked != "" && it.id == picked }

	type candidate struct {
		text  string
		sel   bool
		sev   float64
		time  time.Time
		id    string
		boxes []liveBox // the places to try, in order
		alert bool
	}
	var cands []candidate
	// The places of a label w×h beside a symbol whose box is b and
	// whose middle is at height cy: right of it, left of it, above it to
	// the right and to the left, then right and left a line lower.
	place := func(b liveBox, cx, cy, w, h float64) []liveBox {
		const g = labelGapPx
		return []liveBox{
			{b.x1 + g, cy - h/2, b.x1 + g + w, cy + h/2},
			{b.x0 - g - w, cy - h/2, b.x0 - g, cy + h/2},
			{cx, b.y0 - g - h, cx + w, b.y0 - g},
			{cx - w, b.y0 - g - h, cx, b.y0 - g},
			{b.x1 + g, cy + h/2 + g, b.x1 + g + w, cy + 1.5*h + g},
			{b.x0 - g - w, cy + h/2 + g, b.x0 - g, cy + 1.5*h + g},
		}
	}
	minSev := labelMinSeverity(v.Zoom)
	for gi := range out.groups {
		g := &out.groups[gi]
		hc, r := g.head()
		b := liveBox{hc[0] - r - 1, hc[1] - r - 1, hc[0] + r + 1, g.at[1] + 1}
		if g.drill {
			b = b.grow(4)
			if tagH > 0 {
				top := hc[1] - r - 5 - tagH
				b = liveBox{math.Min(b.x0, hc[0]-tagW/2), math.Min(b.y0, top), math.Max(b.x1, hc[0]+tagW/2), b.y1}
			}
		}
		if len(g.members) > 1 {
			b.x1 += r * 0.9 // the count badge
			b.y0 -= r * 0.4
		}
		out.symbols = append(out.symbols, b)
		if len(g.members) > 1 {
			continue
		}
		it := &s.items[g.members[0]]
		sel := selected(it)
		if it.label == "" || !sel && (it.stale || it.drill || it.sev < minSev) {
			continue
		}
		t := liveLabelText(it.label)
		w, h := measure(t)
		cands = append(cands, candidate{text: t, sel: sel, sev: float64(it.sev), time: it.time, id: it.id,
			boxes: place(b, hc[0], hc[1], w, h), alert: true})
	}
	for _, i := range s.units {
		it := &s.items[i]
		c := v.MercatorToScreen(it.at)
		rr := unitRadius + 3
		b := liveBox{c[0] - rr, c[1] - rr, c[0] + rr, c[1] + rr}
		out.symbols = append(out.symbols, b)
		if it.label == "" {
			continue
		}
		t := liveLabelText(it.label)
		w, h := measure(t)
		// A unit's callsign ranks after severe alerts' titles and before
		// the others.
		cands = append(cands, candidate{text: t, sel: selected(it), sev: 2.5, time: it.time, id: it.id,
			boxes: place(b, c[0], c[1], w, h)})
	}
	sort.SliceStable(cands, func(a, b int) bool {
		x, y := &cands[a], &cands[b]
		switch {
		case x.sel != y.sel:
			return x.sel
		case x.sev != y.sev:
			return x.sev > y.sev
		case !x.time.Equal(y.time):
			return x.time.After(y.time)
		}
		return x.id < y.id
	})
	alerts := 0
	var placed []liveBox // with the gap kept between labels
	for _, c := range cands {
		if c.alert && alerts >= maxAlertLabels {
			continue
		}
		chosen, fallback := -1, -1
		for k, b := range c.boxes {
			if b.x0 < margin || b.y0 < margin || b.x1 > v.Width-margin || b.y1 > v.Height-margin {
				continue
			}
			clear := true
			for _, o := range placed {
				if b.overlaps(o) {
					clear = false
					break
				}
			}
			if !clear {
				continue
			}
			if fallback < 0 {
				fallback = k
			}
			free := true
			for _, o := range out.symbols {
				if b.overlaps(o) {
					free = false
					break
				}
			}
			if free {
				chosen = k
				break
			}
		}
		if chosen < 0 && c.sel {
			chosen = fallback
		}
		var b liveBox
		switch {
		case chosen >= 0:
			b = c.boxes[chosen]
		case c.sel:
			// Nowhere in view: the first place, moved into it.
			b = c.boxes[0]
			dx := math.Max(margin-b.x0, math.Min(0, v.Width-margin-b.x1))
			dy := math.Max(margin-b.y0, math.Min(0, v.Height-margin-b.y1))
			b = liveBox{b.x0 + dx, b.y0 + dy, b.x1 + dx, b.y1 + dy}
		default:
			continue
		}
		out.labels = append(out.labels, placedLabel{text: c.text, box: b})
		placed = append(placed, b.grow(labelGapPx/2))
		if c.alert {
			alerts++
		}
	}
	return out
}

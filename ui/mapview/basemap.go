package mapview

import (
	"image"
	"image/color"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// tileRenderer draws basemap tiles from vector data tiles. It keeps its
// buffers between tiles; one goroutine uses it at a time.
type tileRenderer struct {
	p   *painter
	buf []float32
}

// render draws tile t, size×size pixels, from data v with palette pal,
// and the names of txt's language (none for the zero labelText).
func (tr *tileRenderer) render(v *vecTile, t maptile.Tile, size int, pal *palette, txt labelText) *image.RGBA {
	return tr.renderSpan(v, t, 1, 1, size, pal, txt)
}

// renderSpan draws cols×rows tiles from t rightwards and downwards as one
// image; render draws one. A span draws the same pixels as its tiles
// side by side, labels included.
func (tr *tileRenderer) renderSpan(v *vecTile, t maptile.Tile, cols, rows, size int, pal *palette, txt labelText) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size*cols, size*rows))
	paintAll(img, pal.background)
	if v == nil {
		return img
	}
	if tr.p == nil {
		tr.p = newPainter(img)
	}
	tr.p.dst = img
	p := tr.p
	z := int(t.Z)
	s := float64(size) / 256
	n := math.Exp2(float64(t.Z))
	ox, oy := float64(t.X), float64(t.Y)
	f := float64(size)
	clip := mercBound(t, 0.1).Union(mercBound(maptile.New(t.X+uint32(cols-1), t.Y+uint32(rows-1), t.Z), 0.1))
	// xy converts a ring to pixel coordinates of the tile.
	xy := func(r []orb.Point) []float32 {
		tr.buf = tr.buf[:0]
		for _, q := range r {
			tr.buf = append(tr.buf, float32((q[0]*n-ox)*f), float32((q[1]*n-oy)*f))
		}
		return tr.buf
	}
	// Tiny polygons are skipped: below a pixel they only add noise.
	minArea := 1.0 / (n * n * f * f)

	// Landuse, one pass per colour, in rank order.
	var cur color.NRGBA
	for _, l := range v.land {
		if !l.bound.Intersects(clip) || boundArea(l.bound) < 4*minArea {
			continue
		}
		c := pal.landColour(l.class)
		if !p.empty() && c != cur {
			p.fill(cur)
		}
		cur = c
		p.feature()
		for k, r := range l.rings {
			p.addRing(xy(r), l.holes[k])
		}
	}
	p.fill(cur)

	// Water, with a thin edge.
	for _, w := range v.water {
		if !w.bound.Intersects(clip) {
			continue
		}
		p.feature()
		for k, r := range w.rings {
			p.addRing(xy(r), w.holes[k])
		}
	}
	p.fill(pal.water)
	if z >= 14 {
		for _, w := range v.water {
			if !w.bound.Intersects(clip) {
				continue
			}
			for _, r := range w.rings {
				p.addStroke(xy(r), float32(0.8*s), true)
			}
		}
		p.fill(pal.waterEdge)
	}

	// Roads: casings minor to major, then fills minor to major, so that
	// junctions join smoothly. Paths are thin lines without casing.
	var byRank [roadRanks][]int
	for i, r := range v.roads {
		if z < rankMinZoom[r.rank] || !r.bound.Intersects(clip) {
			continue
		}
		byRank[r.rank] = append(byRank[r.rank], i)
	}
	casing := z >= 14
	for rank := rankService; rank < roadRanks && casing; rank++ {
		w := roadWidth(rank, z, s)
		for _, i := range byRank[rank] {
			p.addStroke(xy(v.roads[i].rings[0]), float32(w+2*s), false)
		}
		p.fill(pal.roadCasing[rank])
	}
	for _, i := range byRank[rankPath] {
		if z >= 18 {
			p.addDashes(xy(v.roads[i].rings[0]), float32(roadWidth(rankPath, z, s)), float32(4*s), float32(2*s), false)
		} else {
			p.addStroke(xy(v.roads[i].rings[0]), float32(roadWidth(rankPath, z, s)), false)
		}
	}
	p.fill(pal.path)
	for rank := rankService; rank < roadRanks; rank++ {
		w := roadWidth(rank, z, s)
		for _, i := range byRank[rank] {
			p.addStroke(xy(v.roads[i].rings[0]), float32(w), false)
		}
		p.fill(pal.roadFill[rank])
	}

	// Buildings over the streets' edges, with outlines when close.
	if z >= 14 {
		for _, b := range v.buildings {
			if !b.bound.Intersects(clip) || boundArea(b.bound) < minArea {
				continue
			}
			p.feature()
			for k, r := range b.rings {
				p.addRing(xy(r), b.holes[k])
			}
		}
		p.fill(pal.building)
		if z >= 16 {
			for _, b := range v.buildings {
				if !b.bound.Intersects(clip) {
					continue
				}
				for _, r := range b.rings {
					p.addStroke(xy(r), float32(0.9*s), true)
				}
			}
			p.fill(pal.buildingEdge)
		}
	}

	// Walls and hedges as thin solid lines, fences dashed, over the
	// buildings they run along, as on a topographic map.
	if z >= barrierMinZoom && len(v.barriers) > 0 {
		w := float32(barrierWidth(z, s))
		for _, style := range [...]int{barrierHedge, barrierWall, barrierFence} {
			for _, b := range v.barriers {
				if b.rank != style || !b.bound.Intersects(clip) {
					continue
				}
				if style == barrierFence {
					p.addDashes(xy(b.rings[0]), w, float32(4*s), float32(2.5*s), false)
				} else {
					p.addStroke(xy(b.rings[0]), w, false)
				}
			}
			switch style {
			case barrierHedge:
				p.fill(pal.hedge)
			default:
				p.fill(pal.wall)
			}
		}
	}

	// Names last, over everything they name.
	if txt.font != nil && z >= labelMinZoom {
		ls := v.placeLabels(z, size, txt)
		drawLabels(img, ls, float64(t.X)*f, float64(t.Y)*f, pal, txt.font)
	}
	return img
}

// barrierWidth returns the width in pixels of a wall or fence at zoom z:
// a hairline when far, about 1.2 pixels from zoom 17, never over 2.5.
func barrierWidth(z int, s float64) float64 {
	w := 1.2 * math.Exp2(float64(z-17)*0.5)
	return math.Max(0.6, math.Min(w, 2.5)) * s
}

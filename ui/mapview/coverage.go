package mapview

import (
	"image"
	"image/color"
	"math"
	"sync"

	"github.com/paulmach/orb"

	"safetynet/geo/viewport"
)

// Shape is one area drawn on the map: a polygon in longitude/latitude,
// filled and outlined. A zero colour draws nothing.
type Shape struct {
	Polygon      orb.MultiPolygon
	Fill, Stroke color.NRGBA
	// Level above 0 makes the shape a camera zone of image-detail level
	// Level, 1 the lowest (geo/coverage's level index plus one; IEC
	// 62676-4: monitor, detect, observe, recognise, identify, inspect).
	// The zones of a coverage are drawn together, where the first of them
	// stands among its shapes, as one layer in which each point takes the
	// colour of the highest level covering it (DetailLevelColour): nested
	// zones and the overlapping zones of several cameras neither darken
	// nor mix. Fill and Stroke are not used for zones.
	Level int
}

// Coverage is a set of shapes drawn in order under the safety layers, such
// as the coverage of a plan.
type Coverage struct {
	Shapes []Shape
}

// coverageItem is a Shape projected to Web Mercator.
type coverageItem struct {
	rings        [][]orb.Point
	holes        []bool
	bound        orb.Bound
	fill, stroke color.NRGBA
	level        int // 1 to len(detailLevels); 0 for a plain shape
}

// coverageData is a Coverage as drawn: built once, then only read, shared
// by the UI and the overlay goroutine.
type coverageData struct {
	src   *Coverage
	items []coverageItem
	// zones are the items of each level (index level-1) drawn as the
	// zone layer, which takes the place of the first of them in items.
	zones [][]int
	bound orb.Bound // of the zones
}

func newCoverageData(c *Coverage) *coverageData {
	d := &coverageData{src: c}
	for _, s := range c.Shapes {
		it := coverageItem{fill: s.Fill, stroke: s.Stroke}
		if s.Level > 0 {
			it.level = min(s.Level, len(detailLevels))
		}
		first := true
		for _, p := range s.Polygon {
			for i, r := range p {
				ring := make([]orb.Point, len(r))
				for k, q := range r {
					ring[k] = viewport.Project(q)
				}
				if len(ring) == 0 {
					continue
				}
				if first {
					it.bound, first = boundOf(ring), false
				} else {
					it.bound = it.bound.Union(boundOf(ring))
				}
				it.rings = append(it.rings, ring)
				it.holes = append(it.holes, i > 0)
			}
		}
		if first {
			continue
		}
		if it.level > 0 {
			if d.zones == nil {
				d.zones = make([][]int, len(detailLevels))
				d.bound = it.bound
			}
			d.zones[it.level-1] = append(d.zones[it.level-1], len(d.items))
			d.bound = d.bound.Union(it.bound)
		}
		d.items = append(d.items, it)
	}
	return d
}

// SetCoverage draws c under the safety layers, in place of the coverage
// shown so far; nil shows none. The map keeps c: do not change it after.
func (m *Map) SetCoverage(c *Coverage) {
	var d *coverageData
	if c != nil {
		d = newCoverageData(c)
	}
	m.mu.Lock()
	m.coverage = d
	m.mu.Unlock()
	m.Refresh()
}

// Coverage returns the coverage last given to SetCoverage, or nil.
func (m *Map) Coverage() *Coverage {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.coverage == nil {
		return nil
	}
	return m.coverage.src
}

// drawCoverage paints d's shapes that meet viewB.
func drawCoverage(p *painter, d *coverageData, viewB orb.Bound, screen func([]orb.Point) []float32, fs float32) {
	if d == nil {
		return
	}
	zonesDone := false
	for _, it := range d.items {
		if it.level > 0 {
			if !zonesDone {
				zonesDone = true
				drawZones(p, d, viewB, screen)
			}
			continue
		}
		if !it.bound.Intersects(viewB) {
			continue
		}
		if it.fill.A != 0 {
			p.feature()
			for i, r := range it.rings {
				p.addRing(screen(r), it.holes[i])
			}
			p.fill(it.fill)
		}
		if it.stroke.A != 0 {
			for _, r := range it.rings {
				p.addStroke(screen(r), 1.2*fs, true)
			}
			p.fill(it.stroke)
		}
	}
}

// zoneBuffers keep the images the zone layer is drawn in, from one
// drawing to the next.
var zoneBuffers = sync.Pool{New: func() any { return new(image.RGBA) }}

// drawZones paints the camera zones of d that meet viewB into p's image:
// level by level, lowest first, each zone's colour put in place of what
// is under it, in an image of their own then laid over p's.
func drawZones(p *painter, d *coverageData, viewB orb.Bound, screen func([]orb.Point) []float32) {
	if !d.bound.Intersects(viewB) {
		return
	}
	dst := p.dst
	buf := zoneBuffers.Get().(*image.RGBA)
	defer zoneBuffers.Put(buf)
	r := dst.Rect
	if n := 4 * r.Dx() * r.Dy(); cap(buf.Pix) < n {
		buf.Pix = make([]uint8, n)
	} else {
		buf.Pix = buf.Pix[:n]
		clear(buf.Pix)
	}
	buf.Stride, buf.Rect = 4*r.Dx(), r
	zp := newPainter(buf)
	zp.replace = true
	drawn := image.Rectangle{}
	for level, items := range d.zones {
		for _, i := range items {
			it := &d.items[i]
			if !it.bound.Intersects(viewB) {
				continue
			}
			// Zone by zone: each puts its colour in place, so overlapping
			// zones of a level leave that level's colour, and each fill
			// touches only the pixels near its zone.
			zp.feature()
			for k, ring := range it.rings {
				zp.addRing(screen(ring), it.holes[k])
			}
		}
		if !zp.empty() {
			drawn = drawn.Union(bbox(zp.minX, zp.minY, zp.maxX, zp.maxY))
		}
		zp.fill(detailLevels[level].fill)
	}
	overAll(dst, buf, drawn)
}

// detailLevel is the look of one image-detail level's zones: the fill
// laid over the basemap, and what it looks like there.
type detailLevel struct {
	fill        color.NRGBA
	light, dark color.NRGBA // over the light and the dark basemap's land, opaque
}

// detailLevels are the colours of camera zones by image-detail level,
// lowest first: viridis from yellow to deep purple, each level more
// opaque than the one below, so that detail grows darker and stronger on
// the map in even steps of lightness. Neighbouring levels stay apart in
// protanopia, deuteranopia and tritanopia (see the tests).
var detailLevels = func() []detailLevel {
	steps := []struct {
		c uint32
		a float64
	}{{0xFDE725, 0.35}, {0x7AD151, 0.45}, {0x22A884, 0.55}, {0x2A788E, 0.62}, {0x414487, 0.68}, {0x440154, 0.75}}
	out := make([]detailLevel, len(steps))
	for i, s := range steps {
		f := alpha(rgb(s.c), s.a)
		out[i] = detailLevel{fill: f, light: mix(light.landColour("residential"), f), dark: mix(dark.landColour("residential"), f)}
	}
	return out
}()

// mix returns c laid over the opaque colour under.
func mix(under, c color.NRGBA) color.NRGBA {
	a := float64(c.A) / 255
	ch := func(u, v uint8) uint8 { return uint8(math.Round(float64(u)*(1-a) + float64(v)*a)) }
	return color.NRGBA{ch(under.R, c.R), ch(under.G, c.G), ch(under.B, c.B), 0xFF}
}

// DetailLevelCount is how many image-detail levels have colours of their
// own; higher levels take the colour of the last.
func DetailLevelCount() int { return len(detailLevels) }

// DetailLevelColour returns the colour camera zones of image-detail
// level (1 the lowest; clamped to 1..DetailLevelCount) show on the map,
// opaque, as they look over the basemap's land in the dark or the light
// variant: for a legend's swatches, which then match the map.
func DetailLevelColour(level int, dark bool) color.NRGBA {
	l := detailLevels[max(1, min(level, len(detailLevels)))-1]
	if dark {
		return l.dark
	}
	return l.light
}

// PlanColours are the colours of the other layers of a plan's coverage,
// for the Fill and Stroke of their shapes and for a legend: quiet enough
// that the camera zones and the basemap read through them.
type PlanColours struct {
	// PatrolFill is the ground in sight of a patrol route, drawn under
	// the camera zones.
	PatrolFill color.NRGBA
	// ReachFill and ReachStroke are the ground within walking reach of an
	// extinguisher: no wash (ReachFill is transparent) and a light
	// outline.
	ReachFill, ReachStroke color.NRGBA
	// GapFill and GapStroke are the ground nothing covers.
	GapFill, GapStroke color.NRGBA
}

// Plan returns the colours of a plan's coverage layers.
func Plan() PlanColours {
	return PlanColours{
		PatrolFill:  alpha(okPurple, 0.16),
		ReachStroke: alpha(okOrange, 0.35),
		GapFill:     alpha(okVermilion, 0.09), GapStroke: alpha(okVermilion, 0.45),
	}
}

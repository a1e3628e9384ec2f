package mapview

import (
	"image/color"

	"github.com/paulmach/orb"

	"safetynet/geo/viewport"
)

// Shape is one area drawn on the map: a polygon in longitude/latitude,
// filled and outlined. A zero colour draws nothing.
type Shape struct {
	Polygon      orb.MultiPolygon
	Fill, Stroke color.NRGBA
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
}

// coverageData is a Coverage as drawn: built once, then only read, shared
// by the UI and the overlay goroutine.
type coverageData struct {
	src   *Coverage
	items []coverageItem
}

func newCoverageData(c *Coverage) *coverageData {
	d := &coverageData{src: c}
	for _, s := range c.Shapes {
		it := coverageItem{fill: s.Fill, stroke: s.Stroke}
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
		if !first {
			d.items = append(d.items, it)
		}
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
	for _, it := range d.items {
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

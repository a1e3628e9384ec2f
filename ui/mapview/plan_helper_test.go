package mapview

import (
	"context"
	"image/color"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/geo/coverage"
)

// planLayers is the coverage of a plan of a store, as the plan mode
// computes it: the ground in sight of patrols, each camera's nested zones
// by image-detail level (index 0 the lowest), the ground within reach of
// an extinguisher and the gaps, in longitude/latitude.
type planLayers struct {
	levels []string
	patrol orb.MultiPolygon
	zones  []planZone
	reach  orb.MultiPolygon
	gap    orb.MultiPolygon
}

type planZone struct {
	level int
	area  orb.MultiPolygon
}

// computePlanLayers computes the plan of s, counting offline and planned
// cameras, as the plan mode does.
func computePlanLayers(t testing.TB, s *store.Store) planLayers {
	t.Helper()
	ctx := context.Background()
	sc, err := scene.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sc.Model(coverage.Options{IncludeOffline: true})
	if err != nil {
		t.Fatal(err)
	}
	ll := func(g orb.Geometry) orb.MultiPolygon {
		switch g := sc.ToLonLat(g).(type) {
		case orb.MultiPolygon:
			return g
		case orb.Polygon:
			return orb.MultiPolygon{g}
		}
		return nil
	}
	var p planLayers
	index := map[string]int{}
	for i, l := range m.Levels() {
		p.levels = append(p.levels, l.Name)
		index[l.Name] = i
	}
	p.patrol = ll(m.Outline(coverage.PatrolLayer))
	for _, id := range m.CameraIDs() {
		zs, _ := m.Zones(id)
		for _, z := range zs {
			p.zones = append(p.zones, planZone{level: index[z.Level.Name], area: ll(z.Area)})
		}
	}
	p.reach = ll(m.Outline(coverage.ExtinguisherLayer))
	p.gap = ll(m.Outline(coverage.GapLayer))
	return p
}

// oldPlanCoverage is the coverage with the plan mode's colours of
// before: translucent viridis fills per zone, nested zones drawn over
// each other, the fire reach as a strong amber outline.
func (p planLayers) oldPlanCoverage() *Coverage {
	levelColours := []color.NRGBA{
		{0x44, 0x01, 0x54, 0x60}, {0x41, 0x44, 0x87, 0x60}, {0x2A, 0x78, 0x8E, 0x68},
		{0x22, 0xA8, 0x84, 0x70}, {0x7A, 0xD1, 0x51, 0x78}, {0xFD, 0xE7, 0x25, 0x80},
	}
	c := &Coverage{}
	c.Shapes = append(c.Shapes, Shape{Polygon: p.patrol, Fill: color.NRGBA{0xCC, 0x79, 0xA7, 0x30}})
	for _, z := range p.zones {
		c.Shapes = append(c.Shapes, Shape{Polygon: z.area, Fill: levelColours[min(z.level, len(levelColours)-1)]})
	}
	c.Shapes = append(c.Shapes, Shape{Polygon: p.reach, Stroke: color.NRGBA{0xE6, 0x9F, 0x00, 0xD0}})
	c.Shapes = append(c.Shapes, Shape{Polygon: p.gap, Fill: color.NRGBA{0xD5, 0x5E, 0x00, 0x38}, Stroke: color.NRGBA{0xD5, 0x5E, 0x00, 0xC0}})
	return c
}

// newPlanCoverage is the coverage with the map's plan colours: zones by
// level, the fire reach and the gaps subdued.
func (p planLayers) newPlanCoverage() *Coverage {
	pc := Plan()
	c := &Coverage{}
	c.Shapes = append(c.Shapes, Shape{Polygon: p.patrol, Fill: pc.PatrolFill})
	for _, z := range p.zones {
		c.Shapes = append(c.Shapes, Shape{Polygon: z.area, Level: z.level + 1})
	}
	c.Shapes = append(c.Shapes, Shape{Polygon: p.reach, Fill: pc.ReachFill, Stroke: pc.ReachStroke})
	c.Shapes = append(c.Shapes, Shape{Polygon: p.gap, Fill: pc.GapFill, Stroke: pc.GapStroke})
	return c
}

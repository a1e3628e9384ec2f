// Package demo generates the built-in demo community: 安和苑 (Anhe
// Garden), an invented gated residential compound (小区) of about 1 km² in
// Pudong, Shanghai, with its streets, buildings, gardens and the safety
// layers a command room keeps: cameras, key areas, fire equipment, patrol
// routes, hazards, gates, the perimeter wall and fences, and facilities.
//
// The community is laid out in metres in its own frame and turned 12°
// so that its buildings face south-by-east, as many in Shanghai do; it is
// then converted to EPSG:4326 with the local projection of geo/proj. The
// layout uses a fixed random seed: every call gives the same features in
// the same order.
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/proj"
)

// Origin is the centre of the demo community (longitude, latitude,
// EPSG:4326), in Pudong, Shanghai. Do not change it: features are placed
// around it.
var Origin = orb.Point{121.60, 31.20}

// rotation is how far the compound is turned counter-clockwise, degrees:
// its buildings face 12° east of south.
const rotation = 12.0

// Seeds of the layout's random choices.
const seed1, seed2 = 0x5afe, 0x2026

// site collects the features of the community while it is laid out, in the
// compound frame.
type site struct {
	rng       *rand.Rand
	houses    int // residential buildings numbered so far
	buildings []*bldg
	roads     []store.Road
	land      []store.Land
	water     []store.WaterArea
	barriers  []store.Barrier
	keyAreas  []store.KeyArea
	hazards   []store.Hazard
	cameras   []store.Camera
	routes    []store.PatrolRoute
	checkpts  []store.Checkpoint
	equipment []store.Equipment
	access    []store.AccessPoint
	facility  []store.Facility

	reserved []reserve
	hsegs    []hseg
	inner    []orb.LineString // inner vehicle roads, for hydrants
	ring     orb.LineString   // the inner ring road
}

// Community returns every feature of the demo community (EPSG:4326), in a
// fixed order: landuse, water, roads, buildings, barriers, key areas, hazards,
// cameras, patrol routes, checkpoints, fire equipment, access points,
// facilities. The result is new on every call and the caller owns it; it
// is the same on every call. Community is safe for concurrent use.
func Community() []store.Feature {
	s := &site{rng: rand.New(rand.NewPCG(seed1, seed2))}
	s.streets()
	s.compound()
	s.housing()
	s.garden()
	s.gates()
	s.walls()
	s.keyAreasAndCameras()
	s.fireEquipment()
	s.patrols()
	s.hazardRegister()
	return s.features()
}

// Write writes the demo community and its drill scenario (Scenario) into
// s in one transaction: all of it or, on an error, nothing.
func Write(ctx context.Context, s *store.Store) error {
	fs := Community()
	err := s.Update(ctx, func(tx *store.Tx) error {
		for i, f := range fs {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if _, err := tx.Insert(f); err != nil {
				return fmt.Errorf("%s feature %d: %w", f.Layer(), i, err)
			}
		}
		return tx.SaveScenario(ctx, Scenario())
	})
	if err != nil {
		return fmt.Errorf("demo: write: %w", err)
	}
	return nil
}

// features converts the site to EPSG:4326 features in layer order.
func (s *site) features() []store.Feature {
	plane := proj.New(Origin)
	sin, cos := math.Sincos(rotation * math.Pi / 180)
	f := func(p orb.Point) orb.Point {
		return plane.ToLonLat(orb.Point{p[0]*cos - p[1]*sin, p[0]*sin + p[1]*cos})
	}
	var out []store.Feature
	for _, l := range s.land {
		l.Geom = proj.Project(l.Geom, f).(orb.MultiPolygon)
		out = append(out, l)
	}
	for _, w := range s.water {
		w.Geom = proj.Project(w.Geom, f).(orb.MultiPolygon)
		out = append(out, w)
	}
	for _, r := range s.roads {
		r.Geom = proj.Project(r.Geom, f).(orb.LineString)
		out = append(out, r)
	}
	for _, b := range s.buildings {
		out = append(out, store.Building{
			Geom:   orb.MultiPolygon{{proj.Project(b.ring, f).(orb.Ring)}},
			Names:  b.names,
			Height: b.height,
			Levels: b.levels,
			Use:    b.use,
		})
	}
	for _, b := range s.barriers {
		b.Geom = proj.Project(b.Geom, f).(orb.LineString)
		out = append(out, b)
	}
	for _, k := range s.keyAreas {
		k.Geom = proj.Project(k.Geom, f).(orb.Polygon)
		out = append(out, k)
	}
	for _, h := range s.hazards {
		h.Geom = proj.Project(h.Geom, f)
		if r, ok := h.Geom.(orb.Ring); ok {
			h.Geom = orb.Polygon{r}
		}
		out = append(out, h)
	}
	for _, c := range s.cameras {
		c.Geom = f(c.Geom)
		out = append(out, c)
	}
	for _, r := range s.routes {
		r.Geom = proj.Project(r.Geom, f).(orb.LineString)
		out = append(out, r)
	}
	for _, c := range s.checkpts {
		c.Geom = f(c.Geom)
		out = append(out, c)
	}
	for _, e := range s.equipment {
		e.Geom = f(e.Geom)
		out = append(out, e)
	}
	for _, a := range s.access {
		a.Geom = f(a.Geom)
		out = append(out, a)
	}
	for _, c := range s.facility {
		c.Geom = f(c.Geom)
		out = append(out, c)
	}
	return out
}

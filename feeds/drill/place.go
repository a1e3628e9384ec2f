package drill

import (
	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// Places returns a RunOptions.Place that finds a feature's geometry by
// its code among fs: cameras, key areas, fire equipment, access points,
// checkpoints, hazards and patrol routes (the layers whose features have
// codes). The first feature of a code wins.
func Places(fs []store.Feature) func(code string) (orb.Geometry, bool) {
	m := map[string]orb.Geometry{}
	add := func(code string, g orb.Geometry) {
		if _, dup := m[code]; code != "" && g != nil && !dup {
			m[code] = g
		}
	}
	for _, f := range fs {
		switch f := f.(type) {
		case store.Camera:
			add(f.Code, f.Geom)
		case store.KeyArea:
			add(f.Code, f.Geom)
		case store.Equipment:
			add(f.Code, f.Geom)
		case store.AccessPoint:
			add(f.Code, f.Geom)
		case store.Checkpoint:
			add(f.Code, f.Geom)
		case store.Hazard:
			add(f.Code, f.Geom)
		case store.PatrolRoute:
			add(f.Code, f.Geom)
		}
	}
	return func(code string) (orb.Geometry, bool) {
		g, ok := m[code]
		return g, ok
	}
}

// Obstacles returns the building footprints and the barriers (walls,
// fences) among fs, for FootPaths.
func Obstacles(fs []store.Feature) (footprints []orb.Polygon, walls []orb.LineString) {
	for _, f := range fs {
		switch f := f.(type) {
		case store.Building:
			footprints = append(footprints, f.Geom...)
		case store.Barrier:
			walls = append(walls, f.Geom)
		}
	}
	return footprints, walls
}

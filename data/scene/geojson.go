package scene

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"safetynet/geo/coverage"
)

// Seeing returns the cameras of m that see p (longitude/latitude), best
// pixel density first: the query behind a live alert.
func (s *Scene) Seeing(m *coverage.Model, p orb.Point) []coverage.Sight {
	return m.Seeing(s.Plane.ToMetres(p))
}

// Zones returns camera id's pixel-density zones as GeoJSON features in
// longitude/latitude, lowest level first (they nest), with the
// properties camera, level, ppm, near_m and far_m. ok is false for an
// unknown camera.
func (s *Scene) Zones(m *coverage.Model, id string) (fc *geojson.FeatureCollection, ok bool) {
	zones, ok := m.Zones(id)
	if !ok {
		return nil, false
	}
	fc = geojson.NewFeatureCollection()
	for _, z := range zones {
		f := geojson.NewFeature(s.ToLonLat(z.Area))
		f.Properties = geojson.Properties{
			"camera": id, "level": z.Level.Name, "ppm": z.Level.PPM, "near_m": z.Near, "far_m": z.Far,
		}
		fc.Append(f)
	}
	return fc, true
}

// Views returns every camera's visibility polygon as GeoJSON features in
// longitude/latitude, with the properties camera and estimated.
func (s *Scene) Views(m *coverage.Model) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, id := range m.CameraIDs() {
		p, _ := m.View(id)
		if len(p) == 0 {
			continue
		}
		c, _ := m.Camera(id)
		f := geojson.NewFeature(s.ToLonLat(p))
		f.Properties = geojson.Properties{"camera": id, "estimated": c.Estimated}
		fc.Append(f)
	}
	return fc
}

// Layer returns one layer of m (cameras, patrols, extinguishers,
// hydrants or gaps) as a GeoJSON feature in longitude/latitude with the
// properties layer and area_m2.
func (s *Scene) Layer(m *coverage.Model, l coverage.Layer) *geojson.Feature {
	mp := m.Outline(l)
	f := geojson.NewFeature(s.ToLonLat(mp))
	f.Properties = geojson.Properties{"layer": layerNames[l], "area_m2": planar.Area(mp)}
	return f
}

var layerNames = map[coverage.Layer]string{
	coverage.CameraLayer: "cameras", coverage.PatrolLayer: "patrols",
	coverage.ExtinguisherLayer: "extinguishers", coverage.HydrantLayer: "hydrants", coverage.GapLayer: "gaps",
}

// KeyAreas returns the key areas with their coverage (see
// coverage.AreaCoverage) as GeoJSON features in longitude/latitude; the
// shares are percentages.
func (s *Scene) KeyAreas(m *coverage.Model) *geojson.FeatureCollection {
	geoms := map[string]orb.Polygon{}
	for _, k := range s.Scene.KeyAreas {
		geoms[k.ID] = k.Area
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range m.KeyAreas() {
		f := geojson.NewFeature(s.ToLonLat(geoms[a.ID]))
		f.Properties = geojson.Properties{
			"id": a.ID, "code": a.Code, "name": a.Name, "level": a.Level, "ground_m2": a.Ground,
			"camera_pct": 100 * a.Camera, "camera_below_pct": 100 * a.CameraBelow, "unseen_pct": 100 * a.Unseen,
			"patrol_pct": 100 * a.Patrol, "rounds_per_day": a.RoundsPerDay,
			"extinguisher_pct": 100 * a.Extinguisher, "hydrant_pct": 100 * a.Hydrant, "nothing_pct": 100 * a.Nothing,
			"cameras": a.Cameras,
		}
		fc.Append(f)
	}
	return fc
}

// Package scene loads a community's features (a store or a list of
// store features, EPSG:4326) into the metric scene of geo/coverage, and
// turns the results back into longitude/latitude for GeoJSON output.
//
// The local plane is geo/proj's, centred on the middle of the data.
package scene

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/geo/fire"
	"safetynet/geo/proj"
)

// Defaults given to cameras that do not say; such cameras are marked
// Estimated.
const (
	DefaultHeight      = 3.0  // metres
	DefaultResolutionH = 1920 // pixels
	DefaultRange       = 30.0 // metres
)

// Scene is a community in metres, ready for coverage.New, with the plane
// it was projected on. Its Site (the limit of the gap layer) is the
// residential landuse that holds key areas, if any. A Scene is a plain value: safe for concurrent
// reads, not for concurrent changes.
type Scene struct {
	// Plane converts between longitude/latitude and the scene's metres.
	Plane proj.Local
	// Scene holds the features in metres; its IDs are the features' codes
	// where they have unique ones, else their OSM ids, else layer/fid.
	Scene coverage.Scene
	// Problems are what loading found wrong (patrol schedules that do not
	// parse, ...). Problems with cameras and areas come from coverage.New.
	Problems []coverage.Problem
	// Left counts the features Load left out because they lie far from
	// the community (see Community); Problems says where they are.
	Left int

	fids map[string]int64  // layer + "\x00" + ID -> fid
	ids  map[string]string // layer + "\x00" + fid -> ID (a building's first part)
}

// FID returns the fid, in the store's layer, of the feature the scene
// names id (a building, camera, access point, ... as coverage reports
// it), so that its name and other columns can be looked up; ok is false
// for an ID the scene does not have or a feature that was never stored.
func (s *Scene) FID(layer, id string) (int64, bool) {
	fid, ok := s.fids[layer+"\x00"+id]
	return fid, ok
}

// ID returns the ID the scene gives the feature with fid in the store's
// layer (a camera, access point or piece of fire equipment; for a
// building of several parts, its first part): its code, else its OSM
// id, else layer/fid, with "#n" added to all but the first of features
// that share one (see FeatureID). This is the one place that rule is
// applied: coverage, the report, the console and plan mode all name a
// store feature through it. ok is false for a feature the scene left
// out.
func (s *Scene) ID(layer string, fid int64) (string, bool) {
	id, ok := s.ids[layer+"\x00"+strconv.FormatInt(fid, 10)]
	return id, ok
}

func (s *Scene) keep(layer, id string, fid int64) {
	if fid > 0 {
		s.fids[layer+"\x00"+id] = fid
		k := layer + "\x00" + strconv.FormatInt(fid, 10)
		if _, ok := s.ids[k]; !ok {
			s.ids[k] = id
		}
	}
}

// Load reads every layer of s and returns its scene: the community's
// features (see Community) when the store holds places far apart, with a
// Problem saying what was left out. An error wrapping ErrSpread says
// that key areas lie in places far apart.
func Load(ctx context.Context, s *store.Store) (*Scene, error) {
	all := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	var fs []store.Feature
	add := func(err error) error {
		if err != nil {
			return fmt.Errorf("scene: load: %w", err)
		}
		return nil
	}
	bs, err := s.Buildings(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range bs {
		fs = append(fs, f)
	}
	ls, err := s.Landuse(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range ls {
		fs = append(fs, f)
	}
	ws, err := s.Water(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range ws {
		fs = append(fs, f)
	}
	brs, err := s.Barriers(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range brs {
		fs = append(fs, f)
	}
	rs, err := s.Roads(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range rs {
		fs = append(fs, f)
	}
	cs, err := s.Cameras(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	why, err := unknownAngles(ctx, s, cs)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range cs {
		fs = append(fs, f)
	}
	ps, err := s.PatrolRoutes(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range ps {
		fs = append(fs, f)
	}
	es, err := s.FireEquipment(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range es {
		fs = append(fs, f)
	}
	as, err := s.AccessPoints(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range as {
		fs = append(fs, f)
	}
	ks, err := s.KeyAreas(ctx, all)
	if err := add(err); err != nil {
		return nil, err
	}
	for _, f := range ks {
		fs = append(fs, f)
	}
	sp, err := Community(fs)
	if err != nil {
		return nil, err
	}
	sc := fromFeatures(sp.Kept, why)
	if sp.Left > 0 {
		sc.Problems = append(sc.Problems, LeftOut(sp))
		sc.Left = sp.Left
	}
	return sc, nil
}

// FromFeatures returns the scene of the features (values or pointers of
// the store's types); layers coverage does not use are ignored. The
// features are not changed.
//
// Barriers become coverage walls: every barrier blocks walking, and an
// opaque one (a wall, a hedge, a solid fence) blocks sight too, whatever
// its height; a fence one sees through (Opaque false) does not.
//
// A camera with a NaN heading or tilt, or with no field of view (no hfov,
// nor sensor width and focal length), is given one (see HeadingOf,
// HFOVOf and DefaultTilt), marked Estimated, and listed in Problems
// without being skipped.
func FromFeatures(fs []store.Feature) *Scene { return fromFeatures(fs, nil) }

// unknownAngles sets the heading and tilt of the cameras cs whose store
// holds none (NULL) to NaN, so that FromFeatures estimates them; a heading
// the store holds as text that is not a direction is NaN already. It
// returns what was wrong with each such heading, by fid.
func unknownAngles(ctx context.Context, s *store.Store, cs []store.Camera) (map[int64]string, error) {
	recs, err := s.Records(ctx, store.Cameras, store.World)
	if err != nil {
		return nil, err
	}
	byFID := make(map[int64]store.Record, len(recs))
	for _, r := range recs {
		byFID[r.FID] = r
	}
	why := map[int64]string{}
	for i := range cs {
		r, ok := byFID[cs[i].FID]
		if !ok {
			continue
		}
		switch h := r.Props["heading"].(type) {
		case nil:
			cs[i].Heading = math.NaN()
		case string:
			if math.IsNaN(cs[i].Heading) {
				why[cs[i].FID] = fmt.Sprintf("heading %q is not a direction", h)
			}
		}
		if r.Props["tilt"] == nil {
			cs[i].Tilt = math.NaN()
		}
	}
	return why, nil
}

func fromFeatures(fs []store.Feature, why map[int64]string) *Scene {
	s := &Scene{fids: map[string]int64{}, ids: map[string]string{}}
	var b orb.Bound
	first := true
	for _, f := range fs {
		g := geom(f)
		if g == nil {
			continue
		}
		gb := g.Bound()
		if first {
			b, first = gb, false
		} else {
			b = b.Union(gb)
		}
	}
	s.Plane = proj.New(b.Center())
	m := s.Plane.ToMetres
	ids := newNamer()
	var sites []orb.Polygon
	type cameraType struct {
		index     int
		kind, why string
	}
	var cams []cameraType
	for i, f := range fs {
		switch f := deref(f).(type) {
		case store.Building:
			id := ids.name(store.Buildings, "", f.OSMID, f.FID, i)
			for k, p := range f.Geom {
				bid := id
				if len(f.Geom) > 1 {
					bid = fmt.Sprintf("%s#%d", id, k+1)
				}
				s.Scene.Buildings = append(s.Scene.Buildings, coverage.Building{ID: bid, Footprint: proj.Project(p, m).(orb.Polygon)})
				s.keep(store.Buildings, bid, f.FID)
			}
		case store.WaterArea:
			id := ids.name(store.Water, "", f.OSMID, f.FID, i)
			for k, p := range f.Geom {
				s.Scene.Water = append(s.Scene.Water, coverage.Water{ID: fmt.Sprintf("%s#%d", id, k+1), Area: proj.Project(p, m).(orb.Polygon)})
			}
		case store.Barrier:
			// Every barrier blocks walking; only opaque ones block sight.
			s.Scene.Walls = append(s.Scene.Walls, coverage.Wall{
				ID: ids.name(store.Barriers, "", f.OSMID, f.FID, i), Line: proj.Project(f.Geom, m).(orb.LineString),
				SeeThrough: !f.Opaque,
			})
		case store.Road:
			s.Scene.Roads = append(s.Scene.Roads, coverage.Road{
				ID: ids.name(store.Roads, "", f.OSMID, f.FID, i), Name: f.Label("en"),
				Line: proj.Project(f.Geom, m).(orb.LineString), Vehicle: vehicle(f.Class),
			})
		case store.Land:
			if f.Class == "residential" {
				for _, p := range f.Geom {
					sites = append(sites, proj.Project(p, m).(orb.Polygon))
				}
			}
		case store.Camera:
			id := ids.name(store.Cameras, f.Code, f.OSMID, f.FID, i)
			s.Scene.Cameras = append(s.Scene.Cameras, camera(f, id, m))
			s.keep(store.Cameras, id, f.FID)
			cams = append(cams, cameraType{len(s.Scene.Cameras) - 1, f.Model + " " + typeOf(f.Attributes), why[f.FID]})
		case store.PatrolRoute:
			id := ids.name(store.PatrolRoutes, f.Code, "", f.FID, i)
			rounds, prob := roundsPerDay(f.Shifts, f.RoundsPerShift)
			if prob != "" {
				s.Problems = append(s.Problems, coverage.Problem{Kind: "patrol", ID: id, Msg: prob})
			}
			s.Scene.Patrols = append(s.Scene.Patrols, coverage.Patrol{ID: id, Line: proj.Project(f.Geom, m).(orb.LineString), RoundsPerDay: rounds})
		case store.Equipment:
			kind := equipmentKind(f.Kind)
			if kind == "" {
				continue
			}
			id := ids.name(store.FireEquipment, f.Code, f.OSMID, f.FID, i)
			s.Scene.Equipment = append(s.Scene.Equipment, coverage.Equipment{
				ID: id, At: m(f.Geom), Kind: kind, Rating: f.FireClass, Hazard: f.HazardLevel,
			})
			s.keep(store.FireEquipment, id, f.FID)
		case store.AccessPoint:
			id := ids.name(store.AccessPoints, f.Code, f.OSMID, f.FID, i)
			s.Scene.Access = append(s.Scene.Access, coverage.Access{ID: id, At: m(f.Geom), Kind: f.Kind})
			s.keep(store.AccessPoints, id, f.FID)
		case store.KeyArea:
			s.Scene.KeyAreas = append(s.Scene.KeyAreas, coverage.KeyArea{
				ID: ids.name(store.KeyAreas, f.Code, "", f.FID, i), Code: f.Code, Name: f.Label("en"),
				Area: proj.Project(f.Geom, m).(orb.Polygon), Level: f.RequiredLevel,
				Fire: slices.Contains(FireKinds, f.Kind),
			})
		}
	}
	// Cameras without a heading or a field of view, once the buildings
	// and roads are known.
	for _, c := range cams {
		s.estimate(c.index, c.kind, c.why)
	}
	// The site: the residential areas that hold key areas.
	for _, p := range sites {
		for _, k := range s.Scene.KeyAreas {
			if len(k.Area) > 0 && len(k.Area[0]) > 0 && planar.PolygonContains(p, k.Area[0][0]) {
				s.Scene.Site = append(s.Scene.Site, p)
				break
			}
		}
	}
	return s
}

// FireKinds are the key-area kinds that must lie within walking reach of
// an extinguisher (coverage.KeyArea.Fire). Change it before loading to
// apply other rules.
var FireKinds = []string{"ebike_shed", "building_entrance", "kindergarten_entrance", "carpark_ramp", "parking"}

// Model computes the coverage of the scene (see coverage.New). Problems
// found while loading stay in s.Problems; the model has its own.
func (s *Scene) Model(opt coverage.Options) (*coverage.Model, error) {
	return coverage.New(s.Scene, opt)
}

// ToLonLat returns g (metres in the scene's plane) in longitude/latitude.
func (s *Scene) ToLonLat(g orb.Geometry) orb.Geometry { return proj.Project(g, s.Plane.ToLonLat) }

// ToMetres returns p (longitude/latitude) in the scene's plane.
func (s *Scene) ToMetres(p orb.Point) orb.Point { return s.Plane.ToMetres(p) }

func deref(f store.Feature) store.Feature {
	switch f := f.(type) {
	case *store.Building:
		return *f
	case *store.WaterArea:
		return *f
	case *store.Road:
		return *f
	case *store.Barrier:
		return *f
	case *store.Camera:
		return *f
	case *store.PatrolRoute:
		return *f
	case *store.Equipment:
		return *f
	case *store.KeyArea:
		return *f
	case *store.Land:
		return *f
	case *store.AccessPoint:
		return *f
	case *store.Hazard:
		return *f
	}
	return f
}

// geom returns the geometry of the features the scene uses, else nil.
func geom(f store.Feature) orb.Geometry {
	switch f := deref(f).(type) {
	case store.Building:
		return f.Geom
	case store.WaterArea:
		return nil // a river may run far beyond the community
	case store.Road:
		return nil // so may a road
	case store.Barrier:
		return nil // and a city wall
	case store.Camera:
		return f.Geom
	case store.PatrolRoute:
		return f.Geom
	case store.Equipment:
		return f.Geom
	case store.KeyArea:
		return f.Geom
	}
	return nil
}

// camera converts c, giving defaults where it says nothing.
func camera(c store.Camera, id string, m func(orb.Point) orb.Point) coverage.Camera {
	out := coverage.Camera{
		ID: id, At: m(c.Geom), Height: c.MountHeight, Heading: c.Heading, Tilt: c.Tilt,
		HFOV: c.HFOV, VFOV: c.VFOV, SensorWidth: c.SensorWidth, FocalLength: c.FocalLength,
		ResolutionH: c.ResolutionH, ResolutionV: c.ResolutionV, Range: c.MaxRange,
		// A planned camera is not there yet: like one that is off, only a
		// plan (coverage.Options.IncludeOffline) counts it.
		Offline:   c.Status == store.CameraOffline || c.Status == store.CameraMaintenance || c.Status == store.CameraPlanned,
		Estimated: c.Estimated,
	}
	if out.Height == 0 {
		out.Height, out.Estimated = DefaultHeight, true
	}
	if out.ResolutionH == 0 {
		out.ResolutionH, out.Estimated = DefaultResolutionH, true
	}
	if out.Range == 0 {
		out.Range, out.Estimated = DefaultRange, true
	}
	return out
}

// typeOf returns the camera type an imported register gave, from the JSON
// object of its other columns: the value of its "type", "camera_type",
// "kind" or "category" member; "" when there is none.
func typeOf(attributes string) string {
	if attributes == "" {
		return ""
	}
	var m map[string]any
	if json.Unmarshal([]byte(attributes), &m) != nil {
		return ""
	}
	var out []string
	for k, v := range m {
		switch strings.ToLower(k) {
		case "type", "camera_type", "cameratype", "camera:type", "kind", "category", "类型":
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	return strings.Join(out, " ")
}

// vehicle reports whether a road class carries vehicles (and hydrants).
func vehicle(class string) bool {
	switch class {
	case "footway", "path", "cycleway", "steps", "pedestrian", "bridleway", "corridor", "track", "elevator", "platform":
		return false
	}
	return true
}

// equipmentKind maps a store equipment kind to a fire rule kind, or ""
// for equipment without an outdoor reach.
func equipmentKind(k string) string {
	switch k {
	case store.ExtinguisherHandheld, store.FireCabinet:
		return fire.Handheld
	case store.ExtinguisherWheeled:
		return fire.Wheeled
	case store.HydrantOutdoor:
		return fire.Hydrant
	}
	return ""
}

// roundsPerDay returns shifts x rounds per shift from a schedule such as
// "08:00-16:00,16:00-24:00", and what is wrong with it, if anything.
func roundsPerDay(shifts string, perShift int) (float64, string) {
	n := 0
	var bad []string
	for _, s := range strings.Split(shifts, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		var h1, m1, h2, m2 int
		if _, err := fmt.Sscanf(s, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil || h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 {
			bad = append(bad, s)
			continue
		}
		n++
	}
	var msg []string
	if len(bad) > 0 {
		msg = append(msg, fmt.Sprintf("shifts %q are not HH:MM-HH:MM and were not counted", strings.Join(bad, ",")))
	}
	if n == 0 {
		n = 1
		msg = append(msg, "no shifts given: counted as one shift a day")
	}
	if perShift < 0 {
		msg = append(msg, fmt.Sprintf("%d rounds per shift: counted as 0", perShift))
		perShift = 0
	}
	return float64(n * perShift), strings.Join(msg, "; ")
}

// namer gives features unique IDs.
type namer struct{ used map[string]bool }

func newNamer() *namer { return &namer{used: map[string]bool{}} }

// FeatureID returns the ID a feature of layer is known by before it is
// made unique (Scene.ID): its code, else its OSM id, else layer/fid (fid
// > 0), else "".
func FeatureID(layer, code, osmID string, fid int64) string {
	switch {
	case code != "":
		return code
	case osmID != "":
		return osmID
	case fid > 0:
		return fmt.Sprintf("%s/%d", layer, fid)
	}
	return ""
}

// name returns the feature's FeatureID, else layer#index, made unique
// within the layer.
func (n *namer) name(layer, code, osmID string, fid int64, index int) string {
	id := FeatureID(layer, code, osmID, fid)
	if id == "" {
		id = fmt.Sprintf("%s#%d", layer, index)
	}
	key := layer + "\x00" + id
	if n.used[key] {
		id = fmt.Sprintf("%s#%d", id, index)
		key = layer + "\x00" + id
	}
	n.used[key] = true
	return id
}

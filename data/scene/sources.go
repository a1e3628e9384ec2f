package scene

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/data/store"
	"safetynet/geo/coverage"
)

// Kinds of alarm source. Each is also the prefix of the event source its
// alarms carry ("camera:CAM-001", see Source.Name).
const (
	// SourceCamera is a camera's video analytics (intrusion).
	SourceCamera = "camera"
	// SourceGate is an access point's access control (forced door,
	// tailgating).
	SourceGate = "gate"
	// SourceSmoke is a smoke detector.
	SourceSmoke = "sensor"
	// SourceEquipment is a piece of equipment reporting a fault.
	SourceEquipment = "equipment"
)

// Source is a fixed thing of a community that raises alarms, and the
// place its alarms carry.
type Source struct {
	// Kind is SourceCamera, SourceGate, SourceSmoke or SourceEquipment.
	Kind string
	// Code names the source: the camera's, access point's or equipment's
	// code (else its OSM id, else layer/fid, as the scene names it); for a
	// smoke detector SD-001, SD-002, ... in a fixed order.
	Code string
	// Names are the names of the camera, access point or equipment; for a
	// smoke detector those of the building it is in, else of its hazard.
	Names store.Names
	// At is where its alarms are, longitude/latitude (EPSG:4326): for a
	// camera a point of open ground it sees (where its axis meets the
	// ground, see coverage.Model.Aim), never its mount; the access point;
	// a detector's place inside its building; the equipment.
	At orb.Point
	// Detail is the equipment's kind (store.ExtinguisherHandheld, ...) or
	// the hazard category a detector watches ("ebike_charging"); else
	// empty.
	Detail string
	// Building is the scene ID of the building a smoke detector is in, or
	// empty.
	Building string
}

// Name returns the event source of the alarms: Kind:Code.
func (s Source) Name() string { return s.Kind + ":" + s.Code }

// Sources reads the store and returns every alarm source of the
// community (see SourcesOf).
func Sources(ctx context.Context, s *store.Store) ([]Source, error) {
	all := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	var fs []store.Feature
	read := func(name string, get func() ([]store.Feature, error)) error {
		got, err := get()
		if err != nil {
			return fmt.Errorf("scene: alarm sources: %s: %w", name, err)
		}
		fs = append(fs, got...)
		return nil
	}
	steps := []struct {
		name string
		get  func() ([]store.Feature, error)
	}{
		{store.Buildings, func() ([]store.Feature, error) { return features(s.Buildings(ctx, all)) }},
		{store.Water, func() ([]store.Feature, error) { return features(s.Water(ctx, all)) }},
		{store.Barriers, func() ([]store.Feature, error) { return features(s.Barriers(ctx, all)) }},
		{store.Cameras, func() ([]store.Feature, error) { return features(s.Cameras(ctx, all)) }},
		{store.AccessPoints, func() ([]store.Feature, error) { return features(s.AccessPoints(ctx, all)) }},
		{store.Hazards, func() ([]store.Feature, error) { return features(s.Hazards(ctx, all)) }},
		{store.FireEquipment, func() ([]store.Feature, error) { return features(s.FireEquipment(ctx, all)) }},
	}
	for _, st := range steps {
		if err := read(st.name, st.get); err != nil {
			return nil, err
		}
	}
	return SourcesOf(fs)
}

func features[T store.Feature](fs []T, err error) ([]store.Feature, error) {
	out := make([]store.Feature, len(fs))
	for i, f := range fs {
		out[i] = f
	}
	return out, err
}

// SourcesOf returns every alarm source of the features (values or
// pointers of the store's types), in a fixed order: for the same features
// the same sources with the same codes.
//
//   - every camera that is online and sees open ground, its intrusion
//     alarms at the point of coverage.Model.Aim (offline, maintenance and
//     planned cameras raise none);
//   - every access point, its alarms at the access point;
//   - smoke detectors: one at each e-bike charging hazard (its point, or a
//     point inside the building its area covers), then one inside every
//     building, coded SD-001, SD-002, ... in that order;
//   - every piece of fire equipment, its faults where it is.
//
// It builds a coverage model of the buildings, barriers, water and
// cameras to place the cameras' alarms: a fraction of a second for a
// community of a thousand buildings. The error is coverage.New's.
func SourcesOf(fs []store.Feature) ([]Source, error) {
	sc := FromFeatures(fs)
	m, err := coverage.New(coverage.Scene{
		Buildings: sc.Scene.Buildings, Walls: sc.Scene.Walls, Water: sc.Scene.Water, Cameras: sc.Scene.Cameras,
	}, coverage.Options{})
	if err != nil {
		return nil, fmt.Errorf("scene: alarm sources: %w", err)
	}
	var cams, gates, sheds, homes, equipment []Source
	ids := newNamer()
	var buildings []store.Building
	for i, f := range fs {
		switch f := deref(f).(type) {
		case store.Camera:
			id := ids.name(store.Cameras, f.Code, f.OSMID, f.FID, i)
			if c := camera(f, id, sc.Plane.ToMetres); c.Offline {
				continue
			}
			if p, ok := m.Aim(id); ok {
				cams = append(cams, Source{Kind: SourceCamera, Code: id, Names: f.Names, At: sc.Plane.ToLonLat(p)})
			}
		case store.AccessPoint:
			gates = append(gates, Source{
				Kind: SourceGate, Code: ids.name(store.AccessPoints, f.Code, f.OSMID, f.FID, i), Names: f.Names, At: f.Geom,
			})
		case store.Equipment:
			if f.Geom == (orb.Point{}) {
				continue
			}
			equipment = append(equipment, Source{
				Kind: SourceEquipment, Code: ids.name(store.FireEquipment, f.Code, f.OSMID, f.FID, i), Names: f.Names, At: f.Geom, Detail: f.Kind,
			})
		case store.Building:
			buildings = append(buildings, f)
		}
	}
	// Building IDs as the scene gives them: named in the order of fs.
	bids := newNamer()
	var bid []string
	for i, f := range fs {
		if b, ok := deref(f).(store.Building); ok {
			bid = append(bid, bids.name(store.Buildings, "", b.OSMID, b.FID, i))
		}
	}
	// in returns the building (index in buildings) whose outline holds p.
	in := func(p orb.Point) int {
		for i, b := range buildings {
			if b.Geom.Bound().Contains(p) && planar.MultiPolygonContains(b.Geom, p) {
				return i
			}
		}
		return -1
	}
	detector := func(p orb.Point, b int, names store.Names, detail string) Source {
		s := Source{Kind: SourceSmoke, Names: names, At: p, Detail: detail}
		if b >= 0 {
			s.Names, s.Building = buildings[b].Names, buildingID(bid[b], buildings[b], p)
		}
		return s
	}
	for _, f := range fs {
		h, ok := deref(f).(store.Hazard)
		if !ok || h.Category != "ebike_charging" || h.Geom == nil {
			continue
		}
		p := h.Geom.Bound().Center()
		if pt, ok := h.Geom.(orb.Point); ok {
			p = pt
		}
		b := in(p)
		if b < 0 {
			// An area round a shed: a point inside the building it covers.
			for i, bl := range buildings {
				if q, ok := interior(bl.Geom); ok && h.Geom.Bound().Contains(q) {
					p, b = q, i
					break
				}
			}
		}
		sheds = append(sheds, detector(p, b, h.Names, h.Category))
	}
	for i, b := range buildings {
		if p, ok := interior(b.Geom); ok {
			homes = append(homes, detector(p, i, b.Names, ""))
		}
	}
	smoke := append(sheds, homes...)
	for i := range smoke {
		smoke[i].Code = fmt.Sprintf("SD-%03d", i+1)
	}
	return slices.Concat(cams, gates, smoke, equipment), nil
}

// buildingID returns the scene ID of the part of building b that holds p:
// id, or id#k for the k-th polygon of a building of several.
func buildingID(id string, b store.Building, p orb.Point) string {
	if len(b.Geom) <= 1 {
		return id
	}
	for k, poly := range b.Geom {
		if planar.PolygonContains(poly, p) {
			return fmt.Sprintf("%s#%d", id, k+1)
		}
	}
	return id
}

// interior returns a point well inside mp: the middle of its bound when
// that lies inside its largest polygon, else the middle of the widest
// stretch of that polygon along a horizontal line across it. ok is false
// for an empty or degenerate outline.
func interior(mp orb.MultiPolygon) (orb.Point, bool) {
	var poly orb.Polygon
	best := 0.0
	for _, p := range mp {
		if len(p) > 0 {
			if a := math.Abs(planar.Area(p)); a > best {
				poly, best = p, a
			}
		}
	}
	if poly == nil {
		return orb.Point{}, false
	}
	b := poly.Bound()
	if c := b.Center(); planar.PolygonContains(poly, c) {
		return c, true
	}
	var at orb.Point
	widest := 0.0
	for _, f := range []float64{0.5, 0.25, 0.75, 0.375, 0.625, 0.125, 0.875} {
		y := b.Min[1] + f*(b.Max[1]-b.Min[1])
		var xs []float64
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				a, c := r[i], r[i+1]
				if (a[1] > y) != (c[1] > y) {
					xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
				}
			}
		}
		slices.Sort(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			if w := xs[i+1] - xs[i]; w > widest {
				widest, at = w, orb.Point{(xs[i] + xs[i+1]) / 2, y}
			}
		}
	}
	return at, widest > 0
}

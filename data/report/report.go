// Package report turns a community's coverage into what people outside the
// command room read: GeoJSON layers and CSV tables for GIS and spreadsheet
// users (Report.WriteFiles) and a printable A4 PDF with maps, tables and
// camera placement suggestions (Report.WritePDF).
//
// Analyse reads a store once and computes everything a report shows;
// writing files or a PDF only reads the result. Coordinates in the output
// are longitude/latitude (EPSG:4326), areas square metres, shares
// percentages from 0 to 100. Output is deterministic: the same store and
// options give the same bytes (the PDF also needs the same date and font).
package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/geo/fire"
	"safetynet/geo/placement"
)

// Rule set names accepted by Options.Rules.
const (
	GB50140 = "gb50140"
	NFPA10  = "nfpa10"
)

// ErrBudget reports a budget given with a catalogue that has no prices.
var ErrBudget = errors.New("report: a budget needs camera prices: give a catalogue with a price for every model")

// Options choose what Analyse computes. The zero value gives the defaults.
type Options struct {
	// Rules is the fire rule set: GB50140 (the default) or NFPA10.
	Rules string
	// Cell is the side of a raster cell, metres; 0: 0.5, or larger when
	// the community's extent needs it (Report.CellNote says so).
	Cell float64
	// Suggest is how many cameras to suggest adding (geo/placement); 0
	// suggests none.
	Suggest int
	// Catalogue is the camera models placement chooses from; default
	// placement.Catalogue(), which has no prices.
	Catalogue []placement.Model
	// Budget, when positive, keeps the suggestions, best first, while
	// their summed cost fits in it. Every model must then have a price.
	Budget float64
}

// Report is the coverage of one community, ready to be written. It is a
// plain value: safe for concurrent reads, not for changes.
type Report struct {
	// Title is the community's name: the name of its residential area
	// (Chinese and English where both are known), else of the store file.
	Title string
	// TitleEn is the English name alone, when known.
	TitleEn string
	// Source is the store's file name.
	Source string
	// Extent is the bounding box of the community's features, lon/lat.
	Extent orb.Bound
	// Rules is the name of the fire rule set used, such as "GB 50140-2005".
	Rules string
	// Cell is the raster cell side used, metres.
	Cell float64
	// CellNote says why Cell was chosen larger than 0.5 m; "" otherwise.
	CellNote string
	// Levels are the image-detail levels, lowest first.
	Levels []Level

	Scene *scene.Scene
	Model *coverage.Model

	// Cameras counts the cameras: in the store, counted, skipped,
	// estimated and offline.
	Cameras CameraCount
	// Areas are the key areas with their coverage, in store order.
	Areas []Area
	// Violations are the breaches of the fire rules.
	Violations []Violation
	// Problems are the features with bad input: listed, and left out
	// when Skipped.
	Problems []Problem
	// Gap is the area nothing reaches, square metres.
	Gap float64
	// Suggestions are the cameras placement suggests adding, best first.
	Suggestions []Suggestion
	// Before and After are the shares (0-100) of all key-area ground
	// covered at the required level, without and with every suggestion.
	Before, After float64
	// Budget is Options.Budget.
	Budget float64

	base  basemap
	empty bool              // no features to cover
	names map[string]string // layer + "\x00" + scene id -> name (Chinese where known)
}

// Level is one image-detail level with the pixel density it needs.
type Level struct {
	Name string
	PPM  float64
}

// CameraCount counts a store's cameras.
type CameraCount struct {
	Total, Counted, Skipped, Estimated, Offline int
	// Planned counts the cameras with status planned: not mounted yet,
	// so, like Offline ones (which include them), they add no coverage.
	Planned int
}

// Area is one key area: its names and kind from the store and its
// coverage from the model (shares 0 to 1, as coverage.AreaCoverage).
type Area struct {
	coverage.AreaCoverage
	NameZh, NameEn, Kind string
	// Size is the area of its outline, square metres (Ground, its open
	// ground outside buildings, is what the shares are of).
	Size float64
	// Outline is the area in lon/lat.
	Outline orb.Polygon
}

// Violation is a breach of the fire rules with its place in lon/lat.
type Violation struct {
	coverage.Violation
	Where orb.Point
}

// Problem is a feature with bad input, with its name where it has one.
type Problem struct {
	coverage.Problem
	Name string
}

// Suggestion is a camera placement.Suggest proposes, in lon/lat.
type Suggestion struct {
	placement.Suggestion
	// Where is the mount, lon/lat.
	Where orb.Point
	// View is what the camera would see and Zones its image-detail zones
	// (lowest level first), lon/lat.
	View  orb.Polygon
	Zones []coverage.Zone
}

// basemap is what the maps draw under the coverage, lon/lat.
type basemap struct {
	buildings []orb.MultiPolygon
	roads     []store.Road
	land      []store.Land
	water     []orb.MultiPolygon
	walls     []orb.LineString // walls, fences and hedges
}

// Analyse reads s and computes the coverage of its community with the
// options. It returns an error for options it cannot use and for a store
// it cannot read; features with bad input are listed in Problems.
func Analyse(ctx context.Context, s *store.Store, opt Options) (*Report, error) {
	rules := fire.GB50140
	switch strings.ToLower(strings.TrimSpace(opt.Rules)) {
	case "", GB50140:
	case NFPA10:
		rules = fire.NFPA10
	default:
		return nil, fmt.Errorf("report: rule set %q: use %s or %s", opt.Rules, GB50140, NFPA10)
	}
	if opt.Suggest < 0 {
		return nil, fmt.Errorf("report: %d suggestions asked for: use 0 or more", opt.Suggest)
	}
	if opt.Budget < 0 || math.IsNaN(opt.Budget) {
		return nil, fmt.Errorf("report: budget %v: use a positive amount", opt.Budget)
	}
	if opt.Budget > 0 {
		cat := opt.Catalogue
		if cat == nil {
			cat = placement.Catalogue()
		}
		for _, m := range cat {
			if !(m.Price > 0) {
				return nil, fmt.Errorf("%w (model %q has none)", ErrBudget, m.Name)
			}
		}
	}

	sc, err := scene.Load(ctx, s)
	if err != nil {
		return nil, err
	}
	m, err := sc.Model(coverage.Options{Cell: opt.Cell, Fire: &rules})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r := &Report{Source: filepath.Base(s.Path()), Rules: rules.Name, Cell: m.Grid().Cell, CellNote: m.CellNote(), Scene: sc, Model: m, Budget: opt.Budget}
	for _, l := range m.Levels() {
		r.Levels = append(r.Levels, Level{Name: l.Name, PPM: l.PPM})
	}
	all := store.World
	names := map[string]store.Names{} // "layer\x00id" -> names

	// Cameras whose heading, tilt or field of view the store does not hold
	// are given estimates by the scene, listed among its problems.
	cams, err := s.Cameras(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for _, c := range cams {
		if c.Status == store.CameraPlanned {
			r.Cameras.Planned++
		}
		id, inScene := sc.ID(store.Cameras, c.FID)
		if !inScene {
			continue // left out of the community: not in the model either
		}
		names[store.Cameras+"\x00"+id] = c.Names
	}
	eqs, err := s.FireEquipment(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for _, e := range eqs {
		if id, ok := sc.ID(store.FireEquipment, e.FID); ok {
			names[store.FireEquipment+"\x00"+id] = e.Names
		}
	}
	kas, err := s.KeyAreas(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	prs, err := s.PatrolRoutes(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for _, p := range prs {
		names[store.PatrolRoutes+"\x00"+scene.FeatureID(store.PatrolRoutes, p.Code, "", p.FID)] = p.Names
	}
	if err := r.readBase(ctx, s, names); err != nil {
		return nil, err
	}

	// Cameras.
	r.Cameras.Total = len(cams)
	for _, c := range sc.Scene.Cameras {
		if c.Estimated {
			r.Cameras.Estimated++
		}
		if c.Offline {
			r.Cameras.Offline++
		}
	}
	r.Cameras.Counted = len(m.CameraIDs())

	// Key areas: the scene holds them in store order, one each.
	byID := map[string]store.KeyArea{}
	if len(kas) == len(sc.Scene.KeyAreas) {
		for i, k := range sc.Scene.KeyAreas {
			byID[k.ID] = kas[i]
		}
	}
	geoms := map[string]orb.Polygon{}
	for _, k := range sc.Scene.KeyAreas {
		geoms[k.ID] = k.Area
	}
	for _, a := range m.KeyAreas() {
		k := byID[a.ID]
		names[store.KeyAreas+"\x00"+a.ID] = k.Names
		out := Area{AreaCoverage: a, NameZh: k.NameZh, NameEn: k.NameEn, Kind: k.Kind, Size: planar.Area(geoms[a.ID])}
		if out.NameZh == "" && out.NameEn == "" {
			out.NameEn = k.Name
		}
		if p, ok := sc.ToLonLat(geoms[a.ID]).(orb.Polygon); ok {
			out.Outline = p
		}
		r.Areas = append(r.Areas, out)
	}

	for _, v := range m.Violations() {
		r.Violations = append(r.Violations, Violation{Violation: v, Where: sc.Plane.ToLonLat(v.At)})
	}
	layerOf := map[string]string{"camera": store.Cameras, "equipment": store.FireEquipment, "key area": store.KeyAreas}
	for _, p := range append(append([]coverage.Problem(nil), sc.Problems...), m.Problems()...) {
		out := Problem{Problem: p}
		if l, ok := layerOf[p.Kind]; ok {
			out.Name = names[l+"\x00"+p.ID].Label("zh")
		}
		r.Problems = append(r.Problems, out)
	}
	for _, p := range r.Problems {
		if p.Kind == "camera" && p.Skipped {
			r.Cameras.Skipped++
		}
	}
	r.names = map[string]string{}
	for k, n := range names {
		r.names[k] = n.Label("zh")
	}
	var found bool
	r.Extent, found = extentOf(r)
	if found {
		// Without features the model's gap layer is only its padding.
		r.Gap = m.GapArea()
	}
	r.empty = !found
	r.Title, r.TitleEn = title(r.base.land, kas, s.Path(), r.Extent.Center())

	if opt.Suggest > 0 {
		if err := r.suggest(opt); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// suggest fills in Suggestions, Before and After.
func (r *Report) suggest(opt Options) error {
	r.Before = coveredShare(r.Model.KeyAreas())
	r.After = r.Before
	ss, err := placement.Suggest(r.Model, placement.Options{N: opt.Suggest, Catalogue: opt.Catalogue, PerCost: opt.Budget > 0})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	spent := 0.0
	var added []string
	defer func() {
		for _, id := range added {
			r.Model.RemoveCamera(id)
		}
	}()
	for _, s := range ss {
		if opt.Budget > 0 && spent+s.Cost > opt.Budget {
			break
		}
		spent += s.Cost
		if _, err := r.Model.SetCamera(s.Camera); err != nil {
			return fmt.Errorf("report: suggestion %s: %w", s.Camera.ID, err)
		}
		added = append(added, s.Camera.ID)
		out := Suggestion{Suggestion: s, Where: r.Scene.Plane.ToLonLat(s.Mount.At)}
		if v, ok := r.Model.View(s.Camera.ID); ok && len(v) > 0 {
			out.View, _ = r.Scene.ToLonLat(v).(orb.Polygon)
		}
		zs, _ := r.Model.Zones(s.Camera.ID)
		for _, z := range zs {
			z.Area, _ = r.Scene.ToLonLat(z.Area).(orb.MultiPolygon)
			out.Zones = append(out.Zones, z)
		}
		r.Suggestions = append(r.Suggestions, out)
	}
	r.After = coveredShare(r.Model.KeyAreas())
	return nil
}

// coveredShare returns the share (0-100) of all key-area ground covered
// at the required level.
func coveredShare(as []coverage.AreaCoverage) float64 {
	var all, seen float64
	for _, a := range as {
		all += a.Ground
		seen += a.Ground * a.Camera
	}
	if all == 0 {
		return 0
	}
	return 100 * seen / all
}

// readBase reads the layers the maps draw.
func (r *Report) readBase(ctx context.Context, s *store.Store, names map[string]store.Names) error {
	all := store.World
	bs, err := s.Buildings(ctx, all)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, b := range bs {
		r.base.buildings = append(r.base.buildings, b.Geom)
		names[store.Buildings+"\x00"+scene.FeatureID(store.Buildings, "", b.OSMID, b.FID)] = b.Names
	}
	if r.base.roads, err = s.Roads(ctx, all); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if r.base.land, err = s.Landuse(ctx, all); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	ws, err := s.Water(ctx, all)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, w := range ws {
		r.base.water = append(r.base.water, w.Geom)
	}
	brs, err := s.Barriers(ctx, all)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, b := range brs {
		r.base.walls = append(r.base.walls, b.Geom)
	}
	return nil
}

// title names the community: the named residential area that holds the
// most key areas (the largest of those that do), or without key areas
// the largest that holds centre, else the store's file name. It returns
// the name for the title and the English name alone ("" when unknown).
func title(land []store.Land, kas []store.KeyArea, path string, centre orb.Point) (string, string) {
	best, bestKeys, bestArea := -1, 0, 0.0
	for i, l := range land {
		if l.Class != "residential" || l.Label("en") == "" {
			continue
		}
		keys := 0
		for _, k := range kas {
			if len(k.Geom) > 0 && len(k.Geom[0]) > 0 && multiContains(l.Geom, k.Geom[0][0]) {
				keys++
			}
		}
		if keys == 0 && (len(kas) > 0 || !multiContains(l.Geom, centre)) {
			continue
		}
		a := 0.0
		for _, p := range l.Geom {
			a += planar.Area(p)
		}
		if keys > bestKeys || keys == bestKeys && a > bestArea {
			best, bestKeys, bestArea = i, keys, a
		}
	}
	if best < 0 {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		return name, name
	}
	n := land[best].Names
	zh, en := n.NameZh, n.NameEn
	switch {
	case zh != "" && en != "" && zh != en:
		return zh + " " + en, en
	case zh != "":
		return zh, ""
	case en != "":
		return en, en
	}
	return n.Name, ""
}

func multiContains(mp orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range mp {
		if len(poly) > 0 && ringContains(poly[0], p) {
			inHole := false
			for _, h := range poly[1:] {
				if ringContains(h, p) {
					inHole = true
				}
			}
			if !inHole {
				return true
			}
		}
	}
	return false
}

func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// extentOf is the bounding box, lon/lat, of what the coverage covers:
// buildings, cameras, key areas and fire equipment, as the scene; false
// when there is none.
func extentOf(r *Report) (orb.Bound, bool) {
	var b orb.Bound
	first := true
	add := func(g orb.Geometry) {
		if g == nil {
			return
		}
		gb := g.Bound()
		if math.IsNaN(gb.Min[0]) || math.IsNaN(gb.Min[1]) || math.IsNaN(gb.Max[0]) || math.IsNaN(gb.Max[1]) {
			return
		}
		if first {
			b, first = gb, false
		} else {
			b = b.Union(gb)
		}
	}
	sc := r.Scene.Scene
	for _, x := range sc.Buildings {
		add(r.Scene.ToLonLat(x.Footprint))
	}
	for _, x := range sc.Cameras {
		add(r.Scene.Plane.ToLonLat(x.At))
	}
	for _, x := range sc.KeyAreas {
		add(r.Scene.ToLonLat(x.Area))
	}
	for _, x := range sc.Equipment {
		add(r.Scene.Plane.ToLonLat(x.At))
	}
	for _, x := range sc.Site {
		add(r.Scene.ToLonLat(x))
	}
	return b, !first
}

package drill

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// Community is what a run needs of the community's store: where each
// coded feature is (RunOptions.Place), where the micro fire station is
// (the simulated units' base) and the paths on foot around the buildings
// and barriers (ResponderOptions.Path).
type Community struct {
	Place func(code string) (orb.Geometry, bool)
	Base  orb.Point
	Path  func(from, to orb.Point) []orb.Point
}

// ReadCommunity reads a Community from s: the coded features of every
// layer Places knows, the first facility of kind fire_station as the base
// (else the middle of the community), and the buildings and barriers for
// FootPaths. An empty store gives a Community whose Place finds nothing
// and whose Path is nil (units go straight).
func ReadCommunity(ctx context.Context, s *store.Store) (Community, error) {
	none := Community{Place: func(string) (orb.Geometry, bool) { return nil, false }}
	b, ok, err := s.Extent(ctx)
	if err != nil {
		return none, fmt.Errorf("drill: read the community: %w", err)
	}
	if !ok {
		return none, nil
	}
	b = b.Pad(0.001)
	var fs []store.Feature
	add := func(err error, xs ...store.Feature) error {
		fs = append(fs, xs...)
		return err
	}
	cams, err := s.Cameras(ctx, b)
	err = add(err, features(cams)...)
	if err == nil {
		kas, e := s.KeyAreas(ctx, b)
		err = add(e, features(kas)...)
	}
	if err == nil {
		eq, e := s.FireEquipment(ctx, b)
		err = add(e, features(eq)...)
	}
	if err == nil {
		aps, e := s.AccessPoints(ctx, b)
		err = add(e, features(aps)...)
	}
	if err == nil {
		cps, e := s.Checkpoints(ctx, b)
		err = add(e, features(cps)...)
	}
	if err == nil {
		hz, e := s.Hazards(ctx, b)
		err = add(e, features(hz)...)
	}
	if err == nil {
		prs, e := s.PatrolRoutes(ctx, b)
		err = add(e, features(prs)...)
	}
	if err != nil {
		return none, fmt.Errorf("drill: read the community: %w", err)
	}
	c := Community{Place: Places(fs), Base: b.Center()}
	fac, err := s.Facilities(ctx, b)
	if err != nil {
		return none, fmt.Errorf("drill: read the community: facilities: %w", err)
	}
	for _, f := range fac {
		if f.Kind == "fire_station" {
			c.Base = f.Geom
			break
		}
	}
	bs, err := s.Buildings(ctx, b)
	if err != nil {
		return none, fmt.Errorf("drill: read the community: buildings: %w", err)
	}
	bars, err := s.Barriers(ctx, b)
	if err != nil {
		return none, fmt.Errorf("drill: read the community: barriers: %w", err)
	}
	obstacles := append(features(bs), features(bars)...)
	feet, walls := Obstacles(obstacles)
	c.Path = FootPaths(feet, walls, 5000)
	return c, nil
}

// features returns xs as store.Features.
func features[T store.Feature](xs []T) []store.Feature {
	out := make([]store.Feature, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// StationUnits returns n simulated units of the micro fire station,
// standing at c.Base, titled and teamed in language ("zh" or "en").
func (c Community) StationUnits(n int, language string) []Unit {
	var units []Unit
	for i := 1; i <= n; i++ {
		title, team := fmt.Sprintf("微型消防站%d组", i), "微型消防站"
		if language == "en" {
			title, team = fmt.Sprintf("Micro fire station team %d", i), "micro fire station"
		}
		units = append(units, Unit{Subject: fmt.Sprintf("drill-unit:%d", i), Title: title, Team: team, At: c.Base})
	}
	return units
}

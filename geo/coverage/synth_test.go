package coverage

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"safetynet/geo/dori"
	"safetynet/geo/fire"
)

// synthetic returns a made-up town of 1 km x 1 km: buildings footprints
// (rectangles of 8 to 16 m, some turned) on a grid of 22 m plots, cameras
// at random on open ground, key areas, patrol routes along the streets
// and fire equipment. It is the same for the same arguments. Camera
// mounts lie on cell centres of a 0.5 m raster.
func synthetic(buildings, cameras int, seed uint64) Scene {
	rng := rand.New(rand.NewPCG(seed, 0x5afe))
	var s Scene
	const size, plots = 1000.0, 45
	plot := size / plots
	free := make([]int, plots*plots)
	for i := range free {
		free[i] = i
	}
	rng.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	for _, k := range free[:min(buildings, len(free))] {
		cx := (float64(k%plots)+0.5)*plot + (rng.Float64()-0.5)*3
		cy := (float64(k/plots)+0.5)*plot + (rng.Float64()-0.5)*3
		w, d := 8+rng.Float64()*8, 8+rng.Float64()*8
		a := 0.0
		if rng.IntN(3) == 0 {
			a = (rng.Float64() - 0.5) * math.Pi / 6
		}
		sin, cos := math.Sincos(a)
		var r orb.Ring
		for _, c := range [][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}} {
			x, y := c[0]*w/2, c[1]*d/2
			r = append(r, orb.Point{cx + x*cos - y*sin, cy + x*sin + y*cos})
		}
		s.Buildings = append(s.Buildings, Building{ID: fmt.Sprintf("B%04d", len(s.Buildings)), Footprint: orb.Polygon{r}})
	}
	lenses := []struct {
		f  float64
		px int
	}{{2.8, 1920}, {4, 2560}, {6, 2560}, {12, 3840}}
	blocked := func(p orb.Point, clear float64) bool {
		for _, b := range s.Buildings {
			if b.Footprint.Bound().Pad(clear).Contains(p) {
				return true
			}
		}
		return false
	}
	for len(s.Cameras) < cameras {
		p := orb.Point{math.Floor(rng.Float64()*size*2)/2 + 0.25, math.Floor(rng.Float64()*size*2)/2 + 0.25}
		if blocked(p, 1) {
			continue
		}
		l := lenses[rng.IntN(len(lenses))]
		hfov := dori.HFOV(5.6, l.f)
		s.Cameras = append(s.Cameras, Camera{
			ID: fmt.Sprintf("C%03d", len(s.Cameras)), At: p, Height: 3 + float64(rng.IntN(4)),
			Heading: float64(rng.IntN(360)), Tilt: 10 + float64(rng.IntN(10)), HFOV: hfov,
			ResolutionH: l.px, ResolutionV: l.px * 9 / 16, Range: 20 + float64(rng.IntN(41)),
		})
	}
	levels := []string{"detect", "observe", "recognise", "identify"}
	for i := 0; i < 50; i++ {
		x, y := rng.Float64()*(size-30), rng.Float64()*(size-30)
		w, d := 10+rng.Float64()*20, 10+rng.Float64()*20
		s.KeyAreas = append(s.KeyAreas, KeyArea{
			ID: fmt.Sprintf("K%02d", i), Code: fmt.Sprintf("K%02d", i), Level: levels[i%len(levels)], Fire: i%3 == 0,
			Area: orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + d}, {x, y + d}, {x, y}}},
		})
	}
	for i := 0; i < 4; i++ {
		// A loop along the streets between plots.
		a, b := plot*float64(2+i*10), plot*float64(12+i*10)
		s.Patrols = append(s.Patrols, Patrol{ID: fmt.Sprintf("P%d", i), RoundsPerDay: float64(3 * (i + 1)),
			Line: orb.LineString{{a, a}, {b, a}, {b, b}, {a, b}, {a, a}}})
	}
	for i := 0; i <= plots; i += 5 {
		y := float64(i) * plot
		s.Roads = append(s.Roads, Road{ID: fmt.Sprintf("R%02d", i), Line: orb.LineString{{0, y}, {size, y}}, Vehicle: true})
	}
	for len(s.Equipment) < 100 {
		p := orb.Point{rng.Float64() * size, rng.Float64() * size}
		if blocked(p, 0.5) {
			continue
		}
		kind, rating := fire.Handheld, "ABC"
		if len(s.Equipment)%4 == 0 {
			kind, rating = fire.Hydrant, ""
			p[1] = math.Round(p[1]/(5*plot)) * 5 * plot
			if blocked(p, 0.5) {
				continue
			}
		}
		s.Equipment = append(s.Equipment, Equipment{ID: fmt.Sprintf("E%03d", len(s.Equipment)), At: p, Kind: kind, Rating: rating})
	}
	return s
}

// camerasOnly returns s with its cameras, buildings and key areas only.
func camerasOnly(s Scene) Scene {
	return Scene{Buildings: s.Buildings, Cameras: s.Cameras, KeyAreas: s.KeyAreas}
}

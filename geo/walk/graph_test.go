package walk

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/geo/visibility"
)

// TestGraphMatchesDistance: on the cases of TestDistance and on random
// blocks with walls, the graph's walks are Distance's.
func TestGraphMatchesDistance(t *testing.T) {
	h := math.Sqrt(45)
	u := orb.Polygon{{{-5, -5}, {5, -5}, {5, 5}, {3, 5}, {3, -3}, {-3, -3}, {-3, 5}, {-5, 5}, {-5, -5}}}
	tests := []struct {
		name  string
		foot  []orb.Polygon
		walls []orb.LineString
		a, b  orb.Point
		limit float64
		want  float64
	}{
		{"open ground", nil, nil, orb.Point{0, 0}, orb.Point{3, 4}, 100, 5},
		{"around a block", []orb.Polygon{rect(6, -h, 14, h)}, nil, orb.Point{0, 0}, orb.Point{20, 0}, 100, 26},
		{"around the end of a wall", nil, []orb.LineString{{{5, -3}, {5, 3}}}, orb.Point{0, 0}, orb.Point{10, 0}, 100, 2 * math.Sqrt(34)},
		{"around a bent wall", nil, []orb.LineString{{{5, -10}, {5, 3}, {8, 3}}}, orb.Point{0, 0}, orb.Point{10, 0}, 100, math.Sqrt(34) + 3 + math.Sqrt(13)},
		{"out of a U", []orb.Polygon{u}, nil, orb.Point{0, 0}, orb.Point{0, -7}, 100, math.Sqrt(34) + 2 + 10 + math.Sqrt(29)},
		{"inside a closed room", nil, []orb.LineString{{{-2, -2}, {2, -2}, {2, 2}, {-2, 2}, {-2, -2}}}, orb.Point{5, 0}, orb.Point{0, 0}, 100, math.Inf(1)},
		{"beyond the limit", []orb.Polygon{rect(6, -h, 14, h)}, nil, orb.Point{0, 0}, orb.Point{20, 0}, 25, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := NewGraph(New(visibility.New(tc.foot, tc.walls)), 2)
			ds, via := g.Distances([]Anchor{g.Anchor(tc.a, tc.limit)}, nil, []Anchor{g.Anchor(tc.b, 0)}, tc.limit, 0)
			if math.IsInf(tc.want, 1) {
				if !math.IsInf(ds[0], 1) || via[0] != -1 {
					t.Errorf("Distances = %v via %v, want +Inf via -1", ds[0], via[0])
				}
				return
			}
			if math.Abs(ds[0]-tc.want) > 0.01 || via[0] != 0 {
				t.Errorf("Distances = %.4f via %d, want %.4f via 0", ds[0], via[0], tc.want)
			}
		})
	}

	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		var foot []orb.Polygon
		for len(foot) < 20 {
			x, y := rng.Float64()*100, rng.Float64()*100
			r := rect(x, y, x+3+rng.Float64()*12, y+3+rng.Float64()*12)
			ok := true
			for _, f := range foot {
				ok = ok && !r.Bound().Pad(1).Intersects(f.Bound())
			}
			if ok {
				foot = append(foot, r)
			}
		}
		walls := []orb.LineString{{{-5, 50}, {40, 52}, {45, 70}}, {{60, -5}, {62, 40}}}
		obs := visibility.New(foot, walls)
		m := New(obs)
		g := NewGraph(m, 2)
		free := func() orb.Point {
			for {
				p := orb.Point{rng.Float64()*110 - 5, rng.Float64()*110 - 5}
				if _, _, _, _, near := obs.Nearest(p, 0.05); obs.Inside(p) < 0 && !near {
					return p
				}
			}
		}
		var srcs, dsts []Anchor
		var start []float64
		for k := 0; k < 3; k++ {
			srcs = append(srcs, g.Anchor(free(), 200))
			start = append(start, rng.Float64()*10)
		}
		for k := 0; k < 12; k++ {
			dsts = append(dsts, g.Anchor(free(), 0))
		}
		ds, via := g.Distances(srcs, start, dsts, 200, 0)
		for t2, d := range dsts {
			want, wk := math.Inf(1), -1
			for k, s := range srcs {
				if w := start[k] + m.Distance(s.At, d.At, 200); w < want && w <= 200 {
					want, wk = w, k
				}
			}
			if math.Abs(ds[t2]-want) > 1e-6 && !(math.IsInf(want, 1) && math.IsInf(ds[t2], 1)) {
				t.Errorf("seed %d: to %v: graph %.6f via %d, Distance %.6f via %d", seed, d.At, ds[t2], via[t2], want, wk)
			}
		}
		// Asked for the 4 nearest only, those four are exact.
		near, _ := g.Distances(srcs, start, dsts, 200, 4)
		exact := 0
		for i := range ds {
			if near[i] == ds[i] && !math.IsInf(ds[i], 1) {
				exact++
			}
			if near[i] < ds[i]-1e-9 {
				t.Errorf("seed %d: need 4 gives %.4f, shorter than the walk %.4f", seed, near[i], ds[i])
			}
		}
		if exact < 4 {
			t.Errorf("seed %d: %d exact walks with need 4", seed, exact)
		}
	}
}

func TestGraphBadInput(t *testing.T) {
	g := NewGraph(New(visibility.New([]orb.Polygon{rect(0, 0, 10, 10)}, nil)), 1)
	a := g.Anchor(orb.Point{-5, 5}, 100)
	for _, tc := range []struct {
		name string
		dst  Anchor
	}{
		{"not a number", g.Anchor(orb.Point{math.NaN(), 0}, 100)},
		{"inside the block", g.Anchor(orb.Point{5, 5}, 100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, via := g.Distances([]Anchor{a}, nil, []Anchor{tc.dst}, 100, 0)
			if !math.IsInf(ds[0], 1) || via[0] != -1 {
				t.Errorf("%v via %d, want +Inf via -1", ds[0], via[0])
			}
		})
	}
	if ds, _ := g.Distances(nil, nil, []Anchor{a}, 100, 0); !math.IsInf(ds[0], 1) {
		t.Errorf("no sources: %v", ds)
	}
	if ds, _ := g.Distances([]Anchor{a}, nil, nil, 100, 3); len(ds) != 0 {
		t.Errorf("no destinations: %v", ds)
	}
	if ds, _ := g.Distances([]Anchor{a}, nil, []Anchor{a}, math.NaN(), 0); !math.IsInf(ds[0], 1) {
		t.Errorf("limit NaN: %v", ds)
	}
}

// TestGraphConcurrent walks on one graph from several goroutines (run it
// with -race).
func TestGraphConcurrent(t *testing.T) {
	g := NewGraph(New(visibility.New([]orb.Polygon{rect(6, -5, 14, 5)}, nil)), 2)
	b := g.Anchor(orb.Point{20, 0}, 0)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				ds, _ := g.Distances([]Anchor{g.Anchor(orb.Point{0, 0}, 100)}, nil, []Anchor{b}, 100, 1)
				if want := 2 * math.Hypot(6, 5); math.Abs(ds[0]-want-8) > 0.01 {
					t.Errorf("%.3f, want %.3f", ds[0], want+8)
					return
				}
			}
		}()
	}
	wg.Wait()
}

package walk

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/geo/visibility"
)

func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func TestDistance(t *testing.T) {
	h := math.Sqrt(45) // corners (6, ±h) and (14, ±h): 9 + 8 + 9 = 26 m
	tests := []struct {
		name  string
		foot  []orb.Polygon
		walls []orb.LineString
		a, b  orb.Point
		limit float64
		want  float64
	}{
		{"open ground", nil, nil, orb.Point{0, 0}, orb.Point{3, 4}, 100, 5},
		{"20 m straight, 26 m around a block", []orb.Polygon{rect(6, -h, 14, h)}, nil, orb.Point{0, 0}, orb.Point{20, 0}, 100, 26},
		{"around the end of a wall", nil, []orb.LineString{{{5, -3}, {5, 3}}}, orb.Point{0, 0}, orb.Point{10, 0}, 100, 2 * math.Sqrt(34)},
		{"around a bent wall", nil, []orb.LineString{{{5, -10}, {5, 3}, {8, 3}}}, orb.Point{0, 0}, orb.Point{10, 0}, 100, math.Sqrt(34) + 3 + math.Sqrt(13)},
		// Out of a U-shaped courtyard open to the north and round to the
		// south: (0,0) (3,5) (5,5) (5,-5) (0,-7).
		{"out of a U", []orb.Polygon{{{{-5, -5}, {5, -5}, {5, 5}, {3, 5}, {3, -3}, {-3, -3}, {-3, 5}, {-5, 5}, {-5, -5}}}}, nil,
			orb.Point{0, 0}, orb.Point{0, -7}, 100, math.Sqrt(34) + 2 + 10 + math.Sqrt(29)},
		{"inside a closed room", nil, []orb.LineString{{{-2, -2}, {2, -2}, {2, 2}, {-2, 2}, {-2, -2}}}, orb.Point{5, 0}, orb.Point{0, 0}, 100, math.Inf(1)},
		{"beyond the limit", []orb.Polygon{rect(6, -h, 14, h)}, nil, orb.Point{0, 0}, orb.Point{20, 0}, 25, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New(visibility.New(tc.foot, tc.walls))
			got := m.Distance(tc.a, tc.b, tc.limit)
			if math.IsInf(tc.want, 1) {
				if !math.IsInf(got, 1) {
					t.Errorf("Distance = %v, want +Inf", got)
				}
				return
			}
			if math.Abs(got-tc.want) > 0.01 {
				t.Errorf("Distance = %.4f, want %.4f", got, tc.want)
			}
		})
	}
}

// TestDistanceBruteForce compares Distance with Dijkstra over the full
// visibility graph of the same corners, built by testing every pair
// against every edge, on random blocks.
func TestDistanceBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		var foot []orb.Polygon
		for len(foot) < 14 {
			x, y := rng.Float64()*80, rng.Float64()*80
			w, d := 3+rng.Float64()*12, 3+rng.Float64()*12
			r := rect(x, y, x+w, y+d)
			ok := true
			for _, f := range foot {
				if r.Bound().Pad(1).Intersects(f.Bound()) {
					ok = false
				}
			}
			if ok {
				foot = append(foot, r)
			}
		}
		obs := visibility.New(foot, nil)
		m := New(obs)
		free := func() orb.Point {
			for {
				p := orb.Point{rng.Float64() * 90, rng.Float64() * 90}
				if obs.Inside(p) < 0 {
					if _, _, _, d, ok := obs.Nearest(p, 0.05); !ok || d > 0.05 {
						return p
					}
				}
			}
		}
		for k := 0; k < 8; k++ {
			a, b := free(), free()
			want := brute(m, foot, a, b)
			got := m.Distance(a, b, 1000)
			if math.Abs(got-want) > 1e-6 {
				t.Errorf("seed %d: Distance(%v, %v) = %.6f, brute force %.6f", seed, a, b, got, want)
			}
		}
	}
}

func brute(m *Map, foot []orb.Polygon, a, b orb.Point) float64 {
	pts := []orb.Point{a, b}
	for _, n := range m.nodes {
		pts = append(pts, n.p)
	}
	clear := func(p, q orb.Point) bool {
		for _, f := range foot {
			r := f[0]
			for i := 0; i+1 < len(r); i++ {
				if properCross(p, q, r[i], r[i+1]) {
					return false
				}
			}
			mid := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
			if planar.PolygonContains(f, mid) {
				return false
			}
		}
		return true
	}
	d := make([]float64, len(pts))
	done := make([]bool, len(pts))
	for i := range d {
		d[i] = math.Inf(1)
	}
	d[0] = 0
	for {
		u := -1
		for i := range pts {
			if !done[i] && (u < 0 || d[i] < d[u]) {
				u = i
			}
		}
		if u < 0 || math.IsInf(d[u], 1) {
			break
		}
		done[u] = true
		for v := range pts {
			if !done[v] && clear(pts[u], pts[v]) {
				d[v] = math.Min(d[v], d[u]+dist(pts[u], pts[v]))
			}
		}
	}
	return d[1]
}

func properCross(p, q, r, s orb.Point) bool {
	o := func(a, b, c orb.Point) float64 { return cross(sub(b, a), sub(c, a)) }
	d1, d2, d3, d4 := o(p, q, r), o(p, q, s), o(r, s, p), o(r, s, q)
	return d1*d2 < 0 && d3*d4 < 0
}

func TestReachCoversExactly(t *testing.T) {
	// Every sampled point is inside some leg within the limit exactly when
	// its walking distance is at most the limit.
	h := math.Sqrt(45)
	m := New(visibility.New([]orb.Polygon{rect(6, -h, 14, h)}, []orb.LineString{{{-6, 3}, {-6, 12}}}))
	const limit = 24.0
	var legs []Leg
	m.Reach(orb.Point{0, 0}, limit, func(l Leg) bool { legs = append(legs, l); return true })
	if len(legs) < 3 {
		t.Fatalf("%d legs, want the source and at least two corners", len(legs))
	}
	for x := -25.0; x <= 25; x += 1.3 {
		for y := -25.0; y <= 25; y += 1.3 {
			p := orb.Point{x, y}
			best := math.Inf(1)
			for _, l := range legs {
				if l.View.Contains(p) {
					best = math.Min(best, l.Start+dist(l.From, p))
				}
			}
			want := m.Distance(orb.Point{0, 0}, p, 1000)
			if want <= limit-0.01 && math.Abs(best-want) > 1e-6 {
				t.Errorf("%v: legs give %.4f, Distance %.4f", p, best, want)
			}
			if want > limit+0.01 && best <= limit {
				t.Errorf("%v: legs reach it at %.4f, Distance %.4f", p, best, want)
			}
		}
	}
}

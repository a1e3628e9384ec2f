package visibility

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func TestViewArea(t *testing.T) {
	// Areas worked out by hand; arcs drawn to 0.1 mm.
	shadow := 0.5*100*2*math.Atan(0.5) - 2 // behind the 2 m x 2 m block, inside r = 10
	tests := []struct {
		name   string
		foot   []orb.Polygon
		walls  []orb.LineString
		origin orb.Point
		sector Sector
		r      float64
		want   float64
	}{
		{"open quarter circle", nil, nil, orb.Point{0, 0}, Sector{0, 90}, 10, math.Pi * 100 / 4},
		{"open full circle", nil, nil, orb.Point{3, 4}, All, 10, math.Pi * 100},
		{"wall closes the quarter: triangle 10 x 5", nil, []orb.LineString{{{-5, 5}, {5, 5}}}, orb.Point{0, 0}, Sector{0, 90}, 20, 25},
		{"sector across east (wraps at 0 rad)", nil, []orb.LineString{{{5, -5}, {5, 5}}}, orb.Point{0, 0}, Sector{90, 90}, 20, 25},
		{"block casts a shadow", []orb.Polygon{rect(2, -1, 4, 1)}, nil, orb.Point{0, 0}, All, 10, math.Pi*100 - shadow},
		{"room walls as lines", nil, []orb.LineString{{{-2, -1}, {2, -1}, {2, 2}, {-2, 2}, {-2, -1}}}, orb.Point{0, 0}, All, 50, 12},
		{"far obstacle beyond range", []orb.Polygon{rect(20, -1, 22, 1)}, nil, orb.Point{0, 0}, All, 10, math.Pi * 100},
		{"no width", nil, nil, orb.Point{0, 0}, Sector{0, 0}, 10, 0},
		{"no range", nil, nil, orb.Point{0, 0}, All, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := New(tc.foot, tc.walls)
			v := o.View(tc.origin, tc.sector, tc.r)
			got := 0.0
			if p := v.Polygon(1e-4); p != nil {
				got = planar.Area(p)
			}
			if math.Abs(got-tc.want) > 1e-3*math.Max(1, tc.want) {
				t.Errorf("area = %.4f, want %.4f", got, tc.want)
			}
		})
	}
}

func TestViewRoomInsideFootprint(t *testing.T) {
	// A viewpoint inside a courtyard (the hole of a footprint) sees the
	// courtyard: 4 x 3 = 12 m².
	o := New([]orb.Polygon{{rect(-3, -2, 3, 3)[0], rect(-2, -1, 2, 2)[0]}}, nil)
	got := planar.Area(o.View(orb.Point{0, 0}, All, 50).Polygon(1e-4))
	if math.Abs(got-12) > 1e-6 {
		t.Errorf("courtyard area = %v, want 12", got)
	}
}

func TestViewContains(t *testing.T) {
	x := []orb.LineString{{{-3, 4}, {3, 6}}, {{-3, 6}, {3, 4}}} // crossing at (0, 5)
	tests := []struct {
		name  string
		walls []orb.LineString
		foot  []orb.Polygon
		s     Sector
		p     orb.Point
		want  bool
	}{
		{"in front of the wall", []orb.LineString{{{-5, 5}, {5, 5}}}, nil, Sector{0, 90}, orb.Point{0, 4.9}, true},
		{"right behind the wall", []orb.LineString{{{-5, 5}, {5, 5}}}, nil, Sector{0, 90}, orb.Point{0, 5.01}, false},
		{"far behind the wall", []orb.LineString{{{-5, 5}, {5, 5}}}, nil, Sector{0, 90}, orb.Point{12, 14}, false},
		{"beside the sector", nil, nil, Sector{0, 90}, orb.Point{5, 0}, false},
		{"on the sector edge", nil, nil, Sector{0, 90}, orb.Point{3, 3}, true},
		{"beyond range", nil, nil, Sector{0, 90}, orb.Point{0, 10.01}, false},
		{"at range", nil, nil, Sector{0, 90}, orb.Point{0, 10}, true},
		{"behind the sector", nil, nil, Sector{0, 90}, orb.Point{0, -1}, false},
		{"crossing walls, left, below both", x, nil, Sector{0, 90}, orb.Point{-1, 4.5}, true},
		{"crossing walls, right, below both", x, nil, Sector{0, 90}, orb.Point{1, 4.5}, true},
		{"crossing walls, left, behind the near one", x, nil, Sector{0, 90}, orb.Point{-1, 4.8}, false},
		{"crossing walls, right, behind the near one", x, nil, Sector{0, 90}, orb.Point{1, 4.8}, false},
		{"crossing walls, straight ahead below the crossing", x, nil, Sector{0, 90}, orb.Point{0, 4.99}, true},
		{"past the end of a wall", []orb.LineString{{{-5, 5}, {1, 5}}}, nil, Sector{0, 90}, orb.Point{3, 8}, true},
		{"in the shadow of a block", nil, []orb.Polygon{rect(2, -1, 4, 1)}, All, orb.Point{6, 0.5}, false},
		{"beside the shadow of a block", nil, []orb.Polygon{rect(2, -1, 4, 1)}, All, orb.Point{6, 3.1}, true},
		{"inside the block", nil, []orb.Polygon{rect(2, -1, 4, 1)}, All, orb.Point{3, 0}, false},
		{"on the front face of the block", nil, []orb.Polygon{rect(2, -1, 4, 1)}, All, orb.Point{2, 0}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := New(tc.foot, tc.walls).View(orb.Point{0, 0}, tc.s, 10)
			if got := v.Contains(tc.p); got != tc.want {
				t.Errorf("Contains(%v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

// TestWallBlocks checks the rule behind everything else: no point behind
// an opaque edge is visible, sampled densely behind a wall.
func TestWallBlocks(t *testing.T) {
	o := New(nil, []orb.LineString{{{-4, 6}, {6, 6}}})
	v := o.View(orb.Point{0.3, 0.2}, Sector{10, 120}, 40)
	poly := v.Polygon(0.001)
	for x := -20.0; x <= 30; x += 0.25 {
		for y := 6.05; y <= 30; y += 0.25 {
			p := orb.Point{x, y}
			// Does the segment from the origin to p cross the wall?
			s := (6 - 0.2) / (y - 0.2)
			cx := 0.3 + s*(x-0.3)
			if cx < -4 || cx > 6 {
				continue
			}
			if v.Contains(p) {
				t.Fatalf("Contains(%v) behind the wall", p)
			}
			if planar.PolygonContains(poly, p) {
				t.Fatalf("polygon holds %v behind the wall", p)
			}
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name   string
		walls  []orb.LineString
		s      Sector
		r0, r1 float64
		pieces int
		area   float64
	}{
		{"full annulus", nil, All, 2, 5, 1, math.Pi * 21},
		{"full disc", nil, All, 0, 5, 1, math.Pi * 25},
		{"quarter annulus", nil, Sector{0, 90}, 2, 5, 1, math.Pi * 21 / 4},
		{"beyond range", nil, Sector{0, 90}, 12, 15, 0, 0},
		{"quarter annulus cut at range", nil, Sector{0, 90}, 5, 15, 1, math.Pi * 75 / 4},
		// The wall stops the left half of the sector 3 to 4.24 m out; only
		// a sliver of it (bearings -45° to -41.4°) reaches past 4 m.
		{"wall splits the zone", []orb.LineString{{{-5, 3}, {0, 3}}}, Sector{0, 90}, 4, 10, 2, math.Pi*84/8 + sliver(4, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := New(nil, tc.walls).View(orb.Point{0, 0}, tc.s, 10)
			mp := v.Clip(tc.r0, tc.r1, 1e-5)
			if len(mp) != tc.pieces {
				t.Fatalf("%d pieces, want %d", len(mp), tc.pieces)
			}
			got := planar.Area(mp)
			if math.Abs(got-tc.area) > 1e-3 {
				t.Errorf("area = %.5f, want %.5f", got, tc.area)
			}
			for _, p := range mp {
				if p[0].Orientation() != orb.CCW {
					t.Errorf("outer ring not counter-clockwise")
				}
			}
		})
	}
}

// sliver returns the area between the circle of radius r and the line
// y = h for bearings from -45° to where the line meets the circle.
func sliver(r, h float64) float64 {
	// Integrate ½ (t(θ)² − r²) dθ over θ from acos(h/r) to 45° off the
	// y axis, with t = h / cos θ: ½ (h² tan θ − r² θ).
	a, b := math.Acos(h/r), math.Pi/4
	f := func(th float64) float64 { return 0.5 * (h*h*math.Tan(th) - r*r*th) }
	return f(b) - f(a)
}

func TestReach(t *testing.T) {
	v := New(nil, []orb.LineString{{{-5, 5}, {5, 5}}}).View(orb.Point{0, 0}, Sector{0, 90}, 20)
	tests := []struct {
		name    string
		bearing float64
		want    float64
	}{
		{"north", 0, 5},
		{"north-east", 45, 5 * math.Sqrt2},
		{"east", 90, 0},
		{"just inside on the west", -44.9, 5 / math.Cos(44.9*rad)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := v.Reach(tc.bearing); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("Reach(%v) = %v, want %v", tc.bearing, got, tc.want)
			}
		})
	}
}

func TestObstaclesInsideNearest(t *testing.T) {
	o := New([]orb.Polygon{rect(0, 0, 10, 5), rect(20, 0, 30, 5)}, []orb.LineString{{{0, 20}, {10, 20}}})
	tests := []struct {
		name   string
		p      orb.Point
		inside int
		foot   int
		dist   float64
	}{
		{"in the first", orb.Point{5, 2}, 0, 0, 2},
		{"in the second", orb.Point{29, 4}, 1, 1, 1},
		{"outside near the first", orb.Point{5, -0.5}, -1, 0, 0.5},
		{"near the wall", orb.Point{5, 19}, -1, -1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := o.Inside(tc.p); got != tc.inside {
				t.Errorf("Inside = %d, want %d", got, tc.inside)
			}
			_, _, f, d, ok := o.Nearest(tc.p, 3)
			if !ok || f != tc.foot || math.Abs(d-tc.dist) > 1e-12 {
				t.Errorf("Nearest = %d, %v, %v; want %d, %v", f, d, ok, tc.foot, tc.dist)
			}
		})
	}
}

// TestViewMatchesRayTest compares Contains and the polygon with a plain
// test of the straight line to each point against every edge, on random
// blocks and walls (which may cross one another), for random sectors.
func TestViewMatchesRayTest(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		var foot []orb.Polygon
		for i := 0; i < 12; i++ {
			x, y := rng.Float64()*60-30, rng.Float64()*60-30
			foot = append(foot, rect(x, y, x+1+rng.Float64()*8, y+1+rng.Float64()*8))
		}
		var walls []orb.LineString
		for i := 0; i < 6; i++ {
			walls = append(walls, orb.LineString{{rng.Float64()*60 - 30, rng.Float64()*60 - 30}, {rng.Float64()*60 - 30, rng.Float64()*60 - 30}})
		}
		o := New(foot, walls)
		var origin orb.Point
		for {
			origin = orb.Point{rng.Float64()*40 - 20, rng.Float64()*40 - 20}
			if o.Inside(origin) < 0 {
				if _, _, _, d, ok := o.Nearest(origin, 0.01); !ok || d > 0.01 {
					break
				}
			}
		}
		s := Sector{Heading: rng.Float64() * 360, Width: 20 + rng.Float64()*340}
		if seed%3 == 0 {
			s = All
		}
		const r = 25.0
		v := o.View(origin, s, r)
		poly := v.Polygon(1e-4)
		for k := 0; k < 3000; k++ {
			p := orb.Point{origin[0] + rng.Float64()*60 - 30, origin[1] + rng.Float64()*60 - 30}
			want := rayClear(o, origin, p) && math.Hypot(p[0]-origin[0], p[1]-origin[1]) <= r && inSector(s, origin, p)
			if near(o, origin, p, s, r) {
				continue // within a millimetre of an edge: either answer
			}
			if got := v.Contains(p); got != want {
				t.Fatalf("seed %d: Contains(%v) = %v, ray test %v", seed, p, got, want)
			}
			if got := planar.PolygonContains(poly, p); got != want {
				t.Fatalf("seed %d: polygon holds %v: %v, ray test %v", seed, p, got, want)
			}
		}
	}
}

func rayClear(o *Obstacles, a, b orb.Point) bool {
	for _, s := range o.segs {
		if cross2(a, b, s.a, s.b) {
			return false
		}
	}
	return o.Inside(b) < 0
}

func cross2(p, q, r, s orb.Point) bool {
	f := func(a, b, c orb.Point) float64 { return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0]) }
	d1, d2, d3, d4 := f(p, q, r), f(p, q, s), f(r, s, p), f(r, s, q)
	return d1*d2 < 0 && d3*d4 < 0
}

func inSector(s Sector, o, p orb.Point) bool {
	if s.Width >= 360 {
		return true
	}
	b := math.Atan2(p[0]-o[0], p[1]-o[1]) * 180 / math.Pi
	d := math.Mod(b-s.Heading+720, 360)
	if d > 180 {
		d -= 360
	}
	return math.Abs(d) <= s.Width/2
}

// near reports whether p is within a millimetre of a boundary: an edge,
// the range circle, a sector edge or the shadow line of an edge's end.
func near(o *Obstacles, origin, p orb.Point, s Sector, r float64) bool {
	const eps = 1e-3
	if math.Abs(math.Hypot(p[0]-origin[0], p[1]-origin[1])-r) < eps {
		return true
	}
	d := math.Hypot(p[0]-origin[0], p[1]-origin[1])
	if s.Width < 360 {
		for _, e := range []float64{s.Heading - s.Width/2, s.Heading + s.Width/2} {
			a := (90 - e) * math.Pi / 180
			if planar.DistanceFromSegment(origin, orb.Point{origin[0] + 2*r*math.Cos(a), origin[1] + 2*r*math.Sin(a)}, p) < eps {
				return true
			}
		}
	}
	for _, sg := range o.segs {
		if planar.DistanceFromSegment(sg.a, sg.b, p) < eps {
			return true
		}
		for _, q := range []orb.Point{sg.a, sg.b} {
			// The shadow line from the origin through an end point.
			dq := math.Hypot(q[0]-origin[0], q[1]-origin[1])
			if dq < d {
				far := orb.Point{origin[0] + (q[0]-origin[0])/dq*2*r, origin[1] + (q[1]-origin[1])/dq*2*r}
				if planar.DistanceFromSegment(q, far, p) < eps {
					return true
				}
			}
		}
	}
	return false
}

package snap

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
)

var (
	square = orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	hole   = orb.Ring{{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}}
	line3  = orb.LineString{{0, 0}, {10, 0}, {20, 5}}
)

func TestNearest(t *testing.T) {
	mp := orb.MultiPolygon{{square}, {square, hole}}
	tests := []struct {
		name     string
		g        orb.Geometry
		p        orb.Point
		vertex   Path
		vd       float64
		edge     Path
		ep       orb.Point
		hasEdges bool
	}{
		{"point", orb.Point{3, 4}, orb.Point{0, 0}, Path{}, 5, Path{}, orb.Point{}, false},
		{"multipoint", orb.MultiPoint{{9, 9}, {1, 1}}, orb.Point{0, 0}, Path{Part: 1}, math.Sqrt2, Path{}, orb.Point{}, false},
		{"line", line3, orb.Point{15, 1}, Path{Index: 1}, math.Hypot(5, 1), Path{Index: 1}, project(orb.Point{10, 0}, orb.Point{20, 5}, orb.Point{15, 1}), true},
		{"multiline", orb.MultiLineString{line3, {{0, 20}, {10, 20}}}, orb.Point{5, 19}, Path{Part: 1}, math.Hypot(5, 1), Path{Part: 1}, orb.Point{5, 20}, true},
		{"ring closing vertex is the first", orb.Polygon{square}, orb.Point{-1, -1}, Path{}, math.Sqrt2, Path{Index: 0}, orb.Point{0, 0}, true},
		{"hole", orb.Polygon{square, hole}, orb.Point{5, 4.5}, Path{Ring: 1, Index: 0}, math.Hypot(1, 0.5), Path{Ring: 1, Index: 0}, orb.Point{5, 4}, true},
		{"multipolygon", mp, orb.Point{6.1, 6.2}, Path{Part: 1, Ring: 1, Index: 2}, math.Hypot(0.1, 0.2), Path{Part: 1, Ring: 1, Index: 1}, orb.Point{6, 6}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at, d, ok := NearestVertex(tc.g, tc.p)
			if !ok || at != tc.vertex || math.Abs(d-tc.vd) > 1e-12 {
				t.Errorf("NearestVertex = %+v %g %v, want %+v %g", at, d, ok, tc.vertex, tc.vd)
			}
			e, q, ed, ok := NearestEdge(tc.g, tc.p)
			if ok != tc.hasEdges {
				t.Fatalf("NearestEdge ok = %v", ok)
			}
			if ok && (e != tc.edge || dist(q, tc.ep) > 1e-12 || math.Abs(ed-dist(q, tc.p)) > 1e-12) {
				t.Errorf("NearestEdge = %+v %v %g, want %+v %v", e, q, ed, tc.edge, tc.ep)
			}
		})
	}
	if _, _, ok := NearestVertex(nil, orb.Point{}); ok {
		t.Error("nil geometry has a vertex")
	}
}

func TestVertexEdits(t *testing.T) {
	to := orb.Point{-1, -1}
	tests := []struct {
		name string
		got  func() (orb.Geometry, error)
		want orb.Geometry
		err  error
	}{
		{"move point", func() (orb.Geometry, error) { return MoveVertex(orb.Point{1, 1}, Path{}, to) }, to, nil},
		{"move multipoint", func() (orb.Geometry, error) { return MoveVertex(orb.MultiPoint{{1, 1}, {2, 2}}, Path{Part: 1}, to) }, orb.MultiPoint{{1, 1}, to}, nil},
		{"move line vertex", func() (orb.Geometry, error) { return MoveVertex(line3, Path{Index: 2}, to) }, orb.LineString{{0, 0}, {10, 0}, to}, nil},
		{"move ring first moves last", func() (orb.Geometry, error) { return MoveVertex(orb.Polygon{square}, Path{}, to) },
			orb.Polygon{{to, {10, 0}, {10, 10}, {0, 10}, to}}, nil},
		{"move ring last moves first", func() (orb.Geometry, error) { return MoveVertex(orb.Polygon{square}, Path{Index: 4}, to) },
			orb.Polygon{{to, {10, 0}, {10, 10}, {0, 10}, to}}, nil},
		{"move hole vertex of multipolygon", func() (orb.Geometry, error) {
			return MoveVertex(orb.MultiPolygon{{square, hole}}, Path{Ring: 1, Index: 1}, orb.Point{7, 3})
		}, orb.MultiPolygon{{square, {{4, 4}, {7, 3}, {6, 6}, {4, 6}, {4, 4}}}}, nil},
		{"move missing vertex", func() (orb.Geometry, error) { return MoveVertex(line3, Path{Index: 3}, to) }, nil, ErrNoVertex},
		{"move missing ring", func() (orb.Geometry, error) { return MoveVertex(orb.Polygon{square}, Path{Ring: 1}, to) }, nil, ErrNoVertex},
		{"insert in line", func() (orb.Geometry, error) { return InsertVertex(line3, Path{Index: 0}, orb.Point{5, 1}) },
			orb.LineString{{0, 0}, {5, 1}, {10, 0}, {20, 5}}, nil},
		{"insert extends line", func() (orb.Geometry, error) { return InsertVertex(line3, Path{Index: 2}, orb.Point{30, 5}) },
			orb.LineString{{0, 0}, {10, 0}, {20, 5}, {30, 5}}, nil},
		{"insert in ring's last edge", func() (orb.Geometry, error) {
			return InsertVertex(orb.Polygon{square}, Path{Index: 3}, orb.Point{0, 5})
		},
			orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 5}, {0, 0}}}, nil},
		{"insert after closing vertex", func() (orb.Geometry, error) { return InsertVertex(orb.Polygon{square}, Path{Index: 4}, to) }, nil, ErrNoVertex},
		{"insert in point", func() (orb.Geometry, error) { return InsertVertex(orb.Point{}, Path{}, to) }, nil, ErrGeometry},
		{"delete line vertex", func() (orb.Geometry, error) { return DeleteVertex(line3, Path{Index: 1}) }, orb.LineString{{0, 0}, {20, 5}}, nil},
		{"delete below 2 line points", func() (orb.Geometry, error) { return DeleteVertex(orb.LineString{{0, 0}, {1, 1}}, Path{}) }, nil, ErrTooFew},
		{"delete ring first", func() (orb.Geometry, error) { return DeleteVertex(orb.Polygon{square}, Path{}) },
			orb.Polygon{{{10, 0}, {10, 10}, {0, 10}, {10, 0}}}, nil},
		{"delete ring closing", func() (orb.Geometry, error) { return DeleteVertex(orb.Polygon{square}, Path{Index: 4}) },
			orb.Polygon{{{10, 0}, {10, 10}, {0, 10}, {10, 0}}}, nil},
		{"delete ring middle", func() (orb.Geometry, error) { return DeleteVertex(orb.MultiPolygon{{square}}, Path{Index: 2}) },
			orb.MultiPolygon{{{{0, 0}, {10, 0}, {0, 10}, {0, 0}}}}, nil},
		{"delete below 3 ring points", func() (orb.Geometry, error) {
			return DeleteVertex(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, Path{Index: 1})
		}, nil, ErrTooFew},
		{"delete point", func() (orb.Geometry, error) { return DeleteVertex(orb.Point{}, Path{}) }, nil, ErrTooFew},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := orb.Clone(orb.Polygon{square})
			got, err := tc.got()
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if !orb.Equal(orb.Polygon{square}, before) || !orb.Equal(line3, orb.LineString{{0, 0}, {10, 0}, {20, 5}}) {
				t.Error("the input was modified")
			}
		})
	}
}

func TestTranslate(t *testing.T) {
	for _, g := range []orb.Geometry{orb.Point{1, 2}, orb.MultiPoint{{1, 2}}, line3, orb.MultiLineString{line3}, orb.Polygon{square, hole}, orb.MultiPolygon{{square}}, orb.Collection{orb.Point{1, 1}, line3}} {
		got := Translate(g, 3, -2)
		back := Translate(got, -3, 2)
		if !orb.Equal(back, g) || orb.Equal(got, g) || got.GeoJSONType() != g.GeoJSONType() {
			t.Errorf("%s: %v, back %v", g.GeoJSONType(), got, back)
		}
		if got.Bound().Min[0] != g.Bound().Min[0]+3 || got.Bound().Max[1] != g.Bound().Max[1]-2 {
			t.Errorf("%s: bound %v from %v", g.GeoJSONType(), got.Bound(), g.Bound())
		}
	}
}

func TestSnapPrefersVertexAndNamesFeature(t *testing.T) {
	ix := NewIndex([]Target{
		{Layer: "roads", FID: 1, Geom: line3},
		{Layer: "buildings", FID: 2, Geom: orb.MultiPolygon{{Translate(square, 30, 0).(orb.Ring)}}},
		{Layer: "cameras", FID: 3, Geom: orb.Point{5, 30}},
	})
	tests := []struct {
		name  string
		p     orb.Point
		tol   float64
		ok    bool
		kind  Kind
		fid   int64
		at    Path
		point orb.Point
	}{
		{"edge when no vertex near", orb.Point{5, 1}, 2, true, Edge, 1, Path{Index: 0}, orb.Point{5, 0}},
		{"vertex beats a nearer edge", orb.Point{11.5, 0.5}, 2, true, Vertex, 1, Path{Index: 1}, orb.Point{10, 0}},
		{"ring closing vertex", orb.Point{29.5, -0.5}, 1, true, Vertex, 2, Path{}, orb.Point{30, 0}},
		{"ring last edge", orb.Point{29.5, 5}, 1, true, Edge, 2, Path{Index: 3}, orb.Point{30, 5}},
		{"point", orb.Point{5.5, 30.5}, 1, true, Vertex, 3, Path{}, orb.Point{5, 30}},
		{"nothing within tolerance", orb.Point{5, 15}, 2, false, None, 0, Path{}, orb.Point{}},
		{"zero tolerance on a vertex", orb.Point{10, 0}, 0, true, Vertex, 1, Path{Index: 1}, orb.Point{10, 0}},
		{"negative tolerance", orb.Point{10, 0}, -1, false, None, 0, Path{}, orb.Point{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := ix.Snap(tc.p, tc.tol)
			if ok != tc.ok || h.Kind != tc.kind || h.FID != tc.fid || h.Vertex != tc.at || dist(h.Point, tc.point) > 1e-9 {
				t.Fatalf("Snap = %+v %v", h, ok)
			}
			if ok && math.Abs(h.Dist-dist(h.Point, tc.p)) > 1e-12 {
				t.Errorf("Dist %g, distance %g", h.Dist, dist(h.Point, tc.p))
			}
		})
	}
	if _, ok := NewIndex(nil).Snap(orb.Point{}, 10); ok {
		t.Error("an empty index snaps")
	}
}

// randomTargets returns n small buildings, roads and points scattered over
// a 10,000 by 10,000 plane.
func randomTargets(r *rand.Rand, n int) []Target {
	ts := make([]Target, n)
	for i := range ts {
		x, y := r.Float64()*10000, r.Float64()*10000
		var g orb.Geometry
		switch i % 3 {
		case 0:
			w, h := 5+r.Float64()*30, 5+r.Float64()*30
			g = orb.MultiPolygon{{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}}
		case 1:
			l := orb.LineString{{x, y}}
			for k := 0; k < 6; k++ {
				x, y = x+r.Float64()*40-20, y+r.Float64()*40-20
				l = append(l, orb.Point{x, y})
			}
			g = l
		default:
			g = orb.Point{x, y}
		}
		ts[i] = Target{Layer: "l", FID: int64(i + 1), Geom: g}
	}
	return ts
}

// TestSnapMatchesBruteForce checks the index against every target tried.
func TestSnapMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	ts := randomTargets(r, 3000)
	ix := NewIndex(ts)
	for k := 0; k < 2000; k++ {
		p := orb.Point{r.Float64() * 10000, r.Float64() * 10000}
		tol := r.Float64() * 60
		got, ok := ix.Snap(p, tol)
		var want Hit
		wantOK := false
		bestV, bestE := math.Inf(1), math.Inf(1)
		var e Hit
		for _, tg := range ts {
			if at, d, ok := NearestVertex(tg.Geom, p); ok && d <= tol && d < bestV {
				bestV = d
				want = Hit{Kind: Vertex, FID: tg.FID, Vertex: at, Dist: d}
				wantOK = true
			}
			if at, q, d, ok := NearestEdge(tg.Geom, p); ok && d <= tol && d < bestE {
				bestE = d
				e = Hit{Point: q, Kind: Edge, FID: tg.FID, Vertex: at, Dist: d}
			}
		}
		if !wantOK && !math.IsInf(bestE, 1) {
			want, wantOK = e, true
		}
		if ok != wantOK || ok && (got.Kind != want.Kind || got.FID != want.FID || math.Abs(got.Dist-want.Dist) > 1e-9) {
			t.Fatalf("at %v tol %g: Snap = %+v %v, brute force %+v %v", p, tol, got, ok, want, wantOK)
		}
	}
}

func BenchmarkSnap(b *testing.B) {
	r := rand.New(rand.NewSource(2))
	ix := NewIndex(randomTargets(r, 20000))
	ps := make([]orb.Point, 1024)
	for i := range ps {
		ps[i] = orb.Point{r.Float64() * 10000, r.Float64() * 10000}
	}
	b.ResetTimer()
	hits := 0
	for i := 0; i < b.N; i++ {
		if _, ok := ix.Snap(ps[i%len(ps)], 10); ok {
			hits++
		}
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
}

func BenchmarkNewIndex(b *testing.B) {
	ts := randomTargets(rand.New(rand.NewSource(3)), 20000)
	for i := 0; i < b.N; i++ {
		NewIndex(ts)
	}
}

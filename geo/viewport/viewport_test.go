package viewport

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// inWorld reports whether screen point p of v shows the map, not the void
// beyond its edges.
func inWorld(v Viewport, p orb.Point) bool {
	m := v.ToMercator(p)
	return m[0] > 0 && m[0] < 1 && m[1] > 0 && m[1] < 1
}

func TestToScreen(t *testing.T) {
	tests := []struct {
		name string
		v    Viewport
		ll   orb.Point
		want orb.Point
	}{
		{"centre of the world", New(orb.Point{0, 0}, 0, 256, 256), orb.Point{0, 0}, orb.Point{128, 128}},
		{"north-west corner", New(orb.Point{0, 0}, 0, 256, 256), orb.Point{-180, MaxLatitude}, orb.Point{0, 0}},
		{"south-east corner", New(orb.Point{0, 0}, 0, 256, 256), orb.Point{180, -MaxLatitude}, orb.Point{256, 256}},
		{"zoom 1 doubles", New(orb.Point{0, 0}, 1, 100, 100), orb.Point{90, 0}, orb.Point{50 + 128, 50}},
		{"centre maps to the middle", New(orb.Point{121.6, 31.2}, 17.3, 1280, 800), orb.Point{121.6, 31.2}, orb.Point{640, 400}},
		{"latitude beyond the limit is clamped", New(orb.Point{0, 0}, 0, 256, 256), orb.Point{0, 89.9}, orb.Point{128, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.v.ToScreen(tt.ll)
			if !near(got[0], tt.want[0], 1e-6) || !near(got[1], tt.want[1], 1e-6) {
				t.Errorf("ToScreen(%v) = %v, want %v", tt.ll, got, tt.want)
			}
		})
	}
}

func TestMetresPerPixel(t *testing.T) {
	tests := []struct {
		name string
		v    Viewport
		want float64
	}{
		{"equator zoom 0", New(orb.Point{0, 0}, 0, 256, 256), 156543.03392804097},
		{"equator zoom 17", New(orb.Point{0, 0}, 17, 256, 256), 1.1943285668550503},
		{"60 degrees halves it", New(orb.Point{0, 60}, 1, 256, 256), 156543.03392804097 / 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.MetresPerPixel(); !near(got, tt.want, tt.want*1e-9) {
				t.Errorf("MetresPerPixel() = %v, want %v", got, tt.want)
			}
		})
	}
}

// randomView returns a view somewhere between 70°S and 70°N.
func randomView(r *rand.Rand) Viewport {
	return New(orb.Point{r.Float64()*340 - 170, r.Float64()*140 - 70}, r.Float64()*20+1,
		float64(100+r.IntN(1800)), float64(100+r.IntN(1200)))
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		v := randomView(r)
		px := orb.Point{r.Float64() * v.Width, r.Float64() * v.Height}
		if !inWorld(v, px) {
			continue
		}
		ll := v.ToLonLat(px)
		back := v.ToScreen(ll)
		if !near(back[0], px[0], 1e-6) || !near(back[1], px[1], 1e-6) {
			t.Fatalf("case %d: %v -> %v -> %v in %+v", i, px, ll, back, v)
		}
		// And from longitude/latitude, within the view.
		ll2 := orb.Point{v.Center[0] + (r.Float64()-0.5)*1e-3, v.Center[1] + (r.Float64()-0.5)*1e-3}
		ll3 := v.ToLonLat(v.ToScreen(ll2))
		if !near(ll2[0], ll3[0], 1e-9) || !near(ll2[1], ll3[1], 1e-9) {
			t.Fatalf("case %d: %v -> %v", i, ll2, ll3)
		}
	}
}

func TestProjectRoundTrip(t *testing.T) {
	for lat := -85.0; lat <= 85; lat += 0.5 {
		for lon := -180.0; lon <= 180; lon += 7.5 {
			got := Unproject(Project(orb.Point{lon, lat}))
			if !near(got[0], lon, 1e-9) || !near(got[1], lat, 1e-9) {
				t.Fatalf("%v,%v -> %v", lon, lat, got)
			}
		}
	}
}

func TestZoomAtKeepsCursorPoint(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		v := randomView(r)
		p := orb.Point{r.Float64() * v.Width, r.Float64() * v.Height}
		if !inWorld(v, p) {
			continue
		}
		before := v.ToLonLat(p)
		delta := r.Float64()*4 - 2
		if v.Zoom+delta < MinZoom+1 || v.Zoom+delta > MaxZoom {
			continue // clamped zooms move the point by design only at the limits
		}
		z := v.ZoomAt(p, delta)
		if math.Abs(z.Center[0]) == 180 || math.Abs(z.Center[1]) == MaxLatitude {
			continue // the centre reached the edge of the world and stopped
		}
		if !near(z.Zoom, v.Zoom+delta, 1e-12) {
			t.Fatalf("case %d: zoom %v + %v = %v", i, v.Zoom, delta, z.Zoom)
		}
		got := z.ToScreen(before)
		if !near(got[0], p[0], 1e-5) || !near(got[1], p[1], 1e-5) {
			t.Fatalf("case %d: %v under the cursor at %v moved to %v (zoom %v by %v)", i, before, p, got, v.Zoom, delta)
		}
	}
}

func TestZoomAtClamps(t *testing.T) {
	v := New(orb.Point{10, 10}, 21.5, 800, 600)
	if got := v.ZoomAt(orb.Point{400, 300}, 3).Zoom; got != MaxZoom {
		t.Errorf("zoom = %v, want %v", got, MaxZoom)
	}
	if got := v.ZoomAt(orb.Point{400, 300}, -30).Zoom; got != MinZoom {
		t.Errorf("zoom = %v, want %v", got, MinZoom)
	}
}

func TestPan(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 1000 {
		v := randomView(r)
		p := orb.Point{r.Float64() * v.Width, r.Float64() * v.Height}
		dx, dy := r.Float64()*400-200, r.Float64()*400-200
		if !inWorld(v, p) || !inWorld(v, orb.Point{p[0] + dx, p[1] + dy}) || !inWorld(v.Pan(dx, dy), orb.Point{v.Width / 2, v.Height / 2}) {
			continue
		}
		ll := v.ToLonLat(p)
		got := v.Pan(dx, dy).ToScreen(ll)
		if !near(got[0], p[0]+dx, 1e-5) || !near(got[1], p[1]+dy, 1e-5) {
			t.Fatalf("case %d: point at %v panned by %v,%v is at %v", i, p, dx, dy, got)
		}
	}
}

func TestFit(t *testing.T) {
	tests := []struct {
		name                     string
		b                        orb.Bound
		w, h, pad                float64
		wantZoomMin, wantZoomMax float64
	}{
		{"community", orb.Bound{Min: orb.Point{121.595, 31.195}, Max: orb.Point{121.605, 31.205}}, 1280, 800, 24, 16, 17},
		{"tall box", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{0.001, 0.1}}, 800, 600, 0, 12.5, 13.5},
		{"whole world", orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}, 256, 256, 0, 0, 0.01},
		{"point", orb.Bound{Min: orb.Point{5, 5}, Max: orb.Point{5, 5}}, 400, 300, 10, MaxZoom, MaxZoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Fit(tt.b, tt.w, tt.h, tt.pad)
			if v.Zoom < tt.wantZoomMin || v.Zoom > tt.wantZoomMax {
				t.Errorf("zoom %v, want %v..%v", v.Zoom, tt.wantZoomMin, tt.wantZoomMax)
			}
			for _, c := range []orb.Point{tt.b.Min, tt.b.Max, {tt.b.Min[0], tt.b.Max[1]}, {tt.b.Max[0], tt.b.Min[1]}} {
				p := v.ToScreen(c)
				if p[0] < tt.pad-1e-6 || p[0] > tt.w-tt.pad+1e-6 || p[1] < tt.pad-1e-6 || p[1] > tt.h-tt.pad+1e-6 {
					t.Errorf("corner %v at %v is outside the padded view", c, p)
				}
			}
		})
	}
}

func TestFitProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 1000 {
		lon, lat := r.Float64()*300-150, r.Float64()*120-60
		b := orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + r.Float64()*5 + 1e-6, lat + r.Float64()*5 + 1e-6}}
		w, h := float64(200+r.IntN(1500)), float64(200+r.IntN(1000))
		v := Fit(b, w, h, 20)
		tight := false
		for _, c := range []orb.Point{b.Min, b.Max} {
			p := v.ToScreen(c)
			if p[0] < 20-1e-6 || p[0] > w-20+1e-6 || p[1] < 20-1e-6 || p[1] > h-20+1e-6 {
				t.Fatalf("case %d: %v at %v outside %vx%v", i, c, p, w, h)
			}
			if near(p[0], 20, 1e-6) || near(p[1], 20, 1e-6) || near(p[0], w-20, 1e-6) || near(p[1], h-20, 1e-6) {
				tight = true
			}
		}
		if !tight && v.Zoom < MaxZoom {
			t.Fatalf("case %d: fit is not tight: zoom %v", i, v.Zoom)
		}
	}
}

func TestTiles(t *testing.T) {
	tests := []struct {
		name string
		v    Viewport
		z    int
		want int
	}{
		{"world at zoom 0", New(orb.Point{0, 0}, 0, 256, 256), 0, 1},
		{"world at zoom 1", New(orb.Point{0, 0}, 1, 512, 512), 1, 4},
		{"aligned 2x2", New(Unproject(orb.Point{0.5, 0.5}), 10, 512, 512), 10, 4},
		{"1280x800 street view", New(orb.Point{121.6, 31.2}, 17, 1280, 800), 17, 6 * 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tiles := tt.v.Tiles(tt.z)
			if len(tiles) > tt.want || len(tiles) < tt.want-8 {
				t.Errorf("%d tiles, want about %d: %v", len(tiles), tt.want, tiles)
			}
		})
	}
}

// TestTilesCover checks that the tiles cover every pixel of the view and
// come nearest-first.
func TestTilesCover(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := range 200 {
		v := randomView(r)
		z := v.TileZoom(256)
		tiles := v.Tiles(z)
		set := map[maptile.Tile]bool{}
		for _, t := range tiles {
			set[t] = true
		}
		for range 50 {
			p := orb.Point{r.Float64() * v.Width, r.Float64() * v.Height}
			if !inWorld(v, p) {
				continue
			}
			want := maptile.At(v.ToLonLat(p), maptile.Zoom(z))
			if !set[want] {
				t.Fatalf("case %d: pixel %v lies in %v, not among the %d tiles", i, p, want, len(tiles))
			}
		}
		for _, tl := range tiles {
			a, b := v.TileRect(tl)
			if b[0] < 0 || b[1] < 0 || a[0] > v.Width || a[1] > v.Height {
				t.Fatalf("case %d: tile %v at %v-%v is off screen", i, tl, a, b)
			}
		}
		c := v.ToScreen(v.Center)
		last := -1.0
		for _, tl := range tiles {
			a, b := v.TileRect(tl)
			d := math.Hypot((a[0]+b[0])/2-c[0], (a[1]+b[1])/2-c[1])
			if d < last-1e-6 {
				t.Fatalf("case %d: tiles not nearest first", i)
			}
			last = d
		}
	}
}

func TestTileZoom(t *testing.T) {
	tests := []struct {
		zoom, scale float64
		size        int
		want        int
	}{
		{17, 1, 256, 17},
		{17.4, 1, 256, 17},
		{17.6, 1, 256, 18},
		{17, 2, 512, 17},
		{17, 2, 256, 18},
		{17, 1, 512, 16},
		{0, 1, 512, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("z%v_s%v_%d", tt.zoom, tt.scale, tt.size), func(t *testing.T) {
			v := New(orb.Point{0, 0}, tt.zoom, 100, 100)
			v.Scale = tt.scale
			if got := v.TileZoom(tt.size); got != tt.want {
				t.Errorf("TileZoom = %d, want %d", got, tt.want)
			}
		})
	}
}

func ExampleFit() {
	community := orb.Bound{Min: orb.Point{121.595, 31.195}, Max: orb.Point{121.605, 31.205}}
	v := Fit(community, 1280, 800, 32)
	fmt.Printf("zoom %.2f, %.2f m per pixel\n", v.Zoom, v.MetresPerPixel())
	p := v.ToScreen(orb.Point{121.6, 31.2})
	fmt.Printf("centre at %.0f,%.0f\n", p[0], p[1])
	// Output:
	// zoom 16.43, 1.51 m per pixel
	// centre at 640,400
}

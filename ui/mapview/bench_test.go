package mapview

import (
	"context"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	sm "github.com/flopp/go-staticmaps"
	"github.com/golang/geo/s2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"

	"safetynet/data/demo"
	"safetynet/data/osmimport"
	"safetynet/data/store"
	"safetynet/data/testenv"
	"safetynet/geo/viewport"
)

const frameW, frameH = 1280, 800

func median(d []time.Duration) float64 {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[len(s)/2].Nanoseconds()) / 1e6
}

// readOnlyDemo writes the demo community to a temporary file and opens it
// read-only, so that no tile is ever read from or written to the store:
// every frame is drawn from scratch.
func readOnlyDemo(b testing.TB) *store.Store {
	b.Helper()
	s := demoStore(b)
	ro, err := store.OpenWith(s.Path(), store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ro.Close() })
	return ro
}

// drawFrame shows s in a new map of frameW×frameH at view and returns how
// long the complete frame took: the safety layers read, every tile read
// and drawn, the overlay drawn; the canvas painting is not counted.
func drawFrame(b testing.TB, s *store.Store, centre orb.Point, zoom float64) time.Duration {
	start := time.Now()
	m := New(s)
	m.FlyTo(centre, zoom)
	win := test.NewWindow(m)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(frameW, frameH))
	if !m.WaitIdle() {
		b.Fatal("the frame did not finish")
	}
	d := time.Since(start)
	m.Close()
	win.Close()
	return d
}

// staticScene builds go-staticmaps objects for the same features our map
// draws: basemap polygons and roads, safety areas, field-of-view sectors,
// routes and point symbols. Geometry is clipped to the frame first: the
// rasteriser under go-staticmaps (freetype's) stalls on polygons that
// reach beyond the image's left edge.
func staticScene(b testing.TB, s *store.Store) []sm.MapObject {
	ctx := context.Background()
	frame := viewport.New(demo.Origin, 17, frameW-2, frameH-2).Bound()
	ll := func(p orb.Point) s2.LatLng { return s2.LatLngFromDegrees(p[1], p[0]) }
	ring := func(r []orb.Point) []s2.LatLng {
		out := make([]s2.LatLng, len(r))
		for i, p := range r {
			out[i] = ll(p)
		}
		return out
	}
	var objs []sm.MapObject
	area := func(mp orb.MultiPolygon, edge, fill color.Color, w float64) {
		for _, p := range clip.MultiPolygon(frame, mp.Clone()) {
			if len(p) > 0 && len(p[0]) > 2 {
				objs = append(objs, sm.NewArea(ring(p[0]), edge, fill, w))
			}
		}
	}
	path := func(ls orb.LineString, c color.Color, w float64) {
		for _, l := range clip.LineString(frame, ls.Clone()) {
			if len(l) > 1 {
				objs = append(objs, sm.NewPath(ring(l), c, w))
			}
		}
	}
	land, _ := s.Landuse(ctx, store.World)
	for _, l := range land {
		area(l.Geom, light.landColour(l.Class), light.landColour(l.Class), 0)
	}
	water, _ := s.Water(ctx, store.World)
	for _, w := range water {
		area(w.Geom, light.waterEdge, light.water, 1)
	}
	roads, _ := s.Roads(ctx, store.World)
	for _, r := range roads {
		rank := roadRank(r.Class)
		path(r.Geom, light.roadFill[rank], roadWidth(rank, 17, 1))
	}
	bs, _ := s.Buildings(ctx, store.World)
	for _, x := range bs {
		area(x.Geom, light.buildingEdge, light.building, 1)
	}
	kas, _ := s.KeyAreas(ctx, store.World)
	for _, k := range kas {
		area(orb.MultiPolygon{k.Geom}, lightOverlay.keyArea, lightOverlay.keyAreaFill, 1.5)
	}
	hs, _ := s.Hazards(ctx, store.World)
	for _, h := range hs {
		switch g := h.Geom.(type) {
		case orb.Polygon:
			area(orb.MultiPolygon{g}, lightOverlay.hazardArea, lightOverlay.hazardFill, 1.6)
		case orb.Point:
			objs = append(objs, sm.NewMarker(ll(g), okYellow, 16))
		}
	}
	cams, _ := s.Cameras(ctx, store.World)
	for _, c := range cams {
		sec := sector(c)
		lls := make(orb.Ring, len(sec), len(sec)+1)
		for i, m := range sec {
			lls[i] = viewport.Unproject(m)
		}
		lls = append(lls, lls[0])
		area(orb.MultiPolygon{{lls}}, lightOverlay.fov["online"][1], lightOverlay.fov["online"][0], 0.9)
		objs = append(objs, sm.NewCircle(ll(c.Geom), white, okBlue, 1.2, 2))
	}
	rs, _ := s.PatrolRoutes(ctx, store.World)
	for _, r := range rs {
		path(r.Geom, okPurple, 3.5)
	}
	cps, _ := s.Checkpoints(ctx, store.World)
	for _, c := range cps {
		objs = append(objs, sm.NewCircle(ll(c.Geom), white, okPurple, 1.5, 2))
	}
	eq, _ := s.FireEquipment(ctx, store.World)
	for _, e := range eq {
		objs = append(objs, sm.NewMarker(ll(e.Geom), okVermilion, 14))
	}
	aps, _ := s.AccessPoints(ctx, store.World)
	for _, a := range aps {
		objs = append(objs, sm.NewMarker(ll(a.Geom), okBlack, 14))
	}
	fs, _ := s.Facilities(ctx, store.World)
	for _, f := range fs {
		objs = append(objs, sm.NewMarker(ll(f.Geom), rgb(0x3B3B6B), 14))
	}
	return objs
}

func staticFrame(b testing.TB, objs []sm.MapObject, centre orb.Point, zoom int) time.Duration {
	start := time.Now()
	ctx := sm.NewContext()
	ctx.SetTileProvider(sm.NewTileProviderNone())
	ctx.SetCache(nil)
	ctx.SetOnline(false)
	ctx.SetSize(frameW, frameH)
	ctx.SetZoom(zoom)
	ctx.SetCenter(s2.LatLngFromDegrees(centre[1], centre[0]))
	ctx.SetBackground(light.background)
	for _, o := range objs {
		ctx.AddObject(o)
	}
	if _, err := ctx.Render(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// redraw forgets every rendered tile and the overlay drawing of m (its
// features stay read), redraws the frame from scratch and returns how
// long that took, and how long Fyne's software painter then took to paint
// it.
func redraw(b testing.TB, m *Map, win fyne.Window) (draw, paint time.Duration) {
	m.eng.mu.Lock()
	m.eng.tiles = newLRU[tileKey, *image.RGBA](tileBudget)
	m.eng.mu.Unlock()
	m.mu.Lock()
	m.askedKey = overlayKey{}
	m.frame = overlayFrame{}
	m.mu.Unlock()
	start := time.Now()
	m.Refresh()
	if !m.WaitIdle() {
		b.Fatal("the frame did not finish")
	}
	draw = time.Since(start)
	start = time.Now()
	win.Canvas().Capture()
	return draw, time.Since(start)
}

// panFrame pans m by dx pixels and draws the complete frame for the new view
// on the calling goroutine, as the app does across its two goroutines:
// the renderer's layout (the basemap tiles placed from the memory cache,
// the scale bar, the attribution) and the overlay drawing of every safety
// layer for the view, into img (reused, as the overlay goroutine reuses
// the image no longer shown). It returns the drawing, how long it took,
// and the visible tiles found in the cache and not (which make the frame
// incomplete).
func panFrame(m *Map, r *renderer, dx float64, img *image.RGBA) (_ *image.RGBA, _ time.Duration, hits, misses int) {
	m.eng.stats()
	start := time.Now()
	m.mu.Lock()
	m.view = m.view.Pan(dx, 0)
	m.mu.Unlock()
	st := m.state()
	job, key := overlayRequest(st)
	// Drawn below, on this goroutine, instead of by the overlay goroutine.
	m.mu.Lock()
	m.askedKey = key
	m.mu.Unlock()
	r.layout(m.Size())
	img = drawOverlay(job, img)
	d := time.Since(start)
	hits, misses = m.eng.stats()
	return img, d, hits, misses
}

// BenchmarkFrame draws one 1280×800 frame of the demo at street zoom
// (17) with every layer on, and the same objects with go-staticmaps at
// the same size without tiles, interleaved, each after a garbage
// collection; medians of nine of each:
//
//   - ours-ms: one frame after a 100-pixel pan with the basemap tiles in
//     the memory cache (the steady state while an operator works, which
//     BenchmarkPan's hit rate shows): the renderer's layout placing the
//     cached tiles and the decorations, and the overlay drawn anew for
//     the view with every safety layer (field-of-view sectors, areas,
//     routes with arrows, checkpoints with numbers, every symbol), see
//     panFrame. Not included: the hand-over of the overlay to the UI
//     goroutine (which waits for the next frame tick, up to 16 ms) and
//     the compositing of tiles and overlay on screen, which Fyne does
//     (the GPU in the app; paint-ms below for the software painter).
//     A frame with a visible tile not in the cache fails the benchmark;
//   - scratch-ms: every tile rasterised from scratch and the safety
//     layers drawn, from features in memory, until shown; this includes
//     the hand-over to the UI goroutine (up to 16 ms of frame pacing);
//   - cold-ms: the same from a new map on a store it has not read yet
//     (reading the store, no cached tile);
//   - paint-ms: Fyne's software painter compositing the frame (in the app
//     the GPU does this);
//   - staticmaps-ms: go-staticmaps rendering the same objects into one
//     image; and x-faster, staticmaps-ms / ours-ms.
func BenchmarkFrame(b *testing.B) {
	test.NewTempApp(b)
	s := readOnlyDemo(b)
	objs := staticScene(b, s)
	m := New(s)
	b.Cleanup(m.Close)
	m.FlyTo(demo.Origin, 17)
	win := test.NewTempWindow(b, m)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(frameW, frameH))
	m.WaitIdle()
	r := cache(m)
	// Both views the frames alternate between, and the ring around them,
	// in the memory cache.
	for _, dx := range []float32{100, -100} {
		m.Dragged(&fyne.DragEvent{Dragged: fyne.NewDelta(dx, 0)})
		m.WaitIdle()
	}
	var img *image.RGBA
	const reps = 9
	b.ResetTimer()
	for i := range b.N {
		var ours, scratch, cold, paint, theirs []time.Duration
		for k := range reps {
			dx := 100.0
			if (i*reps+k)%2 == 1 {
				dx = -100
			}
			var d time.Duration
			var hits, misses int
			// Neither side pays for the other's garbage.
			runtime.GC()
			img, d, hits, misses = panFrame(m, r, dx, img)
			if misses > 0 || hits == 0 {
				b.Fatalf("%d visible tiles were not in the cache, %d were", misses, hits)
			}
			ours = append(ours, d)
			runtime.GC()
			theirs = append(theirs, staticFrame(b, objs, demo.Origin, 17))
		}
		for range 5 {
			d, p := redraw(b, m, win)
			scratch, paint = append(scratch, d), append(paint, p)
			cold = append(cold, drawFrame(b, s, demo.Origin, 17))
		}
		o, t := median(ours), median(theirs)
		b.ReportMetric(o, "ours-ms")
		b.ReportMetric(median(scratch), "scratch-ms")
		b.ReportMetric(median(cold), "cold-ms")
		b.ReportMetric(median(paint), "paint-ms")
		b.ReportMetric(t, "staticmaps-ms")
		b.ReportMetric(t/o, "x-faster")
	}
	b.ReportMetric(float64(len(objs)), "objects")
}

// BenchmarkPan pans a drawn 1280×800 frame of the demo by 100 pixels and
// waits for the complete frame: the tiles come from the memory cache
// (fetched around the view beforehand), the safety layers are drawn anew.
// pan-ms includes the hand-over of the drawing to the UI goroutine, at
// most one per 16 ms frame, so it sits near one frame; BenchmarkFrame's
// ours-ms is the drawing alone.
func BenchmarkPan(b *testing.B) {
	test.NewTempApp(b)
	s := readOnlyDemo(b)
	m := New(s)
	b.Cleanup(m.Close)
	m.FlyTo(demo.Origin, 17)
	win := test.NewTempWindow(b, m)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(frameW, frameH))
	m.WaitIdle()
	var hits, misses int
	var times []time.Duration
	b.ResetTimer()
	for i := range b.N {
		for k := range 8 {
			m.eng.stats()
			dx := float32(100)
			if (i*8+k)%2 == 1 {
				dx = -100
			}
			start := time.Now()
			m.Dragged(&fyne.DragEvent{Dragged: fyne.NewDelta(dx, 0)})
			if !m.WaitIdle() {
				b.Fatal("the pan did not finish")
			}
			times = append(times, time.Since(start))
			h, ms := m.eng.stats()
			hits += h
			misses += ms
		}
	}
	b.ReportMetric(median(times), "pan-ms")
	b.ReportMetric(100*float64(hits)/float64(max(1, hits+misses)), "hit-%")
}

// BenchmarkFirstFrame is the time from New on a store to the first
// complete frame of 1280×800: cold (a store without cached tiles) and
// warm (the same store again, its tiles saved by the first map).
func BenchmarkFirstFrame(b *testing.B) {
	test.NewTempApp(b)
	var cold, warm []time.Duration
	for range b.N {
		b.StopTimer()
		s := demoStore(b)
		b.StartTimer()
		for k := range 2 {
			start := time.Now()
			m := New(s)
			win := test.NewWindow(m)
			win.SetPadded(false)
			win.Resize(fyne.NewSize(frameW, frameH))
			if !m.WaitIdle() {
				b.Fatal("the frame did not finish")
			}
			win.Canvas().Capture()
			d := time.Since(start)
			m.Close() // saves the tiles for the warm start
			win.Close()
			if k == 0 {
				cold = append(cold, d)
			} else {
				warm = append(warm, d)
			}
		}
	}
	b.ReportMetric(median(cold), "cold-ms")
	b.ReportMetric(median(warm), "warm-ms")
}

// peakRSS returns the process's peak resident memory, bytes (VmHWM).
func peakRSS(t testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmHWM in /proc/self/status")
	return 0
}

// monacoStore imports Monaco from the shared OSM data into a temporary store.
func monacoStore(t testing.TB) *store.Store {
	t.Helper()
	src := testenv.SharedData(t, "osm/monaco.osm.pbf")
	s, err := store.Open(filepath.Join(t.TempDir(), "monaco.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := osmimport.Import(context.Background(), s, src, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMonacoMemory pans a 1280×800 map across all of Monaco at zoom 17 and
// checks that the process stays under 300 MB resident meanwhile, with the
// soft memory limit the app runs under (MemoryLimit).
func TestMonacoMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("slow; and the race detector multiplies memory")
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(MemoryLimit))
	test.NewTempApp(t)
	s := monacoStore(t)
	runtime.GC()
	debug.FreeOSMemory()
	// Forget the import's peak: count from here (Linux 4.0 and later).
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	before := peakRSS(t)

	m, win := showMap(t, s, frameW, frameH)
	m.mu.Lock()
	ext := m.data.extent
	m.mu.Unlock()
	frames := panAcross(t, m, ext, 17)
	capture(t, m, win)
	peak := peakRSS(t)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "Rss") || strings.HasPrefix(l, "VmHWM") {
			t.Log(l)
		}
	}
	t.Logf("heap in use %d MB, heap sys %d MB, GC runs %d", ms.HeapInuse>>20, ms.HeapSys>>20, ms.NumGC)
	t.Logf("Monaco: %d frames at zoom 17; peak RSS %d MB (%d MB before the map)", frames, peak>>20, before>>20)
	if peak > 300<<20 {
		t.Errorf("peak RSS %d MB, want under 300 MB", peak>>20)
	}
	if r := cache(m); !containsObject(r, r.attr) {
		t.Error("no OpenStreetMap attribution over Monaco")
	}
}

// panAcross walks the view over the whole of ext at zoom in steps of most
// of a screen, waiting for each frame, and returns the number of frames.
func panAcross(t testing.TB, m *Map, ext orb.Bound, zoom float64) int {
	v := viewport.Fit(ext, frameW, frameH, 0)
	v.Zoom = zoom
	v = v.WithSize(frameW, frameH)
	a, c := v.ToScreen(orb.Point{ext.Min[0], ext.Max[1]}), v.ToScreen(orb.Point{ext.Max[0], ext.Min[1]})
	stepX, stepY := frameW*0.8, frameH*0.8
	nx, ny := int(math.Ceil((c[0]-a[0])/stepX)), int(math.Ceil((c[1]-a[1])/stepY))
	frames := 0
	for j := 0; j <= ny; j++ {
		for i := 0; i <= nx; i++ {
			x := a[0] + float64(i)*stepX
			if j%2 == 1 {
				x = a[0] + float64(nx-i)*stepX
			}
			m.FlyTo(v.ToLonLat(orb.Point{x + frameW/2, a[1] + float64(j)*stepY + frameH/2}), zoom)
			if !m.WaitIdle() {
				t.Fatal("a frame did not finish")
			}
			frames++
		}
	}
	return frames
}

// BenchmarkMonacoPan reports the peak resident memory while panning a
// 1280×800 map across Monaco at zoom 17, and the time per frame.
func BenchmarkMonacoPan(b *testing.B) {
	test.NewTempApp(b)
	s := monacoStore(b)
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	b.ResetTimer()
	frames := 0
	for range b.N {
		m, _ := showMap(b, s, frameW, frameH)
		m.mu.Lock()
		ext := m.data.extent
		m.mu.Unlock()
		frames += panAcross(b, m, ext, 17)
		m.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(max(1, frames)), "ms/frame")
	b.ReportMetric(float64(peakRSS(b)>>20), "peak-MB")
}

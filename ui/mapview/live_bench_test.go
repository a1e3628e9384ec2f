package mapview

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/geo/viewport"
)

var liveFamilies = []string{"fire", "intrusion", "access", "alarm", "medical", "camera", "equipment", "rule", "other"}

// benchLive returns the live items of the benchmarks spread over view v:
// units with trails of trail points, point alerts and polygon alerts,
// moved by step (a different step gives different positions).
func benchLive(v viewport.Viewport, units, trail, points, polys, step int) []LiveItem {
	rng := rand.New(rand.NewPCG(1, uint64(step)))
	ll := func(x, y float64) orb.Point { return v.ToLonLat(orb.Point{x, y}) }
	rx := func() float64 { return rng.Float64() * v.Width }
	ry := func() float64 { return rng.Float64() * v.Height }
	items := make([]LiveItem, 0, units+points+polys)
	for i := range units {
		x, y := rx(), ry()
		h := rng.Float64() * 360
		s, c := math.Sincos(h * math.Pi / 180)
		tr := make([]orb.Point, trail)
		for k := range tr {
			d := float64(trail-k) * 6
			tr[k] = ll(x-s*d, y+c*d)
		}
		items = append(items, LiveItem{ID: fmt.Sprintf("unit-%d", i), Kind: LiveUnit, Geometry: ll(x, y),
			Heading: h, Trail: tr, Label: fmt.Sprintf("P%d", i+1), Stale: i%10 == 0})
	}
	for i := range points {
		items = append(items, LiveItem{ID: fmt.Sprintf("alert-%d", i), Geometry: ll(rx(), ry()),
			Family: liveFamilies[i%len(liveFamilies)], Severity: i % 5, Heading: math.NaN(),
			Stale: i%7 == 0, Drill: i%13 == 0, New: i%11 == 0, Selected: i == 0, Label: "alert"})
	}
	for i := range polys {
		x, y := rx(), ry()
		var ring orb.Ring
		for k := range 24 {
			a := float64(k) * 2 * math.Pi / 24
			r := 30 + 15*math.Sin(3*a)
			ring = append(ring, ll(x+r*math.Cos(a), y+r*math.Sin(a)))
		}
		ring = append(ring, ring[0])
		items = append(items, LiveItem{ID: fmt.Sprintf("area-%d", i), Geometry: orb.Polygon{ring},
			Family: liveFamilies[i%len(liveFamilies)], Severity: i % 5, Drill: i%9 == 0})
	}
	return items
}

// liveBenchMap shows the demo at street zoom in a 1280×800 window with the
// benchmarks' 1,000 live items: 50 units with 20-point trails, 900 point
// alerts and 50 polygons.
func liveBenchMap(b *testing.B) (*Map, fyne.Window) {
	test.NewTempApp(b)
	s := readOnlyDemo(b)
	m := New(s)
	b.Cleanup(m.Close)
	m.FlyTo(demo.Origin, 17)
	win := test.NewTempWindow(b, m)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(frameW, frameH))
	m.WaitIdle()
	m.SetLive(benchLive(m.View(), 50, 20, 900, 50, 0), 1)
	m.WaitIdle()
	return m, win
}

// forgetLive drops the drawing of the live layer, so that the next
// layout draws it anew.
func forgetLive(m *Map) {
	m.live.mu.Lock()
	m.live.asked = liveKey{}
	m.live.frame = liveFrame{}
	m.live.mu.Unlock()
}

// BenchmarkLiveFrame draws one 1280×800 frame of the demo at street zoom
// with 1,000 live items (50 units with 20-point trails, 900 point alerts,
// 50 polygons); medians of five:
//
//   - ms/frame: the whole frame from scratch (every tile, the safety
//     layers and the live layer), ready to paint;
//   - live-ms: the live layer alone drawn anew (what a view change costs
//     it);
//   - paint-ms: Fyne's software painter compositing the frame.
func BenchmarkLiveFrame(b *testing.B) {
	m, win := liveBenchMap(b)
	const reps = 5
	b.ResetTimer()
	for range b.N {
		var frames, live, paint []time.Duration
		for range reps {
			forgetLive(m)
			d, p := redraw(b, m, win)
			frames, paint = append(frames, d), append(paint, p)
			forgetLive(m)
			start := time.Now()
			m.Refresh()
			m.WaitIdle()
			live = append(live, time.Since(start))
		}
		b.ReportMetric(median(frames), "ms/frame")
		b.ReportMetric(median(live), "live-ms")
		b.ReportMetric(median(paint), "paint-ms")
	}
}

// BenchmarkLiveUpdate replaces the 1,000 live items by moved ones (a
// SetLive) and waits for the frame showing them; medians:
//
//   - ms/update: from SetLive to OnLiveDrawn, the frame ready to paint
//     (results cross into the UI at most once per 16 ms frame);
//   - draw-ms: drawing the live layer alone;
//   - setlive-ms: the part spent in SetLive, on the Fyne goroutine;
//   - tiles-drawn: basemap tiles drawn because of the update (0: the
//     live layer never redraws the basemap).
func BenchmarkLiveUpdate(b *testing.B) {
	m, _ := liveBenchMap(b)
	v := m.View()
	sets := make([][]LiveItem, 8)
	for i := range sets {
		sets[i] = benchLive(v, 50, 20, 900, 50, i+1)
	}
	var drawn uint64
	var drawnAt time.Time
	m.OnLiveDrawn(func(stamp uint64, at time.Time) { drawn, drawnAt = stamp, at })
	m.eng.stats()
	jv := v.WithSize(v.Width+2*overlayMargin, v.Height+2*overlayMargin)
	var updates, calls, draws []time.Duration
	b.ResetTimer()
	for i := range b.N {
		stamp := uint64(i + 2)
		start := time.Now()
		m.SetLive(sets[i%len(sets)], stamp)
		calls = append(calls, time.Since(start))
		if !m.WaitIdle() {
			b.Fatal("the update did not finish")
		}
		if drawn != stamp {
			b.Fatalf("OnLiveDrawn reported %d, want %d", drawn, stamp)
		}
		updates = append(updates, drawnAt.Sub(start))
		// The drawing alone, without waiting for the next frame.
		m.live.mu.Lock()
		job := liveJob{view: jv, set: m.live.set}
		m.live.mu.Unlock()
		start = time.Now()
		drawLive(job, nil)
		draws = append(draws, time.Since(start))
	}
	_, misses := m.eng.stats()
	b.ReportMetric(median(updates), "ms/update")
	b.ReportMetric(median(draws), "draw-ms")
	b.ReportMetric(median(calls), "setlive-ms")
	b.ReportMetric(float64(misses)/float64(b.N), "tiles-drawn")
}

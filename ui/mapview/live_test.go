package mapview

import (
	"image"
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
)

// at returns the longitude/latitude of screen point x, y of m's view.
func at(m *Map, x, y float64) orb.Point { return m.View().ToLonLat(orb.Point{x, y}) }

// near counts the pixels of img within r of p whose colour is within tol
// of c in every channel.
func near(img *image.NRGBA, p image.Point, r int, c color.NRGBA, tol int) int {
	n := 0
	for y := p.Y - r; y <= p.Y+r; y++ {
		for x := p.X - r; x <= p.X+r; x++ {
			q := img.NRGBAAt(x, y)
			if !far(q.R, c.R, tol) && !far(q.G, c.G, tol) && !far(q.B, c.B, tol) {
				n++
			}
		}
	}
	return n
}

// headPt is where the head of the pin of an alert of severity sev at
// ll is drawn, one alert or a cluster.
func headPt(m *Map, ll orb.Point, sev int, cluster bool) image.Point {
	return screenPt(m, ll).Sub(image.Pt(0, int(math.Round(pinTail*pinRadius(sev, cluster)))))
}

func screenPt(m *Map, ll orb.Point) image.Point {
	q := m.View().ToScreen(ll)
	return image.Pt(int(math.Round(q[0])), int(math.Round(q[1])))
}

// liveMap shows the demo at zoom 18 around its origin, 640×400, with
// fields of view hidden unless fov.
func liveMap(t *testing.T) (*Map, fyne.Window) {
	test.NewTempApp(t)
	m, win := showMap(t, demoStore(t), 640, 400)
	m.SetDark(false)
	m.FlyTo(demo.Origin, 18)
	m.WaitIdle()
	return m, win
}

func TestLiveSymbolAtPosition(t *testing.T) {
	m, win := liveMap(t)
	// An empty patch of map: away from the safety layers' symbols.
	base := capture(t, m, win)
	ll := at(m, 200, 150)
	m.SetLive([]LiveItem{{ID: "a1", Geometry: ll, Family: "fire", Severity: 4, Heading: math.NaN()}}, 1)
	img := capture(t, m, win)
	p := headPt(m, ll, 4, false)
	extreme := liveSeverity[4]
	if n := near(img, p, 14, extreme, 20); n < 150 {
		t.Errorf("%d extreme-purple pixels around %v, want the pin's head", n, p)
	}
	if n := near(base, p, 14, extreme, 20); n > 0 {
		t.Errorf("%d purple pixels there before SetLive", n)
	}
	// The glyph is white at the head's centre; the head stops at its
	// radius (14.5 px for extreme); the tail reaches down to the spot.
	if n := near(img, p.Add(image.Pt(0, 2)), 2, white, 25); n < 3 {
		t.Errorf("%d white pixels at the head's centre, want the glyph", n)
	}
	if n := near(img, p.Add(image.Pt(40, 0)), 6, extreme, 20); n > 0 {
		t.Errorf("%d purple pixels 40 px away", n)
	}
	if tip := screenPt(m, ll); diff(base.SubImage(image.Rect(tip.X-1, tip.Y-4, tip.X+2, tip.Y-1)).(*image.NRGBA),
		img.SubImage(image.Rect(tip.X-1, tip.Y-4, tip.X+2, tip.Y-1)).(*image.NRGBA), 30) == 0 {
		t.Errorf("nothing drawn just above the alert's place %v: want the pin's tip", tip)
	}
	// Severity sets the size: a minor alert's head is smaller.
	m.SetLive([]LiveItem{{ID: "a1", Geometry: ll, Family: "fire", Severity: 1}}, 2)
	small := capture(t, m, win)
	if a, b := near(small, headPt(m, ll, 1, false), 16, liveSeverity[1], 20), near(img, p, 16, extreme, 20); a >= b || a < 80 {
		t.Errorf("minor head %d pixels, extreme %d: want smaller but drawn", a, b)
	}
	// Hiding the layer shows the map as it was.
	m.SetLiveVisible(false)
	if n := diff(base, capture(t, m, win), 8); n > 0 {
		t.Errorf("%d pixels differ from the map without the live layer", n)
	}
}

func TestLiveStaleGreyed(t *testing.T) {
	m, win := liveMap(t)
	fresh, stale := at(m, 160, 200), at(m, 480, 200)
	m.SetLive([]LiveItem{
		{ID: "fresh", Geometry: fresh, Family: "intrusion", Severity: 3},
		{ID: "stale", Geometry: stale, Family: "intrusion", Severity: 3, Stale: true},
	}, 1)
	img := capture(t, m, win)
	severe := liveSeverity[3]
	if n := near(img, headPt(m, fresh, 3, false), 12, severe, 24); n < 100 {
		t.Errorf("fresh alert: %d magenta pixels", n)
	}
	if n := near(img, headPt(m, stale, 3, false), 12, severe, 60); n > 0 {
		t.Errorf("stale alert: %d magenta pixels, want it greyed", n)
	}
	// Greyed, but drawn: low saturation pixels on its head.
	c := img.NRGBAAt(headPt(m, stale, 3, false).X-7, headPt(m, stale, 3, false).Y-5)
	if sat := int(max(c.R, c.G, c.B)) - int(min(c.R, c.G, c.B)); sat > 30 || c.R > 200 {
		t.Errorf("stale disc pixel %v, want grey", c)
	}
}

func TestLiveDrillMarked(t *testing.T) {
	m, win := liveMap(t)
	ll := at(m, 320, 200)
	item := LiveItem{ID: "d", Geometry: ll, Family: "alarm", Severity: 2}
	m.SetLive([]LiveItem{item}, 1)
	plain := capture(t, m, win)
	item.Drill = true
	m.SetLive([]LiveItem{item}, 2)
	drill := capture(t, m, win)
	p := headPt(m, ll, 2, false)
	r := pinRadius(2, false) + 3
	// The dashed ring: black dashes just outside the head, above its
	// tail.
	ring := func(img *image.NRGBA) (dark int) {
		for a := 180; a < 360; a += 2 {
			s, c := math.Sincos(float64(a) * math.Pi / 180)
			q := img.NRGBAAt(p.X+int(math.Round(r*c)), p.Y+int(math.Round(r*s)))
			if q.R < 60 && q.G < 60 && q.B < 60 {
				dark++
			}
		}
		return dark
	}
	if d, n := ring(drill), ring(plain); d < 25 || n > 5 {
		t.Errorf("dark pixels on the ring: %d with drill, %d without", d, n)
	}
	// The DRILL tag above the pin: a black plate with white text.
	above := image.Rect(p.X-20, p.Y-int(r)-18, p.X+20, p.Y-int(r)-3)
	if n := diff(plain.SubImage(above).(*image.NRGBA), drill.SubImage(above).(*image.NRGBA), 30); n < 150 {
		t.Errorf("the tag above a drill alert changed only %d pixels", n)
	}
}

func TestLivePolygonFilled(t *testing.T) {
	m, win := liveMap(t)
	base := capture(t, m, win)
	poly := orb.Polygon{{at(m, 100, 80), at(m, 300, 80), at(m, 300, 250), at(m, 100, 250), at(m, 100, 80)}}
	m.SetLive([]LiveItem{{ID: "area", Geometry: poly, Family: "fire", Severity: 2}}, 1)
	img := capture(t, m, win)
	amber := liveSeverity[2]
	inside := image.Pt(140, 110) // away from the symbol at its middle
	b, c := base.NRGBAAt(inside.X, inside.Y), img.NRGBAAt(inside.X, inside.Y)
	// A translucent amber fill: more red than blue than before, the
	// ground still showing through.
	if int(c.R)-int(c.B) < int(b.R)-int(b.B)+15 || c == amber {
		t.Errorf("inside the area %v (before %v), want a translucent amber fill", c, b)
	}
	if n := near(img, image.Pt(100, 165), 2, amber, 30); n < 5 {
		t.Errorf("%d amber pixels on the outline", n)
	}
	if n := near(img, image.Pt(200, 165-int(math.Round(pinTail*pinRadius(2, false)))), 9, amber, 20); n < 80 {
		t.Errorf("no symbol at the area's middle (%d amber pixels)", n)
	}
	outside := image.Pt(400, 320)
	if base.NRGBAAt(outside.X, outside.Y) != img.NRGBAAt(outside.X, outside.Y) {
		t.Error("a pixel outside the area changed")
	}
}

func TestLiveBadInputSkipped(t *testing.T) {
	m, win := liveMap(t)
	base := capture(t, m, win)
	nan := math.NaN()
	inf := math.Inf(1)
	good := at(m, 320, 200)
	bad := []LiveItem{
		{ID: "nil"},
		{ID: "nan", Geometry: orb.Point{nan, 30}},
		{ID: "inf", Geometry: orb.Point{inf, -inf}},
		{ID: "huge", Geometry: orb.Point{1e300, 1e300}, Severity: 1 << 40},
		{ID: "lat", Geometry: orb.Point{10, 91}},
		{ID: "poly-nan", Geometry: orb.Polygon{{good, {nan, 0}, {1, 1}, good}}},
		{ID: "poly-empty", Geometry: orb.Polygon{}},
		{ID: "poly-short", Geometry: orb.Polygon{{good, good}}},
		{ID: "multi-huge", Geometry: orb.MultiPolygon{{{good, {1e308, 1e308}, {0, 0}, good}}}},
		{ID: "line-one", Geometry: orb.LineString{good}},
		{ID: "ring", Geometry: orb.Ring{good, good, good}},
		{ID: "collection", Geometry: orb.Collection{good}},
		{ID: "unit-nan", Kind: LiveUnit, Geometry: orb.Point{nan, nan}, Trail: []orb.Point{good}, Heading: inf},
		{ID: "unit-line", Kind: LiveUnit, Geometry: orb.LineString{{nan, 1}, good}},
	}
	m.SetLive(bad, 1)
	if n := diff(base, capture(t, m, win), 8); n > 0 {
		t.Errorf("%d pixels drawn for invalid items", n)
	}
	m.live.mu.Lock()
	n := len(m.live.set.items)
	m.live.mu.Unlock()
	if n != 0 {
		t.Errorf("%d invalid items kept", n)
	}
	// Valid items among them are drawn; bad values in them are tamed.
	all := append(bad,
		LiveItem{ID: "ok", Geometry: good, Severity: -3, Heading: nan},
		LiveItem{ID: "unit", Kind: LiveUnit, Geometry: good, Heading: inf, Trail: []orb.Point{{nan, 0}, {1e9, 1}, at(m, 300, 200)}},
	)
	m.SetLive(all, 2)
	img := capture(t, m, win)
	if n := diff(base, img, 8); n < 100 {
		t.Errorf("valid items drew only %d pixels", n)
	}
	m.live.mu.Lock()
	n = len(m.live.set.items)
	m.live.mu.Unlock()
	if n != 2 {
		t.Errorf("%d items kept, want the 2 valid ones", n)
	}
	m.FlyTo(demo.Origin, 21)
	m.FlyTo(demo.Origin, 2)
	m.WaitIdle()
}

func TestLiveClickSelects(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	cam := firstCamera(t, s, store.CameraOnline)
	m, win := showMap(t, s, 640, 400)
	m.FlyTo(cam.Geom, 19)
	m.WaitIdle()
	var live []string
	var feats []Selection
	m.OnSelectLive = func(id string) { live = append(live, id) }
	m.OnSelect = func(sel Selection) { feats = append(feats, sel) }
	m.SetLive([]LiveItem{
		{ID: "unit-7", Kind: LiveUnit, Geometry: at(m, 100, 100), Heading: 90, Label: "P7"},
		{ID: "over-camera", Geometry: cam.Geom, Family: "camera", Severity: 3, Label: "Camera fault"},
	}, 1)
	m.WaitIdle()
	p := m.View().ToScreen(cam.Geom)
	test.TapCanvas(win.Canvas(), fyne.NewPos(float32(p[0])+3, float32(p[1])-2))
	if len(live) != 1 || live[0] != "over-camera" || len(feats) != 0 {
		t.Errorf("a click on an alert over a camera gave live %v, features %+v", live, feats)
	}
	test.TapCanvas(win.Canvas(), fyne.NewPos(104, 98))
	if len(live) != 2 || live[1] != "unit-7" {
		t.Errorf("a click on a unit gave %v", live)
	}
	// Hover shows the label.
	test.MoveMouse(win.Canvas(), fyne.NewPos(100, 101))
	m.mu.Lock()
	tip := m.tip
	m.mu.Unlock()
	if tip.title != "P7" || tip.detail == "" {
		t.Errorf("tooltip %+v over the unit, want its label", tip)
	}
	// Once hidden, clicks go to the features again.
	m.SetLiveVisible(false)
	test.TapCanvas(win.Canvas(), fyne.NewPos(float32(p[0])+3, float32(p[1])-2))
	if len(live) != 2 || len(feats) != 1 || feats[0].FID != cam.FID {
		t.Errorf("with the layer hidden: live %v, features %+v", live, feats)
	}
	m.WaitIdle()
}

func TestHighlightCameras(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	cam := firstCamera(t, s, store.CameraOnline)
	m, win := showMap(t, s, 640, 400)
	m.SetDark(false)
	m.FlyTo(cam.Geom, 19)
	before := capture(t, m, win)
	m.HighlightCameras([]int64{cam.FID})
	after := capture(t, m, win)
	if n := diff(before, after, 8); n < 300 {
		t.Errorf("highlighting the camera's field of view changed %d pixels", n)
	}
	// The emphasised edge is strong blue somewhere along the sector.
	blue := 0
	for y := 0; y < 400; y++ {
		for x := 0; x < 640; x++ {
			c, b := after.NRGBAAt(x, y), before.NRGBAAt(x, y)
			if c != b && c.B > 150 && c.R < 40 && c.G < 140 {
				blue++
			}
		}
	}
	if blue < 100 {
		t.Errorf("%d strong blue pixels on the highlighted sector", blue)
	}
	m.HighlightCameras([]int64{-5}) // no such camera
	if n := diff(before, capture(t, m, win), 8); n > 0 {
		t.Errorf("an unknown camera changed %d pixels", n)
	}
	m.HighlightCameras([]int64{cam.FID})
	capture(t, m, win)
	m.HighlightCameras(nil)
	if n := diff(before, capture(t, m, win), 8); n > 0 {
		t.Errorf("%d pixels differ after clearing the highlight", n)
	}
}

func TestOnLiveDrawn(t *testing.T) {
	m, win := liveMap(t)
	var got []uint64
	m.OnLiveDrawn(func(stamp uint64, at time.Time) {
		if at.IsZero() {
			t.Error("zero time")
		}
		got = append(got, stamp)
	})
	items := []LiveItem{{ID: "x", Geometry: at(m, 320, 200), Severity: 3}}
	m.SetLive(items, 42)
	capture(t, m, win)
	if len(got) != 1 || got[0] != 42 {
		t.Fatalf("OnLiveDrawn gave %v, want [42]", got)
	}
	// A pan draws the layer again, but shows no new stamp.
	m.Dragged(&fyne.DragEvent{Dragged: fyne.NewDelta(30, 0)})
	m.WaitIdle()
	if len(got) != 1 {
		t.Errorf("OnLiveDrawn after a pan: %v", got)
	}
	m.SetLive(items, 43)
	m.WaitIdle()
	if len(got) != 2 || got[1] != 43 {
		t.Errorf("OnLiveDrawn gave %v, want [42 43]", got)
	}
	// While hidden, the stamp is reported at once: nothing is to be drawn.
	m.SetLiveVisible(false)
	m.SetLive(items, 44)
	if len(got) != 3 || got[2] != 44 {
		t.Errorf("OnLiveDrawn while hidden gave %v", got)
	}
	m.WaitIdle()
}

func TestLivePulses(t *testing.T) {
	m, win := liveMap(t)
	r := cache(m)
	pulses := func() int {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.live.pulses)
	}
	m.SetLive([]LiveItem{{ID: "n", Geometry: at(m, 320, 200), Severity: 4, New: true}, {ID: "o", Geometry: at(m, 200, 200), Severity: 4}}, 1)
	capture(t, m, win)
	if n := pulses(); n != 1 {
		t.Errorf("%d pulse rings, want 1 for the one new alert", n)
	}
	m.SetLive([]LiveItem{{ID: "n", Geometry: at(m, 320, 200), Severity: 4}}, 2)
	capture(t, m, win)
	if n := pulses(); n != 0 {
		t.Errorf("%d pulse rings without new alerts", n)
	}
	// The tick stops itself when no ring is left.
	r.pulseStep()
	r.mu.Lock()
	ticking := r.live.ticking
	r.mu.Unlock()
	if ticking {
		t.Error("the pulse tick still runs without pulses")
	}
}

// liveScene returns a small scene of every kind of live item around the
// middle of m's view (640×400).
func liveScene(m *Map) []LiveItem {
	nan := math.NaN()
	trail := func(x, y, dx, dy float64, n int) []orb.Point {
		var out []orb.Point
		for i := n; i > 0; i-- {
			out = append(out, at(m, x-dx*float64(i), y-dy*float64(i)+3*math.Sin(float64(i))))
		}
		return out
	}
	return []LiveItem{
		{ID: "area", Geometry: orb.Polygon{{at(m, 420, 60), at(m, 590, 80), at(m, 600, 190), at(m, 470, 210), at(m, 410, 140), at(m, 420, 60)}}, Family: "fire", Severity: 3, Label: "Smoke"},
		{ID: "u1", Kind: LiveUnit, Geometry: at(m, 250, 300), Heading: 80, Trail: trail(250, 300, 9, 1, 12), Label: "P1"},
		{ID: "u2", Kind: LiveUnit, Geometry: at(m, 120, 120), Heading: 200, Trail: trail(120, 120, -2, 8, 10), Label: "P2"},
		{ID: "u3", Kind: LiveUnit, Geometry: at(m, 560, 330), Heading: nan, Stale: true, Label: "P3"},
		{ID: "fire", Geometry: at(m, 320, 200), Family: "fire", Severity: 4, New: true},
		{ID: "intrusion", Geometry: at(m, 230, 130), Family: "intrusion", Severity: 3, Selected: true, Label: "North gate"},
		{ID: "access", Geometry: at(m, 380, 270), Family: "access", Severity: 2},
		{ID: "medical", Geometry: at(m, 150, 230), Family: "medical", Severity: 1},
		{ID: "camera", Geometry: at(m, 60, 330), Family: "camera", Severity: 0},
		{ID: "alarm", Geometry: at(m, 430, 330), Family: "alarm", Severity: 3, Stale: true},
		{ID: "rule", Geometry: at(m, 330, 90), Family: "rule", Severity: 2, Drill: true},
		{ID: "c1", Geometry: at(m, 250, 235), Family: "access", Severity: 3},
		{ID: "c2", Geometry: at(m, 254, 238), Family: "alarm", Severity: 1},
		{ID: "c3", Geometry: at(m, 252, 241), Family: "fire", Severity: 3, Stale: true},
	}
}

func TestLiveGolden(t *testing.T) {
	defer func(c func() time.Time) { liveClock = c }(liveClock)
	liveClock = func() time.Time { return time.Unix(0, int64(pulsePeriod)/3) }
	test.NewTempApp(t)
	m, win := showMap(t, demoStore(t), 640, 400)
	m.SetDark(false)
	m.FlyTo(demo.Origin, 17)
	m.WaitIdle()
	m.mu.Lock()
	var fids []int64
	for _, it := range m.data.points[store.Cameras] {
		q := m.view.MercatorToScreen(it.m)
		if q[0] > 300 && q[0] < 640 && q[1] > 220 && q[1] < 400 && len(fids) < 2 {
			fids = append(fids, it.fid)
		}
	}
	m.mu.Unlock()
	m.HighlightCameras(fids)
	m.SetLive(liveScene(m), 1)
	checkGolden(t, "live-demo-z17-light.png", settledCapture(t, m, win))
}

func TestLiveKeepsBasemapAndOverlay(t *testing.T) {
	m, win := liveMap(t)
	capture(t, m, win)
	m.mu.Lock()
	overlay, asked := m.frame.img, m.askedKey
	m.mu.Unlock()
	m.eng.stats()
	m.SetLive([]LiveItem{{ID: "x", Geometry: at(m, 320, 200), Severity: 3}}, 1)
	m.HighlightCameras([]int64{1})
	capture(t, m, win)
	m.mu.Lock()
	same := m.frame.img == overlay && m.askedKey == asked
	m.mu.Unlock()
	if !same {
		t.Error("the safety layers were drawn again for the live layer")
	}
	if _, misses := m.eng.stats(); misses > 0 {
		t.Errorf("%d basemap tiles drawn for the live layer", misses)
	}
}

func TestLiveClusterZoomsIn(t *testing.T) {
	m, win := liveMap(t)
	m.FlyTo(demo.Origin, 16.5)
	m.WaitIdle()
	var live []string
	m.OnSelectLive = func(id string) { live = append(live, id) }
	a := at(m, 320, 200)
	m.SetLive([]LiveItem{
		{ID: "a", Geometry: a, Severity: 2},
		{ID: "b", Geometry: at(m, 322, 201), Severity: 4},
		{ID: "c", Geometry: at(m, 321, 203), Severity: 1, Stale: true},
	}, 1)
	img := capture(t, m, win)
	p := headPt(m, a, 4, true)
	// One pin in the colour of the most severe fresh alert.
	if n := near(img, p, 14, liveSeverity[4], 20); n < 100 {
		t.Errorf("%d extreme-purple pixels on the cluster", n)
	}
	if n := near(img, p, 20, liveSeverity[2], 20); n > 0 {
		t.Errorf("%d amber pixels: the moderate alert is drawn alone", n)
	}
	z := m.View().Zoom
	test.TapCanvas(win.Canvas(), fyne.NewPos(float32(p.X), float32(p.Y)))
	if m.View().Zoom <= z || len(live) != 0 {
		t.Errorf("a click on the cluster: zoom %v -> %v, selected %v", z, m.View().Zoom, live)
	}
	// Close enough, the alerts are apart and can be clicked.
	m.FlyTo(a, 19)
	m.WaitIdle()
	h := headPt(m, a, 2, false)
	test.TapCanvas(win.Canvas(), fyne.NewPos(float32(h.X), float32(h.Y)))
	if len(live) != 1 || live[0] != "a" {
		t.Errorf("a click at zoom 19 selected %v, want [a]", live)
	}
}

// TestLiveStrokesDrawn: a freehand drawing of several strokes (a TAK
// telestration) draws every stroke, and a click on any of them selects it.
func TestLiveStrokesDrawn(t *testing.T) {
	m, win := liveMap(t)
	base := capture(t, m, win)
	strokes := orb.MultiLineString{
		{at(m, 80, 60), at(m, 200, 60)},
		{at(m, 300, 200), at(m, 300, 300), at(m, 420, 300)},
	}
	var picked []string
	m.OnSelectLive = func(id string) { picked = append(picked, id) }
	m.SetLive([]LiveItem{{ID: "sketch", Geometry: strokes, Family: "other", Severity: 2}}, 1)
	img := capture(t, m, win)
	amber := liveSeverity[2]
	for _, p := range []image.Point{{140, 60}, {300, 250}, {360, 300}} {
		if n := near(img, p, 2, amber, 30); n < 5 {
			t.Errorf("%d amber pixels on the stroke at %v", n, p)
		}
	}
	if p := image.Pt(250, 150); base.NRGBAAt(p.X, p.Y) != img.NRGBAAt(p.X, p.Y) {
		t.Error("a pixel between the strokes changed: the strokes were joined or filled")
	}
	test.TapCanvas(win.Canvas(), fyne.NewPos(300, 260))
	if len(picked) != 1 || picked[0] != "sketch" {
		t.Errorf("a click on the second stroke selected %v", picked)
	}
}

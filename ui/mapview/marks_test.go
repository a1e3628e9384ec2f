package mapview

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/geo/viewport"
)

// TestMarksTapAndDraw: marks are drawn at their places, the selected one
// larger, a click on a mark reports its ID and selects no feature, a
// click beside it does not.
func TestMarksTapAndDraw(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	m, _ := showMap(t, s, 600, 400)
	m.FlyTo(demo.Origin, 18)
	m.WaitIdle()
	v := m.View()
	a := v.ToLonLat(orb.Point{200, 200})
	b := v.ToLonLat(orb.Point{400, 150})
	purple := color.NRGBA{0x8E, 0x44, 0xAD, 0xFF}
	var tapped []string
	selected := 0
	m.OnSelect = func(Selection) { selected++ }
	m.SetMarks([]Mark{{ID: "1", At: a, Text: "1", Colour: purple}, {ID: "2", At: b, Text: "5-A", Colour: purple, Selected: true}},
		func(id string) { tapped = append(tapped, id) })
	discs := map[float32]fyne.Position{}
	for _, o := range cache(m).Objects() {
		if c, ok := o.(*canvas.Circle); ok && c.FillColor == purple {
			discs[c.Size().Width] = c.Position().Add(fyne.NewPos(c.Size().Width/2, c.Size().Height/2))
		}
	}
	// Heads stand on stems above their places; feet mark the places.
	if p, ok := discs[markSize]; !ok || p != fyne.NewPos(200, 200-markSize/2-markStem) {
		t.Errorf("mark 1's head at %v (sizes %v), want a %d px disc above 200,200", p, discs, markSize)
	}
	if p, ok := discs[markSize+6]; !ok || p != fyne.NewPos(400, 150-(markSize+6)/2-markStem) {
		t.Errorf("selected mark's head at %v (sizes %v), want a larger disc above 400,150", p, discs)
	}
	if p, ok := discs[7]; !ok || p.X != 200 && p.X != 400 {
		t.Errorf("no foot at a mark's place: %v", discs)
	}
	m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(205, 196)})                         // mark 1's foot
	m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(398, 150-(markSize+6)/2-markStem)}) // mark 2's head
	if len(tapped) != 2 || tapped[0] != "1" || tapped[1] != "2" {
		t.Errorf("taps on the marks reported %q, want [1 2]", tapped)
	}
	if selected != 0 {
		t.Errorf("a tap on a mark also selected a feature %d times", selected)
	}
	m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(260, 260)})
	if len(tapped) != 2 {
		t.Errorf("a tap 60 px from any mark reported %q", tapped)
	}
	m.SetMarks(nil, nil)
	if len(m.Marks()) != 0 {
		t.Error("SetMarks(nil) left marks")
	}
}

// TestPickReportsPlaceAndFeature: while picking, one click reports the
// place and the camera under it, and selects nothing; the next click
// selects as usual.
func TestPickReportsPlaceAndFeature(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	m, _ := showMap(t, s, 600, 400)
	cams, err := s.Cameras(t.Context(), store.World)
	if err != nil || len(cams) == 0 {
		t.Fatalf("demo cameras: %v %d", err, len(cams))
	}
	cam := firstCamera(t, s, store.CameraOnline)
	m.FlyTo(cam.Geom, 20)
	m.WaitIdle()
	at := m.View().ToScreen(cam.Geom)
	var got []Selection
	var where orb.Point
	m.OnSelect = func(sel Selection) { got = append(got, sel) }
	m.Pick(func(p orb.Point, sel Selection) { where = p; got = append(got, sel) })
	if !m.Picking() {
		t.Fatal("Picking() is false after Pick")
	}
	m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(float32(at[0]), float32(at[1]))})
	if len(got) != 1 || got[0].Layer != store.Cameras || got[0].FID != cam.FID {
		t.Fatalf("the pick reported %+v, want camera %d", got, cam.FID)
	}
	if d := geo.Distance(where, cam.Geom); d > 1 {
		t.Errorf("the pick's place is %.1f m from the click", d)
	}
	if m.Picking() || m.Selected().Layer != "" {
		t.Errorf("after the pick: picking %v, selected %+v", m.Picking(), m.Selected())
	}
	m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(float32(at[0]), float32(at[1]))})
	if len(got) != 2 || m.Selected().FID != cam.FID {
		t.Errorf("the click after the pick did not select: %+v", got)
	}
}

// TestMarksAtOnePlaceFanOut: marks at one place stand side by side, each
// head clickable on its own.
func TestMarksAtOnePlaceFanOut(t *testing.T) {
	v := viewport.Viewport{Center: demo.Origin, Zoom: 18, Width: 400, Height: 300}
	at := v.ToLonLat(orb.Point{200, 150})
	marks := []Mark{{ID: "1", At: at, Text: "1"}, {ID: "3", At: at, Text: "3"}, {ID: "3-A", At: at, Text: "3-A"}}
	pm := layoutMarks(v, marks)
	if len(pm) != 3 {
		t.Fatalf("%d marks laid out", len(pm))
	}
	for k := 1; k < 3; k++ {
		if gap := pm[k].hx - pm[k-1].hx; gap < markSize {
			t.Errorf("heads %d and %d are %.1f px apart, overlapping", k-1, k, gap)
		}
		if pm[k].x != pm[0].x || pm[k].y != pm[0].y {
			t.Errorf("mark %d's foot moved: %v,%v", k, pm[k].x, pm[k].y)
		}
	}
	if mid := (pm[0].hx + pm[2].hx) / 2; math.Abs(mid-200) > 1 {
		t.Errorf("the fan is centred on %.1f, not on the place at 200", mid)
	}
}

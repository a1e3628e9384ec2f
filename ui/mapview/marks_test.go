package mapview

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/demo"
	"safetynet/data/store"
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
	if p, ok := discs[markSize]; !ok || p != fyne.NewPos(200, 200) {
		t.Errorf("mark 1 drawn at %v (sizes %v), want a %d px disc at 200,200", p, discs, markSize)
	}
	if p, ok := discs[markSize+6]; !ok || p != fyne.NewPos(400, 150) {
		t.Errorf("selected mark drawn at %v (sizes %v), want a larger disc at 400,150", p, discs)
	}
	m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(205, 196)})
	m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(399, 152)})
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

package mapview

import (
	"fmt"
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/viewport"
)

// TestSeverityColoursUnlikeSafetyLayers checks the alert colours against
// the fire equipment's vermilion (its symbols and cluster badges) in
// every kind of colour vision, and against one another.
func TestSeverityColoursUnlikeSafetyLayers(t *testing.T) {
	equipment := clusterColour(store.FireEquipment)
	for s := 1; s <= liveMaxSeverity; s++ {
		for _, v := range visions {
			t.Run(fmt.Sprintf("%s/%s", severityWord(s), v.name), func(t *testing.T) {
				// Tritanopia (about 1 in 10,000) confuses blue with green
				// and red with pink: a smaller margin.
				minE := 20.0
				if v.name == "tritanopia" {
					minE = 12
				}
				if d := deltaE(liveSeverity[s], equipment, v.m); d < minE {
					t.Errorf("%v is %.1f from the fire equipment's %v, want at least %v", liveSeverity[s], d, equipment, minE)
				}
				if s > 1 {
					if d := deltaE(liveSeverity[s], liveSeverity[s-1], v.m); d < 15 {
						t.Errorf("%v is %.1f from the next lower severity's %v, want at least 15", liveSeverity[s], d, liveSeverity[s-1])
					}
				}
			})
		}
	}
}

// liveImage returns the live layer's last drawing and its view.
func liveImage(m *Map) liveFrame {
	m.live.mu.Lock()
	defer m.live.mu.Unlock()
	return m.live.frame
}

// TestAlertClusterUnlikeEquipmentCluster puts a cluster of severe alerts
// on a cluster of fire equipment: the alerts are a pin standing on the
// spot, coloured unlike the equipment.
func TestAlertClusterUnlikeEquipmentCluster(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	m, win := showMap(t, s, 640, 400)
	m.SetDark(false)
	eq, err := s.FireEquipment(t.Context(), store.World)
	if err != nil || len(eq) == 0 {
		t.Fatal("no fire equipment in the demo", err)
	}
	m.FlyTo(eq[0].Geom, 16)
	m.WaitIdle()
	var items []LiveItem
	for i := range 6 {
		items = append(items, LiveItem{ID: fmt.Sprint(i), Geometry: eq[0].Geom, Family: "fire", Severity: 3, Heading: math.NaN()})
	}
	m.SetLive(items, 1)
	capture(t, m, win)
	f := liveImage(m)
	p := f.view.MercatorToScreen(viewport.Project(eq[0].Geom))
	x, y := int(math.Round(p[0])), int(math.Round(p[1]))
	equipment := clusterColour(store.FireEquipment)
	// Colour: no pixel of the alerts near the equipment's vermilion.
	for _, v := range visions[:3] {
		n := 0
		for py := y - 50; py <= y+10; py++ {
			for px := x - 30; px <= x+30; px++ {
				if c := f.img.RGBAAt(px, py); c.A == 255 && deltaE(color.NRGBA{c.R, c.G, c.B, 255}, equipment, v.m) < 12 {
					n++
				}
			}
		}
		if n > 0 {
			t.Errorf("%s: %d pixels of the alerts look like the fire equipment's colour", v.name, n)
		}
	}
	// Shape: the widest row of the symbol lies well above the spot, and
	// the symbol narrows to a tip there: a pin, not a disc on the spot.
	width := func(py int) int {
		n := 0
		for px := x - 30; px <= x+30; px++ {
			if f.img.RGBAAt(px, py).A > 128 {
				n++
			}
		}
		return n
	}
	wide, at := 0, 0
	for py := y - 50; py <= y+10; py++ {
		if w := width(py); w > wide {
			wide, at = w, py
		}
	}
	if w := width(y - 2); w > 8 || w == 0 {
		t.Errorf("the symbol is %d px wide just above the spot, want a tip (1 to 8 px)", w)
	}
	if wide < 20 || y-at < 14 {
		t.Errorf("the symbol is widest (%d px) %d px above the spot, want a head of 20 px or more at least 14 px above", wide, y-at)
	}
}

// hourMap shows the demo at its Home view in a w×h map with a busy
// hour's n alerts and four patrol units, two of them at the North Gate.
func hourMap(t *testing.T, w, h float32, n int) (*Map, fyne.Window, []hourAlert) {
	test.NewTempApp(t)
	s := demoStore(t)
	m, win := showMap(t, s, w, h)
	m.SetDark(false)
	m.Home()
	m.WaitIdle()
	hour := busyHour(t, s, n)
	items := hourItems(hour)
	var gate orb.Point
	for _, a := range hour {
		if a.ID == "gate-n-0" {
			gate = a.Geometry.(orb.Point)
		}
	}
	for i, d := range []orb.Point{{0, 0}, {0.00005, 0}, {0.003, 0.001}, {-0.002, -0.002}} {
		items = append(items, LiveItem{ID: fmt.Sprintf("unit-%d", i), Kind: LiveUnit, Geometry: orb.Point{gate[0] + d[0], gate[1] + d[1]},
			Heading: 90, Label: fmt.Sprintf("Patrol %d", i+1)})
	}
	m.SetLive(items, 1)
	capture(t, m, win)
	return m, win, hour
}

// TestBusyHourLegible draws an hour of a busy compound at the default
// zoom, in a map the size the console gives it in a 1280×800 and in a
// 1920×1080 window, and checks that it reads: labels apart, the severe
// alerts named, alerts unlike the fire equipment, and the map not
// buried under them.
func TestBusyHourLegible(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h float32
	}{
		{"1280x800", 760, 680},
		{"1920x1080", 1120, 960},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, hour := hourMap(t, tc.w, tc.h, 114)
			f := liveImage(m)
			if f.img == nil {
				t.Fatal("no drawing of the live layer")
			}
			inner := liveBox{overlayMargin, overlayMargin, overlayMargin + float64(tc.w), overlayMargin + float64(tc.h)}

			// Labels: none on another, none on a symbol, all on screen.
			for i, a := range f.labels {
				if a.box.x0 < inner.x0 || a.box.y0 < inner.y0 || a.box.x1 > inner.x1 || a.box.y1 > inner.y1 {
					t.Errorf("label %q at %v reaches off the map", a.text, a.box)
				}
				for _, b := range f.labels[i+1:] {
					if a.box.overlaps(b.box) {
						t.Errorf("labels %q %v and %q %v overlap", a.text, a.box, b.text, b.box)
					}
				}
				for _, s := range f.symbols {
					if a.box.overlaps(s) {
						t.Errorf("label %q %v covers a symbol at %v", a.text, a.box, s)
					}
				}
			}
			if len(f.labels) < 3 {
				t.Errorf("%d labels, want the severe alerts and the units named where there is room", len(f.labels))
			}

			// Alerts: few symbols for the 114 alerts, covering a small
			// share of the map, none in the fire equipment's colour.
			m.live.mu.Lock()
			set := m.live.set
			m.live.mu.Unlock()
			gs := set.groups(f.view)
			inView := 0
			for _, g := range gs {
				if g.at[0] >= inner.x0 && g.at[0] <= inner.x1 && g.at[1] >= inner.y0 && g.at[1] <= inner.y1 {
					inView++
				}
			}
			// At most one symbol per 12,000 px² (a square of 110 px).
			if limit := int(tc.w * tc.h / 12000); inView > limit {
				t.Errorf("%d alert symbols for %d alerts, want at most %d", inView, len(hour), limit)
			}
			// Pixels of labels and units are not the alerts'.
			var skip []liveBox
			for _, l := range f.labels {
				skip = append(skip, l.box)
			}
			for _, it := range set.items {
				if it.kind == LiveUnit {
					q := f.view.MercatorToScreen(it.at)
					skip = append(skip, liveBox{q[0], q[1], q[0], q[1]}.grow(unitRadius+12))
				}
			}
			covered, equipLike := 0, 0
			equipment := clusterColour(store.FireEquipment)
			for y := int(inner.y0); y < int(inner.y1); y++ {
			pixels:
				for x := int(inner.x0); x < int(inner.x1); x++ {
					c := f.img.RGBAAt(x, y)
					if c.A == 0 {
						continue
					}
					for _, b := range skip {
						if float64(x) >= b.x0 && float64(x) < b.x1 && float64(y) >= b.y0 && float64(y) < b.y1 {
							continue pixels
						}
					}
					covered++
					if c.A == 255 {
						for _, v := range visions[:3] {
							if deltaE(color.NRGBA{c.R, c.G, c.B, 255}, equipment, v.m) < 12 {
								equipLike++
								break
							}
						}
					}
				}
			}
			share := float64(covered) / float64(tc.w*tc.h)
			t.Logf("%d alerts as %d symbols, %d labels, %.1f %% of the map under alert symbols", len(hour), inView, len(f.labels), 100*share)
			if share > 0.05 {
				t.Errorf("alert symbols cover %.1f %% of the map, want at most 5 %%", 100*share)
			}
			if equipLike > covered/200 {
				t.Errorf("%d pixels of the live layer look like the fire equipment's colour", equipLike)
			}
		})
	}
}

// TestLiveLabelsAtOnePlace crowds alerts and units at one gate, and
// around it, at zooms from the community's to the street's: the labels
// never overlap, the selected alert's is always shown, and the others
// are chosen by severity, then the newest.
func TestLiveLabelsAtOnePlace(t *testing.T) {
	for _, z := range []float64{16, 17.5, 18.6, 19.5, 20.5} {
		t.Run(fmt.Sprintf("zoom %g", z), func(t *testing.T) {
			test.NewTempApp(t)
			s := demoStore(t)
			m, win := showMap(t, s, 640, 400)
			m.SetDark(false)
			gate := orb.Point{}
			gs, _ := s.AccessPoints(t.Context(), store.World)
			for _, g := range gs {
				if g.Code == "GATE-N" {
					gate = g.Geom
				}
			}
			m.FlyTo(gate, z)
			m.WaitIdle()
			t0 := time.Date(2025, 3, 14, 20, 0, 0, 0, time.UTC)
			var items []LiveItem
			for i := range 30 {
				items = append(items, LiveItem{ID: fmt.Sprintf("gate-%02d", i), Geometry: gate, Family: "access", Severity: 1 + i%4,
					Heading: math.NaN(), Label: fmt.Sprintf("Forced door at the North Gate, %d", i), Time: t0.Add(time.Duration(i) * time.Minute)})
			}
			for i := range 24 {
				a := float64(i) * 2 * math.Pi / 24
				q := m.View().ToScreen(gate)
				p := at(m, q[0]+30*math.Cos(a)*float64(1+i%3), q[1]+20*math.Sin(a)*float64(1+i%3))
				items = append(items, LiveItem{ID: fmt.Sprintf("near-%02d", i), Geometry: p, Family: "intrusion", Severity: 3 + i%2,
					Heading: math.NaN(), Label: fmt.Sprintf("Intrusion seen by camera %d", i), Time: t0.Add(time.Duration(i) * time.Second)})
			}
			for i := range 6 {
				items = append(items, LiveItem{ID: fmt.Sprintf("unit-%d", i), Kind: LiveUnit, Geometry: gate, Heading: 90, Label: fmt.Sprintf("Patrol %d", i+1)})
			}
			items[7].Selected = true
			m.SetLive(items, 1)
			capture(t, m, win)
			f := liveImage(m)
			sel := liveLabelText(items[7].Label)
			found := false
			for i, a := range f.labels {
				found = found || a.text == sel
				for _, b := range f.labels[i+1:] {
					if a.box.overlaps(b.box) {
						t.Errorf("labels %q %v and %q %v overlap", a.text, a.box, b.text, b.box)
					}
				}
				if a.text == sel {
					continue
				}
				for _, s := range f.symbols {
					if a.box.overlaps(s) {
						t.Errorf("label %q %v covers a symbol at %v", a.text, a.box, s)
					}
				}
			}
			if !found {
				t.Errorf("the selected alert's label %q is not shown; labels: %v", sel, f.labels)
			}
		})
	}
}

// TestLiveLabelPriority gives labels more room than there is: the
// selected item's comes first, then by severity, then the newest.
func TestLiveLabelPriority(t *testing.T) {
	v := viewport.New(orb.Point{121.5, 31.2}, 19, 400, 300)
	ll := func(x, y float64) orb.Point { return v.ToLonLat(orb.Point{x, y}) }
	t0 := time.Date(2025, 3, 14, 20, 0, 0, 0, time.UTC)
	items := []LiveItem{
		{ID: "minor-selected", Geometry: ll(200, 150), Severity: 1, Selected: true, Label: "minor, selected", Time: t0},
		{ID: "severe-new", Geometry: ll(206, 150), Severity: 3, Label: "severe, newer", Time: t0.Add(2 * time.Minute)},
		{ID: "extreme-old", Geometry: ll(212, 150), Severity: 4, Label: "extreme, older", Time: t0},
		{ID: "severe-old", Geometry: ll(218, 150), Severity: 3, Label: "severe, older", Time: t0.Add(time.Minute)},
		{ID: "unit", Kind: LiveUnit, Geometry: ll(224, 150), Label: "unit"},
	}
	set := newLiveSet(items)
	// Labels as wide as the view: one per row of places.
	lay := set.layout(v, "", func(string) (float64, float64) { return 150, 14 }, 0, 0, 0)
	var got []string
	for _, l := range lay.labels {
		got = append(got, l.text)
	}
	// Some are left out for want of room; those placed come in order.
	want := []string{"minor, selected", "extreme, older", "severe, newer", "severe, older", "unit"}
	k := 0
	for _, g := range got {
		for k < len(want) && want[k] != g {
			k++
		}
		if k == len(want) {
			t.Fatalf("labels placed %q, want them in the order %q", got, want)
		}
	}
	if len(got) < 3 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("labels placed %q, want the selected one, then the extreme one, then more", got)
	}
	// With no room, only the selected item's label stays.
	lay = set.layout(v, "", func(string) (float64, float64) { return 390, 140 }, 0, 0, 0)
	if len(lay.labels) != 1 || lay.labels[0].text != "minor, selected" {
		t.Errorf("with no room: %v, want the selected label alone", lay.labels)
	}
}

// TestLiveAlertsAtOnePlace puts several alerts on one gate at street
// zoom: one pin with their count, and clicks on it select them one
// after the other, the most important first.
func TestLiveAlertsAtOnePlace(t *testing.T) {
	m, win := liveMap(t)
	m.FlyTo(m.View().Center, 19.5)
	m.WaitIdle()
	p := at(m, 320, 200)
	items := []LiveItem{
		{ID: "minor", Geometry: p, Family: "access", Severity: 1},
		{ID: "extreme", Geometry: p, Family: "access", Severity: 4},
		{ID: "severe", Geometry: at(m, 321, 201), Family: "access", Severity: 3},
		{ID: "drill", Geometry: p, Family: "access", Severity: 4, Drill: true},
		{ID: "apart", Geometry: at(m, 420, 200), Family: "access", Severity: 2},
	}
	m.SetLive(items, 1)
	capture(t, m, win)
	m.live.mu.Lock()
	gs := m.live.set.groups(m.View())
	m.live.mu.Unlock()
	if len(gs) != 2 {
		t.Fatalf("%d symbols, want the four alerts at the gate as one and the one apart", len(gs))
	}
	var picked []string
	m.OnSelectLive = func(id string) {
		picked = append(picked, id)
		for i := range items {
			items[i].Selected = items[i].ID == id
		}
		m.SetLive(items, uint64(len(picked)+1)) // as the console does
		capture(t, m, win)
	}
	for range 5 {
		m.live.mu.Lock()
		gs := m.live.set.groups(m.View())
		m.live.mu.Unlock()
		var head orb.Point
		for _, g := range gs {
			for _, i := range g.members {
				if id := m.live.set.items[i].id; id != "apart" {
					head, _ = g.head()
				}
			}
		}
		test.TapCanvas(win.Canvas(), fyne.NewPos(float32(head[0]), float32(head[1])))
	}
	want := []string{"extreme", "severe", "minor", "drill", "extreme"}
	if fmt.Sprint(picked) != fmt.Sprint(want) {
		t.Errorf("clicks selected %v, want %v", picked, want)
	}
	m.WaitIdle()
}

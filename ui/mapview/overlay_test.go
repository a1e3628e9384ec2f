package mapview

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/geo/viewport"
)

// TestOverlayStrips checks that the overlay drawn in strips at the same
// time is the overlay drawn in one piece: shapes, symbols, numbers and
// badges that cross a strip's edge are drawn on both sides of it. The
// demo is drawn with every layer on and a key area selected, at street
// zoom and zoomed out (clusters), light and dark, at two device scales.
func TestOverlayStrips(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	m, _ := showMap(t, s, 640, 400)
	m.mu.Lock()
	d, loadErr := m.data, m.loadErr
	m.mu.Unlock()
	if len(d.shapes[store.KeyAreas]) == 0 || len(d.sectors) == 0 {
		t.Fatalf("the demo has no key areas or no cameras (%d key areas, %d sectors; load error %v)", len(d.shapes[store.KeyAreas]), len(d.sectors), loadErr)
	}
	ka := d.shapes[store.KeyAreas][0]
	visible := map[string]bool{}
	for _, l := range append(store.LayerNames(), FieldsOfView) {
		visible[l] = true
	}
	tests := []struct {
		name  string
		zoom  float64
		scale float64
		dark  bool
	}{
		{"street", 17, 1, false},
		{"street dark hidpi", 17, 1.5, true},
		{"clusters", 15.5, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := viewport.New(demo.Origin, tc.zoom, 640+2*overlayMargin, 400+2*overlayMargin)
			v.Scale = tc.scale
			job := overlayJob{view: v, data: d, visible: visible, dark: tc.dark,
				sel: Selection{Layer: store.KeyAreas, FID: ka.fid, Feature: ka.feature}}
			whole := drawStrips(job, nil, 1)
			painted := 0
			for i := 3; i < len(whole.Pix); i += 4 {
				if whole.Pix[i] != 0 {
					painted++
				}
			}
			if painted < len(whole.Pix)/4/20 {
				t.Fatalf("only %d pixels painted: the view misses the demo", painted)
			}
			for _, n := range []int{2, 3} {
				// Into a used image, which must be wiped first.
				reuse := drawStrips(job, nil, 1)
				parts := drawStrips(job, reuse, n)
				// The rasteriser clips an edge at a strip's top in fixed
				// point: a pixel there may differ by a faint shade.
				off := 0
				for i := range whole.Pix {
					dd := int(parts.Pix[i]) - int(whole.Pix[i])
					if dd > 16 || dd < -16 {
						t.Fatalf("%d strips: pixel %d,%d channel %d is %d, want %d", n, i%whole.Stride/4, i/whole.Stride, i%4, parts.Pix[i], whole.Pix[i])
					}
					if dd > 2 || dd < -2 {
						off++
					}
				}
				if limit := len(whole.Pix) / 40000; off > limit {
					t.Errorf("%d strips: %d channels differ by more than 2 from the drawing in one piece, at most %d may", n, off, limit)
				}
			}
		})
	}
}

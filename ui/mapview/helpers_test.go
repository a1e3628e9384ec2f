package mapview

import (
	"context"
	"image"
	"image/color"
	"path/filepath"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
)

var (
	demoOnce sync.Once
	demoPath string
	demoErr  error
)

// demoStore returns a fresh copy of the demo community in a temporary
// GeoPackage.
func demoStore(t testing.TB) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.gpkg")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Write(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// showMap puts a map of s in a w×h test window and waits until it is
// drawn.
func showMap(t testing.TB, s *store.Store, w, h float32) (*Map, fyne.Window) {
	t.Helper()
	m := New(s)
	t.Cleanup(m.Close)
	win := sizedWindow(t, m, w, h)
	if !m.WaitIdle() {
		t.Fatal("the map did not finish drawing")
	}
	return m, win
}

// sizedWindow returns a test window of w×h showing o, which is laid out
// at that size from the start.
func sizedWindow(t testing.TB, o fyne.CanvasObject, w, h float32) fyne.Window {
	win := test.NewTempWindow(t, canvas.NewRectangle(color.Transparent))
	win.SetPadded(false)
	win.Resize(fyne.NewSize(w, h))
	win.SetContent(o)
	win.Resize(fyne.NewSize(w, h))
	return win
}

// capture waits for the map and captures its window.
func capture(t testing.TB, m *Map, win fyne.Window) *image.NRGBA {
	t.Helper()
	if !m.WaitIdle() {
		t.Fatal("the map did not finish drawing")
	}
	img := win.Canvas().Capture()
	out, ok := img.(*image.NRGBA)
	if !ok {
		b := img.Bounds()
		out = image.NewNRGBA(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				out.Set(x, y, img.At(x, y))
			}
		}
	}
	return out
}

// demoGate returns the position of the demo's access point code.
func demoGate(t *testing.T, s *store.Store, code string) orb.Point {
	t.Helper()
	gs, err := s.AccessPoints(t.Context(), store.World)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.Code == code {
			return g.Geom
		}
	}
	t.Fatalf("no access point %s in the demo", code)
	return orb.Point{}
}

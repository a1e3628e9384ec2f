package mapview

import (
	"context"
	"image"
	"image/color"
	"path/filepath"
	"sync"
	"testing"
	"time"

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

// settledCapture captures the window once the map shows the same picture
// twice in a row: a golden compares the settled drawing, not a frame
// caught while a layer asked for in the background is still on its way
// across a busy machine. It says how long settling took when it was not
// at once, and fails when the picture never settles.
func settledCapture(t testing.TB, m *Map, win fyne.Window) *image.NRGBA {
	t.Helper()
	start := time.Now()
	img := capture(t, m, win)
	for i := 1; i <= 20; i++ {
		time.Sleep(25 * time.Millisecond)
		next := capture(t, m, win)
		n := diff(img, next, 0)
		if n == 0 {
			if i > 1 {
				t.Logf("the picture settled after %d captures (%v)", i, time.Since(start).Round(time.Millisecond))
			}
			return next
		}
		t.Logf("capture %d: %d pixels changed since the one before", i, n)
		img = next
	}
	t.Fatalf("the map's picture kept changing for %v", time.Since(start).Round(time.Millisecond))
	return nil
}

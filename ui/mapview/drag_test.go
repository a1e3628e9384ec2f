package mapview

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/viewport"
)

// dragCall is one call of a DragFunc.
type dragCall struct {
	fid  int64
	at   orb.Point
	done bool
}

// dragBy drags from screen point p by (dx, dy) in n steps, as the desktop
// driver reports it: each event's position is the pointer's, its delta
// the move since the last one.
func dragBy(m *Map, p orb.Point, dx, dy float64, n int) {
	last := p
	for i := 1; i <= n; i++ {
		q := orb.Point{p[0] + dx*float64(i)/float64(n), p[1] + dy*float64(i)/float64(n)}
		m.Dragged(&fyne.DragEvent{
			PointEvent: fyne.PointEvent{Position: fyne.NewPos(float32(q[0]), float32(q[1]))},
			Dragged:    fyne.NewDelta(float32(q[0]-last[0]), float32(q[1]-last[1])),
		})
		last = q
	}
	m.DragEnd()
}

// cameraAt returns the camera whose symbol is at screen point q, if any.
func cameraAt(m *Map, q orb.Point) (store.Camera, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.data.hitTest(m.view, m.visibleLayers(), q)
	if !ok || h.sel.Layer != store.Cameras {
		return store.Camera{}, false
	}
	c, ok := h.sel.Feature.(store.Camera)
	return c, ok
}

func TestDragFeature(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	cam := firstCamera(t, s, store.CameraOnline)
	m, _ := showMap(t, s, 640, 400)
	m.FlyTo(cam.Geom, 19)
	m.WaitIdle()
	v := m.View()
	p := v.ToScreen(cam.Geom)
	var calls []dragCall
	accept := true
	m.SetDraggable(store.Cameras, func(fid int64, at orb.Point, done bool) bool {
		calls = append(calls, dragCall{fid, at, done})
		return accept
	})

	// Grabbed 3 px right of and 2 px above its centre, dragged by 60, 30:
	// the symbol's centre ends 60, 30 from where it was.
	dragBy(m, orb.Point{p[0] + 3, p[1] - 2}, 60, 30, 3)
	want := v.ToLonLat(orb.Point{p[0] + 60, p[1] + 30})
	if m.View() != v {
		t.Errorf("the view changed from %+v to %+v while a camera was dragged", v, m.View())
	}
	if len(calls) != 4 || calls[3].fid != cam.FID || !calls[3].done || calls[2].done {
		t.Fatalf("calls = %+v, want 3 moves and a drop of camera %d", calls, cam.FID)
	}
	for _, c := range calls {
		if c.fid != cam.FID {
			t.Errorf("call for fid %d, want %d", c.fid, cam.FID)
		}
	}
	if got := calls[3].at; math.Abs(got[0]-want[0]) > 1e-9 || math.Abs(got[1]-want[1]) > 1e-9 {
		t.Errorf("dropped at %v, want %v", got, want)
	}
	moved, ok := cameraAt(m, orb.Point{p[0] + 60, p[1] + 30})
	if !ok || moved.FID != cam.FID || moved.Geom != calls[3].at {
		t.Errorf("at the drop the map has camera %d at %v (found %v), want %d at %v", moved.FID, moved.Geom, ok, cam.FID, calls[3].at)
	}
	if c, ok := cameraAt(m, p); ok && c.FID == cam.FID {
		t.Error("the camera is still drawn where it was")
	}
	m.mu.Lock()
	sec := m.data.sector(cam.FID, store.Cameras)
	m.mu.Unlock()
	if sec == nil || sec.rings[0][0] != viewport.Project(calls[3].at) {
		t.Error("the camera's field of view did not move with it")
	}
	m.WaitIdle()

	// A drop the DragFunc refuses puts the camera back.
	accept = false
	calls = nil
	q := orb.Point{p[0] + 60, p[1] + 30}
	dragBy(m, q, -100, 0, 2)
	if c, ok := cameraAt(m, q); !ok || c.FID != cam.FID {
		t.Error("a refused drop did not put the camera back")
	}
	if len(calls) != 3 || !calls[2].done {
		t.Errorf("calls = %+v, want 2 moves and a drop", calls)
	}

	// Without a DragFunc a drag on a camera pans.
	m.SetDraggable(store.Cameras, nil)
	calls = nil
	dragBy(m, q, 20, 0, 1)
	if m.View().Center == v.Center || len(calls) != 0 {
		t.Errorf("a drag on a fixed camera did not pan (calls %+v)", calls)
	}
	m.WaitIdle()
}

package mapview

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb/geo"

	"safetynet/data/store"
)

// camerasBy returns the demo's cameras of status st, or fails.
func camerasBy(t *testing.T, s *store.Store, st string) []store.Camera {
	t.Helper()
	cams, err := s.Cameras(t.Context(), store.World)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Camera
	for _, c := range cams {
		if c.Status == st {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s camera in the demo", st)
	}
	return out
}

// sectorFill returns the alpha of the safety layers drawn with only
// camera fid's field of view, in m's view, at a point well inside it
// (halfway along its heading): 0 when the sector is not filled.
func sectorFill(t *testing.T, m *Map, c store.Camera) uint8 {
	t.Helper()
	m.mu.Lock()
	d, v := *m.data, m.view
	m.mu.Unlock()
	d.points, d.shapes, d.sectors = nil, nil, nil
	for _, sec := range m.data.sectors {
		if sec.fid == c.FID {
			d.sectors = append(d.sectors, sec)
		}
	}
	if len(d.sectors) != 1 {
		t.Fatalf("camera %s has %d sectors", c.Code, len(d.sectors))
	}
	v.Scale = 1
	img := drawOverlay(overlayJob{view: v, data: &d, visible: map[string]bool{store.Cameras: true, FieldsOfView: true}}, nil)
	r := c.MaxRange
	if r <= 0 {
		r = defaultRange
	}
	q := v.ToScreen(geo.PointAtBearingAndDistance(c.Geom, c.Heading, r*0.55))
	return img.RGBAAt(int(q[0]), int(q[1])).A
}

// TestOfflineCamerasMarked shows the demo's offline cameras zoomed out,
// where the others are clustered: each is drawn on its own, struck
// through, and its field of view is not filled as covering.
func TestOfflineCamerasMarked(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	m, win := showMap(t, s, 640, 400)
	m.SetDark(false)
	for _, c := range camerasBy(t, s, store.CameraOffline) {
		m.FlyTo(c.Geom, 16)
		m.WaitIdle()
		m.mu.Lock()
		h, ok := m.data.hitTest(m.view, m.visibleLayers(), m.view.ToScreen(c.Geom))
		m.mu.Unlock()
		if !ok || len(h.cluster) > 0 || h.sel.FID != c.FID {
			t.Errorf("offline camera %s at zoom 16: hit %v with %s/%d and a cluster of %d, want the camera alone", c.Code, ok, h.sel.Layer, h.sel.FID, len(h.cluster))
		}
		m.FlyTo(c.Geom, 19)
		capture(t, m, win)
		if a := sectorFill(t, m, c); a > 0 {
			t.Errorf("offline camera %s: its field of view is filled as covering (alpha %d)", c.Code, a)
		}
	}
}

// TestSetCameraStatus marks an online camera offline at once, as a live
// camera.offline event does, and back.
func TestSetCameraStatus(t *testing.T) {
	test.NewTempApp(t)
	s := demoStore(t)
	c := camerasBy(t, s, store.CameraOnline)[0]
	m, win := showMap(t, s, 640, 400)
	m.SetDark(false)
	m.FlyTo(c.Geom, 19)
	before := capture(t, m, win)
	q := screenPt(m, c.Geom)
	blue := near(before, q, 6, okBlue, 30)
	if blue < 20 {
		t.Fatalf("%d blue pixels on the online camera", blue)
	}
	if a := sectorFill(t, m, c); a == 0 {
		t.Fatalf("the online camera %s's field of view is not filled", c.Code)
	}

	m.SetCameraStatus(map[string]string{c.Code: "fault", "": "offline", "NO-SUCH": "offline"})
	if got := m.CameraStatus(c.Code); got != store.CameraOffline {
		t.Errorf("CameraStatus(%s) = %q after a fault, want offline", c.Code, got)
	}
	off := capture(t, m, win)
	if n := near(off, q, 6, okBlue, 30); n > blue/5 {
		t.Errorf("%d blue pixels on the camera marked offline (%d before)", n, blue)
	}
	if n := near(off, q, 8, okBlack, 40); n < 8 {
		t.Errorf("%d dark pixels of the strike on the offline camera", n)
	}
	if a := sectorFill(t, m, c); a > 0 {
		t.Errorf("the offline camera's field of view is filled as covering (alpha %d)", a)
	}
	test.MoveMouse(win.Canvas(), fyne.NewPos(float32(q.X), float32(q.Y)))
	m.mu.Lock()
	tip := m.tip
	m.mu.Unlock()
	if !strings.Contains(tip.detail, "offline") {
		t.Errorf("tooltip %+v over the camera, want it said offline", tip)
	}
	m.MouseOut()
	// The same statuses again draw nothing new; a reload keeps them.
	m.mu.Lock()
	d := m.data
	m.mu.Unlock()
	m.SetCameraStatus(map[string]string{c.Code: store.CameraOffline, "NO-SUCH": "fault"})
	m.mu.Lock()
	same := m.data == d
	m.mu.Unlock()
	if !same {
		t.Error("the same statuses made new data")
	}
	m.Reload()
	if n := diff(off, capture(t, m, win), 8); n > 0 {
		t.Errorf("%d pixels differ after a reload", n)
	}
	m.SetCameraStatus(nil)
	if got := m.CameraStatus(c.Code); got != c.Status {
		t.Errorf("CameraStatus(%s) = %q after clearing, want the stored %q", c.Code, got, c.Status)
	}
	if n := diff(before, capture(t, m, win), 8); n > 0 {
		t.Errorf("%d pixels differ from before once cleared", n)
	}
}

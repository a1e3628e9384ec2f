package app

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

// until runs what the window's goroutines hand over until ok holds.
func until(t *testing.T, ch <-chan struct{}, what string, ok func() bool) {
	t.Helper()
	timeout := time.After(waitLimit)
	for !ok() {
		select {
		case fn := <-queue:
			fn()
		case <-ch:
		case <-timeout:
			t.Fatalf("%s: not within %s", what, waitLimit)
		}
	}
}

// planCameraAt is CAM-P1 of planStore: fid 3, 8.9 m south of the middle
// of key area KA-01 (8 m square), looking north with a 60° field of view
// and a 40 m range, so that it sees most of the area at observe level.
var planCameraAt = orb.Point{121.4535 + 0.00004, 31.2205 - 0.00008}

const planCameraFID = 3

// planOn opens planStore in plan mode with the map on CAM-P1 at zoom 19.
func planOn(t *testing.T) (*App, <-chan struct{}, *store.Store) {
	t.Helper()
	useLanguage(t, locale.English)
	s := planStore(t)
	x, ch := start(t, s)
	wait(t, ch)
	x.plan.toggle.SetChecked(true)
	until(t, ch, "plan", func() bool { return x.planRes != nil })
	x.m.Resize(fyne.NewSize(600, 400))
	x.m.FlyTo(planCameraAt, 19)
	x.m.WaitIdle()
	return x, ch, s
}

// drag drags the map from lon/lat a to b in steps, running what each
// step hands over, and then drops.
func drag(t *testing.T, x *App, ch <-chan struct{}, a, b orb.Point, steps int, beforeDrop func()) {
	t.Helper()
	v := x.m.View()
	p, q := v.ToScreen(a), v.ToScreen(b)
	last := p
	for i := 1; i <= steps; i++ {
		f := float64(i) / float64(steps)
		at := orb.Point{p[0] + f*(q[0]-p[0]), p[1] + f*(q[1]-p[1])}
		x.m.Dragged(&fyne.DragEvent{
			PointEvent: fyne.PointEvent{Position: fyne.NewPos(float32(at[0]), float32(at[1]))},
			Dragged:    fyne.NewDelta(float32(at[0]-last[0]), float32(at[1]-last[1])),
		})
		last = at
	}
	until(t, ch, "drag steps", func() bool {
		x.drag.mu.Lock()
		defer x.drag.mu.Unlock()
		return !x.drag.running
	})
	if beforeDrop != nil {
		beforeDrop()
	}
	x.m.DragEnd()
}

// storedCamera reads camera fid from a second connection to the file.
func storedCamera(t *testing.T, path string, fid int64) store.Camera {
	t.Helper()
	s, err := store.OpenWith(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := s.Cameras(context.Background(), store.World)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.FID == fid {
			return c
		}
	}
	t.Fatalf("no camera %d in %s", fid, path)
	return store.Camera{}
}

func near(a, b orb.Point, tol float64) bool {
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}

func TestPlanDragCamera(t *testing.T) {
	x, ch, s := planOn(t)
	if got := x.plan.rows[0].camera; got < 0.3 {
		t.Fatalf("KA-01 at level before the drag = %v, want the camera to see it", got)
	}
	centre := x.m.View().Center

	// 30 m east (0.000316° of longitude at 31.22° N) the camera, still
	// looking north, sees 10 m either side of its axis at 18 m: KA-01,
	// 26 m to 34 m west of it, is out of sight.
	to := orb.Point{planCameraAt[0] + 0.000316, planCameraAt[1]}
	var during float64
	drag(t, x, ch, planCameraAt, to, 4, func() {
		during = x.plan.rows[0].camera
		if x.m.View().Center != centre {
			t.Error("the map panned while a camera was dragged")
		}
		c, _ := x.planRes.model.Camera("CAM-P1")
		if at := x.planRes.sc.Plane.ToLonLat(c.At); !near(at, to, 2e-6) {
			t.Errorf("model camera during the drag at %v, want %v", at, to)
		}
	})
	if during != 0 {
		t.Errorf("KA-01 at level while dragged away = %v, want 0", during)
	}
	if x.plan.cell(0, 3) != "0%" {
		t.Errorf("table shows %q for KA-01 after the drag", x.plan.cell(0, 3))
	}
	until(t, ch, "save", func() bool { return len(x.undo) == 1 })
	if got := storedCamera(t, s.Path(), planCameraFID).Geom; !near(got, to, 2e-6) {
		t.Errorf("stored camera at %v, want %v", got, to)
	}
	if x.undoItem.Disabled {
		t.Error("Edit › Undo is disabled after a change")
	}

	// Undo puts it back: in the store and in the plan.
	x.undoCamera()
	until(t, ch, "undo", func() bool { return near(storedCamera(t, s.Path(), planCameraFID).Geom, planCameraAt, 1e-9) })
	if got := x.plan.rows[0].camera; got < 0.3 {
		t.Errorf("KA-01 at level after undo = %v, want it seen again", got)
	}

	// Dragging where no camera is pans the map.
	v := x.m.View()
	x.m.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(20, 20)}, Dragged: fyne.NewDelta(10, 0)})
	x.m.DragEnd()
	if x.m.View().Center == v.Center {
		t.Error("a drag away from the cameras did not pan")
	}
}

func TestPlanDropInBuildingRefused(t *testing.T) {
	x, ch, s := planOn(t)
	before := x.plan.rows[0].camera
	// The middle of newStore's first building, 10 m from its walls.
	in := orb.Point{121.4501, 31.2201}
	x.m.FlyTo(orb.Point{(in[0] + planCameraAt[0]) / 2, (in[1] + planCameraAt[1]) / 2}, 18.6)
	x.m.WaitIdle()
	drag(t, x, ch, planCameraAt, in, 3, nil)
	msg := x.plan.status.Text
	if !strings.Contains(msg, "CAM-P1") || !strings.Contains(msg, "inside building") {
		t.Errorf("status = %q, want the coverage engine's message that the mount is inside a building", msg)
	}
	if x.win.Canvas().Overlays().Top() == nil {
		t.Error("no dialog says why the camera was not moved")
	}
	c, _ := x.planRes.model.Camera("CAM-P1")
	if at := x.planRes.sc.Plane.ToLonLat(c.At); !near(at, planCameraAt, 1e-7) {
		t.Errorf("model camera at %v after the refused drop, want it back at %v", at, planCameraAt)
	}
	if got := x.plan.rows[0].camera; got != before {
		t.Errorf("KA-01 at level = %v after the refused drop, was %v", got, before)
	}
	if len(x.undo) != 0 {
		t.Error("a refused drop was saved")
	}
	if got := storedCamera(t, s.Path(), planCameraFID).Geom; !near(got, planCameraAt, 1e-9) {
		t.Errorf("stored camera at %v, want it where it was, %v", got, planCameraAt)
	}
}

func TestPlanSliderSaved(t *testing.T) {
	x, ch, s := planOn(t)
	x.selected(mapview.Selection{Layer: store.Cameras, FID: planCameraFID})
	until(t, ch, "editor", func() bool { return x.camEdit.id == "CAM-P1" })
	// A tap on the heading slider is a whole edit: saved at once.
	x.camEdit.heading.SetValue(135)
	until(t, ch, "save", func() bool { return len(x.undo) == 1 })
	if got := storedCamera(t, s.Path(), planCameraFID); got.Heading != 135 || got.HFOV != 60 {
		t.Errorf("stored heading %v, FOV %v, want 135 and 60", got.Heading, got.HFOV)
	}
	// Dragging the FOV slider changes the plan as it moves and the store
	// when it is let go.
	x.camEdit.fov.Value = 90
	x.camEdit.fov.OnChanged(90)
	if c, _ := x.planRes.model.Camera("CAM-P1"); c.HFOV != 90 {
		t.Errorf("model FOV %v while the slider moves, want 90", c.HFOV)
	}
	if got := storedCamera(t, s.Path(), planCameraFID); got.HFOV != 60 {
		t.Fatalf("stored FOV %v before the edit ended, want 60", got.HFOV)
	}
	x.camEdit.fov.OnChangeEnded(90)
	until(t, ch, "save", func() bool { return len(x.undo) == 2 })
	if got := storedCamera(t, s.Path(), planCameraFID); got.Heading != 135 || got.HFOV != 90 {
		t.Errorf("stored heading %v, FOV %v, want 135 and 90", got.Heading, got.HFOV)
	}
	// Ending an edit that changed nothing saves nothing more.
	x.camEdit.heading.OnChangeEnded(135)
	until(t, ch, "gap layer", func() bool { return len(queue) == 0 })
	if len(x.undo) != 2 {
		t.Errorf("%d changes saved, want 2", len(x.undo))
	}
	x.undoCamera()
	until(t, ch, "undo", func() bool { return storedCamera(t, s.Path(), planCameraFID).HFOV == 60 })
	if x.camEdit.heading.Value != 135 || x.camEdit.fov.Value != 60 {
		t.Errorf("sliders after one undo at %v and %v, want 135 and 60", x.camEdit.heading.Value, x.camEdit.fov.Value)
	}
	x.undoCamera()
	until(t, ch, "undo", func() bool { return storedCamera(t, s.Path(), planCameraFID).Heading == 0 })
	if !x.undoItem.Disabled {
		t.Error("Edit › Undo enabled with nothing left to undo")
	}
	if x.camEdit.heading.Value != 0 || x.camEdit.fov.Value != 60 {
		t.Errorf("sliders after undo at %v and %v, want 0 and 60", x.camEdit.heading.Value, x.camEdit.fov.Value)
	}
}

func TestSelectCameraOpensEditor(t *testing.T) {
	useLanguage(t, locale.English)
	x, ch := start(t, planStore(t))
	x.SetPlanMode(true)
	x.SelectCamera("CAM-P1")
	until(t, ch, "editor", func() bool { return x.camEdit.id == "CAM-P1" && x.camEdit.box.Visible() })
	if sel := x.m.Selected(); sel.Layer != store.Cameras || sel.FID != planCameraFID {
		t.Errorf("map selection %+v, want camera %d", sel, planCameraFID)
	}
	if v := x.m.View(); !near(v.Center, planCameraAt, 1e-9) || v.Zoom != 18.6 {
		t.Errorf("map centre %v at zoom %v, want the camera at %v at zoom 18.6", v.Center, v.Zoom, planCameraAt)
	}
	x.SelectCamera("NO-SUCH")
	until(t, ch, "notice", func() bool { return x.notice.Visible() })
	if !strings.Contains(x.notice.Text, "NO-SUCH") {
		t.Errorf("notice %q, want it to name the missing code", x.notice.Text)
	}
}

// BenchmarkPlanDragStep measures one step of dragging a camera of the
// demo community: the model moves it, then its zones, the key-area table
// and the map's coverage layers are made again (what a frame shows).
func BenchmarkPlanDragStep(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(b.TempDir() + "/demo.gpkg")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := demo.Write(ctx, s); err != nil {
		b.Fatal(err)
	}
	r := computePlan(ctx, s, locale.English, 0)
	if r.err != nil {
		b.Fatal(r.err)
	}
	c, ok := r.model.Camera("CAM-001")
	if !ok {
		b.Fatal("no CAM-001")
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		d := c
		d.At = orb.Point{c.At[0] + float64(i%8)*0.5, c.At[1]} // 0 to 3.5 m east, to and fro
		if _, err := r.model.SetCamera(d); err != nil {
			b.Fatal(err)
		}
		r.zones[c.ID] = r.cameraShapes(c.ID)
		r.rows = r.keyAreas()
		r.cov = r.coverage()
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/step")
}

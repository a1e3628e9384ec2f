package app

import (
	"context"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

// planStore is newStore with a camera looking over a key area.
func planStore(t *testing.T) *store.Store {
	t.Helper()
	s := newStore(t, "plan.gpkg")
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		d := 0.00008 // about 8 m
		x, y := 121.4535, 31.2205
		if _, err := tx.Insert(store.KeyArea{Geom: orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}},
			Names: store.Names{Name: "东门", NameEn: "East Gate"}, Code: "KA-01", Kind: "gate", RequiredLevel: "observe"}); err != nil {
			return err
		}
		_, err := tx.Insert(store.Camera{Geom: orb.Point{x + d/2, y - 0.00008}, Code: "CAM-P1", MountHeight: 4, Heading: 0, HFOV: 60,
			ResolutionH: 2560, MaxRange: 40, Status: store.CameraOnline})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPlanShowsKeyAreasAndCoverage(t *testing.T) {
	useLanguage(t, locale.English)
	x, ch := start(t, planStore(t))
	wait(t, ch)
	if x.m.Coverage() != nil {
		t.Fatal("coverage shown before plan mode")
	}
	x.plan.toggle.SetChecked(true)
	if !x.plan.progress.Visible() {
		t.Error("no progress shown while computing")
	}
	wait(t, ch)
	if x.plan.progress.Visible() {
		t.Error("progress still shown")
	}
	cov := x.m.Coverage()
	if cov == nil || len(cov.Shapes) == 0 {
		t.Fatalf("map coverage = %+v, want shapes", cov)
	}
	if len(x.plan.rows) != 1 {
		t.Fatalf("table rows = %+v, want the key area", x.plan.rows)
	}
	rows, cols := x.plan.table.Length()
	if rows != 1 || cols != 7 {
		t.Fatalf("table is %d×%d, want 1×7", rows, cols)
	}
	cell := func(c int) string {
		l := x.plan.table.CreateCell().(*widget.Label)
		x.plan.table.UpdateCell(widget.TableCellID{Row: 0, Col: c}, l)
		return l.Text
	}
	if got := cell(0); got != "KA-01" {
		t.Errorf("code = %q", got)
	}
	if got := cell(1); got != "East Gate" {
		t.Errorf("name = %q", got)
	}
	if got := cell(2); got != "observe" {
		t.Errorf("level = %q", got)
	}
	pct, err := strconv.Atoi(strings.TrimSuffix(cell(3), "%"))
	if err != nil || pct < 30 || pct > 100 {
		t.Errorf("%% at level = %q, want a good share of the area seen by the camera", cell(3))
	}
	if got := cell(6); !strings.HasSuffix(got, "%") {
		t.Errorf("%% nothing = %q", got)
	}

	// A row flies to its area.
	x.plan.table.Select(widget.TableCellID{Row: 0, Col: 1})
	c := x.m.View().Center
	want := x.plan.rows[0].bound.Center()
	if math.Abs(c[0]-want[0]) > 1e-6 || math.Abs(c[1]-want[1]) > 1e-6 {
		t.Errorf("map centre = %v, want the key area %v", c, want)
	}

	// Turning the camera away from the area uncovers it.
	before := x.plan.rows[0].camera
	x.selected(mapview.Selection{Layer: store.Cameras, FID: 3})
	wait(t, ch)
	if !x.camEdit.box.Visible() || x.camEdit.id != "CAM-P1" {
		t.Fatalf("camera editor visible %v for %q, want CAM-P1", x.camEdit.box.Visible(), x.camEdit.id)
	}
	if got := x.camEdit.heading.Value; got != 0 {
		t.Errorf("heading slider = %v, want 0", got)
	}
	x.camEdit.heading.SetValue(180)
	if after := x.plan.rows[0].camera; after >= before || after > 0.05 {
		t.Errorf("%% at level after turning away = %v, was %v", after, before)
	}
	if x.plan.cell(0, 3) != "0%" {
		t.Errorf("table shows %q after turning the camera away", x.plan.cell(0, 3))
	}
	if x.m.Coverage() == cov {
		t.Error("map coverage not updated")
	}
	x.camEdit.heading.OnChangeEnded(180)
	wait(t, ch) // the gap layer

	x.plan.toggle.SetChecked(false)
	if x.camEdit.box.Visible() {
		t.Error("camera editor still shown after plan mode went off")
	}
	if x.m.Coverage() != nil {
		t.Error("coverage still shown after plan mode went off")
	}
}

func TestPlanChinese(t *testing.T) {
	useLanguage(t, locale.Chinese)
	x, ch := start(t, planStore(t))
	wait(t, ch)
	x.plan.toggle.SetChecked(true)
	wait(t, ch)
	if len(x.plan.rows) != 1 || x.plan.rows[0].name != "东门" {
		t.Fatalf("rows = %+v, want 东门", x.plan.rows)
	}
	if got := x.plan.cell(0, 2); got != "观察" {
		t.Errorf("level = %q, want 观察", got)
	}
}

// TestPlanShot saves a screenshot of plan mode over the demo community
// for a person to look at, when PLANSHOT names a PNG file.
func TestPlanShot(t *testing.T) {
	path := os.Getenv("PLANSHOT")
	if path == "" {
		t.Skip("set PLANSHOT to save a screenshot")
	}
	useLanguage(t, locale.English)
	s, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Write(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	x, ch := start(t, s)
	x.win.Resize(fyne.NewSize(1280, 800))
	wait(t, ch)
	x.plan.toggle.SetChecked(true)
	deadline := time.After(2 * time.Minute)
	for done := false; !done; {
		select {
		case fn := <-queue:
			fn()
		case <-ch:
			done = true
		case <-deadline:
			t.Fatal("the plan took over 2 minutes")
		}
	}
	x.m.FlyTo(demo.Origin, 17.5)
	if os.Getenv("PLANSHOT_CAMERA") != "" {
		x.m.Select(store.Cameras, 1)
		x.selected(mapview.Selection{Layer: store.Cameras, FID: 1})
		wait(t, ch)
		if c, ok := x.planRes.model.Camera(x.camEdit.id); ok {
			x.m.FlyTo(x.planRes.sc.Plane.ToLonLat(c.At), 19)
			x.camEdit.heading.SetValue(math.Mod(c.Heading+90, 360))
		}
	}
	for i := 0; i < 3; i++ {
		x.m.WaitIdle()
		for len(queue) > 0 {
			(<-queue)()
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, x.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

func TestPlanSuggestAdds(t *testing.T) {
	useLanguage(t, locale.English)
	s := planStore(t)
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		x, y, d := 121.451, 31.2206, 0.0001 // south of a building, no camera near
		_, err := tx.Insert(store.KeyArea{Geom: orb.Polygon{{{x, y}, {x + 2*d, y}, {x + 2*d, y + d}, {x, y + d}, {x, y}}},
			Code: "KA-02", Kind: "ebike_shed", RequiredLevel: "observe"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	x, ch := start(t, s)
	wait(t, ch)
	x.plan.toggle.SetChecked(true)
	wait(t, ch)
	if x.plan.suggest.Disabled() {
		t.Fatal("Suggest is disabled with the plan shown")
	}
	x.suggestCameras()
	wait(t, ch)
	if len(x.plan.suggestions) == 0 {
		t.Fatal("no suggestions")
	}
	if x.win.Canvas().Overlays().Top() == nil {
		t.Error("no dialog lists the suggestions")
	}
	c := suggestedCamera(x.planRes, x.plan.suggestions[0])
	if c.Code != "PLAN-1" || c.Geom.Lon() < 121.44 || c.Geom.Lon() > 121.46 || c.Geom.Lat() < 31.21 || c.Geom.Lat() > 31.23 {
		t.Errorf("camera = %s at %v, want PLAN-1 near the community", c.Code, c.Geom)
	}
	x.addSuggestion(x.plan.suggestions[0])
	wait(t, ch) // the insert
	for x.planRes == nil {
		wait(t, ch) // the counts and the plan again
	}
	n, err := s.Count(context.Background(), store.Cameras)
	if err != nil || n != 4 {
		t.Errorf("cameras = %d (%v), want 4", n, err)
	}
	if _, ok := x.planRes.model.Camera("PLAN-1"); !ok {
		t.Error("the new plan lacks PLAN-1")
	}
	cs, err := s.Cameras(context.Background(), store.World)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == "PLAN-1" && c.Status != store.CameraPlanned {
			t.Errorf("PLAN-1 stored with status %q, want %q", c.Status, store.CameraPlanned)
		}
	}
}

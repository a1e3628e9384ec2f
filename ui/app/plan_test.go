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
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/geo/placement"
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
		o := x.plan.table.CreateCell()
		x.plan.table.UpdateCell(widget.TableCellID{Row: 0, Col: c}, o)
		return o.(*fyne.Container).Objects[0].(*canvas.Text).Text
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

// suggestStore is planStore with a key area no camera sees.
func suggestStore(t *testing.T) *store.Store {
	t.Helper()
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
	return s
}

// rowsOf returns the suggestion rows the list draws.
func rowsOf(o fyne.CanvasObject) []*suggestionRow {
	var out []*suggestionRow
	switch c := o.(type) {
	case *suggestionRow:
		return []*suggestionRow{c}
	case fyne.Widget:
		for _, k := range test.WidgetRenderer(c).Objects() {
			out = append(out, rowsOf(k)...)
		}
	case *fyne.Container:
		for _, k := range c.Objects {
			out = append(out, rowsOf(k)...)
		}
	}
	return out
}

// previewed returns the mount of the suggestion previewed on the map
// (longitude/latitude), and whether the map's coverage shows one.
func previewed(x *App) (orb.Point, bool) {
	cov := x.m.Coverage()
	if cov == nil {
		return orb.Point{}, false
	}
	for _, sh := range cov.Shapes {
		if sh.Fill == previewMount {
			// The mark is a circle in the plane's metres: its centre
			// there (in longitude/latitude a wide circle is not
			// symmetric about it).
			var b orb.Bound
			for i, p := range sh.Polygon[0][0] {
				m := x.planRes.sc.ToMetres(p)
				if i == 0 {
					b = m.Bound()
				} else {
					b = b.Extend(m)
				}
			}
			return x.planRes.sc.Plane.ToLonLat(b.Center()), true
		}
	}
	return orb.Point{}, false
}

func TestPlanSuggestPreviewAddUndo(t *testing.T) {
	useLanguage(t, locale.English)
	s := suggestStore(t)
	x, ch := start(t, s)
	wait(t, ch)
	x.plan.toggle.SetChecked(true)
	wait(t, ch)
	if x.plan.suggest.Disabled() || !x.plan.suggest.Visible() {
		t.Fatal("Suggest is not offered with the plan shown")
	}
	x.plan.suggest.OnTapped()
	wait(t, ch)
	l := x.plan.sugg
	if len(x.plan.suggestions) < 2 || l == nil {
		t.Fatalf("%d suggestions, list %v; want at least 2 listed", len(x.plan.suggestions), l)
	}
	if x.plan.box.Objects[0] != l.box {
		t.Error("the suggestions are not shown in place of the table")
	}
	mountOf := func(i int) orb.Point {
		c, _, err := x.planRes.model.Preview(x.plan.suggestions[i].Camera)
		if err != nil {
			t.Fatal(err)
		}
		return x.planRes.sc.Plane.ToLonLat(c.At)
	}

	// Before anything is added, the selected suggestion is on the map.
	at, ok := previewed(x)
	if !ok || !near(at, mountOf(0), 2e-6) {
		t.Fatalf("preview at %v (%v), want suggestion 1's mount %v", at, ok, mountOf(0))
	}
	if _, in := x.planRes.model.Camera("PLAN-1"); in {
		t.Fatal("the preview added the camera to the plan")
	}
	// Pointing at the second row previews it; leaving goes back.
	l.list.Resize(fyne.NewSize(700, 300))
	rows := rowsOf(l.list)
	var second *suggestionRow
	for _, r := range rows {
		if r.id == 1 {
			second = r
		}
	}
	if second == nil {
		t.Fatalf("no row for suggestion 2 among %d rows", len(rows))
	}
	second.MouseIn(nil)
	if at, _ := previewed(x); !near(at, mountOf(1), 2e-6) {
		t.Errorf("preview at %v while pointing at row 2, want %v", at, mountOf(1))
	}
	second.MouseOut()
	if at, _ := previewed(x); !near(at, mountOf(0), 2e-6) {
		t.Errorf("preview at %v after leaving row 2, want the selected suggestion at %v", at, mountOf(0))
	}
	l.list.Select(1)
	if at, _ := previewed(x); !near(at, mountOf(1), 2e-6) {
		t.Errorf("preview at %v with row 2 selected, want %v", at, mountOf(1))
	}

	// Adding: stored with a name and a unique code, in the plan, shown.
	second.add.OnTapped()
	until(t, ch, "add", func() bool { return len(x.undo) == 1 })
	until(t, ch, "feature panel", func() bool { return strings.Contains(x.info.title.Text, "Planned camera 1") })
	cs, err := s.Cameras(context.Background(), store.World)
	if err != nil {
		t.Fatal(err)
	}
	var added *store.Camera
	for i, c := range cs {
		if c.Code == "PLAN-1" {
			added = &cs[i]
		}
	}
	if len(cs) != 4 || added == nil {
		t.Fatalf("cameras = %d, PLAN-1 %v; want 4 with PLAN-1", len(cs), added)
	}
	if added.NameEn != "Planned camera 1" || added.NameZh != "规划摄像机 1" || added.Status != store.CameraPlanned {
		t.Errorf("PLAN-1 stored as %q / %q, status %q; want Planned camera 1 / 规划摄像机 1, planned", added.NameEn, added.NameZh, added.Status)
	}
	if !near(added.Geom, mountOf(1), 2e-6) {
		t.Errorf("PLAN-1 stored at %v, want where it was previewed, %v", added.Geom, mountOf(1))
	}
	if _, in := x.planRes.model.Camera("PLAN-1"); !in {
		t.Error("the plan lacks PLAN-1")
	}
	if _, ok := previewed(x); ok {
		t.Error("the added camera is still previewed over the plan")
	}
	if got := cells(x)["Cameras"]; got != "4" {
		t.Errorf("layer panel counts %q cameras, want 4", got)
	}
	// A second addition gets the next code.
	first := rowsOf(l.list)[0]
	first.add.OnTapped()
	until(t, ch, "add", func() bool { return len(x.undo) == 2 })
	if _, in := x.planRes.model.Camera("PLAN-2"); !in {
		t.Error("the second camera added is not PLAN-2")
	}

	// Undo takes the additions back, last first: Ctrl+Z, then the menu.
	x.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	until(t, ch, "undo", func() bool { n, _ := s.Count(context.Background(), store.Cameras); return n == 4 })
	if _, in := x.planRes.model.Camera("PLAN-2"); in {
		t.Error("PLAN-2 still in the plan after undo")
	}
	x.undoItem.Action()
	until(t, ch, "undo", func() bool { n, _ := s.Count(context.Background(), store.Cameras); return n == 3 })
	until(t, ch, "counts", func() bool { return cells(x)["Cameras"] == "3" })
	if _, in := x.planRes.model.Camera("PLAN-1"); in {
		t.Error("PLAN-1 still in the plan after undo")
	}
	if !x.undoItem.Disabled {
		t.Error("Edit › Undo enabled with nothing left to undo")
	}
	if len(l.added) != 0 {
		t.Errorf("the list still marks %v as added", l.added)
	}
	until(t, ch, "the feature panel lets go of the camera taken back", func() bool { return x.info.title.Text == "Nothing selected" })

	x.closeSuggestions()
	if x.plan.box.Objects[0] != x.plan.keyAreas {
		t.Error("Close did not bring the table back")
	}
	if _, ok := previewed(x); ok {
		t.Error("a preview is left on the map after Close")
	}
}

func TestSuggestedCameraCode(t *testing.T) {
	useLanguage(t, locale.Chinese)
	s := suggestStore(t)
	r := computePlan(context.Background(), s, locale.Chinese, 0)
	if r.err != nil {
		t.Fatal(r.err)
	}
	sg := placement.Suggestion{Camera: coverage.Camera{ID: "PLAN-1", At: orb.Point{1, 1}, HFOV: 60, ResolutionH: 1920, Range: 20}}
	tests := []struct {
		name  string
		codes []string
		code  string
		local string
	}{
		{"the first", nil, "PLAN-1", "规划摄像机 1"},
		{"after two", []string{"PLAN-1", "PLAN-2", "CAM-P1"}, "PLAN-3", "规划摄像机 3"},
		{"a gap is filled", []string{"PLAN-2"}, "PLAN-1", "规划摄像机 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			codes := map[string]bool{}
			for _, c := range tc.codes {
				codes[c] = true
			}
			c := suggestedCamera(&r, sg, codes)
			if c.Code != tc.code || c.Name != tc.local {
				t.Errorf("code %q, name %q; want %q, %q", c.Code, c.Name, tc.code, tc.local)
			}
		})
	}
}

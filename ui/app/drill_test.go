package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/ui/drill"
	"safetynet/ui/locale"
)

// drillOn opens the demo community, turns Drill mode on and waits for
// its reads.
func drillOn(t *testing.T) (*App, <-chan struct{}, *store.Store) {
	t.Helper()
	useLanguage(t, locale.English)
	s := demoConsoleStore(t)
	x, ch := start(t, s)
	x.win.Resize(fyne.NewSize(1280, 800))
	wait(t, ch) // counts and extent
	x.SetDrillMode(true)
	if !x.drill.on {
		t.Fatal("Drill mode did not turn on")
	}
	wait(t, ch) // the scenario list
	wait(t, ch) // the feature codes
	if x.drill.places == nil {
		t.Fatal("the feature codes were not read")
	}
	return x, ch, s
}

func TestDrillAddInjectByMapClick(t *testing.T) {
	x, ch, s := drillOn(t)
	cam := firstCameraWithCode(t, s)
	x.m.FlyTo(cam.Geom, 19.5)
	x.m.WaitIdle()
	at := x.m.View().ToScreen(cam.Geom)

	test.Tap(x.drill.add)
	if !x.m.Picking() {
		t.Fatal("Add inject here does not wait for a click on the map")
	}
	x.m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(float32(at[0]), float32(at[1]))})
	sc := x.drill.wb.Scenario()
	if len(sc.Injects) != 1 || sc.Injects[0].LocationCode != cam.Code || sc.Injects[0].Geometry != nil {
		t.Fatalf("a click on camera %s added %+v", cam.Code, sc.Injects)
	}
	marks := x.m.Marks()
	if len(marks) != 1 || marks[0].Text != "1" || marks[0].At != cam.Geom || !marks[0].Selected || marks[0].Colour != drill.Colour {
		t.Errorf("marks after adding inject 1 at the camera: %+v", marks)
	}
	if x.m.Selected().Layer != "" {
		t.Errorf("the click for the inject also selected %+v", x.m.Selected())
	}

	// A second inject on open ground 80 px away gets the point clicked.
	test.Tap(x.drill.add)
	x.m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(float32(at[0])+80, float32(at[1])+60)})
	sc = x.drill.wb.Scenario()
	if len(sc.Injects) != 2 || sc.Injects[1].Number != "2" || sc.Injects[1].Offset != time.Minute {
		t.Fatalf("the second inject: %+v", sc.Injects)
	}
	p, ok := sc.Injects[1].Geometry.(orb.Point)
	if want := x.m.View().ToLonLat(orb.Point{at[0] + 80, at[1] + 60}); !ok || p != want || sc.Injects[1].LocationCode != "" {
		t.Errorf("the second inject is at %v code %q, want the point %v", sc.Injects[1].Geometry, sc.Injects[1].LocationCode, want)
	}
	if len(x.m.Marks()) != 2 {
		t.Errorf("%d marks for 2 injects", len(x.m.Marks()))
	}
	// A click on the first mark selects inject 1.
	x.m.Tapped(&fyne.PointEvent{Position: fyne.NewPos(float32(at[0])+2, float32(at[1])+1)})
	if x.drill.wb.Selected() != 0 || x.drill.wb.Timeline.Selected() != 0 {
		t.Errorf("a click on mark 1 selected inject %d", x.drill.wb.Selected())
	}

	// An unknown code cannot be saved; once fixed, one save writes it.
	src := scenariosFor(s)
	setCode(x.drill.wb, "NOPE")
	if x.drill.wb.Valid() || !x.drill.save.Disabled() {
		t.Fatal("a scenario naming an unknown code can be saved")
	}
	setCode(x.drill.wb, cam.Code)
	if !x.drill.wb.Valid() || x.drill.save.Disabled() {
		t.Fatalf("the fixed scenario cannot be saved: %+v", x.drill.wb.Problems())
	}
	test.Tap(x.drill.save)
	wait(t, ch) // the save
	wait(t, ch) // the list read again
	saved, err := src.Scenarios(context.Background())
	code := x.drill.wb.Scenario().Code
	var mine []store.Scenario
	for _, sc := range saved {
		if sc.Code == code {
			mine = append(mine, sc)
		}
	}
	// The demo community comes with a scenario of its own.
	if err != nil || len(saved) != 2 || len(mine) != 1 || len(mine[0].Injects) != 2 || mine[0].Injects[0].LocationCode != cam.Code {
		t.Fatalf("saved scenarios: %+v, %v", saved, err)
	}
	if x.drill.wb.Dirty() || len(x.drill.scenarios) != 2 {
		t.Errorf("after saving: dirty %v, %d listed", x.drill.wb.Dirty(), len(x.drill.scenarios))
	}
}

// setCode gives the selected inject the location code s, as a pick on
// the map does.
func setCode(wb *drill.Workbench, s string) { wb.Editor.SetPlace(s, nil) }

func TestDrillAsksAboutUnsavedChanges(t *testing.T) {
	x, _, _ := drillOn(t)
	x.drill.wb.AddInject("", orb.Point{121.6, 31.2}, "")
	x.SetDrillMode(false)
	if !x.drill.on {
		t.Fatal("Drill mode turned off with an unsaved inject, without asking")
	}
	keep := findButton(x.win.Canvas().Overlays().Top(), "Keep editing")
	discard := findButton(x.win.Canvas().Overlays().Top(), "Discard changes")
	save := findButton(x.win.Canvas().Overlays().Top(), "Save")
	if keep == nil || discard == nil || save == nil {
		t.Fatal("no dialog asks about the unsaved scenario")
	}
	test.Tap(keep)
	if !x.drill.on || len(x.drill.wb.Scenario().Injects) != 1 {
		t.Fatal("Keep editing left the mode or lost the inject")
	}
	// Opening another file asks too, and keeps the file on Keep editing.
	path := x.store.Path()
	x.Open(filepath.Join(t.TempDir(), "other.gpkg"))
	if b := findButton(x.win.Canvas().Overlays().Top(), "Keep editing"); b == nil {
		t.Fatal("opening another file with an unsaved scenario does not ask")
	} else {
		test.Tap(b)
	}
	if x.store.Path() != path {
		t.Error("the file changed although the coordinator kept editing")
	}
	x.SetDrillMode(false)
	test.Tap(findButton(x.win.Canvas().Overlays().Top(), "Discard changes"))
	if x.drill.on || x.drill.toggle.Checked {
		t.Fatal("Discard changes did not leave Drill mode")
	}
	if len(x.m.Marks()) != 0 || x.tabs.Items[0] != x.alertsTab || x.centre.Objects[0] != x.m {
		t.Error("leaving Drill mode did not bring the console back")
	}
	// The shortcut turns it on again, with nothing unsaved to ask about.
	pressShortcut(x, x.menu.Items[3].Items[0].Shortcut)
	if !x.drill.on {
		t.Error("Ctrl+D did not turn Drill mode on")
	}
	pressShortcut(x, x.menu.Items[3].Items[0].Shortcut)
	if x.drill.on {
		t.Error("Ctrl+D did not turn Drill mode off")
	}
}

func firstCameraWithCode(t *testing.T, s *store.Store) store.Camera {
	t.Helper()
	cams, err := s.Cameras(context.Background(), store.World)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cams {
		if c.Code != "" && c.Status == store.CameraOnline {
			return c
		}
	}
	t.Fatal("the demo has no camera with a code")
	return store.Camera{}
}

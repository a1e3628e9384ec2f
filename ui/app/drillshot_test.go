package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/ui/drill"
	"safetynet/ui/locale"
)

// shotScenario is a fire in the e-bike shed of the demo community: ten
// injects at its features, one contingency and one without a time.
func shotScenario() store.Scenario {
	m := time.Minute
	exp := store.Expect{AckWithin: time.Minute, OnSceneWithin: 3 * time.Minute, ResolveWithin: 5 * time.Minute}
	tx := func(zh, en string) store.Texts { return store.Texts{TextZh: zh, TextEn: en} }
	return store.Scenario{
		Code: "DR-FIRE-SHED", Names: store.Names{NameZh: "电动车棚火灾", NameEn: "Fire in the e-bike shed"},
		Norm: store.NormMFS135, Exercises: "KA-EBIKE",
		Description: store.Texts{Text: "Smoke in the e-bike shed at night; the gate team is short of one."},
		Objectives: []store.Objective{
			{Code: "O1", Text: store.Texts{Text: "Alarm acknowledged within 1 minute"}},
			{Code: "O2", Text: store.Texts{Text: "First unit on scene within 3 minutes"}},
			{Code: "O3", Text: store.Texts{Text: "Residents of the nearest block evacuated"}},
		},
		Injects: []store.Inject{
			{Number: "1", Offset: 0, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "severe", Format: store.FormatJSON, LocationCode: "KA-EBIKE",
				Title: tx("电动车棚烟感报警", "Smoke alarm, e-bike shed"), Message: tx("电动车棚烟感探测器报警。", "The smoke detector in the e-bike shed is in alarm."),
				Source: "sensor:SD-19", Expect: exp, Objective: "O1"},
			{Number: "2", Offset: 2 * m, Timed: true, Kind: store.InjectContextual, Type: "camera.offline", Severity: "minor", Format: store.FormatJSON, LocationCode: "CAM-003",
				Title: tx("摄像机离线", "Camera offline")},
			{Number: "3", Offset: 3 * m, Timed: true, Kind: store.InjectPrimary, Type: "fire.heat", Severity: "extreme", Format: store.FormatCAP, LocationCode: "KA-EBIKE",
				Title: tx("车棚温度骤升", "Heat rising in the shed"), Expect: exp, Objective: "O2"},
			{Number: "3-A", Kind: store.InjectContingent, Type: "fire.alarm", Severity: "extreme", Format: store.FormatJSON, LocationCode: "KA-EBIKE",
				Title: tx("居民来电：车棚冒烟", "Resident calls: smoke from the shed"), Condition: &store.Condition{After: "3", Missing: store.StepOnScene, Within: 3 * m}},
			{Number: "4", Offset: 5 * m, Timed: true, Kind: store.InjectPrimary, Type: "medical.emergency", Severity: "severe", Format: store.FormatCoT, LocationCode: "GATE-N",
				Title: tx("北门有人晕倒", "Person collapsed at the North Gate"), Expect: exp, Objective: "O3"},
			{Number: "5", Offset: 6*m + 30*time.Second, Timed: true, Kind: store.InjectContextual, Type: "access.held_open", Severity: "moderate", Format: store.FormatJSON, LocationCode: "GATE-E",
				Title: tx("东门常开", "East Gate held open")},
			{Number: "6", Offset: 8 * m, Timed: true, Kind: store.InjectPrimary, Type: "intrusion.perimeter", Severity: "severe", Format: store.FormatJSON, LocationCode: "KA-PER-N",
				Title: tx("北侧围墙翻越", "Climbing over the north wall"), Expect: exp},
			{Number: "7", Offset: 10 * m, Timed: true, Kind: store.InjectPrimary, Type: "fire.alarm", Severity: "severe", Format: store.FormatCAP, LocationCode: "KA-PLAY",
				Title: tx("游乐场火警", "Fire alarm at the playground"), Expect: exp},
			{Number: "8", Offset: 12 * m, Timed: true, Kind: store.InjectContextual, Type: "equipment.fault", Severity: "minor", Method: "phone", LocationCode: "KA-SQUARE",
				Title: tx("消防栓水压低", "Low pressure at a hydrant")},
			{Number: "9", Offset: 15 * m, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "moderate", Format: store.FormatJSON, Geometry: orb.Point{demo.Origin[0] + 0.0012, demo.Origin[1] - 0.0006},
				Title: tx("地下车库烟雾", "Smoke in the car park"), Expect: exp},
		},
	}
}

// shotDirector is a run four minutes in: 1 and 2 sent, 3 late.
type shotDirector struct{ st drill.RunStatusView }

func (d *shotDirector) Start()                      {}
func (d *shotDirector) Pause()                      {}
func (d *shotDirector) Resume()                     {}
func (d *shotDirector) Stop()                       {}
func (d *shotDirector) Trigger(string) error        { return nil }
func (d *shotDirector) Skip(string) error           { return nil }
func (d *shotDirector) Status() drill.RunStatusView { return d.st }
func (d *shotDirector) Observe(string, string) error {
	return nil
}

// TestDrillShot saves Drill mode over the demo community in English light
// and Chinese dark, when DRILLSHOT_DIR names a folder: the README's
// ui/screenshots/drill-author-*.png.
func TestDrillShot(t *testing.T) {
	dir := os.Getenv("DRILLSHOT_DIR")
	if dir == "" {
		t.Skip("set DRILLSHOT_DIR to save screenshots")
	}
	for _, c := range []struct{ language, variant, name string }{
		{locale.English, "light", "drill-author-en-light.png"},
		{locale.Chinese, "dark", "drill-author-zh-dark.png"},
	} {
		t.Run(c.name, func(t *testing.T) {
			useLanguage(t, c.language)
			s := demoConsoleStore(t)
			x, ch := start(t, s)
			x.applyTheme(c.variant)
			x.win.Resize(fyne.NewSize(1280, 800))
			wait(t, ch)
			src := scenariosFor(s)
			for _, sc := range []store.Scenario{shotScenario(),
				{Code: "DR-EVAC-B3", Names: store.Names{NameZh: "3 号楼疏散", NameEn: "Evacuation of Building 3"}},
				{Code: "DR-GATE-NIGHT", Names: store.Names{NameZh: "夜间北门闯入", NameEn: "Night intrusion at the North Gate"}},
			} {
				if err := src.SaveScenario(context.Background(), sc); err != nil {
					t.Fatal(err)
				}
			}
			x.SetDrillMode(true)
			wait(t, ch)
			wait(t, ch)
			x.drill.load(shotScenario())
			x.drill.wb.Select(2)
			x.SetDrillDirector(&shotDirector{st: drill.RunStatusView{State: drill.RunRunning, Clock: 6*time.Minute + 10*time.Second,
				Injects: map[string]string{"1": drill.InjectSent, "2": drill.InjectSent, "3": drill.InjectLate, "4": drill.InjectSent}}})
			x.drill.wb.Director.Update()
			if c.language == locale.Chinese {
				x.tabs.Select(x.drill.dirTab)
				x.drill.wb.Director.Observe("北门值守 40 秒后才接警")
			}
			// Lay the window out again at its size, as a frame of the
			// desktop driver does after the splits moved.
			x.win.Resize(fyne.NewSize(1280, 801))
			x.win.Resize(fyne.NewSize(1280, 800))
			// Closer than the fit of every inject, on their middle.
			b := orb.Bound{Min: x.m.Marks()[0].At, Max: x.m.Marks()[0].At}
			for _, mk := range x.m.Marks() {
				b = b.Extend(mk.At)
			}
			x.m.FlyTo(b.Center(), 16.75)
			for i := 0; i < 3; i++ {
				x.m.WaitIdle()
				for len(queue) > 0 {
					(<-queue)()
				}
			}
			f, err := os.Create(filepath.Join(dir, c.name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := png.Encode(f, x.win.Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

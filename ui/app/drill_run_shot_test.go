package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/ui/drill"
	"safetynet/ui/locale"
)

// saveShot writes win's picture to path.
func saveShot(t *testing.T, path string, win fyne.Window) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// settle runs the handed-over work and lets x's maps draw.
func settle(x *App, extra ...interface {
	WaitIdle() bool
	RunHandedOff() int
}) {
	for i := 0; i < 4; i++ {
		x.m.WaitIdle()
		for _, m := range extra {
			m.RunHandedOff()
			m.WaitIdle()
		}
		for len(queue) > 0 {
			(<-queue)()
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startDemoDrill starts the demo community's drill from Drill mode at
// speed with simulated responders, through a hub in the test.
func startDemoDrill(t *testing.T, variant string) (*App, *store.Store) {
	t.Helper()
	handOver(t)
	url, tok := testHub(t)
	s := demoConsoleStore(t)
	x := startConsole(t, s, url, tok[0], "Wang")
	x.applyTheme(variant)
	x.win.Resize(fyne.NewSize(1280, 800))
	eventually(t, "the console connects", func() bool {
		return strings.Contains(x.live.conn.Text, "connected") || strings.Contains(x.live.conn.Text, "已连接")
	})
	x.SetDrillMode(true)
	d := x.drill
	eventually(t, "the demo scenario is listed", func() bool { return d.listed(demo.ScenarioCode) })
	for i, l := range d.scenarios {
		if l.Code == demo.ScenarioCode {
			d.list.Select(i)
		}
	}
	eventually(t, "the injects' places are known", func() bool { return d.places != nil && len(x.m.Marks()) > 0 })
	d.run.speed.SetSelected("30×")
	d.run.responders.SetChecked(true)
	test.Tap(d.wb.Director.Start)
	if d.run.lastErr != nil {
		t.Fatal(d.run.lastErr)
	}
	eventually(t, "the runner starts", func() bool { return d.run.r != nil })
	return x, s
}

// fitMarks shows the injects' marks at zoom.
func fitMarks(x *App, zoom float64) {
	ms := x.m.Marks()
	if len(ms) == 0 {
		return
	}
	b := orb.Bound{Min: ms[0].At, Max: ms[0].At}
	for _, mk := range ms {
		b = b.Extend(mk.At)
	}
	x.m.FlyTo(b.Center(), zoom)
}

// TestDrillRunShot saves Drill mode with the demo drill running and the
// replays of its run, when DRILLSHOT_DIR names a folder: the README's
// ui/screenshots/drill-running-*.png and replay-*.png.
func TestDrillRunShot(t *testing.T) {
	dir := os.Getenv("DRILLSHOT_DIR")
	if dir == "" {
		t.Skip("set DRILLSHOT_DIR to save screenshots")
	}
	for _, c := range []struct{ language, variant string }{{locale.English, "light"}, {locale.Chinese, "dark"}} {
		t.Run(c.language, func(t *testing.T) {
			useLanguage(t, c.language)
			x, s := startDemoDrill(t, c.variant)
			d := x.drill
			eventually(t, "five injects are sent", func() bool {
				n := 0
				for _, st := range d.wb.Director.Status().Injects {
					if st != drill.InjectPending {
						n++
					}
				}
				return n >= 5 && d.wb.Director.Status().Clock > 5*time.Minute
			})
			if c.language == locale.Chinese {
				x.tabs.Select(d.dirTab)
				d.wb.Director.Observe("北门值守 40 秒后才接警")
			} else {
				x.tabs.Select(x.alertsTab)
			}
			x.win.Resize(fyne.NewSize(1280, 801))
			x.win.Resize(fyne.NewSize(1280, 800))
			fitMarks(x, 17.3)
			settle(x)
			saveShot(t, filepath.Join(dir, "drill-running-"+c.language+"-"+c.variant+".png"), x.win)

			eventually(t, "every timed inject is due", func() bool { return d.wb.Director.Status().Clock > 14*time.Minute })
			test.Tap(d.wb.Director.Stop)
			eventually(t, "the run ends", func() bool {
				select {
				case <-d.run.cur.done:
					return true
				default:
					return false
				}
			})
			ctx := context.Background()
			eventually(t, "drill.end is in the event log", func() bool {
				log, _ := s.ConsoleLog(ctx, time.Time{}, time.Time{}, 1<<20)
				for _, r := range log {
					if r.Kind == "event" && strings.Contains(string(r.Data), `"drill.end"`) {
						return true
					}
				}
				return false
			})
			runs, err := s.DrillRuns(ctx, demo.ScenarioCode)
			if err != nil || len(runs) != 1 {
				t.Fatalf("runs %+v (%v)", runs, err)
			}
			from, to := runPeriod(runs[0])
			x.OpenReplay(runTitle(runs[0]), from, to)
			eventually(t, "the replay opens", func() bool { return len(replays[x]) == 1 })
			rw := replays[x][0]
			rw.win.Resize(fyne.NewSize(1280, 800))
			m := rw.maps[0]
			v := rw.view
			lf, lt := v.Log().Span()
			span := lt.Sub(lf)
			for i, f := range []float64{0.12, 0.5, 0.97} {
				if c.language == locale.Chinese && i != 1 {
					continue
				}
				want := lf.Add(time.Duration(f * float64(span))).Truncate(time.Second)
				v.Seek(want)
				deadline := time.Now().Add(10 * time.Second)
				for !v.At().Equal(want) && time.Now().Before(deadline) {
					settle(x, m)
				}
				fitMarks(x, 17)
				m.FlyTo(x.m.View().Center, 17)
				settle(x, m)
				saveShot(t, filepath.Join(dir, "replay-"+string(rune('1'+i))+"-"+c.language+".png"), rw.win)
			}
			rw.close()
		})
	}
}

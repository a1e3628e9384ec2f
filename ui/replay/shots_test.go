package replay

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/replay"
	"safetynet/ui/mapview"
	"safetynet/ui/theme"
)

// TestShots saves screenshots of the replay of the fixture at three
// instants, in English and Chinese, and of the comparison, for a person
// to look at, when REPLAYSHOT_DIR names a folder.
func TestShots(t *testing.T) {
	dir := os.Getenv("REPLAYSHOT_DIR")
	if dir == "" {
		t.Skip("set REPLAYSHOT_DIR to save screenshots")
	}
	th, err := theme.Load()
	if err != nil {
		t.Skipf("no CJK font: %v", err)
	}
	for _, language := range []string{"en", "zh"} {
		t.Run(language, func(t *testing.T) {
			setup(t, language)
			fyne.CurrentApp().Settings().SetTheme(th.WithVariant("light"))
			s, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := demo.Write(context.Background(), s); err != nil {
				t.Fatal(err)
			}
			v, win := newTestView(t, s, 1280, 800)
			v.m.FlyTo(demo.Origin, 17.3)
			for i, c := range []struct {
				sec  float64
				pick string
			}{{15, "inj-1"}, {140, "inj-2"}, {250, "real-1"}} {
				v.selectAlert(c.pick)
				v.Seek(t0.Add(time.Duration(c.sec * float64(time.Second))))
				at(t, v, t0.Add(time.Duration(c.sec*float64(time.Second))))
				pump(t, v, func() bool { return v.m.WaitIdle() })
				save(t, filepath.Join(dir, fmt.Sprintf("replay-%s-%d.png", language, i+1)), win)
			}
			v.SeekText("nonsense")
			save(t, filepath.Join(dir, fmt.Sprintf("replay-%s-badtime.png", language)), win)

			m1, m2 := mapview.New(s), mapview.New(s)
			t.Cleanup(m1.Close)
			t.Cleanup(m2.Close)
			cw := test.NewTempWindow(t, nil)
			cw.SetPadded(false)
			c := NewCompare(cw, m1, m2, fixture(t, t0, 30*time.Second), fixture(t, t0.Add(26*time.Hour), 90*time.Second),
				CompareOptions{Replay: replay.Options{Console: copt}, TitleA: "Run 1 (May 1)", TitleB: "Run 2 (May 2)", Location: time.UTC})
			t.Cleanup(c.Close)
			cw.SetContent(c.Object())
			cw.Resize(fyne.NewSize(1280, 800))
			m1.FlyTo(demo.Origin, 17)
			m2.FlyTo(demo.Origin, 17)
			a, b := c.Views()
			c.Seek(50 * time.Second)
			at(t, a, t0.Add(60*time.Second))
			at(t, b, t0.Add(26*time.Hour+60*time.Second))
			pump(t, a, func() bool { return m1.WaitIdle() && m2.WaitIdle() })
			save(t, filepath.Join(dir, fmt.Sprintf("compare-%s.png", language)), cw)
		})
	}
}

func save(t *testing.T, path string, win fyne.Window) {
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

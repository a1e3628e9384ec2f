package replay

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/replay"
	"safetynet/ui/mapview"
)

// BenchmarkReplayFrame20x plays a synthetic busy hour (100,000 messages,
// 50 units, as feeds/replay's BenchmarkSeek100k) at 20× on the demo
// community in a 1280×800 window, one frame (0.66 s of log) per
// iteration, and reports the 99th percentile of a frame's work: the
// player's (seek, queue, live items) and the window's (the queue list,
// the detail, SetLive) until the map's live layer is drawn (p99-ms), and
// the player's share alone (player-p99-ms). A software render of the
// whole window (Capture), which a GPU does in a real window, is
// reported apart every tenth frame (capture-p99-ms).
func BenchmarkReplayFrame20x(b *testing.B) {
	setup(b, "en")
	s, err := store.Open(filepath.Join(b.TempDir(), "demo.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := demo.Write(context.Background(), s); err != nil {
		b.Fatal(err)
	}
	opt := replay.Options{Console: copt}
	log, err := replay.New(replay.Synthetic(t0, time.Hour, 100_000, 50, copt), opt)
	if err != nil {
		b.Fatal(err)
	}
	m := mapview.New(s)
	defer m.Close()
	win := test.NewTempWindow(b, nil)
	v := NewView(win, m, nil, ViewOptions{Replay: opt, Log: log, Location: time.UTC})
	defer v.Close()
	win.SetPadded(false)
	win.SetContent(v.Object())
	win.Resize(fyne.NewSize(1280, 800))
	from, to := log.Span()
	at(b, v, from)
	m.FlyTo(demo.Origin, 17)
	m.WaitIdle()
	p := &player{v: v, log: log, from: from, to: to, speed: 20, dir: 1, playing: true}
	step := time.Duration(20 * float64(FrameEvery))
	now := from.Add(10 * time.Minute)
	var frames, work, capture []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		now = now.Add(step)
		if now.After(to) {
			now = from
		}
		start := time.Now()
		f := p.frameAt(now)
		work = append(work, f.work)
		v.show(f)
		if !m.WaitIdle() {
			b.Fatal("the map did not draw")
		}
		frames = append(frames, time.Since(start))
		if i%10 == 0 {
			c := time.Now()
			win.Canvas().Capture()
			capture = append(capture, time.Since(c))
		}
	}
	b.StopTimer()
	p99 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)*99/100].Microseconds()) / 1000
	}
	if testing.Verbose() {
		for i, d := range frames {
			if d > 30*time.Millisecond {
				b.Logf("frame %d: %v", i, d)
			}
		}
	}
	b.ReportMetric(p99(frames), "p99-ms")
	b.ReportMetric(p99(work), "player-p99-ms")
	b.ReportMetric(p99(capture), "capture-p99-ms")
	if len(v.frame.snap.Units) != 50 {
		b.Errorf("%d units on the last frame, want 50", len(v.frame.snap.Units))
	}
}

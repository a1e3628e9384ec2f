package app

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/ui/locale"
)

// BenchmarkConsoleIngest: the console of the demo community follows a
// hub into which a publisher sends 1,000 events a second (50 patrol units
// reporting positions, one alarm in ten), for one second per iteration.
// It reports the frame time while ingesting — from the batch of a frame
// being handed to the window until the map has drawn it (UI updates are
// batched per frame, frameEvery) — and the time from an event's arrival
// at the client to the frame that shows its symbol, p50 and p99, in ms.
//
// The window's goroutine is played by the benchmark's own goroutine,
// which runs what the console and the map hand over, as Fyne's would.
func BenchmarkConsoleIngest(b *testing.B) {
	if err := locale.Use(locale.English); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s, err := store.Open(filepath.Join(b.TempDir(), "demo.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := demo.Write(ctx, s); err != nil {
		b.Fatal(err)
	}
	bound, _, err := s.Extent(ctx)
	if err != nil {
		b.Fatal(err)
	}
	handOver(b)
	playSound = func(string) {}
	url, tok := testHub(b)
	x := startConsole(b, s, url, tok[0], "bench")
	x.win.Resize(fyne.NewSize(1280, 800))

	// The window's goroutine.
	stop := make(chan struct{})
	uiDone := make(chan struct{})
	go func() {
		defer close(uiDone)
		for {
			select {
			case fn := <-queue:
				fn()
			case <-time.After(2 * time.Millisecond):
				x.m.RunHandedOff()
			case <-stop:
				return
			}
			x.m.RunHandedOff()
		}
	}()
	defer func() { close(stop); <-uiDone }()

	waitFor := func(what string, cond func() bool) {
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				b.Fatalf("after 30 s: %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("the console connects", func() bool { return x.live.shared.Load() != nil })

	pubCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	pub := client.NewPublisher(client.Options{URL: url, Token: tok[2]}, 4096, nil)
	go pub.Run(pubCtx)

	const rate, units = 1000, 50
	w, h := bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1]
	sent := 0
	event := func(i int, now time.Time) []byte {
		t := float64(i) / rate
		u := i % units
		lon := bound.Min[0] + w*(0.5+0.35*math.Cos(t/20+float64(u)))
		lat := bound.Min[1] + h*(0.5+0.35*math.Sin(t/20+float64(u)))
		stamp := now.UTC().Format(time.RFC3339Nano)
		if i%10 == 9 {
			types := []string{"intrusion.perimeter", "access.forced_door", "fire.smoke", "access.tailgating"}
			sev := []string{"severe", "severe", "extreme", "moderate"}
			k := (i / 10) % len(types)
			return fmt.Appendf(nil, `{"id":"a-%d","type":%q,"severity":%q,"time":%q,"title":"Alarm %d","geometry":{"type":"Point","coordinates":[%.7f,%.7f]}}`,
				i, types[k], sev[k], stamp, i, lon, lat)
		}
		return fmt.Appendf(nil, `{"id":"p-%d","type":"patrol.position","subject":"patrol:U%02d","severity":"minor","time":%q,"stale":%q,"title":"Unit %02d","geometry":{"type":"Point","coordinates":[%.7f,%.7f]}}`,
			i, u, stamp, now.Add(time.Minute).UTC().Format(time.RFC3339Nano), u, lon, lat)
	}

	var arrivals, frames []time.Duration
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		second := time.Now()
		for k := 0; k < 100; k++ { // ten events every 10 ms
			now := time.Now()
			for j := 0; j < rate/100; j++ {
				if err := pub.Publish(pubCtx, event(sent, now)); err != nil {
					b.Fatal(err)
				}
				sent++
			}
			time.Sleep(time.Until(second.Add(time.Duration(k+1) * 10 * time.Millisecond)))
		}
		c := x.live.shared.Load()
		waitFor("every event is on the console", func() bool { return c.Snapshot(time.Now()).LastSeq >= int64(sent) })
		a, f := x.live.latencies()
		arrivals, frames = append(arrivals, a...), append(frames, f...)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	// The last frames still being drawn.
	time.Sleep(100 * time.Millisecond)
	a, f := x.live.latencies()
	arrivals, frames = append(arrivals, a...), append(frames, f...)
	if len(arrivals) == 0 || len(frames) == 0 {
		b.Fatalf("no frame measured (%d arrivals, %d frames)", len(arrivals), len(frames))
	}
	b.ReportMetric(float64(sent)/elapsed.Seconds(), "events/s")
	b.ReportMetric(ms(percentile(frames, 0.5)), "frame-p50-ms")
	b.ReportMetric(ms(percentile(frames, 0.99)), "frame-p99-ms")
	b.ReportMetric(ms(percentile(arrivals, 0.5)), "arrival-to-drawn-p50-ms")
	b.ReportMetric(ms(percentile(arrivals, 0.99)), "arrival-to-drawn-p99-ms")
	b.ReportMetric(float64(len(frames))/elapsed.Seconds(), "frames/s")
}

func percentile(ds []time.Duration, q float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

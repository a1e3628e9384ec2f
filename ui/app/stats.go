package app

import (
	"encoding/json"
	"os"
	"runtime"
	"slices"
	"time"
)

// Stats are the console's figures over one period, as WriteStats writes
// them: how many events reached the screen, how long they took from the
// hub's log (and from this console's socket) to the frame showing them,
// the frame times, and the memory in use.
type Stats struct {
	Time   time.Time `json:"time"`
	Events int       `json:"events"`
	Frames int       `json:"frames"`
	// Milliseconds from the hub storing an event to the frame showing it.
	HubP50, HubP99, HubMax float64
	// Milliseconds from the event reaching this console to that frame.
	ClientP50, ClientP99 float64
	// Milliseconds from handing a frame to the map to the map drawing it.
	FrameP50, FrameP99 float64
	// Alerts and units in the picture.
	Alerts, Units int
	// Heap in use and memory from the system, MiB.
	HeapMiB, SysMiB float64
}

// WriteStats appends the console's figures to path as one JSON line every
// period until the window closes: for soak runs and for looking at a
// console in a busy hour. It takes the samples the benchmarks read, so
// use one or the other.
func (x *App) WriteStats(path string, period time.Duration) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	hand := do
	go func() {
		defer f.Close()
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-x.ctx.Done():
				return
			case <-t.C:
			}
			got := make(chan Stats, 1)
			hand(func() { got <- x.live.period() })
			var st Stats
			select {
			case st = <-got:
			case <-x.ctx.Done():
				return
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			st.HeapMiB, st.SysMiB = float64(ms.HeapInuse)/(1<<20), float64(ms.Sys)/(1<<20)
			b, _ := json.Marshal(st)
			f.Write(append(b, '\n'))
		}
	}()
	return nil
}

// period takes the figures measured since the last call.
func (l *liveConsole) period() Stats {
	samples, frames := l.stats.take()
	st := Stats{Time: time.Now(), Events: len(samples), Frames: len(frames), Alerts: len(l.snap.Alerts), Units: len(l.snap.Units)}
	var hub, cl []time.Duration
	for _, s := range samples {
		cl = append(cl, s.fromClient)
		if s.fromHub > 0 {
			hub = append(hub, s.fromHub)
		}
	}
	st.HubP50, st.HubP99, st.HubMax = quantileMS(hub, 0.5), quantileMS(hub, 0.99), quantileMS(hub, 1)
	st.ClientP50, st.ClientP99 = quantileMS(cl, 0.5), quantileMS(cl, 0.99)
	st.FrameP50, st.FrameP99 = quantileMS(frames, 0.5), quantileMS(frames, 0.99)
	return st
}

// quantileMS is the q-quantile of ds in milliseconds (0 for none).
func quantileMS(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, int(q*float64(len(s))))
	return float64(s[i]) / float64(time.Millisecond)
}

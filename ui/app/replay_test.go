package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/console"
	feedreplay "safetynet/feeds/replay"
)

func TestParsePeriod(t *testing.T) {
	useLanguage(t, "en")
	for _, c := range []struct {
		name, from, to string
		ok             bool
		want           time.Duration
	}{
		{"an hour", "2026-05-01 21:00", "2026-05-01 22:00", true, time.Hour},
		{"spaces", " 2026-05-01 21:00 ", "2026-05-02 21:00", true, 24 * time.Hour},
		{"end before start", "2026-05-01 22:00", "2026-05-01 21:00", false, 0},
		{"same instant", "2026-05-01 22:00", "2026-05-01 22:00", false, 0},
		{"bad start", "yesterday", "2026-05-01 21:00", false, 0},
		{"bad end", "2026-05-01 21:00", "2026-05-01T22:00", false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			lo, hi, err := parsePeriod(c.from, c.to)
			if (err == nil) != c.ok {
				t.Fatalf("error %v, want ok %v", err, c.ok)
			}
			if c.ok && hi.Sub(lo) != c.want {
				t.Errorf("period %s..%s", lo, hi)
			}
		})
	}
}

func TestRunPeriod(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 22, 0, 0, 0, time.UTC)
	from, to := runPeriod(store.DrillRun{Started: t0, Ended: t0.Add(20 * time.Minute)})
	if !from.Equal(t0.Add(-time.Minute)) || !to.Equal(t0.Add(21*time.Minute)) {
		t.Errorf("ended run: %s..%s", from, to)
	}
	if _, to := runPeriod(store.DrillRun{Started: t0}); !to.Equal(t0.Add(61 * time.Minute)) {
		t.Errorf("a run that did not end: to %s", to)
	}
}

// TestCompareOpensBesideTheConsole: two runs of one scenario kept in the
// store open side by side in a window of their own, each on its own map.
func TestCompareOpensBesideTheConsole(t *testing.T) {
	if raceEnabled {
		t.Skip("the replay's player hands frames over on its own goroutine in the test driver")
	}
	useLanguage(t, "en")
	s := demoConsoleStore(t)
	x, ch := start(t, s)
	wait(t, ch)
	ctx := context.Background()
	t0 := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
	var runs []store.DrillRun
	for i, at := range []time.Time{t0, t0.Add(time.Hour)} {
		r := store.DrillRun{ID: fmt.Sprintf("DR-X-%d", i+1), Scenario: "DR-X", Started: at, Ended: at.Add(10 * time.Minute)}
		if err := s.SaveDrillRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendLog(ctx, feedreplay.Synthetic(at, 10*time.Minute, 40, 2, console.Options{})); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	x.OpenCompare(runs[0], runs[1])
	wait(t, ch)
	if len(replays[x]) != 1 || replays[x][0].compare == nil {
		t.Fatalf("replay windows %+v", replays[x])
	}
	rw := replays[x][0]
	if len(rw.maps) != 2 || rw.maps[0] == x.m || rw.maps[1] == x.m || rw.maps[0] == rw.maps[1] {
		t.Fatal("the comparison does not have two maps of its own")
	}
	a, b := rw.compare.Views()
	fa, _ := a.Log().Span()
	fb, _ := b.Log().Span()
	if fa.Before(t0.Add(-time.Minute)) || fb.Before(t0.Add(59*time.Minute)) {
		t.Errorf("spans start at %s and %s", fa, fb)
	}
	x.closeReplays()
	if len(replays[x]) != 0 {
		t.Error("closeReplays left a window")
	}
}

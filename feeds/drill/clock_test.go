package drill

import (
	"fmt"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	w := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	c := NewClock(2)
	if c.At(w(5)) != 0 || c.Started() || c.Paused() {
		t.Fatal("a clock not started stands at 0")
	}
	if _, ok := c.Due(time.Minute, w(0)); ok {
		t.Fatal("nothing is due on a clock not started")
	}
	c.Start(w(10))
	steps := []struct {
		name string
		do   func()
		now  int
		at   time.Duration
		due  int // wall second t+2:00 falls due; -1: none
	}{
		{"running at 2×", func() {}, 40, time.Minute, 70},
		{"paused", func() { c.Pause(w(40)) }, 100, time.Minute, -1},
		{"a second pause changes nothing", func() { c.Pause(w(100)) }, 100, time.Minute, -1},
		{"resumed", func() { c.Resume(w(100)) }, 100, time.Minute, 130},
		{"speed 1", func() { c.SetSpeed(1, w(110)) }, 110, 80 * time.Second, 150},
		{"speed 0 is ignored", func() { c.SetSpeed(0, w(110)) }, 130, 100 * time.Second, 150},
		{"a past offset is due in the past", func() {}, 200, 170 * time.Second, 150},
		{"a second start changes nothing", func() { c.Start(w(200)) }, 200, 170 * time.Second, 150},
		{"a time before the last change counts as it", func() {}, 0, 80 * time.Second, 150},
	}
	for _, s := range steps {
		s.do()
		if got := c.At(w(s.now)); got != s.at {
			t.Errorf("%s: at %v, want %v", s.name, got, s.at)
		}
		due, ok := c.Due(2*time.Minute, w(s.now))
		if s.due < 0 {
			if ok {
				t.Errorf("%s: due %v while paused", s.name, due)
			}
		} else if !ok || !due.Equal(w(s.due)) {
			t.Errorf("%s: t+2:00 due at %v (%v), want wall +%ds", s.name, due.Sub(t0), ok, s.due)
		}
	}
}

// A pause moves when an inject is due on the wall clock, never its
// scenario time.
func ExampleClock() {
	start := time.Date(2026, 5, 1, 22, 0, 0, 0, time.UTC)
	c := NewClock(1)
	c.Start(start)
	c.Pause(start.Add(2 * time.Minute))
	c.Resume(start.Add(7 * time.Minute)) // a 5-minute pause
	due, _ := c.Due(3*time.Minute, start.Add(7*time.Minute))
	fmt.Println(c.At(start.Add(7*time.Minute)), due.Format("15:04"))
	// Output: 2m0s 22:08
}

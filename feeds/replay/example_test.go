package replay_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/console"
	"safetynet/feeds/replay"
)

// The picture ten minutes into a log, and the next operator action after
// it. rows would come from Store.ConsoleLog; here a synthetic session.
func Example() {
	start := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	opt := console.Options{Centre: orb.Point{121.6, 31.2}}
	rows := replay.Synthetic(start, 20*time.Minute, 2000, 5, opt)
	l, err := replay.New(rows, replay.Options{Console: opt})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := start.Add(10 * time.Minute)
	s := l.At(at)
	fmt.Println(len(s.Units), "units")
	if m, ok := l.Next(at, replay.MarkAction); ok {
		fmt.Println("next action:", m.Type, "after", m.Time.Sub(at).Round(time.Second))
	}
	// Output:
	// 5 units
	// next action: assign after 11s
}

package console_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// The subscriber's goroutine applies the hub's messages; the operator's
// action is applied at once (seq 0) and published, and the hub's echo of
// it changes nothing.
func Example() {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	c := console.New(console.Options{Centre: orb.Point{121.6, 31.2}})

	smoke := event.Event{ID: "sd-7", Type: "fire.smoke", Severity: event.Severe, Time: now,
		Geometry: orb.Point{121.601, 31.2}, Title: "Smoke detector SD-07"}
	c.Apply(event.Message{Seq: 41, State: event.Fresh, Event: smoke}, now)

	act, err := console.NewAction(console.ActionAssign, "sd-7", "li", "patrol:R1", "", now.Add(5*time.Second))
	if err != nil {
		fmt.Println(err)
		return
	}
	c.Apply(event.Message{Event: act}, now.Add(5*time.Second))          // optimistic
	c.Apply(event.Message{Seq: 42, Event: act}, now.Add(6*time.Second)) // the hub's echo

	snap := c.Snapshot(now.Add(10 * time.Second))
	for _, a := range snap.Queue(console.Filter{}, now.Add(10*time.Second)) {
		fmt.Println(a.Subject, a.Status, a.AssignedTo, len(a.Actions), "action(s)")
	}
	fmt.Println("last seq", snap.LastSeq)
	// Output:
	// sd-7 assigned patrol:R1 1 action(s)
	// last seq 42
}

// Repeats from one detector fold into one alert; the console counts new
// alarms, not repeats; an action the alert's state does not allow is
// refused before it is published.
func Example_alarmManagement() {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	c := console.New(console.Options{})
	for i := range 3 {
		at := now.Add(time.Duration(i) * 2 * time.Minute)
		e := event.Event{ID: fmt.Sprint("sd-19-", i), Type: "fire.smoke", Severity: event.Severe, Time: at,
			Source: "sensor:SD-19", Title: "Smoke detector SD-19"}
		c.Apply(event.Message{Seq: int64(i + 1), Event: e}, at)
	}
	now = now.Add(5 * time.Minute)
	ack, _ := console.NewAction(console.ActionAck, "sd-19-0", "li", "", "", now)
	if err := c.Check(ack); err == nil {
		c.Apply(event.Message{Event: ack}, now)
	}
	again, _ := console.NewAction(console.ActionAck, "sd-19-0", "wang", "", "", now)
	fmt.Println(c.Check(again))

	snap := c.Snapshot(now)
	a := snap.Queue(console.Filter{}, now)[0]
	fmt.Println(a.Subject, a.Status, a.Count, "alarms,", a.First.Format("15:04"), "to", a.Last.Format("15:04"))
	fmt.Println("new alarms in 10 min:", snap.Rate.Recent, "flood:", snap.Rate.Flood)
	// Output:
	// console: ack sd-19-0 refused: already acknowledged
	// sd-19-0 acknowledged 3 alarms, 10:00 to 10:04
	// new alarms in 10 min: 1 flood: false
}

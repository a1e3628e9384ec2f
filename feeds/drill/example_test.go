package drill_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/console"
	"safetynet/feeds/drill"
	"safetynet/feeds/event"
)

// The chain is read from the console's own event log: here a drill
// alarm acknowledged after 40 s and resolved after 3 minutes.
func ExampleChain() {
	t0 := time.Date(2026, 5, 1, 22, 0, 0, 0, time.UTC)
	con := console.New(console.Options{})
	con.Apply(event.Message{Seq: 1, Event: event.Event{ID: "DR-1-1", Subject: "DR-1-1", Type: "fire.smoke",
		Severity: event.Severe, Status: event.Exercise, Time: t0, Geometry: orb.Point{121.6054, 31.2001},
		Properties: map[string]any{"drill_id": "DR-1", "inject": "1"}}}, t0)
	for _, a := range []struct {
		kind  string
		after time.Duration
	}{{console.ActionAck, 40 * time.Second}, {console.ActionResolve, 3 * time.Minute}} {
		e, _ := console.NewAction(a.kind, "DR-1-1", "wang", "", "", t0.Add(a.after))
		con.Apply(event.Message{Event: e}, t0.Add(a.after))
	}
	_, _, log := con.TakeChanges()

	chains := drill.Chain(log, drill.ChainOptions{DrillID: "DR-1"})
	ack, _ := chains[0].Since(drill.StepAck)
	res, _ := chains[0].Since(drill.StepResolve)
	fmt.Println("inject", chains[0].Inject, "acknowledged after", ack, "resolved after", res)
	card := drill.Score(chains, drill.Norm135())
	for _, st := range card.All.Steps {
		fmt.Printf("%s within %v: met %d of %d\n", st.Step.Name, st.Step.Limit, st.Met, st.N)
	}
	// Output:
	// inject 1 acknowledged after 40s resolved after 3m0s
	// respond within 1m0s: met 1 of 1
	// on scene within 3m0s: met 0 of 1
	// joint action within 5m0s: met 1 of 1
}

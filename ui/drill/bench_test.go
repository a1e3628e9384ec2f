package drill

import (
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"safetynet/data/store"
)

// bigScenario is a long drill: n injects, one every 20 s, every fifth a
// contingency on the one before.
func bigScenario(n int) store.Scenario {
	sc := sampleScenario()
	sc.Injects = nil
	for i := 0; i < n; i++ {
		in := store.Inject{Number: strconv.Itoa(i + 1), Offset: time.Duration(i) * 20 * time.Second, Timed: true, Kind: store.InjectPrimary,
			Type: "fire.smoke", LocationCode: "KA-EBIKE", Expect: store.Expect{AckWithin: time.Minute}}
		if i%5 == 4 {
			in.Kind = store.InjectContingent
			in.Condition = &store.Condition{After: strconv.Itoa(i), Missing: store.StepAck, Within: time.Minute}
		}
		sc.Injects = append(sc.Injects, in)
	}
	return sc
}

// BenchmarkTimelineDrag is one drag step of an inject on a timeline of
// 200 injects: the layout and the drawing the step asks for.
func BenchmarkTimelineDrag(b *testing.B) {
	test.NewTempApp(b)
	tl := NewTimeline()
	tl.SetInjects(bigScenario(200).Injects)
	w := test.NewTempWindow(b, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1200, 160))
	start := fyne.NewPos(tl.xOf(0, 1200), tlRuler+tlRow/2)
	tl.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start}, Dragged: fyne.NewDelta(0, 0)})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dx := float32(i%50) - 25
		tl.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start.AddXY(dx, 0)}, Dragged: fyne.NewDelta(1, 0)})
	}
	b.StopTimer()
	tl.DragEnd()
}

// BenchmarkCheck checks a scenario of 200 injects, as each keystroke in
// the editor does.
func BenchmarkCheck(b *testing.B) {
	sc := bigScenario(200)
	known := func(string) bool { return true }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ps := Check(sc, known); len(ps) != 0 {
			b.Fatal(ps)
		}
	}
}

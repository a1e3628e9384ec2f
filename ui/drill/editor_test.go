package drill

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// workbench shows a workbench of the sample scenario, with every code
// but NOPE known.
func workbench(t *testing.T) *Workbench {
	t.Helper()
	useEnglish(t)
	wb := NewWorkbench()
	wb.Load(sampleScenario())
	wb.SetCodes(func(c string) bool { return c != "NOPE" })
	win := test.NewTempWindow(t, container.NewHBox(wb.Timeline, wb.Editor, wb.Properties, wb.Director))
	win.Resize(fyne.NewSize(1000, 900))
	return wb
}

// typeInto replaces an entry's text as typing would, one key at a time.
func typeInto(e *widget.Entry, s string) {
	e.SetText("")
	test.Type(e, s)
}

func TestEditorValidatesAsYouType(t *testing.T) {
	wb := workbench(t)
	ed := wb.Editor
	changes := 0
	wb.OnChange = func() { changes++ }
	wb.Select(4) // inject 4 at t+05:00
	if ed.number.Text != "4" || ed.at.Text != "t+05:00" || ed.typ.Selected == "" {
		t.Fatalf("inject 4 loaded as number %q time %q type %q", ed.number.Text, ed.at.Text, ed.typ.Selected)
	}
	if !wb.Valid() {
		t.Fatalf("the sample is not valid: %+v", wb.Problems())
	}

	typeInto(ed.number, "1")
	if p := ed.Problem(FieldNumber); !strings.Contains(p, "used by another inject") {
		t.Errorf("a duplicate number shows %q under the number", p)
	}
	if wb.Valid() {
		t.Error("a scenario with a duplicate number is valid")
	}
	typeInto(ed.number, "4-B")
	if p := ed.Problem(FieldNumber); p != "" {
		t.Errorf("a unique number still shows %q", p)
	}

	typeInto(ed.at, "t+7:7x")
	if p := ed.Problem(FieldTime); !strings.Contains(p, "t+mm:ss") {
		t.Errorf("a bad time shows %q", p)
	}
	if wb.Valid() {
		t.Error("a bad time is valid")
	}
	typeInto(ed.at, "t+07:30")
	if p := ed.Problem(FieldTime); p != "" || wb.Scenario().Injects[4].Offset != 7*time.Minute+30*time.Second {
		t.Errorf("t+07:30: problem %q, offset %v", p, wb.Scenario().Injects[4].Offset)
	}
	if in := wb.Timeline.Injects()[4]; in.Offset != 7*time.Minute+30*time.Second || in.Number != "4-B" {
		t.Errorf("the timeline shows inject 4 as %q at %v", in.Number, in.Offset)
	}

	typeInto(ed.location, "NOPE")
	if p := ed.Problem(FieldLocation); !strings.Contains(p, "NOPE") {
		t.Errorf("an unknown code shows %q", p)
	}
	typeInto(ed.location, "GATE-N")
	if p := ed.Problem(FieldLocation); p != "" {
		t.Errorf("a known code shows %q", p)
	}

	typeInto(ed.ack, "-30")
	if p := ed.Problem(FieldAck); !strings.Contains(p, "negative") {
		t.Errorf("a negative deadline shows %q", p)
	}
	typeInto(ed.ack, "1:30")
	typeInto(ed.radius, "-2")
	if p := ed.Problem(FieldOnScene); !strings.Contains(p, "negative") {
		t.Errorf("a negative radius shows %q beside on scene", p)
	}
	typeInto(ed.radius, "20")
	if !wb.Valid() {
		t.Errorf("after the fixes: %+v", wb.Problems())
	}
	in := wb.Scenario().Injects[4]
	if in.Expect.AckWithin != 90*time.Second || in.Expect.OnSceneRadius != 20 || in.LocationCode != "GATE-N" {
		t.Errorf("inject 4 after editing: %+v", in.Expect)
	}
	if changes == 0 || !wb.Dirty() {
		t.Errorf("edits reported %d changes, dirty %v", changes, wb.Dirty())
	}
}

func TestEditorKindShowsCondition(t *testing.T) {
	wb := workbench(t)
	ed := wb.Editor
	wb.Select(3) // 3-A, a contingency on 3
	if !ed.condition.Visible() || ed.after.Text != "3" || ed.missing.code() != store.StepOnScene {
		t.Fatalf("3-A's condition: visible %v after %q missing %q", ed.condition.Visible(), ed.after.Text, ed.missing.code())
	}
	typeInto(ed.after, "77")
	if p := ed.Problem(FieldCondition); !strings.Contains(p, "77") {
		t.Errorf("a condition on a missing inject shows %q", p)
	}
	ed.kind.SetSelectedIndex(0) // primary: no condition
	if ed.condition.Visible() || wb.Scenario().Injects[3].Condition != nil {
		t.Error("a primary inject keeps its condition")
	}
	if !wb.Valid() {
		t.Errorf("problems: %+v", wb.Problems())
	}
	// The type drop-down shows names, not codes, and stores the code.
	ed.typ.SetSelected("Medical emergency")
	if got := wb.Scenario().Injects[3].Type; got != "medical.emergency" {
		t.Errorf("type chosen as Medical emergency stored as %q", got)
	}
}

func TestScenarioFormValidates(t *testing.T) {
	wb := workbench(t)
	f := wb.Properties
	if f.code.Text != "DR-FIRE-SHED" || !strings.Contains(f.objectives.Text, "O2: On scene") {
		t.Fatalf("scenario loaded as %q, objectives %q", f.code.Text, f.objectives.Text)
	}
	typeInto(f.code, "")
	if p := f.Problem(FieldCode); p == "" || wb.Valid() {
		t.Errorf("no code: problem %q, valid %v", p, wb.Valid())
	}
	typeInto(f.code, "DR-2")
	f.objectives.SetText("O1: acknowledged\nO1: twice")
	if p := f.Problem(FieldObjectives); !strings.Contains(p, "twice") {
		t.Errorf("an objective listed twice shows %q", p)
	}
	f.objectives.SetText("O1: acknowledged\nO3: evacuated")
	// Inject 3 serves O2, which is gone.
	if wb.Valid() {
		t.Error("an inject serving an objective that was removed is valid")
	}
	f.norm.SetSelectedIndex(1)
	sc := wb.Scenario()
	if sc.Code != "DR-2" || sc.Norm != store.NormNFPA1710 || len(sc.Objectives) != 2 || sc.Objectives[1].Code != "O3" || sc.Objectives[1].Text.Text != "evacuated" {
		t.Errorf("scenario after editing: %q %q %+v", sc.Code, sc.Norm, sc.Objectives)
	}
}

func TestWorkbenchAddInjectAndPlace(t *testing.T) {
	wb := workbench(t)
	wb.Select(7) // 7 at t+10:00
	i := wb.AddInject("CAM-012", nil, "North camera")
	in := wb.Scenario().Injects[i]
	if in.Number != "10" || in.Offset != 11*time.Minute || !in.Timed || in.LocationCode != "CAM-012" || in.Expect.AckWithin != time.Minute {
		t.Errorf("added inject: %+v", in)
	}
	if wb.Selected() != i || wb.Timeline.Selected() != i || wb.Editor.number.Text != "10" {
		t.Errorf("the new inject is not selected everywhere: %d %d %q", wb.Selected(), wb.Timeline.Selected(), wb.Editor.number.Text)
	}
	wb.Editor.SetPlace("", orb.Point{121.6, 31.2})
	in = wb.Scenario().Injects[i]
	if in.LocationCode != "" || in.Geometry != (orb.Point{121.6, 31.2}) || !strings.Contains(wb.Editor.place.Text, "121.60000") {
		t.Errorf("after picking a point: %q %v %q", in.LocationCode, in.Geometry, wb.Editor.place.Text)
	}
	wb.Remove(i)
	if n := len(wb.Scenario().Injects); n != 10 {
		t.Errorf("%d injects after removing the new one", n)
	}
	// Load drops the edits; the loaded copy is not the caller's.
	sc := sampleScenario()
	wb.Load(sc)
	wb.Select(3)
	typeInto(wb.Editor.after, "2")
	if sc.Injects[3].Condition.After != "3" || wb.Dirty() != true {
		t.Errorf("editing the loaded scenario changed the caller's: %q", sc.Injects[3].Condition.After)
	}
}

// fakeDirector records what the director panel asks of it.
type fakeDirector struct {
	calls []string
	st    RunStatusView
	fail  error
}

func (f *fakeDirector) Start()  { f.calls = append(f.calls, "start"); f.st.State = RunRunning }
func (f *fakeDirector) Pause()  { f.calls = append(f.calls, "pause"); f.st.State = RunPaused }
func (f *fakeDirector) Resume() { f.calls = append(f.calls, "resume"); f.st.State = RunRunning }
func (f *fakeDirector) Stop()   { f.calls = append(f.calls, "stop"); f.st.State = RunStopped }
func (f *fakeDirector) Trigger(n string) error {
	f.calls = append(f.calls, "trigger "+n)
	if f.fail != nil {
		return f.fail
	}
	f.st.Injects[n] = InjectSent
	return nil
}
func (f *fakeDirector) Skip(n string) error {
	f.calls = append(f.calls, "skip "+n)
	f.st.Injects[n] = InjectSkipped
	return nil
}
func (f *fakeDirector) Status() RunStatusView { return f.st }
func (f *fakeDirector) Observe(who, text string) error {
	f.calls = append(f.calls, "observe "+who+": "+text)
	return nil
}

func TestDirectorButtonsCallTheDirector(t *testing.T) {
	wb := workbench(t)
	p := wb.Director
	if !p.Start.Disabled() {
		t.Error("Start is enabled without a director")
	}
	d := &fakeDirector{st: RunStatusView{State: RunIdle, Injects: map[string]string{}}}
	p.SetDirector(d)
	if p.Start.Disabled() || !p.Pause.Disabled() || !p.Trigger.Disabled() || !p.Stop.Disabled() {
		t.Error("an idle run: only Start is enabled")
	}
	test.Tap(p.Start)
	d.st.Clock = 4*time.Minute + 5*time.Second
	p.Update()
	if p.clock.Text != "t+04:05" || p.state.Text != "Running" {
		t.Errorf("running: clock %q state %q", p.clock.Text, p.state.Text)
	}
	if !wb.Timeline.nowOn || wb.Timeline.now != d.st.Clock {
		t.Error("the timeline does not show the clock of the run")
	}
	wb.Select(4)
	test.Tap(p.Trigger)
	if wb.Timeline.states["4"] != InjectSent {
		t.Errorf("the timeline shows inject 4 as %q after Send now", wb.Timeline.states["4"])
	}
	if !p.Trigger.Disabled() {
		t.Error("Send now stays enabled for an inject already sent")
	}
	wb.Select(5)
	test.Tap(p.Skip)
	test.Tap(p.Pause)
	if p.state.Text != "PAUSED" || p.Pause.Disabled() == false || p.Resume.Disabled() {
		t.Errorf("paused: state %q, pause enabled %v, resume disabled %v", p.state.Text, !p.Pause.Disabled(), p.Resume.Disabled())
	}
	test.Tap(p.Resume)
	wb.Select(6)
	d.fail = errors.New("drill: inject 6 is not due")
	test.Tap(p.Trigger)
	if !p.message.Visible() || !strings.Contains(p.message.Text, "not due") {
		t.Errorf("a refused trigger shows %q", p.message.Text)
	}
	p.evaluator.SetText("Li")
	test.Type(p.observe, "Gate team slow to answer")
	p.observe.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if p.observe.Text != "" || len(p.Observations()) != 1 || p.Observations()[0] != "t+04:05  Li: Gate team slow to answer" {
		t.Errorf("after Enter: entry %q, observations %q", p.observe.Text, p.Observations())
	}
	test.Tap(p.Stop)
	want := []string{"start", "trigger 4", "skip 5", "pause", "resume", "trigger 6", "observe Li: Gate team slow to answer", "stop"}
	if strings.Join(d.calls, "|") != strings.Join(want, "|") {
		t.Errorf("the director was asked %q, want %q", d.calls, want)
	}
	if p.state.Text != "Ended" || !p.Stop.Disabled() || p.Start.Disabled() {
		t.Errorf("stopped: state %q", p.state.Text)
	}
}

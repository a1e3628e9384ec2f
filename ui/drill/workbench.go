package drill

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// Workbench holds the scenario being written and keeps its widgets in
// step: the timeline, the inject editor, the scenario's properties and
// the director's panel. The caller places the widgets, shows the
// injects on the map (OnChange, OnSelect) and saves Scenario() when
// Valid. Create it with NewWorkbench.
type Workbench struct {
	Timeline   *Timeline
	Editor     *InjectEditor
	Properties *ScenarioForm
	Director   *DirectorPanel

	// OnChange is called after each change of the scenario.
	OnChange func()
	// OnSelect is called when another inject is selected (-1: none).
	OnSelect func(i int)

	sc    *store.Scenario
	dirty bool
}

// NewWorkbench returns a workbench holding an empty scenario.
func NewWorkbench() *Workbench {
	w := &Workbench{Timeline: NewTimeline(), Editor: NewInjectEditor(), Properties: NewScenarioForm(), Director: NewDirectorPanel(), sc: &store.Scenario{}}
	w.Timeline.OnSelect = w.Select
	w.Timeline.OnRetime = func(i int, off time.Duration, timed bool) {
		w.sc.Injects[i].Offset, w.sc.Injects[i].Timed = off, timed
		if w.Editor.Selected() == i {
			w.Editor.Select(i)
		}
		w.changed(false)
	}
	w.Editor.OnChange = func() { w.changed(true) }
	w.Properties.OnChange = func() {
		w.Editor.check()
		w.changed(false)
	}
	w.Director.OnStatus = func(st RunStatusView) {
		on := st.State == RunRunning || st.State == RunPaused
		w.Timeline.SetNow(st.Clock, on)
		w.Timeline.SetStates(st.Injects)
	}
	w.Load(store.Scenario{})
	return w
}

// Load shows a copy of sc, with nothing selected and nothing unsaved.
func (w *Workbench) Load(sc store.Scenario) {
	c := copyScenario(sc)
	w.sc = &c
	w.dirty = false
	w.Editor.SetScenario(w.sc)
	w.Properties.SetScenario(w.sc)
	w.Timeline.SetSelected(-1)
	w.Timeline.SetInjects(w.sc.Injects)
	w.Director.SetSelected("")
}

// Scenario returns a copy of the scenario as edited.
func (w *Workbench) Scenario() store.Scenario { return copyScenario(*w.sc) }

// Dirty tells whether the scenario changed since Load or MarkSaved.
func (w *Workbench) Dirty() bool { return w.dirty }

// MarkSaved records that the scenario as it stands was saved.
func (w *Workbench) MarkSaved() { w.dirty = false }

// SetCodes sets what tells a known location code (nil: every code).
func (w *Workbench) SetCodes(codes func(string) bool) { w.Editor.SetCodes(codes) }

// Problems returns what keeps the scenario from being saved.
func (w *Workbench) Problems() []Problem { return w.Editor.Problems() }

// Valid tells whether the scenario can be saved.
func (w *Workbench) Valid() bool { return len(w.Problems()) == 0 }

// Selected returns the index of the selected inject, or -1.
func (w *Workbench) Selected() int { return w.Editor.Selected() }

// Select selects inject i (-1: none) everywhere.
func (w *Workbench) Select(i int) {
	if i >= len(w.sc.Injects) {
		i = -1
	}
	w.Editor.Select(i)
	w.Timeline.SetSelected(i)
	n := ""
	if i >= 0 {
		n = w.sc.Injects[i].Number
	}
	w.Director.SetSelected(n)
	if w.OnSelect != nil {
		w.OnSelect(i)
	}
}

// AddInject adds a primary inject at a place (a feature's code, a
// geometry, or both; location is the place's words), numbered after the
// highest number, timed a minute after the selected inject (or the last
// one), expecting what the scenario's norm asks; selects it and returns
// its index.
func (w *Workbench) AddInject(code string, g orb.Geometry, location string) int {
	at := time.Duration(0)
	if i := w.Selected(); i >= 0 && w.sc.Injects[i].Timed {
		at = w.sc.Injects[i].Offset + time.Minute
	} else {
		for _, in := range w.sc.Injects {
			if in.Timed && in.Offset+time.Minute > at {
				at = in.Offset + time.Minute
			}
		}
	}
	in := store.Inject{
		Number: w.nextNumber(), Offset: at, Timed: true, Kind: store.InjectPrimary,
		Type: "fire.smoke", Severity: "severe", Format: store.FormatJSON,
		LocationCode: code, Geometry: g, Location: location,
		Expect: NormExpect(w.sc.Norm),
	}
	w.sc.Injects = append(w.sc.Injects, in)
	i := len(w.sc.Injects) - 1
	w.Timeline.SetInjects(w.sc.Injects)
	w.Select(i)
	w.changed(false)
	return i
}

// Remove deletes inject i.
func (w *Workbench) Remove(i int) {
	if i < 0 || i >= len(w.sc.Injects) {
		return
	}
	w.sc.Injects = append(w.sc.Injects[:i:i], w.sc.Injects[i+1:]...)
	w.Timeline.SetInjects(w.sc.Injects)
	w.Select(-1)
	w.changed(false)
}

// Sort puts the injects in the order of their times, each untimed one
// staying after the inject it follows, as the MSEL keeps them; the
// selection stays on the same inject.
func (w *Workbench) Sort() {
	sel := -1
	if i := w.Selected(); i >= 0 {
		sel = i
	}
	order := SortInjects(w.sc.Injects)
	now := -1
	for k, i := range order {
		if i == sel {
			now = k
		}
	}
	w.Timeline.SetInjects(w.sc.Injects)
	w.Select(now)
}

// SortInjects sorts injects in place by time, stably, each untimed
// inject keeping its place after the inject before it; it returns the
// old index of each inject in the new order.
func SortInjects(injects []store.Inject) []int {
	type keyed struct {
		key time.Duration
		old int
		in  store.Inject
	}
	ks := make([]keyed, len(injects))
	last := time.Duration(-1)
	for i, in := range injects {
		if in.Timed {
			last = in.Offset
		}
		ks[i] = keyed{last, i, in}
	}
	sort.SliceStable(ks, func(a, b int) bool { return ks[a].key < ks[b].key })
	order := make([]int, len(ks))
	for i, k := range ks {
		injects[i] = k.in
		order[i] = k.old
	}
	return order
}

// nextNumber returns one more than the highest whole number in use.
func (w *Workbench) nextNumber() string {
	n := 0
	for _, in := range w.sc.Injects {
		head, _, _ := strings.Cut(in.Number, "-")
		if v, err := strconv.Atoi(head); err == nil && v > n {
			n = v
		}
	}
	return strconv.Itoa(n + 1)
}

// NormExpect returns the deadlines a norm sets for a new inject: 1-3-5
// acknowledges within 1 minute and is on scene within 3; NFPA 1710
// answers within 15 s, turns out within 80 s and arrives within 320 s.
func NormExpect(norm string) store.Expect {
	if norm == store.NormNFPA1710 {
		return store.Expect{AckWithin: 15 * time.Second, AssignWithin: 80 * time.Second, OnSceneWithin: 320 * time.Second}
	}
	return store.Expect{AckWithin: time.Minute, OnSceneWithin: 3 * time.Minute, ResolveWithin: 5 * time.Minute}
}

// changed refreshes what shows the scenario after an edit.
func (w *Workbench) changed(fromEditor bool) {
	w.dirty = true
	if fromEditor {
		w.Timeline.SetInjects(w.sc.Injects)
		if i := w.Selected(); i >= 0 {
			w.Director.SetSelected(w.sc.Injects[i].Number)
		}
	}
	if w.OnChange != nil {
		w.OnChange()
	}
}

// copyScenario copies sc deeply enough that edits of the copy never
// reach sc (geometries are shared: they are replaced, never changed).
func copyScenario(sc store.Scenario) store.Scenario {
	sc.Objectives = append([]store.Objective(nil), sc.Objectives...)
	sc.Injects = append([]store.Inject(nil), sc.Injects...)
	for i, in := range sc.Injects {
		if in.Condition != nil {
			c := *in.Condition
			sc.Injects[i].Condition = &c
		}
	}
	return sc
}

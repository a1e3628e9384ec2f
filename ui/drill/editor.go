package drill

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/event"
	"safetynet/ui/locale"
)

// field is one edited value: the widget, and the label under it that
// names its problem.
type field struct {
	obj     fyne.CanvasObject
	problem *widget.Label
}

func newField(obj fyne.CanvasObject) *field {
	p := widget.NewLabel("")
	p.Importance = widget.DangerImportance
	p.Wrapping = fyne.TextWrapWord
	p.Hide()
	return &field{obj: obj, problem: p}
}

// formItem is a field with its label.
type formItem struct {
	label string
	f     *field
}

func (f *field) item(label string) formItem { return formItem{label, f} }

// newForm lays items out in two columns: the labels, right-aligned, and
// the fields with their problems under them.
func newForm(items ...formItem) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, it := range items {
		l := widget.NewLabelWithStyle(it.label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		objs = append(objs, container.NewVBox(l), container.NewVBox(it.f.obj, it.f.problem))
	}
	return container.New(layout.NewFormLayout(), objs...)
}

func (f *field) say(text string) {
	if f.problem.Text == text {
		return
	}
	f.problem.SetText(text)
	if text == "" {
		f.problem.Hide()
	} else {
		f.problem.Show()
	}
}

// choice is a drop-down of coded values shown in words.
type choice struct {
	*widget.Select
	codes []string
}

func newChoice(codes, words []string, changed func(code string)) *choice {
	c := &choice{codes: codes}
	c.Select = widget.NewSelect(words, func(string) {
		if i := c.SelectedIndex(); i >= 0 && changed != nil {
			changed(c.codes[i])
		}
	})
	return c
}

// set selects code without reporting it; a code not among the options is
// added to them as it is.
func (c *choice) set(code string) {
	for i, k := range c.codes {
		if k == code {
			if c.SelectedIndex() != i {
				c.SetSelectedIndex(i)
			}
			return
		}
	}
	if code == "" {
		c.ClearSelected()
		return
	}
	c.codes = append(c.codes, code)
	c.Options = append(c.Options, code)
	c.SetSelectedIndex(len(c.codes) - 1)
}

func (c *choice) code() string {
	if i := c.SelectedIndex(); i >= 0 {
		return c.codes[i]
	}
	return ""
}

// InjectEditor edits one inject of a scenario in place: number, time,
// kind, type, severity, texts, format, place, who sends it to whom, the
// expected actions with their deadlines, objective, notes and, for a
// contingency inject, its condition. It checks the scenario as the
// coordinator types and names each problem under its field. Create it
// with NewInjectEditor.
type InjectEditor struct {
	widget.BaseWidget

	// OnChange is called after each edit of the scenario.
	OnChange func()
	// OnPick is called when the coordinator asks to pick the inject's
	// place on the map; answer with SetPlace.
	OnPick func()

	sc      *store.Scenario
	i       int
	codes   func(string) bool
	loading bool
	bad     map[string]string // fields whose text does not parse, with why

	number, at, titleZh, titleEn, location, source, from, to *widget.Entry
	ack, assign, onScene, radius, resolve, after, within     *widget.Entry
	messageZh, messageEn, notes                              *widget.Entry
	timed                                                    *widget.Check
	kind, typ, severity, format, objective, missing          *choice
	place                                                    *widget.Label
	pick, clear                                              *widget.Button
	fields                                                   map[string]*field
	condition                                                *fyne.Container
	empty                                                    *widget.Label
	sections                                                 *widget.Accordion
	body                                                     *fyne.Container
}

// NewInjectEditor returns an editor showing no inject.
func NewInjectEditor() *InjectEditor {
	e := &InjectEditor{i: -1, bad: map[string]string{}, fields: map[string]*field{}}
	entry := func(hint string) *widget.Entry {
		w := widget.NewEntry()
		w.PlaceHolder = hint
		w.OnChanged = func(string) { e.edited() }
		return w
	}
	multi := func() *widget.Entry {
		w := widget.NewMultiLineEntry()
		w.Wrapping = fyne.TextWrapWord
		w.SetMinRowsVisible(2)
		w.OnChanged = func(string) { e.edited() }
		return w
	}
	e.number = entry("5-A")
	e.at = entry("t+05:00")
	e.timed = widget.NewCheck(lang.L("Timed"), func(bool) { e.edited() })
	e.titleZh, e.titleEn = entry("中文"), entry("English")
	e.messageZh, e.messageEn = multi(), multi()
	e.location = entry(lang.L("code, e.g. CAM-012"))
	e.source, e.from, e.to = entry("sensor:SD-19"), entry(lang.L("from")), entry(lang.L("to"))
	e.ack, e.assign, e.onScene, e.resolve = entry(lang.L("seconds or m:ss")), entry(lang.L("seconds or m:ss")), entry(lang.L("seconds or m:ss")), entry(lang.L("seconds or m:ss"))
	e.radius = entry(strconv.FormatFloat(store.DefaultOnSceneRadius, 'f', -1, 64))
	e.after, e.within = entry("1"), entry("1:00")
	e.notes = multi()
	changed := func(string) { e.edited() }
	e.kind = newChoice([]string{store.InjectPrimary, store.InjectContingent, store.InjectContextual},
		[]string{lang.L("Primary"), lang.L("Contingency"), lang.L("Context")}, changed)
	var typeWords []string
	for _, t := range event.Types {
		typeWords = append(typeWords, locale.EventType(t))
	}
	e.typ = newChoice(append([]string(nil), event.Types...), typeWords, changed)
	e.severity = newChoice([]string{"minor", "moderate", "severe", "extreme"},
		[]string{lang.L("Minor"), lang.L("Moderate"), lang.L("Severe"), lang.L("Extreme")}, changed)
	e.format = newChoice([]string{store.FormatJSON, store.FormatCAP, store.FormatCoT, ""},
		[]string{"JSON", "CAP 1.2", "CoT", lang.L("Other (phone, radio)")}, changed)
	e.objective = newChoice(nil, nil, changed)
	e.missing = newChoice([]string{store.StepAck, store.StepAssign, store.StepOnScene, store.StepResolve},
		[]string{lang.L("acknowledged"), lang.L("assigned"), lang.L("on scene"), lang.L("resolved")}, changed)
	e.place = widget.NewLabel("")
	e.place.Truncation = fyne.TextTruncateEllipsis
	e.pick = widget.NewButton(lang.L("Pick on map"), func() {
		if e.OnPick != nil {
			e.OnPick()
		}
	})
	e.clear = widget.NewButton(lang.L("Clear place"), func() { e.SetPlace("", nil) })

	f := func(key string, obj fyne.CanvasObject) *field {
		fl := newField(obj)
		e.fields[key] = fl
		return fl
	}
	pair := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	event := newForm(
		f(FieldNumber, e.number).item(lang.L("Number")),
		f(FieldTime, container.NewBorder(nil, nil, nil, e.timed, e.at)).item(lang.L("Time")),
		f("kind", e.kind).item(lang.L("Kind")),
		f(FieldType, e.typ).item(lang.L("Type")),
		f("severity", e.severity).item(lang.L("Severity")),
		f("title", pair(e.titleZh, e.titleEn)).item(lang.L("Title")),
		f("message_zh", e.messageZh).item(lang.L("Message 中文")),
		f("message_en", e.messageEn).item(lang.L("Message English")),
		f("format", e.format).item(lang.L("Format")),
	)
	where := newForm(
		f(FieldLocation, container.NewVBox(container.NewBorder(nil, nil, nil, e.pick, e.location),
			container.NewBorder(nil, nil, nil, e.clear, e.place))).item(lang.L("Place")),
		f("source", e.source).item(lang.L("Source")),
		f("from_to", pair(e.from, e.to)).item(lang.L("From, to")),
	)
	expect := newForm(
		f(FieldAck, e.ack).item(lang.L("Ack within")),
		f(FieldAssign, e.assign).item(lang.L("Assign within")),
		f(FieldOnScene, pair(e.onScene, e.radius)).item(lang.L("On scene within, m")),
		f(FieldResolve, e.resolve).item(lang.L("Resolve within")),
		f(FieldObjective, e.objective).item(lang.L("Objective")),
		f("notes", e.notes).item(lang.L("Notes")),
	)
	e.fields[FieldRadius] = e.fields[FieldOnScene]
	cond := f(FieldCondition, container.NewGridWithColumns(3, e.after, e.missing, e.within))
	e.condition = container.NewVBox(widget.NewLabelWithStyle(lang.L("Fires when inject … was not … within"), fyne.TextAlignLeading, fyne.TextStyle{}),
		cond.obj, cond.problem)
	e.empty = widget.NewLabel(lang.L("Select an inject on the timeline or the map, or add one."))
	e.empty.Wrapping = fyne.TextWrapWord
	e.sections = widget.NewAccordion(
		widget.NewAccordionItem(lang.L("Event"), event),
		widget.NewAccordionItem(lang.L("Place and people"), where),
		widget.NewAccordionItem(lang.L("Expected actions"), container.NewVBox(expect, e.condition)),
	)
	e.sections.MultiOpen = true
	e.sections.Open(0)
	e.body = container.NewVBox(e.sections)
	e.body.Hide()
	e.ExtendBaseWidget(e)
	return e
}

// Refresh redraws every field, hidden or not, in the current theme.
func (e *InjectEditor) Refresh() {
	refreshAll(e.empty)
	refreshAll(e.body)
	e.BaseWidget.Refresh()
}

// refreshAll refreshes every widget in containers and accordions under o.
func refreshAll(o fyne.CanvasObject) {
	switch c := o.(type) {
	case *fyne.Container:
		for _, k := range c.Objects {
			refreshAll(k)
		}
	case *widget.Accordion:
		for _, it := range c.Items {
			refreshAll(it.Detail)
		}
		c.Refresh()
	default:
		o.Refresh()
	}
}

// CreateRenderer lays the editor out.
func (e *InjectEditor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewVBox(e.empty, e.body))
}

// SetCodes sets what tells a known location code (nil: every code).
func (e *InjectEditor) SetCodes(codes func(string) bool) {
	e.codes = codes
	e.check()
}

// SetScenario edits sc in place, showing none of its injects.
func (e *InjectEditor) SetScenario(sc *store.Scenario) {
	e.sc = sc
	e.Select(-1)
}

// Select shows inject i of the scenario (-1: none). Text that did not
// parse in the inject shown before is dropped.
func (e *InjectEditor) Select(i int) {
	if e.sc == nil || i < 0 || i >= len(e.sc.Injects) {
		i = -1
	}
	e.i = i
	e.bad = map[string]string{}
	if i < 0 {
		e.body.Hide()
		e.empty.Show()
		e.check()
		return
	}
	e.empty.Hide()
	e.body.Show()
	e.load()
	e.check()
}

// Selected returns the index of the inject shown, or -1.
func (e *InjectEditor) Selected() int { return e.i }

// load fills the fields from the inject.
func (e *InjectEditor) load() {
	e.loading = true
	defer func() { e.loading = false }()
	in := e.sc.Injects[e.i]
	e.number.SetText(in.Number)
	e.timed.SetChecked(in.Timed)
	e.at.SetText("")
	if in.Timed {
		e.at.SetText(FormatClock(in.Offset))
	}
	e.kind.set(in.Kind)
	e.typ.set(in.Type)
	e.severity.set(in.Severity)
	e.format.set(in.Format)
	e.titleZh.SetText(in.Title.TextZh)
	e.titleEn.SetText(in.Title.TextEn)
	e.messageZh.SetText(in.Message.TextZh)
	e.messageEn.SetText(in.Message.TextEn)
	e.location.SetText(in.LocationCode)
	e.place.SetText(placeText(in))
	e.source.SetText(in.Source)
	e.from.SetText(in.From)
	e.to.SetText(in.To)
	e.ack.SetText(FormatSpan(in.Expect.AckWithin))
	e.assign.SetText(FormatSpan(in.Expect.AssignWithin))
	e.onScene.SetText(FormatSpan(in.Expect.OnSceneWithin))
	e.radius.SetText("")
	if in.Expect.OnSceneRadius != 0 {
		e.radius.SetText(strconv.FormatFloat(in.Expect.OnSceneRadius, 'f', -1, 64))
	}
	e.resolve.SetText(FormatSpan(in.Expect.ResolveWithin))
	codes, words := []string{""}, []string{lang.L("(none)")}
	for _, o := range e.sc.Objectives {
		codes = append(codes, o.Code)
		words = append(words, o.Code)
	}
	e.objective.codes, e.objective.Options = codes, words
	e.objective.set(in.Objective)
	e.notes.SetText(in.Notes)
	if c := in.Condition; c != nil {
		e.after.SetText(c.After)
		e.missing.set(c.Missing)
		e.within.SetText(FormatSpan(c.Within))
	} else {
		e.after.SetText("")
		e.missing.set(store.StepAck)
		e.within.SetText("")
	}
	e.showCondition(in.Kind == store.InjectContingent)
}

func (e *InjectEditor) showCondition(on bool) {
	if on {
		e.condition.Show()
	} else {
		e.condition.Hide()
	}
}

// placeText says where an inject happens: its location code's text, its
// drawn point, or nothing.
func placeText(in store.Inject) string {
	switch g := in.Geometry.(type) {
	case orb.Point:
		return lang.L("Point {{.Lon}}, {{.Lat}}", map[string]any{"Lon": fmt.Sprintf("%.5f", g[0]), "Lat": fmt.Sprintf("%.5f", g[1])})
	case nil:
	default:
		c := g.Bound().Center()
		return lang.L("Area around {{.Lon}}, {{.Lat}}", map[string]any{"Lon": fmt.Sprintf("%.5f", c[0]), "Lat": fmt.Sprintf("%.5f", c[1])})
	}
	return in.Location
}

// SetPlace sets the place of the inject shown: a feature's code (may be
// empty) and a geometry (may be nil), as picked on the map.
func (e *InjectEditor) SetPlace(code string, g orb.Geometry) {
	if e.i < 0 {
		return
	}
	in := &e.sc.Injects[e.i]
	in.LocationCode, in.Geometry = code, g
	e.loading = true
	e.location.SetText(code)
	e.place.SetText(placeText(*in))
	e.loading = false
	e.changed()
}

// edited writes the fields back to the inject.
func (e *InjectEditor) edited() {
	if e.loading || e.i < 0 {
		return
	}
	in := &e.sc.Injects[e.i]
	e.bad = map[string]string{}
	in.Number = strings.TrimSpace(e.number.Text)
	in.Timed = e.timed.Checked
	if in.Timed {
		if d, err := ParseClock(e.at.Text); err != nil {
			e.bad[FieldTime] = lang.L("Write the time as t+mm:ss, e.g. t+05:30.")
		} else {
			in.Offset = d
		}
	}
	in.Kind = e.kind.code()
	in.Type = e.typ.code()
	in.Severity = e.severity.code()
	in.Format = e.format.code()
	in.Title.TextZh, in.Title.TextEn = e.titleZh.Text, e.titleEn.Text
	in.Message.TextZh, in.Message.TextEn = e.messageZh.Text, e.messageEn.Text
	in.LocationCode = strings.TrimSpace(e.location.Text)
	in.Source, in.From, in.To = strings.TrimSpace(e.source.Text), e.from.Text, e.to.Text
	span := func(key string, w *widget.Entry, dst *time.Duration) {
		d, err := ParseSpan(w.Text)
		switch {
		case err != nil && strings.HasPrefix(strings.TrimSpace(w.Text), "-"):
			e.bad[key] = lang.L("A deadline cannot be negative.")
		case err != nil:
			e.bad[key] = lang.L("Write seconds (90) or minutes and seconds (1:30).")
		default:
			*dst = d
		}
	}
	span(FieldAck, e.ack, &in.Expect.AckWithin)
	span(FieldAssign, e.assign, &in.Expect.AssignWithin)
	span(FieldOnScene, e.onScene, &in.Expect.OnSceneWithin)
	span(FieldResolve, e.resolve, &in.Expect.ResolveWithin)
	if t := strings.TrimSpace(e.radius.Text); t == "" {
		in.Expect.OnSceneRadius = 0
	} else if r, err := strconv.ParseFloat(t, 64); err != nil {
		e.bad[FieldRadius] = lang.L("Write the radius in metres, e.g. 15.")
	} else {
		in.Expect.OnSceneRadius = r
	}
	in.Objective = e.objective.code()
	in.Notes = e.notes.Text
	if in.Kind == store.InjectContingent {
		c := &store.Condition{After: strings.TrimSpace(e.after.Text), Missing: e.missing.code()}
		span(FieldCondition, e.within, &c.Within)
		in.Condition = c
	} else {
		in.Condition = nil
	}
	e.showCondition(in.Kind == store.InjectContingent)
	e.changed()
}

func (e *InjectEditor) changed() {
	e.check()
	if e.OnChange != nil {
		e.OnChange()
	}
}

// check shows the problems of the inject shown under their fields.
func (e *InjectEditor) check() {
	says := map[string]string{}
	for k, v := range e.bad {
		says[k] = v
	}
	if e.sc != nil && e.i >= 0 {
		for _, p := range Check(*e.sc, e.codes) {
			if p.Inject == e.i && says[p.Field] == "" {
				says[p.Field] = p.Text
			}
		}
	}
	for key, f := range e.fields {
		if key == FieldRadius {
			continue
		}
		t := says[key]
		if key == FieldOnScene && t == "" {
			t = says[FieldRadius]
		}
		f.say(t)
		if sec, ok := sectionOf[key]; t != "" && ok && !e.sections.Items[sec].Open {
			e.sections.Open(sec) // a problem is never hidden
		}
	}
}

// sectionOf is the editor's section of each field that can have a
// problem: the event, the place, the expected actions.
var sectionOf = map[string]int{
	FieldNumber: 0, FieldTime: 0, FieldType: 0, FieldLocation: 1,
	FieldAck: 2, FieldAssign: 2, FieldOnScene: 2, FieldResolve: 2, FieldObjective: 2, FieldCondition: 2,
}

// Problems returns what is wrong: text in the inject shown that does not
// parse, then the scenario's problems (see Check).
func (e *InjectEditor) Problems() []Problem {
	var out []Problem
	for _, k := range []string{FieldTime, FieldAck, FieldAssign, FieldOnScene, FieldRadius, FieldResolve, FieldCondition} {
		if t, ok := e.bad[k]; ok {
			out = append(out, Problem{Inject: e.i, Field: k, Text: t})
		}
	}
	if e.sc != nil {
		out = append(out, Check(*e.sc, e.codes)...)
	}
	return out
}

// Problem returns the problem shown under field ("" when none).
func (e *InjectEditor) Problem(field string) string {
	if f, ok := e.fields[field]; ok {
		return f.problem.Text
	}
	return ""
}

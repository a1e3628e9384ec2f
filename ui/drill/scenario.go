package drill

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
)

// ScenarioForm edits a scenario's own properties in place: code, names,
// description, objectives (one a line, "O1: text"), the plan or hazard
// it exercises and its response norm; each problem shows under its
// field. Create it with NewScenarioForm.
type ScenarioForm struct {
	widget.BaseWidget

	// OnChange is called after each edit.
	OnChange func()

	sc      *store.Scenario
	loading bool

	code, nameZh, nameEn, exercises *widget.Entry
	description, objectives         *widget.Entry
	norm                            *choice
	fields                          map[string]*field
	form                            *fyne.Container
}

// NewScenarioForm returns a form editing no scenario.
func NewScenarioForm() *ScenarioForm {
	f := &ScenarioForm{fields: map[string]*field{}}
	entry := func(hint string) *widget.Entry {
		w := widget.NewEntry()
		w.PlaceHolder = hint
		w.OnChanged = func(string) { f.edited() }
		return w
	}
	f.code = entry("DR-FIRE-SHED")
	f.nameZh, f.nameEn = entry(""), entry("")
	f.exercises = entry(lang.L("plan or hazard code"))
	f.description = widget.NewMultiLineEntry()
	f.description.Wrapping = fyne.TextWrapWord
	f.description.SetMinRowsVisible(2)
	f.description.OnChanged = func(string) { f.edited() }
	f.objectives = widget.NewMultiLineEntry()
	f.objectives.PlaceHolder = lang.L("O1: alarm acknowledged within 1 minute")
	f.objectives.SetMinRowsVisible(3)
	f.objectives.Wrapping = fyne.TextWrapWord
	f.objectives.OnChanged = func(string) { f.edited() }
	f.norm = newChoice([]string{store.NormMFS135, store.NormNFPA1710},
		[]string{lang.L("1-3-5 (community micro fire station)"), "NFPA 1710"}, func(string) { f.edited() })
	fl := func(key string, obj fyne.CanvasObject) *field {
		x := newField(obj)
		f.fields[key] = x
		return x
	}
	f.form = newForm(
		fl(FieldCode, f.code).item(lang.L("Code")),
		fl(FieldName, container.NewGridWithColumns(2, f.nameZh, f.nameEn)).item(lang.L("Name zh / en")),
		fl("description", f.description).item(lang.L("Narrative")),
		fl(FieldObjectives, f.objectives).item(lang.L("Objectives")),
		fl("exercises", f.exercises).item(lang.L("Exercises")),
		fl("norm", f.norm).item(lang.L("Norm")),
	)
	f.ExtendBaseWidget(f)
	return f
}

// Refresh redraws every field in the current theme.
func (f *ScenarioForm) Refresh() {
	refreshAll(f.form)
	f.BaseWidget.Refresh()
}

// CreateRenderer lays the form out.
func (f *ScenarioForm) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(f.form) }

// SetScenario edits sc in place.
func (f *ScenarioForm) SetScenario(sc *store.Scenario) {
	f.sc = sc
	f.loading = true
	f.code.SetText(sc.Code)
	f.nameZh.SetText(sc.NameZh)
	f.nameEn.SetText(sc.NameEn)
	f.description.SetText(sc.Description.Text)
	var lines []string
	for _, o := range sc.Objectives {
		lines = append(lines, o.Code+": "+o.Text.Text)
	}
	f.objectives.SetText(strings.Join(lines, "\n"))
	f.exercises.SetText(sc.Exercises)
	norm := sc.Norm
	if norm == "" {
		norm = store.NormMFS135
	}
	f.norm.set(norm)
	f.loading = false
	f.check()
}

func (f *ScenarioForm) edited() {
	if f.loading || f.sc == nil {
		return
	}
	sc := f.sc
	sc.Code = strings.TrimSpace(f.code.Text)
	sc.NameZh, sc.NameEn = f.nameZh.Text, f.nameEn.Text
	sc.Description.Text = f.description.Text
	sc.Objectives = parseObjectives(f.objectives.Text, sc.Objectives)
	sc.Exercises = strings.TrimSpace(f.exercises.Text)
	sc.Norm = f.norm.code()
	f.check()
	if f.OnChange != nil {
		f.OnChange()
	}
}

// parseObjectives reads one objective a line, "CODE: text", keeping the
// capability and the other language's text of those that were there.
func parseObjectives(text string, old []store.Objective) []store.Objective {
	byCode := map[string]store.Objective{}
	for _, o := range old {
		byCode[o.Code] = o
	}
	var out []store.Objective
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		code, rest, ok := strings.Cut(line, ":")
		if !ok {
			code, rest, ok = strings.Cut(line, "：")
		}
		if !ok {
			code, rest = "", line
		}
		o := byCode[strings.TrimSpace(code)]
		o.Code = strings.TrimSpace(code)
		o.Text.Text = strings.TrimSpace(rest)
		out = append(out, o)
	}
	return out
}

// check shows the scenario's problems under their fields.
func (f *ScenarioForm) check() {
	says := map[string]string{}
	if f.sc != nil {
		for _, p := range Check(*f.sc, nil) {
			if p.Inject < 0 && says[p.Field] == "" {
				says[p.Field] = p.Text
			}
		}
	}
	for k, x := range f.fields {
		x.say(says[k])
	}
}

// Problem returns the problem shown under field ("" when none).
func (f *ScenarioForm) Problem(field string) string {
	if x, ok := f.fields[field]; ok {
		return x.problem.Text
	}
	return ""
}

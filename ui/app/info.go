package app

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
	"safetynet/ui/locale"
)

// infoPanel shows every attribute of the selected feature. Its methods run
// on the Fyne goroutine.
type infoPanel struct {
	title  *widget.Label
	form   *widget.Form
	hint   *widget.Label
	scroll *container.Scroll
	extra  *fyne.Container // below the attributes: tools for the feature
	box    *fyne.Container
}

func newInfoPanel() *infoPanel {
	p := &infoPanel{title: widget.NewLabel(""), form: widget.NewForm()}
	// Names above values: the side panel is too narrow for two columns.
	p.form.Orientation = widget.Vertical
	p.title.TextStyle.Bold = true
	p.title.Wrapping = fyne.TextWrapWord
	p.hint = widget.NewLabel(lang.L("Click a feature on the map, or search for one by name."))
	p.hint.Wrapping = fyne.TextWrapWord
	p.hint.Importance = widget.LowImportance
	p.scroll = container.NewVScroll(p.hint)
	p.extra = container.NewVBox()
	p.box = container.NewBorder(p.title, p.extra, nil, nil, p.scroll)
	p.clear()
	return p
}

// clear shows that nothing is selected.
func (p *infoPanel) clear() {
	p.title.SetText(lang.L("Nothing selected"))
	p.scroll.Content = p.hint
	p.scroll.Refresh()
	p.form.Refresh()
}

// show lists the attributes of feature r of layer, in the layer's column
// order, leaving out the empty ones.
func (p *infoPanel) show(layer string, r store.Record) {
	name := ""
	for _, k := range []string{"name_" + locale.Current(), "name", "name_en", "name_zh", "code"} {
		if s, ok := r.Props[k].(string); ok && s != "" {
			name = s
			break
		}
	}
	if name == "" {
		name = "#" + strconv.FormatInt(r.FID, 10)
	}
	p.title.SetText(locale.Layer(layer) + " · " + name)
	// A new form each time: a Form given new Items keeps drawing the
	// widgets of as many old items as there were (Fyne 2.7), so the
	// feature id of the feature shown before would stay.
	p.form = widget.NewForm()
	p.form.Orientation = widget.Vertical
	p.scroll.Content = p.form
	cols := store.Columns(layer)
	if cols == nil { // a layer we do not know: show what there is, sorted
		for k := range r.Props {
			cols = append(cols, store.Column{Name: k})
		}
		sort.Slice(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	}
	p.form.Append(lang.L("Feature id"), value(fmt.Sprintf("%s/%d", layer, r.FID)))
	for _, c := range cols {
		v, ok := r.Props[c.Name]
		if !ok || v == nil || v == "" {
			continue
		}
		p.form.Append(locale.Column(c.Name), value(formatValue(c.Name, v)))
	}
	if r.Geom != nil {
		c := r.Geom.Bound().Center()
		p.form.Append(lang.L("Location"), value(fmt.Sprintf("%.6f, %.6f", c[0], c[1])))
	}
	p.form.Refresh()
	p.scroll.Refresh()
}

func value(s string) fyne.CanvasObject {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	return l
}

// formatValue writes an attribute for people: yes/no for booleans, units
// where the column has one.
func formatValue(col string, v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return lang.L("yes")
		}
		return lang.L("no")
	case float64:
		// Two decimals at most: a tilt of 7.477330306° reads as 7.48°.
		s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
		if u := units[col]; u != "" {
			return s + " " + u
		}
		return s
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return locale.Value(v)
	}
	return fmt.Sprint(v)
}

// units are the units of numeric columns.
var units = map[string]string{
	"height": "m", "mount_height": "m", "max_range": "m",
	"heading": "°", "tilt": "°", "hfov": "°", "vfov": "°",
	"sensor_width_mm": "mm", "focal_length_mm": "mm",
}

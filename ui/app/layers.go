package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/ui/locale"
)

// layerPanel is the list of layers with their legend, a switch and the
// feature count of each. Its methods run on the Fyne goroutine.
type layerPanel struct {
	checks map[string]*widget.Check
	counts map[string]*widget.Label
	box    *fyne.Container
}

// layerEntry is one line of the panel: a layer, or a part of one that can be
// switched on its own (the cameras' fields of view).
type layerEntry struct {
	key, label string
	indent     bool
}

// newLayerPanel lists entries with legend(key) beside each; toggle is called
// when the user switches one.
func newLayerPanel(entries []layerEntry, legend func(key string) fyne.CanvasObject, toggle func(key string, on bool)) *layerPanel {
	p := &layerPanel{checks: map[string]*widget.Check{}, counts: map[string]*widget.Label{}}
	rows := container.NewVBox()
	title := widget.NewLabel(lang.L("Layers"))
	title.TextStyle.Bold = true
	rows.Add(title)
	for _, e := range entries {
		key := e.key
		c := widget.NewCheck(e.label, func(on bool) { toggle(key, on) })
		c.SetChecked(true)
		n := widget.NewLabel("")
		n.Alignment = fyne.TextAlignTrailing
		n.Importance = widget.LowImportance
		p.checks[key], p.counts[key] = c, n
		var left fyne.CanvasObject = legend(key)
		if e.indent {
			left = container.NewHBox(widget.NewLabel("  "), left)
		}
		rows.Add(container.NewBorder(nil, nil, left, n, c))
	}
	p.box = rows
	return p
}

// Counts that are not numbers.
const (
	countReading = -1 // shown as "…" while the count is read
	countNone    = -2 // no store: shown blank
)

// setCount shows the feature count of layer, or countReading or countNone.
func (p *layerPanel) setCount(layer string, n int) {
	l := p.counts[layer]
	switch {
	case l == nil:
	case n == countReading:
		l.SetText("…")
	case n == countNone:
		l.SetText("")
	default:
		l.SetText(thousands(n))
	}
}

// layerEntries returns the panel's lines for the store layers: basemap layers
// last, as they are drawn at the bottom, and the cameras' fields of view
// under the cameras.
func layerEntries(safety, basemap []string, fov string) []layerEntry {
	var out []layerEntry
	for _, l := range safety {
		out = append(out, layerEntry{key: l, label: locale.Layer(l)})
		if l == "cameras" && fov != "" {
			out = append(out, layerEntry{key: fov, label: lang.L("Fields of view"), indent: true})
		}
	}
	for _, l := range basemap {
		out = append(out, layerEntry{key: l, label: locale.Layer(l)})
	}
	return out
}

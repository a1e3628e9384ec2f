package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"safetynet/data/store"
	"safetynet/icons"
	"safetynet/ui/mapview"
)

// legendSize is the side of a legend swatch.
const legendSize = 20

// legendSymbols are the map symbols that stand for point layers.
var legendSymbols = map[string]string{
	store.Cameras:       "camera_online",
	store.FireEquipment: "extinguisher",
	store.Hazards:       "hazard",
	store.AccessPoints:  "vehicle_gate",
	store.Facilities:    "facility",
}

// legendColours are the stroke and fill of line and area layers, as the map
// draws them (Okabe–Ito colours for the safety layers).
var legendColours = map[string][2]color.NRGBA{
	store.KeyAreas:       {{0x00, 0x9E, 0x73, 0xE6}, {0x00, 0x9E, 0x73, 0x30}},
	store.PatrolRoutes:   {{0xCC, 0x79, 0xA7, 0xFF}, {}},
	store.Checkpoints:    {{0xCC, 0x79, 0xA7, 0xFF}, {0xFF, 0xFF, 0xFF, 0xFF}},
	mapview.FieldsOfView: {{0x00, 0x72, 0xB2, 0x8C}, {0x56, 0xB4, 0xE9, 0x48}},
	store.Buildings:      {{0xB5, 0xAC, 0xA4, 0xFF}, {0xD9, 0xD0, 0xC9, 0xFF}},
	store.Roads:          {{0xC8, 0xC2, 0xBA, 0xFF}, {0xFF, 0xFF, 0xFF, 0xFF}},
	store.Landuse:        {{0xB8, 0xD9, 0xA8, 0xFF}, {0xD6, 0xEB, 0xC8, 0xFF}},
	store.Water:          {{0x8F, 0xBF, 0xE0, 0xFF}, {0xAA, 0xD3, 0xEF, 0xFF}},
	store.Barriers:       {{0x6E, 0x66, 0x5E, 0xFF}, {}},
}

// legend returns the swatch shown beside a layer in the layer panel.
func legend(key string) fyne.CanvasObject {
	if name, ok := legendSymbols[key]; ok {
		if res := icons.Symbol(name); res != nil {
			img := canvas.NewImageFromResource(res)
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSquareSize(legendSize))
			return img
		}
	}
	c, ok := legendColours[key]
	if !ok {
		return canvas.NewRectangle(color.Transparent)
	}
	var shape fyne.CanvasObject
	switch key {
	case store.PatrolRoutes, store.Roads:
		l := canvas.NewLine(c[0])
		l.StrokeWidth = 3
		l.Position1, l.Position2 = fyne.NewPos(2, legendSize-4), fyne.NewPos(legendSize-2, 4)
		return container.NewGridWrap(fyne.NewSquareSize(legendSize), container.NewWithoutLayout(l))
	case store.Barriers:
		// A wall (solid) over a fence (dashed), as the map draws them.
		wall := canvas.NewLine(c[0])
		wall.StrokeWidth = 2
		wall.Position1, wall.Position2 = fyne.NewPos(2, 6), fyne.NewPos(legendSize-2, 6)
		objs := []fyne.CanvasObject{wall}
		for x := float32(2); x < legendSize-2; x += 6 {
			d := canvas.NewLine(c[0])
			d.StrokeWidth = 2
			d.Position1, d.Position2 = fyne.NewPos(x, legendSize-6), fyne.NewPos(min(x+4, legendSize-2), legendSize-6)
			objs = append(objs, d)
		}
		return container.NewGridWrap(fyne.NewSquareSize(legendSize), container.NewWithoutLayout(objs...))
	case store.Checkpoints:
		circ := canvas.NewCircle(c[1])
		circ.StrokeColor, circ.StrokeWidth = c[0], 3
		shape = circ
	default:
		r := canvas.NewRectangle(c[1])
		r.StrokeColor, r.StrokeWidth = c[0], 2
		r.CornerRadius = 3
		shape = r
	}
	return container.NewGridWrap(fyne.NewSquareSize(legendSize), shape)
}

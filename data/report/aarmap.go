package report

import (
	"fmt"
	"image/color"
	"math"
	"runtime"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/store"
)

// trackColours are the colours of the units' tracks, in turn; red is
// kept for the alarm.
var trackColours = [][3]int{
	{0x08, 0x51, 0x9c}, {0xe6, 0x6a, 0x00}, {0x2a, 0x9d, 0x4a}, {0x7b, 0x2c, 0xbf},
	{0x00, 0x8b, 0x8b}, {0x8c, 0x56, 0x4b}, {0xd0, 0x3a, 0x8a}, {0x4d, 0x4d, 0x4d},
}

var colAlarm = [3]int{0xd7, 0x19, 0x1c}

const (
	aarMapH  = 95.0 // mm
	aarMapPx = 1600 // pixels across a map
)

// maps writes a map per alarm, two to a page.
func (x *aar) maps() error {
	if len(x.a.Maps) == 0 {
		return nil
	}
	x.heading(x.t("附图：各警情处置轨迹", "Appendix B: Response maps"), 6+aarMapH+4*legendRow+8)
	x.para(x.t("红色为警情位置（虚线圈为 15 米到场范围），彩色线为各单位的移动轨迹：空心圆为起点，实心圆为终点。",
		"Red: the alarm's place (dashed: the 15 m on-scene radius). Coloured lines: the units' tracks, from the open circle to the filled one."), 7.5, inkGrey)
	b := x.a.Base
	rep := &Report{base: basemap{buildings: b.Buildings, roads: b.Roads, land: b.Land, water: b.Water, walls: b.Walls}}
	// The maps are rendered a few at a time in parallel, then laid out
	// in order.
	batch := max(1, min(runtime.GOMAXPROCS(0), 4))
	for at := 0; at < len(x.a.Maps); at += batch {
		ms := x.a.Maps[at:min(at+batch, len(x.a.Maps))]
		rs := make([]renderedMap, len(ms))
		var wg sync.WaitGroup
		for k, m := range ms {
			wg.Go(func() { rs[k] = renderAlarm(rep, m) })
		}
		wg.Wait()
		for k, m := range ms {
			if err := x.alarmMap(at+k, m, rs[k]); err != nil {
				return fmt.Errorf("report: map %d (%s): %w", at+k+1, m.Title, err)
			}
		}
	}
	return nil
}

// renderedMap is an alarm's map image: its extent, the polygons of its
// place, and the image (nil when it has nothing to map).
type renderedMap struct {
	bound orb.Bound
	polys []orb.Polygon
	img   *mapImage
	err   error
}

// renderAlarm renders the map of an alarm over the community's base. It
// only reads rep and m, so that maps can be rendered in parallel.
func renderAlarm(rep *Report, m AlarmMap) renderedMap {
	b, ok := mapExtent(m)
	if !ok {
		return renderedMap{}
	}
	out := renderedMap{bound: b}
	maxH := int(math.Round(aarMapPx * aarMapH / contentW))
	f := frameOf(fitAspect(b, contentW/aarMapH), aarMapPx, maxH)
	mpp := f.mPerPx
	objs := rep.basemapObjects(mpp)
	objs = append(objs, rep.buildingObject(mpp))
	objs = append(objs, rep.wallObjects(mpp)...)
	for _, p := range placePolygons(m.Place) {
		if len(p) > 0 && len(p[0]) >= 3 && finite(p[0][0]) {
			out.polys = append(out.polys, p)
		}
	}
	if len(out.polys) > 0 {
		red := color.RGBA{uint8(colAlarm[0]), uint8(colAlarm[1]), uint8(colAlarm[2]), 0xff}
		objs = append(objs, fillPolygons(out.polys, withAlpha(red, 0x48), red, math.Max(2, 1/mpp)))
	}
	out.img, out.err = f.render(objs)
	return out
}

// finite reports whether p is a usable lon/lat.
func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0) &&
		p[0] >= -180 && p[0] <= 180 && p[1] >= -85 && p[1] <= 85
}

// mapExtent is the extent of an alarm's place and tracks, padded to at
// least 160 m across; false when it has no usable point.
func mapExtent(m AlarmMap) (orb.Bound, bool) {
	var b orb.Bound
	found := false
	add := func(p orb.Point) {
		if !finite(p) {
			return
		}
		if !found {
			b, found = orb.Bound{Min: p, Max: p}, true
		} else {
			b = b.Extend(p)
		}
	}
	if m.Place != nil {
		pb := m.Place.Bound()
		add(pb.Min)
		add(pb.Max)
	}
	for _, t := range m.Tracks {
		for _, p := range t.Points {
			add(p)
		}
	}
	if !found {
		return b, false
	}
	lat := b.Center()[1] * math.Pi / 180
	mx, my := 111320*math.Cos(lat), 110540.0 // metres per degree
	w := math.Max((b.Max[0]-b.Min[0])*mx*1.2+60, 160)
	h := math.Max((b.Max[1]-b.Min[1])*my*1.2+60, 160)
	if w > 20000 || h > 20000 {
		return b, false // not a community's map: a stray point
	}
	c := b.Center()
	return orb.Bound{Min: orb.Point{c[0] - w/2/mx, c[1] - h/2/my}, Max: orb.Point{c[0] + w/2/mx, c[1] + h/2/my}}, true
}

// placePolygons returns the polygons of a place.
func placePolygons(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	case orb.Collection:
		var out []orb.Polygon
		for _, x := range g {
			out = append(out, placePolygons(x)...)
		}
		return out
	}
	return nil
}

// alarmMap writes the map of the i-th alarm with its legend.
func (x *aar) alarmMap(i int, am AlarmMap, rm renderedMap) error {
	d, pdf := x.d, x.d.pdf
	rows := 2 + (len(am.Tracks)+1)/2
	x.need(6 + aarMapH + float64(rows)*legendRow + 3)
	d.font(10, true, inkNavy)
	title := x.t(fmt.Sprintf("图 %d  ", i+1), fmt.Sprintf("Map %d  ", i+1)) + x.s(am.Title)
	d.text(marginX, x.y+3.5, d.fit(title, contentW))
	pdf.Bookmark(title, 1, x.y)
	x.y += 6
	if rm.err != nil {
		return rm.err
	}
	if rm.img == nil {
		x.para(x.t("该警情没有位置或轨迹。", "The alarm has no place and no tracks to map."), 8, inkGrey)
		return nil
	}
	b, polys, img := rm.bound, rm.polys, rm.img
	box := [4]float64{marginX, x.y, marginX + contentW, x.y + aarMapH}
	place, ls, err := x.cov.placeMap(img, marginX, x.y, contentW, aarMapH)
	if err != nil {
		return err
	}
	// Millimetres on the page per metre on the ground.
	c := b.Center()
	x0, _ := place(c)
	x1, _ := place(orb.Point{c[0] + 100/(111320*math.Cos(c[1]*math.Pi/180)), c[1]})
	mmPerM := (x1 - x0) / 100

	pdf.ClipRect(box[0], box[1], contentW, aarMapH, false)
	pdf.SetLineCapStyle("round")
	pdf.SetLineJoinStyle("round")
	// The alarm's place.
	var at orb.Point
	hasAt := false
	switch g := am.Place.(type) {
	case orb.Point:
		at, hasAt = g, finite(g)
	default:
		if len(polys) > 0 {
			at, hasAt = labelPoint(polys[0]), true
		}
	}
	if hasAt {
		ax, ay := place(at)
		r := store.DefaultOnSceneRadius * mmPerM
		pdf.SetDrawColor(colAlarm[0], colAlarm[1], colAlarm[2])
		pdf.SetLineWidth(0.35)
		pdf.SetDashPattern([]float64{1.2, 0.9}, 0)
		pdf.SetAlpha(0.9, "Normal")
		pdf.Circle(ax, ay, r, "D")
		pdf.SetAlpha(1, "Normal")
		pdf.SetDashPattern(nil, 0)
		// A diamond under the tracks: their ends stay in sight on it.
		pdf.SetDrawColor(255, 255, 255)
		pdf.SetLineWidth(0.5)
		pdf.SetFillColor(colAlarm[0], colAlarm[1], colAlarm[2])
		s := 3.2
		pdf.Polygon([]fpdf.PointType{{X: ax, Y: ay - s}, {X: ax + s, Y: ay}, {X: ax, Y: ay + s}, {X: ax - s, Y: ay}}, "FD")
		ls.placed = append(ls.placed, [4]float64{ax - s, ay - s, ax + s, ay + s})
	}
	// The tracks: a white casing, then the colour; start and end marks.
	type end struct {
		x, y float64
		unit string
		ink  [3]int
	}
	var ends []end
	for k, t := range am.Tracks {
		ink := trackColours[k%len(trackColours)]
		var pts [][2]float64
		for _, p := range t.Points {
			if finite(p) {
				px, py := place(p)
				pts = append(pts, [2]float64{px, py})
			}
		}
		if len(pts) == 0 {
			continue
		}
		for pass, w := range []float64{1.5, 0.75} {
			if pass == 0 {
				pdf.SetDrawColor(255, 255, 255)
			} else {
				pdf.SetDrawColor(ink[0], ink[1], ink[2])
			}
			pdf.SetLineWidth(w)
			pdf.MoveTo(pts[0][0], pts[0][1])
			for _, p := range pts[1:] {
				pdf.LineTo(p[0], p[1])
			}
			pdf.DrawPath("D")
		}
		s, e := pts[0], pts[len(pts)-1]
		pdf.SetLineWidth(0.55)
		pdf.SetDrawColor(ink[0], ink[1], ink[2])
		pdf.SetFillColor(255, 255, 255)
		pdf.Circle(s[0], s[1], 1.1, "FD")
		pdf.SetDrawColor(255, 255, 255)
		pdf.SetLineWidth(0.4)
		pdf.SetFillColor(ink[0], ink[1], ink[2])
		pdf.Circle(e[0], e[1], 1.3, "FD")
		ls.placed = append(ls.placed, [4]float64{s[0] - 1.2, s[1] - 1.2, s[0] + 1.2, s[1] + 1.2}, [4]float64{e[0] - 1.4, e[1] - 1.4, e[0] + 1.4, e[1] + 1.4})
		ends = append(ends, end{e[0], e[1], x.s(t.Unit), ink})
	}
	if hasAt {
		ax, ay := place(at)
		d.font(7, true, colAlarm)
		ls.place(d, ax, ay-5.4, x.t("警情", "alarm"), box)
	}
	for _, e := range ends {
		if e.unit == "" {
			continue
		}
		d.font(6.5, true, e.ink)
		ls.place(d, e.x, e.y-3.2, e.unit, box)
	}
	pdf.ClipEnd()
	pdf.SetLineCapStyle("butt")
	pdf.SetLineJoinStyle("miter")
	x.y += aarMapH + 2

	// The legend: the marks, then each track with its times and length.
	l := &legend{p: x.cov, x: marginX, y: x.y}
	l.entry(x.t("警情位置", "alarm's place"), func(lx, ly float64) {
		pdf.SetFillColor(colAlarm[0], colAlarm[1], colAlarm[2])
		pdf.Polygon([]fpdf.PointType{{X: lx + 2.5, Y: ly}, {X: lx + 4.1, Y: ly + 1.6}, {X: lx + 2.5, Y: ly + 3.2}, {X: lx + 0.9, Y: ly + 1.6}}, "F")
	})
	l.entry(x.t("到场范围 15 米", "on scene within 15 m"), func(lx, ly float64) {
		pdf.SetDrawColor(colAlarm[0], colAlarm[1], colAlarm[2])
		pdf.SetLineWidth(0.3)
		pdf.SetDashPattern([]float64{0.8, 0.6}, 0)
		pdf.Circle(lx+2.5, ly+1.6, 1.5, "D")
		pdf.SetDashPattern(nil, 0)
	})
	l.entry(x.t("起点", "start"), func(lx, ly float64) {
		pdf.SetDrawColor(inkText[0], inkText[1], inkText[2])
		pdf.SetLineWidth(0.4)
		pdf.SetFillColor(255, 255, 255)
		pdf.Circle(lx+2.5, ly+1.6, 1.1, "FD")
	})
	l.entry(x.t("终点", "end"), func(lx, ly float64) {
		pdf.SetFillColor(inkText[0], inkText[1], inkText[2])
		pdf.Circle(lx+2.5, ly+1.6, 1.2, "F")
	})
	if len(am.Tracks) == 0 {
		l.entry(x.t("没有轨迹", "no tracks recorded"), func(float64, float64) {})
	}
	l.newRow()
	for k, t := range am.Tracks {
		ink := trackColours[k%len(trackColours)]
		label := x.s(t.Unit)
		if label == "" {
			label = x.t("单位", "unit") + fmt.Sprint(k+1)
		}
		if n := min(len(t.Times), len(t.Points)); n > 0 && !t.Times[0].IsZero() {
			label += " " + x.wall(t.Times[0]) + "–" + x.wall(t.Times[n-1])
		}
		label += fmt.Sprintf(" · %.0f m", trackLength(t.Points))
		l.entry(label, func(lx, ly float64) {
			pdf.SetDrawColor(ink[0], ink[1], ink[2])
			pdf.SetLineWidth(0.8)
			pdf.Line(lx, ly+1.6, lx+5, ly+1.6)
		})
	}
	x.y = l.y + legendRow + 3
	return nil
}

// trackLength is a track's length, metres.
func trackLength(ps []orb.Point) float64 {
	var ls orb.LineString
	for _, p := range ps {
		if finite(p) {
			ls = append(ls, p)
		}
	}
	if len(ls) < 2 {
		return 0
	}
	return geo.Length(ls)
}

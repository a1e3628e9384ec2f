package report

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"

	sm "github.com/flopp/go-staticmaps"
	"github.com/fogleman/gg"
	"github.com/golang/geo/s2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/simplify"

	"safetynet/geo/coverage"
)

// The maps are rendered offline by go-staticmaps from our own layers: no
// tile provider and no tile cache, our features drawn as map objects on a
// plain background, north up in Web Mercator.

// mapImage is a rendered map and how lon/lat falls on it.
type mapImage struct {
	img *image.RGBA
	// toPx returns the pixel position of a lon/lat point.
	toPx func(orb.Point) (x, y float64)
	// mPerPx is the ground distance of a pixel at the map's centre, metres.
	mPerPx float64
}

// Map colours.
var (
	colBackground = color.RGBA{0xf3, 0xf1, 0xec, 0xff}
	colSite       = color.RGBA{0xea, 0xe6, 0xdd, 0xff}
	colGreen      = color.RGBA{0xd6, 0xe9, 0xc6, 0xff}
	colPaved      = color.RGBA{0xe4, 0xe2, 0xde, 0xff}
	colWater      = color.RGBA{0xb5, 0xd3, 0xe7, 0xff}
	colRoad       = color.RGBA{0xff, 0xff, 0xff, 0xff}
	colRoadCase   = color.RGBA{0xc4, 0xbd, 0xb2, 0xff}
	colPath       = color.RGBA{0xc9, 0xbf, 0xb0, 0xff}
	colBuilding   = color.RGBA{0xcf, 0xc8, 0xc0, 0xff}
	colBuildEdge  = color.RGBA{0xa8, 0x9e, 0x94, 0xff}
	colWall       = color.RGBA{0x6e, 0x66, 0x5e, 0xff}
	colGap        = color.RGBA{0xd7, 0x30, 0x1f, 0xff}
	colCamera     = color.RGBA{0x1f, 0x29, 0x33, 0xff}
	colSuggest    = color.RGBA{0x7b, 0x2c, 0xbf, 0xff}
)

// levelColours are the fills of the image-detail levels, lowest first
// (a sequential blue scale); levels beyond it take the last.
var levelColours = []color.RGBA{
	{0xc6, 0xdb, 0xef, 0xff}, {0x9e, 0xca, 0xe1, 0xff}, {0x6b, 0xae, 0xd6, 0xff},
	{0x31, 0x82, 0xbd, 0xff}, {0x08, 0x51, 0x9c, 0xff}, {0x08, 0x30, 0x6b, 0xff},
}

func levelColour(i int) color.RGBA { return levelColours[min(max(i, 0), len(levelColours)-1)] }

// shareClasses colour key areas by the share of their ground seen at the
// required level: at least Min (percent) takes Colour.
var shareClasses = []struct {
	Min    float64
	Colour color.RGBA
	Label  string
}{
	{90, color.RGBA{0x1a, 0x98, 0x50, 0xff}, "≥ 90 %"},
	{70, color.RGBA{0x91, 0xcf, 0x60, 0xff}, "70–90 %"},
	{40, color.RGBA{0xfc, 0x8d, 0x59, 0xff}, "40–70 %"},
	{0, color.RGBA{0xd7, 0x30, 0x27, 0xff}, "< 40 %"},
}

func shareColour(pct float64) color.RGBA {
	for _, c := range shareClasses {
		if pct >= c.Min {
			return c.Colour
		}
	}
	return shareClasses[len(shareClasses)-1].Colour
}

// frame is where a map is: its web-map zoom, size and centre.
type frame struct {
	zoom   int
	w, h   int
	centre s2.LatLng
	// mPerPx is the ground distance of a pixel at the centre, metres.
	mPerPx float64
}

// frameOf returns the frame that shows b (lon/lat) at the largest
// web-map zoom that fits in maxW x maxH pixels, cropped to b plus a small
// margin.
func frameOf(b orb.Bound, maxW, maxH int) frame {
	if b.Max[0]-b.Min[0] <= 0 || b.Max[1]-b.Min[1] <= 0 {
		b = b.Pad(0.001)
	}
	x0, y0 := mercator(b.Min)
	x1, y1 := mercator(b.Max)
	dx, dy := x1-x0, y0-y1 // fractions of the world; y grows south
	const margin = 12      // pixels around the data
	z := math.Floor(math.Log2(math.Min(float64(maxW-2*margin)/(dx*256), float64(maxH-2*margin)/(dy*256))))
	z = math.Max(1, math.Min(z, 22))
	scale := 256 * math.Exp2(z)
	lat := unmercatorLat((y0 + y1) / 2)
	return frame{
		zoom:   int(z),
		w:      int(math.Ceil(dx*scale)) + 2*margin,
		h:      int(math.Ceil(dy*scale)) + 2*margin,
		centre: s2.LatLngFromDegrees(lat, (x0+x1)/2*360-180),
		mPerPx: 2 * math.Pi * 6378137 * math.Cos(lat*math.Pi/180) / scale,
	}
}

// render renders the map objects, in order, in the frame.
func (f frame) render(objects []sm.MapObject) (*mapImage, error) {
	ctx := sm.NewContext()
	ctx.SetTileProvider(sm.NewTileProviderNone())
	ctx.SetCache(nil)
	ctx.SetOnline(false)
	ctx.SetBackground(colBackground)
	ctx.SetSize(f.w, f.h)
	ctx.SetCenter(f.centre)
	ctx.SetZoom(f.zoom)
	tr, err := ctx.Transformer()
	if err != nil {
		return nil, fmt.Errorf("report: map: %w", err)
	}
	// Objects are drawn on the transformer's tile image. Its
	// LatLngToXY wraps points west of the image around the world, which
	// turns geometry that leaves the image into bands across it: project
	// without wrapping.
	cx, cy := tr.LatLngToXY(f.centre)
	mcx, mcy := mercator(orb.Point{f.centre.Lng.Degrees(), f.centre.Lat.Degrees()})
	scale := 256 * math.Exp2(float64(f.zoom))
	proj := func(p orb.Point) (float64, float64) {
		x, y := mercator(p)
		return cx + (x-mcx)*scale, cy + (y-mcy)*scale
	}
	for _, o := range objects {
		if ob, ok := o.(*object); ok {
			ob.proj = proj
		}
		ctx.AddObject(o)
	}
	img, err := ctx.Render()
	if err != nil {
		return nil, fmt.Errorf("report: map: %w", err)
	}
	// Render crops the transformer's tile image around the centre.
	ox, oy := tr.LatLngToXY(f.centre)
	ox, oy = ox-float64(f.w/2), oy-float64(f.h/2)
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	}
	return &mapImage{
		img: rgba,
		toPx: func(p orb.Point) (float64, float64) {
			x, y := proj(p)
			return x - ox, y - oy
		},
		mPerPx: f.mPerPx,
	}, nil
}

// fitAspect widens or heightens b (lon/lat) about its centre so that its
// web-map image has the aspect ratio width/height = aspect.
func fitAspect(b orb.Bound, aspect float64) orb.Bound {
	x0, y0 := mercator(b.Min)
	x1, y1 := mercator(b.Max)
	w, h := x1-x0, y0-y1
	if !(w > 0) || !(h > 0) {
		return b
	}
	cx, cy := (x0+x1)/2, (y0+y1)/2
	if w/h < aspect {
		w = h * aspect
	} else {
		h = w / aspect
	}
	return orb.Bound{
		Min: orb.Point{(cx-w/2)*360 - 180, unmercatorLat(cy + h/2)},
		Max: orb.Point{(cx+w/2)*360 - 180, unmercatorLat(cy - h/2)},
	}
}

// mercator returns p's web-mercator position as fractions of the world,
// x east from the antimeridian, y south from the top.
func mercator(p orb.Point) (x, y float64) {
	lat := math.Max(-85, math.Min(85, p[1])) * math.Pi / 180
	return (p[0] + 180) / 360, (1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2
}

func unmercatorLat(y float64) float64 {
	return math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi
}

func latLng(p orb.Point) s2.LatLng { return s2.LatLngFromDegrees(p[1], p[0]) }

// object is a map object drawn by a function; its bounds are those of the
// features it draws. proj, set by render, places lon/lat on the image.
type object struct {
	bound orb.Bound
	draw  func(gc *gg.Context, px func(orb.Point) (float64, float64))
	proj  func(orb.Point) (float64, float64)
}

func (o *object) Bounds() s2.Rect {
	return s2.RectFromLatLng(latLng(o.bound.Min)).AddPoint(latLng(o.bound.Max))
}

func (o *object) ExtraMarginPixels() (float64, float64, float64, float64) { return 0, 0, 0, 0 }

func (o *object) Draw(gc *gg.Context, t *sm.Transformer) {
	px := o.proj
	if px == nil {
		px = func(p orb.Point) (float64, float64) { return t.LatLngToXY(latLng(p)) }
	}
	o.draw(gc, px)
}

// canvasPad is how far beyond the image drawing is clipped, pixels: more
// than any line is wide.
const canvasPad = 40

// canvas returns the image's bounds, padded, in pixels.
func canvas(gc *gg.Context) orb.Bound {
	return orb.Bound{Max: orb.Point{float64(gc.Width()), float64(gc.Height())}}.Pad(canvasPad)
}

// pixelSimplifier drops detail below a quarter of a pixel.
var pixelSimplifier = simplify.DouglasPeucker(0.25)

// polygonPath adds the rings of ps to gc's path, in pixels, clipped to the
// canvas and simplified: geometry far beyond the image (a river, a long
// road) or finer than a pixel (raster outlines) costs nothing to draw.
func polygonPath(gc *gg.Context, px func(orb.Point) (float64, float64), ps ...orb.Polygon) {
	box := canvas(gc)
	for _, p := range ps {
		for _, r := range p {
			if len(r) < 3 {
				continue
			}
			q := make(orb.Ring, len(r))
			for i, pt := range r {
				q[i][0], q[i][1] = px(pt)
			}
			if !box.Contains(q.Bound().Min) || !box.Contains(q.Bound().Max) {
				if !box.Intersects(q.Bound()) {
					continue
				}
				q = clip.Ring(box, q)
			}
			q = pixelSimplifier.Ring(q)
			if len(q) < 3 {
				continue
			}
			subPath(gc, q)
			gc.ClosePath()
		}
	}
}

// linePath adds the line strings to gc's path, in pixels, clipped to the
// canvas and simplified.
func linePath(gc *gg.Context, px func(orb.Point) (float64, float64), ls []orb.LineString) {
	box := canvas(gc)
	for _, l := range ls {
		if len(l) < 2 {
			continue
		}
		q := make(orb.LineString, len(l))
		for i, pt := range l {
			q[i][0], q[i][1] = px(pt)
		}
		for _, part := range clip.LineString(box, q) {
			part = pixelSimplifier.LineString(part)
			if len(part) < 2 {
				continue
			}
			subPath(gc, part)
		}
	}
}

// fillPolygons draws polygons filled (nil fill: none) and outlined (width
// 0: none), holes left open.
func fillPolygons(ps []orb.Polygon, fill, stroke color.Color, width float64) *object {
	return &object{bound: boundOfPolygons(ps), draw: func(gc *gg.Context, px func(orb.Point) (float64, float64)) {
		if len(ps) == 0 {
			return
		}
		gc.ClearPath()
		gc.SetFillRuleEvenOdd()
		polygonPath(gc, px, ps...)
		if fill != nil {
			gc.SetColor(fill)
			gc.FillPreserve()
		}
		if width > 0 && stroke != nil {
			gc.SetLineWidth(width)
			gc.SetLineJoinRound()
			gc.SetColor(stroke)
			gc.StrokePreserve()
		}
		gc.ClearPath()
	}}
}

// hatchPolygons draws polygons hatched with diagonal lines spacing
// pixels apart and width wide over a light tint, and outlined.
func hatchPolygons(ps []orb.Polygon, col color.Color, spacing, width float64) *object {
	n := max(3, int(math.Round(spacing)))
	t := max(1, int(math.Round(width)))
	tile := image.NewNRGBA(image.Rect(0, 0, n, n))
	line, tint := withAlpha(col, 0xb0), withAlpha(col, 0x14)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if (x+y)%n < t {
				tile.SetNRGBA(x, y, line)
			} else {
				tile.SetNRGBA(x, y, tint)
			}
		}
	}
	pattern := gg.NewSurfacePattern(tile, gg.RepeatBoth)
	return &object{bound: boundOfPolygons(ps), draw: func(gc *gg.Context, px func(orb.Point) (float64, float64)) {
		if len(ps) == 0 {
			return
		}
		gc.ClearPath()
		gc.SetFillRuleEvenOdd()
		polygonPath(gc, px, ps...)
		gc.SetFillStyle(pattern)
		gc.FillPreserve()
		gc.SetLineWidth(math.Max(1, width*0.8))
		gc.SetColor(col)
		gc.Stroke()
	}}
}

// lines draws line strings with round caps.
func lines(ls []orb.LineString, col color.Color, width float64) *object {
	var b orb.Bound
	for i, l := range ls {
		if i == 0 {
			b = l.Bound()
		} else {
			b = b.Union(l.Bound())
		}
	}
	return &object{bound: b, draw: func(gc *gg.Context, px func(orb.Point) (float64, float64)) {
		gc.ClearPath()
		linePath(gc, px, ls)
		gc.SetLineWidth(width)
		gc.SetLineCapRound()
		gc.SetLineJoinRound()
		gc.SetColor(col)
		gc.Stroke()
	}}
}

// dots draws filled circles of radius r pixels with a white rim.
func dots(ps []orb.Point, col color.Color, r float64) *object {
	var b orb.Bound
	for i, p := range ps {
		if i == 0 {
			b = orb.Bound{Min: p, Max: p}
		} else {
			b = b.Extend(p)
		}
	}
	return &object{bound: b, draw: func(gc *gg.Context, px func(orb.Point) (float64, float64)) {
		box := canvas(gc)
		for _, p := range ps {
			x, y := px(p)
			if !box.Contains(orb.Point{x, y}) {
				continue
			}
			gc.DrawCircle(x, y, r)
			gc.SetColor(color.White)
			gc.SetLineWidth(math.Max(1, r/2.5))
			gc.StrokePreserve()
			gc.SetColor(col)
			gc.Fill()
		}
	}}
}

// layer draws its parts onto a transparent layer and lays it on the map
// at the given opacity (0-1), so that overlapping parts do not darken.
func layer(opacity float64, parts ...*object) *object {
	var b orb.Bound
	for i, p := range parts {
		if i == 0 {
			b = p.bound
		} else {
			b = b.Union(p.bound)
		}
	}
	return &object{bound: b, draw: func(gc *gg.Context, px func(orb.Point) (float64, float64)) {
		off := gg.NewContext(gc.Width(), gc.Height())
		for _, p := range parts {
			p.draw(off, px)
		}
		img := off.Image().(*image.RGBA)
		a := uint32(math.Round(opacity * 256))
		for i := 0; i < len(img.Pix); i++ {
			img.Pix[i] = uint8(uint32(img.Pix[i]) * a >> 8)
		}
		gc.DrawImage(img, 0, 0)
	}}
}

func withAlpha(c color.Color, a uint8) color.NRGBA {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}

func boundOfPolygons(ps []orb.Polygon) orb.Bound {
	var b orb.Bound
	first := true
	for _, p := range ps {
		if len(p) == 0 || len(p[0]) == 0 {
			continue
		}
		if first {
			b, first = p.Bound(), false
		} else {
			b = b.Union(p.Bound())
		}
	}
	return b
}

// roadWidth is the drawn width of a road class, metres.
func roadWidth(class string) (w float64, vehicle bool) {
	switch class {
	case "motorway", "trunk", "primary":
		return 14, true
	case "secondary":
		return 12, true
	case "tertiary":
		return 10, true
	case "residential", "unclassified", "living_street":
		return 7, true
	case "service":
		return 4.5, true
	case "pedestrian":
		return 4, false
	}
	return 1.6, false
}

// basemapObjects draws landuse, water, roads (buildings separately, above
// the coverage).
func (r *Report) basemapObjects(mPerPx float64) []sm.MapObject {
	var site, green, paved []orb.Polygon
	for _, l := range r.base.land {
		var to *[]orb.Polygon
		switch l.Class {
		case "residential", "retail", "commercial":
			to = &site
		case "grass", "garden", "park", "forest", "meadow", "playground", "village_green", "recreation_ground", "fitness_station", "pitch":
			to = &green
		case "parking", "pedestrian", "square":
			to = &paved
		default:
			continue
		}
		for _, p := range l.Geom {
			*to = append(*to, p)
		}
	}
	var water []orb.Polygon
	for _, w := range r.base.water {
		water = append(water, w...)
	}
	px := func(m float64) float64 { return math.Max(1, m/mPerPx) }
	out := []sm.MapObject{
		fillPolygons(site, colSite, nil, 0),
		fillPolygons(green, colGreen, nil, 0),
		fillPolygons(paved, colPaved, nil, 0),
		fillPolygons(water, colWater, nil, 0),
	}
	// Roads: paths, then the casings and fills of vehicle roads, narrow
	// ones first.
	var paths []orb.LineString
	widths := map[float64][]orb.LineString{}
	for _, rd := range r.base.roads {
		w, vehicle := roadWidth(rd.Class)
		if !vehicle && w < 2 {
			paths = append(paths, rd.Geom)
			continue
		}
		widths[w] = append(widths[w], rd.Geom)
	}
	out = append(out, lines(paths, colPath, px(1.2)))
	ws := make([]float64, 0, len(widths))
	for w := range widths {
		ws = append(ws, w)
	}
	slices.Sort(ws)
	for _, w := range ws {
		out = append(out, lines(widths[w], colRoadCase, px(w)+2))
	}
	for _, w := range ws {
		out = append(out, lines(widths[w], colRoad, px(w)))
	}
	return out
}

func (r *Report) buildingObject(mPerPx float64) sm.MapObject {
	var bs []orb.Polygon
	for _, b := range r.base.buildings {
		bs = append(bs, b...)
	}
	return fillPolygons(bs, colBuilding, colBuildEdge, math.Max(0.8, 0.4/mPerPx))
}

// wallObjects draw the walls, fences and hedges as thin dark lines; none
// when there are none (an empty object would still have a bound).
func (r *Report) wallObjects(mPerPx float64) []sm.MapObject {
	if len(r.base.walls) == 0 {
		return nil
	}
	return []sm.MapObject{lines(r.base.walls, colWall, math.Max(0.8, 0.3/mPerPx))}
}

// coverageObject draws the cameras' image-detail zones: each pixel in
// the colour of the best level some camera gives there.
func (r *Report) coverageObject(opacity float64) *object {
	var parts []*object
	byLevel := make([][]orb.Polygon, len(r.Levels))
	for _, id := range r.Model.CameraIDs() {
		zs, _ := r.Model.Zones(id)
		for i, z := range zs {
			if mp, ok := r.Scene.ToLonLat(z.Area).(orb.MultiPolygon); ok && i < len(byLevel) {
				byLevel[i] = append(byLevel[i], mp...)
			}
		}
	}
	for i, ps := range byLevel {
		parts = append(parts, fillPolygons(ps, levelColour(i), nil, 0))
	}
	return layer(opacity, parts...)
}

// keyAreaObjects draw the key areas tinted and outlined in the colour of
// their camera coverage at the required level.
func (r *Report) keyAreaObjects(mPerPx float64) []sm.MapObject {
	var out []sm.MapObject
	for _, a := range r.Areas {
		if len(a.Outline) == 0 {
			continue
		}
		c := shareColour(100 * a.Camera)
		out = append(out, fillPolygons([]orb.Polygon{a.Outline}, withAlpha(c, 0x40), c, math.Max(2, 1.2/mPerPx)))
	}
	return out
}

// gapObject hatches the gap layer.
func (r *Report) gapObject(mPerPx float64) *object {
	var mp orb.MultiPolygon
	if !r.empty {
		mp, _ = r.Scene.ToLonLat(r.Model.Outline(coverage.GapLayer)).(orb.MultiPolygon)
	}
	return hatchPolygons(mp, colGap, math.Max(7, 6/mPerPx), math.Max(1, 0.5/mPerPx))
}

// cameraObject draws the counted cameras as dots.
func (r *Report) cameraObject(mPerPx float64) *object {
	var ps []orb.Point
	for _, id := range r.Model.CameraIDs() {
		if c, ok := r.Model.Camera(id); ok {
			ps = append(ps, r.Scene.Plane.ToLonLat(c.At))
		}
	}
	return dots(ps, colCamera, math.Max(2.5, 1.2/mPerPx))
}

// mapBound is the extent of the maps: the report's extent, padded by 3 %.
func (r *Report) mapBound() orb.Bound {
	b := r.Extent
	d := math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) * 0.03
	return b.Pad(d)
}

// overviewMap renders the overview: basemap, camera coverage by level,
// buildings, gaps, key areas by coverage share and cameras.
func (r *Report) overviewMap(maxW, maxH int) (*mapImage, error) {
	f := frameOf(fitAspect(r.mapBound(), float64(maxW)/float64(maxH)), maxW, maxH)
	m := f.mPerPx
	objs := r.basemapObjects(m)
	objs = append(objs, r.coverageObject(0.7), r.buildingObject(m))
	objs = append(objs, r.wallObjects(m)...)
	objs = append(objs, r.gapObject(m))
	objs = append(objs, r.keyAreaObjects(m)...)
	objs = append(objs, r.cameraObject(m))
	return f.render(objs)
}

// suggestionMap renders the suggested cameras over the present coverage:
// the part of the community around them, at least 300 m across.
func (r *Report) suggestionMap(maxW, maxH int) (*mapImage, error) {
	b := r.mapBound()
	first := true
	var sb orb.Bound
	for _, s := range r.Suggestions {
		g := orb.Bound{Min: s.Where, Max: s.Where}
		if len(s.View) > 0 {
			g = g.Union(s.View.Bound())
		}
		if first {
			sb, first = g, false
		} else {
			sb = sb.Union(g)
		}
	}
	if !first {
		// Pad to at least 300 m, in the frame's aspect.
		lat := sb.Center()[1] * math.Pi / 180
		mx := 111320 * math.Cos(lat) // metres per degree of longitude
		my := 110540.0
		w := math.Max((sb.Max[0]-sb.Min[0])*mx*1.3, 300)
		h := math.Max((sb.Max[1]-sb.Min[1])*my*1.3, 300)
		c := sb.Center()
		sb = orb.Bound{Min: orb.Point{c[0] - w/2/mx, c[1] - h/2/my}, Max: orb.Point{c[0] + w/2/mx, c[1] + h/2/my}}
		if sb.Max[0]-sb.Min[0] < b.Max[0]-b.Min[0] || sb.Max[1]-sb.Min[1] < b.Max[1]-b.Min[1] {
			b = sb
		}
	}
	f := frameOf(fitAspect(b, float64(maxW)/float64(maxH)), maxW, maxH)
	m := f.mPerPx
	objs := r.basemapObjects(m)
	objs = append(objs, r.coverageObject(0.35), r.buildingObject(m))
	objs = append(objs, r.wallObjects(m)...)
	for _, a := range r.Areas {
		if len(a.Outline) > 0 {
			objs = append(objs, fillPolygons([]orb.Polygon{a.Outline}, nil, shareColour(100*a.Camera), math.Max(1.5, 0.8/m)))
		}
	}
	var zones []*object
	var views []orb.Polygon
	var at []orb.Point
	for _, s := range r.Suggestions {
		if len(s.View) > 0 {
			views = append(views, s.View)
		}
		for i, z := range s.Zones {
			zones = append(zones, fillPolygons(z.Area, withAlpha(colSuggest, uint8(0x50+0x28*min(i, 4))), nil, 0))
		}
		at = append(at, s.Where)
	}
	objs = append(objs, layer(0.75, zones...), fillPolygons(views, nil, colSuggest, math.Max(1.5, 0.5/m)),
		r.cameraObject(m), dots(at, colSuggest, math.Max(5, 2.5/m)))
	return f.render(objs)
}

// subPath starts a new sub-path of gc through pts, in pixels.
func subPath(gc *gg.Context, pts []orb.Point) {
	gc.NewSubPath()
	for i, pt := range pts {
		if i == 0 {
			gc.MoveTo(pt[0], pt[1])
		} else {
			gc.LineTo(pt[0], pt[1])
		}
	}
}

package mapview

import (
	"math"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Names on the basemap: buildings' names or numbers inside their
// footprints, road names along the roads, names of parks, gardens and
// water at their interior points. They are drawn into the basemap tiles,
// under the safety layers.
//
// Placement is done once per data tile (dataZoom), zoom, tile size and
// language, over the whole data tile, and only labels lying wholly inside
// the data tile are kept. Every tile drawn from the data tile draws the
// labels its pixels touch from that one placement, at the same global
// pixel positions, so a label across a tile edge is drawn whole and alike
// by both tiles, and two labels never overlap. A label across a data
// tile's edge is left out (at zoom 18 those edges are 2048 pixels apart).

// labelMinZoom is the lowest zoom that carries labels.
const labelMinZoom = 15

// Label kinds.
const (
	labelRoad = iota
	labelBuilding
	labelArea  // landuse, with a muted colour
	labelGreen // parks, gardens, grass, playgrounds
	labelWater
	labelKinds
)

// labelText is what the names of a tile are written with: the language
// of the interface and the font. The zero value draws no names.
type labelText struct {
	lang string // "zh" or "en"
	font *labelFont
}

// label is one name placed at one zoom. Positions are global pixels of
// that zoom and tile size (the world is 2^z·size pixels wide).
type label struct {
	text  string
	kind  int
	size  int     // text height, pixels
	x, y  float64 // centre of the text
	angle float64 // radians, clockwise on screen, in [-π/2, π/2): upright
	w, h  float64 // the text's box, halo included
	scale float64 // device scale
}

// quad returns the label's box grown by pad on each side, as four corners
// in order around it.
func (l label) quad(pad float64) [4][2]float64 {
	s, c := math.Sincos(l.angle)
	hw, hh := l.w/2+pad, l.h/2+pad
	var q [4][2]float64
	for i, d := range [4][2]float64{{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}} {
		q[i] = [2]float64{l.x + d[0]*c - d[1]*s, l.y + d[0]*s + d[1]*c}
	}
	return q
}

// quadsOverlap reports whether two convex quadrilaterals overlap (touching
// does not count), by the separating axis test.
func quadsOverlap(a, b [4][2]float64) bool {
	for _, q := range [2][4][2]float64{a, b} {
		for i := range 4 {
			p0, p1 := q[i], q[(i+1)%4]
			ax, ay := p0[1]-p1[1], p1[0]-p0[0]
			amin, amax := project(a, ax, ay)
			bmin, bmax := project(b, ax, ay)
			if amax <= bmin || bmax <= amin {
				return false
			}
		}
	}
	return true
}

func project(q [4][2]float64, ax, ay float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range q {
		d := p[0]*ax + p[1]*ay
		lo, hi = math.Min(lo, d), math.Max(hi, d)
	}
	return lo, hi
}

// labelCache holds a data tile's placed labels. It is safe for concurrent
// use.
type labelCache struct {
	mu  sync.Mutex
	set map[labelKey][]label // guarded by mu
}

type labelKey struct {
	z, size    int
	lang, font string
}

// placeLabels returns the labels of the tiles at zoom z, size pixels, that
// are drawn from v, placing them the first time.
func (v *vecTile) placeLabels(z, size int, txt labelText) []label {
	k := labelKey{z, size, txt.lang, txt.font.name}
	c := &v.labels
	c.mu.Lock()
	defer c.mu.Unlock()
	if ls, ok := c.set[k]; ok {
		return ls
	}
	ls := placeLabels(v, z, size, txt)
	if c.set == nil {
		c.set = map[labelKey][]label{}
	}
	c.set[k] = ls
	return ls
}

// Minimum zooms of labels.
const (
	roadLabelZoom     = 16 // tertiary roads and above
	minorLabelZoom    = 17 // residential and service roads
	pathLabelZoom     = 18 // footways and paths
	buildingLabelZoom = 17
	waterLabelZoom    = 15
	areaLabelZoom     = 16
)

// Spacing of labels: repeats of a road's name at least roadRepeat pixels
// apart, and a gap of labelGap pixels around every label (both at device
// scale 1).
const (
	roadRepeat = 300
	labelGap   = 2
)

// placer places labels greedily, most important first, in the window of
// one data tile.
type placer struct {
	win    orb.Bound // the data tile, global pixels
	s      float64   // device scale
	txt    labelText
	placed []label
	quads  [][4][2]float64 // placed labels' boxes with the gap
}

// try places l when it lies inside the window and clear of every label
// placed before.
func (p *placer) try(l label) bool {
	for _, c := range l.quad(0) {
		if c[0] < p.win.Min[0] || c[1] < p.win.Min[1] || c[0] > p.win.Max[0] || c[1] > p.win.Max[1] {
			return false
		}
	}
	q := l.quad(labelGap * p.s / 2)
	for _, o := range p.quads {
		if quadsOverlap(q, o) {
			return false
		}
	}
	p.placed = append(p.placed, l)
	p.quads = append(p.quads, q)
	return true
}

// newLabel measures text at size pixels and returns its label centred on
// x, y, turned by angle, with the centre snapped so that upright text
// falls on whole pixels.
func (p *placer) newLabel(text string, kind, size int, x, y, angle float64) label {
	sw, sh, _ := p.txt.font.spriteSize(text, size, p.s)
	x = math.Round(x-float64(sw)/2) + float64(sw)/2
	y = math.Round(y-float64(sh)/2) + float64(sh)/2
	w, h := p.txt.font.measure(text, size)
	halo := haloRadius(p.s)
	return label{text: text, kind: kind, size: size, x: x, y: y, angle: angle, w: w + 2*halo, h: h, scale: p.s}
}

// name returns the name of sh to write, in the label language when the
// font can write it, else in English, else "".
func (p *placer) name(sh *vecShape) string {
	t := sh.names.Label(p.txt.lang)
	if t != "" && p.txt.font.covers(t) {
		return t
	}
	if t = sh.names.NameEn; t != "" && p.txt.font.covers(t) {
		return t
	}
	return ""
}

// placeLabels places the labels of data tile v at zoom z.
func placeLabels(v *vecTile, z, size int, txt labelText) []label {
	if v == nil || txt.font == nil || z < labelMinZoom {
		return nil
	}
	f := float64(size) * math.Exp2(float64(z))
	span := float64(size) * math.Exp2(float64(z-int(v.t.Z)))
	p := &placer{
		win: orb.Bound{
			Min: orb.Point{float64(v.t.X) * span, float64(v.t.Y) * span},
			Max: orb.Point{float64(v.t.X+1) * span, float64(v.t.Y+1) * span},
		},
		s:   float64(size) / 256,
		txt: txt,
	}
	px := func(r []orb.Point) []orb.Point {
		out := make([]orb.Point, len(r))
		for i, q := range r {
			out[i] = orb.Point{q[0] * f, q[1] * f}
		}
		return out
	}
	roads := func(lo, hi int, minZoom int) {
		if z < minZoom {
			return
		}
		idx := byText(v.roads, p, func(sh *vecShape) bool { return sh.rank >= lo && sh.rank <= hi })
		for _, i := range idx {
			sh := &v.roads[i]
			size := textSize(12, p.s)
			if sh.rank >= rankTertiary && z >= 17 {
				size = textSize(13, p.s)
			}
			p.road(p.name(sh), size, px(sh.rings[0]))
		}
	}
	roads(rankTertiary, rankMotorway, roadLabelZoom)
	if z >= buildingLabelZoom {
		size := textSize(11+min(z-buildingLabelZoom, 2), p.s)
		for _, i := range byArea(v.buildings, p) {
			sh := &v.buildings[i]
			ring := px(outer(sh))
			p.area(p.name(sh), labelBuilding, size, ring, 0, ringAngle(ring))
		}
	}
	roads(rankService, rankMinor, minorLabelZoom)
	roads(rankPath, rankPath, pathLabelZoom)
	if z >= waterLabelZoom {
		for _, i := range byArea(v.water, p) {
			sh := &v.water[i]
			p.area(p.name(sh), labelWater, textSize(12+min(max(z-16, 0), 1), p.s), px(outer(sh)), 0, 0)
		}
	}
	if z >= areaLabelZoom {
		for _, i := range byArea(v.land, p) {
			sh := &v.land[i]
			kind := labelArea
			if greenClass(sh.class) {
				kind = labelGreen
			}
			// A broad zone's name means little in the middle of a close view.
			widest := 1200 * p.s
			if sh.rank == 0 {
				widest = 700 * p.s
			}
			p.area(p.name(sh), kind, textSize(12+min(max(z-16, 0), 1), p.s), px(outer(sh)), widest, 0)
		}
	}
	return p.placed
}

// textSize returns the pixel size of text of px pixels at device scale s.
// Tiles are shown from 0.7 to 1.4 times their size between whole zooms,
// so sizes are chosen to stay readable at the smallest.
func textSize(px int, s float64) int { return int(math.Round(float64(px) * s)) }

// greenClass reports whether landuse class is a green or leisure area,
// labelled in green.
func greenClass(class string) bool {
	switch class {
	case "playground", "pitch", "fitness_station", "dog_park":
		return true
	}
	r := landRank(class)
	return r == 1 || r == 2
}

// byText returns the indices of the named shapes of l that keep holds
// for, major roads first, then by name, so placement is the same whatever
// order the store returned them in.
func byText(l []vecShape, p *placer, keep func(*vecShape) bool) []int {
	var idx []int
	for i := range l {
		if keep(&l[i]) && p.name(&l[i]) != "" {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		sa, sb := &l[idx[a]], &l[idx[b]]
		if sa.rank != sb.rank {
			return sa.rank > sb.rank
		}
		if ta, tb := p.name(sa), p.name(sb); ta != tb {
			return ta < tb
		}
		return sa.bound.Min[0] < sb.bound.Min[0] || sa.bound.Min[0] == sb.bound.Min[0] && sa.bound.Min[1] < sb.bound.Min[1]
	})
	return idx
}

// byArea returns the indices of the named shapes of l, largest first.
func byArea(l []vecShape, p *placer) []int {
	var idx []int
	for i := range l {
		if len(l[i].rings) > 0 && p.name(&l[i]) != "" {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		sa, sb := &l[idx[a]], &l[idx[b]]
		if aa, ab := boundArea(sa.bound), boundArea(sb.bound); aa != ab {
			return aa > ab
		}
		return p.name(sa) < p.name(sb)
	})
	return idx
}

// outer returns the outer ring of a shape's largest polygon.
func outer(sh *vecShape) []orb.Point {
	best, area := 0, -1.0
	for i, r := range sh.rings {
		if sh.holes[i] {
			continue
		}
		if a := math.Abs(planar.Area(orb.Ring(r))); a > area {
			best, area = i, a
		}
	}
	return sh.rings[best]
}

// area places text at an interior point of ring (pixels), turned by angle,
// when the text fits inside it. A ring wider than maxWidth pixels (when
// maxWidth > 0) is not labelled.
func (p *placer) area(text string, kind, size int, ring []orb.Point, maxWidth, angle float64) {
	if text == "" || len(ring) < 3 {
		return
	}
	b := orb.LineString(ring).Bound()
	if maxWidth > 0 && b.Max[0]-b.Min[0] > maxWidth {
		return
	}
	if !b.Intersects(p.win) {
		return
	}
	w, h := p.txt.font.measure(text, size)
	if w > math.Hypot(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) || h > math.Max(b.Max[1]-b.Min[1], b.Max[0]-b.Min[0]) {
		return
	}
	for _, c := range interiorPoints(ring, b) {
		l := p.newLabel(text, kind, size, c[0], c[1], angle)
		if fitsInside(ring, l) {
			p.try(l)
			return
		}
	}
}

// ringAngle returns the direction of ring's long axis, upright, or 0 when
// that is within 2° of level, so that text in a building lines up with
// its walls. The walls' grid is the length-weighted mean of the edges'
// directions modulo a right angle; the long axis the one of its two
// along which the ring reaches furthest.
func ringAngle(ring []orb.Point) float64 {
	var sx, sy float64
	for i := range ring {
		q, r := ring[i], ring[(i+1)%len(ring)]
		d := dist(q, r)
		a := 4 * math.Atan2(r[1]-q[1], r[0]-q[0])
		sx, sy = sx+d*math.Cos(a), sy+d*math.Sin(a)
	}
	a := math.Atan2(sy, sx) / 4
	extent := func(a float64) float64 {
		s, c := math.Sincos(a)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, q := range ring {
			d := q[0]*c + q[1]*s
			lo, hi = math.Min(lo, d), math.Max(hi, d)
		}
		return hi - lo
	}
	if extent(a+math.Pi/2) > extent(a) {
		a += math.Pi / 2
	}
	a = upright(a)
	if math.Abs(a) < 2*math.Pi/180 {
		return 0
	}
	return a
}

// interiorPoints returns where to try an area's label: its centroid, and
// the middle of the widest span of the ring across its middle.
func interiorPoints(ring []orb.Point, b orb.Bound) []orb.Point {
	var out []orb.Point
	if c, a := planar.CentroidArea(orb.Ring(ring)); a != 0 {
		out = append(out, c)
	}
	y := (b.Min[1] + b.Max[1]) / 2
	var xs []float64
	for i := range ring {
		a, c := ring[i], ring[(i+1)%len(ring)]
		if (a[1] <= y) != (c[1] <= y) {
			xs = append(xs, a[0]+(y-a[1])/(c[1]-a[1])*(c[0]-a[0]))
		}
	}
	sort.Float64s(xs)
	best := -1.0
	var mid orb.Point
	for i := 0; i+1 < len(xs); i += 2 {
		if d := xs[i+1] - xs[i]; d > best {
			best, mid = d, orb.Point{(xs[i] + xs[i+1]) / 2, y}
		}
	}
	if best > 0 {
		out = append(out, mid)
	}
	return out
}

// fitsInside reports whether label l's text (its box without the halo,
// shrunk a little: "or nearly") lies inside ring.
func fitsInside(ring []orb.Point, l label) bool {
	l.w, l.h = l.w*0.9, l.h*0.8
	q := l.quad(0)
	for i := range 4 {
		a, b := q[i], q[(i+1)%4]
		for _, t := range []float64{0, 0.5} {
			if !inRing(ring, a[0]+t*(b[0]-a[0]), a[1]+t*(b[1]-a[1])) {
				return false
			}
		}
	}
	return true
}

// inRing reports whether x, y is inside ring, by the even–odd rule.
func inRing(ring []orb.Point, x, y float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// Straightness of the stretch a road label sits on: each bend at most
// maxBend, and the stretch at most maxDrift from its first direction.
const (
	maxBend  = 12 * math.Pi / 180
	maxDrift = 20 * math.Pi / 180
)

// road places text along line (pixels): on each straight-enough stretch
// long enough for it, once per roadRepeat pixels of the stretch, turned
// to the stretch's direction and upright.
func (p *placer) road(text string, size int, line []orb.Point) {
	if text == "" || len(line) < 2 {
		return
	}
	b := orb.LineString(line).Bound()
	if !b.Intersects(p.win) {
		return
	}
	w, _ := p.txt.font.measure(text, size)
	need := w + 2*haloRadius(p.s) + 8*p.s
	repeat := roadRepeat * p.s
	var done []orb.Point // this road's labels so far
	for _, st := range stretches(line) {
		a, c := st[0], st[1]
		dx, dy := c[0]-a[0], c[1]-a[1]
		l := math.Hypot(dx, dy)
		if l < need {
			continue
		}
		k := max(1, int(l/repeat))
		angle := upright(math.Atan2(dy, dx))
	next:
		for i := range k {
			t := (float64(i) + 0.5) / float64(k)
			x, y := a[0]+t*dx, a[1]+t*dy
			for _, d := range done {
				if math.Hypot(d[0]-x, d[1]-y) < repeat {
					continue next
				}
			}
			if p.try(p.newLabel(text, labelRoad, size, x, y, angle)) {
				done = append(done, orb.Point{x, y})
			}
		}
	}
}

func dist(a, b orb.Point) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }

// upright turns an angle (radians, clockwise on screen) by half a turn
// when text along it would read upside down; vertical text reads upwards.
func upright(a float64) float64 {
	const eps = 1e-9
	for a >= math.Pi/2-eps {
		a -= math.Pi
	}
	for a < -math.Pi/2-eps {
		a += math.Pi
	}
	return a
}

// stretches splits a line into straight-enough stretches, each given by
// its two ends, longest first.
func stretches(line []orb.Point) [][2]orb.Point {
	var out [][2]orb.Point
	start := 0
	dir := func(i int) float64 { return math.Atan2(line[i+1][1]-line[i][1], line[i+1][0]-line[i][0]) }
	turn := func(a, b float64) float64 {
		d := math.Abs(b - a)
		if d > math.Pi {
			d = 2*math.Pi - d
		}
		return d
	}
	for i := 0; i+1 < len(line); i++ {
		if i > start && (turn(dir(i-1), dir(i)) > maxBend || turn(dir(start), dir(i)) > maxDrift) {
			out = append(out, [2]orb.Point{line[start], line[i]})
			start = i
		}
	}
	out = append(out, [2]orb.Point{line[start], line[len(line)-1]})
	sort.SliceStable(out, func(i, j int) bool {
		return dist(out[i][0], out[i][1]) > dist(out[j][0], out[j][1])
	})
	return out
}

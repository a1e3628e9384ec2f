package visibility

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

const (
	rad   = math.Pi / 180
	twoPi = 2 * math.Pi
)

// Sector is a field of view on the ground: Width degrees wide, centred on
// Heading degrees clockwise from north. A Width of 360 or more is the
// whole circle; a Width of zero or less, or NaN, sees nothing.
type Sector struct {
	Heading float64
	Width   float64
}

// All is the whole circle.
var All = Sector{Width: 360}

// View is the exact visibility polygon of one viewpoint: the points of
// its sector within Range metres of Origin that a straight line from
// Origin reaches without crossing an obstacle. It is star-shaped about
// Origin and stored as its boundary distance per direction: pieces of
// obstacle edges (straight, exact) and of the range circle.
//
// A View is immutable once made and safe for concurrent use.
type View struct {
	// Origin is the viewpoint in metres.
	Origin orb.Point
	// Range is the distance in metres beyond which nothing is seen.
	Range float64

	start, width float64 // sector start (radians counter-clockwise from east) and width
	full         bool
	edges        []edge
}

// edge is a piece of the boundary between relative angles a0 and a1
// (radians counter-clockwise from the sector start): a line n·p = c
// (relative to Origin) or, when arc is true, the range circle.
type edge struct {
	a0, a1 float64
	n      orb.Point
	c      float64
	arc    bool
}

// piece is an obstacle edge as seen from the origin, limited to the
// relative angles [a0, a1].
type piece struct {
	a0, a1 float64
	n      orb.Point
	c      float64
}

// sweeper is the working memory of one sweep.
type sweeper struct {
	v      *View
	pieces []piece
	angles []float64
	active []int32
}

// View returns what is visible from origin within sector s and r metres.
// A point exactly on an obstacle outline sees through that outline: keep
// viewpoints off the obstacles (see Inside and Nearest). Invalid input (a
// range that is not positive and finite, a point that is not finite, an
// empty sector) gives an empty View.
func (o *Obstacles) View(origin orb.Point, s Sector, r float64) *View {
	v := &View{Origin: origin, Range: r}
	if !finite(origin) || !(r > 0) || math.IsInf(r, 0) || !(s.Width > 0) || math.IsNaN(s.Heading) || math.IsInf(s.Heading, 0) {
		return v
	}
	if s.Width >= 360 {
		v.full, v.start, v.width = true, 0, twoPi
	} else {
		centre := (90 - s.Heading) * rad
		v.width = s.Width * rad
		v.start = norm(centre - v.width/2)
	}
	sc := o.scratch.Get().(*scratch)
	defer o.scratch.Put(sc)
	w := &sweeper{v: v}
	ids := o.collect(sc, v.sectorBound(r))
	r2 := r * r
	for _, id := range ids {
		sg := o.segs[id]
		a := orb.Point{sg.a[0] - origin[0], sg.a[1] - origin[1]}
		b := orb.Point{sg.b[0] - origin[0], sg.b[1] - origin[1]}
		if segDist2(a, b) >= r2 {
			continue
		}
		w.add(a, b)
	}
	w.sweep()
	return v
}

// sectorBound returns the bound of the sector of radius r.
func (v *View) sectorBound(r float64) orb.Bound {
	o := v.Origin
	if v.full {
		return orb.Bound{Min: orb.Point{o[0] - r, o[1] - r}, Max: orb.Point{o[0] + r, o[1] + r}}
	}
	b := orb.Bound{Min: o, Max: o}
	b = b.Extend(v.at(0, r)).Extend(v.at(v.width, r))
	for k := 0; k < 4; k++ {
		a := norm(float64(k)*math.Pi/2 - v.start)
		if a <= v.width {
			b = b.Extend(v.at(a, r))
		}
	}
	return b
}

// at returns the point at relative angle a and distance t from the origin.
func (v *View) at(a, t float64) orb.Point {
	s, c := math.Sincos(v.start + a)
	return orb.Point{v.Origin[0] + t*c, v.Origin[1] + t*s}
}

// rel returns the angle of the direction (x, y) relative to the sector
// start, in [0, 2π).
func (v *View) rel(x, y float64) float64 { return norm(math.Atan2(y, x) - v.start) }

func norm(a float64) float64 {
	a = math.Mod(a, twoPi)
	if a < 0 {
		a += twoPi
	}
	if a >= twoPi {
		a = 0
	}
	return a
}

// segDist2 returns the squared distance from the origin to segment ab.
func segDist2(a, b orb.Point) float64 {
	d := orb.Point{b[0] - a[0], b[1] - a[1]}
	l2 := d[0]*d[0] + d[1]*d[1]
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, -(a[0]*d[0]+a[1]*d[1])/l2))
	}
	x, y := a[0]+t*d[0], a[1]+t*d[1]
	return x*x + y*y
}

// add adds segment ab (relative to the origin) as one or two pieces.
func (w *sweeper) add(a, b orb.Point) {
	cr := a[0]*b[1] - a[1]*b[0]
	la, lb := math.Hypot(a[0], a[1]), math.Hypot(b[0], b[1])
	if math.Abs(cr) <= 1e-12*la*lb || la == 0 || lb == 0 {
		return // edge-on or through the origin
	}
	if cr < 0 {
		a, b = b, a
		cr = -cr
	}
	// Line n·p = c with c > 0.
	n := orb.Point{b[1] - a[1], a[0] - b[0]}
	c := n[0]*a[0] + n[1]*a[1]
	if c < 0 {
		n, c = orb.Point{-n[0], -n[1]}, -c
	}
	aa, ab := w.v.rel(a[0], a[1]), w.v.rel(b[0], b[1])
	if aa == ab {
		return
	}
	if ab > aa {
		w.clip(aa, ab, n, c)
		return
	}
	w.clip(aa, twoPi, n, c)
	w.clip(0, ab, n, c)
}

func (w *sweeper) clip(a0, a1 float64, n orb.Point, c float64) {
	a1 = math.Min(a1, w.v.width)
	if a1-a0 > 1e-13 {
		w.pieces = append(w.pieces, piece{a0, a1, n, c})
	}
}

// sweep turns the pieces into the boundary of the view.
func (w *sweeper) sweep() {
	v := w.v
	slices.SortStableFunc(w.pieces, func(p, q piece) int {
		switch {
		case p.a0 < q.a0:
			return -1
		case p.a0 > q.a0:
			return 1
		}
		return 0
	})
	w.angles = append(w.angles[:0], 0, v.width)
	for _, p := range w.pieces {
		w.angles = append(w.angles, p.a0, p.a1)
	}
	slices.Sort(w.angles)
	next := 0
	prev := w.angles[0]
	for _, b := range w.angles[1:] {
		if b-prev <= 1e-13 {
			continue
		}
		a := prev
		prev = b
		// Pieces that start by a join; pieces that end by a leave.
		for next < len(w.pieces) && w.pieces[next].a0 <= a+1e-13 {
			w.active = append(w.active, int32(next))
			next++
		}
		k := 0
		for _, i := range w.active {
			if w.pieces[i].a1 > a+1e-13 {
				w.active[k] = i
				k++
			}
		}
		w.active = w.active[:k]
		w.envelope(a, b, 0)
	}
}

// nearest returns the active piece nearest the origin in relative
// direction a, or -1 when none is active.
func (w *sweeper) nearest(a float64) int32 {
	s, c := math.Sincos(w.v.start + a)
	best, bt := int32(-1), math.Inf(1)
	for _, i := range w.active {
		p := &w.pieces[i]
		d := p.n[0]*c + p.n[1]*s
		if d <= 0 {
			continue
		}
		if t := p.c / d; t < bt {
			best, bt = i, t
		}
	}
	return best
}

// envelope emits the nearest boundary between relative angles a and b,
// where the set of active pieces does not change. Two pieces cross at
// most once there, so the nearest piece changes only where the pieces
// nearest at either end cross.
func (w *sweeper) envelope(a, b float64, depth int) {
	e := (b - a) * 1e-7
	ia, ib := w.nearest(a+e), w.nearest(b-e)
	if ia == ib {
		w.emitLine(a, b, ia)
		return
	}
	if depth < 48 && (ia < 0 || ib < 0) {
		// Nothing in the way at one end: a piece ends in between (the
		// end of a wall seen almost edge-on), found by halving.
		mid := (a + b) / 2
		w.envelope(a, mid, depth+1)
		w.envelope(mid, b, depth+1)
		return
	}
	if depth < 48 {
		p, q := &w.pieces[ia], &w.pieces[ib]
		m := orb.Point{p.c*q.n[0] - q.c*p.n[0], p.c*q.n[1] - q.c*p.n[1]}
		phi := math.Atan2(m[1], m[0]) - w.v.start
		for _, cand := range []float64{phi + math.Pi/2, phi - math.Pi/2} {
			x := a + norm(cand-a)
			if x > a+e && x < b-e {
				w.envelope(a, x, depth+1)
				w.envelope(x, b, depth+1)
				return
			}
		}
		mid := (a + b) / 2
		w.envelope(a, mid, depth+1)
		w.envelope(mid, b, depth+1)
		return
	}
	w.emitLine(a, b, w.nearest((a+b)/2))
}

// emitLine emits piece i (or the range circle when i < 0) between a and
// b, with the range circle wherever the piece lies beyond the range.
func (w *sweeper) emitLine(a, b float64, i int32) {
	if i < 0 {
		w.emit(edge{a0: a, a1: b, arc: true})
		return
	}
	p := w.pieces[i]
	nl := math.Hypot(p.n[0], p.n[1])
	k := p.c / (w.v.Range * nl)
	if k >= 1 {
		w.emit(edge{a0: a, a1: b, arc: true})
		return
	}
	d := math.Acos(k)
	mid := (a + b) / 2
	centre := math.Atan2(p.n[1], p.n[0]) - w.v.start
	centre -= twoPi * math.Round((centre-mid)/twoPi)
	lo, hi := math.Max(a, centre-d), math.Min(b, centre+d)
	if lo >= hi {
		w.emit(edge{a0: a, a1: b, arc: true})
		return
	}
	if lo > a {
		w.emit(edge{a0: a, a1: lo, arc: true})
	}
	w.emit(edge{a0: lo, a1: hi, n: p.n, c: p.c})
	if hi < b {
		w.emit(edge{a0: hi, a1: b, arc: true})
	}
}

func (w *sweeper) emit(e edge) {
	v := w.v
	if n := len(v.edges); n > 0 {
		last := &v.edges[n-1]
		if last.arc == e.arc && last.n == e.n && last.c == e.c {
			last.a1 = e.a1
			return
		}
	}
	v.edges = append(v.edges, e)
}

// t returns the distance from the origin to the boundary of edge e at
// relative angle a.
func (v *View) t(e *edge, a float64) float64 {
	if e.arc {
		return v.Range
	}
	s, c := math.Sincos(v.start + a)
	d := e.n[0]*c + e.n[1]*s
	if d <= 0 {
		return v.Range
	}
	return math.Min(e.c/d, v.Range)
}

// Empty reports whether the view sees nothing.
func (v *View) Empty() bool { return len(v.edges) == 0 }

// Full reports whether the view is all around its origin.
func (v *View) Full() bool { return v.full }

// Reach returns the distance in metres to the boundary of the view in the
// direction bearing (degrees clockwise from north), or 0 outside the sector.
func (v *View) Reach(bearing float64) float64 {
	a := norm((90-bearing)*rad - v.start)
	e := v.edgeAt(a)
	if e == nil {
		return 0
	}
	return v.t(e, a)
}

// edgeAt returns the edge at relative angle a, or nil outside the sector.
func (v *View) edgeAt(a float64) *edge {
	if len(v.edges) == 0 {
		return nil
	}
	if a > v.width {
		// Just past the end of the sector, or just before its start.
		switch {
		case a-v.width < 1e-9:
			a = v.width
		case twoPi-a < 1e-9:
			a = 0
		default:
			return nil
		}
	}
	i, _ := slices.BinarySearchFunc(v.edges, a, func(e edge, a float64) int {
		if e.a1 < a {
			return -1
		}
		return 1
	})
	if i == len(v.edges) {
		i--
	}
	return &v.edges[i]
}

// Contains reports whether p (metres) is visible: inside the sector, within
// the range and not behind an obstacle. Points on the boundary count as
// visible, with a tolerance of a micrometre.
func (v *View) Contains(p orb.Point) bool {
	x, y := p[0]-v.Origin[0], p[1]-v.Origin[1]
	d2 := x*x + y*y
	if d2 == 0 {
		return len(v.edges) > 0
	}
	if d2 > (v.Range+1e-6)*(v.Range+1e-6) {
		return false
	}
	a := v.rel(x, y)
	e := v.edgeAt(a)
	if e == nil {
		return false
	}
	return math.Sqrt(d2) <= v.t(e, a)+1e-6
}

// Bound returns the bound of the view's polygon.
func (v *View) Bound() orb.Bound {
	return v.Polygon(0.01).Bound()
}

// Polygon returns the view as a polygon in metres, counter-clockwise. The
// obstacle edges on its boundary are exact; arcs of the range circle are
// drawn with chords that stay within tol metres of the circle. An empty
// view gives nil.
func (v *View) Polygon(tol float64) orb.Polygon {
	mp := v.Clip(0, math.Inf(1), tol)
	if len(mp) == 0 {
		return nil
	}
	return mp[0]
}

// Rings returns the boundary of the part of the view at distances in
// [r0, r1] from the origin as rings for a scanline fill: arcs of the outer
// circles are drawn with tangents outside them and arcs of the inner
// circle with chords inside it, so that the rings contain the exact
// region; the caller tests distances per cell.
func (v *View) Rings(r0, r1, tol float64) []orb.Ring {
	var rings []orb.Ring
	for _, p := range v.clip(r0, r1, tol, true) {
		rings = append(rings, p...)
	}
	return rings
}

// Clip returns the part of the view at distances in [r0, r1] metres from
// the origin (r1 may be +Inf): a pixel-density zone between the blind zone
// and a level's far edge. Arcs are drawn with chords within tol metres of
// the circles. Outer rings run counter-clockwise, holes clockwise.
func (v *View) Clip(r0, r1, tol float64) orb.MultiPolygon {
	return v.clip(r0, r1, tol, false)
}

// sub is a piece of a clipped boundary: a line (edge index) or an arc of
// radius r.
type sub struct {
	a0, a1 float64
	e      int     // index of a line edge, or -1 for an arc
	r      float64 // radius of an arc
}

func (v *View) clip(r0, r1, tol float64, outside bool) orb.MultiPolygon {
	if len(v.edges) == 0 || math.IsNaN(r0) || math.IsNaN(r1) {
		return nil
	}
	r0 = math.Max(r0, 0)
	r1 = math.Min(r1, v.Range)
	if r0 >= r1 {
		return nil
	}
	var subs []sub
	for i := range v.edges {
		e := &v.edges[i]
		if e.arc {
			switch {
			case v.Range <= r0:
			case v.Range <= r1:
				subs = append(subs, sub{e.a0, e.a1, -1, v.Range})
			default:
				subs = append(subs, sub{e.a0, e.a1, -1, r1})
			}
			continue
		}
		cuts := []float64{e.a0, e.a1}
		nl := math.Hypot(e.n[0], e.n[1])
		centre := math.Atan2(e.n[1], e.n[0]) - v.start
		mid := (e.a0 + e.a1) / 2
		centre -= twoPi * math.Round((centre-mid)/twoPi)
		for _, r := range []float64{r0, r1} {
			if k := e.c / (r * nl); r > 0 && k < 1 {
				d := math.Acos(k)
				for _, x := range []float64{centre - d, centre + d} {
					if x > e.a0 && x < e.a1 {
						cuts = append(cuts, x)
					}
				}
			}
		}
		slices.Sort(cuts)
		for k := 0; k+1 < len(cuts); k++ {
			a, b := cuts[k], cuts[k+1]
			if b-a <= 1e-13 {
				continue
			}
			t := v.t(e, (a+b)/2)
			switch {
			case t <= r0:
			case t <= r1:
				subs = append(subs, sub{a, b, i, 0})
			default:
				subs = append(subs, sub{a, b, -1, r1})
			}
		}
	}
	// Runs of contiguous pieces.
	var runs [][]sub
	for _, s := range subs {
		if n := len(runs); n > 0 {
			last := runs[n-1]
			if math.Abs(last[len(last)-1].a1-s.a0) < 1e-12 {
				runs[n-1] = append(last, s)
				continue
			}
		}
		runs = append(runs, []sub{s})
	}
	if len(runs) == 0 {
		return nil
	}
	if v.full && len(runs) > 1 && runs[0][0].a0 < 1e-12 && runs[len(runs)-1][len(runs[len(runs)-1])-1].a1 > twoPi-1e-12 {
		last := runs[len(runs)-1]
		runs = append([][]sub{append(last, runs[0]...)}, runs[1:len(runs)-1]...)
	}
	var out orb.MultiPolygon
	for _, run := range runs {
		round := v.full && len(runs) == 1 && run[0].a0 < 1e-12 && run[len(run)-1].a1 > twoPi-1e-12
		var ring orb.Ring
		for _, s := range run {
			if s.e >= 0 {
				e := &v.edges[s.e]
				ring = appendPt(ring, v.at(s.a0, v.t(e, s.a0)))
				ring = appendPt(ring, v.at(s.a1, v.t(e, s.a1)))
				continue
			}
			ring = v.arc(ring, s.r, s.a0, s.a1, tol, outside)
		}
		var hole orb.Ring
		switch {
		case round && r0 > 0:
			hole = v.arc(nil, r0, twoPi, 0, tol, false)
		case round:
		case r0 > 0:
			ring = v.arc(ring, r0, run[len(run)-1].a1, run[0].a0, tol, false)
		default:
			ring = appendPt(ring, v.Origin)
		}
		poly := orb.Polygon{closeRing(ring)}
		if hole != nil {
			poly = append(poly, closeRing(hole))
		}
		out = append(out, poly)
	}
	return out
}

// arc appends the arc of radius r from relative angle a0 to a1 (either
// direction) to ring: chords within tol of the circle, or tangents outside
// it when outside is true.
func (v *View) arc(ring orb.Ring, r, a0, a1, tol float64, outside bool) orb.Ring {
	span := a1 - a0
	step := math.Pi / 18
	if tol > 0 && tol < r {
		step = math.Min(step, 2*math.Acos(1-tol/r))
	}
	n := max(1, int(math.Ceil(math.Abs(span)/step)))
	h := span / float64(n)
	ring = appendPt(ring, v.at(a0, r))
	if outside {
		ro := r / math.Cos(h/2)
		for k := 1; k <= n; k++ {
			ring = appendPt(ring, v.at(a0+(float64(k)-0.5)*h, ro))
		}
	} else {
		for k := 1; k < n; k++ {
			ring = appendPt(ring, v.at(a0+float64(k)*h, r))
		}
	}
	return appendPt(ring, v.at(a1, r))
}

func appendPt(r orb.Ring, p orb.Point) orb.Ring {
	if n := len(r); n > 0 && math.Abs(r[n-1][0]-p[0]) < 1e-9 && math.Abs(r[n-1][1]-p[1]) < 1e-9 {
		return r
	}
	return append(r, p)
}

func closeRing(r orb.Ring) orb.Ring {
	for len(r) > 1 && math.Abs(r[0][0]-r[len(r)-1][0]) < 1e-9 && math.Abs(r[0][1]-r[len(r)-1][1]) < 1e-9 {
		r = r[:len(r)-1]
	}
	return append(r, r[0])
}

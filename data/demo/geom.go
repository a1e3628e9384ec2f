package demo

import (
	"math"

	"github.com/paulmach/orb"
)

// The demo is designed in the compound's own frame: metres, x along the
// long side of the buildings (east before the compound is turned), y
// towards the north. Everything in this file works in that frame.

// rect is an axis-aligned rectangle in the compound frame.
type rect struct{ x0, y0, x1, y1 float64 }

// ring returns the rectangle as a closed counter-clockwise ring.
func (r rect) ring() orb.Ring {
	return orb.Ring{{r.x0, r.y0}, {r.x1, r.y0}, {r.x1, r.y1}, {r.x0, r.y1}, {r.x0, r.y0}}
}

func (r rect) grow(m float64) rect { return rect{r.x0 - m, r.y0 - m, r.x1 + m, r.y1 + m} }

func (r rect) overlaps(o rect) bool {
	return r.x0 < o.x1 && o.x0 < r.x1 && r.y0 < o.y1 && o.y0 < r.y1
}

func (r rect) centre() orb.Point { return orb.Point{(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2} }

// boxAround returns the rectangle of width w and depth d centred on p.
func boxAround(p orb.Point, w, d float64) rect {
	return rect{p[0] - w/2, p[1] - d/2, p[0] + w/2, p[1] + d/2}
}

// ringBound returns the bounding rectangle of r.
func ringBound(r orb.Ring) rect {
	b := r.Bound()
	return rect{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}

// translate returns r moved by (dx, dy).
func translate(r orb.Ring, dx, dy float64) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[i] = orb.Point{p[0] + dx, p[1] + dy}
	}
	return out
}

// closeRing returns pts as a closed ring without repeated or collinear
// vertices.
func closeRing(pts []orb.Point) orb.Ring {
	var clean []orb.Point
	for _, p := range pts {
		if len(clean) > 0 && near(clean[len(clean)-1], p) {
			continue
		}
		clean = append(clean, p)
	}
	if len(clean) > 1 && near(clean[0], clean[len(clean)-1]) {
		clean = clean[:len(clean)-1]
	}
	for changed := true; changed && len(clean) > 3; {
		changed = false
		for i := range clean {
			a, b, c := clean[(i+len(clean)-1)%len(clean)], clean[i], clean[(i+1)%len(clean)]
			if math.Abs(cross(sub(b, a), sub(c, b))) < 1e-9 {
				clean = append(clean[:i], clean[i+1:]...)
				changed = true
				break
			}
		}
	}
	r := make(orb.Ring, 0, len(clean)+1)
	r = append(r, clean...)
	return append(r, clean[0])
}

func near(a, b orb.Point) bool { return math.Abs(a[0]-b[0]) < 1e-9 && math.Abs(a[1]-b[1]) < 1e-9 }

func sub(a, b orb.Point) orb.Point           { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func add(a, b orb.Point) orb.Point           { return orb.Point{a[0] + b[0], a[1] + b[1]} }
func scale(a orb.Point, k float64) orb.Point { return orb.Point{a[0] * k, a[1] * k} }
func cross(a, b orb.Point) float64           { return a[0]*b[1] - a[1]*b[0] }
func dot(a, b orb.Point) float64             { return a[0]*b[0] + a[1]*b[1] }
func length(a orb.Point) float64             { return math.Hypot(a[0], a[1]) }

func unit(a orb.Point) orb.Point {
	l := length(a)
	if l == 0 {
		return a
	}
	return scale(a, 1/l)
}

// left returns a turned a quarter to the left (counter-clockwise).
func left(a orb.Point) orb.Point { return orb.Point{-a[1], a[0]} }

// polar returns the point at distance r from c in the direction of angle
// a (radians, counter-clockwise from the x axis).
func polar(c orb.Point, r, a float64) orb.Point {
	return orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)}
}

// rounded returns the polyline through pts with its corners (every corner
// when closed) replaced by circular arcs of radius r. A closed result ends
// where it starts.
func rounded(pts []orb.Point, r float64, closed bool) orb.LineString {
	n := len(pts)
	var out orb.LineString
	if !closed {
		out = append(out, pts[0])
	}
	for i := range pts {
		if !closed && (i == 0 || i == n-1) {
			continue
		}
		a, p, b := pts[(i+n-1)%n], pts[i], pts[(i+1)%n]
		out = append(out, fillet(a, p, b, r)...)
	}
	if closed {
		out = append(out, out[0])
	} else {
		out = append(out, pts[n-1])
	}
	return out
}

// fillet returns the arc of radius r that rounds the corner at p between
// the legs from a and to b, as points from the first leg to the second.
func fillet(a, p, b orb.Point, r float64) []orb.Point {
	u1, u2 := unit(sub(p, a)), unit(sub(b, p))
	turn := math.Acos(math.Max(-1, math.Min(1, dot(u1, u2))))
	if turn < 1e-6 {
		return []orb.Point{p}
	}
	t := r * math.Tan(turn/2)
	if lim := math.Min(length(sub(p, a)), length(sub(b, p))) / 2; t > lim {
		t = lim
		r = t / math.Tan(turn/2)
	}
	side := 1.0
	if cross(u1, u2) < 0 {
		side = -1
	}
	t1 := sub(p, scale(u1, t))
	c := add(t1, scale(left(u1), side*r))
	a1 := math.Atan2(t1[1]-c[1], t1[0]-c[0])
	steps := int(math.Ceil(turn / (8 * math.Pi / 180)))
	pts := make([]orb.Point, 0, steps+1)
	for k := 0; k <= steps; k++ {
		pts = append(pts, polar(c, r, a1+side*turn*float64(k)/float64(steps)))
	}
	return pts
}

// curve returns a gently bent path from a to b: a quadratic Bézier curve
// whose control point lies bend metres to the left of the midpoint.
func curve(a, b orb.Point, bend float64) orb.LineString {
	mid := scale(add(a, b), 0.5)
	c := add(mid, scale(left(unit(sub(b, a))), bend))
	const steps = 12
	out := make(orb.LineString, 0, steps+1)
	for k := 0; k <= steps; k++ {
		t := float64(k) / steps
		p := add(add(scale(a, (1-t)*(1-t)), scale(c, 2*(1-t)*t)), scale(b, t*t))
		out = append(out, p)
	}
	return out
}

// nearestOn returns the point of line closest to p and its distance along
// the line from the start.
func nearestOn(line orb.LineString, p orb.Point) (orb.Point, float64) {
	best, bestD, at, along := line[0], math.Inf(1), 0.0, 0.0
	for i := 0; i+1 < len(line); i++ {
		a, b := line[i], line[i+1]
		ab := sub(b, a)
		l := length(ab)
		t := 0.0
		if l > 0 {
			t = math.Max(0, math.Min(1, dot(sub(p, a), ab)/(l*l)))
		}
		q := add(a, scale(ab, t))
		if d := length(sub(p, q)); d < bestD {
			best, bestD, at = q, d, along+t*l
		}
		along += l
	}
	return best, at
}

// pointAlong returns the point at distance d along line and the unit
// direction of the line there.
func pointAlong(line orb.LineString, d float64) (orb.Point, orb.Point) {
	for i := 0; i+1 < len(line); i++ {
		ab := sub(line[i+1], line[i])
		l := length(ab)
		if d <= l || i+2 == len(line) {
			return add(line[i], scale(ab, math.Min(d, l)/math.Max(l, 1e-12))), unit(ab)
		}
		d -= l
	}
	return line[0], orb.Point{1, 0}
}

// lineLength returns the length of line.
func lineLength(line orb.LineString) float64 {
	s := 0.0
	for i := 0; i+1 < len(line); i++ {
		s += length(sub(line[i+1], line[i]))
	}
	return s
}

// bearing returns the compass direction from a to b in the compound frame,
// degrees clockwise from the compound's north.
func bearing(a, b orb.Point) float64 {
	d := sub(b, a)
	return math.Atan2(d[0], d[1]) * 180 / math.Pi
}

// blob returns a smooth star-shaped closed ring of mean radius r around c:
// a pond outline. It is simple because its radius stays positive.
func blob(c orb.Point, r float64) orb.Ring {
	const n = 56
	pts := make([]orb.Point, 0, n)
	for k := 0; k < n; k++ {
		a := 2 * math.Pi * float64(k) / n
		rr := r * (1 + 0.2*math.Sin(2*a+0.7) + 0.09*math.Sin(3*a+2.1) + 0.05*math.Cos(5*a))
		pts = append(pts, polar(c, rr, a))
	}
	return closeRing(pts)
}

// circle returns a closed counter-clockwise polyline of radius r around c.
func circle(c orb.Point, r float64, n int) orb.LineString {
	out := make(orb.LineString, 0, n+1)
	for k := 0; k < n; k++ {
		out = append(out, polar(c, r, 2*math.Pi*float64(k)/float64(n)-math.Pi/2))
	}
	return append(out, out[0])
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

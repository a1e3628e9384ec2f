package mapview

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// painter fills antialiased paths on an RGBA image (premultiplied alpha)
// with golang.org/x/image/vector: paths of one colour are collected and
// filled in one pass, so a tile costs a pass per colour, not per feature.
//
// Every sub-path is added with the same orientation (see addRing), and
// the rasteriser counts coverage as a clamped absolute winding number, so
// overlapping strokes and polygons of one colour merge cleanly and holes
// (added the other way round) stay open.
//
// A painter is used by one goroutine at a time.
type painter struct {
	dst  *image.RGBA
	r    vector.Rasterizer
	mask image.Alpha

	pts    []float32   // x, y pairs of all sub-paths
	starts []int       // index in pts/2 where each sub-path starts
	groups []pathGroup // features: sub-paths filled together
	minX   float32
	minY   float32
	maxX   float32
	maxY   float32
	// replace makes fills put their colour in place of what is under
	// them (in proportion to coverage) rather than over it.
	replace bool
}

// pathGroup is the sub-paths of one feature, from sub-path first on, and
// their bounding box. A batch whose features are small next to the area
// they are spread over is filled feature by feature, which touches far
// fewer pixels than one pass over the whole area.
type pathGroup struct {
	first                  int
	minX, minY, maxX, maxY float32
}

func newPainter(dst *image.RGBA) *painter {
	p := &painter{dst: dst}
	p.reset()
	return p
}

func (p *painter) reset() {
	p.pts = p.pts[:0]
	p.starts = p.starts[:0]
	p.groups = p.groups[:0]
	p.minX, p.minY = math.MaxFloat32, math.MaxFloat32
	p.maxX, p.maxY = -math.MaxFloat32, -math.MaxFloat32
}

func (p *painter) empty() bool { return len(p.starts) == 0 }

// feature starts the sub-paths of a new feature.
func (p *painter) feature() {
	p.groups = append(p.groups, pathGroup{first: len(p.starts),
		minX: math.MaxFloat32, minY: math.MaxFloat32, maxX: -math.MaxFloat32, maxY: -math.MaxFloat32})
}

// begin starts a sub-path.
func (p *painter) begin() {
	if len(p.groups) == 0 {
		p.feature()
	}
	p.starts = append(p.starts, len(p.pts)/2)
}

func (p *painter) add(x, y float32) {
	p.pts = append(p.pts, x, y)
	p.minX, p.maxX = min(p.minX, x), max(p.maxX, x)
	p.minY, p.maxY = min(p.minY, y), max(p.maxY, y)
	g := &p.groups[len(p.groups)-1]
	g.minX, g.maxX = min(g.minX, x), max(g.maxX, x)
	g.minY, g.maxY = min(g.minY, y), max(g.maxY, y)
}

// addRing adds a closed ring of xy pairs; hole reverses its orientation
// relative to outer rings. Rings of fewer than 3 points are skipped.
func (p *painter) addRing(xy []float32, hole bool) {
	n := len(xy) / 2
	if n < 3 {
		return
	}
	var area float32
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		area += xy[2*i]*xy[2*j+1] - xy[2*j]*xy[2*i+1]
	}
	reverse := (area > 0) != hole // outer rings negative, holes positive
	p.begin()
	if reverse {
		for i := n - 1; i >= 0; i-- {
			p.add(xy[2*i], xy[2*i+1])
		}
	} else {
		for i := 0; i < n; i++ {
			p.add(xy[2*i], xy[2*i+1])
		}
	}
}

// addCircle adds a disc of radius r around x, y, oriented as outer rings.
func (p *painter) addCircle(x, y, r float32) {
	p.feature()
	p.circle(x, y, r)
}

func (p *painter) circle(x, y, r float32) {
	n := int(math.Ceil(float64(r) * 1.2))
	n = max(8, min(64, n))
	p.begin()
	for i := 0; i < n; i++ {
		a := -2 * math.Pi * float64(i) / float64(n)
		s, c := math.Sincos(a)
		p.add(x+r*float32(c), y+r*float32(s))
	}
}

// strokeChunk is the largest extent in pixels of one group of a stroke:
// a long line is filled in pieces, so that filling it touches the pixels
// near it and not its whole bounding box.
const strokeChunk = 160

// addStroke adds the outline of the polyline xy drawn w pixels wide with
// round joins and caps. closed joins its last point to its first.
func (p *painter) addStroke(xy []float32, w float32, closed bool) {
	n := len(xy) / 2
	if n < 2 || w <= 0 {
		if n == 1 && w > 0 {
			p.addCircle(xy[0], xy[1], w/2)
		}
		return
	}
	p.feature()
	h := w / 2
	round := h >= 0.75 // joins of hairlines are invisible
	segs := n - 1
	if closed {
		segs = n
	}
	var cx0, cy0, cx1, cy1 float32 = math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32
	inChunk := 0
	for i := 0; i < segs; i++ {
		j := (i + 1) % n
		ax, ay, bx, by := xy[2*i], xy[2*i+1], xy[2*j], xy[2*j+1]
		dx, dy := bx-ax, by-ay
		l := float32(math.Hypot(float64(dx), float64(dy)))
		if l < 1e-3 {
			continue
		}
		nx0, ny0 := min(cx0, ax, bx), min(cy0, ay, by)
		nx1, ny1 := max(cx1, ax, bx), max(cy1, ay, by)
		if inChunk > 0 && (nx1-nx0 > strokeChunk || ny1-ny0 > strokeChunk) {
			p.feature()
			nx0, ny0, nx1, ny1 = min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
			inChunk = 0
		}
		cx0, cy0, cx1, cy1 = nx0, ny0, nx1, ny1
		inChunk++
		nx, ny := -dy/l*h, dx/l*h
		p.begin()
		p.add(ax+nx, ay+ny)
		p.add(bx+nx, by+ny)
		p.add(bx-nx, by-ny)
		p.add(ax-nx, ay-ny)
		if round {
			p.circle(ax, ay, h)
			if !closed && i == segs-1 {
				p.circle(bx, by, h)
			}
		}
	}
}

// addDashes adds the dashes of the polyline xy: on pixels drawn, off
// skipped, starting phase pixels into the pattern.
func (p *painter) addDashes(xy []float32, w, on, off float32, closed bool) {
	n := len(xy) / 2
	if closed && n > 2 {
		xy = append(xy[:len(xy):len(xy)], xy[0], xy[1])
		n++
	}
	var dash []float32
	drawing := true
	left := on
	for i := 0; i+1 < n; i++ {
		ax, ay, bx, by := xy[2*i], xy[2*i+1], xy[2*i+2], xy[2*i+3]
		l := float32(math.Hypot(float64(bx-ax), float64(by-ay)))
		t := float32(0)
		for l-t > 1e-3 {
			step := min(left, l-t)
			t0 := t
			t += step
			left -= step
			if drawing {
				if len(dash) == 0 {
					dash = append(dash, ax+(bx-ax)*t0/l, ay+(by-ay)*t0/l)
				}
				dash = append(dash, ax+(bx-ax)*t/l, ay+(by-ay)*t/l)
			}
			if left <= 1e-3 {
				if drawing && len(dash) >= 4 {
					p.addStroke(dash, w, false)
				}
				dash = dash[:0]
				drawing = !drawing
				if drawing {
					left = on
				} else {
					left = off
				}
			}
		}
	}
	if drawing && len(dash) >= 4 {
		p.addStroke(dash, w, false)
	}
}

// fill paints the collected sub-paths in c and clears them.
func (p *painter) fill(c color.NRGBA) {
	defer p.reset()
	if p.empty() || c.A == 0 {
		return
	}
	b := p.dst.Bounds()
	all := bbox(p.minX, p.minY, p.maxX, p.maxY).Intersect(b)
	if all.Empty() {
		return
	}
	// Feature by feature: features are drawn over each other, which
	// blends translucent overlaps twice but touches far fewer pixels.
	if len(p.groups) > 1 {
		for i, g := range p.groups {
			last := len(p.starts)
			if i+1 < len(p.groups) {
				last = p.groups[i+1].first
			}
			if r := bbox(g.minX, g.minY, g.maxX, g.maxY).Intersect(b); !r.Empty() && last > g.first {
				p.fillRange(g.first, last, r, c)
			}
		}
		return
	}
	p.fillRange(0, len(p.starts), all, c)
}

func bbox(minX, minY, maxX, maxY float32) image.Rectangle {
	return image.Rect(int(math.Floor(float64(minX))), int(math.Floor(float64(minY))),
		int(math.Ceil(float64(maxX)))+1, int(math.Ceil(float64(maxY)))+1)
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// band is the height in pixels of the strips a large fill is split into:
// the rasteriser's cost grows with the area it covers, and a strip's
// width is only what the shape spans within it, so a diagonal line or a
// thin slanted polygon costs little more than the pixels it covers.
const band = 32

// fillRange fills sub-paths first to last (exclusive) within r.
func (p *painter) fillRange(first, last int, r image.Rectangle, c color.NRGBA) {
	if r.Dx() <= 512 && (r.Dy() <= 2*band || r.Dx()*r.Dy() < 16384) {
		p.fillRect(first, last, r, c)
		return
	}
	for y0 := r.Min.Y; y0 < r.Max.Y; y0 += band {
		y1 := min(y0+band, r.Max.Y)
		fy0, fy1 := float32(y0), float32(y1)
		minX, maxX := float32(math.MaxFloat32), float32(-math.MaxFloat32)
		for k := first; k < last; k++ {
			s := p.starts[k]
			e := len(p.pts) / 2
			if k+1 < len(p.starts) {
				e = p.starts[k+1]
			}
			for i := s; i < e; i++ {
				j := i + 1
				if j == e {
					j = s
				}
				ax, ay, bx, by := p.pts[2*i], p.pts[2*i+1], p.pts[2*j], p.pts[2*j+1]
				if ay > by {
					ax, ay, bx, by = bx, by, ax, ay
				}
				if by < fy0 || ay > fy1 {
					continue
				}
				// The part of the edge within the strip.
				xa, xb := ax, bx
				if by > ay {
					if ay < fy0 {
						xa = ax + (bx-ax)*(fy0-ay)/(by-ay)
					}
					if by > fy1 {
						xb = ax + (bx-ax)*(fy1-ay)/(by-ay)
					}
				}
				minX, maxX = min(minX, xa, xb), max(maxX, xa, xb)
			}
		}
		if minX > maxX {
			continue
		}
		sr := image.Rect(int(math.Floor(float64(minX))), y0, int(math.Ceil(float64(maxX)))+1, y1).Intersect(r)
		// At most 512 wide, where the rasteriser's fixed-point math is
		// faster than its floating-point math.
		for x0 := sr.Min.X; x0 < sr.Max.X; x0 += 512 {
			p.fillRect(first, last, image.Rect(x0, y0, min(x0+512, sr.Max.X), y1), c)
		}
	}
}

// fillRect fills sub-paths first to last (exclusive) clipped to r.
func (p *painter) fillRect(first, last int, r image.Rectangle, c color.NRGBA) {
	w, h := r.Dx(), r.Dy()
	p.r.Reset(w, h)
	p.r.DrawOp = draw.Src
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	for k := first; k < last; k++ {
		s := p.starts[k]
		e := len(p.pts) / 2
		if k+1 < len(p.starts) {
			e = p.starts[k+1]
		}
		p.r.MoveTo(p.pts[2*s]-ox, p.pts[2*s+1]-oy)
		for i := s + 1; i < e; i++ {
			p.r.LineTo(p.pts[2*i]-ox, p.pts[2*i+1]-oy)
		}
		p.r.ClosePath()
	}
	if cap(p.mask.Pix) < w*h {
		p.mask.Pix = make([]uint8, w*h)
	}
	p.mask.Pix = p.mask.Pix[:w*h]
	p.mask.Stride = w
	p.mask.Rect = image.Rect(0, 0, w, h)
	p.r.Draw(&p.mask, p.mask.Rect, image.Opaque, image.Point{})
	if p.replace {
		replaceIn(p.dst, r, &p.mask, c)
		return
	}
	composite(p.dst, r, &p.mask, c)
}

// replaceIn puts colour c in place of dst's pixels within r through mask
// (whose origin is r.Min): a fully covered pixel becomes c, a partly
// covered one a mix of c and what it was.
func replaceIn(dst *image.RGBA, r image.Rectangle, mask *image.Alpha, c color.NRGBA) {
	a := uint32(c.A)
	src := [4]uint32{div255(uint32(c.R) * a), div255(uint32(c.G) * a), div255(uint32(c.B) * a), a}
	w := r.Dx()
	for y := 0; y < r.Dy(); y++ {
		mrow := mask.Pix[y*mask.Stride : y*mask.Stride+w]
		off := dst.PixOffset(r.Min.X, r.Min.Y+y)
		row := dst.Pix[off : off+4*w]
		for x, m := range mrow {
			if m == 0 {
				continue
			}
			d := row[4*x : 4*x+4 : 4*x+4]
			if m == 255 {
				d[0], d[1], d[2], d[3] = uint8(src[0]), uint8(src[1]), uint8(src[2]), uint8(src[3])
				continue
			}
			k, ik := uint32(m), 255-uint32(m)
			for i := range 4 {
				d[i] = uint8(div255(src[i]*k + uint32(d[i])*ik))
			}
		}
	}
}

// overAll draws src (premultiplied, the same bounds as dst) over dst
// within r.
func overAll(dst, src *image.RGBA, r image.Rectangle) {
	r = r.Intersect(dst.Rect).Intersect(src.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		so, do := src.PixOffset(r.Min.X, y), dst.PixOffset(r.Min.X, y)
		s := src.Pix[so : so+4*r.Dx()]
		d := dst.Pix[do : do+4*r.Dx()]
		for i := 0; i < len(s); i += 4 {
			a := uint32(s[i+3])
			switch a {
			case 0:
				continue
			case 255:
				copy(d[i:i+4], s[i:i+4])
				continue
			}
			ia := 255 - a
			for k := range 4 {
				d[i+k] = uint8(uint32(s[i+k]) + div255(uint32(d[i+k])*ia))
			}
		}
	}
}

// composite paints colour c over dst within r through mask (whose origin
// is r.Min), skipping uncovered pixels eight at a time.
//
// A pixel is blended as two pairs of 16-bit lanes in one word (red and
// blue, green and alpha), each lane d·(255−a) + c·a divided by 255 with
// rounding: the same result as blending channel by channel, with two
// multiplications instead of four. Fully covered pixels, most of a
// filled shape, share one precomputed source and are blended two at a
// time, or simply written when opaque.
func composite(dst *image.RGBA, r image.Rectangle, mask *image.Alpha, c color.NRGBA) {
	const lanes = 0x00FF00FF
	ca := uint32(c.A)
	// The colour's channels as lanes: red and blue, green and alpha.
	cRB := uint32(c.R) | uint32(c.B)<<16
	cGA := uint32(c.G) | 255<<16
	// Fully covered pixels.
	fullA := ca
	fullRB, fullGA := cRB*fullA, cGA*fullA
	fullIA := 255 - fullA
	opaque := uint32(c.R) | uint32(c.G)<<8 | uint32(c.B)<<16 | 255<<24
	// The same for two pixels in one word, rounding included.
	const lanes2, full8 = 0x00FF00FF00FF00FF, 1<<64 - 1
	ia2 := uint64(fullIA)
	fullRB2 := (uint64(fullRB) | uint64(fullRB)<<32) + 0x0080008000800080
	fullGA2 := (uint64(fullGA) | uint64(fullGA)<<32) + 0x0080008000800080
	w := r.Dx()
	for y := 0; y < r.Dy(); y++ {
		mrow := mask.Pix[y*mask.Stride : y*mask.Stride+w]
		off := dst.PixOffset(r.Min.X, r.Min.Y+y)
		row := dst.Pix[off : off+4*w]
		for x := 0; x < w; x++ {
			if x+8 <= w {
				switch binary.LittleEndian.Uint64(mrow[x:]) {
				case 0:
					x += 7
					continue
				case full8:
					// Eight fully covered pixels, two at a time.
					px8 := row[4*x : 4*x+32 : 4*x+32]
					if fullA == 255 {
						for i := 0; i < 32; i += 4 {
							binary.LittleEndian.PutUint32(px8[i:], opaque)
						}
					} else {
						for i := 0; i < 32; i += 8 {
							px := binary.LittleEndian.Uint64(px8[i:])
							rb := (px&lanes2)*ia2 + fullRB2
							ga := (px>>8&lanes2)*ia2 + fullGA2
							rb = (rb + rb>>8&lanes2) >> 8 & lanes2
							ga = (ga + ga>>8&lanes2) >> 8 & lanes2
							binary.LittleEndian.PutUint64(px8[i:], rb|ga<<8)
						}
					}
					x += 7
					continue
				}
			}
			m := uint32(mrow[x])
			if m == 0 {
				continue
			}
			d := row[4*x : 4*x+4 : 4*x+4]
			var sRB, sGA, ia uint32
			if m == 255 {
				if fullA == 255 {
					binary.LittleEndian.PutUint32(d, opaque)
					continue
				}
				sRB, sGA, ia = fullRB, fullGA, fullIA
			} else {
				a := div255(m * ca)
				if a == 0 {
					continue
				}
				sRB, sGA, ia = cRB*a, cGA*a, 255-a
			}
			px := binary.LittleEndian.Uint32(d)
			rb := (px&lanes)*ia + sRB + 0x00800080
			ga := (px>>8&lanes)*ia + sGA + 0x00800080
			rb = (rb + rb>>8&lanes) >> 8 & lanes
			ga = (ga + ga>>8&lanes) >> 8 & lanes
			binary.LittleEndian.PutUint32(d, rb|ga<<8)
		}
	}
}

// div255 divides x (at most 255·255) by 255, rounded.
func div255(x uint32) uint32 {
	x += 128
	return (x + x>>8) >> 8
}

// paintAll fills dst with c.
func paintAll(dst *image.RGBA, c color.NRGBA) {
	r, g, b, a := c.RGBA()
	px := [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
	if len(dst.Pix) == 0 {
		return
	}
	copy(dst.Pix[:4], px[:])
	for n := 4; n < len(dst.Pix); n *= 2 {
		copy(dst.Pix[n:], dst.Pix[:n])
	}
}

// blit draws src (premultiplied RGBA) over dst with its centre at x, y,
// clipped to dst's bounds. Transparent pixels are skipped and opaque ones
// copied; the others are blended as composite does.
func blit(dst *image.RGBA, src *image.RGBA, x, y float32) {
	sb := src.Bounds()
	at := image.Pt(int(math.Round(float64(x)))-sb.Dx()/2, int(math.Round(float64(y)))-sb.Dy()/2)
	r := sb.Sub(sb.Min).Add(at).Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	sp := sb.Min.Add(r.Min.Sub(at))
	const lanes = 0x00FF00FF
	for y := 0; y < r.Dy(); y++ {
		so := src.PixOffset(sp.X, sp.Y+y)
		do := dst.PixOffset(r.Min.X, r.Min.Y+y)
		srow := src.Pix[so : so+4*r.Dx()]
		drow := dst.Pix[do : do+4*r.Dx()]
		for i := 0; i+4 <= len(srow); i += 4 {
			s := binary.LittleEndian.Uint32(srow[i:])
			sa := s >> 24
			switch sa {
			case 0:
				continue
			case 255:
				binary.LittleEndian.PutUint32(drow[i:], s)
				continue
			}
			// Premultiplied over: s + d·(255−sa)/255, lane by lane.
			ia := 255 - sa
			d := binary.LittleEndian.Uint32(drow[i:])
			rb := (d&lanes)*ia + 0x00800080
			ga := (d>>8&lanes)*ia + 0x00800080
			rb = (rb + rb>>8&lanes) >> 8 & lanes
			ga = (ga + ga>>8&lanes) >> 8 & lanes
			binary.LittleEndian.PutUint32(drow[i:], s+(rb|ga<<8))
		}
	}
}

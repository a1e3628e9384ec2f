package mapview

import (
	"image"
	"image/color"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// labelFont is the regular text font of the basemap's names, with its
// faces and the names drawn so far. It is safe for concurrent use.
type labelFont struct {
	name string
	ft   *opentype.Font

	mu      sync.Mutex
	buf     sfnt.Buffer                 // guarded by mu
	faces   map[int]font.Face           // guarded by mu; faces are not safe for concurrent use
	sprites map[spriteName]*labelSprite // guarded by mu
	covered map[string]bool             // guarded by mu
	sizes   map[spriteName][2]float64   // measured text, guarded by mu
	dims    map[spriteName][2]int       // sprite sizes, guarded by mu
}

type spriteName struct {
	text  string
	size  int
	scale float64
}

// labelSprite is a name drawn once, upright: the ink and the halo around
// it as coverage masks of the same size, the text's box centred in them.
type labelSprite struct {
	ink, halo *image.Alpha
}

// labelCacheLimit bounds the names a font keeps drawn; past it they are
// all forgotten and drawn again as needed.
const labelCacheLimit = 4096

var labelFonts = struct {
	mu sync.Mutex
	m  map[string]*labelFont
}{m: map[string]*labelFont{}}

// fontFor returns the label font of res (the theme's regular text font),
// or Go Regular when res is nil or not a font, parsed once per process.
func fontFor(res fyne.Resource) *labelFont {
	name := resName(res)
	labelFonts.mu.Lock()
	defer labelFonts.mu.Unlock()
	if f, ok := labelFonts.m[name]; ok {
		return f
	}
	var ft *opentype.Font
	var err error
	if res != nil {
		ft, err = opentype.Parse(res.Content())
	}
	if res == nil || err != nil {
		ft, _ = opentype.Parse(goregular.TTF)
		name = "goregular"
		if f, ok := labelFonts.m[name]; ok {
			labelFonts.m[resName(res)] = f
			return f
		}
	}
	f := &labelFont{name: name, ft: ft, faces: map[int]font.Face{}, sprites: map[spriteName]*labelSprite{},
		covered: map[string]bool{}, sizes: map[spriteName][2]float64{}}
	labelFonts.m[resName(res)] = f
	labelFonts.m[name] = f
	return f
}

// face returns the face at size pixels; mu is held.
func (f *labelFont) face(size int) font.Face {
	if fc, ok := f.faces[size]; ok {
		return fc
	}
	fc, err := opentype.NewFace(f.ft, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		ft, _ := opentype.Parse(goregular.TTF)
		fc, _ = opentype.NewFace(ft, &opentype.FaceOptions{Size: float64(size), DPI: 72})
	}
	f.faces[size] = fc
	return fc
}

// covers reports whether the font has a glyph for every letter of s.
func (f *labelFont) covers(s string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ok, done := f.covered[s]; done {
		return ok
	}
	ok := true
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if g, err := f.ft.GlyphIndex(&f.buf, r); err != nil || g == 0 {
			ok = false
			break
		}
	}
	if len(f.covered) >= labelCacheLimit {
		clear(f.covered)
	}
	f.covered[s] = ok
	return ok
}

// writesChinese reports whether the font has Chinese glyphs.
func (f *labelFont) writesChinese() bool { return f.covers("中文路楼") }

// measure returns the width and height (ascent plus descent) of s at size
// pixels.
func (f *labelFont) measure(s string, size int) (w, h float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := spriteName{s, size, 0}
	if m, ok := f.sizes[k]; ok {
		return m[0], m[1]
	}
	fc := f.face(size)
	m := fc.Metrics()
	w = float64(font.MeasureString(fc, s)) / 64
	h = float64(m.Ascent+m.Descent) / 64
	if len(f.sizes) >= labelCacheLimit {
		clear(f.sizes)
	}
	f.sizes[k] = [2]float64{w, h}
	return w, h
}

// haloRadius is the width in pixels of the halo around names at device
// scale s.
func haloRadius(s float64) float64 { return 1.3 * s }

// spriteMargin is the margin in whole pixels around a sprite's text.
func spriteMargin(s float64) int { return int(math.Ceil(haloRadius(s))) + 1 }

// spriteSize returns the pixel size of the sprite of s at size pixels and
// device scale, and its margin.
func (f *labelFont) spriteSize(s string, size int, scale float64) (w, h, margin int) {
	w0, h0 := f.measure(s, size)
	m := spriteMargin(scale)
	return int(math.Ceil(w0)) + 2*m, int(math.Ceil(h0)) + 2*m, m
}

// sprite returns s drawn at size pixels for device scale.
func (f *labelFont) sprite(s string, size int, scale float64) *labelSprite {
	w, h, m := f.spriteSize(s, size, scale)
	f.mu.Lock()
	defer f.mu.Unlock()
	k := spriteName{s, size, scale}
	if sp, ok := f.sprites[k]; ok {
		return sp
	}
	fc := f.face(size)
	met := fc.Metrics()
	ink := image.NewAlpha(image.Rect(0, 0, w, h))
	tw := font.MeasureString(fc, s)
	d := font.Drawer{Dst: ink, Src: image.Opaque, Face: fc}
	// The text's box centred in the sprite.
	d.Dot = fixed.Point26_6{
		X: fixed.I(w)/2 - tw/2,
		Y: fixed.I(m) + met.Ascent + (fixed.I(h-2*m)-met.Ascent-met.Descent)/2,
	}
	d.DrawString(s)
	sp := &labelSprite{ink: ink, halo: dilate(ink, haloRadius(scale))}
	if len(f.sprites) >= labelCacheLimit {
		clear(f.sprites)
	}
	f.sprites[k] = sp
	return sp
}

// dilate returns the mask of everything within r pixels of a's ink, with
// a soft edge.
func dilate(a *image.Alpha, r float64) *image.Alpha {
	b := a.Rect
	out := image.NewAlpha(b)
	n := int(math.Ceil(r))
	type tap struct {
		dx, dy int
		w      float64
	}
	var taps []tap
	for dy := -n; dy <= n; dy++ {
		for dx := -n; dx <= n; dx++ {
			if w := math.Min(1, r+0.5-math.Hypot(float64(dx), float64(dy))); w > 0 {
				taps = append(taps, tap{dx, dy, w})
			}
		}
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			best := 0.0
			for _, t := range taps {
				sx, sy := x+t.dx, y+t.dy
				if sx < b.Min.X || sy < b.Min.Y || sx >= b.Max.X || sy >= b.Max.Y {
					continue
				}
				if v := float64(a.Pix[(sy-b.Min.Y)*a.Stride+sx-b.Min.X]) * t.w; v > best {
					best = v
				}
			}
			out.Pix[(y-b.Min.Y)*out.Stride+x-b.Min.X] = uint8(math.Round(best))
		}
	}
	return out
}

// drawLabels draws the labels ls over dst, whose top left pixel is at
// ox, oy in the labels' global pixels, in the colours of pal. Each pixel
// depends only on its global position, so neighbouring tiles draw a label
// across their edge alike.
func drawLabels(dst *image.RGBA, ls []label, ox, oy float64, pal *palette, f *labelFont) {
	for i := range ls {
		l := &ls[i]
		r := math.Hypot(l.w, l.h)/2 + 4
		if l.x+r < ox || l.y+r < oy || l.x-r > ox+float64(dst.Rect.Dx()) || l.y-r > oy+float64(dst.Rect.Dy()) {
			continue
		}
		sp := f.sprite(l.text, l.size, l.scale)
		drawSprite(dst, sp, l, ox, oy, pal.labelText[l.kind], pal.background)
	}
}

// drawSprite draws sprite sp of label l over dst (top left at ox, oy in
// global pixels): the halo in halo, then the text in ink.
func drawSprite(dst *image.RGBA, sp *labelSprite, l *label, ox, oy float64, ink, halo color.NRGBA) {
	sw, sh := float64(sp.ink.Rect.Dx()), float64(sp.ink.Rect.Dy())
	sin, cos := math.Sincos(l.angle)
	// The sprite's bounding box on dst.
	hw := (math.Abs(sw*cos) + math.Abs(sh*sin)) / 2
	hh := (math.Abs(sw*sin) + math.Abs(sh*cos)) / 2
	x0 := max(0, int(math.Floor(l.x-hw-ox)))
	y0 := max(0, int(math.Floor(l.y-hh-oy)))
	x1 := min(dst.Rect.Dx(), int(math.Ceil(l.x+hw-ox)))
	y1 := min(dst.Rect.Dy(), int(math.Ceil(l.y+hh-oy)))
	for py := y0; py < y1; py++ {
		row := dst.Pix[py*dst.Stride:]
		dy := oy + float64(py) + 0.5 - l.y
		for px := x0; px < x1; px++ {
			dx := ox + float64(px) + 0.5 - l.x
			// Into the sprite: turned back by the label's angle.
			u := dx*cos + dy*sin + sw/2 - 0.5
			v := -dx*sin + dy*cos + sh/2 - 0.5
			ah := sample(sp.halo, u, v)
			ai := sample(sp.ink, u, v)
			if ah == 0 && ai == 0 {
				continue
			}
			p := row[4*px : 4*px+4 : 4*px+4]
			blend(p, halo, ah)
			blend(p, ink, ai)
		}
	}
}

// sample returns mask a's coverage at u, v (pixel centres at whole
// numbers), interpolated bilinearly, from 0 to 1.
func sample(a *image.Alpha, u, v float64) float64 {
	x0, y0 := math.Floor(u), math.Floor(v)
	fx, fy := u-x0, v-y0
	ix, iy := int(x0), int(y0)
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= a.Rect.Dx() || y >= a.Rect.Dy() {
			return 0
		}
		return float64(a.Pix[y*a.Stride+x])
	}
	if fx == 0 && fy == 0 {
		return at(ix, iy) / 255
	}
	top := at(ix, iy)*(1-fx) + at(ix+1, iy)*fx
	bottom := at(ix, iy+1)*(1-fx) + at(ix+1, iy+1)*fx
	return (top*(1-fy) + bottom*fy) / 255
}

// blend composes colour c at coverage a over premultiplied pixel p.
func blend(p []uint8, c color.NRGBA, a float64) {
	if a <= 0 {
		return
	}
	a *= float64(c.A) / 255
	k := 1 - a
	p[0] = uint8(float64(c.R)*a + float64(p[0])*k + 0.5)
	p[1] = uint8(float64(c.G)*a + float64(p[1])*k + 0.5)
	p[2] = uint8(float64(c.B)*a + float64(p[2])*k + 0.5)
	p[3] = uint8(255*a + float64(p[3])*k + 0.5)
}

package mapview

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"sync"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"safetynet/data/store"
	"safetynet/geo/viewport"
)

// Colours of the live layer. Severity runs blue, amber, magenta, deep
// purple (minor to extreme), with grey for unknown: colours no safety
// layer uses for its symbols (fire equipment is vermilion, hazards
// yellow, cameras a darker blue), which stay apart in protanopia,
// deuteranopia and tritanopia, and grow darker from moderate up, so that
// what matters most stands out on the light basemap. Units are bluish
// green (Okabe–Ito), a colour no severity uses.
var (
	liveSeverity = [liveMaxSeverity + 1]color.NRGBA{rgb(0x8C8C8C), rgb(0x648FFF), rgb(0xFFB000), rgb(0xDC267F), rgb(0x6A1B9A)}
	liveStale    = rgb(0xA3A3A3)
	liveUnit     = okGreen
	liveFOV      = [2]color.NRGBA{alpha(okBlue, 0.30), okBlue} // fill, edge
	liveFOVDark  = [2]color.NRGBA{alpha(okSky, 0.30), okSky}
	liveFOVOff   = rgb(0x6E6E6E) // the dashed edge of a highlighted camera that is not working
)

// SeverityColour returns the colour the map gives alerts of severity s
// (0 unknown, 1 minor, 2 moderate, 3 severe, 4 extreme; others are
// clamped), for lists and legends that should match it.
func SeverityColour(s int) color.NRGBA { return liveSeverity[max(0, min(liveMaxSeverity, s))] }

// liveJob is one drawing of the live layer.
type liveJob struct {
	view  viewport.Viewport // of the image, margin included; Scale set
	set   *liveSet
	stamp uint64
	cams  *liveCams
	data  *overlayData // camera sectors for the highlight
	fovOn bool
	// picked is an item clicked since the set was given: drawn selected.
	picked string
	dark   bool
	font   fyne.Resource // the theme's bold font, for labels
	drill  string        // the DRILL tag in the interface language
	// margin is how far inside the view's edges labels stay, logical
	// pixels: the drawing reaches beyond the widget by overlayMargin.
	margin float64
}

// glyphColour is the colour of the glyph on a pin of severity s: dark on
// amber, white on the others.
func glyphColour(s int) color.NRGBA {
	if s == 2 {
		return okBlack
	}
	return white
}

// Sizes of the live layer's text, logical pixels.
const (
	labelPx = 11 // labels
	tagPx   = 9  // the DRILL tag
	countPx = 10 // the count on a cluster's badge
)

// drawLive draws the live layer of job into reuse when that is an image
// of the right size.
func drawLive(job liveJob, reuse *image.RGBA) *image.RGBA {
	img, _ := drawLiveLayout(job, reuse)
	return img
}

// drawLiveLayout is drawLive, also returning where the alert symbols and
// the labels went (logical pixels of job's view).
func drawLiveLayout(job liveJob, reuse *image.RGBA) (*image.RGBA, liveLayout) {
	v := job.view
	s := v.Scale
	if s <= 0 {
		s = 1
	}
	r := image.Rect(0, 0, int(math.Ceil(v.Width*s)), int(math.Ceil(v.Height*s)))
	img := reuse
	if img == nil || img.Rect != r {
		img = image.NewRGBA(r)
	} else {
		clear(img.Pix)
	}
	p := newPainter(img)
	fs := float32(s)
	screen := screenPath(v, s)
	pad := 48 / v.WorldSize()
	viewB := orb.Bound{Min: v.ToMercator(orb.Point{0, 0}), Max: v.ToMercator(orb.Point{v.Width, v.Height})}.Pad(pad)
	halo, haloInner := lightOverlay.halo, lightOverlay.haloInner
	if job.dark {
		halo, haloInner = darkOverlay.halo, darkOverlay.haloInner
	}

	// The fields of view of the highlighted cameras; those of cameras not
	// working as a dashed outline only: they cover nothing.
	if job.cams != nil && job.data != nil && job.fovOn {
		cs := liveFOV
		if job.dark {
			cs = liveFOVDark
		}
		for _, it := range job.data.sectors {
			if !job.cams.fids[it.fid] || !it.bound.Intersects(viewB) {
				continue
			}
			xy := screen(it.rings[0])
			if !working(job.data.status[it.fid]) {
				p.addStroke(xy, 4*fs, true)
				p.fill(alpha(contrast(halo), 0.7))
				p.addDashes(xy, 2*fs, 6*fs, 4*fs, true)
				p.fill(liveFOVOff)
				continue
			}
			p.feature()
			p.addRing(xy, false)
			p.fill(cs[0])
			p.addStroke(xy, 4.5*fs, true)
			p.fill(alpha(contrast(halo), 0.85))
			p.addStroke(xy, 2.5*fs, true)
			p.fill(cs[1])
		}
	}
	set := job.set
	if set == nil {
		return img, liveLayout{}
	}
	selected := func(it *liveItem) bool { return it.sel || job.picked != "" && it.id == job.picked }

	// Areas and lines: translucent fills, outlines by severity.
	for _, i := range set.areas {
		it := &set.items[i]
		if !it.bound.Intersects(viewB) {
			continue
		}
		c := liveSeverity[it.sev]
		fillA := 0.22
		if it.stale {
			c, fillA = liveStale, 0.14
		}
		if selected(it) {
			for _, ring := range it.rings {
				p.addStroke(screen(ring), 7*fs, !it.line)
			}
			p.fill(alpha(halo, 0.8))
		}
		if it.line {
			for _, ring := range it.rings {
				xy := screen(ring)
				if it.drill {
					p.addDashes(xy, 3*fs, 8*fs, 5*fs, false)
				} else {
					p.addStroke(xy, 3*fs, false)
				}
			}
			p.fill(c)
			continue
		}
		p.feature()
		for k, ring := range it.rings {
			p.addRing(screen(ring), it.holes[k])
		}
		p.fill(alpha(c, fillA))
		for _, ring := range it.rings {
			if it.drill {
				p.addDashes(screen(ring), 2.2*fs, 8*fs, 5*fs, true)
			} else {
				p.addStroke(screen(ring), 2*fs, true)
			}
		}
		p.fill(c)
	}

	// Unit trails, fading towards their oldest point: four steps of
	// transparency, each filled in one pass for every unit.
	trailAlpha := [4]float64{0.2, 0.35, 0.55, 0.8}
	for step := range trailAlpha {
		for _, stale := range []bool{false, true} {
			for _, i := range set.units {
				it := &set.items[i]
				if it.stale != stale || len(it.trail) == 0 || !it.bound.Intersects(viewB) {
					continue
				}
				pts := append(it.trail[:len(it.trail):len(it.trail)], it.at)
				n := len(pts) - 1 // segments
				a, b := n*step/4, n*(step+1)/4
				if b <= a {
					continue
				}
				p.addStroke(screen(pts[a:b+1]), 3.5*fs, false)
			}
			c := liveUnit
			if stale {
				c = liveStale
			}
			p.fill(alpha(c, trailAlpha[step]))
		}
	}

	inView := func(it *liveItem) (float32, float32, bool) {
		q := v.MercatorToScreen(it.at)
		m := it.screenSize
		if q[0] < -m || q[1] < -m || q[0] > v.Width+m || q[1] > v.Height+m {
			return 0, 0, false
		}
		return float32(q[0] * s), float32(q[1] * s), true
	}
	ringAround := func(x, y, r, w float32, c color.NRGBA) {
		p.feature()
		p.addRing(ringXY(x, y, r+w/2), false)
		p.addRing(ringXY(x, y, r-w/2), true)
		p.fill(c)
	}

	// Units: a disc with a wedge towards their heading.
	for _, i := range set.units {
		it := &set.items[i]
		x, y, ok := inView(it)
		if !ok {
			continue
		}
		if selected(it) {
			ringAround(x, y, float32(unitRadius+6)*fs, 3*fs, halo)
			ringAround(x, y, float32(unitRadius+6)*fs, 1.4*fs, haloInner)
		}
		over(img, liveSprites.unit(it.heading, it.stale, s), x, y)
	}

	// Alerts, least important first, as pins; a drill tag above drills.
	tag := liveSprites.tag(job.drill, int(math.Round(tagPx*s)), job.font)
	var tagW, tagH float64
	if tag != nil {
		tagW, tagH = float64(tag.Rect.Dx())/s, float64(tag.Rect.Dy())/s
	}
	labelSize := int(math.Round(labelPx * s))
	lay := set.layout(v, job.picked, func(text string) (float64, float64) {
		l := liveSprites.label(text, labelSize, job.dark, job.font)
		if l == nil {
			return 0, 0
		}
		return float64(l.Rect.Dx()) / s, float64(l.Rect.Dy()) / s
	}, tagW, tagH, job.margin)
	for _, g := range lay.groups {
		if g.at[0] < -40 || g.at[1] < -40 || g.at[0] > v.Width+40 || g.at[1] > v.Height+80 {
			continue
		}
		hc, rr := g.head()
		x, y := float32(hc[0]*s), float32(hc[1]*s)
		top := &set.items[g.top]
		n := len(g.members)
		if n == 1 {
			n = 0
		}
		R := float32(rr) * fs
		overPin(img, liveSprites.pin(top.symbol, g.sev, g.stale, g.drill, n, s, job.font), x, y, float32(pinTail)*R)
		if n == 0 && selected(top) {
			ringAround(x, y, R+6*fs, 3.2*fs, halo)
			ringAround(x, y, R+6*fs, 1.5*fs, haloInner)
		}
		if g.drill && tag != nil {
			blit(img, tag, x, y-R-5*fs-float32(tag.Rect.Dy())/2)
		}
	}

	// Labels, placed clear of one another and of the symbols.
	for _, l := range lay.labels {
		if pl := liveSprites.label(l.text, labelSize, job.dark, job.font); pl != nil {
			blit(img, pl, float32((l.box.x0+l.box.x1)/2*s), float32((l.box.y0+l.box.y1)/2*s))
		}
	}
	return img, lay
}

// working reports whether a camera of status st records: online, or of
// no known status.
func working(st string) bool { return st == store.CameraOnline || st == "" }

// contrast returns black for a light colour and white for a dark one.
func contrast(c color.NRGBA) color.NRGBA {
	if int(c.R)+int(c.G)+int(c.B) > 3*128 {
		return okBlack
	}
	return white
}

// spriteKey names one drawn symbol of the live layer.
type spriteKey struct {
	kind    byte // 'p' alert pin, 'u' unit, 'l' label, 't' tag
	name    string
	sev     int
	heading int // units: degrees in steps of 5, -1 unknown; pins: the count, 0 for one alert
	stale   bool
	drill   bool
	dark    bool
	px      int    // alerts and units: device scale ×100; text: pixels
	font    string // text: the font's resource name
}

// spriteCache holds the live layer's symbols and labels drawn once each.
// It is safe for concurrent use; it forgets everything when it grows past
// spriteLimit (labels change as units come and go).
type spriteCache struct {
	mu    sync.Mutex
	imgs  map[spriteKey]*image.RGBA
	fonts map[string]*opentype.Font
	faces map[faceKey]font.Face // used under mu only
}

type faceKey struct {
	font string
	size int
}

const spriteLimit = 4096

var liveSprites = &spriteCache{imgs: map[spriteKey]*image.RGBA{}, fonts: map[string]*opentype.Font{}, faces: map[faceKey]font.Face{}}

func (c *spriteCache) get(k spriteKey, draw func() *image.RGBA) *image.RGBA {
	c.mu.Lock()
	defer c.mu.Unlock()
	if img, ok := c.imgs[k]; ok {
		return img
	}
	if len(c.imgs) >= spriteLimit {
		clear(c.imgs)
	}
	img := draw()
	c.imgs[k] = img
	return img
}

// pinPath returns the outline of a pin as xy pairs: a head of radius r
// centred on x, y, and a tail down to a tip d below the centre.
func pinPath(x, y, r, d float32) []float32 {
	phi := math.Acos(float64(min(r/d, 1)))
	n := max(16, int(r*1.5))
	out := make([]float32, 0, 2*n+4)
	out = append(out, x, y+d)
	a0, a1 := math.Pi/2+phi, 2.5*math.Pi-phi // screen angles, y down
	for i := 0; i <= n; i++ {
		sn, cs := math.Sincos(a0 + (a1-a0)*float64(i)/float64(n))
		out = append(out, x+r*float32(cs), y+r*float32(sn))
	}
	return out
}

// pinBottom is how far a pin's image reaches below its head's centre,
// for a tail of d pixels: the tip with its keyline.
func pinBottom(d float32) int { return int(math.Ceil(float64(d + 2))) }

// overPin draws the pin image img (see spriteCache.pin) with its head's
// centre at x, y; d is its tail's length.
func overPin(dst, img *image.RGBA, x, y, d float32) {
	h := img.Rect.Dy()
	over(dst, img, x, y-float32(h-pinBottom(d))+float32(h)/2)
}

// pin returns the symbol of an alert, or of a cluster of n alerts (0 for
// one), its head's centre at pinBottom above the bottom of the image: a pin of its severity's colour with a white
// ring, a dark keyline and its glyph; drills in a black and white dashed
// ring; a cluster with a white badge holding its count at the head's
// upper right, which no safety layer's cluster has.
func (c *spriteCache) pin(symbol string, sev int, stale, drill bool, n int, scale float64, res fyne.Resource) *image.RGBA {
	k := spriteKey{kind: 'p', name: symbol, sev: sev, stale: stale, drill: drill, heading: n, px: int(math.Round(scale * 100))}
	if n > 0 {
		k.font = resName(res)
	}
	return c.get(k, func() *image.RGBA {
		fs := float32(scale)
		R := float32(pinRadius(sev, n > 0)) * fs
		D := float32(pinTail) * R
		// The badge: a pill countPx high, as wide as the count needs.
		var text string
		var f font.Face
		var bw, bh float32
		if n > 0 {
			text = strconv.Itoa(n)
			if n > 999 {
				text = "999+"
			}
			f = c.face(res, int(math.Round(countPx*scale)))
			d := font.Drawer{Face: f}
			bh = float32(countPx+5) * fs
			bw = max(bh, float32(d.MeasureString(text).Ceil())+7*fs)
		}
		bx, by := 0.72*R, -0.72*R // the badge's centre from the head's
		// A tight image: as wide as the head (with its drill ring) or the
		// badge, from the top of either down to the tip; see pinImage.
		edge := 1.5 * fs
		if drill {
			edge = 5 * fs
		}
		half := max(R+edge, bx+bw/2+1.5*fs)
		top := int(math.Ceil(float64(max(R+edge, -by+bh/2+1.5*fs))))
		w := int(math.Ceil(float64(2 * half)))
		img := image.NewRGBA(image.Rect(0, 0, w, top+pinBottom(D)))
		x, y := float32(w)/2, float32(top)
		p := newPainter(img)
		fill, key, ring, glyph := liveSeverity[sev], alpha(okBlack, 0.8), white, glyphColour(sev)
		if stale {
			fill, key, ring, glyph = alpha(liveStale, 0.9), alpha(okBlack, 0.4), alpha(white, 0.85), alpha(white, 0.95)
		}
		if drill {
			p.addCircle(x, y, R+4.6*fs)
			p.fill(alpha(white, 0.95))
			p.feature()
			p.addDashes(ringXY(x, y, R+3*fs), 2.4*fs, 4*fs, 3*fs, true)
			p.fill(okBlack)
		}
		// Keyline, white ring and fill, each inset from the one before;
		// the tip moves up as the pin narrows.
		inset := func(w float32) []float32 { return pinPath(x, y, R-w, D-w*D/R) }
		p.feature()
		p.addRing(pinPath(x, y, R+0.4*fs, D+1.2*fs), false)
		p.fill(key)
		p.feature()
		p.addRing(inset(0.9*fs), false)
		p.fill(ring)
		p.feature()
		p.addRing(inset(2.6*fs), false)
		p.fill(fill)
		if g := symbolImages.get(symbol, int(math.Round(float64(2*R)*0.6))); g != nil {
			tint(img, g, x, y, glyph)
		}
		if n > 0 {
			cx, cy := x+bx, y+by
			pill := func(grow float32) []float32 {
				return roundRect(cx-bw/2-grow, cy-bh/2-grow, cx+bw/2+grow, cy+bh/2+grow, bh/2+grow)
			}
			p.feature()
			p.addRing(pill(1.2*fs), false)
			p.fill(alpha(okBlack, 0.85))
			p.feature()
			p.addRing(pill(0), false)
			p.fill(white)
			d := font.Drawer{Dst: img, Src: image.NewUniform(okBlack), Face: f}
			w := d.MeasureString(text)
			m := f.Metrics()
			d.Dot = fixed.Point26_6{X: fixed.Int26_6(cx*64) - w/2, Y: fixed.Int26_6(cy*64) + (m.Ascent-m.Descent)/2}
			d.DrawString(text)
		}
		return img
	})
}

// unit returns the marker of a unit: a bluish green disc with a white
// edge, a white centre and a wedge towards its heading (none when it is
// NaN).
func (c *spriteCache) unit(heading float64, stale bool, scale float64) *image.RGBA {
	h := -1
	if !math.IsNaN(heading) {
		h = int(math.Round(math.Mod(math.Mod(heading, 360)+360, 360)/5)) * 5 % 360
	}
	k := spriteKey{kind: 'u', heading: h, stale: stale, px: int(math.Round(scale * 100))}
	return c.get(k, func() *image.RGBA {
		fs := float32(scale)
		side := int(math.Ceil(float64(46 * fs)))
		img := image.NewRGBA(image.Rect(0, 0, side, side))
		x, y := float32(side)/2, float32(side)/2
		col := liveUnit
		if stale {
			col = alpha(liveStale, 0.9)
		}
		p := newPainter(img)
		R := float32(unitRadius) * fs
		// The heading: an arrowhead just beyond the disc.
		wedge := func(grow float32) []float32 {
			sn, cs := math.Sincos(float64(h) * math.Pi / 180)
			ux, uy := float32(sn), -float32(cs) // screen: y down, 0° north
			base, tip, w := R+1.5*fs-grow, R+10*fs+grow*1.4, 5.5*fs+grow
			return []float32{
				x + ux*tip, y + uy*tip,
				x + ux*base - uy*w, y + uy*base + ux*w,
				x + ux*(base+2*fs), y + uy*(base+2*fs),
				x + ux*base + uy*w, y + uy*base - ux*w,
			}
		}
		if h >= 0 {
			p.feature()
			p.addRing(wedge(1.8*fs), false)
			p.fill(alpha(white, 0.95))
		}
		p.addCircle(x, y, R+2*fs)
		p.fill(alpha(white, 0.95))
		if h >= 0 {
			p.feature()
			p.addRing(wedge(0), false)
			p.fill(col)
		}
		p.addCircle(x, y, R)
		p.fill(col)
		p.addCircle(x, y, R*0.38)
		p.fill(white)
		return img
	})
}

// label returns text on a rounded plate, size pixels high text.
func (c *spriteCache) label(text string, size int, dark bool, res fyne.Resource) *image.RGBA {
	k := spriteKey{kind: 'l', name: text, dark: dark, px: size, font: resName(res)}
	return c.get(k, func() *image.RGBA {
		back, fg := alpha(white, 0.9), okBlack
		if dark {
			back, fg = alpha(rgb(0x101214), 0.85), rgb(0xF0F0F0)
		}
		return c.plate(text, size, back, fg, res)
	})
}

// tag returns the drill tag: white text on a black plate.
func (c *spriteCache) tag(text string, size int, res fyne.Resource) *image.RGBA {
	k := spriteKey{kind: 't', name: text, px: size, font: resName(res)}
	return c.get(k, func() *image.RGBA { return c.plate(text, size, alpha(okBlack, 0.92), white, res) })
}

// plate draws text in fg on a rounded rectangle of back; mu is held.
func (c *spriteCache) plate(text string, size int, back, fg color.NRGBA, res fyne.Resource) *image.RGBA {
	f := c.face(res, size)
	d := font.Drawer{Face: f}
	w := d.MeasureString(text).Ceil()
	m := f.Metrics()
	h := (m.Ascent + m.Descent).Ceil()
	padX, padY := max(3, size/3), max(1, size/6)
	img := image.NewRGBA(image.Rect(0, 0, w+2*padX, h+2*padY))
	p := newPainter(img)
	p.feature()
	p.addRing(roundRect(0, 0, float32(img.Rect.Dx()), float32(img.Rect.Dy()), float32(h+2*padY)/2.5), false)
	p.fill(back)
	d.Dst = img
	d.Src = image.NewUniform(fg)
	d.Dot = fixed.Point26_6{X: fixed.I(padX), Y: fixed.I(padY) + m.Ascent}
	d.DrawString(text)
	return img
}

// face returns the face of res (the theme's bold font; Go Bold when it
// cannot be read) at size pixels; mu is held.
func (c *spriteCache) face(res fyne.Resource, size int) font.Face {
	name := resName(res)
	k := faceKey{name, size}
	if f, ok := c.faces[k]; ok {
		return f
	}
	ft, ok := c.fonts[name]
	if !ok {
		var err error
		if res != nil {
			ft, err = opentype.Parse(res.Content())
		}
		if res == nil || err != nil {
			ft = badgeFont
		}
		c.fonts[name] = ft
	}
	f, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		f, _ = opentype.NewFace(badgeFont, &opentype.FaceOptions{Size: float64(size), DPI: 72})
	}
	c.faces[k] = f
	return f
}

// roundRect returns a rectangle with corners of radius r as xy pairs.
func roundRect(x0, y0, x1, y1, r float32) []float32 {
	r = min(r, (x1-x0)/2, (y1-y0)/2)
	var out []float32
	corner := func(cx, cy float32, a0 float64) {
		for i := 0; i <= 4; i++ {
			a := a0 + float64(i)*math.Pi/8
			s, c := math.Sincos(a)
			out = append(out, cx+r*float32(c), cy+r*float32(s))
		}
	}
	corner(x1-r, y1-r, 0)
	corner(x0+r, y1-r, math.Pi/2)
	corner(x0+r, y0+r, math.Pi)
	corner(x1-r, y0+r, 3*math.Pi/2)
	return out
}

// tint paints colour c over dst through the alpha of src (a glyph),
// centred on x, y.
func tint(dst *image.RGBA, src *image.RGBA, x, y float32, c color.NRGBA) {
	sb := src.Bounds()
	at := image.Pt(int(math.Round(float64(x)))-sb.Dx()/2, int(math.Round(float64(y)))-sb.Dy()/2)
	mask := image.NewAlpha(sb)
	for i := 0; i < len(mask.Pix); i++ {
		mask.Pix[i] = src.Pix[4*i+3]
	}
	draw.DrawMask(dst, sb.Sub(sb.Min).Add(at), image.NewUniform(c), image.Point{}, mask, sb.Min, draw.Over)
}

// over draws src (premultiplied RGBA) over dst with its centre at x, y,
// skipping its transparent pixels: symbols are mostly transparent.
func over(dst, src *image.RGBA, x, y float32) {
	sb := src.Bounds()
	at := image.Pt(int(math.Round(float64(x)))-sb.Dx()/2, int(math.Round(float64(y)))-sb.Dy()/2)
	r := sb.Sub(sb.Min).Add(at).Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	w := r.Dx()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		so := src.PixOffset(sb.Min.X+r.Min.X-at.X, sb.Min.Y+y-at.Y)
		do := dst.PixOffset(r.Min.X, y)
		s := src.Pix[so : so+4*w : so+4*w]
		d := dst.Pix[do : do+4*w : do+4*w]
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
			d[i] = uint8(uint32(s[i]) + div255(uint32(d[i])*ia))
			d[i+1] = uint8(uint32(s[i+1]) + div255(uint32(d[i+1])*ia))
			d[i+2] = uint8(uint32(s[i+2]) + div255(uint32(d[i+2])*ia))
			d[i+3] = uint8(a + div255(uint32(d[i+3])*ia))
		}
	}
}

func resName(res fyne.Resource) string {
	if res == nil {
		return ""
	}
	return res.Name()
}

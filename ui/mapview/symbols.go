package mapview

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"github.com/fyne-io/oksvg"
	"github.com/srwiley/rasterx"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"safetynet/icons"
)

// symbolCache holds the map symbols of icons rasterised at the sizes in
// use. It is safe for concurrent use.
type symbolCache struct {
	mu   sync.Mutex
	imgs map[symbolKey]*image.RGBA
}

type symbolKey struct {
	name string
	size int
}

var symbolImages = &symbolCache{imgs: map[symbolKey]*image.RGBA{}}

// get returns symbol name drawn size×size pixels (premultiplied RGBA), or
// nil when there is no such symbol.
func (c *symbolCache) get(name string, size int) *image.RGBA {
	k := symbolKey{name, size}
	c.mu.Lock()
	img, ok := c.imgs[k]
	c.mu.Unlock()
	if ok {
		return img
	}
	img = rasterise(name, size)
	c.mu.Lock()
	c.imgs[k] = img
	c.mu.Unlock()
	return img
}

func rasterise(name string, size int) *image.RGBA {
	res := icons.Symbol(name)
	if res == nil {
		return nil
	}
	icon, err := oksvg.ReadIconStream(bytes.NewReader(res.Content()))
	if err != nil {
		return nil
	}
	w, h := size, size
	if icon.ViewBox.W > 0 && icon.ViewBox.H > 0 {
		h = int(float64(size) * icon.ViewBox.H / icon.ViewBox.W)
	}
	icon.SetTarget(0, 0, float64(w), float64(h))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	scanner := rasterx.NewScannerGV(w, h, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(w, h, scanner), 1)
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Src)
	return out
}

// textFace is the bold face of the numbers on clusters and checkpoints.
type textFace struct {
	mu    sync.Mutex
	faces map[int]font.Face
}

var badgeFont = func() *opentype.Font {
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		panic("mapview: " + err.Error())
	}
	return f
}()

var faces = &textFace{faces: map[int]font.Face{}}

// face returns the bold face at size pixels. Faces are not safe for
// concurrent use: drawText holds textMu while it uses one.
func (t *textFace) face(size int) font.Face {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f, ok := t.faces[size]; ok {
		return f
	}
	f, err := opentype.NewFace(badgeFont, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("mapview: " + err.Error())
	}
	t.faces[size] = f
	return f
}

// textMu serialises the use of faces, which are not safe for concurrent
// use, by the strips of an overlay drawing.
var textMu sync.Mutex

// drawText draws s centred on x, y in colour c, clipped to dst's bounds.
// It is safe for concurrent use on distinct images.
func drawText(dst *image.RGBA, s string, x, y float32, size int, c color.Color) {
	textMu.Lock()
	defer textMu.Unlock()
	f := faces.face(size)
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: f}
	w := d.MeasureString(s)
	m := f.Metrics()
	d.Dot = fixed.Point26_6{
		X: fixed.Int26_6(x*64) - w/2,
		Y: fixed.Int26_6(y*64) + (m.Ascent-m.Descent)/2,
	}
	d.DrawString(s)
}

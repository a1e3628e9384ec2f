package icons

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
)

var update = flag.Bool("update", false, "rewrite safetynet.png from safetynet.svg")

// render draws res with Fyne's own SVG renderer on a transparent canvas.
func render(t *testing.T, res fyne.Resource, size float32) *image.NRGBA {
	t.Helper()
	test.NewTempApp(t)
	img := canvas.NewImageFromResource(res)
	img.FillMode = canvas.ImageFillContain
	c := software.NewTransparentCanvas()
	c.SetPadded(false)
	c.SetContent(img)
	c.Resize(fyne.NewSquareSize(size))
	out, ok := c.Capture().(*image.NRGBA)
	if !ok {
		t.Fatal("capture is not NRGBA")
	}
	return out
}

// TestAppIconPNG checks that the packaging PNG is the SVG as Fyne draws it.
func TestAppIconPNG(t *testing.T) {
	got := render(t, App, 512)
	if *update {
		var b bytes.Buffer
		if err := png.Encode(&b, got); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("safetynet.png", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open("safetynet.png")
	if err != nil {
		t.Fatalf("%v (run go test -tags ci ./icons -update)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != got.Bounds() {
		t.Fatalf("safetynet.png is %v, the SVG draws %v", want.Bounds(), got.Bounds())
	}
	differ := 0
	for y := 0; y < 512; y++ {
		for x := 0; x < 512; x++ {
			r1, g1, b1, a1 := want.At(x, y).RGBA()
			r2, g2, b2, a2 := got.At(x, y).RGBA()
			if far(r1, r2) || far(g1, g2) || far(b1, b2) || far(a1, a2) {
				differ++
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d pixels of safetynet.png differ from safetynet.svg; run go test -tags ci ./icons -update", differ)
	}
}

func far(a, b uint32) bool { return a > b+0x300 || b > a+0x300 }

// TestAppIconShape checks the icon's layout: transparent corners, the
// shield's blue, the white net and the amber centre node.
func TestAppIconShape(t *testing.T) {
	img := render(t, App, 256)
	tests := []struct {
		name    string
		x, y    int
		r, g, b uint8
		a       uint8
	}{
		{"corner", 4, 4, 0, 0, 0, 0},
		{"shield", 128, 40, 0x1f, 0x4e, 0x8c, 0xff},
		{"net node", 128, 72, 0xff, 0xff, 0xff, 0xff},
		{"centre node", 128, 140, 0xf5, 0xa6, 0x23, 0xff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := img.NRGBAAt(tt.x, tt.y)
			if c.A != tt.a || tt.a != 0 && (c.R != tt.r || c.G != tt.g || c.B != tt.b) {
				t.Errorf("pixel (%d,%d) = %v, want %d %d %d %d", tt.x, tt.y, c, tt.r, tt.g, tt.b, tt.a)
			}
		})
	}
}

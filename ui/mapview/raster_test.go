package mapview

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"
)

// TestComposite checks composite against blending channel by channel:
// d·(255−a) + c·a over 255, rounded, with a the coverage times the
// colour's alpha, for every kind of mask run (empty, full, partial) and
// for opaque and translucent colours.
func TestComposite(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		c    color.NRGBA
		mask func(x, y int) uint8
	}{
		{"translucent full", color.NRGBA{0x20, 0x80, 0xF0, 0x40}, func(x, y int) uint8 { return 255 }},
		{"opaque full", color.NRGBA{0x20, 0x80, 0xF0, 0xFF}, func(x, y int) uint8 { return 255 }},
		{"translucent mixed", color.NRGBA{0xE0, 0x10, 0x70, 0x9C}, func(x, y int) uint8 {
			switch (x/8 + y) % 3 {
			case 0:
				return 0
			case 1:
				return 255
			}
			return uint8(rng.IntN(256))
		}},
		{"opaque random", color.NRGBA{0x01, 0xFE, 0x7F, 0xFF}, func(x, y int) uint8 { return uint8(rng.IntN(256)) }},
		{"white partial", color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}, func(x, y int) uint8 { return uint8(x * 7) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := image.NewRGBA(image.Rect(0, 0, 37, 9))
			for i := 0; i < len(dst.Pix); i += 4 {
				// Premultiplied: no channel above alpha.
				a := uint8(rng.IntN(256))
				dst.Pix[i+3] = a
				for k := range 3 {
					dst.Pix[i+k] = uint8(rng.IntN(int(a) + 1))
				}
			}
			r := image.Rect(3, 1, 35, 8)
			mask := image.NewAlpha(image.Rect(0, 0, r.Dx(), r.Dy()))
			for y := range r.Dy() {
				for x := range r.Dx() {
					mask.Pix[y*mask.Stride+x] = tc.mask(x, y)
				}
			}
			want := image.NewRGBA(dst.Rect)
			copy(want.Pix, dst.Pix)
			for y := range r.Dy() {
				for x := range r.Dx() {
					a := div255(uint32(mask.Pix[y*mask.Stride+x]) * uint32(tc.c.A))
					d := want.Pix[want.PixOffset(r.Min.X+x, r.Min.Y+y):]
					c := [4]uint32{uint32(tc.c.R), uint32(tc.c.G), uint32(tc.c.B), 255}
					for k := range 4 {
						d[k] = uint8(div255(uint32(d[k])*(255-a) + c[k]*a))
					}
				}
			}
			composite(dst, r, mask, tc.c)
			for i := range dst.Pix {
				if dst.Pix[i] != want.Pix[i] {
					p := i / 4
					t.Fatalf("pixel %d,%d channel %d: got %d, want %d", p%37, p/37, i%4, dst.Pix[i], want.Pix[i])
				}
			}
		})
	}
}

// TestBlit checks blit against image/draw's Over for symbols wholly
// inside, partly outside and wholly outside the destination.
func TestBlit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := image.NewRGBA(image.Rect(0, 0, 9, 7))
	for i := 0; i < len(src.Pix); i += 4 {
		a := uint8(rng.IntN(256))
		switch i / 4 % 3 {
		case 0:
			a = 0
		case 1:
			a = 255
		}
		src.Pix[i+3] = a
		for k := range 3 {
			src.Pix[i+k] = uint8(rng.IntN(int(a) + 1))
		}
	}
	tests := []struct {
		name string
		x, y float32
	}{
		{"inside", 10, 8},
		{"over the top left corner", 1, 2},
		{"over the bottom right corner", 19.4, 14.6},
		{"outside", -20, 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := image.NewRGBA(image.Rect(0, 0, 21, 16))
			for i := range dst.Pix {
				dst.Pix[i] = uint8(rng.IntN(256))
			}
			for i := 0; i < len(dst.Pix); i += 4 {
				for k := range 3 {
					dst.Pix[i+k] = min(dst.Pix[i+k], dst.Pix[i+3])
				}
			}
			want := image.NewRGBA(dst.Rect)
			copy(want.Pix, dst.Pix)
			at := image.Pt(int(math.Round(float64(tc.x)))-4, int(math.Round(float64(tc.y)))-3)
			draw.Draw(want, src.Rect.Add(at), src, image.Point{}, draw.Over)
			blit(dst, src, tc.x, tc.y)
			for i := range dst.Pix {
				if d := int(dst.Pix[i]) - int(want.Pix[i]); d > 1 || d < -1 {
					t.Fatalf("pixel %d,%d channel %d: got %d, want %d", i/4%21, i/4/21, i%4, dst.Pix[i], want.Pix[i])
				}
			}
		})
	}
}

package mapview

import (
	"context"
	"image"
	"image/color"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"safetynet/data/store"
)

// TestBarriersDrawn: on a basemap tile at zoom 17, a wall is a solid line
// in the wall colour, a fence the same colour in dashes, and with the
// barriers layer hidden neither is drawn.
func TestBarriersDrawn(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "walls.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tile := maptile.At(orb.Point{121.6, 31.2}, 17)
	b := tile.Bound()
	// at returns the point at fractions fx, fy of the tile from its top left.
	at := func(fx, fy float64) orb.Point {
		return orb.Point{b.Min[0] + fx*(b.Max[0]-b.Min[0]), b.Max[1] - fy*(b.Max[1]-b.Min[1])}
	}
	ctx := context.Background()
	if err := s.Update(ctx, func(tx *store.Tx) error {
		for _, f := range []store.Feature{
			store.Barrier{Geom: orb.LineString{at(0.1, 0.3), at(0.9, 0.3)}, Kind: store.BarrierWall, Height: 2.4, Opaque: true},
			store.Barrier{Geom: orb.LineString{at(0.1, 0.7), at(0.9, 0.7)}, Kind: store.BarrierFence},
		} {
			if _, err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	draw := func(mask uint8) *image.RGBA {
		v, err := loadVecTile(ctx, s, tile, mask)
		if err != nil {
			t.Fatal(err)
		}
		var tr tileRenderer
		return tr.render(v, tile, 256, &light, labelText{})
	}
	// The darkest pixel of a column near row y, by its green channel.
	darkest := func(img *image.RGBA, x int, y float64) color.RGBA {
		best := img.RGBAAt(x, int(y*256))
		for yy := int(y*256) - 3; yy <= int(y*256)+3; yy++ {
			if c := img.RGBAAt(x, yy); c.G < best.G {
				best = c
			}
		}
		return best
	}
	isWall := func(c color.RGBA) bool {
		w := light.wall
		return absDiff(c.R, w.R) < 40 && absDiff(c.G, w.G) < 40 && absDiff(c.B, w.B) < 40
	}
	img := draw(baseAll)
	wallPx, fencePx, gaps := 0, 0, 0
	for x := 40; x < 216; x++ {
		if isWall(darkest(img, x, 0.3)) {
			wallPx++
		}
		// Dash ends are anti-aliased: count the columns clearly inked.
		if absDiff(darkest(img, x, 0.7).G, light.background.G) > 60 {
			fencePx++
		} else {
			gaps++
		}
	}
	if wallPx != 176 {
		t.Errorf("wall drawn in %d of 176 columns", wallPx)
	}
	// Dashes 4 px on, 2.5 px off: about two thirds of the columns.
	if fencePx < 176*4/10 || fencePx > 176*8/10 || gaps < 176/10 {
		t.Errorf("fence drawn in %d of 176 columns, %d gaps; want dashes", fencePx, gaps)
	}
	// Away from the lines, the background.
	if c := img.RGBAAt(128, 128); isWall(c) {
		t.Errorf("pixel between the lines is %v", c)
	}
	hidden := draw(baseAll &^ baseBarriers)
	for x := 40; x < 216; x++ {
		if isWall(darkest(hidden, x, 0.3)) || isWall(darkest(hidden, x, 0.7)) {
			t.Fatalf("barriers drawn at column %d with the layer hidden", x)
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

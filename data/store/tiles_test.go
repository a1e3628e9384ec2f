package store_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os/exec"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

func pngTile(t *testing.T, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for i := 0; i < 256*256; i++ {
		img.Set(i%256, i/256, c)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTileSets(t *testing.T) {
	s, path := newStore(t)
	red := pngTile(t, color.RGBA{200, 30, 30, 255})
	if err := s.EnsureTileSet(ctx, "basemap", store.SourceLayers, "calm-1", 256); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureTileSet(ctx, "osm_tiles", "https://tile.example.org/{z}/{x}/{y}.png", "", 256); err != nil {
		t.Fatal(err)
	}
	tiles := []store.Tile{{Z: 17, X: 109907, Y: 53594, Data: red}, {Z: 0, X: 0, Y: 0, Data: red}}
	for _, set := range []string{"basemap", "osm_tiles"} {
		if err := s.PutTiles(ctx, set, tiles); err != nil {
			t.Fatal(err)
		}
	}
	has := func(set string, z, x, y int) bool {
		t.Helper()
		data, ok, err := s.Tile(ctx, set, z, x, y)
		if err != nil {
			t.Fatal(err)
		}
		if ok && !bytes.Equal(data, red) {
			t.Fatalf("%s %d/%d/%d: other bytes came back", set, z, x, y)
		}
		return ok
	}
	if !has("basemap", 17, 109907, 53594) || !has("osm_tiles", 0, 0, 0) || has("basemap", 17, 1, 1) {
		t.Fatal("tiles not stored as put")
	}
	for _, bad := range []store.Tile{{Z: 1, X: 2, Y: 0, Data: red}, {Z: 23, Data: red}, {Z: 3, X: 1, Y: 1}} {
		if err := s.PutTiles(ctx, "basemap", []store.Tile{bad}); err == nil {
			t.Errorf("tile %d/%d/%d accepted", bad.Z, bad.X, bad.Y)
		}
	}
	if err := s.EnsureTileSet(ctx, "cameras", store.SourceLayers, "", 256); err == nil {
		t.Error("a layer name was taken for a tile set")
	}

	// A camera is not on the basemap: tiles stay. A building is: rendered tiles go.
	s.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Insert(store.Camera{Geom: orb.Point{121.6, 31.2}})
		return err
	})
	if !has("basemap", 0, 0, 0) {
		t.Error("a camera cleared the basemap tiles")
	}
	s.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Insert(store.Building{Geom: orb.MultiPolygon{square(121.6, 31.2, 0.001)}})
		return err
	})
	if has("basemap", 0, 0, 0) {
		t.Error("a new building left stale basemap tiles")
	}
	if !has("osm_tiles", 0, 0, 0) {
		t.Error("a new building cleared the tiles of a tile server")
	}
	// Walls are drawn on the basemap too.
	s.PutTiles(ctx, "basemap", tiles)
	s.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Insert(store.Barrier{Geom: orb.LineString{{121.6, 31.2}, {121.601, 31.2}}, Kind: store.BarrierWall, Opaque: true})
		return err
	})
	if has("basemap", 0, 0, 0) {
		t.Error("a new wall left stale basemap tiles")
	}
	// A new style empties the set; the same style keeps it.
	s.EnsureTileSet(ctx, "osm_tiles", "https://tile.example.org/{z}/{x}/{y}.png", "", 256)
	if !has("osm_tiles", 0, 0, 0) {
		t.Error("reopening the set with the same source emptied it")
	}
	s.EnsureTileSet(ctx, "osm_tiles", "https://other.example.org/{z}/{x}/{y}.png", "", 256)
	if has("osm_tiles", 0, 0, 0) {
		t.Error("a new source kept old tiles")
	}

	// GDAL reads the cached tiles as a raster in EPSG:3857.
	gdalinfo := testenv.Tool(t, "gdalinfo")
	s.PutTiles(ctx, "osm_tiles", tiles)
	s.Close()
	out, err := exec.Command(gdalinfo, "GPKG:"+path+":osm_tiles").CombinedOutput()
	if err != nil {
		t.Fatalf("gdalinfo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `ID["EPSG",3857]`) || strings.Contains(string(out), "ERROR") {
		t.Errorf("gdalinfo:\n%s", out)
	}
}

package mapview

import (
	"context"
	"image"
	"image/draw"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/data/testenv"
	"safetynet/geo/viewport"
	"safetynet/ui/locale"
	"safetynet/ui/theme"
)

// englishNames writes names in Go Regular, which has no Chinese glyphs.
var englishNames = labelText{lang: "en", font: fontFor(nil)}

// cjkFont returns the label font of the installed CJK font, or skips the
// test when there is none.
func cjkFont(t *testing.T) *labelFont {
	t.Helper()
	th, err := theme.Load()
	if err != nil {
		testenv.NoFont(t, err)
	}
	return fontFor(th.Font(fyne.TextStyle{}))
}

// drawTiles draws the n×n tiles at zoom z whose top left tile is t0,
// each from its own data tile as the engine does, side by side.
func drawTiles(t testing.TB, s *store.Store, t0 maptile.Tile, n int, pal *palette, txt labelText) *image.RGBA {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256*n, 256*n))
	tr := &tileRenderer{}
	for i := range n {
		for j := range n {
			tt := maptile.New(t0.X+uint32(i), t0.Y+uint32(j), t0.Z)
			v, err := loadVecTile(context.Background(), s, dataTileFor(tt), baseAll)
			if err != nil {
				t.Fatal(err)
			}
			draw.Draw(img, image.Rect(256*i, 256*j, 256*(i+1), 256*(j+1)), tr.render(v, tt, 256, pal, txt), image.Point{}, draw.Src)
		}
	}
	return img
}

// building returns the demo building named en.
func building(t testing.TB, s *store.Store, en string) store.Building {
	t.Helper()
	bs, err := s.Buildings(context.Background(), store.World)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.NameEn == en {
			return b
		}
	}
	t.Fatalf("no building %q", en)
	return store.Building{}
}

// globalPx returns p (EPSG:4326) in global pixels at zoom z.
func globalPx(p orb.Point, z int) orb.Point {
	q := viewport.Project(p)
	f := 256 * math.Exp2(float64(z))
	return orb.Point{q[0] * f, q[1] * f}
}

// ink returns the pixels that differ between a and b (by more than 24 in
// some channel).
func ink(a, b *image.RGBA) []image.Point {
	var out []image.Point
	for y := 0; y < a.Rect.Dy(); y++ {
		for x := 0; x < a.Rect.Dx(); x++ {
			i := y*a.Stride + 4*x
			for c := range 3 {
				if d := int(a.Pix[i+c]) - int(b.Pix[i+c]); d > 24 || d < -24 {
					out = append(out, image.Pt(x, y))
					break
				}
			}
		}
	}
	return out
}

// TestBuildingLabelAtCentre: at zoom 18 a building's number is written in
// the middle of its footprint; at zoom 16 nothing is written there.
func TestBuildingLabelAtCentre(t *testing.T) {
	s := demoStore(t)
	b := building(t, s, "Building 87")
	ring := b.Geom[0][0]
	for _, tt := range []struct {
		z       int
		labeled bool
	}{{18, true}, {16, false}} {
		c := globalPx(ring.Bound().Center(), tt.z)
		t0 := maptile.New(uint32(c[0]/256)-1, uint32(c[1]/256)-1, maptile.Zoom(tt.z))
		with := drawTiles(t, s, t0, 3, &light, englishNames)
		without := drawTiles(t, s, t0, 3, &light, labelText{})
		ox, oy := float64(t0.X)*256, float64(t0.Y)*256
		px := make([]orb.Point, len(ring))
		for i, q := range ring {
			g := globalPx(q, tt.z)
			px[i] = orb.Point{g[0] - ox, g[1] - oy}
		}
		var in int
		var sx, sy float64
		for _, p := range ink(with, without) {
			if inRing(px, float64(p.X)+0.5, float64(p.Y)+0.5) {
				in++
				sx, sy = sx+float64(p.X)+0.5, sy+float64(p.Y)+0.5
			}
		}
		if !tt.labeled {
			if in > 0 {
				t.Errorf("z%d: %d pixels of text in the footprint, want none", tt.z, in)
			}
			continue
		}
		if in < 40 {
			t.Fatalf("z%d: %d pixels of text in the footprint, want a label", tt.z, in)
		}
		// The ink's centre is near the footprint's centroid.
		cx, cy := c[0]-ox, c[1]-oy
		if d := math.Hypot(sx/float64(in)-cx, sy/float64(in)-cy); d > 6 {
			t.Errorf("z%d: the label's ink is centred %.1f px from the footprint's centre", tt.z, d)
		}
	}
}

// TestRoadLabelAlongTheRoad: a road's name is turned to the road's
// direction, upright, and its ink runs along that direction.
func TestRoadLabelAlongTheRoad(t *testing.T) {
	s := demoStore(t)
	rs, err := s.Roads(context.Background(), store.World)
	if err != nil {
		t.Fatal(err)
	}
	const z = 18
	for _, name := range []string{"West Spine Road", "North Cross Road"} {
		t.Run(name, func(t *testing.T) {
			var road store.Road
			for _, r := range rs {
				if r.NameEn == name {
					road = r
				}
			}
			if len(road.Geom) < 2 {
				t.Fatalf("no road %q", name)
			}
			a, b := globalPx(road.Geom[0], z), globalPx(road.Geom[len(road.Geom)-1], z)
			want := math.Atan2(b[1]-a[1], b[0]-a[0])
			// Find the road's labels in the data tiles along it.
			var found []label
			for k := 0.1; k < 1; k += 0.1 {
				p := orb.Point{a[0] + k*(b[0]-a[0]), a[1] + k*(b[1]-a[1])}
				tt := maptile.New(uint32(p[0]/256), uint32(p[1]/256), z)
				v, err := loadVecTile(context.Background(), s, dataTileFor(tt), baseAll)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range v.placeLabels(z, 256, englishNames) {
					if l.text == name && l.kind == labelRoad {
						found = append(found, l)
					}
				}
			}
			if len(found) == 0 {
				t.Fatal("no label on the road")
			}
			l := found[0]
			if l.angle < -math.Pi/2 || l.angle >= math.Pi/2 {
				t.Errorf("angle %.1f° is upside down", l.angle*180/math.Pi)
			}
			if d := math.Remainder(l.angle-want, math.Pi); math.Abs(d) > math.Pi/180 {
				t.Errorf("label at %.1f°, road at %.1f°", l.angle*180/math.Pi, want*180/math.Pi)
			}
			// The drawn ink's long axis follows the road.
			t0 := maptile.New(uint32(l.x/256)-1, uint32(l.y/256)-1, z)
			with := drawTiles(t, s, t0, 3, &light, englishNames)
			without := drawTiles(t, s, t0, 3, &light, labelText{})
			q := l.quad(0)
			for i := range q {
				q[i][0] -= float64(t0.X) * 256
				q[i][1] -= float64(t0.Y) * 256
			}
			box := []orb.Point{q[0], q[1], q[2], q[3]}
			var pts []orb.Point
			for _, p := range ink(with, without) {
				if inRing(box, float64(p.X)+0.5, float64(p.Y)+0.5) {
					pts = append(pts, orb.Point{float64(p.X), float64(p.Y)})
				}
			}
			if len(pts) < 40 {
				t.Fatalf("%d pixels of ink in the label's box", len(pts))
			}
			if d := math.Remainder(principalAxis(pts)-l.angle, math.Pi); math.Abs(d) > 4*math.Pi/180 {
				t.Errorf("ink runs at %.1f°, label at %.1f°", principalAxis(pts)*180/math.Pi, l.angle*180/math.Pi)
			}
			// Upright: the ink matches the name drawn at the label's angle
			// better than the name turned upside down.
			up, down := l, l
			down.angle += math.Pi
			sp := englishNames.font.sprite(l.text, l.size, 1)
			score := func(l label) int {
				img := image.NewRGBA(with.Rect)
				drawSprite(img, sp, &l, float64(t0.X)*256, float64(t0.Y)*256, light.labelText[l.kind], light.background)
				n := 0
				for _, p := range pts {
					if img.Pix[int(p[1])*img.Stride+4*int(p[0])+3] > 128 {
						n++
					}
				}
				return n
			}
			if su, sd := score(up), score(down); su <= sd {
				t.Errorf("the ink matches the upside-down name as well as the upright one (%d vs %d)", su, sd)
			}
		})
	}
}

// principalAxis returns the direction of the long axis of pts.
func principalAxis(pts []orb.Point) float64 {
	var mx, my float64
	for _, p := range pts {
		mx, my = mx+p[0], my+p[1]
	}
	mx, my = mx/float64(len(pts)), my/float64(len(pts))
	var sxx, syy, sxy float64
	for _, p := range pts {
		dx, dy := p[0]-mx, p[1]-my
		sxx, syy, sxy = sxx+dx*dx, syy+dy*dy, sxy+dx*dy
	}
	return 0.5 * math.Atan2(2*sxy, sxx-syy)
}

// demoLabels returns the data tiles covering the demo community and their
// labels at zoom z, in language txt.
func demoLabels(t *testing.T, s *store.Store, z int, txt labelText) map[maptile.Tile][]label {
	t.Helper()
	b := orb.Bound{Min: orb.Point{demo.Origin[0] - 0.008, demo.Origin[1] - 0.007}, Max: orb.Point{demo.Origin[0] + 0.008, demo.Origin[1] + 0.007}}
	lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, dataZoom)
	hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, dataZoom)
	out := map[maptile.Tile][]label{}
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			dt := maptile.New(x, y, dataZoom)
			v, err := loadVecTile(context.Background(), s, dt, baseAll)
			if err != nil {
				t.Fatal(err)
			}
			out[dt] = v.placeLabels(z, 256, txt)
		}
	}
	return out
}

// TestLabelsDoNotOverlap: no two labels of the demo at zooms 16 to 19 overlap,
// and each lies inside the data tile that placed it.
func TestLabelsDoNotOverlap(t *testing.T) {
	s := demoStore(t)
	for z := 16; z <= 19; z++ {
		labelsApart(t, s, z)
	}
}

func labelsApart(t *testing.T, s *store.Store, z int) {
	total := 0
	kinds := map[int]int{}
	for dt, ls := range demoLabels(t, s, z, englishNames) {
		span := 256 * math.Exp2(float64(z-dataZoom))
		for i, a := range ls {
			total++
			kinds[a.kind]++
			for _, c := range a.quad(0) {
				if c[0] < float64(dt.X)*span || c[0] > float64(dt.X+1)*span || c[1] < float64(dt.Y)*span || c[1] > float64(dt.Y+1)*span {
					t.Errorf("%q reaches out of its data tile %v", a.text, dt)
				}
			}
			for _, b := range ls[i+1:] {
				if quadsOverlap(a.quad(0), b.quad(0)) {
					t.Errorf("%q and %q overlap", a.text, b.text)
				}
			}
		}
	}
	// The demo has named roads, buildings, a pond and gardens in view.
	if z < 18 {
		return
	}
	for _, k := range []int{labelRoad, labelBuilding, labelWater, labelGreen} {
		if kinds[k] == 0 {
			t.Errorf("z%d: no label of kind %d among %d", z, k, total)
		}
	}
}

func TestQuadsOverlap(t *testing.T) {
	box := func(x, y, w, h, angle float64) [4][2]float64 {
		return label{x: x, y: y, w: w, h: h, angle: angle}.quad(0)
	}
	tests := []struct {
		name string
		a, b [4][2]float64
		want bool
	}{
		{"apart", box(0, 0, 10, 10, 0), box(20, 0, 10, 10, 0), false},
		{"overlapping", box(0, 0, 10, 10, 0), box(8, 0, 10, 10, 0), true},
		{"touching", box(0, 0, 10, 10, 0), box(10, 0, 10, 10, 0), false},
		{"inside", box(0, 0, 10, 10, 0), box(0, 0, 2, 2, 1), true},
		// Their axis-aligned bounds overlap, the boxes do not.
		{"turned apart", box(0, 0, 40, 4, math.Pi/4), box(14, -14, 40, 4, math.Pi/4), false},
		{"turned crossing", box(0, 0, 40, 4, math.Pi/4), box(0, 0, 40, 4, -math.Pi/4), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quadsOverlap(tt.a, tt.b); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if got := quadsOverlap(tt.b, tt.a); got != tt.want {
				t.Errorf("swapped: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUpright(t *testing.T) {
	deg := math.Pi / 180
	tests := []struct{ in, want float64 }{
		{0, 0}, {30 * deg, 30 * deg}, {-30 * deg, -30 * deg},
		{170 * deg, -10 * deg}, {-170 * deg, 10 * deg},
		{90 * deg, -90 * deg}, {-90 * deg, -90 * deg}, {180 * deg, 0},
	}
	for _, tt := range tests {
		if got := upright(tt.in); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("upright(%.0f°) = %.1f°, want %.0f°", tt.in/deg, got/deg, tt.want/deg)
		}
	}
}

// TestLabelAcrossTileEdge: a label across the edge between two tiles is
// drawn by both, and the two tiles side by side are the same pixels as
// the two drawn as one image.
func TestLabelAcrossTileEdge(t *testing.T) {
	s := demoStore(t)
	const z = 18
	checked := 0
	for dt, ls := range demoLabels(t, s, z, englishNames) {
		v, err := loadVecTile(context.Background(), s, dt, baseAll)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			q := l.quad(0)
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, c := range q {
				lo, hi = math.Min(lo, c[0]), math.Max(hi, c[0])
			}
			edge := math.Ceil(lo/256) * 256
			if edge >= hi-4 || edge <= lo+4 {
				continue // not across a vertical tile edge
			}
			left := maptile.New(uint32(edge/256)-1, uint32(l.y/256), z)
			right := maptile.New(left.X+1, left.Y, z)
			tr := &tileRenderer{}
			a := tr.render(v, left, 256, &light, englishNames)
			b := tr.render(v, right, 256, &light, englishNames)
			both := tr.renderSpan(v, left, 2, 1, 256, &light, englishNames)
			side := image.NewRGBA(both.Rect)
			draw.Draw(side, image.Rect(0, 0, 256, 256), a, image.Point{}, draw.Src)
			draw.Draw(side, image.Rect(256, 0, 512, 256), b, image.Point{}, draw.Src)
			if n := len(ink(side, both)); n > 0 {
				t.Errorf("%q: %d pixels differ between the tiles and the pair drawn as one", l.text, n)
			}
			// Both tiles carry part of the name.
			bare := tr.renderSpan(v, left, 2, 1, 256, &light, labelText{})
			var inA, inB int
			for _, p := range ink(both, bare) {
				if math.Abs(float64(p.Y)+float64(left.Y)*256-l.y) > l.h {
					continue
				}
				if p.X < 256 {
					inA++
				} else {
					inB++
				}
			}
			if inA == 0 || inB == 0 {
				t.Errorf("%q: ink %d left and %d right of the edge, want some on both", l.text, inA, inB)
			}
			checked++
			if checked >= 3 {
				return
			}
		}
	}
	if checked == 0 {
		t.Fatal("no label across a tile edge in the demo at zoom 18")
	}
}

// TestChineseNames: with a CJK font buildings are numbered in Chinese;
// with a font without Chinese glyphs the English names are written.
func TestChineseNames(t *testing.T) {
	s := demoStore(t)
	find := func(txt labelText, want string) bool {
		for _, ls := range demoLabels(t, s, 18, txt) {
			for _, l := range ls {
				if l.text == want {
					return true
				}
			}
		}
		return false
	}
	if !find(labelText{lang: "zh", font: fontFor(nil)}, "Building 87") {
		t.Error("without Chinese glyphs, no English name")
	}
	f := cjkFont(t)
	if !f.writesChinese() {
		t.Fatal("the CJK font has no Chinese glyphs")
	}
	if !find(labelText{lang: "zh", font: f}, "87号楼") {
		t.Error("no Chinese building number")
	}
	if !find(labelText{lang: "en", font: f}, "Building 87") {
		t.Error("no English name in an English session")
	}
}

func TestTileSetPerLanguage(t *testing.T) {
	tests := []struct {
		k    tileKey
		want string
	}{
		{tileKey{src: srcBase, mask: baseAll, size: 256, lang: "en"}, "basemap_en"},
		{tileKey{src: srcBase, mask: baseAll, size: 256, lang: "zh"}, "basemap_zh"},
		{tileKey{src: srcBase, mask: baseAll, size: 512, lang: "zh", dark: true}, "basemap_dark_zh_2x"},
		{tileKey{src: srcBase, mask: baseRoads, size: 256, lang: "zh"}, ""},
		{tileKey{src: srcRemote, size: 256, lang: "zh"}, "remote_tiles"},
	}
	for _, tt := range tests {
		if got := tt.k.set(); got != tt.want {
			t.Errorf("%+v: set %q, want %q", tt.k, got, tt.want)
		}
	}
}

// TestTilesCachedPerLanguage: a Chinese session caches its tiles apart
// from an English one, and each shows names in its own language.
func TestTilesCachedPerLanguage(t *testing.T) {
	th, err := theme.Load()
	if err != nil {
		testenv.NoFont(t, err)
	}
	a := test.NewTempApp(t)
	a.Settings().SetTheme(th.WithVariant(theme.Light))
	for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(name, "")
	}
	t.Cleanup(func() { locale.Use(locale.English) })
	s := demoStore(t)
	shots := map[string]*image.NRGBA{}
	for _, l := range []string{locale.Chinese, locale.English} {
		if err := locale.Use(l); err != nil {
			t.Fatal(err)
		}
		m := New(s)
		win := sizedWindow(t, m, 640, 400)
		m.FlyTo(demo.Origin, 18)
		shots[l] = capture(t, m, win)
		v := m.View()
		m.Close()
		tl := v.Tiles(v.TileZoom(256))[0]
		if _, ok, err := s.Tile(context.Background(), "basemap_"+l, int(tl.Z), int(tl.X), int(tl.Y)); err != nil || !ok {
			t.Errorf("%s: tile %v not in set basemap_%s (%v)", l, tl, l, err)
		}
	}
	if n := diff(shots[locale.Chinese], shots[locale.English], 24); n < 200 {
		t.Errorf("the Chinese and English maps differ in %d pixels only", n)
	}
}

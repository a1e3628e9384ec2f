package coverage

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/testenv"
	"safetynet/geo/grid"
	"safetynet/geo/visibility"
)

// BenchmarkFull recomputes everything for a synthetic 1 km² town with
// 2,000 buildings, 200 cameras and 50 key areas at 0.5 m cells, and
// reads the key-area report.
func BenchmarkFull(b *testing.B) {
	s := camerasOnly(synthetic(2000, 200, 1))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := New(s, Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = m.KeyAreas()
	}
}

// BenchmarkFullAll adds 4 patrol routes, 75 extinguishers and 25
// hydrants (walking reach) to BenchmarkFull.
func BenchmarkFullAll(b *testing.B) {
	s := synthetic(2000, 200, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := New(s, Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = m.KeyAreas()
	}
}

// BenchmarkMoveCamera moves one camera of BenchmarkFull's town by a few
// metres and turns it, then reads the key-area report: the update a
// planner's drag makes.
func BenchmarkMoveCamera(b *testing.B) {
	s := camerasOnly(synthetic(2000, 200, 1))
	m, err := New(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	c := s.Cameras[17]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.At[0] += float64(i%2*2 - 1)
		c.Heading = float64(i * 7 % 360)
		if _, err := m.SetCamera(c); err != nil {
			b.Fatal(err)
		}
		_ = m.KeyAreas()
	}
}

// BenchmarkSeeing asks which cameras see a point, as a live alert does.
func BenchmarkSeeing(b *testing.B) {
	s := camerasOnly(synthetic(2000, 200, 1))
	m, err := New(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	pts := make([]orb.Point, 64)
	for i := range pts {
		c := s.Cameras[i]
		pts[i] = orb.Point{c.At[0] + 5, c.At[1] + 5}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.Seeing(pts[i%len(pts)])
	}
}

// gdalCameras is how many cameras are compared with gdal_viewshed.
const gdalCameras = 20

// BenchmarkViewshedVsGDAL computes the visibility of the first 20 cameras
// of BenchmarkFull's town with this package and with GDAL's
// gdal_viewshed on the same town as a 0.5 m surface model (observers at
// the camera heights, 3 to 6 m, targets on the ground, no curvature),
// with buildings 100 m and 7 m tall: both hide all the ground behind
// them from every camera, so the true answer is the same. It reports the
// time ratio GDAL/ours (same 20 cameras, GDAL's including its process
// start) and the intersection over union of the visible open-ground
// cells inside each camera's sector and range: ours against GDAL's, and
// ours against an exact test of the straight line from the camera to
// each cell centre against every building edge. GDAL's line-of-sight
// interpolation casts spreading shadows from building corners, the more
// the taller the buildings; its IoU with the exact answer is reported
// too.
func BenchmarkViewshedVsGDAL(b *testing.B) {
	tool := testenv.Tool(b, "gdal_viewshed")
	s := camerasOnly(synthetic(2000, 200, 1))
	m, err := New(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	g := m.g
	dir := b.TempDir()
	cams := s.Cameras[:gdalCameras]
	exact := make([]map[int]bool, len(cams))
	for i, c := range cams {
		exact[i] = rayTest(m, s.Buildings, c)
	}
	var ours, gdal time.Duration
	var f grid.Filler
	var vsGDAL, vsExact, gdalExact [2]iou
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		ours, gdal = 0, 0
		vsGDAL, vsExact, gdalExact = [2]iou{}, [2]iou{}, [2]iou{}
		for hi, height := range []byte{100, 7} {
			dsm := filepath.Join(dir, fmt.Sprintf("dsm%d.tif", height))
			if err := writeDSM(dsm, g, m.ground, height); err != nil {
				b.Fatal(err)
			}
			for i, c := range cams {
				t0 := time.Now()
				cells := visible(m, c, &f)
				if hi == 0 {
					ours += time.Since(t0)
				}
				mine := map[int]bool{}
				for _, k := range cells {
					mine[int(k)] = true
				}
				t0 = time.Now()
				theirs, err := viewshed(tool, dsm, dir, g, c)
				if hi == 0 {
					gdal += time.Since(t0)
				}
				if err != nil {
					b.Fatal(err)
				}
				vsGDAL[hi].add(compare(m, c, mine, theirs))
				gdalExact[hi].add(compare(m, c, theirs, exact[i]))
				if hi == 0 {
					vsExact[0].add(compare(m, c, mine, exact[i]))
				}
			}
		}
	}
	b.ReportMetric(float64(gdal)/float64(ours), "gdal/ours-time-20cams")
	b.ReportMetric(float64(ours.Microseconds())/gdalCameras, "ours-µs/camera")
	b.ReportMetric(float64(gdal.Microseconds())/gdalCameras, "gdal-µs/camera")
	b.ReportMetric(float64(vsGDAL[0].in)/float64(vsGDAL[0].un), "IoU-ours-gdal-100m-20cams")
	b.ReportMetric(float64(vsGDAL[1].in)/float64(vsGDAL[1].un), "IoU-ours-gdal-7m-20cams")
	b.ReportMetric(float64(vsExact[0].in)/float64(vsExact[0].un), "IoU-ours-exact-20cams")
	b.ReportMetric(float64(gdalExact[0].in)/float64(gdalExact[0].un), "IoU-gdal100m-exact-20cams")
	b.ReportMetric(float64(gdalExact[1].in)/float64(gdalExact[1].un), "IoU-gdal7m-exact-20cams")
}

// iou sums intersections and unions.
type iou struct{ in, un int }

func (x *iou) add(in, un int) { x.in += in; x.un += un }

// visible returns the cells whose centres camera c sees within its
// sector and range (no blind zone, no pixel-density limit): its view
// polygon filled on the raster.
func visible(m *Model, c Camera, f *grid.Filler) []int32 {
	g := m.g
	v := m.sight.View(c.At, visibility.Sector{Heading: c.Heading, Width: c.HFOV}, c.Range)
	var out []int32
	r2 := c.Range * c.Range
	f.Fill(g, v.Rings(0, c.Range, 0.02), func(row, c0, c1 int) {
		dy := g.Y0 + (float64(row)+0.5)*g.Cell - c.At[1]
		for col := c0; col < c1; col++ {
			i := row*g.Cols + col
			dx := g.X0 + (float64(col)+0.5)*g.Cell - c.At[0]
			if m.ground.Has(i) && dx*dx+dy*dy <= r2 {
				out = append(out, int32(i))
			}
		}
	})
	return out
}

// rayTest returns the open-ground cells within c's range whose centre a
// straight line from c reaches without crossing a building edge.
func rayTest(m *Model, bs []Building, c Camera) map[int]bool {
	g := m.g
	box := orb.Bound{Min: c.At, Max: c.At}.Pad(c.Range)
	var edges [][2]orb.Point
	for _, b := range bs {
		if !b.Footprint.Bound().Intersects(box) {
			continue
		}
		r := b.Footprint[0]
		for k := 0; k+1 < len(r); k++ {
			edges = append(edges, [2]orb.Point{r[k], r[k+1]})
		}
	}
	out := map[int]bool{}
	c0, c1 := g.ColSpan(box.Min[0], box.Max[0])
	r0, r1 := g.RowSpan(box.Min[1], box.Max[1])
	for row := r0; row <= r1; row++ {
		for col := c0; col <= c1; col++ {
			i := row*g.Cols + col
			p := g.Centre(col, row)
			if !m.ground.Has(i) || sq(p[0]-c.At[0])+sq(p[1]-c.At[1]) > c.Range*c.Range {
				continue
			}
			clear := true
			for _, e := range edges {
				if crosses(c.At, p, e[0], e[1]) {
					clear = false
					break
				}
			}
			if clear {
				out[i] = true
			}
		}
	}
	return out
}

func crosses(p, q, r, s orb.Point) bool {
	o := func(a, b, c orb.Point) float64 { return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0]) }
	d1, d2, d3, d4 := o(p, q, r), o(p, q, s), o(r, s, p), o(r, s, q)
	return d1*d2 < 0 && d3*d4 < 0
}

func sq(x float64) float64 { return x * x }

// compare returns the intersection and union of the two sets of cells,
// counting only open-ground cells inside the camera's sector and range.
func compare(m *Model, c Camera, a, b map[int]bool) (inter, union int) {
	g := m.g
	inSector := func(i int) bool {
		if !m.ground.Has(i) {
			return false
		}
		p := g.Centre(i%g.Cols, i/g.Cols)
		dx, dy := p[0]-c.At[0], p[1]-c.At[1]
		if dx*dx+dy*dy > c.Range*c.Range {
			return false
		}
		bearing := math.Atan2(dx, dy) * 180 / math.Pi
		diff := math.Mod(bearing-c.Heading+540, 360) - 180
		return math.Abs(diff) <= c.HFOV/2
	}
	for i := range a {
		if !inSector(i) {
			continue
		}
		union++
		if b[i] {
			inter++
		}
	}
	for i := range b {
		if !a[i] && inSector(i) {
			union++
		}
	}
	return inter, union
}

// writeDSM writes the raster as a minimal uncompressed GeoTIFF (8-bit,
// one strip): height metres where a building stands, 0 elsewhere, with
// the raster's corner and cell size and no reference system.
func writeDSM(path string, g grid.Grid, ground grid.Mask, height byte) error {
	w, h := g.Cols, g.Rows
	const entries = 12
	ifd := 8
	scaleAt := ifd + 2 + entries*12 + 4
	tieAt := scaleAt + 3*8
	dataAt := tieAt + 6*8
	var buf bytes.Buffer
	le := binary.LittleEndian
	put := func(v any) { _ = binary.Write(&buf, le, v) }
	buf.WriteString("II")
	put(uint16(42))
	put(uint32(ifd))
	put(uint16(entries))
	tag := func(t, typ uint16, count, value uint32) {
		put(t)
		put(typ)
		put(count)
		if typ == 3 && count == 1 {
			put(uint16(value))
			put(uint16(0))
		} else {
			put(value)
		}
	}
	const short, long, double = 3, 4, 12
	tag(256, long, 1, uint32(w))           // ImageWidth
	tag(257, long, 1, uint32(h))           // ImageLength
	tag(258, short, 1, 8)                  // BitsPerSample
	tag(259, short, 1, 1)                  // Compression: none
	tag(262, short, 1, 1)                  // Photometric: black is zero
	tag(273, long, 1, uint32(dataAt))      // StripOffsets
	tag(277, short, 1, 1)                  // SamplesPerPixel
	tag(278, long, 1, uint32(h))           // RowsPerStrip
	tag(279, long, 1, uint32(w*h))         // StripByteCounts
	tag(339, short, 1, 1)                  // SampleFormat: unsigned
	tag(33550, double, 3, uint32(scaleAt)) // ModelPixelScale
	tag(33922, double, 6, uint32(tieAt))   // ModelTiepoint
	put(uint32(0))
	put([3]float64{g.Cell, g.Cell, 0})
	put([6]float64{0, 0, 0, g.X0, g.Y0 + float64(h)*g.Cell, 0})
	row := make([]byte, w)
	for r := h - 1; r >= 0; r-- { // north first
		for c := 0; c < w; c++ {
			row[c] = 0
			if !ground.Has(r*w + c) {
				row[c] = height
			}
		}
		buf.Write(row)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// viewshed runs gdal_viewshed for camera c and returns the cells it
// finds visible.
func viewshed(tool, dsm, dir string, g grid.Grid, c Camera) (map[int]bool, error) {
	out := filepath.Join(dir, "vs.bin")
	cmd := exec.Command(tool, "-q", "-f", "ENVI", "-cc", "0", "-tz", "0",
		"-ox", ftoa(c.At[0]), "-oy", ftoa(c.At[1]), "-oz", ftoa(c.Height), "-md", ftoa(c.Range), dsm, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("gdal_viewshed: %v: %s", err, msg)
	}
	hdr, err := os.ReadFile(filepath.Join(dir, "vs.hdr"))
	if err != nil {
		return nil, err
	}
	var cols, rows int
	var x0, y0 float64
	sc := bufio.NewScanner(bytes.NewReader(hdr))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "samples":
			cols, _ = strconv.Atoi(v)
		case "lines":
			rows, _ = strconv.Atoi(v)
		case "map info":
			f := strings.Split(strings.Trim(v, "{}"), ",")
			if len(f) >= 5 {
				x0, _ = strconv.ParseFloat(strings.TrimSpace(f[3]), 64)
				y0, _ = strconv.ParseFloat(strings.TrimSpace(f[4]), 64)
			}
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	if len(data) < cols*rows || cols == 0 {
		return nil, fmt.Errorf("gdal_viewshed: %d bytes for %d x %d cells", len(data), cols, rows)
	}
	c0 := int(math.Round((x0 - g.X0) / g.Cell))
	rTop := int(math.Round((y0 - g.Y0) / g.Cell)) // row index just above the window
	vis := map[int]bool{}
	for r := 0; r < rows; r++ {
		gr := rTop - 1 - r
		for c := 0; c < cols; c++ {
			if data[r*cols+c] == 255 {
				gc := c0 + c
				if gc >= 0 && gc < g.Cols && gr >= 0 && gr < g.Rows {
					vis[gr*g.Cols+gc] = true
				}
			}
		}
	}
	return vis, nil
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

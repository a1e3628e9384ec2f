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

// gdalSetup is one way of laying the town out for gdal_viewshed: the
// height of every building cell, and the heights of the observer and
// of the target above the ground (observer 0: the camera's own height).
type gdalSetup struct {
	name             string
	building         byte
	observer, target float64
}

// gdalSetups are the surface models compared. In each, the buildings
// are taller than both ends of every sight line, so they hide exactly
// the ground a straight line in plan crosses them to reach: the true
// answer is the same in all three, and it is what this package computes.
//
// "level" is the headline: buildings 12 m, observer and target both 6 m
// above the ground, so every sight line is level at half the building
// height. gdal_viewshed interpolates heights linearly between cell
// centres; between a building cell and an open cell the sight line
// meets that ramp half way, on the cell boundary, so GDAL's buildings
// have the outline of the rasterised footprints, no more, no less. The
// answer does not change with scale (observer h, buildings 2h give the
// same cells), so it holds for each camera's own height.
//
// "100m" (observer at the camera's height, targets on the ground) is
// the plain reading of "buildings as tall obstacles", and "7m" the same
// with 7 m buildings: there the ramp stands above a sight line to the
// ground almost all the way to the open cell's centre, so GDAL's
// buildings grow by up to a cell and their shadows widen with distance,
// the more the taller the buildings.
var gdalSetups = []gdalSetup{
	{name: "level", building: 12, observer: 6, target: 6},
	{name: "100m", building: 100},
	{name: "7m", building: 7},
}

// BenchmarkViewshedVsGDAL computes the ground seen by the first 20
// cameras of BenchmarkFull's town with this package and with GDAL's
// gdal_viewshed (its command line: default edge interpolation, no
// curvature, maximum distance the camera's range) on the same town as
// a 0.5 m surface model whose building cells are those whose centres
// lie in a footprint, exactly this package's raster. Each camera
// stands on a cell centre, the point gdal_viewshed takes for the
// observer, and the same point is used for both.
//
// Compared are the open-ground cells whose centres lie strictly inside
// the camera's sector and range, leaving out its own cell and the
// cells whose centres lie exactly on a sector edge or on the range
// circle (which side those fall on is a tie, not a disagreement). It
// reports, for each surface model of gdalSetups, the intersection over
// union of the visible cells: ours against GDAL's on all compared
// cells (IoU-ours-gdal-...), the same leaving out the cells within one
// cell (8 neighbours) of a building cell or of a cell on the other
// side of the exact shadow boundary (IoU-ours-gdal-...-off-edges: such
// a band is where rasterising the footprints moves the answer by a
// cell), the share of the disagreeing cells that lie in that band,
// GDAL's against an exact test of the straight line from the camera to
// each cell centre against every building edge (IoU-gdal-exact-...),
// and GDAL's against the same test on the rasterised town, where the
// line must not pass through a building cell (IoU-gdal-rastered-...);
// and ours, and the rasterised test, against the exact test.
//
// What remains between ours and GDAL's on the "level" model is mostly
// the rasterising itself, not GDAL's sweep: cell-centre footprints
// move building corners by up to a third of a cell, and the shadow edge
// past a corner d metres from the camera moves by that times D/d at D
// metres, a wedge wider than a cell where a corner stands within a few
// metres of the camera (the rasterised test differs from the exact one
// by about as much as GDAL's does, and GDAL agrees better with the
// rasterised test than with the exact one).
//
// Times, on the "level" model: ours per camera (its view polygon filled
// on the raster); GDAL's per camera as run, process start included;
// GDAL's without process start, where GDAL's Python bindings are
// there, for the same viewsheds computed in one process into memory;
// and the ratios GDAL/ours of both.
func BenchmarkViewshedVsGDAL(b *testing.B) {
	tool := testenv.Tool(b, "gdal_viewshed")
	s := camerasOnly(synthetic(2000, 200, 1))
	m, err := New(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	g := m.g
	dir := b.TempDir()
	cams := append([]Camera(nil), s.Cameras[:gdalCameras]...)
	for i := range cams {
		col, row, ok := g.At(cams[i].At)
		if !ok || !m.ground.Has(row*g.Cols+col) {
			b.Fatalf("camera %s at %v is off the raster or in a building cell", cams[i].ID, cams[i].At)
		}
		cams[i].At = g.Centre(col, row)
	}
	exact := make([]map[int]bool, len(cams))
	onRaster := make([]map[int]bool, len(cams))
	bands := make([]map[int]bool, len(cams))
	var rasterExact iou
	for i, c := range cams {
		exact[i] = rayTest(m, s.Buildings, c)
		onRaster[i] = rasterRay(m, c)
		bands[i] = edgeBand(m, c, exact[i])
		rasterExact.add(compare(m, c, onRaster[i], exact[i], nil))
	}
	python := gdalPython()
	var ours, gdal time.Duration
	var f grid.Filler
	n := len(gdalSetups)
	vsGDAL, offEdges, gdalExact, gdalRaster := make([]iou, n), make([]iou, n), make([]iou, n), make([]iou, n)
	inBand, disagree := make([]int, n), make([]int, n)
	var vsExact iou
	b.ResetTimer()
	for run := 0; run < b.N; run++ {
		ours, gdal, vsExact = 0, 0, iou{}
		clear(vsGDAL)
		clear(offEdges)
		clear(gdalExact)
		clear(gdalRaster)
		clear(inBand)
		clear(disagree)
		for si, set := range gdalSetups {
			dsm := filepath.Join(dir, set.name+".tif")
			if err := writeDSM(dsm, g, m.ground, set.building); err != nil {
				b.Fatal(err)
			}
			for i, c := range cams {
				t0 := time.Now()
				cells := visible(m, c, &f)
				if si == 0 {
					ours += time.Since(t0)
				}
				mine := map[int]bool{}
				for _, k := range cells {
					mine[int(k)] = true
				}
				oz, tz := set.observer, set.target
				if oz == 0 {
					oz = c.Height
				}
				t0 = time.Now()
				theirs, err := viewshed(tool, dsm, dir, g, c, oz, tz)
				if err != nil {
					b.Fatal(err)
				}
				if si == 0 {
					gdal += time.Since(t0)
				}
				vsGDAL[si].add(compare(m, c, mine, theirs, nil))
				offEdges[si].add(compare(m, c, mine, theirs, bands[i]))
				gdalExact[si].add(compare(m, c, theirs, exact[i], nil))
				gdalRaster[si].add(compare(m, c, theirs, onRaster[i], nil))
				if si == 0 {
					vsExact.add(compare(m, c, mine, exact[i], nil))
				}
				for cell := range symDiff(mine, theirs) {
					if comparable(m, c, cell) {
						disagree[si]++
						if bands[i][cell] {
							inBand[si]++
						}
					}
				}
			}
		}
	}
	b.ReportMetric(float64(ours.Microseconds())/gdalCameras, "ours-µs/camera")
	b.ReportMetric(float64(gdal.Microseconds())/gdalCameras, "gdal-µs/camera")
	b.ReportMetric(float64(gdal)/float64(ours), "gdal/ours-time")
	if python != "" {
		set := gdalSetups[0]
		inProc, err := viewshedInProcess(python, filepath.Join(dir, set.name+".tif"), cams, set.observer, set.target)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(inProc.Microseconds())/gdalCameras, "gdal-in-process-µs/camera")
		b.ReportMetric(float64(inProc)/float64(ours), "gdal-in-process/ours-time")
	}
	b.ReportMetric(vsExact.ratio(), "IoU-ours-exact")
	b.ReportMetric(rasterExact.ratio(), "IoU-rastered-exact")
	for si, set := range gdalSetups {
		b.ReportMetric(vsGDAL[si].ratio(), "IoU-ours-gdal-"+set.name)
		b.ReportMetric(offEdges[si].ratio(), "IoU-ours-gdal-"+set.name+"-off-edges")
		b.ReportMetric(gdalExact[si].ratio(), "IoU-gdal-exact-"+set.name)
		b.ReportMetric(gdalRaster[si].ratio(), "IoU-gdal-rastered-"+set.name)
		b.ReportMetric(float64(inBand[si])/float64(max(disagree[si], 1)), "disagree-on-edges-share-"+set.name)
	}
}

// iou sums intersections and unions.
type iou struct{ in, un int }

func (x *iou) add(in, un int) { x.in += in; x.un += un }

func (x iou) ratio() float64 { return float64(x.in) / float64(max(x.un, 1)) }

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

// rasterRay returns the cells comparable for c whose centre a straight
// line from c reaches without entering a building cell: the exact
// answer for the rasterised town that gdal_viewshed is given.
func rasterRay(m *Model, c Camera) map[int]bool {
	g := m.g
	out := map[int]bool{}
	ox, oy := (c.At[0]-g.X0)/g.Cell, (c.At[1]-g.Y0)/g.Cell
	c0, c1 := g.ColSpan(c.At[0]-c.Range, c.At[0]+c.Range)
	r0, r1 := g.RowSpan(c.At[1]-c.Range, c.At[1]+c.Range)
	for row := r0; row <= r1; row++ {
		for col := c0; col <= c1; col++ {
			i := row*g.Cols + col
			if comparable(m, c, i) && clearCells(m, ox, oy, float64(col)+0.5, float64(row)+0.5) {
				out[i] = true
			}
		}
	}
	return out
}

// clearCells walks the cells the segment from (x0, y0) to (x1, y1), in
// cell units, passes through (both neighbours where it passes a cell
// corner) and reports whether all are open ground.
func clearCells(m *Model, x0, y0, x1, y1 float64) bool {
	g := m.g
	open := func(col, row int) bool {
		return col >= 0 && col < g.Cols && row >= 0 && row < g.Rows && m.ground.Has(row*g.Cols+col)
	}
	col, row := int(math.Floor(x0)), int(math.Floor(y0))
	endCol, endRow := int(math.Floor(x1)), int(math.Floor(y1))
	step := func(d float64) int {
		if d < 0 {
			return -1
		}
		return 1
	}
	sx, sy := step(x1-x0), step(y1-y0)
	next := func(p float64, cell, s int, d float64) (t, dt float64) {
		if d == 0 {
			return math.Inf(1), math.Inf(1)
		}
		b := float64(cell)
		if s > 0 {
			b++
		}
		return (b - p) / d, math.Abs(1 / d)
	}
	tx, dtx := next(x0, col, sx, x1-x0)
	ty, dty := next(y0, row, sy, y1-y0)
	for col != endCol || row != endRow {
		switch {
		case math.Abs(tx-ty) < 1e-12:
			if !open(col+sx, row) || !open(col, row+sy) {
				return false
			}
			col, row, tx, ty = col+sx, row+sy, tx+dtx, ty+dty
		case tx < ty:
			col, tx = col+sx, tx+dtx
		default:
			row, ty = row+sy, ty+dty
		}
		if !open(col, row) {
			return false
		}
	}
	return true
}

// comparable reports whether cell i is compared for camera c: open
// ground whose centre lies strictly inside c's sector and range, not
// c's own cell, and not exactly on a sector edge or the range circle.
func comparable(m *Model, c Camera, i int) bool {
	const tie = 1e-9
	g := m.g
	if !m.ground.Has(i) {
		return false
	}
	p := g.Centre(i%g.Cols, i/g.Cols)
	dx, dy := p[0]-c.At[0], p[1]-c.At[1]
	d := math.Hypot(dx, dy)
	if d < tie || d > c.Range-tie {
		return false
	}
	bearing := math.Atan2(dx, dy) * 180 / math.Pi
	diff := math.Mod(bearing-c.Heading+540, 360) - 180
	return math.Abs(diff) < c.HFOV/2-tie
}

// compare returns the intersection and union of the two sets of cells,
// counting only the cells comparable for camera c and not in skip.
func compare(m *Model, c Camera, a, b, skip map[int]bool) (inter, union int) {
	for i := range a {
		if skip[i] || !comparable(m, c, i) {
			continue
		}
		union++
		if b[i] {
			inter++
		}
	}
	for i := range b {
		if !a[i] && !skip[i] && comparable(m, c, i) {
			union++
		}
	}
	return inter, union
}

// symDiff returns the cells in exactly one of a and b.
func symDiff(a, b map[int]bool) map[int]bool {
	out := map[int]bool{}
	for i := range a {
		if !b[i] {
			out[i] = true
		}
	}
	for i := range b {
		if !a[i] {
			out[i] = true
		}
	}
	return out
}

// edgeBand returns the open-ground cells within c's range (plus a cell)
// that have among their 8 neighbours a cell of another kind: a building
// cell, or a cell on the other side of the exact shadow boundary
// (visible against hidden).
func edgeBand(m *Model, c Camera, exact map[int]bool) map[int]bool {
	g := m.g
	kind := func(col, row int) int {
		i := row*g.Cols + col
		switch {
		case col < 0 || col >= g.Cols || row < 0 || row >= g.Rows || !m.ground.Has(i):
			return 2
		case exact[i]:
			return 1
		}
		return 0
	}
	band := map[int]bool{}
	c0, c1 := g.ColSpan(c.At[0]-c.Range-g.Cell, c.At[0]+c.Range+g.Cell)
	r0, r1 := g.RowSpan(c.At[1]-c.Range-g.Cell, c.At[1]+c.Range+g.Cell)
	for row := r0; row <= r1; row++ {
		for col := c0; col <= c1; col++ {
			k := kind(col, row)
			if k == 2 {
				continue
			}
		next:
			for dr := -1; dr <= 1; dr++ {
				for dc := -1; dc <= 1; dc++ {
					if kind(col+dc, row+dr) != k {
						band[row*g.Cols+col] = true
						break next
					}
				}
			}
		}
	}
	return band
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

// gdalPython returns a Python interpreter with GDAL's bindings (Debian's
// gdal-bin brings them), or "" when there is none.
func gdalPython() string {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import osgeo.gdal").Run() == nil {
			return p
		}
	}
	return ""
}

// gdalTimer runs GDAL's viewshed through its Python bindings for each
// line "x y observer target range" of its input on the surface model
// named by its argument, in memory and in one process, and prints the
// nanoseconds spent in GDAL for all of them (the same algorithm as
// gdal_viewshed, with the same edge interpolation).
const gdalTimer = `
import sys, time
from osgeo import gdal
gdal.UseExceptions()
src = gdal.Open(sys.argv[1])
band = src.GetRasterBand(1)
total = 0
for line in sys.stdin:
    x, y, oz, tz, md = map(float, line.split())
    t0 = time.perf_counter_ns()
    ds = gdal.ViewshedGenerate(band, "MEM", "", [], x, y, oz, tz, 255, 0, 0, -1, 0, gdal.GVM_Edge, md)
    ds.GetRasterBand(1).ReadRaster()
    total += time.perf_counter_ns() - t0
    ds = None
print(total)
`

// viewshedInProcess returns the time GDAL takes for the cameras on the
// surface model dsm, observer oz and target tz metres above the
// ground, without its process start: the viewsheds computed in one
// process through GDAL's Python bindings.
func viewshedInProcess(python, dsm string, cams []Camera, oz, tz float64) (time.Duration, error) {
	var in strings.Builder
	for _, c := range cams {
		fmt.Fprintf(&in, "%s %s %s %s %s\n", ftoa(c.At[0]), ftoa(c.At[1]), ftoa(oz), ftoa(tz), ftoa(c.Range))
	}
	cmd := exec.Command(python, "-c", gdalTimer, dsm)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("GDAL through Python: %v", err)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("GDAL through Python printed %q: %v", out, err)
	}
	return time.Duration(ns), nil
}

// viewshed runs gdal_viewshed for camera c with the observer oz and the
// target tz metres above the ground, and returns the cells it finds
// visible.
func viewshed(tool, dsm, dir string, g grid.Grid, c Camera, oz, tz float64) (map[int]bool, error) {
	out := filepath.Join(dir, "vs.bin")
	cmd := exec.Command(tool, "-q", "-f", "ENVI", "-cc", "0", "-tz", ftoa(tz),
		"-ox", ftoa(c.At[0]), "-oy", ftoa(c.At[1]), "-oz", ftoa(oz), "-md", ftoa(c.Range), dsm, out)
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

// Package grid rasterises geometry in the local metric plane onto square
// cells, for area accounting: which cells a polygon covers (scanline fill
// by cell centres), bit masks of cells, and the outline of a set of cells
// as polygons again (for GeoJSON output).
//
// Coordinates are metres east (x) and north (y) of a local origin, as
// produced by geo/proj. Row 0 is the southernmost row and column 0 the
// westernmost column.
package grid

import (
	"math"
	"math/bits"
	"slices"

	"github.com/paulmach/orb"
)

// Grid is a raster of Cols x Rows square cells of side Cell metres whose
// south-west corner is at (X0, Y0). Cell (col, row) covers x in
// [X0+col*Cell, X0+(col+1)*Cell) and y in [Y0+row*Cell, Y0+(row+1)*Cell);
// cells are numbered row by row from the south: i = row*Cols + col.
// A Grid is a small immutable value, safe for concurrent use.
type Grid struct {
	X0, Y0 float64
	Cell   float64
	Cols   int
	Rows   int
}

// Cover returns the grid of cells of side cell metres that covers b, with
// its corner on a multiple of cell so that grids of the same cell size
// line up.
func Cover(b orb.Bound, cell float64) Grid {
	x0 := math.Floor(b.Min[0]/cell) * cell
	y0 := math.Floor(b.Min[1]/cell) * cell
	cols := int(math.Ceil((b.Max[0]-x0)/cell)) + 1
	rows := int(math.Ceil((b.Max[1]-y0)/cell)) + 1
	return Grid{X0: x0, Y0: y0, Cell: cell, Cols: max(cols, 1), Rows: max(rows, 1)}
}

// Len returns the number of cells.
func (g Grid) Len() int { return g.Cols * g.Rows }

// CellArea returns the area of one cell in square metres.
func (g Grid) CellArea() float64 { return g.Cell * g.Cell }

// Bound returns the extent of the grid in metres.
func (g Grid) Bound() orb.Bound {
	return orb.Bound{
		Min: orb.Point{g.X0, g.Y0},
		Max: orb.Point{g.X0 + float64(g.Cols)*g.Cell, g.Y0 + float64(g.Rows)*g.Cell},
	}
}

// Centre returns the centre of cell (col, row) in metres.
func (g Grid) Centre(col, row int) orb.Point {
	return orb.Point{g.X0 + (float64(col)+0.5)*g.Cell, g.Y0 + (float64(row)+0.5)*g.Cell}
}

// At returns the cell that contains p and whether it lies in the grid.
func (g Grid) At(p orb.Point) (col, row int, ok bool) {
	fc := math.Floor((p[0] - g.X0) / g.Cell)
	fr := math.Floor((p[1] - g.Y0) / g.Cell)
	if !(fc >= 0 && fr >= 0 && fc < float64(g.Cols) && fr < float64(g.Rows)) {
		return 0, 0, false
	}
	return int(fc), int(fr), true
}

// RowSpan returns the rows whose centres lie in [y0, y1], clipped to the grid;
// r0 > r1 when there are none.
func (g Grid) RowSpan(y0, y1 float64) (r0, r1 int) {
	r0 = max(0, int(math.Ceil((y0-g.Y0)/g.Cell-0.5)))
	r1 = min(g.Rows-1, int(math.Floor((y1-g.Y0)/g.Cell-0.5)))
	return r0, r1
}

// ColSpan returns the columns whose centres lie in [x0, x1], clipped to
// the grid; c0 > c1 when there are none.
func (g Grid) ColSpan(x0, x1 float64) (c0, c1 int) {
	c0 = max(0, int(math.Ceil((x0-g.X0)/g.Cell-0.5)))
	c1 = min(g.Cols-1, int(math.Floor((x1-g.X0)/g.Cell-0.5)))
	return c0, c1
}

// Filler fills polygons scanline by scanline. Its zero value is ready to
// use; it keeps its buffers between calls, so reuse one per goroutine. A
// Filler is not safe for concurrent use.
type Filler struct {
	count []int32
	xs    []float64
}

// Fill calls fn for every run of cells of g whose centres lie inside the
// rings (even-odd rule: holes are simply further rings), row by row from
// the south and west to east within a row; c1 is exclusive. Rings may be
// open or closed and in either orientation. Cells outside g are left out.
func (f *Filler) Fill(g Grid, rings []orb.Ring, fn func(row, c0, c1 int)) {
	var b orb.Bound
	first := true
	for _, r := range rings {
		for _, p := range r {
			if first {
				b = orb.Bound{Min: p, Max: p}
				first = false
			} else {
				b = b.Extend(p)
			}
		}
	}
	if first {
		return
	}
	r0, r1 := g.RowSpan(b.Min[1], b.Max[1])
	if r0 > r1 {
		return
	}
	n := r1 - r0 + 1
	f.count = slices.Grow(f.count[:0], n+1)[:n+1]
	clear(f.count)
	// Pass 1: count the crossings per row; pass 2: place them.
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			total := int32(0)
			for i := range f.count {
				c := f.count[i]
				f.count[i] = total
				total += c
			}
			f.xs = slices.Grow(f.xs[:0], int(total))[:total]
		}
		for _, ring := range rings {
			m := len(ring)
			for i := 0; i < m; i++ {
				a, c := ring[i], ring[(i+1)%m]
				if a[1] == c[1] {
					continue
				}
				if a[1] > c[1] {
					a, c = c, a
				}
				// Rows whose centre y satisfies a.y <= y < c.y.
				ra := max(r0, int(math.Ceil((a[1]-g.Y0)/g.Cell-0.5)))
				rc := min(r1, int(math.Ceil((c[1]-g.Y0)/g.Cell-0.5))-1)
				if ra > rc {
					continue
				}
				if pass == 0 {
					for r := ra; r <= rc; r++ {
						f.count[r-r0]++
					}
					continue
				}
				k := (c[0] - a[0]) / (c[1] - a[1])
				for r := ra; r <= rc; r++ {
					y := g.Y0 + (float64(r)+0.5)*g.Cell
					f.xs[f.count[r-r0]] = a[0] + (y-a[1])*k
					f.count[r-r0]++
				}
			}
		}
	}
	// After pass 2, count[i] is the end of row i's crossings.
	start := int32(0)
	for i := 0; i < n; i++ {
		end := f.count[i]
		xs := f.xs[start:end]
		start = end
		if len(xs) < 2 {
			continue
		}
		slices.Sort(xs)
		for j := 0; j+1 < len(xs); j += 2 {
			c0 := max(0, int(math.Ceil((xs[j]-g.X0)/g.Cell-0.5)))
			c1 := min(g.Cols, int(math.Ceil((xs[j+1]-g.X0)/g.Cell-0.5)))
			if c0 < c1 {
				fn(r0+i, c0, c1)
			}
		}
	}
}

// Mask is a set of cells of a grid, one bit per cell, indexed as
// Grid.Len. A Mask is not safe for concurrent writes.
type Mask []uint64

// NewMask returns an empty mask for g.
func NewMask(g Grid) Mask { return make(Mask, (g.Len()+63)/64) }

// Has reports whether cell i is in the mask.
func (m Mask) Has(i int) bool { return m[i>>6]&(1<<(uint(i)&63)) != 0 }

// Set adds cell i.
func (m Mask) Set(i int) { m[i>>6] |= 1 << (uint(i) & 63) }

// SetRange adds cells i0 to i1-1.
func (m Mask) SetRange(i0, i1 int) {
	for i0 < i1 && i0&63 != 0 {
		m.Set(i0)
		i0++
	}
	for i0+64 <= i1 {
		m[i0>>6] = ^uint64(0)
		i0 += 64
	}
	for i0 < i1 {
		m.Set(i0)
		i0++
	}
}

// Count returns the number of cells in the mask.
func (m Mask) Count() int {
	n := 0
	for _, w := range m {
		n += bits.OnesCount64(w)
	}
	return n
}

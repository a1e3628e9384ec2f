package grid

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func TestFill(t *testing.T) {
	g := Grid{X0: 0, Y0: 0, Cell: 1, Cols: 20, Rows: 20}
	tests := []struct {
		name  string
		rings []orb.Ring
		cells int
	}{
		{"10 x 5 rectangle on cell edges", []orb.Ring{square(2, 3, 12, 8)}, 50},
		{"rectangle through cell centres: half-open", []orb.Ring{square(2.5, 3.5, 4.5, 5.5)}, 4},
		{"open ring, clockwise", []orb.Ring{{{2, 3}, {2, 8}, {12, 8}, {12, 3}}}, 50},
		{"with a hole", []orb.Ring{square(0, 0, 10, 10), square(2, 2, 4, 4)}, 96},
		// Right triangle with legs 10: centres (i+.5, j+.5) with i+j+1 < 10,
		// below the hypotenuse x + y = 10: 45 cells (the diagonal cells'
		// centres lie on it and count on one side only).
		{"triangle", []orb.Ring{{{0, 0}, {10, 0}, {0, 10}, {0, 0}}}, 45},
		{"clipped at the grid edge", []orb.Ring{square(-5, -5, 5, 5)}, 25},
		{"outside the grid", []orb.Ring{square(30, 30, 40, 40)}, 0},
		{"degenerate", []orb.Ring{{{1, 1}, {5, 1}, {1, 1}}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var f Filler
			n := 0
			lastRow, lastC := -1, -1
			f.Fill(g, tc.rings, func(row, c0, c1 int) {
				if c0 >= c1 || c0 < 0 || c1 > g.Cols || row < 0 || row >= g.Rows {
					t.Fatalf("bad run %d [%d, %d)", row, c0, c1)
				}
				if row < lastRow || (row == lastRow && c0 < lastC) {
					t.Fatalf("runs out of order at row %d", row)
				}
				lastRow, lastC = row, c1
				n += c1 - c0
			})
			if n != tc.cells {
				t.Errorf("%d cells, want %d", n, tc.cells)
			}
		})
	}
}

func TestFillAreaOfCircle(t *testing.T) {
	// A 64-gon of radius 10 m at 0.1 m cells: the cell count times the
	// cell area is the polygon's area to within the cells along its edge.
	var r orb.Ring
	for k := 0; k <= 64; k++ {
		a := 2 * math.Pi * float64(k) / 64
		r = append(r, orb.Point{50 + 10*math.Cos(a), 50 + 10*math.Sin(a)})
	}
	g := Cover(orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{100, 100}}, 0.1)
	var f Filler
	n := 0
	f.Fill(g, []orb.Ring{r}, func(row, c0, c1 int) { n += c1 - c0 })
	got, want := float64(n)*g.CellArea(), planar.Area(r)
	if math.Abs(got-want)/want > 0.005 {
		t.Errorf("filled %.2f m², polygon %.2f m²", got, want)
	}
}

func TestCoverAt(t *testing.T) {
	g := Cover(orb.Bound{Min: orb.Point{-3.2, 1.1}, Max: orb.Point{4.9, 2.2}}, 0.5)
	if g.X0 != -3.5 || g.Y0 != 1 {
		t.Errorf("corner = %v, %v; want -3.5, 1", g.X0, g.Y0)
	}
	tests := []struct {
		name     string
		p        orb.Point
		col, row int
		ok       bool
	}{
		{"corner", orb.Point{-3.5, 1}, 0, 0, true},
		{"inside", orb.Point{0.1, 2.1}, 7, 2, true},
		{"west of it", orb.Point{-3.6, 1.5}, 0, 0, false},
		{"NaN", orb.Point{math.NaN(), 1.5}, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, r, ok := g.At(tc.p)
			if c != tc.col || r != tc.row || ok != tc.ok {
				t.Errorf("At(%v) = %d, %d, %v; want %d, %d, %v", tc.p, c, r, ok, tc.col, tc.row, tc.ok)
			}
		})
	}
	if p := g.Centre(7, 2); p != (orb.Point{0.25, 2.25}) {
		t.Errorf("Centre(7, 2) = %v", p)
	}
}

func TestOutline(t *testing.T) {
	tests := []struct {
		name  string
		rows  []string // north first; # is in
		polys int
		holes int
		cells int
	}{
		{"one cell", []string{"#"}, 1, 0, 1},
		{"an L", []string{"#..", "#..", "###"}, 1, 0, 5},
		{"a ring with a hole", []string{"###", "#.#", "###"}, 1, 1, 8},
		{"diagonal cells are apart", []string{".#", "#."}, 2, 0, 2},
		{"island in a hole", []string{"#####", "#...#", "#.#.#", "#...#", "#####"}, 2, 1, 17},
		{"holes touching at corners", []string{"#####", "#.#.#", "##.##", "#.#.#", "#####"}, 1, 5, 20},
		{"polygons touching at a corner", []string{"##..", "##..", "..##", "..##"}, 2, 0, 8},
		{"nothing", []string{"...", "..."}, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := len(tc.rows)
			cols := len(tc.rows[0])
			g := Grid{X0: 100, Y0: 200, Cell: 0.5, Cols: cols, Rows: rows}
			in := func(i int) bool {
				r, c := i/cols, i%cols
				return tc.rows[rows-1-r][c] == '#'
			}
			mp := g.Outline(in)
			if len(mp) != tc.polys {
				t.Fatalf("%d polygons, want %d: %v", len(mp), tc.polys, mp)
			}
			holes := 0
			for _, p := range mp {
				for _, r := range p {
					seen := map[orb.Point]bool{}
					for _, q := range r[:len(r)-1] {
						if seen[q] {
							t.Errorf("ring passes %v twice: not simple", q)
						}
						seen[q] = true
					}
				}
				if p[0].Orientation() != orb.CCW {
					t.Errorf("outer ring is not counter-clockwise")
				}
				for _, h := range p[1:] {
					holes++
					if h.Orientation() != orb.CW {
						t.Errorf("hole is not clockwise")
					}
				}
			}
			if holes != tc.holes {
				t.Errorf("%d holes, want %d", holes, tc.holes)
			}
			if got, want := planar.Area(mp), float64(tc.cells)*g.CellArea(); math.Abs(got-want) > 1e-9 {
				t.Errorf("area %v, want %v", got, want)
			}
			// Every cell centre is inside the outline exactly when in.
			for r := 0; r < rows; r++ {
				for c := 0; c < cols; c++ {
					if got, want := planar.MultiPolygonContains(mp, g.Centre(c, r)), in(r*cols+c); got != want {
						t.Errorf("cell (%d, %d): inside outline %v, want %v", c, r, got, want)
					}
				}
			}
		})
	}
}

func TestMask(t *testing.T) {
	g := Grid{Cell: 1, Cols: 10, Rows: 20}
	m := NewMask(g)
	m.SetRange(3, 150)
	m.Set(199)
	if got := m.Count(); got != 148 {
		t.Errorf("Count = %d, want 148", got)
	}
	for _, tc := range []struct {
		i    int
		want bool
	}{{2, false}, {3, true}, {63, true}, {64, true}, {149, true}, {150, false}, {199, true}} {
		if m.Has(tc.i) != tc.want {
			t.Errorf("Has(%d) = %v, want %v", tc.i, !tc.want, tc.want)
		}
	}
}

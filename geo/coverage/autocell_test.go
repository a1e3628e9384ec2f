package coverage

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestAutoCell checks that a town-sized extent gets a cell chosen for it,
// said in CellNote, while a cell size given that is too fine for it is
// refused and a small extent keeps 0.5 m.
func TestAutoCell(t *testing.T) {
	town := Scene{KeyAreas: []KeyArea{{ID: "town", Level: "observe",
		Area: orb.Polygon{{{0, 0}, {4500, 0}, {4500, 4500}, {0, 4500}, {0, 0}}}}}}
	m, err := New(town, Options{})
	if err != nil {
		t.Fatalf("default cell over 4.5 km: %v", err)
	}
	if c := m.Grid().Cell; c != 1 {
		t.Errorf("cell %g m, want 1 (0.5 m would be 81 million cells)", c)
	}
	if n := m.CellNote(); !strings.Contains(n, "cell 1 m chosen") || !strings.Contains(n, "0.5 m cells") {
		t.Errorf("note %q", n)
	}
	if a := m.KeyAreas(); len(a) != 1 || a[0].Ground < 0.99*4500*4500 {
		t.Errorf("key areas %+v", a)
	}
	if _, err := New(town, Options{Cell: 0.5}); err == nil || !strings.Contains(err.Error(), "use larger cells") {
		t.Errorf("--cell 0.5 over 4.5 km: %v, want refused", err)
	}
	small := Scene{KeyAreas: []KeyArea{{ID: "k", Level: "observe", Area: orb.Polygon{{{0, 0}, {50, 0}, {50, 50}, {0, 50}, {0, 0}}}}}}
	m, err = New(small, Options{})
	if err != nil || m.Grid().Cell != 0.5 || m.CellNote() != "" {
		t.Errorf("small extent: cell %g, note %q, %v", m.Grid().Cell, m.CellNote(), err)
	}
	for _, want := range []struct {
		side, cell float64
	}{{4200, 1}, {9000, 2}, {18000, 2.5}, {40000, 5}, {50000, 10}} {
		if c := autoCell(orb.Bound{Max: orb.Point{want.side, want.side}}); c != want.cell {
			t.Errorf("autoCell(%g m square) = %g, want %g", want.side, c, want.cell)
		}
	}
}

// TestGapAreaOfNothing checks that a scene with buildings and nothing to
// cover has no gap: its raster is only padding.
func TestGapAreaOfNothing(t *testing.T) {
	s := Scene{Buildings: []Building{{ID: "b", Footprint: orb.Polygon{{{10, 10}, {20, 10}, {20, 20}, {10, 20}, {10, 10}}}}}}
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g := m.GapArea(); g != 0 {
		t.Errorf("gap %g m², want 0 with nothing to cover", g)
	}
}

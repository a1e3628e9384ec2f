package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/ui/locale"
)

// TestSettingsPlanCell checks the plan cell setting: automatic by
// default, a size from 0.05 to 10 m kept, anything else refused.
func TestSettingsPlanCell(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	if c := LoadSettings(p).PlanCell; c != 0 || cellText(c) != "" {
		t.Errorf("default plan cell %g (%q), want automatic", c, cellText(c))
	}
	p.SetFloat(prefPlanCell, 2)
	if c := LoadSettings(p).PlanCell; c != 2 || cellText(c) != "2" {
		t.Errorf("plan cell %g (%q), want 2", c, cellText(c))
	}
	for _, ok := range []string{"", " ", "0.05", "0.5", "10"} {
		if err := checkCell(ok); err != nil {
			t.Errorf("checkCell(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"0", "0.01", "11", "-1", "abc", "NaN"} {
		if err := checkCell(bad); err == nil {
			t.Errorf("checkCell(%q) accepted", bad)
		}
	}
}

// TestPlanCellChosen checks that plan mode over a town-sized community
// chooses its cells, and that a size set too fine for it is refused.
func TestPlanCellChosen(t *testing.T) {
	useLanguage(t, locale.English)
	s := newStore(t, "town.gpkg")
	x, y, d := 121.45, 31.22, 0.047 // about 4.5 km north to south
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Insert(store.KeyArea{Geom: orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}},
			Code: "TOWN", Kind: "gate", RequiredLevel: "observe"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := computePlan(context.Background(), s, locale.English, 0)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !r.cellChosen || !(r.cell > 0.5) {
		t.Errorf("cell %g m, chosen %v: want a larger cell chosen", r.cell, r.cellChosen)
	}
	if r := computePlan(context.Background(), s, locale.English, 0.5); r.err == nil || !strings.Contains(r.err.Error(), "use larger cells") {
		t.Errorf("0.5 m cells over a town: %v, want refused", r.err)
	}
	small := planStore(t)
	if r := computePlan(context.Background(), small, locale.English, 0); r.err != nil || r.cell != 0.5 || r.cellChosen {
		t.Errorf("small community: cell %g, chosen %v, %v", r.cell, r.cellChosen, r.err)
	}
}

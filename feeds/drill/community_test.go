package drill

import (
	"context"
	"path/filepath"
	"testing"

	"safetynet/data/demo"
	"safetynet/data/store"
)

func TestReadCommunity(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	empty, err := ReadCommunity(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := empty.Place("KA-EBIKE"); ok || empty.Path != nil {
		t.Errorf("an empty store gives a place or a path: %+v", empty)
	}
	if err := demo.Write(ctx, s); err != nil {
		t.Fatal(err)
	}
	c, err := ReadCommunity(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"KA-EBIKE", "CAM-003", "GATE-N"} {
		if g, ok := c.Place(code); !ok || g == nil {
			t.Errorf("the demo's %s is not found", code)
		}
	}
	if _, ok := c.Place("NO-SUCH"); ok {
		t.Error("an unknown code is found")
	}
	fac, err := s.Facilities(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fac {
		if f.Kind == "fire_station" {
			found = true
			if c.Base != f.Geom {
				t.Errorf("base %v, the micro fire station is at %v", c.Base, f.Geom)
			}
			break
		}
	}
	if !found {
		t.Fatal("the demo has no fire station")
	}
	if c.Path == nil {
		t.Fatal("no paths on foot")
	}
	us := c.StationUnits(2, "en")
	if len(us) != 2 || us[1].Subject != "drill-unit:2" || us[1].Title != "Micro fire station team 2" || us[0].At != c.Base {
		t.Errorf("units: %+v", us)
	}
	if zh := c.StationUnits(1, "zh"); zh[0].Title != "微型消防站1组" {
		t.Errorf("Chinese title %q", zh[0].Title)
	}
}

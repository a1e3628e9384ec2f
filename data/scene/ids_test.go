package scene

import (
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// TestIDOneRule: the scene's ID of a store feature, the one rule every
// caller names cameras by, keeps codes unique (a second camera with the
// same code gets "#n"), falls back to the OSM id and to layer/fid, and
// FID turns each ID back into the feature's fid.
func TestIDOneRule(t *testing.T) {
	at := func(dx float64) orb.Point { return orb.Point{121.6 + dx*1e-4, 31.2} }
	fs := []store.Feature{
		store.Camera{FID: 1, Geom: at(0), Code: "CAM-1", HFOV: 60},
		store.Camera{FID: 2, Geom: at(1), Code: "CAM-1", HFOV: 60},
		store.Camera{FID: 3, Geom: at(2), OSMID: "node/7", HFOV: 60},
		store.Camera{FID: 4, Geom: at(3), HFOV: 60},
		store.Camera{FID: 5, Geom: at(4), Code: "CAM-1", HFOV: 60},
		store.Equipment{FID: 6, Geom: at(5), Code: "FE-1", Kind: store.FireCabinet},
	}
	s := FromFeatures(fs)
	want := map[int64]string{1: "CAM-1", 2: "CAM-1#1", 3: "node/7", 4: "cameras/4", 5: "CAM-1#4"}
	seen := map[string]bool{}
	for fid, id := range want {
		got, ok := s.ID(store.Cameras, fid)
		if !ok || got != id {
			t.Errorf("ID(cameras, %d) = %q, %v; want %q", fid, got, ok, id)
		}
		if back, ok := s.FID(store.Cameras, got); !ok || back != fid {
			t.Errorf("FID(cameras, %q) = %d, %v; want %d", got, back, ok, fid)
		}
		seen[got] = true
	}
	for _, c := range s.Scene.Cameras {
		if !seen[c.ID] {
			t.Errorf("the scene has camera %q that ID gives no fid", c.ID)
		}
	}
	if id, ok := s.ID(store.FireEquipment, 6); !ok || id != "FE-1" {
		t.Errorf("ID(fire_equipment, 6) = %q, %v", id, ok)
	}
	if _, ok := s.ID(store.Cameras, 99); ok {
		t.Error("ID of a fid the scene does not have")
	}
	for _, tc := range []struct {
		code, osm string
		fid       int64
		want      string
	}{{"C", "node/1", 3, "C"}, {"", "node/1", 3, "node/1"}, {"", "", 3, "cameras/3"}, {"", "", 0, ""}} {
		if got := FeatureID(store.Cameras, tc.code, tc.osm, tc.fid); got != tc.want {
			t.Errorf("FeatureID(%q, %q, %d) = %q, want %q", tc.code, tc.osm, tc.fid, got, tc.want)
		}
	}
}

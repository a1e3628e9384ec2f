package store_test

import (
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

func TestSearchAndGet(t *testing.T) {
	s, _ := newStore(t)
	s.Update(ctx, func(tx *store.Tx) error {
		tx.Insert(store.Camera{Geom: orb.Point{121.6, 31.2}, Names: store.Names{Name: "南门摄像机", NameEn: "South Gate camera"}, Code: "CAM-001"})
		tx.Insert(store.Camera{Geom: orb.Point{121.61, 31.21}, Names: store.Names{Name: "北门", NameEn: "North Gate"}, Code: "CAM-002"})
		tx.Insert(store.Building{Geom: orb.MultiPolygon{square(121.6, 31.2, 0.001)}, Names: store.Names{Name: "1号楼"}, OSMID: "way/42"})
		tx.Insert(store.Facility{Geom: orb.Point{121.6, 31.2}, Kind: "police", Names: store.Names{Name: "100%_sure"}})
		return nil
	})
	for _, tc := range []struct {
		query string
		want  []string // layer/fid in order
	}{
		{"gate", []string{"cameras/1", "cameras/2"}},
		{"GATE CAMERA", []string{"cameras/1"}},
		{"南门", []string{"cameras/1"}},
		{"cam-002", []string{"cameras/2"}},
		{"way/42", []string{"buildings/1"}},
		{"cameras/2", []string{"cameras/2"}},
		{"1号楼", []string{"buildings/1"}},
		{"%", []string{"facilities/1"}},
		{"_", []string{"facilities/1"}},
		{"nothing like this", nil},
		{"  ", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			hits, err := s.Search(ctx, tc.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Layer+"/"+strconv.FormatInt(h.FID, 10))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	hits, _ := s.Search(ctx, "1", 10)
	if len(hits) == 0 || hits[0].FID != 1 {
		t.Errorf("fid search: %+v", hits)
	}
	if hits, _ := s.Search(ctx, "gate", 1); len(hits) != 1 {
		t.Errorf("limit ignored: %d hits", len(hits))
	}
	r, ok, err := s.Get(ctx, store.Cameras, 2)
	if err != nil || !ok || r.Props["code"] != "CAM-002" || r.Geom != (orb.Point{121.61, 31.21}) {
		t.Errorf("get = %+v %v %v", r, ok, err)
	}
	if _, ok, err := s.Get(ctx, store.Cameras, 99); ok || err != nil {
		t.Errorf("missing feature: %v %v", ok, err)
	}
}

package store_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

func TestBarriersRoundTrip(t *testing.T) {
	s, _ := newStore(t)
	wall := store.Barrier{Geom: orb.LineString{{121.6, 31.2}, {121.601, 31.2}, {121.601, 31.201}},
		Names: store.Names{Name: "南围墙"}, Kind: store.BarrierWall, Height: 2.4, Opaque: true, OSMID: "way/5"}
	fence := store.Barrier{Geom: orb.LineString{{121.7, 31.3}, {121.701, 31.3}}, Kind: store.BarrierFence}
	err := s.Update(ctx, func(tx *store.Tx) error {
		for _, f := range []store.Feature{wall, fence} {
			if _, err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Barriers(ctx, orb.Bound{Min: orb.Point{121.59, 31.19}, Max: orb.Point{121.65, 31.25}})
	if err != nil {
		t.Fatal(err)
	}
	wall.FID = 1
	if len(got) != 1 || got[0].FID != 1 || got[0].Name != "南围墙" || got[0].Kind != "wall" || got[0].Height != 2.4 ||
		!got[0].Opaque || got[0].OSMID != "way/5" || !orb.Equal(got[0].Geom, wall.Geom) {
		t.Errorf("barriers in the box = %+v, want only %+v", got, wall)
	}
	recs, err := s.Records(ctx, store.Barriers, store.World)
	if err != nil || len(recs) != 2 {
		t.Fatalf("records: %v %v", recs, err)
	}
	// An unknown height is NULL, not 0 m; a fence one sees through is not opaque.
	if recs[1].Props["height"] != nil || recs[1].Props["opaque"] != false || recs[1].Props["kind"] != "fence" {
		t.Errorf("fence record = %v", recs[1].Props)
	}
	if hits, _ := s.Search(ctx, "南围墙", 5); len(hits) != 1 || hits[0].Layer != store.Barriers {
		t.Errorf("search 南围墙 = %+v", hits)
	}
	if g := store.GeometryType(store.Barriers); g != "LINESTRING" {
		t.Errorf("geometry type %q", g)
	}
}

// makeOlder turns the store at path into one written by schema version 1,
// before the barriers layer existed.
func makeOlder(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`DROP TABLE barriers`,
		`DROP TABLE rtree_barriers_geom`,
		`DELETE FROM gpkg_geometry_columns WHERE table_name = 'barriers'`,
		`DELETE FROM gpkg_contents WHERE table_name = 'barriers'`,
		`DELETE FROM gpkg_extensions WHERE table_name = 'barriers'`,
		`UPDATE safetynet_meta SET value = '1' WHERE key = 'schema_version'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestMigrateAddsBarriers(t *testing.T) {
	s, path := newStore(t)
	if err := s.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Insert(store.Building{Geom: orb.MultiPolygon{square(121.6, 31.2, 0.001)}, Use: "residential"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	makeOlder(t, path)

	// Read-only, an older file still opens: no barriers, no error.
	ro, err := store.OpenWith(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if ro.Has(store.Barriers) || !ro.Has(store.Buildings) {
		t.Errorf("read-only older file: Has(barriers) %v, Has(buildings) %v", ro.Has(store.Barriers), ro.Has(store.Buildings))
	}
	if bs, err := ro.Barriers(ctx, store.World); err != nil || bs != nil {
		t.Errorf("Barriers of an older file: %v %v", bs, err)
	}
	if n, err := ro.Count(ctx, store.Barriers); err != nil || n != 0 {
		t.Errorf("Count(barriers) of an older file: %d %v", n, err)
	}
	if _, ok, err := ro.Extent(ctx); err != nil || !ok {
		t.Errorf("Extent of an older file: %v %v", ok, err)
	}
	ro.Close()

	// Read-write, it gains the table and keeps its features.
	rw, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if !rw.Has(store.Barriers) {
		t.Fatal("the barriers table was not added")
	}
	if err := rw.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Insert(store.Barrier{Geom: orb.LineString{{121.6, 31.2}, {121.601, 31.2}}, Kind: "wall", Opaque: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n, _ := rw.Count(ctx, store.Barriers); n != 1 {
		t.Errorf("%d barriers after insert, want 1", n)
	}
	if n, _ := rw.Count(ctx, store.Buildings); n != 1 {
		t.Errorf("%d buildings after migration, want 1", n)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v, geomType string
	db.QueryRow(`SELECT value FROM safetynet_meta WHERE key = 'schema_version'`).Scan(&v)
	db.QueryRow(`SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'barriers'`).Scan(&geomType)
	if v != fmt.Sprint(store.SchemaVersion) || geomType != "LINESTRING" {
		t.Errorf("schema version %q, geometry type %q; want %d, LINESTRING", v, geomType, store.SchemaVersion)
	}
}

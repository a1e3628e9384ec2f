package main

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/osmimport"
	"safetynet/data/store"
)

// BenchmarkImportMonaco imports monaco.osm.pbf (23,370 buildings) into a new
// store, and in the same run has GDAL's ogr2ogr convert the same file to a
// GeoPackage. It reports both times and GDAL's time over ours.
func BenchmarkImportMonaco(b *testing.B) {
	pbf := sharedData(b, "osm/monaco.osm.pbf")
	ogr2ogr := tool(b, "ogr2ogr")
	var ours, gdal time.Duration
	var buildings int
	for i := 0; b.Loop(); i++ {
		dir := b.TempDir()
		start := time.Now()
		s, err := store.Open(filepath.Join(dir, "ours.gpkg"))
		if err != nil {
			b.Fatal(err)
		}
		st, err := osmimport.Import(context.Background(), s, pbf, nil)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		ours += time.Since(start)
		buildings = st.Built[store.Buildings]

		start = time.Now()
		if out, err := exec.Command(ogr2ogr, "-f", "GPKG", filepath.Join(dir, "gdal.gpkg"), pbf).CombinedOutput(); err != nil {
			b.Fatalf("ogr2ogr: %v\n%s", err, out)
		}
		gdal += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()/n, "ours-s")
	b.ReportMetric(gdal.Seconds()/n, "ogr2ogr-s")
	b.ReportMetric(gdal.Seconds()/ours.Seconds(), "ogr2ogr/ours")
	b.ReportMetric(float64(buildings), "buildings")
}

// detailedDB writes a store holding one building whose outline has n
// corners (a circle of 60 m with a wobble, as a scanned outline gives),
// a camera and an extinguisher outside it and a key area around it, and
// returns its path.
func detailedDB(t testing.TB, n int) string {
	t.Helper()
	lon0, lat0 := 121.4535, 31.2205
	const perM = 1 / 111320.0 // degrees of latitude per metre
	at := func(x, y float64) orb.Point {
		return orb.Point{lon0 + x*perM/math.Cos(lat0*math.Pi/180), lat0 + y*perM}
	}
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		r := 60 + 0.5*math.Sin(12*a)
		ring = append(ring, at(r*math.Cos(a), r*math.Sin(a)))
	}
	ring = append(ring, ring[0])
	sq := func(d float64) orb.Polygon {
		return orb.Polygon{{at(-d, -d), at(d, -d), at(d, d), at(-d, d), at(-d, -d)}}
	}
	return storeWith(t,
		store.Building{Geom: orb.MultiPolygon{{ring}}, Use: "yes"},
		store.KeyArea{Geom: sq(90), Code: "KA-RING", Kind: "gate", RequiredLevel: "observe"},
		store.Camera{Geom: at(-75, 0), Code: "CAM-W", MountHeight: 4, Heading: 90, Tilt: 10, HFOV: 90,
			ResolutionH: 1920, MaxRange: 60, Status: store.CameraOnline},
		store.Equipment{Geom: at(70, 0), Code: "FE-E", Kind: store.ExtinguisherHandheld, FireClass: "ABC"},
	)
}

// BenchmarkDetailedBuilding runs `safetynetctl coverage` on a store
// holding one building of a million corners: the outline must not make
// the walking map, the inside tests or the raster quadratic.
func BenchmarkDetailedBuilding(b *testing.B) {
	db := detailedDB(b, 1_000_000)
	out := b.TempDir()
	var took time.Duration
	for b.Loop() {
		start := time.Now()
		if o, code := ctl(b, "coverage", "--db", db, "--out", out); code != 0 {
			b.Fatalf("coverage: exit %d\n%s", code, o)
		}
		took += time.Since(start)
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "s/coverage")
}

package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

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

package store_test

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/proj"
)

// The query benchmark's store: a million building footprints of 12-30 m at
// about 400 per km² (Monaco's density is about 350 per km²), spread over
// 50 x 50 km around Shanghai.
const (
	benchFeatures = 1_000_000
	benchSide     = 50_000.0 // metres
)

var benchOrigin = orb.Point{121.47, 31.23}

func footprint(l proj.Local, r *rand.Rand) orb.MultiPolygon {
	x, y := r.Float64()*benchSide-benchSide/2, r.Float64()*benchSide-benchSide/2
	w, h := 12+r.Float64()*18, 12+r.Float64()*18
	ring := orb.Ring{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}
	for i, p := range ring {
		ring[i] = l.ToLonLat(p)
	}
	return orb.MultiPolygon{{ring}}
}

func insertBuildings(b testing.TB, s *store.Store, n int, seed uint64) {
	l := proj.New(benchOrigin)
	r := rand.New(rand.NewPCG(seed, 1))
	const batch = 100_000
	for done := 0; done < n; done += batch {
		err := s.Update(ctx, func(tx *store.Tx) error {
			for i := done; i < min(done+batch, n); i++ {
				f := store.Building{Geom: footprint(l, r), Height: 18, Levels: 6, Use: "residential"}
				if _, err := tx.Insert(f); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

var (
	bigOnce sync.Once
	bigPath string
)

func bigStore(b *testing.B) *store.Store {
	bigOnce.Do(func() {
		dir, err := tmpDir()
		if err != nil {
			b.Fatal(err)
		}
		bigPath = filepath.Join(dir, "million.gpkg")
		s, err := store.Open(bigPath)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		insertBuildings(b, s, benchFeatures, 7)
		b.Logf("built a store of %d buildings in %.1fs", benchFeatures, time.Since(start).Seconds())
		s.Close()
	})
	s, err := store.OpenWith(bigPath, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkBoundingBoxQuery reads the buildings of a 200 m box at a random
// place of the million-feature store, with typed decoding, and reports the
// latency percentiles and the features per query.
func BenchmarkBoundingBoxQuery(b *testing.B) {
	s := bigStore(b)
	defer s.Close()
	l := proj.New(benchOrigin)
	r := rand.New(rand.NewPCG(3, 4))
	lat := make([]time.Duration, 0, b.N)
	found := 0
	b.ResetTimer()
	for b.Loop() {
		x, y := r.Float64()*(benchSide-200)-benchSide/2, r.Float64()*(benchSide-200)-benchSide/2
		box := orb.Bound{Min: l.ToLonLat(orb.Point{x, y}), Max: l.ToLonLat(orb.Point{x + 200, y + 200})}
		t := time.Now()
		got, err := s.Buildings(ctx, box)
		lat = append(lat, time.Since(t))
		if err != nil {
			b.Fatal(err)
		}
		found += len(got)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(math.Min(float64(len(lat)-1), p*float64(len(lat))))].Microseconds())
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(found)/float64(len(lat)), "features/query")
}

// BenchmarkBulkInsert inserts 100,000 buildings in one transaction into a
// new store, with the R-tree kept up to date, and reports features per second.
func BenchmarkBulkInsert(b *testing.B) {
	const n = 100_000
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		dir := b.TempDir()
		s, err := store.Open(filepath.Join(dir, "bulk.gpkg"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		insertBuildings(b, s, n, uint64(i))
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "features/s")
}

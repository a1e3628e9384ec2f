package scene

import (
	"testing"

	"safetynet/data/demo"
	"safetynet/geo/coverage"
	"safetynet/geo/placement"
)

// BenchmarkDemo loads the demo community and computes all of its
// coverage: cameras, patrols, extinguishers and hydrants on foot.
func BenchmarkDemo(b *testing.B) {
	fs := demo.Community()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := FromFeatures(fs).Model(coverage.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSuggest suggests 5 cameras for the demo's key areas.
func BenchmarkSuggest(b *testing.B) {
	m, err := FromFeatures(demo.Community()).Model(coverage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := placement.Suggest(m, placement.Options{N: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

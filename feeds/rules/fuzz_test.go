package rules

import (
	"reflect"
	"testing"
)

// FuzzParse: any input either fails with an error or gives rules that
// survive Format and Parse unchanged and that New checks without panicking.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleJSON))
	for _, s := range []string{
		`[]`, `null`, `[null]`, `[{}]`, `{`, `[{"id":"a","kind":"enter","zone":"KA-A"}]`,
		`[{"id":"a","kind":"absence","zone":"KA-A","minutes":1e-300}]`,
		`[{"id":"c","kind":"camera_coverage","min_share":1}]`,
		`[{"id":"c","kind":"checkpoint","route":"PR-N","minutes":10080}]`,
		`[{"id":"x","kind":"enter","zone":"\u00e9\ud800"}]`,
		`[{"id":"a","kind":"leave","zone":"KA-B","units":""},{"id":"a"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := Parse(data)
		if err != nil {
			return
		}
		back, err := Parse(Format(rs))
		if err != nil {
			t.Fatalf("Parse(Format(r)): %v\n%s", err, Format(rs))
		}
		if !reflect.DeepEqual(back, rs) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, rs)
		}
		g, err := New(rs, testEnv(), t0)
		if err != nil {
			return
		}
		g.Observe(pos("patrol:PR-1", t0, inA), t0)
		g.Tick(t0.Add(48 * 3600e9))
	})
}

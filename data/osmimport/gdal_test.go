package osmimport

import (
	"testing"

	"github.com/paulmach/osm"
)

func TestParseHstore(t *testing.T) {
	got, err := parseHstore(`"addr:street"=>"Rue \"A\"","height"=>"12","x"=>"a\\b"`)
	want := osm.Tags{{Key: "addr:street", Value: `Rue "A"`}, {Key: "height", Value: "12"}, {Key: "x", Value: `a\b`}}
	if err != nil || len(got) != len(want) {
		t.Fatalf("got %v, %v", got, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tag %d: %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{`"a"=>`, `"a"=>"b"x`, `a=>b`, `"a"=>"b`} {
		if _, err := parseHstore(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParseHstore(f *testing.F) {
	f.Add(`"a"=>"b","c"=>"d"`)
	f.Add(`"a\"b"=>"\\"`)
	f.Add(`"a"=>`)
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := parseHstore(s)
		if err != nil && tags != nil {
			t.Fatalf("tags %v with error %v", tags, err)
		}
	})
}

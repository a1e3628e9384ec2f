package osmimport

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/data/store"
)

// TestBadCoordinateNamed: a node whose lat does not parse is named with
// its id and line, not a bare strconv error.
func TestBadCoordinateNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.osm")
	os.WriteFile(path, []byte(`<osm version="0.6">
<node id="1" lat="1" lon="2"/>
<node id="7" lat="1,5" lon="2"/>
</osm>`), 0o644)
	_, _, err := ReadFile(context.Background(), path, nil)
	if err == nil || !strings.Contains(err.Error(), "node 7 (line 3) attribute lat") || !strings.Contains(err.Error(), `"1,5"`) {
		t.Errorf("got %v", err)
	}
	if strings.Contains(err.Error(), "strconv") {
		t.Errorf("bare strconv error: %v", err)
	}
}

// TestEntityBomb: an XML file declaring entities is refused as such.
func TestEntityBomb(t *testing.T) {
	bomb := `<?xml version="1.0"?>
<!DOCTYPE osm [
<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<osm version="0.6"><node id="1" lat="1" lon="2"><tag k="name" v="&c;"/></node></osm>`
	for name, text := range map[string]string{
		"declared":   bomb,
		"undeclared": `<osm version="0.6"><node id="1" lat="1" lon="2"><tag k="name" v="&c;"/></node></osm>`,
	} {
		_, _, err := Read(context.Background(), strings.NewReader(text), "bomb.osm", nil)
		if !errors.Is(err, ErrEntity) || errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrEntity", name, err)
		}
	}
}

// TestWicketGateAndEntrances: barrier=wicket_gate and entrance=* nodes
// are access points, their kind kept.
func TestWicketGateAndEntrances(t *testing.T) {
	fs, _, err := Read(context.Background(), strings.NewReader(`<osm version="0.6">
<node id="1" lat="31" lon="121"><tag k="barrier" v="wicket_gate"/></node>
<node id="2" lat="31" lon="121.001"><tag k="entrance" v="main"/><tag k="name" v="North door"/></node>
<node id="3" lat="31" lon="121.002"><tag k="entrance" v="yes"/></node>
<node id="4" lat="31" lon="121.003"><tag k="entrance" v="emergency"/></node>
<node id="5" lat="31" lon="121.004"><tag k="entrance" v="no"/></node>
</osm>`), "e.osm", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"node/1": "pedestrian_gate", "node/2": "main_entrance", "node/3": "entrance", "node/4": "emergency_entrance"}
	got := map[string]string{}
	for _, f := range fs {
		if a, ok := f.(*store.AccessPoint); ok {
			got[a.OSMID] = a.Kind
		}
	}
	if len(got) != len(want) {
		t.Errorf("access points %v, want %v", got, want)
	}
	for id, k := range want {
		if got[id] != k {
			t.Errorf("%s: kind %q, want %q", id, got[id], k)
		}
	}
}

package osmimport

import (
	"context"
	"strings"
	"testing"

	"safetynet/data/store"
)

// courtyard is a building ring (way 1) with a courtyard (way 2) made a
// multipolygon by relation 10; the tags are set per case.
func courtyard(wayTags, relTags string) string {
	return `<osm version="0.6">
<node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="0.001"/><node id="3" lat="0.001" lon="0.001"/><node id="4" lat="0.001" lon="0"/>
<node id="5" lat="0.0003" lon="0.0003"/><node id="6" lat="0.0003" lon="0.0007"/><node id="7" lat="0.0007" lon="0.0007"/><node id="8" lat="0.0007" lon="0.0003"/>
<way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>` + wayTags + `</way>
<way id="2"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/></way>
<relation id="10"><member type="way" ref="1" role="outer"/><member type="way" ref="2" role="inner"/><tag k="type" v="multipolygon"/>` + relTags + `</relation>
</osm>`
}

// TestOuterWayNotTwice: the outer way of a multipolygon with only the
// relation's tags is not a second, filled-in area; one with tags of its
// own is still imported.
func TestOuterWayNotTwice(t *testing.T) {
	bt := `<tag k="building" v="yes"/>`
	for _, c := range []struct {
		name, way, rel string
		want           []string // osm ids of the buildings and landuse
	}{
		{"same tags", bt + `<tag k="source" v="survey"/>`, bt, []string{"relation/10"}},
		{"old style", bt, ``, []string{"relation/10"}},
		{"own tags", `<tag k="landuse" v="retail"/>`, bt, []string{"way/1", "relation/10"}},
		{"more tags", bt + `<tag k="name" v="Annex"/>`, bt, []string{"way/1", "relation/10"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs, _, err := Read(context.Background(), strings.NewReader(courtyard(c.way, c.rel)), "c.osm", nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				switch f := f.(type) {
				case *store.Building:
					got = append(got, f.OSMID)
					if f.OSMID == "relation/10" && (len(f.Geom) != 1 || len(f.Geom[0]) != 2) {
						t.Errorf("relation/10 has no courtyard: %v", f.Geom)
					}
				case *store.Land:
					got = append(got, f.OSMID)
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("areas %v, want %v", got, c.want)
			}
		})
	}
}

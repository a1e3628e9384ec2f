package osmimport

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// barrierXML is a hand-written extract: nodes on a grid of 0.001° (see at),
// and ways with barrier tags.
const barrierXML = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="1" lat="60.1" lon="24.9"/>
  <node id="2" lat="60.1" lon="24.901"/>
  <node id="3" lat="60.101" lon="24.901"/>
  <node id="4" lat="60.101" lon="24.9"/>
  <node id="5" lat="60.102" lon="24.9"/>
  <node id="6" lat="60.102" lon="24.902">
    <tag k="barrier" v="gate"/>
  </node>
  <way id="10">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="barrier" v="wall"/><tag k="height" v="2.5 m"/><tag k="name" v="南围墙"/>
  </way>
  <way id="11">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="barrier" v="fence"/><tag k="fence_type" v="chain_link"/>
  </way>
  <way id="12">
    <nd ref="4"/><nd ref="5"/>
    <tag k="barrier" v="fence"/><tag k="fence_type" v="wood"/><tag k="height" v="1.8"/>
  </way>
  <way id="13">
    <nd ref="4"/><nd ref="5"/><nd ref="6"/>
    <tag k="barrier" v="hedge"/>
  </way>
  <way id="14">
    <nd ref="999"/><nd ref="4"/><nd ref="5"/>
    <tag k="barrier" v="retaining_wall"/>
  </way>
  <way id="15">
    <nd ref="998"/><nd ref="997"/>
    <tag k="barrier" v="city_wall"/>
  </way>
  <way id="16">
    <nd ref="1"/><nd ref="2"/>
    <tag k="barrier" v="kerb"/>
  </way>
  <way id="17">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="landuse" v="construction"/><tag k="barrier" v="fence"/><tag k="fence_type" v="railing"/>
  </way>
  <way id="18">
    <nd ref="5"/><nd ref="6"/>
    <tag k="barrier" v="fence"/><tag k="height" v="tall"/>
  </way>
</osm>
`

func TestBarriers(t *testing.T) {
	fs, st, err := Read(context.Background(), strings.NewReader(barrierXML), "barriers.osm", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*store.Barrier{}
	for _, f := range fs {
		if b, ok := f.(*store.Barrier); ok {
			got[b.OSMID] = b
		}
	}
	pt := func(x, y float64) orb.Point { lon, lat := at(x, y); return orb.Point{lon, lat} }
	want := []struct {
		id     string
		kind   string
		height float64
		opaque bool
		line   orb.LineString
	}{
		{"way/10", "wall", 2.5, true, orb.LineString{pt(0, 0), pt(1, 0), pt(1, 1)}},
		// A closed fence stays a line, closed; chain-link is seen through.
		{"way/11", "fence", 0, false, orb.LineString{pt(0, 0), pt(1, 0), pt(1, 1), pt(0, 1), pt(0, 0)}},
		{"way/12", "fence", 1.8, true, orb.LineString{pt(0, 1), pt(0, 2)}},
		{"way/13", "hedge", 0, true, orb.LineString{pt(0, 1), pt(0, 2), pt(2, 2)}},
		// Cut at the edge of the file: the part inside is kept.
		{"way/14", "retaining_wall", 0, true, orb.LineString{pt(0, 1), pt(0, 2)}},
		// A fence round a landuse area: both are built; railings are seen through.
		{"way/17", "fence", 0, false, orb.LineString{pt(0, 0), pt(1, 0), pt(1, 1), pt(0, 1), pt(0, 0)}},
		// A height that is not a number is unknown.
		{"way/18", "fence", 0, true, orb.LineString{pt(0, 2), pt(2, 2)}},
	}
	if len(got) != len(want) || st.Built[store.Barriers] != len(want) {
		t.Errorf("%d barriers (Built %d), want %d: %v", len(got), st.Built[store.Barriers], len(want), got)
	}
	for _, w := range want {
		b := got[w.id]
		if b == nil {
			t.Errorf("%s: not built", w.id)
			continue
		}
		if b.Kind != w.kind || b.Height != w.height || b.Opaque != w.opaque || len(b.Geom) != len(w.line) {
			t.Errorf("%s: %s %v m opaque %v, %d points; want %s %v m opaque %v, %d points",
				w.id, b.Kind, b.Height, b.Opaque, len(b.Geom), w.kind, w.height, w.opaque, len(w.line))
			continue
		}
		for i := range w.line {
			if math.Abs(b.Geom[i][0]-w.line[i][0]) > 1e-9 || math.Abs(b.Geom[i][1]-w.line[i][1]) > 1e-9 {
				t.Errorf("%s: point %d at %v, want %v", w.id, i, b.Geom[i], w.line[i])
			}
		}
	}
	if got["way/10"] != nil && got["way/10"].Name != "南围墙" {
		t.Errorf("way/10 name %q", got["way/10"].Name)
	}
	if st.Built[store.Landuse] != 1 {
		t.Errorf("landuse of way/17: %d built, want 1", st.Built[store.Landuse])
	}
	if st.Clipped != 1 || st.SkippedWays != 1 || !strings.Contains(strings.Join(st.Skipped, "\n"), "way/15 barrier=city_wall: 2 of 2 nodes outside the file") {
		t.Errorf("clipped %d, skipped %d: %q; want 1, 1 with way/15", st.Clipped, st.SkippedWays, st.Skipped)
	}
}

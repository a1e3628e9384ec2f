package osmimport

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

// readExtract reads one of the real extracts described in
// shared/data/PROVENANCE.md (testenv.SharedData: skipped when absent, a
// failure in CI).
func readExtract(tb testing.TB, name string) ([]store.Feature, Stats) {
	tb.Helper()
	f, err := os.Open(testenv.SharedData(tb, "osm/"+name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	fs, st, err := Read(context.Background(), f, name, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return fs, st
}

// tally counts features by layer and by kind: "hydrant_outdoor",
// "assembly_point", ...
func tally(fs []store.Feature) map[string]int {
	n := map[string]int{}
	for _, f := range fs {
		n[f.Layer()]++
		switch f := f.(type) {
		case *store.Equipment:
			n[f.Kind]++
		case *store.Facility:
			n[f.Kind]++
		case *store.Barrier:
			n["barrier="+f.Kind]++
			if !f.Opaque {
				n["barrier see-through"]++
			}
		}
	}
	return n
}

func TestReadExtracts(t *testing.T) {
	tests := []struct {
		file string
		// exact counts by tally key
		exact map[string]int
		// minimum counts by tally key
		atLeast      map[string]int
		skippedWays  bool // some ways must be reported skipped
		skippedNodes int  // building nodes
	}{
		{
			file: "helsinki-centre.osm.pbf",
			exact: map[string]int{store.Cameras: 221, store.HydrantOutdoor: 37, "fire_station": 1,
				// As ogrinfo counts them in the lines and multipolygons layers.
				store.Barriers: 234, "barrier=wall": 33, "barrier=fence": 98, "barrier=hedge": 28,
				"barrier=retaining_wall": 75, "barrier see-through": 1},
			atLeast:      map[string]int{store.Buildings: 430, store.Roads: 2000, store.Landuse: 200},
			skippedWays:  true,
			skippedNodes: 36,
		},
		{
			file:    "kotka-centre.osm.pbf",
			atLeast: map[string]int{store.Buildings: 2100, store.Roads: 300},
		},
		{
			file: "taipei-xinyi.osm",
			exact: map[string]int{store.HydrantOutdoor: 12, "assembly_point": 1, store.Buildings: 18,
				store.Barriers: 9, "barrier=wall": 3, "barrier=hedge": 6},
			atLeast: map[string]int{store.Roads: 50},
		},
		{
			file:         "monaco.osm.pbf",
			exact:        map[string]int{"police": 14, "fire_station": 3, store.Defibrillator: 5},
			atLeast:      map[string]int{store.Buildings: 23300, store.Roads: 2800},
			skippedNodes: 6,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			fs, st := readExtract(t, tt.file)
			n := tally(fs)
			t.Logf("%s: %v; skipped %d ways, %d relations, %d building nodes; %d clipped",
				tt.file, st.Built, st.SkippedWays, st.SkippedRelations, st.BuildingNodes, st.Clipped)
			for k, want := range tt.exact {
				if n[k] != want {
					t.Errorf("%s: got %d, want %d", k, n[k], want)
				}
			}
			for k, want := range tt.atLeast {
				if n[k] < want {
					t.Errorf("%s: got %d, want at least %d", k, n[k], want)
				}
			}
			if tt.skippedWays && (st.SkippedWays == 0 || len(st.Skipped) == 0) {
				t.Errorf("no skipped ways reported for a clipped extract: %+v", st)
			}
			if st.BuildingNodes != tt.skippedNodes {
				t.Errorf("building nodes: got %d, want %d", st.BuildingNodes, tt.skippedNodes)
			}
			for layer, c := range st.Built {
				if n[layer] != c {
					t.Errorf("Stats.Built[%s] = %d, but %d features", layer, c, n[layer])
				}
			}
			checkGeometry(t, fs)
		})
	}
}

// checkGeometry checks the invariants of every feature's geometry: closed
// rings of at least 4 points, outer rings counter-clockwise and inner ones
// clockwise, lines of at least 2 points, an OSM id.
func checkGeometry(t *testing.T, fs []store.Feature) {
	t.Helper()
	errs := 0
	fail := func(f store.Feature, msg string) {
		if errs++; errs <= 5 {
			t.Errorf("%s %s: %s", f.Layer(), osmID(f), msg)
		}
	}
	for _, f := range fs {
		if osmID(f) == "" {
			fail(f, "no OSM id")
		}
		var mp orb.MultiPolygon
		switch f := f.(type) {
		case *store.Building:
			mp = f.Geom
		case *store.Land:
			mp = f.Geom
		case *store.WaterArea:
			mp = f.Geom
		case *store.Road:
			if len(f.Geom) < 2 {
				fail(f, "line of fewer than 2 points")
			}
		case *store.Barrier:
			if len(f.Geom) < 2 {
				fail(f, "line of fewer than 2 points")
			}
		}
		for _, p := range mp {
			for i, r := range p {
				want := orb.CCW
				if i > 0 {
					want = orb.CW
				}
				switch {
				case len(r) < 4:
					fail(f, "ring of fewer than 4 points")
				case !r.Closed():
					fail(f, "ring not closed")
				case r.Orientation() != want:
					fail(f, "ring wound the wrong way")
				}
			}
		}
	}
}

func TestTaipeiNamesByteForByte(t *testing.T) {
	fs, _ := readExtract(t, "taipei-xinyi.osm")
	raw, err := os.ReadFile(testenv.SharedData(t, "osm/taipei-xinyi.osm"))
	if err != nil {
		t.Fatal(err)
	}
	// element returns the raw XML of the element with the given OSM id.
	element := func(id string) []byte {
		typ, num, _ := strings.Cut(id, "/")
		start := bytes.Index(raw, []byte("<"+typ+" id=\""+num+"\""))
		if start < 0 {
			return nil
		}
		end := bytes.Index(raw[start:], []byte("</"+typ+">"))
		if end < 0 {
			return nil
		}
		return raw[start : start+end]
	}
	checked := 0
	for _, f := range fs {
		var n store.Names
		switch f := f.(type) {
		case *store.Road:
			n = f.Names
		case *store.Building:
			n = f.Names
		case *store.Facility:
			n = f.Names
		case *store.Land:
			n = f.Names
		default:
			continue
		}
		el := element(osmID(f))
		for k, v := range map[string]string{"name": n.Name, "name:zh": n.NameZh, "name:en": n.NameEn} {
			if v == "" || strings.ContainsAny(v, `&<>"'`) {
				continue
			}
			if !bytes.Contains(el, []byte(`<tag k="`+k+`" v="`+v+`"/>`)) {
				t.Errorf("%s %s = %q (% x): not byte for byte in the file", osmID(f), k, v, v)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("only %d names checked", checked)
	}

	// One road, its bytes spelled out: 逸仙路42巷.
	want := "\xe9\x80\xb8\xe4\xbb\x99\xe8\xb7\xaf42\xe5\xb7\xb7"
	found := false
	for _, f := range fs {
		if r, ok := f.(*store.Road); ok && r.OSMID == "way/49153730" {
			found = true
			if r.Name != want || r.NameZh != want || r.NameEn != "Lane 42, Yixian Road" {
				t.Errorf("way/49153730 names: %+v", r.Names)
			}
			if r.Class != "service" {
				t.Errorf("way/49153730 class %q, want service", r.Class)
			}
		}
	}
	if !found {
		t.Error("road way/49153730 not read")
	}
}

// Coordinates of the fixtures: a grid of 0.001° cells near Helsinki.
func at(x, y float64) (lon, lat float64) { return 24.9 + x*0.001, 60.1 + y*0.001 }

func node(id int64, x, y float64, tags ...string) tNode {
	lon, lat := at(x, y)
	return tNode{id: id, lon: lon, lat: lat, tags: tags}
}

// multipolygonData has square A (0..10) with a square hole (3..7), square
// B (20..25), and relations:
//
//	100 building: A's outer in two ways, one of them backwards, the hole
//	    (counter-clockwise in the file), and B.
//	101 landuse=grass: A's outer and a missing inner way: built, clipped.
//	102 water: half of A's outer and a missing outer way: skipped.
var multipolygonData = tData{
	nodes: []tNode{
		node(1, 0, 0), node(2, 10, 0), node(3, 10, 10), node(4, 0, 10),
		node(5, 3, 3), node(6, 7, 3), node(7, 7, 7), node(8, 3, 7),
		node(9, 20, 0), node(10, 25, 0), node(11, 25, 5), node(12, 20, 5),
	},
	ways: []tWay{
		{id: 1, refs: []int64{1, 4, 3}},
		{id: 2, refs: []int64{1, 2, 3}},
		{id: 3, refs: []int64{5, 6, 7, 8, 5}},
		{id: 4, refs: []int64{9, 10, 11, 12, 9}},
	},
	rels: []tRel{
		{id: 100, tags: []string{"type", "multipolygon", "building", "school", "name", "學校", "height", "12.5 m", "building:levels", "4"},
			members: []tMember{{"way", 1, "outer"}, {"way", 2, "outer"}, {"way", 3, "inner"}, {"way", 4, "outer"}}},
		{id: 101, tags: []string{"type", "multipolygon", "landuse", "grass"},
			members: []tMember{{"way", 1, "outer"}, {"way", 2, "outer"}, {"way", 999, "inner"}}},
		{id: 102, tags: []string{"type", "multipolygon", "natural", "water"},
			members: []tMember{{"way", 1, "outer"}, {"way", 998, "outer"}}},
	},
}

// pointData has one element of each point kind, and clipped ways.
var pointData = tData{
	nodes: []tNode{
		node(1, 0, 0), node(2, 1, 0), node(3, 1, 1), node(4, 0, 1),
		node(20, 0, 0, "man_made", "surveillance", "camera:direction", "NE", "camera:angle", "60", "height", "4 m", "camera:type", "dome", "name", "閘口"),
		node(21, 1, 0, "man_made", "surveillance"),
		node(22, 2, 0, "emergency", "fire_hydrant", "fire_hydrant:type", "pillar", "ref", "H-7"),
		node(23, 3, 0, "emergency", "fire_hydrant", "location", "indoor"),
		node(24, 4, 0, "emergency", "fire_extinguisher"),
		node(25, 5, 0, "emergency", "defibrillator"),
		node(26, 6, 0, "barrier", "lift_gate"),
		node(27, 7, 0, "barrier", "gate"),
		node(28, 8, 0, "amenity", "police", "name:en", "Police"),
		node(29, 9, 0, "building", "yes"),
		node(30, 9, 1, "man_made", "surveillance", "surveillance:type", "guard"),
	},
	ways: []tWay{
		// a building with a node outside the file: skipped
		{id: 40, refs: []int64{1, 2, 999, 4, 1}, tags: []string{"building", "yes"}},
		// a road cut at the edge of the file: its longest part is kept
		{id: 41, refs: []int64{998, 1, 2, 3, 997, 4}, tags: []string{"highway", "residential"}},
		// a fire station area: a facility at its centroid, and a building
		{id: 42, refs: []int64{1, 2, 3, 4, 1}, tags: []string{"building", "yes", "amenity", "fire_station"}},
		// an open coastline: skipped
		{id: 43, refs: []int64{1, 2, 3}, tags: []string{"natural", "coastline"}},
		// a pedestrian area is not a road
		{id: 44, refs: []int64{1, 2, 3, 4, 1}, tags: []string{"highway", "pedestrian", "area", "yes"}},
	},
}

// encodings of a fixture: OSM XML, and PBF with compressed and raw blocks.
var encodings = []struct {
	name   string
	encode func(tData) []byte
}{
	{"xml", xmlOf},
	{"pbf", func(d tData) []byte { return pbfOf(d, true) }},
	{"pbf-raw", func(d tData) []byte { return pbfOf(d, false) }},
}

func readBytes(t *testing.T, name string, b []byte) ([]store.Feature, Stats) {
	t.Helper()
	fs, st, err := Read(context.Background(), bytes.NewReader(b), name, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fs, st
}

func TestMultipolygon(t *testing.T) {
	for _, enc := range encodings {
		t.Run(enc.name, func(t *testing.T) {
			fs, st := readBytes(t, "mp", enc.encode(multipolygonData))
			byID := map[string]store.Feature{}
			for _, f := range fs {
				byID[osmID(f)] = f
			}

			b, ok := byID["relation/100"].(*store.Building)
			if !ok {
				t.Fatalf("relation/100 is not a building: %v", byID)
			}
			if b.Use != "school" || b.Name != "學校" || b.Height != 12.5 || b.Levels != 4 {
				t.Errorf("building attributes: %+v", b)
			}
			if len(b.Geom) != 2 {
				t.Fatalf("got %d polygons, want 2", len(b.Geom))
			}
			a, bb := b.Geom[0], b.Geom[1]
			if len(a) == 1 {
				a, bb = bb, a
			}
			if len(a) != 2 || len(bb) != 1 {
				t.Fatalf("rings per polygon: %d and %d, want 2 and 1", len(a), len(bb))
			}
			if a[0].Orientation() != orb.CCW || bb[0].Orientation() != orb.CCW {
				t.Error("outer ring not counter-clockwise")
			}
			if a[1].Orientation() != orb.CW {
				t.Error("inner ring not clockwise")
			}
			for _, r := range []orb.Ring{a[0], a[1], bb[0]} {
				if len(r) != 5 || !r.Closed() {
					t.Errorf("ring %v: want 5 points, closed", r)
				}
			}
			lon, lat := at(5, 5)
			if planar.PolygonContains(a, orb.Point{lon, lat}) {
				t.Error("the hole is not a hole")
			}
			lon, lat = at(1, 1)
			if !planar.PolygonContains(a, orb.Point{lon, lat}) {
				t.Error("the polygon does not hold a point between outer and inner")
			}
			if got, want := planar.Area(a), 100e-6-16e-6; math.Abs(got-want) > 1e-9 {
				t.Errorf("area %g, want %g", got, want)
			}

			g, ok := byID["relation/101"].(*store.Land)
			if !ok || g.Class != "grass" || len(g.Geom) != 1 || len(g.Geom[0]) != 1 {
				t.Errorf("relation/101: want grass with one ring, got %+v", byID["relation/101"])
			}
			if _, ok := byID["relation/102"]; ok {
				t.Error("relation/102 built though its outer ring cannot close")
			}
			if st.SkippedRelations != 1 || st.Clipped != 1 {
				t.Errorf("skipped relations %d, clipped %d; want 1, 1", st.SkippedRelations, st.Clipped)
			}
			if len(st.Skipped) != 1 || st.Skipped[0] != "relation/102 water: 1 of 2 member ways outside the file" {
				t.Errorf("skip reasons: %q", st.Skipped)
			}
		})
	}
}

func TestPointsAndClippedWays(t *testing.T) {
	for _, enc := range encodings {
		t.Run(enc.name, func(t *testing.T) {
			fs, st := readBytes(t, "points", enc.encode(pointData))
			byID := map[string][]store.Feature{}
			for _, f := range fs {
				byID[osmID(f)] = append(byID[osmID(f)], f)
			}
			one := func(id string) store.Feature {
				t.Helper()
				if len(byID[id]) != 1 {
					t.Fatalf("%s: %d features, want 1", id, len(byID[id]))
				}
				return byID[id][0]
			}

			c := one("node/20").(*store.Camera)
			lon, lat := at(0, 0)
			if c.Heading != 45 || c.Tilt != 60 || c.HFOV != 90 || c.MountHeight != 4 || !c.PTZ || c.Estimated ||
				c.Name != "閘口" || c.Status != store.CameraOnline || !near(c.Geom, orb.Point{lon, lat}) {
				t.Errorf("tagged camera: %+v", c)
			}
			d := one("node/21").(*store.Camera)
			if d.Heading != 0 || d.HFOV != 90 || d.MountHeight != 3 || d.Tilt != 15 ||
				d.ResolutionH != 1920 || d.MaxRange != 30 || d.PTZ || !d.Estimated {
				t.Errorf("untagged camera: %+v", d)
			}
			if len(byID["node/30"]) != 0 {
				t.Error("a surveillance guard became a camera")
			}
			for id, kind := range map[string]string{
				"node/22": store.HydrantOutdoor, "node/23": store.HydrantIndoor,
				"node/24": store.ExtinguisherHandheld, "node/25": store.Defibrillator,
			} {
				if e := one(id).(*store.Equipment); e.Kind != kind {
					t.Errorf("%s: kind %s, want %s", id, e.Kind, kind)
				}
			}
			if e := one("node/22").(*store.Equipment); e.Code != "H-7" {
				t.Errorf("hydrant code %q", e.Code)
			}
			if e := one("node/24").(*store.Equipment); e.FireClass != "ABC" {
				t.Errorf("extinguisher class %q", e.FireClass)
			}
			if a := one("node/26").(*store.AccessPoint); a.Kind != "vehicle_gate" {
				t.Errorf("lift gate kind %q", a.Kind)
			}
			if a := one("node/27").(*store.AccessPoint); a.Kind != "pedestrian_gate" {
				t.Errorf("gate kind %q", a.Kind)
			}
			if p := one("node/28").(*store.Facility); p.Kind != "police" || p.NameEn != "Police" {
				t.Errorf("police: %+v", p)
			}
			if len(byID["node/29"]) != 0 || st.BuildingNodes != 1 {
				t.Errorf("building node: %d features, BuildingNodes %d", len(byID["node/29"]), st.BuildingNodes)
			}

			if len(byID["way/40"]) != 0 {
				t.Error("a building with a node outside the file was built")
			}
			r := one("way/41").(*store.Road)
			if len(r.Geom) != 3 || r.Class != "residential" {
				t.Errorf("clipped road: %+v", r)
			}
			var station *store.Facility
			var building *store.Building
			for _, f := range byID["way/42"] {
				switch f := f.(type) {
				case *store.Facility:
					station = f
				case *store.Building:
					building = f
				}
			}
			lon, lat = at(0.5, 0.5)
			if station == nil || station.Kind != "fire_station" || !near(station.Geom, orb.Point{lon, lat}) {
				t.Errorf("fire station: %+v", station)
			}
			if building == nil || building.Use != "fire_station" {
				t.Errorf("fire station building: %+v", building)
			}
			if len(byID["way/43"]) != 0 || len(byID["way/44"]) != 0 {
				t.Error("coastline or pedestrian area built")
			}
			if st.SkippedWays != 2 || st.Clipped != 1 {
				t.Errorf("skipped ways %d, clipped %d; want 2, 1: %q", st.SkippedWays, st.Clipped, st.Skipped)
			}
			want := []string{
				"way/40 building: 1 of 5 nodes outside the file",
				"way/43 natural=coastline: an open coastline is not an area",
			}
			if strings.Join(st.Skipped, "\n") != strings.Join(want, "\n") {
				t.Errorf("skip reasons:\n%s\nwant\n%s", strings.Join(st.Skipped, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func near(p, q orb.Point) bool {
	return math.Abs(p[0]-q[0]) < 1e-7 && math.Abs(p[1]-q[1]) < 1e-7
}

func TestParseDirection(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"NE", 45, true},
		{"ne", 45, true},
		{"270", 270, true},
		{"N", 0, true},
		{"SSW", 202.5, true},
		{" 90 ", 90, true},
		{"45.5", 45.5, true},
		{"360", 0, true},
		{"-90", 270, true},
		{"45;90", 45, true},
		{"90-270", 180, true},
		{"270-90", 0, true},
		{"E-W", 180, true},
		{"90°", 90, true},
		{"", 0, false},
		{"up", 0, false},
		{"NaN", 0, false},
		{"-", 0, false},
		{"1-", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseDirection(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseDirection(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseHeight(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true},
		{"12 m", 12, true},
		{"12.5m", 12.5, true},
		{"12,5 m", 12.5, true},
		{"12 metres", 12, true},
		{"40'", 12.192, true},
		{"40 ft", 12.192, true},
		{"40'6\"", 12.3444, true},
		{"12;14", 12, true},
		{"", 0, false},
		{"tall", 0, false},
		{"-3", 0, false},
		{"12 storeys", 0, false},
		{"1e400", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseHeight(tt.in)
		if math.Abs(got-tt.want) > 1e-9 || ok != tt.ok {
			t.Errorf("parseHeight(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestReadBadInput(t *testing.T) {
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	good := pbfOf(pointData, true)
	tests := []struct {
		name string
		data func(t *testing.T) []byte
		want error
	}{
		{"empty.osm", func(*testing.T) []byte { return nil }, ErrFormat},
		{"page.osm", func(*testing.T) []byte { return []byte("<html><body>Not found</body></html>") }, ErrFormat},
		{"page.xml", func(*testing.T) []byte {
			return []byte("<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<html></html>")
		}, ErrFormat},
		{"random.osm.pbf", func(*testing.T) []byte { return random }, ErrFormat},
		{"zipped.osm.gz", func(*testing.T) []byte { return []byte{0x1f, 0x8b, 8, 0, 0, 0} }, ErrFormat},
		{"text.osm", func(*testing.T) []byte { return []byte("node 1 60.1 24.9\n") }, ErrFormat},
		{"cut.osm", func(*testing.T) []byte { return xmlOf(pointData)[:300] }, ErrCorrupt},
		{"cut.osm.pbf", func(*testing.T) []byte { return good[:len(good)-10] }, ErrCorrupt},
		{"header-only.osm.pbf", func(*testing.T) []byte { return good[:40] }, ErrCorrupt},
		{"negative-size.osm.pbf", func(*testing.T) []byte {
			// The data block's BlobHeader says its Blob is -1 bytes long.
			b := bytes.Clone(good[:headerEnd(good)])
			h2 := pbField(nil, 1, []byte("OSMData"))
			h2 = pbVarint(h2, 3, uint64(0xffffffffffffffff))
			b = binary.BigEndian.AppendUint32(b, uint32(len(h2)))
			return append(append(b, h2...), make([]byte, 100)...)
		}, ErrCorrupt},
		{"lz4.osm.pbf", func(*testing.T) []byte {
			b := bytes.Clone(good[:headerEnd(good)])
			blob := pbVarint(nil, 2, 10)
			blob = pbField(blob, 6, []byte("0123456789"))
			return appendBlock(b, "OSMData", blob)
		}, ErrUnsupported},
		{"non-dense.osm.pbf", func(*testing.T) []byte {
			node := pbVarint(nil, 1, 2) // Node{id: 1}
			block := pbField(nil, 1, pbField(nil, 1, nil))
			block = pbField(block, 2, pbField(nil, 1, node))
			return pbfOfBlock(block, true)
		}, ErrUnsupported},
		{"future.osm.pbf", func(*testing.T) []byte {
			var out bytes.Buffer
			writeBlock(&out, "OSMHeader", pbField(nil, 4, []byte("Teleportation")), true)
			return out.Bytes()
		}, ErrUnsupported},
		{"bad-string-index.osm.pbf", func(*testing.T) []byte {
			// A way whose tag key is string 5 of a table of 2.
			way := pbVarint(nil, 1, 7)
			way = pbField(way, 2, []byte{5})
			way = pbField(way, 3, []byte{1})
			block := pbField(nil, 1, pbField(pbField(nil, 1, nil), 1, []byte("highway")))
			block = pbField(block, 2, pbField(nil, 3, way))
			return pbfOfBlock(block, false)
		}, ErrCorrupt},
		{"short-lons.osm.pbf", func(*testing.T) []byte {
			// A way with 3 node refs and 4 longitudes.
			way := pbVarint(nil, 1, 7)
			way = pbField(way, 8, []byte{2, 2, 2})
			way = pbField(way, 10, []byte{2, 2, 2, 2})
			block := pbField(nil, 1, pbField(nil, 1, nil))
			block = pbField(block, 2, pbField(nil, 3, way))
			return pbfOfBlock(block, false)
		}, ErrCorrupt},
		{"half-bbox.osm.pbf", func(*testing.T) []byte {
			var out bytes.Buffer
			writeBlock(&out, "OSMHeader", pbField(nil, 1, pbVarint(nil, 1, 2)), true)
			return out.Bytes()
		}, ErrCorrupt},
		{"helsinki-60%.osm.pbf", func(t *testing.T) []byte {
			b, err := os.ReadFile(testenv.SharedData(t, "osm/helsinki-centre.osm.pbf"))
			if err != nil {
				t.Fatal(err)
			}
			return b[:len(b)*6/10]
		}, ErrCorrupt},
		{"taipei-half.osm", func(t *testing.T) []byte {
			b, err := os.ReadFile(testenv.SharedData(t, "osm/taipei-xinyi.osm"))
			if err != nil {
				t.Fatal(err)
			}
			return b[:len(b)/2]
		}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _, err := Read(context.Background(), bytes.NewReader(tt.data(t)), tt.name, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "import "+tt.name+": ") {
				t.Errorf("error %q does not name the file", err)
			}
			if fs != nil {
				t.Errorf("got %d features with the error", len(fs))
			}
			t.Log(err)
		})
	}
}

// headerEnd returns the length of the first block of a PBF file.
func headerEnd(b []byte) int {
	hl := int(binary.BigEndian.Uint32(b))
	_, bl, err := parseBlobHeader(b[4 : 4+hl])
	if err != nil {
		panic(err)
	}
	return 4 + hl + bl
}

// appendBlock appends a block of type typ with the given Blob message.
func appendBlock(b []byte, typ string, blob []byte) []byte {
	hdr := pbField(nil, 1, []byte(typ))
	hdr = pbVarint(hdr, 3, uint64(len(blob)))
	b = binary.BigEndian.AppendUint32(b, uint32(len(hdr)))
	return append(append(b, hdr...), blob...)
}

func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, enc := range encodings {
		_, _, err := Read(ctx, bytes.NewReader(enc.encode(pointData)), "x", nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", enc.name, err)
		}
	}
}

func TestReadProgress(t *testing.T) {
	b, err := os.ReadFile(testenv.SharedData(t, "osm/monaco.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	var calls int
	var last int64
	_, _, err = Read(context.Background(), bytes.NewReader(b), "monaco.osm.pbf", func(done, total int64) {
		calls++
		if total != int64(len(b)) || done < last || done > total {
			t.Errorf("progress(%d, %d) after %d, size %d", done, total, last, len(b))
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 2 || last != int64(len(b)) {
		t.Errorf("%d progress calls, last %d of %d", calls, last, len(b))
	}
}

func BenchmarkReadMonaco(b *testing.B) {
	data, err := os.ReadFile(testenv.SharedData(b, "osm/monaco.osm.pbf"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		fs, _, err := Read(context.Background(), bytes.NewReader(data), "monaco.osm.pbf", nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(fs) < 25000 {
			b.Fatalf("%d features", len(fs))
		}
	}
}

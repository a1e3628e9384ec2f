package geojsonio

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

func encodeString(t *testing.T, sc schema, recs []store.Record) string {
	t.Helper()
	var buf bytes.Buffer
	if err := encode(&buf, sc, recs); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestEncode(t *testing.T) {
	tenth := 0.1 // a variable, so that 0.1 + 0.2 is not folded to 0.3 exactly
	recs := []store.Record{
		{FID: 9, Geom: orb.Point{121.4737021, 31.2303904}, Props: map[string]any{
			"name": "人民广场 <东门> & \"北\"", "name_en": "People's Square", "mount_height": 3.5,
			"heading": tenth + 0.2, "resolution_h": int64(1920), "ptz": true, "status": "online"}},
		{FID: 2, Geom: orb.Point{-0.0000001, -89.9999999}, Props: map[string]any{
			"code": "C-2", "resolution_h": 640, "ptz": false, "heading": nil}},
	}
	want := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":2,"geometry":{"type":"Point","coordinates":[-1e-7,-89.9999999]},"properties":{"name":null,"name_zh":null,"name_en":null,"code":"C-2","mount_height":null,"heading":null,"resolution_h":640,"ptz":false,"status":null}},
{"type":"Feature","id":9,"geometry":{"type":"Point","coordinates":[121.4737021,31.2303904]},"properties":{"name":"人民广场 <东门> & \"北\"","name_zh":null,"name_en":"People's Square","code":null,"mount_height":3.5,"heading":0.30000000000000004,"resolution_h":1920,"ptz":true,"status":"online"}}
]}
`
	if got := encodeString(t, camerasSchema, recs); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if recs[0].FID != 9 {
		t.Error("encode reordered its input")
	}
}

func TestEncodeEmpty(t *testing.T) {
	want := "{\"type\":\"FeatureCollection\",\"features\":[]}\n"
	if got := encodeString(t, camerasSchema, nil); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		rec  store.Record
		want string
	}{
		{"NaN coordinate", store.Record{FID: 4, Geom: orb.Point{math.NaN(), 1}},
			"cameras: feature fid 4: geometry: coordinate [NaN 1] cannot be written in JSON"},
		{"infinite property", store.Record{FID: 4, Geom: orb.Point{1, 1}, Props: map[string]any{"heading": math.Inf(1)}},
			`cameras: feature fid 4: property "heading": +Inf cannot be written in JSON`},
		{"property that is not a column", store.Record{Geom: orb.Point{1, 1}, Props: map[string]any{"colour": "red"}},
			`cameras: record 0: property "colour" is not a column of cameras`},
		{"value of an unknown type", store.Record{Geom: orb.Point{1, 1}, Props: map[string]any{"name": []byte("x")}},
			`cameras: record 0: property "name": value of type []uint8 cannot be written`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := encode(&bytes.Buffer{}, camerasSchema, []store.Record{tt.rec})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEncodeWinding(t *testing.T) {
	cwOuter := orb.Ring{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}
	ccwHole := orb.Ring{{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}
	p := orb.Polygon{cwOuter, ccwHole}
	in := orb.Clone(p)
	got := encodeString(t, keyAreasSchema, []store.Record{{FID: 1, Geom: p}})
	want := `"coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[4,2],[2,2]]]`
	if !strings.Contains(got, want) {
		t.Errorf("got %s\nwant it to contain %s", got, want)
	}
	if !orb.Equal(p, in) {
		t.Error("encode changed the polygon it was given")
	}
}

// TestRoundTrip checks that Decode(Encode(x)) == x for every geometry kind.
func TestRoundTrip(t *testing.T) {
	square := orb.Ring{{116.1, 39.1}, {116.2, 39.1}, {116.2, 39.2}, {116.1, 39.2}, {116.1, 39.1}}
	hole := orb.Ring{{116.12, 39.12}, {116.12, 39.14}, {116.14, 39.14}, {116.14, 39.12}, {116.12, 39.12}}
	line := orb.LineString{{-179.9999999, -89.9999999}, {180, 90}, {0.1234567890123, 1e-7}}
	tests := []struct {
		name string
		sc   schema
		recs []store.Record
	}{
		{"Point", uncheckedSchema, []store.Record{
			{FID: 1, Geom: orb.Point{121.4737021, 31.2303904}, Props: map[string]any{
				"name": "東門", "name_zh": "东门", "name_en": "East gate", "code": "C-1", "mount_height": 3.5,
				"heading": 359.99999999999994, "resolution_h": int64(-1 << 63), "ptz": true, "status": "online"}},
			{FID: 1 << 62, Geom: orb.Point{-180, -90}, Props: map[string]any{"resolution_h": int64(1<<63 - 1), "ptz": false}}}},
		{"LineString", roadsSchema, []store.Record{{FID: 5, Geom: line, Props: map[string]any{"class": "footway"}}}},
		{"Polygon with hole", keyAreasSchema, []store.Record{{FID: 7, Geom: orb.Polygon{square, hole}, Props: map[string]any{"kind": "gate"}}}},
		{"MultiPolygon", buildingsSchema, []store.Record{{FID: 8, Geom: orb.MultiPolygon{{square, hole}, {square}},
			Props: map[string]any{"height": 1e-300, "levels": int64(33), "use": "school"}}}},
		{"MultiPoint", multiPointsSchema, []store.Record{{FID: 9, Geom: orb.MultiPoint{{1, 2}, {3, 4}}, Props: map[string]any{}}}},
		{"MultiLineString", multiLinesSchema, []store.Record{{FID: 10, Geom: orb.MultiLineString{line, line}, Props: map[string]any{}}}},
		{"every kind in a GEOMETRY layer", hazardsSchema, []store.Record{
			{FID: 11, Geom: orb.Point{1, 2}, Props: map[string]any{"category": "gas", "reported": "2024-02-29"}},
			{FID: 12, Geom: line, Props: map[string]any{}},
			{FID: 13, Geom: orb.Polygon{square}, Props: map[string]any{}},
			{FID: 14, Geom: orb.MultiPoint{{1, 2}}, Props: map[string]any{}},
			{FID: 15, Geom: orb.MultiLineString{line}, Props: map[string]any{}},
			{FID: 16, Geom: orb.MultiPolygon{{square, hole}}, Props: map[string]any{}}}},
		{"empty layer", camerasSchema, []store.Record{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := encodeString(t, tt.sc, tt.recs)
			fs, warnings, err := decode([]byte(doc), "rt.geojson", tt.sc)
			if err != nil {
				t.Fatalf("%v\n%s", err, doc)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings %q", warnings)
			}
			if got := records(fs); !reflect.DeepEqual(got, tt.recs) {
				t.Errorf("got  %#v\nwant %#v\n%s", got, tt.recs, doc)
			}
		})
	}
}

// TestRoundTripRandom checks Decode(Encode(x)) == x for random records.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	runes := []rune("aZ09 人民广场东门消防栓<>&\"\\/\n\t\u2028\u0000é😀")
	randText := func() string {
		r := make([]rune, rng.IntN(12))
		for i := range r {
			r[i] = runes[rng.IntN(len(runes))]
		}
		return string(r)
	}
	randFloat := func() float64 {
		switch rng.IntN(4) {
		case 0:
			return float64(rng.IntN(1000))
		case 1:
			return math.Float64frombits(rng.Uint64() &^ (0x7ff << 52)) // tiny and subnormal
		}
		return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
	}
	randPoint := func() orb.Point { return orb.Point{rng.Float64()*360 - 180, rng.Float64()*180 - 90} }
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

	for i := range 300 {
		recs := make([]store.Record, rng.IntN(4))
		for j := range recs {
			props := map[string]any{}
			for _, c := range hazardsSchema.cols {
				if rng.IntN(3) == 0 {
					continue
				}
				if c.Type == "DATE" {
					props[c.Name] = day.AddDate(0, 0, rng.IntN(5000)).Format(time.DateOnly)
				} else {
					props[c.Name] = randText()
				}
			}
			var g orb.Geometry = randPoint()
			if rng.IntN(2) == 0 {
				g = orb.LineString{randPoint(), randPoint(), randPoint()}
			}
			recs[j] = store.Record{FID: int64(j + 1), Geom: g, Props: props}
		}
		doc := encodeString(t, hazardsSchema, recs)
		fs, _, err := decode([]byte(doc), "rt.geojson", hazardsSchema)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, doc)
		}
		if got := records(fs); !reflect.DeepEqual(got, recs) {
			t.Fatalf("case %d:\ngot  %#v\nwant %#v", i, got, recs)
		}

		cam := store.Record{FID: 1, Geom: randPoint(), Props: map[string]any{
			"mount_height": randFloat(), "heading": -randFloat(), "resolution_h": int64(rng.Uint64()), "ptz": rng.IntN(2) == 0}}
		doc = encodeString(t, uncheckedSchema, []store.Record{cam})
		fs, _, err = decode([]byte(doc), "rt.geojson", uncheckedSchema)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, doc)
		}
		if got := fs[0].rec; !reflect.DeepEqual(got, cam) {
			t.Fatalf("case %d:\ngot  %#v\nwant %#v", i, got, cam)
		}
	}
}

// TestChineseBytes checks that text passes byte for byte both ways: a file
// written as Encode writes it decodes and encodes back to the same bytes.
func TestChineseBytes(t *testing.T) {
	data, err := os.ReadFile("testdata/cameras.geojson")
	if err != nil {
		t.Fatal(err)
	}
	fs, warnings, err := decode(data, "cameras.geojson", camerasSchema)
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	if got, want := fs[0].rec.Props["name_zh"], "人民广场地铁站 1号口 <东> & \"南\""; got != want {
		t.Errorf("name_zh %q, want %q", got, want)
	}
	out := encodeString(t, camerasSchema, records(fs))
	if out != string(data) {
		t.Errorf("encoded\n%s\nwant\n%s", out, data)
	}
	if strings.Contains(out, `\u`) {
		t.Errorf("output escapes characters: %s", out)
	}
}

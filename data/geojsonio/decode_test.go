package geojsonio

import (
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// fc returns a FeatureCollection of the given features.
func fc(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",\n") + "]}"
}

// feat returns a Feature; id is raw JSON or "" for none.
func feat(id, geom, props string) string {
	s := `{"type":"Feature",`
	if id != "" {
		s += `"id":` + id + `,`
	}
	return s + `"geometry":` + geom + `,"properties":` + props + `}`
}

func point(lon, lat string) string {
	return `{"type":"Point","coordinates":[` + lon + `,` + lat + `]}`
}

const (
	goodCam    = `{"type":"Feature","id":"cam-1","geometry":{"type":"Point","coordinates":[121.47,31.23]},"properties":{"name":"A"}}`
	square     = `[[0,0],[1,0],[1,1],[0,1],[0,0]]`
	squareGeom = `{"type":"Polygon","coordinates":[` + square + `]}`
)

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		sc   schema
		doc  string
		want []string // substrings of the error, besides the file name
	}{
		{"longitude out of range", camerasSchema,
			fc(goodCam, goodCam, goodCam, feat(`"cam-7"`, point("200", "31"), `{}`)),
			[]string{`feature 3 (id "cam-7"): Point: longitude 200 out of range [-180, 180]`}},
		{"latitude out of range", camerasSchema,
			fc(goodCam, feat(`7`, point("121", "-90.5"), `{}`)),
			[]string{`feature 1 (id 7): Point: latitude -90.5 out of range [-90, 90]`}},
		{"overflowing coordinate", camerasSchema,
			fc(goodCam, feat(`"c"`, point("1e999", "31"), `{}`)),
			[]string{`feature 1 (id "c"): Point: longitude 1e999 is not a finite number`}},
		{"overflowing negative latitude", roadsSchema,
			fc(feat(``, `{"type":"LineString","coordinates":[[1,2],[1,-1e400]]}`, `{}`)),
			[]string{`feature 0: LineString coordinate 1: latitude -1e400 is not a finite number`}},
		{"NaN literal", camerasSchema,
			fc(goodCam, goodCam, feat(`"c"`, point("NaN", "31"), `{}`)),
			[]string{"feature 2: line 3 column", "NaN is not a JSON number"}},
		{"Infinity literal", camerasSchema,
			fc(goodCam, feat(`"c"`, point("121", "-Infinity"), `{}`)),
			[]string{"feature 1: line 2 column", "-Infinity is not a JSON number"}},
		{"NaN property", camerasSchema,
			fc(goodCam, feat(`"c"`, point("121", "31"), `{"heading":NaN}`)),
			[]string{"feature 1: line 2 column", "NaN is not a JSON number"}},
		{"overflowing property", camerasSchema,
			fc(goodCam, feat(`"c"`, point("121", "31"), `{"heading":-1e999}`)),
			[]string{`feature 1 (id "c"): property "heading": -1e999 is not a finite number`}},
		{"position with one number", camerasSchema,
			fc(feat(``, `{"type":"Point","coordinates":[121]}`, `{}`)),
			[]string{`feature 0: Point: position has 1 number, want [longitude, latitude]`}},
		{"position of strings", roadsSchema,
			fc(feat(``, `{"type":"LineString","coordinates":[[1,2],["1","2"]]}`, `{}`)),
			[]string{`feature 0: LineString coordinate 1: longitude is the text "1", want a number`}},
		{"no coordinates", camerasSchema,
			fc(feat(``, `{"type":"Point"}`, `{}`)),
			[]string{`feature 0: Point has no coordinates`}},
		{"unclosed ring", keyAreasSchema,
			fc(feat(`"ka-1"`, squareGeom, `{}`), feat(`"ka-2"`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, `{}`)),
			[]string{`feature 1 (id "ka-2"): Polygon ring 0 is not closed: first coordinate [0, 0] differs from last [0, 1]`}},
		{"unclosed hole", keyAreasSchema,
			fc(feat(``, `{"type":"Polygon","coordinates":[`+square+`,[[0.2,0.2],[0.2,0.4],[0.4,0.4],[0.4,0.2],[0.2,0.3]]]}`, `{}`)),
			[]string{`feature 0: Polygon ring 1 is not closed`}},
		{"ring with 3 positions", keyAreasSchema,
			fc(feat(``, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, `{}`)),
			[]string{`feature 0: Polygon ring 0 has 3 coordinates; a closed ring needs at least 4`}},
		{"polygon without rings", keyAreasSchema,
			fc(feat(``, `{"type":"Polygon","coordinates":[]}`, `{}`)),
			[]string{`feature 0: Polygon has 0 rings, want at least 1`}},
		{"bad ring in multipolygon", buildingsSchema,
			fc(feat(`1`, `{"type":"MultiPolygon","coordinates":[[`+square+`],[[[0,0],[1,0],[0,1]]]]}`, `{}`)),
			[]string{`feature 0 (id 1): MultiPolygon polygon 1 ring 0 has 3 coordinates`}},
		{"line with one position", roadsSchema,
			fc(feat(``, `{"type":"LineString","coordinates":[[1,2]]}`, `{}`)),
			[]string{`feature 0: LineString has 1 coordinate, want at least 2`}},
		{"LineString into POINT layer", camerasSchema,
			fc(goodCam, feat(`"c"`, `{"type":"LineString","coordinates":[[1,2],[3,4]]}`, `{}`)),
			[]string{`feature 1 (id "c"): geometry is a LineString; layer cameras holds a Point`}},
		{"Polygon into POINT layer", camerasSchema,
			fc(feat(``, squareGeom, `{}`)),
			[]string{`feature 0: geometry is a Polygon; layer cameras holds a Point`}},
		{"Point into POLYGON layer", keyAreasSchema,
			fc(feat(``, point("1", "2"), `{}`)),
			[]string{`feature 0: geometry is a Point; layer key_areas holds a Polygon`}},
		{"MultiPolygon of two into POLYGON layer", keyAreasSchema,
			fc(feat(``, `{"type":"MultiPolygon","coordinates":[[`+square+`],[`+square+`]]}`, `{}`)),
			[]string{`feature 0: geometry is a MultiPolygon of 2 parts; layer key_areas holds a Polygon: split it into one feature per part`}},
		{"MultiPoint of two into POINT layer", camerasSchema,
			fc(feat(``, `{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}`, `{}`)),
			[]string{`feature 0: geometry is a MultiPoint of 2 parts; layer cameras holds a Point`}},
		{"empty MultiPoint", camerasSchema,
			fc(feat(``, `{"type":"MultiPoint","coordinates":[]}`, `{}`)),
			[]string{`feature 0: MultiPoint has 0 coordinates, want at least 1`}},
		{"MultiPolygon into LINESTRING layer", roadsSchema,
			fc(feat(``, `{"type":"MultiPolygon","coordinates":[[`+square+`]]}`, `{}`)),
			[]string{`feature 0: geometry is a MultiPolygon; layer roads holds a LineString`}},
		{"Point into MULTIPOLYGON layer", buildingsSchema,
			fc(feat(``, point("1", "2"), `{}`)),
			[]string{`feature 0: geometry is a Point; layer buildings holds a Polygon or MultiPolygon`}},
		{"MultiLineString of two into LINESTRING layer", roadsSchema,
			fc(feat(``, `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[1,2],[3,4]]]}`, `{}`)),
			[]string{`feature 0: geometry is a MultiLineString of 2 parts; layer roads holds a LineString`}},
		{"GeometryCollection", hazardsSchema,
			fc(feat(``, `{"type":"GeometryCollection","geometries":[`+point("1", "2")+`]}`, `{}`)),
			[]string{`feature 0: geometry is a GeometryCollection, which is not supported`}},
		{"unknown geometry type", hazardsSchema,
			fc(feat(``, `{"type":"Circle","coordinates":[1,2]}`, `{}`)),
			[]string{`feature 0: geometry type "Circle" is not a GeoJSON geometry type`}},
		{"geometry is not an object", camerasSchema,
			fc(feat(``, `[1,2]`, `{}`)),
			[]string{`feature 0: geometry is an array, want a geometry object`}},
		{"null geometry", camerasSchema,
			fc(goodCam, feat(`"c"`, `null`, `{}`)),
			[]string{`feature 1 (id "c"): has no geometry; every cameras feature needs a Point`}},
		{"absent geometry", keyAreasSchema,
			fc(`{"type":"Feature","properties":{}}`),
			[]string{`feature 0: has no geometry; every key_areas feature needs a Polygon`}},
		{"text column given a boolean", camerasSchema,
			fc(feat(`"c"`, point("1", "2"), `{"name":true}`)),
			[]string{`feature 0 (id "c"): property "name": got true, want text`}},
		{"text column given an object", camerasSchema,
			fc(feat(`"c"`, point("1", "2"), `{"name":{"zh":"东门"}}`)),
			[]string{`property "name": got an object, want text`}},
		{"real column given text", camerasSchema,
			fc(goodCam, feat(`"c"`, point("1", "2"), `{"heading":"up"}`), feat(`"d"`, point("1", "2"), `{"mount_height":"tall"}`)),
			[]string{`feature 1 (id "c"): property "heading": got the text "up", want degrees clockwise from north or a compass direction`,
				`feature 2 (id "d"): property "mount_height": got the text "tall", want a number`}},
		{"integer column given a fraction", camerasSchema,
			fc(feat(`"c"`, point("1", "2"), `{"resolution_h":1920.5}`)),
			[]string{`feature 0 (id "c"): property "resolution_h": got 1920.5, want a whole number`}},
		{"integer column given 2^63", camerasSchema,
			fc(feat(`"c"`, point("1", "2"), `{"resolution_h":9223372036854775808}`)),
			[]string{`property "resolution_h": 9223372036854775808 is too large for a whole-number column`}},
		{"boolean column given yes", camerasSchema,
			fc(feat(`"c"`, point("1", "2"), `{"ptz":"yes"}`)),
			[]string{`feature 0 (id "c"): property "ptz": got the text "yes", want true, false, 0 or 1`}},
		{"boolean column given 2", camerasSchema,
			fc(feat(`"c"`, point("1", "2"), `{"ptz":2}`)),
			[]string{`property "ptz": got the number 2, want true, false, 0 or 1`}},
		{"date column given an impossible date", equipmentSchema,
			fc(feat(`"e"`, point("1", "2"), `{"last_inspection":"2024-02-30"}`)),
			[]string{`feature 0 (id "e"): property "last_inspection": got "2024-02-30", want a date`}},
		{"date column given words", equipmentSchema,
			fc(feat(`"e"`, point("1", "2"), `{"last_inspection":"last Tuesday"}`)),
			[]string{`property "last_inspection": got "last Tuesday", want a date`}},
		{"date column given a number", equipmentSchema,
			fc(feat(`"e"`, point("1", "2"), `{"last_inspection":20240101}`)),
			[]string{`property "last_inspection": got the number 20240101, want a date "YYYY-MM-DD"`}},
		{"properties is an array", camerasSchema,
			fc(feat(`"c"`, point("1", "2"), `[1]`)),
			[]string{`feature 0 (id "c"): properties is an array, want an object`}},
		{"id is an object", camerasSchema,
			fc(feat(`{"a":1}`, point("1", "2"), `{}`)),
			[]string{`feature 0: id is an object, want a string or a number`}},
		{"feature type misspelt", camerasSchema,
			fc(goodCam, `{"type":"feature","geometry":`+point("1", "2")+`}`),
			[]string{`feature 1: type is "feature", want "Feature"`}},
		{"feature without type", camerasSchema,
			fc(`{"id":"x","geometry":` + point("1", "2") + `}`),
			[]string{`feature 0 (id "x"): has no "type" member`}},
		{"feature is a number", camerasSchema,
			fc(goodCam, `5`),
			[]string{`feature 1: is the number 5, want a Feature object`}},
		{"single Feature with a bad point", camerasSchema,
			feat(`"solo"`, point("0", "91"), `{}`),
			[]string{`feature 0 (id "solo"): Point: latitude 91 out of range [-90, 90]`}},
		{"not UTF-8 (GBK)", camerasSchema,
			fc(goodCam, feat(`"c"`, point("1", "2"), "{\"name\":\"\xb6\xab\xc3\xc5\"}")),
			[]string{"feature 1: line 2 column", "not UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decode([]byte(tt.doc), "test.geojson", tt.sc)
			if err == nil {
				t.Fatalf("decode succeeded, want an error containing %q", tt.want)
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.HasPrefix(msg, "test.geojson: ") {
				t.Errorf("error %q does not start with the file name", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\ndoes not contain %q", msg, w)
				}
			}
		})
	}
}

func TestDecodeDocumentErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"empty", ``, "file ends early"},
		{"truncated", `{"type":"FeatureCollection","features":[` + goodCam, "file ends early"},
		{"not an object", `[1,2]`, "is an array, not a GeoJSON object"},
		{"trailing garbage", fc(goodCam) + "\nx", "line 2 column 1: not valid JSON: invalid character 'x' after top-level value"},
		{"no type", `{"features":[]}`, `has no "type" member`},
		{"unknown type", `{"type":"Topology"}`, `type "Topology" is not a GeoJSON FeatureCollection or Feature`},
		{"bare geometry", point("1", "2"), "is a bare Point geometry; wrap it in a Feature"},
		{"no features", `{"type":"FeatureCollection"}`, `FeatureCollection has no "features" member`},
		{"features null", `{"type":"FeatureCollection","features":null}`, `"features" is null, want an array`},
		{"features object", `{"type":"FeatureCollection","features":{}}`, `"features" is an object, want an array`},
		{"projected crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]}`,
			"coordinates are in urn:ogc:def:crs:EPSG::3857; export them as WGS 84"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decode([]byte(tt.doc), "doc.geojson", camerasSchema)
			if err == nil {
				t.Fatalf("decode succeeded, want an error containing %q", tt.want)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "doc.geojson: ") || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want the file name and %q", msg, tt.want)
			}
		})
	}
}

func TestDecodeReportsSeveralFeatures(t *testing.T) {
	bad := feat(``, point("181", "0"), `{}`)
	_, _, err := decode([]byte(fc(goodCam, bad, goodCam, bad)), "x.geojson", camerasSchema)
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{"x.geojson: feature 1: Point: longitude 181", "x.geojson: feature 3: Point: longitude 181"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}

	many := make([]string, 25)
	for i := range many {
		many[i] = bad
	}
	_, _, err = decode([]byte(fc(many...)), "x.geojson", camerasSchema)
	if n := strings.Count(err.Error(), "longitude 181"); n != maxErrors {
		t.Errorf("%d features reported, want %d", n, maxErrors)
	}
	if !strings.Contains(err.Error(), "stopped after 10 bad features") {
		t.Errorf("error %q does not say it stopped", err)
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		sc   schema
		doc  string
		want []store.Record
	}{
		{"point with every column type", camerasSchema,
			fc(feat(`12`, point("121.4737021", "31.2303904"),
				`{"name":"东门 <1> & \"2\"","code":"C-1","mount_height":3.5,"heading":-45,"resolution_h":1920,"ptz":true,"status":null}`)),
			[]store.Record{{FID: 12, Geom: orb.Point{121.4737021, 31.2303904}, Props: map[string]any{
				"name": "东门 <1> & \"2\"", "code": "C-1", "mount_height": 3.5, "heading": -45.0,
				"resolution_h": int64(1920), "ptz": true}}}},
		{"numbers as text, integral floats, 0 and 1 as booleans", uncheckedSchema,
			fc(feat(`"cam-9"`, point("0", "0"), `{"code":12.50,"resolution_h":1.92e3,"ptz":0}`),
				feat(``, point("-180", "90"), `{"resolution_h":9007199254740993,"ptz":1}`)),
			[]store.Record{
				{Geom: orb.Point{0, 0}, Props: map[string]any{"code": "12.50", "resolution_h": int64(1920), "ptz": false}},
				{Geom: orb.Point{-180, 90}, Props: map[string]any{"resolution_h": int64(9007199254740993), "ptz": true}}}},
		{"dates", equipmentSchema,
			fc(feat(``, point("1", "2"), `{"last_inspection":"2024-05-06"}`),
				feat(``, point("1", "2"), `{"last_inspection":"2024-05-06T23:30:00+08:00"}`),
				feat(``, point("1", "2"), `{"last_inspection":"2024-05-06T23:30:00.123Z"}`),
				feat(``, point("1", "2"), `{"last_inspection":"2024-05-06 23:30:00"}`)),
			[]store.Record{
				{Geom: orb.Point{1, 2}, Props: map[string]any{"last_inspection": "2024-05-06"}},
				{Geom: orb.Point{1, 2}, Props: map[string]any{"last_inspection": "2024-05-06"}},
				{Geom: orb.Point{1, 2}, Props: map[string]any{"last_inspection": "2024-05-06"}},
				{Geom: orb.Point{1, 2}, Props: map[string]any{"last_inspection": "2024-05-06"}}}},
		{"single feature, altitude dropped, no properties", camerasSchema,
			feat(``, `{"type":"Point","coordinates":[1,2,35.5]}`, `null`),
			[]store.Record{{Geom: orb.Point{1, 2}, Props: map[string]any{}}}},
		{"polygon promoted to multipolygon", buildingsSchema,
			fc(feat(`3`, squareGeom, `{"height":12.5,"levels":4}`)),
			[]store.Record{{FID: 3, Geom: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}},
				Props: map[string]any{"height": 12.5, "levels": int64(4)}}}},
		{"point promoted to multipoint", multiPointsSchema,
			fc(feat(``, point("1", "2"), `{}`)),
			[]store.Record{{Geom: orb.MultiPoint{{1, 2}}, Props: map[string]any{}}}},
		{"line promoted to multilinestring", multiLinesSchema,
			fc(feat(``, `{"type":"LineString","coordinates":[[1,2],[3,4]]}`, `{}`)),
			[]store.Record{{Geom: orb.MultiLineString{{{1, 2}, {3, 4}}}, Props: map[string]any{}}}},
		{"MultiPolygon of one part demoted", keyAreasSchema,
			fc(feat(``, `{"type":"MultiPolygon","coordinates":[[`+square+`]]}`, `{}`)),
			[]store.Record{{Geom: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}, Props: map[string]any{}}}},
		{"MultiLineString of one part demoted", roadsSchema,
			fc(feat(``, `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}`, `{}`)),
			[]store.Record{{Geom: orb.LineString{{1, 2}, {3, 4}}, Props: map[string]any{}}}},
		{"MultiPoint of one part demoted", camerasSchema,
			fc(feat(``, `{"type":"MultiPoint","coordinates":[[1,2]]}`, `{}`)),
			[]store.Record{{Geom: orb.Point{1, 2}, Props: map[string]any{}}}},
		{"any geometry in a GEOMETRY layer", hazardsSchema,
			fc(feat(``, point("1", "2"), `{}`), feat(``, squareGeom, `{}`),
				feat(``, `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}`, `{}`)),
			[]store.Record{
				{Geom: orb.Point{1, 2}, Props: map[string]any{}},
				{Geom: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}, Props: map[string]any{}},
				{Geom: orb.MultiLineString{{{1, 2}, {3, 4}}}, Props: map[string]any{}}}},
		{"BOM, CRS84 and foreign members", camerasSchema,
			"\xef\xbb\xbf" + `{"type":"FeatureCollection","name":"cams","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"bbox":[0,0,1,1],"features":[` +
				`{"type":"Feature","title":"x","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}]}`,
			[]store.Record{{Geom: orb.Point{1, 2}, Props: map[string]any{}}}},
		{"empty collection", camerasSchema, fc(), []store.Record{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _, err := decode([]byte(tt.doc), "test.geojson", tt.sc)
			if err != nil {
				t.Fatal(err)
			}
			if got := records(fs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeUnknownProperties(t *testing.T) {
	doc := fc(feat(``, point("1", "2"), `{"name":"a","colour":"red","Status":"online"}`),
		feat(``, point("1", "2"), `{"colour":null}`),
		feat(``, point("1", "2"), `{}`))
	fs, warnings, err := decode([]byte(doc), "cams.geojson", camerasSchema)
	if err != nil {
		t.Fatal(err)
	}
	// Status is status: names match ignoring case.
	if len(fs) != 3 || !reflect.DeepEqual(fs[0].rec.Props, map[string]any{"name": "a", "status": "online"}) {
		t.Errorf("records %v", records(fs))
	}
	want := []string{
		`cams.geojson: property "colour" is not a column of cameras; ignored in 2 features`,
	}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings\n%q\nwant\n%q", warnings, want)
	}
}

func TestDecodeWinding(t *testing.T) {
	ccwOuter := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	cwHole := orb.Ring{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}
	want := orb.Polygon{ccwOuter, cwHole}

	tests := []struct{ name, coords string }{
		{"RFC 7946 winding", `[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[4,2],[2,2]]]`},
		{"clockwise outer", `[[[0,0],[0,10],[10,10],[10,0],[0,0]],[[2,2],[2,4],[4,4],[4,2],[2,2]]]`},
		{"counter-clockwise hole", `[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[4,2],[4,4],[2,4],[2,2]]]`},
		{"both reversed", `[[[0,0],[0,10],[10,10],[10,0],[0,0]],[[2,2],[4,2],[4,4],[2,4],[2,2]]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := fc(feat(``, `{"type":"Polygon","coordinates":`+tt.coords+`}`, `{}`))
			fs, _, err := decode([]byte(doc), "w.geojson", keyAreasSchema)
			if err != nil {
				t.Fatal(err)
			}
			got := fs[0].rec.Geom.(orb.Polygon)
			if got[0].Orientation() != orb.CCW || got[1].Orientation() != orb.CW {
				t.Errorf("orientations %v %v, want CCW outer and CW hole", got[0].Orientation(), got[1].Orientation())
			}
			if !orb.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestDecodeUnknownLayer(t *testing.T) {
	_, _, err := Decode(strings.NewReader(fc()), "x.geojson", "cctv")
	if err == nil || !strings.Contains(err.Error(), `x.geojson: no layer "cctv"; the layers are buildings, roads`) {
		t.Errorf("error %v", err)
	}
}

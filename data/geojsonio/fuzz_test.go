package geojsonio

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// FuzzDecode checks that decode never panics and that whatever it accepts
// is valid for the layer (finite, in range, closed and wound rings, typed
// columns) and survives Encode and Decode unchanged.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		fc(),
		fc(goodCam),
		goodCam,
		fc(feat(`"cam-7"`, point("200", "31"), `{}`)),
		fc(feat(`7`, point("1e999", "31"), `{"heading":1e999}`)),
		fc(feat(`7`, point("NaN", "31"), `{}`)),
		fc(feat(`7`, point("121", "31"), `{"heading":NaN,"ptz":1,"resolution_h":3.0,"code":12.5}`)),
		fc(feat(``, `{"type":"Point","coordinates":[1]}`, `null`)),
		fc(feat(``, `{"type":"Point","coordinates":[1,2,3,4]}`, `{"name":"人民广场 <东门> &"}`)),
		fc(feat(``, squareGeom, `{"height":3,"levels":2}`)),
		fc(feat(``, `{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]],[[0.2,0.2],[0.4,0.2],[0.4,0.4],[0.2,0.2]]]}`, `{}`)),
		fc(feat(``, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, `{}`)),
		fc(feat(``, `{"type":"MultiPolygon","coordinates":[[`+square+`],[[[0,0],[1,0],[0,1]]]]}`, `{}`)),
		fc(feat(``, `{"type":"LineString","coordinates":[[1,2],[3,4]]}`, `{"class":"path"}`)),
		fc(feat(``, `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}`, `{}`)),
		fc(feat(``, `{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}`, `{}`)),
		fc(feat(``, `{"type":"GeometryCollection","geometries":[]}`, `{}`)),
		fc(feat(``, point("1", "2"), `{"reported":"2024-05-06T23:30:00+08:00","category":"gas"}`)),
		fc(feat(``, point("1", "2"), `{"reported":"2024-02-30"}`)),
		fc(feat(``, `null`, `{}`)),
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`,
		"\xef\xbb\xbf" + fc(goodCam),
		fc(goodCam, "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"name\":\"\xb6\xab\"}}"),
		`{"type":"FeatureCollection","features":[`,
		point("1", "2"),
		`[]`, `null`, ``,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if files, err := filepath.Glob("testdata/*.geojson"); err == nil {
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		for _, sc := range []schema{camerasSchema, buildingsSchema, keyAreasSchema, roadsSchema, hazardsSchema} {
			fs, _, err := decode(data, "fuzz.geojson", sc)
			if err != nil {
				if !bytes.HasPrefix([]byte(err.Error()), []byte("fuzz.geojson: ")) {
					t.Fatalf("error %q does not name the file", err)
				}
				continue
			}
			recs := records(fs)
			for i, r := range recs {
				if err := checkRecord(sc, r); err != "" {
					t.Fatalf("%s: accepted record %d %#v: %s", sc.layer, i, r, err)
				}
			}
			var buf bytes.Buffer
			if err := encode(&buf, sc, recs); err != nil {
				t.Fatalf("%s: encode: %v", sc.layer, err)
			}
			fs2, _, err := decode(buf.Bytes(), "fuzz.geojson", sc)
			if err != nil {
				t.Fatalf("%s: decode of encode: %v\n%s", sc.layer, err, buf.Bytes())
			}
			// encode sorts by fid; sort the original the same way.
			slices.SortStableFunc(recs, func(a, b store.Record) int {
				return cmp.Compare(a.FID, b.FID)
			})
			if got := records(fs2); !reflect.DeepEqual(got, recs) {
				t.Fatalf("%s: round trip\ngot  %#v\nwant %#v", sc.layer, got, recs)
			}
		}
	})
}

// checkRecord returns what is wrong with a decoded record of sc, or "".
func checkRecord(sc schema, r store.Record) string {
	if r.FID < 0 {
		return "negative fid"
	}
	if _, err := accept(sc, r.Geom); err != nil {
		return err.Error()
	}
	bad := ""
	visit(r.Geom, func(p orb.Point) {
		for _, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bad = "coordinate not finite"
			}
		}
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			bad = "coordinate out of range"
		}
	})
	var polys []orb.Polygon
	switch g := r.Geom.(type) {
	case orb.Point, orb.MultiPoint:
	case orb.LineString:
		if len(g) < 2 {
			return "short line"
		}
	case orb.MultiLineString:
		for _, l := range g {
			if len(l) < 2 {
				return "short line"
			}
		}
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		return "unexpected geometry type"
	}
	for _, p := range polys {
		if len(p) == 0 {
			return "polygon without rings"
		}
		for i, ring := range p {
			if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
				return "ring short or open"
			}
			if reversed(ring, i == 0) {
				return "ring wound the wrong way"
			}
		}
	}
	for k, v := range r.Props {
		i := slices.IndexFunc(sc.cols, func(c store.Column) bool { return c.Name == k })
		if i < 0 {
			return "property " + k + " is not a column"
		}
		ok := false
		switch v := v.(type) {
		case string:
			ok = sc.cols[i].Type == "TEXT" || sc.cols[i].Type == "DATE" && len(v) == 10
		case float64:
			ok = sc.cols[i].Type == "REAL" && !math.IsNaN(v) && !math.IsInf(v, 0)
		case int64:
			ok = sc.cols[i].Type == "INTEGER"
		case bool:
			ok = sc.cols[i].Type == "BOOLEAN"
		}
		if !ok {
			return "property " + k + " has a value of the wrong type"
		}
	}
	return bad
}

// FuzzRegisterProperties checks the mapping of a register's properties
// onto the real camera and key-area layers: decoding never panics, every
// value it keeps is a column of the layer of the right type that the
// store's rules accept, the attributes are a JSON object, and the result
// survives Encode and Decode unchanged.
func FuzzRegisterProperties(f *testing.F) {
	for _, props := range []string{
		`{"ID":"Camera8001","LOCATION_NAME":"YORK ST / BREMNER BLVD"}`,
		`{"OBJECTID":7,"camera_id":"K-1","Location":"Main St","description":"by the bank","Direction":"NE","FOV":"75","Type":"dome"}`,
		`{"id":1,"code":"A","name":"x","heading":"north","hfov":90,"mount_height":"4.5"}`,
		`{"heading":"东南","status":"online","attributes":"{\"a\":1}"}`,
		`{"attributes":{"b":[1,2]},"Name":"<&>","NAME":"dup"}`,
		`{"mount_height":1e308,"status":"exploded"}`,
		`{"required_level":"superb","kind":"gate"}`,
		`{"required_level":"Recognize","Code":"K9"}`,
		`{"":"","编号":"S-1","名称":"东门","方向":"北"}`,
		`{"tilt":"-91","heading":" 45 ","resolution_h":"1920.0"}`,
	} {
		f.Add(`"f-1"`, props)
	}
	f.Fuzz(func(t *testing.T, id, props string) {
		for _, layer := range []string{store.Cameras, store.KeyAreas} {
			sc, err := schemaOf(layer)
			if err != nil {
				t.Fatal(err)
			}
			geom := point("121.45", "31.22")
			if layer == store.KeyAreas {
				geom = `{"type":"Polygon","coordinates":[[[121.45,31.22],[121.46,31.22],[121.46,31.23],[121.45,31.22]]]}`
			}
			doc := fc(feat(id, geom, props))
			fs, _, err := decode([]byte(doc), "fuzz.geojson", sc)
			if err != nil {
				continue
			}
			recs := records(fs)
			for _, r := range recs {
				if bad := checkRecord(sc, r); bad != "" {
					t.Fatalf("%s: accepted %#v: %s", layer, r, bad)
				}
				if err := store.CheckRecord(layer, r); err != nil {
					t.Fatalf("%s: accepted %#v the rules refuse: %v", layer, r, err)
				}
				if a, ok := r.Props["attributes"]; ok {
					var m map[string]any
					if err := json.Unmarshal([]byte(a.(string)), &m); err != nil || m == nil {
						t.Fatalf("%s: attributes %q are not a JSON object: %v", layer, a, err)
					}
				}
			}
			var buf bytes.Buffer
			if err := encode(&buf, sc, recs); err != nil {
				t.Fatalf("%s: encode: %v", layer, err)
			}
			fs2, _, err := decode(buf.Bytes(), "fuzz.geojson", sc)
			if err != nil {
				t.Fatalf("%s: decode of encode: %v\n%s", layer, err, buf.Bytes())
			}
			if got := records(fs2); !reflect.DeepEqual(got, recs) {
				t.Fatalf("%s: round trip\ngot  %#v\nwant %#v", layer, got, recs)
			}
		}
	})
}

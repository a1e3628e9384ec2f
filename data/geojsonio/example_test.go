package geojsonio_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/paulmach/orb"

	"safetynet/data/geojsonio"
	"safetynet/data/store"
)

func ExampleDecode() {
	doc := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"cam-7","geometry":{"type":"Point","coordinates":[121.4737,31.2304]},
 "properties":{"name_zh":"东门","heading":135,"ptz":1,"colour":"white"}}]}`
	recs, warnings, err := geojsonio.Decode(strings.NewReader(doc), "cameras.geojson", store.Cameras)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(recs[0].Geom, recs[0].Props["name_zh"], recs[0].Props["heading"], recs[0].Props["ptz"])
	fmt.Println(recs[0].Props["code"], recs[0].Props["attributes"], recs[0].Props["estimated"], warnings)

	doc = strings.Replace(doc, "121.4737", "200", 1)
	_, _, err = geojsonio.Decode(strings.NewReader(doc), "cameras.geojson", store.Cameras)
	fmt.Println(err)
	// Output:
	// [121.4737 31.2304] 东门 135 true
	// cam-7 {"colour":"white"} true []
	// cameras.geojson: feature 0 (id "cam-7"): Point: longitude 200 out of range [-180, 180]
}

func ExampleEncode() {
	recs := []store.Record{{FID: 1, Geom: orb.Point{121.4737, 31.2304},
		Props: map[string]any{"name_zh": "人民广场 <1号口>", "kind": "police"}}}
	if err := geojsonio.Encode(os.Stdout, store.Facilities, recs); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"type":"FeatureCollection","features":[
	// {"type":"Feature","id":1,"geometry":{"type":"Point","coordinates":[121.4737,31.2304]},"properties":{"name":null,"name_zh":"人民广场 <1号口>","name_en":null,"kind":"police","osm_id":null,"attributes":null}}
	// ]}
}

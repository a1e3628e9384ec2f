package osmimport_test

import (
	"context"
	"fmt"
	"strings"

	"safetynet/data/osmimport"
	"safetynet/data/store"
)

func ExampleRead() {
	const file = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <node id="1" lat="25.0391460" lon="121.5615808">
  <tag k="emergency" v="fire_hydrant"/>
  <tag k="name" v="興隆里消防栓"/>
 </node>
 <node id="2" lat="25.0392" lon="121.5616">
  <tag k="man_made" v="surveillance"/>
  <tag k="camera:direction" v="NE"/>
 </node>
</osm>`
	features, stats, err := osmimport.Read(context.Background(), strings.NewReader(file), "xinyi.osm", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range features {
		switch f := f.(type) {
		case *store.Equipment:
			fmt.Println(f.OSMID, f.Kind, f.Name)
		case *store.Camera:
			fmt.Println(f.OSMID, "camera heading", f.Heading, "estimated", f.Estimated)
		}
	}
	fmt.Println(stats.Built)
	// Output:
	// node/1 hydrant_outdoor 興隆里消防栓
	// node/2 camera heading 45 estimated false
	// map[cameras:1 fire_equipment:1]
}

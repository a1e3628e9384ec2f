package osmimport

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// checkRead reads data and checks that a failure names the file and that
// what is built is well formed.
func checkRead(t *testing.T, name string, data []byte) {
	fs, st, err := Read(context.Background(), bytes.NewReader(data), name, nil)
	if err != nil {
		if !strings.HasPrefix(err.Error(), "import "+name+": ") {
			t.Fatalf("error %q does not name the file", err)
		}
		if fs != nil {
			t.Fatalf("%d features with error %v", len(fs), err)
		}
		return
	}
	n := 0
	for _, c := range st.Built {
		n += c
	}
	if n != len(fs) {
		t.Fatalf("Stats.Built counts %d features, Read returned %d", n, len(fs))
	}
	checkGeometry(t, fs)
}

func FuzzReadXML(f *testing.F) {
	f.Add(xmlOf(multipolygonData))
	f.Add(xmlOf(pointData))
	f.Add([]byte(`<osm><node id="1" lat="1" lon="2"><tag k="emergency" v="fire_hydrant"/></node></osm>`))
	f.Add([]byte(`<?xml version="1.0"?><osm><way id="1"><nd ref="1"/><nd ref="1"/><tag k="building" v="yes"/></way></osm>`))
	f.Add([]byte(`<osm><relation id="1"><member type="way" ref="1" role="outer"/><tag k="type" v="multipolygon"/><tag k="landuse" v="grass"/></relation></osm>`))
	f.Add([]byte(`<html><body>404</body></html>`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, "fuzz.osm", data)
	})
}

func FuzzReadPBF(f *testing.F) {
	f.Add(pbfOf(multipolygonData, true))
	f.Add(pbfOf(pointData, true))
	f.Add(pbfOf(tData{nodes: []tNode{node(1, 0, 0, "man_made", "surveillance")}}, true))
	// Raw blocks: osmpbf trusts what is in them, checkBlock must not.
	f.Add(pbfOf(multipolygonData, false))
	f.Add(pbfOf(pointData, false))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, "fuzz.osm.pbf", data)
	})
}

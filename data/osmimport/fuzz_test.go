package osmimport

import (
	"bytes"
	"context"
	"math/rand/v2"
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
	f.Add([]byte(`<!DOCTYPE osm [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><osm><node id="1" lat="1" lon="2"><tag k="name" v="&b;"/></node></osm>`))
	f.Add([]byte(`<osm><node id="x" lat="1,5" lon="2"/></osm>`))
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

// FuzzReadBlock fuzzes the contents of one uncompressed data block, which
// osmpbf decodes on its own goroutines without checks: whatever checkBlock
// lets through must decode without a panic.
func FuzzReadBlock(f *testing.F) {
	f.Add(primitiveBlock(multipolygonData))
	f.Add(primitiveBlock(pointData))
	f.Fuzz(func(t *testing.T, block []byte) {
		checkRead(t, "fuzz.osm.pbf", pbfOfBlock(block, false))
	})
}

// TestReadMutatedBlocks runs a few hundred random mutations of data blocks
// through Read on every test run, the part of FuzzReadBlock that is cheap
// enough to repeat: nothing checkBlock lets through may panic in osmpbf.
func TestReadMutatedBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: each Read allocates osmpbf's 32 MB block buffer")
	}
	seeds := [][]byte{primitiveBlock(multipolygonData), primitiveBlock(pointData)}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		b := bytes.Clone(seeds[i%len(seeds)])
		for range 1 + rng.IntN(4) {
			j := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[j] = byte(rng.UintN(256))
			case 1:
				b = append(b[:j], b[j+1:]...)
			case 2:
				b = append(b[:j], append([]byte{byte(rng.UintN(256))}, b[j:]...)...)
			}
		}
		checkRead(t, "mutated.osm.pbf", pbfOfBlock(b, i%3 == 0))
	}
}

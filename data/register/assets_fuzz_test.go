package register

import (
	"bytes"
	"os"
	"testing"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

func addSeed(f *testing.F, rel string, n int) {
	p := testenv.SharedDataDir() + "/registers/" + rel
	b, err := os.ReadFile(p)
	if err != nil {
		return // the seeds below still run
	}
	f.Add(b[:min(len(b), n)])
}

// FuzzReadAssetCSV: no CSV register crashes the reader, and every row
// read is either usable or listed with a problem.
func FuzzReadAssetCSV(f *testing.F) {
	f.Add([]byte("编号,名称,经度,纬度\nA1,东门,121.1,31.2\n"))
	f.Add([]byte("Camera1,43.6,-79.3,YORK ST\nCamera2,43.7,-79.4,KING ST\n"))
	f.Add([]byte("\xEF\xBB\xBFlon;lat;heading\n1,5;2;north\n"))
	f.Add([]byte{0xFF, 0xFE, 'l', 0, 'o', 0, 'n', 0})
	f.Add([]byte("name,lon,lat\n\xc3\xfb\xb3\xc6,121,31\n"))
	addSeed(f, "redlight-toronto.csv", 2000)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, layer := range []string{store.Cameras, store.Hazards} {
			p, err := Read(bytes.NewReader(b), "f.csv", Options{Layer: layer})
			if err != nil {
				continue
			}
			checkPreview(t, p)
		}
	})
}

// FuzzReadKML: no KML file crashes the reader.
func FuzzReadKML(f *testing.F) {
	f.Add([]byte(`<kml><Placemark><name>A</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>`))
	f.Add([]byte(`<kml><Document><Schema><SimpleField name="x"/></Schema><Placemark><ExtendedData><SchemaData><SimpleData name="x">1</SimpleData></SchemaData></ExtendedData>` +
		`<MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 1,1</coordinates></LinearRing></outerBoundaryIs></Polygon><Point><coordinates>1,1</coordinates></Point></MultiGeometry></Placemark></Document></kml>`))
	addSeed(f, "hydrants-gbpa.kml", 3000)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, layer := range []string{store.FireEquipment, store.Hazards} {
			p, err := Read(bytes.NewReader(b), "f.kml", Options{Layer: layer})
			if err != nil {
				continue
			}
			checkPreview(t, p)
		}
	})
}

func checkPreview(t *testing.T, p *Preview) {
	t.Helper()
	if len(p.Rows) > p.Total {
		t.Fatalf("%d usable rows of %d", len(p.Rows), p.Total)
	}
	for _, r := range p.Rows {
		if r.Record.Geom == nil {
			t.Fatalf("row %d without geometry", r.Row)
		}
		if err := store.CheckRecord(p.Layer, r.Record); err != nil {
			t.Fatalf("row %d: %v", r.Row, err)
		}
		if err := checkLonLat(r.Record.Geom); err != nil {
			t.Fatalf("row %d: %v", r.Row, err)
		}
	}
}

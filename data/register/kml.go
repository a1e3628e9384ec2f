package register

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/htmlindex"
)

type kmlData struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value"`
}

type kmlSimpleData struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

type kmlRing struct {
	Coordinates string `xml:"LinearRing>coordinates"`
}

type kmlPolygon struct {
	Outer kmlRing   `xml:"outerBoundaryIs"`
	Inner []kmlRing `xml:"innerBoundaryIs"`
}

type kmlMulti struct {
	Points   []kmlCoords  `xml:"Point"`
	Lines    []kmlCoords  `xml:"LineString"`
	Rings    []kmlCoords  `xml:"LinearRing"`
	Polygons []kmlPolygon `xml:"Polygon"`
	Multi    []kmlMulti   `xml:"MultiGeometry"`
}

type kmlCoords struct {
	Coordinates string `xml:"coordinates"`
}

type kmlPlacemark struct {
	Name        string `xml:"name"`
	Description string `xml:"description"`
	Extended    struct {
		Data       []kmlData `xml:"Data"`
		SchemaData []struct {
			SimpleData []kmlSimpleData `xml:"SimpleData"`
		} `xml:"SchemaData"`
	} `xml:"ExtendedData"`
	kmlMulti
}

type kmlSchema struct {
	Fields []struct {
		Name string `xml:"name,attr"`
	} `xml:"SimpleField"`
}

// maxPlacemarks bounds the Placemarks read from one file.
const maxPlacemarks = maxRows

// kmlTable reads the Placemarks of a KML file (or of the doc.kml of a KMZ
// archive) as a table: the columns are "name" and "description" where
// Placemarks have them, then the ExtendedData fields (Data and
// SchemaData/SimpleData) in the order of the file's Schema and then of
// their first use; each row's geometry is its Point, LineString, Polygon
// or MultiGeometry. Row numbers count the Placemarks from 1.
func kmlTable(b []byte, name string, kmz bool) (*table, error) {
	if kmz {
		var err error
		if b, err = kmzDoc(b, name); err != nil {
			return nil, err
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		e, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("encoding %q is not known", label)
		}
		return e.NewDecoder().Reader(r), nil
	}
	t := &table{}
	col := map[string]int{}
	addCol := func(h string) int {
		if i, ok := col[h]; ok {
			return i
		}
		col[h] = len(t.header)
		t.header = append(t.header, h)
		return col[h]
	}
	var rows []map[int]string
	sawKML := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: not a readable KML file: %v", name, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "kml":
			sawKML = true
		case "Schema":
			var s kmlSchema
			if err := dec.DecodeElement(&s, &se); err != nil {
				return nil, fmt.Errorf("%s: Schema: %v", name, err)
			}
			for _, f := range s.Fields {
				if f.Name != "" {
					addCol(f.Name)
				}
			}
		case "Placemark":
			if len(rows) >= maxPlacemarks {
				return nil, fmt.Errorf("%s has over %d Placemarks", name, maxPlacemarks)
			}
			var pm kmlPlacemark
			if err := dec.DecodeElement(&pm, &se); err != nil {
				return nil, fmt.Errorf("%s: Placemark %d: %v", name, len(rows)+1, err)
			}
			row := map[int]string{}
			set := func(h, v string) {
				if h = strings.TrimSpace(h); h != "" && strings.TrimSpace(v) != "" {
					row[addCol(h)] = strings.TrimSpace(v)
				}
			}
			set("name", pm.Name)
			set("description", pm.Description)
			for _, d := range pm.Extended.Data {
				set(d.Name, d.Value)
			}
			for _, sd := range pm.Extended.SchemaData {
				for _, d := range sd.SimpleData {
					set(d.Name, d.Value)
				}
			}
			// A bad geometry is a row without one, so that its problem is
			// listed with its number.
			g, err := pm.kmlMulti.geometry()
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			rows = append(rows, row)
			t.geoms = append(t.geoms, g)
			t.geomErrs = append(t.geomErrs, msg)
		}
	}
	if !sawKML {
		return nil, fmt.Errorf("%s is not KML (no <kml> element)", name)
	}
	if t.geoms == nil {
		t.geoms = []orb.Geometry{}
	}
	for i, r := range rows {
		cells := make([]string, len(t.header))
		for c, v := range r {
			cells[c] = v
		}
		t.rows = append(t.rows, cells)
		t.nums = append(t.nums, i+1)
	}
	return t, nil
}

// kmzDoc returns the KML document of a KMZ archive: doc.kml, else the
// first .kml file at its top, else the first anywhere.
func kmzDoc(b []byte, name string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable KMZ (ZIP) file: %v", name, err)
	}
	var pick *zip.File
	for _, f := range zr.File {
		low := strings.ToLower(f.Name)
		switch {
		case low == "doc.kml":
			pick = f
		case pick == nil && strings.HasSuffix(low, ".kml"):
			pick = f
		case pick != nil && strings.ToLower(pick.Name) != "doc.kml" && strings.HasSuffix(low, ".kml") &&
			path.Dir(low) == "." && path.Dir(strings.ToLower(pick.Name)) != ".":
			pick = f
		}
	}
	if pick == nil {
		return nil, fmt.Errorf("%s: a ZIP without a .kml file in it", name)
	}
	rc, err := pick.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %v", name, pick.Name, err)
	}
	defer rc.Close()
	return readAll(rc, name+"/"+pick.Name)
}

// geometry returns the one geometry m holds (a single Point, LineString
// or Polygon), or a multi-geometry or collection of several; nil when m
// holds none.
func (m kmlMulti) geometry() (orb.Geometry, error) {
	var gs []orb.Geometry
	for _, p := range m.Points {
		ps, err := parseCoords(p.Coordinates)
		if err != nil {
			return nil, fmt.Errorf("Point: %v", err)
		}
		if len(ps) != 1 {
			return nil, fmt.Errorf("Point: %d coordinates, not 1", len(ps))
		}
		gs = append(gs, ps[0])
	}
	for _, l := range m.Lines {
		ps, err := parseCoords(l.Coordinates)
		if err != nil {
			return nil, fmt.Errorf("LineString: %v", err)
		}
		if len(ps) < 2 {
			return nil, fmt.Errorf("LineString: %d coordinates, not 2 or more", len(ps))
		}
		gs = append(gs, orb.LineString(ps))
	}
	ring := func(s string) (orb.Ring, error) {
		ps, err := parseCoords(s)
		if err != nil {
			return nil, err
		}
		if len(ps) < 3 {
			return nil, fmt.Errorf("a ring of %d coordinates, not 4 or more", len(ps))
		}
		r := orb.Ring(ps)
		if !r.Closed() {
			r = append(r, r[0])
		}
		return r, nil
	}
	for _, r := range m.Rings {
		rr, err := ring(r.Coordinates)
		if err != nil {
			return nil, fmt.Errorf("LinearRing: %v", err)
		}
		gs = append(gs, orb.Polygon{rr})
	}
	for _, p := range m.Polygons {
		outer, err := ring(p.Outer.Coordinates)
		if err != nil {
			return nil, fmt.Errorf("Polygon: %v", err)
		}
		poly := orb.Polygon{outer}
		for _, in := range p.Inner {
			r, err := ring(in.Coordinates)
			if err != nil {
				return nil, fmt.Errorf("Polygon hole: %v", err)
			}
			poly = append(poly, r)
		}
		gs = append(gs, poly)
	}
	for _, mm := range m.Multi {
		g, err := mm.geometry()
		if err != nil {
			return nil, err
		}
		if g != nil {
			gs = append(gs, g)
		}
	}
	switch len(gs) {
	case 0:
		return nil, nil
	case 1:
		return gs[0], nil
	}
	var (
		mp  orb.MultiPoint
		ml  orb.MultiLineString
		mpl orb.MultiPolygon
	)
	for _, g := range gs {
		switch g := g.(type) {
		case orb.Point:
			mp = append(mp, g)
		case orb.LineString:
			ml = append(ml, g)
		case orb.Polygon:
			mpl = append(mpl, g)
		case orb.MultiPolygon:
			mpl = append(mpl, g...)
		default:
			return orb.Collection(gs), nil
		}
	}
	switch len(gs) {
	case len(mp):
		return mp, nil
	case len(ml):
		return ml, nil
	case len(mpl):
		return mpl, nil
	}
	return orb.Collection(gs), nil
}

// parseCoords reads KML coordinates: lon,lat[,alt] tuples separated by
// white space (spaces after the commas tolerated).
func parseCoords(s string) ([]orb.Point, error) {
	s = strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(s, ", ", ","), " ,", ",")), " ")
	var out []orb.Point
	for _, tup := range strings.Fields(s) {
		parts := strings.Split(tup, ",")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, fmt.Errorf("coordinate %q is not lon,lat[,alt]", tup)
		}
		lon, err1 := strconv.ParseFloat(parts[0], 64)
		lat, err2 := strconv.ParseFloat(parts[1], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("coordinate %q is not lon,lat[,alt]", tup)
		}
		out = append(out, orb.Point{lon, lat})
	}
	if len(out) == 0 {
		return nil, errors.New("no coordinates")
	}
	return out, nil
}

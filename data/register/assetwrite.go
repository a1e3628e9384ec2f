package register

import (
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/xuri/excelize/v2"

	"safetynet/data/store"
)

// exportHeader returns the columns a layer is written with: lon and lat
// for a point layer (wkt for others), then the layer's columns.
func exportHeader(layer string) ([]string, error) {
	cols := store.Columns(layer)
	if cols == nil {
		return nil, fmt.Errorf("no layer %q; the layers are %s", layer, strings.Join(store.LayerNames(), ", "))
	}
	h := []string{WKT}
	if store.GeometryType(layer) == "POINT" {
		h = []string{Lon, Lat}
	}
	for _, c := range cols {
		h = append(h, c.Name)
	}
	return h, nil
}

// exportValues returns r's cells under header: the geometry, then each
// column's value as text (numbers in full precision, booleans true or
// false); typed holds the numbers as float64 for a spreadsheet.
func exportValues(header []string, r store.Record) (cells []string, typed []any, err error) {
	cells = make([]string, len(header))
	typed = make([]any, len(header))
	for i, h := range header {
		switch h {
		case Lon, Lat:
			p, ok := r.Geom.(orb.Point)
			if !ok {
				return nil, nil, fmt.Errorf("feature %d: a %T, not a point", r.FID, r.Geom)
			}
			v := p[0]
			if h == Lat {
				v = p[1]
			}
			cells[i], typed[i] = formatNum(v), v
			continue
		case WKT:
			if r.Geom != nil {
				cells[i] = wkt.MarshalString(r.Geom)
			}
			typed[i] = cells[i]
			continue
		}
		switch v := r.Props[h].(type) {
		case nil:
		case string:
			cells[i], typed[i] = v, v
		case float64:
			cells[i], typed[i] = formatNum(v), v
		case int64:
			cells[i], typed[i] = strconv.FormatInt(v, 10), v
		case int:
			cells[i], typed[i] = strconv.Itoa(v), int64(v)
		case bool:
			cells[i] = strconv.FormatBool(v)
			typed[i] = cells[i]
		default:
			cells[i] = fmt.Sprint(v)
			typed[i] = cells[i]
		}
	}
	return cells, typed, nil
}

// WriteCSV writes the records of layer (as store.Records returns them) as
// CSV: UTF-8 with a byte-order mark, so that Excel shows Chinese right;
// columns lon and lat (wkt for a layer of lines or polygons), then every
// column of the layer. Read reads it back.
func WriteCSV(w io.Writer, layer string, recs []store.Record) error {
	header, err := exportHeader(layer)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range recs {
		cells, _, err := exportValues(header, r)
		if err != nil {
			return fmt.Errorf("%s %w", layer, err)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the records of layer as an Excel workbook with one
// sheet named after the layer, the columns of WriteCSV, numbers as
// numbers.
func WriteXLSX(w io.Writer, layer string, recs []store.Record) error {
	header, err := exportHeader(layer)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", layer); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(layer)
	if err != nil {
		return err
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for n, r := range recs {
		_, typed, err := exportValues(header, r)
		if err != nil {
			return fmt.Errorf("%s %w", layer, err)
		}
		for i, v := range typed {
			if s, ok := v.(string); ok && len(s) > maxCell {
				return fmt.Errorf("%s feature %d: column %s is longer than an Excel cell holds", layer, r.FID, header[i])
			}
		}
		ref, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, typed); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// WriteKML writes the records of layer as KML 2.2: one Placemark each,
// its name the record's name, its geometry a Point, LineString, Polygon
// or MultiGeometry, every other column that has a value an ExtendedData
// Data element.
func WriteKML(w io.Writer, layer string, recs []store.Record) error {
	cols := store.Columns(layer)
	if cols == nil {
		return fmt.Errorf("no layer %q; the layers are %s", layer, strings.Join(store.LayerNames(), ", "))
	}
	var b strings.Builder
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString(xml.Header)
	b.WriteString(`<kml xmlns="http://www.opengis.net/kml/2.2">` + "\n<Document>\n<name>" + esc(layer) + "</name>\n")
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	for _, r := range recs {
		cells, _, err := exportValues(header, r)
		if err != nil {
			return fmt.Errorf("%s %w", layer, err)
		}
		b.WriteString("<Placemark>")
		var ext strings.Builder
		for i, h := range header {
			switch {
			case cells[i] == "":
			case h == "name":
				b.WriteString("<name>" + esc(cells[i]) + "</name>")
			default:
				fmt.Fprintf(&ext, `<Data name="%s"><value>%s</value></Data>`, esc(h), esc(cells[i]))
			}
		}
		if ext.Len() > 0 {
			b.WriteString("<ExtendedData>" + ext.String() + "</ExtendedData>")
		}
		if err := kmlGeometry(&b, r.Geom); err != nil {
			return fmt.Errorf("%s feature %d: %w", layer, r.FID, err)
		}
		b.WriteString("</Placemark>\n")
		if b.Len() > 1<<20 {
			if _, err := io.WriteString(w, b.String()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	b.WriteString("</Document>\n</kml>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func kmlGeometry(b *strings.Builder, g orb.Geometry) error {
	coords := func(ps []orb.Point) string {
		parts := make([]string, len(ps))
		for i, p := range ps {
			parts[i] = formatNum(p[0]) + "," + formatNum(p[1])
		}
		return "<coordinates>" + strings.Join(parts, " ") + "</coordinates>"
	}
	poly := func(p orb.Polygon) {
		b.WriteString("<Polygon>")
		for i, r := range p {
			tag := "innerBoundaryIs"
			if i == 0 {
				tag = "outerBoundaryIs"
			}
			b.WriteString("<" + tag + "><LinearRing>" + coords(r) + "</LinearRing></" + tag + ">")
		}
		b.WriteString("</Polygon>")
	}
	switch g := g.(type) {
	case nil:
	case orb.Point:
		b.WriteString("<Point>" + coords([]orb.Point{g}) + "</Point>")
	case orb.LineString:
		b.WriteString("<LineString>" + coords(g) + "</LineString>")
	case orb.Polygon:
		poly(g)
	case orb.MultiPoint, orb.MultiLineString, orb.MultiPolygon, orb.Collection:
		b.WriteString("<MultiGeometry>")
		var err error
		switch g := g.(type) {
		case orb.MultiPoint:
			for _, p := range g {
				err = kmlGeometry(b, p)
			}
		case orb.MultiLineString:
			for _, l := range g {
				err = kmlGeometry(b, l)
			}
		case orb.MultiPolygon:
			for _, p := range g {
				poly(p)
			}
		case orb.Collection:
			for _, x := range g {
				if e := kmlGeometry(b, x); e != nil {
					err = e
				}
			}
		}
		b.WriteString("</MultiGeometry>")
		return err
	default:
		return fmt.Errorf("a %T has no KML form", g)
	}
	return nil
}

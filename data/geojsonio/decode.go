package geojsonio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// maxErrors is how many bad features decode reports before it stops.
const maxErrors = 10

// feature is a decoded feature and the words that name it in messages:
// `feature 3 (id "cam-7")`.
type feature struct {
	rec   store.Record
	label string
}

// decode decodes data, the contents of the GeoJSON file name, for the layer
// described by sc.
func decode(data []byte, name string, sc schema) ([]feature, []string, error) {
	data = trimBOM(data)
	if !utf8.Valid(data) {
		off := invalidUTF8(data)
		line, col := lineCol(data, off)
		return nil, nil, fmt.Errorf("%s: %sline %d column %d: text is not UTF-8 (GBK or Latin-1?); save the file as UTF-8",
			name, featureAt(data, off), line, col)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		where := ""
		if errors.As(err, &se) {
			where = featureAt(data, int(se.Offset)-1)
		}
		return nil, nil, fmt.Errorf("%s: %s%w", name, where, syntaxError(data, err))
	}
	typ, err := typeOf(top)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkCRS(top["crs"]); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	var raws []json.RawMessage
	switch typ {
	case "FeatureCollection":
		fs, ok := top["features"]
		if !ok {
			return nil, nil, fmt.Errorf("%s: FeatureCollection has no \"features\" member", name)
		}
		if err := json.Unmarshal(fs, &raws); err != nil || raws == nil {
			return nil, nil, fmt.Errorf("%s: \"features\" is %s, want an array of features", name, describeRaw(fs))
		}
	case "Feature":
		raws = []json.RawMessage{data}
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		return nil, nil, fmt.Errorf("%s: is a bare %s geometry; wrap it in a Feature or FeatureCollection", name, typ)
	default:
		return nil, nil, fmt.Errorf("%s: type %q is not a GeoJSON FeatureCollection or Feature", name, typ)
	}

	unknown := make(map[string]int)
	fs := make([]feature, 0, len(raws))
	var errs []error
	for i, raw := range raws {
		f, err := decodeFeature(raw, i, sc, unknown)
		if err != nil {
			if len(errs) == maxErrors {
				errs = append(errs, fmt.Errorf("%s: stopped after %d bad features", name, maxErrors))
				break
			}
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		fs = append(fs, f)
	}
	warnings := unknownWarnings(name, sc, unknown)
	if len(errs) > 0 {
		return nil, warnings, errors.Join(errs...)
	}
	return fs, warnings, nil
}

// decodeFeature decodes the i-th feature. Its errors start with the
// feature's label; properties that are not columns are counted in unknown.
func decodeFeature(raw json.RawMessage, i int, sc schema, unknown map[string]int) (feature, error) {
	f := feature{label: fmt.Sprintf("feature %d", i)}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return f, fmt.Errorf("%s: is %s, want a Feature object", f.label, describeRaw(raw))
	}
	// The id first, so that every later message can name the feature by it.
	var id any
	if raw, ok := m["id"]; ok && !isNull(raw) {
		v, err := decodeAny(raw)
		id = v
		switch v := v.(type) {
		case string:
			if r := []rune(v); len(r) > 40 {
				v = string(r[:40]) + "…"
			}
			f.label += fmt.Sprintf(" (id %q)", v)
		case json.Number:
			f.label += fmt.Sprintf(" (id %s)", v)
			if n, err := strconv.ParseInt(string(v), 10, 64); err == nil && n > 0 {
				f.rec.FID = n
			}
		default:
			if err == nil {
				err = fmt.Errorf("id is %s, want a string or a number", describe(v))
			}
			return f, fmt.Errorf("%s: %w", f.label, err)
		}
	}
	typ, err := typeOf(m)
	if err != nil {
		return f, fmt.Errorf("%s: %w", f.label, err)
	}
	if typ != "Feature" {
		return f, fmt.Errorf("%s: type is %q, want \"Feature\"", f.label, typ)
	}

	g, ok := m["geometry"]
	if !ok || isNull(g) {
		return f, fmt.Errorf("%s: has no geometry; every %s feature needs %s", f.label, sc.layer, accepts(sc.geom))
	}
	geom, err := decodeGeometry(g)
	if err != nil {
		return f, fmt.Errorf("%s: %w", f.label, err)
	}
	if f.rec.Geom, err = accept(sc, geom); err != nil {
		return f, fmt.Errorf("%s: %w", f.label, err)
	}

	props := map[string]any{}
	if p, ok := m["properties"]; ok && !isNull(p) {
		v, err := decodeAny(p)
		if err != nil {
			return f, fmt.Errorf("%s: properties: %w", f.label, err)
		}
		if props, ok = v.(map[string]any); !ok {
			return f, fmt.Errorf("%s: properties is %s, want an object", f.label, describe(v))
		}
	}
	f.rec.Props = make(map[string]any, len(props))
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	cols := store.MapColumns(sc.cols, names)
	attrs := map[string]any{}
	keep := columnType(sc, attributesColumn) != ""
	for _, k := range names {
		v := props[k]
		col, ok := cols[k]
		if !ok {
			if keep {
				if v != nil {
					attrs[k] = v
				}
			} else {
				unknown[k]++
			}
			continue
		}
		if v == nil {
			continue
		}
		if col == attributesColumn {
			if err := mergeAttributes(attrs, v); err != nil {
				return f, fmt.Errorf("%s: property %q: %w", f.label, k, err)
			}
			continue
		}
		x, err := convert(columnType(sc, col), col, v)
		if err != nil {
			return f, fmt.Errorf("%s: property %q: %w", f.label, k, err)
		}
		if err := store.CheckValue(sc.layer, col, x); err != nil {
			return f, fmt.Errorf("%s: property %q: %w", f.label, k, err)
		}
		f.rec.Props[col] = x
	}
	// A feature's own text id is its code when no property gives one; a
	// number is taken for a fid, as Export writes it.
	if id, ok := id.(string); ok && columnType(sc, "code") != "" && f.rec.Props["code"] == nil {
		f.rec.Props["code"] = id
	}
	if len(attrs) > 0 {
		b, err := json.Marshal(attrs)
		if err != nil {
			return f, fmt.Errorf("%s: properties: %w", f.label, err)
		}
		f.rec.Props[attributesColumn] = string(b)
	}
	if sc.layer == store.Cameras && columnType(sc, "estimated") != "" && f.rec.Props["estimated"] == nil && unknownView(f.rec.Props) {
		f.rec.Props["estimated"] = true // coverage fills in the rest and says so
	}
	return f, nil
}

// attributesColumn is the column that keeps the properties a layer has no
// column for.
const attributesColumn = "attributes"

// mergeAttributes adds v, the value of an "attributes" property (a JSON
// object, or text holding one, as Encode writes it), to attrs.
func mergeAttributes(attrs map[string]any, v any) error {
	if s, ok := v.(string); ok {
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			return fmt.Errorf("got %s, want a JSON object", describe(v))
		}
		v = m
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("got %s, want an object", describe(v))
	}
	for k, x := range m {
		if _, dup := attrs[k]; !dup && x != nil {
			attrs[k] = x
		}
	}
	return nil
}

// unknownView reports whether camera properties props lack a heading or a
// field of view (hfov, or sensor width and focal length).
func unknownView(props map[string]any) bool {
	fov := props["hfov"] != nil || props["sensor_width_mm"] != nil && props["focal_length_mm"] != nil
	return props["heading"] == nil || !fov
}

// columnType returns the type of column col of sc.
func columnType(sc schema, col string) string {
	for _, c := range sc.cols {
		if c.Name == col {
			return c.Type
		}
	}
	return ""
}

// unknownWarnings returns one warning per property that is not a column.
func unknownWarnings(name string, sc schema, unknown map[string]int) []string {
	keys := make([]string, 0, len(unknown))
	for k := range unknown {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ws []string
	for _, k := range keys {
		hint := ""
		for _, c := range sc.cols {
			if strings.EqualFold(c.Name, k) {
				hint = fmt.Sprintf(" (did you mean %q?)", c.Name)
			}
		}
		n := unknown[k]
		ws = append(ws, fmt.Sprintf("%s: property %q is not a column of %s%s; ignored in %d feature%s",
			name, k, sc.layer, hint, n, plural(n)))
	}
	return ws
}

// convert returns v, a JSON value decoded by decodeAny, as the value of
// column col of type typ: string, float64, int64, bool or a "YYYY-MM-DD"
// string. Numbers written as text ("12.5") are numbers; a heading may be
// a compass word (north, NE, 东南).
func convert(typ, col string, v any) (any, error) {
	if s, ok := v.(string); ok && (typ == "REAL" || typ == "INTEGER") {
		f, ok := store.TextNumber(s)
		if !ok && col == "heading" {
			f, ok = store.Compass(s)
		}
		if !ok {
			if col == "heading" {
				return nil, fmt.Errorf("got %s, want degrees clockwise from north or a compass direction", describe(v))
			}
			return nil, fmt.Errorf("got %s, want a number", describe(v))
		}
		v = json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	}
	switch typ {
	case "TEXT":
		switch v := v.(type) {
		case string:
			return v, nil
		case json.Number:
			return string(v), nil
		}
		return nil, fmt.Errorf("got %s, want text", describe(v))
	case "REAL":
		if n, ok := v.(json.Number); ok {
			return finite(n)
		}
		return nil, fmt.Errorf("got %s, want a number", describe(v))
	case "INTEGER":
		if n, ok := v.(json.Number); ok {
			return integer(n)
		}
		return nil, fmt.Errorf("got %s, want a whole number", describe(v))
	case "BOOLEAN":
		switch v := v.(type) {
		case bool:
			return v, nil
		case json.Number:
			switch f, err := strconv.ParseFloat(string(v), 64); {
			case err == nil && f == 0:
				return false, nil
			case err == nil && f == 1:
				return true, nil
			}
		}
		return nil, fmt.Errorf("got %s, want true, false, 0 or 1", describe(v))
	case "DATE":
		if s, ok := v.(string); ok {
			return date(s)
		}
		return nil, fmt.Errorf("got %s, want a date \"YYYY-MM-DD\"", describe(v))
	}
	return nil, fmt.Errorf("column type %q is not supported", typ)
}

// finite parses n as a finite float64.
func finite(n json.Number) (float64, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%s is not a number", n)
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%s is not a finite number", n)
	}
	return f, nil
}

// integer parses n as an int64: 12, 12.0 and 1.2e1 are all 12.
func integer(n json.Number) (int64, error) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, nil
	}
	f, err := finite(n)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) {
		return 0, fmt.Errorf("got %s, want a whole number", n)
	}
	// -2^63 is exact in float64; 2^63 is the first value out of range.
	if f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, fmt.Errorf("%s is too large for a whole-number column", n)
	}
	return int64(f), nil
}

// date returns s, a date "YYYY-MM-DD", an RFC 3339 date-time or a
// "YYYY-MM-DD hh:mm:ss" time, as the date "YYYY-MM-DD" it is written with:
// the time and zone are dropped, not converted.
func date(s string) (string, error) {
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return s, nil
	}
	for _, layout := range []string{time.RFC3339, time.DateTime} {
		if _, err := time.Parse(layout, s); err == nil && len(s) > len(time.DateOnly) {
			return s[:len(time.DateOnly)], nil
		}
	}
	return "", fmt.Errorf("got %q, want a date \"YYYY-MM-DD\" or an RFC 3339 date-time", s)
}

// accept returns g as a geometry of layer sc: a Polygon becomes a
// MultiPolygon of one where the layer holds MultiPolygons, and a
// MultiPolygon of one polygon, as some GIS programs write every polygon,
// becomes a Polygon where the layer holds Polygons; likewise for points and
// lines.
func accept(sc schema, g orb.Geometry) (orb.Geometry, error) {
	t := g.GeoJSONType()
	n := 0 // parts of a multi-geometry
	switch sc.geom {
	case "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON":
		switch g := g.(type) {
		case orb.Point:
			if sc.geom == "MULTIPOINT" {
				return orb.MultiPoint{g}, nil
			}
		case orb.LineString:
			if sc.geom == "MULTILINESTRING" {
				return orb.MultiLineString{g}, nil
			}
		case orb.Polygon:
			if sc.geom == "MULTIPOLYGON" {
				return orb.MultiPolygon{g}, nil
			}
		case orb.MultiPoint:
			if n = len(g); n == 1 && sc.geom == "POINT" {
				return g[0], nil
			}
		case orb.MultiLineString:
			if n = len(g); n == 1 && sc.geom == "LINESTRING" {
				return g[0], nil
			}
		case orb.MultiPolygon:
			if n = len(g); n == 1 && sc.geom == "POLYGON" {
				return g[0], nil
			}
		}
		if strings.EqualFold(t, sc.geom) {
			return g, nil
		}
	case "GEOMETRY":
		return g, nil
	default:
		return nil, fmt.Errorf("layer %s has geometry type %s, which GeoJSON import does not support", sc.layer, sc.geom)
	}
	if n > 1 && strings.EqualFold("Multi"+sc.geom, t) {
		return nil, fmt.Errorf("geometry is a %s of %d parts; layer %s holds %s: split it into one feature per part", t, n, sc.layer, accepts(sc.geom))
	}
	return nil, fmt.Errorf("geometry is a %s; layer %s holds %s", t, sc.layer, accepts(sc.geom))
}

// accepts says in words which GeoJSON geometries a layer of type geom takes.
func accepts(geom string) string {
	switch geom {
	case "POINT":
		return "a Point"
	case "LINESTRING":
		return "a LineString"
	case "POLYGON":
		return "a Polygon"
	case "MULTIPOINT":
		return "a Point or MultiPoint"
	case "MULTILINESTRING":
		return "a LineString or MultiLineString"
	case "MULTIPOLYGON":
		return "a Polygon or MultiPolygon"
	}
	return "a geometry"
}

// decodeGeometry decodes a GeoJSON geometry object, checking every
// position, and winds polygons as RFC 7946 asks.
func decodeGeometry(raw json.RawMessage) (orb.Geometry, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("geometry is %s, want a geometry object", describeRaw(raw))
	}
	typ, err := typeOf(m)
	if err != nil {
		return nil, fmt.Errorf("geometry: %w", err)
	}
	if typ == "GeometryCollection" {
		return nil, errors.New("geometry is a GeometryCollection, which is not supported; split it into one feature per geometry")
	}
	c, ok := m["coordinates"]
	if !ok || isNull(c) {
		return nil, fmt.Errorf("%s has no coordinates", typ)
	}
	v, err := decodeAny(c)
	if err != nil {
		return nil, fmt.Errorf("%s coordinates: %w", typ, err)
	}
	var g orb.Geometry
	switch typ {
	case "Point":
		g, err = position(v)
		if err != nil {
			err = fmt.Errorf("Point: %w", err)
		}
	case "MultiPoint":
		g, err = multiPoint(v)
	case "LineString":
		g, err = lineString(v)
	case "MultiLineString":
		g, err = multiLineString(v)
	case "Polygon":
		g, err = polygon(v)
	case "MultiPolygon":
		g, err = multiPolygon(v)
	default:
		return nil, fmt.Errorf("geometry type %q is not a GeoJSON geometry type", typ)
	}
	if err != nil {
		if typ == "Point" {
			return nil, err
		}
		return nil, fmt.Errorf("%s %w", typ, err)
	}
	return g, nil
}

// The functions below read coordinates decoded by decodeAny. Their errors
// read well after the geometry type: "LineString coordinate 3: ...".

func multiPoint(v any) (orb.MultiPoint, error) {
	ps, err := positions(v, 1)
	return orb.MultiPoint(ps), err
}

func lineString(v any) (orb.LineString, error) {
	ps, err := positions(v, 2)
	return orb.LineString(ps), err
}

func multiLineString(v any) (orb.MultiLineString, error) {
	a, err := array(v, "LineString", 1)
	if err != nil {
		return nil, err
	}
	mls := make(orb.MultiLineString, len(a))
	for i, l := range a {
		if mls[i], err = lineString(l); err != nil {
			return nil, fmt.Errorf("line %d %w", i, err)
		}
	}
	return mls, nil
}

func multiPolygon(v any) (orb.MultiPolygon, error) {
	a, err := array(v, "Polygon", 1)
	if err != nil {
		return nil, err
	}
	mp := make(orb.MultiPolygon, len(a))
	for i, p := range a {
		if mp[i], err = polygon(p); err != nil {
			return nil, fmt.Errorf("polygon %d %w", i, err)
		}
	}
	return mp, nil
}

// polygon reads a polygon and winds its outer ring counter-clockwise and
// its holes clockwise.
func polygon(v any) (orb.Polygon, error) {
	a, err := array(v, "ring", 1)
	if err != nil {
		return nil, err
	}
	p := make(orb.Polygon, len(a))
	for i, r := range a {
		if p[i], err = ring(r); err != nil {
			return nil, fmt.Errorf("ring %d %w", i, err)
		}
	}
	wind(p)
	return p, nil
}

func ring(v any) (orb.Ring, error) {
	ps, err := positions(v, 0)
	if err != nil {
		return nil, err
	}
	if len(ps) < 4 {
		return nil, fmt.Errorf("has %d coordinates; a closed ring needs at least 4", len(ps))
	}
	if first, last := ps[0], ps[len(ps)-1]; first != last {
		return nil, fmt.Errorf("is not closed: first coordinate %s differs from last %s; repeat the first coordinate at the end",
			formatPoint(first), formatPoint(last))
	}
	return orb.Ring(ps), nil
}

// positions reads an array of at least least positions.
func positions(v any, least int) ([]orb.Point, error) {
	a, err := array(v, "coordinate", least)
	if err != nil {
		return nil, err
	}
	ps := make([]orb.Point, len(a))
	for i, p := range a {
		if ps[i], err = position(p); err != nil {
			return nil, fmt.Errorf("coordinate %d: %w", i, err)
		}
	}
	return ps, nil
}

// position reads [longitude, latitude] or [longitude, latitude, altitude],
// dropping the altitude.
func position(v any) (orb.Point, error) {
	a, ok := v.([]any)
	if !ok {
		return orb.Point{}, fmt.Errorf("position is %s, want [longitude, latitude]", describe(v))
	}
	if len(a) < 2 {
		return orb.Point{}, fmt.Errorf("position has %d number%s, want [longitude, latitude]", len(a), plural(len(a)))
	}
	var p orb.Point
	for i, x := range a {
		what := [...]string{"longitude", "latitude", "altitude"}[min(i, 2)]
		n, ok := x.(json.Number)
		if !ok {
			return orb.Point{}, fmt.Errorf("%s is %s, want a number", what, describe(x))
		}
		f, err := finite(n)
		if err != nil {
			return orb.Point{}, fmt.Errorf("%s %w", what, err)
		}
		switch {
		case i == 0 && (f < -180 || f > 180):
			return orb.Point{}, fmt.Errorf("longitude %s out of range [-180, 180]", n)
		case i == 1 && (f < -90 || f > 90):
			return orb.Point{}, fmt.Errorf("latitude %s out of range [-90, 90]", n)
		case i < 2:
			p[i] = f
		}
	}
	return p, nil
}

// array returns v as an array of at least least elements, each one an "of".
func array(v any, of string, least int) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("is %s, want an array of %ss", describe(v), of)
	}
	if len(a) < least {
		return nil, fmt.Errorf("has %d %s%s, want at least %d", len(a), of, plural(len(a)), least)
	}
	return a, nil
}

// typeOf returns the "type" member of a GeoJSON object.
func typeOf(m map[string]json.RawMessage) (string, error) {
	raw, ok := m["type"]
	if !ok {
		return "", errors.New("has no \"type\" member")
	}
	var t string
	if err := json.Unmarshal(raw, &t); err != nil {
		return "", fmt.Errorf("type is %s, want a string", describeRaw(raw))
	}
	return t, nil
}

// checkCRS rejects an old-style (GeoJSON 2008) "crs" member that names a
// coordinate system other than WGS 84 longitude, latitude. RFC 7946 dropped
// the member; files without it are WGS 84.
func checkCRS(raw json.RawMessage) error {
	if raw == nil || isNull(raw) {
		return nil
	}
	var crs struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if json.Unmarshal(raw, &crs) != nil || crs.Properties.Name == "" {
		return nil
	}
	name := crs.Properties.Name
	for _, ok := range []string{"CRS84", "EPSG::4326", "EPSG:4326", "EPSG/0/4326"} {
		if strings.HasSuffix(strings.ToUpper(name), ok) {
			return nil
		}
	}
	return fmt.Errorf("coordinates are in %s; export them as WGS 84 longitude, latitude (EPSG:4326) instead", name)
}

// decodeAny decodes raw keeping numbers as json.Number, so that no number
// is rounded or overflows before it is checked.
func decodeAny(raw json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// describe names the kind of a value decoded by decodeAny.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return "the number " + string(v)
	case string:
		if len(v) > 40 {
			return "a text"
		}
		return fmt.Sprintf("the text %q", v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}

// describeRaw names the kind of a JSON value.
func describeRaw(raw json.RawMessage) string {
	v, err := decodeAny(raw)
	if err != nil {
		return "not JSON"
	}
	return describe(v)
}

// syntaxError rewrites a JSON decoding error of data with a line and column
// and, for the NaN and Infinity some writers emit, what to do.
func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off := int(se.Offset) - 1 // Offset is just after the bad byte
		off = max(0, min(off, len(data)))
		line, col := lineCol(data, off)
		rest := data[off:]
		if off > 0 && data[off-1] == '-' { // "-Infinity" fails at the I
			rest = data[off-1:]
		}
		for _, bad := range []string{"NaN", "Infinity", "-Infinity", "-NaN", "inf", "-inf", "nan"} {
			if bytes.HasPrefix(rest, []byte(bad)) {
				return fmt.Errorf("line %d column %d: %s is not a JSON number; the program that wrote the file must write null, or leave the value out, instead", line, col, bad)
			}
		}
		if strings.HasPrefix(se.Error(), "unexpected end") {
			return fmt.Errorf("line %d column %d: file ends early (%v); is it complete?", line, col, se)
		}
		return fmt.Errorf("line %d column %d: not valid JSON: %v", line, col, se)
	case errors.As(err, &te):
		return fmt.Errorf("is %s, not a GeoJSON object", describeRaw(data))
	}
	return fmt.Errorf("not valid JSON: %w", err)
}

// featureAt returns "feature i: " when byte offset off of data, a document
// that need not be valid JSON, falls in the i-th element of a top-level
// "features" array, and "" otherwise.
func featureAt(data []byte, off int) string {
	d := json.NewDecoder(bytes.NewReader(data))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for d.More() {
		key, err := d.Token()
		if err != nil {
			return ""
		}
		if key != "features" {
			var skip json.RawMessage
			if d.Decode(&skip) != nil {
				return ""
			}
			continue
		}
		if t, err := d.Token(); err != nil || t != json.Delim('[') {
			return ""
		}
		for i := 0; d.More(); i++ {
			start := d.InputOffset()
			var skip json.RawMessage
			if d.Decode(&skip) != nil || int(d.InputOffset()) > off {
				if int(start) > off {
					return ""
				}
				return fmt.Sprintf("feature %d: ", i)
			}
		}
		return ""
	}
	return ""
}

// lineCol returns the 1-based line and column (in characters) of byte
// offset off in data.
func lineCol(data []byte, off int) (line, col int) {
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// invalidUTF8 returns the offset of the first byte of data that is not UTF-8.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

func formatPoint(p orb.Point) string {
	return "[" + strconv.FormatFloat(p[0], 'f', -1, 64) + ", " + strconv.FormatFloat(p[1], 'f', -1, 64) + "]"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

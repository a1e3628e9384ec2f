package store

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// layerDef is a layer's table, derived once from its Go type.
type layerDef struct {
	name     string
	typ      reflect.Type // struct type implementing Feature
	geomType string       // GeoPackage geometry type name
	fid      []int        // field index of the fid
	geom     []int        // field index of the geometry
	cols     []colDef
}

type colDef struct {
	Column
	field     []int
	omitEmpty bool
}

var (
	timeType = reflect.TypeOf(time.Time{})
	layers   = map[string]*layerDef{}
	order    []string
)

func init() {
	for _, f := range []Feature{Building{}, Road{}, Land{}, WaterArea{}, Barrier{}, KeyArea{}, Hazard{},
		Camera{}, PatrolRoute{}, Checkpoint{}, Equipment{}, AccessPoint{}, Facility{}} {
		d := defineLayer(f)
		layers[d.name] = d
		order = append(order, d.name)
	}
}

func defineLayer(f Feature) *layerDef {
	t := reflect.TypeOf(f)
	d := &layerDef{name: f.Layer(), typ: t}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, idx)
				continue
			}
			tag, ok := sf.Tag.Lookup("gpkg")
			if !ok {
				continue
			}
			name, opt, _ := strings.Cut(tag, ",")
			switch name {
			case "fid":
				d.fid = idx
				continue
			case "geom":
				d.geom = idx
				d.geomType = geometryTypeName(sf.Type)
				continue
			}
			d.cols = append(d.cols, colDef{
				Column:    Column{Name: name, Type: sqlType(sf.Type)},
				field:     idx,
				omitEmpty: opt == "omitempty",
			})
		}
	}
	walk(t, nil)
	if d.fid == nil || d.geom == nil {
		panic(fmt.Sprintf("store: layer %s: type %s lacks a fid or geom field", d.name, t))
	}
	return d
}

func geometryTypeName(t reflect.Type) string {
	switch t {
	case reflect.TypeOf(orb.Point{}):
		return "POINT"
	case reflect.TypeOf(orb.LineString{}):
		return "LINESTRING"
	case reflect.TypeOf(orb.Polygon{}):
		return "POLYGON"
	case reflect.TypeOf(orb.MultiPolygon{}):
		return "MULTIPOLYGON"
	case reflect.TypeOf(orb.MultiLineString{}):
		return "MULTILINESTRING"
	case reflect.TypeOf(orb.MultiPoint{}):
		return "MULTIPOINT"
	}
	return "GEOMETRY"
}

func sqlType(t reflect.Type) string {
	if t == timeType {
		return "DATE"
	}
	switch t.Kind() {
	case reflect.String:
		return "TEXT"
	case reflect.Float32, reflect.Float64:
		return "REAL"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "INTEGER"
	case reflect.Bool:
		return "BOOLEAN"
	}
	panic("store: no column type for " + t.String())
}

// LayerNames returns the names of all layers, basemap layers first and
// point layers last, the order in which they are drawn.
func LayerNames() []string { return append([]string(nil), order...) }

// Columns returns the attribute columns of layer (without fid and geom), or
// nil when there is no such layer.
func Columns(layer string) []Column {
	d := layers[layer]
	if d == nil {
		return nil
	}
	out := make([]Column, len(d.cols))
	for i, c := range d.cols {
		out[i] = c.Column
	}
	return out
}

// GeometryType returns the GeoPackage geometry type name of layer: POINT,
// LINESTRING, POLYGON, MULTIPOLYGON or GEOMETRY; "" when there is no such layer.
func GeometryType(layer string) string {
	if d := layers[layer]; d != nil {
		return d.geomType
	}
	return ""
}

// toValues returns the column values of f in the order of d.cols, ready for SQL.
func (d *layerDef) toValues(v reflect.Value) []any {
	out := make([]any, len(d.cols))
	for i, c := range d.cols {
		fv := v.FieldByIndex(c.field)
		if c.omitEmpty && fv.IsZero() {
			continue
		}
		switch x := fv.Interface().(type) {
		case time.Time:
			if !x.IsZero() {
				out[i] = x.Format(time.DateOnly)
			}
		case int:
			out[i] = int64(x)
		default:
			out[i] = x
		}
	}
	return out
}

// set stores a value read from SQL (or a Record) into field c of v.
//
// SQLite keeps whatever a program wrote, so a file edited elsewhere may
// hold text in a number column. Reading never fails on such a value, so
// that one bad feature does not stop a whole layer from loading: text that
// reads as a number is that number, a compass word in heading is its
// bearing (north, NE, 东北, ...), and any other text is NaN in a REAL field
// (which coverage lists as "not a number") and 0 or false otherwise.
func (c *colDef) set(v reflect.Value, x any) error {
	fv := v.FieldByIndex(c.field)
	if x == nil {
		fv.SetZero()
		return nil
	}
	if b, ok := x.([]byte); ok && fv.Kind() != reflect.String {
		x = string(b)
	}
	switch fv.Kind() {
	case reflect.String:
		switch x := x.(type) {
		case string:
			fv.SetString(x)
		case []byte:
			fv.SetString(string(x))
		case time.Time:
			fv.SetString(x.Format(time.DateOnly))
		default:
			fv.SetString(fmt.Sprint(x))
		}
		return nil
	case reflect.Float64:
		if f, ok := toFloat(x); ok {
			fv.SetFloat(f)
			return nil
		}
		if s, ok := x.(string); ok {
			f, ok := TextNumber(s)
			if !ok && c.Name == "heading" {
				f, ok = Compass(s)
			}
			if !ok {
				f = math.NaN()
			}
			fv.SetFloat(f)
			return nil
		}
	case reflect.Int, reflect.Int64:
		if f, ok := toFloat(x); ok {
			fv.SetInt(int64(f))
			return nil
		}
		if s, ok := x.(string); ok {
			f, ok := TextNumber(s)
			if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				f = 0
			}
			fv.SetInt(int64(f))
			return nil
		}
	case reflect.Bool:
		switch x := x.(type) {
		case bool:
			fv.SetBool(x)
			return nil
		case int64:
			fv.SetBool(x != 0)
			return nil
		case float64:
			fv.SetBool(x != 0)
			return nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "1", "true", "yes", "y", "t":
				fv.SetBool(true)
			default:
				fv.SetBool(false)
			}
			return nil
		}
	case reflect.Struct: // time.Time
		switch x := x.(type) {
		case time.Time:
			fv.Set(reflect.ValueOf(x))
			return nil
		case string:
			return c.setDate(fv, x)
		}
	}
	return fmt.Errorf("column %s: cannot use %T %v as %s", c.Name, x, x, c.Type)
}

// TextNumber reads s, text in a number column, as a number: "12", " 12.5 ",
// "1e3"; ok is false for anything else, and for NaN and infinities.
func TextNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// compass maps the words for the 16 points of the compass, in English and
// Chinese, to their bearings in degrees clockwise from north.
var compass = map[string]float64{
	"n": 0, "nne": 22.5, "ne": 45, "ene": 67.5, "e": 90, "ese": 112.5, "se": 135, "sse": 157.5,
	"s": 180, "ssw": 202.5, "sw": 225, "wsw": 247.5, "w": 270, "wnw": 292.5, "nw": 315, "nnw": 337.5,
	"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180, "southwest": 225, "west": 270, "northwest": 315,
	"north-east": 45, "south-east": 135, "south-west": 225, "north-west": 315,
	"north east": 45, "south east": 135, "south west": 225, "north west": 315,
	"北": 0, "东北": 45, "东": 90, "东南": 135, "南": 180, "西南": 225, "西": 270, "西北": 315,
	"東北": 45, "東": 90, "東南": 135, "北东": 45, "北西": 315,
	"正北": 0, "正东": 90, "正南": 180, "正西": 270, "朝北": 0, "朝东": 90, "朝南": 180, "朝西": 270,
}

// Compass reads s as a compass direction: a word (north, NE, south-west,
// 东北, ...) or a number of degrees with an optional "°"; ok is false
// for anything else.
func Compass(s string) (float64, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	if d, ok := compass[t]; ok {
		return d, true
	}
	if f, ok := TextNumber(strings.TrimSuffix(t, "°")); ok {
		return f, true
	}
	return 0, false
}

// setDate sets a date column; text that is not a date reads as no date.
func (c *colDef) setDate(fv reflect.Value, s string) error {
	t, _ := parseDate(c.Name, s)
	fv.Set(reflect.ValueOf(t))
	return nil
}

// parseDate reads a GeoPackage DATE ("YYYY-MM-DD") or DATETIME; "" is the zero time.
func parseDate(col, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("column %s: %q is not a date (YYYY-MM-DD)", col, s)
}

func toFloat(x any) (float64, bool) {
	switch x := x.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// recordValue converts a value read from SQL into a Record property value
// for column type typ.
func recordValue(typ string, x any) any {
	switch x := x.(type) {
	case nil:
		return nil
	case []byte:
		return string(x)
	case time.Time:
		return x.Format(time.DateOnly)
	case int64:
		if typ == "BOOLEAN" {
			return x != 0
		}
		if typ == "REAL" {
			return float64(x)
		}
	}
	return x
}

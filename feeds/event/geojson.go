package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// geometryJSON is a GeoJSON geometry as the envelope carries it, read
// strictly: every position has a longitude and a latitude (an optional
// altitude is dropped), and nothing missing is filled in with zeros.
type geometryJSON struct {
	Type        *string         `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// parseGeometry reads the envelope's geometry. null (or absent) is no
// geometry; anything else must be a usable geometry, and the error names
// the position that is not.
func parseGeometry(raw json.RawMessage) (orb.Geometry, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var g geometryJSON
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, invalid("geometry is not a GeoJSON geometry object with type and coordinates (%v)", err)
	}
	if g.Type == nil || *g.Type == "" {
		return nil, invalid("geometry.type is missing (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon)")
	}
	switch *g.Type {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
	default:
		return nil, invalid("geometry type %q is not allowed (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon)", clip(*g.Type))
	}
	c := bytes.TrimSpace(g.Coordinates)
	if len(c) == 0 || string(c) == "null" {
		return nil, invalid("geometry.coordinates is missing: a %s needs them (leave geometry out when the position is unknown)", *g.Type)
	}
	dec := json.NewDecoder(bytes.NewReader(c))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, invalid("geometry.coordinates: %v", err)
	}
	p := &posReader{}
	switch *g.Type {
	case "Point":
		pt, err := p.position("geometry.coordinates", v)
		return pt, err
	case "MultiPoint":
		ps, err := p.positions("geometry.coordinates", v)
		return orb.MultiPoint(ps), err
	case "LineString":
		ps, err := p.positions("geometry.coordinates", v)
		return orb.LineString(ps), err
	case "Polygon":
		return p.polygon("geometry.coordinates", v)
	case "MultiLineString":
		list, err := p.array("geometry.coordinates", v, "a list of lines")
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, invalid("geometry.coordinates: a MultiLineString needs at least one line")
		}
		ml := make(orb.MultiLineString, 0, len(list))
		for i, x := range list {
			where := fmt.Sprintf("geometry.coordinates[%d]", i)
			ps, err := p.positions(where, x)
			if err != nil {
				return nil, err
			}
			if len(ps) < 2 {
				return nil, invalid("%s: a line needs at least two positions, has %d", where, len(ps))
			}
			ml = append(ml, orb.LineString(ps))
		}
		return ml, nil
	}
	list, err := p.array("geometry.coordinates", v, "a list of polygons")
	if err != nil {
		return nil, err
	}
	mp := make(orb.MultiPolygon, 0, len(list))
	for i, x := range list {
		poly, err := p.polygon(fmt.Sprintf("geometry.coordinates[%d]", i), x)
		if err != nil {
			return nil, err
		}
		mp = append(mp, poly)
	}
	return mp, nil
}

// posReader turns decoded JSON arrays into positions and counts them.
type posReader struct{ n int }

func (p *posReader) array(where string, v any, what string) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, invalid("%s is %s where %s belongs", where, jsonKind(v), what)
	}
	return a, nil
}

func (p *posReader) position(where string, v any) (orb.Point, error) {
	a, err := p.array(where, v, "a position [longitude, latitude]")
	if err != nil {
		return orb.Point{}, err
	}
	if len(a) < 2 || len(a) > 3 {
		return orb.Point{}, invalid("%s: a position needs [longitude, latitude] (and at most an altitude), has %d numbers", where, len(a))
	}
	p.n++
	if p.n > MaxVertices {
		return orb.Point{}, invalid("geometry has more than %d positions", MaxVertices)
	}
	var f [3]float64
	for i, x := range a {
		n, ok := x.(json.Number)
		if !ok {
			return orb.Point{}, invalid("%s[%d] is %s, not a number", where, i, jsonKind(x))
		}
		v, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return orb.Point{}, invalid("%s[%d]: %s is not a finite number", where, i, clip(string(n)))
		}
		f[i] = v
	}
	if f[0] < -180 || f[0] > 180 {
		return orb.Point{}, invalid("%s: longitude %g is outside -180..180 (positions are [longitude, latitude])", where, f[0])
	}
	if f[1] < -90 || f[1] > 90 {
		return orb.Point{}, invalid("%s: latitude %g is outside -90..90 (positions are [longitude, latitude])", where, f[1])
	}
	return orb.Point{f[0], f[1]}, nil
}

func (p *posReader) positions(where string, v any) ([]orb.Point, error) {
	a, err := p.array(where, v, "a list of positions")
	if err != nil {
		return nil, err
	}
	ps := make([]orb.Point, 0, len(a))
	for i, x := range a {
		pt, err := p.position(fmt.Sprintf("%s[%d]", where, i), x)
		if err != nil {
			return nil, err
		}
		ps = append(ps, pt)
	}
	return ps, nil
}

func (p *posReader) polygon(where string, v any) (orb.Polygon, error) {
	a, err := p.array(where, v, "a list of rings")
	if err != nil {
		return nil, err
	}
	if len(a) == 0 {
		return nil, invalid("%s: a polygon needs at least its outer ring", where)
	}
	poly := make(orb.Polygon, 0, len(a))
	for i, x := range a {
		w := fmt.Sprintf("%s[%d]", where, i)
		ps, err := p.positions(w, x)
		if err != nil {
			return nil, err
		}
		if len(ps) < 4 {
			return nil, invalid("%s: a ring needs at least 4 positions (first = last), has %d", w, len(ps))
		}
		if ps[0] != ps[len(ps)-1] {
			return nil, invalid("%s: the ring is not closed (its first position differs from its last)", w)
		}
		poly = append(poly, orb.Ring(ps))
	}
	return poly, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// checkUTF8 reports the first byte of data that is not UTF-8, and the
// first \u escape that is half a surrogate pair: the JSON decoder would
// put U+FFFD in their place without a word.
func checkUTF8(data []byte) error {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return invalid("JSON envelope: invalid UTF-8 at byte %d (send UTF-8 text)", i)
		}
		i += size
	}
	in := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !in {
			if c == '"' {
				in = true
			}
			continue
		}
		switch c {
		case '"':
			in = false
		case '\\':
			if i+1 < len(data) && data[i+1] == 'u' {
				r, ok := hex4(data, i+2)
				switch {
				case ok && r >= 0xd800 && r < 0xdc00:
					r2, ok2 := rune(0), false
					if i+7 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
						r2, ok2 = hex4(data, i+8)
					}
					if !ok2 || r2 < 0xdc00 || r2 > 0xdfff {
						return invalid("JSON envelope: \\u%04x at byte %d is half a surrogate pair, not a character", r, i)
					}
					i += 11
					continue
				case ok && r >= 0xdc00 && r <= 0xdfff:
					return invalid("JSON envelope: \\u%04x at byte %d is half a surrogate pair, not a character", r, i)
				}
			}
			i++ // the escaped character
		}
	}
	return nil
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[at:at+4]), 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

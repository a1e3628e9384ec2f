package geojsonio

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// encode writes recs, features of the layer described by sc, as a
// FeatureCollection with one feature per line.
func encode(w io.Writer, sc schema, recs []store.Record) error {
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(recs[a].FID, recs[b].FID) })

	e := newEncoder()
	b := []byte(`{"type":"FeatureCollection","features":[`)
	for n, i := range order {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		var err error
		if b, err = e.appendFeature(b, sc, recs[i]); err != nil {
			if recs[i].FID != 0 {
				return fmt.Errorf("%s: feature fid %d: %w", sc.layer, recs[i].FID, err)
			}
			return fmt.Errorf("%s: record %d: %w", sc.layer, i, err)
		}
		// Write in chunks so a large layer does not sit in memory twice.
		if len(b) > 1<<16 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	if len(recs) > 0 {
		b = append(b, '\n')
	}
	b = append(b, "]}\n"...)
	_, err := w.Write(b)
	return err
}

// encoder writes JSON strings as they are: UTF-8, with <, > and & unescaped.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newEncoder() *encoder {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

// appendString appends s as a JSON string.
func (e *encoder) appendString(b []byte, s string) []byte {
	e.buf.Reset()
	e.enc.Encode(s) // a string always encodes
	return append(b, bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))...)
}

func (e *encoder) appendFeature(b []byte, sc schema, r store.Record) ([]byte, error) {
	b = append(b, `{"type":"Feature",`...)
	if r.FID != 0 {
		b = append(b, `"id":`...)
		b = strconv.AppendInt(b, r.FID, 10)
		b = append(b, ',')
	}
	b = append(b, `"geometry":`...)
	b, err := appendGeometry(b, r.Geom)
	if err != nil {
		return nil, fmt.Errorf("geometry: %w", err)
	}
	for k := range r.Props {
		if !slices.ContainsFunc(sc.cols, func(c store.Column) bool { return c.Name == k }) {
			return nil, fmt.Errorf("property %q is not a column of %s", k, sc.layer)
		}
	}
	b = append(b, `,"properties":{`...)
	for i, c := range sc.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = e.appendString(b, c.Name)
		b = append(b, ':')
		if b, err = e.appendValue(b, r.Props[c.Name]); err != nil {
			return nil, fmt.Errorf("property %q: %w", c.Name, err)
		}
	}
	return append(b, "}}"...), nil
}

// appendValue appends a record value: nil, string, float64, int64, int,
// bool, or a time.Time written as its date.
func (e *encoder) appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return e.appendString(b, v), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%v cannot be written in JSON", v)
		}
		return appendFloat(b, v), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case time.Time:
		return e.appendString(b, v.Format(time.DateOnly)), nil
	}
	return nil, fmt.Errorf("value of type %T cannot be written", v)
}

// appendGeometry appends g as a GeoJSON geometry, winding polygons as
// RFC 7946 asks; a nil geometry is null.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, error) {
	switch g := g.(type) {
	case nil:
		return append(b, "null"...), nil
	case orb.Ring:
		return appendGeometry(b, orb.Polygon{g})
	case orb.Bound:
		return appendGeometry(b, g.ToPolygon())
	case orb.Collection:
		b = append(b, `{"type":"GeometryCollection","geometries":[`...)
		for i, c := range g {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendGeometry(b, c); err != nil {
				return nil, err
			}
		}
		return append(b, "]}"...), nil
	}
	if err := checkFinite(g); err != nil {
		return nil, err
	}
	b = append(b, `{"type":"`...)
	b = append(b, g.GeoJSONType()...)
	b = append(b, `","coordinates":`...)
	switch g := g.(type) {
	case orb.Point:
		b = appendPoint(b, g)
	case orb.MultiPoint:
		b = appendPoints(b, g, false)
	case orb.LineString:
		b = appendPoints(b, g, false)
	case orb.MultiLineString:
		b = appendList(b, len(g), func(b []byte, i int) []byte { return appendPoints(b, g[i], false) })
	case orb.Polygon:
		b = appendPolygon(b, g)
	case orb.MultiPolygon:
		b = appendList(b, len(g), func(b []byte, i int) []byte { return appendPolygon(b, g[i]) })
	default:
		return nil, fmt.Errorf("%T cannot be written as GeoJSON", g)
	}
	return append(b, '}'), nil
}

// appendPolygon appends the rings of p, the outer one counter-clockwise and
// the holes clockwise, without changing p.
func appendPolygon(b []byte, p orb.Polygon) []byte {
	return appendList(b, len(p), func(b []byte, i int) []byte {
		return appendPoints(b, p[i], reversed(p[i], i == 0))
	})
}

func appendList(b []byte, n int, item func([]byte, int) []byte) []byte {
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = item(b, i)
	}
	return append(b, ']')
}

// appendPoints appends ps, last to first when reverse is set.
func appendPoints(b []byte, ps []orb.Point, reverse bool) []byte {
	return appendList(b, len(ps), func(b []byte, i int) []byte {
		if reverse {
			i = len(ps) - 1 - i
		}
		return appendPoint(b, ps[i])
	})
}

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = appendFloat(b, p[0])
	b = append(b, ',')
	b = appendFloat(b, p[1])
	return append(b, ']')
}

// appendFloat appends f with the fewest digits that read back exactly, as
// encoding/json writes it. f must be finite.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// checkFinite reports a coordinate of g that JSON cannot hold.
func checkFinite(g orb.Geometry) error {
	var bad error
	visit(g, func(p orb.Point) {
		if bad == nil && (math.IsNaN(p[0]) || math.IsInf(p[0], 0) || math.IsNaN(p[1]) || math.IsInf(p[1], 0)) {
			bad = fmt.Errorf("coordinate %v cannot be written in JSON", p)
		}
	})
	return bad
}

// visit calls fn for every point of g.
func visit(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		for _, p := range g {
			fn(p)
		}
	case orb.Ring:
		for _, p := range g {
			fn(p)
		}
	case orb.MultiLineString:
		for _, l := range g {
			visit(l, fn)
		}
	case orb.Polygon:
		for _, r := range g {
			visit(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			visit(p, fn)
		}
	case orb.Collection:
		for _, c := range g {
			visit(c, fn)
		}
	case orb.Bound:
		fn(g.Min)
		fn(g.Max)
	}
}

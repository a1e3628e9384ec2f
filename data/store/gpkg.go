package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// SRSWGS84 is the srs_id of EPSG:4326, the only reference system of our layers.
const SRSWGS84 = 4326

// ErrGeometry reports a geometry blob that is not valid GeoPackage binary.
var ErrGeometry = errors.New("store: invalid GeoPackage geometry")

// EncodeGeometry returns g as GeoPackage binary: the "GP" header with srs_id
// and an XY envelope, then little-endian WKB. A nil geometry encodes as nil
// (SQL NULL).
func EncodeGeometry(g orb.Geometry, srsID int32) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	empty := isEmpty(g)
	flags := byte(1) // little-endian header
	hdr := 8
	if empty {
		flags |= 1 << 4
	} else if _, pt := g.(orb.Point); !pt {
		flags |= 1 << 1 // envelope [minx, maxx, miny, maxy]
		hdr += 32
	}
	buf := make([]byte, hdr, hdr+len(body))
	buf[0], buf[1], buf[2], buf[3] = 'G', 'P', 0, flags
	binary.LittleEndian.PutUint32(buf[4:], uint32(srsID))
	if hdr > 8 {
		b := g.Bound()
		for i, v := range [4]float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
			binary.LittleEndian.PutUint64(buf[8+8*i:], math.Float64bits(v))
		}
	}
	return append(buf, body...), nil
}

// DecodeGeometry parses GeoPackage binary and returns the geometry and its srs_id.
func DecodeGeometry(b []byte) (orb.Geometry, int32, error) {
	hdr, order, srs, err := header(b)
	if err != nil {
		return nil, 0, err
	}
	_ = order
	g, err := wkb.Unmarshal(b[hdr:])
	if err != nil {
		return nil, srs, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	return g, srs, nil
}

// header validates the GeoPackage binary header and returns its length, the
// byte order of its numbers and the srs_id.
func header(b []byte) (int, binary.ByteOrder, int32, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return 0, nil, 0, fmt.Errorf("%w: no GP magic", ErrGeometry)
	}
	flags := b[3]
	var order binary.ByteOrder = binary.BigEndian
	if flags&1 == 1 {
		order = binary.LittleEndian
	}
	var n int
	switch (flags >> 1) & 7 {
	case 0:
	case 1:
		n = 32
	case 2, 3:
		n = 48
	case 4:
		n = 64
	default:
		return 0, nil, 0, fmt.Errorf("%w: envelope code %d", ErrGeometry, (flags>>1)&7)
	}
	if len(b) < 8+n {
		return 0, nil, 0, fmt.Errorf("%w: short header", ErrGeometry)
	}
	return 8 + n, order, int32(order.Uint32(b[4:])), nil
}

// envelope returns the XY bounding box of a GeoPackage geometry blob and
// whether it is empty, reading the header's envelope when it has one.
func envelope(b []byte) (orb.Bound, bool, error) {
	hdr, order, _, err := header(b)
	if err != nil {
		return orb.Bound{}, true, err
	}
	if b[3]&(1<<4) != 0 {
		return orb.Bound{}, true, nil
	}
	if hdr >= 40 {
		f := func(i int) float64 { return math.Float64frombits(order.Uint64(b[8+8*i:])) }
		return orb.Bound{Min: orb.Point{f(0), f(2)}, Max: orb.Point{f(1), f(3)}}, false, nil
	}
	g, err := wkb.Unmarshal(b[hdr:])
	if err != nil {
		return orb.Bound{}, true, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	if isEmpty(g) {
		return orb.Bound{}, true, nil
	}
	return g.Bound(), false, nil
}

func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case nil:
		return true
	case orb.Point:
		return math.IsNaN(g[0]) && math.IsNaN(g[1])
	case orb.MultiPoint:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.MultiLineString:
		return len(g) == 0
	case orb.Ring:
		return len(g) == 0
	case orb.Polygon:
		return len(g) == 0
	case orb.MultiPolygon:
		return len(g) == 0
	case orb.Collection:
		return len(g) == 0
	}
	return false
}

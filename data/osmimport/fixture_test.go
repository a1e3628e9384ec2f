package osmimport

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"html"
	"math"
)

// A small OSM data set, written by the tests as OSM XML or OSM PBF so both
// decoders read the same content.
type (
	tNode struct {
		id       int64
		lon, lat float64
		tags     []string // key, value, key, value, ...
	}
	tWay struct {
		id   int64
		refs []int64
		tags []string
	}
	tMember struct {
		typ  string // node, way, relation
		ref  int64
		role string
	}
	tRel struct {
		id      int64
		members []tMember
		tags    []string
	}
	tData struct {
		nodes []tNode
		ways  []tWay
		rels  []tRel
	}
)

// xmlOf writes d as OSM XML.
func xmlOf(d tData) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"test\">\n")
	tags := func(kv []string) {
		for i := 0; i+1 < len(kv); i += 2 {
			fmt.Fprintf(&b, "  <tag k=\"%s\" v=\"%s\"/>\n", html.EscapeString(kv[i]), html.EscapeString(kv[i+1]))
		}
	}
	for _, n := range d.nodes {
		fmt.Fprintf(&b, " <node id=\"%d\" version=\"1\" lat=\"%.7f\" lon=\"%.7f\">\n", n.id, n.lat, n.lon)
		tags(n.tags)
		b.WriteString(" </node>\n")
	}
	for _, w := range d.ways {
		fmt.Fprintf(&b, " <way id=\"%d\" version=\"1\">\n", w.id)
		for _, r := range w.refs {
			fmt.Fprintf(&b, "  <nd ref=\"%d\"/>\n", r)
		}
		tags(w.tags)
		b.WriteString(" </way>\n")
	}
	for _, r := range d.rels {
		fmt.Fprintf(&b, " <relation id=\"%d\" version=\"1\">\n", r.id)
		for _, m := range r.members {
			fmt.Fprintf(&b, "  <member type=\"%s\" ref=\"%d\" role=\"%s\"/>\n", m.typ, m.ref, m.role)
		}
		tags(r.tags)
		b.WriteString(" </relation>\n")
	}
	b.WriteString("</osm>\n")
	return b.Bytes()
}

// pbfOf writes d as OSM PBF: a header block and one data block with dense
// nodes, ways and relations, zlib-compressed or raw.
func pbfOf(d tData, compress bool) []byte {
	return pbfOfBlock(primitiveBlock(d), compress)
}

// pbfOfBlock writes a header block and the PrimitiveBlock block.
func pbfOfBlock(block []byte, compress bool) []byte {
	var out bytes.Buffer
	header := pbField(nil, 4, []byte("OsmSchema-V0.6"))
	header = pbField(header, 4, []byte("DenseNodes"))
	writeBlock(&out, "OSMHeader", header, compress)
	writeBlock(&out, "OSMData", block, compress)
	return out.Bytes()
}

// primitiveBlock encodes d as one PrimitiveBlock.
func primitiveBlock(d tData) []byte {
	strs := []string{""}
	index := map[string]int{"": 0}
	sid := func(s string) uint64 {
		if i, ok := index[s]; ok {
			return uint64(i)
		}
		index[s] = len(strs)
		strs = append(strs, s)
		return uint64(len(strs) - 1)
	}

	var groups [][]byte
	if len(d.nodes) > 0 {
		var ids, lats, lons, kv []byte
		var pid, plat, plon int64
		for _, n := range d.nodes {
			lat, lon := int64(math.Round(n.lat*1e7)), int64(math.Round(n.lon*1e7))
			ids = binary.AppendUvarint(ids, zigzag(n.id-pid))
			lats = binary.AppendUvarint(lats, zigzag(lat-plat))
			lons = binary.AppendUvarint(lons, zigzag(lon-plon))
			pid, plat, plon = n.id, lat, lon
			for i := 0; i+1 < len(n.tags); i += 2 {
				kv = binary.AppendUvarint(kv, sid(n.tags[i]))
				kv = binary.AppendUvarint(kv, sid(n.tags[i+1]))
			}
			kv = binary.AppendUvarint(kv, 0)
		}
		dense := pbField(nil, 1, ids)
		dense = pbField(dense, 8, lats)
		dense = pbField(dense, 9, lons)
		dense = pbField(dense, 10, kv)
		groups = append(groups, pbField(nil, 2, dense))
	}
	if len(d.ways) > 0 {
		var g []byte
		for _, w := range d.ways {
			m := pbVarint(nil, 1, uint64(w.id))
			keys, vals := tagIDs(w.tags, sid)
			m = pbField(m, 2, keys)
			m = pbField(m, 3, vals)
			var refs []byte
			var prev int64
			for _, r := range w.refs {
				refs = binary.AppendUvarint(refs, zigzag(r-prev))
				prev = r
			}
			m = pbField(m, 8, refs)
			g = pbField(g, 3, m)
		}
		groups = append(groups, g)
	}
	if len(d.rels) > 0 {
		var g []byte
		for _, r := range d.rels {
			m := pbVarint(nil, 1, uint64(r.id))
			keys, vals := tagIDs(r.tags, sid)
			m = pbField(m, 2, keys)
			m = pbField(m, 3, vals)
			var roles, ids, types []byte
			var prev int64
			for _, mb := range r.members {
				roles = binary.AppendUvarint(roles, sid(mb.role))
				ids = binary.AppendUvarint(ids, zigzag(mb.ref-prev))
				prev = mb.ref
				types = binary.AppendUvarint(types, map[string]uint64{"node": 0, "way": 1, "relation": 2}[mb.typ])
			}
			m = pbField(m, 8, roles)
			m = pbField(m, 9, ids)
			m = pbField(m, 10, types)
			g = pbField(g, 4, m)
		}
		groups = append(groups, g)
	}

	var st []byte
	for _, s := range strs {
		st = pbField(st, 1, []byte(s))
	}
	block := pbField(nil, 1, st)
	for _, g := range groups {
		block = pbField(block, 2, g)
	}
	return block
}

func tagIDs(kv []string, sid func(string) uint64) (keys, vals []byte) {
	for i := 0; i+1 < len(kv); i += 2 {
		keys = binary.AppendUvarint(keys, sid(kv[i]))
		vals = binary.AppendUvarint(vals, sid(kv[i+1]))
	}
	return keys, vals
}

func writeBlock(out *bytes.Buffer, typ string, data []byte, compress bool) {
	var blob []byte
	if compress {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		blob = pbVarint(nil, 2, uint64(len(data)))
		blob = pbField(blob, 3, z.Bytes())
	} else {
		blob = pbField(nil, 1, data)
	}
	hdr := pbField(nil, 1, []byte(typ))
	hdr = pbVarint(hdr, 3, uint64(len(blob)))
	out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(hdr))))
	out.Write(hdr)
	out.Write(blob)
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// pbField appends a length-delimited protobuf field.
func pbField(b []byte, field int, data []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...)
}

// pbVarint appends a varint protobuf field.
func pbVarint(b []byte, field int, v uint64) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3)
	return binary.AppendUvarint(b, v)
}

package osmimport

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Limits of the OSM PBF format (https://wiki.openstreetmap.org/wiki/PBF_Format),
// the same as osmpbf's.
const (
	maxBlobHeaderSize = 64 << 10
	maxBlobSize       = 32 << 20
)

// pbfGuard stands between an OSM PBF file and osmpbf. osmpbf decodes
// blocks on goroutines of its own and trusts their contents: a string
// index out of range, a negative size or a non-dense node panics there,
// beyond the reach of recover, and takes the whole program down. The guard
// reads each block, inflates it, checks everything osmpbf trusts (see
// checkBlock) and hands it on uncompressed, so osmpbf sees only blocks it
// can decode; anything else becomes an error from Read.
//
// Inflating here, on one goroutine, costs less than it seems: osmpbf then
// only has to scan the blocks.
type pbfGuard struct {
	r    io.Reader
	out  []byte // the checked block being handed on
	off  int    // bytes of out handed on
	err  error
	in   []byte        // the block as read
	raw  bytes.Buffer  // the block inflated
	zr   io.ReadCloser // reused zlib reader
	zsrc bytes.Reader
}

func (g *pbfGuard) Read(p []byte) (int, error) {
	for g.off == len(g.out) {
		if g.err != nil {
			return 0, g.err
		}
		g.err = g.next()
	}
	n := copy(p, g.out[g.off:])
	g.off += n
	return n, nil
}

// next reads, checks and re-encodes the next block into g.out. It returns
// io.EOF at the end of the file.
func (g *pbfGuard) next() error {
	g.out, g.off = g.out[:0], 0
	var size [4]byte
	if _, err := io.ReadFull(g.r, size[:]); err != nil {
		return err // io.EOF between blocks, io.ErrUnexpectedEOF inside one
	}
	hl := binary.BigEndian.Uint32(size[:])
	if hl == 0 || hl >= maxBlobHeaderSize {
		return fmt.Errorf("osm pbf: BlobHeader size %d out of range", hl)
	}
	g.in = grow(g.in, int(hl))
	if _, err := io.ReadFull(g.r, g.in); err != nil {
		return unexpected(err)
	}
	typ, bl, err := parseBlobHeader(g.in)
	if err != nil {
		return err
	}
	g.in = grow(g.in, bl)
	if _, err := io.ReadFull(g.r, g.in); err != nil {
		return unexpected(err)
	}
	data, err := g.inflate(g.in)
	if err != nil {
		return err
	}
	if typ == "OSMData" {
		err = checkBlock(data)
	} else {
		err = checkHeader(data)
	}
	if err != nil {
		return err
	}

	// The block again: BlobHeader{type, datasize}, Blob{raw}.
	blob := protowireLen(nil, 1, len(data))
	hdr := protowireLen(nil, 1, len(typ))
	hdr = append(hdr, typ...)
	hdr = binary.AppendUvarint(append(hdr, 3<<3), uint64(len(blob)+len(data)))
	g.out = binary.BigEndian.AppendUint32(g.out, uint32(len(hdr)))
	g.out = append(g.out, hdr...)
	g.out = append(g.out, blob...)
	g.out = append(g.out, data...)
	return nil
}

// protowireLen appends the key and length of a length-delimited field.
func protowireLen(b []byte, field, n int) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	return binary.AppendUvarint(b, uint64(n))
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

var errBlobHeader = errors.New("osm pbf: bad BlobHeader")

// parseBlobHeader returns the type and datasize of a BlobHeader.
func parseBlobHeader(b []byte) (typ string, size int, err error) {
	size = -1
	p := pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return "", 0, errBlobHeader
		}
		switch {
		case f == 1 && wt == 2:
			s, err := p.bytes()
			if err != nil {
				return "", 0, errBlobHeader
			}
			typ = string(s)
		case f == 3 && wt == 0:
			v, err := p.varint()
			if err != nil {
				return "", 0, errBlobHeader
			}
			size = int(int32(v))
		default:
			if err := p.skip(wt); err != nil {
				return "", 0, errBlobHeader
			}
		}
	}
	if typ != "OSMHeader" && typ != "OSMData" {
		return "", 0, fmt.Errorf("osm pbf: unknown block type %q", typ)
	}
	if size < 0 || size >= maxBlobSize {
		return "", 0, fmt.Errorf("osm pbf: Blob size %d out of range", size)
	}
	return typ, size, nil
}

// inflate returns the contents of a Blob, at most maxBlobSize bytes.
func (g *pbfGuard) inflate(b []byte) ([]byte, error) {
	var raw, zdata []byte
	rawSize := -1
	p := pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return nil, errors.New("osm pbf: bad Blob")
		}
		switch {
		case f == 1 && wt == 2:
			raw, err = p.bytes()
		case f == 2 && wt == 0:
			var v uint64
			v, err = p.varint()
			rawSize = int(int32(v))
		case f == 3 && wt == 2:
			zdata, err = p.bytes()
		case f >= 4 && f <= 7:
			return nil, fmt.Errorf("%w: %s-compressed blocks; convert the file with: osmium cat -o out.osm.pbf in.osm.pbf",
				ErrUnsupported, map[int]string{4: "lzma", 5: "bzip2", 6: "lz4", 7: "zstd"}[f])
		default:
			err = p.skip(wt)
		}
		if err != nil {
			return nil, errors.New("osm pbf: bad Blob")
		}
	}
	switch {
	case raw != nil:
		return raw, nil
	case zdata == nil:
		return nil, errors.New("osm pbf: Blob without data")
	case rawSize < 0 || rawSize >= maxBlobSize:
		return nil, fmt.Errorf("osm pbf: Blob raw size %d out of range", rawSize)
	}

	g.zsrc.Reset(zdata)
	var err error
	if g.zr == nil {
		g.zr, err = zlib.NewReader(&g.zsrc)
	} else {
		err = g.zr.(zlib.Resetter).Reset(&g.zsrc, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("osm pbf: %w", err)
	}
	g.raw.Reset()
	g.raw.Grow(rawSize)
	n, err := g.raw.ReadFrom(io.LimitReader(g.zr, int64(rawSize)+1))
	if err != nil {
		return nil, fmt.Errorf("osm pbf: %w", err)
	}
	if n != int64(rawSize) {
		return nil, fmt.Errorf("osm pbf: Blob inflates to more or less than its raw size %d", rawSize)
	}
	return g.raw.Bytes(), nil
}

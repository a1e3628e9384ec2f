// Package fontfile reads the table directories of TrueType and OpenType
// fonts and collections (.ttf, .otf, .ttc) and rebuilds one face of a
// collection as a stand-alone font, which font libraries that read only
// single fonts (Fyne's, PDF writers') can load. It checks every offset it
// reads, so a damaged file gives an error, never a panic.
package fontfile

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Table is one table of a font: its tag, checksum, and where its bytes are
// in the file.
type Table struct {
	Tag                 string
	Sum, Offset, Length uint32
	pos                 uint32 // where Extract puts it
}

// Faces returns the offsets of the table directories of the faces in data:
// one per face of a collection ("ttcf"), or 0 alone for a single font.
func Faces(data []byte) ([]uint32, error) {
	if len(data) < 12 {
		return nil, errors.New("fontfile: too short for a font")
	}
	if string(data[:4]) != "ttcf" {
		return []uint32{0}, nil
	}
	n := binary.BigEndian.Uint32(data[8:12])
	if n == 0 || 12+4*uint64(n) > uint64(len(data)) {
		return nil, fmt.Errorf("fontfile: damaged collection header (%d faces)", n)
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(data[12+4*i:])
	}
	return out, nil
}

// Tables reads the table records of the face whose directory is at off.
func Tables(data []byte, off uint32) ([]Table, error) {
	if uint64(off)+12 > uint64(len(data)) {
		return nil, errors.New("fontfile: table directory beyond the end of the file")
	}
	n := uint32(binary.BigEndian.Uint16(data[off+4:]))
	if uint64(off)+12+16*uint64(n) > uint64(len(data)) {
		return nil, errors.New("fontfile: table directory beyond the end of the file")
	}
	out := make([]Table, n)
	for i := range out {
		r := data[off+12+16*uint32(i):]
		out[i] = Table{
			Tag:    string(r[:4]),
			Sum:    binary.BigEndian.Uint32(r[4:]),
			Offset: binary.BigEndian.Uint32(r[8:]),
			Length: binary.BigEndian.Uint32(r[12:]),
		}
		if uint64(out[i].Offset)+uint64(out[i].Length) > uint64(len(data)) {
			return nil, fmt.Errorf("fontfile: table %q beyond the end of the file", out[i].Tag)
		}
	}
	return out, nil
}

// Extract rebuilds the face whose table directory is at off as a
// stand-alone font: the same directory followed by copies of its tables.
func Extract(data []byte, off uint32) ([]byte, error) {
	recs, err := Tables(data, off)
	if err != nil {
		return nil, err
	}
	head := 12 + 16*len(recs)
	size := head
	for i := range recs {
		recs[i].pos = uint32(size)
		size += int(recs[i].Length+3) &^ 3 // tables start on 4-byte boundaries
	}
	out := make([]byte, size)
	copy(out, data[off:off+12])
	for i, r := range recs {
		w := out[12+16*i:]
		copy(w, r.Tag)
		binary.BigEndian.PutUint32(w[4:], r.Sum)
		binary.BigEndian.PutUint32(w[8:], r.pos)
		binary.BigEndian.PutUint32(w[12:], r.Length)
		copy(out[r.pos:], data[r.Offset:r.Offset+r.Length])
	}
	return out, nil
}

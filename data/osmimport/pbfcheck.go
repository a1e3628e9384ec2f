package osmimport

import (
	"errors"
	"fmt"
)

// checkBlock checks an inflated PrimitiveBlock for everything osmpbf
// v0.8.0 (osmpbf/decode_data.go) takes on trust and would panic on: string
// table indices out of range, way node arrays of different lengths,
// relation member arrays shorter than their roles, non-dense nodes. To
// agree with osmpbf on where each field starts, it reads the block exactly
// as osmpbf's protoscan does, and it rejects what the two could read
// differently: unexpected wire types, repeated singular fields.
func checkBlock(b []byte) error {
	// First pass: the size of the string table. A second table would
	// replace the first (proto.Unmarshal resets), which osmpbf does not
	// expect of a block, so it is an error.
	strs := -1
	p := pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return err
		}
		switch f {
		case 1:
			if wt != 2 {
				return errWire
			}
			if strs >= 0 {
				return errRepeated
			}
			st, err := p.bytes()
			if err != nil {
				return err
			}
			n, err := countStrings(st)
			if err != nil {
				return err
			}
			strs = n
		case 2:
			if wt != 2 {
				return errWire
			}
			if _, err := p.bytes(); err != nil {
				return err
			}
		case 17, 18, 19, 20: // granularities and offsets
			if wt != 0 {
				return errWire
			}
			if _, err := p.varint(); err != nil {
				return err
			}
		default:
			if err := p.skip(wt); err != nil {
				return err
			}
		}
	}

	// Second pass: the primitive groups.
	p = pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return err
		}
		if f != 2 {
			if err := p.skip(wt); err != nil {
				return err
			}
			continue
		}
		g, err := p.bytes()
		if err != nil {
			return err
		}
		if err := checkGroup(g, strs); err != nil {
			return err
		}
	}
	return nil
}

var (
	errWire     = errors.New("osm pbf: unexpected protobuf wire type")
	errRepeated = errors.New("osm pbf: a field given twice")
	errString   = errors.New("osm pbf: string table index out of range")
	errVarint   = errors.New("osm pbf: bad varint")
	errLength   = errors.New("osm pbf: length out of range")
)

// countStrings returns the number of strings in a StringTable message.
func countStrings(b []byte) (int, error) {
	n := 0
	p := pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return 0, err
		}
		if f != 1 || wt != 2 {
			return 0, errors.New("osm pbf: bad string table")
		}
		if _, err := p.bytes(); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// checkHeader checks that a HeaderBlock requires only features osmpbf
// reads.
func checkHeader(b []byte) error {
	p := pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return err
		}
		if f != 4 || wt != 2 {
			if err := p.skip(wt); err != nil {
				return err
			}
			continue
		}
		s, err := p.bytes()
		if err != nil {
			return err
		}
		switch feature := string(s); feature {
		case "OsmSchema-V0.6", "DenseNodes", "HistoricalInformation":
		default:
			return fmt.Errorf("%w: %q; convert the file with: osmium cat -o out.osm.pbf in.osm.pbf", ErrUnsupported, feature)
		}
	}
	return nil
}

func checkGroup(b []byte, strs int) error {
	p := pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return err
		}
		switch f {
		case 1:
			return fmt.Errorf("%w: non-dense nodes; convert the file with: osmium cat -o out.osm.pbf in.osm.pbf", ErrUnsupported)
		case 2, 3, 4:
			if wt != 2 {
				return errWire
			}
			m, err := p.bytes()
			if err != nil {
				return err
			}
			switch f {
			case 2:
				err = checkDense(m, strs)
			case 3:
				err = checkWay(m, strs)
			case 4:
				err = checkRelation(m, strs)
			}
			if err != nil {
				return err
			}
		default:
			if err := p.skip(wt); err != nil {
				return err
			}
		}
	}
	return nil
}

// fields reads a message whose fields of interest are all length-delimited
// and given at most once, and returns them by field number; it checks
// that varint fields in want0 are varints.
func fields(b []byte, want2 []int, want0 []int) (map[int][]byte, error) {
	got := map[int][]byte{}
	p := pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return nil, err
		}
		switch {
		case contains(want2, f):
			if wt != 2 {
				return nil, errWire
			}
			if _, ok := got[f]; ok {
				return nil, errRepeated
			}
			if got[f], err = p.bytes(); err != nil {
				return nil, err
			}
		case contains(want0, f):
			if wt != 0 {
				return nil, errWire
			}
			if _, err := p.varint(); err != nil {
				return nil, err
			}
		default:
			if err := p.skip(wt); err != nil {
				return nil, err
			}
		}
	}
	return got, nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// checkDense checks a DenseNodes message.
func checkDense(b []byte, strs int) error {
	m, err := fields(b, []int{1, 5, 8, 9, 10}, nil)
	if err != nil {
		return err
	}
	ids, ok := m[1]
	if !ok {
		return nil // osmpbf reports the missing ids
	}
	nodes, err := countVarints(ids)
	if err != nil {
		return err
	}
	if info, ok := m[5]; ok {
		im, err := fields(info, []int{1, 2, 3, 4, 5, 6}, nil)
		if err != nil {
			return err
		}
		if usids, ok := im[5]; ok {
			// user_sid: zigzag deltas, read as osmpbf reads them (Sint32).
			p := pbuf{b: usids}
			var sid int32
			for i := 0; i < nodes && p.more(); i++ {
				v, err := p.varint()
				if err != nil {
					return err
				}
				sid += int32(unzigzag(v))
				if sid < 0 || int(sid) >= strs {
					return errString
				}
			}
		}
	}
	if kv, ok := m[10]; ok {
		// keys_vals: key, value, ..., 0 after each node's tags; read
		// as osmpbf reads them (Int32).
		p := pbuf{b: kv}
		for p.more() {
			k, err := p.varint()
			if err != nil {
				return err
			}
			if int32(k) == 0 {
				continue
			}
			v, err := p.varint()
			if err != nil {
				return err
			}
			if !inTable(int32(k), strs) || !inTable(int32(v), strs) {
				return errString
			}
		}
	}
	return nil
}

func inTable(i int32, strs int) bool { return i >= 0 && int(i) < strs }

// checkWay checks a Way message.
func checkWay(b []byte, strs int) error {
	if err := checkElement(b, strs); err != nil {
		return err
	}
	// refs, lats and lons fill one array of nodes, sized by the first of
	// them osmpbf meets: none may be longer.
	var arrays [][]byte
	p := pbuf{b: b}
	for p.more() {
		f, wt, err := p.key()
		if err != nil {
			return err
		}
		if f >= 8 && f <= 10 {
			if wt != 2 {
				return errWire
			}
			a, err := p.bytes()
			if err != nil {
				return err
			}
			arrays = append(arrays, a)
			continue
		}
		if err := p.skip(wt); err != nil {
			return err
		}
	}
	size := 0
	for _, a := range arrays {
		n, err := countVarints(a)
		if err != nil {
			return err
		}
		if size == 0 {
			size = n
		} else if n > size {
			return errors.New("osm pbf: way with node arrays of different lengths")
		}
	}
	return nil
}

// checkRelation checks a Relation message.
func checkRelation(b []byte, strs int) error {
	if err := checkElement(b, strs); err != nil {
		return err
	}
	m, err := fields(b, []int{8, 9, 10}, nil)
	if err != nil {
		return err
	}
	roles, ok8 := m[8]
	ids, ok9 := m[9]
	types, ok10 := m[10]
	if !ok8 || !ok9 || !ok10 {
		return nil // osmpbf reads no members
	}
	nr, err := countVarints(roles)
	if err != nil {
		return err
	}
	ni, err := countVarints(ids)
	if err != nil {
		return err
	}
	nt, err := countVarints(types)
	if err != nil {
		return err
	}
	if nr != ni || nr != nt {
		return errors.New("osm pbf: relation with member arrays of different lengths")
	}
	p := pbuf{b: roles}
	for p.more() {
		v, err := p.varint()
		if err != nil {
			return err
		}
		if !inTable(int32(v), strs) {
			return errString
		}
	}
	return nil
}

// checkElement checks what ways and relations share: the id, the tags
// (keys 2 and vals 3, read as Uint32) and the user in the Info (4).
func checkElement(b []byte, strs int) error {
	m, err := fields(b, []int{2, 3, 4}, []int{1})
	if err != nil {
		return err
	}
	keys, ok2 := m[2]
	vals, ok3 := m[3]
	if ok2 && ok3 {
		pk, pv := pbuf{b: keys}, pbuf{b: vals}
		for pk.more() {
			k, err := pk.varint32()
			if err != nil {
				return err
			}
			v, err := pv.varint32()
			if err != nil {
				return err
			}
			if int64(k) >= int64(strs) || int64(v) >= int64(strs) {
				return errString
			}
		}
	}
	if info, ok := m[4]; ok {
		p := pbuf{b: info}
		for p.more() {
			f, wt, err := p.key()
			if err != nil {
				return err
			}
			if f >= 1 && f <= 6 {
				if wt != 0 {
					return errWire
				}
				var v uint64
				if f == 5 {
					var v32 uint32
					v32, err = p.varint32()
					v = uint64(v32)
				} else {
					v, err = p.varint()
				}
				if err != nil {
					return err
				}
				if f == 5 && v >= uint64(strs) {
					return errString
				}
				continue
			}
			if err := p.skip(wt); err != nil {
				return err
			}
		}
	}
	return nil
}

// countVarints returns the number of varints in a packed array, as
// protoscan counts them (bytes below 128), and checks that all of them
// decode.
func countVarints(b []byte) (int, error) {
	n := 0
	for _, c := range b {
		if c < 128 {
			n++
		}
	}
	p := pbuf{b: b}
	for p.more() {
		if _, err := p.varint(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func unzigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }

// pbuf reads protobuf wire format exactly as github.com/paulmach/protoscan
// v0.2.1 does, so that checkBlock and osmpbf agree on every field.
type pbuf struct {
	b []byte
	i int
}

func (p *pbuf) more() bool { return p.i < len(p.b) }

// varint reads a varint of up to 64 bits; bits beyond are dropped.
func (p *pbuf) varint() (uint64, error) {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if shift >= 64 || p.i >= len(p.b) {
			return 0, errVarint
		}
		c := p.b[p.i]
		p.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
}

// varint32 reads a varint of up to 32 bits; bits beyond are dropped.
func (p *pbuf) varint32() (uint32, error) {
	var v uint32
	for shift := uint(0); ; shift += 7 {
		if shift >= 32 || p.i >= len(p.b) {
			return 0, errVarint
		}
		c := p.b[p.i]
		p.i++
		v |= uint32(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
}

func (p *pbuf) key() (field, wireType int, err error) {
	v, err := p.varint()
	if err != nil {
		return 0, 0, err
	}
	return int(v >> 3), int(v & 7), nil
}

func (p *pbuf) bytes() ([]byte, error) {
	l, err := p.varint()
	if err != nil {
		return nil, err
	}
	if l > uint64(len(p.b)-p.i) {
		return nil, errLength
	}
	b := p.b[p.i : p.i+int(l)]
	p.i += int(l)
	return b, nil
}

// skip skips a field of wire type wt. Group wire types (3, 4), which
// protoscan would not skip, are an error.
func (p *pbuf) skip(wt int) error {
	switch wt {
	case 0:
		_, err := p.varint()
		return err
	case 1, 5:
		n := 8
		if wt == 5 {
			n = 4
		}
		if len(p.b)-p.i <= n {
			return errLength
		}
		p.i += n
		return nil
	case 2:
		_, err := p.bytes()
		return err
	}
	return fmt.Errorf("%w %d", errWire, wt)
}

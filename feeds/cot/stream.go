package cot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// magic is the byte that starts every TAK Protocol header.
const magic = 0xbf

// Frame is one message read from a TAK stream: a CoT XML event, or the
// payload (a TakMessage protobuf) of a TAK Protocol frame.
type Frame struct {
	Data   []byte // valid until the next call of Next
	Proto  bool   // TAK Protocol version 1 payload, else CoT XML
	Mesh   bool   // came with the mesh header 0xbf 0x01 0xbf
	Offset int64  // where in the stream the frame started
}

// Decode decodes the frame: Decode for XML, DecodeProto for TAK Protocol.
func (f Frame) Decode() (TakMessage, error) {
	if f.Proto {
		return DecodeProto(f.Data)
	}
	e, err := Decode(f.Data)
	if err != nil {
		return TakMessage{}, err
	}
	return TakMessage{Event: &e}, nil
}

// FrameError is a frame that was skipped: the stream goes on with the next
// frame after it.
type FrameError struct {
	Offset int64 // where the skipped bytes start
	Len    int   // how many bytes were skipped
	Reason string
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("cot: stream bytes %d to %d skipped: %s", e.Offset, e.Offset+int64(e.Len), e.Reason)
}

// Stream splits what a TAK client sends over TCP into frames: CoT XML
// events (each with any XML declaration before it), TAK Protocol
// streaming frames (0xbf, the payload's length as a varint, a TakMessage)
// and mesh frames (0xbf 0x01 0xbf and a TakMessage), in any mix, as
// clients send them before and after negotiating TAK Protocol. Bytes that
// are none of these, an XML event that never ends before the next begins,
// and a TAK frame that is not a TakMessage are skipped with a *FrameError
// and reading resumes at the next frame, so a bad frame never takes the
// next good one with it. It is not safe for concurrent use.
type Stream struct {
	r    io.Reader
	max  int
	buf  []byte // unread bytes are buf[pos:]
	pos  int
	off  int64 // stream offset of buf[0]
	eof  bool
	err  error // read error other than EOF
	tmp  []byte
	done bool
}

// NewStream returns a Stream reading r that refuses frames larger than
// max bytes.
func NewStream(r io.Reader, max int) *Stream {
	if max <= 0 {
		max = MaxSize
	}
	return &Stream{r: r, max: max, tmp: make([]byte, 32<<10)}
}

// fill reads more bytes; false at the end of the stream or on an error.
func (s *Stream) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:n]
		s.off += int64(s.pos)
		s.pos = 0
	}
	for {
		n, err := s.r.Read(s.tmp)
		s.buf = append(s.buf, s.tmp[:n]...)
		if err != nil {
			if errors.Is(err, io.EOF) {
				s.eof = true
			} else {
				s.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// need makes at least n unread bytes available, if the stream has them.
func (s *Stream) need(n int) bool {
	for len(s.buf)-s.pos < n {
		if !s.fill() {
			return len(s.buf)-s.pos >= n
		}
	}
	return true
}

func (s *Stream) at() int64 { return s.off + int64(s.pos) }

func (s *Stream) skip(n int, reason string) error {
	e := &FrameError{Offset: s.at(), Len: n, Reason: reason}
	s.pos += n
	return e
}

// endErr is what Next returns when no more bytes come.
func (s *Stream) endErr() error {
	if s.err != nil {
		return s.err
	}
	return io.EOF
}

// Next returns the next frame. A *FrameError means bytes were skipped and
// Next may be called again; io.EOF ends the stream, io.ErrUnexpectedEOF
// means it ended inside a frame, and ErrTooLarge a frame over the limit
// (after which the stream cannot be followed).
func (s *Stream) Next() (Frame, error) {
	if s.done {
		return Frame{}, ErrTooLarge
	}
	for {
		if !s.need(1) {
			return Frame{}, s.endErr()
		}
		switch c := s.buf[s.pos]; c {
		case ' ', '\t', '\r', '\n', 0:
			s.pos++
			continue
		case magic:
			return s.proto()
		case '<':
			return s.xml()
		}
		// Noise: skip to the next byte that can start a frame.
		n := 0
		for {
			rest := s.buf[s.pos+n:]
			i := bytes.IndexByte(rest, '<')
			if j := bytes.IndexByte(rest, magic); j >= 0 && (i < 0 || j < i) {
				i = j
			}
			if i >= 0 {
				n += i
				break
			}
			n += len(rest)
			if n > s.max || !s.fill() {
				break
			}
		}
		return Frame{}, s.skip(n, "neither CoT XML nor a TAK Protocol frame")
	}
}

var (
	xmlDecl    = []byte("<?xml")
	eventStart = []byte("<event")
)

func isEventStart(b []byte) bool {
	if !bytes.HasPrefix(b, eventStart) || len(b) < len(eventStart)+1 {
		return false
	}
	switch b[len(eventStart)] {
	case ' ', '\t', '\r', '\n', '>', '/':
		return true
	}
	return false
}

// xml reads one CoT XML event starting at '<'.
func (s *Stream) xml() (Frame, error) {
	start := s.at()
	seenEvent := false
	i := 0 // scanned up to buf[pos+i]
	for {
		if !s.need(i + len(endTag)) {
			// Too few bytes left for the end tag: the stream ended
			// inside an event.
			rest := bytes.TrimSpace(s.buf[s.pos:])
			s.pos = len(s.buf)
			if len(rest) == 0 {
				return Frame{}, s.endErr()
			}
			if s.err != nil {
				return Frame{}, s.err
			}
			return Frame{}, io.ErrUnexpectedEOF
		}
		b := s.buf[s.pos:]
		c := b[i]
		switch {
		case c == '<':
			switch {
			case bytes.HasPrefix(b[i:], endTag):
				if i+len(endTag) > s.max {
					s.done = true
					return Frame{}, ErrTooLarge
				}
				data := bytes.TrimSpace(b[:i+len(endTag)])
				s.pos += i + len(endTag)
				return Frame{Data: data, Offset: start}, nil
			case i > 0 && bytes.HasPrefix(b[i:], xmlDecl), seenEvent && isEventStart(b[i:]):
				return Frame{}, s.skip(i, "a CoT event that does not end (no </event>) before the next one starts")
			case isEventStart(b[i:]):
				seenEvent = true
			}
			i++
		case c < utf8.RuneSelf:
			i++
		default:
			// need above keeps a whole rune in the buffer unless the
			// stream ends.
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				if c == magic {
					// Not part of UTF-8 text: a TAK Protocol frame
					// starts here.
					return Frame{}, s.skip(i, "a CoT event that does not end (no </event>) before a TAK Protocol frame")
				}
				n = 1
			}
			i += n
		}
		if i > s.max {
			s.done = true
			return Frame{}, ErrTooLarge
		}
	}
}

// proto reads a TAK Protocol frame starting at 0xbf.
func (s *Stream) proto() (Frame, error) {
	start := s.at()
	l, n, err := s.varint(1)
	if err != nil {
		s.pos = len(s.buf)
		return Frame{}, err
	}
	if n < 0 {
		return Frame{}, s.skip(1, "0xbf not followed by a TAK Protocol length or version")
	}
	hdr := 1 + n
	if l == 0 {
		return Frame{}, s.skip(hdr, "a TAK Protocol frame of length 0")
	}
	// Mesh header: 0xbf <version> 0xbf. A streaming payload never starts
	// with 0xbf (it is no protobuf field tag), so this is unambiguous.
	if s.need(hdr+1) && s.buf[s.pos+hdr] == magic {
		if l != ProtoVersion {
			return Frame{}, s.skip(hdr+1, fmt.Sprintf("TAK Protocol version %d is not supported (only %d)", l, ProtoVersion))
		}
		return s.mesh(start, hdr+1)
	}
	switch {
	case l > uint64(s.max):
		s.done = true
		return Frame{}, fmt.Errorf("%w: TAK Protocol frame of %d bytes, at most %d", ErrTooLarge, l, s.max)
	}
	if !s.need(hdr + int(l)) {
		s.pos = len(s.buf)
		if s.err != nil {
			return Frame{}, s.err
		}
		return Frame{}, io.ErrUnexpectedEOF
	}
	payload := s.buf[s.pos+hdr : s.pos+hdr+int(l)]
	if err := checkTakMessage(payload); err != nil {
		// Not a TakMessage: resume where a frame seems to start inside
		// it, so that a wrong length does not take the next frame along.
		skip := hdr + int(l)
		for j := 1; j < len(payload); j++ {
			if payload[j] == magic || payload[j] == '<' && (bytes.HasPrefix(payload[j:], xmlDecl) || isEventStart(payload[j:])) {
				skip = hdr + j
				break
			}
		}
		return Frame{}, s.skip(skip, "TAK Protocol frame is not a TakMessage: "+err.Error())
	}
	s.pos += hdr + int(l)
	return Frame{Data: payload, Proto: true, Offset: start}, nil
}

const binaryMaxVarint = 10

// varint reads the varint at buf[pos+at:], reading no more of the stream
// than it needs; n < 0 for bytes that are no varint; an error when the
// stream ends inside it (the bytes stay unread).
func (s *Stream) varint(at int) (v uint64, n int, err error) {
	for k := 1; k <= binaryMaxVarint; k++ {
		if !s.need(at + k) {
			if s.err != nil {
				return 0, 0, s.err
			}
			return 0, 0, io.ErrUnexpectedEOF
		}
		if s.buf[s.pos+at+k-1] < 0x80 {
			v, n = protowire.ConsumeVarint(s.buf[s.pos+at : s.pos+at+k])
			return v, n, nil
		}
	}
	return 0, -1, nil
}

// mesh reads the TakMessage after a mesh header of hdr bytes. A mesh
// message carries no length: it ends after its last field (fields 1 and
// 2, length-delimited), at the next byte that starts no such field, or
// where the bytes received so far end (a mesh message is sent whole).
func (s *Stream) mesh(start int64, hdr int) (Frame, error) {
	i := hdr
	for len(s.buf)-s.pos > i || (i == hdr && s.need(i+1)) {
		if c := s.buf[s.pos+i]; c != 0x0a && c != 0x12 {
			break
		}
		l, n, err := s.varint(i + 1)
		if err != nil || n < 0 || l > uint64(s.max) || i+1+n+int(l) > s.max {
			if err != nil && i == hdr {
				s.pos = len(s.buf)
				return Frame{}, err
			}
			break
		}
		if !s.need(i+1+n+int(l)) || checkFields(s.buf[s.pos+i+1+n:s.pos+i+1+n+int(l)]) != nil {
			break
		}
		i += 1 + n + int(l)
	}
	if i == hdr {
		return Frame{}, s.skip(hdr, "TAK Protocol mesh header 0xbf 0x01 0xbf without a TakMessage after it")
	}
	payload := s.buf[s.pos+hdr : s.pos+i]
	s.pos += i
	return Frame{Data: payload, Proto: true, Mesh: true, Offset: start}, nil
}

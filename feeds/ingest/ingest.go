// Package ingest recognises what an incoming message is by its content and
// decodes it: our JSON envelope, a CAP <alert> or a CoT <event>.
package ingest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"safetynet/feeds/cap"
	"safetynet/feeds/cot"
	"safetynet/feeds/event"
)

// MaxSize is the largest message accepted, in bytes (1 MiB).
const MaxSize = 1 << 20

// ErrUnknownFormat is returned for a message that is none of the formats.
var ErrUnknownFormat = errors.New("ingest: not a JSON event, a CAP alert or a CoT event")

// ErrTooLarge is returned for a message larger than MaxSize.
var ErrTooLarge = errors.New("ingest: message too large")

// Sniff returns the format of data by its first element: JSON for an
// object, CAP for an XML <alert>, CoT for an XML <event>.
func Sniff(data []byte) (event.Format, error) {
	d := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(d) == 0 {
		return "", fmt.Errorf("%w: the message is empty", ErrUnknownFormat)
	}
	switch d[0] {
	case '{':
		return event.JSON, nil
	case '<':
	default:
		return "", fmt.Errorf("%w: it starts with %q", ErrUnknownFormat, clip(d))
	}
	dec := xml.NewDecoder(bytes.NewReader(d))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for i := 0; i < 64; i++ {
		tok, err := dec.RawToken()
		if err != nil {
			return "", fmt.Errorf("%w: XML without a root element (%v)", ErrUnknownFormat, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "alert":
				return event.CAP, nil
			case "event":
				return event.CoT, nil
			}
			return "", fmt.Errorf("%w: XML root element <%s>", ErrUnknownFormat, se.Name.Local)
		}
	}
	return "", fmt.Errorf("%w: no XML root element near the start", ErrUnknownFormat)
}

func clip(b []byte) string {
	if len(b) > 16 {
		b = b[:16]
	}
	return string(b)
}

// Decode recognises data and decodes it into a validated event whose
// Format is the format recognised.
func Decode(data []byte) (event.Event, error) {
	if len(data) > MaxSize {
		return event.Event{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(data), MaxSize)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if d := bytes.TrimLeft(data, " \t\r\n"); len(d) > 0 && d[0] == '<' {
		// CAP and CoT alike: no DOCTYPE, no entities (XML bombs).
		if err := cap.CheckDeclarations(data); err != nil {
			return event.Event{}, fmt.Errorf("ingest: %w", err)
		}
	}
	f, err := Sniff(data)
	if err != nil {
		return event.Event{}, err
	}
	var e event.Event
	switch f {
	case event.CAP:
		e, err = cap.Decode(data)
	case event.CoT:
		e, err = cot.Decode(data)
	default:
		e, err = event.Decode(data)
	}
	if err != nil {
		return event.Event{}, err
	}
	// How it arrived, whatever the message says about itself.
	e.Format = f
	return e, nil
}

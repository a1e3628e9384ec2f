package cap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// ErrDeclarations is wrapped by CheckDeclarations' errors.
var ErrDeclarations = errors.New("XML declarations refused")

// CheckDeclarations refuses XML with a document type or entity declaration
// (<!DOCTYPE ...>, <!ENTITY ...>): neither CAP nor CoT uses one, and
// entities are how an "XML bomb" expands a few bytes into gigabytes. The
// error names the line. Only the markup is looked at; a document that is
// not well-formed is left for its decoder to report.
func CheckDeclarations(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		off := dec.InputOffset()
		tok, err := dec.RawToken()
		if err != nil {
			return nil
		}
		d, ok := tok.(xml.Directive)
		if !ok {
			continue
		}
		at := int(off)
		if i := bytes.Index(data[at:], []byte("<!")); i >= 0 {
			at += i
		}
		line := 1 + bytes.Count(data[:at], []byte("\n"))
		if bytes.Contains(d, []byte("ENTITY")) {
			return fmt.Errorf("%w: XML entity declarations are not accepted (line %d)", ErrDeclarations, line)
		}
		if bytes.HasPrefix(bytes.TrimSpace(d), []byte("DOCTYPE")) {
			return fmt.Errorf("%w: XML document type declarations (<!DOCTYPE>) are not accepted (line %d)", ErrDeclarations, line)
		}
	}
}

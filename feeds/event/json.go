package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"
)

// envelope is the JSON form of an Event (see feeds/README-envelope.md).
type envelope struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	Severity    Severity        `json:"severity,omitempty"`
	Status      Status          `json:"status,omitempty"`
	Time        time.Time       `json:"time"`
	Stale       time.Time       `json:"stale,omitzero"`
	Expires     time.Time       `json:"expires,omitzero"`
	Geometry    json.RawMessage `json:"geometry,omitempty"`
	Source      string          `json:"source,omitempty"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	Properties  map[string]any  `json:"properties,omitempty"`
	Subject     string          `json:"subject,omitempty"`
	Op          Op              `json:"op,omitempty"`
	References  []string        `json:"references,omitempty"`
	Format      Format          `json:"format,omitempty"`
}

// MarshalJSON writes the JSON envelope.
func (e Event) MarshalJSON() ([]byte, error) {
	env := envelope{ID: e.ID, Type: e.Type, Severity: e.Severity, Status: e.Status, Time: e.Time,
		Stale: e.Stale, Expires: e.Expires, Source: e.Source, Title: e.Title, Description: e.Description,
		Properties: e.Properties, Subject: e.Subject, Op: e.Op, References: e.References, Format: e.Format}
	if e.Geometry != nil {
		g, err := json.Marshal(geojson.NewGeometry(e.Geometry))
		if err != nil {
			return nil, err
		}
		env.Geometry = g
	}
	return json.Marshal(env)
}

// UnmarshalJSON reads the JSON envelope without validating it; Decode also
// validates.
func (e *Event) UnmarshalJSON(b []byte) error {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	return e.fromEnvelope(&env)
}

func (e *Event) fromEnvelope(env *envelope) error {
	*e = Event{ID: env.ID, Type: env.Type, Severity: env.Severity, Status: env.Status, Time: env.Time,
		Stale: env.Stale, Expires: env.Expires, Source: env.Source, Title: env.Title, Description: env.Description,
		Properties: env.Properties, Subject: env.Subject, Op: env.Op, References: env.References, Format: env.Format}
	g, err := parseGeometry(env.Geometry)
	if err != nil {
		return err
	}
	e.Geometry = g
	return nil
}

// Decode reads one event from its JSON envelope and validates it. Unknown
// top-level fields are refused (custom data belongs in properties), as is
// anything after the object, text that is not UTF-8 (with its byte offset)
// and a geometry without a usable position. The error says which field is
// wrong. The event's Format is JSON whatever the envelope says: it is how
// the event arrived.
func Decode(data []byte) (Event, error) {
	if err := checkUTF8(data); err != nil {
		return Event{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var env envelope
	if err := dec.Decode(&env); err != nil {
		return Event{}, jsonError(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Event{}, invalid("JSON envelope: more data after the event object (send one event per message)")
	}
	var e Event
	if err := e.fromEnvelope(&env); err != nil {
		return Event{}, err
	}
	e.Format = JSON
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	return e, nil
}

// jsonError turns the json package's errors into messages that name the
// field and the offset.
func jsonError(data []byte, dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		if json.Valid(data) {
			// Only the GeoJSON decoder parses again, inside the envelope.
			return invalid("geometry is not a GeoJSON geometry with coordinates (%v)", se)
		}
		return invalid("JSON envelope: syntax error at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		if te.Field == "time" || te.Field == "stale" || te.Field == "expires" {
			return invalid("JSON envelope: %s must be an RFC 3339 time string", te.Field)
		}
		return invalid("JSON envelope: field %s: a %s where a %s belongs", te.Field, te.Value, te.Type)
	case errors.Is(err, io.EOF):
		return invalid("JSON envelope: empty message")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("JSON envelope: truncated after %d bytes", len(data))
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return invalid("JSON envelope: unknown field %s (put your own data in properties)", f)
	}
	if strings.Contains(msg, "parsing time") {
		return invalid("JSON envelope: a time is not RFC 3339 (2026-05-01T10:15:00+08:00): %v", err)
	}
	return invalid("JSON envelope: %v", err)
}

// Encode returns the JSON envelope of e.
func Encode(e Event) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", e.ID, err)
	}
	return b, nil
}

package cot

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// cotTypes maps our types to the CoT type written for them.
var cotTypes = map[string]string{
	"patrol.position":   "a-f-G-U-C",
	"patrol.checkpoint": "b-m-p-s-m",
	"track.friendly":    "a-f-G",
	"track.hostile":     "a-h-G",
	"track.unknown":     "a-u-G",
	"track.neutral":     "a-n-G",
	"alarm.emergency":   "b-a-o-tbl",
	"alarm.panic":       "b-a-o-pan",
	"alarm.cancel":      "b-a-o-can",
	"marker.point":      "b-m-p-s-m",
	"chat.message":      "b-t-f",
}

// DefaultStale is how long after its time an event without stale or expiry
// time stays fresh when written as CoT.
const DefaultStale = 5 * time.Minute

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Encode writes e as a CoT 2.0 <event>: the subject (or ID) as uid, the
// CoT type it came with or one for its type (a spot marker b-m-p-s-m for
// alarms), the point (a polygon's centre), opex "s-safetynet" for
// exercise and test traffic, and a <safetynet> detail with our type,
// severity, status and source, and a drill's name, drill ID and inject
// number (properties drill, drill_id, inject), so that Decode gives them
// back. A Cancel is
// written as a t-x-d-d delete of the subject.
func Encode(e event.Event) ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("cot: encode %s: %w", e.ID, err)
	}
	uid := e.SubjectOrID()
	x := xmlEvent{
		XMLName: xml.Name{Local: "event"},
		Version: "2.0",
		UID:     uid,
		Time:    formatTime(e.Time),
		Start:   formatTime(e.Time),
		How:     "m-g",
	}
	if v, ok := e.Properties["cot_type"].(string); ok && v != "" {
		x.Type = v
	} else if v := cotTypes[e.Type]; v != "" {
		x.Type = v
	} else {
		x.Type = "b-m-p-s-m"
	}
	if v, ok := e.Properties["start"].(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			x.Start = formatTime(t)
		}
	}
	if v, ok := e.Properties["how"].(string); ok && v != "" {
		x.How = v
	}
	stale := e.Stale
	if stale.IsZero() {
		stale = e.Expires
	}
	if stale.IsZero() {
		stale = e.Time.Add(DefaultStale)
	}
	x.Stale = formatTime(stale)
	if e.IsDrill() {
		x.Opex = "s-safetynet"
	}
	var pt orb.Point
	switch g := e.Geometry.(type) {
	case nil:
	case orb.Point:
		pt = g
	default:
		pt = g.Bound().Center()
	}
	p := xmlPoint{Lat: num(pt[1]), Lon: num(pt[0]), Hae: num(Unknown), Ce: num(Unknown), Le: num(Unknown)}
	if v, ok := e.Properties["hae_m"].(float64); ok {
		p.Hae = num(v)
	}
	if v, ok := e.Properties["ce_m"].(float64); ok {
		p.Ce = num(v)
	}
	if v, ok := e.Properties["le_m"].(float64); ok {
		p.Le = num(v)
	}
	x.Points = []xmlPoint{p}
	d := &xmlDetail{SafetyNet: &xmlSafetyNet{Type: e.Type, Severity: string(e.Severity), Status: string(e.Status), Source: e.Source, ID: e.ID}}
	d.SafetyNet.Drill, _ = e.Properties["drill"].(string)
	d.SafetyNet.DrillID, _ = e.Properties["drill_id"].(string)
	d.SafetyNet.Inject, _ = e.Properties["inject"].(string)
	if e.Title != "" {
		d.Contact = &struct {
			Callsign string `xml:"callsign,attr"`
			Endpoint string `xml:"endpoint,attr,omitempty"`
			Phone    string `xml:"phone,attr,omitempty"`
		}{Callsign: e.Title}
	}
	if e.Description != "" {
		d.Remarks = []struct {
			Text string `xml:",chardata"`
		}{{Text: e.Description}}
	}
	if e.Op == event.Cancel {
		x.UID = e.ID
		x.Type = "t-x-d-d"
		d.Link = []xmlLink{{UID: uid, Relation: "none", Type: "none"}}
	}
	x.Detail = d
	b, err := xml.Marshal(&x)
	if err != nil {
		return nil, fmt.Errorf("cot: encode %s: %w", e.ID, err)
	}
	return append([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`), b...), nil
}

// ErrTooLarge is returned by a Scanner for an event larger than its limit.
var ErrTooLarge = errors.New("cot: event too large")

// Scanner splits a TCP stream of CoT XML, as TAK clients send it, into
// single <event> documents (each with any XML declaration before it). It
// is not safe for concurrent use.
type Scanner struct {
	s   *bufio.Scanner
	err error
}

var endTag = []byte("</event>")

// NewScanner returns a Scanner reading r that refuses events larger than
// max bytes.
func NewScanner(r io.Reader, max int) *Scanner {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, min(64<<10, max)), max) // the limit is the larger of the two
	s.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.Index(data, endTag); i >= 0 {
			tok := bytes.TrimSpace(data[:i+len(endTag)])
			return i + len(endTag), tok, nil
		}
		if atEOF {
			if len(bytes.TrimSpace(data)) > 0 {
				return len(data), nil, io.ErrUnexpectedEOF
			}
			return len(data), nil, nil
		}
		return 0, nil, nil
	})
	return &Scanner{s: s}
}

// Next returns the next event's bytes, valid until the next call; io.EOF
// at the end of the stream, ErrTooLarge for an oversized event, and
// io.ErrUnexpectedEOF when the stream ends inside an event.
func (s *Scanner) Next() ([]byte, error) {
	if s.s.Scan() {
		return s.s.Bytes(), nil
	}
	err := s.s.Err()
	switch {
	case err == nil:
		return nil, io.EOF
	case errors.Is(err, bufio.ErrTooLong):
		return nil, ErrTooLarge
	}
	return nil, err
}

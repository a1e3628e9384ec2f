// Package cot reads and writes Cursor on Target (TAK) events: it decodes
// CoT XML <event>s into events, encodes events as CoT, and splits the
// stream of CoT XML that TAK clients send over TCP into single events.
//
// A CoT uid names an object: every event of a uid has that uid as its
// subject, so a newer report replaces the older. An event whose stale time
// is not after its start (drop-track) and a t-x-d-d delete cancel their
// subject. hae, ce and le of 9999999 (or 999999) mean unknown and are left
// out. An opex beginning with "s" (simulation) or "e" (exercise) marks a
// drill.
package cot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// ErrNotCoT is returned for XML that is not a CoT <event>.
var ErrNotCoT = errors.New("cot: not a CoT event")

// MaxSize is the largest event read, in bytes.
const MaxSize = 1 << 20

// RemoveAfter is how long after its stale time a CoT object expires (TAK
// clients remove stale objects after 5 to 10 minutes).
var RemoveAfter = 5 * time.Minute

// Unknown is the value CoT writes for an unknown hae, ce or le.
const Unknown = 9999999.0

type xmlPoint struct {
	Lat string `xml:"lat,attr"`
	Lon string `xml:"lon,attr"`
	Hae string `xml:"hae,attr"`
	Ce  string `xml:"ce,attr"`
	Le  string `xml:"le,attr"`
}

type xmlLink struct {
	UID            string `xml:"uid,attr,omitempty"`
	Type           string `xml:"type,attr,omitempty"`
	Relation       string `xml:"relation,attr,omitempty"`
	ParentCallsign string `xml:"parent_callsign,attr,omitempty"`
	Point          string `xml:"point,attr,omitempty"`
	Line           string `xml:"line,attr,omitempty"`
}

type xmlDetail struct {
	Contact *struct {
		Callsign string `xml:"callsign,attr"`
		Endpoint string `xml:"endpoint,attr,omitempty"`
		Phone    string `xml:"phone,attr,omitempty"`
	} `xml:"contact"`
	Remarks []struct {
		Text string `xml:",chardata"`
	} `xml:"remarks"`
	Link  []xmlLink `xml:"link"`
	Track *struct {
		Speed  string `xml:"speed,attr"`
		Course string `xml:"course,attr"`
	} `xml:"track"`
	Status *struct {
		Battery string `xml:"battery,attr"`
	} `xml:"status"`
	Group *struct {
		Name string `xml:"name,attr"`
		Role string `xml:"role,attr"`
	} `xml:"__group"`
	Takv *struct {
		Platform string `xml:"platform,attr"`
		Device   string `xml:"device,attr"`
		Version  string `xml:"version,attr"`
	} `xml:"takv"`
	Chat *struct {
		Sender   string `xml:"senderCallsign,attr"`
		Chatroom string `xml:"chatroom,attr"`
	} `xml:"__chat"`
	Emergency *struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"emergency"`
	SafetyNet *xmlSafetyNet `xml:"safetynet"`
	// Drawings (see shape.go).
	Shape             *xmlShape             `xml:"shape"`
	Range             *xmlValue             `xml:"range"`
	Bearing           *xmlValue             `xml:"bearing"`
	NorthRef          *xmlValue             `xml:"northRef"`
	Closed            *xmlValue             `xml:"closed"`
	Geofence          *xmlAttrs             `xml:"__geofence"`
	PrecisionLocation *xmlPrecisionLocation `xml:"precisionlocation"`
	// TAK Protocol negotiation (t-x-takp-*).
	TakControl *xmlTakControl `xml:"TakControl"`
}

// xmlSafetyNet is our own detail element: what a CoT event cannot say.
type xmlSafetyNet struct {
	Type     string `xml:"type,attr,omitempty"`
	Severity string `xml:"severity,attr,omitempty"`
	Status   string `xml:"status,attr,omitempty"`
	Source   string `xml:"source,attr,omitempty"`
	ID       string `xml:"id,attr,omitempty"`
	// Drill, DrillID and Inject name the exercise, the run and the MSEL
	// inject of drill traffic (properties drill, drill_id, inject).
	Drill   string `xml:"drill,attr,omitempty"`
	DrillID string `xml:"drill_id,attr,omitempty"`
	Inject  string `xml:"inject,attr,omitempty"`
}

type xmlTakControl struct {
	Support []struct {
		Version string `xml:"version,attr"`
	} `xml:"TakProtocolSupport"`
	Request *struct {
		Version string `xml:"version,attr"`
	} `xml:"TakRequest"`
	Response *struct {
		Status string `xml:"status,attr"`
	} `xml:"TakResponse"`
}

type xmlPrecisionLocation struct {
	GeoPointSrc string `xml:"geopointsrc,attr"`
	AltSrc      string `xml:"altsrc,attr"`
}

type xmlEvent struct {
	XMLName xml.Name
	Version string     `xml:"version,attr"`
	UID     string     `xml:"uid,attr"`
	Type    string     `xml:"type,attr"`
	Time    string     `xml:"time,attr"`
	Start   string     `xml:"start,attr"`
	Stale   string     `xml:"stale,attr"`
	How     string     `xml:"how,attr"`
	Opex    string     `xml:"opex,attr,omitempty"`
	Access  string     `xml:"access,attr,omitempty"`
	Points  []xmlPoint `xml:"point"`
	Detail  *xmlDetail `xml:"detail"`
}

// Decode reads one CoT <event> (with or without an XML declaration).
func Decode(data []byte) (event.Event, error) {
	if len(data) > MaxSize {
		return event.Event{}, fmt.Errorf("cot: event is %d bytes, at most %d", len(data), MaxSize)
	}
	var x xmlEvent
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return r, nil
		}
		return nil, fmt.Errorf("encoding %q is not supported (use UTF-8)", label)
	}
	if err := dec.Decode(&x); err != nil {
		if errors.Is(err, io.EOF) {
			return event.Event{}, fmt.Errorf("%w: empty document", ErrNotCoT)
		}
		return event.Event{}, fmt.Errorf("cot: XML: %w", err)
	}
	if x.XMLName.Local != "event" {
		return event.Event{}, fmt.Errorf("%w: the root element is <%s>", ErrNotCoT, x.XMLName.Local)
	}
	return x.event()
}

func (x *xmlEvent) event() (event.Event, error) {
	uid := strings.TrimSpace(x.UID)
	if uid == "" {
		return event.Event{}, errors.New("cot: event without uid")
	}
	where := "cot: event " + uid
	for _, f := range []struct{ name, v string }{{"type", x.Type}, {"time", x.Time}, {"start", x.Start}, {"stale", x.Stale}} {
		if strings.TrimSpace(f.v) == "" {
			return event.Event{}, fmt.Errorf("%s: attribute %s is missing", where, f.name)
		}
	}
	if len(x.Points) != 1 {
		return event.Event{}, fmt.Errorf("%s: has %d <point> elements, a CoT event has exactly one", where, len(x.Points))
	}
	t, err := parseTime(x.Time)
	if err != nil {
		return event.Event{}, fmt.Errorf("%s: time: %w", where, err)
	}
	start, err := parseTime(x.Start)
	if err != nil {
		return event.Event{}, fmt.Errorf("%s: start: %w", where, err)
	}
	stale, err := parseTime(x.Stale)
	if err != nil {
		return event.Event{}, fmt.Errorf("%s: stale: %w", where, err)
	}
	cotType := strings.TrimSpace(x.Type)
	e := event.Event{
		ID:         uid + "@" + t.UTC().Format(time.RFC3339Nano),
		Subject:    uid,
		Time:       t,
		Stale:      stale,
		Expires:    stale.Add(RemoveAfter),
		Source:     "cot:" + uid,
		Format:     event.CoT,
		Properties: map[string]any{"cot_type": cotType, "start": start.Format(time.RFC3339Nano)},
	}
	if h := strings.TrimSpace(x.How); h != "" {
		e.Properties["how"] = h
	}
	e.Type, e.Severity = Classify(cotType)
	opex := strings.TrimSpace(x.Opex)
	if opex != "" {
		e.Properties["opex"] = opex
	}
	switch {
	case strings.HasPrefix(opex, "s"), strings.HasPrefix(opex, "e"):
		e.Status = event.Exercise
	default:
		e.Status = event.Actual
	}
	p := x.Points[0]
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(p.Lat), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(p.Lon), 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return event.Event{}, fmt.Errorf("%s: point lat=%q lon=%q is not a position in degrees", where, p.Lat, p.Lon)
	}
	if math.Abs(lat) < 0.01 && math.Abs(lon) < 0.01 {
		// 0,0 is what a device without a position fix sends.
		e.Properties["position"] = "unknown"
	} else {
		e.Geometry = orb.Point{lon, lat}
	}
	for _, m := range []struct{ name, v string }{{"hae_m", p.Hae}, {"ce_m", p.Ce}, {"le_m", p.Le}} {
		if v, ok := measure(m.v); ok {
			e.Properties[m.name] = v
		}
	}
	if d := x.Detail; d != nil {
		d.apply(&e)
		if isDrawing(cotType) {
			if err := drawing(cotType, &e, d); err != nil {
				return event.Event{}, fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	switch {
	case cotType == "t-x-d-d":
		e.Op = event.Cancel
		e.Subject = ""
		if x.Detail != nil {
			for _, l := range x.Detail.Link {
				if u := strings.TrimSpace(l.UID); u != "" {
					e.Subject = u
					break
				}
			}
		}
		if e.Subject == "" {
			return event.Event{}, fmt.Errorf("%s: t-x-d-d delete without <link uid> naming what to delete", where)
		}
		e.References = []string{e.Subject}
	case cotType == "b-a-o-can":
		e.Op = event.Cancel
	case !stale.After(start):
		e.Op = event.Cancel // drop-track
		e.Properties["drop_track"] = true
	}
	if e.Title == "" {
		e.Title = uid
	}
	if err := e.Validate(); err != nil {
		return event.Event{}, fmt.Errorf("%s: %w", where, err)
	}
	return e, nil
}

// measure reads hae, ce or le; 9999999 and 999999 mean unknown.
func measure(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v >= 999999 || v <= -999999 {
		return 0, false
	}
	return v, true
}

func (d *xmlDetail) apply(e *event.Event) {
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			e.Properties[k] = v
		}
	}
	if c := d.Contact; c != nil {
		set("callsign", c.Callsign)
		set("endpoint", c.Endpoint)
		e.Title = strings.TrimSpace(c.Callsign)
	}
	var remarks []string
	for _, r := range d.Remarks {
		if s := strings.TrimSpace(r.Text); s != "" {
			remarks = append(remarks, s)
		}
	}
	e.Description = strings.Join(remarks, "\n")
	if t := d.Track; t != nil {
		if v, ok := measure(t.Speed); ok {
			e.Properties["speed_mps"] = v
		}
		if v, ok := measure(t.Course); ok {
			e.Properties["course_deg"] = v
		}
	}
	if s := d.Status; s != nil {
		if v, err := strconv.ParseFloat(strings.TrimSpace(s.Battery), 64); err == nil && v >= 0 && v <= 100 {
			e.Properties["battery_pct"] = v
		}
	}
	if g := d.Group; g != nil {
		set("team", g.Name)
		set("role", g.Role)
	}
	if t := d.Takv; t != nil {
		set("platform", t.Platform)
		set("device", t.Device)
	}
	if c := d.Chat; c != nil {
		set("chat_sender", c.Sender)
		set("chatroom", c.Chatroom)
		if e.Title == "" {
			e.Title = strings.TrimSpace(c.Sender)
		}
	}
	if em := d.Emergency; em != nil {
		set("emergency", em.Type)
		if e.Description == "" {
			e.Description = strings.TrimSpace(em.Text)
		}
	}
	if p := d.PrecisionLocation; p != nil {
		set("geopoint_source", p.GeoPointSrc)
		set("altitude_source", p.AltSrc)
	}
	if tc := d.TakControl; tc != nil && tc.Request != nil {
		set("tak_protocol_request", tc.Request.Version)
	}
	for _, l := range d.Link {
		if l.Relation == "p-p" && strings.TrimSpace(l.UID) != "" {
			set("parent_uid", l.UID)
			set("parent_callsign", l.ParentCallsign)
			break
		}
	}
	if sn := d.SafetyNet; sn != nil {
		if t := strings.TrimSpace(sn.Type); t != "" {
			e.Type = t
		}
		if s := event.Severity(strings.TrimSpace(sn.Severity)); s != "" {
			e.Severity = s
		}
		if s := event.Status(strings.TrimSpace(sn.Status)); s != "" {
			e.Status = s
		}
		if s := strings.TrimSpace(sn.Source); s != "" {
			e.Source = s
		}
		if s := strings.TrimSpace(sn.ID); s != "" {
			e.ID = s
		}
		set("drill", sn.Drill)
		set("drill_id", sn.DrillID)
		set("inject", sn.Inject)
	}
}

// parseTime reads a CoT time (xs:dateTime, usually UTC with Z).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time such as 2020-02-08T18:10:46.207Z", s)
	}
	if y := t.Year(); y < 1970 || y > 9999 {
		return time.Time{}, fmt.Errorf("%q is out of range", s)
	}
	return t, nil
}

// affiliations are the second atom of a-* types.
var affiliations = map[string]string{
	"f": "friendly", "h": "hostile", "u": "unknown", "n": "neutral", "p": "pending",
	"a": "assumed_friend", "s": "suspect", "j": "joker", "k": "faker", "o": "none", "x": "other",
}

// Classify maps a CoT type to our event type and severity:
//
//	a-f-*  track.friendly, minor     a-h-*  track.hostile, severe
//	a-s/j/k-* track.suspect..., moderate; other atoms track.<affiliation>, minor
//	b-a-o-tbl alarm.emergency (911), b-a-o-pan alarm.panic,
//	b-a-o-opn alarm.in_contact: extreme; b-a-o-can alarm.cancel
//	b-m-p-*  marker.point, b-m-r route, b-t-f chat.message, u-d-*, u-r-b-* and u-rb-*
//	drawing.shape
//	t-x-d-d  cot.delete; anything else cot.<type in lower case>
func Classify(t string) (string, event.Severity) {
	parts := strings.Split(t, "-")
	switch {
	case len(parts) >= 2 && parts[0] == "a":
		aff := affiliations[parts[1]]
		if aff == "" {
			aff = "other"
		}
		sev := event.Minor
		switch parts[1] {
		case "h":
			sev = event.Severe
		case "s", "j", "k":
			sev = event.Moderate
		}
		return "track." + aff, sev
	case t == "b-a-o-tbl":
		return "alarm.emergency", event.Extreme
	case t == "b-a-o-pan":
		return "alarm.panic", event.Extreme
	case t == "b-a-o-opn":
		return "alarm.in_contact", event.Extreme
	case t == "b-a-o-can":
		return "alarm.cancel", event.Minor
	case strings.HasPrefix(t, "b-a-"):
		return "alarm.other", event.Severe
	case strings.HasPrefix(t, "b-m-p-"):
		return "marker.point", event.Minor
	case t == "b-m-r" || strings.HasPrefix(t, "b-m-r-"):
		return "route", event.Minor
	case strings.HasPrefix(t, "b-t-f"):
		return "chat.message", event.Minor
	case strings.HasPrefix(t, "u-d-"), strings.HasPrefix(t, "u-r-b-"), strings.HasPrefix(t, "u-rb-"):
		return "drawing.shape", event.Minor
	case t == "t-x-d-d":
		return "cot.delete", event.Minor
	}
	var b strings.Builder
	for _, r := range strings.ToLower(t) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), "-_")
	if s == "" || len(s) > event.MaxTypeLen-4 {
		return "cot.other", event.UnknownSeverity
	}
	return "cot." + s, event.UnknownSeverity
}

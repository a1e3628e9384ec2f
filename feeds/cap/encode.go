package cap

import (
	"encoding/xml"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// Encoder writes events as CAP 1.2 alerts. The zero value is usable but
// writes "safetynet" as the sender.
type Encoder struct {
	// Sender is the alert's <sender> for events that did not come from
	// CAP, e.g. "safetynet@anhe-garden.example".
	Sender string
	// Lookup finds an earlier event by ID, so that references can carry
	// its sent time as CAP requires. Events decoded from CAP carry their
	// references and need no lookup.
	Lookup func(id string) (event.Event, bool)
}

// categories maps our type families to CAP categories.
var categories = map[string]string{
	"fire": "Fire", "intrusion": "Security", "access": "Security", "patrol": "Security",
	"equipment": "Infra", "camera": "Infra", "medical": "Health", "operator": "Other",
	"weather": "Met", "flood": "Met", "earthquake": "Geo", "traffic": "Transport",
}

var capCategories = map[string]bool{"Geo": true, "Met": true, "Safety": true, "Security": true, "Rescue": true,
	"Fire": true, "Health": true, "Env": true, "Transport": true, "Infra": true, "CBRNE": true, "Other": true}

// formatTime writes a CAP dateTime: seconds, an offset, and -00:00 for UTC.
func formatTime(t time.Time) string {
	s := t.Truncate(time.Second).Format("2006-01-02T15:04:05-07:00")
	if strings.HasSuffix(s, "+00:00") {
		s = strings.TrimSuffix(s, "+00:00") + "-00:00"
	}
	return s
}

// capText removes what CAP forbids in identifiers and references: spaces,
// commas, < and &.
func capText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == ',' || r == '<' || r == '&' || r < 0x20:
			return '_'
		}
		return r
	}, s)
}

func prop(e *event.Event, k string) string {
	if v, ok := e.Properties[k].(string); ok {
		return v
	}
	return ""
}

// Encode writes e as a CAP 1.2 <alert>. Events decoded from CAP keep their
// sender, identifier, sent time, references and info fields.
func (enc Encoder) Encode(e event.Event) ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("cap: encode %s: %w", e.ID, err)
	}
	sender, id := prop(&e, "cap_sender"), prop(&e, "cap_identifier")
	if sender == "" || id == "" {
		sender = enc.Sender
		if sender == "" {
			sender = "safetynet"
		}
		id = e.ID
	}
	a := xmlAlert{
		XMLName:    xml.Name{Local: "alert"},
		Identifier: capText(id),
		Sender:     capText(sender),
		Sent:       formatTime(e.Time),
		Scope:      "Restricted",
	}
	if s := prop(&e, "scope"); s == "Public" || s == "Private" {
		a.Scope = s
	}
	switch a.Scope {
	case "Restricted":
		a.Restriction = "community safety command room"
	case "Private":
		a.Addresses = prop(&e, "addresses")
		if a.Addresses == "" {
			a.Scope, a.Restriction = "Restricted", "community safety command room"
		}
	}
	switch e.Status {
	case event.Exercise:
		a.Status = "Exercise"
	case event.Test:
		a.Status = "Test"
		if s := prop(&e, "cap_status"); s == "System" || s == "Draft" {
			a.Status = s
		}
	default:
		a.Status = "Actual"
	}
	switch e.Op {
	case event.Update:
		a.MsgType = "Update"
	case event.Cancel:
		a.MsgType = "Cancel"
	case event.Ack:
		a.MsgType = "Ack"
		if prop(&e, "cap_msg_type") == "Error" {
			a.MsgType = "Error"
		}
	default:
		a.MsgType = "Alert"
	}
	a.Note = prop(&e, "note")
	if refs := prop(&e, "cap_references"); refs != "" {
		a.References = refs
	} else if len(e.References) > 0 {
		var out []string
		for _, r := range e.References {
			if enc.Lookup == nil {
				return nil, fmt.Errorf("cap: encode %s: reference %q: its sent time is unknown (set Encoder.Lookup)", e.ID, r)
			}
			old, ok := enc.Lookup(r)
			if !ok {
				return nil, fmt.Errorf("cap: encode %s: reference %q: no such event", e.ID, r)
			}
			os, oid := prop(&old, "cap_sender"), prop(&old, "cap_identifier")
			if os == "" || oid == "" {
				os, oid = sender, old.ID
				if prop(&e, "cap_sender") != "" {
					os = enc.Sender
				}
			}
			out = append(out, capText(os)+","+capText(oid)+","+formatTime(old.Time))
		}
		a.References = strings.Join(out, " ")
	}
	a.Info = []xmlInfo{enc.info(&e)}
	return marshal(&a)
}

func marshal(a *xmlAlert) ([]byte, error) {
	a.XMLName = xml.Name{Space: NS12, Local: "alert"}
	b, err := xml.MarshalIndent(a, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("cap: encode %s: %w", a.Identifier, err)
	}
	// encoding/xml writes xmlns from XMLName.Space on the root element.
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

func (enc Encoder) info(e *event.Event) xmlInfo {
	in := xmlInfo{
		Language:    prop(e, "language"),
		Event:       prop(e, "event"),
		Urgency:     prop(e, "urgency"),
		Certainty:   prop(e, "certainty"),
		Severity:    strings.ToUpper(string(e.Severity[:1])) + string(e.Severity[1:]),
		SenderName:  prop(e, "sender_name"),
		Headline:    e.Title,
		Description: e.Description,
		Instruction: prop(e, "instruction"),
		Web:         prop(e, "web"),
		Contact:     prop(e, "contact"),
	}
	if in.Event == "" {
		in.Event = e.Type
	}
	if cats, ok := e.Properties["category"].([]string); ok {
		for _, c := range cats {
			if capCategories[c] {
				in.Category = append(in.Category, c)
			}
		}
	} else if cats, ok := e.Properties["category"].([]any); ok {
		for _, c := range cats {
			if s, _ := c.(string); capCategories[s] {
				in.Category = append(in.Category, s)
			}
		}
	}
	if len(in.Category) == 0 {
		c := categories[e.TypeFamily()]
		if c == "" {
			c = "Other"
		}
		in.Category = []string{c}
	}
	if !oneOf(in.Urgency, "Immediate", "Expected", "Future", "Past", "Unknown") {
		switch e.Severity {
		case event.Extreme, event.Severe:
			in.Urgency = "Immediate"
		case event.Moderate, event.Minor:
			in.Urgency = "Expected"
		default:
			in.Urgency = "Unknown"
		}
	}
	if !oneOf(in.Certainty, "Observed", "Likely", "Possible", "Unlikely", "Unknown") {
		in.Certainty = "Observed"
	}
	for _, k := range []string{"effective", "onset"} {
		if t, err := time.Parse(time.RFC3339, prop(e, k)); err == nil {
			if k == "effective" {
				in.Effective = formatTime(t)
			} else {
				in.Onset = formatTime(t)
			}
		}
	}
	if !e.Expires.IsZero() {
		in.Expires = formatTime(e.Expires)
	}
	if e.Source != "" && prop(e, "cap_sender") == "" {
		in.Parameter = append(in.Parameter, valuePair{"source", e.Source})
	}
	if e.Subject != "" {
		in.Parameter = append(in.Parameter, valuePair{"subject", e.Subject})
	}
	keys := make([]string, 0, len(e.Properties))
	for k := range e.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, "cap_") || decodedKeys[k] {
			continue
		}
		switch v := e.Properties[k].(type) {
		case string:
			in.Parameter = append(in.Parameter, valuePair{k, v})
		case float64:
			in.Parameter = append(in.Parameter, valuePair{k, strconv.FormatFloat(v, 'g', -1, 64)})
		case int:
			in.Parameter = append(in.Parameter, valuePair{k, strconv.Itoa(v)})
		case bool:
			in.Parameter = append(in.Parameter, valuePair{k, strconv.FormatBool(v)})
		}
	}
	if ps, ok := e.Properties["parameters"].(map[string]any); ok {
		in.Parameter = append(in.Parameter, unpairs(ps)...)
	}
	if ps, ok := e.Properties["event_codes"].(map[string]any); ok {
		in.EventCode = unpairs(ps)
	}
	if area, ok := areaOf(e); ok {
		in.Area = []xmlArea{area}
	}
	return in
}

// decodedKeys are the properties Decode fills from CAP fields; Encode
// writes them back to those fields, not as parameters.
var decodedKeys = map[string]bool{"scope": true, "note": true, "incidents": true, "codes": true, "event": true,
	"urgency": true, "certainty": true, "audience": true, "language": true, "sender_name": true, "instruction": true,
	"web": true, "contact": true, "response_type": true, "effective": true, "onset": true, "event_codes": true,
	"parameters": true, "resources": true, "languages": true, "category": true, "area_desc": true, "geocodes": true,
	"circles": true, "addresses": true, "texts": true}

func unpairs(m map[string]any) []valuePair {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []valuePair
	for _, k := range keys {
		switch v := m[k].(type) {
		case []string:
			for _, x := range v {
				out = append(out, valuePair{k, x})
			}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, valuePair{k, s})
				}
			}
		case string:
			out = append(out, valuePair{k, v})
		}
	}
	return out
}

func oneOf(s string, list ...string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

func latlon(p orb.Point) string {
	return strconv.FormatFloat(p[1], 'f', -1, 64) + "," + strconv.FormatFloat(p[0], 'f', -1, 64)
}

func ringText(r orb.Ring) string {
	parts := make([]string, len(r))
	for i, p := range r {
		parts[i] = latlon(p)
	}
	return strings.Join(parts, " ")
}

// areaOf writes the event's geometry as a CAP area: points as circles of
// radius 0, polygons by their outer rings (CAP has no holes); a circle
// decoded from CAP is written back as the circle.
func areaOf(e *event.Event) (xmlArea, bool) {
	ar := xmlArea{AreaDesc: prop(e, "area_desc")}
	if ar.AreaDesc == "" {
		ar.AreaDesc = e.Title
	}
	if ar.AreaDesc == "" {
		ar.AreaDesc = e.Type
	}
	if gc, ok := e.Properties["geocodes"].(map[string]any); ok {
		ar.Geocode = unpairs(gc)
	}
	circles := circlesOf(e)
	isCircle := func(p orb.Polygon) bool {
		for _, c := range circles {
			if c.RadiusKM > 0 && len(p) == 1 && len(p[0]) == CircleSegments+1 {
				b := p[0].Bound().Center()
				if math.Abs(b[0]-c.Center[0]) < 1e-3 && math.Abs(b[1]-c.Center[1]) < 1e-3 {
					return true
				}
			}
		}
		return false
	}
	for _, c := range circles {
		ar.Circle = append(ar.Circle, latlon(c.Center)+" "+strconv.FormatFloat(c.RadiusKM, 'f', -1, 64))
	}
	switch g := e.Geometry.(type) {
	case orb.Point:
		if len(circles) == 0 {
			ar.Circle = append(ar.Circle, latlon(g)+" 0")
		}
	case orb.MultiPoint:
		if len(circles) == 0 {
			for _, p := range g {
				ar.Circle = append(ar.Circle, latlon(p)+" 0")
			}
		}
	case orb.Polygon:
		if !isCircle(g) {
			ar.Polygon = append(ar.Polygon, ringText(g[0]))
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if !isCircle(p) {
				ar.Polygon = append(ar.Polygon, ringText(p[0]))
			}
		}
	case orb.LineString:
		// CAP has no lines: the area is the line's bounding box.
		b := g.Bound()
		ar.Polygon = append(ar.Polygon, ringText(b.ToRing()))
	}
	if len(ar.Polygon)+len(ar.Circle)+len(ar.Geocode) == 0 {
		return ar, false
	}
	return ar, true
}

func circlesOf(e *event.Event) []Circle {
	var out []Circle
	switch cs := e.Properties["circles"].(type) {
	case []any:
		for _, c := range cs {
			switch c := c.(type) {
			case Circle:
				out = append(out, c)
			case map[string]any:
				ctr, _ := c["center"].([]any)
				km, _ := c["radius_km"].(float64)
				if len(ctr) == 2 {
					lon, _ := ctr[0].(float64)
					lat, _ := ctr[1].(float64)
					out = append(out, Circle{Center: orb.Point{lon, lat}, RadiusKM: km})
				}
			}
		}
	case []Circle:
		out = cs
	}
	return out
}

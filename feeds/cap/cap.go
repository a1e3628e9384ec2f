// Package cap reads and writes OASIS Common Alerting Protocol messages: it
// decodes CAP 1.2 (and 1.1, 1.0) <alert> documents into events and encodes
// events as CAP 1.2 alerts that validate against the OASIS schema.
//
// An alert is identified by (sender, identifier); its event ID is
// "sender,identifier", and Update and Cancel reach earlier alerts through
// references, whose "sender,identifier,sent" triples become the event IDs
// "sender,identifier".
package cap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/feeds/event"
)

// Namespaces of the CAP versions read; Encode writes NS12.
const (
	NS12 = "urn:oasis:names:tc:emergency:cap:1.2"
	NS11 = "urn:oasis:names:tc:emergency:cap:1.1"
	NS10 = "http://www.incident.com/cap/1.0"
)

// ErrNotCAP is returned for XML that is not a CAP <alert>.
var ErrNotCAP = errors.New("cap: not a CAP alert")

// MaxSize is the largest message Decode reads, in bytes.
const MaxSize = 1 << 20

// CircleSegments is the number of vertices of the polygon a CAP circle
// becomes.
const CircleSegments = 64

type valuePair struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

type xmlArea struct {
	AreaDesc string      `xml:"areaDesc"`
	Polygon  []string    `xml:"polygon"`
	Circle   []string    `xml:"circle"`
	Geocode  []valuePair `xml:"geocode"`
	Altitude string      `xml:"altitude,omitempty"`
	Ceiling  string      `xml:"ceiling,omitempty"`
}

type xmlResource struct {
	ResourceDesc string `xml:"resourceDesc"`
	MimeType     string `xml:"mimeType"`
	Size         string `xml:"size,omitempty"`
	URI          string `xml:"uri,omitempty"`
	DerefURI     string `xml:"derefUri,omitempty"`
	Digest       string `xml:"digest,omitempty"`
}

type xmlInfo struct {
	Language     string        `xml:"language,omitempty"`
	Category     []string      `xml:"category"`
	Event        string        `xml:"event"`
	ResponseType []string      `xml:"responseType"`
	Urgency      string        `xml:"urgency"`
	Severity     string        `xml:"severity"`
	Certainty    string        `xml:"certainty"`
	Audience     string        `xml:"audience,omitempty"`
	EventCode    []valuePair   `xml:"eventCode"`
	Effective    string        `xml:"effective,omitempty"`
	Onset        string        `xml:"onset,omitempty"`
	Expires      string        `xml:"expires,omitempty"`
	SenderName   string        `xml:"senderName,omitempty"`
	Headline     string        `xml:"headline,omitempty"`
	Description  string        `xml:"description,omitempty"`
	Instruction  string        `xml:"instruction,omitempty"`
	Web          string        `xml:"web,omitempty"`
	Contact      string        `xml:"contact,omitempty"`
	Parameter    []valuePair   `xml:"parameter"`
	Resource     []xmlResource `xml:"resource"`
	Area         []xmlArea     `xml:"area"`
}

type xmlAlert struct {
	XMLName     xml.Name
	Identifier  string    `xml:"identifier"`
	Sender      string    `xml:"sender"`
	Sent        string    `xml:"sent"`
	Status      string    `xml:"status"`
	MsgType     string    `xml:"msgType"`
	Source      string    `xml:"source,omitempty"`
	Scope       string    `xml:"scope"`
	Restriction string    `xml:"restriction,omitempty"`
	Addresses   string    `xml:"addresses,omitempty"`
	Code        []string  `xml:"code"`
	Note        string    `xml:"note,omitempty"`
	References  string    `xml:"references,omitempty"`
	Incidents   string    `xml:"incidents,omitempty"`
	Info        []xmlInfo `xml:"info"`
}

// Decode reads one CAP alert; a document type or entity declaration is
// refused (see CheckDeclarations). The event it returns has:
//   - ID "sender,identifier", Source the sender, Time the sent time;
//   - Op Update or Cancel for those message types (Ack for Ack and Error),
//     with References naming the earlier alerts as "sender,identifier";
//   - Type the first info's event when it is one of our dotted types,
//     otherwise "alert.<category>" (alert.met, alert.geo, ...);
//   - Severity from the first info, Expires the earliest info expiry;
//   - Title (the headline), Description and the other texts from the info
//     in English, else the first (event.ChooseLanguage), and, when the
//     infos are in several languages, each language's texts in
//     properties.texts for event.Localized;
//   - Status exercise for Exercise, test for Test, System and Draft (the
//     CAP status is kept in properties.cap_status);
//   - Geometry from the areas of the first info that has any: polygons,
//     circles (as 64-gons; radius 0 as a point);
//   - everything else of interest in Properties.
func Decode(data []byte) (event.Event, error) {
	if len(data) > MaxSize {
		return event.Event{}, fmt.Errorf("cap: message is %d bytes, at most %d", len(data), MaxSize)
	}
	if err := CheckDeclarations(data); err != nil {
		return event.Event{}, fmt.Errorf("cap: %w", err)
	}
	var a xmlAlert
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charsetReader
	if err := dec.Decode(&a); err != nil {
		if errors.Is(err, io.EOF) {
			return event.Event{}, fmt.Errorf("%w: empty document", ErrNotCAP)
		}
		return event.Event{}, fmt.Errorf("cap: XML: %w", err)
	}
	switch a.XMLName.Space {
	case NS12, NS11, NS10:
	default:
		if a.XMLName.Local != "alert" {
			return event.Event{}, fmt.Errorf("%w: the root element is <%s>", ErrNotCAP, a.XMLName.Local)
		}
		return event.Event{}, fmt.Errorf("%w: <alert> in namespace %q, not %s", ErrNotCAP, a.XMLName.Space, NS12)
	}
	if a.XMLName.Local != "alert" {
		return event.Event{}, fmt.Errorf("%w: the root element is <%s>", ErrNotCAP, a.XMLName.Local)
	}
	return a.event()
}

// charsetReader accepts the encodings CAP feeds declare; UTF-8 (and its
// subset US-ASCII) only.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported (use UTF-8)", label)
}

func trim(s string) string { return strings.TrimSpace(s) }

func (a *xmlAlert) event() (event.Event, error) {
	id, sender := trim(a.Identifier), trim(a.Sender)
	for _, f := range []struct{ name, v string }{{"identifier", id}, {"sender", sender}, {"sent", a.Sent}, {"status", a.Status}, {"msgType", a.MsgType}} {
		if trim(f.v) == "" {
			return event.Event{}, fmt.Errorf("cap: alert %q: <%s> is missing", id, f.name)
		}
	}
	where := fmt.Sprintf("cap: alert %s from %s", id, sender)
	sent, err := parseTime(a.Sent)
	if err != nil {
		return event.Event{}, fmt.Errorf("%s: <sent>: %w", where, err)
	}
	e := event.Event{
		ID:         sender + "," + id,
		Time:       sent,
		Source:     sender,
		Format:     event.CAP,
		Properties: map[string]any{"cap_sender": sender, "cap_identifier": id, "cap_sent": trim(a.Sent)},
	}
	status := trim(a.Status)
	e.Properties["cap_status"] = status
	switch status {
	case "Actual":
		e.Status = event.Actual
	case "Exercise":
		e.Status = event.Exercise
	case "Test", "System", "Draft":
		e.Status = event.Test
	default:
		return event.Event{}, fmt.Errorf("%s: <status> %q is not Actual, Exercise, System, Test or Draft", where, status)
	}
	mt := trim(a.MsgType)
	e.Properties["cap_msg_type"] = mt
	switch mt {
	case "Alert":
		e.Op = event.Report
	case "Update":
		e.Op = event.Update
	case "Cancel":
		e.Op = event.Cancel
	case "Ack", "Error":
		e.Op = event.Ack
	default:
		return event.Event{}, fmt.Errorf("%s: <msgType> %q is not Alert, Update, Cancel, Ack or Error", where, mt)
	}
	if refs := strings.Fields(a.References); len(refs) > 0 {
		e.Properties["cap_references"] = strings.Join(refs, " ")
		for _, r := range refs {
			parts := strings.Split(r, ",")
			if len(parts) < 3 || parts[0] == "" || parts[1] == "" {
				return event.Event{}, fmt.Errorf("%s: <references> %q is not sender,identifier,sent", where, r)
			}
			// A sent time with a comma is not possible; identifiers have none.
			e.References = append(e.References, parts[0]+","+parts[1])
		}
	}
	if (e.Op == event.Update || e.Op == event.Cancel) && len(e.References) == 0 {
		return event.Event{}, fmt.Errorf("%s: %s without <references>: it does not say which alert it changes", where, mt)
	}
	setStr(e.Properties, "scope", a.Scope)
	setStr(e.Properties, "note", a.Note)
	setStr(e.Properties, "cap_source", a.Source)
	setStr(e.Properties, "incidents", a.Incidents)
	if len(a.Code) > 0 {
		e.Properties["codes"] = trimAll(a.Code)
	}
	e.Type = "alert"
	e.Severity = event.UnknownSeverity
	if len(a.Info) == 0 {
		if e.Op == event.Cancel {
			e.Title = "Cancelled"
		}
		return e, finish(&e, where)
	}
	in := &a.Info[0]
	if err := in.apply(&e, where); err != nil {
		return event.Event{}, err
	}
	infoLangs := make([]string, len(a.Info))
	for i := range a.Info {
		infoLangs[i] = trim(a.Info[i].Language)
	}
	// The texts are those of the info in English, else the first; every
	// language's are kept for event.Localized.
	if i := event.ChooseLanguage(infoLangs, ""); i > 0 {
		a.Info[i].setTexts(&e)
	}
	if texts := infoTexts(a.Info); len(texts) > 1 {
		e.Properties[event.TextsKey] = texts
	}
	var langs []string
	for i := range a.Info {
		if l := trim(a.Info[i].Language); l != "" {
			langs = append(langs, l)
		}
		if i > 0 && trim(a.Info[i].Headline) != "" {
			e.Properties["headline_"+trim(a.Info[i].Language)] = trim(a.Info[i].Headline)
		}
		if x := trim(a.Info[i].Expires); x != "" {
			t, err := parseTime(x)
			if err != nil {
				return event.Event{}, fmt.Errorf("%s: info %d <expires>: %w", where, i+1, err)
			}
			if e.Expires.IsZero() || t.Before(e.Expires) {
				e.Expires = t
			}
		}
	}
	if len(langs) > 0 {
		e.Properties["languages"] = langs
	}
	for i := range a.Info {
		if len(a.Info[i].Area) == 0 {
			continue
		}
		g, circles, err := areaGeometry(a.Info[i].Area)
		if err != nil {
			return event.Event{}, fmt.Errorf("%s: info %d: %w", where, i+1, err)
		}
		e.Geometry = g
		if len(circles) > 0 {
			e.Properties["circles"] = circles
		}
		var descs []string
		geocodes := map[string]any{}
		for _, ar := range a.Info[i].Area {
			if d := trim(ar.AreaDesc); d != "" {
				descs = append(descs, d)
			}
			for _, gc := range ar.Geocode {
				k := trim(gc.ValueName)
				list, _ := geocodes[k].([]string)
				geocodes[k] = append(list, trim(gc.Value))
			}
		}
		if len(descs) > 0 {
			e.Properties["area_desc"] = strings.Join(descs, "; ")
		}
		if len(geocodes) > 0 {
			e.Properties["geocodes"] = geocodes
		}
		break
	}
	return e, finish(&e, where)
}

func finish(e *event.Event, where string) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return nil
}

var ourType = regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)+$`)

func (in *xmlInfo) apply(e *event.Event, where string) error {
	ev := trim(in.Event)
	cat := ""
	if len(in.Category) > 0 {
		cat = trim(in.Category[0])
		e.Properties["category"] = trimAll(in.Category)
	}
	switch {
	case ourType.MatchString(ev) && len(ev) <= event.MaxTypeLen:
		e.Type = ev
	case cat != "":
		t := "alert." + strings.ToLower(cat)
		if ourType.MatchString(t) {
			e.Type = t
		}
	}
	setStr(e.Properties, "event", ev)
	switch s := trim(in.Severity); s {
	case "Extreme", "Severe", "Moderate", "Minor", "Unknown":
		e.Severity = event.Severity(strings.ToLower(s))
	case "":
	default:
		return fmt.Errorf("%s: <severity> %q is not Extreme, Severe, Moderate, Minor or Unknown", where, s)
	}
	setStr(e.Properties, "urgency", in.Urgency)
	setStr(e.Properties, "certainty", in.Certainty)
	setStr(e.Properties, "audience", in.Audience)
	if len(in.ResponseType) > 0 {
		e.Properties["response_type"] = trimAll(in.ResponseType)
	}
	for _, t := range []struct{ name, v string }{{"effective", in.Effective}, {"onset", in.Onset}} {
		if trim(t.v) == "" {
			continue
		}
		tm, err := parseTime(t.v)
		if err != nil {
			return fmt.Errorf("%s: <%s>: %w", where, t.name, err)
		}
		e.Properties[t.name] = tm.Format(time.RFC3339)
	}
	if len(in.EventCode) > 0 {
		e.Properties["event_codes"] = pairs(in.EventCode)
	}
	if len(in.Parameter) > 0 {
		e.Properties["parameters"] = pairs(in.Parameter)
	}
	var res []any
	for _, r := range in.Resource {
		res = append(res, map[string]any{"description": trim(r.ResourceDesc), "mime_type": trim(r.MimeType), "uri": trim(r.URI)})
	}
	if len(res) > 0 {
		e.Properties["resources"] = res
	}
	in.setTexts(e)
	return nil
}

// setTexts sets the texts of e from in: title, description and the text
// properties.
func (in *xmlInfo) setTexts(e *event.Event) {
	for _, k := range []string{"language", "sender_name", "instruction", "web", "contact"} {
		delete(e.Properties, k)
	}
	setStr(e.Properties, "language", in.Language)
	setStr(e.Properties, "sender_name", in.SenderName)
	setStr(e.Properties, "instruction", in.Instruction)
	setStr(e.Properties, "web", in.Web)
	setStr(e.Properties, "contact", in.Contact)
	e.Title = trim(in.Headline)
	if e.Title == "" {
		e.Title = trim(in.Event)
	}
	e.Description = trim(in.Description)
}

// infoTexts returns the texts of the first info of each language, as the
// event.TextsKey property.
func infoTexts(infos []xmlInfo) []any {
	var out []any
	seen := map[string]bool{}
	for i := range infos {
		in := &infos[i]
		l := trim(in.Language)
		if seen[strings.ToLower(l)] {
			continue
		}
		seen[strings.ToLower(l)] = true
		t := event.Texts{Language: l, Title: trim(in.Headline), Description: trim(in.Description), Instruction: trim(in.Instruction)}
		if t.Title == "" {
			t.Title = trim(in.Event)
		}
		out = append(out, t.Map())
	}
	return out
}

func pairs(ps []valuePair) map[string]any {
	m := map[string]any{}
	for _, p := range ps {
		k := trim(p.ValueName)
		list, _ := m[k].([]string)
		m[k] = append(list, trim(p.Value))
	}
	return m
}

func setStr(m map[string]any, k, v string) {
	if v = trim(v); v != "" {
		m[k] = v
	}
}

func trimAll(s []string) []string {
	out := make([]string, 0, len(s))
	for _, x := range s {
		out = append(out, trim(x))
	}
	return out
}

// parseTime reads a CAP dateTime. CAP requires an offset and no "Z"; the
// "Z" and fractional seconds that some feeds write are accepted.
func parseTime(s string) (time.Time, error) {
	s = trim(s)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a CAP time such as 2026-05-01T10:15:00+08:00", s)
	}
	if y := t.Year(); y < 1970 || y > 9999 {
		return time.Time{}, fmt.Errorf("%q is out of range", s)
	}
	return t, nil
}

// Circle is a CAP circle: centre and radius in kilometres.
type Circle struct {
	Center   orb.Point `json:"center"` // lon, lat
	RadiusKM float64   `json:"radius_km"`
}

// areaGeometry turns the polygons and circles of the areas into one
// geometry: a Polygon, a MultiPolygon, a Point or a MultiPoint (circles of
// radius 0), or nil when the areas only have geocodes. Circles are also
// returned as they were given.
func areaGeometry(areas []xmlArea) (orb.Geometry, []any, error) {
	var polys orb.MultiPolygon
	var points orb.MultiPoint
	var circles []any
	for ai, ar := range areas {
		for pi, p := range ar.Polygon {
			if trim(p) == "" {
				continue
			}
			r, err := parsePolygon(p)
			if err != nil {
				return nil, nil, fmt.Errorf("area %d polygon %d: %w", ai+1, pi+1, err)
			}
			polys = append(polys, orb.Polygon{r})
		}
		for ci, c := range ar.Circle {
			if trim(c) == "" {
				continue
			}
			center, km, err := parseCircle(c)
			if err != nil {
				return nil, nil, fmt.Errorf("area %d circle %d: %w", ai+1, ci+1, err)
			}
			circles = append(circles, Circle{Center: center, RadiusKM: km})
			if km == 0 {
				points = append(points, center)
			} else {
				polys = append(polys, CirclePolygon(center, km))
			}
		}
	}
	switch {
	case len(polys) == 1:
		return polys[0], circles, nil
	case len(polys) > 1:
		return polys, circles, nil
	case len(points) == 1:
		return points[0], circles, nil
	case len(points) > 1:
		return points, circles, nil
	}
	return nil, circles, nil
}

func parseLatLon(s string) (orb.Point, error) {
	la, lo, ok := strings.Cut(s, ",")
	if !ok {
		return orb.Point{}, fmt.Errorf("%q is not lat,lon", s)
	}
	lat, err1 := strconv.ParseFloat(trim(la), 64)
	lon, err2 := strconv.ParseFloat(trim(lo), 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return orb.Point{}, fmt.Errorf("%q is not lat,lon in degrees (WGS 84)", s)
	}
	return orb.Point{lon, lat}, nil
}

// parsePolygon reads "lat,lon lat,lon ..." (at least 4 pairs, first =
// last). A ring that is not closed is closed.
func parsePolygon(s string) (orb.Ring, error) {
	f := strings.Fields(s)
	if len(f) > event.MaxVertices {
		return nil, fmt.Errorf("more than %d positions", event.MaxVertices)
	}
	r := make(orb.Ring, 0, len(f)+1)
	for _, pair := range f {
		p, err := parseLatLon(pair)
		if err != nil {
			return nil, err
		}
		r = append(r, p)
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	if len(r) < 4 {
		return nil, fmt.Errorf("%d positions, a CAP polygon needs at least 4 (first = last)", len(f))
	}
	return r, nil
}

// parseCircle reads "lat,lon radius" with the radius in kilometres.
func parseCircle(s string) (orb.Point, float64, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return orb.Point{}, 0, fmt.Errorf("%q is not \"lat,lon radius-km\"", s)
	}
	c, err := parseLatLon(f[0])
	if err != nil {
		return orb.Point{}, 0, err
	}
	km, err := strconv.ParseFloat(f[1], 64)
	if err != nil || math.IsNaN(km) || km < 0 || km > 20000 {
		return orb.Point{}, 0, fmt.Errorf("radius %q is not a distance in kilometres", f[1])
	}
	return c, km, nil
}

// CirclePolygon returns a polygon of CircleSegments vertices approximating
// the circle of radius km kilometres around c (lon, lat), on the sphere.
func CirclePolygon(c orb.Point, km float64) orb.Polygon {
	r := make(orb.Ring, 0, CircleSegments+1)
	for i := 0; i < CircleSegments; i++ {
		r = append(r, geo.PointAtBearingAndDistance(c, 360*float64(i)/CircleSegments, km*1000))
	}
	for i := range r {
		r[i][0] = math.Max(-180, math.Min(180, r[i][0]))
		r[i][1] = math.Max(-90, math.Min(90, r[i][1]))
	}
	r = append(r, r[0])
	return orb.Polygon{r}
}

package event_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// decodeCase is an envelope to decode and what must come of it: an
// error holding wantErr, or an event that passes check.
type decodeCase struct {
	name    string
	in      string
	check   func(t *testing.T, e event.Event)
	wantErr string
}

func TestDecode(t *testing.T) {
	tests := []decodeCase{
		{
			name: "full envelope",
			in: `{"id":"SD-07-20260501T101500","type":"fire.smoke","severity":"severe","status":"exercise",
			 "time":"2026-05-01T10:15:00+08:00","expires":"2026-05-01T11:15:00+08:00",
			 "geometry":{"type":"Point","coordinates":[121.6012,31.2003]},"source":"sensor:SD-07",
			 "title":"Smoke in the e-bike shed","description":"Detector SD-07 reports smoke","properties":{"building":"B12","level":1}}`,
			check: func(t *testing.T, e event.Event) {
				if e.ID != "SD-07-20260501T101500" || e.Type != "fire.smoke" || e.Severity != event.Severe || e.Status != event.Exercise {
					t.Errorf("fields: %+v", e)
				}
				if !e.IsDrill() {
					t.Error("exercise is a drill")
				}
				if _, off := e.Time.Zone(); off != 8*3600 {
					t.Errorf("time lost its +08:00 offset: %v", e.Time)
				}
				if e.Expires.Sub(e.Time) != time.Hour {
					t.Errorf("expires %v", e.Expires)
				}
				if p, ok := e.Geometry.(orb.Point); !ok || p != (orb.Point{121.6012, 31.2003}) {
					t.Errorf("geometry %v", e.Geometry)
				}
				if e.Properties["building"] != "B12" || e.Properties["level"] != 1.0 {
					t.Errorf("properties %v", e.Properties)
				}
				if e.Format != event.JSON {
					t.Errorf("format %q", e.Format)
				}
			},
		},
		{
			name: "defaults",
			in:   `{"id":"a","type":"camera.offline","time":"2026-05-01T02:00:00Z"}`,
			check: func(t *testing.T, e event.Event) {
				if e.Severity != event.UnknownSeverity || e.Status != event.Actual || e.Geometry != nil {
					t.Errorf("defaults: %+v", e)
				}
			},
		},
		{
			name: "polygon",
			in:   `{"id":"p","type":"intrusion.perimeter","time":"2026-05-01T02:00:00Z","geometry":{"type":"Polygon","coordinates":[[[121.6,31.2],[121.601,31.2],[121.601,31.201],[121.6,31.2]]]}}`,
			check: func(t *testing.T, e event.Event) {
				if p, ok := e.Geometry.(orb.Polygon); !ok || len(p[0]) != 4 {
					t.Errorf("geometry %v", e.Geometry)
				}
			},
		},
		{name: "missing id", in: `{"type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`, wantErr: "id is missing"},
		{name: "missing type", in: `{"id":"a","time":"2026-05-01T02:00:00Z"}`, wantErr: "type is missing"},
		{name: "missing time", in: `{"id":"a","type":"fire.smoke"}`, wantErr: "time is missing"},
		{name: "bad type", in: `{"id":"a","type":"Fire Smoke","time":"2026-05-01T02:00:00Z"}`, wantErr: "not a dotted lower-case name"},
		{name: "bad severity", in: `{"id":"a","type":"fire.smoke","severity":"high","time":"2026-05-01T02:00:00Z"}`, wantErr: "severity \"high\""},
		{name: "bad status", in: `{"id":"a","type":"fire.smoke","status":"drill","time":"2026-05-01T02:00:00Z"}`, wantErr: "status \"drill\""},
		{name: "bad time", in: `{"id":"a","type":"fire.smoke","time":"yesterday"}`, wantErr: "RFC 3339"},
		{name: "unknown field", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","severty":"minor"}`, wantErr: `unknown field "severty"`},
		{name: "trailing data", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z"} {}`, wantErr: "more data after"},
		{name: "syntax", in: `{"id":"a",`, wantErr: "truncated"},
		{name: "empty", in: ``, wantErr: "empty"},
		{name: "wrong type of field", in: `{"id":7,"type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`, wantErr: "field id"},
		{name: "latitude out of range", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point","coordinates":[31.2,121.6]}}`, wantErr: "latitude 121.6 is outside -90..90"},
		{name: "open ring", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}`, wantErr: "not closed"},
		{name: "collection", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,1]}]}}`, wantErr: "not allowed"},
		{name: "control character in id", in: `{"id":"a\u0007b","type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`, wantErr: "control character"},
		{name: "cancel without target", in: `{"id":"a","type":"fire.smoke","op":"cancel","time":"2026-05-01T02:00:00Z"}`, wantErr: "needs a subject or references"},
		{name: "bad op", in: `{"id":"a","type":"fire.smoke","op":"delete","time":"2026-05-01T02:00:00Z"}`, wantErr: "op \"delete\""},
		{name: "geometry without coordinates", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point"}}`, wantErr: "geometry.coordinates is missing"},
	}
	tests = append(tests, positionCases()...)
	tests = append(tests, utf8Cases()...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := event.Decode([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("no error, want one containing %q", tc.wantErr)
				}
				if !errors.Is(err, event.ErrInvalid) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %q, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, e)
		})
	}
}

func TestRoundTrip(t *testing.T) {
	tm := time.Date(2026, 5, 1, 10, 15, 0, 0, time.FixedZone("CST", 8*3600))
	tests := []event.Event{
		{ID: "a", Type: "patrol.position", Severity: event.Minor, Status: event.Actual, Time: tm, Stale: tm.Add(time.Minute),
			Expires: tm.Add(10 * time.Minute), Geometry: orb.Point{121.6, 31.2}, Source: "patrol:P1", Title: "Patrol 1",
			Properties: map[string]any{"route": "R1", "speed_mps": 1.4}, Subject: "P1", Format: event.JSON},
		{ID: "b", Type: "intrusion.perimeter", Severity: event.Severe, Status: event.Test, Time: tm,
			Geometry: orb.Polygon{{{121.6, 31.2}, {121.61, 31.2}, {121.61, 31.21}, {121.6, 31.2}}}, Format: event.JSON},
		{ID: "c", Type: "fire.smoke", Severity: event.Minor, Status: event.Actual, Time: tm, Op: event.Cancel, References: []string{"a"}, Format: event.JSON},
	}
	for _, e := range tests {
		t.Run(e.ID, func(t *testing.T) {
			b, err := event.Encode(e)
			if err != nil {
				t.Fatal(err)
			}
			got, err := event.Decode(b)
			if err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			b2, _ := event.Encode(got)
			if string(b) != string(b2) {
				t.Errorf("round trip differs:\n%s\n%s", b, b2)
			}
			if !got.Time.Equal(e.Time) || !got.Expires.Equal(e.Expires) || !got.Stale.Equal(e.Stale) {
				t.Errorf("times differ: %v", got)
			}
		})
	}
}

func TestStateAt(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	e := event.Event{Time: t0, Stale: t0.Add(time.Minute), Expires: t0.Add(5 * time.Minute)}
	tests := []struct {
		name string
		e    event.Event
		at   time.Duration
		want event.State
	}{
		{"fresh", e, 30 * time.Second, event.Fresh},
		{"stale at its time", e, time.Minute, event.StaleState},
		{"stale", e, 4 * time.Minute, event.StaleState},
		{"expired at its time", e, 5 * time.Minute, event.Expired},
		{"no stale, before expiry", event.Event{Time: t0, Expires: t0.Add(time.Hour)}, 30 * time.Minute, event.Fresh},
		{"never expires", event.Event{Time: t0}, 1000 * time.Hour, event.Fresh},
		{"cancel", event.Event{Time: t0, Op: event.Cancel}, 0, event.Deleted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.e.StateAt(t0.Add(tc.at)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestPicture(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	ev := func(id, subject string, op event.Op, at time.Duration, refs ...string) event.Event {
		return event.Event{ID: id, Type: "fire.smoke", Subject: subject, Op: op, References: refs, Time: t0.Add(at),
			Stale: t0.Add(at + time.Minute), Expires: t0.Add(at + 5*time.Minute)}
	}
	type step struct {
		e         event.Event
		now       time.Duration
		subject   string
		state     event.State
		liveCount int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"same subject replaces (CoT uid)", []step{
			{ev("u1@1", "u1", event.Report, 0), 0, "u1", event.Fresh, 1},
			{ev("u1@2", "u1", event.Report, 30*time.Second), 30 * time.Second, "u1", event.Fresh, 1},
			{ev("u1@0", "u1", event.Report, -time.Minute), 40 * time.Second, "u1", event.Fresh, 1}, // older: ignored
		}},
		{"update chain through references (CAP)", []step{
			{ev("s,A", "", event.Report, 0), 0, "s,A", event.Fresh, 1},
			{ev("s,B", "", event.Update, time.Second, "s,A"), time.Second, "s,A", event.Fresh, 1},
			{ev("s,C", "", event.Update, 2*time.Second, "s,B"), 2 * time.Second, "s,A", event.Fresh, 1},
			{ev("s,D", "", event.Cancel, 3*time.Second, "s,C"), 3 * time.Second, "s,A", event.Deleted, 0},
		}},
		{"delete by subject (CoT t-x-d-d)", []step{
			{ev("u2@1", "u2", event.Report, 0), 0, "u2", event.Fresh, 1},
			{ev("del@1", "u2", event.Cancel, time.Second), time.Second, "u2", event.Deleted, 0},
		}},
		{"stale then expired, never live again", []step{
			{ev("x", "", event.Report, 0), 2 * time.Minute, "x", event.StaleState, 1},
			{ev("y", "", event.Report, 0), 6 * time.Minute, "y", event.Expired, 0},
		}},
		{"ack changes nothing", []step{
			{ev("z", "", event.Report, 0), 0, "z", event.Fresh, 1},
			{ev("ack", "", event.Ack, time.Second, "z"), time.Second, "z", event.Fresh, 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p event.Picture
			for i, s := range tc.steps {
				subj, st := p.Apply(s.e, t0.Add(s.now))
				if subj != s.subject || st != s.state {
					t.Errorf("step %d: subject %q state %s, want %q %s", i, subj, st, s.subject, s.state)
				}
				if n := len(p.Live(t0.Add(s.now))); n != s.liveCount {
					t.Errorf("step %d: %d live, want %d", i, n, s.liveCount)
				}
			}
		})
	}
	var p event.Picture
	p.Apply(ev("a", "", event.Report, 0), t0)
	p.Apply(ev("b", "", event.Report, time.Hour), t0)
	p.Prune(t0.Add(10 * time.Minute))
	if p.Len() != 1 {
		t.Errorf("prune kept %d subjects, want 1", p.Len())
	}
}

func TestAppendMessage(t *testing.T) {
	data := []byte(`{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`)
	b := event.AppendMessage(nil, 42, "gate\"sensors", time.Unix(1700000000, 5), event.Fresh, data)
	want := `{"seq":42,"publisher":"gate\"sensors","received":"2023-11-14T22:13:20.000000005Z","state":"fresh","event":{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z"}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

// ev is an envelope with the given geometry (JSON text).
func ev(geometry string) string {
	return `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":` + geometry + `}`
}

// positionCases: a geometry that is there must have a usable position;
// nothing missing is read as 0.
func positionCases() []decodeCase {
	type tc = decodeCase
	bad := []struct{ name, geometry, want string }{
		{"point []", `{"type":"Point","coordinates":[]}`, "geometry.coordinates: a position needs [longitude, latitude]"},
		{"point null", `{"type":"Point","coordinates":null}`, "geometry.coordinates is missing"},
		{"point [1]", `{"type":"Point","coordinates":[1]}`, "has 1 numbers"},
		{"point 4 numbers", `{"type":"Point","coordinates":[1,2,3,4]}`, "has 4 numbers"},
		{"point null member", `{"type":"Point","coordinates":[null,31.2]}`, "geometry.coordinates[0] is null, not a number"},
		{"point string member", `{"type":"Point","coordinates":["121.6",31.2]}`, "geometry.coordinates[0] is a string"},
		{"point overflow", `{"type":"Point","coordinates":[1e999,31.2]}`, "1e999 is not a finite number"},
		{"point lon", `{"type":"Point","coordinates":[181,31.2]}`, "longitude 181 is outside -180..180"},
		{"point lat", `{"type":"Point","coordinates":[121.6,-90.5]}`, "latitude -90.5 is outside -90..90"},
		{"point object", `{"type":"Point","coordinates":{"lon":1,"lat":2}}`, "geometry.coordinates is an object"},
		{"no type", `{"coordinates":[1,2]}`, "geometry.type is missing"},
		{"geometry not an object", `[1,2]`, "not a GeoJSON geometry object"},
		{"linestring short position", `{"type":"LineString","coordinates":[[1,2],[3]]}`, "geometry.coordinates[1]: a position needs"},
		{"linestring empty", `{"type":"LineString","coordinates":[]}`, "LineString needs at least 2 positions"},
		{"multilinestring empty", `{"type":"MultiLineString","coordinates":[]}`, "MultiLineString needs at least one line"},
		{"multilinestring short line", `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[1,2]]]}`, "geometry.coordinates[1]: a line needs at least two positions"},
		{"multipoint empty", `{"type":"MultiPoint","coordinates":[]}`, "MultiPoint without points"},
		{"polygon no rings", `{"type":"Polygon","coordinates":[]}`, "a polygon needs at least its outer ring"},
		{"polygon empty ring", `{"type":"Polygon","coordinates":[[]]}`, "geometry.coordinates[0]: a ring needs at least 4 positions"},
		{"polygon short position", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1],[0,0]]]}`, "geometry.coordinates[0][2]: a position needs"},
		{"multipolygon empty ring", `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[]]]}`, "geometry.coordinates[1][0]: a ring needs"},
		{"multipolygon empty", `{"type":"MultiPolygon","coordinates":[]}`, "MultiPolygon without polygons"},
	}
	var out []tc
	for _, b := range bad {
		out = append(out, tc{name: b.name, in: ev(b.geometry), wantErr: b.want})
	}
	out = append(out,
		tc{name: "geometry null is no position", in: ev(`null`), check: func(t *testing.T, e event.Event) {
			if e.Geometry != nil {
				t.Errorf("geometry %v, want none", e.Geometry)
			}
		}},
		tc{name: "freehand strokes", in: ev(`{"type":"MultiLineString","coordinates":[[[121.6,31.2],[121.61,31.21]],[[121.62,31.2],[121.63,31.2],[121.63,31.21]]]}`), check: func(t *testing.T, e event.Event) {
			ml, ok := e.Geometry.(orb.MultiLineString)
			if !ok || len(ml) != 2 || len(ml[1]) != 3 {
				t.Errorf("geometry %v, want two strokes", e.Geometry)
			}
		}},
		tc{name: "altitude dropped", in: ev(`{"type":"Point","coordinates":[121.6,31.2,12.5]}`), check: func(t *testing.T, e event.Event) {
			if e.Geometry != (orb.Point{121.6, 31.2}) {
				t.Errorf("geometry %v", e.Geometry)
			}
		}},
		tc{name: "format set from how it arrived", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","format":"cap"}`, check: func(t *testing.T, e event.Event) {
			if e.Format != event.JSON {
				t.Errorf("format %q, want json: the client's is not kept", e.Format)
			}
		}},
	)
	return out
}

// utf8Cases: text that is not UTF-8 is refused with its byte offset, not
// replaced.
func utf8Cases() []decodeCase {
	type tc = decodeCase
	return []tc{
		{name: "invalid UTF-8 in title", in: "{\"id\":\"a\",\"type\":\"fire.smoke\",\"time\":\"2026-05-01T02:00:00Z\",\"title\":\"caf\xe9\"}", wantErr: "invalid UTF-8 at byte 72"},
		{name: "invalid UTF-8 in a property", in: "{\"id\":\"a\",\"type\":\"fire.smoke\",\"time\":\"2026-05-01T02:00:00Z\",\"properties\":{\"k\":\"\xff\"}}", wantErr: "invalid UTF-8 at byte 79"},
		{name: "lone surrogate escape", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","title":"x\ud800y"}`, wantErr: `\ud800 at byte 70 is half a surrogate pair`},
		{name: "lone low surrogate escape", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","title":"\udc00"}`, wantErr: `\udc00 at byte 69`},
		{name: "surrogate pair and escaped backslash", in: `{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","title":"\ud83d\ude92 \\ud800 caf\u00e9 火"}`, check: func(t *testing.T, e event.Event) {
			if e.Title != "\U0001F692 \\ud800 café 火" {
				t.Errorf("title %q", e.Title)
			}
		}},
	}
}

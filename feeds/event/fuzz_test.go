package event_test

import (
	"testing"

	"safetynet/feeds/event"
)

// FuzzDecode: any input either fails with an error or gives an event that
// validates and survives an encode/decode round trip.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`,
		`{"id":"SD-07","type":"fire.smoke","severity":"severe","status":"exercise","time":"2026-05-01T10:15:00+08:00","expires":"2026-05-01T11:15:00+08:00","geometry":{"type":"Point","coordinates":[121.6,31.2]},"properties":{"a":[1,2,{"b":null}]}}`,
		`{"id":"p","type":"intrusion.perimeter","time":"2026-05-01T02:00:00Z","geometry":{"type":"Polygon","coordinates":[[[121.6,31.2],[121.601,31.2],[121.601,31.201],[121.6,31.2]]]}}`,
		`{"id":"m","type":"a.b","time":"2026-05-01T02:00:00Z","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}`,
		`{"id":"c","type":"a.b","op":"cancel","references":["x"],"time":"2026-05-01T02:00:00Z"}`,
		`{"geometry":{"type":"LineString","coordinates":[[1,2]]}}`,
		`{"geometry":{"type":"Polygon","coordinates":[]}}`,
		`{"id":"a","type":"a.b","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point","coordinates":[]}}`,
		`{"id":"a","type":"a.b","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point","coordinates":[1,null]}}`,
		`{"id":"a","type":"a.b","time":"2026-05-01T02:00:00Z","geometry":null,"format":"cot"}`,
		`{"id":"a","type":"a.b","time":"2026-05-01T02:00:00Z","title":"\ud83d\ude92\\ud800"}`,
		"{\"id\":\"a\",\"type\":\"a.b\",\"time\":\"2026-05-01T02:00:00Z\",\"title\":\"\xc3\"}",
		`[]`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := event.Decode(data)
		if err != nil {
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("decoded event does not validate: %v", err)
		}
		b, err := event.Encode(e)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		e2, err := event.Decode(b)
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, b)
		}
		if e.Format != event.JSON {
			t.Fatalf("format %q, want json", e.Format)
		}
		if err := event.CheckGeometry(e.Geometry); err != nil {
			t.Fatalf("decoded geometry: %v", err)
		}
		if e2.ID != e.ID || e2.Type != e.Type || !e2.Time.Equal(e.Time) {
			t.Fatalf("round trip changed the event: %+v vs %+v", e, e2)
		}
	})
}

package console

import (
	"testing"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/event"
)

// FuzzRestore: whatever another program wrote into the alerts table's
// data column, restoring never panics, and what it restores is valid.
func FuzzRestore(f *testing.F) {
	f.Add([]byte(`{"kind":"alert","subject":"a1","event":{"id":"a1","type":"fire.smoke","time":"2026-05-01T10:00:00Z","geometry":{"type":"Point","coordinates":[121.6,31.2]}},"status":"new"}`))
	f.Add([]byte(`{"kind":"unit","subject":"patrol:R1","event":{"id":"p1","type":"patrol.position","time":"2026-05-01T10:00:00Z","geometry":{"type":"Point","coordinates":[121.6,31.2]}},"trail":[[121.6,31.2],[121.61,31.2]]}`))
	f.Add([]byte(`{"kind":"alert","event":{"id":"x","type":"fire.smoke","time":"2026-05-01T10:00:00Z","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}}`))
	f.Add([]byte(`{"kind":"alert","subject":"a1","event":{"id":"a3","type":"fire.smoke","source":"sensor:SD-1","time":"2026-05-01T10:02:00Z"},"status":"acknowledged","severity":"extreme","count":3,"first":"2026-05-01T10:00:00Z","last":"2026-05-01T10:02:00Z","since_ack":2,"raised":"2026-05-01T10:00:00Z","cleared":"2026-05-01T10:03:00Z","chattering":true,"shelved_until":"2026-05-01T12:00:00Z","shelved_by":"li","shelve_reason":"service","folded":["a2","a1",""]}`))
	f.Add([]byte(`{"kind":"alert","subject":"a1","event":{"id":"a1","type":"fire.smoke","time":"2026-05-01T10:00:00Z"},"status":"bogus","severity":"loud","count":-4,"since_ack":-1}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := New(Options{})
		_ = c.Restore([]store.LiveRow{{Subject: "s", Kind: "alert", Data: data}}, 7)
		now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		s := c.Snapshot(now)
		for _, a := range s.Alerts {
			if err := a.Event.Validate(); err != nil {
				t.Fatalf("restored an invalid event: %v", err)
			}
		}
		for _, a := range s.Alerts {
			if a.Count < 1 || a.Severity.Rank() == 0 && a.Severity != event.UnknownSeverity {
				t.Fatalf("restored count %d, severity %q", a.Count, a.Severity)
			}
			switch a.Status {
			case StatusNew, StatusAcknowledged, StatusAssigned, StatusResolved:
			default:
				t.Fatalf("restored status %q", a.Status)
			}
		}
		c.Tick(now.Add(time.Hour))
		s.Queue(Filter{}, now)
		// Alarms go on after whatever was restored.
		e := event.Event{ID: "n1", Type: "fire.smoke", Source: "sensor:SD-1", Time: now, Severity: event.Severe}
		c.Apply(event.Message{Seq: 8, Event: e}, now)
		c.Snapshot(now)
	})
}

// FuzzRestoreState: whatever the console's saved state holds, restoring
// it never panics and the rate it gives is not negative.
func FuzzRestoreState(f *testing.F) {
	f.Add([]byte(`{"v":1,"rate":[[1777629600,0,1,0,2,0],[1777629610,1,0,0,0,0]],"sources":{"sensor:SD-1":{"times":["2026-05-01T10:00:00Z","2026-05-01T10:00:20Z"],"on":true,"last":"2026-05-01T10:00:20Z"}}}`))
	f.Add([]byte(`{"v":1,"rate":[[-5,9,9,9,9,9],[1e18,1,1,1,1,1]],"sources":{"":{"times":[]}}}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := New(Options{})
		_ = c.RestoreState(data)
		now := time.Date(2026, 5, 1, 10, 1, 0, 0, time.UTC)
		r := c.Snapshot(now).Rate
		if r.Recent < 0 || r.Day.Total() < 0 {
			t.Fatalf("rate %+v", r)
		}
		c.Apply(event.Message{Seq: 1, Event: event.Event{ID: "a", Type: "fire.smoke", Source: "sensor:SD-1", Time: now, Severity: event.Minor}}, now)
		c.Tick(now.Add(time.Hour))
		c.TakeChanges()
	})
}

package console

import (
	"testing"
	"time"

	"safetynet/data/store"
)

// FuzzRestore: whatever another program wrote into the alerts table's
// data column, restoring never panics, and what it restores is valid.
func FuzzRestore(f *testing.F) {
	f.Add([]byte(`{"kind":"alert","subject":"a1","event":{"id":"a1","type":"fire.smoke","time":"2026-05-01T10:00:00Z","geometry":{"type":"Point","coordinates":[121.6,31.2]}},"status":"new"}`))
	f.Add([]byte(`{"kind":"unit","subject":"patrol:R1","event":{"id":"p1","type":"patrol.position","time":"2026-05-01T10:00:00Z","geometry":{"type":"Point","coordinates":[121.6,31.2]}},"trail":[[121.6,31.2],[121.61,31.2]]}`))
	f.Add([]byte(`{"kind":"alert","event":{"id":"x","type":"fire.smoke","time":"2026-05-01T10:00:00Z","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}}`))
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
		c.Tick(now.Add(time.Hour))
		s.Queue(Filter{}, now)
	})
}

package event_test

import (
	"fmt"
	"time"

	"safetynet/feeds/event"
)

func ExampleDecode() {
	e, err := event.Decode([]byte(`{"id":"SD-07-1","type":"fire.smoke","severity":"severe",
	  "time":"2026-05-01T10:15:00+08:00","expires":"2026-05-01T11:15:00+08:00",
	  "geometry":{"type":"Point","coordinates":[121.6012,31.2003]},"source":"sensor:SD-07"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Type, e.Severity, e.Status, e.Geometry)
	fmt.Println(e.StateAt(e.Time.Add(30*time.Minute)), e.StateAt(e.Time.Add(2*time.Hour)))
	// Output:
	// fire.smoke severe actual [121.6012 31.2003]
	// fresh expired
}

func ExamplePicture() {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var p event.Picture
	// A patrol reports twice: the second report replaces the first.
	p.Apply(event.Event{ID: "R1-1", Subject: "patrol:R1", Type: "patrol.position", Time: t0, Expires: t0.Add(5 * time.Minute)}, t0)
	p.Apply(event.Event{ID: "R1-2", Subject: "patrol:R1", Type: "patrol.position", Time: t0.Add(time.Minute), Expires: t0.Add(6 * time.Minute)}, t0)
	// A smoke alarm, then its cancellation.
	p.Apply(event.Event{ID: "SD-1", Type: "fire.smoke", Time: t0}, t0)
	p.Apply(event.Event{ID: "SD-2", Type: "fire.smoke", Op: event.Cancel, References: []string{"SD-1"}, Time: t0.Add(time.Minute)}, t0)
	for _, e := range p.Live(t0.Add(2 * time.Minute)) {
		fmt.Println(e.ID)
	}
	fmt.Println(p.State("SD-1", t0), p.State("patrol:R1", t0.Add(7*time.Minute)))
	// Output:
	// R1-2
	// deleted expired
}

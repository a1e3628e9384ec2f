package client_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"safetynet/feeds/client"
	"safetynet/feeds/event"
)

// The app follows the hub from the last sequence number it stored and keeps
// the live picture: picture.Live(now) is what the map shows (fresh and stale
// events; expired and cancelled ones drop out).
func ExampleSubscriber() {
	var lastStored int64 // read from the app's own store
	sub := client.NewSubscriber(client.Options{
		URL:     "https://hub.anhe.example:8480",
		Token:   os.Getenv("SAFETYNET_TOKEN"),
		OnState: func(s client.State, err error) { log.Printf("hub: %s %v", s, err) },
	}, lastStored)
	var picture event.Picture
	err := sub.Run(context.Background(), func(m event.Message) error {
		// Store m first (a returned error stops Run and m is sent again
		// next time), then update the picture.
		picture.Apply(m.Event, time.Now())
		return nil
	})
	fmt.Println(err)
}

// A sensor gateway publishes over one websocket with many events in flight;
// events not yet acknowledged are sent again after a reconnect.
func ExamplePublisher() {
	ctx := context.Background()
	p := client.NewPublisher(client.Options{URL: "https://hub.anhe.example:8480", Token: os.Getenv("SAFETYNET_TOKEN")}, 256,
		func(data []byte, a client.Ack) {
			if err := a.Err(); err != nil {
				log.Print(err)
			}
		})
	go p.Run(ctx)
	p.Publish(ctx, []byte(`{"id":"SD-07-1","type":"fire.smoke","time":"2026-05-01T10:15:00+08:00"}`))
}

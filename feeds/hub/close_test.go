package hub_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"safetynet/feeds/client"
	"safetynet/feeds/hub"
)

// TestCloseTooBig: a message over the limit, however large, gets the
// documented close 1009, which the client reads even when it goes on
// sending before it reads.
func TestCloseTooBig(t *testing.T) {
	th := startHub(t, hub.Config{MaxMessage: 64 << 10})
	for _, size := range []int{65<<10 + 1, 8 << 20} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			ws, _, err := dialWS(th.url, "/v1/publish", th.publisher, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			// The write may fail half-way: the hub stops reading.
			ws.WriteMessage(websocket.TextMessage, bytes.Repeat([]byte("x"), size))
			time.Sleep(100 * time.Millisecond)
			ws.WriteMessage(websocket.TextMessage, jsonEvent("after", ""))
			ws.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, _, err = ws.ReadMessage()
			if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
				t.Fatalf("after a message of %d bytes: %v, want close 1009", size, err)
			}
		})
	}
}

// TestCloseSlow: a subscriber that fell too far behind, and reads slowly,
// reads what was sent to it, then the documented close 4008 saying where
// to resume.
func TestCloseSlow(t *testing.T) {
	th := startHub(t, hub.Config{SubscriberBuffer: 16, Ring: 32, WriteTimeout: 60 * time.Second})
	ws, _, err := dialWS(th.url, "/v1/stream", th.viewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	big := fmt.Sprintf(`,"description":%q`, strings.Repeat("x", 60<<10))
	p := client.NewPublisher(client.Options{URL: th.url, Token: th.publisher}, 256, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	const n = 300
	for i := 0; i < n; i++ {
		p.Publish(ctx, jsonEvent(fmt.Sprint("s", i), big))
	}
	deadline := time.Now().Add(60 * time.Second)
	for th.srv.Log().Last() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if th.srv.Log().Last() < n {
		t.Fatalf("publishing stalled at %d", th.srv.Log().Last())
	}
	ws.SetReadDeadline(time.Now().Add(60 * time.Second))
	got := 0
	for {
		_, _, err := ws.ReadMessage()
		if err != nil {
			if !websocket.IsCloseError(err, hub.CloseSlow) || !strings.Contains(err.Error(), "since=") {
				t.Fatalf("after %d messages: %v, want close %d with since=", got, err, hub.CloseSlow)
			}
			break
		}
		got++
		time.Sleep(50 * time.Millisecond)
	}
	if got >= n {
		t.Fatalf("got all %d events: it was not slow", n)
	}
}

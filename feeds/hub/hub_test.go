package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"safetynet/data/testenv"
	"safetynet/feeds/client"
	"safetynet/feeds/event"
	"safetynet/feeds/hub"
)

func post(t *testing.T, url, token string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/events", bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("answer is not JSON: %s", b)
	}
	return resp.StatusCode, m
}

func get(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func dialWS(url, path, token string, h http.Header) (*websocket.Conn, *http.Response, error) {
	if h == nil {
		h = http.Header{}
	}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+path, h)
}

// TestPublishStatus: every kind of request gets a clear status code, and
// nothing crashes the hub.
func TestPublishStatus(t *testing.T) {
	th := startHub(t, hub.Config{MaxMessage: 64 << 10})
	capMsg, err := os.ReadFile(testenv.SharedData(t, "cap/oasis-1.2-examples/Oasis_ThunderstormWarning.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cotMsg, err := os.ReadFile(testenv.SharedData(t, "cot/freetakserver/a-f-G-U-C-1581185446278.xml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		token  string
		body   []byte
		status int
		errHas string
		seq    float64
		dup    bool
	}{
		{name: "json", token: th.publisher, body: jsonEvent("e1", ""), status: 202, seq: 1},
		{name: "cap", token: th.publisher, body: capMsg, status: 202, seq: 2},
		{name: "cot", token: th.operator, body: cotMsg, status: 202, seq: 3},
		{name: "re-sent json: first seq, nothing stored", token: th.publisher, body: jsonEvent("e1", ""), status: 202, seq: 1, dup: true},
		{name: "re-sent cap", token: th.publisher, body: capMsg, status: 202, seq: 2, dup: true},
		{name: "same id, other publisher", token: th.operator, body: jsonEvent("e1", ""), status: 202, seq: 4},
		{name: "no token", body: jsonEvent("e2", ""), status: 401, errHas: "missing token"},
		{name: "wrong token", token: th.publisher + "x", body: jsonEvent("e2", ""), status: 401, errHas: "invalid or revoked"},
		{name: "viewer cannot publish", token: th.viewer, body: jsonEvent("e2", ""), status: 403, errHas: "role viewer"},
		{name: "malformed json", token: th.publisher, body: []byte(`{"id":"x",`), status: 400, errHas: "truncated"},
		{name: "invalid event", token: th.publisher, body: []byte(`{"id":"x","type":"fire.smoke"}`), status: 400, errHas: "time is missing"},
		{name: "broken cap", token: th.publisher, body: []byte(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>`), status: 400, errHas: "<sender> is missing"},
		{name: "unknown format", token: th.publisher, body: []byte(`id=x`), status: 415, errHas: "not a JSON event"},
		{name: "oversized", token: th.publisher, body: jsonEvent("big", fmt.Sprintf(`,"description":%q`, strings.Repeat("x", 70<<10))), status: 413, errHas: "larger than"},
		{name: "empty", token: th.publisher, body: nil, status: 415, errHas: "empty"},
		{name: "point without coordinates", token: th.publisher, body: []byte(`{"id":"g1","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point","coordinates":[]}}`), status: 400, errHas: "geometry.coordinates: a position needs [longitude, latitude]"},
		{name: "point with null coordinates", token: th.publisher, body: []byte(`{"id":"g2","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point","coordinates":null}}`), status: 400, errHas: "geometry.coordinates is missing"},
		{name: "point with one number", token: th.publisher, body: []byte(`{"id":"g3","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point","coordinates":[1]}}`), status: 400, errHas: "has 1 numbers"},
		{name: "not UTF-8", token: th.publisher, body: []byte("{\"id\":\"u1\",\"type\":\"fire.smoke\",\"time\":\"2026-05-01T02:00:00Z\",\"title\":\"\xe9\"}"), status: 400, errHas: "invalid UTF-8 at byte 70"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, m := post(t, th.url, tc.token, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, m)
			}
			if tc.errHas != "" {
				if s, _ := m["error"].(string); !strings.Contains(s, tc.errHas) {
					t.Errorf("error %q, want it to contain %q", s, tc.errHas)
				}
				return
			}
			if m["seq"] != tc.seq || (m["duplicate"] == true) != tc.dup {
				t.Errorf("answer %v, want seq %v duplicate %v", m, tc.seq, tc.dup)
			}
		})
	}
	if th.srv.Log().Last() != 4 {
		t.Errorf("log holds %d events, want 4", th.srv.Log().Last())
	}
	if status, b := get(t, th.url+"/healthz", ""); status != 200 || !bytes.Contains(b, []byte(`"last_seq":4`)) {
		t.Errorf("healthz %d %s", status, b)
	}
}

// TestFormatSetByHub: the format stored is how the event arrived; the one
// a client writes into its envelope is not kept.
func TestFormatSetByHub(t *testing.T) {
	th := startHub(t, hub.Config{})
	if status, m := post(t, th.url, th.publisher, jsonEvent("f1", `,"format":"cap"`)); status != 202 {
		t.Fatalf("status %d: %v", status, m)
	}
	es, err := th.srv.Log().Read(context.Background(), 0, 10)
	if err != nil || len(es) != 1 {
		t.Fatalf("log: %v %d", err, len(es))
	}
	var e event.Event
	if err := json.Unmarshal(es[0].Data, &e); err != nil {
		t.Fatal(err)
	}
	if e.Format != event.JSON {
		t.Errorf("stored format %q, want json", e.Format)
	}
}

// TestReadAccess: the stream and the event pages need a token that may
// read.
func TestReadAccess(t *testing.T) {
	th := startHub(t, hub.Config{})
	tests := []struct {
		name   string
		token  string
		status int
	}{
		{"no token", "", 401},
		{"wrong token", "snt_nope", 401},
		{"publisher may not read", th.publisher, 403},
		{"viewer", th.viewer, 200},
		{"operator", th.operator, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if status, b := get(t, th.url+"/v1/events?since=0", tc.token); status != tc.status {
				t.Errorf("GET /v1/events: %d, want %d: %s", status, tc.status, b)
			}
			ws, resp, err := dialWS(th.url, "/v1/stream?since=0", tc.token, nil)
			if tc.status == 200 {
				if err != nil {
					t.Fatalf("stream: %v", err)
				}
				ws.Close()
				return
			}
			if err == nil || resp == nil || resp.StatusCode != tc.status {
				t.Errorf("stream: %v %v, want %d", err, resp, tc.status)
			}
		})
	}
	for _, q := range []string{"since=-1", "since=x", "limit=0", "limit=100000"} {
		if status, _ := get(t, th.url+"/v1/events?"+q, th.viewer); status != 400 {
			t.Errorf("?%s: %d, want 400", q, status)
		}
	}
}

// TestStreamAndPages: the websocket sends the stored events after since,
// then live ones, in order, as JSON; the HTTP pages give the same.
func TestStreamAndPages(t *testing.T) {
	th := startHub(t, hub.Config{})
	for i := 1; i <= 5; i++ {
		if status, m := post(t, th.url, th.publisher, jsonEvent(fmt.Sprint("old", i), "")); status != 202 {
			t.Fatal(m)
		}
	}
	ws, _, err := dialWS(th.url, "/v1/stream?since=2", th.viewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	posted := make(chan error, 1)
	go func() {
		for i := 1; i <= 3; i++ {
			if _, err := client.Post(context.Background(), client.Options{URL: th.url, Token: th.publisher},
				jsonEvent(fmt.Sprint("new", i), `,"expires":"2001-01-01T00:00:00Z"`)); err != nil {
				posted <- err
				return
			}
		}
		posted <- nil
	}()
	defer func() {
		if err := <-posted; err != nil {
			t.Error(err)
		}
	}()
	var got []event.Message
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for len(got) < 6 {
		var m event.Message
		if err := ws.ReadJSON(&m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	for i, m := range got {
		if m.Seq != int64(i+3) || m.Publisher != "pub" {
			t.Errorf("message %d: seq %d publisher %q", i, m.Seq, m.Publisher)
		}
		wantID, wantState := fmt.Sprint("old", i+3), event.Fresh
		if i >= 3 {
			wantID, wantState = fmt.Sprint("new", i-2), event.Expired
		}
		if m.Event.ID != wantID || m.State != wantState || m.Event.Type != "fire.smoke" {
			t.Errorf("message %d: id %q state %q, want %q %q", i, m.Event.ID, m.State, wantID, wantState)
		}
	}
	// The same over HTTP, a page at a time.
	var pages []event.Message
	since := int64(2)
	for {
		status, b := get(t, fmt.Sprintf("%s/v1/events?since=%d&limit=4", th.url, since), th.viewer)
		if status != 200 {
			t.Fatalf("%d %s", status, b)
		}
		var page struct {
			Messages []event.Message `json:"messages"`
			Next     int64           `json:"next"`
			Last     int64           `json:"last"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		if page.Last != 8 {
			t.Errorf("last %d", page.Last)
		}
		if len(page.Messages) == 0 {
			break
		}
		pages = append(pages, page.Messages...)
		since = page.Next
	}
	if len(pages) != len(got) {
		t.Fatalf("%d messages over HTTP, %d over the websocket", len(pages), len(got))
	}
	for i := range pages {
		if pages[i].Seq != got[i].Seq || pages[i].Event.ID != got[i].Event.ID || pages[i].State != got[i].State {
			t.Errorf("message %d differs: %+v vs %+v", i, pages[i], got[i])
		}
	}
}

// TestPublishWebsocket: events sent over the publish websocket are
// acknowledged in order, one ack per message, errors included.
func TestPublishWebsocket(t *testing.T) {
	th := startHub(t, hub.Config{MaxMessage: 32 << 10})
	ws, _, err := dialWS(th.url, "/v1/publish", th.publisher, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	msgs := [][]byte{jsonEvent("w1", ""), []byte("junk"), jsonEvent("w2", ""), jsonEvent("w1", ""), []byte(`{"id":"w3"}`),
		[]byte(`{"id":"w4","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point","coordinates":[]}}`)}
	for _, m := range msgs {
		if err := ws.WriteMessage(websocket.TextMessage, m); err != nil {
			t.Fatal(err)
		}
	}
	want := []hub.Ack{{N: 1, Seq: 1, ID: "w1"}, {N: 2, Status: 415}, {N: 3, Seq: 2, ID: "w2"}, {N: 4, Seq: 1, ID: "w1", Duplicate: true}, {N: 5, Status: 400}, {N: 6, Status: 400}}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for _, w := range want {
		var a hub.Ack
		if err := ws.ReadJSON(&a); err != nil {
			t.Fatal(err)
		}
		if a.N == 6 && !strings.Contains(a.Error, "geometry.coordinates") {
			t.Errorf("ack %+v does not name the geometry", a)
		}
		a.Error = ""
		if a != w {
			t.Errorf("ack %+v, want %+v", a, w)
		}
	}
	// An oversized message closes the connection with 1009.
	ws.WriteMessage(websocket.TextMessage, bytes.Repeat([]byte("x"), 40<<10))
	_, _, err = ws.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("after an oversized message: %v, want close 1009", err)
	}
	if status, _ := get(t, th.url+"/healthz", ""); status != 200 {
		t.Error("hub not healthy after an oversized message")
	}
}

// TestRateLimit: a connection that publishes faster than its limit gets
// 429, the next connection is not affected.
func TestRateLimit(t *testing.T) {
	th := startHub(t, hub.Config{Rate: 0.5, Burst: 5})
	tr := &http.Transport{MaxConnsPerHost: 1}
	cl := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	var codes []int
	for i := 0; i < 8; i++ {
		req, _ := http.NewRequest(http.MethodPost, th.url+"/v1/events", bytes.NewReader(jsonEvent(fmt.Sprint("r", i), "")))
		req.Header.Set("Authorization", "Bearer "+th.publisher)
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if fmt.Sprint(codes) != "[202 202 202 202 202 429 429 429]" {
		t.Errorf("codes %v, want 5 accepted then 429", codes)
	}
	if status, _ := post(t, th.url, th.publisher, jsonEvent("other-conn", "")); status != 202 {
		t.Errorf("a new connection: %d", status)
	}
}

// TestRevokeAtOnce: a token revoked by another process stops working at
// once: the next request is refused and its open websockets are closed.
func TestRevokeAtOnce(t *testing.T) {
	th := startHub(t, hub.Config{RefreshInterval: 100 * time.Millisecond})
	sub, _, err := dialWS(th.url, "/v1/stream?since=0", th.operator, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	pub, _, err := dialWS(th.url, "/v1/publish", th.operator, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if status, _ := post(t, th.url, th.operator, jsonEvent("before", "")); status != 202 {
		t.Fatal("operator cannot publish")
	}
	other := startHubTokens(t, th.db)
	if err := other.Revoke(context.Background(), "op"); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	// No request comes in: the hub notices the revoke by itself.
	for _, ws := range []*websocket.Conn{sub, pub} {
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			_, _, err := ws.ReadMessage()
			if err == nil {
				continue // the event stored before the revoke
			}
			if !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
				t.Errorf("websocket ended with %v, want close 1008 (token revoked)", err)
			}
			break
		}
	}
	if d := time.Since(revoked); d > 2*time.Second { // 0.1 s on an idle machine
		t.Errorf("open websockets closed %v after the revoke", d)
	}
	if status, m := post(t, th.url, th.operator, jsonEvent("after", "")); status != 401 {
		t.Errorf("request after the revoke: %d %v, want 401", status, m)
	}
	// Revoke the viewer and use it at once, before the hub's next look.
	if err := other.Revoke(context.Background(), "view"); err != nil {
		t.Fatal(err)
	}
	if status, _ := get(t, th.url+"/v1/events", th.viewer); status != 401 {
		t.Errorf("request right after a revoke: %d, want 401", status)
	}
	if _, resp, err := dialWS(th.url, "/v1/stream", th.operator, nil); err == nil || resp.StatusCode != 401 {
		t.Errorf("new websocket with a revoked token: %v", err)
	}
}

// TestTokensNeverLogged: the hub's log mentions token names but never a
// secret, whatever requests it gets.
func TestTokensNeverLogged(t *testing.T) {
	th := startHub(t, hub.Config{Rate: 3, Burst: 3})
	post(t, th.url, th.publisher, jsonEvent("a", ""))
	post(t, th.url, th.viewer, jsonEvent("b", ""))                     // 403
	post(t, th.url, th.publisher+"x", jsonEvent("c", ""))              // 401
	post(t, th.url, th.publisher, []byte(`{"id":"`+th.viewer+`"}`))    // 400 echoing a secret
	post(t, th.url, th.publisher, []byte(th.operator))                 // 415 starting with a secret
	get(t, th.url+"/v1/events?since=0&x="+th.viewer, th.viewer)        // secret in the query
	get(t, th.url+"/v1/nowhere", th.operator)                          // 404
	ws, _, err := dialWS(th.url, "/v1/stream?since=0", th.viewer, nil) // subscriber
	if err == nil {
		ws.Close()
	}
	dialWS(th.url, "/v1/stream", th.viewer, http.Header{"Origin": {"http://evil.example"}})
	for i := 0; i < 5; i++ {
		post(t, th.url, th.publisher, jsonEvent(fmt.Sprint("rl", i), ""))
	}
	time.Sleep(100 * time.Millisecond)
	logs := th.logs.String()
	if !strings.Contains(logs, "token=view") || !strings.Contains(logs, "refused") {
		t.Errorf("the log does not record refusals by token name:\n%s", logs)
	}
	for name, s := range map[string]string{"publisher": th.publisher, "operator": th.operator, "viewer": th.viewer} {
		if strings.Contains(logs, s) || strings.Contains(logs, s[4:20]) {
			t.Errorf("the %s token appears in the hub's log:\n%s", name, logs)
		}
	}
}

// TestOriginCheck: browsers from other origins may not open websockets;
// programs (no Origin), the hub's own origin and configured ones may.
func TestOriginCheck(t *testing.T) {
	th := startHub(t, hub.Config{AllowedOrigins: []string{"https://console.anhe.example"}})
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true},
		{th.url, true},
		{"https://console.anhe.example", true},
		{"http://evil.example", false},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.origin != "" {
			h.Set("Origin", tc.origin)
		}
		ws, resp, err := dialWS(th.url, "/v1/stream", th.viewer, h)
		if tc.ok != (err == nil) {
			t.Errorf("origin %q: %v", tc.origin, err)
		}
		if err == nil {
			ws.Close()
		} else if resp == nil || resp.StatusCode != 403 {
			t.Errorf("origin %q: %v, want 403", tc.origin, resp)
		}
	}
}

// TestSlowSubscriber: a subscriber that does not read is disconnected
// rather than waited for; publishing goes on, and it resumes from its last
// sequence number without loss.
func TestSlowSubscriber(t *testing.T) {
	th := startHub(t, hub.Config{SubscriberBuffer: 64, Ring: 128})
	ws, _, err := dialWS(th.url, "/v1/stream", th.viewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Fill the socket buffers too: large events.
	big := fmt.Sprintf(`,"description":%q`, strings.Repeat("x", 60<<10))
	p := client.NewPublisher(client.Options{URL: th.url, Token: th.publisher}, 256, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	const n = 400
	start := time.Now()
	for i := 0; i < n; i++ {
		p.Publish(ctx, jsonEvent(fmt.Sprint("s", i), big))
	}
	for th.srv.Log().Last() < n {
		if time.Since(start) > 30*time.Second {
			t.Fatalf("publishing stalled at %d: the hub waits for the slow subscriber", th.srv.Log().Last())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Now read: some messages, then the close telling it to resume.
	var last int64
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		var m event.Message
		_, b, err := ws.ReadMessage()
		if err != nil {
			// Dropped as too slow (4008, saying where to resume), or, when
			// the machine is so loaded that a write to the full socket
			// timed out first (WriteTimeout), cut: either way the hub did
			// not wait, and the subscriber resumes below.
			switch {
			case websocket.IsCloseError(err, hub.CloseSlow):
				if !strings.Contains(err.Error(), "since=") {
					t.Fatalf("close %d without where to resume: %v", hub.CloseSlow, err)
				}
			case websocket.IsCloseError(err, websocket.CloseAbnormalClosure):
				t.Logf("cut after a write timed out: %v", err)
			default:
				t.Fatalf("ended with %v, want close %d", err, hub.CloseSlow)
			}
			break
		}
		json.Unmarshal(b, &m)
		last = m.Seq
	}
	if last >= n {
		t.Fatalf("got all %d events: it was not slow", n)
	}
	// Resume with the client: everything after last, once.
	sub := client.NewSubscriber(client.Options{URL: th.url, Token: th.viewer}, last)
	got := last
	sctx, scancel := context.WithTimeout(ctx, 20*time.Second)
	defer scancel()
	sub.RunRaw(sctx, func(seq int64, _ []byte) error {
		if seq != got+1 {
			t.Fatalf("seq %d after %d", seq, got)
		}
		got = seq
		if got == n {
			scancel()
		}
		return nil
	})
	if got != n {
		t.Errorf("resumed up to %d of %d", got, n)
	}
}

// TestTAKPort: TAK clients stream CoT XML over TCP; the events are stored
// (the re-sent one once), pings are not, garbage does not crash the hub.
func TestTAKPort(t *testing.T) {
	th := startHub(t, hub.Config{})
	addr := th.takListener(t)
	track := testenv.SharedData(t, "cot/freetakserver/track-C0rv0")
	files, _ := os.ReadDir(track)
	var stream bytes.Buffer
	for _, f := range files {
		b, _ := os.ReadFile(track + "/" + f.Name())
		stream.Write(b)
		stream.WriteString("\n")
	}
	first, _ := os.ReadFile(track + "/" + files[0].Name())
	stream.Write(first) // re-sent: stored once
	stream.WriteString(`<event version="2.0" uid="ping" type="t-x-c-t" time="2026-05-01T02:00:00Z" start="2026-05-01T02:00:00Z" stale="2026-05-01T02:00:20Z" how="h-g-i-g-o"><point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/></event>`)
	stream.WriteString(`<event uid="broken"></event>`)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Write(stream.Bytes())
	c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for th.srv.Log().Last() < int64(len(files)) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if got := th.srv.Log().Last(); got != int64(len(files)) {
		t.Fatalf("%d events stored, want the %d reports once", got, len(files))
	}
	es, err := th.srv.Log().Read(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Publisher != hub.TAKPublisher || !bytes.Contains(e.Data, []byte(`"subject":"ANDROID-351811095448994"`)) {
			t.Errorf("stored %s %s", e.Publisher, e.Data)
		}
	}
	// An endless event is cut off at the size limit.
	c, _ = net.Dial("tcp", addr)
	c.Write([]byte("<event "))
	c.Write(bytes.Repeat([]byte("x"), 2<<20))
	c.Close()
	if !strings.Contains(th.logs.String(), "TAK event refused") {
		t.Errorf("the broken event was not reported:\n%s", th.logs.String())
	}
	if status, _ := get(t, th.url+"/healthz", ""); status != 200 {
		t.Error("hub unhealthy")
	}
}

// TestManySubscribersExactlyOnce: concurrent publishers, subscribers that
// join at different times, each gets every event once in order.
func TestManySubscribersExactlyOnce(t *testing.T) {
	th := startHub(t, hub.Config{Rate: -1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const pubs, each = 4, 300
	opt := client.Options{URL: th.url, Token: th.operator}
	var wg sync.WaitGroup
	for i := 0; i < pubs; i++ {
		p := client.NewPublisher(opt, 64, nil)
		go p.Run(ctx)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				p.Publish(ctx, jsonEvent(fmt.Sprintf("m%d-%d", i, j), ""))
			}
		}()
	}
	var swg sync.WaitGroup
	for s := 0; s < 4; s++ {
		time.Sleep(time.Duration(s) * 30 * time.Millisecond)
		swg.Add(1)
		go func() {
			defer swg.Done()
			sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
			defer scancel()
			var next int64 = 1
			client.NewSubscriber(opt, 0).RunRaw(sctx, func(seq int64, _ []byte) error {
				if seq != next {
					t.Errorf("subscriber %d: seq %d, want %d", s, seq, next)
				}
				next = seq + 1
				if seq == pubs*each {
					scancel()
				}
				return nil
			})
			if next != pubs*each+1 {
				t.Errorf("subscriber %d stopped at %d", s, next-1)
			}
		}()
	}
	wg.Wait()
	swg.Wait()
}

// TestOfflineSubscriberCatchesUp: a subscriber offline for "10 minutes" of
// a busy community (50 events/s: 30,000 events, made by volume, not by
// waiting) resumes from its last sequence number, gets the backlog in
// order without duplicates, and then the live events.
func TestOfflineSubscriberCatchesUp(t *testing.T) {
	const backlog = 10 * 60 * 50
	th := startHub(t, hub.Config{Rate: -1})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opt := client.Options{URL: th.url, Token: th.operator}
	for i := 0; i < 100; i++ {
		post(t, th.url, th.publisher, jsonEvent(fmt.Sprint("before", i), ""))
	}
	// Online: it stores 100 events, then goes offline.
	sub := client.NewSubscriber(opt, 0)
	octx, ocancel := context.WithCancel(ctx)
	sub.RunRaw(octx, func(seq int64, _ []byte) error {
		if seq == 100 {
			ocancel()
		}
		return nil
	})
	if sub.Last() != 100 {
		t.Fatalf("online part: last %d", sub.Last())
	}
	// Offline: ten minutes of traffic from 5 publishers.
	var wg sync.WaitGroup
	for p := 0; p < 5; p++ {
		pub := client.NewPublisher(opt, 1024, nil)
		go pub.Run(ctx)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < backlog/5; i++ {
				pub.Publish(ctx, jsonEvent(fmt.Sprintf("off%d-%d", p, i), ""))
			}
			for pub.Pending() > 0 && ctx.Err() == nil {
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if th.srv.Log().Last() != 100+backlog {
		t.Fatalf("log holds %d", th.srv.Log().Last())
	}
	// Back online, from where it was: the backlog, then a live event.
	start := time.Now()
	want := int64(101)
	var caughtUp time.Duration
	rctx, rcancel := context.WithCancel(ctx)
	defer rcancel()
	resumed := client.NewSubscriber(opt, sub.Last())
	err := resumed.RunRaw(rctx, func(seq int64, raw []byte) error {
		if seq != want {
			return fmt.Errorf("seq %d, want %d", seq, want)
		}
		want++
		switch seq {
		case 100 + backlog:
			caughtUp = time.Since(start)
			go client.Post(ctx, client.Options{URL: th.url, Token: th.publisher}, jsonEvent("live", ""))
		case 101 + backlog:
			if !bytes.Contains(raw, []byte(`"id":"live"`)) {
				return fmt.Errorf("the live event is %s", raw)
			}
			rcancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	t.Logf("caught up %d events in %v (%.0f events/s)", backlog, caughtUp, backlog/caughtUp.Seconds())
}

// TestPingPong: the hub pings; a peer that answers stays, one that does
// not is disconnected after PongTimeout.
func TestPingPong(t *testing.T) {
	th := startHub(t, hub.Config{PingInterval: 50 * time.Millisecond, PongTimeout: 400 * time.Millisecond})
	tests := []struct {
		name   string
		answer bool
	}{{"answers", true}, {"silent", false}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, _, err := dialWS(th.url, "/v1/stream", th.viewer, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			pings := 0
			ws.SetPingHandler(func(data string) error {
				pings++
				if tc.answer {
					return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
				}
				return nil
			})
			start := time.Now()
			ws.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
			_, _, err = ws.ReadMessage()
			var ne net.Error
			timedOut := errors.As(err, &ne) && ne.Timeout()
			if tc.answer && !timedOut {
				t.Errorf("a peer that answers pings was dropped after %v: %v", time.Since(start), err)
			}
			if !tc.answer && timedOut {
				t.Error("a peer that never answers pings was kept for a second")
			}
			if pings == 0 {
				t.Error("no pings")
			}
		})
	}
}

// TestRedactingLogger: whatever is logged, a token secret is not written.
func TestRedactingLogger(t *testing.T) {
	secret := "snt_AbC-dEf_0123456789abcdefghijklmnopqrstuvwxyz"
	tests := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"message", func(l *slog.Logger) { l.Info("token " + secret) }},
		{"string attribute", func(l *slog.Logger) { l.Info("x", "header", "Bearer "+secret) }},
		{"error attribute", func(l *slog.Logger) { l.Info("x", "err", errors.New("bad "+secret)) }},
		{"group", func(l *slog.Logger) { l.Info("x", slog.Group("req", "auth", secret)) }},
		{"with", func(l *slog.Logger) { l.With("t", secret).Info("x") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			tc.log(hub.RedactingLogger(slog.NewTextHandler(&b, nil)))
			if strings.Contains(b.String(), secret[4:]) || !strings.Contains(b.String(), "snt_[redacted]") {
				t.Errorf("logged %q", b.String())
			}
		})
	}
}

// TestTAKEntityBomb: an XML bomb on the TAK port is refused as one, and
// the connection goes on.
func TestTAKEntityBomb(t *testing.T) {
	th := startHub(t, hub.Config{})
	addr := th.takListener(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	ts := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	fmt.Fprintf(c, `<?xml version="1.0"?><!DOCTYPE event [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><event version="2.0" uid="&b;" type="a-f-G" time="%s" start="%s" stale="%s" how="m-g"><point lat="31.2" lon="121.6" hae="0" ce="9" le="9"/></event>`, ts(0), ts(0), ts(time.Minute))
	fmt.Fprintf(c, `<event version="2.0" uid="ok" type="a-f-G" time="%s" start="%s" stale="%s" how="m-g"><point lat="31.2" lon="121.6" hae="0" ce="9" le="9"/></event>`, ts(0), ts(0), ts(time.Minute))
	c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for th.srv.Log().Last() < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := th.srv.Log().Last(); got != 1 {
		t.Fatalf("%d events stored, want the valid one", got)
	}
	for !strings.Contains(th.logs.String(), "TAK client disconnected") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(th.logs.String(), "XML entity declarations are not accepted (line 1)") {
		t.Errorf("the bomb was not refused as one:\n%s", th.logs.String())
	}
}

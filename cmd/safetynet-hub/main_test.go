package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"safetynet/feeds/client"
	"safetynet/feeds/event"
)

// bin is the safetynet-hub binary the tests run as a real process, built
// once by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "safetynet-hub-test-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "safetynet-hub")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build safetynet-hub: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// hubCmd runs a safetynet-hub command to its end.
func hubCmd(t testing.TB, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

func addToken(t testing.TB, db, name, role string) string {
	t.Helper()
	out, code := hubCmd(t, "token", "add", name, "--role", role, "--db", db)
	if code != 0 {
		t.Fatalf("token add: %s", out)
	}
	return strings.TrimSpace(out)
}

// freePort returns a loopback address nobody listens on.
func freePort(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a running hub process.
type proc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	url  string
	done chan error
}

// allLogs collects the output of every hub process of a test.
var allLogs syncBuffer

func startProc(t testing.TB, db, listen string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"serve", "--db", db, "--listen", listen}, extra...)
	p := &proc{cmd: exec.Command(bin, args...), out: &syncBuffer{}, done: make(chan error, 1)}
	w := io.MultiWriter(p.out, &allLogs)
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.done })
	re := regexp.MustCompile(`listening (https?://\S+)`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(p.out.String()); m != nil {
			p.url = m[1]
			return p
		}
		select {
		case err := <-p.done:
			t.Fatalf("hub exited: %v\n%s", err, p.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("hub did not start:\n%s", p.out.String())
	return nil
}

// kill9 kills the hub the hard way: no shutdown, no flush.
func (p *proc) kill9(t testing.TB) {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	p.done <- nil
}

// TestCrashRecovery kills the hub with SIGKILL twice while 5 publishers
// send continuously and 3 subscribers follow. After the restarts every
// event the hub acknowledged is delivered exactly once to every
// subscriber, in sequence order, and the publishers' resends of
// unacknowledged events create no duplicates.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts the hub")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "hub.db")
	const publishers, subscribers, each = 5, 3, 600
	var pubTokens, subTokens []string
	for i := 0; i < publishers; i++ {
		pubTokens = append(pubTokens, addToken(t, db, fmt.Sprint("pub", i), "publisher"))
	}
	for i := 0; i < subscribers; i++ {
		subTokens = append(subTokens, addToken(t, db, fmt.Sprint("sub", i), "viewer"))
	}
	addr := freePort(t)
	hubProc := startProc(t, db, addr, "--rate", "5000")
	url := hubProc.url
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	backoff := func(tok string) client.Options {
		return client.Options{URL: url, Token: tok, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	}

	// Subscribers: every message as (seq, id).
	type got struct {
		seq int64
		id  string
	}
	var rmu sync.Mutex
	received := make([][]got, subscribers)
	subCtx, subCancel := context.WithCancel(ctx)
	defer subCancel()
	var swg sync.WaitGroup
	for i := 0; i < subscribers; i++ {
		swg.Add(1)
		go func() {
			defer swg.Done()
			client.NewSubscriber(backoff(subTokens[i]), 0).Run(subCtx, func(m event.Message) error {
				rmu.Lock()
				received[i] = append(received[i], got{m.Seq, m.Event.ID})
				rmu.Unlock()
				return nil
			})
		}()
	}

	// Publishers: send on a steady clock; remember every acknowledgement.
	var mu sync.Mutex
	acked := map[string]int64{} // id -> seq
	var refused []string
	var pwg sync.WaitGroup
	var pubs []*client.Publisher
	for i := 0; i < publishers; i++ {
		p := client.NewPublisher(backoff(pubTokens[i]), 256, func(data []byte, a client.Ack) {
			mu.Lock()
			defer mu.Unlock()
			if err := a.Err(); err != nil {
				refused = append(refused, err.Error())
				return
			}
			if old, ok := acked[a.ID]; ok && old != a.Seq {
				refused = append(refused, fmt.Sprintf("%s acknowledged as %d and as %d", a.ID, old, a.Seq))
			}
			acked[a.ID] = a.Seq
		})
		pubs = append(pubs, p)
		go p.Run(ctx)
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for j := 0; j < each; j++ {
				<-tick.C
				if err := p.Publish(ctx, fmt.Appendf(nil, `{"id":"p%d-%d","type":"patrol.position","time":%q,"geometry":{"type":"Point","coordinates":[121.6,31.2]}}`,
					i, j, time.Now().UTC().Format(time.RFC3339Nano))); err != nil {
					return
				}
			}
		}()
	}
	countAcked := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	for _, at := range []int{publishers * each / 4, publishers * each * 3 / 5} {
		for countAcked() < at {
			if ctx.Err() != nil {
				t.Fatal("publishing stalled")
			}
			time.Sleep(2 * time.Millisecond)
		}
		hubProc.kill9(t)
		t.Logf("killed the hub with SIGKILL after %d acknowledgements", countAcked())
		time.Sleep(300 * time.Millisecond) // publishers and subscribers retry meanwhile
		hubProc = startProc(t, db, addr, "--rate", "5000")
	}
	pwg.Wait()
	for _, p := range pubs {
		for p.Pending() > 0 {
			if ctx.Err() != nil {
				t.Fatalf("%d events never acknowledged", p.Pending())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	mu.Lock()
	if len(refused) > 0 {
		t.Fatalf("refused or inconsistent acknowledgements: %v", refused[:min(5, len(refused))])
	}
	if len(acked) != publishers*each {
		t.Fatalf("%d events acknowledged, want %d", len(acked), publishers*each)
	}
	mu.Unlock()
	total := int64(publishers * each)

	// The log: each event once.
	viewer := client.Options{URL: url, Token: subTokens[0]}
	var logged []got
	for since := int64(0); ; {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/events?since=%d&limit=1000", url, since), nil)
		req.Header.Set("Authorization", "Bearer "+viewer.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Messages []event.Message `json:"messages"`
			Next     int64           `json:"next"`
		}
		json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if len(page.Messages) == 0 {
			break
		}
		for _, m := range page.Messages {
			logged = append(logged, got{m.Seq, m.Event.ID})
		}
		since = page.Next
	}
	if int64(len(logged)) != total {
		t.Fatalf("the log holds %d events for %d published: resends made duplicates or events were lost", len(logged), total)
	}
	seen := map[string]bool{}
	for i, g := range logged {
		if g.seq != int64(i+1) || seen[g.id] || acked[g.id] != g.seq {
			t.Fatalf("log entry %d: seq %d id %s (acknowledged as %d, seen before %v)", i, g.seq, g.id, acked[g.id], seen[g.id])
		}
		seen[g.id] = true
	}

	// Every subscriber: every event once, in order.
	caughtUp := func() bool {
		rmu.Lock()
		defer rmu.Unlock()
		for _, r := range received {
			if int64(len(r)) < total {
				return false
			}
		}
		return true
	}
	for !caughtUp() && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	subCancel()
	swg.Wait()
	for i := range received {
		if int64(len(received[i])) != total {
			t.Fatalf("subscriber %d got %d events, want %d", i, len(received[i]), total)
		}
		for j, g := range received[i] {
			if g != logged[j] {
				t.Fatalf("subscriber %d, delivery %d: %+v, log has %+v", i, j, g, logged[j])
			}
		}
	}

	// Bad input never crashes it; each gets a clear status.
	pub := pubTokens[0]
	bad := []struct {
		name   string
		token  string
		body   []byte
		status int
	}{
		{"malformed", pub, []byte(`{"id":`), 400},
		{"oversized", pub, bytes.Repeat([]byte(" "), 2<<20), 413},
		{"wrong token", "snt_x", []byte(`{}`), 401},
		{"viewer", subTokens[0], []byte(`{}`), 403},
		{"not an event", pub, []byte(`<html/>`), 415},
	}
	for _, b := range bad {
		req, _ := http.NewRequest(http.MethodPost, url+"/v1/events", bytes.NewReader(b.body))
		req.Header.Set("Authorization", "Bearer "+b.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if resp.StatusCode != b.status || m["error"] == nil {
			t.Errorf("%s: %d %v, want %d with an error message", b.name, resp.StatusCode, m, b.status)
		}
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("hub unhealthy after bad input: %v", err)
	}
	resp.Body.Close()

	// No token in any of the hub processes' logs.
	logs := allLogs.String()
	for _, tok := range append(pubTokens, subTokens...) {
		if strings.Contains(logs, tok) {
			t.Fatalf("a token appears in the hub's log")
		}
	}
	if !strings.Contains(logs, "publisher connected") || !strings.Contains(logs, "token=pub0") {
		t.Errorf("the log does not name the tokens that connected:\n%.2000s", logs)
	}
}

// TestTokenCommands: add prints the secret once, list never shows it,
// revoke is immediate for a running hub.
func TestTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hub.db")
	secret := addToken(t, db, "gate-n", "publisher")
	if !strings.HasPrefix(secret, "snt_") || strings.Contains(secret, "\n") {
		t.Fatalf("secret %q", secret)
	}
	tests := []struct {
		name string
		args []string
		code int
		has  []string
		not  []string
	}{
		{"list", []string{"token", "list", "--db", db}, 0, []string{"gate-n", "publisher", "active"}, []string{secret}},
		{"bad role", []string{"token", "add", "x", "--role", "admin", "--db", db}, 1, []string{`role "admin"`}, nil},
		{"no role", []string{"token", "add", "x", "--db", db}, 2, []string{"--role"}, nil},
		{"name in use", []string{"token", "add", "gate-n", "--role", "viewer", "--db", db}, 1, []string{"in use"}, nil},
		{"revoke unknown", []string{"token", "revoke", "nobody", "--db", db}, 1, []string{"no such token"}, nil},
		{"no db", []string{"token", "list"}, 2, []string{"--db"}, nil},
		{"unknown command", []string{"frobnicate"}, 2, []string{"unknown command"}, nil},
		{"serve without db", []string{"serve"}, 2, []string{"--db"}, nil},
		{"bad tls pair", []string{"serve", "--db", db, "--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem"}, 1, []string{"TLS"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code := hubCmd(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, out)
			}
			for _, h := range tc.has {
				if !strings.Contains(out, h) {
					t.Errorf("output lacks %q:\n%s", h, out)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(out, n) {
					t.Errorf("output shows %q", n)
				}
			}
		})
	}
	// Revoke against a running hub: refused from the next request on.
	p := startProc(t, db, "127.0.0.1:0")
	postWith := func() int {
		req, _ := http.NewRequest(http.MethodPost, p.url+"/v1/events", strings.NewReader(`{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := postWith(); c != 202 {
		t.Fatalf("before revoke: %d", c)
	}
	if out, code := hubCmd(t, "token", "revoke", "gate-n", "--db", db); code != 0 {
		t.Fatal(out)
	}
	if c := postWith(); c != 401 {
		t.Errorf("after revoke: %d, want 401", c)
	}
	out, _ := hubCmd(t, "token", "list", "--db", db)
	if !strings.Contains(out, "revoked") {
		t.Errorf("list after revoke:\n%s", out)
	}
	// SIGTERM stops it cleanly.
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, p.out.String())
		}
	case <-time.After(10 * time.Second):
		t.Error("hub did not stop on SIGTERM")
	}
	if strings.Contains(p.out.String(), secret) {
		t.Error("the token appears in the hub's log")
	}
}

// TestTLS: with a certificate and key the hub speaks HTTPS and WSS.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := writeSelfSigned(cert, key); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "hub.db")
	tok := addToken(t, db, "desk", "operator")
	p := startProc(t, db, "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(p.url, "https://") {
		t.Fatalf("url %s", p.url)
	}
	pool, err := certPool(cert)
	if err != nil {
		t.Fatal(err)
	}
	opt := client.Options{URL: p.url, Token: tok, TLS: tlsConfig(pool)}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, err := client.Post(ctx, opt, []byte(`{"id":"tls-1","type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`))
	if err != nil || a.Seq != 1 {
		t.Fatalf("post over https: %+v %v", a, err)
	}
	var gotID string
	client.NewSubscriber(opt, 0).Run(ctx, func(m event.Message) error {
		gotID = m.Event.ID
		cancel()
		return nil
	})
	if gotID != "tls-1" {
		t.Errorf("wss stream gave %q", gotID)
	}
	// Plain HTTP to the TLS port does not get through.
	if resp, err := http.Get("http://" + strings.TrimPrefix(p.url, "https://") + "/healthz"); err == nil && resp.StatusCode == 200 {
		t.Error("plain HTTP answered on the TLS port")
	}
}

package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"safetynet/feeds/client"
	"safetynet/feeds/event"
)

func TestLoopback(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LocalHost.", true},
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"0.0.0.0", false},
		{"192.0.2.2", false},
		{"10.0.0.1", false},
		{"fe80::1%eth0", false},
		{"hub.example", false},
		{"localhost.hub.example", false},
		{"127.0.0.1.nip.io", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			if got := client.Loopback(tc.host); got != tc.want {
				t.Errorf("Loopback(%q) = %v, want %v", tc.host, got, tc.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	const tok = "snt_secret"
	tests := []struct {
		name   string
		opt    client.Options
		errIs  error  // nil: no ErrInsecure
		errHas string // "": no error at all
	}{
		{name: "https anywhere", opt: client.Options{URL: "https://hub.example:8480", Token: tok}},
		{name: "wss anywhere", opt: client.Options{URL: "wss://hub.example", Token: tok}},
		{name: "http to localhost", opt: client.Options{URL: "http://localhost:8480", Token: tok}},
		{name: "http to 127.0.0.1", opt: client.Options{URL: "http://127.0.0.1:8480", Token: tok}},
		{name: "http to ::1", opt: client.Options{URL: "http://[::1]:8480", Token: tok}},
		{name: "http to another host", opt: client.Options{URL: "http://192.0.2.7:8480", Token: tok},
			errIs: client.ErrInsecure, errHas: "use https://, or allow plain HTTP"},
		{name: "ws to a name", opt: client.Options{URL: "ws://hub.example", Token: tok}, errIs: client.ErrInsecure, errHas: "hub.example"},
		{name: "http to another host, allowed", opt: client.Options{URL: "http://192.0.2.7:8480", Token: tok, AllowInsecure: true}},
		{name: "http without a token", opt: client.Options{URL: "http://192.0.2.7:8480"}},
		{name: "file URL", opt: client.Options{URL: "file:///etc/passwd", Token: tok}, errHas: "use https://"},
		{name: "no host", opt: client.Options{URL: "https://", Token: tok}, errHas: "names no host"},
		{name: "not a URL, with a password", opt: client.Options{URL: "http://me:hunter2@bad host", Token: tok}, errHas: "not a URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opt.Check()
			if tc.errHas == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("Check: %v, want an error containing %q", err, tc.errHas)
			}
			if errors.Is(err, client.ErrInsecure) != (tc.errIs == client.ErrInsecure) {
				t.Errorf("errors.Is(%v, ErrInsecure) = %v", err, !(tc.errIs == client.ErrInsecure))
			}
			if strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
	if !client.PlainHTTP("http://192.0.2.7:8480") || client.PlainHTTP("https://192.0.2.7") || client.PlainHTTP("http://localhost:1") {
		t.Error("PlainHTTP misjudges")
	}
}

// nonLoopback returns an address of this computer that is not loopback,
// to serve a hub on, or skips the test.
func nonLoopback(t *testing.T) net.Listener {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.To4() == nil || n.IP.IsLinkLocalUnicast() {
			continue
		}
		if ln, err := net.Listen("tcp", net.JoinHostPort(n.IP.String(), "0")); err == nil {
			return ln
		}
	}
	t.Skip("this computer has no address but loopback to serve a hub on")
	return nil
}

// TestPlainHTTPOnlyWhenAllowed: a hub on another address (here one of this
// computer's non-loopback addresses) is not sent the token over plain
// HTTP, by Post, Subscriber or Publisher, unless AllowInsecure is set; the
// refusal comes before any connection and is final.
func TestPlainHTTPOnlyWhenAllowed(t *testing.T) {
	e := startHub(t)
	ln := nonLoopback(t)
	var conns atomic.Int64
	hs := httptest.NewUnstartedServer(e.srv.Handler())
	hs.Listener.Close()
	hs.Listener = ln
	hs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	hs.Start()
	t.Cleanup(func() { hs.CloseClientConnections(); hs.Close() })
	url := hs.URL // http://<address>:<port>
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	refused := client.Options{URL: url, Token: e.publisher, MinBackoff: time.Millisecond}
	allowed := refused
	allowed.AllowInsecure = true
	tests := []struct {
		name string
		run  func(client.Options) error
	}{
		{"post", func(o client.Options) error {
			_, err := client.Post(ctx, o, ev("post-1"))
			return err
		}},
		{"subscriber", func(o client.Options) error {
			o.Token = e.viewer
			sub := client.NewSubscriber(o, 0)
			got := errors.New("no event")
			sctx, stop := context.WithCancel(ctx)
			defer stop()
			err := sub.Run(sctx, func(event.Message) error { got = nil; stop(); return nil })
			if errors.Is(err, context.Canceled) {
				return got
			}
			return err
		}},
		{"publisher", func(o client.Options) error {
			acked := make(chan client.Ack, 1)
			p := client.NewPublisher(o, 4, func(_ []byte, a client.Ack) { acked <- a })
			pctx, stop := context.WithCancel(ctx)
			defer stop()
			done := make(chan error, 1)
			go func() { done <- p.Run(pctx) }()
			p.Publish(pctx, ev("pub-1"))
			select {
			case err := <-done:
				return err
			case a := <-acked:
				return a.Err()
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := conns.Load()
			start := time.Now()
			err := tc.run(refused)
			if !errors.Is(err, client.ErrInsecure) || !strings.Contains(err.Error(), "https://") {
				t.Fatalf("plain HTTP to %s: %v, want ErrInsecure saying to use https://", url, err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the refusal took %v: it was retried", d)
			}
			if n := conns.Load() - before; n != 0 {
				t.Errorf("%d connections reached the hub before the refusal", n)
			}
			if err := tc.run(allowed); err != nil {
				t.Errorf("with AllowInsecure: %v", err)
			}
		})
	}
}

// TestErrorsHoldNoSecret: whatever a server answers, and whatever the URL
// holds, no error or state report of the client shows the token or a
// password.
func TestErrorsHoldNoSecret(t *testing.T) {
	const tok = "snt_Tq3vX9secretsecretsecret"
	// An echo server, as a misconfigured proxy might be: it repeats the
	// request's headers in a non-JSON answer.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "bad gateway for %s: Authorization: %s; user %v", r.URL, r.Header.Get("Authorization"), r.URL.User)
	}))
	t.Cleanup(echo.Close)
	withPassword := strings.Replace(echo.URL, "http://", "http://ops:hunter2@", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tests := []struct {
		name string
		url  string
	}{
		{"echoing server", echo.URL},
		{"password in the URL", withPassword},
		{"nothing listening, password in the URL", "http://ops:hunter2@127.0.0.1:1"},
		{"not a URL, password in it", "http://ops:hunter2@bad host/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := client.Options{URL: tc.url, Token: tok, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}
			var mu sync.Mutex
			var msgs []string
			opt.OnState = func(_ client.State, err error) {
				if err != nil {
					mu.Lock()
					msgs = append(msgs, err.Error())
					mu.Unlock()
				}
			}
			_, err := client.Post(ctx, opt, ev("x"))
			if err == nil {
				t.Fatal("post: no error")
			}
			msgs = append(msgs, err.Error())
			sctx, stop := context.WithTimeout(ctx, 300*time.Millisecond)
			defer stop()
			err = client.NewSubscriber(opt, 0).Run(sctx, func(event.Message) error { return nil })
			mu.Lock()
			defer mu.Unlock()
			msgs = append(msgs, err.Error())
			if len(msgs) < 2 {
				t.Errorf("only %d errors reported: %q", len(msgs), msgs)
			}
			for _, m := range msgs {
				if strings.Contains(m, tok) || strings.Contains(m, "Tq3vX9") || strings.Contains(m, "hunter2") {
					t.Errorf("an error shows a secret: %s", m)
				}
			}
		})
	}
}

// TestPostFollowsNoRedirect: the token never follows a redirect, which
// could lead it to another address or to plain HTTP.
func TestPostFollowsNoRedirect(t *testing.T) {
	var hit atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit.Store(true)
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"seq":1,"id":"x"}`)
	}))
	t.Cleanup(other.Close)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/v1/events", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirect.Close)
	_, err := client.Post(context.Background(), client.Options{URL: redirect.URL, Token: "snt_secret"}, ev("x"))
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("post through a redirect: %v, want an error naming the redirect", err)
	}
	if hit.Load() {
		t.Error("the post followed the redirect")
	}
}

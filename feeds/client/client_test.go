package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/feeds/event"
	"safetynet/feeds/hub"
)

func TestBackoff(t *testing.T) {
	min, max := 100*time.Millisecond, 2*time.Second
	tests := []struct {
		attempt int
		lo, hi  time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{10, time.Second, 2 * time.Second},
		{1000, time.Second, 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.attempt), func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for i := 0; i < 200; i++ {
				d := client.Backoff(tc.attempt, min, max)
				if d < tc.lo || d > tc.hi {
					t.Fatalf("backoff %v outside [%v, %v]", d, tc.lo, tc.hi)
				}
				seen[d] = true
			}
			if len(seen) < 50 {
				t.Errorf("only %d different waits in 200: no jitter", len(seen))
			}
		})
	}
}

// proxy forwards TCP to the hub and can cut every connection, as a network
// failure or a hub restart would.
type proxy struct {
	ln      net.Listener
	target  string
	mu      sync.Mutex
	conns   []net.Conn
	down    bool
	stalled bool
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.down {
				p.mu.Unlock()
				c.Close()
				continue
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { p.copy(u, c); u.Close() }()
			go func() { p.copy(c, u); c.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close(); p.cut(false) })
	return p
}

// copy forwards src to dst; while the proxy is stalled what it reads is
// dropped, as a network that lost the route would, with both ends open.
func (p *proxy) copy(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		stalled := p.stalled
		p.mu.Unlock()
		if n > 0 && !stalled {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// stall makes the connections drop every byte (on) or forward again.
func (p *proxy) stall(on bool) {
	p.mu.Lock()
	p.stalled = on
	p.mu.Unlock()
}

// cut closes every connection; with down, new ones are refused until the
// next cut(false).
func (p *proxy) cut(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.down = down
}

func (p *proxy) url() string { return "http://" + p.ln.Addr().String() }

type env struct {
	srv               *hub.Server
	url               string
	publisher, viewer string
	tokens            *store.Tokens
}

func startHub(t *testing.T) *env {
	db := filepath.Join(t.TempDir(), "hub.db")
	toks, err := store.OpenTokens(db)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{tokens: toks}
	ctx := context.Background()
	e.publisher, _ = toks.Add(ctx, "pub", store.RoleOperator)
	e.viewer, _ = toks.Add(ctx, "view", store.RoleViewer)
	e.srv, err = hub.New(hub.Config{DB: db, Tokens: toks, Rate: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(e.srv.Handler())
	e.url = hs.URL
	t.Cleanup(func() { hs.CloseClientConnections(); e.srv.Close(); hs.Close(); toks.Close() })
	return e
}

func ev(id string) []byte {
	return fmt.Appendf(nil, `{"id":%q,"type":"patrol.position","time":%q,"geometry":{"type":"Point","coordinates":[121.6,31.2]}}`, id, time.Now().UTC().Format(time.RFC3339Nano))
}

// TestSubscriberResumes: the connection is cut twice while events flow;
// the subscriber reconnects with backoff, resumes after the last event it
// delivered, and delivers every event once, in order, reporting its state.
func TestSubscriberResumes(t *testing.T) {
	e := startHub(t)
	px := newProxy(t, e.url[len("http://"):])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	var states []client.State
	sub := client.NewSubscriber(client.Options{URL: px.url(), Token: e.viewer, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		OnState: func(s client.State, _ error) { mu.Lock(); states = append(states, s); mu.Unlock() }}, 0)
	const n = 300
	var got []event.Message
	done := make(chan error, 1)
	go func() {
		done <- sub.Run(ctx, func(m event.Message) error {
			got = append(got, m)
			if m.Seq == n {
				cancel()
			}
			return nil
		})
	}()
	for i := 1; i <= n; i++ {
		// Not ctx: the subscriber may end it before the last answer is read.
		if _, err := client.Post(context.Background(), client.Options{URL: e.url, Token: e.publisher}, ev(fmt.Sprint("e", i))); err != nil {
			t.Fatal(err)
		}
		switch i {
		case 100:
			px.cut(false)
		case 200:
			px.cut(true) // down for a while
			time.Sleep(300 * time.Millisecond)
			px.cut(false)
		}
	}
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}
	if len(got) != n {
		t.Fatalf("delivered %d events, want %d", len(got), n)
	}
	for i, m := range got {
		if m.Seq != int64(i+1) || m.Event.ID != fmt.Sprint("e", i+1) {
			t.Fatalf("delivery %d: seq %d id %q", i, m.Seq, m.Event.ID)
		}
	}
	if sub.Last() != n || sub.State() != client.Stopped {
		t.Errorf("last %d state %s", sub.Last(), sub.State())
	}
	mu.Lock()
	defer mu.Unlock()
	connected, disconnected := 0, 0
	for _, s := range states {
		switch s {
		case client.Connected:
			connected++
		case client.Disconnected:
			disconnected++
		}
	}
	if connected < 3 || disconnected < 2 || states[0] != client.Connecting || states[len(states)-1] != client.Stopped {
		t.Errorf("states %v: want connecting, connected, and at least 2 disconnects and reconnects, then stopped", states)
	}
}

func TestSubscriberStops(t *testing.T) {
	e := startHub(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client.Post(ctx, client.Options{URL: e.url, Token: e.publisher}, ev("a"))
	client.Post(ctx, client.Options{URL: e.url, Token: e.publisher}, ev("b"))
	tests := []struct {
		name  string
		token string
		since int64
		fail  error
		want  error
		last  int64
	}{
		{name: "handler error stops Run, the event is not counted", token: e.viewer, fail: errors.New("disk full"), last: 0},
		{name: "since skips what the caller has", token: e.viewer, since: 1, fail: errors.New("stop"), last: 1},
		{name: "refused token", token: "snt_wrong", want: client.ErrUnauthorized},
		{name: "publisher cannot read", token: e.publisher[:0] + mustAdd(t, e, "p2", store.RolePublisher), want: client.ErrUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := client.NewSubscriber(client.Options{URL: e.url, Token: tc.token}, tc.since)
			err := sub.Run(ctx, func(m event.Message) error {
				if m.Seq <= tc.since {
					t.Errorf("delivered seq %d, since %d", m.Seq, tc.since)
				}
				return tc.fail
			})
			want := tc.want
			if want == nil {
				want = tc.fail
			}
			if !errors.Is(err, want) {
				t.Errorf("Run: %v, want %v", err, want)
			}
			if sub.Last() != tc.last {
				t.Errorf("last %d, want %d", sub.Last(), tc.last)
			}
		})
	}
}

func mustAdd(t *testing.T, e *env, name, role string) string {
	s, err := e.tokens.Add(context.Background(), name, role)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPublisherResends: the connection is cut while events are in flight;
// the publisher resends what was not acknowledged and the hub stores each
// event exactly once.
func TestPublisherResends(t *testing.T) {
	e := startHub(t)
	px := newProxy(t, e.url[len("http://"):])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	acked := map[string]int64{}
	var refused []string
	p := client.NewPublisher(client.Options{URL: px.url(), Token: e.publisher, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}, 128,
		func(data []byte, a client.Ack) {
			mu.Lock()
			defer mu.Unlock()
			if a.Err() != nil {
				refused = append(refused, a.Error)
				return
			}
			acked[a.ID] = a.Seq
		})
	go p.Run(ctx)
	const n = 2000
	for i := 0; i < n; i++ {
		if err := p.Publish(ctx, ev(fmt.Sprint("p", i))); err != nil {
			t.Fatal(err)
		}
		if i%500 == 250 {
			px.cut(false)
		}
	}
	for p.Pending() > 0 && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(refused) > 0 || len(acked) != n {
		t.Fatalf("%d acknowledged, %d refused (%v)", len(acked), len(refused), refused)
	}
	if last := e.srv.Log().Last(); last != n {
		t.Errorf("the log holds %d events for %d published: duplicates or loss", last, n)
	}
	es, _ := e.srv.Log().Read(ctx, 0, n+10)
	for i, le := range es {
		if le.ID != fmt.Sprint("p", i) {
			t.Fatalf("log entry %d is %s: order lost", i, le.ID)
		}
	}
}

func TestPost(t *testing.T) {
	e := startHub(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		token  string
		data   []byte
		seq    int64
		dup    bool
		errIs  error
		status int
	}{
		{name: "stored", token: e.publisher, data: ev("x"), seq: 1},
		{name: "again", token: e.publisher, data: ev("x"), seq: 1, dup: true},
		{name: "viewer", token: e.viewer, data: ev("y"), errIs: client.ErrUnauthorized},
		{name: "invalid", token: e.publisher, data: []byte(`{"id":"z"}`), status: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := client.Post(ctx, client.Options{URL: e.url, Token: tc.token}, tc.data)
			switch {
			case tc.errIs != nil:
				if !errors.Is(err, tc.errIs) {
					t.Errorf("error %v, want %v", err, tc.errIs)
				}
			case tc.status != 0:
				if err == nil || a.Status != tc.status {
					t.Errorf("ack %+v err %v, want status %d", a, err, tc.status)
				}
			default:
				if err != nil || a.Seq != tc.seq || a.Duplicate != tc.dup {
					t.Errorf("ack %+v err %v", a, err)
				}
			}
		})
	}
}

// TestSubscriberNoticesASilentHub: the network stops carrying anything
// while both ends keep the connection open (a cut cable, a hub frozen).
// With the default options the subscriber reports Disconnected within
// 20 s instead of showing "connected" for minutes, then connects again
// when the route is back.
func TestSubscriberNoticesASilentHub(t *testing.T) {
	t.Parallel()
	e := startHub(t)
	px := newProxy(t, e.url[len("http://"):])
	states := make(chan client.State, 64)
	sub := client.NewSubscriber(client.Options{URL: px.url(), Token: e.viewer, MaxBackoff: 500 * time.Millisecond,
		OnState: func(st client.State, err error) { states <- st }}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sub.Run(ctx, func(event.Message) error { return nil })
	waitState := func(want client.State, within time.Duration) time.Duration {
		t.Helper()
		start := time.Now()
		deadline := time.After(within)
		for {
			select {
			case st := <-states:
				if st == want {
					return time.Since(start)
				}
			case <-deadline:
				t.Fatalf("no %s state within %s", want, within)
			}
		}
	}
	waitState(client.Connected, 5*time.Second)
	px.stall(true)
	took := waitState(client.Disconnected, 20*time.Second)
	t.Logf("a silent hub noticed after %s", took.Round(time.Millisecond))
	px.stall(false)
	px.cut(false)
	waitState(client.Connected, 10*time.Second)
}

// TestSubscriberStaysConnectedWhenIdle: a hub with nothing to send keeps
// answering the subscriber's pings, so an idle connection several read
// timeouts long is never taken for dead.
func TestSubscriberStaysConnectedWhenIdle(t *testing.T) {
	e := startHub(t)
	var mu sync.Mutex
	var seen []client.State
	sub := client.NewSubscriber(client.Options{URL: e.url, Token: e.viewer, Heartbeat: 40 * time.Millisecond, ReadTimeout: 150 * time.Millisecond,
		OnState: func(st client.State, err error) { mu.Lock(); seen = append(seen, st); mu.Unlock() }}, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	sub.Run(ctx, func(event.Message) error { return nil })
	mu.Lock()
	defer mu.Unlock()
	for _, st := range seen {
		if st == client.Disconnected {
			t.Fatalf("an idle connection was dropped: states %v", seen)
		}
	}
}

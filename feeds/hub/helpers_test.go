package hub_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/hub"
)

// syncBuffer is a log sink tests can read while the hub writes.
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

// testHub is an in-process hub on a temporary database with one token of
// each role.
type testHub struct {
	srv       *hub.Server
	http      *httptest.Server
	url       string
	db        string
	logs      *syncBuffer
	publisher string
	operator  string
	viewer    string
	tokens    *store.Tokens
}

func startHub(tb testing.TB, cfg hub.Config) *testHub {
	tb.Helper()
	dir := tb.TempDir()
	th := &testHub{db: filepath.Join(dir, "hub.db"), logs: &syncBuffer{}}
	toks, err := store.OpenTokens(th.db)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	for _, r := range []struct {
		name, role string
		dst        *string
	}{{"pub", store.RolePublisher, &th.publisher}, {"op", store.RoleOperator, &th.operator}, {"view", store.RoleViewer, &th.viewer}} {
		if *r.dst, err = toks.Add(ctx, r.name, r.role); err != nil {
			tb.Fatal(err)
		}
	}
	th.tokens = toks
	cfg.DB = th.db
	cfg.Tokens = toks
	if cfg.Logger == nil {
		cfg.Logger = hub.RedactingLogger(slog.NewTextHandler(th.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	th.srv, err = hub.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	th.http = httptest.NewUnstartedServer(th.srv.Handler())
	th.http.Config.ConnContext = th.srv.ConnContext
	th.http.Start()
	th.url = th.http.URL
	tb.Cleanup(func() {
		th.http.CloseClientConnections()
		th.srv.Close()
		th.http.Close()
		toks.Close()
	})
	return th
}

// takListener starts the hub's TAK port and returns its address.
func (th *testHub) takListener(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { th.srv.ServeTAK(ctx, ln); close(done) }()
	tb.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// jsonEvent returns a JSON envelope with the given id.
func jsonEvent(id string, extra string) []byte {
	return fmt.Appendf(nil, `{"id":%q,"type":"fire.smoke","severity":"severe","time":%q,"geometry":{"type":"Point","coordinates":[121.6,31.2]},"source":"sensor:SD-01","title":"Smoke in the e-bike shed"%s}`,
		id, time.Now().UTC().Format(time.RFC3339Nano), extra)
}

// startHubTokens opens the hub's token store a second time, as the
// safetynet-hub token command does from another process.
func startHubTokens(tb testing.TB, db string) *store.Tokens {
	tb.Helper()
	toks, err := store.OpenTokens(db)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { toks.Close() })
	return toks
}

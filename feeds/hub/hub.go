// Package hub is SafetyNet's alert hub: it takes live events from sensors
// and apps (HTTP POST, websocket, TAK CoT over TCP), stores each in a
// durable log with a sequence number before acknowledging it, and streams
// the log to subscribers (websocket or HTTP), who resume from the last
// sequence number they stored.
//
// Endpoints (see Server.Handler):
//
//	POST /v1/events           publish one event (JSON envelope, CAP or CoT); 202 {"seq","id","duplicate"}
//	GET  /v1/publish          websocket: publish events, one per message, acknowledged in order
//	GET  /v1/stream?since=N   websocket: every stored event after N, then live ones
//	GET  /v1/events?since=N&limit=M   the same over plain HTTP, a page at a time
//	GET  /healthz             liveness and the last sequence number
//
// Every endpoint but /healthz needs "Authorization: Bearer TOKEN"; tokens
// have roles (publisher, operator, viewer) and live in the hub's SQLite file
// as SHA-256 hashes (data/store Tokens). Publishers and operators may
// publish, viewers and operators may read. An operator's act (an event of
// type operator.*, or any event with op ack) is accepted only from an
// operator token (403 otherwise, and never on the TAK port, which has no
// token), and the hub stamps who acted: properties.operator is set to the
// token's name; a different name the client gave is kept in
// properties.operator_claimed (OperatorClaimed).
package hub

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"safetynet/data/store"
)

// Log is the durable, append-only log the hub needs: store.EventLog (SQLite)
// by default; a distributed log such as a NATS JetStream stream can take
// its place behind this interface.
type Log interface {
	// AppendAsync hands an event to the log; done is called once it is
	// durable, with its sequence number, or the first one when
	// (publisher, id) is already stored (dup true). Events handed over by
	// one goroutine keep their order.
	AppendAsync(ctx context.Context, publisher, id string, data []byte, done func(seq int64, dup bool, err error)) error
	// Read returns up to limit entries after seq after, in order.
	Read(ctx context.Context, after int64, limit int) ([]store.LogEntry, error)
	// Last returns the newest sequence number.
	Last() int64
	// Close commits what is queued and closes the log.
	Close() error
}

// Config sets up a Server. DB is required unless OpenLog and Tokens are
// both given.
type Config struct {
	// DB is the hub's SQLite file: its event log and its tokens.
	DB string
	// OpenLog opens another log in place of the SQLite one; it must call
	// onCommit with the stored entries, in order, after each commit.
	OpenLog func(onCommit func([]store.LogEntry)) (Log, error)
	// Tokens is the token store; opened from DB when nil.
	Tokens *store.Tokens
	// Logger receives the hub's log; nothing it is given contains a token.
	Logger *slog.Logger
	// AllowedOrigins are the browser origins (scheme://host[:port]) allowed
	// to open websockets besides the hub's own host. Clients that send no
	// Origin (programs, wscat) are allowed.
	AllowedOrigins []string
	// Rate and Burst limit the events per second one connection may
	// publish (defaults 200/s and 400); a negative Rate means no limit.
	Rate  float64
	Burst int
	// MaxMessage is the largest message read, in bytes (default 1 MiB).
	MaxMessage int64
	// SubscriberBuffer is how many events may wait for one subscriber
	// before it is disconnected as too slow (default 8192).
	SubscriberBuffer int
	// PingInterval is how often websockets are pinged (default 20 s);
	// a peer that does not answer within PongTimeout (default 3 pings) is
	// disconnected. WriteTimeout bounds each write (default 10 s).
	PingInterval time.Duration
	PongTimeout  time.Duration
	WriteTimeout time.Duration
	// RefreshInterval is how often the hub looks for tokens revoked by
	// another process, and closes their open connections (default 100 ms).
	RefreshInterval time.Duration
	// Ring is how many recent events are kept in memory for subscribers
	// that catch up (default 65536, and never more than 32 MiB).
	Ring int
	// Window is how many events one websocket publisher may have waiting
	// for their acknowledgement (default 4096).
	Window int
}

// Server is a running hub. Create it with New, serve it with Serve (HTTP)
// and ServeTAK (CoT over TCP), and stop it by cancelling their context
// and calling Close.
type Server struct {
	cfg    Config
	log    Log
	tokens *store.Tokens
	ownLog bool
	ownTok bool
	logger *slog.Logger
	bc     *broadcaster

	mu    sync.Mutex
	conns map[*wsConn]struct{} // open websockets, for revocation and shutdown

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

func (c *Config) defaults() {
	if c.Rate == 0 {
		c.Rate = 200
	}
	if c.Burst <= 0 {
		c.Burst = int(max(2*c.Rate, 1))
	}
	if c.MaxMessage <= 0 {
		c.MaxMessage = 1 << 20
	}
	if c.SubscriberBuffer <= 0 {
		c.SubscriberBuffer = 8192
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 20 * time.Second
	}
	if c.PongTimeout <= 0 {
		c.PongTimeout = 3 * c.PingInterval
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.RefreshInterval <= 0 {
		c.RefreshInterval = 100 * time.Millisecond
	}
	if c.Ring <= 0 {
		c.Ring = 65536
	}
	if c.Window <= 0 {
		c.Window = 4096
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// New opens the hub's log and tokens and starts its background work.
func New(cfg Config) (*Server, error) {
	cfg.defaults()
	s := &Server{cfg: cfg, logger: cfg.Logger, conns: map[*wsConn]struct{}{}, stop: make(chan struct{})}
	s.bc = newBroadcaster(cfg.Ring, cfg.SubscriberBuffer)
	var err error
	if cfg.OpenLog != nil {
		s.log, err = cfg.OpenLog(s.bc.committed)
	} else {
		if cfg.DB == "" {
			return nil, errors.New("hub: no database file (--db)")
		}
		s.log, err = store.OpenEventLog(cfg.DB, store.EventLogOptions{OnCommit: s.bc.committed})
		s.ownLog = true
	}
	if err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	s.bc.head = s.log.Last()
	s.tokens = cfg.Tokens
	if s.tokens == nil {
		if cfg.DB == "" {
			s.log.Close()
			return nil, errors.New("hub: no token store and no database file")
		}
		if s.tokens, err = store.OpenTokens(cfg.DB); err != nil {
			s.log.Close()
			return nil, fmt.Errorf("hub: %w", err)
		}
		s.ownTok = true
	}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.bc.run(s.stop) }()
	go func() { defer s.wg.Done(); s.watchTokens() }()
	return s, nil
}

// Close stops the hub: it closes every websocket, commits what is queued
// and closes the log and the tokens it opened.
func (s *Server) Close() error {
	s.stopOnce.Do(func() { close(s.stop) })
	s.mu.Lock()
	for c := range s.conns {
		c.close(closeGoingAway, "hub shutting down")
	}
	s.mu.Unlock()
	s.wg.Wait()
	var errs []error
	if s.ownLog {
		errs = append(errs, s.log.Close())
	}
	if s.ownTok {
		errs = append(errs, s.tokens.Close())
	}
	return errors.Join(errs...)
}

// Log returns the hub's log.
func (s *Server) Log() Log { return s.log }

// Handler returns the hub's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/events", s.handlePost)
	mux.HandleFunc("GET /v1/events", s.handleEvents)
	mux.HandleFunc("GET /v1/stream", s.handleStream)
	mux.HandleFunc("GET /v1/publish", s.handlePublishWS)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint: %s %s (see /v1/events, /v1/stream, /v1/publish, /healthz)", r.Method, r.URL.Path))
	})
	return mux
}

// Serve serves HTTP (TLS when certFile and keyFile are given) on ln until
// ctx is cancelled, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener, certFile, keyFile string) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(redactHandler{s.logger.Handler()}, slog.LevelWarn),
		ConnContext:       s.ConnContext,
	}
	if certFile != "" || keyFile != "" {
		if certFile == "" || keyFile == "" {
			return errors.New("hub: TLS needs both a certificate (--tls-cert) and a key (--tls-key)")
		}
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return fmt.Errorf("hub: TLS certificate %s and key %s: %w", certFile, keyFile, err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.mu.Lock()
	for c := range s.conns {
		c.close(closeGoingAway, "hub shutting down")
	}
	s.mu.Unlock()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-errc
	return nil
}

// ConnContext gives each HTTP connection its own publishing rate limit;
// set it as the http.Server's ConnContext when serving Handler yourself
// (Serve does).
func (s *Server) ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, limiterKey{}, newLimiter(s.cfg.Rate, s.cfg.Burst))
}

// watchTokens refreshes the tokens every RefreshInterval and closes the
// websockets of tokens revoked meanwhile.
func (s *Server) watchTokens() {
	t := time.NewTicker(s.cfg.RefreshInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		changed, err := s.tokens.Refresh(context.Background())
		if err != nil {
			s.logger.Warn("token refresh failed", "err", redact(err.Error()))
			continue
		}
		if changed {
			s.closeRevoked()
		}
	}
}

func (s *Server) closeRevoked() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if !s.tokens.Valid(c.token) {
			c.revoked.Store(true)
			s.logger.Info("closing connection of revoked token", "token", c.token, "remote", c.remote)
			c.close(closePolicy, "token revoked")
		}
	}
}

func (s *Server) addConn(c *wsConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.stop:
		return false
	default:
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) removeConn(c *wsConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "last_seq": s.log.Last(), "subscribers": s.bc.count.Load()})
}

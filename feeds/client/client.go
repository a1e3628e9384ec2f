// Package client is how SafetyNet's apps talk to the alert hub: Subscriber
// follows the hub's stream and delivers each event once, in sequence
// order, reconnecting with exponential backoff and jitter and resuming
// after the last event its caller stored; Publisher publishes events over
// a websocket, keeping each until the hub acknowledges it and resending
// unacknowledged ones after a reconnect; Post publishes one event over
// HTTP.
//
// A token is sent only in the Authorization header, and over plain HTTP
// (http:// or ws://) only to this computer (localhost, 127.0.0.0/8, ::1)
// unless Options.AllowInsecure says otherwise: anyone on the network path
// could read it. Errors never contain the token.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"safetynet/feeds/event"
)

// State is a connection's state, as reported to Options.OnState.
type State string

// States.
const (
	Connecting   State = "connecting"
	Connected    State = "connected"
	Disconnected State = "disconnected" // waiting to reconnect
	Stopped      State = "stopped"      // Run has returned
)

// ErrUnauthorized is returned when the hub refuses the token (401 or 403,
// or a revoked token closing the connection): retrying will not help.
var ErrUnauthorized = errors.New("client: token refused by the hub")

// ErrInsecure is returned, before anything is sent, when the token would
// cross the network unencrypted: the hub URL is http:// (or ws://) and
// names a host other than this computer, and Options.AllowInsecure is not
// set. Retrying will not help; use https:// or allow plain HTTP.
var ErrInsecure = errors.New("client: refusing to send the token over plain HTTP")

// Options configure a Subscriber or Publisher.
type Options struct {
	// URL is the hub's base URL: https://host:port, or http://host:port
	// (see AllowInsecure).
	URL string
	// Token is the bearer token; it is sent only in the Authorization
	// header and never logged or put in an error.
	Token string
	// AllowInsecure lets the token go over plain http:// or ws:// to a
	// host that is not this computer. Without it such a URL fails with
	// ErrInsecure; loopback hosts (localhost, 127.0.0.0/8, ::1) never
	// need it. Set it only at the user's explicit request (a -insecure
	// flag, a Settings checkbox), e.g. on a closed network without TLS.
	AllowInsecure bool
	// MinBackoff and MaxBackoff bound the wait between reconnects
	// (defaults 200 ms and 30 s); each wait is a random time between half
	// and all of min(MaxBackoff, MinBackoff * 2^attempt).
	MinBackoff, MaxBackoff time.Duration
	// Heartbeat is how often a Subscriber pings the hub (default 5 s), and
	// ReadTimeout how long a connection may be silent, no message, ping
	// or pong, before it is taken for dead, closed and dialled again
	// (default 3 heartbeats): so "connected" is reported only while the
	// hub answers, whatever the network does with a connection it cut.
	Heartbeat   time.Duration
	ReadTimeout time.Duration
	// OnState, when set, is called on every change of connection state,
	// with the error that caused a disconnect. It must not block.
	OnState func(State, error)
	// TLS configures https and wss connections (nil: system roots).
	TLS *tls.Config
	// HTTPClient is used by Post (default: one with a 30 s timeout that
	// follows no redirects, so that the token never follows one to
	// another address or to plain HTTP).
	HTTPClient *http.Client
}

// Check reports whether o may be used: its URL is http(s):// (or ws(s)://)
// with a host, and a token goes over plain HTTP only to this computer or
// with AllowInsecure (ErrInsecure, wrapped, otherwise).
func (o Options) Check() error {
	u, err := url.Parse(o.URL)
	if err != nil {
		return fmt.Errorf("client: hub URL %s: not a URL; write it as https://host:port", RedactURL(o.URL))
	}
	switch u.Scheme {
	case "https", "wss":
	case "http", "ws":
		if o.Token != "" && !o.AllowInsecure && !Loopback(u.Hostname()) {
			return fmt.Errorf("%w to %s: anyone on the network could read it; use https://, or allow plain HTTP to this host explicitly",
				ErrInsecure, u.Host)
		}
	default:
		return fmt.Errorf("client: hub URL %s: use https:// (or http:// to this computer)", RedactURL(o.URL))
	}
	if u.Host == "" {
		return fmt.Errorf("client: hub URL %s names no host; write it as https://host:port", RedactURL(o.URL))
	}
	return nil
}

// PlainHTTP reports whether rawURL is http:// or ws:// to a host other
// than this computer: where a token is sent only with AllowInsecure.
func PlainHTTP(rawURL string) bool {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	return err == nil && (u.Scheme == "http" || u.Scheme == "ws") && u.Host != "" && !Loopback(u.Hostname())
}

// Loopback reports whether host (a name or an IP address, without port
// or brackets) is this computer: "localhost", an address in 127.0.0.0/8,
// or ::1 (also written as an IPv4-mapped address). Other names are not
// looked up: a name is trusted only as far as it is literally local.
func Loopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Unmap().IsLoopback()
}

// RedactURL returns rawURL for a message: without a password or query
// (either might hold a secret); quoted, with any user and password
// removed, when it does not parse.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return strconv.Quote(userinfoRE.ReplaceAllString(rawURL, "://[redacted]@"))
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	if u.RawQuery != "" {
		u.RawQuery = "[redacted]"
	}
	u.Fragment = ""
	return u.String()
}

var (
	// userinfoRE matches the user and password of a URL.
	userinfoRE = regexp.MustCompile(`://[^/@\s]*@`)
	// secretRE matches SafetyNet token secrets (data/store.TokenPrefix).
	secretRE = regexp.MustCompile(`snt_[A-Za-z0-9_-]+`)
)

// redact hides o's token, and anything that looks like a token or a
// password in a URL, in s.
func (o *Options) redact(s string) string {
	if o.Token != "" {
		s = strings.ReplaceAll(s, o.Token, "[token]")
	}
	s = userinfoRE.ReplaceAllString(s, "://[redacted]@")
	return secretRE.ReplaceAllString(s, "snt_[redacted]")
}

// redactedError is an error whose message had secrets removed. It matches
// what the original matched with errors.Is, but does not unwrap to it, so
// that errors.As cannot reach the unredacted text.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// scrub returns err with o's secrets removed from its message.
func (o *Options) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := o.redact(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

func (o *Options) defaults() {
	if o.MinBackoff <= 0 {
		o.MinBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 5 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 3 * o.Heartbeat
	}
	if o.HTTPClient == nil {
		hub := RedactURL(o.URL)
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: o.TLS, MaxIdleConnsPerHost: 16},
			CheckRedirect: func(req *http.Request, _ []*http.Request) error {
				return fmt.Errorf("the hub at %s answered with a redirect to %s; set the hub's URL to the address it redirects to", hub, RedactURL(req.URL.String()))
			}}
	}
}

// Backoff returns the wait before reconnect attempt n (0 for the first
// retry): a random duration in [d/2, d] with d = min(max, min*2^n).
func Backoff(n int, min, max time.Duration) time.Duration {
	d := min
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d/2 + rand.N(d/2+1)
}

func (o *Options) wsURL(path string, q url.Values) (string, error) {
	if err := o.Check(); err != nil {
		return "", err
	}
	u, _ := url.Parse(o.URL)
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (o *Options) header() http.Header {
	h := http.Header{}
	if o.Token != "" {
		h.Set("Authorization", "Bearer "+o.Token)
	}
	return h
}

// dial opens a websocket to the hub's path; its errors hold no secret.
func (o *Options) dial(ctx context.Context, path string, q url.Values) (*websocket.Conn, error) {
	ws, err := o.dialRaw(ctx, path, q)
	return ws, o.scrub(err)
}

func (o *Options) dialRaw(ctx context.Context, path string, q url.Values) (*websocket.Conn, error) {
	u, err := o.wsURL(path, q)
	if err != nil {
		return nil, err
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, TLSClientConfig: o.TLS, ReadBufferSize: 64 << 10, WriteBufferSize: 64 << 10}
	ws, resp, err := d.DialContext(ctx, u, o.header())
	if err != nil {
		if resp != nil {
			defer resp.Body.Close()
			msg := hubError(resp)
			if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
				return nil, fmt.Errorf("%w: %s %s: %s", ErrUnauthorized, path, resp.Status, msg)
			}
			return nil, fmt.Errorf("client: %s: %s: %s", path, resp.Status, msg)
		}
		return nil, fmt.Errorf("client: %s: %w", path, err)
	}
	return ws, nil
}

// hubError reads the hub's {"error": ...} answer.
func hubError(resp *http.Response) string {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && e.Error != "" {
		return e.Error
	}
	return strings.TrimSpace(string(b))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Subscriber follows the hub's stream. Create it with NewSubscriber and
// call Run once. Last and State are safe for concurrent use.
type Subscriber struct {
	opt   Options
	mu    sync.Mutex
	last  int64
	state State
}

// NewSubscriber returns a Subscriber that resumes after sequence number
// since: the last one its caller has stored (0 for everything).
func NewSubscriber(opt Options, since int64) *Subscriber {
	opt.defaults()
	return &Subscriber{opt: opt, last: since, state: Stopped}
}

// Last returns the sequence number of the last event delivered and
// accepted.
func (s *Subscriber) Last() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// State returns the connection state.
func (s *Subscriber) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *Subscriber) set(st State, err error) {
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
	if s.opt.OnState != nil {
		s.opt.OnState(st, s.opt.scrub(err))
	}
}

// Run follows the stream until ctx ends, delivering each message to
// handle once, in sequence order. When handle returns nil the message
// counts as stored: a reconnect resumes after it. When handle returns an
// error Run stops and returns it. Run returns ErrUnauthorized (wrapped)
// when the hub refuses the token, the error of Options.Check (such as
// ErrInsecure) at once, and ctx's error when ctx ends.
func (s *Subscriber) Run(ctx context.Context, handle func(event.Message) error) error {
	return s.RunRaw(ctx, func(seq int64, raw []byte) error {
		var m event.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("client: stream message %d: %w", seq, err)
		}
		return handle(m)
	})
}

// RunRaw is Run without decoding: handle gets each stream message's
// sequence number and its JSON (valid only during the call).
func (s *Subscriber) RunRaw(ctx context.Context, handle func(seq int64, raw []byte) error) error {
	defer s.set(Stopped, nil)
	if err := s.opt.Check(); err != nil {
		return err
	}
	attempt := 0
	for {
		s.set(Connecting, nil)
		err := s.follow(ctx, handle, &attempt)
		var herr handlerError
		switch {
		case errors.As(err, &herr):
			return herr.err
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrUnauthorized):
			return s.opt.scrub(err)
		}
		s.set(Disconnected, err)
		var ce *websocket.CloseError
		if errors.As(err, &ce) && ce.Code == 4008 {
			attempt = 0 // dropped as too slow: resume at once
			continue
		}
		if err := sleep(ctx, Backoff(attempt, s.opt.MinBackoff, s.opt.MaxBackoff)); err != nil {
			return err
		}
		attempt++
	}
}

type handlerError struct{ err error }

func (h handlerError) Error() string { return h.err.Error() }

// follow runs one connection.
func (s *Subscriber) follow(ctx context.Context, handle func(int64, []byte) error, attempt *int) error {
	ws, err := s.opt.dial(ctx, "/v1/stream", url.Values{"since": {strconv.FormatInt(s.Last(), 10)}})
	if err != nil {
		return err
	}
	defer ws.Close()
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	defer stop()
	s.set(Connected, nil)
	*attempt = 0
	extend := func(string) error { return ws.SetReadDeadline(time.Now().Add(s.opt.ReadTimeout)) }
	ws.SetPingHandler(func(data string) error {
		extend(data)
		return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(10*time.Second))
	})
	ws.SetPongHandler(extend)
	ws.SetReadLimit(2 << 20)
	beat := make(chan struct{})
	defer close(beat)
	go heartbeat(ws, s.opt.Heartbeat, beat)
	for {
		extend("")
		_, raw, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && ce.Code == websocket.ClosePolicyViolation {
				return fmt.Errorf("%w: %s", ErrUnauthorized, ce.Text)
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return fmt.Errorf("client: no answer from the hub for %s", s.opt.ReadTimeout)
			}
			return err
		}
		seq, ok := seqOf(raw)
		if !ok {
			return fmt.Errorf("client: stream message without a sequence number: %.60q", raw)
		}
		s.mu.Lock()
		last := s.last
		s.mu.Unlock()
		if seq <= last {
			continue // already delivered
		}
		if err := handle(seq, raw); err != nil {
			return handlerError{err}
		}
		s.mu.Lock()
		s.last = seq
		s.mu.Unlock()
	}
}

// heartbeat pings ws every d until stop closes; the hub answers each ping
// with a pong, which extends the connection's read deadline.
func heartbeat(ws *websocket.Conn, d time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(d)) != nil {
				return
			}
		}
	}
}

// seqOf reads the sequence number that starts every stream message
// ({"seq":N,...}) without decoding the rest.
func seqOf(raw []byte) (int64, bool) {
	const pre = `{"seq":`
	if !bytes.HasPrefix(raw, []byte(pre)) {
		var m struct {
			Seq int64 `json:"seq"`
		}
		if json.Unmarshal(raw, &m) != nil || m.Seq <= 0 {
			return 0, false
		}
		return m.Seq, true
	}
	var n int64
	i := len(pre)
	for ; i < len(raw) && raw[i] >= '0' && raw[i] <= '9'; i++ {
		n = n*10 + int64(raw[i]-'0')
		if n > 1<<53 {
			return 0, false
		}
	}
	if i == len(pre) || i >= len(raw) || n <= 0 {
		return 0, false
	}
	return n, true
}

// Ack is the hub's answer to a published event (see event.Receipt, the wire
// type the hub writes).
type Ack = event.Receipt

// Post publishes one event (JSON envelope, CAP or CoT) over HTTP and
// returns the hub's acknowledgement once the event is durable.
// Its errors hold no secret; it returns the error of Options.Check (such
// as ErrInsecure) before sending anything.
func Post(ctx context.Context, opt Options, data []byte) (Ack, error) {
	opt.defaults()
	a, err := post(ctx, &opt, data)
	a.Error = opt.redact(a.Error)
	return a, opt.scrub(err)
}

func post(ctx context.Context, opt *Options, data []byte) (Ack, error) {
	if err := opt.Check(); err != nil {
		return Ack{}, err
	}
	hub := RedactURL(opt.URL)
	u := strings.TrimSuffix(opt.URL, "/") + "/v1/events"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(data))
	if err != nil {
		return Ack{}, fmt.Errorf("client: hub URL %s: %w", hub, err)
	}
	req.Header = opt.header()
	resp, err := opt.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL
		}
		return Ack{}, fmt.Errorf("client: post to %s: %w", hub, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Ack{}, fmt.Errorf("client: post to %s: %w", hub, err)
	}
	var a Ack
	if err := json.Unmarshal(b, &a); err != nil {
		return Ack{}, fmt.Errorf("client: post to %s: %s: %.200s", hub, resp.Status, b)
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return a, fmt.Errorf("%w: %s", ErrUnauthorized, a.Error)
	}
	if resp.StatusCode != http.StatusAccepted {
		a.Status = resp.StatusCode
		if a.Error == "" {
			a.Error = resp.Status
		}
		return a, a.Err()
	}
	return a, nil
}

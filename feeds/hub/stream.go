package hub

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"safetynet/feeds/event"
)

// Websocket close codes the hub sends.
const (
	closeGoingAway = websocket.CloseGoingAway       // 1001: the hub is shutting down
	closePolicy    = websocket.ClosePolicyViolation // 1008: token revoked
	closeTooBig    = websocket.CloseMessageTooBig   // 1009
	// CloseSlow (4008) tells a subscriber it fell too far behind; it
	// should reconnect with since= its last sequence number.
	CloseSlow = 4008
)

// pageSize is how many events a subscriber catching up reads at a time.
const pageSize = 256

// lingerTime is how long the hub goes on reading, and dropping, what a peer
// sends after the hub's close frame, waiting for the peer to close: a
// connection closed with unread data is reset, and the peer may then never
// read the close frame and its code.
const lingerTime = 5 * time.Second

// wsConn is one open websocket: one reader and one writer goroutine.
type wsConn struct {
	ws      *websocket.Conn
	bc      *bufConn // what ws writes to
	token   string   // the token's name
	remote  string
	slowFor time.Duration // how long the close frame to a slow subscriber may take
	revoked atomic.Bool
	done    chan struct{}
	once    sync.Once
}

func newWSConn(ws *websocket.Conn, bc *bufConn, token, remote string, writeTimeout time.Duration) *wsConn {
	return &wsConn{ws: ws, bc: bc, token: token, remote: remote, slowFor: writeTimeout, done: make(chan struct{})}
}

// upgrade turns the request into a websocket that writes through a bufConn.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request, token string) (*wsConn, bool) {
	h := &hijacker{ResponseWriter: w}
	ws, err := s.upgrader().Upgrade(h, r, nil)
	if err != nil {
		return nil, false // the upgrader has answered
	}
	c := newWSConn(ws, h.conn, token, r.RemoteAddr, s.cfg.WriteTimeout)
	if !s.addConn(c) {
		c.close(closeGoingAway, "hub shutting down")
		c.finish()
		return nil, false
	}
	return c, true
}

// close sends a close frame with code and reason after what was written
// before, and stops the connection's reader within lingerTime; the reader
// then calls finish. Safe to call from any goroutine, more than once: the
// first code counts. When the frame cannot be sent the connection is cut
// at once.
func (c *wsConn) close(code int, reason string) {
	c.once.Do(func() {
		close(c.done)
		// A slow subscriber's socket is full of events it has still to
		// read: its close frame waits behind them.
		wait := time.Second
		if code == CloseSlow {
			wait = max(c.slowFor, wait)
		}
		if err := c.bc.WriteClose(code, reason, time.Now().Add(wait)); err != nil {
			c.ws.Close()
			return
		}
		c.bc.Conn.SetReadDeadline(time.Now().Add(lingerTime))
	})
}

// closing reports whether close was called.
func (c *wsConn) closing() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// finish ends the connection once its reader has stopped: after a close
// frame went out it reads and drops what the peer still sends until the
// peer closes too or lingerTime has passed, then closes the connection.
// Only the connection's reader calls it.
func (c *wsConn) finish() {
	c.close(websocket.CloseNormalClosure, "")
	if c.bc.CloseSent() {
		c.bc.Conn.SetReadDeadline(time.Now().Add(lingerTime))
		io.Copy(io.Discard, c.bc.Conn)
	}
	c.ws.Close()
}

func (s *Server) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		ReadBufferSize:  4096,
		WriteBufferSize: 16384,
		CheckOrigin:     s.checkOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			writeError(w, status, "websocket: "+reason.Error())
		},
	}
}

// checkOrigin allows clients that send no Origin (programs), the hub's own
// host, and the configured origins.
func (s *Server) checkOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, a := range s.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), o) {
			return true
		}
	}
	s.logger.Info("refused websocket from another origin", "origin", o, "remote", r.RemoteAddr)
	return false
}

// parseSeq reads a non-negative sequence number query parameter.
func parseSeq(r *http.Request, name string, def int64) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q is not a sequence number (0 or more)", name, v)
	}
	return n, nil
}

// handleEvents answers GET /v1/events?since=N&limit=M with
// {"messages": [...], "next": N', "last": L}: up to M (default 1000, at
// most 10000) stream messages after N; next is the since= for the next
// page and last the newest sequence number in the log.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorize(w, r, canRead, "read events"); !ok {
		return
	}
	since, err := parseSeq(r, "since", 0)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit, err := parseSeq(r, "limit", 1000)
	if err != nil || limit == 0 || limit > 10000 {
		writeError(w, http.StatusBadRequest, "limit must be 1 to 10000")
		return
	}
	es, err := s.log.Read(r.Context(), since, int(limit))
	if err != nil {
		s.logger.Error("read failed", "err", redact(err.Error()))
		writeError(w, http.StatusServiceUnavailable, "the hub cannot read its log; try again")
		return
	}
	now := time.Now()
	buf := make([]byte, 0, 256*len(es)+64)
	buf = append(buf, `{"messages":[`...)
	next := since
	for i, e := range es {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = event.AppendMessage(buf, e.Seq, e.Publisher, e.Received, stateOf(e.Data, now), e.Data)
		next = e.Seq
	}
	buf = fmt.Appendf(buf, `],"next":%d,"last":%d}`+"\n", next, s.log.Last())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf)
}

// handleStream serves GET /v1/stream?since=N: a websocket that sends every
// stored event after N (default: only new ones), then live ones, one
// stream message (event.Message JSON) per websocket message, in sequence
// order.
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.authorize(w, r, canRead, "read the stream")
	if !ok {
		return
	}
	since, err := parseSeq(r, "since", s.log.Last())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	c, ok := s.upgrade(w, r, tok.Name)
	if !ok {
		return
	}
	defer s.removeConn(c)
	defer c.close(websocket.CloseNormalClosure, "")
	s.logger.Info("subscriber connected", "token", tok.Name, "remote", r.RemoteAddr, "since", since)
	go s.readControl(c, 4096)
	last, err := s.streamTo(r.Context(), c, since)
	s.logger.Info("subscriber disconnected", "token", tok.Name, "remote", r.RemoteAddr, "last_seq", last, "reason", redact(fmt.Sprint(err)))
}

// readControl is a websocket's reader for connections that only receive
// control frames: it answers pings, extends the deadline on pongs, and
// closes the connection on any error.
func (s *Server) readControl(c *wsConn, limit int64) {
	defer c.finish()
	c.ws.SetReadLimit(limit)
	c.ws.SetReadDeadline(time.Now().Add(s.cfg.PongTimeout))
	c.ws.SetPongHandler(func(string) error { return s.extendRead(c) })
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			return
		}
		s.extendRead(c)
	}
}

// extendRead gives the peer PongTimeout more to send something, unless the
// connection is closing (then it has lingerTime).
func (s *Server) extendRead(c *wsConn) error {
	if c.closing() {
		return nil
	}
	return c.ws.SetReadDeadline(time.Now().Add(s.cfg.PongTimeout))
}

// streamTo is a subscriber's writer: it sends what the log holds after
// after, then joins the broadcaster for live events. It returns the last
// sequence number sent.
func (s *Server) streamTo(ctx context.Context, c *wsConn, after int64) (int64, error) {
	ping := time.NewTicker(s.cfg.PingInterval)
	defer ping.Stop()
	var sub *subscriber
	for sub == nil {
		for {
			es, err := s.log.Read(ctx, after, pageSize)
			if err != nil {
				c.close(websocket.CloseInternalServerErr, "the hub cannot read its log")
				return after, err
			}
			if c.revoked.Load() {
				return after, fmt.Errorf("token revoked")
			}
			// A page goes out in as few writes as the connection's buffer allows.
			now := time.Now()
			var buf []byte
			c.bc.Hold()
			c.bc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
			for _, e := range es {
				buf = event.AppendMessage(buf[:0], e.Seq, e.Publisher, e.Received, stateOf(e.Data, now), e.Data)
				if _, err := c.bc.Write(textFrame(buf)); err != nil {
					return after, err
				}
			}
			if err := c.bc.Flush(); err != nil {
				return after, err
			}
			if len(es) > 0 {
				after = es[len(es)-1].Seq
			}
			select {
			case <-c.done:
				return after, fmt.Errorf("closed")
			case <-ping.C:
				c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.cfg.WriteTimeout))
			default:
			}
			if len(es) < pageSize {
				break
			}
		}
		cand := s.bc.newSubscriber(after)
		select {
		case s.bc.reg <- cand:
		case <-s.stop:
			return after, fmt.Errorf("hub stopped")
		}
		select {
		case ok := <-cand.ok:
			if ok {
				sub = cand
			}
		case <-s.stop:
			return after, fmt.Errorf("hub stopped")
		}
	}
	defer func() {
		select {
		case s.bc.unreg <- sub:
		case <-s.stop:
		}
	}()
	for {
		select {
		case m := <-sub.ch:
			if c.revoked.Load() {
				return after, fmt.Errorf("token revoked")
			}
			// Everything queued goes out in one write.
			c.bc.Hold()
			c.bc.Write(m.frame)
			after = m.seq
		more:
			for n := 0; n < 4096; n++ {
				select {
				case m := <-sub.ch:
					c.bc.Write(m.frame)
					after = m.seq
				default:
					break more
				}
			}
			c.bc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
			if err := c.bc.Flush(); err != nil {
				return after, err
			}
		case <-sub.dropped:
			// Not waited for: it resumes from its last sequence number.
			c.close(CloseSlow, fmt.Sprintf("too slow; reconnect with since=%d", after))
			return after, fmt.Errorf("dropped: too slow")
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.cfg.WriteTimeout)); err != nil {
				return after, err
			}
		case <-c.done:
			return after, fmt.Errorf("closed")
		case <-ctx.Done():
			return after, ctx.Err()
		}
	}
}

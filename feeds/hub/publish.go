package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"safetynet/feeds/event"
	"safetynet/feeds/ingest"
)

// Ack is the hub's answer to one published event (see event.Receipt, the
// wire type the clients read too).
type Ack = event.Receipt

// decode turns a message published with the token named name of role
// into the envelope to store, or an Ack with the error and its status
// code (403 for an operator's act from a token of another role; see
// admit).
func decode(data []byte, name, role string) (event.Event, []byte, *Ack) {
	e, err := ingest.Decode(data)
	if err != nil {
		status := http.StatusBadRequest
		switch {
		case errors.Is(err, ingest.ErrUnknownFormat):
			status = http.StatusUnsupportedMediaType
		case errors.Is(err, ingest.ErrTooLarge):
			status = http.StatusRequestEntityTooLarge
		}
		return e, nil, &Ack{Error: err.Error(), Status: status}
	}
	if bad := admit(name, role, &e); bad != nil {
		return e, nil, bad
	}
	enc, err := event.Encode(e)
	if err != nil {
		return e, nil, &Ack{ID: e.ID, Error: err.Error(), Status: http.StatusBadRequest}
	}
	return e, enc, nil
}

// handlePost serves POST /v1/events: one event in the body, answered 202
// {"seq", "id"} once it is durable.
func (s *Server) handlePost(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.authorize(w, r, canPublish, "publish")
	if !ok {
		return
	}
	if lim, _ := r.Context().Value(limiterKey{}).(*limiter); !lim.allow() {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("rate limit: at most %g events per second per connection", s.cfg.Rate))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxMessage))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the event is larger than %d bytes", s.cfg.MaxMessage))
			s.logger.Info("refused oversized event", "token", tok.Name, "remote", r.RemoteAddr)
			return
		}
		writeError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	e, enc, bad := decode(data, tok.Name, tok.Role)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		s.logger.Info("refused event", "token", tok.Name, "remote", r.RemoteAddr, "status", bad.Status, "err", redact(bad.Error))
		return
	}
	type result struct {
		seq int64
		dup bool
		err error
	}
	done := make(chan result, 1)
	err = s.log.AppendAsync(r.Context(), tok.Name, e.ID, enc, func(seq int64, dup bool, err error) { done <- result{seq, dup, err} })
	if err == nil {
		res := <-done
		if err = res.err; err == nil {
			writeJSON(w, http.StatusAccepted, Ack{Seq: res.seq, ID: e.ID, Duplicate: res.dup})
			return
		}
	}
	s.logger.Error("store failed", "token", tok.Name, "err", redact(err.Error()))
	writeError(w, http.StatusServiceUnavailable, "the hub could not store the event; send it again")
}

// pendingAck is a websocket publisher's event waiting for its commit.
type pendingAck struct {
	ack  Ack
	done chan struct{}
}

// handlePublishWS serves GET /v1/publish: a websocket on which a publisher
// sends events, one per message, and gets an Ack per message, in order,
// each once its event is durable. Up to Window events may be in flight.
func (s *Server) handlePublishWS(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.authorize(w, r, canPublish, "publish")
	if !ok {
		return
	}
	c, ok := s.upgrade(w, r, tok.Name)
	if !ok {
		return
	}
	defer s.removeConn(c)
	s.logger.Info("publisher connected", "token", tok.Name, "remote", r.RemoteAddr)
	acks := make(chan *pendingAck, s.cfg.Window)
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		s.writeAcks(c, acks)
	}()
	n, err := s.readEvents(c, tok.Name, tok.Role, acks)
	close(acks)
	<-writerDone
	c.finish()
	s.logger.Info("publisher disconnected", "token", tok.Name, "remote", r.RemoteAddr, "messages", n, "reason", redact(fmt.Sprint(err)))
}

// readEvents is a publisher websocket's reader; token and role are those
// of the token it was opened with.
func (s *Server) readEvents(c *wsConn, token, role string, acks chan<- *pendingAck) (int64, error) {
	lim := newLimiter(s.cfg.Rate, s.cfg.Burst)
	c.ws.SetReadLimit(s.cfg.MaxMessage)
	c.ws.SetReadDeadline(time.Now().Add(s.cfg.PongTimeout))
	c.ws.SetPongHandler(func(string) error { return s.extendRead(c) })
	var n int64
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				// The websocket library has sent 1009 already; this
				// one only goes out if it could not.
				c.close(closeTooBig, fmt.Sprintf("message larger than %d bytes", s.cfg.MaxMessage))
			}
			return n, err
		}
		s.extendRead(c)
		n++
		if c.revoked.Load() {
			return n, errors.New("token revoked")
		}
		p := &pendingAck{ack: Ack{N: n}, done: make(chan struct{})}
		var e event.Event
		var enc []byte
		var bad *Ack
		if !lim.allow() {
			bad = &Ack{Error: fmt.Sprintf("rate limit: at most %g events per second per connection; send it again later", s.cfg.Rate), Status: http.StatusTooManyRequests}
		} else {
			e, enc, bad = decode(data, token, role)
		}
		if bad != nil {
			p.ack = *bad
			p.ack.N = n
			close(p.done)
			if bad.Status == http.StatusForbidden {
				s.logger.Info("refused event", "token", token, "remote", c.remote, "status", bad.Status, "err", redact(bad.Error))
			}
		}
		select {
		case acks <- p:
		case <-c.done:
			return n, errors.New("closed")
		}
		if bad != nil {
			continue
		}
		p.ack.ID = e.ID
		err = s.log.AppendAsync(context.Background(), token, e.ID, enc, func(seq int64, dup bool, err error) {
			if err != nil {
				p.ack.Error, p.ack.Status = "the hub could not store the event; send it again", http.StatusServiceUnavailable
			} else {
				p.ack.Seq, p.ack.Duplicate = seq, dup
			}
			close(p.done)
		})
		if err != nil {
			p.ack.Error, p.ack.Status = "the hub could not store the event; send it again", http.StatusServiceUnavailable
			close(p.done)
		}
	}
}

// writeAcks is a publisher websocket's writer: acks in order, and pings.
func (s *Server) writeAcks(c *wsConn, acks <-chan *pendingAck) {
	ping := time.NewTicker(s.cfg.PingInterval)
	defer ping.Stop()
	var buf []byte
	for {
		select {
		case p, ok := <-acks:
			if !ok {
				return
			}
			// Acks ready one after the other go out in one write.
			c.bc.Hold()
			for p != nil {
				select {
				case <-p.done:
				case <-c.done:
					return
				}
				buf, _ = json.Marshal(p.ack)
				c.bc.Write(textFrame(buf))
				p = nil
				select {
				case next, ok := <-acks:
					if ok {
						p = next
						select {
						case <-next.done:
						default:
							// Not committed yet: send what is ready first.
							c.bc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
							if err := c.bc.Flush(); err != nil {
								c.close(websocket.CloseNormalClosure, "")
								return
							}
							c.bc.Hold()
						}
					}
				default:
				}
			}
			c.bc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
			if err := c.bc.Flush(); err != nil {
				c.close(websocket.CloseNormalClosure, "")
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.cfg.WriteTimeout)); err != nil {
				c.close(websocket.CloseNormalClosure, "")
				return
			}
		case <-c.done:
			return
		}
	}
}

package hub

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"safetynet/feeds/cap"
	"safetynet/feeds/cot"
	"safetynet/feeds/event"
)

// TAKPublisher is the publisher name of events received on the TAK port.
const TAKPublisher = "tak"

// takIdle is how long a TAK connection may stay silent (TAK clients ping
// every minute or so).
const takIdle = 3 * time.Minute

// maxTAKErrors is how many undecodable events in a row close a TAK
// connection.
const maxTAKErrors = 20

// ServeTAK accepts TAK clients on ln, which stream CoT XML or TAK Protocol
// version 1 (protobuf) over plain TCP as they do to a TAK server's
// streaming port, until ctx is cancelled. The TAK protocol carries no
// token: expose this port only to the community's own network. Events are
// stored under the publisher "tak"; pings (t-x-c-t) and protocol
// negotiation (t-x-takp-*) are not stored, nor are operator actions and
// acknowledgements (see Handler), which need an operator's token. As a TAK
// server does, the hub offers TAK Protocol version 1 (t-x-takp-v) after a
// client's first event and answers a client's request (t-x-takp-q) with
// t-x-takp-r; nothing else is sent back. A bad frame is refused and the
// next one read.
func (s *Server) ServeTAK(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]struct{}{}
	go func() {
		<-ctx.Done()
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			return err
		}
		mu.Lock()
		conns[c] = struct{}{}
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.handleTAK(ctx, c)
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
			c.Close()
		}()
	}
}

func (s *Server) handleTAK(ctx context.Context, c net.Conn) {
	remote := c.RemoteAddr().String()
	s.logger.Info("TAK client connected", "remote", remote)
	sc := cot.NewStream(c, int(s.cfg.MaxMessage))
	offered := false
	send := func(b []byte) {
		c.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write(b); err != nil {
			s.logger.Info("TAK client: write failed", "remote", remote, "err", redact(err.Error()))
		}
	}
	lim := newLimiter(s.cfg.Rate, s.cfg.Burst)
	var n, stored, refused, limited atomic.Int64
	var pending sync.WaitGroup
	bad := 0
	var reason error
	for {
		c.SetReadDeadline(time.Now().Add(takIdle))
		frame, err := sc.Next()
		var fe *cot.FrameError
		if errors.As(err, &fe) {
			n.Add(1)
			refused.Add(1)
			bad++
			s.logger.Info("TAK frame refused", "remote", remote, "err", redact(err.Error()))
			if bad >= maxTAKErrors {
				reason = errors.New("too many undecodable events")
				break
			}
			continue
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				reason = err
			}
			break
		}
		n.Add(1)
		if !lim.allow() {
			limited.Add(1)
			continue
		}
		var m cot.TakMessage
		if !frame.Proto {
			err = cap.CheckDeclarations(frame.Data)
		}
		if err == nil {
			m, err = frame.Decode()
		}
		if err != nil {
			refused.Add(1)
			bad++
			s.logger.Info("TAK event refused", "remote", remote, "err", redact(err.Error()))
			if bad >= maxTAKErrors {
				reason = errors.New("too many undecodable events")
				break
			}
			continue
		}
		bad = 0
		if m.Event == nil {
			continue // a TakControl alone: the versions the client reads
		}
		e := *m.Event
		t, _ := e.Properties["cot_type"].(string)
		if strings.HasPrefix(t, "t-x-takp-q") {
			// The client asks for a TAK Protocol version; after a true
			// answer it sends streaming frames, which the stream reads.
			v := cot.RequestedVersion(e)
			send(cot.ProtocolResponse(e.Subject, v == cot.ProtoVersion, time.Now()))
			s.logger.Info("TAK client asked for TAK Protocol", "remote", remote, "version", v, "accepted", v == cot.ProtoVersion)
			offered = true
			continue
		}
		if !offered {
			offered = true
			send(cot.ProtocolOffer("takp-"+remote, time.Now()))
		}
		if strings.HasPrefix(t, "t-x-c-t") || strings.HasPrefix(t, "t-x-takp") {
			continue // pings and protocol negotiation
		}
		if needsOperator(&e) {
			// No token, so no operator: operator actions come over HTTP.
			refused.Add(1)
			s.logger.Info("TAK event refused: operator actions and acknowledgements need a token with role operator (POST /v1/events or /v1/publish)",
				"remote", remote, "id", e.ID, "type", e.Type)
			continue
		}
		enc, err := event.Encode(e)
		if err != nil {
			refused.Add(1)
			continue
		}
		pending.Add(1)
		err = s.log.AppendAsync(ctx, TAKPublisher, e.ID, enc, func(_ int64, _ bool, err error) {
			if err != nil {
				s.logger.Error("TAK event not stored", "remote", remote, "err", redact(err.Error()))
			} else {
				stored.Add(1)
			}
			pending.Done()
		})
		if err != nil {
			pending.Done()
			reason = err
			break
		}
	}
	pending.Wait()
	s.logger.Info("TAK client disconnected", "remote", remote, "events", n.Load(), "stored", stored.Load(),
		"refused", refused.Load(), "rate_limited", limited.Load(), "reason", errString(reason))
}

func errString(err error) string {
	if err == nil {
		return "closed by client"
	}
	return redact(err.Error())
}

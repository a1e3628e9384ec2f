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

// ServeTAK accepts TAK clients on ln, which stream CoT XML over plain TCP as
// they do to a TAK server's streaming port, until ctx is cancelled. The
// TAK protocol carries no token: expose this port only to the community's
// own network. Events are stored under the publisher "tak"; pings
// (t-x-c-t) are not stored, nor are operator actions and acknowledgements
// (see Handler), which need an operator's token. Nothing is sent back.
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
	sc := cot.NewScanner(c, int(s.cfg.MaxMessage))
	lim := newLimiter(s.cfg.Rate, s.cfg.Burst)
	var n, stored, refused, limited atomic.Int64
	var pending sync.WaitGroup
	bad := 0
	var reason error
	for {
		c.SetReadDeadline(time.Now().Add(takIdle))
		data, err := sc.Next()
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
		err = cap.CheckDeclarations(data)
		var e event.Event
		if err == nil {
			e, err = cot.Decode(data)
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
		if t, _ := e.Properties["cot_type"].(string); strings.HasPrefix(t, "t-x-c-t") || strings.HasPrefix(t, "t-x-takp") {
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

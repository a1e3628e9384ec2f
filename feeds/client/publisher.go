package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Publisher publishes events over the hub's publish websocket. Publish
// queues an event; Run sends the queue in order, keeps every event until
// the hub acknowledges it, and after a reconnect sends the unacknowledged
// ones again (the hub stores each (token, id) once, so nothing is stored
// twice). Acknowledgements arrive in publishing order through OnAck.
type Publisher struct {
	opt   Options
	onAck func(data []byte, a Ack)
	queue chan []byte
	slots chan struct{} // one per event published and not yet acknowledged

	mu       sync.Mutex
	inflight [][]byte // sent on the current connection or before, not acknowledged, in order
	state    State
}

// NewPublisher returns a Publisher with room for window unacknowledged
// events (Publish blocks when they are all taken). onAck is called with
// each event and its acknowledgement (an Ack whose Err is not nil when the
// hub refused it for good: malformed, too large, rate-limited); it runs on
// the publisher's reader goroutine and must not block for long.
func NewPublisher(opt Options, window int, onAck func(data []byte, a Ack)) *Publisher {
	opt.defaults()
	if window <= 0 {
		window = 1024
	}
	if onAck == nil {
		onAck = func([]byte, Ack) {}
	}
	return &Publisher{opt: opt, onAck: onAck, queue: make(chan []byte, window), slots: make(chan struct{}, window), state: Stopped}
}

// Publish queues one event (JSON envelope, CAP or CoT), waiting while the
// window is full.
func (p *Publisher) Publish(ctx context.Context, data []byte) error {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case p.queue <- data:
		return nil
	case <-ctx.Done():
		<-p.slots
		return ctx.Err()
	}
}

// Pending returns how many events are queued or waiting for their
// acknowledgement.
func (p *Publisher) Pending() int { return len(p.slots) }

// State returns the connection state.
func (p *Publisher) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

func (p *Publisher) set(st State, err error) {
	p.mu.Lock()
	p.state = st
	p.mu.Unlock()
	if p.opt.OnState != nil {
		p.opt.OnState(st, err)
	}
}

// Run connects and publishes until ctx ends, reconnecting with backoff.
// It returns ErrUnauthorized (wrapped) when the hub refuses the token.
func (p *Publisher) Run(ctx context.Context) error {
	defer p.set(Stopped, nil)
	attempt := 0
	for {
		p.set(Connecting, nil)
		err := p.connection(ctx, &attempt)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrUnauthorized) {
			return err
		}
		p.set(Disconnected, err)
		if err := sleep(ctx, Backoff(attempt, p.opt.MinBackoff, p.opt.MaxBackoff)); err != nil {
			return err
		}
		attempt++
	}
}

// connection runs one websocket: it resends what is in flight, then sends
// from the queue, while a reader goroutine takes the acknowledgements.
func (p *Publisher) connection(ctx context.Context, attempt *int) error {
	ws, err := p.opt.dial(ctx, "/v1/publish", nil)
	if err != nil {
		return err
	}
	p.set(Connected, nil)
	*attempt = 0
	// The reader matches the hub's in-order acks with inflight from its
	// front; it must be gone before the next connection resends inflight.
	readErr := make(chan error, 1)
	readDone := make(chan struct{})
	go func() { readErr <- p.readAcks(ws); close(readDone) }()
	defer func() {
		ws.Close()
		<-readDone
	}()
	ping := time.NewTicker(p.opt.Heartbeat)
	defer ping.Stop()
	write := func(data []byte) error {
		ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
		return ws.WriteMessage(websocket.TextMessage, data)
	}
	p.mu.Lock()
	resend := append([][]byte(nil), p.inflight...)
	p.mu.Unlock()
	for _, d := range resend {
		if err := write(d); err != nil {
			return err
		}
	}
	for {
		select {
		case <-ctx.Done():
			ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			return ctx.Err()
		case err := <-readErr:
			return err
		case <-ping.C:
			if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(10*time.Second)); err != nil {
				return err
			}
		case d := <-p.queue:
			p.mu.Lock()
			p.inflight = append(p.inflight, d)
			p.mu.Unlock()
			if err := write(d); err != nil {
				return err
			}
		}
	}
}

func (p *Publisher) readAcks(ws *websocket.Conn) error {
	ws.SetPingHandler(func(data string) error {
		ws.SetReadDeadline(time.Now().Add(p.opt.ReadTimeout))
		return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(10*time.Second))
	})
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(p.opt.ReadTimeout)) })
	for {
		ws.SetReadDeadline(time.Now().Add(p.opt.ReadTimeout))
		_, raw, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && ce.Code == websocket.ClosePolicyViolation {
				return fmt.Errorf("%w: %s", ErrUnauthorized, ce.Text)
			}
			return err
		}
		var a Ack
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("client: publish ack: %w", err)
		}
		p.mu.Lock()
		if len(p.inflight) == 0 {
			p.mu.Unlock()
			return fmt.Errorf("client: an ack from the hub for nothing sent: %.100s", raw)
		}
		d := p.inflight[0]
		p.inflight[0] = nil
		p.inflight = p.inflight[1:]
		p.mu.Unlock()
		p.onAck(d, a)
		<-p.slots
	}
}

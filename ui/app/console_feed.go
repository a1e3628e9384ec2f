package app

import (
	"context"
	"sync"
	"time"

	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/rules"
)

// feedQueue is how many messages the subscriber may be ahead of the feed.
// When the feed falls that far behind, the subscriber waits, the socket
// fills, and the hub drops the subscriber as too slow; it resumes from its
// last sequence number, so nothing is lost and memory stays bounded.
const feedQueue = 1024

// maxArrivals bounds the arrival times kept for latency figures between
// two frames; past it the oldest are forgotten (figures only).
const maxArrivals = 8192

// feed applies what the hub sends to the console and runs the rules. Its
// run goroutine owns the rules engine; offer may be called from the
// subscriber's goroutine, takeArrivals from the pump's.
type feed struct {
	c      *console.Console
	engine *rules.Engine // run's goroutine only
	look   *lookups      // the engine's coverage changes go through look's lock
	in     chan event.Message

	mu       sync.Mutex // guards arrivals
	arrivals []arrival
}

// arrival is when a message that changed the picture to version reached
// this console, and when the hub stored it.
type arrival struct {
	version uint64
	at, hub time.Time
}

func newFeed(c *console.Console, e *rules.Engine, look *lookups) *feed {
	return &feed{c: c, engine: e, look: look, in: make(chan event.Message, feedQueue)}
}

// offer hands m to the feed, waiting while it is feedQueue behind.
func (f *feed) offer(ctx context.Context, m event.Message) error {
	select {
	case f.in <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run applies messages and ages the picture once a second until ctx ends.
func (f *feed) run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-f.in:
			f.receive(m, time.Now())
		case now := <-t.C:
			f.c.Tick(now)
			f.raise(f.engine.Tick(now), now)
		}
	}
}

// receive applies one message and what the rules raise on it.
func (f *feed) receive(m event.Message, now time.Time) {
	if !f.c.Apply(m, now) {
		return
	}
	f.mu.Lock()
	if len(f.arrivals) >= maxArrivals {
		f.arrivals = append(f.arrivals[:0], f.arrivals[len(f.arrivals)/2:]...)
	}
	f.arrivals = append(f.arrivals, arrival{version: f.c.Version(), at: now, hub: m.Received})
	f.mu.Unlock()
	f.raise(f.engine.Observe(m.Event, now), now)
}

// raise puts the events the rules raised on the console.
func (f *feed) raise(raised []event.Event, now time.Time) {
	for _, e := range raised {
		f.c.Apply(event.Message{Publisher: "rules", Received: now, State: e.StateAt(now), Event: e}, now)
	}
}

// takeArrivals returns and forgets the arrivals recorded so far.
func (f *feed) takeArrivals() []arrival {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.arrivals
	f.arrivals = nil
	return a
}

// frame is one hand-over to the window: the picture and the arrivals it
// shows first.
type frame struct {
	snap     console.Snapshot
	arrivals []arrival
}

// mailbox holds at most one frame for the window. The pump puts a frame
// only when the window has taken the one before, so however slow the
// window, one hand-over at most waits for it and what it draws is the
// newest picture.
type mailbox struct {
	mu      sync.Mutex
	pending *frame
}

// full reports whether a frame waits for the window.
func (m *mailbox) full() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pending != nil
}

// put leaves f for the window.
func (m *mailbox) put(f *frame) {
	m.mu.Lock()
	m.pending = f
	m.mu.Unlock()
}

// take returns the waiting frame, nil when there is none.
func (m *mailbox) take() *frame {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.pending
	m.pending = nil
	return f
}

// pump offers the window a frame whenever the picture changed and the
// window has taken the last frame, until ss stops.
func (l *liveConsole) pump(ss *session, f *feed) {
	hand := do
	t := time.NewTicker(frameEvery)
	defer t.Stop()
	var shown uint64
	for {
		select {
		case <-ss.ctx.Done():
			return
		case <-t.C:
		}
		if ss.mail.full() {
			continue // the window is behind: it will draw the newest picture when it can
		}
		v := ss.c.Version()
		if v == shown {
			continue
		}
		shown = v
		ss.mail.put(&frame{snap: ss.c.Snapshot(time.Now()), arrivals: f.takeArrivals()})
		hand(func() {
			fr := ss.mail.take()
			if fr != nil && l.cur == ss {
				l.show(fr)
			}
		})
	}
}

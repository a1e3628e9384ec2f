package hub

import (
	"encoding/json"
	"sync/atomic"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/event"
)

// outMsg is one stored event ready to send: its stream message as a
// websocket frame, made once for every subscriber.
type outMsg struct {
	seq   int64
	frame []byte
}

// subscriber is one websocket subscriber as the broadcaster sees it.
type subscriber struct {
	ch      chan *outMsg
	after   int64 // the last seq it has; owned by the broadcaster once registered
	dropped chan struct{}
	ok      chan bool // the answer to registering: false means read more from the log first
}

// broadcaster owns the subscriber set: it turns committed log entries into
// stream messages, keeps the most recent in a ring for subscribers that
// catch up, and hands each to every subscriber without waiting: a
// subscriber whose buffer is full is dropped and resumes from its last
// sequence number.
type broadcaster struct {
	commits chan []store.LogEntry
	reg     chan *subscriber
	unreg   chan *subscriber
	subs    map[*subscriber]struct{}
	ring    []*outMsg // circular, oldest at ringAt
	ringAt  int
	ringN   int
	ringB   int   // bytes in the ring, at most maxRingBytes
	head    int64 // last seq received from the log; set before run
	bufSize int
	count   atomic.Int64  // subscribers, for /healthz
	stopped chan struct{} // closed when run returns
}

func newBroadcaster(ring, buf int) *broadcaster {
	return &broadcaster{
		commits: make(chan []store.LogEntry, 1024),
		reg:     make(chan *subscriber),
		unreg:   make(chan *subscriber),
		subs:    map[*subscriber]struct{}{},
		ring:    make([]*outMsg, ring),
		bufSize: buf,
		stopped: make(chan struct{}),
	}
}

// committed is the log's OnCommit hook: it runs on the log's writer
// goroutine and only queues the entries.
func (b *broadcaster) committed(es []store.LogEntry) {
	select {
	case b.commits <- es:
	case <-b.stopped: // shutting down: nobody listens any more
	}
}

func (b *broadcaster) newSubscriber(after int64) *subscriber {
	return &subscriber{ch: make(chan *outMsg, b.bufSize), after: after, dropped: make(chan struct{}), ok: make(chan bool, 1)}
}

func (b *broadcaster) run(stop <-chan struct{}) {
	defer close(b.stopped)
	for {
		select {
		case <-stop:
			return
		case es := <-b.commits:
			now := time.Now()
			for _, e := range es {
				data := event.AppendMessage(make([]byte, 0, len(e.Data)+160), e.Seq, e.Publisher, e.Received, stateOf(e.Data, now), e.Data)
				m := &outMsg{seq: e.Seq, frame: textFrame(data)}
				b.push(m)
				b.head = e.Seq
				for s := range b.subs {
					if m.seq <= s.after {
						continue
					}
					select {
					case s.ch <- m:
						s.after = m.seq
					default:
						b.drop(s)
					}
				}
			}
		case s := <-b.reg:
			s.ok <- b.register(s)
		case s := <-b.unreg:
			if _, ok := b.subs[s]; ok {
				delete(b.subs, s)
				b.count.Add(-1)
			}
		}
	}
}

func (b *broadcaster) drop(s *subscriber) {
	delete(b.subs, s)
	b.count.Add(-1)
	close(s.dropped)
}

// maxRingBytes bounds the memory of the ring whatever the size of events.
const maxRingBytes = 32 << 20

func (b *broadcaster) push(m *outMsg) {
	n := len(b.ring)
	for b.ringN > 0 && (b.ringN == n || b.ringB+len(m.frame) > maxRingBytes) {
		b.ringB -= len(b.ring[b.ringAt].frame)
		b.ring[b.ringAt] = nil
		b.ringAt = (b.ringAt + 1) % n
		b.ringN--
	}
	b.ring[(b.ringAt+b.ringN)%n] = m
	b.ringN++
	b.ringB += len(m.frame)
}

// register adds s when it is live or when the ring holds what it misses
// and that fits its buffer; otherwise s must read more from the log.
func (b *broadcaster) register(s *subscriber) bool {
	if s.after < b.head {
		if b.ringN == 0 {
			return false
		}
		n := len(b.ring)
		oldest := b.ring[b.ringAt].seq
		if oldest > s.after+1 || b.head-s.after > int64(cap(s.ch)) {
			return false
		}
		for i := 0; i < b.ringN; i++ {
			m := b.ring[(b.ringAt+i)%n]
			if m.seq > s.after {
				s.ch <- m // fits: checked above
				s.after = m.seq
			}
		}
	}
	b.subs[s] = struct{}{}
	b.count.Add(1)
	return true
}

// timing is what the state of a stored event depends on.
type timing struct {
	Stale   time.Time `json:"stale"`
	Expires time.Time `json:"expires"`
	Op      event.Op  `json:"op"`
}

// stateOf returns the lifecycle state at now of a stored event envelope.
func stateOf(data []byte, now time.Time) event.State {
	var t timing
	if json.Unmarshal(data, &t) != nil {
		return event.Fresh
	}
	e := event.Event{Stale: t.Stale, Expires: t.Expires, Op: t.Op}
	return e.StateAt(now)
}

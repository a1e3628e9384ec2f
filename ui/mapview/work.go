package mapview

import (
	"context"
	"sync"
	"time"
)

// tracker counts the background work whose result has not yet reached
// the UI, so that tests and benchmarks can wait for a complete frame. It
// is safe for concurrent use.
type tracker struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func newTracker() *tracker {
	t := &tracker{}
	t.cond = sync.NewCond(&t.mu)
	return t
}

func (t *tracker) add(n int) {
	t.mu.Lock()
	t.n += n
	t.mu.Unlock()
}

func (t *tracker) done(n int) {
	t.mu.Lock()
	t.n -= n
	if t.n < 0 {
		t.n = 0
	}
	if t.n == 0 {
		t.cond.Broadcast()
	}
	t.mu.Unlock()
}

// idle reports whether no work is outstanding.
func (t *tracker) idle() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n == 0
}

// reset forgets all outstanding work, for when it is cancelled.
func (t *tracker) reset() {
	t.mu.Lock()
	t.n = 0
	t.cond.Broadcast()
	t.mu.Unlock()
}

// wait blocks until no work is outstanding or timeout passes, and reports
// whether it became idle.
func (t *tracker) wait(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		t.mu.Lock()
		t.cond.Broadcast()
		t.mu.Unlock()
	})
	defer timer.Stop()
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.n > 0 {
		if time.Now().After(deadline) {
			return false
		}
		t.cond.Wait()
	}
	return true
}

// frame is how often at most results cross into the UI goroutine.
const frame = 16 * time.Millisecond

// pump hands results of background goroutines to the UI goroutine in
// batches, at most one crossing (one call of do, which is fyne.Do) per
// frame. It is safe for concurrent use.
type pump struct {
	do   func(func())
	kick chan struct{}

	mu     sync.Mutex
	queued []func() // guarded by mu
}

func newPump(ctx context.Context, do func(func())) *pump {
	p := &pump{do: do, kick: make(chan struct{}, 1)}
	go p.run(ctx)
	return p
}

// send queues fn to run on the UI goroutine with the next batch.
func (p *pump) send(fn func()) {
	p.mu.Lock()
	p.queued = append(p.queued, fn)
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

func (p *pump) run(ctx context.Context) {
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
		}
		if wait := time.Until(last.Add(frame)); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		p.mu.Lock()
		batch := p.queued
		p.queued = nil
		p.mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		last = time.Now()
		p.do(func() {
			for _, fn := range batch {
				fn()
			}
		})
	}
}

package hub_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"safetynet/feeds/client"
	"safetynet/feeds/event"
	"safetynet/feeds/hub"
)

// goatakRate is the reference: goatak relays about 4,000 CoT events/s to
// 10 subscribers without loss (storing nothing); p99 2.7 ms at 1,000/s.
const goatakRate = 4000.0

// counter is a subscriber that checks it gets every sequence number once,
// in order, from 1.
type counter struct {
	mu   sync.Mutex
	next int64
	bad  error
	done chan struct{}
	want int64
}

func (c *counter) handle(seq int64, _ []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if seq != c.next+1 && c.bad == nil {
		c.bad = fmt.Errorf("got seq %d after %d", seq, c.next)
	}
	c.next = seq
	if seq == c.want {
		close(c.done)
	}
	return nil
}

// BenchmarkIngest measures sustained durable ingest: 5 websocket
// publishers with acknowledgement windows send to the hub, which commits
// each event (fsync'd WAL, group commit) before acknowledging it, and 10
// subscribers receive every event. One op is 10,000 events. Subscribers
// check sequence numbers (no gaps, no duplicates) without decoding events.
func BenchmarkIngest(b *testing.B) {
	const publishers, subscribers, perOp = 5, 10, 10000
	th := startHub(b, hub.Config{Rate: -1, SubscriberBuffer: 1 << 16})
	total := int64(b.N) * perOp
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := client.Options{URL: th.url, Token: th.operator}
	var subs []*counter
	for i := 0; i < subscribers; i++ {
		c := &counter{want: total, done: make(chan struct{})}
		subs = append(subs, c)
		go client.NewSubscriber(opt, 0).RunRaw(ctx, c.handle)
	}
	var acked, refused atomic.Int64
	var pubs []*client.Publisher
	for i := 0; i < publishers; i++ {
		p := client.NewPublisher(opt, 2048, func(_ []byte, a client.Ack) {
			if a.Err() != nil {
				refused.Add(1)
			}
			acked.Add(1)
		})
		pubs = append(pubs, p)
		go p.Run(ctx)
	}
	// Messages built before the clock starts.
	msgs := make([][][]byte, publishers)
	for i := range msgs {
		for j := int64(0); j < total/publishers; j++ {
			msgs[i] = append(msgs[i], jsonEvent(fmt.Sprintf("p%d-%d", i, j), ""))
		}
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	var wg sync.WaitGroup
	for i, p := range pubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range msgs[i] {
				if err := p.Publish(ctx, m); err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, c := range subs {
		select {
		case <-c.done:
		case <-time.After(2 * time.Minute):
			b.Fatalf("a subscriber got %d of %d events", c.next, total)
		}
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	for acked.Load() < total {
		time.Sleep(time.Millisecond)
	}
	if refused.Load() > 0 {
		b.Fatalf("%d events refused", refused.Load())
	}
	for _, c := range subs {
		if c.bad != nil {
			b.Fatal(c.bad)
		}
	}
	rate := float64(total) / elapsed.Seconds()
	b.ReportMetric(rate, "events/s")
	b.ReportMetric(rate/goatakRate, "x_goatak")
	b.ReportMetric(0, "lost")
	b.ReportMetric(elapsed.Seconds()*1e9/float64(total), "ns/event")
	// CPU per event (hub, publishers and subscribers together) does not
	// depend on what else the machine runs; 2 cores / it is the ceiling.
	b.ReportMetric(float64(cpu.Microseconds())/float64(total), "cpu_us/event")
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLatency measures publisher-to-subscriber latency at 1,000
// events/s: one websocket publisher sends on a steady clock, 10 subscribers
// decode each event; latency runs from just before the send to the
// subscriber's delivery, through the durable commit. One op is 2,000
// events (2 s).
func BenchmarkLatency(b *testing.B) {
	const subscribers, perOp, rate = 10, 2000, 1000
	th := startHub(b, hub.Config{Rate: -1})
	total := b.N * perOp
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := client.Options{URL: th.url, Token: th.operator}
	sent := make([]atomic.Int64, total)
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for i := 0; i < subscribers; i++ {
		wg.Add(1)
		got := 0
		sub := client.NewSubscriber(opt, th.srv.Log().Last())
		go sub.Run(ctx, func(m event.Message) error {
			now := time.Now().UnixNano()
			var n int
			fmt.Sscanf(m.Event.ID, "lat-%d", &n)
			d := time.Duration(now - sent[n].Load())
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
			got++
			if got == total {
				wg.Done()
			}
			return nil
		})
	}
	p := client.NewPublisher(opt, 1024, nil)
	go p.Run(ctx)
	msgs := make([][]byte, total)
	for i := range msgs {
		msgs[i] = jsonEvent(fmt.Sprintf("lat-%d", i), "")
	}
	time.Sleep(200 * time.Millisecond) // subscribers connected
	b.ResetTimer()
	tick := time.NewTicker(time.Second / rate)
	for i := 0; i < total; i++ {
		<-tick.C
		sent[i].Store(time.Now().UnixNano())
		p.Publish(ctx, msgs[i])
	}
	tick.Stop()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		b.Fatalf("subscribers got %d of %d deliveries", len(lat), total*subscribers)
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50_ms")
	b.ReportMetric(q(0.99), "p99_ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
	b.ReportMetric(q(0.99)/2.7, "p99_vs_goatak")
}

package app

import (
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stallProxy forwards TCP connections to a hub; while stalled it keeps
// every connection open and forwards nothing, as a network that lost
// its route without closing anything.
type stallProxy struct {
	ln      net.Listener
	stalled atomic.Bool
}

func newStallProxy(t *testing.T, hubURL string) *stallProxy {
	t.Helper()
	u, err := url.Parse(hubURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			h, err := net.Dial("tcp", u.Host)
			if err != nil {
				c.Close()
				continue
			}
			t.Cleanup(func() { c.Close(); h.Close() })
			go p.pipe(c, h)
			go p.pipe(h, c)
		}
	}()
	return p
}

// pipe copies from src to dst, dropping what it reads while stalled.
func (p *stallProxy) pipe(src, dst net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			dst.Close()
			return
		}
		if !p.stalled.Load() {
			if _, err := dst.Write(buf[:n]); err != nil {
				src.Close()
				return
			}
		}
	}
}

func (p *stallProxy) url() string { return "http://" + p.ln.Addr().String() }

// TestHubStateTrueThroughASilentOutage: the hub's stream goes silent
// with its connection left open; the status bar leaves "connected"
// within the subscriber's read timeout (15 s), not at the next message,
// and says connected again once the hub answers.
func TestHubStateTrueThroughASilentOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out a 15 s read timeout: not in -short")
	}
	useLanguage(t, "en")
	handOver(t)
	hubURL, tok := testHub(t)
	px := newStallProxy(t, hubURL)
	x := startConsole(t, consoleStore(t), px.url(), tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	px.stalled.Store(true)
	start := time.Now()
	eventually(t, "the status bar notices the silent hub", func() bool { return x.live.conn.Text != "Hub: connected" })
	took := time.Since(start)
	t.Logf("a silent hub shown as %q after %s", x.live.conn.Text, took.Round(time.Millisecond))
	if took > 25*time.Second && !raceEnabled {
		t.Errorf("the status bar said connected for %s of a silent outage", took.Round(time.Second))
	}
	if !strings.Contains(x.live.conn.Text, "offline") && !strings.Contains(x.live.conn.Text, "connecting") {
		t.Errorf("during the outage the status bar reads %q", x.live.conn.Text)
	}
	px.stalled.Store(false)
	eventually(t, "the console connects again", func() bool { return x.live.conn.Text == "Hub: connected" })
}

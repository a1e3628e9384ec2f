package hub

import (
	"bufio"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"sync"
)

// maxHeld is how many bytes a held connection gathers before it writes
// anyway.
const maxHeld = 256 << 10

// bufConn gathers what is written while it is held and writes it in one
// system call on Flush: a subscriber's writer sends every event queued for
// it with one write instead of one per event. Writes while not held go out
// at once, after anything gathered, so control frames (pings, close) are
// never delayed. It is safe for concurrent use; each Write is one whole
// websocket frame, so frames never interleave.
type bufConn struct {
	net.Conn
	mu   sync.Mutex
	buf  []byte
	hold bool
	err  error
}

func (c *bufConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if c.hold && len(c.buf)+len(p) <= maxHeld {
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	if len(c.buf) > 0 {
		c.buf = append(c.buf, p...)
		return len(p), c.flushLocked()
	}
	n, err := c.Conn.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// Hold starts gathering writes.
func (c *bufConn) Hold() {
	c.mu.Lock()
	c.hold = true
	c.mu.Unlock()
}

// Flush writes what was gathered and stops holding.
func (c *bufConn) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hold = false
	return c.flushLocked()
}

func (c *bufConn) flushLocked() error {
	if c.err != nil {
		return c.err
	}
	for len(c.buf) > 0 {
		n, err := c.Conn.Write(c.buf)
		if err != nil {
			c.err = err
			return err
		}
		c.buf = c.buf[n:]
	}
	c.buf = c.buf[:0]
	if cap(c.buf) > 4*maxHeld {
		c.buf = nil
	}
	return nil
}

// hijacker hands the websocket upgrader a bufConn in place of the
// connection it hijacks.
type hijacker struct {
	http.ResponseWriter
	conn *bufConn
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hub: the connection cannot be taken over for a websocket")
	}
	c, rw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = &bufConn{Conn: c}
	return h.conn, rw, nil
}

// textFrame returns data as one unmasked websocket text frame (RFC 6455
// 5.2), as a server sends it.
func textFrame(data []byte) []byte {
	n := len(data)
	var f []byte
	switch {
	case n <= 125:
		f = make([]byte, 2, 2+n)
		f[1] = byte(n)
	case n <= 0xffff:
		f = make([]byte, 4, 4+n)
		f[1] = 126
		binary.BigEndian.PutUint16(f[2:], uint16(n))
	default:
		f = make([]byte, 10, 10+n)
		f[1] = 127
		binary.BigEndian.PutUint64(f[2:], uint64(n))
	}
	f[0] = 0x81 // FIN, text
	return append(f, data...)
}

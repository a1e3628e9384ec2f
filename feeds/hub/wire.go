package hub

import (
	"bufio"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
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
//
// Once a close frame has gone out (the hub's, or the websocket library's
// own for a message over the read limit), nothing more is written and the
// connection is half-closed: the peer reads the close frame, then the end.
type bufConn struct {
	net.Conn
	mu   sync.Mutex
	buf  []byte
	hold bool
	err  error
	sent bool // a close frame went out
}

// errCloseSent is what writes after the close frame return.
var errCloseSent = errors.New("hub: the websocket close frame has been sent")

func (c *bufConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if len(p) > 0 && p[0] == 0x88 { // FIN, close
		// A close frame, written by the websocket library itself.
		c.buf = append(c.buf, p...)
		return len(p), c.closedLocked(c.flushLocked())
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

// WriteClose writes what is held, then a close frame with code and reason,
// by deadline, and half-closes the connection. It does nothing when a
// close frame went out before.
func (c *bufConn) WriteClose(code int, reason string, deadline time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sent {
		return nil
	}
	if c.err != nil {
		return c.err
	}
	if len(reason) > 123 {
		reason = reason[:123] // a control frame's payload is at most 125 bytes
	}
	c.Conn.SetWriteDeadline(deadline)
	c.buf = append(c.buf, 0x88, byte(2+len(reason)), byte(code>>8), byte(code))
	c.buf = append(c.buf, reason...)
	return c.closedLocked(c.flushLocked())
}

// closedLocked marks the close frame sent when err is nil and half-closes
// the connection.
func (c *bufConn) closedLocked(err error) error {
	if err != nil {
		return err
	}
	c.sent = true
	c.err = errCloseSent
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	return nil
}

// CloseSent reports whether a close frame went out.
func (c *bufConn) CloseSent() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent
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

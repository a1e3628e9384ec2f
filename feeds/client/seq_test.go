package client

import (
	"fmt"
	"testing"
)

func TestSeqOf(t *testing.T) {
	tests := []struct {
		raw string
		seq int64
		ok  bool
	}{
		{`{"seq":42,"publisher":"p"}`, 42, true},
		{`{"seq":1}`, 1, true},
		{`{"publisher":"p","seq":7}`, 7, true}, // not first: decoded
		{`{"seq":0,"x":1}`, 0, false},
		{`{"seq":-3,"x":1}`, 0, false},
		{`{"seq":`, 0, false},
		{`{"seq":99999999999999999999,"x":1}`, 0, false},
		{`garbage`, 0, false},
	}
	for _, tc := range tests {
		seq, ok := seqOf([]byte(tc.raw))
		if seq != tc.seq || ok != tc.ok {
			t.Errorf("seqOf(%s) = %d %v, want %d %v", tc.raw, seq, ok, tc.seq, tc.ok)
		}
	}
}

// FuzzSeqOf: the stream's sequence numbers are read without decoding the
// message; whatever the hub (or an impostor) sends, the reader never
// panics, never returns a number that is not positive, and reads the
// number a well-formed message starts with.
func FuzzSeqOf(f *testing.F) {
	f.Add([]byte(`{"seq":42,"publisher":"p"}`), int64(42))
	f.Add([]byte(`{"seq":`), int64(1))
	f.Fuzz(func(t *testing.T, raw []byte, n int64) {
		if seq, ok := seqOf(raw); ok && seq <= 0 {
			t.Fatalf("seqOf(%q) = %d", raw, seq)
		}
		if n > 0 && n < 1<<53 {
			msg := fmt.Appendf(nil, `{"seq":%d,%s`, n, raw)
			if seq, ok := seqOf(msg); !ok || seq != n {
				t.Fatalf("seqOf(%q) = %d %v, want %d", msg, seq, ok, n)
			}
		}
	})
}

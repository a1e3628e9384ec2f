package cot_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"safetynet/feeds/cot"
)

// FuzzDecode: any input either fails with an error or gives a valid event
// that Encode writes and Decode reads back with the same subject and op.
func FuzzDecode(f *testing.F) {
	f.Add(cotEvent("u1", "a-f-G-U-C", "2026-05-01T02:05:00Z", "s", "10", "<contact callsign='x'/><track speed='1' course='2'/>"))
	f.Add(cotEvent("d", "t-x-d-d", "2026-05-01T02:05:00Z", "", "0", `<link uid="u1"/>`))
	f.Add(cotEvent("u1", "b-a-o-tbl", "2026-05-01T01:05:00Z", "", "0", `<safetynet type="fire.smoke" severity="severe"/>`))
	if files, err := filepath.Glob("../../../shared/data/cot/freetakserver/*.xml"); err == nil {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := cot.Decode(data)
		if err != nil {
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("decoded event does not validate: %v", err)
		}
		out, err := cot.Encode(e)
		if err != nil {
			t.Fatalf("encode a decoded event: %v", err)
		}
		back, err := cot.Decode(out)
		if err != nil {
			t.Fatalf("decode what we wrote: %v\n%s", err, out)
		}
		if back.SubjectOrID() != e.SubjectOrID() || back.Op != e.Op {
			t.Fatalf("round trip changed subject or op: %+v vs %+v\n%s", e, back, out)
		}
	})
}

// FuzzScanner: the stream splitter never returns more bytes than it read
// and never an event larger than its limit.
func FuzzScanner(f *testing.F) {
	one := cotEvent("u1", "a-f-G", "2026-05-01T02:05:00Z", "", "0", "")
	f.Add(append(append([]byte{}, one...), one...), 300)
	f.Add([]byte("</event></event>"), 10)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max <= 0 || max > 1<<20 {
			max = 1 << 10
		}
		sc := cot.NewScanner(bytes.NewReader(data), max)
		total := 0
		for {
			b, err := sc.Next()
			if err != nil {
				break
			}
			if len(b) > max {
				t.Fatalf("event of %d bytes, limit %d", len(b), max)
			}
			total += len(b)
			if total > len(data) {
				t.Fatalf("returned %d bytes from %d", total, len(data))
			}
		}
	})
}

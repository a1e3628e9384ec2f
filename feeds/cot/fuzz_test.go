package cot_test

import (
	"bytes"
	"errors"
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
	// ATAK drawings (see shape_test.go).
	f.Add(atak("c1", "u-d-c-c", atakCentre, atakCircle+atakGeofence))
	f.Add(atak("e1", "u-d-c-e", atakCentre, `<shape><ellipse major='300' minor='100' angle='45'/></shape>`))
	f.Add(atak("r1", "u-d-r", atakCentre, atakRect+atakGeofence))
	f.Add(atak("t1", "u-d-f-m", atakCentre, stroke("s1", "31.2,121.6", "31.3,121.7")+stroke("s2", "31.2,121.6", "31.2,121.6")))
	f.Add(atak("rb", "u-rb-a", atakCentre, `<range value='1000'/><bearing value='90'/><northRef value='1'/>`))
	f.Add(atak("rc", "u-r-b-c-c", atakCentre, `<range value='1e7'/>`))
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

// FuzzDecodeProto: any TakMessage bytes either fail with an error or give
// a valid event that Encode writes and Decode reads back with the same
// subject and op.
func FuzzDecodeProto(f *testing.F) {
	f.Add(pli("ANDROID-1"))
	f.Add(append(pMsg(1, pVar(1, 1), pVar(2, 1), pStr(3, "u")), pli("u")...))
	f.Add(pMsg(2, pStr(1, "u-d-c-c"), pStr(5, "c1"), pVar(6, 1), pVar(7, 1), pVar(8, 2), pDbl(10, 31), pDbl(11, 121),
		pMsg(15, pStr(1, `<shape><ellipse major="10" minor="5" angle="30"/></shape><__geofence trigger="Entry"/>`))))
	if files, err := filepath.Glob("testdata/takproto/*.bin"); err == nil {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := cot.DecodeProto(data)
		if err != nil || m.Event == nil {
			return
		}
		e := *m.Event
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
			t.Fatalf("round trip changed subject or op: %+v vs %+v", e, back)
		}
	})
}

// FuzzStream: the stream splitter ends, never returns more bytes than it
// read or a frame over its limit, and, when what comes before contains no
// 0xbf (which may announce a frame long enough to hold what follows),
// always returns the good event that follows whatever came before it.
func FuzzStream(f *testing.F) {
	f.Add([]byte{0xbf, 0x01, 0xbf}, 1<<10)
	f.Add(cot.StreamFrame(pli("p1")), 1<<10)
	f.Add(append([]byte(`<event uid="cut"`), cot.MeshFrame(pli("p1"))...), 300)
	f.Add([]byte("</event><?xml <event "), 10)
	f.Add([]byte{0xbf, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 1<<10)
	sentinel := cotEvent("sentinel", "a-f-G", "2026-05-01T02:05:00Z", "", "0", "")
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max <= 0 || max > 1<<20 {
			max = 1 << 10
		}
		in := append(append(append([]byte{}, data...), '\n'), sentinel...)
		st := cot.NewStream(bytes.NewReader(in), max)
		total, seen := 0, false
		for range len(in) + 2 {
			fr, err := st.Next()
			var fe *cot.FrameError
			if errors.As(err, &fe) {
				if fe.Len < 0 || fe.Len > len(in) {
					t.Fatalf("skipped %d bytes of %d", fe.Len, len(in))
				}
				continue
			}
			if err != nil {
				if errors.Is(err, cot.ErrTooLarge) || len(sentinel) > max {
					return
				}
				break
			}
			if len(fr.Data) > max {
				t.Fatalf("frame of %d bytes, limit %d", len(fr.Data), max)
			}
			if total += len(fr.Data); total > len(in) {
				t.Fatalf("returned %d bytes from %d", total, len(in))
			}
			if !fr.Proto && bytes.Equal(fr.Data, sentinel) {
				seen = true
			}
		}
		if !seen && bytes.IndexByte(data, 0xbf) < 0 && len(sentinel) <= max {
			t.Fatalf("the event after %q was lost", data)
		}
	})
}

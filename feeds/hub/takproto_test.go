package hub_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"safetynet/feeds/cot"
	"safetynet/feeds/hub"
)

func takXML(uid string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><event version="2.0" uid="` + uid + `" type="a-f-G-U-C" time="2026-05-01T02:00:00.000Z" start="2026-05-01T02:00:00.000Z" stale="2026-05-01T02:05:00.000Z" how="m-g"><point lat="31.2" lon="121.6" hae="3" ce="9" le="9999999"/><detail><contact callsign="` + uid + `"/></detail></event>`)
}

// TestTAKProtocol: on the TAK port a bare TAK Protocol header or a frame
// that is not a TakMessage is refused without taking the next event with
// it; the hub offers TAK Protocol version 1, accepts a client's request
// for it, and stores the protobuf events (built by @tak-ps/node-cot) the
// client then streams.
func TestTAKProtocol(t *testing.T) {
	th := startHub(t, hub.Config{Rate: -1})
	addr := th.takListener(t)
	pli, err := os.ReadFile("../cot/testdata/takproto/pli.bin")
	if err != nil {
		t.Fatal(err)
	}
	rect, err := os.ReadFile("../cot/testdata/takproto/rectangle.bin")
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Before negotiation: a mesh header with nothing after it, then an
	// event; a streaming header whose bytes are no TakMessage, then an
	// event.
	var before bytes.Buffer
	before.Write([]byte{0xbf, 0x01, 0xbf})
	before.Write(takXML("after-mesh-header"))
	before.Write([]byte{0xbf, 0x40, 'n', 'o', 't', ' ', 'p', 'r', 'o', 't', 'o'})
	before.Write(takXML("after-bad-frame"))
	before.Write(cot.ProtocolRequest("takp-1", 1, time.Now()))
	if _, err := c.Write(before.Bytes()); err != nil {
		t.Fatal(err)
	}
	// The hub offers version 1 and accepts the request.
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	st := cot.NewStream(c, 1<<20)
	var offered, accepted bool
	for !accepted {
		f, err := st.Next()
		if err != nil {
			t.Fatalf("reading the hub's answers: %v (offered %v)", err, offered)
		}
		switch s := string(f.Data); {
		case strings.Contains(s, `type="t-x-takp-v"`) && strings.Contains(s, `<TakProtocolSupport version="1"/>`):
			offered = true
		case strings.Contains(s, `type="t-x-takp-r"`):
			if !strings.Contains(s, `uid="takp-1"`) || !strings.Contains(s, `<TakResponse status="true"/>`) {
				t.Fatalf("answer %s", s)
			}
			accepted = true
		default:
			t.Fatalf("unexpected from the hub: %s", s)
		}
	}
	if !offered {
		t.Error("the hub did not offer TAK Protocol (t-x-takp-v) before answering")
	}
	// After negotiation: streaming frames, a bad one among them.
	var after bytes.Buffer
	after.Write(cot.StreamFrame(pli))
	after.Write(cot.StreamFrame([]byte{0x12, 0x7f, 0x01})) // cotEvent longer than the frame
	after.Write(cot.StreamFrame(rect))
	after.Write(cot.MeshFrame(rect)) // the same again, as a mesh frame: stored once
	if _, err := c.Write(after.Bytes()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	want := map[string]bool{"after-mesh-header": false, "after-bad-frame": false, "ANDROID-5b1f2c": false, "52ce8003-rect": false}
	deadline := time.Now().Add(10 * time.Second)
	for th.srv.Log().Last() < int64(len(want)) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	es, err := th.srv.Log().Read(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		for s := range want {
			if bytes.Contains(e.Data, []byte(`"subject":"`+s+`"`)) {
				want[s] = true
			}
		}
	}
	for s, ok := range want {
		if !ok {
			t.Errorf("%s not stored; the log holds %d events; hub log:\n%s", s, len(es), th.logs.String())
		}
	}
	if len(es) != len(want) {
		t.Errorf("%d events stored, want %d", len(es), len(want))
	}
	if !strings.Contains(th.logs.String(), "TAK frame refused") {
		t.Errorf("bad frames not reported:\n%s", th.logs.String())
	}
}

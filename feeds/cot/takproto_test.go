package cot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"google.golang.org/protobuf/encoding/protowire"

	"safetynet/data/testenv"
	"safetynet/feeds/cot"
	"safetynet/feeds/event"
)

// Protobuf builders, by the field numbers of TAK's .proto files.
func pStr(num protowire.Number, s string) []byte {
	return protowire.AppendString(protowire.AppendTag(nil, num, protowire.BytesType), s)
}
func pMsg(num protowire.Number, parts ...[]byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), bytes.Join(parts, nil))
}
func pVar(num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
}
func pDbl(num protowire.Number, f float64) []byte {
	return protowire.AppendFixed64(protowire.AppendTag(nil, num, protowire.Fixed64Type), math.Float64bits(f))
}

var t0 = time.Date(2026, 5, 1, 2, 0, 0, 406e6, time.UTC)

// pli is a TakMessage as ATAK sends its position: the typed detail
// sub-messages and the rest of <detail> as xmlDetail.
func pli(uid string, extra ...[]byte) []byte {
	ms := uint64(t0.UnixMilli())
	ev := [][]byte{
		pStr(1, "a-f-G-U-C"), pStr(5, uid), pVar(6, ms), pVar(7, ms), pVar(8, ms+75000), pStr(9, "m-g"),
		pDbl(10, 31.2001), pDbl(11, 121.6002), pDbl(12, 4.5), pDbl(13, 9.9), pDbl(14, 9999999),
		pMsg(15,
			pStr(1, `<uid Droid="Patrol 1"/><remarks>on round 3</remarks>`),
			pMsg(2, pStr(1, "*:-1:stcp"), pStr(2, "Patrol 1")),
			pMsg(3, pStr(1, "Cyan"), pStr(2, "Team Lead")),
			pMsg(4, pStr(1, "GPS"), pStr(2, "DTED2")),
			pMsg(5, pVar(1, 58)),
			pMsg(6, pStr(1, "GOOGLE PIXEL 8"), pStr(2, "ATAK-CIV"), pStr(3, "34"), pStr(4, "5.2.0.8")),
			pMsg(7, pDbl(1, 1.25), pDbl(2, 327.5)),
		),
	}
	ev = append(ev, extra...)
	return pMsg(2, ev...)
}

// pliXML is the CoT XML that pli stands for.
const pliXML = `<event version="2.0" uid="ANDROID-1" type="a-f-G-U-C" time="2026-05-01T02:00:00.406Z" start="2026-05-01T02:00:00.406Z" stale="2026-05-01T02:01:15.406Z" how="m-g"><point lat="31.2001" lon="121.6002" hae="4.5" ce="9.9" le="9999999.0"/><detail><takv os="34" version="5.2.0.8" device="GOOGLE PIXEL 8" platform="ATAK-CIV"/><contact endpoint="*:-1:stcp" callsign="Patrol 1"/><uid Droid="Patrol 1"/><precisionlocation altsrc="DTED2" geopointsrc="GPS"/><__group role="Team Lead" name="Cyan"/><status battery="58"/><track course="327.5" speed="1.25"/><remarks>on round 3</remarks></detail></event>`

// sameEvent compares what the XML and the protobuf path give.
func sameEvent(t *testing.T, got, want event.Event) {
	t.Helper()
	if got.ID != want.ID || got.Subject != want.Subject || got.Type != want.Type || got.Severity != want.Severity ||
		got.Status != want.Status || got.Op != want.Op || !got.Time.Equal(want.Time) || !got.Stale.Equal(want.Stale) ||
		!got.Expires.Equal(want.Expires) || got.Title != want.Title || got.Description != want.Description || got.Source != want.Source {
		t.Errorf("protobuf gives\n %+v\nXML gives\n %+v", got, want)
	}
	gj, _ := json.Marshal(got.Geometry)
	wj, _ := json.Marshal(want.Geometry)
	if string(gj) != string(wj) {
		t.Errorf("geometry %T %s, XML gives %T %s", got.Geometry, gj, want.Geometry, wj)
	}
	for k, v := range want.Properties {
		if !equalJSON(got.Properties[k], v) {
			t.Errorf("property %s = %v, XML gives %v", k, got.Properties[k], v)
		}
	}
	for k, v := range got.Properties {
		if _, ok := want.Properties[k]; !ok {
			t.Errorf("property %s = %v, not in the XML's event", k, v)
		}
	}
}

func equalJSON(a, b any) bool {
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	return string(aj) == string(bj)
}

// TestDecodeProto: a TakMessage gives the same event as the CoT XML it
// stands for.
func TestDecodeProto(t *testing.T) {
	m, err := cot.DecodeProto(pli("ANDROID-1"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Event == nil || m.Control != nil {
		t.Fatalf("message %+v", m)
	}
	want, err := cot.Decode([]byte(pliXML))
	if err != nil {
		t.Fatal(err)
	}
	sameEvent(t, *m.Event, want)
	props(t, *m.Event, map[string]any{"battery_pct": 58.0, "speed_mps": 1.25, "course_deg": 327.5, "team": "Cyan", "role": "Team Lead",
		"platform": "ATAK-CIV", "device": "GOOGLE PIXEL 8", "endpoint": "*:-1:stcp", "geopoint_source": "GPS", "altitude_source": "DTED2", "hae_m": 4.5, "ce_m": 9.9})
	if m.Event.ID != "ANDROID-1@2026-05-01T02:00:00.406Z" || m.Event.Geometry != (orb.Point{121.6002, 31.2001}) {
		t.Errorf("id %q geometry %v", m.Event.ID, m.Event.Geometry)
	}

	// A control message with the event, and one alone.
	ctl := pMsg(1, pVar(1, 1), pVar(2, 1), pStr(3, "ANDROID-1"))
	m, err = cot.DecodeProto(append(ctl, pli("ANDROID-1")...))
	if err != nil || m.Event == nil || m.Control == nil || *m.Control != (cot.TakControl{MinProtoVersion: 1, MaxProtoVersion: 1, ContactUID: "ANDROID-1"}) {
		t.Errorf("control and event: %+v %v", m, err)
	}
	m, err = cot.DecodeProto(ctl)
	if err != nil || m.Event != nil || m.Control == nil {
		t.Errorf("control alone: %+v %v", m, err)
	}
	// Unknown fields (later TAK versions may add some) are skipped.
	if _, err := cot.DecodeProto(append(pli("ANDROID-1", pStr(99, "new")), pVar(77, 5)...)); err != nil {
		t.Errorf("unknown fields: %v", err)
	}
}

func TestDecodeProtoErrors(t *testing.T) {
	ms := uint64(t0.UnixMilli())
	base := func(parts ...[]byte) []byte {
		return pMsg(2, append([][]byte{pStr(1, "a-f-G"), pStr(5, "u1"), pVar(6, ms), pVar(7, ms), pVar(8, ms+1000)}, parts...)...)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "neither a cotEvent nor a takControl"},
		{"truncated", pli("u")[:20], "TakMessage field 2"},
		{"bad UTF-8 uid", pMsg(2, pStr(1, "a-f-G"), pStr(5, "u\xff")), "CotEvent.uid is not valid UTF-8"},
		{"uid as varint", pMsg(2, pVar(5, 1)), "CotEvent.uid has the wrong wire type"},
		{"lat as varint", base(pVar(10, 1)), "CotEvent.lat has the wrong wire type"},
		{"no uid", pMsg(2, pStr(1, "a-f-G")), "without uid"},
		{"no stale", pMsg(2, pStr(1, "a-f-G"), pStr(5, "u1"), pVar(6, ms), pVar(7, ms), pDbl(10, 1), pDbl(11, 1)), "stale is missing"},
		{"time far away", pMsg(2, pStr(1, "a-f-G"), pStr(5, "u1"), pVar(6, math.MaxUint64)), "sendTime"},
		{"latitude 91", base(pDbl(10, 91), pDbl(11, 1)), "not a position"},
		{"latitude NaN", base(pDbl(10, math.NaN()), pDbl(11, 1)), "not a position"},
		{"xmlDetail not XML", base(pDbl(10, 1), pDbl(11, 1), pMsg(15, pStr(1, "<a>"))), "xmlDetail is not XML"},
		{"battery as string", base(pDbl(10, 1), pDbl(11, 1), pMsg(15, pMsg(5, pStr(1, "x")))), "Status.battery"},
		{"group wire type", pMsg(2, pStr(1, "a"), pStr(5, "u1"), pStr(13, "x")), "CotEvent.ce has the wrong wire type"},
		{"end group", []byte{0x14}, "wire type 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cot.DecodeProto(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// nodeFixture is what make.mjs writes beside each .bin.
type nodeFixture struct {
	Time, Stale, Subject, Type, Title, Description string
	Point                                          []float64
	Polygon                                        int
	Props                                          map[string]any
}

// checkNodeFixtures decodes the TakMessages that @tak-ps/node-cot built in
// dir: each gives the fields make.mjs names, and the same event as the
// CoT XML node-cot writes for it.
func checkNodeFixtures(t *testing.T, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
	if len(files) < 4 {
		t.Fatalf("%d fixtures in %s, want 4", len(files), dir)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".bin")
		t.Run(name, func(t *testing.T) {
			bin, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var want nodeFixture
			js, err := os.ReadFile(strings.TrimSuffix(f, ".bin") + ".json")
			if err == nil {
				err = json.Unmarshal(js, &want)
			}
			if err != nil {
				t.Fatal(err)
			}
			xmlBytes, err := os.ReadFile(strings.TrimSuffix(f, ".bin") + ".xml")
			if err != nil {
				t.Fatal(err)
			}
			m, err := cot.DecodeProto(bin)
			if err != nil {
				t.Fatal(err)
			}
			if m.Event == nil {
				t.Fatal("no event")
			}
			e := *m.Event
			if e.Subject != want.Subject || e.Type != want.Type || e.Title != want.Title || e.Description != want.Description ||
				!e.Time.Equal(ts(want.Time)) || !e.Stale.Equal(ts(want.Stale)) || e.ID != want.Subject+"@"+want.Time {
				t.Errorf("got %+v\nwant %+v", e, want)
			}
			switch g := e.Geometry.(type) {
			case orb.Point:
				if len(want.Point) != 2 || g != (orb.Point{want.Point[0], want.Point[1]}) {
					t.Errorf("point %v, want %v", g, want.Point)
				}
			case orb.Polygon:
				if len(g[0]) != want.Polygon {
					t.Errorf("polygon of %d, want %d", len(g[0]), want.Polygon)
				}
			default:
				t.Errorf("geometry %T", g)
			}
			for k, v := range want.Props {
				if !equalJSON(e.Properties[k], v) {
					t.Errorf("property %s = %v, want %v", k, e.Properties[k], v)
				}
			}
			x, err := cot.Decode(xmlBytes)
			if err != nil {
				t.Fatal(err)
			}
			// node-cot's to_proto leaves out <precisionlocation> (it
			// names the field precisionlocation, the .proto
			// precisionLocation), which its XML keeps.
			delete(x.Properties, "geopoint_source")
			delete(x.Properties, "altitude_source")
			sameEvent(t, e, x)
		})
	}
}

// TestNodeCoTFixtures decodes the TakMessages in testdata/takproto, built
// by @tak-ps/node-cot with testdata/node-cot/make.mjs (run it again to
// renew them: cd testdata/node-cot && npm ci && node make.mjs ../takproto).
func TestNodeCoTFixtures(t *testing.T) {
	checkNodeFixtures(t, "testdata/takproto")
}

// TestNodeCoTGenerated builds the fixtures afresh with the node-cot that
// testdata/node-cot/package-lock.json pins (npm ci) and decodes them.
// Without node or npm it is skipped, except in CI (CI=true), where it
// fails.
func TestNodeCoTGenerated(t *testing.T) {
	node := testenv.Tool(t, "node")
	npm := testenv.Tool(t, "npm")
	dir, err := filepath.Abs("testdata/node-cot")
	if err != nil {
		t.Fatal(err)
	}
	installed, err1 := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	lock, err2 := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err2 != nil {
		t.Fatal(err2)
	}
	if err1 != nil || installed.ModTime().Before(lock.ModTime()) {
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			msg := "npm ci in " + dir + ": " + err.Error() + "\n" + string(out)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	out := t.TempDir()
	// Real ATAK and WinTAK messages, when the shared test data is here.
	samples := filepath.Join(testenv.Root(), "..", "shared", "data", "cot", "freetakserver")
	args := []string{"make.mjs", out}
	if _, err := os.Stat(samples); err == nil {
		args = append(args, samples, filepath.Join(samples, "track-C0rv0"))
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node make.mjs: %v\n%s", err, b)
	}
	checkNodeFixtures(t, out)
	t.Run("FreeTAKServer samples", func(t *testing.T) {
		testenv.SharedData(t, "cot/freetakserver")
		errs, _ := filepath.Glob(filepath.Join(out, "samples", "*.err"))
		for _, f := range errs {
			b, _ := os.ReadFile(f)
			t.Errorf("node-cot refused %s: %s", filepath.Base(f), b)
		}
		bins, _ := filepath.Glob(filepath.Join(out, "samples", "*.bin"))
		if len(bins) != 38 {
			t.Errorf("%d samples converted, want the 10 messages and the 28 of the track", len(bins))
		}
		for _, f := range bins {
			name := strings.TrimSuffix(filepath.Base(f), ".bin") + ".xml"
			orig, err := os.ReadFile(filepath.Join(samples, name))
			if err != nil {
				orig, err = os.ReadFile(filepath.Join(samples, "track-C0rv0", name))
			}
			if err != nil {
				t.Fatal(err)
			}
			bin, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := cot.DecodeProto(bin)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			x, err := cot.Decode(orig)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			// node-cot's to_proto leaves out <precisionlocation>.
			delete(x.Properties, "geopoint_source")
			delete(x.Properties, "altitude_source")
			t.Run(name, func(t *testing.T) { sameEvent(t, *m.Event, x) })
		}
	})
}

// TestStream: XML events, streaming frames and mesh frames in one stream;
// every bad frame is skipped with a FrameError and the good frame after
// it comes out whole.
func TestStream(t *testing.T) {
	good := func(uid string) []byte { return cotEvent(uid, "a-f-G", "2026-05-01T02:05:00Z", "", "0", "") }
	tests := []struct {
		name   string
		parts  [][]byte
		want   []string // subjects, "!" for a skipped frame
		endErr error
	}{
		{"xml, streaming, mesh", [][]byte{good("x1"), cot.StreamFrame(pli("p1")), []byte("\n"), cot.MeshFrame(pli("m1")), good("x2")},
			[]string{"x1", "p1", "m1", "x2"}, io.EOF},
		{"bare mesh header", [][]byte{{0xbf, 0x01, 0xbf}, good("x1")}, []string{"!", "x1"}, io.EOF},
		{"bare streaming header", [][]byte{{0xbf}, good("x1")}, []string{"!", "x1"}, io.EOF},
		{"length too long for its frame", [][]byte{{0xbf, 0x7f, 0x0a, 0x00}, good("x1"), cot.StreamFrame(pli("p1"))}, []string{"!", "x1", "p1"}, io.EOF},
		{"length over the next frame", [][]byte{{0xbf, 0x06, 0x12, 0x02, 0x0a, 0x00}, cot.StreamFrame(pli("p1"))}, []string{"!", "p1"}, io.EOF},
		{"frame not a TakMessage", [][]byte{cot.StreamFrame([]byte("hello, world")), good("x1")}, []string{"!", "x1"}, io.EOF},
		{"length 0", [][]byte{{0xbf, 0x00}, cot.StreamFrame(pli("p1"))}, []string{"!", "p1"}, io.EOF},
		{"mesh version 2", [][]byte{{0xbf, 0x02, 0xbf}, cot.StreamFrame(pli("p1"))}, []string{"!", "p1"}, io.EOF},
		{"noise", [][]byte{[]byte("GET / HTTP/1.0\r\n"), good("x1")}, []string{"!", "x1"}, io.EOF},
		{"event that never ends", [][]byte{[]byte(`<event uid="cut" type="a`), good("x1")}, []string{"!", "x1"}, io.EOF},
		{"event cut by a frame", [][]byte{[]byte(`<event uid="cut" type="a`), cot.StreamFrame(pli("p1")), good("x1")}, []string{"!", "p1", "x1"}, io.EOF},
		{"UTF-8 text with 0xbf inside", [][]byte{cotEvent("中文¿", "a-f-G", "2026-05-01T02:05:00Z", "", "0", "<remarks>¿¿</remarks>")}, []string{"中文¿"}, io.EOF},
		{"ends in a frame", [][]byte{cot.StreamFrame(pli("p1"))[:30]}, nil, io.ErrUnexpectedEOF},
		{"ends in an event", [][]byte{good("x1")[:50]}, nil, io.ErrUnexpectedEOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A reader that returns a byte at a time as well as one that
			// returns everything: frames must not depend on how TCP cuts
			// them.
			for _, slow := range []bool{false, true} {
				var r io.Reader = bytes.NewReader(bytes.Join(tc.parts, nil))
				if slow {
					r = &oneByte{r}
				}
				st := cot.NewStream(r, 1<<20)
				var got []string
				for {
					f, err := st.Next()
					var fe *cot.FrameError
					if errors.As(err, &fe) {
						got = append(got, "!")
						continue
					}
					if err != nil {
						if !errors.Is(err, tc.endErr) {
							t.Errorf("slow %v: ends with %v, want %v", slow, err, tc.endErr)
						}
						break
					}
					m, err := f.Decode()
					if err != nil {
						t.Fatalf("slow %v: frame %d (%q): %v", slow, len(got), f.Data, err)
					}
					got = append(got, m.Event.Subject)
				}
				if strings.Join(got, " ") != strings.Join(tc.want, " ") {
					t.Errorf("slow %v: frames %q, want %q", slow, got, tc.want)
				}
			}
		})
	}
}

type oneByte struct{ r io.Reader }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// TestStreamTooLarge: a frame over the limit ends the stream.
func TestStreamTooLarge(t *testing.T) {
	for _, in := range [][]byte{cot.StreamFrame(pli("p1")), good2(), append([]byte{0xbf}, protowire.AppendVarint(nil, 1<<40)...)} {
		st := cot.NewStream(bytes.NewReader(in), 100)
		if _, err := st.Next(); !errors.Is(err, cot.ErrTooLarge) {
			t.Errorf("%.20q: %v, want ErrTooLarge", in, err)
		}
	}
}

func good2() []byte { return cotEvent("x1", "a-f-G", "2026-05-01T02:05:00Z", "", "0", "") }

// TestNegotiation: the three negotiation events decode as CoT and say
// what they should.
func TestNegotiation(t *testing.T) {
	now := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	q, err := cot.Decode(cot.ProtocolRequest("takp-<1>", 1, now))
	if err != nil || cot.RequestedVersion(q) != 1 || q.Subject != "takp-<1>" || q.Properties["cot_type"] != "t-x-takp-q" {
		t.Errorf("request: %+v %v", q, err)
	}
	for _, b := range [][]byte{cot.ProtocolOffer("o", now), cot.ProtocolResponse("o", true, now)} {
		e, err := cot.Decode(b)
		if err != nil || cot.RequestedVersion(e) != 0 {
			t.Errorf("%s: %v", b, err)
		}
	}
	if !bytes.Contains(cot.ProtocolOffer("o", now), []byte(`<TakProtocolSupport version="1"/>`)) ||
		!bytes.Contains(cot.ProtocolResponse("o", false, now), []byte(`<TakResponse status="false"/>`)) {
		t.Error("offer or response written wrong")
	}
}

// BenchmarkTAKStream reads and decodes a stream of 1000 TAK Protocol
// position reports, as the hub's TAK port does.
func BenchmarkTAKStream(b *testing.B) {
	var in bytes.Buffer
	for i := range 1000 {
		in.Write(cot.StreamFrame(pli("ANDROID-" + strconv.Itoa(i))))
	}
	b.SetBytes(int64(in.Len()))
	for b.Loop() {
		st := cot.NewStream(bytes.NewReader(in.Bytes()), 1<<20)
		n := 0
		for {
			f, err := st.Next()
			if err != nil {
				break
			}
			if _, err := f.Decode(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1000 {
			b.Fatalf("%d frames", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/event")
}

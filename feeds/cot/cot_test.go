package cot_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/testenv"
	"safetynet/feeds/cot"
	"safetynet/feeds/event"
)

func read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.SharedData(t, "cot/freetakserver/"+rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestDecodeFreeTAKServer decodes one real ATAK/WinTAK event of each type.
func TestDecodeFreeTAKServer(t *testing.T) {
	tests := []struct {
		file     string
		subject  string
		typ      string
		severity event.Severity
		time     string
		stale    string
		point    *orb.Point // nil: no position (0,0 placeholder)
		title    string
		props    map[string]any
		absent   []string // properties that must not be there (unknown hae/ce/le)
	}{
		{file: "a-f-G-U-C-1581185446278.xml", subject: "ANDROID-R52JB0CDC4E", typ: "track.friendly", severity: event.Minor,
			time: "2020-02-08T18:10:46.207Z", stale: "2020-02-08T18:11:13.207Z", title: "corvTab",
			props: map[string]any{"position": "unknown", "team": "Yellow", "platform": "ATAK-CIV"}, absent: []string{"hae_m", "ce_m", "le_m"}},
		{file: "a-f-G-E-V-C-1581185447835.xml", subject: "aa0b0312-b5cd-4c2c-bbbc-9c4c70216261", typ: "track.friendly", severity: event.Minor,
			time: "2020-02-08T18:10:44Z", stale: "2020-02-08T18:11:11Z", point: &orb.Point{-66.07737696, 43.97957317}, title: "Eliopoli HQ",
			props: map[string]any{"hae_m": 26.767999, "platform": "WinTAK-CIV", "role": "HQ"}, absent: []string{"ce_m", "le_m"}},
		{file: "a-f-G-1581185498052.xml", subject: "deccf9b1-ee37-4205-a235-a6d527fc7c24", typ: "track.friendly", severity: event.Minor,
			time: "2020-02-08T18:11:34Z", stale: "2020-02-15T18:11:34Z", point: &orb.Point{-66.1382602, 44.2198868}, title: "F.1.184814",
			props: map[string]any{"hae_m": -13.62, "parent_callsign": "Eliopoli HQ"}, absent: []string{"ce_m"}},
		{file: "a-h-G-1581185498005.xml", subject: "abc9a11f-0dcf-489f-94fa-629e078bec42", typ: "track.hostile", severity: event.Severe,
			time: "2020-02-08T18:11:34Z", stale: "2020-02-15T18:11:34Z", point: &orb.Point{-66.1405296, 44.2202054}, title: "Command & Control Team"},
		{file: "a-u-G-1581185491946.xml", subject: "92174c22-0276-44e4-a646-efe2dc685e97", typ: "track.unknown", severity: event.Minor,
			time: "2020-02-08T18:11:31.909Z", stale: "2020-02-08T18:16:31.909Z", point: &orb.Point{-66.09768323049404, 44.006125166410875}, title: "soldier6 3"},
		{file: "a-u-G-E-V-1581186126505.xml", subject: "fdeb9d7f-b852-49e6-a225-16026c5e7c0f", typ: "track.unknown", severity: event.Minor,
			time: "2020-02-08T18:22:06.444Z", stale: "2020-02-08T18:27:06.444Z", point: &orb.Point{-66.12637503716769, 43.96593288623321}, title: "jeep2 1"},
		{file: "a-u-A-M-F-1581185491901.xml", subject: "d5651aa8-26e7-4bd3-8faa-cca19a1de44e", typ: "track.unknown", severity: event.Minor,
			time: "2020-02-08T18:11:31.863Z", stale: "2020-02-08T18:16:31.863Z", point: &orb.Point{-66.00000617323784, 43.99351382134559}, title: "ISR2 2"},
		{file: "a-u-A-M-H-1581185489385.xml", subject: "a7491a74-6eaf-45db-8f5b-3e8c388d0370", typ: "track.unknown", severity: event.Minor,
			time: "2020-02-08T18:11:29.319Z", stale: "2020-02-08T18:16:29.319Z", point: &orb.Point{-66.10185654356638, 43.98084709742826}, title: "LittleBird 1"},
		{file: "b-m-p-s-m-1581185985900.xml", subject: "d287532a-f43a-4a6c-bd36-a83539851905", typ: "marker.point", severity: event.Minor,
			time: "2020-02-08T18:19:40Z", stale: "2020-02-08T18:24:40Z", point: &orb.Point{-66.12612142, 43.96810741}, title: "Y 1",
			absent: []string{"hae_m"}},
		{file: "b-t-f-1581185463563.xml", subject: "GeoChat.ANDROID-R52JB0CDC4E.Eliopoli HQ.a379f777-5d5a-4b14-8511-533f8e33044a", typ: "chat.message",
			severity: event.Minor, time: "2020-02-08T18:11:03.516Z", stale: "2020-02-09T18:11:03.516Z", title: "corvTab",
			props: map[string]any{"chatroom": "Eliopoli HQ", "position": "unknown"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			e, err := cot.Decode(read(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if e.Subject != tc.subject || e.Type != tc.typ || e.Severity != tc.severity || e.Status != event.Actual || e.Op != event.Report {
				t.Errorf("subject %q type %q severity %q status %q op %q", e.Subject, e.Type, e.Severity, e.Status, e.Op)
			}
			if !strings.HasPrefix(e.ID, tc.subject+"@2020-02-08T") {
				t.Errorf("id %q, want uid@time", e.ID)
			}
			if !e.Time.Equal(ts(tc.time)) || !e.Stale.Equal(ts(tc.stale)) || !e.Expires.Equal(ts(tc.stale).Add(cot.RemoveAfter)) {
				t.Errorf("time %v stale %v expires %v", e.Time, e.Stale, e.Expires)
			}
			if tc.point == nil {
				if e.Geometry != nil {
					t.Errorf("geometry %v, want none for the 0,0 placeholder", e.Geometry)
				}
			} else if e.Geometry != *tc.point {
				t.Errorf("geometry %v, want %v", e.Geometry, *tc.point)
			}
			if e.Title != tc.title {
				t.Errorf("title %q", e.Title)
			}
			for k, v := range tc.props {
				if e.Properties[k] != v {
					t.Errorf("property %s = %v, want %v", k, e.Properties[k], v)
				}
			}
			for _, k := range tc.absent {
				if v, ok := e.Properties[k]; ok {
					t.Errorf("property %s = %v: 9999999 means unknown and must be left out", k, v)
				}
			}
		})
	}
}

// TestTrack decodes the 28 position reports of one ATAK device, about 30 s
// apart: one subject, times in order, each replacing the last, positions
// moving at walking pace.
func TestTrack(t *testing.T) {
	dir := testenv.SharedData(t, "cot/freetakserver/track-C0rv0")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) != 28 {
		t.Fatalf("%d files, want 28", len(files))
	}
	sort.Strings(files)
	var p event.Picture
	var prev event.Event
	ids := map[string]bool{}
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e, err := cot.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if e.Subject != "ANDROID-351811095448994" || e.Type != "track.friendly" || e.Title != "C0rv0" {
			t.Fatalf("%s: subject %q type %q title %q", f, e.Subject, e.Type, e.Title)
		}
		if ids[e.ID] {
			t.Fatalf("%s: id %q repeats", f, e.ID)
		}
		ids[e.ID] = true
		pt, ok := e.Geometry.(orb.Point)
		if !ok || pt[1] < 43.9 || pt[1] > 44.0 || pt[0] < -66.2 || pt[0] > -66.0 {
			t.Fatalf("%s: position %v outside the capture area", f, e.Geometry)
		}
		if d := e.Stale.Sub(e.Time); d < 30*time.Second || d > 2*time.Minute {
			t.Errorf("%s: stale %v after time, want ATAK's 30 s to 2 min", f, d)
		}
		if i > 0 {
			if !e.Time.After(prev.Time) {
				t.Errorf("%s: time %v not after %v", f, e.Time, prev.Time)
			}
			d := geo.Distance(prev.Geometry.(orb.Point), pt)
			if v := d / e.Time.Sub(prev.Time).Seconds(); v > 15 {
				t.Errorf("%s: %.0f m in %v: %.1f m/s is not a person's pace", f, d, e.Time.Sub(prev.Time), v)
			}
		}
		subj, st := p.Apply(e, e.Time)
		if subj != e.Subject || st != event.Fresh || p.Len() != 1 {
			t.Fatalf("%s: picture has %d subjects, %q is %s", f, p.Len(), subj, st)
		}
		prev = e
	}
	if got, _ := p.Get("ANDROID-351811095448994"); got.ID != prev.ID {
		t.Errorf("the picture holds %s, want the last report %s", got.ID, prev.ID)
	}
	if st := p.State("ANDROID-351811095448994", prev.Stale); st != event.StaleState {
		t.Errorf("at its stale time the track is %s", st)
	}
	if n := len(p.Live(prev.Expires)); n != 0 {
		t.Errorf("%d live after expiry", n)
	}
}

const cotTmpl = `<?xml version="1.0" encoding="UTF-8"?>
<event version="2.0" uid="UID" type="TYPE" time="2026-05-01T02:00:00Z" start="2026-05-01T02:00:00Z" stale="STALE" how="m-g"OPEX>
<point lat="31.2" lon="121.6" hae="HAE" ce="12.5" le="9999999.0"/>
<detail>DETAIL</detail></event>`

func cotEvent(uid, typ, stale, opex, hae, detail string) []byte {
	if opex != "" {
		opex = ` opex="` + opex + `"`
	}
	return []byte(strings.NewReplacer("UID", uid, "TYPE", typ, "STALE", stale, "OPEX", opex, "HAE", hae, "DETAIL", detail).Replace(cotTmpl))
}

func TestDecodeCases(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		check   func(t *testing.T, e event.Event)
		wantErr string
	}{
		{name: "opex s marks a drill", in: cotEvent("u1", "a-f-G-U-C", "2026-05-01T02:05:00Z", "s-exercise", "10", ""),
			check: func(t *testing.T, e event.Event) {
				if e.Status != event.Exercise || e.Properties["opex"] != "s-exercise" {
					t.Errorf("status %q", e.Status)
				}
			}},
		{name: "opex o is real", in: cotEvent("u1", "a-f-G-U-C", "2026-05-01T02:05:00Z", "o", "10", ""),
			check: func(t *testing.T, e event.Event) {
				if e.Status != event.Actual {
					t.Errorf("status %q", e.Status)
				}
			}},
		{name: "999999 is unknown too", in: cotEvent("u1", "a-f-G", "2026-05-01T02:05:00Z", "", "999999", ""),
			check: func(t *testing.T, e event.Event) {
				if _, ok := e.Properties["hae_m"]; ok {
					t.Error("hae 999999 kept")
				}
				if e.Properties["ce_m"] != 12.5 {
					t.Errorf("ce %v", e.Properties["ce_m"])
				}
			}},
		{name: "drop-track: stale equal to start", in: cotEvent("u1", "a-f-G", "2026-05-01T02:00:00Z", "", "0", ""),
			check: func(t *testing.T, e event.Event) {
				if e.Op != event.Cancel || e.Subject != "u1" {
					t.Errorf("op %q subject %q", e.Op, e.Subject)
				}
			}},
		{name: "drop-track: stale before start", in: cotEvent("u1", "a-f-G", "2026-05-01T01:00:00Z", "", "0", ""),
			check: func(t *testing.T, e event.Event) {
				if e.Op != event.Cancel {
					t.Errorf("op %q", e.Op)
				}
			}},
		{name: "t-x-d-d deletes the linked uid", in: cotEvent("del-1", "t-x-d-d", "2026-05-01T02:05:00Z", "", "0", `<link uid="u1" relation="none" type="none"/>`),
			check: func(t *testing.T, e event.Event) {
				if e.Op != event.Cancel || e.Subject != "u1" {
					t.Errorf("op %q subject %q", e.Op, e.Subject)
				}
			}},
		{name: "emergency", in: cotEvent("u1-9-1-1", "b-a-o-tbl", "2026-05-01T02:05:00Z", "", "0", `<emergency type="911 Alert">C0rv0</emergency><remarks>help</remarks>`),
			check: func(t *testing.T, e event.Event) {
				if e.Type != "alarm.emergency" || e.Severity != event.Extreme || e.Description != "help" || e.Properties["emergency"] != "911 Alert" {
					t.Errorf("%+v", e)
				}
			}},
		{name: "unknown type keeps its name", in: cotEvent("u1", "y-Z-9", "2026-05-01T02:05:00Z", "", "0", ""),
			check: func(t *testing.T, e event.Event) {
				if e.Type != "cot.y-z-9" || e.Properties["cot_type"] != "y-Z-9" {
					t.Errorf("type %q", e.Type)
				}
			}},
		{name: "drawing with waypoints is a polygon", in: cotEvent("f1", "u-d-f", "2026-05-01T02:05:00Z", "", "0",
			`<link point="31.2,121.6"/><link point="31.2,121.601"/><link point="31.201,121.601"/><link point="31.2,121.6"/>`),
			check: func(t *testing.T, e event.Event) {
				p, ok := e.Geometry.(orb.Polygon)
				if !ok || len(p[0]) != 4 || p[0][1] != (orb.Point{121.601, 31.2}) {
					t.Errorf("geometry %v", e.Geometry)
				}
			}},
		{name: "route is a line", in: cotEvent("r1", "b-m-r", "2026-05-01T02:05:00Z", "", "0",
			`<link uid="wp1" point="31.2,121.6"/><link uid="wp2" point="31.21,121.61"/>`),
			check: func(t *testing.T, e event.Event) {
				if l, ok := e.Geometry.(orb.LineString); !ok || len(l) != 2 || e.Type != "route" {
					t.Errorf("type %s geometry %v", e.Type, e.Geometry)
				}
			}},
		{name: "bad waypoint", in: cotEvent("f1", "u-d-f", "2026-05-01T02:05:00Z", "", "0", `<link point="x,1"/>`), wantErr: "link 1"},
		{name: "t-x-d-d without link", in: cotEvent("del-1", "t-x-d-d", "2026-05-01T02:05:00Z", "", "0", ""), wantErr: "without <link uid>"},
		{name: "no point", in: []byte(`<event version="2.0" uid="u" type="a-f-G" time="2026-05-01T02:00:00Z" start="2026-05-01T02:00:00Z" stale="2026-05-01T02:05:00Z"/>`), wantErr: "0 <point> elements"},
		{name: "two points", in: []byte(`<event version="2.0" uid="u" type="a-f-G" time="2026-05-01T02:00:00Z" start="2026-05-01T02:00:00Z" stale="2026-05-01T02:05:00Z"><point lat="1" lon="1"/><point lat="1" lon="1"/></event>`), wantErr: "2 <point> elements"},
		{name: "bad latitude", in: []byte(`<event version="2.0" uid="u" type="a-f-G" time="2026-05-01T02:00:00Z" start="2026-05-01T02:00:00Z" stale="2026-05-01T02:05:00Z"><point lat="91" lon="1"/></event>`), wantErr: "not a position"},
		{name: "no uid", in: []byte(`<event type="a"/>`), wantErr: "without uid"},
		{name: "no stale", in: []byte(`<event uid="u" type="a-f-G" time="2026-05-01T02:00:00Z" start="2026-05-01T02:00:00Z"><point lat="1" lon="1"/></event>`), wantErr: "stale is missing"},
		{name: "bad time", in: []byte(`<event uid="u" type="a-f-G" time="now" start="2026-05-01T02:00:00Z" stale="2026-05-01T02:05:00Z"><point lat="1" lon="1"/></event>`), wantErr: "time:"},
		{name: "not an event", in: []byte(`<alert/>`), wantErr: "root element is <alert>"},
		{name: "empty", in: nil, wantErr: "empty document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := cot.Decode(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, e)
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	tm := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	tests := []event.Event{
		{ID: "P1@1", Subject: "P1", Type: "patrol.position", Severity: event.Minor, Status: event.Actual, Time: tm, Stale: tm.Add(time.Minute),
			Expires: tm.Add(6 * time.Minute), Geometry: orb.Point{121.6, 31.2}, Source: "patrol:P1", Title: "Patrol 1", Description: "round 3 <ok> & on time"},
		{ID: "IN-3", Type: "intrusion.perimeter", Severity: event.Severe, Status: event.Exercise, Time: tm, Expires: tm.Add(time.Hour),
			Geometry: orb.Polygon{{{121.6, 31.2}, {121.602, 31.2}, {121.602, 31.202}, {121.6, 31.2}}}, Title: "Fence",
			Properties: map[string]any{"drill": "Night fire", "drill_id": "DR-1-20260501", "inject": "3"}},
		{ID: "DEL-1", Subject: "P1", Type: "patrol.position", Severity: event.Minor, Status: event.Actual, Time: tm, Op: event.Cancel},
	}
	for _, e := range tests {
		t.Run(e.ID, func(t *testing.T) {
			b, err := cot.Encode(e)
			if err != nil {
				t.Fatal(err)
			}
			got, err := cot.Decode(b)
			if err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if got.ID != e.ID || got.Type != e.Type || got.Severity != e.Severity || got.Status != e.Status || got.Op != e.Op ||
				got.SubjectOrID() != e.SubjectOrID() || !got.Time.Equal(e.Time) || got.Description != e.Description {
				t.Errorf("round trip:\n got %+v\nwant %+v\n%s", got, e, b)
			}
			if e.Op == event.Cancel {
				if !bytes.Contains(b, []byte(`type="t-x-d-d"`)) {
					t.Errorf("a cancel is written as t-x-d-d:\n%s", b)
				}
				return
			}
			c := e.Geometry.Bound().Center()
			if got.Geometry != c {
				t.Errorf("point %v, want %v", got.Geometry, c)
			}
			if e.Status == event.Exercise && !bytes.Contains(b, []byte(`opex="s`)) {
				t.Errorf("drill without opex s:\n%s", b)
			}
			for _, k := range []string{"drill", "drill_id", "inject"} {
				if want, _ := e.Properties[k].(string); got.Properties[k] != nil && got.Properties[k] != want || want != "" && got.Properties[k] != want {
					t.Errorf("property %s: got %v, want %q\n%s", k, got.Properties[k], want, b)
				}
			}
		})
	}
}

func TestScanner(t *testing.T) {
	one := cotEvent("u1", "a-f-G", "2026-05-01T02:05:00Z", "", "0", "")
	two := cotEvent("u2", "a-f-G", "2026-05-01T02:05:00Z", "", "0", "")
	tests := []struct {
		name    string
		stream  string
		max     int
		want    int
		wantErr error
	}{
		{"two events with declarations", string(one) + "\n" + string(two) + "\n", 1 << 20, 2, io.EOF},
		{"no separator", string(one) + string(two), 1 << 20, 2, io.EOF},
		{"ends inside an event", string(one) + string(two[:40]), 1 << 20, 1, io.ErrUnexpectedEOF},
		{"too large", string(one), 100, 0, cot.ErrTooLarge},
		{"empty", "", 100, 0, io.EOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := cot.NewScanner(strings.NewReader(tc.stream), tc.max)
			n := 0
			for {
				b, err := sc.Next()
				if err != nil {
					if !errors.Is(err, tc.wantErr) {
						t.Errorf("error %v, want %v", err, tc.wantErr)
					}
					break
				}
				if _, err := cot.Decode(b); err != nil {
					t.Errorf("event %d: %v", n, err)
				}
				n++
			}
			if n != tc.want {
				t.Errorf("%d events, want %d", n, tc.want)
			}
		})
	}
}

package cap_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/testenv"
	"safetynet/feeds/cap"
	"safetynet/feeds/event"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestDecodeReal decodes the four OASIS CAP 1.2 examples and the real CAP
// messages of ../shared/data/cap.
func TestDecodeReal(t *testing.T) {
	tests := []struct {
		file     string
		id       string
		typ      string
		severity event.Severity
		status   event.Status
		op       event.Op
		sent     string
		expires  string // "" for none
		refs     []string
		geom     func(t *testing.T, g orb.Geometry)
		title    string
	}{
		{
			file: "oasis-1.2-examples/Oasis_HomelandAlert.xml", id: "hsas@dhs.gov,43b080713727", typ: "alert.security",
			severity: event.Severe, status: event.Actual, sent: "2003-04-02T14:39:01-05:00",
			geom:  func(t *testing.T, g orb.Geometry) { isNil(t, g) },
			title: "Homeland Security Sets Code ORANGE",
		},
		{
			file: "oasis-1.2-examples/Oasis_ThunderstormWarning.xml", id: "KSTO@NWS.NOAA.GOV,KSTO1055887203", typ: "alert.met",
			severity: event.Severe, status: event.Actual, sent: "2003-06-17T14:57:00-07:00", expires: "2003-06-17T16:00:00-07:00",
			geom: func(t *testing.T, g orb.Geometry) {
				p, ok := g.(orb.Polygon)
				if !ok || len(p) != 1 || len(p[0]) != 5 {
					t.Fatalf("geometry %#v, want a polygon of 5 positions", g)
				}
				if p[0][0] != (orb.Point{-120.14, 38.47}) || p[0][2] != (orb.Point{-119.74, 38.52}) {
					t.Errorf("polygon positions (lon, lat) %v", p[0])
				}
			},
			title: "SEVERE THUNDERSTORM WARNING",
		},
		{
			file: "oasis-1.2-examples/Oasis_EarthquakeReport.xml", id: "trinet@caltech.edu,TRI13970876.2", typ: "alert.geo",
			severity: event.Minor, status: event.Actual, op: event.Update, sent: "2003-06-11T20:56:00-07:00",
			refs: []string{"trinet@caltech.edu,TRI13970876.1"},
			geom: func(t *testing.T, g orb.Geometry) {
				if g != (orb.Point{-115.5527, 32.9525}) {
					t.Errorf("geometry %v, want the circle's centre as a point (radius 0)", g)
				}
			},
			title: "EQ 3.4 Imperial County CA",
		},
		{
			file: "oasis-1.2-examples/Oasis_AmberAlert.xml", id: "KARO@CLETS.DOJ.CA.GOV,KAR0-0306112239-SW", typ: "alert.rescue",
			severity: event.Severe, status: event.Actual, sent: "2003-06-11T22:39:00-07:00",
			geom:  func(t *testing.T, g orb.Geometry) { isNil(t, g) },
			title: "Amber Alert in Los Angeles County",
		},
		{
			file: "real/google-caplib-canada.cap", id: "cap@ec.gc.ca,2.49.0.1.124.6bddbc91.2012", typ: "alert.met",
			severity: event.Minor, status: event.Actual, op: event.Update, sent: "2012-05-02T23:21:04-00:00", expires: "2012-05-03T00:20:00-00:00",
			refs: []string{"cap@ec.gc.ca,2.49.0.1.124.a3f342a4.2012", "cap@ec.gc.ca,2.49.0.1.124.60f31a3a.2012"},
			geom: func(t *testing.T, g orb.Geometry) {
				mp, ok := g.(orb.MultiPolygon)
				if !ok || len(mp) != 2 {
					t.Fatalf("geometry %T, want the 2 polygons of the English info", g)
				}
				if mp[0][0][0] != (orb.Point{-82.9314, 42.3481}) {
					t.Errorf("first position %v", mp[0][0][0])
				}
			},
			title: "severe thunderstorm watch",
		},
		{
			file: "real/google-caplib-weather.cap", id: "w-nws.webmaster@noaa.gov,NOAA-NWS-ALERTS-MT20100830100700TFXFlashFloodWatchTFX20100830180000MT",
			typ: "alert.met", severity: event.Severe, status: event.Actual, sent: "2010-08-30T04:07:00-06:00", expires: "2010-08-30T12:00:00-06:00",
			geom:  func(t *testing.T, g orb.Geometry) { isNil(t, g) },
			title: "Flash Flood Watch issued August 30 at 4:07AM MDT expiring August 30 at 12:00PM MDT by NWS GreatFalls",
		},
		{
			file: "real/google-caplib-earthquake.cap", id: "http://earthquake.usgs.gov/research/monitoring/anss/neic/,USGS-earthquakes-us2010apcd.6.20100831T000925.496Z",
			typ: "alert.geo", severity: event.UnknownSeverity, status: event.Actual, sent: "2010-08-31T00:09:25-05:00", expires: "2010-09-02T00:09:25-05:00",
			geom: func(t *testing.T, g orb.Geometry) {
				if g != (orb.Point{-173.274, -16.053}) {
					t.Errorf("geometry %v", g)
				}
			},
			title: "EQ 6.3 Neiafu, Tonga - PRELIMINARY REPORT",
		},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			data, err := os.ReadFile(testenv.SharedData(t, "cap/"+tc.file))
			if err != nil {
				t.Fatal(err)
			}
			e, err := cap.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if e.ID != tc.id || e.Type != tc.typ || e.Severity != tc.severity || e.Status != tc.status || e.Op != tc.op {
				t.Errorf("got id %q type %q severity %q status %q op %q", e.ID, e.Type, e.Severity, e.Status, e.Op)
			}
			if !e.Time.Equal(mustTime(t, tc.sent)) {
				t.Errorf("time %v, want %s", e.Time, tc.sent)
			}
			if _, off := e.Time.Zone(); off != func() int { _, o := mustTime(t, tc.sent).Zone(); return o }() {
				t.Errorf("time %v lost its offset", e.Time)
			}
			if tc.expires == "" && !e.Expires.IsZero() || tc.expires != "" && !e.Expires.Equal(mustTime(t, tc.expires)) {
				t.Errorf("expires %v, want %q", e.Expires, tc.expires)
			}
			if strings.Join(e.References, " ") != strings.Join(tc.refs, " ") {
				t.Errorf("references %q, want %q", e.References, tc.refs)
			}
			if e.Title != tc.title {
				t.Errorf("title %q", e.Title)
			}
			if e.Format != event.CAP {
				t.Errorf("format %q", e.Format)
			}
			tc.geom(t, e.Geometry)
		})
	}
}

func isNil(t *testing.T, g orb.Geometry) {
	t.Helper()
	if g != nil {
		t.Errorf("geometry %v, want none (the areas have only descriptions and geocodes)", g)
	}
}

const alertTmpl = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>ID</identifier>
  <sender>guard@anhe.example</sender>
  <sent>2026-05-01T10:15:00+08:00</sent>
  <status>STATUS</status>
  <msgType>MSGTYPE</msgType>
  <scope>Public</scope>REFS
  <info>
    <category>Fire</category>
    <event>fire.smoke</event>
    <urgency>Immediate</urgency>
    <severity>Extreme</severity>
    <certainty>Observed</certainty>
    <expires>2026-05-01T11:15:00+08:00</expires>
    <headline>Smoke in block 12</headline>
    <area><areaDesc>Block 12</areaDesc>AREA</area>
  </info>
</alert>`

func alert(id, status, msgType, refs, area string) []byte {
	r := strings.NewReplacer("ID", id, "STATUS", status, "MSGTYPE", msgType, "REFS", refs, "AREA", area)
	return []byte(r.Replace(alertTmpl))
}

func TestDecodeCases(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		check   func(t *testing.T, e event.Event)
		wantErr string
	}{
		{
			name: "our type, circle in km", in: alert("A1", "Actual", "Alert", "", "<circle>31.2,121.6 0.5</circle>"),
			check: func(t *testing.T, e event.Event) {
				if e.Type != "fire.smoke" || e.Severity != event.Extreme {
					t.Errorf("type %q severity %q", e.Type, e.Severity)
				}
				p, ok := e.Geometry.(orb.Polygon)
				if !ok || len(p[0]) != cap.CircleSegments+1 {
					t.Fatalf("geometry %T", e.Geometry)
				}
				for _, v := range p[0] {
					if d := geo.Distance(orb.Point{121.6, 31.2}, v); d < 499 || d > 501 {
						t.Fatalf("vertex %v is %.1f m from the centre, want 500 m", v, d)
					}
				}
			},
		},
		{
			name: "exercise is kept and marked", in: alert("A2", "Exercise", "Alert", "", "<polygon>31.2,121.6 31.2,121.61 31.21,121.61 31.2,121.6</polygon>"),
			check: func(t *testing.T, e event.Event) {
				if e.Status != event.Exercise || !e.IsDrill() || e.Properties["cap_status"] != "Exercise" {
					t.Errorf("status %q", e.Status)
				}
			},
		},
		{
			name: "test status", in: alert("A3", "Test", "Alert", "", ""),
			check: func(t *testing.T, e event.Event) {
				if e.Status != event.Test {
					t.Errorf("status %q", e.Status)
				}
			},
		},
		{
			name: "cancel through references", in: alert("A4", "Actual", "Cancel", "\n<references>guard@anhe.example,A1,2026-05-01T10:15:00+08:00</references>", ""),
			check: func(t *testing.T, e event.Event) {
				if e.Op != event.Cancel || len(e.References) != 1 || e.References[0] != "guard@anhe.example,A1" {
					t.Errorf("op %q refs %q", e.Op, e.References)
				}
			},
		},
		{
			name: "unclosed polygon is closed", in: alert("A5", "Actual", "Alert", "", "<polygon>31.2,121.6 31.2,121.61 31.21,121.61</polygon>"),
			check: func(t *testing.T, e event.Event) {
				p := e.Geometry.(orb.Polygon)
				if len(p[0]) != 4 || p[0][0] != p[0][3] {
					t.Errorf("ring %v", p[0])
				}
			},
		},
		{name: "update without references", in: alert("B1", "Actual", "Update", "", ""), wantErr: "without <references>"},
		{name: "bad status", in: alert("B2", "Real", "Alert", "", ""), wantErr: `<status> "Real"`},
		{name: "bad msgType", in: alert("B3", "Actual", "Warning", "", ""), wantErr: `<msgType> "Warning"`},
		{name: "bad reference", in: alert("B4", "Actual", "Update", "<references>A1</references>", ""), wantErr: "not sender,identifier,sent"},
		{name: "bad polygon", in: alert("B5", "Actual", "Alert", "", "<polygon>31.2,121.6 91,0 31.21,121.61 31.2,121.6</polygon>"), wantErr: "area 1 polygon 1"},
		{name: "short polygon", in: alert("B6", "Actual", "Alert", "", "<polygon>31.2,121.6 31.2,121.61</polygon>"), wantErr: "at least 4"},
		{name: "bad circle", in: alert("B7", "Actual", "Alert", "", "<circle>31.2,121.6</circle>"), wantErr: "circle 1"},
		{name: "negative radius", in: alert("B8", "Actual", "Alert", "", "<circle>31.2,121.6 -1</circle>"), wantErr: "radius"},
		{name: "missing sender", in: []byte(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>`), wantErr: "<sender> is missing"},
		{name: "bad time", in: []byte(strings.Replace(string(alert("B9", "Actual", "Alert", "", "")), "2026-05-01T10:15:00+08:00", "1 May 2026", 1)), wantErr: "<sent>"},
		{name: "not CAP namespace", in: []byte(`<alert xmlns="urn:example"><identifier>x</identifier></alert>`), wantErr: "namespace"},
		{name: "not an alert", in: []byte(`<feed xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`), wantErr: "root element is <feed>"},
		{name: "not XML", in: []byte(`hello`), wantErr: "not a CAP alert"},
		{name: "other charset", in: []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><alert/>`), wantErr: "not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := cap.Decode(tc.in)
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
	if _, err := cap.Decode([]byte("<x")); err == nil || errors.Is(err, cap.ErrNotCAP) {
		t.Errorf("truncated XML: %v", err)
	}
}

// emitted are events of our own, of every shape, as CAP must carry them.
func emitted() []event.Event {
	tm := time.Date(2026, 5, 1, 10, 15, 0, 0, time.FixedZone("CST", 8*3600))
	base := event.Event{ID: "SD-07-1", Type: "fire.smoke", Severity: event.Severe, Status: event.Actual, Time: tm,
		Expires: tm.Add(time.Hour), Geometry: orb.Point{121.6012, 31.2003}, Source: "sensor:SD-07", Title: "Smoke in the e-bike shed",
		Description: "Detector SD-07 reports smoke & heat <fast>", Properties: map[string]any{"building": "B12", "level": 1.0, "confirmed": true}}
	poly := base
	poly.ID, poly.Type, poly.Status = "IN-3", "intrusion.perimeter", event.Exercise
	poly.Geometry = orb.Polygon{{{121.6, 31.2}, {121.601, 31.2}, {121.601, 31.201}, {121.6, 31.2}}}
	multi := base
	multi.ID, multi.Status, multi.Severity = "MP-1", event.Test, event.UnknownSeverity
	multi.Geometry = orb.MultiPolygon{poly.Geometry.(orb.Polygon), {{{121.7, 31.3}, {121.701, 31.3}, {121.701, 31.301}, {121.7, 31.3}}}}
	utc := base
	utc.ID, utc.Time, utc.Geometry, utc.Expires = "UTC 1,2", tm.UTC(), nil, time.Time{}
	upd := base
	upd.ID, upd.Op, upd.References = "SD-07-2", event.Update, []string{"SD-07-1"}
	cancel := event.Event{ID: "SD-07-3", Type: "fire.smoke", Time: tm.Add(time.Minute), Op: event.Cancel, References: []string{"SD-07-1"}}
	out := []event.Event{base, poly, multi, utc, upd, cancel}
	for i := range out {
		if err := out[i].Validate(); err != nil {
			panic(err)
		}
	}
	return out
}

// TestEncodeValidates writes our events and the real messages as CAP 1.2
// and validates each against the OASIS schema with xmllint.
func TestEncodeValidates(t *testing.T) {
	xsd := testenv.SharedData(t, "cap/CAP-v1.2.xsd")
	xmllint := testenv.Tool(t, "xmllint")
	events := emitted()
	byID := map[string]event.Event{}
	for _, e := range events {
		byID[e.ID] = e
	}
	enc := cap.Encoder{Sender: "hub@anhe.example", Lookup: func(id string) (event.Event, bool) { e, ok := byID[id]; return e, ok }}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(xsd), "*", "*.*"))
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".cap" && ext != ".xml" {
			continue // licences, provenance notes
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e, err := cap.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		events = append(events, e)
	}
	dir := t.TempDir()
	for i, e := range events {
		t.Run(e.ID, func(t *testing.T) {
			out, err := enc.Encode(e)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "alert"+string(rune('a'+i))+".xml")
			if err := os.WriteFile(p, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.Command(xmllint, "--noout", "--schema", xsd, p).CombinedOutput(); err != nil {
				t.Fatalf("xmllint: %v\n%s\n%s", err, b, out)
			}
			if utcWrong.Match(out) {
				t.Errorf("UTC must be written -00:00:\n%s", out)
			}
			back, err := cap.Decode(out)
			if err != nil {
				t.Fatalf("decode what we wrote: %v\n%s", err, out)
			}
			if back.Type != e.Type || back.Severity != e.Severity || back.Status != e.Status || back.Op != e.Op ||
				!back.Time.Equal(e.Time.Truncate(time.Second)) || !back.Expires.Equal(e.Expires.Truncate(time.Second)) {
				t.Errorf("round trip:\n got %+v\nwant %+v", back, e)
			}
			if (back.Geometry == nil) != (e.Geometry == nil) {
				t.Errorf("geometry %v, want %v", back.Geometry, e.Geometry)
			} else if e.Geometry != nil && back.Geometry.GeoJSONType() != e.Geometry.GeoJSONType() {
				t.Errorf("geometry %s, want %s", back.Geometry.GeoJSONType(), e.Geometry.GeoJSONType())
			}
		})
	}
}

var utcWrong = regexp.MustCompile(`<(sent|effective|onset|expires)>[^<]*(Z|\+00:00)<`)

func TestEncodeNeedsLookupForReferences(t *testing.T) {
	e := emitted()[4]
	if _, err := (cap.Encoder{}).Encode(e); err == nil || !strings.Contains(err.Error(), "sent time is unknown") {
		t.Errorf("error %v", err)
	}
}

// TestEntityDeclarationsRefused: an entity-expansion bomb (and any DOCTYPE)
// is refused with what and where, not as a damaged file.
func TestEntityDeclarationsRefused(t *testing.T) {
	body := string(alert("A1", "Actual", "Alert", "", "<circle>31.2,121.6 0.5</circle>"))
	bomb := `<?xml version="1.0"?>
<!DOCTYPE alert [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
` + strings.Replace(body, "<identifier>A1</identifier>", "<identifier>&lol3;</identifier>", 1)
	for _, tc := range []struct{ name, in, want string }{
		{"bomb", bomb, "XML entity declarations are not accepted (line 2)"},
		{"external entity", "<?xml version=\"1.0\"?>\n\n<!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + body, "XML entity declarations are not accepted (line 3)"},
		{"doctype", "<!DOCTYPE alert>\n" + body, "(<!DOCTYPE>) are not accepted (line 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cap.Decode([]byte(tc.in))
			if err == nil || !errors.Is(err, cap.ErrDeclarations) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	// A declaration-like text in a comment or in the text is not one.
	ok := strings.Replace(body, "<identifier>A1</identifier>", "<!-- <!ENTITY x \"y\"> --><identifier>A1</identifier>", 1)
	if _, err := cap.Decode([]byte(ok)); err != nil {
		t.Errorf("comment taken for a declaration: %v", err)
	}
}

// TestInfoLanguage: of an alert's infos in several languages the title and
// texts shown are those of the reader's language, else its base language,
// else English, else the first; the first info's language does not win by
// being first.
func TestInfoLanguage(t *testing.T) {
	read := func(rel string) event.Event {
		t.Helper()
		b, err := os.ReadFile(testenv.SharedData(t, "cap/"+rel))
		if err != nil {
			t.Fatal(err)
		}
		e, err := cap.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	canada := read("real/google-caplib-canada.cap")
	amber := read("oasis-1.2-examples/Oasis_AmberAlert.xml")
	heat := read("zh/fifows_heat_202404221428.cap")
	for _, tc := range []struct {
		name string
		e    event.Event
		lang string
		want string
	}{
		{"canada default", canada, "", "severe thunderstorm watch"},
		{"canada en", canada, "en", "severe thunderstorm watch"},
		{"canada fr", canada, "fr", "veille d'orages violents"},
		{"canada fr-CA exact", canada, "fr-CA", "veille d'orages violents"},
		{"canada fr_FR base", canada, "fr_FR", "veille d'orages violents"},
		{"canada de: English", canada, "de", "severe thunderstorm watch"},
		{"amber es", amber, "es", "Alerta Amber en el condado de Los Ángeles"},
		{"amber en-GB", amber, "en-GB", "Amber Alert in Los Angeles County"},
		{"one language, other reader", heat, "en", "高溫資訊"},
		{"one language, zh_Hans reader", heat, "zh_Hans", "高溫資訊"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.e
			if tc.lang != "" {
				got = tc.e.Localized(tc.lang)
			}
			if got.Title != tc.want {
				t.Errorf("title %q, want %q", got.Title, tc.want)
			}
		})
	}
	fr := canada.Localized("fr")
	if !strings.Contains(fr.Description, "essai") || fr.Properties["language"] != "fr-CA" {
		t.Errorf("French description %q language %v", fr.Description, fr.Properties["language"])
	}
	if canada.Properties["language"] != "en-CA" {
		t.Errorf("Localized changed the event it was given: %v", canada.Properties["language"])
	}

	// French first, English second: English is the default, French the
	// choice of a French reader; the choice survives the JSON envelope.
	body := string(alert("B1", "Actual", "Alert", "", "<circle>31.2,121.6 0.5</circle>"))
	info := body[strings.Index(body, "<info>") : strings.Index(body, "</info>")+len("</info>")]
	frInfo := strings.Replace(strings.Replace(info, "<info>", "<info><language>fr-CA</language>", 1), "<headline>", "<headline>Fumée ", 1)
	enInfo := strings.Replace(info, "<info>", "<info><language>en-CA</language>", 1)
	two := strings.Replace(body, info, frInfo+enInfo, 1)
	e, err := cap.Decode([]byte(two))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(e.Title, "Fumée") {
		t.Errorf("default title %q is the French info's", e.Title)
	}
	b, err := event.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	var back event.Event
	if err := back.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if got := back.Localized("fr").Title; !strings.HasPrefix(got, "Fumée") {
		t.Errorf("French reader after the envelope: %q", got)
	}
	if got := back.Localized("en_US").Title; got != e.Title {
		t.Errorf("English reader after the envelope: %q, want %q", got, e.Title)
	}
}

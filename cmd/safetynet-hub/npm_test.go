package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/testenv"
	"safetynet/feeds/cot"
	"safetynet/feeds/event"
)

// npmClients are the real clients from npm the hub is tested against.
var npmClients = []string{"@tak-ps/node-cot@14", "wscat@6"}

// npmPackages installs packages into a cache folder outside the
// repository (the user cache, or XDG_CACHE_HOME, which `go run ./cmd/dev` points
// at bin/) once, and returns that folder. Without node or npm, or when the
// registry cannot be reached, the test is skipped on a developer machine
// and fails in CI (CI=true).
func npmPackages(t *testing.T, pkgs ...string) string {
	t.Helper()
	testenv.Tool(t, "node")
	npm := testenv.Tool(t, "npm")
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "safetynet", "npm-clients")
	var missing []string
	for _, p := range pkgs {
		name := p[:strings.LastIndex(p, "@")]
		if _, err := os.Stat(filepath.Join(dir, "node_modules", name, "package.json")); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return dir
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, append([]string{"install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error"}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := fmt.Sprintf("npm install %s into %s: %v\n%s", strings.Join(pkgs, " "), dir, err, out)
		testenv.Missing(t, "%s", msg)
	}
	return dir
}

// makeCoT builds CoT events with @tak-ps/node-cot from GeoJSON features,
// as CloudTAK does, and prints them as a JSON array of XML strings.
const makeCoT = `import { CoTParser } from '@tak-ps/node-cot';
const [prefix, now, stale] = process.argv.slice(2);
const props = (type, callsign, how) => ({ type, how, callsign, remarks: 'from node-cot', time: now, start: now, stale });
const features = [
  { id: prefix + '-patrol-1', type: 'Feature', properties: props('a-f-G-U-C', 'Patrol 1', 'm-g'),
    geometry: { type: 'Point', coordinates: [121.6012, 31.2003, 5] } },
  { id: prefix + '-marker-1', type: 'Feature', properties: props('b-m-p-s-m', 'Smoke seen', 'h-g-i-g-o'),
    geometry: { type: 'Point', coordinates: [121.6031, 31.1994] } },
  { id: prefix + '-fence-1', type: 'Feature', properties: props('u-d-f', 'North fence', 'h-e'),
    geometry: { type: 'Polygon', coordinates: [[[121.6, 31.2], [121.601, 31.2], [121.601, 31.201], [121.6, 31.2]]] } },
];
const out = [];
for (const f of features) out.push(CoTParser.to_xml(await CoTParser.from_geojson(f)));
console.log(JSON.stringify(out));
`

// parseCoT parses a CoT event we wrote with node-cot and prints its
// GeoJSON.
const parseCoT = `import { CoTParser } from '@tak-ps/node-cot';
import { readFileSync } from 'node:fs';
const cot = CoTParser.from_xml(readFileSync(process.argv[2], 'utf8'));
console.log(JSON.stringify(await CoTParser.to_geojson(cot)));
`

// TestRealClients: CoT built by @tak-ps/node-cot is accepted over HTTP and
// over the TAK TCP port, wscat follows the stream with a token, and
// node-cot reads the CoT we write.
func TestRealClients(t *testing.T) {
	dir := npmPackages(t, npmClients...)
	node := testenv.Tool(t, "node")
	for name, src := range map[string]string{"make-cot.mjs": makeCoT, "parse-cot.mjs": parseCoT} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tmp := t.TempDir()
	db := filepath.Join(tmp, "hub.db")
	pub := addToken(t, db, "cloudtak", "publisher")
	view := addToken(t, db, "wall", "viewer")
	p := startProc(t, db, "127.0.0.1:0", "--tak-listen", "127.0.0.1:0")
	m := regexp.MustCompile(`tak (\S+)`).FindStringSubmatch(p.out.String())
	if m == nil {
		t.Fatalf("no TAK address:\n%s", p.out.String())
	}
	takAddr := m[1]
	now := time.Now().UTC()
	build := func(prefix string) []string {
		cmd := exec.Command(node, filepath.Join(dir, "make-cot.mjs"), prefix, now.Format(time.RFC3339), now.Add(10*time.Minute).Format(time.RFC3339))
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("node-cot: %v\n%s", err, stderr)
		}
		var xmls []string
		if err := json.Unmarshal(out, &xmls); err != nil || len(xmls) != 3 {
			t.Fatalf("node-cot printed %s", out)
		}
		return xmls
	}
	// Over HTTP.
	for _, x := range build("http") {
		req, _ := http.NewRequest(http.MethodPost, p.url+"/v1/events", strings.NewReader(x))
		req.Header.Set("Authorization", "Bearer "+pub)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var a map[string]any
		json.NewDecoder(resp.Body).Decode(&a)
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Fatalf("node-cot event refused over HTTP: %d %v\n%s", resp.StatusCode, a, x)
		}
	}
	// Over the TAK port, streamed back to back as TAK clients do.
	c, err := net.Dial("tcp", takAddr)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range build("tak") {
		c.Write([]byte(x))
	}
	c.Close()

	// wscat follows the stream with the viewer's token.
	wscat := filepath.Join(dir, "node_modules", "wscat", "bin", "wscat")
	ws := strings.Replace(p.url, "http://", "ws://", 1) + "/v1/stream?since=0"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, wscat, "--no-color", "-c", ws, "-H", "Authorization: Bearer "+view)
	stdout, _ := cmd.StdoutPipe()
	stdin, _ := cmd.StdinPipe() // wscat quits when its input ends
	defer stdin.Close()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	got := map[string]event.Message{}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<20)
	for len(got) < 6 && sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), ">"))
		line = strings.TrimSpace(strings.TrimPrefix(line, "<"))
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var msg event.Message
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			t.Fatalf("wscat printed a message that is not our JSON: %v\n%s", err, line)
		}
		got[msg.Event.Subject] = msg
	}
	cmd.Process.Kill()
	cmd.Wait()
	if len(got) < 6 {
		t.Fatalf("wscat showed %d events, want 6; stderr:\n%s", len(got), stderr.String())
	}
	for _, prefix := range []string{"http", "tak"} {
		wantPublisher := map[string]string{"http": "cloudtak", "tak": "tak"}[prefix]
		patrol, marker, fence := got[prefix+"-patrol-1"], got[prefix+"-marker-1"], got[prefix+"-fence-1"]
		if patrol.Event.Type != "track.friendly" || patrol.Event.Geometry != (orb.Point{121.6012, 31.2003}) || patrol.Event.Title != "Patrol 1" ||
			patrol.Event.Description != "from node-cot" || patrol.Publisher != wantPublisher || patrol.State != event.Fresh {
			t.Errorf("%s patrol: %+v", prefix, patrol)
		}
		if patrol.Event.Properties["hae_m"] != 5.0 {
			t.Errorf("%s patrol hae %v", prefix, patrol.Event.Properties["hae_m"])
		}
		if marker.Event.Type != "marker.point" || marker.Event.Geometry != (orb.Point{121.6031, 31.1994}) {
			t.Errorf("%s marker: %+v", prefix, marker.Event)
		}
		if poly, ok := fence.Event.Geometry.(orb.Polygon); !ok || fence.Event.Type != "drawing.shape" || len(poly[0]) != 4 || poly[0][1] != (orb.Point{121.601, 31.2}) {
			t.Errorf("%s fence: %+v", prefix, fence.Event)
		}
		if !patrol.Event.Expires.Equal(now.Truncate(time.Second).Add(10*time.Minute + cot.RemoveAfter)) {
			t.Errorf("%s patrol expires %v", prefix, patrol.Event.Expires)
		}
	}

	// wscat with a wrong token is refused.
	bad := exec.Command(node, wscat, "--no-color", "-c", ws, "-H", "Authorization: Bearer snt_wrong")
	hold, _ := bad.StdinPipe()
	defer hold.Close()
	out, err := bad.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "401") {
		t.Errorf("wscat with a wrong token: %v\n%s", err, out)
	}

	// node-cot reads the CoT we write.
	e := event.Event{ID: "P7@1", Subject: "P7", Type: "patrol.position", Severity: event.Minor, Status: event.Exercise, Time: now,
		Stale: now.Add(time.Minute), Geometry: orb.Point{121.6044, 31.2017}, Title: "Patrol 7"}
	xml, err := cot.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(tmp, "ours.xml")
	os.WriteFile(f, xml, 0o644)
	gj, err := exec.Command(node, filepath.Join(dir, "parse-cot.mjs"), f).CombinedOutput()
	if err != nil {
		t.Fatalf("node-cot cannot read our CoT: %v\n%s\n%s", err, gj, xml)
	}
	var feat struct {
		ID       string `json:"id"`
		Geometry struct {
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(gj, &feat); err != nil {
		t.Fatalf("%v\n%s", err, gj)
	}
	if feat.ID != "P7" || len(feat.Geometry.Coordinates) < 2 || feat.Geometry.Coordinates[0] != 121.6044 || feat.Geometry.Coordinates[1] != 31.2017 ||
		feat.Properties["type"] != "a-f-G-U-C" || feat.Properties["callsign"] != "Patrol 7" {
		t.Errorf("node-cot read our CoT as %s", gj)
	}
}

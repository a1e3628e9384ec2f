package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/feeds/console"
	"safetynet/feeds/hub"
	"safetynet/ui/mapview"
)

// The console fixture: three cameras on an open lawn around o, all
// looking east. A sees the alert 15 m away, B 35 m away (a lower pixel
// density), C stands east of it and looks away.
var (
	o        = orb.Point{121.60, 31.20}
	mLon     = 1 / (111320 * 0.855364) // degrees of longitude per metre at 31.2° N
	mLat     = 1 / 110946.0
	east     = func(m float64) orb.Point { return orb.Point{o[0] + m*mLon, o[1]} }
	alertAt  = east(15)
	consoleN = 0
)

// consoleStore writes the fixture to a new GeoPackage.
func consoleStore(t *testing.T) *store.Store {
	t.Helper()
	consoleN++
	s, err := store.Open(filepath.Join(t.TempDir(), fmt.Sprintf("console%d.gpkg", consoleN)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cam := func(code, name string, at orb.Point) store.Camera {
		return store.Camera{Geom: at, Names: store.Names{Name: name, NameEn: name}, Code: code, MountHeight: 4, Heading: 90, HFOV: 90,
			ResolutionH: 2560, MaxRange: 60, Status: store.CameraOnline, StreamURL: "rtsp://cams.example/" + code}
	}
	sq := func(c orb.Point, d float64) orb.Polygon {
		return orb.Polygon{{{c[0] - d*mLon, c[1] - d*mLat}, {c[0] + d*mLon, c[1] - d*mLat}, {c[0] + d*mLon, c[1] + d*mLat}, {c[0] - d*mLon, c[1] + d*mLat}, {c[0] - d*mLon, c[1] - d*mLat}}}
	}
	err = s.Update(context.Background(), func(tx *store.Tx) error {
		for _, f := range []store.Feature{
			store.Building{Geom: orb.MultiPolygon{sq(orb.Point{o[0], o[1] + 60*mLat}, 8)}, Use: "residential"},
			cam("CAM-A", "Lawn east", o),
			cam("CAM-B", "Lawn west", east(-20)),
			cam("CAM-C", "Lawn far east", east(30)),
			store.Equipment{Geom: east(10), Kind: store.ExtinguisherHandheld, Code: "EXT-1"},
			store.KeyArea{Geom: sq(alertAt, 5), Code: "KA-LAWN", Kind: "square", RequiredLevel: "observe"},
		} {
			if _, err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testHub runs a hub in the test and returns its URL and two operator
// tokens and a publisher's.
func testHub(t testing.TB) (url string, tokens [3]string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "hub.db")
	toks, err := store.OpenTokens(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, n := range []string{"console-1", "console-2"} {
		if tokens[i], err = toks.Add(ctx, n, store.RoleOperator); err != nil {
			t.Fatal(err)
		}
	}
	if tokens[2], err = toks.Add(ctx, "sensors", store.RolePublisher); err != nil {
		t.Fatal(err)
	}
	srv, err := hub.New(hub.Config{DB: db, Tokens: toks, Rate: -1, Ring: 1024, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.CloseClientConnections(); srv.Close(); hs.Close(); toks.Close() })
	return hs.URL, tokens
}

// startConsole opens a window on s whose console follows the hub at url
// with token, as operator.
func startConsole(t testing.TB, s *store.Store, url, token, operator string) *App {
	t.Helper()
	a := test.NewTempApp(t)
	p := a.Preferences()
	p.SetString(prefHubURL, url)
	p.SetString(prefHubToken, token)
	p.SetString(prefOperator, operator)
	p.SetBool(prefSound, true)
	x := New(a, s)
	t.Cleanup(func() {
		if !closed[x] {
			x.win.Close()
		}
	})
	x.win.Resize(fyne.NewSize(1200, 760))
	maps = append(maps, x.m)
	return x
}

// closed are the windows a test closed itself.
var closed = map[*App]bool{}

// closeWindow closes x's window as the operator would.
func closeWindow(x *App) {
	closed[x] = true
	x.win.Close()
}

// maps are the map widgets of the test's windows, whose handed-over work
// eventually runs too.
var maps []*mapview.Map

// handOver makes the windows' goroutines hand their work to a queue that
// eventually runs on the test's goroutine, and counts the sounds played.
func handOver(t testing.TB) *int {
	t.Helper()
	q := make(chan func(), 4096)
	queue = q
	do = func(fn func()) { q <- fn }
	sounds := 0
	playSound = func(string) { sounds++ }
	mapview.TestHandOff(true)
	maps = nil
	t.Cleanup(func() { do = fyne.Do; mapview.TestHandOff(false); maps = nil })
	return &sounds
}

// eventually runs the handed-over work until cond holds, failing after
// waitLimit with what.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(waitLimit)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case fn := <-queue:
			fn()
		case <-tick.C:
			for _, m := range maps {
				m.WaitIdle()
			}
		case <-deadline:
			t.Fatalf("after %s: %s", waitLimit, what)
		}
	}
}

// nearShown reports whether the selected alert's cameras, equipment and
// units have been found and listed.
func nearShown(x *App) bool {
	for _, c := range []*fyne.Container{x.live.cams, x.live.equip, x.live.units} {
		ls := labels(c)
		if len(ls) == 0 || ls[0] == "Looking…" {
			return false
		}
	}
	return true
}

func post(t *testing.T, url, token, body string) {
	t.Helper()
	ack, err := client.Post(context.Background(), client.Options{URL: url, Token: token}, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := ack.Err(); err != nil {
		t.Fatal(err)
	}
}

func alertJSON(id, typ, sev string, p orb.Point, extra string) string {
	return fmt.Sprintf(`{"id":%q,"type":%q,"severity":%q,"time":%q,"title":"Intrusion at the lawn","geometry":{"type":"Point","coordinates":[%.8f,%.8f]}%s}`,
		id, typ, sev, time.Now().UTC().Format(time.RFC3339Nano), p[0], p[1], extra)
}

func queued(x *App, subject string) (console.Alert, bool) {
	for _, a := range x.live.queue {
		if a.Subject == subject {
			return a, true
		}
	}
	return console.Alert{}, false
}

func onMap(x *App, id string) bool {
	for _, it := range liveItems(x.live.queue, x.live.snap.Units, x.live.selected) {
		if it.ID == id {
			return true
		}
	}
	return false
}

// TestConsoleWorksAnAlert drives the whole flow with two consoles on one
// hub: an alarm arrives, shows in both queues and on the map, is
// selected, lists the cameras that see it best first and the nearest
// extinguisher on foot, is acknowledged on one console and seen
// acknowledged on the other, and is resolved with a note.
func TestConsoleWorksAnAlert(t *testing.T) {
	useLanguage(t, "en")
	sounds := handOver(t)
	url, tok := testHub(t)
	x1 := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	x2 := startConsole(t, consoleStore(t), url, tok[1], "Li")
	eventually(t, "both consoles connect", func() bool {
		return strings.Contains(x1.live.conn.Text, "connected") && strings.Contains(x2.live.conn.Text, "connected")
	})

	post(t, url, tok[2], alertJSON("lawn-1", "intrusion.perimeter", "severe", alertAt, ""))
	eventually(t, "the alarm reaches both queues", func() bool {
		_, ok1 := queued(x1, "lawn-1")
		_, ok2 := queued(x2, "lawn-1")
		return ok1 && ok2
	})
	if !onMap(x1, "lawn-1") {
		t.Error("the alarm is in the queue but not on the map")
	}
	if *sounds != 2 {
		t.Errorf("a new severe alarm sounded %d times on two consoles, want 2", *sounds)
	}
	if !strings.HasPrefix(x1.alertsTab.Text, "Alerts (1)") {
		t.Errorf("alerts tab says %q", x1.alertsTab.Text)
	}

	x1.live.next() // Ctrl+N: the first alert of the queue
	if x1.live.selected != "lawn-1" {
		t.Fatalf("next alert selected %q", x1.live.selected)
	}
	eventually(t, "the cameras that see the alarm are listed", func() bool { return nearShown(x1) })
	var cams []string
	for _, l := range labels(x1.live.cams) {
		cams = append(cams, strings.SplitN(l, ":", 2)[0])
	}
	if want := []string{"Lawn east", "Lawn west"}; !slices.Equal(cams, want) {
		t.Errorf("cameras that see the alarm: %q, want %q (best pixel density first; Lawn far east looks away)", cams, want)
	}
	if eq := labels(x1.live.equip); len(eq) != 1 || !strings.Contains(eq[0], "EXT-1") || !strings.Contains(eq[0], " 5 m on foot") {
		t.Errorf("nearest fire equipment: %q, want EXT-1 5 m on foot", eq)
	}
	if !x1.live.open.Visible() || !strings.Contains(x1.live.open.Text, "Lawn east") {
		t.Errorf("the camera view button: visible %v, %q", x1.live.open.Visible(), x1.live.open.Text)
	}
	var opened string
	openLink = func(_ fyne.App, link string) { opened = link }
	t.Cleanup(func() { openLink = openCameraLink })
	test.Tap(x1.live.open)
	if opened != "rtsp://cams.example/CAM-A" {
		t.Errorf("opened %q", opened)
	}
	if v := x1.m.View(); v.Zoom < 18 {
		t.Errorf("the map did not fly to the alarm: zoom %.1f", v.Zoom)
	}

	x1.live.acknowledge() // Ctrl+K
	// The hub names who acted by the token's name, whatever the console
	// claims.
	eventually(t, "the second console sees the acknowledgement", func() bool {
		a, ok := queued(x2, "lawn-1")
		return ok && a.Status == console.StatusAcknowledged && len(a.Actions) == 1 && a.Actions[0].Operator == "console-1"
	})
	eventually(t, "the first console shows its own acknowledgement", func() bool {
		a, ok := queued(x1, "lawn-1")
		return ok && a.Status == console.StatusAcknowledged && len(a.Actions) == 1
	})

	x1.live.act("resolve", "", "cat on the fence")
	eventually(t, "both consoles see it resolved", func() bool {
		_, open1 := queued(x1, "lawn-1")
		_, open2 := queued(x2, "lawn-1")
		return !open1 && !open2
	})
	x2.live.statusSel.SetSelectedIndex(showResolved)
	a, ok := queued(x2, "lawn-1")
	if !ok || a.Status != console.StatusResolved || a.Actions[len(a.Actions)-1].Note != "cat on the fence" {
		t.Errorf("resolved alert on the second console: %+v %v", a, ok)
	}
}

// TestConsoleRestoresAfterRestart: a console that closes and starts again
// on the same GeoPackage, with no hub, shows the alerts that were open.
func TestConsoleRestoresAfterRestart(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	s := consoleStore(t)
	path := s.Path()
	x := startConsole(t, s, url, tok[0], "Wang")
	post(t, url, tok[2], alertJSON("gate-1", "access.forced_door", "severe", alertAt, ""))
	eventually(t, "the alarm arrives", func() bool { _, ok := queued(x, "gate-1"); return ok })
	x.live.selectAlert("gate-1", false)
	x.live.acknowledge()
	closeWindow(x) // stops the console after its last save, closes the store

	s2, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	y := startConsole(t, s2, "", "", "Wang")
	eventually(t, "the open alert is back after the restart", func() bool {
		a, ok := queued(y, "gate-1")
		return ok && a.Status == console.StatusAcknowledged
	})
	if !strings.Contains(y.live.conn.Text, "not set") {
		t.Errorf("status bar without a hub: %q", y.live.conn.Text)
	}
}

// TestConsoleBadEvents: events far away, without a position or with a
// broken polygon stay in the queue with a warning and are not drawn.
func TestConsoleBadEvents(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	far := orb.Point{o[0] + 1.1, o[1]} // about 105 km east
	post(t, url, tok[2], alertJSON("far-1", "fire.smoke", "severe", far, ""))
	post(t, url, tok[2], fmt.Sprintf(`{"id":"nowhere-1","type":"fire.alarm","severity":"extreme","time":%q,"title":"Alarm panel"}`, time.Now().UTC().Format(time.RFC3339Nano)))
	bow := fmt.Sprintf(`[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]`, o[0], o[1], o[0]+0.001, o[1]+0.001, o[0]+0.001, o[1], o[0], o[1]+0.001, o[0], o[1])
	post(t, url, tok[2], fmt.Sprintf(`{"id":"bow-1","type":"intrusion.zone","severity":"moderate","time":%q,"geometry":{"type":"Polygon","coordinates":[%s]}}`, time.Now().UTC().Format(time.RFC3339Nano), bow))
	post(t, url, tok[2], alertJSON("ok-1", "intrusion.perimeter", "minor", alertAt, ""))
	eventually(t, "all four in the queue", func() bool { return len(x.live.queue) == 4 })
	for _, id := range []string{"far-1", "nowhere-1", "bow-1"} {
		a, _ := queued(x, id)
		if a.Warning == "" {
			t.Errorf("%s has no warning", id)
		}
		if onMap(x, id) {
			t.Errorf("%s is drawn on the map", id)
		}
		x.live.selectAlert(id, true)
		if !x.live.warn.Visible() {
			t.Errorf("%s: the detail shows no warning", id)
		}
	}
	if !onMap(x, "ok-1") {
		t.Error("the good alert is not on the map")
	}
	if bad := negative(x.win.Content(), ""); bad != "" {
		t.Errorf("laid out with a negative size: %s", bad)
	}
	// The map still draws.
	x.m.WaitIdle()
	img := x.win.Canvas().Capture()
	if img.Bounds().Dx() == 0 {
		t.Error("no frame after bad events")
	}
}

// TestConsoleRaisesRuleAlerts: the console evaluates the community's
// rules as events arrive. Camera CAM-A going offline leaves the lawn's
// key area seen only by CAM-B, below its required detail level, so the
// console raises a coverage alert; CAM-A no longer counts among the
// cameras that see the lawn.
func TestConsoleRaisesRuleAlerts(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return strings.Contains(x.live.conn.Text, "connected") })
	if !strings.Contains(x.live.rulesJSON(), `"camera_coverage"`) {
		t.Fatalf("the default rules have no camera_coverage rule:\n%s", x.live.rulesJSON())
	}
	post(t, url, tok[2], fmt.Sprintf(`{"id":"cam-a-off","type":"camera.offline","subject":"camera:CAM-A","source":"camera:CAM-A","severity":"moderate","time":%q,"title":"Camera offline: Lawn east","geometry":{"type":"Point","coordinates":[%.8f,%.8f]}}`,
		time.Now().UTC().Format(time.RFC3339Nano), o[0], o[1]))
	var drop console.Alert
	eventually(t, "a coverage alert for the lawn", func() bool {
		for _, a := range x.live.queue {
			if a.Event.Type == "rule.coverage_drop" && strings.Contains(a.Event.Title+a.Event.Description, "KA-LAWN") {
				drop = a
				return true
			}
		}
		return false
	})
	if drop.Event.Geometry == nil || !onMap(x, drop.Subject) {
		t.Errorf("the coverage alert is not drawn: %+v", drop.Event)
	}
	post(t, url, tok[2], alertJSON("lawn-2", "intrusion.perimeter", "severe", alertAt, ""))
	eventually(t, "the alarm arrives", func() bool { _, ok := queued(x, "lawn-2"); return ok })
	x.live.selectAlert("lawn-2", true)
	eventually(t, "the cameras are listed", func() bool { return nearShown(x) })
	got := strings.Join(labels(x.live.cams), "|")
	if strings.Contains(got, "Lawn east") || !strings.Contains(got, "Lawn west") {
		t.Errorf("cameras that see the lawn with CAM-A offline: %q, want only Lawn west", got)
	}
}

// negative returns the path of the first visible object laid out with a
// negative width or height under o, or "".
func negative(o fyne.CanvasObject, path string) string {
	if !o.Visible() {
		return ""
	}
	path += fmt.Sprintf("/%T", o)
	if s := o.Size(); s.Width < 0 || s.Height < 0 {
		return fmt.Sprintf("%s %v", path, s)
	}
	var kids []fyne.CanvasObject
	switch c := o.(type) {
	case fyne.Widget:
		kids = test.WidgetRenderer(c).Objects()
	case *fyne.Container:
		kids = c.Objects
	}
	for _, k := range kids {
		if bad := negative(k, path); bad != "" {
			return bad
		}
	}
	return ""
}

// TestConsoleRestoresDespiteADamagedRow: a row of the alerts table that
// another program damaged is reported in the status bar; the other alerts
// are restored and the console runs.
func TestConsoleRestoresDespiteADamagedRow(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	s := consoleStore(t)
	now := time.Now().UTC()
	good := fmt.Sprintf(`{"kind":"alert","subject":"gate-9","event":{"id":"gate-9","type":"access.forced_door","severity":"severe","time":%q,"title":"Door forced","geometry":{"type":"Point","coordinates":[%.8f,%.8f]}},"status":"new"}`,
		now.Format(time.RFC3339Nano), alertAt[0], alertAt[1])
	rows := []store.LiveRow{
		{Subject: "gate-9", Kind: "alert", Geom: alertAt, Type: "access.forced_door", Severity: "severe", Status: "new", State: "fresh", Seq: 4, Received: now, Updated: now, Data: []byte(good)},
		{Subject: "bad-1", Kind: "alert", Geom: alertAt, Type: "fire.smoke", Severity: "severe", Status: "new", State: "fresh", Seq: 5, Received: now, Updated: now, Data: []byte(`{"kind":"alert","event":{"id":`)},
	}
	if err := s.SaveLive(context.Background(), rows, nil, nil, 5); err != nil {
		t.Fatal(err)
	}
	x := startConsole(t, s, "", "", "Wang")
	eventually(t, "the good alert is restored", func() bool { _, ok := queued(x, "gate-9"); return ok })
	eventually(t, "the damaged row is reported", func() bool {
		return x.notice.Visible() && strings.Contains(x.notice.Text, "bad-1")
	})
	if _, ok := queued(x, "bad-1"); ok {
		t.Error("the damaged row is in the queue")
	}
}

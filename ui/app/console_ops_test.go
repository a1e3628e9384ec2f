package app

import (
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safetynet/feeds/console"
	"safetynet/ui/theme"
)

// Tests of the console as an operator works it in a busy hour: starting,
// settings, language, the keyboard, and a window that falls behind.

// runQueue runs the work handed to the window until cond holds, calling
// check after each piece (what an operator could have seen at that
// moment); it fails after waitLimit with what.
func runQueue(t *testing.T, what string, check func(), cond func() bool) {
	t.Helper()
	deadline := time.After(waitLimit)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case fn := <-queue:
			fn()
			check()
		case <-tick.C:
			for _, m := range maps {
				m.WaitIdle()
			}
		case <-deadline:
			t.Fatalf("after %s: %s", waitLimit, what)
		}
	}
}

// TestConsoleStartsWithoutAnError: a window started with a hub on the
// command line, and one told to follow a hub right after it opened (as
// safetynet -hub did), never show an error in the status bar on the way
// to "connected".
func TestConsoleStartsWithoutAnError(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	for _, tc := range []struct {
		name   string
		follow bool // FollowHub after New, else the hub in NewWith's options
	}{{"options", false}, {"follow after start", true}} {
		t.Run(tc.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			var x *App
			if tc.follow {
				x = New(a, consoleStore(t))
				x.FollowHub(url, tok[0], "Wang")
			} else {
				x = NewWith(a, consoleStore(t), Options{HubURL: url, Token: tok[0], Operator: "Wang"})
			}
			t.Cleanup(x.win.Close)
			maps = append(maps, x.m)
			seen := []string{}
			check := func() {
				if x.live.conn.Importance == widget.DangerImportance || x.notice.Visible() {
					seen = append(seen, x.live.conn.Text+" | "+x.notice.Text)
				}
			}
			check()
			runQueue(t, "the console connects", check, func() bool { return x.live.conn.Text == "Hub: connected" })
			if len(seen) > 0 {
				t.Errorf("the status bar showed an error while starting: %q", seen)
			}
		})
	}
}

// findButton returns the visible button with text under o, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	if o == nil || !o.Visible() {
		return nil
	}
	if b, ok := o.(*widget.Button); ok && b.Text == text {
		return b
	}
	var kids []fyne.CanvasObject
	switch c := o.(type) {
	case fyne.Widget:
		kids = test.WidgetRenderer(c).Objects()
	case *fyne.Container:
		kids = c.Objects
	}
	for _, k := range kids {
		if b := findButton(k, text); b != nil {
			return b
		}
	}
	return nil
}

// findSelect returns the n-th visible select under o (counting from 0).
func findSelects(o fyne.CanvasObject) []*widget.Select {
	if o == nil || !o.Visible() {
		return nil
	}
	if s, ok := o.(*widget.Select); ok {
		return []*widget.Select{s}
	}
	var kids []fyne.CanvasObject
	switch c := o.(type) {
	case fyne.Widget:
		kids = test.WidgetRenderer(c).Objects()
	case *fyne.Container:
		kids = c.Objects
	}
	var out []*widget.Select
	for _, k := range kids {
		out = append(out, findSelects(k)...)
	}
	return out
}

// menuItem returns the item of the window's menus labelled label.
func menuItem(t *testing.T, x *App, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range x.menu.Items {
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no menu item %q", label)
	return nil
}

// TestSavingSettingsKeepsTheCommandLineHub: with a hub given on the
// command line, saving Settings where only the theme changed keeps
// following that hub.
func TestSavingSettingsKeepsTheCommandLineHub(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	a := test.NewTempApp(t)
	x := New(a, consoleStore(t))
	t.Cleanup(x.win.Close)
	maps = append(maps, x.m)
	x.FollowHub(url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })

	menuItem(t, x, "Settings…").Action()
	top := x.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no settings dialog")
	}
	sels := findSelects(top)
	if len(sels) < 2 {
		t.Fatalf("the settings dialog has %d selects", len(sels))
	}
	sels[1].SetSelectedIndex(2) // theme: dark
	save := findButton(top, "Save")
	if save == nil {
		t.Fatal("no Save button")
	}
	test.Tap(save)
	if got := a.Preferences().String(prefTheme); got != theme.Dark {
		t.Fatalf("theme saved as %q", got)
	}
	// Whatever restarts must end connected to the same hub.
	time.Sleep(100 * time.Millisecond)
	eventually(t, "the console is still connected", func() bool {
		return x.live.running() != nil && x.live.conn.Text == "Hub: connected"
	})
	if got := x.live.settings.HubURL; got != url {
		t.Errorf("after saving Settings the console follows %q, want %q", got, url)
	}
}

// TestStartLanguage: the language saved in Settings is the one the app
// starts in, unless the command line names one.
func TestStartLanguage(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	for _, tc := range []struct{ saved, flag, want string }{
		{"", "", ""}, {"zh", "", "zh"}, {"en", "", "en"}, {"zh", "en", "en"}, {"", "zh", "zh"},
	} {
		p.SetString(prefLanguage, tc.saved)
		if got := StartLanguage(p, tc.flag); got != tc.want {
			t.Errorf("saved %q, -lang %q: starts in %q, want %q", tc.saved, tc.flag, got, tc.want)
		}
	}
}

// TestChineseConsoleShowsNamesNotCodes: in Chinese the selected alert's
// type and source read as words and names, never as the codes the
// events carry.
func TestChineseConsoleShowsNamesNotCodes(t *testing.T) {
	useLanguage(t, "zh")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "王")
	eventually(t, "the console connects", func() bool {
		return strings.Contains(x.live.conn.Text, "已连接") || x.live.conn.Importance == widget.SuccessImportance
	})
	post(t, url, tok[2], alertJSON("sd-19", "fire.smoke", "severe", alertAt, `,"source":"sensor:SD-19"`))
	post(t, url, tok[2], alertJSON("cam-a", "intrusion.perimeter", "severe", alertAt, `,"source":"camera:CAM-A"`))
	eventually(t, "both alarms arrive", func() bool { return len(x.live.queue) == 2 })
	for _, tc := range []struct{ subject, want, not string }{
		{"sd-19", "烟感报警", "fire.smoke"},
		{"sd-19", "传感器 SD-19", "sensor:"},
		{"cam-a", "周界入侵", "intrusion.perimeter"},
		{"cam-a", "Lawn east", "camera:"},
	} {
		x.live.selectAlert(tc.subject, false)
		meta := x.live.meta.Text
		if !strings.Contains(meta, tc.want) || strings.Contains(meta, tc.not) {
			t.Errorf("%s: the detail reads %q; want %q and no %q", tc.subject, meta, tc.want, tc.not)
		}
	}
}

// TestLongStatusNeverWidensTheWindow: a long error in the status bar is
// cut to fit, so the window keeps its width.
func TestLongStatusNeverWidensTheWindow(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	x := startConsole(t, consoleStore(t), "", "", "Wang")
	x.win.Resize(fyne.NewSize(1280, 800))
	long := "Hub: offline, retrying — client: /v1/stream: dial tcp 10.20.30.40:8480: connect: connection refused " + strings.Repeat("and more detail ", 20)
	x.live.setConn(long, widget.DangerImportance, long)
	x.showNotice("The hub refused an action: " + strings.Repeat("a very long reason ", 30))
	x.extent.set("Could not read demo.gpkg", widget.DangerImportance, strings.Repeat("a long error ", 40))
	if w := x.win.Content().MinSize().Width; w > 1280 {
		t.Errorf("the window needs %.0f px with long status texts, more than its 1280", w)
	}
	// A short state is shown whole.
	x.live.setConn("Hub: connected", widget.SuccessImportance, "")
	want := widget.NewLabel("Hub: connected").MinSize().Width
	if got := x.live.conn.MinSize().Width; got < want {
		t.Errorf("a short status asks for %.0f px, needs %.0f to show whole", got, want)
	}
	if got := x.live.conn.Size().Width; got < want {
		t.Errorf("a short status after a long one is laid out %.0f px wide, needs %.0f to show whole", got, want)
	}
}

// TestResolveDialogWorksFromTheKeyboard: the Resolve dialog opens with
// its note focused, Enter resolves with the note typed, Esc in the
// Assign dialog cancels it, and a second Ctrl+R on the resolved alert is
// refused with a message instead of logging a second resolve.
func TestResolveDialogWorksFromTheKeyboard(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	post(t, url, tok[2], alertJSON("lawn-9", "intrusion.perimeter", "severe", alertAt, ""))
	eventually(t, "the alarm arrives", func() bool { _, ok := queued(x, "lawn-9"); return ok })
	x.live.selectAlert("lawn-9", false)

	x.live.assignDialog() // Ctrl+G
	f, ok := x.win.Canvas().Focused().(*formSelectEntry)
	if !ok {
		t.Fatalf("the Assign dialog focused %T, want its unit field", x.win.Canvas().Focused())
	}
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if x.win.Canvas().Overlays().Top() != nil {
		t.Error("Esc left the Assign dialog open")
	}

	x.live.resolveDialog() // Ctrl+R
	note, ok := x.win.Canvas().Focused().(*formEntry)
	if !ok {
		t.Fatalf("the Resolve dialog focused %T, want its note", x.win.Canvas().Focused())
	}
	test.Type(note, "false alarm, fox")
	note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if x.win.Canvas().Overlays().Top() != nil {
		t.Error("Enter left the Resolve dialog open")
	}
	if x.win.Canvas().Focused() != x.m {
		t.Errorf("after the dialog the focus is on %T, want the map", x.win.Canvas().Focused())
	}
	a, ok := x.live.running().c.Alert("lawn-9")
	if !ok || a.Status != console.StatusResolved || a.Actions[len(a.Actions)-1].Note != "false alarm, fox" {
		t.Fatalf("after Enter: %+v", a)
	}

	x.live.resolveDialog() // Ctrl+R again
	if x.win.Canvas().Overlays().Top() != nil {
		t.Error("a resolved alert opened the Resolve dialog again")
	}
	if !x.notice.Visible() || !strings.Contains(x.notice.Text, "already resolved") {
		t.Errorf("no message refusing the second resolve: %q", x.notice.Text)
	}
	if ok := x.live.act(console.ActionResolve, "", "again"); ok {
		t.Error("a second resolve was taken")
	}
	a, _ = x.live.running().c.Alert("lawn-9")
	n := 0
	for _, act := range a.Actions {
		if act.Kind == console.ActionResolve {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d resolves logged, want 1", n)
	}
}

// pressShortcut delivers a shortcut as the desktop driver does: to a
// main-menu item with that shortcut, else to the focused widget when it
// takes shortcuts, else to the canvas.
func pressShortcut(x *App, s fyne.Shortcut) {
	for _, m := range x.win.MainMenu().Items {
		if runMenuShortcut(m, s) {
			return
		}
	}
	if f, ok := x.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	x.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// TestWindowTakesTheNewestPicture: a window that stops taking hand-overs
// for a second while alarms keep arriving is offered one frame, not one
// per tick, and when it runs again it draws the newest picture.
func TestWindowTakesTheNewestPicture(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	for len(queue) > 0 {
		(<-queue)()
	}
	// The window is busy: nothing runs while 20 alarms arrive over a second.
	for i := 0; i < 20; i++ {
		post(t, url, tok[2], alertJSON(fmt.Sprintf("burst-%d", i), "access.forced_door", "minor", alertAt, ""))
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(queue); n > 3 {
		t.Errorf("%d hand-overs wait for a window that was busy for a second, want at most 3", n)
	}
	eventually(t, "the newest picture is drawn", func() bool { return len(x.live.queue) == 20 })
}

// alertFrom is an alarm of type typ and severity sev from source.
func alertFrom(id, typ, sev, source string, extra string) string {
	return alertJSON(id, typ, sev, alertAt, fmt.Sprintf(`,"source":%q%s`, source, extra))
}

// TestQueueInAFlood: a burst of alarms shows as a flood above the queue;
// repeats from one source fold into one row with their count; rows show
// new, acknowledged and assigned alerts differently; while the pointer is
// over the queue its rows hold still and a more severe alert arriving is
// announced by a banner that brings it to the top.
func TestQueueInAFlood(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	for i := 0; i < 11; i++ {
		post(t, url, tok[2], alertFrom(fmt.Sprintf("door-%d", i), "access.forced_door", "moderate", fmt.Sprintf("gate:G%d", i), ""))
	}
	for i := 0; i < 3; i++ {
		post(t, url, tok[2], alertFrom(fmt.Sprintf("pir-%d", i), "intrusion.perimeter", "minor", "sensor:PIR-4", ""))
		time.Sleep(25 * time.Millisecond)
	}
	eventually(t, "12 rows, the repeats folded", func() bool { a, _ := queued(x, "pir-0"); return len(x.live.queue) == 12 && a.Count == 3 })
	if !strings.Contains(x.live.rate.Text, "ALARM FLOOD") || x.live.rate.Importance != widget.DangerImportance {
		t.Errorf("14 alarms in a minute: the rate reads %q", x.live.rate.Text)
	}
	pir, ok := queued(x, "pir-0")
	if !ok || pir.Count != 3 {
		t.Fatalf("the repeated source is not one alert of 3: %+v", pir)
	}
	row := newQueueRow(x.live)
	row.show(pir, time.Now())
	if !strings.Contains(row.title.Text, "×3") || !row.title.TextStyle.Bold || row.status.Text != "New" {
		t.Errorf("the folded row reads %q (bold %v) %q", row.title.Text, row.title.TextStyle.Bold, row.status.Text)
	}

	x.live.selectAlert("door-0", false)
	x.live.acknowledge()
	x.live.selectAlert("door-1", false)
	x.live.act(console.ActionAssign, "Team 2", "")
	eventually(t, "both actions shown", func() bool {
		a0, _ := queued(x, "door-0")
		a1, _ := queued(x, "door-1")
		return a0.Status == console.StatusAcknowledged && a1.Status == console.StatusAssigned
	})
	texts := map[string]string{}
	bars := map[string]any{}
	for _, s := range []string{"door-0", "door-1", "door-2"} {
		a, _ := queued(x, s)
		row.show(a, time.Now())
		texts[s] = fmt.Sprintf("%s bold=%v", row.status.Text, row.title.TextStyle.Bold)
		bars[s] = row.bar.FillColor
	}
	if texts["door-0"] == texts["door-2"] || texts["door-1"] == texts["door-2"] || texts["door-0"] == texts["door-1"] ||
		bars["door-0"] == bars["door-2"] || bars["door-1"] == bars["door-2"] || bars["door-0"] == bars["door-1"] {
		t.Errorf("acknowledged, assigned and new rows look alike: %v %v", texts, bars)
	}

	// The operator points at the queue: an extreme alert arrives.
	before := slices.Clone(subjects(x.live.queue))
	x.live.pointerOver(true)
	post(t, url, tok[2], alertFrom("smoke-1", "fire.smoke", "extreme", "sensor:SD-01", ""))
	eventually(t, "the smoke alarm is listed", func() bool { _, ok := queued(x, "smoke-1"); return ok })
	got := subjects(x.live.queue)
	if !slices.Equal(got[:len(before)], before) || got[len(got)-1] != "smoke-1" {
		t.Errorf("rows moved under the pointer:\nbefore %q\nafter  %q", before, got)
	}
	if !x.live.banner.Visible() || !strings.Contains(x.live.banner.Text, "EXTREME") {
		t.Errorf("no banner for the extreme alert below the view: %v %q", x.live.banner.Visible(), x.live.banner.Text)
	}
	test.Tap(x.live.banner)
	if x.live.queue[0].Subject != "smoke-1" || x.live.banner.Visible() {
		t.Errorf("the banner did not bring the extreme alert up: first %s", x.live.queue[0].Subject)
	}
}

func subjects(q []console.Alert) []string {
	out := make([]string, len(q))
	for i, a := range q {
		out[i] = a.Subject
	}
	return out
}

// TestQueueFiltersAndShelving: the queue filters by severity and by
// drill; shelving takes a reason, leaves the alert out of the open queue
// and shows it under Shelved until it is taken back; the end of a drill
// closes its alerts together.
func TestQueueFiltersAndShelving(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	post(t, url, tok[2], alertFrom("ext-1", "fire.smoke", "extreme", "sensor:SD-02", ""))
	post(t, url, tok[2], alertFrom("min-1", "equipment.fault", "minor", "equipment:EXT-1", ""))
	post(t, url, tok[2], alertFrom("drill-1", "intrusion.perimeter", "severe", "camera:CAM-A", `,"status":"exercise","properties":{"drill":"night-2"}`))
	post(t, url, tok[2], alertFrom("drill-2", "access.forced_door", "moderate", "gate:G1", `,"status":"exercise","properties":{"drill":"night-2"}`))
	eventually(t, "four alerts", func() bool { return len(x.live.queue) == 4 })
	for _, tc := range []struct {
		sev, drill int
		want       []string
	}{
		{1, 0, []string{"ext-1"}},
		{2, 0, []string{"ext-1", "drill-1"}},
		{0, 1, []string{"ext-1", "min-1"}},
		{0, 2, []string{"drill-1", "drill-2"}},
		{3, 2, []string{"drill-1", "drill-2"}},
	} {
		x.live.sevSel.SetSelectedIndex(tc.sev)
		x.live.drillSl.SetSelectedIndex(tc.drill)
		got := subjects(x.live.queue)
		slices.Sort(got)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("severity %q, drills %q: %q, want %q", x.live.sevSel.Selected, x.live.drillSl.Selected, got, tc.want)
		}
	}
	x.live.sevSel.SetSelectedIndex(0)
	x.live.drillSl.SetSelectedIndex(0)

	x.live.selectAlert("min-1", false)
	x.live.shelveDialog() // Ctrl+H
	reason, ok := x.win.Canvas().Focused().(*formEntry)
	if !ok {
		t.Fatalf("the Shelve dialog focused %T", x.win.Canvas().Focused())
	}
	reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // no reason yet: refused
	if x.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the Shelve dialog closed without a reason")
	}
	test.Type(reason, "extinguisher tag, checked on Monday's round")
	reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	eventually(t, "the shelved alert leaves the open queue", func() bool { _, ok := queued(x, "min-1"); return !ok })
	x.live.statusSel.SetSelectedIndex(showShelved)
	a, ok := queued(x, "min-1")
	if !ok || a.ShelveReason != "extinguisher tag, checked on Monday's round" || a.ShelvedUntil.Sub(time.Now()) < 50*time.Minute {
		t.Fatalf("under Shelved: %v %+v", ok, a)
	}
	x.live.selectAlert("min-1", false)
	if x.live.shelve.Text != "Unshelve" {
		t.Errorf("the shelve button of a shelved alert reads %q", x.live.shelve.Text)
	}
	x.live.shelveDialog() // Ctrl+H again: unshelve
	x.live.statusSel.SetSelectedIndex(showOpen)
	eventually(t, "the alert is back in the open queue", func() bool { _, ok := queued(x, "min-1"); return ok })

	post(t, url, tok[2], fmt.Sprintf(`{"id":"end-1","type":"drill.end","status":"exercise","time":%q,"title":"Night drill over","properties":{"drill":"night-2"}}`, time.Now().UTC().Format(time.RFC3339Nano)))
	eventually(t, "the drill's alerts close together", func() bool {
		_, d1 := queued(x, "drill-1")
		_, d2 := queued(x, "drill-2")
		return !d1 && !d2
	})
	if len(x.live.queue) != 2 {
		t.Errorf("after the drill: %q", subjects(x.live.queue))
	}
}

// TestEveryDialogAnswersTheKeyboard: a message, a confirmation and the
// import's question close on Enter or Esc with nothing focused, as the
// window's canvas sends them; the focus then returns to the map.
func TestEveryDialogAnswersTheKeyboard(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	x := startConsole(t, consoleStore(t), "", "", "Wang")
	press := func(k fyne.KeyName) {
		if f := x.win.Canvas().Focused(); f != nil {
			f.TypedKey(&fyne.KeyEvent{Name: k})
			return
		}
		x.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
	}
	for _, tc := range []struct {
		name string
		open func()
		key  fyne.KeyName
	}{
		{"an error, Enter", func() { x.ShowError(fmt.Errorf("the disk is full")) }, fyne.KeyReturn},
		{"an error, Esc", func() { x.ShowError(fmt.Errorf("the disk is full")) }, fyne.KeyEscape},
		{"import's question, Esc", func() { x.askImportTarget("/tmp/nowhere.osm") }, fyne.KeyEscape},
		{"new community, Esc", func() { x.showNewCommunity() }, fyne.KeyEscape},
		{"settings, Esc", func() { x.showSettings() }, fyne.KeyEscape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.open()
			if x.win.Canvas().Overlays().Top() == nil {
				t.Fatal("no dialog")
			}
			press(tc.key)
			if top := x.win.Canvas().Overlays().Top(); top != nil {
				t.Errorf("%s left the dialog open", tc.key)
				x.win.Canvas().Overlays().Remove(top)
			}
			if x.win.Canvas().Focused() != x.m {
				t.Errorf("after the dialog the focus is on %T, want the map", x.win.Canvas().Focused())
			}
		})
	}
}

// TestSelectionFollowsTheAlert: when a more severe alert arrives above the
// selected one, the queue highlights the selected alert in its new row,
// not whatever alert now sits in the old one.
func TestSelectionFollowsTheAlert(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	post(t, url, tok[2], alertFrom("door-a", "access.forced_door", "moderate", "gate:GA", ""))
	eventually(t, "the door alarm is listed", func() bool { _, ok := queued(x, "door-a"); return ok })
	x.live.selectAlert("door-a", false)
	if got := highlighted(x.live.list); !slices.Equal(got, []int{0}) {
		t.Fatalf("the selected alert is in row 0, the list highlights %v", got)
	}
	post(t, url, tok[2], alertFrom("smoke-b", "fire.smoke", "extreme", "sensor:SD-02", ""))
	eventually(t, "the smoke alarm comes first", func() bool { return len(x.live.queue) == 2 && x.live.queue[0].Subject == "smoke-b" })
	if got := highlighted(x.live.list); !slices.Equal(got, []int{1}) {
		t.Errorf("the selected alert moved to row 1, the list highlights %v", got)
	}
	if x.live.selected != "door-a" {
		t.Errorf("the selection changed to %q", x.live.selected)
	}
}

// highlighted is the rows the list draws selected (Fyne keeps them
// unexported).
func highlighted(l *widget.List) []int {
	v := reflect.ValueOf(l).Elem().FieldByName("selected")
	out := make([]int, v.Len())
	for i := range out {
		out[i] = int(v.Index(i).Int())
	}
	return out
}

// TestQueueRowMarks: an alert whose source chatters and one whose source
// reported normal again carry their marks in the queue's row and in the
// alert's detail, in English and in Chinese; a plain alert carries none.
func TestQueueRowMarks(t *testing.T) {
	handOver(t)
	x := startConsole(t, consoleStore(t), "", "", "Wang")
	now := time.Now()
	plain := console.Alert{Subject: "a", Status: console.StatusNew, Count: 1, First: now, Last: now}
	plain.Event.Type, plain.Event.Severity, plain.Event.Source = "fire.smoke", "severe", "sensor:SD-01"
	chatter := plain
	chatter.Chattering, chatter.Count = true, 7
	cleared := plain
	cleared.Cleared = now
	for _, tc := range []struct {
		lang, chatter, cleared string
	}{
		{"en", "chattering", "back to normal"},
		{"zh", "", ""},
	} {
		useLanguage(t, tc.lang)
		row := newQueueRow(x.live)
		row.show(plain, now)
		if strings.ContainsAny(row.title.Text, "〰↩") || alertMarks(plain, now) != "" {
			t.Errorf("%s: a plain alert is marked: %q %q", tc.lang, row.title.Text, alertMarks(plain, now))
		}
		row.show(chatter, now)
		if !strings.HasPrefix(row.title.Text, "〰 ") || !strings.Contains(row.title.Text, "×7") {
			t.Errorf("%s: the chattering alert's row reads %q", tc.lang, row.title.Text)
		}
		if m := alertMarks(chatter, now); !strings.Contains(m, "〰") || !strings.Contains(m, tc.chatter) {
			t.Errorf("%s: the chattering alert's detail reads %q", tc.lang, m)
		}
		row.show(cleared, now)
		if !strings.HasPrefix(row.title.Text, "↩ ") {
			t.Errorf("%s: the cleared alert's row reads %q", tc.lang, row.title.Text)
		}
		if m := alertMarks(cleared, now); !strings.Contains(m, "↩") || !strings.Contains(m, tc.cleared) {
			t.Errorf("%s: the cleared alert's detail reads %q", tc.lang, m)
		}
		if tc.lang == "zh" {
			for _, m := range []string{alertMarks(chatter, now), alertMarks(cleared, now)} {
				if strings.Contains(m, "chattering") || strings.Contains(m, "normal") {
					t.Errorf("zh: the mark is in English: %q", m)
				}
			}
		}
	}
}

// TestActionsReachTheHubInOrder: an acknowledge, an assignment and a
// resolve taken one after another, faster than the hub answers, are
// stored by the hub in the order the operator took them, each once.
func TestActionsReachTheHubInOrder(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	post(t, url, tok[2], alertJSON("ord-1", "intrusion.perimeter", "severe", alertAt, ""))
	eventually(t, "the alarm arrives", func() bool { _, ok := queued(x, "ord-1"); return ok })
	x.live.selectAlert("ord-1", false)
	for _, a := range []struct{ kind, unit, note string }{
		{console.ActionAck, "", ""}, {console.ActionAssign, "Team 2", ""}, {console.ActionResolve, "", "a cat on the fence"},
	} {
		if !x.live.act(a.kind, a.unit, a.note) {
			t.Fatalf("%s refused", a.kind)
		}
	}
	types := regexp.MustCompile(`"type":"(operator\.[a-z]+)"`)
	var got []string
	eventually(t, "the hub stores the three actions", func() bool {
		req, _ := http.NewRequest("GET", url+"/v1/events?since=0&limit=100", nil)
		req.Header.Set("Authorization", "Bearer "+tok[0])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		got = got[:0]
		for _, m := range types.FindAllStringSubmatch(string(body), -1) {
			got = append(got, m[1])
		}
		return len(got) >= 3
	})
	if want := []string{"operator.ack", "operator.assign", "operator.resolve"}; !slices.Equal(got, want) {
		t.Errorf("the hub stored %q, want %q", got, want)
	}
}

// TestShortcutsFromTheSearchBox: with the search box focused, Ctrl+N and
// Ctrl+K act on the queue as they do with the map focused.
func TestShortcutsFromTheSearchBox(t *testing.T) {
	useLanguage(t, "en")
	handOver(t)
	url, tok := testHub(t)
	x := startConsole(t, consoleStore(t), url, tok[0], "Wang")
	eventually(t, "the console connects", func() bool { return x.live.conn.Text == "Hub: connected" })
	post(t, url, tok[2], alertJSON("kb-1", "intrusion.perimeter", "severe", alertAt, ""))
	eventually(t, "the alarm arrives", func() bool { _, ok := queued(x, "kb-1"); return ok })
	x.win.Canvas().Focus(x.search.entry)
	if f := x.win.Canvas().Focused(); f == nil || f == fyne.Focusable(x.m) {
		t.Fatalf("the search box did not take the focus: %T", f)
	}
	mod := fyne.KeyModifierShortcutDefault
	pressShortcut(x, &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: mod})
	if x.live.selected != "kb-1" {
		t.Fatalf("Ctrl+N in the search box selected %q", x.live.selected)
	}
	pressShortcut(x, &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: mod})
	eventually(t, "the alert is acknowledged", func() bool {
		a, _ := queued(x, "kb-1")
		return a.Status == console.StatusAcknowledged
	})
}

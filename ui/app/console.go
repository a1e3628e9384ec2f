package app

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/rules"
	"safetynet/geo/coverage"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

// frameEvery is how often the console hands what arrived to the window:
// every change of a frame is drawn together, whatever the event rate.
const frameEvery = 33 * time.Millisecond

// liveConsole is the operator console: it follows a hub, keeps what
// arrives in the store, evaluates the rules, and shows the alert queue,
// the selected alert and the live layer of the map.
//
// Its widgets and the fields marked "UI" belong to the Fyne goroutine; the
// console, the rules engine and the model are used by the feed goroutine
// too, under their own locks.
type liveConsole struct {
	x *App

	// Set by start, cleared by stop (UI).
	c      *console.Console
	s      *store.Store
	cancel context.CancelFunc
	wg     *sync.WaitGroup
	pub    *client.Publisher
	gen    int // counts starts; results of an older start are dropped

	mu     sync.Mutex // guards engine, model, sc, camFID and latency
	engine *rules.Engine
	model  *coverage.Model
	sc     *scene.Scene
	camFID map[string]int64 // coverage camera ID -> fid in the cameras layer
	rules  []rules.Rule     // the rules in force
	lat    latency

	// UI.
	snap     console.Snapshot
	shown    uint64
	queue    []console.Alert
	filter   console.Filter
	selected string
	heard    map[string]bool // severe alerts the sound was played for
	settings Settings

	list                        *widget.List
	statusSel, famSel, windowSl *widget.Select
	title, meta, warn, note     *widget.Label
	hint                        *widget.Label // shown while no alert is selected
	side                        *fyne.Container
	ack, assign, resolve, open  *widget.Button
	cams, equip, units          *fyne.Container
	detail                      *fyne.Container
	box                         fyne.CanvasObject
	conn                        *widget.Label
}

// latency keeps the time from an event's arrival to the frame that shows
// it, for the status bar's tooltip and the benchmarks.
type latency struct {
	pending []arrival
	samples []time.Duration
	// frames: when each version was handed to the map, and how long it
	// took from there to the frame showing it.
	shownAt map[uint64]time.Time
	frames  []time.Duration
}

type arrival struct {
	version uint64
	at      time.Time
}

const maxLatencySamples = 4096

func newLiveConsole(x *App) *liveConsole {
	l := &liveConsole{x: x, heard: map[string]bool{}}
	l.conn = widget.NewLabel(lang.L("Hub: not set"))

	statuses := []string{lang.L("Open"), lang.L("New"), lang.L("Acknowledged"), lang.L("Assigned"), lang.L("Resolved"), lang.L("All")}
	l.statusSel = widget.NewSelect(statuses, nil)
	l.statusSel.SetSelectedIndex(0)
	fams := []string{lang.L("All types"), lang.L("fire"), lang.L("intrusion"), lang.L("access"), lang.L("alarm"), lang.L("camera"), lang.L("patrol"), lang.L("rule"), lang.L("medical"), lang.L("equipment")}
	l.famSel = widget.NewSelect(fams, nil)
	l.famSel.SetSelectedIndex(0)
	windows := []string{lang.L("Any time"), lang.L("Last 15 min"), lang.L("Last hour"), lang.L("Last 24 h")}
	l.windowSl = widget.NewSelect(windows, nil)
	l.windowSl.SetSelectedIndex(0)
	for _, sel := range []*widget.Select{l.statusSel, l.famSel, l.windowSl} {
		sel.OnChanged = func(string) { l.refilter() }
	}

	l.list = widget.NewList(func() int { return len(l.queue) }, func() fyne.CanvasObject {
		sev := widget.NewLabel("EXTREME")
		sev.TextStyle.Bold = true
		t := widget.NewLabel("")
		t.Truncation = fyne.TextTruncateEllipsis
		return container.NewBorder(nil, nil, sev, widget.NewLabel("00:00:00"), t)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(l.queue) {
			return
		}
		a := l.queue[i]
		c := o.(*fyne.Container)
		t, sev, when := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Label), c.Objects[2].(*widget.Label)
		sev.SetText(severityText(a.Event.Severity))
		sev.Importance = severityImportance(a.Event.Severity)
		sev.Refresh()
		t.SetText(alertLine(a))
		when.SetText(a.Event.Time.Local().Format("15:04:05"))
	})
	l.list.OnSelected = func(i widget.ListItemID) {
		if i < len(l.queue) && l.queue[i].Subject != l.selected {
			l.selectAlert(l.queue[i].Subject, true)
		}
	}

	l.title = widget.NewLabel("")
	l.title.TextStyle.Bold = true
	l.title.Wrapping = fyne.TextWrapWord
	l.meta = widget.NewLabel("")
	l.meta.Wrapping = fyne.TextWrapWord
	l.warn = widget.NewLabel("")
	l.warn.Importance = widget.WarningImportance
	l.warn.Wrapping = fyne.TextWrapWord
	l.note = widget.NewLabel("")
	l.note.Wrapping = fyne.TextWrapWord
	l.ack = widget.NewButton(lang.L("Acknowledge"), l.acknowledge)
	l.assign = widget.NewButton(lang.L("Assign…"), l.assignDialog)
	l.resolve = widget.NewButton(lang.L("Resolve…"), l.resolveDialog)
	l.ack.Importance = widget.HighImportance
	l.open = widget.NewButton(lang.L("Open camera view"), nil)
	l.open.Hide()
	l.cams = container.NewVBox()
	l.equip = container.NewVBox()
	l.units = container.NewVBox()
	heading := func(s string) fyne.CanvasObject {
		h := widget.NewLabel(s)
		h.TextStyle.Bold = true
		return h
	}
	l.detail = container.NewVBox(l.title, l.meta, l.warn, container.NewGridWithColumns(3, l.ack, l.assign, l.resolve), l.note,
		heading(lang.L("Cameras that see it")), l.cams, l.open,
		heading(lang.L("Nearest fire equipment on foot")), l.equip,
		heading(lang.L("Nearest patrol units")), l.units)
	l.detail.Hide()

	l.hint = widget.NewLabel(lang.L("Select an alert to see it on the map, the cameras that see it and what is near. Ctrl+N: next alert, Ctrl+K: acknowledge, Ctrl+G: assign, Ctrl+R: resolve."))
	l.hint.Wrapping = fyne.TextWrapWord
	l.hint.Importance = widget.LowImportance
	filters := container.NewGridWithColumns(3, l.statusSel, l.famSel, l.windowSl)
	l.side = container.NewVBox(l.hint, l.detail)
	split := container.NewVSplit(l.list, container.NewVScroll(container.NewPadded(l.side)))
	split.Offset = 0.4
	l.box = container.NewBorder(filters, nil, nil, nil, split)
	return l
}

// statusFilter turns the status choice into the console's filter.
func (l *liveConsole) refilter() {
	f := console.Filter{}
	switch l.statusSel.SelectedIndex() {
	case 1:
		f.Statuses = []console.Status{console.StatusNew}
	case 2:
		f.Statuses = []console.Status{console.StatusAcknowledged}
	case 3:
		f.Statuses = []console.Status{console.StatusAssigned}
	case 4:
		f.Statuses = []console.Status{console.StatusResolved}
	case 5:
		f.Statuses = []console.Status{console.StatusNew, console.StatusAcknowledged, console.StatusAssigned, console.StatusResolved}
	}
	if i := l.famSel.SelectedIndex(); i > 0 {
		f.Families = []string{familyCodes[i-1]}
	}
	f.Within = []time.Duration{0, 15 * time.Minute, time.Hour, 24 * time.Hour}[max(l.windowSl.SelectedIndex(), 0)]
	l.filter = f
	if l.c != nil {
		l.show(l.snap, true)
	}
}

// familyCodes are the type families of the filter, in its order.
var familyCodes = []string{"fire", "intrusion", "access", "alarm", "camera", "patrol", "rule", "medical", "equipment"}

// start opens the console on s: the last known picture from the store,
// then the hub's stream from where the store left off. It stops what ran
// before.
func (l *liveConsole) start(s *store.Store, set Settings) {
	l.stop()
	l.settings = set
	l.gen++
	l.snap, l.shown, l.queue, l.selected = console.Snapshot{}, 0, nil, ""
	l.detail.Hide()
	l.hint.Show()
	l.side.Refresh()
	l.list.Refresh()
	l.x.m.SetLive(nil, 0)
	l.x.m.HighlightCameras(nil)
	if s == nil {
		l.setConn(lang.L("Hub: not set"), widget.MediumImportance)
		return
	}
	ctx, cancel := context.WithCancel(l.x.ctx)
	l.s, l.cancel, l.wg = s, cancel, &sync.WaitGroup{}
	gen, wg := l.gen, l.wg
	hand := do
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, last, err := l.prepare(ctx, s, set)
		if err != nil {
			hand(func() {
				if gen == l.gen {
					l.setConn(lang.L("Console: {{.Err}}", map[string]any{"Err": err}), widget.DangerImportance)
				}
			})
			return
		}
		hand(func() {
			if gen != l.gen {
				return
			}
			l.c = c
			l.run(ctx, wg, c, s, last, set)
		})
	}()
}

// prepare builds the console and the rules of s in the background.
func (l *liveConsole) prepare(ctx context.Context, s *store.Store, set Settings) (*console.Console, int64, error) {
	opt := console.Options{RemoveAfter: time.Duration(set.RemoveAfter * float64(time.Minute))}
	if b, ok, err := s.Extent(ctx); err == nil && ok {
		opt.Centre = b.Center()
	}
	c := console.New(opt)
	rows, last, err := s.LoadLive(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := c.Restore(rows, last); err != nil {
		// What could be read is restored; say what could not, and go on.
		hand := do
		hand(func() {
			l.x.notice.SetText(lang.L("Some stored alerts could not be restored: {{.Err}}", map[string]any{"Err": err}))
			l.x.notice.Show()
		})
	}
	sc, err := scene.Load(ctx, s)
	if err != nil {
		return nil, 0, err
	}
	m, err := sc.Model(coverage.Options{})
	if err != nil {
		return nil, 0, err
	}
	env, err := rules.EnvFromStore(ctx, s, locale.Current())
	if err != nil {
		return nil, 0, err
	}
	env.Coverage = rules.ModelCoverage(m)
	rs := rules.Defaults(env)
	if set.Rules != "" {
		if rs, err = rules.Parse([]byte(set.Rules)); err != nil {
			return nil, 0, err
		}
	}
	eng, err := rules.New(rs, env, time.Now())
	if err != nil {
		return nil, 0, err
	}
	fids, err := cameraFIDs(ctx, s)
	if err != nil {
		return nil, 0, err
	}
	l.mu.Lock()
	l.engine, l.model, l.sc, l.camFID, l.rules = eng, m, sc, fids, rs
	l.lat = latency{}
	l.mu.Unlock()
	return c, last, nil
}

// rulesJSON returns the rules in force as JSON ("" before they are known).
func (l *liveConsole) rulesJSON() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rules == nil {
		return ""
	}
	return string(rules.Format(l.rules))
}

// cameraFIDs maps the IDs the coverage scene gives cameras (their code,
// else their OSM id, else cameras/fid) to their fids.
func cameraFIDs(ctx context.Context, s *store.Store) (map[string]int64, error) {
	cs, err := s.Cameras(ctx, store.World)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, c := range cs {
		out[fmt.Sprintf("%s/%d", store.Cameras, c.FID)] = c.FID
		if c.OSMID != "" {
			out[c.OSMID] = c.FID
		}
		if c.Code != "" {
			out[c.Code] = c.FID
		}
	}
	return out, nil
}

// run starts the goroutines of a prepared console: the recorder, the
// clock, the frame pump and, when a hub is set, the connection.
func (l *liveConsole) run(ctx context.Context, wg *sync.WaitGroup, c *console.Console, s *store.Store, last int64, set Settings) {
	hand := do
	wg.Add(3)
	go func() {
		defer wg.Done()
		if err := c.Record(ctx, s, 250*time.Millisecond); err != nil && ctx.Err() == nil {
			hand(func() {
				l.setConn(lang.L("Cannot store alerts: {{.Err}}", map[string]any{"Err": err}), widget.DangerImportance)
			})
		}
	}()
	go func() { // the clock: ages the picture and runs the time rules
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				c.Tick(now)
				l.mu.Lock()
				raised := l.engine.Tick(now)
				l.mu.Unlock()
				l.raise(c, raised, now)
			}
		}
	}()
	go func() { // the frame pump: at most one hand-over per frame
		defer wg.Done()
		t := time.NewTicker(frameEvery)
		defer t.Stop()
		var shown uint64
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if v := c.Version(); v != shown {
					shown = v
					snap := c.Snapshot(time.Now())
					hand(func() {
						if l.c == c {
							l.show(snap, false)
						}
					})
				}
			}
		}
	}()
	if set.HubURL == "" {
		l.setConn(lang.L("Hub: not set (Settings)"), widget.MediumImportance)
		return
	}
	opt := client.Options{URL: set.HubURL, Token: set.HubToken, AllowInsecure: set.HubAllowInsecure, OnState: func(st client.State, err error) {
		hand(func() {
			if l.c == c {
				l.connState(st, err)
			}
		})
	}}
	sub := client.NewSubscriber(opt, last)
	popt := opt
	popt.OnState = nil
	l.pub = client.NewPublisher(popt, 256, nil)
	wg.Add(2)
	go func() {
		defer wg.Done()
		err := sub.Run(ctx, func(m event.Message) error {
			l.receive(c, m, time.Now())
			return nil
		})
		if err != nil && ctx.Err() == nil {
			hand(func() {
				if l.c == c {
					l.connState(client.Stopped, err)
				}
			})
		}
	}()
	go func() {
		defer wg.Done()
		l.pub.Run(ctx)
	}()
}

// receive applies one message from the hub and what the rules raise.
func (l *liveConsole) receive(c *console.Console, m event.Message, now time.Time) {
	if !c.Apply(m, now) {
		return
	}
	l.mu.Lock()
	l.lat.pending = append(l.lat.pending, arrival{c.Version(), now})
	var raised []event.Event
	if l.engine != nil {
		raised = l.engine.Observe(m.Event, now)
	}
	l.mu.Unlock()
	l.raise(c, raised, now)
}

// raise puts the events the rules raised on the console.
func (l *liveConsole) raise(c *console.Console, raised []event.Event, now time.Time) {
	for _, e := range raised {
		c.Apply(event.Message{Publisher: "rules", Received: now, State: e.StateAt(now), Event: e}, now)
	}
}

// drawn records the arrival-to-drawing times of the events a frame shows.
func (l *liveConsole) drawn(stamp uint64, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, a := range l.lat.pending {
		if a.version > stamp {
			break
		}
		if len(l.lat.samples) < maxLatencySamples {
			l.lat.samples = append(l.lat.samples, at.Sub(a.at))
		}
		n++
	}
	l.lat.pending = l.lat.pending[n:]
	if t, ok := l.lat.shownAt[stamp]; ok {
		if len(l.lat.frames) < maxLatencySamples {
			l.lat.frames = append(l.lat.frames, at.Sub(t))
		}
		for v := range l.lat.shownAt {
			if v <= stamp {
				delete(l.lat.shownAt, v)
			}
		}
	}
}

// latencies returns and forgets the arrival-to-drawing times measured,
// and the frame times: from handing a batch to the window to the map
// frame that shows it.
func (l *liveConsole) latencies() (arrivals, frames []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	arrivals, frames = l.lat.samples, l.lat.frames
	l.lat.samples, l.lat.frames = nil, nil
	return arrivals, frames
}

// stop ends the connection, the recorder and the clock; the recorder's
// last save runs before the store can be closed (see wait).
func (l *liveConsole) stop() {
	if l.cancel != nil {
		l.cancel()
	}
	l.c, l.cancel, l.pub, l.s = nil, nil, nil, nil
}

// wait waits, at most d, for the goroutines of the last start to end.
func (l *liveConsole) wait(d time.Duration) {
	wg := l.wg
	if wg == nil {
		return
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

func (l *liveConsole) setConn(text string, imp widget.Importance) {
	l.conn.SetText(text)
	l.conn.Importance = imp
	l.conn.Refresh()
}

// connState shows the hub connection's state in the status bar.
func (l *liveConsole) connState(st client.State, err error) {
	switch st {
	case client.Connected:
		l.setConn(lang.L("Hub: connected"), widget.SuccessImportance)
	case client.Connecting:
		l.setConn(lang.L("Hub: connecting…"), widget.WarningImportance)
	case client.Disconnected:
		msg := lang.L("Hub: offline, retrying")
		if err != nil {
			msg += " — " + err.Error()
		}
		l.setConn(msg, widget.DangerImportance)
	default:
		msg := lang.L("Hub: stopped")
		if err != nil {
			msg += " — " + err.Error()
		}
		l.setConn(msg, widget.DangerImportance)
	}
}

// show draws a snapshot: the queue, the map's live layer, the selected
// alert; and sounds new severe alerts.
func (l *liveConsole) show(snap console.Snapshot, force bool) {
	if snap.Version == l.shown && !force {
		return
	}
	l.snap, l.shown = snap, snap.Version
	now := time.Now()
	l.mu.Lock()
	if l.lat.shownAt == nil {
		l.lat.shownAt = map[uint64]time.Time{}
	}
	if len(l.lat.shownAt) < maxLatencySamples {
		l.lat.shownAt[snap.Version] = now
	}
	l.mu.Unlock()
	l.queue = snap.Queue(l.filter, now)
	sound := false // one tone a frame, however many arrived in it
	heard := make(map[string]bool, len(l.heard))
	for _, a := range snap.Alerts {
		if a.Status != console.StatusNew || a.Event.Severity.Rank() < event.Severe.Rank() {
			continue
		}
		if !l.heard[a.Subject] {
			sound = true
		}
		heard[a.Subject] = true
	}
	l.heard = heard // forgets the alerts that left the picture or were acknowledged
	if sound && l.settings.Sound {
		playSound(l.settings.SoundFile)
	}
	l.list.Refresh()
	if i := l.indexOf(l.selected); i >= 0 {
		l.list.Select(i)
	} else {
		l.list.UnselectAll()
	}
	l.x.m.SetLive(liveItems(l.queue, snap.Units, l.selected), snap.Version)
	l.x.setAlertCount(len(l.queue))
	if l.selected != "" {
		l.fillDetail(false)
	}
}

func (l *liveConsole) indexOf(subject string) int {
	if subject == "" {
		return -1
	}
	for i, a := range l.queue {
		if a.Subject == subject {
			return i
		}
	}
	return -1
}

// liveItems turns the queue and the units into the map's live layer.
// Alerts with a warning (no position, far away, broken shape) stay in the
// queue only.
func liveItems(queue []console.Alert, units []console.Unit, selected string) []mapview.LiveItem {
	items := make([]mapview.LiveItem, 0, len(queue)+len(units))
	for _, u := range units {
		h := math.NaN()
		if v, ok := u.Event.Properties["heading_deg"].(float64); ok {
			h = v
		}
		items = append(items, mapview.LiveItem{ID: u.Subject, Kind: mapview.LiveUnit, Geometry: u.Event.Geometry,
			Family: u.Event.TypeFamily(), Severity: u.Event.Severity.Rank(), Heading: h, Stale: u.Stale,
			Drill: u.Event.IsDrill(), Trail: u.Trail, Label: u.Event.Title, Selected: u.Subject == selected})
	}
	for i := len(queue) - 1; i >= 0; i-- { // the most severe drawn last, on top
		a := queue[i]
		if a.Warning != "" || a.Event.Geometry == nil || a.Status == console.StatusResolved {
			continue
		}
		items = append(items, mapview.LiveItem{ID: a.Subject, Kind: mapview.LiveAlert, Geometry: a.Event.Geometry,
			Family: a.Event.TypeFamily(), Severity: a.Event.Severity.Rank(), Heading: math.NaN(),
			Stale: a.State == event.StaleState, Drill: a.Drill, New: a.Status == console.StatusNew,
			Selected: a.Subject == selected, Label: a.Event.Title})
	}
	return items
}

// selectAlert selects an alert: the map flies to it, and the cameras that
// see it, the nearest fire equipment and patrol units are listed.
func (l *liveConsole) selectAlert(subject string, fly bool) {
	l.selected = subject
	a, ok := l.alert(subject)
	if !ok {
		l.detail.Hide()
		l.hint.Show()
		l.side.Refresh()
		l.x.m.HighlightCameras(nil)
		return
	}
	if i := l.indexOf(subject); i >= 0 {
		l.list.Select(i)
	}
	l.x.showAlerts()
	if fly && a.Warning == "" && a.Event.Geometry != nil {
		l.x.m.FlyTo(a.Event.Geometry.Bound().Center(), math.Max(l.x.m.View().Zoom, 18))
	}
	l.x.m.SetLive(liveItems(l.queue, l.snap.Units, l.selected), l.snap.Version)
	l.fillDetail(true)
}

func (l *liveConsole) alert(subject string) (console.Alert, bool) {
	for _, a := range l.snap.Alerts {
		if a.Subject == subject {
			return a, true
		}
	}
	return console.Alert{}, false
}

// fillDetail shows the selected alert; with near it also finds, in the
// background, who sees it and what is near it.
func (l *liveConsole) fillDetail(near bool) {
	a, ok := l.alert(l.selected)
	if !ok {
		return
	}
	e := a.Event
	l.title.SetText(alertLine(a))
	meta := fmt.Sprintf("%s · %s · %s · %s", severityText(e.Severity), e.Type, e.Time.Local().Format("2006-01-02 15:04:05"), statusText(a.Status))
	if e.Source != "" {
		meta += " · " + e.Source
	}
	if a.AssignedTo != "" {
		meta += " · " + lang.L("assigned to {{.Unit}}", map[string]any{"Unit": a.AssignedTo})
	}
	if e.Description != "" {
		meta += "\n" + e.Description
	}
	l.meta.SetText(meta)
	if a.Warning != "" {
		l.warn.SetText(lang.L("Not on the map: {{.Why}}", map[string]any{"Why": a.Warning}))
		l.warn.Show()
	} else {
		l.warn.Hide()
	}
	var notes []string
	for _, act := range a.Actions {
		s := act.Time.Local().Format("15:04:05") + " " + act.Operator + ": " + actionText(act.Kind)
		if act.Unit != "" {
			s += " → " + act.Unit
		}
		if act.Note != "" {
			s += " — " + act.Note
		}
		notes = append(notes, s)
	}
	l.note.SetText(joinLines(notes))
	if len(notes) == 0 {
		l.note.Hide()
	} else {
		l.note.Show()
	}
	closed := a.Status == console.StatusResolved
	setEnabled(l.ack, a.Status == console.StatusNew)
	setEnabled(l.assign, !closed)
	setEnabled(l.resolve, !closed)
	if !l.detail.Visible() {
		l.detail.Show()
		l.hint.Hide()
		l.side.Refresh()
	}
	if near {
		l.findNear(a)
	}
}

// nearResult is what findNear hands back.
type nearResult struct {
	subject string
	sights  []coverage.Sight
	fids    []int64
	equip   []nearEquipment
	units   []nearUnit
	links   map[string]string // camera ID -> stream or snapshot URL
	names   map[string]string // camera ID -> name
}

type nearEquipment struct {
	id, kind string
	walk     float64
}

type nearUnit struct {
	title string
	dist  float64
	stale bool
}

// findNear finds, off the UI goroutine, the cameras that see the alert,
// the nearest fire equipment on foot and the nearest patrol units.
func (l *liveConsole) findNear(a console.Alert) {
	l.cams.Objects, l.equip.Objects, l.units.Objects = nil, nil, nil
	l.open.Hide()
	if a.Warning != "" || a.Event.Geometry == nil {
		l.x.m.HighlightCameras(nil)
		l.cams.Refresh()
		return
	}
	p := a.Event.Geometry.Bound().Center()
	units := slices.Clone(l.snap.Units)
	s, language := l.s, locale.Current()
	hand := do
	go func() {
		r := l.near(a.Subject, p, units, s, language)
		hand(func() {
			if r.subject == l.selected {
				l.showNear(r)
			}
		})
	}()
}

// near does findNear's work.
func (l *liveConsole) near(subject string, p orb.Point, units []console.Unit, s *store.Store, language string) nearResult {
	r := nearResult{subject: subject, links: map[string]string{}, names: map[string]string{}}
	l.mu.Lock()
	m, sc, fids := l.model, l.sc, l.camFID
	l.mu.Unlock()
	if m != nil && sc != nil {
		q := sc.ToMetres(p)
		r.sights = m.Seeing(q)
		for _, sg := range r.sights {
			if fid, ok := fids[sg.Camera]; ok {
				r.fids = append(r.fids, fid)
			}
		}
		r.equip = nearestEquipment(m, sc, q, 3)
	}
	if s != nil && len(r.fids) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, sg := range r.sights {
			fid, ok := fids[sg.Camera]
			if !ok {
				continue
			}
			if rec, ok, err := s.Get(ctx, store.Cameras, fid); err == nil && ok {
				r.names[sg.Camera] = recordName(rec, language)
				for _, k := range []string{"stream_url", "snapshot_url"} {
					if u, _ := rec.Props[k].(string); u != "" && r.links[sg.Camera] == "" {
						r.links[sg.Camera] = u
					}
				}
			}
		}
	}
	for _, u := range units {
		if pt, ok := u.Event.Geometry.(orb.Point); ok {
			r.units = append(r.units, nearUnit{title: unitTitle(u), dist: geo.Distance(p, pt), stale: u.Stale})
		}
	}
	sort.Slice(r.units, func(i, j int) bool { return r.units[i].dist < r.units[j].dist })
	if len(r.units) > 3 {
		r.units = r.units[:3]
	}
	return r
}

// nearestEquipment returns the n pieces of fire equipment nearest to q
// (metres) on foot, among the 12 nearest in a straight line.
func nearestEquipment(m *coverage.Model, sc *scene.Scene, q orb.Point, n int) []nearEquipment {
	type cand struct {
		e coverage.Equipment
		d float64
	}
	var cs []cand
	for _, e := range sc.Scene.Equipment {
		cs = append(cs, cand{e, math.Hypot(e.At[0]-q[0], e.At[1]-q[1])})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	if len(cs) > 12 {
		cs = cs[:12]
	}
	var out []nearEquipment
	w := m.Walk()
	for _, c := range cs {
		d := w.Distance(c.e.At, q, 1000)
		if math.IsInf(d, 1) || d > 1000 {
			continue
		}
		out = append(out, nearEquipment{id: c.e.ID, kind: c.e.Kind, walk: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].walk < out[j].walk })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// showNear lists what near found and highlights the cameras' views.
func (l *liveConsole) showNear(r nearResult) {
	l.x.m.HighlightCameras(r.fids)
	l.cams.Objects = nil
	if len(r.sights) == 0 {
		l.cams.Add(widget.NewLabel(lang.L("No camera sees this place.")))
	}
	first := ""
	for _, sg := range r.sights {
		name := r.names[sg.Camera]
		if name == "" {
			name = sg.Camera
		}
		text := lang.L("{{.Camera}}: {{.PPM}} px/m ({{.Level}}), {{.Dist}} m", map[string]any{
			"Camera": name, "PPM": strconv.FormatFloat(sg.PPM, 'f', 0, 64), "Level": translated("val." + sg.Level),
			"Dist": strconv.FormatFloat(sg.Distance, 'f', 0, 64)})
		if sg.Estimated {
			text += " · " + lang.L("heading estimated")
		}
		l.cams.Add(widget.NewLabel(text))
		if first == "" && r.links[sg.Camera] != "" {
			first = sg.Camera
		}
	}
	if first != "" {
		link := r.links[first]
		l.open.SetText(lang.L("Open view of {{.Camera}}", map[string]any{"Camera": r.names[first]}))
		l.open.OnTapped = func() { openLink(l.x.fyne, link) }
		l.open.Show()
	}
	l.equip.Objects = nil
	if len(r.equip) == 0 {
		l.equip.Add(widget.NewLabel(lang.L("No fire equipment within 1 km on foot.")))
	}
	for _, e := range r.equip {
		l.equip.Add(widget.NewLabel(lang.L("{{.Kind}} {{.ID}}: {{.Dist}} m on foot", map[string]any{
			"Kind": translated("equip." + e.kind), "ID": e.id, "Dist": strconv.FormatFloat(e.walk, 'f', 0, 64)})))
	}
	l.units.Objects = nil
	if len(r.units) == 0 {
		l.units.Add(widget.NewLabel(lang.L("No patrol unit reporting.")))
	}
	for _, u := range r.units {
		t := lang.L("{{.Unit}}: {{.Dist}} m", map[string]any{"Unit": u.title, "Dist": strconv.FormatFloat(u.dist, 'f', 0, 64)})
		if u.stale {
			t += " · " + lang.L("position stale")
		}
		l.units.Add(widget.NewLabel(t))
	}
	l.cams.Refresh()
	l.equip.Refresh()
	l.units.Refresh()
}

// act records an operator action on the selected alert and sends it to
// the hub, so every console shows the same state.
func (l *liveConsole) act(kind, unit, note string) {
	if l.c == nil || l.selected == "" {
		return
	}
	now := time.Now()
	e, err := console.NewAction(kind, l.selected, l.settings.operator(), unit, note, now)
	if err != nil {
		l.x.ShowError(err)
		return
	}
	l.c.Apply(event.Message{Publisher: "local", Received: now, State: event.Fresh, Event: e}, now)
	if l.pub != nil {
		data, err := event.Encode(e)
		if err != nil {
			l.x.ShowError(err)
			return
		}
		pub, ctx := l.pub, l.x.ctx
		go pub.Publish(ctx, data)
	}
}

func (l *liveConsole) acknowledge() {
	if a, ok := l.alert(l.selected); ok && a.Status == console.StatusNew {
		l.act("ack", "", "")
	}
}

func (l *liveConsole) assignDialog() {
	if l.selected == "" {
		return
	}
	var names []string
	for _, u := range l.snap.Units {
		names = append(names, unitTitle(u))
	}
	sort.Strings(names)
	sel := widget.NewSelectEntry(names)
	sel.SetPlaceHolder(lang.L("Patrol unit"))
	note := widget.NewEntry()
	items := []*widget.FormItem{{Text: lang.L("Patrol unit"), Widget: sel}, {Text: lang.L("Note"), Widget: note}}
	d := dialog.NewForm(lang.L("Assign to a patrol"), lang.L("Assign"), lang.L("Cancel"), items, func(ok bool) {
		if ok && sel.Text != "" {
			l.act("assign", sel.Text, note.Text)
		}
	}, l.x.win)
	d.Resize(fyne.NewSize(420, 220))
	d.Show()
}

func (l *liveConsole) resolveDialog() {
	if l.selected == "" {
		return
	}
	note := widget.NewMultiLineEntry()
	note.SetPlaceHolder(lang.L("What was found and done"))
	d := dialog.NewForm(lang.L("Resolve alert"), lang.L("Resolve"), lang.L("Cancel"), []*widget.FormItem{{Text: lang.L("Note"), Widget: note}}, func(ok bool) {
		if ok {
			l.act("resolve", "", note.Text)
		}
	}, l.x.win)
	d.Resize(fyne.NewSize(460, 240))
	d.Show()
}

// next selects the next alert of the queue (the first when none is).
func (l *liveConsole) next() {
	if len(l.queue) == 0 {
		return
	}
	i := l.indexOf(l.selected) + 1
	if i >= len(l.queue) {
		i = 0
	}
	l.selectAlert(l.queue[i].Subject, true)
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func unitTitle(u console.Unit) string {
	if u.Event.Title != "" {
		return u.Event.Title
	}
	return u.Subject
}

func alertLine(a console.Alert) string {
	t := a.Event.Title
	if t == "" {
		t = a.Event.Type
	}
	if a.Drill {
		t = lang.L("[DRILL]") + " " + t
	}
	if a.Warning != "" {
		t = "⚠ " + t
	}
	return t
}

func severityText(s event.Severity) string { return translated("severity." + string(s)) }

func severityImportance(s event.Severity) widget.Importance {
	switch s {
	case event.Extreme:
		return widget.DangerImportance
	case event.Severe:
		return widget.WarningImportance
	case event.Moderate:
		return widget.HighImportance
	}
	return widget.MediumImportance
}

func statusText(s console.Status) string { return translated("status." + string(s)) }

func actionText(kind string) string { return translated("action." + kind) }

func joinLines(ls []string) string {
	out := ""
	for i, s := range ls {
		if i > 0 {
			out += "\n"
		}
		out += s
	}
	return out
}

// recordName is a record's name in language, else its other name, else
// its code.
func recordName(r store.Record, language string) string {
	keys := []string{"name_en", "name", "name_zh", "code"}
	if language == locale.Chinese {
		keys = []string{"name_zh", "name", "name_en", "code"}
	}
	for _, k := range keys {
		if v, _ := r.Props[k].(string); v != "" {
			return v
		}
	}
	return strconv.FormatInt(r.FID, 10)
}

// translated translates a key made of a prefix and a coded value, such
// as "severity.extreme".
func translated(key string) string { return lang.L(key) }

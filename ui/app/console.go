package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/rules"
	"safetynet/geo/coverage"
	"safetynet/ui/locale"
)

// The operator console in the window, in five files by concern:
//
//   - console.go (this file): starting and stopping a session, and who owns what;
//   - console_feed.go: the feed goroutine, which applies what the hub sends
//     and runs the rules, and the one-slot mailbox to the window;
//   - console_view.go: the queue, the selected alert and the map's live layer;
//   - console_actions.go: the operator's actions, out through one ordered queue;
//   - console_lookups.go: who sees an alert and what is near it.
//
// Ownership. The widgets and every field of liveConsole belong to the Fyne
// goroutine. Each start makes a session; a session's goroutines only ever
// touch that session, never liveConsole's fields, and hand results to the
// window with do, where they are dropped unless the session is still the
// current one. Within a session: the console.Console is safe for
// concurrent use (the feed applies to it, the recorder saves it, the pump
// snapshots it, the window applies local actions); the rules engine
// belongs to the feed goroutine alone; the coverage model is written only
// by the feed goroutine (a camera going off or online, under lookups.mu)
// and read by lookups off the Fyne goroutine; actions go to the hub in
// order through one queue owned by one goroutine. No lock is ever held on
// the Fyne goroutine while the rules engine works.

// frameEvery is how often the console offers what arrived to the window:
// every change of a frame is drawn together, whatever the event rate, and
// a frame is offered only once the window has taken the one before.
const frameEvery = 33 * time.Millisecond

// liveConsole is the operator console: it follows a hub, keeps what
// arrives in the store, evaluates the rules, and shows the alert queue,
// the selected alert and the live layer of the map. Its methods and
// fields belong to the Fyne goroutine.
type liveConsole struct {
	x *App

	cur      *session // the running session; nil when stopped
	last     *session // the session stopped last, for wait
	gen      int      // counts starts
	settings Settings // in force

	view
	stats drawStats

	// shared is the running session's console, for tests and benchmarks
	// on other goroutines.
	shared atomic.Pointer[console.Console]
}

// session is one start of the console on one store with one set of
// settings. Its goroutines stop on ctx and are counted by wg.
type session struct {
	gen    int
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	s      *store.Store

	// Set once prepared, on the Fyne goroutine, before any goroutine
	// below starts; read-only from then on.
	c     *console.Console
	look  *lookups
	acts  *actionQueue      // nil without a hub
	pub   *client.Publisher // the actions' publisher, also a drill's; nil without a hub
	rules []rules.Rule
	mail  mailbox

	// saw, when set, is given every message from the hub on the
	// subscriber's goroutine before the feed applies it (a drill's
	// runner); it must not block.
	saw atomic.Pointer[func(event.Message)]
}

func newLiveConsole(x *App) *liveConsole {
	l := &liveConsole{x: x}
	l.buildView()
	return l
}

// running returns the current session once it is prepared, else nil.
func (l *liveConsole) running() *session {
	if l.cur == nil || l.cur.c == nil {
		return nil
	}
	return l.cur
}

// start opens the console on s: the last known picture from the store,
// then the hub's stream from where the store left off. It stops what ran
// before. With s nil the console stays empty.
func (l *liveConsole) start(s *store.Store, set Settings) {
	l.stop()
	l.settings = set
	l.gen++
	l.clearView()
	if s == nil {
		l.setConn(lang.L("Hub: not set"), widget.MediumImportance, "")
		return
	}
	ss := &session{gen: l.gen, s: s}
	ss.ctx, ss.cancel = context.WithCancel(l.x.ctx)
	l.cur = ss
	hand := do
	ss.wg.Add(1)
	go func() {
		p, err := prepare(ss.ctx, s, set, locale.Current())
		if ss.ctx.Err() != nil {
			ss.wg.Done()
			return // stopped meanwhile: nothing to report
		}
		hand(func() {
			defer ss.wg.Done()
			if l.cur != ss {
				return
			}
			if err != nil {
				l.setConn(lang.L("Console: cannot start"), widget.DangerImportance, err.Error())
				return
			}
			if p.restoreErr != nil {
				l.x.showNotice(lang.L("Some stored alerts could not be restored: {{.Err}}", map[string]any{"Err": p.restoreErr}))
			}
			l.run(ss, p, set)
		})
	}()
}

// prepared is what prepare builds off the Fyne goroutine.
type prepared struct {
	c          *console.Console
	last       int64
	engine     *rules.Engine
	look       *lookups
	rules      []rules.Rule
	restoreErr error // stored alerts that could not be read; the rest are restored
}

// prepare builds the console, the coverage model and the rules of s.
func prepare(ctx context.Context, s *store.Store, set Settings, language string) (prepared, error) {
	var p prepared
	opt := console.Options{RemoveAfter: time.Duration(set.RemoveAfter * float64(time.Minute)), Language: language}
	if b, ok, err := s.Extent(ctx); err == nil && ok {
		opt.Centre = b.Center()
	}
	p.c = console.New(opt)
	rows, last, err := s.LoadLive(ctx)
	if err != nil {
		return p, err
	}
	state, err := s.LiveState(ctx)
	if err != nil {
		return p, err
	}
	p.last = last
	// What could be read is restored; what could not is reported.
	p.restoreErr = errors.Join(p.c.Restore(rows, last), p.c.RestoreState(state))
	sc, err := scene.Load(ctx, s)
	if err != nil {
		return p, err
	}
	m, err := sc.Model(coverage.Options{})
	if err != nil {
		return p, err
	}
	env, err := rules.EnvFromStore(ctx, s, language)
	if err != nil {
		return p, err
	}
	names, err := sourceNames(ctx, s, language)
	if err != nil {
		return p, err
	}
	p.look = newLookups(s, m, sc, names)
	env.Coverage = rules.ModelCoverage(m)
	p.rules = rules.Defaults(env)
	if set.Rules != "" {
		if p.rules, err = rules.Parse([]byte(set.Rules)); err != nil {
			return p, err
		}
	}
	if p.engine, err = rules.New(p.rules, env, time.Now()); err != nil {
		return p, err
	}
	return p, nil
}

// run starts the goroutines of a prepared session: the recorder, the
// feed, the frame pump and, when a hub is set, the subscriber and the
// actions' publisher.
func (l *liveConsole) run(ss *session, p prepared, set Settings) {
	ss.c, ss.look, ss.rules = p.c, p.look, p.rules
	l.shared.Store(p.c)
	go p.look.m.PrepareRespond() // the walking graph, so that the first selection is quick
	f := newFeed(p.c, p.engine, p.look)
	hand := do
	ctx := ss.ctx
	ss.wg.Add(3)
	go func() {
		defer ss.wg.Done()
		if err := p.c.Record(ctx, ss.s, 250*time.Millisecond); err != nil && ctx.Err() == nil {
			hand(func() {
				if l.cur == ss {
					l.setConn(lang.L("Cannot store alerts"), widget.DangerImportance, err.Error())
				}
			})
		}
	}()
	go func() {
		defer ss.wg.Done()
		f.run(ctx)
	}()
	go func() {
		defer ss.wg.Done()
		l.pump(ss, f)
	}()
	if set.HubURL == "" {
		l.setConn(lang.L("Hub: not set (Settings)"), widget.MediumImportance, "")
		return
	}
	opt := client.Options{URL: set.HubURL, Token: set.HubToken, AllowInsecure: set.HubAllowInsecure, OnState: func(st client.State, err error) {
		hand(func() {
			if l.cur == ss {
				l.connState(st, err)
			}
		})
	}}
	sub := client.NewSubscriber(opt, p.last)
	popt := opt
	popt.OnState = nil
	pub := client.NewPublisher(popt, 256, func(data []byte, a client.Ack) {
		if err := a.Err(); err != nil {
			hand(func() {
				if l.cur == ss {
					l.x.showNotice(lang.L("The hub refused an action: {{.Err}}", map[string]any{"Err": err}))
				}
			})
		}
	})
	ss.acts = newActionQueue()
	ss.pub = pub
	ss.wg.Add(3)
	go func() {
		defer ss.wg.Done()
		err := sub.Run(ctx, func(m event.Message) error {
			if saw := ss.saw.Load(); saw != nil {
				(*saw)(m)
			}
			return f.offer(ctx, m)
		})
		if err != nil && ctx.Err() == nil {
			hand(func() {
				if l.cur == ss {
					l.connState(client.Stopped, err)
				}
			})
		}
	}()
	go func() {
		defer ss.wg.Done()
		pub.Run(ctx)
	}()
	go func() {
		defer ss.wg.Done()
		ss.acts.run(ctx, pub)
	}()
}

// rulesJSON returns the rules in force as JSON ("" before they are known).
func (l *liveConsole) rulesJSON() string {
	if ss := l.running(); ss != nil && ss.rules != nil {
		return string(rules.Format(ss.rules))
	}
	return ""
}

// stop ends the current session: its connection, feed, recorder and
// clock. The recorder's last save runs before the store can be closed
// (see wait).
func (l *liveConsole) stop() {
	if l.cur != nil {
		l.cur.cancel()
		l.last = l.cur
	}
	l.cur = nil
	l.shared.Store(nil)
	l.x.m.SetCameraStatus(nil)
}

// wait waits, at most d, for the goroutines of the last session to end.
func (l *liveConsole) wait(d time.Duration) bool {
	ss := l.cur
	if ss == nil {
		ss = l.last
	}
	if ss == nil {
		return true
	}
	return ss.waitFor(d)
}

// waitFor waits, at most d, for ss's goroutines to end, and reports
// whether they did.
func (ss *session) waitFor(d time.Duration) bool {
	done := make(chan struct{})
	go func() { ss.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

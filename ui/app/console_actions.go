package app

import (
	"context"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/feeds/client"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// actionQueueLen is how many actions may wait for the hub. Beyond it (the
// hub unreachable for a long time) a new action is refused with a message
// rather than blocking the window.
const actionQueueLen = 256

// actionQueue sends the operator's actions to the hub in the order they
// were taken: the window adds, one goroutine (run) publishes.
type actionQueue struct {
	ch chan []byte
}

func newActionQueue() *actionQueue { return &actionQueue{ch: make(chan []byte, actionQueueLen)} }

// add queues an encoded action; false when the queue is full.
func (q *actionQueue) add(data []byte) bool {
	select {
	case q.ch <- data:
		return true
	default:
		return false
	}
}

// run publishes the queued actions in order until ctx ends. The
// publisher keeps each until the hub acknowledges it, across reconnects.
func (q *actionQueue) run(ctx context.Context, pub *client.Publisher) {
	for {
		select {
		case <-ctx.Done():
			return
		case data := <-q.ch:
			if pub.Publish(ctx, data) != nil {
				return
			}
		}
	}
}

// act records an operator action on the selected alert and sends it to
// the hub, so every console shows the same state. An action the alert's
// state does not allow is refused with a message; it returns whether the
// action was taken.
func (l *liveConsole) act(kind, unit, note string) bool {
	ss := l.running()
	if ss == nil || l.selected == "" {
		return false
	}
	a, ok := ss.c.Alert(l.selected)
	if !ok {
		l.x.showNotice(lang.L("The alert is no longer in the console."))
		return false
	}
	if err := allows(a, kind); err != nil {
		l.x.showNotice(err.Error())
		return false
	}
	now := time.Now()
	e, err := console.NewAction(kind, l.selected, l.settings.operator(), unit, note, now)
	if err != nil {
		l.x.ShowError(err)
		return false
	}
	var data []byte
	if ss.acts != nil {
		if data, err = event.Encode(e); err != nil {
			l.x.ShowError(err)
			return false
		}
	}
	ss.c.Apply(event.Message{Publisher: "local", Received: now, State: event.Fresh, Event: e}, now)
	if ss.acts != nil && !ss.acts.add(data) {
		l.x.showNotice(lang.L("Too many actions are waiting for the hub; this one is kept here only. Check the connection."))
	}
	return true
}

// allows says why the alert's state does not allow an action, or nil.
func allows(a console.Alert, kind string) error {
	switch {
	case a.Status == console.StatusResolved && kind != console.ActionNote:
		return errorf("This alert is already resolved.")
	case kind == console.ActionAck && a.Status != console.StatusNew:
		return errorf("This alert is already acknowledged.")
	}
	return nil
}

func (l *liveConsole) acknowledge() {
	if l.selected == "" {
		l.x.showNotice(lang.L("Select an alert first (Ctrl+N: next alert)."))
		return
	}
	l.act(console.ActionAck, "", "")
}

// assignDialog asks which patrol unit to send to the selected alert.
func (l *liveConsole) assignDialog() {
	ss := l.running()
	if ss == nil || l.selected == "" {
		l.x.showNotice(lang.L("Select an alert first (Ctrl+N: next alert)."))
		return
	}
	if a, ok := ss.c.Alert(l.selected); ok {
		if err := allows(a, console.ActionAssign); err != nil {
			l.x.showNotice(err.Error())
			return
		}
	}
	var names []string
	for _, u := range l.snap.Units {
		names = append(names, unitTitle(u))
	}
	sort.Strings(names)
	sel := newFormSelectEntry(names)
	sel.SetPlaceHolder(lang.L("Patrol unit"))
	sel.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errorf("Choose or type the patrol unit to send.")
		}
		return nil
	}
	note := newFormEntry()
	subject := l.selected
	showForm(l.x.win, lang.L("Assign to a patrol"), lang.L("Assign"), []*widget.FormItem{
		{Text: lang.L("Patrol unit"), Widget: sel}, {Text: lang.L("Note"), Widget: note},
	}, func() {
		if l.selected != subject {
			l.selectAlert(subject, false)
		}
		l.act(console.ActionAssign, strings.TrimSpace(sel.Text), note.Text)
	}, fyne.NewSize(420, 220), l.x.m)
}

// resolveDialog asks for the note that closes the selected alert.
func (l *liveConsole) resolveDialog() {
	ss := l.running()
	if ss == nil || l.selected == "" {
		l.x.showNotice(lang.L("Select an alert first (Ctrl+N: next alert)."))
		return
	}
	if a, ok := ss.c.Alert(l.selected); ok {
		if err := allows(a, console.ActionResolve); err != nil {
			l.x.showNotice(err.Error())
			return
		}
	}
	note := newFormEntry()
	note.SetPlaceHolder(lang.L("What was found and done"))
	subject := l.selected
	showForm(l.x.win, lang.L("Resolve alert"), lang.L("Resolve"), []*widget.FormItem{
		{Text: lang.L("Note"), Widget: note},
	}, func() {
		if l.selected != subject {
			l.selectAlert(subject, false)
		}
		l.act(console.ActionResolve, "", note.Text)
	}, fyne.NewSize(460, 200), l.x.m)
}

package app

import (
	"context"
	"errors"
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
	now := time.Now()
	e, err := console.NewAction(kind, l.selected, l.settings.operator(), unit, note, now)
	if err != nil {
		l.x.ShowError(err)
		return false
	}
	return l.take(ss, e, now)
}

// take checks the action e against the alert's state, applies it here and
// queues it for the hub; a refusal is shown as a message.
func (l *liveConsole) take(ss *session, e event.Event, now time.Time) bool {
	if err := ss.c.Check(e); err != nil {
		l.x.showNotice(actionRefusal(err))
		return false
	}
	var data []byte
	var err error
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

// actionRefusal says, in the interface language, why an action was refused.
func actionRefusal(err error) string {
	var r *console.RefusedError
	if errors.As(err, &r) {
		return lang.L("Not done: {{.Action}} — {{.Why}}.", map[string]any{"Action": actionText(r.Kind), "Why": translated(r.Reason)})
	}
	return err.Error()
}

// allows says, in the interface language, why the selected alert's state
// does not allow kind, or "".
func (l *liveConsole) allows(ss *session, kind string) string {
	a, ok := ss.c.Alert(l.selected)
	if !ok {
		return actionRefusal(&console.RefusedError{Kind: kind, Subject: l.selected, Reason: console.ReasonGone})
	}
	if err := a.Allows(kind); err != nil {
		return actionRefusal(err)
	}
	return ""
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
	if why := l.allows(ss, console.ActionAssign); why != "" {
		l.x.showNotice(why)
		return
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
	if why := l.allows(ss, console.ActionResolve); why != "" {
		l.x.showNotice(why)
		return
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

// shelveTimes are the shelf times offered, the first the default.
var shelveTimes = []time.Duration{time.Hour, 15 * time.Minute, 30 * time.Minute, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour}

// shelveDialog sets the selected alert aside for a time, with a reason;
// on a shelved alert it takes it back off the shelf.
func (l *liveConsole) shelveDialog() {
	ss := l.running()
	if ss == nil || l.selected == "" {
		l.x.showNotice(lang.L("Select an alert first (Ctrl+N: next alert)."))
		return
	}
	if a, ok := ss.c.Alert(l.selected); ok && a.Shelved(time.Now()) {
		l.act(console.ActionUnshelve, "", "")
		return
	}
	if why := l.allows(ss, console.ActionShelve); why != "" {
		l.x.showNotice(why)
		return
	}
	var names []string
	for _, d := range shelveTimes {
		names = append(names, shelveText(d))
	}
	for {
		i := len(names) - 1
		if i < 0 || shelveTimes[i] <= ss.c.MaxShelve() {
			break
		}
		names = names[:i]
	}
	how := widget.NewSelect(names, nil)
	how.SetSelectedIndex(0)
	reason := newFormEntry()
	reason.SetPlaceHolder(lang.L("Why it can wait (required)"))
	reason.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errorf("Say why the alert can wait.")
		}
		return nil
	}
	subject := l.selected
	showForm(l.x.win, lang.L("Shelve alert"), lang.L("Shelve"), []*widget.FormItem{
		{Text: lang.L("Reason"), Widget: reason}, {Text: lang.L("For"), Widget: how},
	}, func() {
		if l.selected != subject {
			l.selectAlert(subject, false)
		}
		now := time.Now()
		e, err := console.NewShelve(subject, l.settings.operator(), strings.TrimSpace(reason.Text), shelveTimes[max(how.SelectedIndex(), 0)], now)
		if err != nil {
			l.x.ShowError(err)
			return
		}
		if cur := l.running(); cur == ss {
			l.take(ss, e, now)
		}
	}, fyne.NewSize(440, 220), l.x.m)
}

// shelveText is a shelf time as the dialog offers it.
func shelveText(d time.Duration) string {
	if d < time.Hour {
		return lang.L("{{.N}} minutes", map[string]any{"N": int(d.Minutes())})
	}
	if d == time.Hour {
		return lang.L("1 hour")
	}
	return lang.L("{{.N}} hours", map[string]any{"N": int(d.Hours())})
}

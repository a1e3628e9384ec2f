package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Keyboard rules of the window: every dialog focuses its first field,
// Enter submits it and Esc cancels it; the window's shortcuts (Ctrl+N,
// Ctrl+K, ...) work whatever has focus, a text field included, since the
// fields hand the shortcuts they do not use themselves to the window.

// shortcutTarget runs the window's own shortcuts; nil in a field that is
// not in a window of ours.
type shortcutTarget interface {
	TypedShortcut(fyne.Shortcut)
}

// ownShortcut reports whether an entry uses s itself (clipboard, undo,
// select all, moving by word) rather than handing it to the window.
func ownShortcut(s fyne.Shortcut) bool {
	switch s.(type) {
	case *fyne.ShortcutCopy, *fyne.ShortcutCut, *fyne.ShortcutPaste, *fyne.ShortcutSelectAll,
		*fyne.ShortcutUndo, *fyne.ShortcutRedo:
		return true
	}
	if c, ok := s.(*desktop.CustomShortcut); ok {
		switch c.KeyName {
		case fyne.KeyLeft, fyne.KeyRight, fyne.KeyUp, fyne.KeyDown, fyne.KeyHome, fyne.KeyEnd,
			fyne.KeyBackspace, fyne.KeyDelete:
			return true
		}
	}
	return false
}

// formEntry is a one-line text field for dialogs and the search box:
// Enter calls onSubmit, Esc calls onCancel, and shortcuts it does not use
// go to the window.
type formEntry struct {
	widget.Entry
	window   shortcutTarget
	onCancel func()
}

func newFormEntry() *formEntry {
	e := &formEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Esc, and passes every other key to the entry.
func (e *formEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onCancel != nil {
		e.onCancel()
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut hands the window's shortcuts to the window.
func (e *formEntry) TypedShortcut(s fyne.Shortcut) {
	if !ownShortcut(s) && e.window != nil {
		e.window.TypedShortcut(s)
		return
	}
	e.Entry.TypedShortcut(s)
}

// formSelectEntry is formEntry with a drop-down of choices.
type formSelectEntry struct {
	widget.SelectEntry
	window   shortcutTarget
	onCancel func()
}

func newFormSelectEntry(options []string) *formSelectEntry {
	e := &formSelectEntry{}
	e.ExtendBaseWidget(e)
	e.SetOptions(options)
	return e
}

// TypedKey handles Esc, and passes every other key to the entry.
func (e *formSelectEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onCancel != nil {
		e.onCancel()
		return
	}
	e.SelectEntry.TypedKey(k)
}

// TypedShortcut hands the window's shortcuts to the window.
func (e *formSelectEntry) TypedShortcut(s fyne.Shortcut) {
	if !ownShortcut(s) && e.window != nil {
		e.window.TypedShortcut(s)
		return
	}
	e.SelectEntry.TypedShortcut(s)
}

// windowShortcuts runs the shortcuts of win's menus and canvas, as the
// window does when nothing has focus.
type windowShortcuts struct{ win fyne.Window }

func (w windowShortcuts) TypedShortcut(s fyne.Shortcut) {
	if m := w.win.MainMenu(); m != nil {
		for _, menu := range m.Items {
			if runMenuShortcut(menu, s) {
				return
			}
		}
	}
	if c, ok := w.win.Canvas().(fyne.Shortcutable); ok {
		c.TypedShortcut(s)
	}
}

func runMenuShortcut(m *fyne.Menu, s fyne.Shortcut) bool {
	for _, it := range m.Items {
		if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() && it.Action != nil && !it.Disabled {
			it.Action()
			return true
		}
		if it.ChildMenu != nil && runMenuShortcut(it.ChildMenu, s) {
			return true
		}
	}
	return false
}

// keyDialog is a dialog the keyboard answers while it is the top one and
// nothing in it has focus: Enter runs ok, Esc runs cancel.
type keyDialog struct {
	ok, cancel func()
}

// dialogs are the open dialogs of each window, the top one last; their
// windows' canvases send unfocused keys to typedKey. Fyne goroutine only.
var dialogs = map[fyne.Window][]*keyDialog{}

// trackDialog shows d over win so that Enter runs ok and Esc cancel when
// no field of it has focus (fields of showForm do the same themselves);
// focus returns to after once the last dialog closes.
func trackDialog(win fyne.Window, d dialog.Dialog, ok, cancel func(), after fyne.Focusable) {
	kd := &keyDialog{ok: ok, cancel: cancel}
	if _, seen := dialogs[win]; !seen {
		win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) { typedKey(win, k) })
	}
	dialogs[win] = append(dialogs[win], kd)
	d.SetOnClosed(func() {
		ds := dialogs[win]
		for i := range ds {
			if ds[i] == kd {
				dialogs[win] = append(ds[:i:i], ds[i+1:]...)
				break
			}
		}
		if len(dialogs[win]) == 0 && after != nil {
			win.Canvas().Focus(after)
		}
	})
	win.Canvas().Unfocus()
	d.Show()
}

// typedKey answers the top dialog of win from the keyboard.
func typedKey(win fyne.Window, k *fyne.KeyEvent) {
	ds := dialogs[win]
	if len(ds) == 0 {
		return
	}
	top := ds[len(ds)-1]
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		top.ok()
	case fyne.KeyEscape:
		top.cancel()
	}
}

// showInfo shows a message over win that Enter or Esc closes.
func showInfo(win fyne.Window, title, msg string, after fyne.Focusable) {
	d := dialog.NewInformation(title, msg, win)
	trackDialog(win, d, d.Hide, d.Hide, after)
}

// showErr shows err over win in a dialog that Enter or Esc closes.
func showErr(win fyne.Window, err error, after fyne.Focusable) {
	d := dialog.NewError(err, win)
	trackDialog(win, d, d.Hide, d.Hide, after)
}

// showConfirm shows d, a confirm dialog, over win: Enter confirms, Esc
// cancels.
func showConfirm(win fyne.Window, d *dialog.ConfirmDialog, after fyne.Focusable) {
	trackDialog(win, d, d.Confirm, d.Hide, after)
}

// showForm shows a form dialog over win whose first text field has
// focus, where Enter in a field submits (when the form is valid) and Esc
// cancels; submit runs when the operator confirms. Focus returns to
// after (the map) when the dialog closes.
func showForm(win fyne.Window, title, confirm string, items []*widget.FormItem, submit func(), size fyne.Size, after fyne.Focusable) *dialog.FormDialog {
	d := dialog.NewForm(title, confirm, lang.L("Cancel"), items, func(ok bool) {
		if ok {
			submit()
		}
	}, win)
	keys := windowShortcuts{win}
	var first fyne.Focusable
	for _, it := range items {
		switch e := it.Widget.(type) {
		case *formEntry:
			e.OnSubmitted = func(string) { d.Submit() }
			e.onCancel, e.window = d.Hide, keys
		case *formSelectEntry:
			e.OnSubmitted = func(string) { d.Submit() }
			e.onCancel, e.window = d.Hide, keys
		}
		switch f := it.Widget.(type) { // the first text field: Enter and Esc work there
		case *formEntry:
			if first == nil && !f.Disabled() {
				first = f
			}
		case *formSelectEntry:
			if first == nil && !f.Disabled() {
				first = f
			}
		}
	}
	d.Resize(size)
	trackDialog(win, d, d.Submit, d.Hide, after)
	if first != nil {
		win.Canvas().Focus(first)
	}
	return d
}

// statusLabel is a status-bar text that never widens the window: it is
// cut with an ellipsis, and a click shows the whole story (an error's
// detail) in a dialog.
type statusLabel struct {
	widget.Label
	x      *App
	detail string
	// natural is the width of measured shown whole.
	measured string
	natural  float32
}

func newStatusLabel(x *App) *statusLabel {
	s := &statusLabel{x: x}
	s.Truncation = fyne.TextTruncateEllipsis
	s.ExtendBaseWidget(s)
	return s
}

// set shows text with an importance; detail, when not empty, is shown on
// a click.
func (s *statusLabel) set(text string, imp widget.Importance, detail string) {
	s.detail = detail
	before := s.MinSize().Width
	s.Text = text
	s.Importance = imp
	s.Refresh()
	if s.MinSize().Width != before && s.x != nil && s.x.statusBar != nil {
		s.x.statusBar.Refresh() // the bar lays its texts out again
	}
}

// statusWidth is the most a status-bar text asks for, in logical pixels.
const statusWidth = 280

// MinSize is the text's width up to statusWidth, whatever the text.
func (s *statusLabel) MinSize() fyne.Size {
	m := s.Label.MinSize()
	if s.Text != s.measured {
		full := widget.NewLabelWithStyle(s.Text, s.Alignment, s.TextStyle)
		// A little slack: the text's own truncation measures the glyphs
		// again and must not find them a fraction of a pixel too wide.
		s.measured, s.natural = s.Text, full.MinSize().Width+4
	}
	return fyne.NewSize(min(s.natural, statusWidth), m.Height)
}

// Tapped shows the detail.
func (s *statusLabel) Tapped(*fyne.PointEvent) {
	if s.detail == "" || s.x == nil || s.x.win == nil {
		return
	}
	showInfo(s.x.win, lang.L("Details"), s.Text+"\n\n"+s.detail, s.x.m)
}

package app

import (
	"context"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/data/store"
	"safetynet/ui/locale"
)

// searchBox finds features by name, code or id as the user types, lists
// them in a pop-up, and calls pick with the one chosen (Enter takes the
// first). Its methods run on the Fyne goroutine.
type searchBox struct {
	entry *widget.Entry
	list  *widget.List
	popup *widget.PopUp
	hits  []store.Hit
	gen   int
	timer *time.Timer
	win   fyne.Window
	store func() *store.Store
	pick  func(store.Hit)
	ctx   context.Context
}

func newSearchBox(ctx context.Context, win fyne.Window, st func() *store.Store, pick func(store.Hit)) *searchBox {
	b := &searchBox{win: win, store: st, pick: pick, ctx: ctx}
	b.entry = widget.NewEntry()
	b.entry.SetPlaceHolder(lang.L("Search name, code or id"))
	b.entry.OnChanged = func(string) { b.schedule() }
	b.entry.OnSubmitted = func(string) {
		if len(b.hits) > 0 {
			b.choose(0)
		} else {
			b.run()
		}
	}
	b.list = widget.NewList(
		func() int { return len(b.hits) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(hitLabel(b.hits[i])) },
	)
	b.list.OnSelected = func(i widget.ListItemID) { b.choose(i) }
	return b
}

// hitLabel is how a found feature is listed: its name, layer and code.
func hitLabel(h store.Hit) string {
	s := h.Names.Label(locale.Current())
	if s == "" {
		s = "#" + itoa(h.FID)
	}
	s += " · " + locale.Layer(h.Layer)
	if h.Code != "" {
		s += " · " + h.Code
	}
	return s
}

// schedule runs the search once typing pauses for 150 ms.
func (b *searchBox) schedule() {
	if b.timer != nil {
		b.timer.Stop()
	}
	hand := do // read here: tests replace do after the window closes
	b.timer = time.AfterFunc(150*time.Millisecond, func() { hand(b.run) })
}

// run searches for the entry's text in the background and shows the hits.
func (b *searchBox) run() {
	b.gen++
	gen, text, s := b.gen, b.entry.Text, b.store()
	if s == nil || text == "" {
		b.show(nil)
		return
	}
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		hits, err := s.Search(ctx, text, 20)
		hand(func() {
			if gen != b.gen {
				return
			}
			if err != nil {
				hits = nil
			}
			b.show(hits)
		})
	}()
}

func (b *searchBox) show(hits []store.Hit) {
	b.hits = hits
	b.list.UnselectAll()
	b.list.Refresh()
	if len(hits) == 0 {
		if b.popup != nil {
			b.popup.Hide()
		}
		return
	}
	if b.popup == nil {
		b.popup = widget.NewPopUp(b.list, b.win.Canvas())
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.entry)
	pos.Y += b.entry.Size().Height
	rows := min(len(hits), 8)
	b.popup.Resize(fyne.NewSize(max(b.entry.Size().Width, 320), float32(rows)*38))
	b.popup.ShowAtPosition(pos)
}

func (b *searchBox) choose(i int) {
	if i < 0 || i >= len(b.hits) {
		return
	}
	h := b.hits[i]
	if b.popup != nil {
		b.popup.Hide()
	}
	b.pick(h)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

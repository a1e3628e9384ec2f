package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/ui/mapview"
)

// camDrag is one drag of a camera in plan mode. The Fyne goroutine asks
// for positions; one goroutine at a time applies the latest to the model
// and hands the camera's new zones and the key areas back, and the next
// step starts only once that has been shown: one crossing per frame.
type camDrag struct {
	r    *planResult
	id   string // in the model
	fid  int64  // in the store
	orig coverage.Camera
	hand func(func())

	// apply is held while the model changes: a step, or the drop.
	apply sync.Mutex

	mu      sync.Mutex // guards the fields below
	next    *orb.Point // the latest position asked for, metres
	running bool       // a step is computed or being handed over
	dropped bool
}

// camStep is what a step of a drag hands to the window.
type camStep struct {
	zones []mapview.Shape
	rows  []planRow
	err   error // the model refused the position; it keeps the last good one
}

// cameraDragged follows a camera the operator drags on the map in plan
// mode: see mapview.DragFunc.
func (x *App) cameraDragged(fid int64, at orb.Point, done bool) bool {
	r := x.planRes
	if r == nil {
		return false
	}
	d := x.drag
	if d == nil || d.fid != fid || d.r != r {
		id, ok := r.camIDs[fid]
		if !ok {
			return false
		}
		c, ok := r.model.Camera(id)
		if !ok {
			return false
		}
		d = &camDrag{r: r, id: id, fid: fid, orig: c, hand: do}
		x.drag = d
	}
	p := r.sc.Plane.ToMetres(at)
	if !done {
		d.mu.Lock()
		d.next = &p
		start := !d.running
		d.running = true
		d.mu.Unlock()
		if start {
			go x.dragStep(d)
		}
		return true
	}
	x.drag = nil
	return x.dropCamera(d, p)
}

// dragStep applies the latest position asked for to the model, in the
// background, and hands the result to the window.
func (x *App) dragStep(d *camDrag) {
	d.apply.Lock()
	d.mu.Lock()
	if d.dropped || d.next == nil {
		d.running = false
		d.mu.Unlock()
		d.apply.Unlock()
		return
	}
	p := *d.next
	d.next = nil
	d.mu.Unlock()
	c := d.orig
	c.At = p
	var st camStep
	if _, err := d.r.model.SetCamera(c); err != nil {
		st.err = err
	} else {
		st.zones, st.rows = d.r.cameraShapes(d.id), d.r.keyAreas()
	}
	d.apply.Unlock()
	d.hand(func() {
		d.mu.Lock()
		dropped := d.dropped
		more := !dropped && d.next != nil
		d.running = more
		d.mu.Unlock()
		if !dropped && x.planRes == d.r {
			x.showStep(d.r, d.id, st)
		}
		if more {
			go x.dragStep(d)
		} else if settled != nil {
			settled()
		}
	})
}

// showStep shows a camera's new zones and the key areas, or why the
// camera cannot be where it is dragged.
func (x *App) showStep(r *planResult, id string, st camStep) {
	if st.err != nil {
		x.plan.say(refusal(id, st.err))
		return
	}
	x.plan.say("")
	r.zones[id] = st.zones
	r.cov = r.coverage()
	x.drawPlan()
	r.rows = st.rows
	x.plan.rows = r.rows
	x.plan.table.Refresh()
}

// refusal says why the model refused to put camera id where it was asked.
func refusal(id string, err error) string {
	msg := err.Error()
	var p coverage.Problem
	if errors.As(err, &p) {
		msg = p.Msg
	}
	return lang.L("Camera {{.Camera}} cannot go there: {{.Msg}}", map[string]any{"Camera": id, "Msg": msg})
}

// dropCamera puts the dragged camera where it was dropped, or back where
// it was when the model refuses the place, and reports which.
func (x *App) dropCamera(d *camDrag, p orb.Point) bool {
	d.mu.Lock()
	d.dropped, d.next = true, nil
	d.mu.Unlock()
	d.apply.Lock() // waits for a step being computed
	c := d.orig
	c.At = p
	_, err := d.r.model.SetCamera(c)
	if err != nil {
		d.r.model.SetCamera(d.orig) // where it was: it was good there
	}
	st := camStep{zones: d.r.cameraShapes(d.id), rows: d.r.keyAreas()}
	d.apply.Unlock()
	if x.planRes != d.r {
		return false
	}
	x.showStep(d.r, d.id, st)
	x.cameraDone() // the gap layer
	if err != nil {
		msg := refusal(d.id, err)
		x.plan.say(msg)
		showInfo(x.win, lang.L("Camera not moved"), msg, x.m)
		return false
	}
	moved, _ := d.r.model.Camera(d.id) // moved onto a wall when dropped just inside
	x.saveCamera(d.fid, d.id, d.orig, store.Record{Geom: d.r.sc.Plane.ToLonLat(moved.At)})
	return true
}

// camChange is a camera change saved to the store, for Edit › Undo: a
// camera moved or turned, or a planned camera added.
type camChange struct {
	st     *store.Store
	fid    int64
	id     string          // in the plan's model
	before coverage.Camera // in the model
	undo   store.Record    // writes the store's values back
	added  bool            // the camera was added: undo deletes it
}

// pushUndo remembers c for Edit › Undo.
func (x *App) pushUndo(c camChange) {
	x.undo = append(x.undo, c)
	x.undoItem.Disabled = false
	x.menu.Refresh()
}

// saveCamera writes rec (a new position, or heading and field of view)
// to camera fid of the store in one transaction in the background, and
// remembers how to undo it. before is the camera id of the plan's model
// before the change.
func (x *App) saveCamera(fid int64, id string, before coverage.Camera, rec store.Record) {
	st := x.store
	if st == nil {
		return
	}
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, 30*time.Second)
		defer cancel()
		old, ok, err := st.Get(ctx, store.Cameras, fid)
		if err == nil && !ok {
			err = fmt.Errorf("%s %d: %w", store.Cameras, fid, store.ErrNoFeature)
		}
		undo := store.Record{Props: map[string]any{}}
		if err == nil {
			if rec.Geom != nil {
				undo.Geom = old.Geom
			}
			for k := range rec.Props {
				undo.Props[k] = old.Props[k]
			}
			err = st.Update(ctx, func(tx *store.Tx) error { return tx.UpdateRecord(store.Cameras, fid, rec) })
		}
		hand(func() {
			if x.store == st {
				if err != nil {
					x.ShowError(fmt.Errorf("%s: %w", lang.L("Could not save the camera"), err))
				} else {
					x.pushUndo(camChange{st: st, fid: fid, id: id, before: before, undo: undo})
				}
				x.refreshSelected(store.Cameras, fid)
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// saveEdit saves the heading and field of view of the camera in the
// editor when they changed since it was shown or last saved.
func (x *App) saveEdit() {
	r, e := x.planRes, x.camEdit
	if r == nil || e.id == "" {
		return
	}
	c, ok := r.model.Camera(e.id)
	fid, known := r.fids[e.id]
	if !ok || !known || c.Heading == e.saved.Heading && c.HFOV == e.saved.HFOV {
		return
	}
	props := map[string]any{"heading": c.Heading, "hfov": c.HFOV}
	if c.HFOV != e.saved.HFOV {
		props["vfov"] = nil // follows from the new field of view and the image's shape
	}
	before := e.saved
	e.saved = c
	x.saveCamera(fid, e.id, before, store.Record{Props: props})
}

// undoCamera takes back the last camera change saved: in the store, and
// in the plan when it shows the camera. An added camera is deleted.
func (x *App) undoCamera() {
	if len(x.undo) == 0 {
		return
	}
	u := x.undo[len(x.undo)-1]
	x.undo = x.undo[:len(x.undo)-1]
	if len(x.undo) == 0 {
		x.undoItem.Disabled = true
		x.menu.Refresh()
	}
	if u.st != x.store || x.store == nil {
		return
	}
	if r := x.planRes; r != nil && r.fids[u.id] == u.fid {
		switch {
		case u.added:
			x.planRemove(r, u.id, u.fid)
		default:
			if _, err := r.model.SetCamera(u.before); err == nil {
				x.showStep(r, u.id, camStep{zones: r.cameraShapes(u.id), rows: r.keyAreas()})
				if x.camEdit.id == u.id {
					c, _ := r.model.Camera(u.id)
					x.camEdit.edit(c)
				}
				x.cameraDone()
			}
		}
	}
	if l := x.plan.sugg; l != nil && u.added {
		for i, code := range l.added {
			if code == u.id {
				delete(l.added, i)
				l.list.RefreshItem(i)
			}
		}
		x.previewSuggestion()
	}
	st, hand := u.st, do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, 30*time.Second)
		defer cancel()
		err := st.Update(ctx, func(tx *store.Tx) error {
			if u.added {
				return tx.Delete(store.Cameras, u.fid)
			}
			return tx.UpdateRecord(store.Cameras, u.fid, u.undo)
		})
		count := -1
		if err == nil && u.added {
			count, _ = st.Count(ctx, store.Cameras)
		}
		hand(func() {
			if x.store == st {
				switch {
				case err != nil:
					x.ShowError(fmt.Errorf("%s: %w", lang.L("Could not save the camera"), err))
				case u.added || u.undo.Geom != nil:
					x.m.Reload() // the camera's symbol goes back, or away
				}
				if count >= 0 {
					x.layers.setCount(store.Cameras, count)
				}
				x.refreshSelected(store.Cameras, u.fid)
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

// refreshSelected reads the selected feature again and shows its
// attributes as stored, when it is feature fid of layer (any feature when
// layer is ""): after a save, an undo or an import. The camera editor
// keeps its place; a feature that is gone is unselected.
func (x *App) refreshSelected(layer string, fid int64) {
	sel := x.shown
	if sel.Layer == "" || x.store == nil || layer != "" && (sel.Layer != layer || sel.FID != fid) {
		return
	}
	x.sel++
	n, s := x.sel, x.store
	hand := do
	go func() {
		ctx, cancel := context.WithTimeout(x.ctx, 5*time.Second)
		defer cancel()
		r, ok, err := s.Get(ctx, sel.Layer, sel.FID)
		hand(func() {
			if n != x.sel || x.store != s {
				return
			}
			switch {
			case err != nil:
				x.plan.say(err.Error())
			case !ok:
				x.shown = mapview.Selection{}
				if cur := x.m.Selected(); cur.Layer == sel.Layer && cur.FID == sel.FID {
					x.m.Select("", 0)
				}
				x.camEdit.hide()
				x.info.clear()
			default:
				x.info.show(sel.Layer, r)
			}
			if settled != nil {
				settled()
			}
		})
	}()
}

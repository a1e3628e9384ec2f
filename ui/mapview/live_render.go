package mapview

import (
	"image/color"
	"math"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// liveObjects are the renderer's canvas objects of the live layer: its
// drawing and the rings of the pulsing new alerts. They are guarded by
// the renderer's mu.
type liveObjects struct {
	img     *canvas.Image
	rings   []*canvas.Circle
	pulses  []pulse // the rings on show
	ticking bool    // a pulse tick is due
}

// pulse is one expanding ring around a new alert, logical pixels.
type pulse struct {
	x, y, r float32
	c       color.NRGBA
}

// Pulses: at most maxPulses rings (the most severe new alerts in view,
// severe or extreme: pulsing every new minor alert would only add noise),
// animated every pulseTick while any is on show, a cycle per pulsePeriod.
const (
	maxPulses     = 48
	pulseSeverity = 3 // the least severity of a pulsing alert
	pulseTick     = 100 * time.Millisecond
	pulsePeriod   = 1200 * time.Millisecond
	pulseGrow     = 18 // pixels a ring grows over a cycle
)

// liveClock is the clock of the pulse animation; tests stop it.
var liveClock = time.Now

// requestLive asks the live goroutine to draw job, replacing any drawing
// it has not started yet; after Close it does nothing, like
// requestOverlay.
func (m *Map) requestLive(job liveJob) {
	if m.ctx.Err() != nil {
		return
	}
	l := &m.live
	l.once.Do(func() {
		l.kick = make(chan struct{}, 1)
		go m.liveLoop()
	})
	l.mu.Lock()
	if l.next == nil {
		m.work.add(1)
	}
	l.next = &job
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// liveLoop draws the live layer for the latest job asked for.
func (m *Map) liveLoop() {
	l := &m.live
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-l.kick:
		}
		l.mu.Lock()
		job := l.next
		l.next = nil
		l.mu.Unlock()
		if job == nil {
			continue
		}
		img, lay := drawLiveLayout(*job, l.spare.take())
		m.pump.send(func() {
			defer m.work.done(1)
			l.mu.Lock()
			old := l.frame.img
			l.frame = liveFrame{img: img, view: job.view, labels: lay.labels, symbols: lay.symbols}
			report := job.set != nil && job.set != l.reported && job.set == l.set
			if report {
				l.reported = job.set
			}
			fn := l.onDrawn
			l.mu.Unlock()
			m.Refresh()
			if old != nil {
				l.spare.put(old)
			}
			if report && fn != nil {
				fn(job.stamp, time.Now())
			}
		})
	}
}

// placeLive asks for a drawing of the live layer when what it shows
// changed, and returns the last drawing, moved to the current view, and
// the pulse rings. r.mu is held.
func (r *renderer) placeLive(st state) []fyne.CanvasObject {
	m := r.m
	l := &m.live
	v := st.view
	jv := v.WithSize(v.Width+2*overlayMargin, v.Height+2*overlayMargin)
	jv.Scale = v.Scale
	fovOn := st.visible[store.Cameras] && st.visible[FieldsOfView]

	l.mu.Lock()
	set, cams, hidden, frame, picked := l.set, l.cams, l.hidden, l.frame, l.picked
	key := liveKey{view: jv, set: set, cams: cams, data: st.data, fovOn: fovOn, picked: picked, dark: st.dark}
	ask := !hidden && (set != nil || cams != nil) && key != l.asked
	if ask {
		l.asked = key
	}
	stamp := l.stamp
	l.mu.Unlock()
	if ask {
		var res fyne.Resource
		if a := fyne.CurrentApp(); a != nil {
			res = a.Settings().Theme().Font(fyne.TextStyle{Bold: true})
		}
		m.requestLive(liveJob{view: jv, set: set, stamp: stamp, cams: cams, data: st.data, fovOn: fovOn,
			picked: picked, dark: st.dark, font: res, drill: lang.L("DRILL"), margin: overlayMargin})
	}
	lo := &r.live
	lo.pulses = lo.pulses[:0]
	if hidden || frame.img == nil || set == nil && cams == nil {
		return nil
	}
	if lo.img == nil {
		lo.img = canvas.NewImageFromImage(nil)
		lo.img.FillMode = canvas.ImageFillStretch
		lo.img.ScaleMode = canvas.ImageScaleFastest
	}
	fv := frame.view
	k := math.Exp2(v.Zoom - fv.Zoom)
	tl := v.MercatorToScreen(fv.ToMercator(orb.Point{0, 0}))
	if lo.img.Image != frame.img {
		lo.img.Image = frame.img
		lo.img.Refresh()
	}
	lo.img.Move(fyne.NewPos(float32(tl[0]), float32(tl[1])))
	lo.img.Resize(fyne.NewSize(float32(fv.Width*k), float32(fv.Height*k)))
	objs := []fyne.CanvasObject{lo.img}

	// Pulses around the most severe new alerts in view.
	if set != nil {
		gs := set.groups(v)
		var cand []int
		for k, g := range gs {
			if !g.isNew || g.sev < pulseSeverity || g.at[0] < 0 || g.at[1] < 0 || g.at[0] > v.Width || g.at[1] > v.Height {
				continue
			}
			cand = append(cand, k)
		}
		sort.SliceStable(cand, func(a, b int) bool { return gs[cand[a]].sev > gs[cand[b]].sev })
		for _, k := range cand[:min(len(cand), maxPulses)] {
			hc, r := gs[k].head()
			lo.pulses = append(lo.pulses, pulse{float32(hc[0]), float32(hc[1]), float32(r), liveSeverity[gs[k].sev]})
		}
	}
	for len(lo.rings) < len(lo.pulses) {
		lo.rings = append(lo.rings, canvas.NewCircle(color.Transparent))
	}
	lo.animate(liveClock())
	// The rings spread from under the symbols: they never hide a pin,
	// its count or a label.
	rings := make([]fyne.CanvasObject, 0, len(lo.pulses)+1)
	for i := range lo.pulses {
		rings = append(rings, lo.rings[i])
	}
	objs = append(rings, objs...)
	if len(lo.pulses) > 0 && !lo.ticking {
		lo.ticking = true
		time.AfterFunc(pulseTick, func() { m.pump.send(r.pulseStep) })
	}
	return objs
}

// animate sizes the pulse rings for time now.
func (lo *liveObjects) animate(now time.Time) {
	phase := float32(now.UnixNano()%int64(pulsePeriod)) / float32(pulsePeriod)
	for i, p := range lo.pulses {
		c := lo.rings[i]
		rad := p.r + 2 + phase*pulseGrow
		c.FillColor = color.Transparent
		c.StrokeColor = alpha(p.c, 0.9*float64(1-phase))
		c.StrokeWidth = 3 - 1.5*phase
		c.Move(fyne.NewPos(p.x-rad, p.y-rad))
		c.Resize(fyne.NewSize(2*rad, 2*rad))
	}
}

// pulseStep runs on the UI goroutine every pulseTick while pulses are on
// show: it grows the rings and asks for the next step. It redraws only
// the rings, and stops when there are none.
func (r *renderer) pulseStep() {
	r.mu.Lock()
	lo := &r.live
	if len(lo.pulses) == 0 {
		lo.ticking = false
		r.mu.Unlock()
		return
	}
	lo.animate(liveClock())
	rings := append([]*canvas.Circle(nil), lo.rings[:len(lo.pulses)]...)
	r.mu.Unlock()
	for _, c := range rings {
		c.Refresh()
	}
	time.AfterFunc(pulseTick, func() { r.m.pump.send(r.pulseStep) })
}

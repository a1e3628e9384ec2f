package mapview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // remote tiles may be JPEG
	"image/png"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"github.com/paulmach/orb/maptile"

	"safetynet/data/store"
	"safetynet/ui/locale"
)

// Tile sources.
const (
	srcBase   uint8 = iota // rendered from the store's basemap layers
	srcRemote              // fetched from the XYZ tile URL
)

// tileKey names one tile image: its source, how it was drawn and where.
type tileKey struct {
	src  uint8
	mask uint8 // basemap layers drawn (srcBase)
	dark bool
	size uint16 // pixels
	lang string // language of the names (srcBase): "zh" or "en"
	z    uint8
	x, y uint32
}

func (k tileKey) tile() maptile.Tile { return maptile.New(k.x, k.y, maptile.Zoom(k.z)) }

func (k tileKey) at(t maptile.Tile) tileKey {
	k.z, k.x, k.y = uint8(t.Z), t.X, t.Y
	return k
}

// parent returns the key of the tile one zoom out that covers k.
func (k tileKey) parent() tileKey {
	k.z--
	k.x >>= 1
	k.y >>= 1
	return k
}

// set returns the name of the store tile set k is cached in, or "" when
// it is kept in memory only.
func (k tileKey) set() string {
	switch {
	case k.src == srcRemote:
		return "remote_tiles"
	case k.mask != baseAll:
		return ""
	}
	name := "basemap"
	if k.dark {
		name += "_dark"
	}
	if k.lang != "" {
		name += "_" + k.lang
	}
	if k.size != 256 {
		name += "_" + strconv.Itoa(int(k.size)/256) + "x"
	}
	return name
}

// Memory budgets: at least tileBudget of rendered and fetched tiles, or
// twice what the view asks for (the view and a ring around it) when that
// is more; and vecBudget of vector data tiles.
const (
	tileBudget = 48 << 20
	vecBudget  = 16 << 20
)

// remoteTimeout bounds one request of a remote tile; a failed tile is not
// asked for again for remoteRetry.
const (
	remoteTimeout = 10 * time.Second
	remoteRetry   = 2 * time.Minute
	userAgent     = "SafetyNet/0.1"
)

// engine renders, fetches and caches the map's tiles for one store in the
// background. Its goroutines stop when ctx is cancelled (Close). It is
// safe for concurrent use; results reach the UI goroutine through the
// pump, and the UI reads finished tiles with peek.
type engine struct {
	ctx    context.Context
	cancel context.CancelFunc
	store  *store.Store // nil: an empty map
	work   *tracker
	pump   *pump
	ready  func() // called on the UI goroutine after a batch of tiles arrived

	base, remote *jobQueue
	client       *http.Client

	osm  atomic.Bool               // some basemap feature came from OpenStreetMap
	font atomic.Pointer[labelFont] // the names' font; nil: Go Regular

	mu        sync.Mutex
	tiles     *lru[tileKey, *image.RGBA] // guarded by mu
	vec       *lru[vecKey, *vecTile]     // guarded by mu
	loading   map[vecKey]*vecLoad        // guarded by mu
	failed    map[tileKey]time.Time      // guarded by mu
	sets      map[string]bool            // tile sets usable in the store; guarded by mu
	remoteURL string                     // guarded by mu
	hits      int                        // visible tiles found ready; guarded by mu
	misses    int                        // visible tiles not ready; guarded by mu
	renderers sync.Pool                  // *tileRenderer
	writes    chan pendingTile           // to the writer goroutine
	writing   sync.WaitGroup             // the writer
	flushReq  chan chan struct{}         // flush requests to the writer
	vecLoads  atomic.Int32               // reads of vector data tiles, for tests
}

type vecKey struct {
	t    maptile.Tile
	mask uint8
}

type vecLoad struct {
	done chan struct{}
	v    *vecTile
	err  error
}

func newEngine(s *store.Store, work *tracker, p *pump, ready func()) *engine {
	e := &engine{
		store:    s,
		work:     work,
		pump:     p,
		ready:    ready,
		client:   &http.Client{Timeout: remoteTimeout},
		tiles:    newLRU[tileKey, *image.RGBA](tileBudget),
		vec:      newLRU[vecKey, *vecTile](vecBudget),
		loading:  map[vecKey]*vecLoad{},
		failed:   map[tileKey]time.Time{},
		sets:     map[string]bool{},
		writes:   make(chan pendingTile, 256),
		flushReq: make(chan chan struct{}),
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.renderers.New = func() any { return &tileRenderer{} }
	e.base = newJobQueue(e, max(1, runtime.GOMAXPROCS(0)), e.renderBase)
	e.remote = newJobQueue(e, 4, e.fetchRemote)
	if s != nil && !s.ReadOnly() {
		e.writing.Add(1)
		go e.writer()
	}
	return e
}

// close stops the engine's goroutines after writing the tiles rendered so
// far to the store.
func (e *engine) close() {
	e.flush()
	e.cancel()
	e.writing.Wait()
}

// setFont sets the font of the names on the basemap. Tiles drawn before
// keep theirs.
func (e *engine) setFont(f *labelFont) {
	if f != nil {
		e.font.Store(f)
	}
}

// namesLanguage sets the names' font to the theme's text font and returns
// the language to write them in: the interface's, or English when the
// font has no Chinese glyphs.
func (e *engine) namesLanguage() string {
	var res fyne.Resource
	if a := fyne.CurrentApp(); a != nil {
		res = a.Settings().Theme().Font(fyne.TextStyle{})
	}
	f := fontFor(res)
	e.setFont(f)
	l := locale.Current()
	if l == locale.Chinese && !f.writesChinese() {
		l = locale.English
	}
	return l
}

// labelFont returns the font of the names: the one set, else Go Regular.
func (e *engine) labelFont() *labelFont {
	if f := e.font.Load(); f != nil {
		return f
	}
	return fontFor(nil)
}

// setRemote sets the XYZ URL template of remote tiles ("" for none).
func (e *engine) setRemote(url string) {
	e.mu.Lock()
	e.remoteURL = url
	e.mu.Unlock()
}

// peek returns the finished image of k, or nil, without counting it.
func (e *engine) peek(k tileKey) *image.RGBA {
	e.mu.Lock()
	defer e.mu.Unlock()
	img, _ := e.tiles.get(k)
	return img
}

// want asks for the tiles in keys, most wanted first: the first visible
// of them are counted as cache hits or misses. Tiles asked for before and
// not any more are dropped unless already in hand.
func (e *engine) want(keys []tileKey, visible int) {
	e.mu.Lock()
	need := 0
	for _, k := range keys {
		need += 4 * int(k.size) * int(k.size)
	}
	e.tiles.budget = max(tileBudget, 2*need)
	var base, remote []tileKey
	now := time.Now()
	for i, k := range keys {
		if e.tiles.has(k) {
			if i < visible {
				e.hits++
			}
			continue
		}
		if i < visible {
			e.misses++
		}
		if k.src == srcRemote {
			if t, ok := e.failed[k]; ok && now.Sub(t) < remoteRetry {
				continue
			}
			remote = append(remote, k)
		} else {
			base = append(base, k)
		}
	}
	e.mu.Unlock()
	e.base.set(base)
	e.remote.set(remote)
}

// stats returns the visible tiles found ready and not ready since the
// last call.
func (e *engine) stats() (hits, misses int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	hits, misses = e.hits, e.misses
	e.hits, e.misses = 0, 0
	return
}

// finish puts a tile in the cache and tells the UI, in the next batch.
func (e *engine) finish(k tileKey, img *image.RGBA) {
	e.mu.Lock()
	e.tiles.put(k, img, len(img.Pix)+256)
	e.mu.Unlock()
	e.pump.send(func() {
		if e.ctx.Err() == nil {
			e.ready()
		}
		e.work.done(1)
	})
}

// ensureSet makes tile set name usable in the store, once; it reports
// whether tiles may be read from and written to it.
func (e *engine) ensureSet(name, source, style string, size int) bool {
	if e.store == nil || name == "" || e.store.ReadOnly() {
		return false
	}
	e.mu.Lock()
	ok, done := e.sets[name]
	e.mu.Unlock()
	if done {
		return ok
	}
	err := e.store.EnsureTileSet(e.ctx, name, source, style, size)
	e.mu.Lock()
	e.sets[name] = err == nil
	e.mu.Unlock()
	return err == nil
}

// renderBase makes basemap tile k: from the store's tile set when it holds
// it, else drawn from the vector layers and then saved.
func (e *engine) renderBase(ctx context.Context, k tileKey) (*image.RGBA, error) {
	set := k.set()
	cached := set != "" && e.ensureSet(set, store.SourceLayers, styleVersion, int(k.size))
	if cached {
		if data, ok, err := e.store.Tile(ctx, set, int(k.z), int(k.x), int(k.y)); err == nil && ok {
			if img, err := decodeTile(data); err == nil {
				return img, nil
			}
		}
	}
	var v *vecTile
	if e.store != nil {
		var err error
		v, err = e.vecTile(ctx, dataTileFor(k.tile()), k.mask)
		if err != nil {
			return nil, err
		}
	}
	tr := e.renderers.Get().(*tileRenderer)
	pal := &light
	if k.dark {
		pal = &dark
	}
	txt := labelText{lang: k.lang, font: e.labelFont()}
	if k.lang == "" {
		txt = labelText{}
	}
	img := tr.render(v, k.tile(), int(k.size), pal, txt)
	e.renderers.Put(tr)
	if cached {
		select {
		case e.writes <- pendingTile{set: set, tile: store.Tile{Z: int(k.z), X: int(k.x), Y: int(k.y)}, img: img}:
		case <-ctx.Done():
		}
	}
	return img, nil
}

// vecTile returns the vector data of data tile t, reading it once however
// many workers ask at the same time.
func (e *engine) vecTile(ctx context.Context, t maptile.Tile, mask uint8) (*vecTile, error) {
	k := vecKey{t, mask}
	e.mu.Lock()
	if v, ok := e.vec.get(k); ok {
		e.mu.Unlock()
		return v, nil
	}
	l, loading := e.loading[k]
	if !loading {
		l = &vecLoad{done: make(chan struct{})}
		e.loading[k] = l
	}
	e.mu.Unlock()
	if loading {
		select {
		case <-l.done:
			return l.v, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	e.vecLoads.Add(1)
	l.v, l.err = loadVecTile(ctx, e.store, t, mask)
	e.mu.Lock()
	delete(e.loading, k)
	if l.err == nil {
		e.vec.put(k, l.v, l.v.bytes)
		if l.v.osm {
			e.osm.Store(true)
		}
	}
	e.mu.Unlock()
	close(l.done)
	return l.v, l.err
}

// fetchRemote makes remote tile k: from the store's remote_tiles set when
// it holds it, else from the tile server, and then saves it.
func (e *engine) fetchRemote(ctx context.Context, k tileKey) (*image.RGBA, error) {
	e.mu.Lock()
	tmpl := e.remoteURL
	e.mu.Unlock()
	if tmpl == "" {
		return nil, errors.New("no tile URL")
	}
	cached := e.ensureSet("remote_tiles", tmpl, "xyz", 256)
	if cached {
		if data, ok, err := e.store.Tile(ctx, "remote_tiles", int(k.z), int(k.x), int(k.y)); err == nil && ok {
			if img, err := decodeTile(data); err == nil {
				return img, nil
			}
		}
	}
	data, err := e.download(ctx, tileURL(tmpl, k.tile()))
	if err == nil {
		var img *image.RGBA
		if img, err = decodeTile(data); err == nil {
			if cached {
				select {
				case e.writes <- pendingTile{set: "remote_tiles", tile: store.Tile{Z: int(k.z), X: int(k.x), Y: int(k.y), Data: data}}:
				case <-ctx.Done():
				}
			}
			return img, nil
		}
	}
	e.mu.Lock()
	e.failed[k] = time.Now()
	e.mu.Unlock()
	return nil, err
}

func (e *engine) download(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, remoteTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("tile %s: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 4<<20))
}

// tileURL fills in an XYZ URL template: {z}, {x}, {y}, {-y} (TMS rows)
// and {s} (a server letter).
func tileURL(tmpl string, t maptile.Tile) string {
	n := uint32(1) << t.Z
	return strings.NewReplacer(
		"{z}", strconv.Itoa(int(t.Z)),
		"{x}", strconv.Itoa(int(t.X)),
		"{y}", strconv.Itoa(int(t.Y)),
		"{-y}", strconv.Itoa(int(n-1-t.Y)),
		"{s}", string(rune('a'+(t.X+t.Y)%3)),
	).Replace(tmpl)
}

func decodeTile(data []byte) (*image.RGBA, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if rgba, ok := img.(*image.RGBA); ok && rgba.Rect.Min == (image.Point{}) {
		return rgba, nil
	}
	out := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out, nil
}

// pendingTile is a tile on its way to the store: the writer encodes
// rendered images itself, off the workers.
type pendingTile struct {
	set  string
	tile store.Tile // Data is nil when img is to be encoded
	img  *image.RGBA
}

// writer saves tiles to the store in batches: every writeEvery or
// writeBatch tiles, whichever comes first, in one transaction per set.
func (e *engine) writer() {
	defer e.writing.Done()
	const (
		writeEvery = 500 * time.Millisecond
		writeBatch = 64
	)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	batch := map[string][]store.Tile{}
	count := 0
	save := func() {
		for set, tiles := range batch {
			// A failed write only costs a re-render next time.
			_ = e.store.PutTiles(context.Background(), set, tiles)
		}
		batch = map[string][]store.Tile{}
		count = 0
	}
	add := func(p pendingTile) {
		if p.img != nil {
			var b bytes.Buffer
			if enc.Encode(&b, p.img) != nil {
				return
			}
			p.tile.Data = b.Bytes()
		}
		batch[p.set] = append(batch[p.set], p.tile)
		count++
	}
	tick := time.NewTicker(writeEvery)
	defer tick.Stop()
	for {
		select {
		case t := <-e.writes:
			add(t)
			if count >= writeBatch {
				save()
			}
		case <-tick.C:
			if count > 0 {
				save()
			}
		case done := <-e.flushReq:
			for drained := false; !drained; {
				select {
				case t := <-e.writes:
					add(t)
				default:
					drained = true
				}
			}
			save()
			close(done)
		case <-e.ctx.Done():
			for drained := false; !drained; {
				select {
				case t := <-e.writes:
					add(t)
				default:
					drained = true
				}
			}
			save()
			return
		}
	}
}

// flush waits until the tiles rendered so far are in the store.
func (e *engine) flush() {
	if e.store == nil || e.store.ReadOnly() {
		return
	}
	done := make(chan struct{})
	select {
	case e.flushReq <- done:
		<-done
	case <-e.ctx.Done():
	}
}

// jobQueue runs fn for each wanted tile on n worker goroutines, most
// wanted first. It is safe for concurrent use.
type jobQueue struct {
	e  *engine
	fn func(context.Context, tileKey) (*image.RGBA, error)

	mu       sync.Mutex
	cond     *sync.Cond
	queue    []tileKey        // guarded by mu
	queued   map[tileKey]bool // guarded by mu
	inflight map[tileKey]bool // guarded by mu
}

func newJobQueue(e *engine, n int, fn func(context.Context, tileKey) (*image.RGBA, error)) *jobQueue {
	q := &jobQueue{e: e, fn: fn, queued: map[tileKey]bool{}, inflight: map[tileKey]bool{}}
	q.cond = sync.NewCond(&q.mu)
	for range n {
		go q.worker()
	}
	go func() {
		<-e.ctx.Done()
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	}()
	return q
}

// set replaces the queue with keys, keeping their order.
func (q *jobQueue) set(keys []tileKey) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.e.ctx.Err() != nil {
		return
	}
	next := make(map[tileKey]bool, len(keys))
	queue := make([]tileKey, 0, len(keys))
	added := 0
	for _, k := range keys {
		if next[k] || q.inflight[k] {
			continue
		}
		next[k] = true
		queue = append(queue, k)
		if !q.queued[k] {
			added++
		}
	}
	dropped := 0
	for k := range q.queued {
		if !next[k] {
			dropped++
		}
	}
	q.queue, q.queued = queue, next
	q.e.work.add(added)
	q.e.work.done(dropped)
	if len(queue) > 0 {
		q.cond.Broadcast()
	}
}

func (q *jobQueue) worker() {
	ctx := q.e.ctx
	for {
		q.mu.Lock()
		for len(q.queue) == 0 && ctx.Err() == nil {
			q.cond.Wait()
		}
		if ctx.Err() != nil {
			q.mu.Unlock()
			return
		}
		k := q.queue[0]
		q.queue = q.queue[1:]
		delete(q.queued, k)
		q.inflight[k] = true
		q.mu.Unlock()

		img, err := q.fn(ctx, k)

		q.mu.Lock()
		delete(q.inflight, k)
		q.mu.Unlock()
		if err != nil || img == nil {
			q.e.work.done(1)
			continue
		}
		q.e.finish(k, img)
	}
}

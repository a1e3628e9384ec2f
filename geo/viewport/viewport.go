// Package viewport is the view of a web-mercator map (EPSG:3857, as in XYZ
// web maps): where its centre is, how far it is zoomed, how large it is on
// screen, and the conversions between longitude/latitude (EPSG:4326,
// degrees) and screen pixels that follow.
//
// Screen pixels are device-independent ("logical") pixels measured from the
// top-left corner of the view, x to the right and y down. At zoom z the
// whole world is 256·2^z logical pixels wide, as in XYZ web maps with
// 256-pixel tiles. Scale is how many device pixels make one logical pixel
// (2 on a high-density screen); it matters only for choosing tiles.
package viewport

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Limits of the view.
const (
	// MinZoom and MaxZoom bound Zoom.
	MinZoom = 0.0
	MaxZoom = 22.0
	// MaxLatitude is the latitude (degrees) where web mercator ends: the
	// world is square at 85.0511° north and south.
	MaxLatitude = 85.05112877980659
	// TileSize is the size in logical pixels of a tile shown at its own
	// zoom level.
	TileSize = 256
)

// earthRadius is the radius of the web-mercator sphere, metres.
const earthRadius = 6378137.0

// Viewport is a view of a web-mercator map. It is a small value: methods
// return a new Viewport and never change the receiver, so it is safe to
// copy and to share between goroutines.
//
// The zero value is the whole world at zoom 0 in a 0×0 view; give it a
// size before converting points.
type Viewport struct {
	// Center is the longitude/latitude (degrees, EPSG:4326) at the middle
	// of the view.
	Center orb.Point
	// Zoom is the fractional zoom level: the world is 256·2^Zoom logical
	// pixels wide.
	Zoom float64
	// Width and Height are the size of the view in logical pixels.
	Width, Height float64
	// Scale is the number of device pixels per logical pixel; 0 means 1.
	Scale float64
}

// New returns the view of size width×height logical pixels centred on
// center (longitude, latitude) at zoom, with zoom and latitude clamped to
// the limits above.
func New(center orb.Point, zoom, width, height float64) Viewport {
	return Viewport{Center: center, Zoom: zoom, Width: width, Height: height}.clamp()
}

// Project converts a longitude/latitude to normalised web-mercator
// coordinates: x from 0 at 180°W to 1 at 180°E, y from 0 at 85.05°N to 1 at
// 85.05°S (down, as on screen). Latitudes beyond MaxLatitude are clamped.
func Project(ll orb.Point) orb.Point {
	lat := math.Max(-MaxLatitude, math.Min(MaxLatitude, ll[1]))
	s := math.Sin(lat * math.Pi / 180)
	return orb.Point{
		ll[0]/360 + 0.5,
		0.5 - math.Log((1+s)/(1-s))/(4*math.Pi),
	}
}

// Unproject converts normalised web-mercator coordinates (see Project)
// back to longitude/latitude.
func Unproject(m orb.Point) orb.Point {
	n := math.Pi * (1 - 2*m[1])
	return orb.Point{
		(m[0] - 0.5) * 360,
		math.Atan(math.Sinh(n)) * 180 / math.Pi,
	}
}

// WorldSize returns the width of the whole world in logical pixels at the
// view's zoom: 256·2^Zoom.
func (v Viewport) WorldSize() float64 { return TileSize * math.Exp2(v.Zoom) }

// ToScreen converts a longitude/latitude to screen pixels of the view.
func (v Viewport) ToScreen(ll orb.Point) orb.Point {
	return v.MercatorToScreen(Project(ll))
}

// MercatorToScreen converts normalised web-mercator coordinates (see
// Project) to screen pixels of the view; it is ToScreen without the
// projection, for callers that project once and draw often.
func (v Viewport) MercatorToScreen(m orb.Point) orb.Point {
	c := Project(v.Center)
	w := v.WorldSize()
	return orb.Point{(m[0]-c[0])*w + v.Width/2, (m[1]-c[1])*w + v.Height/2}
}

// ToLonLat converts screen pixels of the view to longitude/latitude.
func (v Viewport) ToLonLat(px orb.Point) orb.Point {
	return Unproject(v.ToMercator(px))
}

// ToMercator converts screen pixels of the view to normalised web-mercator
// coordinates.
func (v Viewport) ToMercator(px orb.Point) orb.Point {
	c := Project(v.Center)
	w := v.WorldSize()
	return orb.Point{c[0] + (px[0]-v.Width/2)/w, c[1] + (px[1]-v.Height/2)/w}
}

// Bound returns the longitude/latitude box the view shows.
func (v Viewport) Bound() orb.Bound {
	a := v.ToLonLat(orb.Point{0, v.Height})
	b := v.ToLonLat(orb.Point{v.Width, 0})
	return orb.Bound{Min: a, Max: b}
}

// Pan moves the map's content by dx, dy screen pixels, as dragging it with
// the mouse does: a positive dx moves the content right, so the view looks
// further west.
func (v Viewport) Pan(dx, dy float64) Viewport {
	c := Project(v.Center)
	w := v.WorldSize()
	v.Center = Unproject(orb.Point{c[0] - dx/w, c[1] - dy/w})
	return v.clamp()
}

// ZoomAt changes the zoom by delta (1 doubles the scale) keeping the
// point under the screen position p where it is, as zooming with the mouse
// wheel at the cursor does. The zoom is clamped to MinZoom..MaxZoom.
func (v Viewport) ZoomAt(p orb.Point, delta float64) Viewport {
	m := v.ToMercator(p)
	v.Zoom = clampZoom(v.Zoom + delta)
	w := v.WorldSize()
	v.Center = Unproject(orb.Point{m[0] - (p[0]-v.Width/2)/w, m[1] - (p[1]-v.Height/2)/w})
	return v.clamp()
}

// WithSize returns the view with a new size, keeping its centre and zoom.
func (v Viewport) WithSize(width, height float64) Viewport {
	v.Width, v.Height = width, height
	return v
}

// Fit returns the view of size width×height logical pixels that shows the
// longitude/latitude box b whole, centred, with at least padding pixels
// between b and each edge, at the largest zoom that does so (at most
// MaxZoom; a box of no size gets MaxZoom).
func Fit(b orb.Bound, width, height, padding float64) Viewport {
	lo, hi := Project(orb.Point{b.Min[0], b.Max[1]}), Project(orb.Point{b.Max[0], b.Min[1]})
	bw, bh := hi[0]-lo[0], hi[1]-lo[1]
	aw, ah := math.Max(width-2*padding, 1), math.Max(height-2*padding, 1)
	zoom := MaxZoom
	if bw > 0 {
		zoom = math.Min(zoom, math.Log2(aw/(bw*TileSize)))
	}
	if bh > 0 {
		zoom = math.Min(zoom, math.Log2(ah/(bh*TileSize)))
	}
	centre := Unproject(orb.Point{(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2})
	return Viewport{Center: centre, Zoom: zoom, Width: width, Height: height}.clamp()
}

// MetresPerPixel returns the ground distance of one logical pixel at the
// centre of the view, metres.
func (v Viewport) MetresPerPixel() float64 {
	return 2 * math.Pi * earthRadius * math.Cos(v.Center[1]*math.Pi/180) / v.WorldSize()
}

// TileZoom returns the integer zoom whose tiles of tileSize device pixels
// are closest to one device pixel per screen pixel in this view, clamped to
// 0..MaxZoom.
func (v Viewport) TileZoom(tileSize int) int {
	s := v.Scale
	if s <= 0 {
		s = 1
	}
	z := math.Round(v.Zoom + math.Log2(TileSize*s/float64(tileSize)))
	return int(math.Max(0, math.Min(MaxZoom, z)))
}

// Tiles returns the XYZ tiles of zoom z that the view shows, nearest to the
// centre first. Which tiles these are does not depend on their size in
// pixels; use TileZoom to choose z for a tile size.
func (v Viewport) Tiles(z int) []maptile.Tile {
	return v.TilesAround(z, 0)
}

// TilesAround is Tiles with the view grown by margin logical pixels on
// every side, for fetching tiles before they scroll into view.
func (v Viewport) TilesAround(z int, margin float64) []maptile.Tile {
	if z < 0 || v.Width <= 0 || v.Height <= 0 {
		return nil
	}
	n := 1 << z
	a := v.ToMercator(orb.Point{-margin, -margin})
	b := v.ToMercator(orb.Point{v.Width + margin, v.Height + margin})
	x0, y0 := tileIndex(a[0], n, math.Floor), tileIndex(a[1], n, math.Floor)
	x1, y1 := tileIndex(b[0], n, lastIndex), tileIndex(b[1], n, lastIndex)
	c := Project(v.Center)
	cx, cy := c[0]*float64(n), c[1]*float64(n)
	out := make([]maptile.Tile, 0, (x1-x0+1)*(y1-y0+1))
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			out = append(out, maptile.New(uint32(x), uint32(y), maptile.Zoom(z)))
		}
	}
	dist := func(t maptile.Tile) float64 {
		dx, dy := float64(t.X)+0.5-cx, float64(t.Y)+0.5-cy
		return dx*dx + dy*dy
	}
	sort.SliceStable(out, func(i, j int) bool { return dist(out[i]) < dist(out[j]) })
	return out
}

// TileRect returns the screen rectangle (top-left and bottom-right corner,
// logical pixels) that tile t covers in the view.
func (v Viewport) TileRect(t maptile.Tile) (min, max orb.Point) {
	n := float64(uint64(1) << t.Z)
	min = v.MercatorToScreen(orb.Point{float64(t.X) / n, float64(t.Y) / n})
	max = v.MercatorToScreen(orb.Point{float64(t.X+1) / n, float64(t.Y+1) / n})
	return min, max
}

// tileIndex returns the tile column or row that holds the normalised
// coordinate m at a zoom of n tiles, with round choosing how a coordinate
// on a boundary counts.
func tileIndex(m float64, n int, round func(float64) float64) int {
	i := int(round(m * float64(n)))
	return max(0, min(n-1, i))
}

// lastIndex is the tile a right or bottom edge ends in: one on a boundary
// belongs to the tile before.
func lastIndex(x float64) float64 { return math.Ceil(x) - 1 }

func clampZoom(z float64) float64 {
	if math.IsNaN(z) {
		return MinZoom
	}
	return math.Max(MinZoom, math.Min(MaxZoom, z))
}

// clamp keeps the zoom and the centre within the limits of the map.
func (v Viewport) clamp() Viewport {
	v.Zoom = clampZoom(v.Zoom)
	v.Center[0] = math.Max(-180, math.Min(180, v.Center[0]))
	v.Center[1] = math.Max(-MaxLatitude, math.Min(MaxLatitude, v.Center[1]))
	return v
}

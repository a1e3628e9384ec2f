// Package osmimport reads OpenStreetMap extracts, OSM XML (.osm) and PBF
// (.osm.pbf), into the typed features of package store: buildings, roads,
// landuse, water, barriers (walls, fences, hedges), cameras, fire
// equipment, facilities and access points.
//
// Extracts are often clipped: ways that reference nodes outside the file
// and multipolygons with missing member ways. What can still be built is
// built, the rest is skipped and counted in Stats, never guessed.
package osmimport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"

	"safetynet/data/store"
)

// ErrFormat is returned, wrapped, when a file is neither OSM XML nor OSM PBF.
var ErrFormat = errors.New("osmimport: not an OpenStreetMap .osm or .osm.pbf file")

// ErrCorrupt is returned, wrapped, when an OSM file cannot be decoded to its
// end: it is truncated or damaged.
var ErrCorrupt = errors.New("osmimport: the file is truncated or damaged; download or export it again")

// ErrUnsupported is returned, wrapped, for an OSM PBF file that uses a
// feature the importer does not read (lz4 or zstd blocks, non-dense nodes,
// locations on ways); the message says how to convert the file.
var ErrUnsupported = errors.New("osmimport: the file uses a PBF feature that is not supported")

// ErrEntity is returned, wrapped, for OSM XML that declares or uses XML
// entities: an OSM file has none, and expanding them is how an "XML bomb"
// swells a small file to gigabytes.
var ErrEntity = errors.New("osmimport: the file declares or uses XML entities (<!ENTITY ...>), which are not accepted in OSM XML")

// maxSkipped is how many skip reasons Stats.Skipped keeps.
const maxSkipped = 20

// Stats counts what an import read, built and skipped.
type Stats struct {
	// Nodes, Ways and Relations count the OSM elements read.
	Nodes, Ways, Relations int
	// Built counts the features built per layer (store.Buildings, ...).
	Built map[string]int
	// SkippedWays and SkippedRelations count the elements that would have
	// made a feature but could not be built: nodes or member ways outside
	// the file, rings that do not close, open coastlines.
	SkippedWays, SkippedRelations int
	// BuildingNodes counts nodes tagged building=*: points, not footprints,
	// so they are not buildings here.
	BuildingNodes int
	// Clipped counts the features built from only the part of their nodes
	// or member ways that is inside the file: roads cut at the edge of the
	// extract, multipolygons with some members missing.
	Clipped int
	// Skipped holds the first reasons for skipping, such as
	// "way/123 building: 3 of 7 nodes outside the file".
	Skipped []string
	// Bound is the extent of the features built, longitude/latitude;
	// HasBound is false when no feature was built.
	Bound    orb.Bound
	HasBound bool
	// Merged is what Import did in the store: features added, updated
	// (same osm_id, other values) and unchanged.
	Merged Result
}

func (s *Stats) skip(reason string) {
	if len(s.Skipped) < maxSkipped {
		s.Skipped = append(s.Skipped, reason)
	}
}

// Read decodes an OSM XML or PBF file from r and returns its features as
// store values (store.Building, store.Road, store.Camera, ...) in EPSG:4326.
// The format is recognised by content, not by name; name is only used in
// error messages ("import NAME: ...").
//
// When progress is not nil it is called from the calling goroutine with the
// bytes read so far and the size of the input: the size of r when it is an
// *os.File or has a Size method, else -1.
//
// Errors wrap ErrFormat for input that is not OSM, ErrCorrupt for a file
// that cannot be decoded to its end, ErrUnsupported for a PBF file that
// needs converting first, and ctx.Err() when ctx is done.
//
// Read keeps no state between calls: calls may run concurrently.
func Read(ctx context.Context, r io.Reader, name string, progress func(done, total int64)) ([]store.Feature, Stats, error) {
	total := sizeOf(r)
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)

	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, Stats{}, fmt.Errorf("import %s: %w", name, err)
	}

	var sc osm.Scanner
	isXML := false
	switch {
	case len(head) == 0:
		return nil, Stats{}, fmt.Errorf("import %s: %w: the file is empty", name, ErrFormat)
	case isPBF(head):
		sc = osmpbf.New(ctx, &pbfGuard{r: br}, runtime.GOMAXPROCS(0))
	default:
		if err := checkXML(head); err != nil {
			return nil, Stats{}, fmt.Errorf("import %s: %w", name, err)
		}
		sc = osmxml.New(ctx, br)
		isXML = true
	}
	defer sc.Close()

	b := newBuilder()
	var last int64
	step := total / 200
	if step < 256<<10 {
		step = 256 << 10
	}
	for i := 0; sc.Scan(); i++ {
		b.add(sc.Object())
		if progress != nil && i%4096 == 0 {
			if n := cr.n.Load(); n-last >= step {
				last = n
				progress(n, total)
			}
		}
	}
	if err := sc.Err(); err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, b.stats, fmt.Errorf("import %s: %w", name, ctx.Err())
		case errors.Is(err, ErrUnsupported):
			return nil, b.stats, fmt.Errorf("import %s: %w", name, err)
		case isXML && strings.Contains(err.Error(), "invalid character entity"):
			return nil, b.stats, fmt.Errorf("import %s: %w: %v", name, ErrEntity, err)
		}
		var ne *strconv.NumError
		if isXML && errors.As(err, &ne) {
			where := "an element"
			if rs, ok := r.(io.ReadSeeker); ok {
				if w := badNumber(rs); w != "" {
					where = w
				}
			}
			return nil, b.stats, fmt.Errorf("import %s: %w: %s has %q, which is not a number", name, ErrCorrupt, where, ne.Num)
		}
		return nil, b.stats, fmt.Errorf("import %s: %w: %w", name, ErrCorrupt, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, b.stats, fmt.Errorf("import %s: %w", name, err)
	}
	if progress != nil {
		progress(cr.n.Load(), total)
	}

	features, err := b.build(ctx)
	if err != nil {
		return nil, b.stats, fmt.Errorf("import %s: %w", name, err)
	}
	b.stats.Bound, b.stats.HasBound = bound(features)
	return features, b.stats, nil
}

// Import reads the OSM file at path and merges its features into s in one
// transaction (see Merge): on any error nothing is written. progress is as
// for Read and reports the reading, which comes before the writing.
// Stats.Merged says how many features were added, updated and unchanged.
func Import(ctx context.Context, s *store.Store, path string, progress func(done, total int64)) (Stats, error) {
	features, stats, err := ReadFile(ctx, path, progress)
	if err != nil {
		return stats, err
	}
	stats.Merged, err = Merge(ctx, s, path, features)
	return stats, err
}

// ReadFile reads the OSM file at path; see Read. Stats.Bound is the
// extent of the features, so that a caller can check where they lie
// before writing them with Write.
func ReadFile(ctx context.Context, path string, progress func(done, total int64)) ([]store.Feature, Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("import %s: %w", path, err)
	}
	defer f.Close()
	return Read(ctx, f, path, progress)
}

// Write merges features read by Read into s in one transaction; see
// Merge, which also says how many were added, updated and unchanged.
func Write(ctx context.Context, s *store.Store, path string, features []store.Feature) error {
	_, err := Merge(ctx, s, path, features)
	return err
}

// Bound returns the extent of features, longitude/latitude, and false
// when none has a geometry.
func Bound(features []store.Feature) (orb.Bound, bool) { return bound(features) }

// bound returns the extent of the features, and false when none has a
// geometry.
func bound(features []store.Feature) (orb.Bound, bool) {
	var b orb.Bound
	found := false
	for _, f := range features {
		var g orb.Geometry
		switch f := f.(type) {
		case *store.Building:
			g = f.Geom
		case *store.Road:
			g = f.Geom
		case *store.Land:
			g = f.Geom
		case *store.WaterArea:
			g = f.Geom
		case *store.Barrier:
			g = f.Geom
		case *store.Camera:
			g = f.Geom
		case *store.Equipment:
			g = f.Geom
		case *store.Facility:
			g = f.Geom
		case *store.AccessPoint:
			g = f.Geom
		}
		if g == nil {
			continue
		}
		gb := g.Bound()
		if gb.Min[0] > gb.Max[0] || gb.Min[1] > gb.Max[1] {
			continue // empty
		}
		if !found {
			b, found = gb, true
		} else {
			b = b.Union(gb)
		}
	}
	return b, found
}

// osmID returns the OSM id of a feature built by Read.
func osmID(f store.Feature) string {
	switch f := f.(type) {
	case *store.Building:
		return f.OSMID
	case *store.Road:
		return f.OSMID
	case *store.Land:
		return f.OSMID
	case *store.WaterArea:
		return f.OSMID
	case *store.Barrier:
		return f.OSMID
	case *store.Camera:
		return f.OSMID
	case *store.Equipment:
		return f.OSMID
	case *store.Facility:
		return f.OSMID
	case *store.AccessPoint:
		return f.OSMID
	}
	return ""
}

// sizeOf returns the size of r in bytes, or -1 when it is not known.
func sizeOf(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Stat() (os.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	case interface{ Size() int64 }:
		return r.Size()
	}
	return -1
}

// countingReader counts the bytes read through it; n may be read from
// other goroutines.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// isPBF reports whether head starts like an OSM PBF file: a 4-byte
// BlobHeader length, then the BlobHeader whose first field is the type
// "OSMHeader" (or "OSMData" for a file without header).
func isPBF(head []byte) bool {
	if len(head) < 6 || head[4] != 0x0a {
		return false
	}
	rest := head[6:]
	n := int(head[5])
	if n > len(rest) {
		return false
	}
	t := string(rest[:n])
	return t == "OSMHeader" || t == "OSMData"
}

// checkXML checks that head, the start of a file, is XML whose root
// element is <osm>, and otherwise says what the file looks like.
func checkXML(head []byte) error {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return fmt.Errorf("%w: it is gzip-compressed; decompress it first", ErrFormat)
	case bytes.HasPrefix(head, []byte("BZh")):
		return fmt.Errorf("%w: it is bzip2-compressed; decompress it first", ErrFormat)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return fmt.Errorf("%w: it is a zip archive; extract the .osm or .osm.pbf file first", ErrFormat)
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) == 0 || t[0] != '<' {
		return fmt.Errorf("%w: it starts with %q", ErrFormat, prefix(t))
	}
	d := xml.NewDecoder(bytes.NewReader(head))
	for {
		tok, err := d.RawToken()
		if err != nil {
			if len(head) == 64<<10 && (err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF)) {
				return nil // a long prolog: let the scanner decide
			}
			return fmt.Errorf("%w: %v", ErrFormat, err)
		}
		if d, ok := tok.(xml.Directive); ok && bytes.Contains(d, []byte("ENTITY")) {
			return ErrEntity
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "osm" {
				return fmt.Errorf("%w: its root element is <%s>, not <osm>", ErrFormat, se.Name.Local)
			}
			return nil
		}
	}
}

// badNumber reads OSM XML from the start of r and names the first element
// whose numeric attribute (id, lat, lon, ref, ...) does not parse, with
// its line: `node 7 (line 3) attribute lat`. It returns "" when it finds
// none.
func badNumber(r io.ReadSeeker) string {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return ""
	}
	d := xml.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return ""
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local == "osm" || se.Name.Local == "tag" {
			continue
		}
		line, _ := d.InputPos()
		id := ""
		for _, a := range se.Attr {
			if a.Name.Local == "id" {
				id = " " + a.Value
			}
		}
		for _, a := range se.Attr {
			var err error
			switch a.Name.Local {
			case "lat", "lon", "minlat", "minlon", "maxlat", "maxlon":
				_, err = strconv.ParseFloat(a.Value, 64)
			case "id", "ref", "version", "changeset", "uid":
				_, err = strconv.ParseInt(a.Value, 10, 64)
			}
			if err != nil {
				return fmt.Sprintf("%s%s (line %d) attribute %s", se.Name.Local, id, line, a.Name.Local)
			}
		}
	}
}

// prefix returns the first few bytes of b for an error message.
func prefix(b []byte) []byte {
	if len(b) > 16 {
		return b[:16]
	}
	return b
}

package osmimport

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"safetynet/data/store"
)

// IsGDALOSM reports whether the feature tables of a GeoPackage are those
// GDAL's OSM driver writes (ogr2ogr -f GPKG out.gpkg in.osm.pbf): points,
// lines, multipolygons, ...
func IsGDALOSM(tables []string) bool {
	for _, t := range []string{"points", "lines", "multipolygons"} {
		if !slices.Contains(tables, t) {
			return false
		}
	}
	return true
}

// ReadGDAL reads a GeoPackage in GDAL's OSM layout (IsGDALOSM): each row's
// tags are its columns and its other_tags hstore, and go through the same
// rules as an OSM file's: points as nodes, lines as ways (roads, walls),
// multipolygons as areas (way/N from osm_way_id, relation/N from osm_id).
// The multilinestrings and other_relations layers are not read. name
// names the file in errors.
func ReadGDAL(ctx context.Context, src *store.Store, name string) ([]store.Feature, Stats, error) {
	b := newBuilder()
	read := func(table string, fn func(t osm.Tags, g orb.Geometry, props map[string]any) error) error {
		return src.TableRows(ctx, table, func(g orb.Geometry, props map[string]any) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			t, err := gdalTags(props)
			if err != nil {
				return fmt.Errorf("%s fid %v: %w", table, props["fid"], err)
			}
			if len(t) == 0 || g == nil {
				return nil
			}
			return fn(t, g, props)
		})
	}
	err := read("points", func(t osm.Tags, g orb.Geometry, props map[string]any) error {
		b.stats.Nodes++
		if p, ok := g.(orb.Point); ok {
			b.addPoint(t, p, "node/"+str(props["osm_id"]))
		}
		return nil
	})
	if err == nil {
		err = read("lines", func(t osm.Tags, g orb.Geometry, props map[string]any) error {
			b.stats.Ways++
			line, ok := g.(orb.LineString)
			if !ok || len(line) < 2 {
				return nil
			}
			id := "way/" + str(props["osm_id"])
			if w := barrier(t); w != nil {
				w.Geom, w.OSMID = line, id
				b.emit(w)
			}
			if isRoad(t) {
				b.emit(&store.Road{Geom: line, Names: names(t), Class: t.Find("highway"), OSMID: id})
			}
			return nil
		})
	}
	if err == nil {
		err = read("multipolygons", func(t osm.Tags, g orb.Geometry, props map[string]any) error {
			id := "relation/" + str(props["osm_id"])
			if w := str(props["osm_way_id"]); w != "" {
				id = "way/" + w
				b.stats.Ways++
			} else {
				b.stats.Relations++
			}
			var mp orb.MultiPolygon
			switch g := g.(type) {
			case orb.Polygon:
				mp = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				mp = g
			}
			mp = orient(mp)
			layer, class := areaKind(t)
			kinds := facilityKinds(t)
			if len(mp) == 0 || layer == "" && len(kinds) == 0 {
				return nil
			}
			b.emitArea(layer, class, mp, t, id)
			b.emitFacilities(kinds, mp, t, id)
			return nil
		})
	}
	if err != nil {
		return nil, b.stats, fmt.Errorf("import %s: %w", name, err)
	}
	b.stats.Bound, b.stats.HasBound = bound(b.features)
	return b.features, b.stats, nil
}

// orient returns mp with outer rings counter-clockwise and holes
// clockwise, dropping rings without area.
func orient(mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range mp {
		if len(p) == 0 {
			continue
		}
		outer, ok := cleanRing(p[0], orb.CCW)
		if !ok {
			continue
		}
		q := orb.Polygon{outer}
		for _, h := range p[1:] {
			if r, ok := cleanRing(h, orb.CW); ok {
				q = append(q, r)
			}
		}
		out = append(out, q)
	}
	return out
}

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return fmt.Sprint(v)
}

// gdalTags returns the OSM tags of a row of GDAL's OSM layout: its text
// columns but the ids, and the pairs of its other_tags hstore.
func gdalTags(props map[string]any) (osm.Tags, error) {
	var t osm.Tags
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch k {
		case "fid", "osm_id", "osm_way_id", "other_tags", "all_tags", "z_order", "osm_version", "osm_timestamp", "osm_uid", "osm_user", "osm_changeset":
			continue
		}
		if v, ok := props[k].(string); ok && v != "" {
			t = append(t, osm.Tag{Key: k, Value: v})
		}
	}
	if o, ok := props["other_tags"].(string); ok && o != "" {
		pairs, err := parseHstore(o)
		if err != nil {
			return nil, fmt.Errorf("other_tags: %w", err)
		}
		t = append(t, pairs...)
	}
	return t, nil
}

// parseHstore parses GDAL's hstore text: "k"=>"v","k2"=>"v2", with \" and
// \\ escapes inside the quotes.
func parseHstore(s string) (osm.Tags, error) {
	var t osm.Tags
	i := 0
	quoted := func() (string, error) {
		if i >= len(s) || s[i] != '"' {
			return "", fmt.Errorf("expected '\"' at byte %d of %q", i, abbrev(s))
		}
		i++
		var sb strings.Builder
		for i < len(s) {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s):
				sb.WriteByte(s[i+1])
				i += 2
			case c == '"':
				i++
				return sb.String(), nil
			default:
				sb.WriteByte(c)
				i++
			}
		}
		return "", fmt.Errorf("unterminated string in %q", abbrev(s))
	}
	for i < len(s) {
		k, err := quoted()
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(s[i:], "=>") {
			return nil, fmt.Errorf("expected => at byte %d of %q", i, abbrev(s))
		}
		i += 2
		v, err := quoted()
		if err != nil {
			return nil, err
		}
		t = append(t, osm.Tag{Key: k, Value: v})
		if i < len(s) {
			if s[i] != ',' {
				return nil, fmt.Errorf("expected ',' at byte %d of %q", i, abbrev(s))
			}
			i++
		}
	}
	return t, nil
}

func abbrev(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

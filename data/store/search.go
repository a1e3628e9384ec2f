package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Hit is one feature found by Search.
type Hit struct {
	Layer string
	FID   int64
	// Names are the feature's names; Code its code or OSM id, when it has one.
	Names Names
	Code  string
	// Bound is the bounding box of the feature's geometry.
	Bound orb.Bound
}

// Search finds features whose name (in any language), code or OSM id
// contains text, ignoring case, or whose "layer/fid" or fid is text; exact
// matches come first, then by layer and fid. At most limit hits are returned.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]Hit, error) {
	text = strings.TrimSpace(text)
	if text == "" || limit <= 0 {
		return nil, nil
	}
	var exact, partial []Hit
	layerOf, fidOf := "", int64(-1)
	if l, f, ok := strings.Cut(text, "/"); ok && layers[l] != nil {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil {
			layerOf, fidOf = l, n
		}
	} else if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		fidOf = n
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(text)) + "%"
	for _, name := range order {
		if layerOf != "" && name != layerOf {
			continue
		}
		t, err := s.table(name)
		if err != nil {
			continue
		}
		var conds []string
		args := []any{}
		present := map[string]bool{}
		for _, c := range t.cols {
			present[c.Name] = true
		}
		for _, c := range []string{"name", "name_zh", "name_en", "code", "osm_id"} {
			if present[c] {
				conds = append(conds, fmt.Sprintf(`lower(%s) LIKE ? ESCAPE '\'`, quote(c)))
				args = append(args, like)
			}
		}
		if fidOf >= 0 {
			conds = append(conds, quote(t.pk)+" = ?")
			args = append(args, fidOf)
		}
		if layerOf != "" {
			conds = []string{quote(t.pk) + " = ?"}
			args = []any{fidOf}
		}
		if len(conds) == 0 {
			continue
		}
		sel := []string{quote(t.pk), quote(t.geomCol)}
		for _, c := range []string{"name", "name_zh", "name_en", "code", "osm_id"} {
			if present[c] {
				sel = append(sel, quote(c))
			} else {
				sel = append(sel, "NULL")
			}
		}
		q := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY 1 LIMIT %d", strings.Join(sel, ", "), quote(name), strings.Join(conds, " OR "), limit)
		rows, err := s.r.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, s.wrap(err)
		}
		for rows.Next() {
			var h Hit
			var blob []byte
			var n, nz, ne, code, osm *string
			if err := rows.Scan(&h.FID, &blob, &n, &nz, &ne, &code, &osm); err != nil {
				rows.Close()
				return nil, s.wrap(err)
			}
			h.Layer = name
			h.Names = Names{Name: deref(n), NameZh: deref(nz), NameEn: deref(ne)}
			h.Code = deref(code)
			if h.Code == "" {
				h.Code = deref(osm)
			}
			if b, empty, err := envelope(blob); err == nil && !empty {
				h.Bound = b
			}
			lower := strings.ToLower(text)
			if h.FID == fidOf || strings.ToLower(h.Names.Name) == lower || strings.ToLower(h.Names.NameZh) == lower ||
				strings.ToLower(h.Names.NameEn) == lower || strings.ToLower(h.Code) == lower {
				exact = append(exact, h)
			} else {
				partial = append(partial, h)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.wrap(err)
		}
	}
	out := append(exact, partial...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Get returns feature fid of layer as a Record, and false when there is none.
func (s *Store) Get(ctx context.Context, layer string, fid int64) (Record, bool, error) {
	t, err := s.table(layer)
	if err != nil {
		return Record{}, false, err
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s = ?", t.selects, quote(layer), quote(t.pk))
	vals := make([]any, len(t.cols)+2)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := s.r.QueryRowContext(ctx, q, fid).Scan(ptrs...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Record{}, false, nil
		}
		return Record{}, false, s.wrap(err)
	}
	r := Record{FID: fid, Props: make(map[string]any, len(t.cols))}
	if blob, ok := vals[1].([]byte); ok && blob != nil {
		if r.Geom, _, err = DecodeGeometry(blob); err != nil {
			return Record{}, false, fmt.Errorf("store: %s: %s feature %d: %w", s.path, layer, fid, err)
		}
	}
	for i, c := range t.cols {
		r.Props[c.Name] = recordValue(c.Type, vals[i+2])
	}
	return r, true, nil
}

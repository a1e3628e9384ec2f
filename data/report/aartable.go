package report

import "math"

// tline is one laid-out line of a table cell.
type tline struct {
	text string
	size float64
	bold bool
	ink  [3]int
}

func (l tline) height() float64 { return l.size * 0.3528 * 1.3 }

// table writes a table: wrapped cells, pages broken between rows (and
// inside a row taller than a page), the header repeated on each page.
func (x *aar) table(cols []column, rows [][]cell) {
	d := x.d
	var headH float64
	var headLines [][]string
	d.font(tableSize-0.6, true, inkText)
	for _, c := range cols {
		ls := d.wrap(c.title, c.w-2*padX)
		headLines = append(headLines, ls)
		headH = math.Max(headH, float64(len(ls))*d.lineHeight())
	}
	headH += 2 * padY
	header := func() {
		x.cov.rect(marginX, x.y, contentW, headH, bgHeader)
		d.font(tableSize-0.6, true, inkText)
		cx := marginX
		for i, c := range cols {
			for k, l := range headLines[i] {
				d.cell(cx+padX, x.y+padY+float64(k)*d.lineHeight(), c.w-2*padX, d.lineHeight(), l, c.align)
			}
			cx += c.w
		}
		x.y += headH
	}
	lay := func(row []cell) [][]tline {
		out := make([][]tline, len(cols))
		for i, c := range cols {
			if i >= len(row) {
				break
			}
			ink := inkText
			if row[i].ink != nil {
				ink = *row[i].ink
			}
			d.font(tableSize, row[i].bold, ink)
			for _, l := range d.wrap(row[i].text, c.w-2*padX) {
				out[i] = append(out[i], tline{l, tableSize, row[i].bold, ink})
			}
			d.font(subSize, false, inkGrey)
			for _, s := range row[i].sub {
				if s == "" {
					continue
				}
				for _, l := range d.wrap(s, c.w-2*padX) {
					out[i] = append(out[i], tline{l, subSize, false, inkGrey})
				}
			}
		}
		return out
	}
	height := func(ls [][]tline) float64 {
		h := 0.0
		for _, c := range ls {
			ch := 0.0
			for _, l := range c {
				ch += l.height()
			}
			h = math.Max(h, ch)
		}
		return h + 2*padY
	}
	// The header stays with the first row.
	first := 0.0
	if len(rows) > 0 {
		first = math.Min(height(lay(rows[0])), 30)
	}
	x.need(headH + first)
	header()
	full := bottomY - topY - headH
	for ri, row := range rows {
		ls := lay(row)
		h := height(ls)
		// A row that does not fit goes to the next page whole, unless it
		// is tall (then it is split where there is room for some lines).
		if x.y+h > bottomY && (h <= math.Min(full, 60) || bottomY-x.y < 20) {
			x.newPage()
			header()
		}
		for {
			// Take the lines of each cell that fit on this page.
			room := bottomY - x.y - 2*padY
			part := make([][]tline, len(ls))
			rest := false
			for i, c := range ls {
				used, k := 0.0, 0
				for k < len(c) && used+c[k].height() <= room {
					used += c[k].height()
					k++
				}
				part[i], ls[i] = c[:k], c[k:]
				if len(ls[i]) > 0 {
					rest = true
				}
			}
			x.rowPart(cols, row, part, height(part), ri)
			if !rest {
				break
			}
			x.newPage()
			header()
		}
	}
	x.y += 3
}

// rowPart draws the laid-out lines of one row (or of its part on this
// page), h high.
func (x *aar) rowPart(cols []column, row []cell, ls [][]tline, h float64, ri int) {
	d := x.d
	if ri%2 == 1 {
		x.cov.rect(marginX, x.y, contentW, h, bgZebra)
	}
	cx := marginX
	for i, c := range cols {
		if i < len(row) && row[i].fill != nil {
			x.cov.rect(cx+0.3, x.y+0.3, c.w-0.6, h-0.6, *row[i].fill)
		}
		y := x.y + padY
		for _, l := range ls[i] {
			d.font(l.size, l.bold, l.ink)
			d.cell(cx+padX, y, c.w-2*padX, l.height(), l.text, c.align)
			y += l.height()
		}
		cx += c.w
	}
	x.y += h
	x.cov.hline(marginX, pageW-marginX, x.y, lineRule, 0.2)
}

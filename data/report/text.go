package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// doc is a PDF being written, with text set in the report's fonts: each
// character in the first face that has it, characters no face has shown
// as "?". Sizes are points, positions millimetres from the top left.
type doc struct {
	pdf    *fpdf.Fpdf
	fonts  *Fonts
	buf    sfnt.Buffer
	cover  map[rune]int // character -> face index, -1 when none has it
	size   float64
	bold   bool
	colour [3]int
	cp1252 func(string) string
}

func newDoc(fonts *Fonts) *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	d := &doc{pdf: pdf, fonts: fonts, cover: map[rune]int{}, size: 10}
	for _, f := range fonts.faces {
		if f.font != nil {
			pdf.AddUTF8FontFromBytes(f.name, "", f.data)
		}
	}
	d.cp1252 = pdf.UnicodeTranslatorFromDescriptor("")
	return d
}

// face returns the index of the face for r, or -1.
func (d *doc) face(r rune) int {
	if i, ok := d.cover[r]; ok {
		return i
	}
	i := -1
	for k, f := range d.fonts.faces {
		if f.has(r, &d.buf) {
			i = k
			break
		}
	}
	d.cover[r] = i
	return i
}

// run is a stretch of text in one face.
type run struct {
	face int
	text string
}

// runs splits s into runs of one face each. Spaces join the run before
// them; characters no face has become "?".
func (d *doc) runs(s string) []run {
	var out []run
	var b strings.Builder
	cur := -1
	for _, r := range s {
		if r == '\n' || r == '\t' {
			r = ' '
		}
		i := cur
		if !(r == ' ' && cur >= 0) {
			i = d.face(r)
			if i < 0 {
				r, i = '?', d.face('?')
			}
		}
		if i != cur && b.Len() > 0 {
			out = append(out, run{cur, b.String()})
			b.Reset()
		}
		cur = i
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cur, b.String()})
	}
	return out
}

// setFace makes face i current at the current size.
func (d *doc) setFace(i int) {
	f := d.fonts.faces[i]
	if f.font == nil {
		d.pdf.SetFont("Helvetica", "", d.size)
		return
	}
	d.pdf.SetFont(f.name, "", d.size)
}

// encode returns t as face i needs it: UTF-8, or Windows-1252 for the
// built-in Helvetica.
func (d *doc) encode(i int, t string) string {
	if d.fonts.faces[i].font == nil {
		return d.cp1252(t)
	}
	return t
}

// font sets the size (points), weight and colour of the text that follows.
func (d *doc) font(size float64, bold bool, colour [3]int) {
	d.size, d.bold, d.colour = size, bold, colour
}

// width returns the width of s in the current font, millimetres.
func (d *doc) width(s string) float64 {
	w := 0.0
	for _, r := range d.runs(s) {
		d.setFace(r.face)
		w += d.pdf.GetStringWidth(d.encode(r.face, r.text))
	}
	return w
}

// text writes s with its baseline at y, starting at x.
func (d *doc) text(x, y float64, s string) {
	p := d.pdf
	p.SetTextColor(d.colour[0], d.colour[1], d.colour[2])
	if d.bold {
		// Faux bold: fill and stroke the glyphs.
		p.SetDrawColor(d.colour[0], d.colour[1], d.colour[2])
		p.SetLineWidth(d.size * 0.025 * 0.3528)
		p.SetTextRenderingMode(2)
	}
	for _, r := range d.runs(s) {
		d.setFace(r.face)
		t := d.encode(r.face, r.text)
		p.Text(x, y, t)
		x += p.GetStringWidth(t)
	}
	if d.bold {
		p.SetTextRenderingMode(0)
	}
}

// halo writes s at x, y over a white outline, for labels on maps.
func (d *doc) halo(x, y float64, s string) {
	p := d.pdf
	p.SetDrawColor(255, 255, 255)
	p.SetLineWidth(d.size * 0.16 * 0.3528)
	p.SetLineJoinStyle("round")
	p.SetTextRenderingMode(1)
	xx := x
	for _, r := range d.runs(s) {
		d.setFace(r.face)
		t := d.encode(r.face, r.text)
		p.Text(xx, y, t)
		xx += p.GetStringWidth(t)
	}
	p.SetTextRenderingMode(0)
	p.SetLineJoinStyle("miter")
	d.text(x, y, s)
}

// lineHeight is the distance between baselines at the current size, mm.
func (d *doc) lineHeight() float64 { return d.size * 0.3528 * 1.3 }

// capHeight is about the height of capitals at the current size, mm.
func (d *doc) capHeight() float64 { return d.size * 0.3528 * 0.7 }

// cell writes s on one line in a box w wide whose top is y, aligned "L",
// "C" or "R", shortened with "…" when it does not fit; h is the box
// height and the text is centred in it vertically.
func (d *doc) cell(x, y, w, h float64, s, align string) {
	s = d.fit(s, w)
	tw := d.width(s)
	switch align {
	case "R":
		x += w - tw
	case "C":
		x += (w - tw) / 2
	}
	d.text(x, y+h/2+d.capHeight()/2, s)
}

// fit returns s, or its start with "…" when s is wider than w.
func (d *doc) fit(s string, w float64) string {
	if d.width(s) <= w {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.width(string(rs[:mid])+"…") <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(rs[:lo]), " ") + "…"
}

// wrap breaks s into lines no wider than w: at spaces, and between
// Chinese characters, which need none. A word wider than w is cut.
func (d *doc) wrap(s string, w float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, d.wrapLine(para, w)...)
	}
	return lines
}

func (d *doc) wrapLine(s string, w float64) []string {
	// Tokens: words with their trailing spaces, and single wide characters.
	var toks []string
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if wide(r) {
			end := n
			for end < len(s) && s[end] == ' ' {
				end++
			}
			// Keep closing punctuation with the character before it.
			for end < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[end:])
				if !strings.ContainsRune("，。、；：！？）》」』】,.;:!?)", r2) {
					break
				}
				end += n2
			}
			toks = append(toks, s[:end])
			s = s[end:]
			continue
		}
		end := 0
		for end < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[end:])
			if wide(r2) || r2 == ' ' {
				break
			}
			end += n2
		}
		for end < len(s) && s[end] == ' ' {
			end++
		}
		if end == 0 {
			end = n
		}
		toks = append(toks, s[:end])
		s = s[end:]
	}
	var lines []string
	line := ""
	for _, t := range toks {
		if line != "" && d.width(strings.TrimRight(line+t, " ")) > w {
			lines = append(lines, strings.TrimRight(line, " "))
			line = ""
		}
		for line == "" && d.width(strings.TrimRight(t, " ")) > w && utf8.RuneCountInString(t) > 1 {
			// A word longer than the line: cut it.
			rs := []rune(t)
			k := len(rs) - 1
			for k > 1 && d.width(string(rs[:k])) > w {
				k--
			}
			lines = append(lines, string(rs[:k]))
			t = string(rs[k:])
		}
		line += t
	}
	if line = strings.TrimRight(line, " "); line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// wide reports whether r is a Chinese, Japanese or Korean character (or
// punctuation) that lines may break around.
func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef
}

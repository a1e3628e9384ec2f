package report

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/geo/placement"
)

// PDFOptions tune WritePDF. The zero value gives the defaults.
type PDFOptions struct {
	// Title replaces the report's title (the community's name).
	Title string
	// Date is printed on the title page and stored as the PDF's creation
	// date; zero means now.
	Date time.Time
	// Fonts are the fonts to set the report in; nil means LoadFonts("").
	// Without a Chinese font the report uses English names and labels.
	Fonts *Fonts
}

// Page geometry, millimetres.
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 15.0
	contentW     = pageW - 2*marginX
	topY         = 22.0  // where content starts on pages after the first
	bottomY      = 281.0 // where content must end
)

// Colours of the page (RGB).
var (
	inkNavy   = [3]int{0x1f, 0x2a, 0x44}
	inkText   = [3]int{0x21, 0x25, 0x29}
	inkGrey   = [3]int{0x6c, 0x75, 0x7d}
	inkWhite  = [3]int{0xff, 0xff, 0xff}
	inkAccent = [3]int{0x08, 0x51, 0x9c}
	inkRed    = [3]int{0xc0, 0x39, 0x2b}
	bgHeader  = [3]int{0xe9, 0xec, 0xef}
	bgZebra   = [3]int{0xf6, 0xf7, 0xf9}
	lineRule  = [3]int{0xde, 0xe2, 0xe6}
)

// WritePDF writes the report as an A4 PDF: a title page with the key
// figures and an overview map, then the key-area table, the fire rule
// violations, the input problems and, when the report has them, the
// suggested cameras with their map.
func (r *Report) WritePDF(w io.Writer, opt PDFOptions) error {
	fonts := opt.Fonts
	if fonts == nil {
		var err error
		if fonts, err = LoadFonts(""); err != nil {
			return err
		}
	}
	date := opt.Date
	if date.IsZero() {
		date = time.Now()
	}
	p := &pdfReport{r: r, d: newDoc(fonts), date: date}
	p.title = opt.Title
	if p.title == "" {
		p.title = r.Title
		if !fonts.CJK && r.TitleEn != "" {
			p.title = r.TitleEn
		}
	}
	pdf := p.d.pdf
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginX, topY, marginX)
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(p.title+" — "+p.lang("安全覆盖报告", "Safety coverage report"), true)
	pdf.SetAuthor("SafetyNet", true)
	pdf.SetCreator("SafetyNet safetynetctl", true)
	pdf.SetSubject("Camera, patrol and fire equipment coverage", true)

	if err := p.titlePage(); err != nil {
		return err
	}
	p.keyAreaPage()
	p.violationSection()
	p.problemSection()
	if len(r.Suggestions) > 0 || r.Before > 0 {
		if err := p.suggestionSection(); err != nil {
			return err
		}
	}
	p.footers()
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

// SavePDF writes the PDF (see WritePDF) to path, through a temporary file
// in the same folder, so that a failure leaves no half-written file.
func (r *Report) SavePDF(path string, opt PDFOptions) error {
	return writeFile(path, func(w io.Writer) error { return r.WritePDF(w, opt) })
}

// pdfReport lays a report out on pages.
type pdfReport struct {
	r     *Report
	d     *doc
	title string
	date  time.Time
	y     float64 // where the next content goes on the current page
	imgs  int
}

// lang returns the label in Chinese and English, or English only
// without a Chinese font.
func (p *pdfReport) lang(zh, en string) string {
	if p.d.fonts.CJK && zh != "" {
		return zh + " " + en
	}
	return en
}

// name returns a feature's name for the page: Chinese where the fonts
// have it, else English.
func (p *pdfReport) name(zh, en string) string {
	if p.d.fonts.CJK && zh != "" {
		return zh
	}
	if en != "" {
		return en
	}
	if p.d.fonts.CJK {
		return zh
	}
	return ""
}

// plain returns s, or "" when it has Chinese characters and the fonts
// have none.
func (p *pdfReport) plain(s string) string {
	if p.d.fonts.CJK {
		return s
	}
	for _, r := range s {
		if wide(r) {
			return ""
		}
	}
	return s
}

func (p *pdfReport) rect(x, y, w, h float64, fill [3]int) {
	p.d.pdf.SetFillColor(fill[0], fill[1], fill[2])
	p.d.pdf.Rect(x, y, w, h, "F")
}

func (p *pdfReport) hline(x0, x1, y float64, c [3]int, width float64) {
	pdf := p.d.pdf
	pdf.SetDrawColor(c[0], c[1], c[2])
	pdf.SetLineWidth(width)
	pdf.Line(x0, y, x1, y)
}

// newPage starts a page with the running header.
func (p *pdfReport) newPage() {
	pdf := p.d.pdf
	pdf.AddPage()
	d := p.d
	d.font(7.5, false, inkGrey)
	d.text(marginX, 13, p.title+" · "+p.lang("安全覆盖报告", "Safety coverage report"))
	ds := p.date.Format("2006-01-02")
	d.text(pageW-marginX-d.width(ds), 13, ds)
	p.hline(marginX, pageW-marginX, 15.5, lineRule, 0.3)
	p.y = topY
}

// need starts a new page unless h millimetres are left on this one.
func (p *pdfReport) need(h float64) {
	if p.y+h > bottomY {
		p.newPage()
	}
}

// footers writes "page n of N" on every page.
func (p *pdfReport) footers() {
	pdf := p.d.pdf
	n := pdf.PageCount()
	for i := 1; i <= n; i++ {
		pdf.SetPage(i)
		p.hline(marginX, pageW-marginX, 286, lineRule, 0.3)
		p.d.font(7, false, inkGrey)
		p.d.text(marginX, 290.5, "SafetyNet · "+p.r.Source)
		s := fmt.Sprintf("page %d of %d", i, n)
		if p.d.fonts.CJK {
			s = fmt.Sprintf("第 %d / %d 页 · %s", i, n, s)
		}
		p.d.text(pageW-marginX-p.d.width(s), 290.5, s)
	}
}

// heading writes a section heading and keeps room for what follows.
func (p *pdfReport) heading(zh, en string, keep float64) {
	p.need(14 + keep)
	if p.y > topY {
		p.y += 4
	}
	d := p.d
	d.pdf.Bookmark(en, 0, p.y)
	p.rect(marginX, p.y+0.6, 1.4, 6, inkAccent)
	d.font(13, true, inkNavy)
	d.text(marginX+4, p.y+5.4, p.lang(zh, en))
	p.y += 10
}

// para writes a paragraph of small text.
func (p *pdfReport) para(s string, size float64, c [3]int) {
	d := p.d
	d.font(size, false, c)
	for _, l := range d.wrap(s, contentW) {
		p.need(d.lineHeight())
		d.text(marginX, p.y+d.capHeight()+0.6, l)
		p.y += d.lineHeight()
	}
	p.y += 1.5
}

// titlePage writes the first page: title band, key figures and the
// overview map with its legend.
func (p *pdfReport) titlePage() error {
	d, r := p.d, p.r
	d.pdf.AddPage()
	p.rect(0, 0, pageW, 36, inkNavy)
	p.rect(0, 36, pageW, 1.2, inkAccent)
	d.font(8, false, [3]int{0xb8, 0xc7, 0xe0})
	d.text(marginX, 11, "SAFETYNET · "+p.lang("社区安全覆盖报告", "COMMUNITY SAFETY COVERAGE REPORT"))
	d.font(22, true, inkWhite)
	d.text(marginX, 24.5, d.fit(p.title, contentW-40))
	d.font(9.5, false, [3]int{0xdc, 0xe3, 0xee})
	d.text(marginX, 31.5, p.lang("摄像机、巡逻与消防设备覆盖", "Camera, patrol and fire equipment coverage"))
	ds := p.date.Format("2006-01-02")
	d.font(11, true, inkWhite)
	d.text(pageW-marginX-d.width(ds), 24.5, ds)

	// What the report is computed from.
	b := r.Extent
	meta := fmt.Sprintf("Data %s · extent %.4f–%.4f° E, %.4f–%.4f° N · fire rules %s · image detail IEC 62676-4 · raster cell %g m",
		r.Source, b.Min[0], b.Max[0], b.Min[1], b.Max[1], r.Rules, r.Cell)
	d.font(7.5, false, inkGrey)
	p.y = 41
	for _, l := range d.wrap(meta, contentW) {
		d.text(marginX, p.y+2.5, l)
		p.y += d.lineHeight()
	}
	p.y += 2

	// Key figures.
	c := r.Cameras
	atLevel := 0
	for _, a := range r.Areas {
		if a.Camera >= 0.9 {
			atLevel++
		}
	}
	skipped := 0
	for _, pr := range r.Problems {
		if pr.Skipped {
			skipped++
		}
	}
	share := coveredShare(r.areaCoverage())
	tiles := []struct {
		value, label string
		alert        bool
	}{
		{fmt.Sprintf("%d", c.Counted), p.lang("摄像机", "cameras counted") + fmt.Sprintf(" · %d %s", c.Skipped, p.lang("跳过", "skipped")) + plannedText(p, c.Planned), c.Skipped > 0},
		{pctText(share), p.lang("重点区域达标", "key-area ground at required detail"), share < 70},
		{fmt.Sprintf("%d / %d", atLevel, len(r.Areas)), p.lang("区域 ≥ 90 %", "key areas ≥ 90 % at level"), atLevel < len(r.Areas)},
		{area(r.Gap), p.lang("盲区", "gaps: open ground nothing reaches"), false},
		{fmt.Sprintf("%d", len(r.Violations)), p.lang("消防违规", "fire rule violations"), len(r.Violations) > 0},
		{fmt.Sprintf("%d", len(r.Problems)), p.lang("数据问题", "input problems") + fmt.Sprintf(" · %d %s", skipped, p.lang("跳过", "skipped")), skipped > 0},
	}
	if len(r.Areas) == 0 {
		tiles[1] = struct {
			value, label string
			alert        bool
		}{"—", p.lang("无重点区域", "no key areas in the store"), false}
		tiles[2].value = "—"
	}
	const gap = 2.4
	tw := (contentW - gap*float64(len(tiles)-1)) / float64(len(tiles))
	for i, t := range tiles {
		x := marginX + float64(i)*(tw+gap)
		p.rect(x, p.y, tw, 19, bgZebra)
		accent := inkAccent
		if t.alert {
			accent = inkRed
		}
		p.rect(x, p.y, tw, 0.9, accent)
		d.font(14, true, inkText)
		d.text(x+2.5, p.y+8.2, d.fit(t.value, tw-4))
		d.font(6.3, false, inkGrey)
		ls := d.wrap(t.label, tw-4)
		for k, l := range ls[:min(len(ls), 3)] {
			d.text(x+2.5, p.y+12.2+float64(k)*2.6, l)
		}
	}
	p.y += 19 + 5

	// The overview map.
	d.pdf.Bookmark("Overview map", 0, p.y)
	d.font(10.5, true, inkNavy)
	d.text(marginX, p.y+3.5, p.lang("总览图", "Overview map"))
	d.font(7, false, inkGrey)
	note := "key areas coloured by the share seen at their required level; labels are key-area codes"
	d.text(pageW-marginX-d.width(note), p.y+3.5, note)
	p.y += 6
	legendH := 3*legendRow + 2
	boxH := 282 - legendH - p.y - 2
	m, err := r.overviewMap(2400, int(2400*boxH/contentW))
	if err != nil {
		return err
	}
	place, ls, err := p.placeMap(m, marginX, p.y, contentW, boxH)
	if err != nil {
		return err
	}
	// Key-area codes.
	d.font(6, true, inkText)
	for _, a := range r.Areas {
		if len(a.Outline) == 0 {
			continue
		}
		x, y := place(labelPoint(a.Outline))
		code := a.Code
		if code == "" {
			code = a.ID
		}
		ls.place(d, x, y, code, [4]float64{marginX, p.y, marginX + contentW, p.y + boxH})
	}
	p.y += boxH + 2.5
	p.overviewLegend(p.y)
	return nil
}

// placeMap puts a map image in the box, scaled to fit and centred, with a
// frame, scale bar and north arrow; it returns where lon/lat falls on the
// page, and labels that keep clear of the scale bar and arrow.
func (p *pdfReport) placeMap(m *mapImage, x, y, w, h float64) (func(orb.Point) (float64, float64), *labels, error) {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, m.img); err != nil {
		return nil, nil, fmt.Errorf("report: map: %w", err)
	}
	p.imgs++
	name := fmt.Sprintf("map%d", p.imgs)
	pdf := p.d.pdf
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	iw, ih := float64(m.img.Bounds().Dx()), float64(m.img.Bounds().Dy())
	s := math.Min(w/iw, h/ih) // mm per pixel
	ox, oy := x+(w-iw*s)/2, y+(h-ih*s)/2
	p.rect(x, y, w, h, [3]int{0xf3, 0xf1, 0xec})
	pdf.ImageOptions(name, ox, oy, iw*s, ih*s, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetDrawColor(0xb0, 0xb6, 0xbd)
	pdf.SetLineWidth(0.3)
	pdf.Rect(x, y, w, h, "D")

	// Scale bar: a round length about a fifth of the box.
	mPerMM := m.mPerPx / s
	target := w / 5 * mPerMM
	length := 1.0
	for _, f := range []float64{1, 2, 2.5, 5} {
		for e := 0.0; e < 6; e++ {
			if v := f * math.Pow(10, e); v <= target {
				length = math.Max(length, v)
			}
		}
	}
	bw := length / mPerMM
	bx, by := x+4, y+h-8
	pdf.SetAlpha(0.85, "Normal")
	p.rect(bx-2, by-4.5, bw+16, 9, inkWhite)
	pdf.SetAlpha(1, "Normal")
	for i := 0; i < 4; i++ {
		c := inkText
		if i%2 == 1 {
			c = inkWhite
		}
		p.rect(bx+float64(i)*bw/4, by, bw/4, 1.4, c)
	}
	pdf.SetDrawColor(inkText[0], inkText[1], inkText[2])
	pdf.SetLineWidth(0.2)
	pdf.Rect(bx, by, bw, 1.4, "D")
	p.d.font(6.5, false, inkText)
	p.d.text(bx, by-1.2, "0")
	lab := thousands(length, 0) + " m"
	if length >= 1000 {
		lab = thousands(length/1000, 0) + " km"
	}
	p.d.text(bx+bw-p.d.width(lab)/2, by-1.2, lab)

	// North arrow.
	nx, ny := x+w-8, y+5
	pdf.SetAlpha(0.85, "Normal")
	p.d.pdf.SetFillColor(255, 255, 255)
	pdf.Circle(nx, ny+3.2, 4.2, "F")
	pdf.SetAlpha(1, "Normal")
	pdf.SetFillColor(inkText[0], inkText[1], inkText[2])
	pdf.Polygon([]fpdf.PointType{{X: nx, Y: ny}, {X: nx + 1.8, Y: ny + 5}, {X: nx, Y: ny + 4}, {X: nx - 1.8, Y: ny + 5}}, "F")
	p.d.font(6.5, true, inkText)
	p.d.text(nx-p.d.width("N")/2, ny+7.8, "N")

	ls := &labels{placed: [][4]float64{{bx - 2, by - 4.5, bx + bw + 14, by + 4.5}, {nx - 4.2, ny - 1, nx + 4.2, ny + 7.4}}}
	return func(q orb.Point) (float64, float64) {
		px, py := m.toPx(q)
		return ox + px*s, oy + py*s
	}, ls, nil
}

// legend lays out legend entries left to right, wrapping at the right
// margin.
type legend struct {
	p    *pdfReport
	x, y float64
}

const legendRow = 4.6 // mm between legend rows

// title writes a bold lead-in.
func (l *legend) title(s string) {
	d := l.p.d
	d.font(6.8, true, inkText)
	l.fit(d.width(s) + 3)
	d.text(l.x, l.y+2.5, s)
	l.x += d.width(s) + 3
}

// entry writes a 5 x 3.2 mm swatch drawn by swatch, then the label.
func (l *legend) entry(label string, swatch func(x, y float64)) {
	d := l.p.d
	d.font(6.5, false, inkText)
	w := 6.2 + d.width(label) + 3.5
	l.fit(w)
	swatch(l.x, l.y)
	d.font(6.5, false, inkText)
	d.text(l.x+6.2, l.y+2.5, label)
	l.x += w
}

// newRow starts the next row.
func (l *legend) newRow() { l.x, l.y = marginX, l.y+legendRow }

func (l *legend) fit(w float64) {
	if l.x > marginX && l.x+w > pageW-marginX {
		l.newRow()
	}
}

func (p *pdfReport) box(c color.RGBA, edge *color.RGBA, width float64) func(x, y float64) {
	return func(x, y float64) {
		pdf := p.d.pdf
		pdf.SetFillColor(int(c.R), int(c.G), int(c.B))
		style := "F"
		if edge != nil {
			pdf.SetDrawColor(int(edge.R), int(edge.G), int(edge.B))
			pdf.SetLineWidth(width)
			style = "FD"
		}
		pdf.Rect(x, y, 5, 3.2, style)
	}
}

// overviewLegend explains the overview map's colours.
func (p *pdfReport) overviewLegend(y float64) {
	pdf := p.d.pdf
	l := &legend{p: p, x: marginX, y: y}
	l.title(p.lang("图像细节", "Image detail") + " px/m")
	for i, lv := range p.r.Levels {
		l.entry(fmt.Sprintf("%s %g", lv.Name, lv.PPM), p.box(blend(levelColour(i), colBackground, 0.7), nil, 0))
	}
	l.newRow()
	l.title(p.lang("重点区域达标", "Key areas at required detail"))
	for _, c := range shareClasses {
		edge := c.Colour
		l.entry(c.Label, p.box(blend(c.Colour, colBackground, 0.25), &edge, 0.5))
	}
	l.newRow()
	l.entry(p.lang("盲区", "gap: open ground no camera, patrol or extinguisher reaches"), func(x, y float64) {
		pdf.SetFillColor(0xf8, 0xe6, 0xe3)
		pdf.Rect(x, y, 5, 3.2, "F")
		pdf.ClipRect(x, y, 5, 3.2, false)
		pdf.SetDrawColor(0xe0, 0x6a, 0x5e)
		pdf.SetLineWidth(0.2)
		for k := -3.2; k < 5; k += 1.1 {
			pdf.Line(x+k, y+3.2, x+k+3.2, y)
		}
		pdf.ClipEnd()
		pdf.SetDrawColor(int(colGap.R), int(colGap.G), int(colGap.B))
		pdf.Rect(x, y, 5, 3.2, "D")
	})
	l.entry(p.lang("摄像机", "camera"), func(x, y float64) {
		pdf.SetFillColor(int(colCamera.R), int(colCamera.G), int(colCamera.B))
		pdf.Circle(x+2.5, y+1.6, 0.9, "F")
	})
	edge := colBuildEdge
	l.entry(p.lang("建筑", "building"), p.box(colBuilding, &edge, 0.2))
	l.entry(p.lang("绿地", "green"), p.box(colGreen, nil, 0))
	l.entry(p.lang("水体", "water"), p.box(colWater, nil, 0))
}

func blend(c, bg color.RGBA, a float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(math.Round(a*float64(x) + (1-a)*float64(y))) }
	return color.RGBA{mix(c.R, bg.R), mix(c.G, bg.G), mix(c.B, bg.B), 0xff}
}

// column is a table column: its title, width (mm) and alignment.
type column struct {
	title string
	w     float64
	align string
}

// cell is one table cell: its main text and smaller grey lines under it,
// an optional background and bold text.
type cell struct {
	text string
	sub  []string
	fill *[3]int
	bold bool
	ink  *[3]int
}

const (
	tableSize = 7.2 // points
	subSize   = 6.2
	padX      = 1.3
	padY      = 1.2
)

// table writes a table, breaking pages between rows and repeating the
// header on each page.
func (p *pdfReport) table(cols []column, rows [][]cell) {
	d := p.d
	header := func() {
		d.font(tableSize-0.6, true, inkText)
		h := 0.0
		lines := make([][]string, len(cols))
		for i, c := range cols {
			lines[i] = d.wrap(c.title, c.w-2*padX)
			h = math.Max(h, float64(len(lines[i]))*d.lineHeight())
		}
		h += 2 * padY
		p.need(h + 8)
		p.rect(marginX, p.y, contentW, h, bgHeader)
		x := marginX
		for i, c := range cols {
			for k, l := range lines[i] {
				d.cell(x+padX, p.y+padY+float64(k)*d.lineHeight(), c.w-2*padX, d.lineHeight(), l, c.align)
			}
			x += c.w
		}
		p.y += h
	}
	header()
	for ri, row := range rows {
		// Lay the row out: wrapped main text, then the sub lines.
		type laid struct{ main, sub []string }
		ls := make([]laid, len(cols))
		h := 0.0
		for i, c := range cols {
			if i >= len(row) {
				break
			}
			d.font(tableSize, row[i].bold, inkText)
			ls[i].main = d.wrap(row[i].text, c.w-2*padX)
			ch := float64(len(ls[i].main)) * d.lineHeight()
			d.font(subSize, false, inkGrey)
			for _, s := range row[i].sub {
				if s == "" {
					continue
				}
				sub := d.wrap(s, c.w-2*padX)
				ls[i].sub = append(ls[i].sub, sub...)
				ch += float64(len(sub)) * d.lineHeight()
			}
			h = math.Max(h, ch)
		}
		h += 2 * padY
		if p.y+h > bottomY {
			p.newPage()
			header()
		}
		if ri%2 == 1 {
			p.rect(marginX, p.y, contentW, h, bgZebra)
		}
		x := marginX
		for i, c := range cols {
			if i >= len(row) {
				break
			}
			if f := row[i].fill; f != nil {
				p.rect(x+0.3, p.y+0.3, c.w-0.6, h-0.6, *f)
			}
			y := p.y + padY
			ink := inkText
			if row[i].ink != nil {
				ink = *row[i].ink
			}
			d.font(tableSize, row[i].bold, ink)
			for _, l := range ls[i].main {
				d.cell(x+padX, y, c.w-2*padX, d.lineHeight(), l, c.align)
				y += d.lineHeight()
			}
			d.font(subSize, false, inkGrey)
			for _, l := range ls[i].sub {
				d.cell(x+padX, y, c.w-2*padX, d.lineHeight(), l, c.align)
				y += d.lineHeight()
			}
			x += c.w
		}
		p.y += h
		p.hline(marginX, pageW-marginX, p.y, lineRule, 0.2)
	}
	p.y += 3
}

// keyAreaPage writes the key-area table.
func (p *pdfReport) keyAreaPage() {
	r := p.r
	p.newPage()
	p.heading("重点区域", "Key areas", 30)
	p.para("Shares are of each area's open ground (outside buildings). At level: seen by a camera at the area's required image detail or better; "+
		"below: seen, but only at a lower level; unseen: no camera sees it (these three add up to 100 %). Patrol: in sight of a patrol route, "+
		"with the patrol rounds a day passing in sight. Extinguisher and hydrant: within walking reach. Nothing: no camera, patrol or extinguisher reaches it.",
		7.2, inkGrey)
	if len(r.Areas) == 0 {
		p.para(p.lang("没有重点区域。", "The store has no key areas: add them to see their coverage."), 8.5, inkText)
		return
	}
	cols := []column{
		{"Code", 18, "L"}, {p.lang("名称", "Name"), 32, "L"}, {"Level / kind", 22, "L"}, {"Ground m²", 13, "R"},
		{"At level %", 13, "R"}, {"Below %", 11, "R"}, {"Unseen %", 12, "R"}, {"Patrol %", 11.5, "R"},
		{"Rounds / day", 12, "R"}, {"Ext. %", 11, "R"}, {"Hydrant %", 12, "R"}, {"Nothing %", 12.5, "R"},
	}
	fix := 0.0
	for _, c := range cols {
		fix += c.w
	}
	cols[1].w += contentW - fix
	var rows [][]cell
	var ground, cam, below, unseen, patrol, rounds, ext, hyd, nothing float64
	for _, a := range r.Areas {
		code := a.Code
		if code == "" {
			code = a.ID
		}
		name := p.name(a.NameZh, a.NameEn)
		var sub []string
		if p.d.fonts.CJK && a.NameZh != "" && a.NameEn != "" {
			sub = []string{a.NameEn}
		}
		tint := blend(shareColour(100*a.Camera), color.RGBA{0xff, 0xff, 0xff, 0xff}, 0.28)
		fill := [3]int{int(tint.R), int(tint.G), int(tint.B)}
		rows = append(rows, []cell{
			{text: code, bold: true}, {text: name, sub: sub}, {text: a.Level, sub: []string{strings.ReplaceAll(a.Kind, "_", " ")}},
			{text: thousands(a.Ground, 0)}, {text: num(100*a.Camera, 1), fill: &fill, bold: true},
			{text: num(100*a.CameraBelow, 1)}, {text: num(100*a.Unseen, 1)}, {text: num(100*a.Patrol, 1)},
			{text: num(a.RoundsPerDay, 1)}, {text: num(100*a.Extinguisher, 1)}, {text: num(100*a.Hydrant, 1)}, {text: num(100*a.Nothing, 1)},
		})
		g := a.Ground
		ground += g
		cam += g * a.Camera
		below += g * a.CameraBelow
		unseen += g * a.Unseen
		patrol += g * a.Patrol
		rounds += g * a.RoundsPerDay
		ext += g * a.Extinguisher
		hyd += g * a.Hydrant
		nothing += g * a.Nothing
	}
	if ground > 0 {
		f := func(v float64) string { return num(100*v/ground, 1) }
		rows = append(rows, []cell{
			{text: p.lang("合计", "All"), bold: true}, {text: fmt.Sprintf("%d %s", len(r.Areas), p.lang("个区域", "key areas")), bold: true}, {},
			{text: thousands(ground, 0), bold: true}, {text: f(cam), bold: true}, {text: f(below), bold: true}, {text: f(unseen), bold: true},
			{text: f(patrol), bold: true}, {text: num(rounds/ground, 1), bold: true}, {text: f(ext), bold: true}, {text: f(hyd), bold: true},
			{text: f(nothing), bold: true},
		})
	}
	p.table(cols, rows)
}

var violationNames = map[string][2]string{
	coverage.HydrantSpacing:    {"消火栓间距过大", "Hydrant spacing"},
	coverage.HydrantIsolated:   {"孤立消火栓", "Isolated hydrant"},
	coverage.ExtinguisherReach: {"超出灭火器保护距离", "Beyond extinguisher reach"},
	coverage.HydrantReach:      {"超出消火栓保护半径", "Beyond hydrant reach"},
}

// violationSection lists the breaches of the fire rules.
func (p *pdfReport) violationSection() {
	r := p.r
	p.heading("消防规则", "Fire rule violations", 25)
	p.para(fmt.Sprintf("Checked against %s: spacing of outdoor hydrants along roads and between neighbours, and key-area ground beyond "+
		"walking reach of every extinguisher (areas that need one) or hydrant. Found is metres for spacing and square metres for reach.", r.Rules), 7.2, inkGrey)
	if len(r.Violations) == 0 {
		p.para(p.lang("未发现违规。", "No violations found."), 8.5, inkText)
		return
	}
	cols := []column{{"Rule", 30, "L"}, {"Features", 30, "L"}, {"Where (lon, lat)", 28, "L"}, {"Found", 15, "R"}, {"Limit", 12, "R"}, {"Details", 65, "L"}}
	var rows [][]cell
	for _, v := range r.Violations {
		n := violationNames[v.Kind]
		var sub []string
		if p.d.fonts.CJK && n[0] != "" {
			sub = []string{n[0]}
		}
		kind := n[1]
		if kind == "" {
			kind = v.Kind
		}
		found, limit := thousands(v.Value, 0)+" m", thousands(v.Limit, 0)+" m"
		if v.Kind == coverage.ExtinguisherReach || v.Kind == coverage.HydrantReach {
			found, limit = thousands(v.Value, 0)+" m²", "0 m²"
		}
		rows = append(rows, []cell{
			{text: kind, sub: sub, bold: true}, {text: strings.Join(v.IDs, ", ")},
			{text: fmt.Sprintf("%.6f, %.6f", v.Where[0], v.Where[1])}, {text: found}, {text: limit}, {text: p.plain(v.Msg)},
		})
	}
	p.table(cols, rows)
}

var problemKinds = map[string]string{
	"camera": "摄像机", "equipment": "消防设备", "key area": "重点区域", "patrol": "巡逻路线", "building": "建筑",
}

// problemSection lists the features with bad input.
func (p *pdfReport) problemSection() {
	r := p.r
	p.heading("数据问题", "Input problems", 25)
	p.para("Features with bad input. Skipped features are left out of every figure in this report: correct them in the store "+
		"(or in the app) and write the report again.", 7.2, inkGrey)
	if len(r.Problems) == 0 {
		p.para(p.lang("未发现问题。", "No problems found."), 8.5, inkText)
		return
	}
	cols := []column{{"Kind", 20, "L"}, {"ID", 26, "L"}, {p.lang("名称", "Name"), 34, "L"}, {"Skipped", 14, "C"}, {"Reason", 86, "L"}}
	var rows [][]cell
	for _, pr := range r.Problems {
		var sub []string
		if z := problemKinds[pr.Kind]; p.d.fonts.CJK && z != "" {
			sub = []string{z}
		}
		sk := cell{text: "no"}
		if pr.Skipped {
			sk = cell{text: "yes", bold: true, ink: &inkRed}
		}
		rows = append(rows, []cell{{text: pr.Kind, sub: sub}, {text: pr.ID, bold: true}, {text: p.plain(pr.Name)}, sk, {text: p.plain(pr.Msg)}})
	}
	p.table(cols, rows)
}

// suggestionSection lists the suggested cameras and maps them.
func (p *pdfReport) suggestionSection() error {
	r := p.r
	p.newPage()
	p.heading("建议新增摄像机", "Suggested cameras", 30)
	text := fmt.Sprintf("Each camera is chosen, in turn, to cover the most key-area ground that is still below its required image detail, "+
		"from mounts at building corners and on poles along roads, every %d° of heading and every model of the catalogue. ", 30)
	if len(r.Suggestions) == 0 {
		text += "No camera would add coverage: every key area is covered at its level, or no mount sees what is missing."
	} else {
		text += fmt.Sprintf("With all %d, key-area ground seen at the required level rises from %s to %s.", len(r.Suggestions), pctText(r.Before), pctText(r.After))
	}
	if r.Budget > 0 {
		spent := 0.0
		for _, s := range r.Suggestions {
			spent += s.Cost
		}
		text += fmt.Sprintf(" Budget %s: these cost %s.", thousands(r.Budget, 0), thousands(spent, 0))
	}
	p.para(text, 7.5, inkGrey)
	if len(r.Suggestions) == 0 {
		return nil
	}
	cols := []column{{"#", 6, "C"}, {"Where (lon, lat)", 27, "L"}, {"Mount", 32, "L"}, {"Heading", 13, "R"}, {"Model", 34, "L"},
		{"Gain m²", 14, "R"}, {"Gain %", 11, "R"}, {"Cost", 13, "R"}, {"Key areas", 30, "L"}}
	var rows [][]cell
	roads := map[string]string{}
	for _, rd := range r.Scene.Scene.Roads {
		roads[rd.ID] = rd.Name
	}
	for i, s := range r.Suggestions {
		mount := fmt.Sprintf("%s, %g m", s.Mount.Kind, s.Mount.Height)
		var ref string
		switch s.Mount.Kind {
		case placement.Wall:
			id, _, _ := strings.Cut(s.Mount.Ref, "#")
			ref = "building " + id
			if n := p.plain(r.name(store.Buildings, id)); n != "" {
				ref = n
			}
		case placement.Pole:
			ref = "road " + s.Mount.Ref
			if n := roads[s.Mount.Ref]; n != "" {
				ref = n
			}
		}
		cost := "—"
		if s.Cost > 0 {
			cost = thousands(s.Cost, 0)
		}
		md := s.Model
		rows = append(rows, []cell{
			{text: strconv.Itoa(i + 1), bold: true, ink: &[3]int{int(colSuggest.R), int(colSuggest.G), int(colSuggest.B)}},
			{text: fmt.Sprintf("%.6f, %.6f", s.Where[0], s.Where[1])},
			{text: mount, sub: []string{ref}},
			{text: fmt.Sprintf("%.0f° %s", s.Camera.Heading, compass(s.Camera.Heading))},
			{text: md.Name, sub: []string{fmt.Sprintf("%.0f° · %d px", md.HFOV(), md.ResolutionH)}},
			{text: thousands(s.Gain, 0), bold: true}, {text: num(100*s.GainShare, 1)}, {text: cost},
			{text: strings.Join(s.Areas, ", ")},
		})
	}
	p.table(cols, rows)

	// The map of them.
	h := bottomY - p.y - 8 - 2*legendRow
	if h < 110 {
		p.newPage()
		h = bottomY - p.y - 8 - 2*legendRow
	}
	d := p.d
	d.font(10.5, true, inkNavy)
	d.text(marginX, p.y+3.5, p.lang("建议位置图", "Map of the suggested cameras"))
	p.y += 6
	m, err := r.suggestionMap(2400, int(2400*h/contentW))
	if err != nil {
		return err
	}
	place, ls, err := p.placeMap(m, marginX, p.y, contentW, h)
	if err != nil {
		return err
	}
	box := [4]float64{marginX, p.y, marginX + contentW, p.y + h}
	for _, s := range r.Suggestions {
		x, y := place(s.Where)
		ls.placed = append(ls.placed, [4]float64{x - 1.2, y - 1.2, x + 1.2, y + 1.2})
	}
	d.font(8, true, [3]int{int(colSuggest.R), int(colSuggest.G), int(colSuggest.B)})
	for i, s := range r.Suggestions {
		x, y := place(s.Where)
		ls.place(d, x, y-3, strconv.Itoa(i+1), box)
	}
	d.font(6, true, inkText)
	for _, a := range r.Areas {
		if len(a.Outline) == 0 {
			continue
		}
		x, y := place(labelPoint(a.Outline))
		if x < box[0]+2 || x > box[2]-2 || y < box[1]+2 || y > box[3]-2 {
			continue
		}
		code := a.Code
		if code == "" {
			code = a.ID
		}
		ls.place(d, x, y, code, box)
	}
	p.y += h + 2.5
	pdf := d.pdf
	l := &legend{p: p, x: marginX, y: p.y}
	l.entry(p.lang("建议摄像机", "suggested camera, its view and image-detail zones (darker: more detail)"), func(x, y float64) {
		pdf.SetFillColor(int(colSuggest.R), int(colSuggest.G), int(colSuggest.B))
		pdf.Circle(x+2.5, y+1.6, 1.2, "F")
	})
	l.entry(p.lang("现有覆盖", "present camera coverage"), p.box(blend(levelColour(2), colBackground, 0.35), nil, 0))
	l.entry(p.lang("重点区域", "key area, coloured by share at required detail"), func(x, y float64) {
		c := shareClasses[2].Colour
		pdf.SetDrawColor(int(c.R), int(c.G), int(c.B))
		pdf.SetLineWidth(0.4)
		pdf.Rect(x, y, 5, 3.2, "D")
	})
	p.y = l.y + legendRow + 1
	return nil
}

// labels places map labels so that they do not overlap.
type labels struct{ placed [][4]float64 }

// place writes s near (x, y): centred on it when there is room, else
// above, below, right or left of it, inside box (x0, y0, x1, y1).
func (ls *labels) place(d *doc, x, y float64, s string, box [4]float64) {
	w, h := d.width(s), d.capHeight()
	gap := 1.0
	cands := [][2]float64{
		{x - w/2, y - h/2}, {x - w/2, y - h - gap - h/2}, {x - w/2, y + gap + h/2}, {x + gap + 1, y - h/2}, {x - w - gap - 1, y - h/2},
		{x - w/2, y - 2*(h+gap) - h/2}, {x - w/2, y + 2*(h+gap) + h/2}, {x + gap + 1, y - h - gap - h/2}, {x - w - gap - 1, y + gap + h/2},
	}
	best, bestOver := cands[0], math.Inf(1)
	fits := false
	for _, c := range cands {
		r := [4]float64{c[0] - 0.6, c[1] - 0.6, c[0] + w + 0.6, c[1] + h + 0.6}
		if r[0] < box[0] || r[1] < box[1] || r[2] > box[2] || r[3] > box[3] {
			continue
		}
		fits = true
		over := 0.0
		for _, q := range ls.placed {
			over += math.Max(0, math.Min(r[2], q[2])-math.Max(r[0], q[0])) * math.Max(0, math.Min(r[3], q[3])-math.Max(r[1], q[1]))
		}
		if over < bestOver {
			best, bestOver = c, over
		}
		if over == 0 {
			break
		}
	}
	if !fits {
		return // no room inside the map
	}
	ls.placed = append(ls.placed, [4]float64{best[0] - 0.6, best[1] - 0.6, best[0] + w + 0.6, best[1] + h + 0.6})
	d.halo(best[0], best[1]+h, s)
}

// compass names a heading: N, NE, E, ...
func compass(h float64) string {
	names := []string{"N", "NE", "E", "SE", "S", "SW", "W", "NW"}
	i := int(math.Floor(math.Mod(h+22.5+360, 360) / 45))
	return names[i%8]
}

// labelPoint is where a polygon's label goes: the centroid of its outer
// ring (computed about its first corner: lon/lat are large numbers next
// to a small area), or its first corner for a degenerate ring.
func labelPoint(p orb.Polygon) orb.Point {
	r := p[0]
	o := r[0]
	a, cx, cy := 0.0, 0.0, 0.0
	for i := 0; i < len(r); i++ {
		p0, p1 := r[i], r[(i+1)%len(r)]
		x0, y0, x1, y1 := p0[0]-o[0], p0[1]-o[1], p1[0]-o[0], p1[1]-o[1]
		c := x0*y1 - x1*y0
		a += c
		cx += (x0 + x1) * c
		cy += (y0 + y1) * c
	}
	if a == 0 {
		return o
	}
	return orb.Point{o[0] + cx/(3*a), o[1] + cy/(3*a)}
}

// area formats square metres, as hectares from 100,000 m² up.
func area(m2 float64) string {
	if m2 >= 100000 {
		return num(m2/10000, 1) + " ha"
	}
	return thousands(m2, 0) + " m²"
}

// pctText formats a percentage: "76.3 %".
func pctText(v float64) string { return num(v, 1) + " %" }

// thousands formats v with prec decimals and thin-space-free comma
// thousands separators: 12,345.
func thousands(v float64, prec int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', prec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// plannedText says how many planned cameras the report leaves out, or
// nothing when there are none.
func plannedText(p *pdfReport, n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" · %d %s", n, p.lang("规划中（未计入覆盖）", "planned, not in the coverage"))
}

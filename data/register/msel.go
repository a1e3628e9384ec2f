// Package register reads and writes registers kept as spreadsheets: the
// Master Scenario Events List (MSEL) of a drill, as CSV or XLSX (and, read
// only, the JSON array T3SF writes), and registers of assets (cameras,
// fire equipment, hazards, ...) as CSV, XLSX and KML/KMZ (see Read, Guess
// and WriteCSV).
//
// # Reading an MSEL
//
// ReadMSEL finds the header row (the first row, within the first 50 that
// are not scenario rows, naming at least three known columns, one of them
// the subject or message, or the number with a time, sender, recipient
// or expected action) and reads every row under it as an inject. Columns
// are matched by their normalised names (case, spaces and newlines, text
// in parentheses ignored) and by the synonyms of HSEEP templates and of
// other tools ("MSEL #", "EVENT TIME", "SEND TO (RECIPIENT PLAYERS)",
// "INJECT MODE", "DESCRIPTION/SCRIPT", "EXPECTED OUTCOMES", 序号, 时间,
// 发送方, 接收方, 方式, 主题, 内容, 预期行动, 地点编码, ...). Columns it does not
// know are kept in the inject's notes as "Header: value" lines. A CSV file
// is UTF-8 or GB18030, comma, semicolon or tab separated; line breaks in
// cells are read as "\n".
//
// Times are scenario times (t+mm:ss, t+hh:mm:ss) or clock times (hh:mm,
// hh:mm:ss, 07:29 PM, Excel time-of-day fractions and date serials); a
// bare a:b is a clock time hh:mm unless a is 24 or more (then mm:ss).
// Clock times become offsets from the earliest one of the sheet, which a
// Problem and the scenario's description say. An empty time makes an
// untimed inject that keeps its place in the order. A "Day" column (1,
// "Day 2") adds whole days to the time.
//
// A file is read in one of two modes. Files SafetyNet wrote (their header
// has the "kind" and "expect ack" columns, or a "scenario code" row comes
// first) are read strictly: any bad value (a time, a duration, a kind,
// severity or format, a location code the community does not have, a
// repeated or empty number, a condition on a missing inject) refuses the
// whole file with an *Error naming each row and column, so nothing
// half-read is stored. Files of other tools are read leniently, since real
// MSELs are untidy: every such problem is listed as a Problem and the
// inject is kept (a bad time makes it untimed; an unknown severity or
// format is left out; a place the community does not have is kept as text
// without a place; a repeated number is merged into one inject when only
// the recipients differ, and renumbered "5 (2)" otherwise; a row without a
// number is numbered by its order; a condition on a missing inject is
// dropped; cells holding only dashes, "---", are empty; STARTEX and ENDEX
// rows become contextual injects; the kind is read from the kind, type
// and notes columns: "Contingent", "Contingent Inject" and "Contingency"
// are contingent, "Contextual" contextual, anything else primary). In both
// modes rows without a number, time, subject or message (colour keys and
// legends under the table) are not injects and are listed as Problems,
// and empty rows are skipped. Always fatal: no header, no injects, an
// unreadable file, a sheet that does not exist or has no header.
//
// Workbooks: each sheet with a header is a candidate; ReadMSEL takes the
// first visible one unless ReadOptions.Sheet names another (hidden ones
// included) and lists the others as a Problem; Sheets lists them all.
//
// # Writing an MSEL
//
// WriteMSELCSV and WriteMSELXLSX write every field of a scenario, so that
// reading the file back gives the same scenario: scenario rows ("scenario
// code", "scenario name", "scenario objective" ...) above the table in CSV,
// on a "Scenario" sheet in XLSX; then one row per inject with one column
// per field, times as t+mm:ss and deadlines as Go durations (1m30s). A CSV
// cell is written as it is: a text starting with "=" is a formula to a
// spreadsheet that opens the file, so open exported files from others with
// care.
package register

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/xuri/excelize/v2"

	"safetynet/data/store"
)

// Problem is one thing about an MSEL its reader should know: a value
// that could not be used, a row that is not an inject, how times were
// read.
type Problem struct {
	// Sheet is the worksheet, "" for a CSV file.
	Sheet string
	// Row is the row (1-based, as a spreadsheet numbers it), 0 for the
	// whole file.
	Row int
	// Column is the column's header as the file writes it, "" for the
	// whole row.
	Column string
	Text   string
}

// String writes the problem as `row 7, column "time": text`.
func (p Problem) String() string {
	var b strings.Builder
	if p.Sheet != "" {
		fmt.Fprintf(&b, "sheet %q: ", p.Sheet)
	}
	switch {
	case p.Row > 0 && p.Column != "":
		fmt.Fprintf(&b, "row %d, column %q: ", p.Row, p.Column)
	case p.Row > 0:
		fmt.Fprintf(&b, "row %d: ", p.Row)
	case p.Column != "":
		fmt.Fprintf(&b, "column %q: ", p.Column)
	}
	b.WriteString(p.Text)
	return b.String()
}

// ErrRefused is matched (errors.Is) by the *Error of a refused MSEL.
var ErrRefused = errors.New("register: MSEL refused")

// Error is an MSEL refused whole: the file's name and every problem that
// refused it.
type Error struct {
	Name     string
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = e.Name + ": " + p.String()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *Error) Is(target error) bool { return target == ErrRefused }

// Mode is how strictly an MSEL is read (see the package documentation).
type Mode int

// Modes of reading.
const (
	// ModeAuto reads SafetyNet's own files strictly, others leniently.
	ModeAuto Mode = iota
	ModeStrict
	ModeLenient
)

// ReadOptions tune ReadMSELWith. The zero value reads the first visible
// sheet with an MSEL, in ModeAuto, without checking location codes.
type ReadOptions struct {
	// Sheet is the worksheet to read (XLSX only).
	Sheet string
	// Codes tells whether a location code names a feature of the
	// community (store.FeatureCodes); nil leaves codes unchecked.
	Codes func(code string) bool
	Mode  Mode
}

// ReadMSEL reads an MSEL, CSV, XLSX or JSON by its content (then its name), in
// ModeAuto without checking location codes. name is used in messages and
// for the scenario's default code and name.
func ReadMSEL(r io.Reader, name string) (store.Scenario, []Problem, error) {
	return ReadMSELWith(r, name, ReadOptions{})
}

// ReadMSELFile reads the MSEL file at path as ReadMSEL does.
func ReadMSELFile(path string) (store.Scenario, []Problem, error) {
	return ReadMSELFileWith(path, ReadOptions{})
}

// ReadMSELFileWith reads the MSEL file at path with options.
func ReadMSELFileWith(path string, opt ReadOptions) (store.Scenario, []Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return store.Scenario{}, nil, err
	}
	defer f.Close()
	return ReadMSELWith(f, filepath.Base(path), opt)
}

// ReadMSELWith reads an MSEL with options. The scenario it returns passes
// store's Validate (with opt.Codes when the file was read strictly); the
// problems are those that did not refuse the file. A refused file is an
// *Error.
func ReadMSELWith(r io.Reader, name string, opt ReadOptions) (store.Scenario, []Problem, error) {
	b, err := readAll(r, name)
	if err != nil {
		return store.Scenario{}, nil, err
	}
	head := b[:min(len(b), 8)]
	format, err := DetectFormat(head, name)
	if err != nil {
		return store.Scenario{}, nil, err
	}
	if format == FormatJSON {
		if opt.Sheet != "" {
			return store.Scenario{}, nil, fmt.Errorf("%s is a JSON file, which has no sheets; leave out the sheet %q", name, opt.Sheet)
		}
		sh, err := readJSON(b, name)
		if err != nil {
			return store.Scenario{}, nil, err
		}
		return readTable(name, sh, nil, opt)
	}
	if format == FormatCSV {
		if opt.Sheet != "" {
			return store.Scenario{}, nil, fmt.Errorf("%s is a CSV file, which has no sheets; leave out the sheet %q", name, opt.Sheet)
		}
		sh, probs, err := readCSV(b, name)
		if err != nil {
			return store.Scenario{}, nil, err
		}
		sh.name = ""
		sc, more, err := readTable(name, sh, nil, opt)
		return sc, append(probs, more...), err
	}
	return readWorkbook(b, name, opt)
}

// readWorkbook reads the MSEL of an XLSX file. A workbook so damaged
// that the Excel library fails on it is an error, not a crash.
func readWorkbook(b []byte, name string, opt ReadOptions) (sc store.Scenario, probs []Problem, err error) {
	defer func() {
		if r := recover(); r != nil {
			sc, probs, err = store.Scenario{}, nil, fmt.Errorf("%s: a damaged Excel workbook (%v)", name, r)
		}
	}()
	f, err := openXLSX(b, name)
	if err != nil {
		return store.Scenario{}, nil, err
	}
	defer f.Close()
	infos, sheets, err := candidates(f)
	if err != nil {
		return store.Scenario{}, nil, fmt.Errorf("%s: %w", name, err)
	}
	var pick *sheet
	if opt.Sheet != "" {
		for i, in := range infos {
			if in.Name == opt.Sheet {
				if sheets[i] == nil {
					return store.Scenario{}, nil, fmt.Errorf("%s: sheet %q has no MSEL header (a row naming number, time, subject, message... columns)", name, opt.Sheet)
				}
				pick = sheets[i]
			}
		}
		if pick == nil {
			return store.Scenario{}, nil, fmt.Errorf("%s has no sheet %q; its sheets are %s", name, opt.Sheet, sheetNames(infos))
		}
		if pick.hidden {
			probs = append(probs, Problem{Sheet: pick.name, Text: "the sheet is hidden in the workbook"})
		}
	} else {
		for i, in := range infos {
			if sheets[i] != nil && !in.Hidden {
				pick = sheets[i]
				break
			}
		}
		if pick == nil {
			return store.Scenario{}, nil, &Error{Name: name, Problems: []Problem{{Text: "no visible sheet has an MSEL header (a row naming number, time, subject, message... columns); sheets: " + sheetNames(infos)}}}
		}
	}
	var others []string
	for i, in := range infos {
		if sheets[i] != nil && sheets[i] != pick {
			n := strconv.Quote(in.Name)
			if in.Hidden {
				n += " (hidden)"
			}
			others = append(others, n)
		}
	}
	if len(others) > 0 {
		probs = append(probs, Problem{Sheet: pick.name, Text: "read this sheet; other sheets with an MSEL: " + strings.Join(others, ", ") + "; choose one with the sheet option"})
	}
	var pre [][]string
	if pick.name != scenarioSheet {
		if s, err := readSheet(f, scenarioSheet); err == nil && slices.ContainsFunc(s.rows, isScenarioRow) {
			pre = s.rows
		}
	}
	sc, more, err := readTable(name, pick, pre, opt)
	if err == nil && len(others) > 0 && sc.Code == strings.TrimSuffix(name, filepath.Ext(name)) {
		// A code of its own for each sheet of the workbook.
		sc.Code += "-" + strings.Trim(nonCode.ReplaceAllString(pick.name, "-"), "-")
	}
	return sc, append(probs, more...), err
}

// nonCode are the runs of characters a default scenario code leaves out.
var nonCode = regexp.MustCompile(`[^\pL\pN]+`)

// SheetInfo describes one worksheet of a workbook.
type SheetInfo struct {
	Name   string
	Hidden bool
	// MSEL tells whether the sheet has an MSEL header; Injects is the
	// number of injects it holds, read leniently.
	MSEL    bool
	Injects int
}

// Sheets lists the worksheets of the XLSX file at path, in workbook
// order.
func Sheets(path string) (infos []SheetInfo, err error) {
	defer func() {
		if r := recover(); r != nil {
			infos, err = nil, fmt.Errorf("%s: a damaged Excel workbook (%v)", filepath.Base(path), r)
		}
	}()
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	if format, err := DetectFormat(b[:min(len(b), 8)], name); err != nil {
		return nil, err
	} else if format != FormatXLSX {
		return nil, fmt.Errorf("%s is not an Excel workbook", name)
	}
	f, err := openXLSX(b, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	infos, sheets, err := candidates(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i := range infos {
		if sheets[i] == nil {
			continue
		}
		if sc, _, err := readTable(name, sheets[i], nil, ReadOptions{Mode: ModeLenient}); err == nil {
			infos[i].Injects = len(sc.Injects)
		}
	}
	return infos, nil
}

// candidates reads every sheet of f; the sheets without an MSEL header
// are nil.
func candidates(x *excelize.File) ([]SheetInfo, []*sheet, error) {
	var infos []SheetInfo
	var sheets []*sheet
	for _, n := range x.GetSheetList() {
		sh, err := readSheet(x, n)
		if err != nil {
			return nil, nil, err
		}
		info := SheetInfo{Name: n, Hidden: sh.hidden}
		if _, ok := findHeader(sh.rows); ok {
			info.MSEL = true
		} else {
			sh = nil
		}
		infos = append(infos, info)
		sheets = append(sheets, sh)
	}
	return infos, sheets, nil
}

func sheetNames(infos []SheetInfo) string {
	var n []string
	for _, in := range infos {
		n = append(n, strconv.Quote(in.Name))
	}
	return strings.Join(n, ", ")
}

// findHeader returns the index of the header row.
func findHeader(rows [][]string) (int, bool) {
	others := 0
	for i, r := range rows {
		if isHeader(r) {
			return i, true
		}
		if !isScenarioRow(r) {
			others++
			if others >= 50 {
				break
			}
		}
	}
	return 0, false
}

// scenarioSheet is the sheet of scenario rows WriteMSELXLSX writes.
const scenarioSheet = "Scenario"

func isScenarioRow(r []string) bool {
	return len(r) > 0 && strings.HasPrefix(normHeader(r[0]), "scenario ")
}

// reader reads one table.
type reader struct {
	name   string
	sh     *sheet
	opt    ReadOptions
	strict bool
	probs  []Problem
	fatal  []Problem
}

func (rd *reader) note(row int, col, format string, args ...any) {
	rd.probs = append(rd.probs, Problem{Sheet: rd.sh.name, Row: row, Column: col, Text: fmt.Sprintf(format, args...)})
}

// fail is a problem that refuses a strictly read file. Its text may end
// in what a lenient reading does about it ("; kept without a time"),
// which a refusal leaves out.
func (rd *reader) fail(row int, col, format string, args ...any) {
	p := Problem{Sheet: rd.sh.name, Row: row, Column: col, Text: fmt.Sprintf(format, args...)}
	if rd.strict {
		if i := strings.LastIndex(p.Text, "; "); i > 0 {
			for _, c := range []string{"kept ", "left out", "the condition is dropped", "both are read"} {
				if strings.HasPrefix(p.Text[i+2:], c) {
					p.Text = p.Text[:i]
					break
				}
			}
		}
		rd.fatal = append(rd.fatal, p)
	} else {
		rd.probs = append(rd.probs, p)
	}
}

// row is one inject read, with what is needed to finish it.
type row struct {
	n       int // the row in the sheet, 1-based
	in      store.Inject
	when    when
	hasTime bool
	day     int
	rawTime string
}

func readTable(name string, sh *sheet, pre [][]string, opt ReadOptions) (store.Scenario, []Problem, error) {
	rd := &reader{name: name, sh: sh, opt: opt}
	// Line breaks are "\n" whatever the file wrote (CSV writers drop a
	// lone carriage return), and text is valid UTF-8, so that a scenario
	// read goes out and comes back the same.
	for _, rows := range [][][]string{sh.rows, sh.raw} {
		for _, r := range rows {
			for i, c := range r {
				if strings.IndexByte(c, '\r') >= 0 {
					c = strings.ReplaceAll(strings.ReplaceAll(c, "\r\n", "\n"), "\r", "\n")
				}
				r[i] = strings.ToValidUTF8(c, "\uFFFD")
			}
		}
	}
	h, ok := findHeader(sh.rows)
	if !ok {
		return store.Scenario{}, nil, &Error{Name: name, Problems: []Problem{{Sheet: sh.name,
			Text: "no MSEL header found: a row naming at least three columns such as number, time, subject, message, from, to"}}}
	}
	header := sh.rows[h]
	colOf := make([]field, len(header))
	names := make([]string, len(header))
	where := map[field]int{}
	for i, c := range header {
		names[i] = spaces.ReplaceAllString(strings.TrimSpace(c), " ")
		f := headerField(c)
		if _, taken := where[f]; taken && f != fNotes {
			f = fNone
		}
		colOf[i] = f
		if f != fNone {
			if _, taken := where[f]; !taken {
				where[f] = i
			}
		}
	}
	hasCol := func(f field) bool { _, ok := where[f]; return ok }
	preRows := append(slices.Clone(pre), sh.rows[:h]...)
	switch opt.Mode {
	case ModeStrict:
		rd.strict = true
	case ModeAuto:
		rd.strict = hasCol(fKind) && hasCol(fExpectAck) || slices.ContainsFunc(preRows, func(r []string) bool {
			return len(r) > 0 && normHeader(r[0]) == "scenario code"
		})
	}
	sc := rd.scenario(preRows, h)
	if sc.Code == "" {
		sc.Code = strings.TrimSuffix(name, filepath.Ext(name))
	}
	if sc.Name == "" {
		sc.Name = sc.Code
		if sh.name != "" {
			sc.Name += " / " + sh.name
		}
	}

	var rows, unnumbered []*row
	numbers := map[string]*row{}
	for r := h + 1; r < len(sh.rows); r++ {
		n := r + 1
		dashes := !rd.strict
		get := func(f field) string {
			i, ok := where[f]
			if !ok {
				return ""
			}
			v := cell(sh.rows, r, i)
			if blank(v, dashes) {
				return ""
			}
			return strings.TrimSpace(v)
		}
		empty := true
		for _, c := range sh.rows[r] {
			if !blank(c, dashes) {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		rawTime := ""
		if i, ok := where[fTime]; ok && !blank(cell(sh.rows, r, i), dashes) {
			rawTime = strings.TrimSpace(sh.rawCell(r, i))
		}
		number, title, message := get(fNumber), get(fTitle), get(fMessage)
		if number == "" && rawTime == "" && title == "" && message == "" {
			var text []string
			for _, c := range sh.rows[r] {
				if !blank(c, dashes) {
					text = append(text, strings.TrimSpace(c))
				}
			}
			rd.note(n, "", "not an inject (no number, time, subject or message), left out: %q", strings.Join(text, " | "))
			continue
		}
		x := &row{n: n, rawTime: rawTime}
		rd.readInject(x, get, names, where, colOf, sh.rows[r], dashes)
		if len(rows) >= maxRows {
			break
		}
		// Numbers.
		if x.in.Number == "" {
			if rd.strict {
				rd.fail(n, colName(names, where, fNumber, "number"), "the number is empty")
				continue
			}
			x.in.Number = freeNumber(numbers, strconv.Itoa(len(rows)+1))
			unnumbered = append(unnumbered, x)
		} else if first, dup := numbers[x.in.Number]; dup {
			if rd.strict {
				rd.fail(n, colName(names, where, fNumber, "number"), "%s repeated (first in row %d)", x.in.Number, first.n)
				continue
			}
			a, b := first.in, x.in
			a.To, b.To = "", ""
			if reflect.DeepEqual(a, b) && first.rawTime == x.rawTime && first.day == x.day {
				if x.in.To != "" && !slices.Contains(strings.Split(first.in.To, "; "), x.in.To) {
					if first.in.To != "" {
						first.in.To += "; "
					}
					first.in.To += x.in.To
				}
				rd.note(n, colName(names, where, fTo, "to"), "inject %s repeated for recipient %q; merged into the inject of row %d", x.in.Number, x.in.To, first.n)
				continue
			}
			old := x.in.Number
			x.in.Number = freeNumber(numbers, old+" (2)")
			rd.note(n, colName(names, where, fNumber, "number"), "%s repeated (first in row %d) with other content; renumbered %q", old, first.n, x.in.Number)
		}
		numbers[x.in.Number] = x
		rows = append(rows, x)
	}
	switch len(unnumbered) {
	case 0:
	case 1:
		rd.note(unnumbered[0].n, colName(names, where, fNumber, "number"), "no number; numbered %s", unnumbered[0].in.Number)
	default:
		first, last := unnumbered[0], unnumbered[len(unnumbered)-1]
		rd.note(0, colName(names, where, fNumber, "number"), "%d rows have no number (rows %d to %d); numbered %s to %s by their order",
			len(unnumbered), first.n, last.n, first.in.Number, last.in.Number)
	}
	rd.resolveTimes(rows, names, where, &sc)
	// Conditions on injects that are not there.
	for _, x := range rows {
		if c := x.in.Condition; c != nil {
			if _, ok := numbers[c.After]; !ok || c.After == x.in.Number {
				rd.fail(x.n, colName(names, where, fCondAfter, "condition after"), "inject %q is not in the MSEL (or is this one); the condition is dropped", c.After)
				x.in.Condition = nil
			}
		}
	}
	for _, x := range rows {
		sc.Injects = append(sc.Injects, x.in)
	}
	if len(sc.Injects) == 0 && len(rd.fatal) == 0 {
		rd.fatal = append(rd.fatal, Problem{Sheet: sh.name, Text: "no injects under the header"})
	}
	var codes func(string) bool
	if rd.strict {
		codes = opt.Codes
	}
	if len(rd.fatal) == 0 {
		for _, err := range sc.Validate(codes) {
			rd.fatal = append(rd.fatal, Problem{Sheet: sh.name, Text: err.Error()})
		}
	}
	if len(rd.fatal) > 0 {
		return store.Scenario{}, rd.probs, &Error{Name: name, Problems: rd.fatal}
	}
	return sc, rd.probs, nil
}

func colName(names []string, where map[field]int, f field, def string) string {
	if i, ok := where[f]; ok && names[i] != "" {
		return names[i]
	}
	return def
}

func freeNumber(numbers map[string]*row, n string) string {
	if _, taken := numbers[n]; !taken {
		return n
	}
	base := n
	if i := strings.LastIndex(n, " ("); i > 0 {
		base = n[:i]
	}
	for k := 2; ; k++ {
		c := fmt.Sprintf("%s (%d)", base, k)
		if _, taken := numbers[c]; !taken {
			return c
		}
	}
}

// scenario reads the scenario rows above the table.
func (rd *reader) scenario(pre [][]string, header int) store.Scenario {
	var sc store.Scenario
	for i, r := range pre {
		n := i + 1 - (len(pre) - header) // the row in the sheet; <= 0 on the Scenario sheet
		if n < 1 {
			n = 0
		}
		if len(r) == 0 || !isScenarioRow(r) {
			var text []string
			for _, c := range r {
				if strings.TrimSpace(c) != "" {
					text = append(text, strings.TrimSpace(c))
				}
			}
			if len(text) > 0 {
				rd.note(n, "", "above the header, left out: %q", strings.Join(text, " | "))
			}
			continue
		}
		v := func(k int) string {
			if k < len(r) {
				return r[k]
			}
			return ""
		}
		key := normHeader(r[0])
		switch key {
		case "scenario code":
			sc.Code = strings.TrimSpace(v(1))
		case "scenario name":
			sc.Name = v(1)
		case "scenario name zh":
			sc.NameZh = v(1)
		case "scenario name en":
			sc.NameEn = v(1)
		case "scenario description":
			sc.Description.Text = v(1)
		case "scenario description zh":
			sc.Description.TextZh = v(1)
		case "scenario description en":
			sc.Description.TextEn = v(1)
		case "scenario exercises":
			sc.Exercises = v(1)
		case "scenario norm":
			sc.Norm = strings.TrimSpace(v(1))
			if sc.Norm != "" && !slices.Contains(store.Norms, sc.Norm) {
				rd.fail(n, r[0], "%q is not one of %s", sc.Norm, strings.Join(store.Norms, ", "))
				sc.Norm = ""
			}
		case "scenario created", "scenario updated":
			var t time.Time
			if s := strings.TrimSpace(v(1)); s != "" {
				var err error
				if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
					rd.fail(n, r[0], "%q is not a time (RFC 3339)", s)
				}
			}
			if key == "scenario created" {
				sc.Created = t
			} else {
				sc.Updated = t
			}
		case "scenario objective":
			sc.Objectives = append(sc.Objectives, store.Objective{Code: strings.TrimSpace(v(1)), Capability: v(2),
				Text: store.Texts{Text: v(3), TextZh: v(4), TextEn: v(5)}})
		default:
			rd.note(n, r[0], "unknown scenario row, left out")
		}
	}
	return sc
}

// readInject reads the cells of one row into x.
func (rd *reader) readInject(x *row, get func(field) string, names []string, where map[field]int, colOf []field, cells []string, dashes bool) {
	n := x.n
	col := func(f field, def string) string { return colName(names, where, f, def) }
	in := &x.in
	in.Number = get(fNumber)
	in.Type = get(fType)
	in.Title = store.Texts{Text: get(fTitle), TextZh: get(fTitleZh), TextEn: get(fTitleEn)}
	in.Message = store.Texts{Text: get(fMessage), TextZh: get(fMessageZh), TextEn: get(fMessageEn)}
	in.From, in.To, in.Method, in.Controller, in.Source = get(fFrom), get(fTo), get(fMethod), get(fController), get(fSource)
	in.ExpectedAction = store.Texts{Text: get(fExpected), TextZh: get(fExpectedZh), TextEn: get(fExpectedEn)}
	in.Objective = get(fObjective)
	if rd.strict {
		// Text as written: our own files keep their spaces.
		raw := func(f field) string {
			if i, ok := where[f]; ok && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		in.Title = store.Texts{Text: raw(fTitle), TextZh: raw(fTitleZh), TextEn: raw(fTitleEn)}
		in.Message = store.Texts{Text: raw(fMessage), TextZh: raw(fMessageZh), TextEn: raw(fMessageEn)}
		in.ExpectedAction = store.Texts{Text: raw(fExpected), TextZh: raw(fExpectedZh), TextEn: raw(fExpectedEn)}
		in.From, in.To, in.Method, in.Controller, in.Source = raw(fFrom), raw(fTo), raw(fMethod), raw(fController), raw(fSource)
		in.Type, in.Objective, in.Location = raw(fType), raw(fObjective), raw(fLocation)
	}

	// Notes: every notes column, then the columns no field takes.
	var notes []string
	for i, f := range colOf {
		if i >= len(cells) || blank(cells[i], dashes) {
			continue
		}
		v := cells[i]
		if !rd.strict {
			v = strings.TrimSpace(v)
		}
		switch {
		case f == fNotes:
			notes = append(notes, v)
		case f == fNone:
			h := names[i]
			if h == "" {
				h = fmt.Sprintf("column %d", i+1)
			}
			notes = append(notes, h+": "+v)
		}
	}
	for i := len(colOf); i < len(cells); i++ {
		if !blank(cells[i], dashes) {
			notes = append(notes, fmt.Sprintf("column %d: %s", i+1, strings.TrimSpace(cells[i])))
		}
	}
	in.Notes = strings.Join(notes, "\n")

	// Time and day.
	if x.rawTime != "" {
		w, ok, err := parseWhen(x.rawTime)
		if err != nil {
			rd.fail(n, col(fTime, "time"), "%v; kept without a time", err)
		} else {
			x.when, x.hasTime = w, ok
		}
	}
	if d := get(fDay); d != "" {
		if k, ok := parseDay(d); ok && k >= 1 {
			x.day = k
			if !x.hasTime {
				in.Notes = strings.TrimPrefix(in.Notes+"\nDay: "+d, "\n")
			}
		} else {
			rd.fail(n, col(fDay, "day"), "%q is not a day number; kept in the notes", d)
			in.Notes = strings.TrimPrefix(in.Notes+"\nDay: "+d, "\n")
		}
	}

	// Kind.
	kindCell := get(fKind)
	marker := ""
	for _, t := range []string{in.Title.Text, in.Message.Text} {
		switch u := strings.ToUpper(strings.Join(strings.Fields(t), "")); u {
		case "STARTEX", "ENDEX":
			marker = u
		}
	}
	switch {
	case rd.strict:
		in.Kind = kindCell
		if in.Kind != "" && !slices.Contains(store.InjectKinds, in.Kind) {
			rd.fail(n, col(fKind, "kind"), "%q is not one of %s", in.Kind, strings.Join(store.InjectKinds, ", "))
		}
	case kindCell != "":
		k, ok := kindOf(kindCell)
		if !ok {
			rd.note(n, col(fKind, "kind"), "%q is not a kind of inject (primary, contingent, contextual); read as primary", kindCell)
		}
		in.Kind = k
	case marker != "":
		in.Kind = store.InjectContextual
		rd.note(n, "", "%s marker: kept as a contextual inject", marker)
	default:
		in.Kind = store.InjectPrimary
		typ, notes := strings.ToLower(in.Type), strings.ToLower(get(fNotes))
		switch {
		case strings.Contains(typ, "contingen") || strings.Contains(notes, "contingen"):
			in.Kind = store.InjectContingent
		case strings.Contains(typ, "contextual"):
			in.Kind = store.InjectContextual
		}
	}

	// Severity and format.
	if s := get(fSeverity); s != "" {
		if !rd.strict {
			s = strings.ToLower(s)
		}
		if slices.Contains(store.InjectSeverities, s) {
			in.Severity = s
		} else {
			rd.fail(n, col(fSeverity, "severity"), "%q is not one of %s; left out", s, strings.Join(store.InjectSeverities, ", "))
		}
	}
	if s := get(fFormat); s != "" {
		if !rd.strict {
			s = strings.ToLower(s)
		}
		if slices.Contains(store.InjectFormats, s) {
			in.Format = s
		} else {
			rd.fail(n, col(fFormat, "format"), "%q is not one of %s; left out", s, strings.Join(store.InjectFormats, ", "))
		}
	}

	// Place.
	code, place := get(fLocationCode), get(fLocation)
	if !rd.strict {
		in.Location = place
	}
	switch {
	case code != "":
		if rd.opt.Codes != nil && !rd.opt.Codes(code) {
			rd.fail(n, col(fLocationCode, "location code"), "location code %q is not a feature of this community; kept without a place", code)
			if in.Location == "" {
				in.Location = code
			} else {
				in.Location = code + " " + in.Location
			}
		} else {
			in.LocationCode = code
		}
	case place != "" && !rd.strict && rd.opt.Codes != nil:
		if rd.opt.Codes(place) {
			in.LocationCode, in.Location = place, ""
		} else {
			rd.note(n, col(fLocation, "location"), "location %q is not a feature of this community; kept without a place", place)
		}
	}
	if g := get(fGeometry); g != "" {
		geom, err := parseGeometry(g)
		if err != nil {
			rd.fail(n, col(fGeometry, "geometry"), "%v; left out", err)
		} else {
			in.Geometry = geom
		}
	}

	// Deadlines.
	for _, d := range []struct {
		f   field
		def string
		to  *time.Duration
	}{
		{fExpectAck, "expect ack", &in.Expect.AckWithin},
		{fExpectAssign, "expect assign", &in.Expect.AssignWithin},
		{fExpectOnScene, "expect on scene", &in.Expect.OnSceneWithin},
		{fExpectResolve, "expect resolve", &in.Expect.ResolveWithin},
	} {
		v, err := parseDuration(get(d.f))
		if err == nil && v > maxOffset {
			err = fmt.Errorf("%s is more than %d days", get(d.f), maxOffset/(24*time.Hour))
		}
		if err != nil {
			rd.fail(n, col(d.f, d.def), "%v; left out", err)
			continue
		}
		*d.to = v
	}
	if s := get(fOnSceneRadius); s != "" {
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "m"), 64)
		if err != nil || v < 0 || v != v || v > 1e7 {
			rd.fail(n, col(fOnSceneRadius, "on scene radius"), "%q is not a distance in metres; left out", s)
		} else {
			in.Expect.OnSceneRadius = v
		}
	}

	// Condition.
	after, missing, within := get(fCondAfter), get(fCondMissing), get(fCondWithin)
	if after == "" {
		if missing != "" || within != "" {
			rd.fail(n, col(fCondAfter, "condition after"), "a condition needs the inject it waits for; the condition is dropped")
		}
		return
	}
	step := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(missing))
	if step == "onscene" {
		step = store.StepOnScene
	}
	if !slices.Contains(store.Steps, step) {
		rd.fail(n, col(fCondMissing, "condition missing"), "%q is not one of %s; the condition is dropped", missing, strings.Join(store.Steps, ", "))
		return
	}
	w, err := parseDuration(within)
	if err == nil && w > maxOffset {
		err = fmt.Errorf("%s is more than %d days", within, maxOffset/(24*time.Hour))
	}
	if err != nil {
		rd.fail(n, col(fCondWithin, "condition within"), "%v; the condition is dropped", err)
		return
	}
	in.Condition = &store.Condition{After: after, Missing: step, Within: w}
}

// kindOf reads a kind cell of another tool's MSEL.
func kindOf(s string) (string, bool) {
	l := strings.ToLower(strings.Join(strings.Fields(s), " "))
	switch {
	case strings.Contains(l, "contingen"), strings.Contains(l, "条件"), strings.Contains(l, "备用"):
		return store.InjectContingent, true
	case strings.Contains(l, "contextual"), strings.Contains(l, "背景"):
		return store.InjectContextual, true
	case l == "primary" || l == "primary inject" || l == "main" || l == "主要" || l == "主":
		return store.InjectPrimary, true
	}
	return store.InjectPrimary, false
}

// parseGeometry reads a GeoJSON geometry or "lon,lat".
func parseGeometry(s string) (orb.Geometry, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		g, err := geojson.UnmarshalGeometry([]byte(s))
		if err != nil || g.Coordinates == nil && g.Geometries == nil {
			return nil, fmt.Errorf("%.40q is not a GeoJSON geometry", s)
		}
		return g.Geometry(), nil
	}
	a, b, ok := strings.Cut(s, ",")
	if ok {
		x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 == nil && err2 == nil && x >= -180 && x <= 180 && y >= -90 && y <= 90 {
			return orb.Point{x, y}, nil
		}
	}
	return nil, fmt.Errorf("%.40q is neither a GeoJSON geometry nor lon,lat", s)
}

// maxOffset is the latest scenario time, and the longest deadline, read.
const maxOffset = 100 * 24 * time.Hour

// resolveTimes turns the times read into offsets: clock times count from
// the earliest clock time of the sheet.
func (rd *reader) resolveTimes(rows []*row, names []string, where map[field]int, sc *store.Scenario) {
	col := colName(names, where, fTime, colName(names, where, fDay, "time"))
	var base time.Duration
	clocks, offsets := 0, 0
	var firstOffset *row
	for _, x := range rows {
		if !x.hasTime {
			continue
		}
		if x.day > 1 {
			x.when.d += time.Duration(x.day-1) * 24 * time.Hour
		}
		if x.when.clock {
			if clocks == 0 || x.when.d < base {
				base = x.when.d
			}
			clocks++
		} else {
			if firstOffset == nil {
				firstOffset = x
			}
			offsets++
		}
	}
	if clocks > 0 && offsets > 0 {
		rd.fail(firstOffset.n, col, "the sheet mixes clock times and scenario times (t+mm:ss); both are read as offsets from the start")
	}
	if clocks > 0 {
		msg := fmt.Sprintf("times are clock times; the scenario starts at the earliest, %s, and each inject's time counts from it", fmtClock(base))
		rd.note(0, col, "%s", msg)
		if sc.Description.Text == "" {
			sc.Description.Text = "Imported from " + rd.name + ". " + strings.ToUpper(msg[:1]) + msg[1:] + "."
		}
	}
	var last *row
	for _, x := range rows {
		if !x.hasTime {
			continue
		}
		off := x.when.d
		if x.when.clock {
			off -= base
		}
		if off > maxOffset {
			rd.fail(x.n, col, "%s is more than %d days after the start; kept without a time", fmtOffset(off), maxOffset/(24*time.Hour))
			continue
		}
		x.in.Timed, x.in.Offset = true, off
		if last != nil && x.in.Offset < last.in.Offset {
			rd.note(x.n, col, "%s is before the time of row %d (%s); kept as written", fmtOffset(x.in.Offset), last.n, fmtOffset(last.in.Offset))
		}
		last = x
	}
	if clocks == 0 && offsets == 0 && len(rows) > 0 && (hasColumn(where, fTime) || hasColumn(where, fDay)) {
		rd.note(0, col, "no inject has a time: the order is the only schedule")
	}
}

func hasColumn(where map[field]int, f field) bool { _, ok := where[f]; return ok }

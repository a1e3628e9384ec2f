package register

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// MSELFormat is the file format of an MSEL.
type MSELFormat string

// MSEL file formats.
const (
	FormatCSV  MSELFormat = "csv"
	FormatXLSX MSELFormat = "xlsx"
	// FormatJSON is an array of objects, one per inject, whose keys are
	// the columns (as T3SF writes its MSEL). Read only.
	FormatJSON MSELFormat = "json"
)

// Limits on what is read, so that a hostile file cannot exhaust memory.
const (
	maxFileBytes = 64 << 20
	maxRows      = 100000
)

// DetectFormat tells an MSEL's format from its first bytes, then from its
// name: a ZIP container is XLSX, a JSON array ("[" first) is JSON,
// anything else is read as CSV. An Excel
// 97-2003 file (.xls, an OLE container) is an error saying how to convert
// it.
func DetectFormat(head []byte, name string) (MSELFormat, error) {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return FormatXLSX, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", fmt.Errorf("%s is an Excel 97-2003 workbook (.xls) or an encrypted one; save it as .xlsx or CSV and import that", name)
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n"); len(t) > 0 && t[0] == '[' {
		return FormatJSON, nil
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		if len(head) > 0 {
			return "", fmt.Errorf("%s is named like an Excel workbook but is not one (no ZIP header)", name)
		}
		return FormatXLSX, nil
	}
	return FormatCSV, nil
}

// sheet is one table of cells: a CSV file, or one worksheet.
type sheet struct {
	name   string
	hidden bool
	rows   [][]string // the cells as shown
	raw    [][]string // the cells' stored values (numbers unformatted); nil for CSV
}

func (sh *sheet) rawCell(r, c int) string {
	rows := sh.rows
	if sh.raw != nil {
		rows = sh.raw
	}
	if r < len(rows) && c < len(rows[r]) {
		return rows[r][c]
	}
	return cell(sh.rows, r, c)
}

func cell(rows [][]string, r, c int) string {
	if r < len(rows) && c < len(rows[r]) {
		return rows[r][c]
	}
	return ""
}

// readAll reads at most maxFileBytes of r.
func readAll(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > maxFileBytes {
		return nil, fmt.Errorf("%s is over %d MB, more than a register holds", name, maxFileBytes>>20)
	}
	return b, nil
}

// readCSV reads a CSV file: UTF-8 (a byte-order mark is dropped) or, when
// not valid UTF-8, GB18030 (as Excel in Chinese saves CSV); the
// delimiter is a comma, semicolon or tab, whichever the first line has
// most of.
func readCSV(b []byte, name string) (*sheet, []Problem, error) {
	var probs []Problem
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil || !utf8.Valid(d) {
			return nil, nil, fmt.Errorf("%s is neither UTF-8 nor GB18030 text; save it as CSV UTF-8", name)
		}
		b = d
		probs = append(probs, Problem{Text: "read as GB18030 (not UTF-8)"})
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	comma, most := ',', bytes.Count(first, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte(string(d))); n > most {
			comma, most = d, n
		}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	sh := &sheet{name: name}
	var prev int64
	for {
		// encoding/csv skips empty lines, which a spreadsheet shows as
		// rows: they are kept as empty rows, so that row numbers are the
		// spreadsheet's.
		for i := prev; i < int64(len(b)); {
			if b[i] == '\n' {
				sh.rows = append(sh.rows, nil)
				i++
			} else if b[i] == '\r' && i+1 < int64(len(b)) && b[i+1] == '\n' {
				sh.rows = append(sh.rows, nil)
				i += 2
			} else {
				break
			}
		}
		rec, err := cr.Read()
		prev = cr.InputOffset()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, fmt.Errorf("%s: row %d: %v", name, len(sh.rows)+1, pe.Err)
			}
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(sh.rows) >= maxRows {
			return nil, nil, fmt.Errorf("%s has over %d rows, more than a register holds", name, maxRows)
		}
		for i, f := range rec {
			// A line break in a cell is "\n"; a carriage return on its
			// own (which CSV writers drop) is one too.
			rec[i] = strings.ReplaceAll(f, "\r", "\n")
		}
		sh.rows = append(sh.rows, rec)
	}
	return sh, probs, nil
}

// openXLSX opens a workbook with limits on its unpacked size.
func openXLSX(b []byte, name string) (*excelize.File, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: 512 << 20, UnzipXMLSizeLimit: 128 << 20})
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Excel workbook: %w", name, err)
	}
	return f, nil
}

// readSheet reads one worksheet of f.
func readSheet(f *excelize.File, name string) (*sheet, error) {
	vis, err := f.GetSheetVisible(name)
	if err != nil {
		return nil, err
	}
	rows, err := f.GetRows(name)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", name, err)
	}
	raw, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", name, err)
	}
	if len(rows) > maxRows {
		return nil, fmt.Errorf("sheet %q has over %d rows, more than a register holds", name, maxRows)
	}
	return &sheet{name: name, hidden: !vis, rows: rows, raw: raw}, nil
}

// readJSON reads a JSON array of objects as a table: the keys, in the
// order they first appear, are the header; each object is a row.
// Strings are kept, numbers as written, true and false as words, null
// and nested values as empty or as their JSON text.
func readJSON(b []byte, name string) (*sheet, error) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))))
	dec.UseNumber()
	bad := func(err error) error { return fmt.Errorf("%s: not a JSON array of objects: %v", name, err) }
	if t, err := dec.Token(); err != nil {
		return nil, bad(err)
	} else if d, ok := t.(json.Delim); !ok || d != '[' {
		return nil, bad(fmt.Errorf("starts with %v", t))
	}
	index := map[string]int{}
	var header []string
	var objs [][]string
	for dec.More() {
		if len(objs) >= maxRows {
			return nil, fmt.Errorf("%s has over %d objects; an MSEL is much smaller", name, maxRows)
		}
		if t, err := dec.Token(); err != nil {
			return nil, bad(err)
		} else if d, ok := t.(json.Delim); !ok || d != '{' {
			return nil, bad(fmt.Errorf("element %d is not an object", len(objs)+1))
		}
		var row []string
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return nil, bad(err)
			}
			key, _ := t.(string)
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, bad(err)
			}
			i, ok := index[key]
			if !ok {
				i = len(header)
				index[key] = i
				header = append(header, key)
			}
			for len(row) <= i {
				row = append(row, "")
			}
			row[i] = jsonText(raw)
		}
		if _, err := dec.Token(); err != nil {
			return nil, bad(err)
		}
		objs = append(objs, row)
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad(err)
	}
	return &sheet{rows: append([][]string{header}, objs...)}, nil
}

func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	t := strings.TrimSpace(string(raw))
	if t == "null" {
		return ""
	}
	return t
}

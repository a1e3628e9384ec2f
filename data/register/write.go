package register

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/xuri/excelize/v2"

	"safetynet/data/store"
)

// maxCell is the most characters an Excel cell holds.
const maxCell = 32767

// scenarioRows are the scenario's own fields as key, value rows.
func scenarioRows(sc store.Scenario) [][]string {
	rows := [][]string{
		{"scenario code", sc.Code},
		{"scenario name", sc.Name},
		{"scenario name zh", sc.NameZh},
		{"scenario name en", sc.NameEn},
		{"scenario description", sc.Description.Text},
		{"scenario description zh", sc.Description.TextZh},
		{"scenario description en", sc.Description.TextEn},
		{"scenario exercises", sc.Exercises},
		{"scenario norm", sc.Norm},
		{"scenario created", fmtTime(sc.Created)},
		{"scenario updated", fmtTime(sc.Updated)},
	}
	for _, o := range sc.Objectives {
		rows = append(rows, []string{"scenario objective", o.Code, o.Capability, o.Text.Text, o.Text.TextZh, o.Text.TextEn})
	}
	return rows
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// injectRows are the header and one row per inject.
func injectRows(sc store.Scenario) ([][]string, error) {
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = c.name
	}
	rows := [][]string{header}
	for _, in := range sc.Injects {
		v := map[field]string{
			fNumber: in.Number, fKind: in.Kind, fType: in.Type, fSeverity: in.Severity, fFormat: in.Format,
			fTitle: in.Title.Text, fTitleZh: in.Title.TextZh, fTitleEn: in.Title.TextEn,
			fMessage: in.Message.Text, fMessageZh: in.Message.TextZh, fMessageEn: in.Message.TextEn,
			fFrom: in.From, fTo: in.To, fMethod: in.Method, fController: in.Controller, fSource: in.Source,
			fLocationCode: in.LocationCode, fLocation: in.Location,
			fExpected: in.ExpectedAction.Text, fExpectedZh: in.ExpectedAction.TextZh, fExpectedEn: in.ExpectedAction.TextEn,
			fExpectAck: fmtDuration(in.Expect.AckWithin), fExpectAssign: fmtDuration(in.Expect.AssignWithin),
			fExpectOnScene: fmtDuration(in.Expect.OnSceneWithin), fExpectResolve: fmtDuration(in.Expect.ResolveWithin),
			fObjective: in.Objective, fNotes: in.Notes,
		}
		if in.Timed {
			if in.Offset < 0 {
				return nil, fmt.Errorf("inject %s: time %v is before the start", in.Number, in.Offset)
			}
			v[fTime] = fmtOffset(in.Offset)
		}
		if in.Expect.OnSceneRadius != 0 {
			v[fOnSceneRadius] = strconv.FormatFloat(in.Expect.OnSceneRadius, 'g', -1, 64)
		}
		if in.Geometry != nil {
			b, err := geojson.NewGeometry(in.Geometry).MarshalJSON()
			if err != nil {
				return nil, fmt.Errorf("inject %s: geometry: %w", in.Number, err)
			}
			v[fGeometry] = string(b)
		}
		if c := in.Condition; c != nil {
			v[fCondAfter], v[fCondMissing], v[fCondWithin] = c.After, c.Missing, fmtDuration(c.Within)
			if c.Within == 0 {
				v[fCondWithin] = "0s"
			}
		}
		r := make([]string, len(columns))
		for i, c := range columns {
			r[i] = v[c.f]
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// WriteMSELCSV writes sc as a CSV file (UTF-8 with a byte-order mark, so
// that Excel shows Chinese text): its scenario rows, an empty row, then
// the MSEL with a header. ReadMSEL reads it back whole.
func WriteMSELCSV(w io.Writer, sc store.Scenario) error {
	rows, err := injectRows(sc)
	if err != nil {
		return fmt.Errorf("MSEL %s: %w", sc.Code, err)
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	all := append(scenarioRows(sc), []string{})
	all = append(all, rows...)
	if err := cw.WriteAll(all); err != nil {
		return fmt.Errorf("MSEL %s: %w", sc.Code, err)
	}
	return nil
}

// WriteMSELXLSX writes sc as an Excel workbook: the MSEL on sheet "MSEL"
// (header frozen, every cell text) and the scenario rows on sheet
// "Scenario". ReadMSEL reads it back whole. A text over Excel's 32,767
// characters a cell is an error.
func WriteMSELXLSX(w io.Writer, sc store.Scenario) error {
	rows, err := injectRows(sc)
	if err != nil {
		return fmt.Errorf("MSEL %s: %w", sc.Code, err)
	}
	f := excelize.NewFile()
	defer f.Close()
	const main = "MSEL"
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return err
	}
	if _, err := f.NewSheet(scenarioSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	put := func(sheet string, rows [][]string) error {
		for r, row := range rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				if len([]rune(v)) > maxCell {
					return fmt.Errorf("MSEL %s: sheet %s row %d: a text of %d characters is over Excel's %d a cell", sc.Code, sheet, r+1, len([]rune(v)), maxCell)
				}
				ref, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil {
					return err
				}
				if err := f.SetCellStr(sheet, ref, v); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := put(main, rows); err != nil {
		return err
	}
	if err := put(scenarioSheet, scenarioRows(sc)); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(columns), 1)
	if err := f.SetCellStyle(main, "A1", last, bold); err != nil {
		return err
	}
	if err := f.SetPanes(main, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, c := range columns {
		width := 14.0
		switch c.f {
		case fTitle, fMessage, fExpected, fNotes:
			width = 40
		case fNumber:
			width = 8
		}
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(main, name, name, width); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(scenarioSheet, "A", "A", 24); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

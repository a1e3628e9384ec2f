package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"safetynet/geo/placement"
)

// CatalogueColumns are the columns ReadCatalogue knows, in any order:
// name, sensor_width_mm, focal_length_mm and resolution_h are needed.
var CatalogueColumns = []string{"name", "sensor_width_mm", "focal_length_mm", "resolution_h", "resolution_v", "range_m", "price"}

// ReadCatalogue reads camera models for placement from CSV with a header
// row of CatalogueColumns, such as
//
//	name,sensor_width_mm,focal_length_mm,resolution_h,resolution_v,range_m,price
//	4MP 6 mm bullet,5.6,6,2560,1440,50,1200
//
// Empty cells are 0 (no range limit, no price). Errors name the line.
func ReadCatalogue(r io.Reader) ([]placement.Model, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("report: catalogue: the file is empty: give a header row and one model a line")
		}
		return nil, fmt.Errorf("report: catalogue: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range CatalogueColumns[:4] {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("report: catalogue: no %q column: the header must name %s", need, strings.Join(CatalogueColumns, ","))
		}
	}
	var out []placement.Model
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("report: catalogue: %w", err)
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		num := func(name string) (float64, error) {
			s := get(name)
			if s == "" {
				return 0, nil
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("report: catalogue: line %d: %s %q is not a number of 0 or more", line, name, s)
			}
			return v, nil
		}
		m := placement.Model{Name: get("name")}
		var vals [6]float64
		for i, name := range CatalogueColumns[1:] {
			if vals[i], err = num(name); err != nil {
				return nil, err
			}
		}
		m.SensorWidth, m.FocalLength = vals[0], vals[1]
		m.ResolutionH, m.ResolutionV = int(vals[2]), int(vals[3])
		m.Range, m.Price = vals[4], vals[5]
		if m.Name == "" || m.HFOV() == 0 || m.ResolutionH <= 0 {
			return nil, fmt.Errorf("report: catalogue: line %d: a model needs a name, sensor_width_mm, focal_length_mm and resolution_h", line)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, errors.New("report: catalogue: no models: give one model a line under the header")
	}
	return out, nil
}

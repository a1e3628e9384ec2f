package register

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"safetynet/data/store"
)

// BenchmarkImportXLSX10k reads a 10,000-row camera register (Chinese
// headers, coordinates as numbers in odd rows and as text in even ones)
// and stores it in a new GeoPackage in one transaction: the whole import
// a planner waits for.
func BenchmarkImportXLSX10k(b *testing.B) {
	const n = 10000
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"编号", "名称", "经度", "纬度", "朝向", "安装高度", "型号", "品牌", "状态"})
	for i := range n {
		lon, lat := 121.40+float64(i%100)*0.001, 31.20+float64(i/100)*0.001
		var x, y any = lon, lat
		if i%2 == 1 {
			x, y = fmt.Sprintf("%.6f", lon), fmt.Sprintf("%.6f", lat)
		}
		row := []any{fmt.Sprintf("SXT-%05d", i), fmt.Sprintf("%d号楼东侧", i/4), x, y, float64(i % 360), 3.5, "DS-2CD2T47", "海康威视", "online"}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	ctx := context.Background()
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p, err := Read(bytes.NewReader(data), "cameras.xlsx", Options{Layer: store.Cameras})
			if err != nil || !p.OK() || len(p.Rows) != n {
				b.Fatalf("%v", err)
			}
		}
	})
	b.Run("read+store", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s, err := store.Open(filepath.Join(b.TempDir(), fmt.Sprintf("c%d.gpkg", i)))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			p, err := Read(bytes.NewReader(data), "cameras.xlsx", Options{Layer: store.Cameras})
			if err != nil || !p.OK() || len(p.Rows) != n {
				b.Fatalf("%v %v", err, p.Problems[:min(3, len(p.Problems))])
			}
			if k, err := Commit(ctx, s, p); err != nil || k != n {
				b.Fatalf("%d %v", k, err)
			}
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
	})
}

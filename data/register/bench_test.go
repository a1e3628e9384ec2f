package register_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"safetynet/data/register"
	"safetynet/data/store"
	"safetynet/data/testenv"
)

// BenchmarkReadCoorsField reads the 8-sheet Coors Field workbook (79
// injects on the sheet read; every sheet is looked at for a header).
func BenchmarkReadCoorsField(b *testing.B) {
	data, err := os.ReadFile(testenv.SharedData(b, "drills/msel-coors-field-fse.xlsx"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for range b.N {
		if _, _, err := register.ReadMSEL(bytes.NewReader(data), "coors.xlsx"); err != nil {
			b.Fatal(err)
		}
	}
}

// bigScenario has n injects with every field set.
func bigScenario(n int) store.Scenario {
	sc := fullScenario()
	base := sc.Injects[0]
	sc.Injects = nil
	for i := range n {
		in := base
		in.Number = fmt.Sprint(i + 1)
		in.Offset = time.Duration(i) * 10 * time.Second
		sc.Injects = append(sc.Injects, in)
	}
	return sc
}

// BenchmarkCSVRoundTrip writes and reads back a 1000-inject MSEL as CSV.
func BenchmarkCSVRoundTrip(b *testing.B) {
	sc := bigScenario(1000)
	for range b.N {
		var buf bytes.Buffer
		if err := register.WriteMSELCSV(&buf, sc); err != nil {
			b.Fatal(err)
		}
		if _, _, err := register.ReadMSEL(&buf, "big.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkXLSXRoundTrip writes and reads back a 1000-inject MSEL as XLSX.
func BenchmarkXLSXRoundTrip(b *testing.B) {
	sc := bigScenario(1000)
	for range b.N {
		var buf bytes.Buffer
		if err := register.WriteMSELXLSX(&buf, sc); err != nil {
			b.Fatal(err)
		}
		if _, _, err := register.ReadMSEL(&buf, "big.xlsx"); err != nil {
			b.Fatal(err)
		}
	}
}

package cap_test

import (
	"os"
	"path/filepath"
	"testing"

	"safetynet/feeds/cap"
)

// FuzzDecode: any input either fails with an error or gives a valid event
// that Encode can write and Decode read back.
func FuzzDecode(f *testing.F) {
	f.Add(alert("A1", "Actual", "Alert", "", "<circle>31.2,121.6 0.5</circle>"))
	f.Add(alert("A2", "Exercise", "Update", "<references>s,A1,2026-05-01T10:15:00+08:00</references>", "<polygon>31.2,121.6 31.2,121.61 31.21,121.61 31.2,121.6</polygon>"))
	f.Add([]byte(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"><identifier>x</identifier></alert>`))
	if files, err := filepath.Glob("../../../shared/data/cap/*/*.*"); err == nil {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	enc := cap.Encoder{Sender: "fuzz"}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := cap.Decode(data)
		if err != nil {
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("decoded event does not validate: %v", err)
		}
		out, err := enc.Encode(e)
		if err != nil {
			t.Fatalf("encode a decoded alert: %v", err)
		}
		back, err := cap.Decode(out)
		if err != nil {
			t.Fatalf("decode what we wrote: %v\n%s", err, out)
		}
		if back.Op != e.Op || back.Status != e.Status || back.Severity != e.Severity {
			t.Fatalf("round trip changed op/status/severity: %+v vs %+v", e, back)
		}
	})
}

package fontfile

import (
	"bytes"
	"os"
	"testing"

	"safetynet/data/testenv"
)

func TestFacesDamaged(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"short", []byte("ttcf\x00\x01")},
		{"no faces", []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x00")},
		{"face count overflows 32 bits", []byte("ttcf\x00\x01\x00\x00\x40\x00\x00\x01")},
		{"more faces than bytes", []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x09\x00\x00\x00\x10")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Faces(tc.data); err == nil {
				t.Error("accepted a damaged collection header")
			}
		})
	}
	if f, err := Faces([]byte("\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")); err != nil || len(f) != 1 || f[0] != 0 {
		t.Errorf("single font: %v, %v", f, err)
	}
}

// TestExtractFromInstalledCollection rebuilds every face of an installed
// collection and checks the copy has the same tables, byte for byte.
func TestExtractFromInstalledCollection(t *testing.T) {
	data, err := os.ReadFile(testenv.Font(t, "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))
	if err != nil {
		t.Fatal(err)
	}
	faces, err := Faces(data)
	if err != nil || len(faces) < 2 {
		t.Fatalf("faces = %v, %v", faces, err)
	}
	for _, off := range faces {
		font, err := Extract(data, off)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := Tables(data, off)
		got, err := Tables(font, 0)
		if err != nil || len(got) != len(want) {
			t.Fatalf("extracted face has %d tables (%v), want %d", len(got), err, len(want))
		}
		for i := range got {
			a := data[want[i].Offset : want[i].Offset+want[i].Length]
			b := font[got[i].Offset : got[i].Offset+got[i].Length]
			if got[i].Tag != want[i].Tag || !bytes.Equal(a, b) {
				t.Fatalf("table %s differs", got[i].Tag)
			}
		}
	}
}

// FuzzExtract reads damaged font files: errors, never panics.
func FuzzExtract(f *testing.F) {
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00glyf\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04"))
	f.Add([]byte("\x00\x01\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		faces, err := Faces(data)
		if err != nil {
			return
		}
		for _, off := range faces {
			if font, err := Extract(data, off); err == nil {
				if _, err := Tables(font, 0); err != nil {
					t.Fatalf("an extracted face does not read back: %v", err)
				}
			}
		}
	})
}

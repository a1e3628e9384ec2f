package theme

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"safetynet/data/testenv"
)

func TestCJKScore(t *testing.T) {
	tests := []struct {
		name   string
		better string
		worse  string
	}{
		{"sans before serif", "NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc"},
		{"regular before bold", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"},
		{"proportional before mono", "NotoSansCJKsc-Regular.otf", "NotoSansMonoCJKsc-Regular.otf"},
		{"hei before song", "wqy-microhei.ttc", "uming.ttc"},
		{"any CJK before DejaVu", "DroidSansFallbackFull.ttf", "DejaVuSans.ttf"},
		{"fonts before other files", "SourceHanSansSC-Regular.otf", "SourceHanSans-README.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, w := cjkScore(tt.better), cjkScore(tt.worse); b <= w || b == scoreNone {
				t.Errorf("cjkScore(%s) = %d, cjkScore(%s) = %d", tt.better, b, tt.worse, w)
			}
		})
	}
}

// sfnt builds a font holding only a name table with the given family.
func sfnt(family string) []byte {
	u := utf16.Encode([]rune(family))
	str := make([]byte, 2*len(u))
	for i, c := range u {
		binary.BigEndian.PutUint16(str[2*i:], c)
	}
	name := binary.BigEndian.AppendUint16(nil, 0) // format
	name = binary.BigEndian.AppendUint16(name, 1) // count
	name = binary.BigEndian.AppendUint16(name, 6+12)
	for _, v := range []uint16{3, 1, 0x409, 1, uint16(len(str)), 0} {
		name = binary.BigEndian.AppendUint16(name, v)
	}
	name = append(name, str...)
	var b bytes.Buffer
	b.WriteString("OTTO")
	binary.Write(&b, binary.BigEndian, []uint16{1, 16, 0, 0})
	b.WriteString("name")
	binary.Write(&b, binary.BigEndian, []uint32{0xCAFE, 12 + 16, uint32(len(name))})
	b.Write(name)
	for b.Len()%4 != 0 {
		b.WriteByte(0) // tables end on 4-byte boundaries
	}
	return b.Bytes()
}

// collection puts fonts into a TrueType collection; the offsets in their
// table directories are shifted to where each font lands.
func collection(fonts ...[]byte) []byte {
	head := 12 + 4*len(fonts)
	var b bytes.Buffer
	b.WriteString("ttcf")
	binary.Write(&b, binary.BigEndian, []uint32{0x00010000, uint32(len(fonts))})
	off := head
	for _, f := range fonts {
		binary.Write(&b, binary.BigEndian, uint32(off))
		off += len(f)
	}
	off = head
	for _, f := range fonts {
		f = bytes.Clone(f)
		n := int(binary.BigEndian.Uint16(f[4:]))
		for i := 0; i < n; i++ {
			p := f[12+16*i+8:]
			binary.BigEndian.PutUint32(p, binary.BigEndian.Uint32(p)+uint32(off))
		}
		b.Write(f)
		off += len(f)
	}
	return b.Bytes()
}

func TestLoadFontFromCollection(t *testing.T) {
	tests := []struct {
		name     string
		families []string
		want     string
	}{
		{"simplified chinese face", []string{"Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans Mono CJK SC"}, "Noto Sans CJK SC"},
		{"not the mono face", []string{"WenQuanYi Micro Hei Mono", "WenQuanYi Micro Hei"}, "WenQuanYi Micro Hei"},
		{"first when nothing stands out", []string{"Foo", "Bar"}, "Foo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fonts [][]byte
			for _, f := range tt.families {
				fonts = append(fonts, sfnt(f))
			}
			p := filepath.Join(t.TempDir(), "c.ttc")
			if err := os.WriteFile(p, collection(fonts...), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := LoadFont(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := familyNames(r.Content(), 0); len(got) != 1 || got[0] != tt.want {
				t.Errorf("took %q, want %q", got, tt.want)
			}
			if !bytes.Equal(r.Content(), sfnt(tt.want)) {
				t.Error("the extracted font differs from the font put into the collection")
			}
		})
	}
}

func TestLoadFontRefuses(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("this is not a font at all")},
		{"collection pointing past its end", []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\xff\xff")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f.ttf")
			os.WriteFile(p, tt.data, 0o644)
			if _, err := LoadFont(p); err == nil {
				t.Error("LoadFont succeeded")
			}
		})
	}
}

// render draws s in the current theme's text font and returns the image.
func render(t *testing.T, s string) image.Image {
	t.Helper()
	text := canvas.NewText(s, color.Black)
	text.TextSize = 40
	w := test.NewTempWindow(t, text)
	w.Resize(fyne.NewSize(120, 80))
	return w.Canvas().Capture()
}

func ink(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				n++
			}
		}
	}
	return n
}

func same(a, b image.Image) bool {
	return bytes.Equal(a.(*image.NRGBA).Pix, b.(*image.NRGBA).Pix)
}

// TestChineseRenders draws Chinese with the installed CJK font through
// Fyne's own text renderer: the glyphs must have ink and differ from each
// other and from the box drawn for a character no font has.
func TestChineseRenders(t *testing.T) {
	th, err := Load()
	if err != nil {
		testenv.NoFont(t, err)
	}
	a := test.NewTempApp(t)
	latinDefault := render(t, "Ag")
	a.Settings().SetTheme(th)
	if same(latinDefault, render(t, "Ag")) {
		t.Error("text looks the same as with Fyne's font: the theme's font is not used")
	}
	an, quan, missing := render(t, "安"), render(t, "全"), render(t, "\U000F0000")
	if ink(an) < 50 {
		t.Fatalf("安 drew %d dark pixels", ink(an))
	}
	if same(an, quan) {
		t.Error("安 and 全 render the same: both are boxes")
	}
	if same(an, missing) {
		t.Error("安 renders as the box for a missing glyph")
	}
	if th.Font(fyne.TextStyle{}) == th.Font(fyne.TextStyle{Monospace: true}) {
		t.Error("monospaced text uses the CJK font")
	}
}

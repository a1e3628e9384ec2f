package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"safetynet/data/fontfile"
)

// CJKFonts are where the usual packages install TrueType fonts with
// Chinese glyphs, best first. PDF embedding needs TrueType outlines
// (glyf): Noto CJK and Source Han Sans (CFF outlines) cannot be used.
var CJKFonts = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",                     // Debian, Ubuntu: fonts-wqy-microhei
	"/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",           // Arch
	"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",                     // Fedora
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",                       // fonts-wqy-zenhei
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",          // fonts-droid-fallback (no Latin)
	"/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", // Fedora
	"/usr/share/fonts/truetype/arphic/uming.ttc",                         // fonts-arphic-uming
}

// LatinFonts are TrueType fonts for the text a CJK font lacks (Droid Sans
// Fallback has no Latin letters) and for symbols, best first.
var LatinFonts = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",                  // Debian, Ubuntu: fonts-dejavu-core
	"/usr/share/fonts/dejavu/DejaVuSans.ttf",                           // Fedora
	"/usr/share/fonts/TTF/DejaVuSans.ttf",                              // Arch
	"/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", // fonts-liberation2
	"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",  // fonts-liberation
	"/usr/share/fonts/truetype/freefont/FreeSans.ttf",                  // fonts-freefont-ttf
}

// Fonts are the faces a PDF report is set in: for each character the
// first face that has it. A Fonts is read-only once loaded and safe for
// concurrent use.
type Fonts struct {
	faces []*face
	// CJK is true when a face has Chinese characters; without one the
	// report uses English names and labels only.
	CJK bool
	// Paths are the font files used, in order.
	Paths []string
}

// face is one TrueType font: its bytes for the PDF and its parsed form to
// look characters up. A nil font is the PDF's built-in Helvetica
// (Windows-1252 characters only).
type face struct {
	name string // PDF font family
	data []byte
	font *sfnt.Font
}

// has reports whether the face has a glyph for r.
func (f *face) has(r rune, buf *sfnt.Buffer) bool {
	if f.font == nil {
		return r >= 0x20 && r < 0x7f || r >= 0xa0 && r <= 0xff
	}
	i, err := f.font.GlyphIndex(buf, r)
	return err == nil && i != 0
}

// LoadFonts finds the fonts for a PDF report. With path, it uses that
// TrueType file (.ttf, or the first regular face of a .ttc collection)
// first; otherwise the first of CJKFonts that is installed, then
// searches the usual font folders for a TrueType font with Chinese
// characters. A Latin font of LatinFonts follows for what the first face
// lacks. When no font is found the PDF's built-in Helvetica is used. It
// returns an error only for a path that cannot be used; check Fonts.CJK
// to learn whether Chinese can be shown.
func LoadFonts(path string) (*Fonts, error) {
	return loadFonts(path, append(slices.Clone(CJKFonts), searchCJK()...), LatinFonts)
}

// loadFonts is LoadFonts with the candidate files given.
func loadFonts(path string, cjk, latin []string) (*Fonts, error) {
	fs := &Fonts{}
	var sb sfnt.Buffer
	add := func(p string, needCJK bool) error {
		f, err := loadFace(p)
		if err != nil {
			return err
		}
		f.name = fmt.Sprintf("f%d", len(fs.faces))
		cjk := f.has('中', &sb)
		switch {
		case cjk && fs.CJK:
			return nil // one Chinese face is enough
		case !cjk && needCJK:
			return errNoCJK
		case cjk:
			fs.CJK = true
		}
		fs.faces = append(fs.faces, f)
		fs.Paths = append(fs.Paths, p)
		return nil
	}
	if path != "" {
		if err := add(path, false); err != nil {
			return nil, err
		}
	}
	if !fs.CJK {
		for _, p := range cjk {
			if exists(p) && add(p, true) == nil && fs.CJK {
				break
			}
		}
	}
	for _, p := range latin {
		if exists(p) && add(p, false) == nil {
			break
		}
	}
	// Latin text reads best in a face made for it: when the first face
	// has no Latin letters, put the Latin one first.
	if len(fs.faces) > 1 && !fs.faces[0].has('a', &sb) {
		fs.faces[0], fs.faces[len(fs.faces)-1] = fs.faces[len(fs.faces)-1], fs.faces[0]
		fs.Paths[0], fs.Paths[len(fs.Paths)-1] = fs.Paths[len(fs.Paths)-1], fs.Paths[0]
	}
	fs.faces = append(fs.faces, &face{name: "helvetica"})
	return fs, nil
}

func exists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// searchCJK returns TrueType files under the font folders whose names
// suggest Chinese glyphs, sorted.
func searchCJK() []string {
	dirs := []string{"/usr/share/fonts", "/usr/local/share/fonts"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "fonts"), filepath.Join(home, ".fonts"))
	}
	var out []string
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable folders are skipped
			}
			n := strings.ToLower(d.Name())
			ext := filepath.Ext(n)
			if d.IsDir() || ext != ".ttf" && ext != ".ttc" {
				return nil
			}
			for _, k := range []string{"cjk", "wqy", "droidsansfallback", "sc-", "sc.", "gb", "ming", "hei", "kai", "song", "uming", "ukai"} {
				if strings.Contains(n, k) {
					out = append(out, p)
					break
				}
			}
			return nil
		})
	}
	slices.Sort(out)
	return out
}

// loadFace reads a TrueType font, taking the first regular face of a
// collection, and checks that the PDF library can embed it.
func loadFace(path string) (*face, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: font: %w", err)
	}
	if len(data) >= 4 && string(data[:4]) == "ttcf" {
		data, err = collectionFace(data)
		if err != nil {
			return nil, fmt.Errorf("report: font %s: %w", path, err)
		}
	}
	f, err := faceOf(data)
	if err != nil {
		return nil, fmt.Errorf("report: font %s: %w", path, err)
	}
	return f, nil
}

// faceOf checks a single TrueType font and that the PDF library can
// embed it.
func faceOf(data []byte) (f *face, err error) {
	if err := checkTrueType(data, 0); err != nil {
		return nil, err
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, err
	}
	defer func() {
		// fpdf's font parser may panic on a damaged font.
		if e := recover(); e != nil {
			f, err = nil, fmt.Errorf("the PDF library cannot read it: %v", e)
		}
	}()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("probe", "", data)
	if err := pdf.Error(); err != nil {
		return nil, err
	}
	return &face{data: data, font: sf}, nil
}

// errNoCJK reports a font without Chinese characters.
var errNoCJK = errors.New("the font has no Chinese characters")

// errNotTrueType reports a font the PDF library cannot embed.
var errNotTrueType = errors.New("not a TrueType font with glyf outlines (CFF fonts such as Noto CJK cannot be embedded): use a .ttf or .ttc such as wqy-microhei")

// checkTrueType checks that the font whose table directory is at off has
// TrueType outlines.
func checkTrueType(data []byte, off uint32) error {
	recs, err := fontfile.Tables(data, off)
	if err != nil {
		return err
	}
	if v := string(data[off : off+4]); v != "\x00\x01\x00\x00" && v != "true" {
		return errNotTrueType
	}
	for _, r := range recs {
		if r.Tag == "glyf" {
			return nil
		}
	}
	return errNotTrueType
}

// collectionFace returns the first face of a TrueType collection that has
// TrueType outlines and is not monospaced, rebuilt as a single font.
func collectionFace(data []byte) ([]byte, error) {
	faces, err := fontfile.Faces(data)
	if err != nil {
		return nil, err
	}
	first := -1
	for i, off := range faces {
		if checkTrueType(data, off) != nil {
			continue
		}
		out, err := fontfile.Extract(data, off)
		if err != nil {
			continue
		}
		if first < 0 {
			first = i
		}
		f, err := sfnt.Parse(out)
		if err != nil {
			continue
		}
		name, _ := f.Name(nil, sfnt.NameIDFamily)
		if !strings.Contains(strings.ToLower(name), "mono") {
			return out, nil
		}
	}
	if first < 0 {
		return nil, errNotTrueType
	}
	return fontfile.Extract(data, faces[first])
}

package theme

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf16"

	"fyne.io/fyne/v2"

	"safetynet/data/fontfile"
)

// ErrNoCJKFont is returned by FindCJKFont when no font with Chinese glyphs
// is installed.
var ErrNoCJKFont = errors.New("theme: no Chinese font installed (install fonts-noto-cjk or fonts-wqy-microhei)")

// knownFonts are where the usual packages install their Chinese sans-serif
// fonts, best first.
var knownFonts = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",             // Debian, Ubuntu: fonts-noto-cjk
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",                  // Arch: noto-fonts-cjk
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",           // Fedora (older)
	"/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",         // openSUSE
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",                     // Debian, Ubuntu: fonts-wqy-microhei
	"/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",           // Arch, Fedora
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",                       // fonts-wqy-zenhei
	"/usr/share/fonts/adobe-source-han-sans/SourceHanSansCN-Regular.otf", // Fedora, Arch
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",          // fonts-droid-fallback
}

// fontDirs are searched, in order, when no known font is installed.
func fontDirs() []string {
	dirs := []string{"/usr/share/fonts", "/usr/local/share/fonts"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "fonts"), filepath.Join(home, ".fonts"))
	}
	return dirs
}

// FindCJKFont returns the path of an installed font with Chinese glyphs: one
// of the files the usual packages install, or else the best-named file
// (CJK, wqy, SourceHanSans, DroidSansFallback; sans-serif, regular weight)
// under the font folders. It does not use fontconfig.
func FindCJKFont() (string, error) {
	for _, p := range knownFonts {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	var found []string
	for _, dir := range fontDirs() {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable folders are skipped, not fatal
			}
			if !d.IsDir() && cjkScore(filepath.Base(path)) > scoreNone {
				found = append(found, path)
			}
			return nil
		})
	}
	if len(found) == 0 {
		return "", ErrNoCJKFont
	}
	sort.SliceStable(found, func(i, j int) bool {
		si, sj := cjkScore(filepath.Base(found[i])), cjkScore(filepath.Base(found[j]))
		if si != sj {
			return si > sj
		}
		return found[i] < found[j]
	})
	return found[0], nil
}

const scoreNone = -1000

// cjkScore ranks a font file by its name: scoreNone when the name does not
// suggest Chinese glyphs, higher for sans-serif regular faces.
func cjkScore(name string) int {
	n := strings.ToLower(name)
	switch filepath.Ext(n) {
	case ".ttf", ".otf", ".ttc", ".otc":
	default:
		return scoreNone
	}
	hit := false
	for _, k := range []string{"cjk", "wqy", "sourcehansans", "droidsansfallback", "notosanssc"} {
		if strings.Contains(n, k) {
			hit = true
		}
	}
	if !hit {
		return scoreNone
	}
	score := 0
	if strings.Contains(n, "sans") || strings.Contains(n, "hei") {
		score += 4
	}
	if strings.Contains(n, "serif") || strings.Contains(n, "song") || strings.Contains(n, "ming") {
		score -= 4
	}
	if strings.Contains(n, "regular") {
		score += 2
	}
	for _, w := range []string{"bold", "light", "thin", "black", "medium", "heavy"} {
		if strings.Contains(n, w) {
			score -= 2
			break
		}
	}
	if strings.Contains(n, "mono") {
		score -= 2
	}
	return score
}

// BoldOf returns the bold companion of a regular font file
// (NotoSansCJK-Bold.ttc beside NotoSansCJK-Regular.ttc), or "" when there
// is none.
func BoldOf(path string) string {
	dir, base := filepath.Split(path)
	i := strings.Index(base, "Regular")
	if i < 0 {
		return ""
	}
	p := dir + base[:i] + "Bold" + base[i+len("Regular"):]
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return p
	}
	return ""
}

// LoadFont reads a TrueType or OpenType font file as a Fyne resource. From
// a collection (.ttc), which Fyne cannot read, it takes the face for
// Simplified Chinese (family "... SC" or "... CN"), or else the first that
// is not monospaced, and rebuilds it as a single font.
func LoadFont(path string) (fyne.Resource, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if len(data) < 12 {
		return nil, fmt.Errorf("theme: %s is too short to be a font", path)
	}
	if string(data[:4]) != "ttcf" {
		ext, err := sfntExt(data, 0)
		if err != nil {
			return nil, fmt.Errorf("theme: %s: %w", path, err)
		}
		return fyne.NewStaticResource(base+ext, data), nil
	}
	faces, err := fontfile.Faces(data)
	if err != nil {
		return nil, fmt.Errorf("theme: %s: %w", path, err)
	}
	best, bestScore := -1, 0
	for i, off := range faces {
		if _, err := sfntExt(data, off); err != nil {
			continue
		}
		s := faceScore(familyNames(data, off))
		if best < 0 || s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("theme: %s: no readable font in the collection", path)
	}
	font, err := fontfile.Extract(data, faces[best])
	if err != nil {
		return nil, fmt.Errorf("theme: %s: face %d: %w", path, best, err)
	}
	ext, _ := sfntExt(data, faces[best])
	return fyne.NewStaticResource(fmt.Sprintf("%s-%d%s", base, best, ext), font), nil
}

// sfntExt checks the sfnt version of the font at off and returns the file
// extension that suits it.
func sfntExt(data []byte, off uint32) (string, error) {
	if uint64(off)+12 > uint64(len(data)) {
		return "", errors.New("font header beyond the end of the file")
	}
	switch v := string(data[off : off+4]); v {
	case "OTTO":
		return ".otf", nil
	case "\x00\x01\x00\x00", "true":
		return ".ttf", nil
	default:
		return "", fmt.Errorf("not a TrueType or OpenType font (version %q)", v)
	}
}

// familyNames returns the family names (name IDs 1 and 16, every platform
// and language) of the font whose table directory is at off.
func familyNames(data []byte, off uint32) []string {
	recs, err := fontfile.Tables(data, off)
	if err != nil {
		return nil
	}
	var name []byte
	for _, r := range recs {
		if r.Tag == "name" {
			name = data[r.Offset : r.Offset+r.Length]
		}
	}
	if len(name) < 6 {
		return nil
	}
	count := int(binary.BigEndian.Uint16(name[2:]))
	strs := int(binary.BigEndian.Uint16(name[4:]))
	var out []string
	for i := 0; i < count && 6+12*(i+1) <= len(name); i++ {
		r := name[6+12*i:]
		platform, encoding := binary.BigEndian.Uint16(r), binary.BigEndian.Uint16(r[2:])
		id := binary.BigEndian.Uint16(r[6:])
		n, o := int(binary.BigEndian.Uint16(r[8:])), int(binary.BigEndian.Uint16(r[10:]))
		if id != 1 && id != 16 || strs+o+n > len(name) {
			continue
		}
		b := name[strs+o : strs+o+n]
		switch {
		case platform == 3 && (encoding == 1 || encoding == 10), platform == 0:
			u := make([]uint16, len(b)/2)
			for j := range u {
				u[j] = binary.BigEndian.Uint16(b[2*j:])
			}
			out = append(out, string(utf16.Decode(u)))
		case platform == 1 && encoding == 0:
			out = append(out, string(b)) // Mac Roman; family names are ASCII
		}
	}
	return out
}

// faceScore ranks a collection face by its family names: Simplified
// Chinese first, monospaced last.
func faceScore(families []string) int {
	score := 0
	for _, f := range families {
		for _, w := range strings.Fields(f) {
			switch w {
			case "SC", "CN", "GB":
				score += 4
			case "Mono":
				score -= 2
			}
		}
	}
	return score
}

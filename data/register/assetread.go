package register

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/width"

	"safetynet/data/store"
)

// common are frequent characters of Chinese registers, in simplified and
// traditional form, with Japanese kana: text decoded in the right legacy
// encoding has many of them, the same bytes decoded in a wrong one few.
const common = "的一是不了人在有这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞" +
	"們這國會時來說對動發產種過學經進點從業當應開還現實樣與關兩萬東車門長區線號場號名稱編號經度緯度攝影機滅火器監控設備類型縣鄉鎮路街號樓層臺北臺中高雄新竹單價電話地址備註狀態位置廠牌型號" +
	"路街巷弄号楼层栋单元室小区社区消防栓灭火器摄像头监控设备类型名称编号经度纬度朝向安装高度品牌生产日期有效期地址状态备注" +
	"あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー"

var commonSet = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range common {
		m[r] = true
	}
	return m
}()

// legacy are the encodings tried for text that is not UTF-8.
var legacy = []struct {
	name string
	enc  encoding.Encoding
}{
	{"GB18030", simplifiedchinese.GB18030},
	{"Big5", traditionalchinese.Big5},
	{"Shift_JIS", japanese.ShiftJIS},
}

// decodeText returns b as UTF-8 and the name of the encoding it was in:
// UTF-8 (a byte-order mark dropped), UTF-16 with a byte-order mark, or,
// when not valid UTF-8, the legacy encoding (GB18030, which reads GBK,
// Big5 or Shift_JIS) under which the text has the most common Chinese or
// Japanese characters. Text none of them reads well is refused, naming
// what it looks like.
func decodeText(b []byte, name string) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		b = b[3:]
		if !utf8.Valid(b) {
			return nil, "", fmt.Errorf("%s starts as UTF-8 (byte-order mark) but is not valid UTF-8; save it again as CSV UTF-8", name)
		}
		return b, "UTF-8", nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		d, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewDecoder().Bytes(b)
		if err != nil {
			return nil, "", fmt.Errorf("%s: not valid UTF-16 text: %v", name, err)
		}
		enc := "UTF-16LE"
		if b[0] == 0xFE {
			enc = "UTF-16BE"
		}
		return d, enc, nil
	case utf8.Valid(b):
		return b, "UTF-8", nil
	}
	type score struct {
		name      string
		text      []byte
		good, bad int
	}
	var best *score
	for _, l := range legacy {
		d, err := l.enc.NewDecoder().Bytes(b)
		if err != nil {
			continue
		}
		s := score{name: l.name, text: d}
		for _, r := range string(d) {
			switch {
			case r < 0x80:
			case r == utf8.RuneError, unicode.Is(unicode.Co, r), unicode.IsControl(r):
				s.bad++
			case commonSet[r]:
				s.good++
			}
		}
		if best == nil || s.good-4*s.bad > best.good-4*best.bad {
			best = &s
		}
	}
	if best == nil || best.good == 0 || best.bad*20 > best.good {
		return nil, "", fmt.Errorf("%s is not UTF-8 text, and reads as none of GBK/GB18030, Big5 or Shift_JIS; save it as CSV UTF-8", name)
	}
	return best.text, best.name, nil
}

// decodeCSV reads a CSV register in any encoding decodeText reads, with a
// comma, semicolon or tab between cells (the first line has most of it),
// with or without a header row.
func decodeCSV(b []byte, name string) (*table, string, error) {
	text, enc, err := decodeText(b, name)
	if err != nil {
		return nil, "", err
	}
	sh, _, err := readCSV(text, name)
	if err != nil {
		return nil, "", err
	}
	if len(sh.rows) > maxRows {
		return nil, "", fmt.Errorf("%s has over %d rows", name, maxRows)
	}
	return sheetTable(sh, ""), enc, nil
}

// sheetTable finds the header row of sh (the first row with text that is
// not blank) and returns the rest as the table's rows. A first row
// holding a pair of coordinates is no header: the columns are then
// "column 1", "column 2", ...
func sheetTable(sh *sheet, sheetName string) *table {
	t := &table{sheet: sheetName}
	first := -1
	for i, r := range sh.rows {
		if !blankRow(r) {
			first = i
			break
		}
	}
	if first < 0 {
		return t
	}
	head := sh.rows[first]
	start := first + 1
	if coordPair(head) >= 0 {
		t.noHead = true
		start = first
		n := 0
		for _, r := range sh.rows {
			n = max(n, len(r))
		}
		head = make([]string, n)
		for i := range head {
			head[i] = fmt.Sprintf("column %d", i+1)
		}
	}
	t.header = uniqueHeaders(head)
	for i := start; i < len(sh.rows); i++ {
		t.rows = append(t.rows, sh.rows[i])
		if sh.raw != nil {
			var raw []string
			if i < len(sh.raw) {
				raw = sh.raw[i]
			}
			t.raw = append(t.raw, raw)
		}
		t.nums = append(t.nums, i+1)
	}
	return t
}

// uniqueHeaders trims the headers and makes repeated ones unique
// ("name", "name (2)"); an empty header is "column N".
func uniqueHeaders(h []string) []string {
	out := make([]string, len(h))
	seen := map[string]int{}
	for i, s := range h {
		s = strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
		if s == "" {
			s = fmt.Sprintf("column %d", i+1)
		}
		seen[s]++
		if seen[s] > 1 {
			s = fmt.Sprintf("%s (%d)", s, seen[s])
		}
		out[i] = s
	}
	return out
}

// coordPair returns the index of the first of two neighbouring cells of
// row that both hold a number with a fraction in the range of a latitude
// or longitude, -1 when there is none.
func coordPair(row []string) int {
	isCoord := func(s string) bool {
		s = strings.TrimSpace(s)
		f, ok := coordNumber(s, s)
		return ok && strings.Contains(s, ".") && f >= -180 && f <= 180
	}
	for i := 0; i+1 < len(row); i++ {
		if isCoord(row[i]) && isCoord(row[i+1]) {
			return i
		}
	}
	return -1
}

// guessHeaderless maps a table without a header row: the first pair of
// coordinate columns is latitude and longitude, the one whose values
// pass 90 in size being the longitude (latitude first when neither does,
// the order of most registers and map apps); the first column of text
// with a different value in every row is the code.
func guessHeaderless(t *table, layer string) Mapping {
	m := Mapping{}
	if len(t.rows) == 0 {
		return m
	}
	i := coordPair(t.rows[0])
	if i < 0 {
		return m
	}
	over := func(c int) bool {
		for r := range t.rows {
			if f, ok := coordNumber(cell(t.rows, r, c), ""); ok && (f > 90 || f < -90) {
				return true
			}
		}
		return false
	}
	if over(i) && !over(i+1) {
		m[Lon], m[Lat] = t.header[i], t.header[i+1]
	} else {
		m[Lat], m[Lon] = t.header[i], t.header[i+1]
	}
	hasCode := false
	for _, c := range store.Columns(layer) {
		hasCode = hasCode || c.Name == "code"
	}
	if !hasCode {
		return m
	}
	for c := range t.header {
		if c == i || c == i+1 {
			continue
		}
		seen := map[string]bool{}
		ok := true
		for r := range t.rows {
			s := strings.TrimSpace(cell(t.rows, r, c))
			if s == "" || seen[s] || strings.Contains(s, "://") || strings.IndexFunc(s, unicode.IsLetter) < 0 {
				ok = false
				break
			}
			seen[s] = true
		}
		if ok {
			m["code"] = t.header[c]
			break
		}
	}
	return m
}

// xlsxTables reads the worksheets of a workbook: only sheetName when it
// is given (an error when the workbook has no such sheet), else every
// visible sheet.
func xlsxTables(b []byte, name, sheetName string) (out []*table, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%s: a damaged Excel workbook (%v)", name, r)
		}
	}()
	f, err := openXLSX(b, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names := f.GetSheetList()
	if sheetName != "" {
		found := false
		for _, n := range names {
			found = found || n == sheetName || width.Fold.String(n) == width.Fold.String(sheetName)
			if found {
				sheetName = n
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s has no sheet %q; its sheets are %s", name, sheetName, strings.Join(names, ", "))
		}
		names = []string{sheetName}
	}
	for _, n := range names {
		if sheetName == "" {
			if vis, err := f.GetSheetVisible(n); err == nil && !vis {
				continue
			}
		}
		sh, err := readSheet(f, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, sheetTable(sh, n))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no visible sheet", name)
	}
	return out, nil
}

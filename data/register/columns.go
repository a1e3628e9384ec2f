package register

import (
	"regexp"
	"strings"
	"unicode"
)

// field is what a column of an MSEL holds.
type field int

const (
	fNone field = iota
	fNumber
	fTime
	fDay
	fKind
	fType
	fSeverity
	fFormat
	fTitle
	fTitleZh
	fTitleEn
	fMessage
	fMessageZh
	fMessageEn
	fFrom
	fTo
	fMethod
	fController
	fSource
	fLocationCode
	fLocation
	fGeometry
	fExpected
	fExpectedZh
	fExpectedEn
	fExpectAck
	fExpectAssign
	fExpectOnScene
	fOnSceneRadius
	fExpectResolve
	fCondAfter
	fCondMissing
	fCondWithin
	fObjective
	fNotes
	nFields
)

// columns are the columns WriteMSELCSV and WriteMSELXLSX write, in order,
// with the field each holds: one per field, so that a scenario goes out
// and comes back whole.
var columns = []struct {
	name string
	f    field
}{
	{"number", fNumber},
	{"time", fTime},
	{"kind", fKind},
	{"type", fType},
	{"severity", fSeverity},
	{"format", fFormat},
	{"subject", fTitle},
	{"subject zh", fTitleZh},
	{"subject en", fTitleEn},
	{"message", fMessage},
	{"message zh", fMessageZh},
	{"message en", fMessageEn},
	{"from", fFrom},
	{"to", fTo},
	{"method", fMethod},
	{"controller", fController},
	{"source", fSource},
	{"location code", fLocationCode},
	{"location", fLocation},
	{"geometry", fGeometry},
	{"expected action", fExpected},
	{"expected action zh", fExpectedZh},
	{"expected action en", fExpectedEn},
	{"expect ack", fExpectAck},
	{"expect assign", fExpectAssign},
	{"expect on scene", fExpectOnScene},
	{"on scene radius", fOnSceneRadius},
	{"expect resolve", fExpectResolve},
	{"condition after", fCondAfter},
	{"condition missing", fCondMissing},
	{"condition within", fCondWithin},
	{"objective", fObjective},
	{"notes", fNotes},
}

// synonyms are the header names of MSELs written by other tools and
// people (HSEEP templates, Cadence, T3SF, Chinese drill plans), normalised
// as by normHeader.
var synonyms = map[string]field{
	"#": fNumber, "no": fNumber, "no.": fNumber, "nr": fNumber, "id": fNumber, "msel #": fNumber, "msel no": fNumber,
	"msel number": fNumber, "msel id": fNumber, "event #": fNumber, "event no": fNumber, "event number": fNumber,
	"event id": fNumber, "inject #": fNumber, "inject no": fNumber, "inject number": fNumber, "inject id": fNumber,
	"序号": fNumber, "编号": fNumber, "注入编号": fNumber, "事件编号": fNumber,

	"event time": fTime, "real time": fTime, "scenario time": fTime, "inject time": fTime, "delivery time": fTime,
	"offset": fTime, "t+": fTime, "exercise time": fTime, "时间": fTime, "时刻": fTime, "演练时间": fTime, "注入时间": fTime,
	"day": fDay, "exercise day": fDay,

	"inject kind": fKind, "类别": fKind,
	"event type": fType, "inject type": fType, "类型": fType, "事件类型": fType,
	"级别": fSeverity, "严重程度": fSeverity,
	"格式": fFormat,

	"title": fTitle, "inject title": fTitle, "event title": fTitle, "event": fTitle, "主题": fTitle, "标题": fTitle,
	"description/script": fMessage, "event description": fMessage, "script": fMessage, "description": fMessage,
	"inject": fMessage, "inject text": fMessage, "inject description": fMessage, "message text": fMessage,
	"内容": fMessage, "信息": fMessage, "内容/信息": fMessage, "注入内容": fMessage, "描述": fMessage, "事件描述": fMessage,

	"sent from": fFrom, "send from": fFrom, "sender": fFrom, "simulated sender": fFrom, "发送方": fFrom, "发送人": fFrom,
	"send to": fTo, "sent to": fTo, "player": fTo, "players": fTo, "recipient": fTo, "recipients": fTo,
	"recipient players": fTo, "receiver": fTo, "接收方": fTo, "接收人": fTo, "参演方": fTo,
	"inject mode": fMethod, "mode": fMethod, "delivery method": fMethod, "means": fMethod, "方式": fMethod, "注入方式": fMethod,
	"injected by": fController, "responsible controller": fController, "控制员": fController, "导调员": fController,
	"来源":         fSource,
	"place code": fLocationCode, "feature code": fLocationCode, "地点编码": fLocationCode, "位置编码": fLocationCode,
	"place": fLocation, "地点": fLocation, "位置": fLocation,
	"geojson": fGeometry,

	"expected actions": fExpected, "expected outcome": fExpected, "expected outcomes": fExpected,
	"expected player action": fExpected, "expected player actions": fExpected, "expected response": fExpected,
	"预期行动": fExpected, "预期响应": fExpected, "预期处置": fExpected,

	"objectives": fObjective, "objective/capability": fObjective, "capability": fObjective, "core capability": fObjective,
	"目标": fObjective, "演练目标": fObjective,
	"comments/notes": fNotes, "comments": fNotes, "comment": fNotes, "questions/comments": fNotes, "remarks": fNotes,
	"note": fNotes, "备注": fNotes, "说明": fNotes,
}

func init() {
	for _, c := range columns {
		synonyms[c.name] = c.f
	}
}

var (
	spaces = regexp.MustCompile(`\s+`)
	parens = regexp.MustCompile(`\s*[(（][^)）]*[)）]\s*`)
	slash  = regexp.MustCompile(`\s*/\s*`)
)

// normHeader normalises a header cell: lower case, newlines and runs of
// spaces as one space, no spaces around "/", no trailing ":".
func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = spaces.ReplaceAllString(h, " ")
	h = slash.ReplaceAllString(h, "/")
	h = strings.TrimRight(h, ":：")
	h = strings.ReplaceAll(h, "_", " ")
	return strings.TrimSpace(h)
}

// headerField returns the field a header cell names, fNone when none.
func headerField(h string) field {
	n := normHeader(h)
	if n == "" {
		return fNone
	}
	if f, ok := synonyms[n]; ok {
		return f
	}
	// "SEND TO (RECIPIENT PLAYERS)": the words before the parentheses.
	if p := strings.TrimSpace(parens.ReplaceAllString(n, " ")); p != n && p != "" {
		if f, ok := synonyms[p]; ok {
			return f
		}
	}
	// "MSEL #1", "Event No.": a number column.
	if strings.HasSuffix(n, "#") || strings.HasSuffix(n, " no.") {
		return fNumber
	}
	return fNone
}

// isHeader reports whether the row looks like an MSEL's header: at least
// three cells name fields, one of them the subject or message, or the
// number with a time, sender, recipient or expected action.
func isHeader(row []string) bool {
	seen := map[field]bool{}
	for _, c := range row {
		if f := headerField(c); f != fNone {
			seen[f] = true
		}
	}
	content := seen[fTitle] || seen[fMessage] || seen[fTime] || seen[fFrom] || seen[fTo] || seen[fExpected]
	return len(seen) >= 3 && (seen[fTitle] || seen[fMessage] || seen[fNumber] && content)
}

// blank reports whether a cell holds nothing: empty, spaces, or (in files
// of other tools) only dashes, which MSELs use for "none".
func blank(s string, dashes bool) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	if !dashes {
		return false
	}
	for _, r := range s {
		if r != '-' && r != '—' && r != '–' && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

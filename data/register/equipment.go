package register

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"safetynet/data/store"
)

// equipmentKinds are the store's fire equipment kinds.
var equipmentKinds = []string{
	store.ExtinguisherHandheld, store.ExtinguisherWheeled, store.HydrantOutdoor,
	store.HydrantIndoor, store.FireCabinet, store.Defibrillator, store.SupplyStore,
}

// kindWords are words of a register's type column and the kind they name,
// tried in order: the more particular first (an indoor hydrant before a
// hydrant, a hydrant cabinet before a hydrant).
var kindWords = []struct {
	kind  string
	words []string
}{
	{store.ExtinguisherWheeled, []string{"推车", "推車", "手推", "wheeled", "cart", "車載", "车载"}},
	{store.FireCabinet, []string{"消火栓箱", "消防箱", "消防柜", "消防櫃", "灭火器箱", "滅火器箱", "cabinet", "格納箱"}},
	{store.HydrantIndoor, []string{"室内消火栓", "室內消火栓", "indoor hydrant", "屋内消火栓"}},
	{store.HydrantOutdoor, []string{"消火栓", "消防栓", "hydrant", "地上式", "地下式"}},
	{store.Defibrillator, []string{"aed", "除颤", "除顫", "defibrillator"}},
	{store.SupplyStore, []string{"应急物资", "應急物資", "物资", "物資", "supply", "supplies", "備蓄"}},
	{store.ExtinguisherHandheld, []string{"灭火器", "滅火器", "消火器", "干粉", "乾粉", "二氧化碳", "co2", "泡沫",
		"水基", "水型", "洁净气体", "潔淨氣體", "extinguisher", "powder", "foam"}},
}

// modelCode is a Chinese extinguisher model (GB 4351, GB 8109): M, the
// agent (F dry powder, T carbon dioxide, P foam, S water), T for a wheeled
// one, Z for stored pressure, the classes after a slash, the charge in kg
// or L: MFZ/ABC4, MFTZ/ABC35, MT3, MPZ/6, MSWZ/9.
var modelCode = regexp.MustCompile(`(?:^|[^A-Z])M([FTPSJ])(T?)([A-Z]*)(?:/([A-Z]*))?(\d+(?:\.\d+)?)(?:$|[^0-9.])`)

// charge is a charge with its unit: 4kg, 4 公斤, 9L, 6升.
var charge = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*(kg|公斤|千克|l|升)(?:$|[^a-z])`)

// readEquipment reads what a fire equipment register's type column says:
// the kind in the store's words, and, where the row does not give them,
// the fire classes and the charge the type names. It returns a note of
// how the text was read, or an error when it names no kind the map knows.
func readEquipment(props map[string]any) (string, error) {
	text, ok := props["kind"].(string)
	if !ok || text == "" {
		return "", nil
	}
	for _, k := range equipmentKinds {
		if text == k {
			return "", nil
		}
	}
	s := strings.ToLower(width.Fold.String(strings.TrimSpace(text)))
	kind, class, amount, unit := "", "", 0.0, ""
	if m := modelCode.FindStringSubmatch(strings.ToUpper(strings.ReplaceAll(s, " ", ""))); m != nil {
		kind = store.ExtinguisherHandheld
		if m[2] == "T" || strings.Contains(s, "推车") || strings.Contains(s, "推車") {
			kind = store.ExtinguisherWheeled
		}
		class = m[4]
		if class == "" {
			class = agentClass(m[1])
		}
		amount, _ = strconv.ParseFloat(m[5], 64)
		unit = "kg"
		if m[1] == "P" || m[1] == "S" {
			unit = "L"
		}
	} else {
	words:
		for _, kw := range kindWords {
			for _, w := range kw.words {
				if strings.Contains(s, w) {
					kind = kw.kind
					break words
				}
			}
		}
		if kind == "" {
			return "", fmt.Errorf("type %q names no fire equipment kind the map knows (%s; 灭火器, 推车式灭火器, 消火栓, 室内消火栓, 消火栓箱, AED, 应急物资)",
				text, strings.Join(equipmentKinds, ", "))
		}
		if kind == store.ExtinguisherHandheld || kind == store.ExtinguisherWheeled {
			class = textClass(s)
		}
		if m := charge.FindStringSubmatch(s); m != nil {
			amount, _ = strconv.ParseFloat(m[1], 64)
			unit = "kg"
			if m[2] == "l" || m[2] == "升" {
				unit = "L"
			}
		}
	}
	props["kind"] = kind
	note := fmt.Sprintf("type %q read as %s", text, kind)
	if class != "" && props["fire_class"] == nil {
		props["fire_class"] = class
		note += ", fire class " + class
	}
	if amount > 0 && props["capacity"] == nil {
		props["capacity"] = amount
		props["capacity_unit"] = unit
		note += fmt.Sprintf(", %s %s", formatNum(amount), unit)
	}
	return note, nil
}

// agentClass is the fire classes an agent letter of a model code puts out
// when the model names none: carbon dioxide B and C (and live electrical
// equipment), foam A and B, water A.
func agentClass(agent string) string {
	switch agent {
	case "T":
		return "BC"
	case "P":
		return "AB"
	case "S":
		return "A"
	}
	return ""
}

// textClass is the fire classes a type text names.
func textClass(s string) string {
	switch {
	case strings.Contains(s, "abc"):
		return "ABC"
	case strings.Contains(s, "bc"):
		return "BC"
	case strings.Contains(s, "二氧化碳") || strings.Contains(s, "co2"):
		return "BC"
	case strings.Contains(s, "泡沫") || strings.Contains(s, "foam"):
		return "AB"
	case strings.Contains(s, "水基") || strings.Contains(s, "水型"):
		return "A"
	}
	return ""
}

// maxKindNotes is how many distinct readings of type texts a preview's
// notes list.
const maxKindNotes = 12

// readCharge reads a charge column: a model code (MFZ/ABC4: 4 kg), a
// number with its unit (4kg, 6 升), or a bare number (no unit).
func readCharge(text string) (amount float64, unit string, ok bool) {
	s := strings.ToLower(width.Fold.String(strings.TrimSpace(text)))
	if m := modelCode.FindStringSubmatch(strings.ToUpper(strings.ReplaceAll(s, " ", ""))); m != nil {
		amount, _ = strconv.ParseFloat(m[5], 64)
		if m[1] == "P" || m[1] == "S" {
			return amount, "L", amount > 0
		}
		return amount, "kg", amount > 0
	}
	if m := charge.FindStringSubmatch(s); m != nil {
		amount, _ = strconv.ParseFloat(m[1], 64)
		if m[2] == "l" || m[2] == "升" {
			return amount, "L", amount > 0
		}
		return amount, "kg", amount > 0
	}
	return 0, "", false
}

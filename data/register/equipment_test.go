package register

import (
	"strings"
	"testing"

	"safetynet/data/store"
)

func TestReadEquipmentTypes(t *testing.T) {
	for _, c := range []struct {
		text, kind, class string
		amount            float64
		unit              string
	}{
		{"ABC干粉", store.ExtinguisherHandheld, "ABC", 0, ""},
		{"手提式二氧化碳灭火器", store.ExtinguisherHandheld, "BC", 0, ""},
		{"MFZ/ABC4", store.ExtinguisherHandheld, "ABC", 4, "kg"},
		{"mfz/abc8", store.ExtinguisherHandheld, "ABC", 8, "kg"},
		{"MT3", store.ExtinguisherHandheld, "BC", 3, "kg"},
		{"MSWZ/9", store.ExtinguisherHandheld, "A", 9, "L"},
		{"推车式干粉灭火器 MFTZ/ABC35", store.ExtinguisherWheeled, "ABC", 35, "kg"},
		{"推车式干粉灭火器", store.ExtinguisherWheeled, "", 0, ""},
		{"手提式泡沫灭火器 6L", store.ExtinguisherHandheld, "AB", 6, "L"},
		{"室外消火栓", store.HydrantOutdoor, "", 0, ""},
		{"室内消火栓", store.HydrantIndoor, "", 0, ""},
		{"消火栓箱", store.FireCabinet, "", 0, ""},
		{"AED", store.Defibrillator, "", 0, ""},
		{"应急物资柜", store.SupplyStore, "", 0, ""},
		{"粉末消火器", store.ExtinguisherHandheld, "", 0, ""},
		{"Fire hydrant", store.HydrantOutdoor, "", 0, ""},
		{store.HydrantIndoor, store.HydrantIndoor, "", 0, ""},
	} {
		props := map[string]any{"kind": c.text}
		if _, err := readEquipment(props); err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if props["kind"] != c.kind {
			t.Errorf("%q: kind %v, want %s", c.text, props["kind"], c.kind)
		}
		if got, _ := props["fire_class"].(string); got != c.class {
			t.Errorf("%q: fire class %q, want %q", c.text, got, c.class)
		}
		if got, _ := props["capacity"].(float64); got != c.amount {
			t.Errorf("%q: capacity %v, want %v", c.text, got, c.amount)
		}
		if got, _ := props["capacity_unit"].(string); got != c.unit {
			t.Errorf("%q: unit %q, want %q", c.text, got, c.unit)
		}
	}
	// A class or charge the row gives itself is kept.
	props := map[string]any{"kind": "MFZ/ABC4", "fire_class": "A", "capacity": 5.0}
	if _, err := readEquipment(props); err != nil || props["fire_class"] != "A" || props["capacity"] != 5.0 {
		t.Errorf("own values overwritten: %v %v", props, err)
	}
	if _, err := readEquipment(map[string]any{"kind": "水枪"}); err == nil || !strings.Contains(err.Error(), "水枪") {
		t.Errorf("unknown type: %v", err)
	}
}

func TestEquipmentRegisterTypesAndCharges(t *testing.T) {
	csv := "编号,名称,经度,纬度,灭火器类型,规格\n" +
		"MFP-001,一号楼大堂,121.4701,31.2302,ABC干粉,4kg\n" +
		"MFP-002,二号楼,121.4702,31.2303,手提式二氧化碳灭火器,MT3\n" +
		"MFP-003,三号楼,121.4703,31.2304,水枪,\n"
	p, err := Read(strings.NewReader(csv), "ext.csv", Options{Layer: store.FireEquipment})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != 2 || len(p.Problems) != 1 || p.Problems[0].Row != 4 || p.Problems[0].Column != "灭火器类型" {
		t.Fatalf("rows %d, problems %+v", len(p.Rows), p.Problems)
	}
	a, b := p.Rows[0].Record.Props, p.Rows[1].Record.Props
	if a["kind"] != store.ExtinguisherHandheld || a["capacity"] != 4.0 || a["capacity_unit"] != "kg" || a["fire_class"] != "ABC" {
		t.Errorf("row 2: %v", a)
	}
	if b["capacity"] != 3.0 || b["capacity_unit"] != "kg" || b["fire_class"] != "BC" {
		t.Errorf("row 3: %v", b)
	}
}

package register_test

import (
	"fmt"
	"strings"

	"safetynet/data/register"
	"safetynet/data/store"
)

// ExampleRead reads an extinguisher list as a property office keeps it
// and lists what cannot be stored.
func ExampleRead() {
	csv := "编号,名称,经度,纬度,灭火器类型,有效期\n" +
		"MHQ-01,一号楼大堂,121.4737,31.2304,干粉灭火器,2026/3/1\n" +
		"MHQ-02,地下车库,东经121度,31.2311,二氧化碳,2026-05-20\n" +
		"MHQ-01,二号楼,121.4745,31.2309,干粉灭火器,\n"
	p, err := register.Read(strings.NewReader(csv), "灭火器.csv", register.Options{Layer: store.FireEquipment})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Mapping)
	for _, r := range p.Rows {
		fmt.Println(r.Row, r.Record.Geom, r.Record.Props["name"], r.Record.Props["expiry"])
	}
	for _, pr := range p.Problems {
		fmt.Println(pr)
	}
	// Output:
	// code=编号,expiry=有效期,kind=灭火器类型,lat=纬度,lon=经度,name=名称
	// 2 [121.4737 31.2304] 一号楼大堂 2026-03-01
	// row 3, column "经度": "东经121度": not a number
	// row 4, column "编号": code "MHQ-01" is already on row 2
}

package register_test

import (
	"fmt"
	"strings"

	"safetynet/data/register"
)

func ExampleReadMSEL() {
	msel := "MSEL #,EVENT TIME,SENT FROM,SEND TO,SUBJECT,EXPECTED ACTION,Location\n" +
		"1,10:00,Control,Fire station,Smoke alarm in building 3,Acknowledge within 1 minute,GATE-N\n" +
		"1-A,10:02,Control,Fire station,Second call,Send a unit,Gate C\n"
	codes := func(code string) bool { return code == "GATE-N" }
	sc, problems, err := register.ReadMSELWith(strings.NewReader(msel), "winter.csv", register.ReadOptions{Codes: codes})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range sc.Injects {
		place := in.LocationCode
		if place == "" {
			place = in.Location + ", not on the map"
		}
		fmt.Printf("%s %s -> %s at t+%v: %s (%s)\n", in.Number, in.From, in.To, in.Offset, in.Title.Text, place)
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output:
	// 1 Control -> Fire station at t+0s: Smoke alarm in building 3 (GATE-N)
	// 1-A Control -> Fire station at t+2m0s: Second call (Gate C, not on the map)
	// row 3, column "Location": location "Gate C" is not a feature of this community; kept without a place
	// column "EVENT TIME": times are clock times; the scenario starts at the earliest, 10:00:00, and each inject's time counts from it
}

package cap_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/cap"
	"safetynet/feeds/event"
)

func ExampleDecode() {
	e, err := cap.Decode([]byte(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>KSTO1055887203</identifier><sender>KSTO@NWS.NOAA.GOV</sender>
  <sent>2003-06-17T14:57:00-07:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><category>Met</category><event>SEVERE THUNDERSTORM</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Observed</certainty><expires>2003-06-17T16:00:00-07:00</expires>
    <area><areaDesc>Alpine County</areaDesc><circle>38.47,-120.14 10</circle></area></info>
</alert>`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.ID, e.Type, e.Severity, e.Expires.Sub(e.Time))
	fmt.Println(e.Geometry.GeoJSONType(), len(e.Geometry.(orb.Polygon)[0]))
	// Output:
	// KSTO@NWS.NOAA.GOV,KSTO1055887203 alert.met severe 1h3m0s
	// Polygon 65
}

func ExampleEncoder_Encode() {
	t := time.Date(2026, 5, 1, 2, 15, 0, 0, time.UTC)
	e := event.Event{ID: "SD-07-1", Type: "fire.smoke", Severity: event.Severe, Status: event.Exercise, Time: t,
		Geometry: orb.Point{121.6012, 31.2003}, Title: "Smoke in the e-bike shed"}
	out, err := cap.Encoder{Sender: "hub@anhe.example"}.Encode(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "<sent>") || strings.Contains(l, "<status>") || strings.Contains(l, "<circle>") {
			fmt.Println(strings.TrimSpace(l))
		}
	}
	// Output:
	// <sent>2026-05-01T02:15:00-00:00</sent>
	// <status>Exercise</status>
	// <circle>31.2003,121.6012 0</circle>
}

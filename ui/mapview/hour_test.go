package mapview

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// hourAlert is one alert of a busy hour, with the time it was last seen.
type hourAlert struct {
	LiveItem
	at time.Time
}

// busyHour returns the open alerts of a realistic busy hour over the
// community in s, as the console hands them to the map: mostly minor
// (equipment faults, tailgating), some severe (forced doors, intrusions,
// smoke), a few extreme, a fire drill's alerts around one building, a
// run of alarms at the North Gate, two cameras offline, the older ones
// stale; the newest first. n is the number of alerts.
func busyHour(t testing.TB, s *store.Store, n int) []hourAlert {
	t.Helper()
	ctx := context.Background()
	cams, err := s.Cameras(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	gates, err := s.AccessPoints(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	equip, err := s.FireEquipment(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	hazards, err := s.Hazards(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	var sheds []orb.Point
	for _, h := range hazards {
		if h.Geom != nil {
			sheds = append(sheds, h.Geom.Bound().Center())
		}
	}
	var north store.AccessPoint
	for _, g := range gates {
		if g.Code == "GATE-N" {
			north = g
		}
	}
	if len(cams) == 0 || len(gates) == 0 || len(equip) == 0 || len(sheds) == 0 || north.Code == "" {
		t.Fatal("the demo lacks cameras, gates, equipment, hazards or the North Gate")
	}
	rng := rand.New(rand.NewPCG(7, 10))
	end := time.Date(2025, 3, 14, 21, 0, 0, 0, time.UTC)
	var out []hourAlert
	add := func(id, family, title string, sev int, p orb.Point, drill bool) {
		ago := time.Duration(rng.Float64() * float64(time.Hour))
		out = append(out, hourAlert{LiveItem: LiveItem{ID: id, Geometry: p, Family: family, Severity: sev,
			Heading: math.NaN(), Drill: drill, Stale: ago > 40*time.Minute, New: ago < 3*time.Minute, Label: title}, at: end.Add(-ago)})
	}
	// A run at the North Gate: forced door and tailgating, again and again.
	for i := range 9 {
		sev, what := 1, "Tailgating"
		if i%3 == 0 {
			sev, what = 3, "Forced door"
		}
		add(fmt.Sprintf("gate-n-%d", i), "access", what+" at "+north.NameEn, sev, north.Geom, false)
	}
	// A fire drill in one building: its smoke detectors, one by one.
	bs, err := s.Buildings(ctx, store.World)
	if err != nil || len(bs) == 0 {
		t.Fatal("the demo has no buildings", err)
	}
	b := bs[len(bs)/3].Geom.Bound()
	for i := range 8 {
		f := float64(i) / 7
		p := orb.Point{b.Min[0] + f*(b.Max[0]-b.Min[0]), b.Center()[1]}
		add(fmt.Sprintf("drill-%d", i), "fire", fmt.Sprintf("Smoke detector SD-%02d", 30+i), 3, p, true)
	}
	// Two cameras offline.
	for i, c := range []store.Camera{cams[3], cams[len(cams)/2]} {
		add(fmt.Sprintf("cam-off-%d", i), "camera", "Camera offline: "+c.NameEn, 2, c.Geom, false)
	}
	for i := 0; len(out) < n; i++ {
		switch k := rng.IntN(100); {
		case k < 45:
			q := equip[rng.IntN(len(equip))]
			add(fmt.Sprintf("fault-%d", i), "equipment", "Equipment fault "+strings.ReplaceAll(q.Kind, "_", " ")+" "+q.Code, 1, q.Geom, false)
		case k < 70:
			g := gates[rng.IntN(len(gates))]
			add(fmt.Sprintf("tail-%d", i), "access", "Tailgating at "+g.NameEn, 1, g.Geom, false)
		case k < 82:
			g := gates[rng.IntN(len(gates))]
			add(fmt.Sprintf("held-%d", i), "access", "Door held open at "+g.NameEn, 2, g.Geom, false)
		case k < 92:
			c := cams[rng.IntN(len(cams))]
			add(fmt.Sprintf("intr-%d", i), "intrusion", "Intrusion seen by "+c.NameEn, 3, c.Geom, false)
		case k < 97:
			p := sheds[rng.IntN(len(sheds))]
			add(fmt.Sprintf("smoke-%d", i), "fire", fmt.Sprintf("Smoke detector SD-%02d", rng.IntN(40)+1), 3, p, false)
		default:
			p := sheds[rng.IntN(len(sheds))]
			add(fmt.Sprintf("fire-%d", i), "fire", "Fire alarm, e-bike shed", 4, p, false)
		}
	}
	// Newest first, as the console's queue.
	for i := 1; i < len(out); i++ {
		for k := i; k > 0 && out[k].at.After(out[k-1].at); k-- {
			out[k], out[k-1] = out[k-1], out[k]
		}
	}
	return out
}

// hourItems returns the live items of h, as SetLive takes them.
func hourItems(h []hourAlert) []LiveItem {
	out := make([]LiveItem, len(h))
	for i, a := range h {
		out[i] = a.LiveItem
		out[i].Time = a.at
	}
	return out
}

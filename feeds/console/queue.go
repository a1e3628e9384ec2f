package console

import (
	"cmp"
	"slices"
	"time"
)

// Filter selects alerts of the queue. The zero value selects the open
// alerts of every family, of any time, drills included.
type Filter struct {
	// Statuses to show; empty: the open ones (new, acknowledged, assigned).
	Statuses []Status
	// Families are type families (fire, intrusion, access, ...); empty: all.
	Families []string
	// Within keeps alerts whose event time is at most this long before
	// now; 0: any time.
	Within time.Duration
	// HideDrills leaves out exercise and test traffic.
	HideDrills bool
}

// Queue returns the alerts of s that f selects, in the order of s.Alerts
// (most severe first, then newest event first, then by subject). Alerts
// with a Warning are included.
func (s Snapshot) Queue(f Filter, now time.Time) []Alert {
	var out []Alert
	for _, a := range s.Alerts {
		switch {
		case len(f.Statuses) == 0 && !a.Status.open(),
			len(f.Statuses) > 0 && !slices.Contains(f.Statuses, a.Status),
			len(f.Families) > 0 && !slices.Contains(f.Families, a.Event.TypeFamily()),
			f.Within > 0 && now.Sub(a.Event.Time) > f.Within,
			f.HideDrills && a.Drill:
			continue
		}
		out = append(out, a)
	}
	return out
}

func queueOrder(a, b *Alert) int {
	return cmp.Or(cmp.Compare(b.Event.Severity.Rank(), a.Event.Severity.Rank()),
		b.Event.Time.Compare(a.Event.Time), cmp.Compare(a.Subject, b.Subject))
}

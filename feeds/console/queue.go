package console

import (
	"cmp"
	"slices"
	"time"

	"safetynet/feeds/event"
)

// Include says which alerts of a kind (drills, shelved ones) a Filter
// shows.
type Include int

// Includes. The zero value is each field's default.
const (
	// Default: drills are shown with the rest; shelved alerts are left
	// out.
	Default Include = iota
	// Both shows them with the rest.
	Both
	// Without leaves them out.
	Without
	// Only shows them alone.
	Only
)

// pass reports whether an alert that is (or is not) of the kind passes,
// with def standing for Default.
func (i Include) pass(is bool, def Include) bool {
	if i == Default {
		i = def
	}
	switch i {
	case Without:
		return !is
	case Only:
		return is
	}
	return true
}

// Filter selects alerts of the queue. The zero value selects the open
// alerts of every family and severity, of any time, drills included,
// shelved ones left out.
type Filter struct {
	// Statuses to show; empty: the open ones (new, acknowledged, assigned).
	Statuses []Status
	// Families are type families (fire, intrusion, access, ...); empty: all.
	Families []string
	// Within keeps alerts whose latest event time is at most this long
	// before now; 0: any time.
	Within time.Duration
	// HideDrills leaves out exercise and test traffic, as Drills Without.
	HideDrills bool
	// MinSeverity keeps alerts at least this severe (Alert.Severity);
	// "": any. Severities keeps those of one of these; empty: any.
	MinSeverity event.Severity
	Severities  []event.Severity
	// Drills: Default and Both show drills with the rest, Without leaves
	// them out, Only shows drills alone.
	Drills Include
	// Shelved: Default and Without leave shelved alerts out, Both shows
	// them with the rest, Only shows the shelf alone.
	Shelved Include
}

// Queue returns the alerts of s that f selects, in the order of s.Alerts
// (Compare: most severe first, then not chattering before chattering, then
// newest first alarm, then by subject). The order of two alerts changes
// only when one's Severity or Chattering changes or it is reopened, so the
// Subject is a stable row key; Hold keeps rows still while the operator
// points at the list. Alerts with a Warning are included.
func (s Snapshot) Queue(f Filter, now time.Time) []Alert {
	var out []Alert
	drills := f.Drills
	if f.HideDrills && drills == Default {
		drills = Without
	}
	for _, a := range s.Alerts {
		switch {
		case len(f.Statuses) == 0 && !a.Status.open(),
			len(f.Statuses) > 0 && !slices.Contains(f.Statuses, a.Status),
			len(f.Families) > 0 && !slices.Contains(f.Families, a.Event.TypeFamily()),
			f.Within > 0 && now.Sub(a.Event.Time) > f.Within,
			f.MinSeverity != "" && severity(&a).Rank() < f.MinSeverity.Rank(),
			len(f.Severities) > 0 && !slices.Contains(f.Severities, severity(&a)),
			!drills.pass(a.Drill, Both),
			!f.Shelved.pass(a.Shelved(now), Without):
			continue
		}
		out = append(out, a)
	}
	return out
}

// severity is the alert's Severity, its event's for records without one.
func severity(a *Alert) event.Severity {
	if a.Severity != "" {
		return a.Severity
	}
	return a.Event.Severity
}

// first is the time of the alert's first alarm, its event's for records
// without one.
func first(a *Alert) time.Time {
	if !a.First.IsZero() {
		return a.First
	}
	return a.Event.Time
}

// Compare is the queue order: negative when a comes before b. Most
// severe first (Alert.Severity), then alerts not chattering before
// chattering ones, then the newest first alarm (Alert.First), then by
// subject. Folded repeats change none of these, so rows do not jump to
// the top with every repeat.
func Compare(a, b *Alert) int {
	chat := func(a *Alert) int {
		if a.Chattering {
			return 1
		}
		return 0
	}
	return cmp.Or(cmp.Compare(severity(b).Rank(), severity(a).Rank()), cmp.Compare(chat(a), chat(b)),
		first(b).Compare(first(a)), cmp.Compare(a.Subject, b.Subject))
}

// Hold keeps the rows of a list still while the operator points at it
// or has scrolled it: shown are the subjects on screen, top first, and q
// the queue now. It returns the alerts of q in the order of shown for
// those still in q, then the alerts new to the list in queue order, and
// how many of those were added at the end (arrived): show a banner when
// one of them (the first is the most severe) would sort above the view.
// Rows that left q are dropped; nothing else moves.
func Hold(q []Alert, shown []string) (rows []Alert, arrived int) {
	at := make(map[string]int, len(shown))
	for i, s := range shown {
		if _, dup := at[s]; !dup {
			at[s] = i
		}
	}
	rows = make([]Alert, 0, len(q))
	var fresh []Alert
	for _, a := range q {
		if _, ok := at[a.Subject]; ok {
			rows = append(rows, a)
		} else {
			fresh = append(fresh, a)
		}
	}
	slices.SortStableFunc(rows, func(a, b Alert) int { return cmp.Compare(at[a.Subject], at[b.Subject]) })
	return append(rows, fresh...), len(fresh)
}

package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxShiftDays bounds how many days nextLate looks through.
const maxShiftDays = 400

// shift is a daily shift, in minutes after midnight; end is after start
// and past 1440 when the shift crosses midnight.
type shift struct{ start, end int }

// parseShifts reads "HH:MM-HH:MM" shifts separated by commas: "24:00" may
// end a shift, an end at or before the start crosses midnight
// ("22:00-06:00"; "08:00-08:00" lasts a day). "" is no shifts.
func parseShifts(s string) ([]shift, error) {
	var out []shift
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, b, ok := strings.Cut(part, "-")
		start, ok1 := clockMinutes(strings.TrimSpace(a))
		end, ok2 := clockMinutes(strings.TrimSpace(b))
		if !ok || !ok1 || !ok2 || start == 24*60 {
			return nil, fmt.Errorf("shift %q is not HH:MM-HH:MM (e.g. 08:00-16:00 or 22:00-06:00)", preview(part))
		}
		if end <= start {
			end += 24 * 60
		}
		out = append(out, shift{start, end})
	}
	return out, nil
}

// clockMinutes reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func clockMinutes(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) || h[0] == '+' || m[0] == '+' {
		return 0, false
	}
	return hh*60 + mm, true
}

// nextLate returns the first time after lastLate at which a checkpoint
// last passed at ref is late: within a shift occurrence [s, e), at
// base + i*period + grace for i = 1, 2, ... with base = max(ref, s) and
// period = (e - s) / rounds, before e. It returns the period too; ok is
// false when there is none within maxShiftDays.
func nextLate(shifts []shift, rounds int, grace time.Duration, ref, lastLate time.Time, loc *time.Location) (at time.Time, period time.Duration, ok bool) {
	from := ref
	if lastLate.After(from) {
		from = lastLate
	}
	if rounds <= 0 {
		return time.Time{}, 0, false
	}
	f := from.In(loc)
	day := time.Date(f.Year(), f.Month(), f.Day()-1, 0, 0, 0, 0, loc)
	found := -1
	for d := 0; d < maxShiftDays; d++ {
		y, mo, dd := day.Date()
		for _, sh := range shifts {
			s := time.Date(y, mo, dd, 0, sh.start, 0, 0, loc)
			e := time.Date(y, mo, dd, 0, sh.end, 0, 0, loc)
			if !e.After(from) {
				continue
			}
			p := e.Sub(s) / time.Duration(rounds)
			if p <= 0 {
				continue
			}
			base := s
			if ref.After(base) {
				base = ref
			}
			i := int64(1)
			if x := lastLate.Sub(base) - grace; !lastLate.IsZero() && x >= 0 {
				i = int64(x/p) + 1
			}
			t := base.Add(time.Duration(i)*p + grace)
			if !t.Before(e) {
				continue
			}
			if !ok || t.Before(at) {
				at, period, ok = t, p, true
			}
		}
		// A shift of the next day may overlap one that crosses midnight.
		if ok && found < 0 {
			found = d
		} else if ok {
			return at, period, true
		}
		day = time.Date(y, mo, dd+1, 0, 0, 0, 0, loc)
	}
	return at, period, ok
}

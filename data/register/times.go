package register

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A time cell of an MSEL is either a scenario time (an offset from the
// start) or a clock time (time of day, maybe with a date), which becomes
// an offset from the earliest clock time of the sheet.
type when struct {
	d     time.Duration // the offset, or the clock time since day 0
	clock bool
}

var (
	clockRe  = regexp.MustCompile(`^(\d{1,2})(?::(\d{2}))?(?::(\d{2}(?:\.\d+)?))?\s*([ap])\.?\s*m\.?$`)
	colonsRe = regexp.MustCompile(`^(\d+):(\d{1,2}(?:\.\d+)?)(?::(\d{1,2}(?:\.\d+)?))?$`)
	isoRe    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}`)
	dayRe    = regexp.MustCompile(`^(?:day\s*|d\s*\+?\s*|第\s*)?(\d{1,3})\s*(?:天|日)?$`)
)

// excelEpoch is day 0 of Excel's date serial numbers (1900 date system).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseWhen reads a time cell. It accepts t+mm:ss, t+hh:mm:ss (a
// fraction of a second allowed), t+ followed by a Go duration (t+90s),
// clock times hh:mm and hh:mm:ss (a first part of 24 or more makes it an
// offset: 90:00 is 90 minutes), 12-hour clock times (07:29 PM), Excel
// time-of-day fractions (0.4583333 is 11:00), Excel date serial numbers
// and ISO dates with a time. ok is false for an empty cell.
func parseWhen(s string) (w when, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return when{}, false, nil
	}
	low := strings.ToLower(s)
	bad := fmt.Errorf("%q is not a time (write t+mm:ss, hh:mm:ss or 07:29 PM)", s)
	if rest, found := cutPrefix(low, "t+", "t +", "+"); found {
		d, err := parseDuration(strings.TrimSpace(rest))
		if err != nil {
			return when{}, false, bad
		}
		return when{d: d}, true, nil
	}
	if strings.HasPrefix(low, "t-") || strings.HasPrefix(low, "-") {
		return when{}, false, fmt.Errorf("%q is before the start of the scenario", s)
	}
	if m := clockRe.FindStringSubmatch(low); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi := 0
		if m[2] != "" {
			mi, _ = strconv.Atoi(m[2])
		}
		var sec float64
		if m[3] != "" {
			sec, _ = strconv.ParseFloat(m[3], 64)
		}
		if h < 1 || h > 12 || mi > 59 || sec >= 60 {
			return when{}, false, bad
		}
		h %= 12
		if m[4] == "p" {
			h += 12
		}
		return when{d: time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec*float64(time.Second)), clock: true}, true, nil
	}
	if m := colonsRe.FindStringSubmatch(low); m != nil {
		a, err1 := strconv.Atoi(m[1])
		if err1 != nil || a > 1e6 {
			return when{}, false, bad
		}
		if m[3] == "" { // a:b
			b, _ := strconv.ParseFloat(m[2], 64)
			if b >= 60 {
				return when{}, false, bad
			}
			if a >= 24 { // mm:ss beyond a day's hours: an offset
				return when{d: time.Duration(a)*time.Minute + time.Duration(b*float64(time.Second))}, true, nil
			}
			if strings.Contains(m[2], ".") {
				return when{}, false, bad
			}
			return when{d: time.Duration(a)*time.Hour + time.Duration(b)*time.Minute, clock: true}, true, nil
		}
		b, err2 := strconv.Atoi(m[2])
		c, _ := strconv.ParseFloat(m[3], 64)
		if err2 != nil || b > 59 || c >= 60 {
			return when{}, false, bad
		}
		d := time.Duration(a)*time.Hour + time.Duration(b)*time.Minute + time.Duration(c*float64(time.Second))
		return when{d: d, clock: a < 24}, true, nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		switch {
		case math.IsNaN(v) || v < 0:
			return when{}, false, bad
		case v < 1: // a time of day
			return when{d: roundMS(v * 24 * float64(time.Hour)), clock: true}, true, nil
		case v >= 1000 && v < 100000: // a date and time serial number
			return when{d: roundMS(v * 24 * float64(time.Hour)), clock: true}, true, nil
		}
		return when{}, false, bad
	}
	if isoRe.MatchString(s) {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
			if t, err := time.Parse(layout, s); err == nil {
				return when{d: t.Sub(excelEpoch), clock: true}, true, nil
			}
		}
		return when{}, false, bad
	}
	if d, err := time.ParseDuration(low); err == nil && d >= 0 {
		return when{d: d}, true, nil
	}
	return when{}, false, bad
}

func roundMS(ns float64) time.Duration {
	return time.Duration(math.Round(ns/1e6)) * time.Millisecond
}

func cutPrefix(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest, true
		}
	}
	return s, false
}

// parseDuration reads a duration: mm:ss or hh:mm:ss (a fraction of a
// second allowed, minutes beyond 59 allowed in mm:ss), a Go duration
// (90s, 1m30s) or a number of seconds. Empty is zero.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	bad := fmt.Errorf("%q is not a duration (write mm:ss, 90s or 1m30s)", s)
	if m := colonsRe.FindStringSubmatch(s); m != nil {
		a, err := strconv.Atoi(m[1])
		if err != nil || a > 1e6 {
			return 0, bad
		}
		if m[3] == "" {
			b, _ := strconv.ParseFloat(m[2], 64)
			if b >= 60 {
				return 0, bad
			}
			return time.Duration(a)*time.Minute + time.Duration(math.Round(b*1e9)), nil
		}
		b, err := strconv.Atoi(m[2])
		c, _ := strconv.ParseFloat(m[3], 64)
		if err != nil || b > 59 || c >= 60 {
			return 0, bad
		}
		return time.Duration(a)*time.Hour + time.Duration(b)*time.Minute + time.Duration(math.Round(c*1e9)), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return 0, fmt.Errorf("%q is negative", s)
		}
		return d, nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 0 && v < 1e9 {
		return time.Duration(math.Round(v * 1e9)), nil
	}
	return 0, bad
}

// fmtOffset writes a scenario time as t+mm:ss, minutes beyond 59 as they
// are, a fraction of a second only when there is one.
func fmtOffset(d time.Duration) string {
	m := d / time.Minute
	rest := d - m*time.Minute
	s := rest / time.Second
	ns := rest - s*time.Second
	out := fmt.Sprintf("t+%02d:%02d", m, s)
	if ns > 0 {
		out += strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
	}
	return out
}

// fmtDuration writes a deadline as a Go duration (90s is "1m30s"); zero
// is empty.
func fmtDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// fmtClock writes a clock time of day.
func fmtClock(d time.Duration) string {
	d %= 24 * time.Hour
	return fmt.Sprintf("%02d:%02d:%02d", d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second)
}

// parseDay reads a Day cell: 1, "Day 2", "D+3", "第2天".
func parseDay(s string) (int, bool) {
	m := dayRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

package console

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"safetynet/data/testenv"
	"safetynet/feeds/cap"
	"safetynet/feeds/event"
)

func capMessage(t *testing.T, seq int64, rel string) event.Message {
	t.Helper()
	b, err := os.ReadFile(testenv.SharedData(t, "cap/"+rel))
	if err != nil {
		t.Fatal(err)
	}
	e, err := cap.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	// Through the envelope, as the hub streams it.
	data, err := event.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	var back event.Event
	if err := back.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	return event.Message{Seq: seq, Publisher: "cap", Received: e.Time, State: event.Fresh, Event: back}
}

// TestConsoleLanguage: a bilingual CAP alert is shown in the console's
// language (English when it has none of its own), and an alert in one
// language only in that language, through its Update and Cancel chain.
func TestConsoleLanguage(t *testing.T) {
	m := capMessage(t, 1, "real/google-caplib-canada.cap")
	now := m.Event.Time.Add(time.Minute)
	for _, tc := range []struct{ lang, want string }{
		{"", "severe thunderstorm watch"},
		{"en", "severe thunderstorm watch"},
		{"fr", "veille d'orages violents"},
		{"zh_Hans", "severe thunderstorm watch"},
	} {
		c := New(Options{Language: tc.lang})
		c.Apply(m, now)
		s := c.Snapshot(now)
		var titles []string
		for _, a := range s.Alerts {
			titles = append(titles, a.Event.Title)
		}
		for _, a := range s.Info {
			titles = append(titles, a.Event.Title)
		}
		if len(titles) != 1 || titles[0] != tc.want {
			t.Errorf("console %q shows %q, want %q", tc.lang, titles, tc.want)
		}
	}

	files, err := filepath.Glob(filepath.Join(testenv.SharedData(t, "cap/zh"), "fifows_extremely-rain_*.cap"))
	if err != nil || len(files) != 4 {
		t.Fatalf("the Alert, Update, Update, Cancel chain: %v %d files", err, len(files))
	}
	sort.Strings(files)
	c := New(Options{Language: "en"})
	var last time.Time
	for i, f := range files {
		m := capMessage(t, int64(i+1), "zh/"+filepath.Base(f))
		last = m.Event.Time.Add(time.Second)
		c.Apply(m, last)
		if i == len(files)-1 {
			break
		}
		s := c.Snapshot(last)
		n := 0
		for _, a := range append(s.Alerts, s.Info...) {
			n++
			if !strings.HasSuffix(a.Event.Title, "雨特報") {
				t.Errorf("after %s: title %q", filepath.Base(f), a.Event.Title)
			}
		}
		if n != 1 {
			t.Errorf("after %s: %d alerts, want the one updated", filepath.Base(f), n)
		}
	}
	s := c.Snapshot(last)
	for _, a := range append(s.Alerts, s.Info...) {
		if a.Status.open() {
			t.Errorf("after the Cancel: %q still open (%s)", a.Event.Title, a.Status)
		}
	}
}

package replay_test

import (
	"testing"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/replay"
)

// FuzzNew: any row data, of any kind, is either replayed or named in the
// error; nothing panics, and seeking works on what was read.
func FuzzNew(f *testing.F) {
	rows, _ := session(&testing.T{}, nil)
	for _, r := range rows[:40] {
		f.Add(r.Kind, r.Data, int64(r.Time.Sub(t0)))
	}
	f.Add("observation", []byte(`{"text":1}`), int64(0))
	f.Add("rule", []byte(`{"kind":"unshelve","note":"shelf time over"}`), int64(-5))
	f.Fuzz(func(t *testing.T, kind string, data []byte, off int64) {
		in := append(rows[:20:20], store.LogRow{Time: t0.Add(time.Duration(off)), Kind: kind, Data: data})
		l, _ := replay.New(in, replay.Options{Console: opt, Every: 5})
		from, to := l.Span()
		l.At(from)
		l.At(to)
		l.At(from.Add(to.Sub(from) / 2))
		l.Next(from, replay.MarkAny)
		l.Prev(to, replay.MarkAny)
	})
}

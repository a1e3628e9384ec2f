package console

import (
	"maps"
	"slices"
)

// Clone returns a deep copy of the console: the same picture, workflow,
// alarm counts, chattering sources and removed units, so that applying
// the same messages to both gives the same snapshots. The copy has no
// pending changes (TakeChanges on it returns nothing until it changes)
// and no save error. Events are shared: the console never changes an
// event once applied. Replay keeps copies as checkpoints of a log.
func (c *Console) Clone() *Console {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := &Console{opt: c.opt, version: c.version, lastSeq: c.lastSeq, changes: newChanges(), recent: c.recent,
		alerts: make(map[string]*alertRec, len(c.alerts)), units: make(map[string]*Unit, len(c.units)),
		info: make(map[string]*Alert, len(c.info)), ids: maps.Clone(c.ids), gone: maps.Clone(c.gone),
		folds: maps.Clone(c.folds), sources: make(map[string]*chatter, len(c.sources)),
		rate: rate{b: slices.Clone(c.rate.b)}}
	for s, a := range c.alerts {
		x := *a
		x.Actions = slices.Clone(a.Actions)
		x.folded = slices.Clone(a.folded)
		n.alerts[s] = &x
	}
	for s, u := range c.units {
		x := *u
		x.Trail = slices.Clone(u.Trail)
		n.units[s] = &x
	}
	for s, a := range c.info {
		x := *a
		x.Actions = slices.Clone(a.Actions)
		n.info[s] = &x
	}
	for s, ch := range c.sources {
		n.sources[s] = &chatter{times: slices.Clone(ch.times), on: ch.on, last: ch.last}
	}
	return n
}

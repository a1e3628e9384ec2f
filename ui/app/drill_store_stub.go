package app

// STUB: scenarios are kept in memory, one set per open GeoPackage, until
// the store keeps them itself. scenariosFor becomes `return s` (the
// *store.Store satisfies drill.Scenarios) and this file goes.

import (
	"context"
	"errors"
	"sort"
	"sync"

	"safetynet/data/store"
	"safetynet/ui/drill"
)

// memScenarios keeps scenarios in memory; safe for concurrent use.
type memScenarios struct {
	mu  sync.Mutex
	all map[string]store.Scenario
}

var (
	memMu     sync.Mutex
	memByFile = map[*store.Store]*memScenarios{}
)

// scenariosFor returns where the scenarios of s are kept (nil when no
// file is open).
func scenariosFor(s *store.Store) drill.Scenarios {
	if s == nil {
		return nil
	}
	memMu.Lock()
	defer memMu.Unlock()
	m, ok := memByFile[s]
	if !ok {
		m = &memScenarios{all: map[string]store.Scenario{}}
		memByFile[s] = m
	}
	return m
}

// Scenarios returns the scenarios by code.
func (m *memScenarios) Scenarios(ctx context.Context) ([]store.Scenario, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Scenario
	for _, sc := range m.all {
		out = append(out, sc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// SaveScenario keeps sc under its code.
func (m *memScenarios) SaveScenario(ctx context.Context, sc store.Scenario) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if sc.Code == "" {
		return errors.New("store: scenario without a code")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.all[sc.Code] = sc
	return nil
}

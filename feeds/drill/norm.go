package drill

import (
	"math"
	"slices"
	"time"

	"safetynet/data/store"
)

// Norm is a response norm as data: its steps, each a time limit on an
// interval of the chain judged at a percentile of the alarms.
type Norm struct {
	// Name is the norm's code: store.NormMFS135 or store.NormNFPA1710.
	Name  string
	Steps []NormStep
}

// NormStep is one requirement of a norm: the interval from step From
// ("" is StepReceived) to step To must be at most Limit for Percentile
// per cent of the alarms it applies to (nearest rank, see Percentile).
// Family, when set, limits it to alarms of that type family ("fire",
// "medical"): NFPA 1710's turnout differs for fire and EMS.
type NormStep struct {
	Name       string
	From, To   string
	Limit      time.Duration
	Percentile float64
	Family     string
}

// Norm135 is the community micro fire station "1-3-5" (公消〔2015〕301号):
// respond (acknowledged) within 1 minute, on scene within 3, joint
// action within 5, each for every alarm (the 100th percentile). Joint
// action is the second assigned unit on scene; with at most one unit
// assigned, the alarm's resolve (see AlarmChain.Joint).
func Norm135() Norm {
	return Norm{Name: store.NormMFS135, Steps: []NormStep{
		{Name: "respond", To: StepAck, Limit: time.Minute, Percentile: 100},
		{Name: "on scene", To: StepOnScene, Limit: 3 * time.Minute, Percentile: 100},
		{Name: "joint action", To: StepJoint, Limit: 5 * time.Minute, Percentile: 100},
	}}
}

// NormNFPA1710 is NFPA 1710: alarm answering (received to acknowledged)
// 15 s at the 95th percentile; turnout (assigned to moving) 60 s for
// medical alarms and 80 s for fire alarms, and first-unit travel (moving
// to on scene) 240 s, at the 90th percentile.
func NormNFPA1710() Norm {
	return Norm{Name: store.NormNFPA1710, Steps: []NormStep{
		{Name: "alarm answering", To: StepAck, Limit: 15 * time.Second, Percentile: 95},
		{Name: "turnout (EMS)", From: StepAssign, To: StepMoving, Limit: 60 * time.Second, Percentile: 90, Family: "medical"},
		{Name: "turnout (fire)", From: StepAssign, To: StepMoving, Limit: 80 * time.Second, Percentile: 90, Family: "fire"},
		{Name: "first-unit travel", From: StepMoving, To: StepOnScene, Limit: 240 * time.Second, Percentile: 90},
	}}
}

// NormByName returns the norm of a scenario's Norm field: NormNFPA1710
// for store.NormNFPA1710, Norm135 otherwise (the default).
func NormByName(name string) Norm {
	if name == store.NormNFPA1710 {
		return NormNFPA1710()
	}
	return Norm135()
}

// applies reports whether the step is judged for the alarm c.
func (s NormStep) applies(c *AlarmChain) bool {
	if s.Family == "" {
		return true
	}
	f, _, _ := cutDot(c.Type)
	return f == s.Family
}

func cutDot(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of values by the
// nearest-rank method: the smallest value such that at least p per cent
// of the values are at most it, i.e. the value of rank ⌈p/100 · n⌉ in
// ascending order (rank 1 for p ≤ 100/n). ok is false for no values or
// p outside (0, 100]. values is not changed.
func Percentile(values []time.Duration, p float64) (v time.Duration, ok bool) {
	if len(values) == 0 || !(p > 0 && p <= 100) {
		return 0, false
	}
	s := slices.Clone(values)
	slices.Sort(s)
	return s[rank(len(s), p)-1], true
}

// rank is the nearest rank of the p-th percentile of n values.
func rank(n int, p float64) int {
	// p/100*n in integer-friendly form, so that 90 % of 10 is exactly 9.
	r := int(math.Ceil(p*float64(n)/100 - 1e-9))
	return max(1, min(n, r))
}

// StepResult is one norm step for one alarm.
type StepResult struct {
	Step NormStep
	// Applies is false when the step does not apply to the alarm (another
	// type family); Reached is false when the alarm never got to the
	// step; Met is true when it did within the limit.
	Applies, Reached, Met bool
	Value                 time.Duration
}

// AlarmScore is one alarm's chain judged against the norm.
type AlarmScore struct {
	Chain AlarmChain
	Steps []StepResult
}

// StepScore is one norm step over a group of alarms: N alarms it applies
// to, how many reached the step and how many within the limit, the
// value at the step's percentile (Reached false when the percentile
// falls on an alarm that never reached the step: a step not reached
// counts as slower than any reached) and whether the group passes.
type StepScore struct {
	Step         NormStep
	N            int
	Reached, Met int
	Value        time.Duration
	ValueReached bool
	Pass         bool
}

// GroupScore is the score of a group of alarms (every alarm, one team,
// one alarm type, one drill): its key, how many alarms, and each step.
type GroupScore struct {
	Key   string
	Count int
	Steps []StepScore
}

// Scorecard is the chains judged against a norm: per alarm, for all of
// them, and per team, alarm type and drill (groups ordered by key; the
// alarms with no team, or no drill, in the group with key "").
type Scorecard struct {
	Norm   string
	Alarms []AlarmScore
	All    GroupScore
	Teams  []GroupScore
	Types  []GroupScore
	Drills []GroupScore
}

// Score judges the chains against norm. It is deterministic: the same
// chains in the same order give the same scorecard.
func Score(chains []AlarmChain, norm Norm) Scorecard {
	sc := Scorecard{Norm: norm.Name}
	for i := range chains {
		c := &chains[i]
		as := AlarmScore{Chain: *c}
		for _, st := range norm.Steps {
			r := StepResult{Step: st, Applies: st.applies(c)}
			if r.Applies {
				r.Value, r.Reached = c.Between(st.From, st.To)
				r.Met = r.Reached && r.Value <= st.Limit
			}
			as.Steps = append(as.Steps, r)
		}
		sc.Alarms = append(sc.Alarms, as)
	}
	sc.All = group("", sc.Alarms, norm)
	sc.Teams = groups(sc.Alarms, norm, func(c *AlarmChain) string { return c.Team })
	sc.Types = groups(sc.Alarms, norm, func(c *AlarmChain) string { return c.Type })
	sc.Drills = groups(sc.Alarms, norm, func(c *AlarmChain) string { return c.DrillID })
	return sc
}

func groups(alarms []AlarmScore, norm Norm, key func(*AlarmChain) string) []GroupScore {
	by := map[string][]AlarmScore{}
	for _, a := range alarms {
		k := key(&a.Chain)
		by[k] = append(by[k], a)
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]GroupScore, 0, len(keys))
	for _, k := range keys {
		out = append(out, group(k, by[k], norm))
	}
	return out
}

func group(key string, alarms []AlarmScore, norm Norm) GroupScore {
	g := GroupScore{Key: key, Count: len(alarms)}
	for i, st := range norm.Steps {
		s := StepScore{Step: st}
		var reached []time.Duration
		for _, a := range alarms {
			r := a.Steps[i]
			if !r.Applies {
				continue
			}
			s.N++
			if r.Reached {
				s.Reached++
				reached = append(reached, r.Value)
				if r.Met {
					s.Met++
				}
			}
		}
		if s.N > 0 {
			if k := rank(s.N, st.Percentile); k <= len(reached) {
				slices.Sort(reached)
				s.Value, s.ValueReached = reached[k-1], true
				s.Pass = s.Value <= st.Limit
			}
		}
		g.Steps = append(g.Steps, s)
	}
	return g
}

// ProposeRatings proposes a rating for each objective of sc from the
// expectations its injects met in chains (the chains of one run: Chain
// with ChainOptions.DrillID). For each inject serving the objective
// whose alarm is in chains, each expectation with a deadline
// (Expect.AckWithin, AssignWithin, OnSceneWithin, ResolveWithin) is met
// when the chain reached that step within the deadline of Received; an
// inject never sent (a contingency not needed) is not judged. The
// proposal is P when every expectation was met, S when at least two
// thirds were, M when at least one third, U below; an objective with no
// expectation judged gets no proposal (Proposed ""). Ratings are in the
// order of sc.Objectives; Rating and Note are left for the evaluator.
func ProposeRatings(sc store.Scenario, chains []AlarmChain) []store.Rating {
	byInject := map[string]*AlarmChain{}
	for i := range chains {
		c := &chains[i]
		if c.Inject != "" && byInject[c.Inject] == nil {
			byInject[c.Inject] = c
		}
	}
	out := make([]store.Rating, 0, len(sc.Objectives))
	for _, o := range sc.Objectives {
		met, total := 0, 0
		for _, in := range sc.Injects {
			c := byInject[in.Number]
			if in.Objective != o.Code || c == nil {
				continue
			}
			for _, x := range []struct {
				step   string
				within time.Duration
			}{{StepAck, in.Expect.AckWithin}, {StepAssign, in.Expect.AssignWithin},
				{StepOnScene, in.Expect.OnSceneWithin}, {StepResolve, in.Expect.ResolveWithin}} {
				if x.within <= 0 {
					continue
				}
				total++
				if d, ok := c.Since(x.step); ok && d <= x.within {
					met++
				}
			}
		}
		out = append(out, store.Rating{Objective: o.Code, Proposed: proposal(met, total)})
	}
	return out
}

func proposal(met, total int) string {
	switch {
	case total == 0:
		return ""
	case met == total:
		return store.RatingP
	case 3*met >= 2*total:
		return store.RatingS
	case 3*met >= total:
		return store.RatingM
	}
	return store.RatingU
}

// Scaled returns the chain with each step's time from Received
// multiplied by speed: the response in scenario time of a drill run at
// that speed (a tabletop at 60×), for Score and ProposeRatings. A pause
// inside the response is not taken out. speed ≤ 0 returns c unchanged.
func Scaled(c AlarmChain, speed float64) AlarmChain {
	if !(speed > 0) || speed == 1 || math.IsInf(speed, 0) {
		return c
	}
	for _, t := range []*time.Time{&c.Opened, &c.Acked, &c.Assigned, &c.Moving, &c.OnScene, &c.Joint, &c.Resolved} {
		if !t.IsZero() {
			*t = c.Received.Add(scale(t.Sub(c.Received), speed))
		}
	}
	return c
}

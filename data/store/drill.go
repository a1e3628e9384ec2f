package store

import (
	"time"

	"github.com/paulmach/orb"
)

// A drill scenario and its Master Scenario Events List (MSEL) are kept in
// the GeoPackage beside the community's layers, in attributes tables, so
// that one file holds the community and its drills. Scenario time is an
// offset from the drill's start (t+mm:ss); it never depends on wall-clock
// time, so a pause moves when an inject is due on the clock, never its
// scenario time.

// Scenario is a drill scenario: its code, names, objectives, the plan or
// hazard it exercises, the norm its response is scored against, and its
// injects in order.
type Scenario struct {
	// Code is the scenario's unique code, e.g. "DR-FIRE-SHED".
	Code string
	Names
	// Description is the scenario's narrative.
	Description Texts
	// Exercises is the code of the emergency plan or hazard the scenario
	// exercises (may be empty).
	Exercises string
	// Norm is the response norm: NormMFS135 (default) or NormNFPA1710.
	Norm       string
	Objectives []Objective
	// Injects are kept in order of Number within their offsets; an inject
	// without a time (Timed false) keeps its place in the list.
	Injects []Inject
	Created time.Time
	Updated time.Time
}

// Response norms a scenario can be scored against.
const (
	// NormMFS135 is the community micro fire station "1-3-5": respond
	// within 1 minute, on scene within 3, joint action within 5.
	NormMFS135 = "1-3-5"
	// NormNFPA1710 is NFPA 1710: alarm answering 15 s (95 %), turnout
	// 60 s EMS / 80 s fire, first-unit travel 240 s, at the 90th
	// percentile.
	NormNFPA1710 = "nfpa1710"
)

// Texts is a text in the local language with Chinese and English
// versions, as Names is for names.
type Texts struct {
	Text, TextZh, TextEn string
}

// Label returns the text in lang ("zh" or "en"), falling back to the
// other language and then the local text.
func (t Texts) Label(lang string) string {
	return Names{Name: t.Text, NameZh: t.TextZh, NameEn: t.TextEn}.Label(lang)
}

// Objective is one exercise objective, e.g. "O1: alarm acknowledged and a
// unit sent within the 1-3-5 norm".
type Objective struct {
	Code string
	Text Texts
	// Capability is the capability or function it exercises (HSEEP core
	// capability, or the plan's group: fire-fighting, evacuation...).
	Capability string
}

// Inject formats: how an inject's event is sent through the hub.
const (
	FormatJSON = "json"
	FormatCAP  = "cap"
	FormatCoT  = "cot"
)

// Inject is one line of the MSEL: an event the controllers send at a
// scenario time, and what the players are expected to do about it.
type Inject struct {
	// Number is the inject's number in the MSEL, unique in the scenario:
	// "1", "5-A".
	Number string
	// Offset is the scenario time (t+mm:ss); meaningful when Timed.
	Offset time.Duration
	// Timed is false for an inject without a time (an MSEL whose order is
	// its only schedule); it is sent when the director triggers it.
	Timed bool
	// Kind is InjectPrimary, InjectContingent or InjectContextual.
	Kind string

	// What happens: the event sent, its type (fire.smoke...), severity
	// (minor ... extreme), titles and message text, and the format it goes
	// out in (FormatJSON, FormatCAP, FormatCoT; empty for an inject that
	// is delivered by other means, e.g. a phone call acted by a
	// controller).
	Type     string
	Severity string
	Title    Texts
	Message  Texts
	Format   string

	// Where: a feature by code (camera, gate, building, key area,
	// checkpoint...) or a drawn point or polygon (EPSG:4326). Location
	// is the text the MSEL gave when it names no known code.
	LocationCode string
	Geometry     orb.Geometry
	Location     string

	// Source is the simulated source of the event ("sensor:SD-19",
	// "camera:CAM-012", "resident:phone").
	Source string
	// From is the simulated sender, To the intended players (a team or
	// the console), Method how the MSEL says it is delivered (email,
	// phone, radio, in person), Controller who injects it.
	From, To, Method, Controller string

	// Expect are the expected actions with their deadlines;
	// ExpectedAction is the MSEL's own text of them.
	Expect         Expect
	ExpectedAction Texts
	// Objective is the code of the objective it serves.
	Objective string
	// Notes are the evaluator's notes.
	Notes string

	// Condition, for a contingency inject, is when it fires; nil for an
	// inject sent at its time.
	Condition *Condition
}

// Inject kinds.
const (
	InjectPrimary    = "primary"
	InjectContingent = "contingent"
	InjectContextual = "contextual"
)

// Expect are the actions expected in answer to an inject, each a deadline
// after the inject is sent; zero means not expected.
type Expect struct {
	AckWithin    time.Duration
	AssignWithin time.Duration
	// OnSceneWithin is the deadline for a unit within OnSceneRadius
	// metres (default DefaultOnSceneRadius) of the place.
	OnSceneWithin time.Duration
	OnSceneRadius float64
	ResolveWithin time.Duration
}

// DefaultOnSceneRadius is how near a unit must be to an alarm, in metres,
// to count as on scene.
const DefaultOnSceneRadius = 15.0

// Condition fires a contingency inject when the inject After was not
// answered by Missing within Within of being sent.
type Condition struct {
	// After is the Number of the inject it depends on.
	After string
	// Missing is the step not reached: StepAck, StepAssign, StepOnScene or
	// StepResolve.
	Missing string
	Within  time.Duration
}

// Steps of the response chain a condition can wait for.
const (
	StepAck     = "ack"
	StepAssign  = "assign"
	StepOnScene = "on_scene"
	StepResolve = "resolve"
)

// DrillRun is one run of a scenario: its drill ID (carried by every
// inject, observation and action of the run, so several drills and live
// traffic never mix), when it started and ended (wall-clock time), who
// took part, and its evaluation.
type DrillRun struct {
	ID       string
	Scenario string
	Names
	Started, Ended time.Time
	// Scope is what the run covered (tabletop, functional, full-scale;
	// the buildings and teams involved).
	Scope        string
	Participants []string
	Ratings      []Rating
	Corrective   []CorrectiveAction
}

// Ratings of an objective (HSEEP): performed without challenges, with
// some challenges, with major challenges, unable to be performed.
const (
	RatingP = "P"
	RatingS = "S"
	RatingM = "M"
	RatingU = "U"
)

// Rating is an objective's rating in a run: the one proposed from the
// expectations met, and the evaluator's (empty until edited).
type Rating struct {
	Objective string
	Proposed  string
	Rating    string
	Note      string
}

// CorrectiveAction is one line of the improvement plan: what must
// improve, for which objective, who owns it and by when, and where it
// stands; kept in the store so that it is followed up.
type CorrectiveAction struct {
	ID        int64
	Drill     string
	Objective string
	Text      string
	Owner     string
	Start     time.Time
	Due       time.Time
	// Status is "open", "in_progress" or "done".
	Status string
	Done   time.Time
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Drill scenarios, their runs and the improvement plan are kept in five
// attributes tables beside the layers, created the first time one is
// saved (a file without them reads as holding no drills):
//
//   - drill_scenarios: one row per scenario; its objectives as JSON.
//   - drill_injects: one row per inject, in the scenario's order (seq);
//     times and deadlines in milliseconds (offset_ms NULL for an inject
//     without a time), the drawn place as GeoJSON text (EPSG:4326).
//   - drill_runs: one row per run, participants as a JSON array.
//   - drill_ratings: the objectives' ratings of each run, in order.
//   - drill_corrective_actions: the improvement plan, one row per action.
//
// None is one of the map layers, and writing them does not clear the tile
// sets rendered from the basemap. Durations and times are stored to the
// millisecond.

// Table names of the drills.
const (
	DrillScenariosTable         = "drill_scenarios"
	DrillInjectsTable           = "drill_injects"
	DrillRunsTable              = "drill_runs"
	DrillRatingsTable           = "drill_ratings"
	DrillCorrectiveActionsTable = "drill_corrective_actions"
)

// ErrNotFound is wrapped by the error of a lookup (a scenario, a drill
// run, a location code) that finds nothing.
var ErrNotFound = errors.New("store: not found")

// CorrectiveStatuses are the states of a corrective action.
var CorrectiveStatuses = []string{"open", "in_progress", "done"}

const drillDDL = `
CREATE TABLE drill_scenarios (
  code TEXT PRIMARY KEY NOT NULL,
  name TEXT, name_zh TEXT, name_en TEXT,
  description TEXT, description_zh TEXT, description_en TEXT,
  exercises TEXT,
  norm TEXT,
  objectives TEXT,
  created DATETIME,
  updated DATETIME
);
CREATE TABLE drill_injects (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  scenario TEXT NOT NULL,
  seq INTEGER NOT NULL,
  number TEXT NOT NULL,
  offset_ms INTEGER,
  kind TEXT,
  type TEXT,
  severity TEXT,
  title TEXT, title_zh TEXT, title_en TEXT,
  message TEXT, message_zh TEXT, message_en TEXT,
  format TEXT,
  location_code TEXT,
  location TEXT,
  geometry TEXT,
  source TEXT,
  sender TEXT,
  recipients TEXT,
  method TEXT,
  controller TEXT,
  expect_ack_ms INTEGER,
  expect_assign_ms INTEGER,
  expect_on_scene_ms INTEGER,
  on_scene_radius REAL,
  expect_resolve_ms INTEGER,
  expected_action TEXT, expected_action_zh TEXT, expected_action_en TEXT,
  objective TEXT,
  notes TEXT,
  condition_after TEXT,
  condition_missing TEXT,
  condition_within_ms INTEGER,
  UNIQUE (scenario, number)
);
CREATE INDEX drill_injects_scenario ON drill_injects(scenario, seq);
CREATE TABLE drill_runs (
  id TEXT PRIMARY KEY NOT NULL,
  scenario TEXT NOT NULL,
  name TEXT, name_zh TEXT, name_en TEXT,
  started DATETIME,
  ended DATETIME,
  scope TEXT,
  participants TEXT
);
CREATE INDEX drill_runs_scenario ON drill_runs(scenario, started);
CREATE TABLE drill_ratings (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  run TEXT NOT NULL,
  seq INTEGER NOT NULL,
  objective TEXT NOT NULL,
  proposed TEXT,
  rating TEXT,
  note TEXT
);
CREATE INDEX drill_ratings_run ON drill_ratings(run, seq);
CREATE TABLE drill_corrective_actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  drill TEXT NOT NULL,
  objective TEXT,
  text TEXT NOT NULL,
  owner TEXT,
  start DATETIME,
  due DATETIME,
  status TEXT NOT NULL,
  done DATETIME
);
CREATE INDEX drill_corrective_actions_drill ON drill_corrective_actions(drill, id);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
 ('drill_scenarios', 'attributes', 'drill_scenarios', 'Drill scenarios: code, names, objectives, norm'),
 ('drill_injects', 'attributes', 'drill_injects', 'Master Scenario Events List: the injects of each drill scenario, in order'),
 ('drill_runs', 'attributes', 'drill_runs', 'Runs of drill scenarios'),
 ('drill_ratings', 'attributes', 'drill_ratings', 'Ratings of the objectives of each drill run (P, S, M, U)'),
 ('drill_corrective_actions', 'attributes', 'drill_corrective_actions', 'Improvement plan: corrective actions after drills');
`

// ensureDrill creates the drill tables when the file lacks them. A file
// that has drill_scenarios has them all: they are created together.
func (tx *Tx) ensureDrill() error {
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", DrillScenariosTable).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.tx.ExecContext(tx.ctx, drillDDL); err != nil {
		return fmt.Errorf("create the drill tables: %w", err)
	}
	return nil
}

func (tx *Tx) touchDrill(tables ...string) error {
	for _, t := range tables {
		if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?`, t); err != nil {
			return err
		}
	}
	return nil
}

// ms stores a duration in milliseconds.
func ms(d time.Duration) int64 { return d.Milliseconds() }

func fromMS(v sql.NullInt64) time.Duration { return time.Duration(v.Int64) * time.Millisecond }

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SaveScenario writes sc with its injects in one transaction, replacing a
// scenario of the same code whole (injects it no longer has are gone). It
// is checked first with Validate (without location codes): when wrong,
// the error wraps ErrInvalidScenario, lists every problem, and nothing is
// written. Created is kept from the stored scenario (or set now when new
// and zero); Updated is set now. Safe for concurrent use.
func (s *Store) SaveScenario(ctx context.Context, sc Scenario) error {
	if s.readOnly {
		return fmt.Errorf("%w: %s: drill scenarios cannot be saved; open the file for writing", ErrReadOnly, s.path)
	}
	if errs := sc.Validate(nil); len(errs) > 0 {
		return fmt.Errorf("%w %s: %w", ErrInvalidScenario, sc.Code, errors.Join(errs...))
	}
	return s.Update(ctx, func(tx *Tx) error { return tx.SaveScenario(ctx, sc) })
}

// SaveScenario is Store.SaveScenario inside the transaction tx, so that a
// scenario can be written with the features it names.
func (tx *Tx) SaveScenario(ctx context.Context, sc Scenario) error {
	s := tx.s
	if errs := sc.Validate(nil); len(errs) > 0 {
		return fmt.Errorf("%w %s: %w", ErrInvalidScenario, sc.Code, errors.Join(errs...))
	}
	objectives, err := json.Marshal(sc.Objectives)
	if err != nil {
		return fmt.Errorf("store: drill scenario %s: objectives: %w", sc.Code, err)
	}
	geoms := make([]any, len(sc.Injects))
	for i, in := range sc.Injects {
		if in.Geometry == nil {
			continue
		}
		b, err := geojson.NewGeometry(in.Geometry).MarshalJSON()
		if err != nil {
			return fmt.Errorf("store: drill scenario %s: inject %s: geometry: %w", sc.Code, in.Number, err)
		}
		geoms[i] = string(b)
	}
	now := time.Now()
	if err := tx.ensureDrill(); err != nil {
		return s.wrap(err)
	}
	var created any
	err = tx.tx.QueryRowContext(ctx, "SELECT created FROM drill_scenarios WHERE code = ?", sc.Code).Scan(&created)
	switch {
	case err == sql.ErrNoRows:
		if sc.Created.IsZero() {
			sc.Created = now
		}
	case err != nil:
		return s.wrap(err)
	default:
		if t, err := scanTime(created); err == nil && !t.IsZero() {
			sc.Created = t
		} else if sc.Created.IsZero() {
			sc.Created = now
		}
	}
	for _, q := range []string{"DELETE FROM drill_injects WHERE scenario = ?", "DELETE FROM drill_scenarios WHERE code = ?"} {
		if _, err := tx.tx.ExecContext(ctx, q, sc.Code); err != nil {
			return s.wrap(err)
		}
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO drill_scenarios (code, name, name_zh, name_en, description, description_zh, description_en,
 exercises, norm, objectives, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sc.Code, nullText(sc.Name), nullText(sc.NameZh), nullText(sc.NameEn),
		nullText(sc.Description.Text), nullText(sc.Description.TextZh), nullText(sc.Description.TextEn),
		nullText(sc.Exercises), nullText(sc.Norm), string(objectives), fmtTime(sc.Created), fmtTime(now)); err != nil {
		return s.wrap(fmt.Errorf("drill_scenarios: %s: %w", sc.Code, err))
	}
	st, err := tx.tx.PrepareContext(ctx, `INSERT INTO drill_injects (scenario, seq, number, offset_ms, kind, type, severity,
 title, title_zh, title_en, message, message_zh, message_en, format, location_code, location, geometry, source,
 sender, recipients, method, controller, expect_ack_ms, expect_assign_ms, expect_on_scene_ms, on_scene_radius, expect_resolve_ms,
 expected_action, expected_action_zh, expected_action_en, objective, notes, condition_after, condition_missing, condition_within_ms)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return s.wrap(err)
	}
	defer st.Close()
	for i, in := range sc.Injects {
		var offset, after, missing, within any
		if in.Timed {
			offset = ms(in.Offset)
		}
		if c := in.Condition; c != nil {
			after, missing, within = c.After, c.Missing, ms(c.Within)
		}
		e := in.Expect
		if _, err := st.ExecContext(ctx, sc.Code, i, in.Number, offset, nullText(in.Kind), nullText(in.Type), nullText(in.Severity),
			nullText(in.Title.Text), nullText(in.Title.TextZh), nullText(in.Title.TextEn),
			nullText(in.Message.Text), nullText(in.Message.TextZh), nullText(in.Message.TextEn),
			nullText(in.Format), nullText(in.LocationCode), nullText(in.Location), geoms[i], nullText(in.Source),
			nullText(in.From), nullText(in.To), nullText(in.Method), nullText(in.Controller),
			ms(e.AckWithin), ms(e.AssignWithin), ms(e.OnSceneWithin), e.OnSceneRadius, ms(e.ResolveWithin),
			nullText(in.ExpectedAction.Text), nullText(in.ExpectedAction.TextZh), nullText(in.ExpectedAction.TextEn),
			nullText(in.Objective), nullText(in.Notes), after, missing, within); err != nil {
			return s.wrap(fmt.Errorf("drill_injects: %s inject %s: %w", sc.Code, in.Number, err))
		}
	}
	return s.wrap(tx.touchDrill(DrillScenariosTable, DrillInjectsTable))
}

// Scenario returns the scenario of code with its injects; an error
// wrapping ErrNotFound when there is none.
func (s *Store) Scenario(ctx context.Context, code string) (Scenario, error) {
	out, err := s.scenarios(ctx, code)
	if err != nil {
		return Scenario{}, err
	}
	if len(out) == 0 {
		return Scenario{}, fmt.Errorf("%w: %s has no drill scenario %q", ErrNotFound, s.path, code)
	}
	return out[0], nil
}

// Scenarios returns every scenario with its injects, ordered by code;
// none when the file holds no drills.
func (s *Store) Scenarios(ctx context.Context) ([]Scenario, error) {
	return s.scenarios(ctx, "")
}

// scenarios reads the scenario of code, or all when code is "".
func (s *Store) scenarios(ctx context.Context, code string) ([]Scenario, error) {
	ok, err := s.hasTable(ctx, DrillScenariosTable)
	if err != nil || !ok {
		return nil, err
	}
	where, args := "", []any{}
	if code != "" {
		where, args = " WHERE code = ?", []any{code}
	}
	q, err := s.r.QueryContext(ctx, `SELECT code, name, name_zh, name_en, description, description_zh, description_en,
 exercises, norm, objectives, created, updated FROM drill_scenarios`+where+` ORDER BY code`, args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	var out []Scenario
	index := map[string]int{}
	for q.Next() {
		var sc Scenario
		var t [9]sql.NullString
		var created, updated any
		if err := q.Scan(&sc.Code, &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7], &t[8], &created, &updated); err != nil {
			q.Close()
			return nil, s.wrap(err)
		}
		sc.Name, sc.NameZh, sc.NameEn = t[0].String, t[1].String, t[2].String
		sc.Description = Texts{t[3].String, t[4].String, t[5].String}
		sc.Exercises, sc.Norm = t[6].String, t[7].String
		if t[8].String != "" && t[8].String != "null" {
			if err := json.Unmarshal([]byte(t[8].String), &sc.Objectives); err != nil {
				q.Close()
				return nil, fmt.Errorf("store: %s: drill scenario %s: objectives: %w", s.path, sc.Code, err)
			}
		}
		if sc.Created, err = scanTime(created); err != nil {
			q.Close()
			return nil, fmt.Errorf("store: %s: drill scenario %s: created: %w", s.path, sc.Code, err)
		}
		if sc.Updated, err = scanTime(updated); err != nil {
			q.Close()
			return nil, fmt.Errorf("store: %s: drill scenario %s: updated: %w", s.path, sc.Code, err)
		}
		index[sc.Code] = len(out)
		out = append(out, sc)
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, s.wrap(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	where = ""
	if code != "" {
		where = " WHERE scenario = ?"
	}
	q, err = s.r.QueryContext(ctx, `SELECT scenario, number, offset_ms, kind, type, severity,
 title, title_zh, title_en, message, message_zh, message_en, format, location_code, location, geometry, source,
 sender, recipients, method, controller, expect_ack_ms, expect_assign_ms, expect_on_scene_ms, on_scene_radius, expect_resolve_ms,
 expected_action, expected_action_zh, expected_action_en, objective, notes, condition_after, condition_missing, condition_within_ms
 FROM drill_injects`+where+` ORDER BY scenario, seq`, args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer q.Close()
	for q.Next() {
		var scen string
		var in Inject
		var t [25]sql.NullString
		var offset, ack, assign, onScene, resolve, within sql.NullInt64
		var radius sql.NullFloat64
		if err := q.Scan(&scen, &in.Number, &offset, &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7], &t[8], &t[9],
			&t[10], &t[11], &t[12], &t[13], &t[14], &t[15], &t[16], &t[17], &ack, &assign, &onScene, &radius, &resolve,
			&t[18], &t[19], &t[20], &t[21], &t[22], &t[23], &t[24], &within); err != nil {
			return nil, s.wrap(err)
		}
		in.Timed, in.Offset = offset.Valid, fromMS(offset)
		in.Kind, in.Type, in.Severity = t[0].String, t[1].String, t[2].String
		in.Title = Texts{t[3].String, t[4].String, t[5].String}
		in.Message = Texts{t[6].String, t[7].String, t[8].String}
		in.Format, in.LocationCode, in.Location = t[9].String, t[10].String, t[11].String
		if t[12].String != "" {
			g, err := geojson.UnmarshalGeometry([]byte(t[12].String))
			if err != nil {
				return nil, fmt.Errorf("store: %s: drill scenario %s: inject %s: geometry: %w", s.path, scen, in.Number, err)
			}
			in.Geometry = g.Geometry()
		}
		in.Source, in.From, in.To, in.Method, in.Controller = t[13].String, t[14].String, t[15].String, t[16].String, t[17].String
		in.Expect = Expect{AckWithin: fromMS(ack), AssignWithin: fromMS(assign), OnSceneWithin: fromMS(onScene),
			OnSceneRadius: radius.Float64, ResolveWithin: fromMS(resolve)}
		in.ExpectedAction = Texts{t[18].String, t[19].String, t[20].String}
		in.Objective, in.Notes = t[21].String, t[22].String
		if t[23].Valid {
			in.Condition = &Condition{After: t[23].String, Missing: t[24].String, Within: fromMS(within)}
		}
		i, ok := index[scen]
		if !ok {
			continue // injects of a scenario row deleted by another program
		}
		out[i].Injects = append(out[i].Injects, in)
	}
	return out, s.wrap(q.Err())
}

// DeleteScenario removes the scenario of code and its injects; its runs
// and corrective actions stay, as the record of what was done. An error
// wraps ErrNotFound when there is no such scenario.
func (s *Store) DeleteScenario(ctx context.Context, code string) error {
	if s.readOnly {
		return fmt.Errorf("%w: %s", ErrReadOnly, s.path)
	}
	return s.Update(ctx, func(tx *Tx) error {
		if err := tx.ensureDrill(); err != nil {
			return s.wrap(err)
		}
		res, err := tx.tx.ExecContext(ctx, "DELETE FROM drill_scenarios WHERE code = ?", code)
		if err != nil {
			return s.wrap(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %s has no drill scenario %q", ErrNotFound, s.path, code)
		}
		if _, err := tx.tx.ExecContext(ctx, "DELETE FROM drill_injects WHERE scenario = ?", code); err != nil {
			return s.wrap(err)
		}
		return s.wrap(tx.touchDrill(DrillScenariosTable, DrillInjectsTable))
	})
}

// SaveDrillRun writes the run r with its ratings in one transaction,
// replacing a run of the same ID and its ratings. Its corrective actions
// are saved as by SaveCorrectiveAction (for drill r.ID), in the same
// transaction; actions already stored and not in r.Corrective are kept.
// r.ID and r.Scenario are required.
func (s *Store) SaveDrillRun(ctx context.Context, r DrillRun) error {
	if s.readOnly {
		return fmt.Errorf("%w: %s: drill runs cannot be saved; open the file for writing", ErrReadOnly, s.path)
	}
	if strings.TrimSpace(r.ID) == "" || strings.TrimSpace(r.Scenario) == "" {
		return fmt.Errorf("store: drill run: ID and scenario are required (got %q, %q)", r.ID, r.Scenario)
	}
	for i, rt := range r.Ratings {
		if rt.Objective == "" {
			return fmt.Errorf("store: drill run %s: rating %d: objective is required", r.ID, i+1)
		}
		for _, v := range []string{rt.Proposed, rt.Rating} {
			if v != "" && v != RatingP && v != RatingS && v != RatingM && v != RatingU {
				return fmt.Errorf("store: drill run %s: rating of %s: %q is not P, S, M or U", r.ID, rt.Objective, v)
			}
		}
	}
	for i := range r.Corrective {
		r.Corrective[i].Drill = r.ID
		if err := checkCorrective(r.Corrective[i]); err != nil {
			return err
		}
	}
	parts, err := json.Marshal(r.Participants)
	if err != nil {
		return err
	}
	return s.Update(ctx, func(tx *Tx) error {
		if err := tx.ensureDrill(); err != nil {
			return s.wrap(err)
		}
		for _, q := range []string{"DELETE FROM drill_ratings WHERE run = ?", "DELETE FROM drill_runs WHERE id = ?"} {
			if _, err := tx.tx.ExecContext(ctx, q, r.ID); err != nil {
				return s.wrap(err)
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO drill_runs (id, scenario, name, name_zh, name_en, started, ended, scope, participants)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Scenario, nullText(r.Name), nullText(r.NameZh), nullText(r.NameEn),
			fmtTime(r.Started), fmtTime(r.Ended), nullText(r.Scope), string(parts)); err != nil {
			return s.wrap(fmt.Errorf("drill_runs: %s: %w", r.ID, err))
		}
		for i, rt := range r.Ratings {
			if _, err := tx.tx.ExecContext(ctx, "INSERT INTO drill_ratings (run, seq, objective, proposed, rating, note) VALUES (?, ?, ?, ?, ?, ?)",
				r.ID, i, rt.Objective, nullText(rt.Proposed), nullText(rt.Rating), nullText(rt.Note)); err != nil {
				return s.wrap(fmt.Errorf("drill_ratings: %s: %w", r.ID, err))
			}
		}
		for _, a := range r.Corrective {
			if _, err := tx.saveCorrective(a); err != nil {
				return err
			}
		}
		return s.wrap(tx.touchDrill(DrillRunsTable, DrillRatingsTable, DrillCorrectiveActionsTable))
	})
}

// DrillRun returns the run id with its ratings and corrective actions; an
// error wrapping ErrNotFound when there is none.
func (s *Store) DrillRun(ctx context.Context, id string) (DrillRun, error) {
	runs, err := s.drillRuns(ctx, "id", id)
	if err != nil {
		return DrillRun{}, err
	}
	if len(runs) == 0 {
		return DrillRun{}, fmt.Errorf("%w: %s has no drill run %q", ErrNotFound, s.path, id)
	}
	return runs[0], nil
}

// DrillRuns returns the runs of scenario ("" for every scenario's), in
// order of start, each with its ratings and corrective actions.
func (s *Store) DrillRuns(ctx context.Context, scenario string) ([]DrillRun, error) {
	if scenario == "" {
		return s.drillRuns(ctx, "", "")
	}
	return s.drillRuns(ctx, "scenario", scenario)
}

func (s *Store) drillRuns(ctx context.Context, col, val string) ([]DrillRun, error) {
	ok, err := s.hasTable(ctx, DrillRunsTable)
	if err != nil || !ok {
		return nil, err
	}
	where, args := "", []any{}
	if col != "" {
		where, args = " WHERE "+col+" = ?", []any{val}
	}
	q, err := s.r.QueryContext(ctx, "SELECT id, scenario, name, name_zh, name_en, started, ended, scope, participants FROM drill_runs"+where+" ORDER BY started, id", args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	var out []DrillRun
	for q.Next() {
		var r DrillRun
		var t [5]sql.NullString
		var started, ended any
		if err := q.Scan(&r.ID, &r.Scenario, &t[0], &t[1], &t[2], &started, &ended, &t[3], &t[4]); err != nil {
			q.Close()
			return nil, s.wrap(err)
		}
		r.Name, r.NameZh, r.NameEn, r.Scope = t[0].String, t[1].String, t[2].String, t[3].String
		if t[4].String != "" && t[4].String != "null" {
			if err := json.Unmarshal([]byte(t[4].String), &r.Participants); err != nil {
				q.Close()
				return nil, fmt.Errorf("store: %s: drill run %s: participants: %w", s.path, r.ID, err)
			}
		}
		if r.Started, err = scanTime(started); err == nil {
			r.Ended, err = scanTime(ended)
		}
		if err != nil {
			q.Close()
			return nil, fmt.Errorf("store: %s: drill run %s: %w", s.path, r.ID, err)
		}
		out = append(out, r)
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, s.wrap(err)
	}
	for i := range out {
		if out[i].Ratings, err = s.ratings(ctx, out[i].ID); err != nil {
			return nil, err
		}
		if out[i].Corrective, err = s.CorrectiveActions(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) ratings(ctx context.Context, run string) ([]Rating, error) {
	q, err := s.r.QueryContext(ctx, "SELECT objective, proposed, rating, note FROM drill_ratings WHERE run = ? ORDER BY seq", run)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer q.Close()
	var out []Rating
	for q.Next() {
		var r Rating
		var p, v, n sql.NullString
		if err := q.Scan(&r.Objective, &p, &v, &n); err != nil {
			return nil, s.wrap(err)
		}
		r.Proposed, r.Rating, r.Note = p.String, v.String, n.String
		out = append(out, r)
	}
	return out, s.wrap(q.Err())
}

func checkCorrective(a CorrectiveAction) error {
	if strings.TrimSpace(a.Drill) == "" || strings.TrimSpace(a.Text) == "" {
		return fmt.Errorf("store: corrective action: drill and text are required")
	}
	if a.Status != "" {
		ok := false
		for _, s := range CorrectiveStatuses {
			ok = ok || a.Status == s
		}
		if !ok {
			return fmt.Errorf("store: corrective action of drill %s: status %q is not one of %s", a.Drill, a.Status, strings.Join(CorrectiveStatuses, ", "))
		}
	}
	return nil
}

// SaveCorrectiveAction writes a: a new action when a.ID is 0, otherwise
// it replaces action a.ID (an error wrapping ErrNotFound when there is no
// such action). It returns the action's ID. An empty status is stored as
// "open".
func (s *Store) SaveCorrectiveAction(ctx context.Context, a CorrectiveAction) (int64, error) {
	if s.readOnly {
		return 0, fmt.Errorf("%w: %s", ErrReadOnly, s.path)
	}
	if err := checkCorrective(a); err != nil {
		return 0, err
	}
	var id int64
	err := s.Update(ctx, func(tx *Tx) error {
		if err := tx.ensureDrill(); err != nil {
			return s.wrap(err)
		}
		var err error
		if id, err = tx.saveCorrective(a); err != nil {
			return err
		}
		return s.wrap(tx.touchDrill(DrillCorrectiveActionsTable))
	})
	return id, err
}

func (tx *Tx) saveCorrective(a CorrectiveAction) (int64, error) {
	if a.Status == "" {
		a.Status = "open"
	}
	args := []any{a.Drill, nullText(a.Objective), a.Text, nullText(a.Owner), fmtTime(a.Start), fmtTime(a.Due), a.Status, fmtTime(a.Done)}
	if a.ID == 0 {
		res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO drill_corrective_actions (drill, objective, text, owner, start, due, status, done)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return 0, tx.s.wrap(err)
		}
		id, err := res.LastInsertId()
		return id, tx.s.wrap(err)
	}
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE drill_corrective_actions SET drill = ?, objective = ?, text = ?, owner = ?, start = ?, due = ?,
 status = ?, done = ? WHERE id = ?`, append(args, a.ID)...)
	if err != nil {
		return 0, tx.s.wrap(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, fmt.Errorf("%w: %s has no corrective action %d", ErrNotFound, tx.s.path, a.ID)
	}
	return a.ID, nil
}

// CorrectiveActions returns the corrective actions of drill run drill (""
// for all), in the order they were added.
func (s *Store) CorrectiveActions(ctx context.Context, drill string) ([]CorrectiveAction, error) {
	ok, err := s.hasTable(ctx, DrillCorrectiveActionsTable)
	if err != nil || !ok {
		return nil, err
	}
	where, args := "", []any{}
	if drill != "" {
		where, args = " WHERE drill = ?", []any{drill}
	}
	q, err := s.r.QueryContext(ctx, "SELECT id, drill, objective, text, owner, start, due, status, done FROM drill_corrective_actions"+where+" ORDER BY id", args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer q.Close()
	var out []CorrectiveAction
	for q.Next() {
		var a CorrectiveAction
		var obj, owner sql.NullString
		var start, due, done any
		if err := q.Scan(&a.ID, &a.Drill, &obj, &a.Text, &owner, &start, &due, &a.Status, &done); err != nil {
			return nil, s.wrap(err)
		}
		a.Objective, a.Owner = obj.String, owner.String
		if a.Start, err = scanTime(start); err == nil {
			if a.Due, err = scanTime(due); err == nil {
				a.Done, err = scanTime(done)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("store: %s: corrective action %d: %w", s.path, a.ID, err)
		}
		out = append(out, a)
	}
	return out, s.wrap(q.Err())
}

// codeLayers are the layers whose features a location code may name, in
// the order PlaceOf looks: by their code column, or their OSM id
// ("way/123") for layers without codes.
var codeLayers = []string{Cameras, AccessPoints, KeyAreas, Checkpoints, FireEquipment, Hazards, PatrolRoutes, Facilities, Buildings}

// codeColumns returns the columns of layer that hold codes a location
// code may match: code, and osm_id.
func (s *Store) codeColumns(layer string) []string {
	t, err := s.table(layer)
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range t.cols {
		if c.Name == "code" || c.Name == "osm_id" {
			out = append(out, c.Name)
		}
	}
	return out
}

// FeatureCodes returns a lookup telling whether a code (trimmed, case
// ignored) names a feature of the community: the code of a camera, access
// point, key area, checkpoint, piece of fire equipment, hazard or patrol
// route, or the OSM id of one of those, a facility or a building. The
// lookup is a snapshot of the codes when called; it is safe for
// concurrent use.
func (s *Store) FeatureCodes(ctx context.Context) (func(code string) bool, error) {
	codes := map[string]bool{}
	for _, layer := range codeLayers {
		for _, col := range s.codeColumns(layer) {
			q, err := s.r.QueryContext(ctx, fmt.Sprintf("SELECT DISTINCT lower(trim(%s)) FROM %s WHERE %[1]s IS NOT NULL AND %[1]s != ''", quote(col), quote(layer)))
			if err != nil {
				return nil, s.wrap(err)
			}
			for q.Next() {
				var c string
				if err := q.Scan(&c); err != nil {
					q.Close()
					return nil, s.wrap(err)
				}
				codes[c] = true
			}
			q.Close()
			if err := q.Err(); err != nil {
				return nil, s.wrap(err)
			}
		}
	}
	return func(code string) bool { return codes[strings.ToLower(strings.TrimSpace(code))] }, nil
}

// PlaceOf returns the geometry (EPSG:4326) and layer of the feature a
// location code names, as FeatureCodes matches it, looking through the
// layers in a fixed order (cameras, access points, key areas,
// checkpoints, fire equipment, hazards, patrol routes, facilities,
// buildings) and taking the lowest fid; an error wrapping ErrNotFound
// when none has it.
func (s *Store) PlaceOf(ctx context.Context, code string) (orb.Geometry, string, error) {
	key := strings.ToLower(strings.TrimSpace(code))
	if key == "" {
		return nil, "", fmt.Errorf("%w: empty location code", ErrNotFound)
	}
	for _, layer := range codeLayers {
		t, err := s.table(layer)
		if err != nil {
			continue
		}
		for _, col := range s.codeColumns(layer) {
			var blob []byte
			err := s.r.QueryRowContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE lower(trim(%s)) = ? ORDER BY %s LIMIT 1",
				quote(t.geomCol), quote(layer), quote(col), quote(t.pk)), key).Scan(&blob)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return nil, "", s.wrap(err)
			}
			if blob == nil {
				return nil, layer, nil
			}
			g, _, err := DecodeGeometry(blob)
			if err != nil {
				return nil, "", fmt.Errorf("store: %s: %s %q: %w", s.path, layer, code, err)
			}
			return g, layer, nil
		}
	}
	return nil, "", fmt.Errorf("%w: %s has no feature with code %q", ErrNotFound, s.path, code)
}

package drill

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/feeds/console"
	"safetynet/feeds/event"
	"safetynet/feeds/hub"
)

// startHub runs an in-process hub and returns its URL and an operator
// token.
func startHub(t *testing.T) (string, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "hub.db")
	toks, err := store.OpenTokens(db)
	if err != nil {
		t.Fatal(err)
	}
	op, err := toks.Add(context.Background(), "director", store.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := hub.New(hub.Config{DB: db, Tokens: toks, Rate: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.CloseClientConnections(); srv.Close(); hs.Close(); toks.Close() })
	return hs.URL, op
}

// operator is a scripted duty operator at a real console: it opens and
// acknowledges each new alert half a wall second (30 s of scenario at
// 60×) after it arrives, except inject 1 which it leaves until the
// escalation comes; then it sends the first free simulated unit, and
// resolves an alert once its unit is on scene.
type operator struct {
	t     *testing.T
	con   *console.Console
	pub   *client.Publisher
	units []Unit
	busy  map[string]string // unit title -> alert subject
	acted map[string]bool
}

func (o *operator) act(ctx context.Context, kind, subject, unit string, now time.Time) {
	e, err := console.NewAction(kind, subject, "wang", unit, "", now)
	if err != nil {
		o.t.Error(err)
		return
	}
	if o.con.Check(e) != nil {
		return
	}
	o.con.Apply(event.Message{Event: e}, now)
	data, _ := event.Encode(e)
	o.pub.Publish(ctx, data)
}

func (o *operator) step(ctx context.Context) {
	now := time.Now()
	snap := o.con.Snapshot(now)
	escalated := false
	for _, a := range snap.Alerts {
		if _, _, n := DrillOf(&a.Event); n == "1-A" {
			escalated = true
		}
	}
	units := map[string]orb.Point{}
	for _, u := range snap.Units {
		if p, ok := u.Event.Geometry.(orb.Point); ok {
			units[u.Event.Title] = p
		}
	}
	for _, a := range snap.Alerts {
		_, _, n := DrillOf(&a.Event)
		switch a.Status {
		case console.StatusNew:
			o.con.Opened(a.Subject, "wang", now)
			if now.Sub(a.Received) < 500*time.Millisecond || (n == "1" && !escalated) {
				continue
			}
			o.act(ctx, console.ActionAck, a.Subject, "", now)
		case console.StatusAcknowledged:
			if a.Event.Geometry == nil || !a.Drill {
				o.act(ctx, console.ActionResolve, a.Subject, "", now)
				continue
			}
			for _, u := range o.units {
				if o.busy[u.Title] == "" {
					o.busy[u.Title] = a.Subject
					o.act(ctx, console.ActionAssign, a.Subject, u.Title, now)
					break
				}
			}
		case console.StatusAssigned:
			if p, ok := units[a.AssignedTo]; ok && distance(p, a.Event.Geometry) <= store.DefaultOnSceneRadius {
				o.act(ctx, console.ActionResolve, a.Subject, "", now)
				delete(o.busy, a.AssignedTo)
			}
		}
	}
}

func TestDrillEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("a 13-second drill through a hub")
	}
	url, token := startHub(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := client.Options{URL: url, Token: token, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second}
	pub := client.NewPublisher(opt, 1024, nil)
	go pub.Run(ctx)

	sc := demo.Scenario()
	feet, walls := Obstacles(demo.Community())
	station := orb.Point{121.601744, 31.199019} // the micro fire station
	var units []Unit
	for i := 1; i <= 4; i++ {
		units = append(units, Unit{Subject: fmt.Sprintf("mfs:%d", i), Title: fmt.Sprintf("微型消防站%d组", i), Team: "微型消防站", At: east(station, float64(i))})
	}
	const drillID = "DR-FIRE-EBIKE-20260501"
	r, err := NewRunner(sc, RunOptions{DrillID: drillID, Name: sc.NameEn, Speed: 60, Language: "zh", Publish: pub.Publish,
		Place: Places(demo.Community()), Responders: NewResponders(units, ResponderOptions{Speed: 3, Path: FootPaths(feet, walls, 2000)})})
	if err != nil {
		t.Fatal(err)
	}

	con := console.New(console.Options{Language: "zh"})
	var mu sync.Mutex
	var got []event.Event
	sawEnd := make(chan struct{})
	sub := client.NewSubscriber(opt, 0)
	subCtx, stopSub := context.WithCancel(ctx)
	subDone := make(chan struct{})
	go func() {
		defer close(subDone)
		sub.Run(subCtx, func(m event.Message) error {
			con.Apply(m, time.Now())
			r.Saw(m)
			mu.Lock()
			got = append(got, m.Event)
			mu.Unlock()
			if m.Event.Type == console.TypeDrillEnd {
				close(sawEnd)
			}
			return nil
		})
	}()

	op := &operator{t: t, con: con, pub: pub, units: units, busy: map[string]string{}}
	opDone := make(chan struct{})
	opCtx, stopOp := context.WithCancel(ctx)
	go func() {
		defer close(opDone)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-opCtx.Done():
				return
			case <-tick.C:
				op.step(opCtx)
			}
		}
	}()

	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(ctx) }()
	r.Start()
	// A real alert during the drill: a perimeter intrusion at the south wall.
	time.Sleep(3 * time.Second)
	realAlert := event.Event{ID: "real-cam-016", Type: "intrusion.perimeter", Severity: event.Severe, Time: time.Now(),
		Geometry: orb.Point{121.596229, 31.194991}, Source: "camera:CAM-016", Title: "南围墙 1号杆 周界入侵"}
	data, _ := event.Encode(realAlert)
	pub.Publish(ctx, data)

	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		st := r.Status()
		if st.At > 13*time.Minute+30*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.Stop()
	if err := <-runDone; err != nil {
		t.Fatalf("Run: %v", err)
	}
	select {
	case <-sawEnd:
	case <-time.After(10 * time.Second):
		t.Fatal("drill.end never came back from the hub")
	}
	stopOp()
	<-opDone
	time.Sleep(100 * time.Millisecond) // the hub's echo of the last actions
	stopSub()
	<-subDone

	// Every inject sent through the hub arrived marked as drill traffic.
	mu.Lock()
	arrived := map[string]bool{}
	for _, e := range got {
		id, _, n := DrillOf(&e)
		if e.Type == "patrol.position" || e.Type == console.TypeDrillEnd || e.Op == event.Ack {
			continue
		}
		if e.ID == realAlert.ID {
			if e.IsDrill() || id != "" {
				t.Errorf("the real alert came as drill traffic: %+v", e)
			}
			continue
		}
		if !e.IsDrill() || id != drillID || n == "" {
			t.Errorf("event %s (%s) is not marked as the drill's: status %s, drill %q, inject %q", e.ID, e.Format, e.Status, id, n)
		}
		arrived[n] = true
	}
	mu.Unlock()
	for _, in := range sc.Injects {
		if in.Format != "" && !arrived[in.Number] {
			t.Errorf("inject %s (%s) never arrived", in.Number, in.Format)
		}
	}
	for _, s := range r.Status().Injects {
		if s.State == StatePending || s.State == StateLate {
			t.Logf("inject %s: %s, %v late (a busy machine)", s.Number, s.State, s.Late)
		}
	}

	_, _, log := con.TakeChanges()
	chains := Chain(log, ChainOptions{DrillID: drillID})
	byInject := map[string]AlarmChain{}
	for _, c := range chains {
		if !c.Drill {
			t.Errorf("alarm %s in the drill's chains is not drill traffic", c.Subject)
		}
		byInject[c.Inject] = c
	}
	for _, n := range []string{"1", "2", "3", "1-A", "4", "5", "7", "9"} {
		if _, ok := byInject[n]; !ok {
			t.Errorf("no chain for inject %s", n)
		}
	}
	one := byInject["1"]
	// The escalation goes out 2 s (2 minutes of scenario) after inject 1;
	// the deliveries' latencies differ by some milliseconds.
	if d, ok := one.Since(StepAck); !ok || d < 1500*time.Millisecond {
		t.Errorf("inject 1 acknowledged after %v (%v), want after the escalation, 2 s of wall time after it", d, ok)
	}
	if _, ok := one.Since(StepOnScene); !ok || one.Team != "微型消防站" {
		t.Errorf("inject 1: no unit on scene (team %q, unit %q)", one.Team, one.Unit)
	}
	if one.Opened.IsZero() || one.Opened.After(one.Acked) {
		t.Errorf("inject 1 opened %v, acknowledged %v", one.Opened, one.Acked)
	}
	real := Chain(log, ChainOptions{Real: true})
	if len(real) != 1 || real[0].Subject != realAlert.ID {
		t.Errorf("real alarms: %d, want the intrusion alone", len(real))
	}
	for _, c := range chains {
		if c.Subject == realAlert.ID {
			t.Error("the real alert is in the drill's metrics")
		}
	}
	for _, c := range chains {
		t.Logf("inject %-3s %-20s ack %6v scene %6v resolved %6v (wall)", c.Inject, c.Type, since(c, StepAck), since(c, StepOnScene), since(c, StepResolve))
	}

	// The recorded log, replayed into a fresh console, gives the same
	// chains.
	again := console.New(console.Options{Language: "zh"})
	for _, row := range log {
		switch row.Kind {
		case "event", "action":
			var m event.Message
			if err := json.Unmarshal(row.Data, &m); err != nil {
				t.Fatalf("log row %d: %v", row.Seq, err)
			}
			again.Apply(m, row.Time)
		case console.LogView:
			again.Opened(row.Subject, row.Operator, row.Time)
		}
	}
	_, _, log2 := again.TakeChanges()
	if len(log2) != len(log) {
		t.Errorf("replayed log has %d rows, the first %d", len(log2), len(log))
	}
	for _, o := range []ChainOptions{{DrillID: drillID}, {Real: true}, {}} {
		a, b := Chain(log, o), Chain(log2, o)
		if !chainsEqual(a, b) || !sameGeometry(a, b) {
			t.Errorf("replay with %+v: chains differ\n first %+v\nreplay %+v", o, a, b)
		}
	}
	sc2 := Score(chains, NormByName(sc.Norm))
	if len(sc2.Alarms) != len(chains) || len(sc2.All.Steps) != 3 {
		t.Errorf("scorecard: %d alarms, %d steps", len(sc2.Alarms), len(sc2.All.Steps))
	}
	scaled := make([]AlarmChain, len(chains))
	for i, c := range chains {
		scaled[i] = Scaled(c, 60)
	}
	for _, rt := range ProposeRatings(sc, scaled) {
		t.Logf("objective %s: proposed %q", rt.Objective, rt.Proposed)
	}
}

func since(c AlarmChain, step string) string {
	if d, ok := c.Since(step); ok {
		return d.Round(time.Millisecond).String()
	}
	return "-"
}

func sameGeometry(a, b []AlarmChain) bool {
	for i := range a {
		if !reflect.DeepEqual(a[i].Geometry, b[i].Geometry) {
			return false
		}
	}
	return true
}

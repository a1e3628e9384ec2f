package hub_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"safetynet/feeds/event"
	"safetynet/feeds/hub"
)

// actEvent returns an operator's act on the alert "lawn-1": type typ, op
// op, and the operator name the client claims in properties (none when
// props is "").
func actEvent(id, typ, op, props string) []byte {
	opField := ""
	if op != "" {
		opField = fmt.Sprintf(`,"op":%q`, op)
	}
	if props != "" {
		props = `,"properties":` + props
	}
	return fmt.Appendf(nil, `{"id":%q,"type":%q,"time":%q,"references":["lawn-1"]%s%s}`,
		id, typ, time.Now().UTC().Format(time.RFC3339Nano), opField, props)
}

// stored returns the event the hub stored under seq.
func (th *testHub) stored(t *testing.T, seq int64) event.Event {
	t.Helper()
	es, err := th.srv.Log().Read(context.Background(), seq-1, 1)
	if err != nil || len(es) != 1 {
		t.Fatalf("reading seq %d: %v (%d entries)", seq, err, len(es))
	}
	e, err := event.Decode(es[0].Data)
	if err != nil {
		t.Fatalf("stored event %d: %v", seq, err)
	}
	return e
}

// TestOperatorActsNeedOperator: over POST /v1/events only operator tokens
// may publish operator.* events or acknowledgements; the hub writes the
// token's name as the operator, whatever the client claims.
func TestOperatorActsNeedOperator(t *testing.T) {
	th := startHub(t, hub.Config{})
	tests := []struct {
		name     string
		token    string
		body     []byte
		status   int
		errHas   []string
		operator string // properties.operator as stored
		claimed  string // properties.operator_claimed as stored
	}{
		{name: "publisher posting operator.resolve", token: th.publisher,
			body: actEvent("p1", "operator.resolve", "ack", `{"action":"resolve","operator":"Chief"}`), status: 403,
			errHas: []string{"token pub has role publisher", "role operator", "operator.resolve"}},
		{name: "publisher posting operator.ack", token: th.publisher,
			body: actEvent("p2", "operator.ack", "ack", `{"operator":"Chief"}`), status: 403, errHas: []string{"role operator"}},
		{name: "publisher posting an operator note without op", token: th.publisher,
			body: actEvent("p3", "operator.note", "", `{"note":"all clear"}`), status: 403, errHas: []string{"role operator"}},
		{name: "publisher posting any acknowledgement", token: th.publisher,
			body: actEvent("p4", "fire.smoke", "ack", ""), status: 403, errHas: []string{"op ack", "role operator"}},
		{name: "viewer posting operator.resolve", token: th.viewer,
			body: actEvent("v1", "operator.resolve", "ack", ""), status: 403, errHas: []string{"role viewer"}},
		{name: "operator claiming another name", token: th.operator,
			body: actEvent("o1", "operator.resolve", "ack", `{"action":"resolve","operator":"Chief"}`), status: 202,
			operator: "op", claimed: "Chief"},
		{name: "operator naming no one", token: th.operator,
			body: actEvent("o2", "operator.ack", "ack", ""), status: 202, operator: "op"},
		{name: "operator naming itself", token: th.operator,
			body: actEvent("o3", "operator.ack", "ack", `{"operator":"op"}`), status: 202, operator: "op"},
		{name: "operator forging the claimed name only", token: th.operator,
			body: actEvent("o4", "operator.note", "ack", `{"note":"x","operator_claimed":"Chief"}`), status: 202, operator: "op"},
		{name: "operator claiming a non-string name", token: th.operator,
			body: actEvent("o5", "operator.ack", "ack", `{"operator":{"name":"Chief"}}`), status: 202, operator: "op"},
		{name: "publisher posting an ordinary alarm", token: th.publisher,
			body: jsonEvent("alarm-1", `,"properties":{"operator":"Chief"}`), status: 202},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, m := post(t, th.url, tc.token, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, m)
			}
			if status != 202 {
				msg, _ := m["error"].(string)
				for _, w := range tc.errHas {
					if !strings.Contains(msg, w) {
						t.Errorf("error %q lacks %q", msg, w)
					}
				}
				if m["status"] != float64(tc.status) {
					t.Errorf("answer %v lacks status %d", m, tc.status)
				}
				return
			}
			if tc.operator == "" {
				return
			}
			e := th.stored(t, int64(m["seq"].(float64)))
			if got := e.Properties["operator"]; got != tc.operator {
				t.Errorf("stored operator %v, want the token's name %q", got, tc.operator)
			}
			got, has := e.Properties[hub.OperatorClaimed]
			if tc.claimed == "" && has || tc.claimed != "" && got != tc.claimed {
				t.Errorf("stored %s %v (present %v), want %q", hub.OperatorClaimed, got, has, tc.claimed)
			}
		})
	}
	if n := th.srv.Log().Last(); n != 6 {
		t.Errorf("the log holds %d events, want the 5 operator acts and the alarm", n)
	}
	if logs := th.logs.String(); !strings.Contains(logs, "refused event") || !strings.Contains(logs, "status=403") {
		t.Errorf("the refusals were not logged:\n%s", logs)
	}
}

// TestOperatorActsOverWebsocket: on the publish websocket a publisher's
// operator.resolve gets an error ack with status 403 naming the role, and
// the connection goes on; an operator's is stamped with its name.
func TestOperatorActsOverWebsocket(t *testing.T) {
	th := startHub(t, hub.Config{})
	tests := []struct {
		name   string
		token  string
		msgs   [][]byte
		want   []hub.Ack // Error only checked for containing "role operator"
		stamps string
	}{
		{name: "publisher", token: th.publisher,
			msgs: [][]byte{actEvent("w1", "operator.resolve", "ack", `{"operator":"Chief"}`), jsonEvent("w2", "")},
			want: []hub.Ack{{N: 1, ID: "w1", Status: 403}, {N: 2, Seq: 1, ID: "w2"}}},
		{name: "operator", token: th.operator,
			msgs: [][]byte{actEvent("w3", "operator.resolve", "ack", `{"operator":"Chief"}`)},
			want: []hub.Ack{{N: 1, Seq: 2, ID: "w3"}}, stamps: "op"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, _, err := dialWS(th.url, "/v1/publish", tc.token, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			for _, m := range tc.msgs {
				if err := ws.WriteMessage(websocket.TextMessage, m); err != nil {
					t.Fatal(err)
				}
			}
			ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			for _, w := range tc.want {
				var a hub.Ack
				if err := ws.ReadJSON(&a); err != nil {
					t.Fatal(err)
				}
				if w.Status == 403 && !strings.Contains(a.Error, "role operator") {
					t.Errorf("error %q does not name the role operator", a.Error)
				}
				a.Error = ""
				if a != w {
					t.Errorf("ack %+v, want %+v", a, w)
				}
				if tc.stamps != "" && a.Seq > 0 {
					e := th.stored(t, a.Seq)
					if e.Properties["operator"] != tc.stamps || e.Properties[hub.OperatorClaimed] != "Chief" {
						t.Errorf("stored properties %v, want operator %q, claimed Chief", e.Properties, tc.stamps)
					}
				}
			}
		})
	}
}

// TestOperatorActsNotOnTAK: the TAK port has no token, so it stores no
// operator's act; other events on the same connection are stored.
func TestOperatorActsNotOnTAK(t *testing.T) {
	th := startHub(t, hub.Config{})
	addr := th.takListener(t)
	now := time.Now().UTC()
	cot := func(uid, detail string) string {
		return fmt.Sprintf(`<event version="2.0" uid=%q type="b-m-p-s-m" time=%q start=%q stale=%q how="h-g-i-g-o"><point lat="31.2" lon="121.6" hae="0" ce="10" le="10"/><detail>%s</detail></event>`,
			uid, now.Format(time.RFC3339), now.Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339), detail)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte(cot("forged-resolve", `<safetynet type="operator.resolve"/>`) + "\n" + cot("marker-1", "") + "\n"))
	c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for th.srv.Log().Last() < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	es, err := th.srv.Log().Read(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || !strings.Contains(string(es[0].Data), `"marker-1"`) {
		t.Fatalf("stored %d events, want only marker-1: %v", len(es), es)
	}
	if logs := th.logs.String(); !strings.Contains(logs, "TAK event refused: operator actions") {
		t.Errorf("the refusal was not logged:\n%s", logs)
	}
}

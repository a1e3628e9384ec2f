package client

import (
	"testing"

	"safetynet/feeds/hub"
)

// TestAckIsTheHubs: the client reads the very type the hub writes, so
// the two cannot drift apart (this does not compile while they are two).
func TestAckIsTheHubs(t *testing.T) {
	var a Ack = hub.Ack{Seq: 7, ID: "x"}
	if a.Err() != nil || a.Seq != 7 {
		t.Errorf("%+v", a)
	}
}

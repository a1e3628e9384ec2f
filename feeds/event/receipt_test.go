package event

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestReceiptWire: the hub's receipt has one wire form, the JSON names
// the README documents, and Err says why an event was refused.
func TestReceiptWire(t *testing.T) {
	b, err := json.Marshal(Receipt{N: 3, Seq: 42, ID: "e-1", Duplicate: true})
	if err != nil || string(b) != `{"n":3,"seq":42,"id":"e-1","duplicate":true}` {
		t.Errorf("marshal: %s, %v", b, err)
	}
	var r Receipt
	if err := json.Unmarshal([]byte(`{"id":"e-2","error":"bad op","status":400}`), &r); err != nil {
		t.Fatal(err)
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "e-2") || !strings.Contains(err.Error(), "bad op") || !strings.Contains(err.Error(), "400") {
		t.Errorf("Err = %v", err)
	}
	if err := (Receipt{Seq: 1}).Err(); err != nil {
		t.Errorf("a stored event's Err = %v", err)
	}
}

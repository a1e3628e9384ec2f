package event

import "fmt"

// Receipt is the hub's answer to one published event (its ack), as the
// hub writes it and clients read it (JSON): its sequence number and ID (Duplicate when
// it was stored before), or an error with an HTTP status code. Over the
// publish websocket N numbers the messages of the connection from 1, so
// errors of messages without a readable ID can be matched too.
type Receipt struct {
	N         int64  `json:"n,omitempty"`
	Seq       int64  `json:"seq,omitempty"`
	ID        string `json:"id,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Error     string `json:"error,omitempty"`
	Status    int    `json:"status,omitempty"`
}

// Err returns the receipt's error, nil when the event was stored.
func (a Receipt) Err() error {
	if a.Error == "" {
		return nil
	}
	return fmt.Errorf("hub refused event %s (%d): %s", a.ID, a.Status, a.Error)
}

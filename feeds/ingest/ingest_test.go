package ingest_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"safetynet/data/testenv"
	"safetynet/feeds/cap"
	"safetynet/feeds/event"
	"safetynet/feeds/ingest"
)

func TestDecode(t *testing.T) {
	capFile, err := os.ReadFile(testenv.SharedData(t, "cap/oasis-1.2-examples/Oasis_ThunderstormWarning.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cotFile, err := os.ReadFile(testenv.SharedData(t, "cot/freetakserver/a-f-G-U-C-1581185446278.xml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      []byte
		format  event.Format
		wantErr error
		errText string
	}{
		{name: "json", in: []byte(` {"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`), format: event.JSON},
		{name: "json with BOM", in: []byte("\xef\xbb\xbf{\"id\":\"a\",\"type\":\"fire.smoke\",\"time\":\"2026-05-01T02:00:00Z\"}"), format: event.JSON},
		{name: "cap", in: capFile, format: event.CAP},
		{name: "cot", in: cotFile, format: event.CoT},
		{name: "cot with comment first", in: append([]byte("<!-- from ATAK -->\n"), cotFile[bytes.Index(cotFile, []byte("<event")):]...), format: event.CoT},
		{name: "other xml", in: []byte(`<?xml version="1.0"?><kml/>`), wantErr: ingest.ErrUnknownFormat, errText: "<kml>"},
		{name: "text", in: []byte(`hello`), wantErr: ingest.ErrUnknownFormat, errText: `starts with "hello"`},
		{name: "empty", in: []byte("  \n"), wantErr: ingest.ErrUnknownFormat, errText: "empty"},
		{name: "broken xml", in: []byte(`<`), wantErr: ingest.ErrUnknownFormat},
		{name: "too large", in: append([]byte(`{"id":"`), bytes.Repeat([]byte("a"), ingest.MaxSize)...), wantErr: ingest.ErrTooLarge},
		{name: "json claiming to be cot", in: []byte(`{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","format":"cot"}`), format: event.JSON},
		{name: "json point without coordinates", in: []byte(`{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z","geometry":{"type":"Point","coordinates":[]}}`), wantErr: event.ErrInvalid, errText: "geometry.coordinates"},
		{name: "json not UTF-8", in: []byte("{\"id\":\"a\",\"type\":\"fire.smoke\",\"time\":\"2026-05-01T02:00:00Z\",\"title\":\"\xff\"}"), wantErr: event.ErrInvalid, errText: "invalid UTF-8 at byte 69"},
		{name: "cot entity bomb", in: []byte("<?xml version=\"1.0\"?>\n<!DOCTYPE event [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<event version=\"2.0\" uid=\"&b;\"/>"), wantErr: cap.ErrDeclarations, errText: "XML entity declarations are not accepted (line 2)"},
		{name: "invalid json event", in: []byte(`{"id":"a"}`), wantErr: event.ErrInvalid, errText: "type is missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ingest.Decode(tc.in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want %v containing %q", err, tc.wantErr, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.Format != tc.format {
				t.Errorf("format %q, want %q", e.Format, tc.format)
			}
		})
	}
}

// FuzzDecode: no input panics; what decodes validates.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"id":"a","type":"fire.smoke","time":"2026-05-01T02:00:00Z"}`))
	f.Add([]byte(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`))
	f.Add([]byte(`<?xml version="1.0"?><!-- x --><event uid="u"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ingest.Decode(data)
		if err != nil {
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("decoded event does not validate: %v", err)
		}
		if e.Format == "" {
			t.Fatal("no format")
		}
	})
}

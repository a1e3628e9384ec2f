package cot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"

	"safetynet/feeds/event"
)

// TAK Protocol version 1 (the protobuf payload of ATAK, WinTAK, iTAK and
// TAK servers), decoded by field number from TAK's published .proto files:
//
//	TakMessage  1 takControl TakControl, 2 cotEvent CotEvent
//	TakControl  1 minProtoVersion uint32, 2 maxProtoVersion uint32,
//	            3 contactUid string
//	CotEvent    1 type, 2 access, 3 qos, 4 opex, 5 uid (strings);
//	            6 sendTime, 7 startTime, 8 staleTime (uint64 ms since
//	            1970); 9 how; 10 lat, 11 lon, 12 hae, 13 ce, 14 le
//	            (double); 15 detail Detail
//	Detail      1 xmlDetail string (the rest of <detail>, as XML),
//	            2 contact, 3 group, 4 precisionLocation, 5 status,
//	            6 takv, 7 track
//	Contact     1 endpoint, 2 callsign
//	Group       1 name, 2 role
//	PrecisionLocation 1 geopointsrc, 2 altsrc
//	Status      1 battery uint32
//	Takv        1 device, 2 platform, 3 os, 4 version
//	Track       1 speed, 2 course (double)

// TakControl is a TAK Protocol control message: the protocol versions a
// sender can decode.
type TakControl struct {
	MinProtoVersion, MaxProtoVersion uint32
	ContactUID                       string
}

// TakMessage is one decoded message from a TAK stream: an event, a
// control message, or both.
type TakMessage struct {
	Control *TakControl
	Event   *event.Event
}

// ProtoVersion is the TAK Protocol version this package reads and offers.
const ProtoVersion = 1

// DecodeProto decodes a TAK Protocol version 1 payload (a TakMessage
// protobuf, without its 0xbf header) into the same event Decode gives
// for the CoT XML it stands for.
func DecodeProto(payload []byte) (TakMessage, error) {
	if len(payload) > MaxSize {
		return TakMessage{}, fmt.Errorf("cot: TAK message is %d bytes, at most %d", len(payload), MaxSize)
	}
	var m TakMessage
	var cotEvent []byte
	hasEvent := false
	err := fields(payload, "TakMessage", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch num {
		case 1:
			if typ != protowire.BytesType {
				return wrongType("TakMessage.takControl")
			}
			c, err := decodeControl(v)
			if err != nil {
				return err
			}
			m.Control = &c
		case 2:
			if typ != protowire.BytesType {
				return wrongType("TakMessage.cotEvent")
			}
			cotEvent, hasEvent = v, true
		}
		return nil
	})
	if err != nil {
		return TakMessage{}, err
	}
	if !hasEvent {
		if m.Control == nil {
			return TakMessage{}, errors.New("cot: TAK message holds neither a cotEvent nor a takControl")
		}
		return m, nil
	}
	x, err := decodeCotEvent(cotEvent)
	if err != nil {
		return TakMessage{}, err
	}
	e, err := x.event()
	if err != nil {
		return TakMessage{}, err
	}
	m.Event = &e
	return m, nil
}

func wrongType(field string) error {
	return fmt.Errorf("cot: TAK message: field %s has the wrong wire type", field)
}

// fields calls f for each field of the protobuf message b; v is the bytes
// of a length-delimited field, n the value of a varint or fixed field.
func fields(b []byte, msg string, f func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error) error {
	for len(b) > 0 {
		num, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return fmt.Errorf("cot: TAK message: %s: bad field tag: %v", msg, protowire.ParseError(l))
		}
		b = b[l:]
		var v []byte
		var n uint64
		switch typ {
		case protowire.VarintType:
			n, l = protowire.ConsumeVarint(b)
		case protowire.Fixed64Type:
			n, l = protowire.ConsumeFixed64(b)
		case protowire.Fixed32Type:
			var n32 uint32
			n32, l = protowire.ConsumeFixed32(b)
			n = uint64(n32)
		case protowire.BytesType:
			v, l = protowire.ConsumeBytes(b)
		default: // groups are not used by TAK
			return fmt.Errorf("cot: TAK message: %s field %d: wire type %d is not used by TAK Protocol", msg, num, typ)
		}
		if l < 0 {
			return fmt.Errorf("cot: TAK message: %s field %d: %v", msg, num, protowire.ParseError(l))
		}
		b = b[l:]
		if err := f(num, typ, v, n); err != nil {
			return err
		}
	}
	return nil
}

// str reads a string field, refusing bad UTF-8 as the XML path does.
func str(msg string, typ protowire.Type, v []byte) (string, error) {
	if typ != protowire.BytesType {
		return "", wrongType(msg)
	}
	if !utf8.Valid(v) {
		return "", fmt.Errorf("cot: TAK message: %s is not valid UTF-8", msg)
	}
	return string(v), nil
}

func decodeControl(b []byte) (TakControl, error) {
	var c TakControl
	err := fields(b, "TakControl", func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case 1, 2:
			if typ != protowire.VarintType {
				return wrongType("TakControl version")
			}
			if num == 1 {
				c.MinProtoVersion = uint32(n)
			} else {
				c.MaxProtoVersion = uint32(n)
			}
		case 3:
			c.ContactUID, err = str("TakControl.contactUid", typ, v)
		}
		return err
	})
	return c, err
}

// msTime formats a TAK time (ms since 1970) as CoT writes it.
func msTime(field string, ms uint64) (string, error) {
	const maxMs = 253402300799999 // 9999-12-31T23:59:59.999Z
	if ms == 0 {
		return "", nil // missing: event() names the attribute
	}
	if ms > maxMs {
		return "", fmt.Errorf("cot: TAK message: CotEvent.%s %d ms is not a time", field, ms)
	}
	return time.UnixMilli(int64(ms)).UTC().Format(time.RFC3339Nano), nil
}

// decodeCotEvent turns a CotEvent into the XML event it stands for.
func decodeCotEvent(b []byte) (*xmlEvent, error) {
	x := &xmlEvent{XMLName: xml.Name{Local: "event"}, Version: "2.0"}
	// proto3 leaves out zeros: an absent lat, lon, hae, ce or le is 0.
	p := xmlPoint{Hae: "0", Ce: "0", Le: "0"}
	var lat, lon float64
	var detail []byte
	hasDetail := false
	err := fields(b, "CotEvent", func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case 1:
			x.Type, err = str("CotEvent.type", typ, v)
		case 2:
			x.Access, err = str("CotEvent.access", typ, v)
		case 3:
			_, err = str("CotEvent.qos", typ, v)
		case 4:
			x.Opex, err = str("CotEvent.opex", typ, v)
		case 5:
			x.UID, err = str("CotEvent.uid", typ, v)
		case 6, 7, 8:
			name := map[protowire.Number]string{6: "sendTime", 7: "startTime", 8: "staleTime"}[num]
			if typ != protowire.VarintType {
				return wrongType("CotEvent." + name)
			}
			var s string
			if s, err = msTime(name, n); err == nil {
				*map[protowire.Number]*string{6: &x.Time, 7: &x.Start, 8: &x.Stale}[num] = s
			}
		case 9:
			x.How, err = str("CotEvent.how", typ, v)
		case 10, 11, 12, 13, 14:
			name := map[protowire.Number]string{10: "lat", 11: "lon", 12: "hae", 13: "ce", 14: "le"}[num]
			if typ != protowire.Fixed64Type {
				return wrongType("CotEvent." + name)
			}
			f := math.Float64frombits(n)
			switch num {
			case 10:
				lat = f
			case 11:
				lon = f
			case 12:
				p.Hae = num64(f)
			case 13:
				p.Ce = num64(f)
			case 14:
				p.Le = num64(f)
			}
		case 15:
			if typ != protowire.BytesType {
				return wrongType("CotEvent.detail")
			}
			detail, hasDetail = v, true
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	p.Lat, p.Lon = num64(lat), num64(lon)
	x.Points = []xmlPoint{p}
	if hasDetail {
		d, err := decodeDetail(detail)
		if err != nil {
			return nil, err
		}
		x.Detail = d
	}
	return x, nil
}

func num64(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// decodeDetail reads a Detail: xmlDetail as the XML inside <detail>, then
// the typed sub-messages, which take the place of the elements of the
// same name.
func decodeDetail(b []byte) (*xmlDetail, error) {
	d := &xmlDetail{}
	var sub []struct {
		num protowire.Number
		v   []byte
	}
	err := fields(b, "Detail", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch num {
		case 1:
			s, err := str("Detail.xmlDetail", typ, v)
			if err != nil {
				return err
			}
			if strings.TrimSpace(s) != "" {
				dec := xml.NewDecoder(strings.NewReader("<detail>" + s + "</detail>"))
				if err := dec.Decode(d); err != nil {
					return fmt.Errorf("cot: TAK message: Detail.xmlDetail is not XML: %v", err)
				}
			}
		case 2, 3, 4, 5, 6, 7:
			if typ != protowire.BytesType {
				return wrongType(fmt.Sprintf("Detail field %d", num))
			}
			sub = append(sub, struct {
				num protowire.Number
				v   []byte
			}{num, v})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range sub {
		var err error
		switch s.num {
		case 2:
			err = strFields(s.v, "Contact", []string{"endpoint", "callsign"}, func(k []string) {
				d.Contact = &struct {
					Callsign string `xml:"callsign,attr"`
					Endpoint string `xml:"endpoint,attr,omitempty"`
					Phone    string `xml:"phone,attr,omitempty"`
				}{Callsign: k[1], Endpoint: k[0]}
			})
		case 3:
			err = strFields(s.v, "Group", []string{"name", "role"}, func(k []string) {
				d.Group = &struct {
					Name string `xml:"name,attr"`
					Role string `xml:"role,attr"`
				}{Name: k[0], Role: k[1]}
			})
		case 4:
			err = strFields(s.v, "PrecisionLocation", []string{"geopointsrc", "altsrc"}, func(k []string) {
				d.PrecisionLocation = &xmlPrecisionLocation{GeoPointSrc: k[0], AltSrc: k[1]}
			})
		case 5:
			battery := ""
			err = fields(s.v, "Status", func(num protowire.Number, typ protowire.Type, _ []byte, n uint64) error {
				if num == 1 {
					if typ != protowire.VarintType {
						return wrongType("Status.battery")
					}
					battery = strconv.FormatUint(uint64(uint32(n)), 10)
				}
				return nil
			})
			d.Status = &struct {
				Battery string `xml:"battery,attr"`
			}{Battery: battery}
		case 6:
			err = strFields(s.v, "Takv", []string{"device", "platform", "os", "version"}, func(k []string) {
				d.Takv = &struct {
					Platform string `xml:"platform,attr"`
					Device   string `xml:"device,attr"`
					Version  string `xml:"version,attr"`
				}{Platform: k[1], Device: k[0], Version: k[3]}
			})
		case 7:
			var speed, course string
			err = fields(s.v, "Track", func(num protowire.Number, typ protowire.Type, _ []byte, n uint64) error {
				if num == 1 || num == 2 {
					if typ != protowire.Fixed64Type {
						return wrongType("Track speed or course")
					}
					if num == 1 {
						speed = num64(math.Float64frombits(n))
					} else {
						course = num64(math.Float64frombits(n))
					}
				}
				return nil
			})
			d.Track = &struct {
				Speed  string `xml:"speed,attr"`
				Course string `xml:"course,attr"`
			}{Speed: speed, Course: course}
		}
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// strFields reads a message of string fields 1..len(names) and calls set
// with their values.
func strFields(b []byte, msg string, names []string, set func([]string)) error {
	vals := make([]string, len(names))
	err := fields(b, msg, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if num < 1 || int(num) > len(names) {
			return nil
		}
		s, err := str(msg+"."+names[num-1], typ, v)
		vals[num-1] = s
		return err
	})
	if err == nil {
		set(vals)
	}
	return err
}

// checkTakMessage reports whether b is a well-formed TakMessage at the
// wire level: only length-delimited fields 1 and 2 at the top, each a
// well-formed message. It is what a stream uses to tell a frame from
// noise.
func checkTakMessage(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty TAK message")
	}
	return fields(b, "TakMessage", func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if (num != 1 && num != 2) || typ != protowire.BytesType {
			return fmt.Errorf("field %d (wire type %d) is not part of a TakMessage", num, typ)
		}
		return checkFields(v)
	})
}

// checkFields reports whether b is a sequence of well-formed protobuf
// fields.
func checkFields(b []byte) error {
	return fields(b, "message", func(protowire.Number, protowire.Type, []byte, uint64) error { return nil })
}

// Negotiation: a TAK server offers protocol versions with a t-x-takp-v
// event, a client asks for one with t-x-takp-q, and the server answers
// with t-x-takp-r; after a true answer both sides send TAK Protocol
// streaming frames.

func negotiation(uid, typ string, now time.Time, control string) []byte {
	t := formatTime(now)
	stale := formatTime(now.Add(time.Minute))
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`)
	fmt.Fprintf(&b, `<event version="2.0" uid="%s" type="%s" time="%s" start="%s" stale="%s" how="m-g">`, xmlEscape(uid), typ, t, t, stale)
	b.WriteString(`<point lat="0.0" lon="0.0" hae="0.0" ce="999999" le="999999"/>`)
	b.WriteString(`<detail><TakControl>` + control + `</TakControl></detail></event>`)
	return b.Bytes()
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

// ProtocolOffer is the t-x-takp-v event with which a TAK server offers
// TAK Protocol version 1 to a client; uid names the negotiation.
func ProtocolOffer(uid string, now time.Time) []byte {
	return negotiation(uid, "t-x-takp-v", now, fmt.Sprintf(`<TakProtocolSupport version="%d"/>`, ProtoVersion))
}

// ProtocolRequest is the t-x-takp-q event with which a client asks for
// TAK Protocol version.
func ProtocolRequest(uid string, version int, now time.Time) []byte {
	return negotiation(uid, "t-x-takp-q", now, fmt.Sprintf(`<TakRequest version="%d"/>`, version))
}

// ProtocolResponse is the t-x-takp-r answer to a request: ok true when
// the server switches to the requested version.
func ProtocolResponse(uid string, ok bool, now time.Time) []byte {
	return negotiation(uid, "t-x-takp-r", now, fmt.Sprintf(`<TakResponse status="%t"/>`, ok))
}

// RequestedVersion returns the TAK Protocol version a t-x-takp-q event
// asks for (its property tak_protocol_request), or 0.
func RequestedVersion(e event.Event) int {
	s, _ := e.Properties["tak_protocol_request"].(string)
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// StreamFrame writes payload (a TakMessage) as a TAK Protocol streaming
// frame: 0xbf, the payload's length as a varint, the payload.
func StreamFrame(payload []byte) []byte {
	b := []byte{magic}
	b = protowire.AppendVarint(b, uint64(len(payload)))
	return append(b, payload...)
}

// MeshFrame writes payload as a TAK Protocol mesh message: 0xbf 0x01
// 0xbf then the payload.
func MeshFrame(payload []byte) []byte {
	return append([]byte{magic, ProtoVersion, magic}, payload...)
}

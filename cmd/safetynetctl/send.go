package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/feeds/client"
	"safetynet/feeds/event"
	"safetynet/feeds/ingest"
)

// hubFlags are the flags of the commands that talk to a hub.
type hubFlags struct {
	hub, token *string
	insecure   *bool
}

func newHubFlags(fs *flag.FlagSet) hubFlags {
	return hubFlags{
		hub: fs.String("hub", os.Getenv("SAFETYNET_HUB"), "the hub's URL, e.g. https://hub.example:8480 or http://localhost:8480 (or $SAFETYNET_HUB)"),
		// The default stays empty: $SAFETYNET_TOKEN is read after parsing,
		// so that no usage text shows it.
		token:    fs.String("token", "", "a publisher or operator token (better: $SAFETYNET_TOKEN, which stays out of the process list)"),
		insecure: fs.Bool("insecure", false, "allow sending the token over plain http:// to a hub that is not on this computer (anyone on the network can read it)"),
	}
}

// options checks the flags and returns the client options. Its messages
// never show the token or a password in the hub's URL.
func (f hubFlags) options(cmd string) (client.Options, error) {
	tok := *f.token
	if tok == "" {
		tok = os.Getenv("SAFETYNET_TOKEN")
	}
	hub := strings.TrimSpace(*f.hub)
	switch {
	case hub == "":
		return client.Options{}, fmt.Errorf("%w: %s needs --hub URL", errUsage, cmd)
	case tok == "":
		return client.Options{}, fmt.Errorf("%w: %s needs a token: --token T or $SAFETYNET_TOKEN", errUsage, cmd)
	case !strings.HasPrefix(hub, "http://") && !strings.HasPrefix(hub, "https://"):
		return client.Options{}, fmt.Errorf("%w: --hub %s: use https:// (or http:// to this computer)", errUsage, client.RedactURL(hub))
	}
	opt := client.Options{URL: strings.TrimSuffix(hub, "/"), Token: tok, AllowInsecure: *f.insecure}
	if err := opt.Check(); err != nil {
		if errors.Is(err, client.ErrInsecure) {
			return client.Options{}, fmt.Errorf("%w: --hub %s: %v with --insecure", errUsage, client.RedactURL(hub), err)
		}
		return client.Options{}, fmt.Errorf("%w: --hub: %v", errUsage, err)
	}
	return opt, nil
}

// cmdSend publishes one event: a file (JSON envelope, CAP or CoT; - for
// standard input) or an event made from flags.
func cmdSend(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	hf := newHubFlags(fs)
	typ := fs.String("type", "", "make a JSON event of this type (fire.smoke, intrusion.perimeter, ...) instead of reading a file")
	id := fs.String("id", "", "the event's id (default: made from the time)")
	severity := fs.String("severity", "", "extreme, severe, moderate, minor or unknown")
	status := fs.String("status", "", "actual, exercise or test")
	title := fs.String("title", "", "title")
	desc := fs.String("description", "", "description")
	source := fs.String("source", "", "the camera, gate or sensor it came from, e.g. camera:CAM-012")
	point := fs.String("point", "", "position as lon,lat (degrees, EPSG:4326)")
	expires := fs.Duration("expires", 0, "how long until the event expires, e.g. 30m")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	opt, err := hf.options("send")
	if err != nil {
		return err
	}
	var data []byte
	var name string
	switch {
	case *typ != "" && len(files) == 0:
		name = "the event from the flags"
		data, err = flagEvent(*typ, *id, *severity, *status, *title, *desc, *source, *point, *expires)
		if err != nil {
			return err
		}
	case *typ == "" && len(files) == 1:
		name = files[0]
		if name == "-" {
			name = "standard input"
			data, err = io.ReadAll(io.LimitReader(os.Stdin, ingest.MaxSize+1))
		} else {
			data, err = os.ReadFile(name)
		}
		if err != nil {
			return fmt.Errorf("send %s: %w", name, err)
		}
	default:
		return fmt.Errorf("%w: send takes one FILE (- for standard input), or --type and the event's flags", errUsage)
	}
	e, err := ingest.Decode(data)
	if err != nil {
		return fmt.Errorf("send %s: %w", name, err)
	}
	a, err := client.Post(ctx, opt, data)
	if err != nil {
		if errors.Is(err, client.ErrUnauthorized) {
			return fmt.Errorf("send %s to %s: %w; check the token and that its role may publish", name, client.RedactURL(opt.URL), err)
		}
		return fmt.Errorf("send %s to %s: %w", name, client.RedactURL(opt.URL), err)
	}
	if a.Duplicate {
		fmt.Fprintf(stdout, "already stored as seq %d: %s %s (%s)\n", a.Seq, e.Format, a.ID, e.Type)
	} else {
		fmt.Fprintf(stdout, "stored as seq %d: %s %s (%s)\n", a.Seq, e.Format, a.ID, e.Type)
	}
	return nil
}

// flagEvent makes a JSON envelope from send's flags.
func flagEvent(typ, id, severity, status, title, desc, source, point string, expires time.Duration) ([]byte, error) {
	now := time.Now()
	e := event.Event{ID: id, Type: typ, Severity: event.Severity(severity), Status: event.Status(status), Time: now,
		Title: title, Description: desc, Source: source}
	if e.ID == "" {
		e.ID = "ctl-" + strconv.FormatInt(now.UnixNano(), 36)
	}
	if expires > 0 {
		e.Expires = now.Add(expires)
	}
	if point != "" {
		lon, lat, ok := strings.Cut(point, ",")
		x, err1 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%w: --point %q is not lon,lat", errUsage, point)
		}
		e.Geometry = orb.Point{x, y}
	}
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("%w: send: %v", errUsage, err)
	}
	return event.Encode(e)
}

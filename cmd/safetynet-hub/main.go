// Command safetynet-hub is SafetyNet's alert hub: one small server per
// community that takes live events (JSON, CAP, CoT) from sensors, apps and
// TAK clients, stores each durably before acknowledging it, and streams
// them to the command room's apps.
//
//	safetynet-hub serve --db hub.db [--listen :8480] [--tak-listen :8087] [--tls-cert F --tls-key F]
//	safetynet-hub token add NAME --role publisher|operator|viewer --db hub.db
//	safetynet-hub token list --db hub.db
//	safetynet-hub token revoke NAME --db hub.db
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/hub"
)

const usage = `usage: safetynet-hub COMMAND [flags]

commands:
  serve --db F [--listen ADDR] [--tak-listen ADDR] [--tls-cert F --tls-key F]
        [--origin URL]... [--rate N] [--log-format text|json]
                                      run the hub (HTTP and websockets on --listen, default :8480;
                                      TAK clients' CoT, XML or TAK Protocol 1, over TCP on --tak-listen)
  token add NAME --role ROLE --db F   create a token (ROLE publisher, operator or viewer); prints it once
  token list --db F                   list the tokens (names, roles, dates; never the secrets)
  token revoke NAME --db F            revoke a token; a running hub refuses it at once
`

var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		fmt.Fprintf(os.Stderr, "safetynet-hub: %v\n\n%s", err, usage)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "safetynet-hub: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command", errUsage)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "token":
		if len(args) < 2 {
			return fmt.Errorf("%w: token needs add, list or revoke", errUsage)
		}
		return token(ctx, args[1], args[2:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// parse parses flags before or after the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	db := fs.String("db", "", "the hub's SQLite file (event log and tokens), created when missing")
	listen := fs.String("listen", ":8480", "HTTP and websocket address")
	takListen := fs.String("tak-listen", "", "address for TAK clients' CoT (XML or TAK Protocol 1) over TCP (e.g. :8087); off when empty")
	cert := fs.String("tls-cert", "", "TLS certificate (PEM); with --tls-key the hub speaks HTTPS and WSS")
	key := fs.String("tls-key", "", "TLS private key (PEM)")
	rate := fs.Float64("rate", 200, "events per second one connection may publish (negative: no limit)")
	format := fs.String("log-format", "text", "log format: text or json")
	var origins multi
	fs.Var(&origins, "origin", "a browser origin allowed to open websockets (repeatable)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, pos[0])
	}
	if *db == "" {
		return fmt.Errorf("%w: serve needs --db FILE", errUsage)
	}
	if err := notGeoPackage(*db); err != nil {
		return err
	}
	var h slog.Handler
	switch *format {
	case "text":
		h = slog.NewTextHandler(stderr, nil)
	case "json":
		h = slog.NewJSONHandler(stderr, nil)
	default:
		return fmt.Errorf("%w: --log-format %q is not text or json", errUsage, *format)
	}
	logger := hub.RedactingLogger(h)
	srv, err := hub.New(hub.Config{DB: *db, Logger: logger, AllowedOrigins: origins, Rate: *rate})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	errc := make(chan error, 2)
	if *takListen != "" {
		tl, err := net.Listen("tcp", *takListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen for TAK on %s: %w", *takListen, err)
		}
		logger.Info("TAK listening", "addr", tl.Addr().String())
		fmt.Fprintf(stdout, "tak %s\n", tl.Addr())
		go func() { errc <- srv.ServeTAK(ctx, tl) }()
	}
	logger.Info("hub listening", "url", fmt.Sprintf("%s://%s", scheme, ln.Addr()), "db", *db, "last_seq", srv.Log().Last())
	fmt.Fprintf(stdout, "listening %s://%s\n", scheme, ln.Addr())
	go func() { errc <- srv.Serve(ctx, ln, *cert, *key) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		err = <-errc
	}
	if ctx.Err() != nil {
		logger.Info("hub stopping")
		return nil
	}
	return err
}

func token(ctx context.Context, sub string, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	db := fs.String("db", "", "the hub's SQLite file")
	role := fs.String("role", "", "publisher, operator or viewer")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *db == "" {
		return fmt.Errorf("%w: token %s needs --db FILE", errUsage, sub)
	}
	need := 1
	if sub == "list" {
		need = 0
	}
	if len(pos) != need {
		return fmt.Errorf("%w: token %s takes %d NAME argument(s)", errUsage, sub, need)
	}
	if err := notGeoPackage(*db); err != nil {
		return err
	}
	toks, err := store.OpenTokens(*db)
	if err != nil {
		return err
	}
	defer toks.Close()
	switch sub {
	case "add":
		if *role == "" {
			return fmt.Errorf("%w: token add needs --role publisher, operator or viewer", errUsage)
		}
		secret, err := toks.Add(ctx, pos[0], *role)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
		return nil
	case "revoke":
		return toks.Revoke(ctx, pos[0])
	case "list":
		list, err := toks.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tSTATE")
		for _, t := range list {
			state := "active"
			if !t.Active() {
				state = "revoked " + t.Revoked.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Name, t.Role, t.Created.Format(time.RFC3339), state)
		}
		return tw.Flush()
	}
	return fmt.Errorf("%w: unknown token command %q (add, list, revoke)", errUsage, sub)
}

// notGeoPackage refuses a hub file that is a community GeoPackage: the
// hub's event log and tokens belong in a file of their own. A GeoPackage
// has application_id "GPKG" (or the older "GP1x") in its SQLite header,
// or a gpkg_contents table in its schema.
func notGeoPackage(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // missing: created as a hub file; other errors come on opening
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if n < 100 || !bytes.HasPrefix(head, []byte("SQLite format 3\x00")) {
		return nil
	}
	app := string(head[68:72])
	if app == "GPKG" || strings.HasPrefix(app, "GP1") || bytes.Contains(head, []byte("gpkg_contents")) {
		return fmt.Errorf("%s is a GeoPackage (a community's map data), not a hub file: give the hub a file of its own, such as hub.db", path)
	}
	return nil
}

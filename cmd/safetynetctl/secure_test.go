package main

import (
	"bytes"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// ctlEnv runs safetynetctl with extra environment variables.
func ctlEnv(t testing.TB, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

// TestNoTokenInMessages: with $SAFETYNET_TOKEN set, neither the usage
// text nor any message safetynetctl prints shows the token, nor a password
// written into the hub's URL.
func TestNoTokenInMessages(t *testing.T) {
	const secret = "snt_UsageLeakCheck0123456789"
	env := []string{"SAFETYNET_TOKEN=" + secret}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"help"}, 0, "--insecure"},
		{"-h", []string{"-h"}, 0, "send"},
		{"send -h", []string{"send", "-h"}, 2, "help requested"},
		{"simulate -h", []string{"simulate", "-h"}, 2, "help requested"},
		{"send with an unknown flag", []string{"send", "--bogus"}, 2, "bogus"},
		{"send without a hub", []string{"send", "--type", "fire.smoke"}, 2, "--hub"},
		{"send to a URL that is not http", []string{"send", "--type", "fire.smoke", "--hub", "ftp://ops:hunter2@hub.example/"}, 2, "use https://"},
		{"send over plain HTTP to another host", []string{"send", "--type", "fire.smoke", "--hub", "http://ops:hunter2@192.0.2.7:8480"}, 2, "--insecure"},
		{"send to a hub that is down", []string{"send", "--type", "fire.smoke", "--hub", "http://ops:hunter2@127.0.0.1:1"}, 1, "127.0.0.1:1"},
		{"simulate to a hub that is down", []string{"simulate", "--db", "nope.gpkg", "--hub", "http://127.0.0.1:1"}, 1, "nope.gpkg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code := ctlEnv(t, env, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s", code, tc.code, tc.want, out)
			}
			if strings.Contains(out, secret) || strings.Contains(out, "UsageLeakCheck") || strings.Contains(out, "hunter2") {
				t.Errorf("the output shows a secret:\n%s", out)
			}
		})
	}
}

// TestSendInsecure: the token goes over plain HTTP to a hub that is not on
// this computer only with --insecure.
func TestSendInsecure(t *testing.T) {
	th := startHub(t)
	var ln net.Listener
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			if l, err := net.Listen("tcp", net.JoinHostPort(n.IP.String(), "0")); err == nil {
				ln = l
				break
			}
		}
	}
	if ln == nil {
		t.Skip("this computer has no address but loopback to serve a hub on")
	}
	hs := httptest.NewUnstartedServer(th.srv.Handler())
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(hs.Close)
	args := []string{"send", "--type", "fire.smoke", "--id", "far-1", "--hub", hs.URL, "--token", th.publisher}
	out, code := ctl(t, args...)
	if code != 2 || !strings.Contains(out, "use https://") || !strings.Contains(out, "--insecure") {
		t.Errorf("plain HTTP to %s: exit %d, want 2 and advice to use https:// or --insecure:\n%s", hs.URL, code, out)
	}
	if n := len(th.events(t)); n != 0 {
		t.Fatalf("the hub stored %d events without --insecure", n)
	}
	out, code = ctl(t, append(args, "--insecure")...)
	if code != 0 || !strings.Contains(out, "stored as seq 1") {
		t.Errorf("with --insecure: exit %d:\n%s", code, out)
	}
	if strings.Contains(out, th.publisher) {
		t.Error("the output shows the token")
	}
}

package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// runMain is set in the environment of the test binary run as the app.
const runMain = "SAFETYNET_TEST_RUN_MAIN"

// TestMain runs main itself when the tests start this binary as the app,
// so that the tests see what a user sees from the command line.
func TestMain(m *testing.M) {
	if os.Getenv(runMain) == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir) // the GL app the window tests built
	}
	os.Exit(code)
}

const secret = "snt_UsageLeakCheck0123456789"

// TestNoTokenInUsage runs the app's command line with $SAFETYNET_TOKEN
// set: neither -h nor any refusal shows the token, nor a password in the
// hub's URL.
func TestNoTokenInUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"-h", []string{"-h"}, 0, []string{"Usage: safetynet", "-token", "$SAFETYNET_TOKEN", "-insecure"}},
		{"-help", []string{"-help"}, 0, []string{"-token"}},
		{"unknown flag", []string{"-bogus"}, 2, []string{"-bogus", "-token"}},
		{"plain HTTP to another host", []string{"-hub", "http://ops:hunter2@192.0.2.7:8480"}, 2, []string{"use https://", "-insecure"}},
		{"not an http URL", []string{"-hub", "ftp://ops:hunter2@hub.example"}, 2, []string{"use https://"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tc.args...)
			cmd.Env = append(os.Environ(), runMain+"=1", "SAFETYNET_TOKEN="+secret)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d:\n%s", code, tc.code, &out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, &out)
				}
			}
			if s := out.String(); strings.Contains(s, secret) || strings.Contains(s, "UsageLeakCheck") || strings.Contains(s, "hunter2") {
				t.Errorf("the output shows a secret:\n%s", s)
			}
		})
	}
}

// TestParseFlags: the token comes from -token, else from $SAFETYNET_TOKEN
// read after parsing; plain HTTP to another host needs -insecure.
func TestParseFlags(t *testing.T) {
	env := func(k string) string {
		if k == "SAFETYNET_TOKEN" {
			return secret
		}
		return ""
	}
	tests := []struct {
		name     string
		args     []string
		token    string
		insecure bool
		err      bool
	}{
		{name: "token from the environment", args: []string{"-hub", "http://localhost:8480"}, token: secret},
		{name: "-token wins", args: []string{"-hub", "https://hub.example", "-token", "snt_flag"}, token: "snt_flag"},
		{name: "plain HTTP elsewhere refused", args: []string{"-hub", "http://192.0.2.7:8480"}, err: true},
		{name: "plain HTTP elsewhere with -insecure", args: []string{"-hub", "http://192.0.2.7:8480", "-insecure"}, token: secret, insecure: true},
		{name: "no hub", args: []string{"-plan"}, token: secret},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			o, err := parseFlags(tc.args, &out, env)
			if (err != nil) != tc.err {
				t.Fatalf("error %v, want error %v; output:\n%s", err, tc.err, &out)
			}
			if errors.Is(err, flag.ErrHelp) || tc.err {
				return
			}
			if o.token != tc.token || o.insecure != tc.insecure {
				t.Errorf("token %q insecure %v, want %q %v", o.token, o.insecure, tc.token, tc.insecure)
			}
		})
	}
}

// TestCLocaleQuiet: under the C or POSIX locale with a codeset, as in
// containers and minimal systems, the app starts without Fyne's "Error
// parsing user locale C", in English.
func TestCLocaleQuiet(t *testing.T) {
	for _, env := range [][]string{{"LANG=C.UTF-8"}, {"LANG=C.utf8"}, {"LC_ALL=POSIX.UTF-8"}, {"LANG=C"}} {
		t.Run(strings.Join(env, " "), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-h")
			cmd.Env = append(withoutLocale(os.Environ()), append(env, runMain+"=1")...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("-h: %v\n%s", err, out)
			}
			if strings.Contains(string(out), "Fyne error") || strings.Contains(string(out), "locale") {
				t.Errorf("the app complains about the locale:\n%s", out)
			}
			if !strings.Contains(string(out), "Usage: safetynet") {
				t.Errorf("no usage:\n%s", out)
			}
		})
	}
}

// withoutLocale is env without the variables that choose the locale.
func withoutLocale(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES":
			continue
		}
		out = append(out, kv)
	}
	return out
}

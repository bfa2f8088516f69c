package main

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/metadata"

	"github.com/grpcsh/grpcsh/dynamic"
)

// TestParseArgs: flags before or after the positional arguments, verbs and
// their aliases, grpcurl's float seconds, and what each flag sets.
func TestParseArgs(t *testing.T) {
	t.Setenv("H15_TOKEN", "tok")
	cfg, err := parseArgs([]string{
		"-plaintext", "api:9000", "call", "Svc/M", "-d", "@-", "-max-time", "0.5",
		"-connect-timeout", "2s", "-H", "x-a: 1", "-H", "authorization: Bearer ${H15_TOKEN}",
		"-rpc-header", "x-call: c", "-reflect-header", "x-refl: r", "-proto", "a.proto", "-proto", "b.proto",
		"-import-path", "dir", "-format", "text", "-v", "-gzip", "-round-robin", "-max-msg-sz", "1024",
		"-authority", "name", "-user-agent", "ua", "-proto-names",
	})
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.session.Conn
	if c.Target != "api:9000" || c.Security != dynamic.SecurityPlaintext || c.ConnectTimeout != 2*time.Second ||
		!c.Gzip || !c.RoundRobin || c.MaxMsgSize != 1024 || c.Authority != "name" || c.UserAgent != "ua" {
		t.Errorf("connection config %+v", c)
	}
	if cfg.verb != "call" || cfg.verbArg != "Svc/M" || cfg.data != "@-" {
		t.Errorf("verb %q %q, -d %q", cfg.verb, cfg.verbArg, cfg.data)
	}
	s := cfg.session.Settings
	if s.Deadline != 500*time.Millisecond || s.Format != "text" || !s.Verbose || !s.ProtoNames || s.EmitDefaults {
		t.Errorf("settings %+v", s)
	}
	if diff := cmp.Diff(metadata.MD{"x-a": {"1"}, "authorization": {"Bearer tok"}}, cfg.session.Header); diff != "" {
		t.Errorf("-H (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(metadata.MD{"x-call": {"c"}}, cfg.session.RPCHeader); diff != "" {
		t.Errorf("-rpc-header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(metadata.MD{"x-refl": {"r"}}, cfg.session.ReflectHeader); diff != "" {
		t.Errorf("-reflect-header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a.proto", "b.proto"}, []string(cfg.session.Protos)); diff != "" {
		t.Errorf("-proto (-want +got):\n%s", diff)
	}

	for args, want := range map[string]struct{ target, verb, arg string }{
		"api:1 ls":                  {"api:1", "list", ""},
		"api:1 desc Svc":            {"api:1", "describe", "Svc"},
		"-proto a.proto tmpl Msg":   {"", "template", "Msg"},
		"api:1 invoke M":            {"api:1", "call", "M"},
		"api:1 learn M":             {"api:1", "explain", "M"},
		"api:1":                     {"api:1", "", ""},
		"-f script.txt api:1":       {"api:1", "", ""},
		"list -protoset x.pb":       {"", "list", ""},
		"-keep-going api:1":         {"api:1", "", ""},
		"unix:///tmp/s.sock status": {"", "", ""}, // "status" is no verb: error below
	} {
		cfg, err := parseArgs(strings.Fields(args))
		if args == "unix:///tmp/s.sock status" {
			if err == nil || !strings.Contains(err.Error(), `unknown command "status"`) {
				t.Errorf("%s: %v, want unknown command", args, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", args, err)
			continue
		}
		if cfg.session.Conn.Target != want.target || cfg.verb != want.verb || cfg.verbArg != want.arg {
			t.Errorf("%s: target %q verb %q arg %q, want %+v", args, cfg.session.Conn.Target, cfg.verb, cfg.verbArg, want)
		}
	}

	// -tls, and -max-time as a duration.
	cfg, err = parseArgs([]string{"-tls", "-max-time", "250ms", "localhost:1", "list"})
	if err != nil || cfg.session.Conn.Security != dynamic.SecurityTLS || cfg.session.Settings.Deadline != 250*time.Millisecond {
		t.Errorf("-tls -max-time 250ms: %v, %+v", err, cfg)
	}
}

// TestParseArgsErrors: every bad command line says what is wrong.
func TestParseArgsErrors(t *testing.T) {
	for args, want := range map[string]string{
		"-plaintext -tls api:1 list":              "-plaintext and -tls contradict each other",
		"-format yaml api:1 list":                 `-format must be json or text, got "yaml"`,
		"-format text -emit-defaults api:1 list":  "-emit-defaults works with -format json only",
		"--demo api:1 list":                       `--demo starts its own server: give no TARGET (got "api:1")`,
		"api:1 cal M":                             `unknown command "cal"`,
		"api:1 call":                              "call takes one METHOD",
		"api:1 call A B":                          "call takes one METHOD",
		"api:1 template":                          "template takes one MESSAGE or METHOD",
		"api:1 list A B":                          `list takes at most one argument, got ["A" "B"]`,
		"-protoset-out x api:1 list":              "-protoset-out and -proto-out-dir go with describe",
		"-d {} api:1 list":                        "-d goes with call or explain",
		"-f s.txt api:1 list":                     "-f runs a script: it does not go with list",
		"-max-time soon api:1 list":               `invalid value "soon" for flag -max-time`,
		"-nosuchflag api:1":                       "flag provided but not defined: -nosuchflag",
		"-H nocolon api:1 list":                   `-H "nocolon": header "nocolon" has no colon`,
		"-rpc-header te:trailers api:1 list":      `-rpc-header "te:trailers": header "te" is reserved`,
		"-reflect-header x:${H15_UNSET} api:1 ls": "-reflect-header \"x:${H15_UNSET}\": environment variable H15_UNSET is not set",
	} {
		_, err := parseArgs(strings.Fields(args))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got %v\nwant %s", args, err, want)
		}
	}
	_, err := parseArgs([]string{"-help"})
	var help *helpError
	if !errors.As(err, &help) || !strings.Contains(help.text, "Usage:") || !strings.Contains(help.text, "-import-path") {
		t.Errorf("-help: %v", err)
	}
}

// TestParseHeaders: headers are lower-cased and trimmed, repeat keys
// append, ${VAR} expands from the environment, and errors name the flag.
func TestParseHeaders(t *testing.T) {
	t.Setenv("H15_SECRET", "s3cr3t")
	md, err := parseHeaders("-H", []string{"X-Team:  blue ", "x-team: red", "authorization: Bearer ${H15_SECRET}", "x-lit: $${H15_SECRET}", "x-empty:"}, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := metadata.MD{"x-team": {"blue", "red"}, "authorization": {"Bearer s3cr3t"}, "x-lit": {"${H15_SECRET}"}, "x-empty": {""}}
	if diff := cmp.Diff(want, md); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if md, err := parseHeaders("-H", nil, os.LookupEnv); err != nil || len(md) != 0 {
		t.Errorf("no headers: %v, %v", md, err)
	}
	for h, want := range map[string]string{
		": v":           `-rpc-header ": v": header ": v" has no name before the colon`,
		"x y: v":        `-rpc-header "x y: v": header "x y": ' ' cannot be in a header name`,
		"user-agent: x": "gRPC sets it; use -user-agent",
		"x-bin: %%%":    `a -bin header takes a base64 value`,
		"x: ${1A}":      "${1A} is not a variable name",
		"x: ${OPEN":     "${ without a closing }",
	} {
		_, err := parseHeaders("-rpc-header", []string{h}, os.LookupEnv)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q:\n got %v\nwant %s", h, err, want)
		}
	}
}

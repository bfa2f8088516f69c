package repl

import (
	"context"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// TestScriptNeverPrintsASecret: what the script runner prints itself (the
// header listing, -v headers and trailers, explain's grpcurl command,
// error messages and status) shows secret header values redacted, by the
// engine's one rule (dynamic.IsSecretKey / dynamic.Redact). Only a server
// that echoes a secret back (Metadata) would print it, as its own output.
func TestScriptNeverPrintsASecret(t *testing.T) {
	t.Setenv("H15_TOKEN", "tok-s3cr3t")
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	script := strings.Join([]string{
		"header authorization: Bearer ${H15_TOKEN}",
		"header x-api-key=key-s3cr3t",
		"header cookie: session=cookie-s3cr3t; theme=dark",
		"header x-private-thing: priv-s3cr3t",
		"header",
		"set verbose on",
		`call helloworld.Greeter/SayHello {"name": "v"}`,
		`explain helloworld.Greeter/SayHello {"name": "e"}`,
		`call showcase.Showcase/Fail {"code": 7, "message": "denied"}`,
		`call helloworld.Greeter/SayHello {"name": 1}`,
		"header authorization Bearer noColon-s3cr3t",
		"status",
	}, "\n") + "\n"
	var stdout, stderr syncBuffer
	err := RunScript(context.Background(), s, strings.NewReader(script), &Output{Out: &stdout, Err: &stderr}, ScriptOptions{KeepGoing: true})
	if err == nil {
		t.Fatal("the failing commands did not fail the script")
	}
	all := stdout.String() + stderr.String()
	if strings.Contains(all, "s3cr3t") {
		t.Errorf("a secret was printed:\n%s", all)
	}
	for _, want := range []string{
		"authorization: Bearer <redacted>", "x-api-key: <redacted>", "cookie: session=<redacted>; theme=<redacted>",
		"x-private-thing: <redacted>", "-H 'authorization: Bearer <redacted>'", "PermissionDenied",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the output lacks %q:\n%s", want, all)
		}
	}
}

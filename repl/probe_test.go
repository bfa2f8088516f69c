package repl

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

func TestProbeX(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	for _, in := range []string{`{"name": "\ud800"}`, "\ufeff{\"name\": \"x\"}", `{"name": "\ud800\u0041"}`} {
		var out, errb bytes.Buffer
		err := CallJSON(context.Background(), s, "SayHello", strings.NewReader(in), &Output{Out: &out, Err: &errb})
		t.Logf("CallJSON %q: %v %s", in, err, out.String())
		out.Reset()
		err = RunScript(context.Background(), s, strings.NewReader("call SayHello "+in+"\n"), &Output{Out: &out, Err: &errb}, ScriptOptions{})
		t.Logf("script %q: %v %s", in, err, out.String())
		out.Reset()
		err = RunScript(context.Background(), s, strings.NewReader("call SayHello <<END\n"+in+"\nEND\n"), &Output{Out: &out, Err: &errb}, ScriptOptions{})
		t.Logf("heredoc %q: %v %s", in, err, out.String())
	}
}

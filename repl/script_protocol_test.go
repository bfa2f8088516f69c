package repl

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/protos"
)

// TestScriptProtocols runs testdata/protocols/protocols.grpcsh, which
// switches the session to Connect and then to gRPC-Web over HTTP/1.1 with
// the script's connect command, against the demo serving both
// (-update rewrites its golden). The session has the .proto files too, as
// -proto gives them: over HTTP/1.1 reflection cannot run and they answer.
func TestScriptProtocols(t *testing.T) {
	srv := startDemo(t, demo.Options{Web: true})
	c := scriptCase{name: "protocols", path: "testdata/protocols/protocols.grpcsh", keepGoing: true}
	var err error
	if c.script, err = os.ReadFile(c.path); err != nil {
		t.Fatal(err)
	}
	s, err := NewSession(context.Background(), Options{Conn: dynamic.ConnConfig{Target: srv.Target()}, ProtoFS: protos.FS, Schema: Schema{Protos: protos.Files}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var stdout, stderr syncBuffer
	env := func(name string) (string, bool) { return srv.Target(), name == "TARGET" }
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = RunScript(ctx, s, bytes.NewReader(c.script), &Output{Out: &stdout, Err: &stderr}, ScriptOptions{KeepGoing: true, Env: env})
	got := result{code: ExitCode(err), stdout: normalize(t, stdout.String(), srv.Target()), stderr: normalize(t, stderr.String(), srv.Target())}
	if got.code != 64+9 {
		t.Errorf("exit code %d, want %d (the bidi call over HTTP/1.1)", got.code, 64+9)
	}
	checkGolden(t, c, got)
}

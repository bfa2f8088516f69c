package repl

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
)

// execText parses text and runs its commands with one executor, returning
// what they printed and the first error.
func execText(t *testing.T, x *Executor, text string) (string, error) {
	t.Helper()
	cmds, err := Parse(text, testEnv)
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	var out bytes.Buffer
	x.Out = &Output{Out: &out, Err: &out}
	for _, c := range cmds {
		if err := x.Exec(context.Background(), c); err != nil {
			return out.String(), err
		}
	}
	return out.String(), nil
}

func TestExecHeaderChangesTheSession(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	x := NewExecutor(s, nil)
	if _, err := execText(t, x, "header authorization: Bearer ${TOKEN}\nheader x-a: 1\nheader -a x-a: 2\nheader x-b=3\nheader -d x-b"); err != nil {
		t.Fatal(err)
	}
	md := s.Header()
	if got := md.Get("authorization"); len(got) != 1 || got[0] != "Bearer s3cr3t" {
		t.Errorf("authorization = %q", got)
	}
	if got := md.Get("x-a"); len(got) != 2 || got[0] != "1" || got[1] != "2" {
		t.Errorf("x-a = %q", got)
	}
	if got := md.Get("x-b"); len(got) != 0 {
		t.Errorf("x-b = %q after header -d", got)
	}
	out, err := execText(t, x, "header")
	if err != nil || out != "authorization: Bearer <redacted>\nx-a: 1\nx-a: 2\n" {
		t.Errorf("header shows %q, %v", out, err)
	}
	// Setting a key again replaces its values.
	if _, err := execText(t, x, "header x-a: 3\nheader -d authorization x-a"); err != nil {
		t.Fatal(err)
	}
	if out, _ := execText(t, x, "header"); out != "(no request metadata)\n" {
		t.Errorf("header shows %q", out)
	}
}

func TestExecSetAndUnset(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	s.SetSettings(Settings{Format: "json", Deadline: 5 * time.Second}) // as if from -max-time 5
	x := NewExecutor(s, nil)
	if _, err := execText(t, x, "set deadline 250ms\nset format text\nset emit-defaults on\nset proto-names on\nset verbose on"); err != nil {
		t.Fatal(err)
	}
	want := Settings{Format: "text", Deadline: 250 * time.Millisecond, EmitDefaults: true, ProtoNames: true, Verbose: true}
	if got := s.Settings(); got != want {
		t.Errorf("after set: %+v, want %+v", got, want)
	}
	out, err := execText(t, x, "set deadline")
	if err != nil || out != "deadline      250ms\n" {
		t.Errorf("set deadline shows %q, %v", out, err)
	}
	// unset goes back to what the session started with.
	if _, err := execText(t, x, "unset deadline\nunset format\nunset emit-defaults\nunset proto-names\nunset verbose"); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Settings(), (Settings{Format: "json", Deadline: 5 * time.Second}); got != want {
		t.Errorf("after unset: %+v, want %+v", got, want)
	}
	if _, err := execText(t, x, "set deadline off"); err != nil || s.Settings().Deadline != 0 {
		t.Errorf("set deadline off: %v, %v", s.Settings().Deadline, err)
	}
}

func TestExecDeadlineApplies(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	x := NewExecutor(s, nil)
	_, err := execText(t, x, "set deadline 100ms\ncall showcase.Showcase/Sleep {\"duration\": \"5s\"}")
	var rpc *RPCError
	if !errors.As(err, &rpc) || rpc.Status.Code() != codes.DeadlineExceeded || ExitCode(err) != 64+int(codes.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	// The deadline that ended it is the one set, not some other.
	if !strings.Contains(rpc.Status.Message(), "100ms") {
		t.Errorf("status message %q does not name the 100ms deadline", rpc.Status.Message())
	}
}

func TestExecConnect(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	other := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	x := NewExecutor(s, nil)
	out, err := execText(t, x, "connect "+other.Target()+" -plaintext -authority demo.test -connect-timeout 3s\nstatus\ncall SayHello {\"name\": \"x\"}")
	if err != nil {
		t.Fatal(err)
	}
	if want := "connected to " + other.Target() + " plaintext, authority demo.test (READY)\n{\"message\":\"Hello x\"}\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if other.Connections() != 1 {
		t.Errorf("the new server saw %d connections", other.Connections())
	}
	cfg := s.ConnConfig()
	if cfg.Target != other.Target() || cfg.Authority != "demo.test" || cfg.ConnectTimeout != 3*time.Second {
		t.Errorf("config: %+v", cfg)
	}
	// Flags alone keep the target.
	if _, err := execText(t, x, "connect -plaintext"); err != nil || s.ConnConfig().Target != other.Target() {
		t.Errorf("connect -plaintext: %v, target %s", err, s.ConnConfig().Target)
	}
	for _, bad := range []string{"connect x:1 -plaintext -insecure", "connect x:1 -cert c.pem", "connect x:1 -max-msg-sz lots"} {
		_, err := execText(t, x, bad)
		if ExitCode(err) != ExitUsage {
			t.Errorf("%s: %v (exit %d), want a usage error", bad, err, ExitCode(err))
		}
	}
}

func TestExecMethodLookupsAreCached(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	x := NewExecutor(s, nil)
	if _, err := execText(t, x, "call SayHello {\"name\": \"1\"}"); err != nil {
		t.Fatal(err)
	}
	// Swap the source for one that fails: a cached method must not ask it.
	s.mu.Lock()
	s.source = failingSource{s.source}
	s.mu.Unlock()
	if out, err := execText(t, x, "call SayHello {\"name\": \"2\"}"); err != nil || out != "{\"message\":\"Hello 2\"}\n" {
		t.Errorf("second call: %q, %v", out, err)
	}
}

type failingSource struct{ dynamic.Source }

func (failingSource) ListServices() ([]protoreflect.FullName, error) {
	return nil, errors.New("asked the source again")
}

func (failingSource) FindSymbol(protoreflect.FullName) (protoreflect.Descriptor, error) {
	return nil, errors.New("asked the source again")
}

func TestExecExit(t *testing.T) {
	x := &Executor{}
	for text, want := range map[string]ExitRequest{"exit": {}, "quit 7": {Code: 7, HasCode: true}} {
		_, err := execText(t, x, text)
		var e *ExitRequest
		if !errors.As(err, &e) || *e != want {
			t.Errorf("%s: %v, want %+v", text, err, want)
		}
	}
}

// TestScriptInterrupted checks that a script waiting for its next line on
// a live pipe stops when its context ends (Ctrl-C).
func TestScriptInterrupted(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- RunScript(ctx, s, pr, &Output{Out: &stdout, Err: &stderr}, ScriptOptions{}) }()
	io.WriteString(pw, "ls\n")
	stdout.waitFor(t, "helloworld.Greeter") // ls ran
	// RunScript now waits for line 2, which never comes.
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(stderr.String(), "line 1: interrupted: context canceled") {
			t.Errorf("RunScript: %v, stderr %q", err, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("RunScript did not stop when its context ended")
	}
}

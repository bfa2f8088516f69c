package repl

import (
	"context"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// A stream's messages are kept for let and expect up to maxKeptBytes too;
// past it the stream goes on, and let and expect say why they cannot look.
// Under it, they can.
func TestLetKeepsMessagesBoundedByBytes(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	old := maxKeptBytes
	maxKeptBytes = 20 // a Tick is a few bytes: some are kept, not all
	defer func() { maxKeptBytes = old }()
	var stdout, stderr syncBuffer
	script := "call showcase.Showcase/Count {\"count\": 50}\nexpect length > 0\n"
	err := RunScript(context.Background(), s, strings.NewReader(script), &Output{Out: &stdout, Err: &stderr}, ScriptOptions{})
	if n := strings.Count(stdout.String(), "\n"); n != 50 {
		t.Errorf("%d messages printed, want 50", n)
	}
	if want := "line 2: expect length > 0: the call returned 50 messages: let and expect look at calls of at most 10000 messages and 20 bytes"; ExitCode(err) != 1 || !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("exit %d, stderr %q, want %q...", ExitCode(err), stderr.String(), want)
	}
	maxKeptBytes = old
	var stdout2, stderr2 syncBuffer
	err = RunScript(context.Background(), s, strings.NewReader("call showcase.Showcase/Count {\"count\": 50}\nexpect length == 50\n"), &Output{Out: &stdout2, Err: &stderr2}, ScriptOptions{})
	if err != nil {
		t.Errorf("under the budget: %v %s", err, stderr2.String())
	}
}

package repl

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// TestExpectSnapshot writes snapshots with Update, passes on them, shows a
// diff when the response changes, ignores the paths it is told to, and
// says so when the snapshot folder cannot be written.
func TestExpectSnapshot(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	dir := t.TempDir()
	script := filepath.Join(dir, "ticks.grpcsh")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(script, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(update bool) (int, string) {
		t.Helper()
		s := newTestSession(t, srv.Target())
		b, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		var stdout, stderr syncBuffer
		err = RunScript(context.Background(), s, bytes.NewReader(b), &Output{Out: &stdout, Err: &stderr}, ScriptOptions{Path: script, Update: update})
		return ExitCode(err), normalize(t, stderr.String(), srv.Target())
	}
	write(`call showcase.Showcase/Count {"count": 2}
expect snapshot ticks ignore .[].sentAt
call helloworld.Greeter/SayHello {"name": "snap"}
expect snapshot hello
`)
	if code, stderr := run(false); code != 1 || !strings.Contains(stderr, "line 2: expect snapshot ticks ignore .[].sentAt: no snapshot "+filepath.Join(dir, "__snapshots__", "ticks.ticks.json")+" yet (grpcsh test -update writes it)") {
		t.Fatalf("without a snapshot: exit %d, stderr:\n%s", code, stderr)
	}
	if code, stderr := run(true); code != 0 {
		t.Fatalf("-update: exit %d, stderr:\n%s", code, stderr)
	}
	ticks, err := os.ReadFile(filepath.Join(dir, "__snapshots__", "ticks.ticks.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "[\n  {\n    \"index\": 1\n  },\n  {\n    \"index\": 2\n  }\n]\n"; string(ticks) != want {
		t.Errorf("ticks snapshot:\n%s\nwant\n%s", ticks, want)
	}
	hello, err := os.ReadFile(filepath.Join(dir, "__snapshots__", "ticks.hello.json"))
	if err != nil || string(hello) != "{\n  \"message\": \"Hello snap\"\n}\n" {
		t.Errorf("hello snapshot: %q, %v", hello, err)
	}
	// The timestamps differ from run to run: ignored, the run passes.
	if code, stderr := run(false); code != 0 {
		t.Fatalf("second run: exit %d, stderr:\n%s", code, stderr)
	}
	write(strings.Replace(string(must(os.ReadFile(script))), `"snap"`, `"changed"`, 1))
	code, stderr := run(false)
	if code != 1 || !strings.Contains(stderr, "line 4: expect snapshot hello: the response differs from snapshot") ||
		!strings.Contains(stderr, `-`) || !strings.Contains(stderr, `"Hello snap"`) || !strings.Contains(stderr, `"Hello changed"`) {
		t.Fatalf("changed response: exit %d, stderr:\n%s", code, stderr)
	}
	t.Logf("the diff:\n%s", stderr)
	// A snapshot folder that cannot be made: a file is in its place.
	os.RemoveAll(filepath.Join(dir, "__snapshots__"))
	if err := os.WriteFile(filepath.Join(dir, "__snapshots__"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stderr := run(true); code != 1 || !strings.Contains(stderr, "line 2: expect snapshot ticks ignore .[].sentAt: cannot create the snapshot folder "+filepath.Join(dir, "__snapshots__")) {
		t.Fatalf("unwritable folder: exit %d, stderr:\n%s", code, stderr)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestLetKeepsBoundedMessages: a stream longer than maxKeptMessages goes
// through, and let and expect on it say why they cannot look at it.
func TestLetKeepsBoundedMessages(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	var stdout, stderr syncBuffer
	script := "call showcase.Showcase/Count {\"count\": 10001}\nexpect length > 0\n"
	err := RunScript(context.Background(), s, strings.NewReader(script), &Output{Out: &stdout, Err: &stderr}, ScriptOptions{})
	if n := strings.Count(stdout.String(), "\n"); n != 10001 {
		t.Errorf("%d messages printed, want 10001", n)
	}
	if want := "line 2: expect length > 0: the call returned 10001 messages: let and expect look at calls of at most 10000 messages and 67108864 bytes\n"; ExitCode(err) != 1 || stderr.String() != want {
		t.Errorf("exit %d, stderr %q, want %q", ExitCode(err), stderr.String(), want)
	}
}

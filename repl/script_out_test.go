package repl

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// A script's output to a file is buffered, yet a response and the error
// after it, both to the same file (2>&1), come in the order they happened.
func TestScriptOutputKeepsItsOrderWithStderr(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	script := "call helloworld.Greeter/SayHello {\"name\": \"one\"}\ncall helloworld.Greeter/SayHello {\"name\": \"two\"}\ncall showcase.Showcase/Fail {\"code\": 5}\n"
	err = RunScript(context.Background(), s, strings.NewReader(script), &Output{Out: f, Err: f}, ScriptOptions{})
	if ExitCode(err) != 64+5 {
		t.Errorf("exit %d (%v), want 69", ExitCode(err), err)
	}
	got, _ := os.ReadFile(f.Name())
	lines := strings.Split(string(got), "\n")
	if len(lines) < 3 || lines[0] != `{"message":"Hello one"}` || lines[1] != `{"message":"Hello two"}` || !strings.HasPrefix(lines[2], "line 3: call showcase.Showcase/Fail: NotFound") {
		t.Errorf("output:\n%s", got)
	}
}

// A script fed by a live pipe gets each response before it sends the next
// line: the buffer is flushed before the script waits for input.
func TestScriptOutputFlushedBeforeReading(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- RunScript(context.Background(), s, inR, &Output{Out: outW, Err: io.Discard}, ScriptOptions{})
		outW.Close()
	}()
	responses := bufio.NewReader(outR)
	for _, name := range []string{"a", "b", "c"} {
		io.WriteString(inW, "call helloworld.Greeter/SayHello {\"name\": \""+name+"\"}\n")
		line, err := responses.ReadString('\n')
		if err != nil || line != `{"message":"Hello `+name+`"}`+"\n" {
			t.Fatalf("response to %s: %q, %v", name, line, err)
		}
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Error(err)
	}
	if rest, _ := io.ReadAll(responses); len(rest) != 0 {
		t.Errorf("more output: %q", rest)
	}
}

// Output that cannot be written (the reader of the pipe went away) fails
// the script, exit 1, saying so, though the write that failed was the
// last flush.
func TestScriptOutputWriteErrorFails(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR.Close()
	defer outW.Close()
	var stderr syncBuffer
	err = RunScript(context.Background(), s, strings.NewReader("call helloworld.Greeter/SayHello {}\n"), &Output{Out: outW, Err: &stderr}, ScriptOptions{})
	if ExitCode(err) != 1 || !strings.Contains(stderr.String(), "writing the output") {
		t.Errorf("exit %d (%v), stderr %q", ExitCode(err), err, stderr.String())
	}
}

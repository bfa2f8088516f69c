package repl

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/demotest"
)

// go test ./repl/ -run Script -update rewrites the golden files.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files of repl/testdata/script")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// startDemo starts the demo server on a free loopback port for one test.
func startDemo(t testing.TB, opts demo.Options) *demo.Server { return demotest.Start(t, opts) }

func newTestSession(t testing.TB, target string) *Session {
	t.Helper()
	s, err := NewSession(context.Background(), Options{Conn: dynamic.ConnConfig{Target: target}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// syncBuffer is a bytes.Buffer that a call's goroutines may write while
// the test reads it.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed, and replaced, on every write
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor returns once the buffer holds text, waking on every write; it
// fails the test after 10s.
func (b *syncBuffer) waitFor(t *testing.T, text string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		b.mu.Lock()
		if strings.Contains(b.b.String(), text) {
			b.mu.Unlock()
			return
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		changed := b.changed
		b.mu.Unlock()
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("no %q after 10s in:\n%s", text, b.String())
		}
	}
}

// scriptCase is a script of testdata/script with its directives: lines
// "#! keep-going", "#! env NAME=VALUE" and "#! binary" (run it through the
// built grpcsh too).
type scriptCase struct {
	name, path string
	script     []byte
	keepGoing  bool
	binary     bool
	env        map[string]string
}

func loadScripts(t *testing.T) []scriptCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "script", "*.grpcsh"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts in testdata/script: %v", err)
	}
	var cases []scriptCase
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := scriptCase{name: strings.TrimSuffix(filepath.Base(p), ".grpcsh"), path: p, script: b, env: map[string]string{}}
		for _, line := range strings.Split(string(b), "\n") {
			d, ok := strings.CutPrefix(line, "#! ")
			if !ok {
				continue
			}
			switch {
			case d == "keep-going":
				c.keepGoing = true
			case d == "binary":
				c.binary = true
			case strings.HasPrefix(d, "env "):
				k, v, _ := strings.Cut(strings.TrimPrefix(d, "env "), "=")
				c.env[k] = v
			default:
				t.Fatalf("%s: unknown directive %q", p, line)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// result is what a script printed and its exit code.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("-- exit --\n%d\n-- stdout --\n%s-- stderr --\n%s", r.code, r.stdout, r.stderr)
}

var (
	reTimestamp = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"`)
	reRandom    = regexp.MustCompile(`\{"random":(\d+)\}`)
	reGRPCGo    = regexp.MustCompile(`grpc-go/[0-9.]+[-a-z0-9.]*`)
	reElapsed   = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s)\b`)
	reSlept     = regexp.MustCompile(`"slept":"[0-9.]+s"`)
	// protobuf's text format puts one or two spaces after a colon, on
	// purpose, at random per build.
	reTextSpace = regexp.MustCompile(`(?m)^(\w+):  +`)
)

// normalize replaces what changes from run to run: the server's address,
// timestamps, timings, gRPC's version, and the random numbers of
// GetRandom after checking that they are within 10..20.
func normalize(t *testing.T, s, target string) string {
	t.Helper()
	s = strings.ReplaceAll(s, target, "TARGET")
	s = reTimestamp.ReplaceAllString(s, `"TIMESTAMP"`)
	s = reGRPCGo.ReplaceAllString(s, "grpc-go/VERSION")
	s = reSlept.ReplaceAllString(s, `"slept":"SLEPT"`)
	s = reTextSpace.ReplaceAllString(s, "$1: ")
	for _, m := range reRandom.FindAllStringSubmatch(s, -1) {
		if n, _ := strconv.Atoi(m[1]); n < 10 || n > 20 {
			t.Errorf("GetRandom answered %d, not within 10..20", n)
		}
	}
	s = reRandom.ReplaceAllString(s, `{"random":RANDOM}`)
	var lines []string
	for _, line := range strings.SplitAfter(s, "\n") {
		// Timings of -v (set verbose on).
		if strings.Contains(line, "received") || strings.HasPrefix(line, "Sent ") {
			line = reElapsed.ReplaceAllString(line, "ELAPSED")
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "")
}

func runScriptCase(t *testing.T, c scriptCase, target string) result {
	t.Helper()
	s := newTestSession(t, target)
	var stdout, stderr syncBuffer
	env := func(name string) (string, bool) {
		if name == "TARGET" {
			return target, true
		}
		v, ok := c.env[name]
		return v, ok
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := RunScript(ctx, s, bytes.NewReader(c.script), &Output{Out: &stdout, Err: &stderr}, ScriptOptions{KeepGoing: c.keepGoing, Env: env})
	return result{code: ExitCode(err), stdout: normalize(t, stdout.String(), target), stderr: normalize(t, stderr.String(), target)}
}

func checkGolden(t *testing.T, c scriptCase, got result) {
	t.Helper()
	golden := strings.TrimSuffix(c.path, ".grpcsh") + ".golden"
	if updating() {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("%s: got\n%s\nwant (%s)\n%s", c.path, got, golden, want)
	}
}

// TestScriptGolden runs every script of testdata/script through RunScript
// against the demo server and compares stdout, stderr and the exit code
// with its .golden file.
func TestScriptGolden(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	for _, c := range loadScripts(t) {
		t.Run(c.name, func(t *testing.T) {
			checkGolden(t, c, runScriptCase(t, c, srv.Target()))
		})
	}
}

// TestScriptBinary pipes the scripts marked "#! binary" into the built
// grpcsh (script mode, since stdin is not a terminal) and expects the same
// output and exit code as RunScript gave.
func TestScriptBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds grpcsh")
	}
	if updating() {
		t.Skip("the golden files are written by TestScriptGolden")
	}
	bin := filepath.Join(t.TempDir(), "grpcsh")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, "../cmd/grpcsh")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := startDemo(t, demo.Options{})
	n := 0
	for _, c := range loadScripts(t) {
		if !c.binary {
			continue
		}
		n++
		t.Run(c.name, func(t *testing.T) {
			args := []string{srv.Target()}
			if c.keepGoing {
				args = append([]string{"--keep-going"}, args...)
			}
			cmd := exec.Command(bin, args...)
			cmd.Stdin = bytes.NewReader(c.script)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Env = append(os.Environ(), "TARGET="+srv.Target(), "NO_COLOR=1")
			for k, v := range c.env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			err := cmd.Run()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			got := result{code: code, stdout: normalize(t, stdout.String(), srv.Target()), stderr: normalize(t, stderr.String(), srv.Target())}
			checkGolden(t, c, got)
		})
	}
	if n < 3 {
		t.Errorf("only %d scripts are marked #! binary", n)
	}
	// -f FILE reads the script from a file, whatever stdin is.
	t.Run("-f", func(t *testing.T) {
		path := filepath.Join("testdata", "script", "calls.grpcsh")
		cmd := exec.Command(bin, "-f", path, srv.Target())
		cmd.Stdin = strings.NewReader("call not read from stdin\n")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("grpcsh -f: %v\n%s", err, stderr.String())
		}
		c := scriptCase{path: path}
		checkGolden(t, c, result{stdout: normalize(t, stdout.String(), srv.Target()), stderr: normalize(t, stderr.String(), srv.Target())})
	})
}

// TestScriptThousandCallsOneConnection runs 1,000 calls in one script:
// one connection, reflection asked once, every answer in order.
func TestScriptThousandCallsOneConnection(t *testing.T) {
	var log syncBuffer
	srv := startDemo(t, demo.Options{Log: &log})
	s := newTestSession(t, srv.Target())
	const n = 1000
	var script strings.Builder
	script.WriteString("# a thousand calls\n")
	for i := range n {
		fmt.Fprintf(&script, "call helloworld.Greeter/SayHello {\"name\": \"n%d\"}\n", i)
	}
	var stdout, stderr syncBuffer
	start := time.Now()
	err := RunScript(context.Background(), s, strings.NewReader(script.String()), &Output{Out: &stdout, Err: &stderr}, ScriptOptions{})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("RunScript: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines of output, want %d", len(lines), n)
	}
	for i, l := range lines {
		if want := fmt.Sprintf(`{"message":"Hello n%d"}`, i); l != want {
			t.Fatalf("line %d: %s, want %s", i+1, l, want)
		}
	}
	if c := srv.Connections(); c != 1 {
		t.Errorf("the server accepted %d connections, want 1", c)
	}
	s.Close()
	// The demo logs a stream when it ends: the reflection stream ends
	// after Close.
	log.waitFor(t, "ServerReflection")
	calls := map[string]int{}
	for _, l := range strings.Split(log.String(), "\n") {
		for _, f := range strings.Fields(l) {
			if strings.HasPrefix(f, "/") {
				calls[f]++
			}
		}
	}
	if calls["/helloworld.Greeter/SayHello"] != n {
		t.Errorf("the server saw %d SayHello calls, want %d", calls["/helloworld.Greeter/SayHello"], n)
	}
	refl := calls["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] + calls["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"]
	if refl > 1 {
		t.Errorf("%d reflection streams, want at most 1: %v", refl, calls)
	}
	t.Logf("%d calls in %s (%s per call), %d connection(s), %d reflection stream(s)", n, elapsed.Round(time.Millisecond), (elapsed / n).Round(time.Microsecond), srv.Connections(), refl)
}

// TestScriptLiveBidi feeds a bidi stream from a live pipe: each message
// must be sent, and its answer printed, before the next one is written.
func TestScriptLiveBidi(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	pr, pw := io.Pipe()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- RunScript(context.Background(), s, pr, &Output{Out: &stdout, Err: &stderr}, ScriptOptions{})
	}()
	waitFor := func(want string) {
		t.Helper()
		stdout.waitFor(t, want)
	}
	io.WriteString(pw, "call showcase.Showcase/Chat <<END\n")
	for i, text := range []string{"one", "two", "three"} {
		fmt.Fprintf(pw, "{\"text\": %q}\n", text)
		waitFor(fmt.Sprintf(`{"text":"you said: %s","seq":%d}`, text, i+1))
	}
	io.WriteString(pw, "END\ncall SayHello {\"name\": \"after\"}\n")
	waitFor(`{"message":"Hello after"}`)
	pw.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunScript: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunScript did not end at the end of its input")
	}
}

// TestScriptStopsAtFirstFailure checks that nothing after a failing
// command runs, and that --keep-going runs it and keeps the last code.
func TestScriptStopsAtFirstFailure(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	script := "call SayHello {\"name\": \"1\"}\ncall showcase.Showcase/Fail {\"code\": 5}\ncall SayHello {\"name\": \"2\"}\ncall showcase.Showcase/Fail {\"code\": 3}\ncall SayHello {\"name\": \"3\"}\n"
	for _, keepGoing := range []bool{false, true} {
		s := newTestSession(t, srv.Target())
		var stdout, stderr syncBuffer
		err := RunScript(context.Background(), s, strings.NewReader(script), &Output{Out: &stdout, Err: &stderr}, ScriptOptions{KeepGoing: keepGoing})
		wantOut := "{\"message\":\"Hello 1\"}\n"
		wantCode, wantFails := 64+5, 1
		if keepGoing {
			wantOut += "{\"message\":\"Hello 2\"}\n{\"message\":\"Hello 3\"}\n"
			wantCode, wantFails = 64+3, 2
		}
		if stdout.String() != wantOut {
			t.Errorf("keep-going %v: stdout\n%s\nwant\n%s", keepGoing, stdout.String(), wantOut)
		}
		var se *ScriptError
		if !errors.As(err, &se) || se.Code != wantCode || se.Fails != wantFails || ExitCode(err) != wantCode {
			t.Errorf("keep-going %v: %#v (ExitCode %d), want code %d after %d failures", keepGoing, err, ExitCode(err), wantCode, wantFails)
		}
		var rpc *RPCError
		if !errors.As(err, &rpc) {
			t.Errorf("keep-going %v: %v does not unwrap to an *RPCError", keepGoing, err)
		}
		if n := strings.Count(stderr.String(), "\nline "); n != wantFails-1 {
			t.Errorf("keep-going %v: stderr:\n%s", keepGoing, stderr.String())
		}
	}
}

// TestScriptGoldenFilesAreUsed makes sure that no golden file is left
// without its script, and every script has a golden file.
func TestScriptGoldenFilesAreUsed(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "script", "*.golden"))
	scripts, _ := filepath.Glob(filepath.Join("testdata", "script", "*.grpcsh"))
	var a, b []string
	for _, g := range goldens {
		a = append(a, strings.TrimSuffix(g, ".golden"))
	}
	for _, s := range scripts {
		b = append(b, strings.TrimSuffix(s, ".grpcsh"))
	}
	if !slices.Equal(a, b) && !updating() {
		t.Errorf("golden files %v do not match the scripts %v", a, b)
	}
}

package repl

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
)

// TestRunTestsBadJUnitPath: a -junit report that cannot be written is a
// usage error (exit 2) found before any file runs, not after.
func TestRunTestsBadJUnitPath(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	for _, junit := range []string{filepath.Join(t.TempDir(), "no-such-dir", "r.xml"), t.TempDir()} {
		var out syncBuffer
		code := RunTests(context.Background(), TestOptions{Paths: []string{filepath.Join("testdata", "tests", "sum.grpcsh")}, JUnit: junit, Out: &out, NewSession: testSessions(srv.Target())})
		if code != ExitUsage || !strings.Contains(out.String(), "-junit") || strings.Contains(out.String(), "FAIL") {
			t.Errorf("-junit %s: exit %d, output:\n%s\nwant exit 2, a -junit error and no file run", junit, code, out.String())
		}
	}
	if n := srv.Connections(); n != 0 {
		t.Errorf("%d connections were made before the bad -junit path was reported", n)
	}
}

// TestRunTestsEscapesFileNames: a file name is text from the disk; its
// control characters never reach the terminal raw, on PASS lines as on
// FAIL lines.
func TestRunTestsEscapesFileNames(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	dir := t.TempDir()
	for name, text := range map[string]string{
		"a\x1b[31mpass.grpcsh": "call helloworld.Greeter/SayHello {\"name\": \"x\"}\n",
		"b\x1b[31mfail.grpcsh": "call helloworld.Greeter/SayHello {\"name\": \"x\"}\nexpect .message == \"no\"\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out syncBuffer
	code := RunTests(context.Background(), TestOptions{Paths: []string{dir}, Out: &out, NewSession: testSessions(srv.Target())})
	got := out.String()
	if code != ExitRuntime || strings.ContainsRune(got, 0x1b) || !strings.Contains(got, "PASS ") || !strings.Contains(got, "FAIL ") {
		t.Errorf("exit %d, output %q: want exit 1, a PASS and a FAIL line, no raw ESC", code, got)
	}
}

// TestJQExpandsVariables: ${NAME} inside the jq text of let and expect
// is the let binding (or the environment), escaped inside jq strings and
// as it is outside them; the FAIL message shows the text as written.
func TestJQExpandsVariables(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	t.Setenv("GRPCSH_T_QUOTE", `say "hi" \ bye`)
	script := `call helloworld.Greeter/SayHello {"name": "x"}
let greet = .message | split(" ") | .[0]
expect .message | startswith("${greet}")
let n = 3
call showcase.Showcase/Count {"count": ${n}}
expect length == ${n}
call showcase.Showcase/Echo {"fString": "${GRPCSH_T_QUOTE}"}
expect .fString == "${GRPCSH_T_QUOTE}"
expect "\(.fString | length)" == "${n}${n}"
expect .fString == "$${not a variable}" | not
expect .fString != "${GRPCSH_T_QUOTE}x"
`
	s := newTestSession(t, srv.Target())
	var stderr bytes.Buffer
	err := RunScript(context.Background(), s, strings.NewReader(script), &Output{Out: &bytes.Buffer{}, Err: &stderr}, ScriptOptions{})
	if err == nil {
		t.Fatal("the last line fails (a 14-character string is not 33 long) but the script passed")
	}
	se, ok := err.(*ScriptError)
	if !ok || se.Line != 9 {
		t.Fatalf("err %v (line %d), stderr:\n%s\nwant the failure at line 9", err, se.Line, stderr.String())
	}
	if !strings.Contains(stderr.String(), `"${n}${n}"`) {
		t.Errorf("the message should show the expression as written, got:\n%s", stderr.String())
	}
	// Lines 1-8 passed: every expansion above gave what was meant.
	script = strings.Replace(script, `expect "\(.fString | length)" == "${n}${n}"`, `expect "\(.fString | length)" == "\(${n} + 11)"`, 1)
	s2 := newTestSession(t, srv.Target())
	stderr.Reset()
	if err := RunScript(context.Background(), s2, strings.NewReader(script), &Output{Out: &bytes.Buffer{}, Err: &stderr}, ScriptOptions{}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	// An unset variable in jq text is the usual error, at its column.
	_, err = Parse("expect .a == \"${GRPCSH_T_UNSET_VAR}\"\n", func(string) (string, bool) { return "", false })
	if err == nil || !strings.Contains(err.Error(), "line 1:15") || !strings.Contains(err.Error(), "GRPCSH_T_UNSET_VAR") {
		t.Errorf("unset variable: %v", err)
	}
}

// TestReadmeLoginChain runs the README's login-style chain, as its text
// is, against the demo server with the dev environment it describes, and
// checks both outcomes the README shows.
func TestReadmeLoginChain(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "A login-style chain")
	if !ok {
		t.Fatal("README has no login-style chain")
	}
	_, block, ok := strings.Cut(after, "```\n")
	block, _, ok2 := strings.Cut(block, "```\n")
	if !ok || !ok2 || !strings.Contains(block, "let token") {
		t.Fatalf("README's chain is not a fenced block:\n%s", after)
	}
	dir := t.TempDir()
	coll := filepath.Join(dir, ".grpcsh")
	if err := os.MkdirAll(filepath.Join(coll, "env"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(coll, "login.grpcsh")
	if err := os.WriteFile(file, []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(coll, "env", "dev.env"), []byte("USER_NAME=ann\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := LoadEnv("dev", coll)
	if err != nil {
		t.Fatal(err)
	}
	srv := startDemo(t, demo.Options{})
	run := func(env *Env) (int, string) {
		var out syncBuffer
		code := RunTests(context.Background(), TestOptions{Paths: []string{coll}, Out: &out, NewSession: func(ctx context.Context) (*Session, error) {
			return NewSession(ctx, Options{Conn: dynamic.ConnConfig{Target: srv.Target()}, Env: env})
		}})
		return code, out.String()
	}
	if code, out := run(env); code != 0 || !strings.HasPrefix(out, "PASS "+file+"\n") {
		t.Errorf("with -env dev: exit %d\n%s", code, out)
	}
	t.Setenv("USER_NAME", "bob")
	want := "FAIL " + file + `:6: expect .metadata.authorization == "Bearer token-for-ann": got .metadata.authorization = "Bearer token-for-bob"`
	if code, out := run(nil); code != 1 || !strings.HasPrefix(out, want+"\n") {
		t.Errorf("with USER_NAME=bob: exit %d\n%s\nwant\n%s", code, out, want)
	}
}

// TestLetKeepsBoundedBytes: what a call keeps for let and expect is
// bounded by bytes as well as by messages; past the bound nothing is kept
// and let says why it cannot look at the call.
func TestLetKeepsBoundedBytes(t *testing.T) {
	old := maxKeptBytes
	maxKeptBytes = 1000
	t.Cleanup(func() { maxKeptBytes = old })
	srv := startDemo(t, demo.Options{})
	s := newTestSession(t, srv.Target())
	text := strings.Repeat("x", 600)
	script := "call showcase.Showcase/Chat <<END\n{\"text\": \"" + text + "\"}\n{\"text\": \"" + text + "\"}\nEND\nlet n = length\n"
	x := NewExecutor(s, &Output{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	cmds, err := Parse(script, x.Lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Exec(context.Background(), cmds[0]); err != nil {
		t.Fatal(err)
	}
	if len(x.last.messages) != 0 || x.last.kept != 0 || x.last.dropped != 2 {
		t.Errorf("kept %d messages (%d bytes), dropped %d: want none kept past the bound", len(x.last.messages), x.last.kept, x.last.dropped)
	}
	err = x.Exec(context.Background(), cmds[1])
	if err == nil || !strings.Contains(err.Error(), "returned 2 messages") || !strings.Contains(err.Error(), "1000 bytes") {
		t.Errorf("let on a call past the byte bound: %v", err)
	}
}

package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/demotest"
	"github.com/grpcsh/grpcsh/internal/testcerts"
)

// The CLI runs in-process through run, the function main calls, so the
// tests need no binary and coverage counts the code they drive. The few
// that need a process of their own (a signal sent to it) build one, once,
// with builtBinary.
func TestMain(m *testing.M) {
	// Output goes to buffers, which are never terminals, so colour is off
	// anyway; NO_COLOR keeps it off should that change.
	os.Setenv("NO_COLOR", "1")
	code := m.Run()
	if binaryDir != "" {
		os.RemoveAll(binaryDir)
	}
	os.Exit(code)
}

var (
	binaryOnce sync.Once
	binaryDir  string
	binaryPath string
	binaryErr  error
)

// builtBinary builds grpcsh the first time a test asks for it.
func builtBinary(t testing.TB) string {
	t.Helper()
	binaryOnce.Do(func() {
		if binaryDir, binaryErr = os.MkdirTemp("", "grpcsh-cli"); binaryErr != nil {
			return
		}
		binaryPath = filepath.Join(binaryDir, "grpcsh")
		if out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput(); err != nil {
			binaryErr = fmt.Errorf("building grpcsh: %v\n%s", err, out)
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

func startTestDemo(t *testing.T, opts demo.Options) string {
	return demotest.Start(t, opts).Target()
}

type result struct {
	stdout, stderr string
	code           int
}

func grpcsh(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{out.String(), errOut.String(), code}
}

func (r result) check(t *testing.T, code int, stdout string, stderrHas ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	if stdout != "*" && r.stdout != stdout {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, stdout)
	}
	for _, want := range stderrHas {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestList(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	grpcsh(t, "", target, "list").check(t, 0, "TestServer\ngrpc.health.v1.Health\ngrpc.reflection.v1.ServerReflection\ngrpc.reflection.v1alpha.ServerReflection\nhelloworld.Greeter\nshowcase.Showcase\n")
	grpcsh(t, "", target, "list", "Greeter").check(t, 0, "helloworld.Greeter.SayHello\n")
	// Flags after the verb, as people type them.
	grpcsh(t, "", "list", "Greeter", "-proto", "../../protos/hello.proto").check(t, 0, "helloworld.Greeter.SayHello\n")
}

func TestDescribe(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	r := grpcsh(t, "", target, "describe", "helloworld.Greeter")
	r.check(t, 0, "*")
	for _, want := range []string{"helloworld.Greeter is a service in hello.proto:", "// The greeter service definition.", "rpc SayHello ( HelloRequest ) returns ( HelloReply );"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("describe lacks %q:\n%s", want, r.stdout)
		}
	}
	// From files, no server.
	r = grpcsh(t, "", "-proto", "../../protos/test.proto", "describe", "Request")
	r.check(t, 0, "*")
	if !strings.Contains(r.stdout, "message Request {\n  string id = 1;\n}") {
		t.Errorf("describe Request from files:\n%s", r.stdout)
	}
}

func TestTemplate(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	grpcsh(t, "", target, "template", "SayHello").check(t, 0, "{\n  \"name\": \"\"\n}\n")
}

func TestCallAllFourKinds(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	grpcsh(t, "", target, "call", "helloworld.Greeter/SayHello", "-d", `{"name":"grpcsh"}`).check(t, 0, "{\"message\":\"Hello grpcsh\"}\n")
	r := grpcsh(t, "", target, "call", "TestServer/GetRandom", "-d", `{"id":"123"}`)
	r.check(t, 0, "*")
	var n int
	if _, err := fmt.Sscanf(r.stdout, `{"random":%d}`, &n); err != nil || n < 10 || n > 20 {
		t.Errorf("GetRandom printed %q", r.stdout)
	}
	r = grpcsh(t, "", target, "call", "showcase.Showcase/Count", "-d", `{"count":3}`)
	r.check(t, 0, "*")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], `{"index":1,"sentAt":"`) || !strings.HasPrefix(lines[2], `{"index":3,`) {
		t.Errorf("server stream printed:\n%s", r.stdout)
	}
	grpcsh(t, "", target, "call", "Sum", "-d", `{"value":1} {"value":2}`+"\n"+`{"value":39}`).check(t, 0, "{\"sum\":\"42\",\"count\":3}\n")
	grpcsh(t, `{"text":"a"}{"text":"b"}`, target, "call", "Chat", "-d", "@-").check(t, 0, "{\"text\":\"you said: a\",\"seq\":1}\n{\"text\":\"you said: b\",\"seq\":2}\n")
	// No -d: one empty request.
	grpcsh(t, "", target, "call", "SayHello").check(t, 0, "{\"message\":\"Hello \"}\n")
	// -d @file.
	file := filepath.Join(t.TempDir(), "req.json")
	os.WriteFile(file, []byte(`{"name":"file"}`), 0o644)
	grpcsh(t, "", target, "call", "SayHello", "-d", "@"+file).check(t, 0, "{\"message\":\"Hello file\"}\n")
}

func TestFailedCallExits64PlusCodeWithDetails(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	grpcsh(t, "", target, "call", "Fail", "-d", `{"code":5,"message":"no such thing"}`).check(t, 64+5, "",
		"Code: NotFound", "Message: no such thing",
		`1) google.rpc.BadRequest {"fieldViolations":[{"field":"code","description":"the caller asked for NotFound"}]}`,
		`2) google.rpc.ErrorInfo {"reason":"REQUESTED_FAILURE"`,
		`3) showcase.FailureHint {"hint":"send a code of 0 to Echo instead"`)
	grpcsh(t, "", target, "call", "Sleep", "-d", `{"duration":"5s"}`, "-max-time", "0.2").check(t, 64+4, "", "Code: DeadlineExceeded")
}

func TestVerboseShowsHeadersAndTrailers(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	r := grpcsh(t, "", "-v", "-H", "x-user: ada", "-H", "authorization: Bearer s3cret", target, "call", "showcase.Showcase/Metadata")
	r.check(t, 0, "*", "Response headers received", "x-user: ada", "trailer-x-user: ada", "Sent 1 request(s), received 1 response(s)")
	if strings.Contains(r.stderr, "s3cret") {
		t.Errorf("verbose output leaks a secret:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, `"x-user":"ada"`) {
		t.Errorf("metadata not sent: %s", r.stdout)
	}
}

func TestErrorsPointAtTheCause(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	dir := t.TempDir()
	write := func(t *testing.T, name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	os.WriteFile(filepath.Join(dir, "bad.proto"), []byte("syntax = \"proto3\";\nmessage M {\n  string s = 1\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "imp.proto"), []byte("syntax = \"proto3\";\nimport \"other/dep.proto\";\n"), 0o644)

	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"bad JSON field", []string{target, "call", "showcase.Showcase/Echo", "-d", `{"fInt32": "x"}`}, 2,
			[]string{`grpcsh: line 1:12: fInt32: invalid value for int32 field fInt32: "x"`}},
		{"nested JSON path", []string{target, "call", "Echo", "-d", `{"address": {"geo": {"lat": "north"}}}`}, 2,
			[]string{`address.geo.lat: invalid value for double field lat: "north"`}},
		{"unknown method", []string{target, "call", "SayHelo"}, 1,
			[]string{`grpcsh: unknown method "SayHelo"; did you mean helloworld.Greeter/SayHello?`}},
		{"unknown verb", []string{target, "cal", "SayHello"}, 2, []string{`unknown command "cal"`}},
		{"call without method", []string{target, "call"}, 2, []string{"call takes one METHOD"}},
		{"syntax error in proto", []string{"-proto", filepath.Join(dir, "bad.proto"), "list"}, 1, []string{"bad.proto:4:1: syntax error"}},
		{"missing import", []string{"-import-path", dir, "-proto", "imp.proto", "list"}, 1,
			[]string{`imp.proto:2:8: import "other/dep.proto" not found (searched: ` + dir + `); add the directory it is relative to with -import-path`}},
		{"file not in import path", []string{"-import-path", dir, "-proto", "nothere.proto", "list"}, 1,
			[]string{"nothere.proto: not found in any import path (searched: " + dir + "); pass -import-path"}},
		{"no target", []string{"list"}, 2, []string{"no target"}},
		{"call without target", []string{"-proto", "../../protos/hello.proto", "call", "SayHello"}, 2, []string{"call needs a TARGET (host:port), or --demo"}},
		{"demo and a target", []string{"--demo", target, "list"}, 2, []string{"--demo starts its own server: give no TARGET"}},
		{"-cert without -key", []string{"-cert", "c.pem", target, "list"}, 2, []string{"-cert needs -key"}},
		{"bad format", []string{"-format", "yaml", target, "list"}, 2, []string{"-format must be json or text"}},
		{"too many requests for unary", []string{target, "call", "SayHello", "-d", `{}{}`}, 2, []string{"takes one request"}},
		{"position in a file", []string{target, "call", "SayHello", "-d", "@" + write(t, "r1.json", "\n\n{\"name\": 1}")}, 2,
			[]string{"grpcsh: line 3:10: name: invalid value for string field name: 1"}},
		{"position in a stream", []string{target, "call", "Sum", "-d", "{\"value\":1}\n  {\"value\":\"x\"}"}, 2,
			[]string{`grpcsh: request 2: line 2:12: value: invalid value for int64 field value: "x"`}},
		{"syntax error", []string{target, "call", "SayHello", "-d", `{"name": }`}, 2,
			[]string{"grpcsh: line 1:10: invalid character '}' looking for beginning of value"}},
		{"input ends inside a value", []string{target, "call", "Sum", "-d", "{\"value\":1}\n{\"value\": 2"}, 2,
			[]string{"grpcsh: request 2: line 2:12: the input ends inside a JSON value"}},
		{"second request of a unary call", []string{target, "call", "SayHello", "-d", `{"name":"a"}  {"name":"b"}`}, 2,
			[]string{"grpcsh: line 1:15: a second request, but SayHello is a unary method"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			grpcsh(t, "", tt.args...).check(t, tt.code, "*", tt.wants...)
		})
	}
}

func TestServerWithoutReflectionSuggestsProtoFiles(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bare := grpc.NewServer()
	go bare.Serve(lis)
	t.Cleanup(bare.Stop)
	grpcsh(t, "", lis.Addr().String(), "list").check(t, 1, "", "does not offer reflection", "-proto FILE or -protoset FILE")
}

func TestV1AlphaOnlyServer(t *testing.T) {
	target := startTestDemo(t, demo.Options{NoReflectionV1: true})
	grpcsh(t, "", target, "call", "SayHello", "-d", `{"name":"old"}`).check(t, 0, "{\"message\":\"Hello old\"}\n")
}

func TestHelpAndVersion(t *testing.T) {
	r := grpcsh(t, "", "-help")
	r.check(t, 0, "*")
	for _, want := range []string{"Usage:", "-plaintext", "-import-path", "Exit codes"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if r := grpcsh(t, "", "-version"); !strings.HasPrefix(r.stdout, "grpcsh ") {
		t.Errorf("version: %q", r.stdout)
	}
}

func TestExportThenUseTheExport(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	dir := t.TempDir()
	set := filepath.Join(dir, "demo.protoset")
	protoDir := filepath.Join(dir, "protos")
	grpcsh(t, "", target, "describe", "SayHello", "-protoset-out", set, "-proto-out-dir", protoDir).check(t, 0, "*", "wrote", "showcase.proto")
	// The exported protoset and .proto files describe the same API offline.
	grpcsh(t, "", "-protoset", set, "list", "Greeter").check(t, 0, "helloworld.Greeter.SayHello\n")
	grpcsh(t, "", "-import-path", protoDir, "-proto", "showcase.proto", "list", "showcase.Showcase").check(t, 0, "*")
	// And a call with files only for the schema, against a server.
	grpcsh(t, "", "-protoset", set, target, "call", "SayHello", "-d", `{"name":"set"}`).check(t, 0, "{\"message\":\"Hello set\"}\n")
}

func TestExplainShowsEveryStepOfTheSeedsWorkflow(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	r := grpcsh(t, "", target, "explain", "TestServer/GetRandom", "-d", `{"id":"123"}`, "-H", "authorization: Bearer s3cret")
	r.check(t, 0, "*")
	for _, want := range []string{
		"── 1. The contract: test.proto ──", "rpc GetRandom ( Request ) returns ( Response );",
		"python3 -m grpc_tools.protoc -I . --python_out=. --grpc_python_out=. test.proto",
		"req = test_pb2.Request(id='123')",
		"0a 03 31 32 33", `id (1) LEN: 3 bytes: "123"`,
		"grpcurl -plaintext -H 'authorization: Bearer <redacted>' -d '{\"id\":\"123\"}' " + target + " TestServer/GetRandom",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "s3cret") {
		t.Error("explain leaks a secret header")
	}
	grpcsh(t, "", target, "explain", "SayHello", "-d", `{"name": 5}`).check(t, 2, "", `line 1:10: name: invalid value for string field name: 5`)
}

// The TLS flags reach the connection: the CLI against a TLS and an mTLS
// demo server, with certificates made for the test.
func TestTLSFlags(t *testing.T) {
	dir := t.TempDir()
	ca, err := testcerts.NewCA("grpcsh cli test CA")
	if err != nil {
		t.Fatal(err)
	}
	caFile, err := ca.WriteFile(dir, "ca")
	if err != nil {
		t.Fatal(err)
	}
	server, err := ca.Issue(testcerts.Loopback())
	if err != nil {
		t.Fatal(err)
	}
	client, err := ca.Issue(testcerts.Leaf{CommonName: "cli", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := client.WriteFiles(dir, "client")
	if err != nil {
		t.Fatal(err)
	}
	tlsTarget := startTestDemo(t, demo.Options{TLS: testcerts.ServerConfig(server, nil)})
	mtlsTarget := startTestDemo(t, demo.Options{TLS: testcerts.ServerConfig(server, ca)})
	hello := `{"name":"tls"}`
	want := "{\"message\":\"Hello tls\"}\n"

	grpcsh(t, "", "-cacert", caFile, tlsTarget, "call", "SayHello", "-d", hello).check(t, 0, want)
	grpcsh(t, "", "-insecure", tlsTarget, "call", "SayHello", "-d", hello).check(t, 0, want)
	grpcsh(t, "", "-tls", tlsTarget, "list").check(t, 1, "", "signed by an unknown authority", "-cacert FILE", "-insecure")
	grpcsh(t, "", tlsTarget, "list").check(t, 1, "", "speaks TLS", "-tls")
	grpcsh(t, "", "-cacert", caFile, mtlsTarget, "list").check(t, 1, "", "client certificate", "-cert FILE and -key FILE")
	grpcsh(t, "", "-cacert", caFile, "-cert", certFile, "-key", keyFile, mtlsTarget, "call", "SayHello", "-d", hello).check(t, 0, want)
	grpcsh(t, "", "-cert", certFile, mtlsTarget, "list").check(t, 2, "", "-cert needs -key")
}

func TestLargeResponsesNeedMaxMsgSz(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	grpcsh(t, "", target, "call", "Big", "-d", `{"size": 5000000}`).check(t, 64+8, "", "received message larger than max", "raise grpcsh's limit with -max-msg-sz BYTES")
	r := grpcsh(t, "", "-max-msg-sz", "6000000", target, "call", "Big", "-d", `{"size": 5000000}`)
	r.check(t, 0, "*")
	if len(r.stdout) < 5000000 {
		t.Errorf("with -max-msg-sz: %d bytes of output", len(r.stdout))
	}
}

// A mistake in the input of a one-request method is found before anything
// is sent: the server never sees the call.
func TestBadInputRunsNothingOnTheServer(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	target := startTestDemo(t, demo.Options{OnCall: func(method string, _ metadata.MD) {
		if method == "/TestServer/GetRandom" {
			mu.Lock()
			calls++
			mu.Unlock()
		}
	}})
	grpcsh(t, "", target, "call", "GetRandom", "-d", `{"id":"first"}{"id":"second"}`).check(t, 2, "", "takes one request, got more")
	grpcsh(t, "", target, "call", "GetRandom", "-d", `{"id":"first"} {"id": 7}`).check(t, 2, "")
	mu.Lock()
	defer mu.Unlock()
	if calls != 0 {
		t.Fatalf("the server ran GetRandom %d times for rejected input", calls)
	}
}

// A stream fed from a stdin that stays open still ends at its deadline.
func TestDeadlineWhileStdinStaysOpen(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	stdinR, stdinW := io.Pipe()
	defer stdinW.Close()
	var out, errOut safeBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{target, "call", "Chat", "-d", "@-", "-max-time", "0.5"}, stdinR, &out, &errOut)
	}()
	io.WriteString(stdinW, `{"text":"hi"}`+"\n")
	select {
	case code := <-done:
		if code != 64+4 {
			t.Fatalf("exit %d, want 68 (DeadlineExceeded)\nstdout: %s\nstderr: %s", code, out.String(), errOut.String())
		}
		if out.String() != "{\"text\":\"you said: hi\",\"seq\":1}\n" {
			t.Errorf("stdout: %q", out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("grpcsh waited for stdin past its 0.5s deadline")
	}
}

// safeBuffer is a bytes.Buffer that run's goroutines may write while the
// test reads it.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEnvFlag: -env NAME finds NAME.env in the collection's env/ folder;
// the file comes before the process environment, which fills the rest, in
// -H and in scripts; a malformed file is a usage error at file:line.
func TestEnvFlag(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "env"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "env", "staging.env"), []byte("WHO=staging\nTEAM=file\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "env", "bad.env"), []byte("A=1\nnot a line\n"), 0o644)
	t.Setenv("TEAM", "process")
	t.Setenv("ONLY_PROCESS", "ci")
	script := "call helloworld.Greeter/SayHello {\"name\": \"${WHO} ${ONLY_PROCESS}\"}\ncall showcase.Showcase/Metadata\n"
	r := grpcsh(t, script, "-collection", dir, "-env", "staging", "-H", "x-team: ${TEAM}", target)
	if r.code != 0 || !strings.Contains(r.stdout, `{"message":"Hello staging ci"}`) || !strings.Contains(r.stdout, `"x-team":"file"`) {
		t.Errorf("-env staging: %+v", r)
	}
	r = grpcsh(t, "", "-env", filepath.Join(dir, "env", "bad.env"), target)
	if want := "bad.env:2: "; r.code != 2 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "not a line") {
		t.Errorf("malformed env file: %+v, want exit 2 and %q without the line's text", r, want)
	}
	r = grpcsh(t, "", "-collection", dir, "-env", "prod", target)
	if r.code != 2 || !strings.Contains(r.stderr, filepath.Join(dir, "env", "prod.env")) {
		t.Errorf("missing env: %+v", r)
	}
}

// TestTestVerb runs a folder with a passing and a failing file through
// grpcsh TARGET test against the demo server and reads the JUnit report
// back; a syntax error anywhere is exit 2 before any call.
func TestTestVerb(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a_pass.grpcsh"), []byte("call helloworld.Greeter/SayHello {\"name\": \"t\"}\nlet m = .message\ncall helloworld.Greeter/SayHello {\"name\": \"${m}\"}\nexpect .message == \"Hello Hello t\"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b_fail.grpcsh"), []byte("call showcase.Showcase/Count {\"count\": 2}\nexpect length == 3\n"), 0o644)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	r := grpcsh(t, "", target, "test", "-junit", junit, "-parallel", "2", dir)
	a, b := filepath.Join(dir, "a_pass.grpcsh"), filepath.Join(dir, "b_fail.grpcsh")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "PASS "+a+"\nFAIL "+b+":2: expect length == 3: got length = 2\n1 passed, 1 failed, 2 file(s) in ") {
		t.Fatalf("grpcsh test: %+v", r)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &report); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if len(report.Suites) != 1 || report.Suites[0].Tests != 2 || report.Suites[0].Failures != 1 {
		t.Fatalf("report: %+v", report)
	}
	cases := report.Suites[0].Cases
	if cases[0].Name != a || cases[0].Failure != nil || cases[1].Name != b || cases[1].Failure == nil || cases[1].Failure.Message != b+":2: expect length == 3: got length = 2" {
		t.Errorf("cases: %+v", cases)
	}
	if r := grpcsh(t, "", target, "test", filepath.Join(dir, "a_pass.grpcsh")); r.code != 0 || !strings.HasPrefix(r.stdout, "PASS ") {
		t.Errorf("one passing file: %+v", r)
	}
	os.WriteFile(filepath.Join(dir, "c_bad.grpcsh"), []byte("expect .a ==\n"), 0o644)
	if r := grpcsh(t, "", target, "test", dir); r.code != 2 || !strings.Contains(r.stdout, filepath.Join(dir, "c_bad.grpcsh")+":1:13: jq: unexpected EOF") {
		t.Errorf("syntax error: %+v", r)
	}
	if r := grpcsh(t, "", target, "-junit", junit); r.code != 2 || !strings.Contains(r.stderr, "go with test") {
		t.Errorf("-junit without test: %+v", r)
	}
}

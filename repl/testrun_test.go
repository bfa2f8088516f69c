package repl

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
)

func testSessions(target string) func(ctx context.Context) (*Session, error) {
	return func(ctx context.Context) (*Session, error) {
		return NewSession(ctx, Options{Conn: dynamic.ConnConfig{Target: target}})
	}
}

var reSummaryTime = regexp.MustCompile(`in [0-9.]+(ms|s|µs)\n$`)

// TestRunTests runs testdata/tests (two passing files, one failing)
// against the demo server, in parallel, and reads the JUnit report back.
func TestRunTests(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "tests"))); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(t.TempDir(), "report.xml")
	// The first run writes the snapshot; the second compares with it.
	for _, update := range []bool{true, false} {
		var out syncBuffer
		code := RunTests(context.Background(), TestOptions{Paths: []string{dir}, Parallel: 3, Update: update, JUnit: junit, Out: &out, NewSession: testSessions(srv.Target())})
		got := reSummaryTime.ReplaceAllString(strings.ReplaceAll(out.String(), dir+string(filepath.Separator), ""), "in TIME\n")
		want := "PASS ok/login.grpcsh\nPASS ok/stream.grpcsh\nFAIL sum.grpcsh:7: expect .count == 3: got .count = 2\n2 passed, 1 failed, 3 file(s) in TIME\n"
		if code != 1 || got != want {
			t.Fatalf("update %v: exit %d, output:\n%s\nwant exit 1 and\n%s", update, code, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ok", "__snapshots__", "stream.ticks.json")); err != nil {
		t.Errorf("the snapshot was not written: %v", err)
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var report junitSuites
	if err := xml.Unmarshal(b, &report); err != nil {
		t.Fatalf("the JUnit report does not parse: %v\n%s", err, b)
	}
	if len(report.Suites) != 1 || report.Suites[0].Tests != 3 || report.Suites[0].Failures != 1 || len(report.Suites[0].Cases) != 3 {
		t.Fatalf("report: %+v", report)
	}
	c := report.Suites[0].Cases[2]
	if c.Name != filepath.Join(dir, "sum.grpcsh") || c.Failure == nil || c.Failure.Message != filepath.Join(dir, "sum.grpcsh")+":7: expect .count == 3: got .count = 2" {
		t.Errorf("failing case: %+v %+v", c, c.Failure)
	}
	for _, c := range report.Suites[0].Cases[:2] {
		if c.Failure != nil {
			t.Errorf("%s failed: %+v", c.Name, c.Failure)
		}
	}
}

// TestRunTestsSyntaxErrorsRunNothing: a syntax error in any file is
// exit 2, every one reported as file:line:col, and no call is made.
func TestRunTestsSyntaxErrorsRunNothing(t *testing.T) {
	var log syncBuffer
	srv := startDemo(t, demo.Options{Log: &log})
	var out syncBuffer
	dir := filepath.Join("testdata", "tests-syntax")
	code := RunTests(context.Background(), TestOptions{Paths: []string{dir, filepath.Join("testdata", "tests", "sum.grpcsh")}, Out: &out, NewSession: testSessions(srv.Target())})
	a, b := filepath.Join(dir, "a.grpcsh"), filepath.Join(dir, "b.grpcsh")
	want := a + `:2:19: jq: unexpected EOF in ".message =="` + "\n" + b + `:2:15: expect status: unknown code "NOPE"` + "\n2 file(s) with syntax errors: nothing was run\n"
	if code != 2 || out.String() != want {
		t.Errorf("exit %d, output:\n%s\nwant exit 2 and\n%s", code, out.String(), want)
	}
	if srv.Connections() != 0 {
		t.Errorf("%d connections were made", srv.Connections())
	}
	out = syncBuffer{}
	if code := RunTests(context.Background(), TestOptions{Paths: []string{"testdata/no-such-folder"}, Out: &out}); code != 2 || !strings.Contains(out.String(), "no-such-folder") {
		t.Errorf("missing path: exit %d, %s", code, out.String())
	}
}

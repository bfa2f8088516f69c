package repl

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/grpcsh/grpcsh/dynamic"
)

// TestOptions say what `grpcsh TARGET test` runs and how it reports.
type TestOptions struct {
	Paths    []string // files and folders (searched recursively for .grpcsh)
	Parallel int      // files run at once; 0 or 1: one after the other
	Update   bool     // expect snapshot writes its snapshots
	JUnit    string   // write a JUnit XML report here ("" for none)
	// Out gets a line per file (PASS file / FAIL file:line: why) and the
	// summary; Progress, when not nil (a terminal), a progress line that
	// each result line replaces.
	Out, Progress io.Writer
	// Env looks up ${VAR} after let and the environment file; nil is the
	// process environment.
	Env func(string) (string, bool)
	// NewSession opens one connection for one file.
	NewSession func(ctx context.Context) (*Session, error)
}

// TestResult is one file's outcome.
type TestResult struct {
	File    string
	Pass    bool
	Line    int    // where it failed
	Col     int    // for a line that could not be read
	Why     string // one line: the failing command and its error
	Output  string // what the file's commands printed to stderr
	Elapsed time.Duration
}

// Failure is "file:line: why", as the FAIL line and JUnit show it.
func (r TestResult) Failure() string {
	if r.Col > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", r.File, r.Line, r.Col, r.Why)
	}
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Why)
	}
	return r.File + ": " + r.Why
}

// RunTests runs every .grpcsh file under opts.Paths as one test case and
// returns the exit code: 0 when every file passed, 1 when one failed, 2
// for a usage error or a syntax error in any file, found before anything
// runs.
func RunTests(ctx context.Context, opts TestOptions) int {
	files, err := testFiles(opts.Paths)
	if err == nil && len(files) == 0 {
		err = usageErrorf("no .grpcsh files in %s", strings.Join(opts.Paths, ", "))
	}
	if err == nil && opts.JUnit != "" {
		err = checkWritable(opts.JUnit)
	}
	if err != nil {
		fmt.Fprintf(opts.Out, "grpcsh test: %v\n", err)
		return ExitUsage
	}
	if bad := checkTestFiles(files, opts.Out); bad > 0 {
		fmt.Fprintf(opts.Out, "%d file(s) with syntax errors: nothing was run\n", bad)
		return ExitUsage
	}
	start := time.Now()
	results := make([]TestResult, len(files))
	done := make([]chan struct{}, len(files))
	for i := range done {
		done[i] = make(chan struct{})
	}
	parallel := max(opts.Parallel, 1)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(parallel, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = runTestFile(ctx, files[i], opts)
				close(done[i])
			}
		}()
	}
	go func() {
		for i := range files {
			jobs <- i
		}
		close(jobs)
	}()
	// Results are printed in the files' order, whatever order they end in.
	failed := 0
	for i, f := range files {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "\r\x1b[K[%d/%d] %s", i+1, len(files), dynamic.SafeLine(f))
		}
		<-done[i]
		if opts.Progress != nil {
			fmt.Fprint(opts.Progress, "\r\x1b[K")
		}
		r := results[i]
		if r.Pass {
			fmt.Fprintf(opts.Out, "PASS %s\n", dynamic.SafeLine(r.File))
		} else {
			failed++
			fmt.Fprintf(opts.Out, "FAIL %s\n", dynamic.SafeLine(r.Failure()))
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Fprintf(opts.Out, "%d passed, %d failed, %d file(s) in %s\n", len(files)-failed, failed, len(files), elapsed.Round(time.Millisecond))
	if opts.JUnit != "" {
		if err := writeJUnit(opts.JUnit, results, elapsed); err != nil {
			fmt.Fprintf(opts.Out, "grpcsh test: -junit: %v\n", err)
			return ExitRuntime
		}
	}
	if failed > 0 {
		return ExitRuntime
	}
	return ExitOK
}

// testFiles lists the .grpcsh files under paths, each folder's sorted.
func testFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".grpcsh") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, nil
}

// checkTestFiles parses every file before anything runs and prints each
// syntax error as file:line:col; it returns how many files have one.
// Variables are not known yet (let binds them as the file runs), so every
// ${VAR} reads as 0, which fits a JSON string, a number, a word.
func checkTestFiles(files []string, w io.Writer) int {
	bad := 0
	placeholder := func(string) (string, bool) { return "0", true }
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err == nil {
			_, err = Parse(string(text), placeholder)
		}
		if err == nil {
			continue
		}
		bad++
		var se *SyntaxError
		if errors.As(err, &se) {
			fmt.Fprintf(w, "%s\n", dynamic.SafeLine(fmt.Sprintf("%s:%d:%d: %s", f, se.Pos.Line, se.Pos.Col, se.Msg)))
		} else {
			fmt.Fprintf(w, "%s\n", dynamic.SafeLine(fmt.Sprintf("%s: %v", f, err)))
		}
	}
	return bad
}

// runTestFile runs one file over a connection of its own.
func runTestFile(ctx context.Context, file string, opts TestOptions) (res TestResult) {
	res.File = file
	start := time.Now()
	defer func() {
		res.Elapsed = time.Since(start)
		if r := recover(); r != nil {
			res.Pass, res.Why = false, fmt.Sprintf("grpcsh internal error: %v", r)
		}
	}()
	f, err := os.Open(file)
	if err != nil {
		res.Why = err.Error()
		return res
	}
	defer f.Close()
	s, err := opts.NewSession(ctx)
	if err != nil {
		res.Why = "connecting: " + err.Error()
		return res
	}
	defer s.Close()
	var stderr bytes.Buffer
	out := &Output{Out: io.Discard, Err: &stderr}
	err = RunScript(ctx, s, f, out, ScriptOptions{Path: file, Update: opts.Update, Env: opts.Env})
	res.Output = stderr.String()
	if err == nil {
		res.Pass = true
		return res
	}
	var se *ScriptError
	if !errors.As(err, &se) {
		res.Why = err.Error()
		return res
	}
	res.Line = se.Line
	var syn *SyntaxError
	switch {
	case se.Err == nil:
		res.Why = fmt.Sprintf("exit %d", se.Code)
	case errors.As(se.Err, &syn):
		res.Line, res.Col, res.Why = syn.Pos.Line, syn.Pos.Col, syn.Msg
	case se.Command != "":
		res.Why = se.Command + ": " + firstLine(se.Err.Error())
	default:
		res.Why = firstLine(se.Err.Error())
	}
	return res
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// The JUnit XML report, as CI systems read it: one testsuite, one
// testcase per file.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(path string, results []TestResult, elapsed time.Duration) error {
	suite := junitSuite{Name: "grpcsh", Tests: len(results), Time: seconds(elapsed)}
	for _, r := range results {
		c := junitCase{Name: r.File, ClassName: "grpcsh", Time: seconds(r.Elapsed)}
		if !r.Pass {
			suite.Failures++
			c.Failure = &junitFailure{Message: dynamic.SafeLine(r.Failure()), Text: dynamic.SafeText(r.Output)}
		}
		suite.Cases = append(suite.Cases, c)
	}
	b, err := xml.MarshalIndent(junitSuites{Suites: []junitSuite{suite}}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(b, '\n')...), 0o644)
}

// checkWritable says, before any file runs, whether the JUnit report can
// be written at path: a run of minutes must not end in "cannot write". An
// existing file is opened for writing (not truncated); otherwise a
// temporary file is made and removed in its folder.
func checkWritable(path string) error {
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return usageErrorf("-junit %s is a folder: give a file name", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return usageErrorf("-junit: %v", err)
		}
		return f.Close()
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".grpcsh-junit-*")
	if err != nil {
		return usageErrorf("-junit %s cannot be written: %v", path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

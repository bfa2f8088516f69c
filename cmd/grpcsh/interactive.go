package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
	"github.com/grpcsh/grpcsh/repl/tui"
)

// interactive runs a session without a one-shot verb: the TUI when stdin
// and stdout are both terminals, script mode otherwise (or with -f).
func interactive(ctx context.Context, cfg *config, sess *repl.Session, stdin io.Reader, out *repl.Output) error {
	if cfg.scriptFile != "" {
		f, err := os.Open(cfg.scriptFile)
		if err != nil {
			return usageErrorf("-f: %v", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return usageErrorf("-f %s: is a directory, not a script file", cfg.scriptFile)
		}
		return runScript(ctx, cfg, sess, f, cfg.scriptFile, out)
	}
	if isTerminal(stdin, out.Out) {
		return runTUI(ctx, cfg, sess)
	}
	return runScript(ctx, cfg, sess, stdin, "stdin", out)
}

func runScript(ctx context.Context, cfg *config, sess *repl.Session, r io.Reader, name string, out *repl.Output) error {
	if err := repl.RunScript(ctx, sess, r, out, repl.ScriptOptions{KeepGoing: cfg.keepGoing, Path: cfg.scriptFile}); err != nil {
		return &reported{err} // the runner printed it, with its line
	}
	return nil
}

func runTUI(ctx context.Context, cfg *config, sess *repl.Session) error {
	// The TUI handles SIGINT itself (it cancels a running call, quits with
	// the terminal restored and says which exit code): main's interrupt
	// context must not pull the program down under it first.
	err := tui.Run(context.WithoutCancel(ctx), sess, tui.Options{Demo: cfg.demo, NoColor: os.Getenv("NO_COLOR") != "", Version: dynamic.Version})
	var crash *tui.CrashError
	if errors.As(err, &crash) {
		return &reported{err} // Run printed it, with the crash report's path
	}
	return err
}

// runTests is `grpcsh TARGET test [PATH...]`: every file over a connection
// of its own; without PATH, the collection folder when it exists, else
// the current folder.
func runTests(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	paths := cfg.testPaths
	if len(paths) == 0 {
		dir := cfg.session.Collection
		if dir == "" {
			dir = repl.DefaultCollection
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			dir = "."
		}
		paths = []string{dir}
	}
	opts := repl.TestOptions{
		Paths: paths, Parallel: cfg.parallel, Update: cfg.update, JUnit: cfg.junit, Out: stdout,
		NewSession: func(ctx context.Context) (*repl.Session, error) { return repl.NewSession(ctx, cfg.session) },
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(f.Fd()) {
		opts.Progress = stderr
	}
	if code := repl.RunTests(ctx, opts); code != 0 {
		return &reported{&exitCode{code}}
	}
	return nil
}

// exitCode is an exit code already explained by what was printed.
type exitCode struct{ code int }

func (e *exitCode) Error() string { return fmt.Sprintf("exit %d", e.code) }
func (e *exitCode) ExitCode() int { return e.code }

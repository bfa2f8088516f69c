package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/grpcsh/grpcsh/repl"
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
		return runScript(ctx, cfg, sess, f, cfg.scriptFile, out)
	}
	if isTerminal(stdin, out.Out) {
		return runTUI(ctx, cfg, sess)
	}
	return runScript(ctx, cfg, sess, stdin, "stdin", out)
}

func runScript(ctx context.Context, cfg *config, sess *repl.Session, r io.Reader, name string, out *repl.Output) error {
	if err := repl.RunScript(ctx, sess, r, out, repl.ScriptOptions{KeepGoing: cfg.keepGoing}); err != nil {
		return &reported{err} // the runner printed it, with its line
	}
	return nil
}

func runTUI(ctx context.Context, cfg *config, sess *repl.Session) error {
	return fmt.Errorf("the TUI is not wired yet")
}

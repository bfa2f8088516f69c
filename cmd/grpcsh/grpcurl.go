package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/charmbracelet/x/term"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// runGrpcurl is `grpcsh grpcurl ARGS...`: a grpcurl command line (the
// shell has split it) run as the same call, -d @ reading stdin.
func runGrpcurl(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g, err := repl.ParseGrpcurl(args)
	if err == nil {
		err = g.Resolve(os.LookupEnv)
	}
	if err != nil {
		fmt.Fprintf(stderr, "grpcsh grpcurl: %v\n", err)
		return repl.ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	out := newOutput(stdout, stderr)
	in := repl.GrpcurlInput{Stdin: stdin, Failed: func(s *repl.Session, rpc *repl.RPCError) {
		fmt.Fprint(stderr, repl.FormatStatus(s, rpc.Status))
	}}
	err = repl.RunGrpcurl(ctx, g, in, out, nil)
	var rpc *repl.RPCError
	switch {
	case errors.As(err, &rpc):
		// Failed has printed it.
	case err != nil:
		fmt.Fprintf(stderr, "grpcsh grpcurl: %s\n", dynamic.SafeText(err.Error()))
	}
	return repl.ExitCode(err)
}

// newOutput prints responses indented and coloured on a terminal
// (NO_COLOR: not coloured), as compact JSON lines elsewhere.
func newOutput(stdout, stderr io.Writer) *repl.Output {
	out := &repl.Output{Out: stdout, Err: stderr}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(f.Fd()) {
		out.Pretty = true
		out.Color = os.Getenv("NO_COLOR") == ""
	}
	return out
}

// Command grpcsh is a terminal gRPC client: a TUI on a terminal, a script
// runner on a pipe, and grpcurl-style one-shot commands (list, describe,
// call). This file holds flags and wiring only; the work is done by
// package repl (interaction) over package dynamic (the engine).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
	"github.com/grpcsh/grpcsh/repl/tui"
	"google.golang.org/protobuf/reflect/protoreflect"
)

func main() {
	stampVersion()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// crashed turns a panic into a short message and a report file with the
// stack, so that no Go trace is thrown at the user. (The TUI recovers its
// own panics first, restoring the terminal.)
func crashed(r any, stderr io.Writer) int {
	msg := fmt.Sprint(r)
	f, err := os.CreateTemp("", "grpcsh-crash-*.txt")
	if err != nil {
		fmt.Fprintf(stderr, "grpcsh: internal error: %s\n", msg)
		return repl.ExitRuntime
	}
	fmt.Fprintf(f, "grpcsh %s crashed: %s\n\n%s", dynamic.Version, msg, debug.Stack())
	f.Close()
	fmt.Fprintf(stderr, "grpcsh: internal error: %s (a report is in %s; please send it)\n", msg, f.Name())
	return repl.ExitRuntime
}

// run is main without the process: tests call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			code = crashed(r, stderr)
		}
	}()
	if len(args) > 0 && (args[0] == "completion" || args[0] == completeVerb) {
		return runCompletion(args, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "grpcurl" {
		return runGrpcurl(args[1:], stdin, stdout, stderr)
	}
	cfg, err := parseArgs(args)
	var help *helpError
	if errors.As(err, &help) {
		fmt.Fprint(stdout, help.text)
		return repl.ExitOK
	}
	if err != nil {
		// The flag package quotes the value: a -proxy password too.
		fmt.Fprintf(stderr, "grpcsh: %v\nRun 'grpcsh -help' for usage.\n", dynamic.RedactURLPasswords(err.Error()))
		return repl.ExitUsage
	}
	if cfg.version {
		fmt.Fprint(stdout, versionText())
		return repl.ExitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err = execute(ctx, cfg, stdin, stdout, stderr)
	var done *reported
	if err != nil && !errors.As(err, &done) {
		// Errors may quote the server (a status message, a name):
		// escaped, as all server text is.
		fmt.Fprintf(stderr, "grpcsh: %s\n", dynamic.SafeText(err.Error()))
	}
	return repl.ExitCode(err)
}

// reported is an error already printed where it happened; it keeps the
// error for the exit code.
type reported struct{ err error }

func (r *reported) Error() string { return r.err.Error() }
func (r *reported) Unwrap() error { return r.err }

func execute(ctx context.Context, cfg *config, stdin io.Reader, stdout, stderr io.Writer) error {
	if cfg.demo {
		srv, err := startDemo()
		if err != nil {
			return err
		}
		defer srv.Stop(0)
		cfg.session.Conn.Target = srv.Target()
	}
	if (cfg.verb == "call" || cfg.verb == "test") && cfg.session.Conn.Target == "" {
		return usageErrorf("%s needs a TARGET (host:port), or --demo", cfg.verb)
	}
	if cfg.verb == "test" {
		return runTests(ctx, cfg, stdout, stderr)
	}
	var sendTo *dynamic.ConnConfig
	if cfg.verb == "explain" && cfg.send && cfg.session.Conn.Target != "" && cfg.session.HasFiles() {
		// The files hold the schema: the lesson prints without the
		// server, and only -send connects, so that an unreachable server
		// still gets its static sections, then the error.
		c := cfg.session.Conn
		sendTo = &c
		cfg.session.Conn.Target = ""
	}
	if cfg.verb == "" && cfg.scriptFile == "" && isTerminal(stdin, stdout) {
		// The TUI's connection keeps its calls' frames: L's wire tab.
		cfg.session.Conn.Calls = tui.CallCapture()
	}
	if d := cfg.session.Settings.Deadline; d > 0 && cfg.verb != "" {
		// A one-shot's -max-time bounds all of it, connecting and
		// reflection included, as grpcurl's does; -connect-timeout still
		// bounds the dial alone.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	// Ctrl-C (and that deadline) ends any reflection lookup too.
	cfg.session.Context = ctx
	sess, err := repl.NewSession(ctx, cfg.session)
	if err != nil {
		return err
	}
	defer sess.Close()
	cfg.sendTo = sendTo

	out := newOutput(stdout, stderr)
	switch cfg.verb {
	case "list":
		return sess.List(stdout, cfg.verbArg)
	case "describe":
		if cfg.verbArg == "" {
			err = sess.DescribeAll(stdout)
		} else {
			err = sess.Describe(stdout, cfg.verbArg)
		}
		if err != nil {
			return err
		}
		return export(sess, cfg, stderr)
	case "template":
		return sess.Template(stdout, cfg.verbArg)
	case "explain":
		m, err := sess.FindMethod(cfg.verbArg)
		if err != nil {
			return err
		}
		in, closeIn, err := requestInput(cfg.data, stdin)
		if err != nil {
			return err
		}
		defer closeIn()
		var data []byte
		if in != nil {
			if data, err = io.ReadAll(in); err != nil {
				return err
			}
		}
		return explain(ctx, sess, cfg, m, data, stdout, stderr)
	case "call":
		in, closeIn, err := requestInput(cfg.data, stdin)
		if err != nil {
			return err
		}
		defer closeIn()
		err = repl.CallJSON(ctx, sess, cfg.verbArg, in, out)
		var rpc *repl.RPCError
		if errors.As(err, &rpc) {
			fmt.Fprint(stderr, repl.FormatStatus(sess, rpc.Status))
			return &reported{err}
		}
		return err
	}
	return interactive(ctx, cfg, sess, stdin, out)
}

// export writes the schema of every service, with its imports, as
// grpcurl's -protoset-out and -proto-out-dir do.
func export(sess *repl.Session, cfg *config, stderr io.Writer) error {
	if cfg.protosetOut == "" && cfg.protoOutDir == "" {
		return nil
	}
	files, err := dynamic.SchemaFiles(sess.Source())
	if err != nil {
		return err
	}
	if cfg.protosetOut != "" {
		f, err := os.Create(cfg.protosetOut)
		if err != nil {
			return err
		}
		if err := dynamic.WriteProtoset(f, files); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %d files to %s\n", len(files), cfg.protosetOut)
	}
	if cfg.protoOutDir != "" {
		names, err := dynamic.WriteProtoFiles(cfg.protoOutDir, files)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s under %s\n", dynamic.SafeLine(strings.Join(names, ", ")), cfg.protoOutDir)
	}
	return nil
}

// requestInput opens -d's data: inline JSON, @file or @- for stdin.
func requestInput(data string, stdin io.Reader) (io.Reader, func(), error) {
	switch {
	case data == "@-":
		return stdin, func() {}, nil
	case strings.HasPrefix(data, "@"):
		f, err := os.Open(data[1:])
		if err != nil {
			return nil, nil, usageErrorf("-d %s: %v", data, err)
		}
		return f, func() { f.Close() }, nil
	case data == "":
		return nil, func() {}, nil
	}
	return strings.NewReader(data), func() {}, nil
}

func startDemo() (*demo.Server, error) {
	lis, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the demo server: %w", err)
	}
	return demo.Start(lis, demo.Options{Web: true}), nil
}

// isTerminal says whether both stdin and stdout are terminals: only then
// may the TUI start (Bubble Tea must never start without one).
func isTerminal(stdin io.Reader, stdout io.Writer) bool {
	in, ok1 := stdin.(*os.File)
	out, ok2 := stdout.(*os.File)
	return ok1 && ok2 && term.IsTerminal(in.Fd()) && term.IsTerminal(out.Fd())
}

func usageErrorf(format string, args ...any) error {
	return &repl.UsageError{Msg: fmt.Sprintf(format, args...)}
}

// explain prints the lesson of a call; with -send it makes the call first
// and shows its frames (the static sections print even when that fails,
// then the error); with -write it also writes the project.
func explain(ctx context.Context, sess *repl.Session, cfg *config, m protoreflect.MethodDescriptor, data []byte, stdout, stderr io.Writer) error {
	explainer := sess.Explain
	switch {
	case cfg.send && cfg.sendTo != nil:
		explainer = func(m protoreflect.MethodDescriptor, data []byte) (*dynamic.Lesson, error) {
			return sess.ExplainSendTo(ctx, *cfg.sendTo, m, data)
		}
	case cfg.send:
		explainer = func(m protoreflect.MethodDescriptor, data []byte) (*dynamic.Lesson, error) {
			return sess.ExplainSend(ctx, m, data)
		}
	}
	lesson, err := explainer(m, data)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(stdout, lesson.Text()); err != nil {
		return err
	}
	if cfg.writeDir != "" {
		written, err := lesson.WriteProject(cfg.writeDir, cfg.force)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s into %s\n", strings.Join(written, ", "), cfg.writeDir)
	}
	if lesson.SendErr != nil {
		return fmt.Errorf("explain -send: %w", lesson.SendErr)
	}
	return nil
}

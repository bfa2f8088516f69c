package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

// ScriptOptions change how RunScript goes on after a failure.
type ScriptOptions struct {
	// KeepGoing runs the commands after a failing one too; the script then
	// exits with the code of the last command that failed.
	KeepGoing bool
	// Env looks up ${VAR}; nil means the process environment. let's
	// bindings come first.
	Env func(name string) (string, bool)
	// Path names the script's file: expect snapshot keeps its snapshots
	// beside it. Update makes expect snapshot write them.
	Path   string
	Update bool
}

// ScriptError ends a script that failed, or that ran `exit CODE`. Its
// failures have already been printed: callers should not print it again.
// ExitCode() is the script's exit code; errors.As finds the failure
// behind it (an *RPCError, a *SyntaxError...).
type ScriptError struct {
	Code  int
	Err   error // the last failure; nil after exit CODE
	Line  int   // where it happened
	Fails int   // how many commands failed (more than one with KeepGoing)
	// Command names the failing command ("expect .count == 3"), "" for a
	// line that could not be parsed.
	Command string
}

func (e *ScriptError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("the script exited with code %d at line %d", e.Code, e.Line)
	}
	var se *SyntaxError
	if errors.As(e.Err, &se) {
		return se.Error()
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *ScriptError) Unwrap() error { return e.Err }

// ExitCode is the code grpcsh exits with.
func (e *ScriptError) ExitCode() int { return e.Code }

// RunScript runs the commands read from r against s, over its one
// connection: script mode (stdin is not a terminal, or -f FILE). Each
// command is parsed when it is read and run at once; a heredoc's messages
// are sent as they are read, so a live pipe drives a bidi stream.
// Responses go to out.Out (one compact JSON object per line unless
// out.Pretty); ls, desc, template and help print text there too. Each
// failure is printed to out.Err with the script's line: "line 7: call
// showcase.Showcase/Fail: NotFound: no such thing" and the decoded status
// details, or "line 3:6: unknown command ..." for a line that cannot be
// parsed.
//
// RunScript stops at the first failure unless opts.KeepGoing. It returns
// nil when every command succeeded (or at `exit` / `exit 0`), else a
// *ScriptError with the exit code: 64 + the gRPC code for a failed call, 1
// for a runtime or connection error, 2 for a syntax or usage error, CODE
// for `exit CODE`; with KeepGoing, the code of the last failure.
func RunScript(ctx context.Context, s *Session, r io.Reader, out *Output, opts ScriptOptions) (err error) {
	out, flush := bufferScript(out)
	var beforeRead func()
	if flush != nil {
		beforeRead = func() { out.Out.(*scriptOut).Flush() }
		defer func() {
			if ferr := flush(); ferr != nil && err == nil {
				ferr = fmt.Errorf("writing the output: %w", ferr)
				io.WriteString(out.Err, dynamic.SafeText(ferr.Error())+"\n")
				err = &ScriptError{Code: ExitRuntime, Err: ferr, Fails: 1}
			}
		}()
	}
	p := NewParser(&ctxReader{ctx: ctx, r: r, before: beforeRead})
	x := NewExecutor(s, out)
	x.Script, x.Update = opts.Path, opts.Update
	p.Env = x.Lookup(opts.Env)
	p.LookedIn = func() string { return lookedIn(s.Env()) }
	// A failed call followed by `expect status` is not a failure: the
	// command after each failed call is read first, and kept in pending
	// for the loop when it is something else.
	var pending *Command
	var pendingErr error
	hasPending := false
	var last *ScriptError
	fails := 0
	fail := func(line int, err error) *ScriptError {
		fails++
		reportError(s, out.Err, line, nil, err)
		last = &ScriptError{Code: ExitCode(err), Err: err, Line: line, Fails: fails}
		return last
	}
	for {
		if err := ctx.Err(); err != nil {
			return fail(p.Line(), fmt.Errorf("interrupted: %w", err))
		}
		var cmd *Command
		var err error
		if hasPending {
			cmd, err, hasPending = pending, pendingErr, false
		} else {
			cmd, err = p.Next()
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && ctx.Err() != nil {
			return fail(p.Line(), fmt.Errorf("interrupted: %w", ctx.Err()))
		}
		if err != nil {
			se := fail(errorLine(err, p.Line()), err)
			if !opts.KeepGoing {
				return se
			}
			continue
		}
		err = x.Exec(ctx, cmd)
		if err == nil {
			continue // (the checks below cost two allocations a command)
		}
		var exit *ExitRequest
		if errors.As(err, &exit) {
			if exit.HasCode {
				if exit.Code == 0 {
					return nil
				}
				return &ScriptError{Code: exit.Code, Line: cmd.Pos.Line, Fails: fails}
			}
			break
		}
		var rpc *RPCError
		if cmd.Name == "call" && errors.As(err, &rpc) {
			pending, pendingErr = p.Next()
			hasPending = true
			if pendingErr == nil && pending.Name == "expect" {
				if _, ok := pending.parsed.(expectStatus); ok {
					err = nil
				}
			}
		}
		if err != nil {
			fails++
			reportError(s, out.Err, cmd.Pos.Line, cmd, err)
			last = &ScriptError{Code: ExitCode(err), Err: err, Line: cmd.Pos.Line, Fails: fails, Command: cmd.Summary()}
			if !opts.KeepGoing {
				return last
			}
		}
	}
	if last != nil {
		last.Fails = fails
		return last
	}
	return nil
}

// errorLine is the line an error is about.
func errorLine(err error, fallback int) int {
	var se *SyntaxError
	if errors.As(err, &se) {
		return se.Pos.Line
	}
	return fallback
}

// reportError prints a failure: "line L:C: message" for errors that point
// at a place, "line L: command: message" for the others, and a failed
// call's status details below.
func reportError(s *Session, w io.Writer, line int, cmd *Command, err error) {
	var b strings.Builder
	var se *SyntaxError
	var rpc *RPCError
	switch {
	case errors.As(err, &se):
		fmt.Fprintf(&b, "%v\n", se)
	case cmd != nil:
		fmt.Fprintf(&b, "line %d: %s: %v\n", line, cmd.Summary(), err)
	default:
		fmt.Fprintf(&b, "line %d: %v\n", line, err)
	}
	if errors.As(err, &rpc) && rpc.Status != nil {
		b.WriteString(FormatDetails(s, rpc.Status))
	}
	// Errors carry server text (status messages, names): escaped.
	io.WriteString(w, dynamic.SafeText(b.String()))
}

// ctxReader stops reading when ctx ends: a script waiting on a live pipe
// stops at Ctrl-C instead of waiting for its next line. The read in
// progress is left to its goroutine.
type ctxReader struct {
	ctx     context.Context
	r       io.Reader
	res     chan readResult
	pending bool
	buf     []byte // what the last read got beyond what the caller took
	err     error
	before  func() // called before each read of r, which may block
}

type readResult struct {
	b   []byte
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if len(c.buf) > 0 {
		n := copy(p, c.buf)
		c.buf = c.buf[n:]
		return n, nil
	}
	if c.err != nil {
		return 0, c.err
	}
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if !c.pending {
		if c.res == nil {
			c.res = make(chan readResult, 1)
		}
		c.pending = true
		if c.before != nil {
			c.before()
		}
		go func(size int) {
			b := make([]byte, size)
			n, err := c.r.Read(b)
			c.res <- readResult{b[:n], err}
		}(len(p))
	}
	select {
	case r := <-c.res:
		c.pending = false
		n := copy(p, r.b)
		c.buf = r.b[n:]
		if len(c.buf) == 0 {
			return n, r.err
		}
		c.err = r.err
		return n, nil
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	}
}

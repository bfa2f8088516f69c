package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/grpcsh/grpcsh/repl"
)

// The command bar runs the script command language (repl.Parse and
// repl.Executor, the same that script mode uses) against the TUI's
// session. One Executor lives as long as the TUI, so `unset` goes back to
// the settings the session started with.

// cmdExecutor runs command lines, writing everything to out.
type cmdExecutor struct {
	s   *repl.Session
	x   *repl.Executor
	out io.Writer

	mu      sync.Mutex
	pending *repl.ObservedCall // the form's last call, for let and expect (observe.go)
}

func newCmdExecutor(s *repl.Session, out io.Writer, color bool) *cmdExecutor {
	o := &repl.Output{Out: out, Err: out, Pretty: true, Color: color}
	return &cmdExecutor{s: s, x: repl.NewExecutor(s, o), out: out}
}

// errExitRequested is what exec returns for `exit`/`quit`: the TUI quits.
var errExitRequested = errors.New("exit")

// exec parses and runs one line (it may hold several commands separated by
// newlines). A failed call prints its status and decoded details.
func (e *cmdExecutor) exec(ctx context.Context, line string) error {
	e.takeObserved()
	cmds, err := repl.Parse(line, e.x.Lookup(nil))
	if err != nil {
		if repl.Incomplete(err) {
			return fmt.Errorf("%v (the command bar takes one line: put a stream's messages on it, e.g. call svc/Method {\"a\":1} {\"a\":2})", err)
		}
		return err
	}
	for _, c := range cmds {
		err := e.x.Exec(ctx, c)
		var exit *repl.ExitRequest
		if errors.As(err, &exit) {
			return errExitRequested
		}
		var rpc *repl.RPCError
		if errors.As(err, &rpc) && rpc.Status != nil {
			fmt.Fprintf(e.out, "%s: %s: %s\n", c.Summary(), repl.CodeName(rpc.Status.Code()), rpc.Status.Message())
			io.WriteString(e.out, repl.FormatDetails(e.s, rpc.Status))
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.Summary(), err)
		}
	}
	return nil
}

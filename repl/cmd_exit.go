package repl

import (
	"context"
	"fmt"
	"strconv"
)

func init() {
	register(&cmdSpec{
		Name: "exit", Aliases: []string{"quit"}, Usage: "[CODE]", Order: 120,
		Summary: "stop the script (with CODE, or the exit code so far)",
		Help: `Without CODE, a script exits 0, or with --keep-going the code of the
last command that failed.`,
		MaxArgs: 1,
		check: func(p *Parser, cmd *Command) error {
			if len(cmd.Args) == 1 {
				w := cmd.Args[0]
				if n, err := strconv.Atoi(w.Text); err != nil || n < 0 || n > 255 {
					return p.errorf(w.Pos, "exit: expected a code within 0..255, found %q", w.Text)
				}
			}
			return nil
		},
		run: func(_ context.Context, _ *Executor, cmd *Command) error {
			if len(cmd.Args) == 0 {
				return &ExitRequest{}
			}
			code, _ := strconv.Atoi(cmd.Arg(0)) // checked when parsed
			return &ExitRequest{Code: code, HasCode: true}
		},
	})
}

// ExitRequest is returned by Exec for exit and quit.
type ExitRequest struct {
	Code    int
	HasCode bool // the command gave a code
}

func (e *ExitRequest) Error() string { return fmt.Sprintf("exit %d", e.Code) }

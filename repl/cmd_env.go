package repl

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

func init() {
	register(&cmdSpec{
		Name: "env", Order: 85, Usage: "[NAME|FILE|-none]",
		Summary: "switch the environment ${VAR} reads; alone, show it",
		Help: `An environment is a dotenv file (KEY=value lines). env NAME reads
NAME.env in the collection's env/ folder (.grpcsh/env/ unless -collection
says otherwise); env FILE reads a file; env -none goes back to none. The
command line's -env does the same for the whole session.

${VAR} is looked up in this order: a let binding (inside a script), the
environment file, then the process environment, which fills what the file
leaves unset (so CI can inject secrets without writing them to a file).

Alone, env shows the active environment and its keys, secrets redacted.`,
		MaxArgs: 1,
		Flags:   map[string]bool{"none": false},
		run:     func(_ context.Context, x *Executor, cmd *Command) error { return x.env(x.Out.Out, cmd) },
	})
}

func (x *Executor) env(w io.Writer, cmd *Command) error {
	s := x.Session
	if _, ok := cmd.Flag("none"); ok {
		s.SetEnv(nil)
		return nil
	}
	if len(cmd.Args) == 1 {
		e, err := LoadEnv(cmd.Arg(0), s.Collection())
		if err != nil {
			return err
		}
		s.SetEnv(e)
		return nil
	}
	e := s.Env()
	if e == nil {
		_, err := fmt.Fprintln(w, "no environment: ${VAR} reads the process environment (env NAME or -env NAME to choose one)")
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "environment %s (%s)\n", dynamic.SafeLine(e.Name), dynamic.SafeLine(e.File))
	keys := make([]string, 0, len(e.Vars))
	for k := range e.Vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := e.Vars[k]
		if dynamic.IsSecretKey(k) {
			v = "<redacted>"
		}
		fmt.Fprintf(&b, "  %s=%s\n", k, dynamic.SafeLine(v))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// EnvName is the active environment's name for the TUI's status bar, ""
// without one.
func (s *Session) EnvName() string {
	if e := s.Env(); e != nil {
		return e.Name
	}
	return ""
}

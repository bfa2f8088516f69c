package repl

import (
	"context"
	"fmt"
	"io"
)

func init() {
	register(&cmdSpec{
		Name: "status", Order: 20,
		Summary: "show the current target and the state of the connection",
		Help: `Prints the target, the connection's state (READY, IDLE, CONNECTING,
TRANSIENT_FAILURE...) and how it is secured.`,
		run: func(_ context.Context, x *Executor, _ *Command) error { return x.status(x.Out.Out) },
	})
}

func (x *Executor) status(w io.Writer) error {
	conn := x.Session.Conn()
	if conn == nil {
		_, err := fmt.Fprintln(w, "not connected (descriptors from files only): connect TARGET to call methods")
		return err
	}
	_, err := fmt.Fprintf(w, "connected to %s (%s)\n", conn.Describe(), conn.State())
	return err
}

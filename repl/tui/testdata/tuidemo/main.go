// Command tuidemo opens the TUI on the demo server started in-process: a
// stand-in for `grpcsh --demo` to try the TUI (go run
// ./repl/tui/testdata/tuidemo) and to run the end-to-end test before the
// grpcsh binary wires the TUI (GRPCSH_E2E_PKG=./repl/tui/testdata/tuidemo).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
	"github.com/grpcsh/grpcsh/repl/tui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	lis, err := demo.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := demo.Start(lis, demo.Options{})
	defer srv.Stop(0)
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target()}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer s.Close()
	if err := tui.Run(ctx, s, tui.Options{Demo: true, Version: "tuidemo"}); err != nil {
		fmt.Fprintln(os.Stderr, "tuidemo:", err)
		os.Exit(1)
	}
}

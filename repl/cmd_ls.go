package repl

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

func init() {
	register(&cmdSpec{
		Name: "ls", Aliases: []string{"list", "services"}, Usage: "[SERVICE]", Order: 30,
		Summary: "list the services, or the methods of one service with their kinds",
		Help: `Without SERVICE: one service per line. With SERVICE (full name, or its
last part when unambiguous): one method per line as pkg.Service/Method,
followed by its kind (unary, server stream, client stream, bidi stream).

Examples:
  ls
  ls showcase.Showcase`,
		MaxArgs: 1,
		run: func(_ context.Context, x *Executor, cmd *Command) error {
			return x.list(x.Out.Out, cmd.Arg(0))
		},
	})
}

// list prints the services, or a service's methods with their kinds.
func (x *Executor) list(w io.Writer, service string) error {
	if service == "" {
		return x.Session.List(w, "")
	}
	sd, err := dynamic.FindService(x.Session.Source(), service)
	if err != nil {
		return err
	}
	ms := sd.Methods()
	width := 0
	for i := 0; i < ms.Len(); i++ {
		width = max(width, len(dynamic.MethodPath(ms.Get(i))))
	}
	var b strings.Builder
	for i := 0; i < ms.Len(); i++ {
		m := ms.Get(i)
		fmt.Fprintf(&b, "%-*s  %s\n", width, dynamic.MethodPath(m), dynamic.MethodKind(m))
	}
	_, err = io.WriteString(w, b.String())
	return err
}

package repl

import (
	"context"
)

func init() {
	register(&cmdSpec{
		Name: "desc", Aliases: []string{"describe", "type"}, Usage: "[SYMBOL]", Order: 40,
		Summary: "describe a service, method, message or enum as .proto source",
		Help: `SYMBOL is a full name (helloworld.HelloRequest), a method in any form
call takes (helloworld.Greeter/SayHello), or a short name that only one
symbol has (HelloRequest). Without SYMBOL: every service.

Example:
  desc helloworld.Greeter`,
		MaxArgs: 1,
		run: func(_ context.Context, x *Executor, cmd *Command) error {
			s, w := x.Session, x.Out.Out
			if len(cmd.Args) > 0 {
				return s.Describe(w, cmd.Arg(0))
			}
			return s.DescribeAll(w)
		},
	})
}

package repl

import "context"

func init() {
	register(&cmdSpec{
		Name: "template", Aliases: []string{"tmpl"}, Usage: "MESSAGE|METHOD", Order: 50,
		Summary: "print a JSON template of a message, or of a method's request",
		Help: `Every field is shown with a zero value, ready to fill in and pass to call.

Example:
  template showcase.Showcase/Echo`,
		MinArgs: 1, MaxArgs: 1,
		run: func(_ context.Context, x *Executor, cmd *Command) error {
			return x.Session.Template(x.Out.Out, cmd.Arg(0))
		},
	})
}

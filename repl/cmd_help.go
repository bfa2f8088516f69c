package repl

import (
	"context"
	"io"
	"strings"
)

func init() {
	register(&cmdSpec{
		Name: "help", Order: 110, Aliases: []string{"?"}, Usage: "[COMMAND]", Summary: "list the commands, or explain one",
		Help:    `Lines starting with # are comments; so is everything after a # that starts a word.`,
		MaxArgs: 1,
		check: func(p *Parser, cmd *Command) error {
			if len(cmd.Args) == 1 {
				w := cmd.Args[0]
				if _, ok := commandByName[strings.ToLower(w.Text)]; !ok {
					return p.errorf(w.Pos, "help: unknown command %q%s", w.Text, didYouMean(w.Text, commandNames()))
				}
			}
			return nil
		},
		run: func(_ context.Context, x *Executor, cmd *Command) error {
			text, err := Help(strings.ToLower(cmd.Arg(0)))
			if err != nil {
				return err
			}
			_, err = io.WriteString(x.Out.Out, text)
			return err
		},
	})
}

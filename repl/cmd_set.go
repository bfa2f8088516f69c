package repl

import (
	"context"
	"fmt"
	"io"
	"strings"
)

func init() {
	register(&cmdSpec{
		Name: "set", Usage: "[NAME [VALUE]]", Order: 90,
		Summary: "change a setting for the following calls; alone, show the settings",
		Help:    settingsHelp(),
		MaxArgs: 2,
		check:   (*Parser).checkSetting,
		run: func(_ context.Context, x *Executor, cmd *Command) error {
			s := x.Session
			st := s.Settings()
			switch len(cmd.Args) {
			case 0:
				var b strings.Builder
				for _, set := range settings {
					fmt.Fprintf(&b, "%-13s %s\n", set.Name, set.show(st))
				}
				_, err := io.WriteString(x.Out.Out, b.String())
				return err
			case 1:
				_, err := fmt.Fprintf(x.Out.Out, "%-13s %s\n", cmd.Arg(0), findSetting(cmd.Arg(0)).show(st))
				return err
			}
			applySetting(&st, x.initial, cmd.Arg(0), cmd.Arg(1))
			s.SetSettings(st)
			return nil
		},
	})
}

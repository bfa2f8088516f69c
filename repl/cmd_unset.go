package repl

import (
	"context"
	"strings"
)

func init() {
	register(&cmdSpec{
		Name: "unset", Usage: "NAME", Order: 100,
		Summary: "put a setting back to its default",
		Help:    "NAME is one of the settings set shows: " + strings.Join(settingNames(), ", ") + ".",
		MinArgs: 1, MaxArgs: 1,
		check: (*Parser).checkSetting,
		run: func(_ context.Context, x *Executor, cmd *Command) error {
			st := x.Session.Settings()
			applySetting(&st, x.initial, cmd.Arg(0), "")
			x.Session.SetSettings(st)
			return nil
		},
	})
}

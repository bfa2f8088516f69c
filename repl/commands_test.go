package repl

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// A new command is one cmdSpec and one register call: the parser checks
// its arguments and flags, help lists and explains it, Exec runs it.
func TestANewCommandIsOneRegistration(t *testing.T) {
	spec := &cmdSpec{
		Name: "greet", Aliases: []string{"hi"}, Usage: "NAME [-loud]", Order: 1000,
		Summary: "say hello (a test command)",
		Help:    "Prints Hello NAME.",
		MinArgs: 1, MaxArgs: 1, Flags: map[string]bool{"loud": false},
		check: func(p *Parser, cmd *Command) error {
			if cmd.Arg(0) == "nobody" {
				return p.errorf(cmd.Args[0].Pos, "greet: nobody to greet")
			}
			return nil
		},
		run: func(_ context.Context, x *Executor, cmd *Command) error {
			text := "Hello " + cmd.Arg(0)
			if _, loud := cmd.Flag("loud"); loud {
				text = strings.ToUpper(text)
			}
			_, err := fmt.Fprintln(x.Out.Out, text)
			return err
		},
	}
	register(spec)
	t.Cleanup(func() {
		commands = slices.DeleteFunc(commands, func(c *cmdSpec) bool { return c == spec })
		delete(commandByName, "greet")
		delete(commandByName, "hi")
	})

	x := NewExecutor(newTestSession(t, startDemo(t, demo.Options{}).Target()), nil)
	out, err := execText(t, x, "greet ada\nhi bob -loud")
	if err != nil || out != "Hello ada\nHELLO BOB\n" {
		t.Errorf("run: %q, %v", out, err)
	}
	for script, want := range map[string]string{
		"greet":        "line 1:6: greet needs NAME (usage: greet NAME [-loud])",
		"greet a b":    `line 1:9: unexpected argument "b" (usage: greet NAME [-loud])`,
		"greet a -lod": "line 1:9: greet: unknown flag -lod; did you mean -loud?",
		"greet nobody": "line 1:7: greet: nobody to greet",
		"help gret":    `line 1:6: help: unknown command "gret"; did you mean greet?`,
	} {
		if _, err := Parse(script, testEnv); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", script, err, want)
		}
	}
	all, _ := Help("")
	one, err := Help("hi")
	if !strings.Contains(all, "  greet      say hello (a test command)") || err != nil || !strings.HasPrefix(one, "greet NAME [-loud]\n") || !strings.Contains(one, "Prints Hello NAME.") {
		t.Errorf("help lists %q; help hi: %q, %v", all, one, err)
	}
}

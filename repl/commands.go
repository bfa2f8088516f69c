package repl

import (
	"context"
	"slices"
)

// cmdSpec is one command of the language, declared once in its own file
// (cmd_NAME.go) with register: its names and usage (from which help and
// the parser's argument checks come), how it is parsed and checked when it
// is read, and how it runs. Adding a command is one file.
type cmdSpec struct {
	Name    string
	Aliases []string
	Usage   string // after the name, e.g. "METHOD [JSON...|<<END]"
	Summary string // one line, for help's list
	Help    string // the rest of `help NAME`
	MinArgs int
	MaxArgs int // -1: any number
	// Flags maps a flag name (without dash) to whether it takes a value.
	Flags map[string]bool
	// Order places the command in help's list.
	Order int

	// parse reads the rest of the command's line itself, for commands
	// whose words are not plain arguments and flags (call's JSON,
	// header's KEY: VALUE); nil reads words and flags and checks them
	// against MinArgs, MaxArgs and Flags.
	parse func(p *Parser, cmd *Command) error
	// check looks further at what parse read (a setting's value, an exit
	// code), so that a bad script line is refused before anything runs;
	// it may rewrite the arguments in a canonical form.
	check func(p *Parser, cmd *Command) error
	// run runs the command.
	run func(ctx context.Context, x *Executor, cmd *Command) error
}

// commands is the language, in the order `help` lists it; commandByName
// finds a command by its name or an alias.
var (
	commands      []*cmdSpec
	commandByName = map[string]*cmdSpec{}
)

// register adds a command to the language; each cmd_NAME.go calls it from
// its init.
func register(c *cmdSpec) {
	for _, name := range append([]string{c.Name}, c.Aliases...) {
		if commandByName[name] != nil {
			panic("repl: two commands are named " + name) // a programming error, found by any test
		}
		commandByName[name] = c
	}
	i, _ := slices.BinarySearchFunc(commands, c.Order, func(e *cmdSpec, order int) int { return e.Order - order })
	commands = slices.Insert(commands, i, c)
}

package repl

import (
	"fmt"
	"strings"
)

// Help returns the help text: the list of commands for "", or one
// command's usage and explanation (by any of its names).
func Help(name string) (string, error) {
	if name == "" {
		var b strings.Builder
		b.WriteString("Commands (help COMMAND for more):\n")
		for _, c := range commands {
			fmt.Fprintf(&b, "  %-10s %s\n", c.Name, c.Summary)
		}
		b.WriteString(`
One command per line; # starts a comment. Words may be quoted ('...' or
"..."). ${VAR} is replaced by the environment variable VAR (an error if it
is not set; ${VAR:-default} gives a default). A call's JSON may span lines,
and <<END ... END holds the messages of a stream.
`)
		return b.String(), nil
	}
	c, ok := commandByName[name]
	if !ok {
		return "", fmt.Errorf("unknown command %q%s", name, didYouMean(name, commandNames()))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", c.Name, c.Usage)
	fmt.Fprintf(&b, "  %s\n", c.Summary)
	if len(c.Aliases) > 0 {
		fmt.Fprintf(&b, "  also: %s\n", strings.Join(c.Aliases, ", "))
	}
	if c.Help != "" {
		b.WriteString("\n")
		b.WriteString(c.Help)
		b.WriteString("\n")
	}
	return b.String(), nil
}

func commandNames() []string {
	var out []string
	for _, c := range commands {
		out = append(out, c.Name)
		out = append(out, c.Aliases...)
	}
	return out
}

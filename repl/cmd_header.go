package repl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

// headerCommand parses header's words: nothing (show), -d KEY..., or
// [-a] KEY: VALUE (also KEY=VALUE). Args become [key, value] or the keys.
func (p *Parser) headerCommand(cmd *Command, ws []Word) error {
	if len(ws) == 0 {
		return nil
	}
	if first := ws[0]; !first.Quoted && strings.HasPrefix(first.Text, "-") {
		switch strings.TrimLeft(first.Text, "-") {
		case "d", "delete":
			cmd.Flags = []Flag{{Name: "d", Pos: first.Pos}}
			if len(ws) == 1 {
				return p.errorf(p.pos(), "header -d needs the KEY to delete")
			}
			for _, w := range ws[1:] {
				key := strings.ToLower(strings.TrimSuffix(w.Text, ":"))
				if err := checkHeaderKey(key); err != nil {
					return p.errorf(w.Pos, "header -d: %v", err)
				}
				cmd.Args = append(cmd.Args, Word{Text: key, Pos: w.Pos})
			}
			return nil
		case "a", "add":
			cmd.Flags = []Flag{{Name: "a", Pos: first.Pos}}
			ws = ws[1:]
			if len(ws) == 0 {
				return p.errorf(p.pos(), "header -a needs KEY: VALUE")
			}
		default:
			return p.errorf(first.Pos, "header: unknown flag %s (expected -d KEY to delete, -a KEY: VALUE to add, or KEY: VALUE)", first.Text)
		}
	}
	texts := make([]string, len(ws))
	for i, w := range ws {
		texts[i] = w.Text
	}
	spec := strings.Join(texts, " ")
	i := strings.IndexAny(spec, ":=")
	if i < 0 {
		// The text is not shown: it may hold a secret from ${VAR}.
		return p.errorf(ws[0].Pos, "header: expected KEY: VALUE (e.g. authorization: Bearer ${TOKEN}), found no ':' or '='")
	}
	key, value, err := dynamic.ParseHeader(spec[:i] + ":" + spec[i+1:])
	if err != nil {
		// The hints name command-line flags; say what scripts use.
		msg := strings.NewReplacer("use -max-time", "use set deadline", "use -user-agent", "use connect -user-agent").Replace(err.Error())
		return p.errorf(ws[0].Pos, "%s", msg)
	}
	valuePos := ws[0].Pos
	if len(ws) > 1 {
		valuePos = ws[1].Pos
	}
	cmd.Args = []Word{{Text: key, Pos: ws[0].Pos}, {Text: value, Pos: valuePos}}
	return nil
}

// checkHeaderKey checks a metadata key as gRPC allows them.
func checkHeaderKey(key string) error {
	if key == "" {
		return errors.New("the KEY is empty (expected KEY: VALUE)")
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("invalid character %q in key %q (keys take a-z, 0-9, -, _ and .)", r, key)
		}
	}
	return nil
}

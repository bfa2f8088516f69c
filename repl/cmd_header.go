package repl

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
	"google.golang.org/grpc/metadata"
)

func init() {
	register(&cmdSpec{
		Name: "header", Order: 80, Aliases: []string{"headers", "metadata"}, Usage: "[KEY: VALUE] | -a KEY: VALUE | -d KEY...",
		Summary: "set, add or delete request metadata for the following calls; alone, show it",
		Help: `  header KEY: VALUE     set KEY (replacing any values it had); KEY=VALUE works too
  header -a KEY: VALUE  add one more value to KEY
  header -d KEY...      delete keys
  header                show the metadata, secrets redacted

Keys are lower-cased. Binary keys end in -bin. Use ${VAR} to keep secrets
out of scripts:
  header authorization: Bearer ${TOKEN}`,
		MaxArgs: -1,
		parse:   (*Parser).headerCommand,
		run:     func(_ context.Context, x *Executor, cmd *Command) error { return x.header(x.Out.Out, cmd) },
	})
}

// headerCommand parses header's words: nothing (show), -d KEY..., or
// [-a] KEY: VALUE (also KEY=VALUE). Args become [key, value] or the keys.
func (p *Parser) headerCommand(cmd *Command) error {
	ws, err := p.words()
	if err != nil {
		return err
	}
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
				if err := dynamic.CheckHeaderKey(key); err != nil {
					return p.errorf(w.Pos, "header -d %q: %v", key, err)
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

func (x *Executor) header(w io.Writer, cmd *Command) error {
	s := x.Session
	flag := ""
	if len(cmd.Flags) > 0 {
		flag = cmd.Flags[0].Name
	}
	switch {
	case flag == "d":
		for _, k := range cmd.Args {
			s.DelHeader(k.Text)
		}
	case len(cmd.Args) == 0:
		_, err := io.WriteString(w, formatHeader(s.Header()))
		return err
	case flag == "a":
		key := cmd.Arg(0)
		s.SetHeader(key, append(s.Header().Get(key), cmd.Arg(1))...)
	default:
		s.SetHeader(cmd.Arg(0), cmd.Arg(1))
	}
	return nil
}

// formatHeader shows request metadata as "key: value" lines, sorted,
// secrets redacted and binary values in base64 (as they are written).
func formatHeader(md metadata.MD) string {
	var b strings.Builder
	for _, kv := range MDLines(md, true) {
		fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
	}
	if b.Len() == 0 {
		return "(no request metadata)\n"
	}
	return b.String()
}

package repl

import (
	"context"
	"errors"
	"os"
	"strings"
)

func init() {
	register(&cmdSpec{
		Name: "grpcurl", Order: 66,
		Usage:   "[FLAGS] ADDRESS METHOD | [FLAGS] [ADDRESS] list|describe [SYMBOL]",
		Summary: "run a grpcurl command line, pasted as it is, as the same call",
		Help: `The line is read as a shell reads it ('...' and "..." quotes, \ at the
end of a line goes on to the next, $NAME and ${NAME} from the environment)
and runs on a connection of its own, with only its own flags and headers,
as grpcurl would: the session's connection and headers are not used.
Output is grpcsh's (one JSON object per line). -d @ takes the requests
from a heredoc that follows the line. let and expect see the call.

grpcurl's flags:
` + grpcurlFlagsHelp() + `

Examples:
  grpcurl -plaintext -d '{"name": "ada"}' -H 'x-trace: 1' 127.0.0.1:8888 helloworld.Greeter/SayHello
  grpcurl -plaintext 127.0.0.1:8888 list
  grpcurl -plaintext -d @ 127.0.0.1:8888 showcase.Showcase/Sum <<EOM
  {"value": 1}
  {"value": 41}
  EOM`,
		MaxArgs: -1,
		parse:   (*Parser).grpcurlCommand,
		run: func(ctx context.Context, x *Executor, cmd *Command) error {
			return RunGrpcurl(ctx, cmd.parsed.(*GrpcurlCommand), GrpcurlInput{Body: cmd.Body}, x.observedOutput(), x)
		},
	})
}

// grpcurlCommand reads a pasted grpcurl line: shell words, lines that end
// in a backslash joined to the next, and a heredoc for -d @.
func (p *Parser) grpcurlCommand(cmd *Command) error {
	p.shell = true
	defer func() { p.shell = false }()
	var ws []Word
	heredoc := false
	for {
		p.skipBlanks()
		if !p.atEnd() && strings.HasPrefix(p.text[p.off:], "<<") {
			if err := p.heredoc(cmd); err != nil {
				return err
			}
			heredoc = true
			break
		}
		w, ok, err := p.word()
		if err != nil {
			return err
		}
		if ok {
			ws = append(ws, w)
			continue
		}
		// A line ending in an odd number of backslashes goes on: the
		// last word got the backslash (the lexer keeps a lone one).
		trailing := len(p.text) - len(strings.TrimRight(p.text, `\`))
		if !p.atEnd() || trailing%2 == 0 || len(ws) == 0 {
			break
		}
		last := &ws[len(ws)-1]
		last.Text = strings.TrimSuffix(last.Text, `\`)
		if last.Text == "" && !last.Quoted {
			ws = ws[:len(ws)-1]
		}
		at := p.pos()
		if !p.readLine() {
			return p.errorf(at, "the grpcurl line ends with \\ but nothing follows it")
		}
	}
	args := make([]string, len(ws))
	for i, w := range ws {
		args[i] = w.Text
	}
	g, err := ParseGrpcurl(args)
	var ge *GrpcurlError
	if errors.As(err, &ge) {
		at := cmd.Pos
		if ge.Arg >= 0 {
			at = ws[ge.Arg].Pos
		}
		return p.errorf(at, "grpcurl: %s", ge.Msg)
	}
	if err != nil {
		return p.errorf(cmd.Pos, "grpcurl: %v", err)
	}
	switch {
	case heredoc && !g.Stdin:
		return p.errorf(cmd.Body.Pos, "grpcurl: the <<%s body is read by -d @: add -d @, or put the JSON after -d", cmd.Body.Marker)
	case g.Stdin && !heredoc:
		return p.errorf(cmd.Pos, "grpcurl: -d @ reads stdin; here, put the requests in a heredoc: grpcurl -d @ ... <<END, the JSON, then a line END")
	}
	if g.DataArg >= 0 && !g.Stdin {
		// -d's JSON is checked now, and its errors point into the line.
		w := ws[g.DataArg]
		at := w.Pos
		if c := p.rawAt(w.Pos); c == '\'' || c == '"' {
			at.Col++
		}
		if cmd.Body, err = grpcurlBody(g.Data, at); err != nil {
			return p.errorf(w.Pos, "grpcurl: %v", err)
		}
	}
	// -expand-headers finds ${VAR} where the line's own ${VAR} are found.
	lookup := p.Env
	if lookup == nil {
		lookup = os.LookupEnv
	}
	if err := g.Resolve(lookup); err != nil {
		return p.errorf(cmd.Pos, "grpcurl: %v", err)
	}
	cmd.parsed = g
	// Args name the call in messages (never the flags: -H may hold a
	// secret).
	name := g.Symbol
	if g.Verb != "call" {
		name = strings.TrimSpace(g.Verb + " " + g.Symbol)
	}
	cmd.Args = []Word{{Text: name, Pos: cmd.Pos}}
	return nil
}

// rawAt is the byte of the current line at pos, 0 when pos is on another
// line (or past its end).
func (p *Parser) rawAt(pos Pos) byte {
	if pos.Line != p.line {
		return 0
	}
	col := 1
	for i := 0; i < len(p.text); i++ {
		if p.text[i]&0xC0 == 0x80 {
			continue
		}
		if col == pos.Col {
			return p.text[i]
		}
		col++
	}
	return 0
}

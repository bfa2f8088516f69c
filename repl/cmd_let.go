package repl

import (
	"context"
	"fmt"

	"github.com/grpcsh/grpcsh/dynamic"
)

func init() {
	register(&cmdSpec{
		Name: "let", Order: 62, Usage: "NAME = EXPR",
		Summary: "bind ${NAME} to a jq expression on the last response",
		Help: `EXPR is a jq expression (gojq) evaluated on what the last call left:
. is its response message (unary and client-stream calls) or the array
of its messages (server and bidi streams); $status is {code, name,
message, details}, $headers and $trailers map each key to its values
(joined with ", "), $elapsed_ms is how long the call took.

${NAME} inside EXPR is expanded first (escaped inside a jq string:
"Hello ${who}"). A string result binds as it is, any other value as
compact JSON. The
following lines see ${NAME} in targets, headers and JSON bodies; a let
binding wins over the environment.

Examples:
  call showcase.Showcase/Metadata {}
  let token = .header["x-request-id"]
  header authorization: Bearer ${token}`,
		MinArgs: 2, MaxArgs: 2,
		parse: (*Parser).letCommand,
		run:   func(ctx context.Context, x *Executor, cmd *Command) error { return x.let(ctx, cmd) },
	})
}

// letCommand parses "let NAME = EXPR": the name, then the rest of the line
// as it is written, for jq.
func (p *Parser) letCommand(cmd *Command) error {
	p.skipBlanks()
	start, nameStart := p.pos(), p.off
	for !p.atEnd() && isNameByte(p.text[p.off], p.off == nameStart) {
		p.advance()
	}
	name := p.text[nameStart:p.off]
	if name == "" {
		return p.errorf(start, "let needs NAME (usage: let NAME = EXPR)")
	}
	p.skipBlanks()
	if p.atEnd() || p.text[p.off] != '=' {
		return p.errorf(p.pos(), "let %s: expected = after the name (usage: let NAME = EXPR)", name)
	}
	p.advance()
	raw, expr, exprPos, err := p.restJQ()
	if err != nil {
		return err
	}
	if expr == "" {
		return p.errorf(exprPos, "let %s = needs a jq expression (usage: let NAME = EXPR)", name)
	}
	q, err := compileQuery(expr, exprPos)
	if err != nil {
		return err
	}
	cmd.Args = []Word{{Text: name, Pos: start}, {Text: raw, Pos: exprPos}}
	cmd.parsed = q
	return nil
}

// lastResponse is the last call's result for let and expect: an error when
// there is none, or when the call failed without expect status checking
// the failure.
func (x *Executor) lastResponse(what string) (*queryInput, error) {
	r := x.last
	if r == nil {
		return nil, fmt.Errorf("no call before %s: it reads the last call's response", what)
	}
	if r.failed() && !r.accepted {
		why := "it failed"
		if r.err != nil {
			why = "it failed: " + dynamic.SafeLine(r.err.Error())
		}
		return nil, fmt.Errorf("the last call has no response to check, %s (check a failure with expect status CODE)", why)
	}
	return r.queryInput(x.Session)
}

func (x *Executor) let(ctx context.Context, cmd *Command) error {
	q := cmd.parsed.(*query)
	in, err := x.lastResponse("let")
	if err != nil {
		return err
	}
	vals, err := q.run(ctx, q.code, in)
	if err != nil {
		return err
	}
	if len(vals) != 1 {
		return fmt.Errorf("%s gave %d values: let binds one", q.src, len(vals))
	}
	v := compactJSON(vals[0])
	if s, ok := vals[0].(string); ok {
		v = s
	}
	if x.vars == nil {
		x.vars = map[string]string{}
	}
	x.vars[cmd.Arg(0)] = v
	return nil
}

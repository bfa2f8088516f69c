package repl

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"

	"github.com/grpcsh/grpcsh/dynamic"
)

func init() {
	register(&cmdSpec{
		Name: "expect", Order: 64, Usage: "EXPR | status CODE | snapshot NAME [ignore PATH...]",
		Summary: "check the last call: a jq expression must be true, or its status",
		Help: `expect EXPR: the jq expression on the last response must give true
(see help let for what . and the variables are); otherwise the script
fails at this line with the value the expression saw:
  expect .count == 3      →  line 7: expect .count == 3: got .count = 2

expect status CODE: the last call ended with CODE, a name (NOT_FOUND,
NotFound) or a number. A call followed by this line may fail without
stopping the script.


expect snapshot NAME [ignore PATH...]: the last response (as . is for
expressions) must equal the snapshot __snapshots__/FILE.NAME.json beside
the script; grpcsh test -update writes or refreshes it. The jq paths after
ignore (.id, .[].sentAt) are left out of both: timestamps, ids.

Examples:
  call showcase.Showcase/Count {"count": 3}
  expect length == 3
  expect snapshot ticks ignore .[].sentAt
  call showcase.Showcase/Fail {"code": 5}
  expect status NOT_FOUND
  expect $status.message | contains("asked")`,
		MinArgs: 1, MaxArgs: -1,
		parse: (*Parser).expectCommand,
		run:   func(ctx context.Context, x *Executor, cmd *Command) error { return x.expect(ctx, cmd) },
	})
}

// expectStatus is the parsed form of `expect status CODE`.
type expectStatus struct{ code codes.Code }

// expectCommand parses "expect EXPR" and "expect status CODE".
func (p *Parser) expectCommand(cmd *Command) error {
	raw, expr, pos, err := p.restJQ()
	if err != nil {
		return err
	}
	if expr == "" {
		return p.errorf(pos, "expect needs a jq expression or status CODE (usage: expect %s)", commandByName["expect"].Usage)
	}
	cmd.Args = []Word{{Text: raw, Pos: pos}}
	if word, arg, _ := strings.Cut(expr, " "); word == "status" {
		arg = strings.TrimSpace(arg)
		if arg == "" || strings.ContainsAny(arg, " \t") {
			return p.errorf(pos, "expect status needs one CODE, a name or a number (expect status NOT_FOUND)")
		}
		code, ok := parseCode(arg)
		if !ok {
			return p.errorf(Pos{pos.Line, pos.Col + len("status ")}, "expect status: unknown code %q%s", arg, didYouMean(arg, codeNames[:]))
		}
		cmd.parsed = expectStatus{code}
		return nil
	}
	if word, arg, _ := strings.Cut(expr, " "); word == "snapshot" {
		snap, err := parseSnapshot(strings.TrimSpace(arg), Pos{pos.Line, pos.Col + len("snapshot ")})
		if err != nil {
			return err
		}
		cmd.parsed = snap
		return nil
	}
	q, err := compileQuery(expr, pos)
	if err != nil {
		return err
	}
	cmd.parsed = q
	return nil
}

// parseCode reads a status code as a number or a name, in any case and
// with or without underscores (NOT_FOUND, NotFound).
func parseCode(s string) (codes.Code, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return codes.Code(n), n >= 0 && n < len(codeNames)
	}
	want := strings.ToUpper(strings.ReplaceAll(s, "_", ""))
	for i, name := range codeNames {
		if strings.ReplaceAll(name, "_", "") == want {
			return codes.Code(i), true
		}
	}
	return 0, false
}

func (x *Executor) expect(ctx context.Context, cmd *Command) error {
	switch e := cmd.parsed.(type) {
	case expectStatus:
		return x.expectStatus(e.code)
	case *query:
		return x.expectQuery(ctx, e)
	case *snapshot:
		return x.expectSnapshot(ctx, e)
	}
	return fmt.Errorf("expect: not parsed")
}

func (x *Executor) expectStatus(want codes.Code) error {
	r := x.last
	if r == nil {
		return errors.New("no call before expect status: it checks the last call's status")
	}
	st := r.status
	var rpc *RPCError
	if errors.As(r.err, &rpc) {
		st = rpc.Status
	}
	if st == nil && r.err != nil {
		return fmt.Errorf("the last call ended without a status: %s", dynamic.SafeLine(r.err.Error()))
	}
	got := codes.OK
	if !st.OK() {
		got = st.Code()
	}
	if got != want {
		msg := "got " + CodeName(got)
		if got != codes.OK {
			msg += ": " + dynamic.SafeLine(st.Message())
		}
		return errors.New(msg)
	}
	r.accepted = true
	return nil
}

func (x *Executor) expectQuery(ctx context.Context, q *query) error {
	in, err := x.lastResponse("expect")
	if err != nil {
		return err
	}
	vals, err := q.run(ctx, q.code, in)
	if err != nil {
		return err
	}
	if len(vals) > 0 && allTrue(vals) {
		return nil
	}
	if q.left != nil {
		if left, err := q.run(ctx, q.left, in); err == nil && len(left) == 1 {
			return fmt.Errorf("got %s = %s", q.leftSrc, dynamic.SafeLine(compactJSON(left[0])))
		}
	}
	switch len(vals) {
	case 0:
		return errors.New("got no value")
	case 1:
		return fmt.Errorf("got %s", dynamic.SafeLine(compactJSON(vals[0])))
	}
	shown := make([]string, len(vals))
	for i, v := range vals {
		shown[i] = compactJSON(v)
	}
	return fmt.Errorf("got %s", dynamic.SafeLine(strings.Join(shown, ", ")))
}

func allTrue(vals []any) bool {
	for _, v := range vals {
		if b, ok := v.(bool); !ok || !b {
			return false
		}
	}
	return true
}

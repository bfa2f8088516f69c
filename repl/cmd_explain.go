package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

func init() {
	register(&cmdSpec{
		Name: "explain", Order: 70, Aliases: []string{"learn"}, Usage: "[-send] [-write DIR [-force]] METHOD [JSON]",
		Summary: "show each step of a call: .proto, codegen, clients, server skeletons, wire bytes, grpcurl",
		Help: `Walks the workflow of gRPC for one call: the .proto source that is the
contract, the protoc commands that generate code from it (Python, C++, Go),
clients calling the generated stub (Python, Go, C++), the request's protobuf
encoding byte by byte, the same call with grpcurl, and server skeletons
(Python, Go). Without -send it makes no call.

  -send        make the call on a connection of its own and show its HTTP/2
               frames (headers, the 5-byte gRPC prefix, trailers), the
               response's bytes field by field, and the timing
  -write DIR   write a runnable project for the call into DIR: the .proto
               files, client.py, client.cc, go/, server.py and a README with
               the commands; -force overwrites files that exist

Example:
  explain TestServer/GetRandom {"id": "123"}
  explain -send -write /tmp/hello SayHello {"name": "you"}`,
		MinArgs: 1, MaxArgs: 1,
		parse: (*Parser).callCommand,
		run:   func(ctx context.Context, x *Executor, cmd *Command) error { return x.explain(ctx, x.Out.Out, cmd) },
	})
}

// explain prints the lesson of a call (making it only with -send).
func (x *Executor) explain(ctx context.Context, w io.Writer, cmd *Command) error {
	s := x.Session
	m, err := s.FindMethod(cmd.Arg(0))
	if err != nil {
		if cmd.Body != nil {
			cmd.Body.Drain()
		}
		return err
	}
	var data []byte
	req := Request{}
	if cmd.Body != nil {
		r, err := cmd.Body.Next()
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		req, data = r, r.JSON
		if err := cmd.Body.Drain(); err != nil {
			return err
		}
	}
	lesson, err := s.Explain(m, data)
	if _, send := cmd.Flag("send"); send && err == nil {
		lesson, err = s.ExplainSend(ctx, m, data)
	}
	if err != nil {
		if data != nil {
			return requestError(req, m.Input(), err)
		}
		return err
	}
	if _, err = io.WriteString(w, lesson.Text()); err != nil {
		return err
	}
	return explainAfter(w, cmd, lesson)
}

// explainAfter does what explain's flags ask once the lesson is printed:
// -write DIR (with -force) writes the project; then a failed -send is the
// command's error.
func explainAfter(w io.Writer, cmd *Command, lesson *dynamic.Lesson) error {
	dir, write := cmd.Flag("write")
	if _, force := cmd.Flag("force"); force && !write {
		return usageErrorf("explain: -force goes with -write DIR")
	}
	if write {
		_, force := cmd.Flag("force")
		written, err := lesson.WriteProject(dir, force)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s into %s\n", dynamic.SafeLine(strings.Join(written, ", ")), dir)
	}
	if lesson.SendErr != nil {
		return fmt.Errorf("explain -send: %w", lesson.SendErr)
	}
	if c := lesson.Call; c != nil && !c.Status.OK() {
		// The call was made and failed: exit as call does (64 + code), so
		// a script can tell.
		return &RPCError{Method: c.Method, Status: c.Status}
	}
	return nil
}

// explainFlag reads explain's -send, -write DIR or -force (f), and
// returns the word after it.
func (p *Parser) explainFlag(cmd *Command, f Word) (Word, error) {
	name := strings.TrimLeft(f.Text, "-")
	flag := Flag{Name: name, Pos: f.Pos}
	switch name {
	case "send", "force":
	case "write":
		dir, ok, err := p.word()
		if err != nil {
			return Word{}, err
		}
		if !ok {
			return Word{}, p.errorf(p.pos(), "-write needs DIR")
		}
		flag.Value = dir.Text
	default:
		return Word{}, p.errorf(f.Pos, "unknown explain flag %q: want -send, -write DIR or -force", f.Text)
	}
	cmd.Flags = append(cmd.Flags, flag)
	next, ok, err := p.word()
	if err != nil {
		return Word{}, err
	}
	if !ok {
		return Word{}, p.errorf(p.pos(), "explain needs METHOD (usage: explain %s)", commandByName["explain"].Usage)
	}
	return next, nil
}

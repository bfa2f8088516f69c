package repl

import (
	"context"
	"errors"
	"io"
)

func init() {
	register(&cmdSpec{
		Name: "explain", Order: 70, Aliases: []string{"learn"}, Usage: "METHOD [JSON]",
		Summary: "show each step of a call: .proto, codegen, client code, wire bytes, grpcurl",
		Help: `Walks the workflow of gRPC for one call without making it: the .proto
source that is the contract, the protoc commands that generate code from it
(Python, C++, Go), a client calling the generated stub, the request's
protobuf encoding byte by byte, and the same call with grpcurl.

Example:
  explain TestServer/GetRandom {"id": "123"}`,
		MinArgs: 1, MaxArgs: 1,
		parse: (*Parser).callCommand,
		run:   func(_ context.Context, x *Executor, cmd *Command) error { return x.explain(x.Out.Out, cmd) },
	})
}

// explain prints the lesson of a call without making it.
func (x *Executor) explain(w io.Writer, cmd *Command) error {
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
	if err != nil {
		if data != nil {
			return requestError(req, m.Input(), err)
		}
		return err
	}
	_, err = io.WriteString(w, lesson.Text())
	return err
}

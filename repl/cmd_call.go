package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/grpcsh/grpcsh/dynamic"
	"google.golang.org/protobuf/proto"
)

func init() {
	register(&cmdSpec{
		Name: "call", Order: 60, Usage: "METHOD [JSON...|<<END]",
		Summary: "call a method with a JSON request (several for client and bidi streams)",
		Help: `METHOD is pkg.Service/Method, pkg.Service.Method, or just Service/Method
or Method when unambiguous. The request follows as JSON; it may span
several lines: the command goes on until the JSON value is complete.
Without JSON, methods that take one request are sent an empty one.

Client and bidi streams take several messages: put them one after the
other on the line, or in a heredoc that ends with a line holding only the
marker. Each message is sent as soon as it has been read, so a live pipe
drives a bidi stream; responses are printed as they arrive.

${VAR} inside a JSON string is replaced by the variable's value, escaped
as needed; outside strings it is inserted as it is (numbers, objects).
With <<'END' (quoted marker) nothing in the body is expanded.

Examples:
  call helloworld.Greeter/SayHello {"name": "world"}
  call showcase.Showcase/Echo {
    "fString": "several",
    "tags": ["lines", "are", "fine"]
  }
  call showcase.Showcase/Chat <<END
  {"text": "hi"}
  {"text": "${USER}"}
  END`,
		MinArgs: 1, MaxArgs: 1,
		parse: (*Parser).callCommand,
		run:   func(ctx context.Context, x *Executor, cmd *Command) error { return x.call(ctx, cmd) },
	})
}

// call runs a call. Its requests are parsed one at a time as the call
// sends them, so a heredoc's messages go out as they are read.
func (x *Executor) call(ctx context.Context, cmd *Command) error {
	s := x.Session
	body := cmd.Body
	m, err := s.FindMethod(cmd.Arg(0))
	if err != nil {
		x.last = &callResult{err: err}
		if body != nil {
			body.Drain()
		}
		return err
	}
	// The call reads the body from its sending goroutine; mu keeps Drain
	// from reading at the same time if the call returns early.
	var mu sync.Mutex
	n := 0
	next := func() (proto.Message, error) {
		mu.Lock()
		defer mu.Unlock()
		if body == nil {
			if n == 0 && !m.IsStreamingClient() {
				n++
				return s.ParseRequest(m, nil)
			}
			return nil, io.EOF
		}
		req, err := body.Next()
		if errors.Is(err, io.EOF) {
			if n == 0 && !m.IsStreamingClient() {
				n++
				return s.ParseRequest(m, nil)
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
		n++
		if n > 1 && !m.IsStreamingClient() {
			return nil, &SyntaxError{Pos: req.Pos, Msg: fmt.Sprintf(
				"a second request, but %s is a %s method: it takes one (client and bidi streams take several)",
				dynamic.MethodPath(m), dynamic.MethodKind(m))}
		}
		msg, err := s.RequestToSend(m, req.JSON)
		if err != nil {
			return nil, requestError(req, m.Input(), err)
		}
		return msg, nil
	}
	res := &callResult{method: m}
	x.last = res
	err = s.Call(ctx, m, next, x.observedOutput())
	res.err = err
	if body != nil {
		mu.Lock()
		defer mu.Unlock()
		if derr := body.Drain(); derr != nil && err == nil {
			err = derr
		}
	}
	return err
}

// observedOutput is x.Out with the last call's result recorded from its
// events; made once per Out, not per call.
func (x *Executor) observedOutput() *Output {
	if x.observed == nil || x.observedBase != x.Out {
		o := *x.Out
		o.observe = func(ev dynamic.Event) {
			if x.last != nil {
				x.last.record(ev)
			}
		}
		x.observed, x.observedBase = &o, x.Out
	}
	return x.observed
}

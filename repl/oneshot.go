package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
	"google.golang.org/protobuf/proto"
)

// CallJSON calls method with the requests read from in: concatenated JSON
// objects (grpcurl's -d format), one for unary and server-streaming
// methods, any number for client and bidi streams. Requests are sent as
// they are read, so a live pipe feeds a bidi stream. An empty input sends
// one empty request to methods that take exactly one.
func CallJSON(ctx context.Context, s *Session, method string, in io.Reader, out *Output) error {
	m, err := s.FindMethodContext(ctx, method)
	if err != nil {
		return err
	}
	if in == nil {
		in = strings.NewReader("") // no -d: the empty request, below
	}
	// Reading stdin must not outlive Ctrl-C or the call's deadline. A
	// deadline of ctx (a one-shot's -max-time) ends the call, whose status
	// says so; only Ctrl-C ends the reading, else the reader's error would
	// race the call's DEADLINE_EXCEEDED.
	rctx, stopReading := context.WithCancel(context.WithoutCancel(ctx))
	defer stopReading()
	stopWatching := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.Canceled) {
			stopReading()
		}
	})
	defer stopWatching()
	stream := dynamic.NewJSONStream(&ctxReader{ctx: rctx, r: in})
	// Errors point at line:col of the whole input; streams also say which
	// request it was.
	n := 0
	label := func(err error) error {
		if m.IsStreamingClient() {
			return fmt.Errorf("request %d: %w", n, err)
		}
		return err
	}
	next := func() (proto.Message, error) {
		data, line, col, err := stream.Next()
		if errors.Is(err, io.EOF) {
			if n == 0 && !m.IsStreamingClient() {
				n++
				return s.ParseRequest(m, nil)
			}
			return nil, io.EOF
		}
		n++
		if err != nil {
			return nil, label(err)
		}
		if n > 1 && !m.IsStreamingClient() {
			return nil, usageErrorf("line %d:%d: a second request, but %s is a %s method: it takes one request, got more", line, col, m.Name(), dynamic.MethodKind(m))
		}
		msg, err := s.RequestToSend(m, data)
		var je *dynamic.JSONError
		if errors.As(err, &je) {
			err = je.At(line, col)
		}
		if err != nil {
			return nil, label(err)
		}
		return msg, nil
	}
	return s.Call(ctx, m, next, out)
}

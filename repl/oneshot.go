package repl

import (
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"
)

// CallJSON calls method with the requests read from in: concatenated JSON
// objects (grpcurl's -d format), one for unary and server-streaming
// methods, any number for client and bidi streams. Requests are sent as
// they are read, so a live pipe feeds a bidi stream. An empty input sends
// one empty request to methods that take exactly one.
func CallJSON(ctx context.Context, s *Session, method string, in io.Reader, out *Output) error {
	m, err := s.FindMethod(method)
	if err != nil {
		return err
	}
	if in != nil {
		// Reading stdin must not outlive Ctrl-C or the call's deadline.
		in = &ctxReader{ctx: ctx, r: in}
	}
	stream := newRequestReader(in)
	n := 0
	next := func() (proto.Message, error) {
		data, err := stream.next()
		if errors.Is(err, io.EOF) {
			if n == 0 && !m.IsStreamingClient() {
				n++
				return s.ParseRequest(m, nil)
			}
			if n > 1 && !m.IsStreamingClient() {
				return nil, usageErrorf("%s is a %s method: it takes one request, got %d", m.Name(), kindName(m), n)
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		n++
		if n > 1 && !m.IsStreamingClient() {
			return nil, usageErrorf("%s is a %s method: it takes one request, got more", m.Name(), kindName(m))
		}
		msg, err := s.ParseRequest(m, data)
		if err != nil {
			if n > 1 || m.IsStreamingClient() {
				return nil, fmt.Errorf("request %d: %w", n, err)
			}
			return nil, err
		}
		return msg, nil
	}
	return s.Call(ctx, m, next, out)
}

package repl

import (
	"io"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// requestReader reads concatenated JSON requests.
type requestReader struct{ s *dynamic.JSONStream }

func newRequestReader(r io.Reader) *requestReader {
	if r == nil {
		return &requestReader{}
	}
	return &requestReader{s: dynamic.NewJSONStream(r)}
}

// next returns the next request and where it starts in the input.
func (r *requestReader) next() ([]byte, int, int, error) {
	if r.s == nil {
		return nil, 0, 0, io.EOF
	}
	return r.s.Next()
}

func kindName(m protoreflect.MethodDescriptor) string { return dynamic.RPCKind(m) }

package repl

import (
	"context"

	"google.golang.org/grpc/metadata"
)

// NewSessionLike opens a new session connected as s is now (its target
// and connection flags, descriptor sources, -H headers and environment),
// without the headers and settings changed during s: what `grpcsh TARGET
// test` gives each file, for the TUI's collections to run a file.
func (s *Session) NewSessionLike(ctx context.Context) (*Session, error) {
	o := s.opts
	o.Env = s.Env()
	return NewSession(ctx, o)
}

// InitialHeader is the metadata every session like s starts with (-H,
// -rpc-header): what a file's `header` lines add to when it runs.
func (s *Session) InitialHeader() metadata.MD {
	return metadata.Join(s.opts.Header, s.opts.RPCHeader)
}

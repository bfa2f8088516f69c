package repl

import "context"

// NewSessionLike opens a new session connected as s is now (its target
// and connection flags, descriptor sources, -H headers and environment),
// without the headers and settings changed during s: what `grpcsh TARGET
// test` gives each file, for the TUI's collections to run a file.
func (s *Session) NewSessionLike(ctx context.Context) (*Session, error) {
	o := s.opts
	o.Env = s.Env()
	return NewSession(ctx, o)
}

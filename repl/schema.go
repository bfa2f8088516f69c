package repl

import (
	"context"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// Schema is where descriptors come from besides the server's reflection:
// -proto files (with -import-path) or -protoset files. Its options are
// declared once in connflags.go (SchemaFlags), for the command line and
// the script's and the TUI's `connect`.
type Schema struct {
	Protos      []string
	ImportPaths []string
	Protosets   []string
}

// empty says no schema option is given.
func (sc Schema) empty() bool {
	return len(sc.Protos) == 0 && len(sc.Protosets) == 0 && len(sc.ImportPaths) == 0
}

// loadSchema reads a schema's files; nil roots when it names none.
func loadSchema(ctx context.Context, opts Options, sc Schema) ([]protoreflect.FileDescriptor, error) {
	if len(sc.Protos) > 0 && len(sc.Protosets) > 0 {
		return nil, usageErrorf("use -proto or -protoset, not both")
	}
	switch {
	case len(sc.Protos) > 0:
		return dynamic.ParseProtoFiles(ctx, opts.ProtoFS, sc.Protos, sc.ImportPaths)
	case len(sc.Protosets) > 0:
		return dynamic.LoadProtosets(sc.Protosets)
	case len(sc.ImportPaths) > 0:
		return nil, usageErrorf("-import-path needs -proto")
	}
	return nil, nil
}

// SetSchema replaces the session's files (those of -proto or -protoset,
// or of an earlier SetSchema) with sc's, without reconnecting: descriptors
// are looked up in the server's reflection first, then in these files, as
// at start-up. A schema that does not load changes nothing.
func (s *Session) SetSchema(ctx context.Context, sc Schema) error {
	roots, err := loadSchema(ctx, s.opts, sc)
	if err != nil {
		return err
	}
	if roots == nil {
		return usageErrorf("no schema: give -proto FILE (with -import-path DIR) or -protoset FILE")
	}
	files, err := dynamic.NewFilesSource(roots)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.files = files
	s.opts.Protos, s.opts.ImportPaths, s.opts.Protosets = sc.Protos, sc.ImportPaths, sc.Protosets
	refl := s.refl
	s.mu.Unlock()
	var src dynamic.Source = files
	if refl != nil {
		src = dynamic.Composite{Primary: refl, Fallback: files}
	}
	s.setSource(src)
	return nil
}

// SourceVersion changes whenever the descriptor source does (a connect, a
// new schema): the TUI reloads its method tree when it has.
func (s *Session) SourceVersion() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srcVersion
}

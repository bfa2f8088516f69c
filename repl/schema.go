package repl

import (
	"context"
	"io/fs"

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
func (sc Schema) empty() bool { return len(sc.Paths()) == 0 }

// HasFiles says the schema names descriptor files (-proto, -protoset),
// not only where imports are found.
func (sc Schema) HasFiles() bool { return len(sc.loaders()) > 0 }

// Paths are the files and directories the schema names: the descriptor
// files (in SchemaFlags' order), then the import paths.
func (sc Schema) Paths() []string {
	var files, dirs []string
	for i := range SchemaFlags {
		f := &SchemaFlags[i]
		if f.load != nil {
			files = append(files, *f.field(&sc)...)
		} else {
			dirs = append(dirs, *f.field(&sc)...)
		}
	}
	return append(files, dirs...)
}

// loaders are the schema flags given that name descriptor files.
func (sc Schema) loaders() []*SchemaFlag {
	var given []*SchemaFlag
	for i := range SchemaFlags {
		if f := &SchemaFlags[i]; f.load != nil && len(*f.field(&sc)) > 0 {
			given = append(given, f)
		}
	}
	return given
}

// loadSchema reads a schema's files; nil roots when it names none.
func loadSchema(ctx context.Context, protoFS fs.FS, sc Schema) ([]protoreflect.FileDescriptor, error) {
	switch given := sc.loaders(); len(given) {
	case 0:
		if len(sc.ImportPaths) > 0 {
			return nil, usageErrorf("-import-path needs -proto")
		}
		return nil, nil
	case 1:
		return given[0].load(ctx, protoFS, sc)
	default:
		return nil, usageErrorf("use -%s or -%s, not both", given[0].Name, given[1].Name)
	}
}

// SetSchema replaces the session's files (those of -proto or -protoset,
// or of an earlier SetSchema) with sc's, without reconnecting: descriptors
// are looked up in the server's reflection first, then in these files, as
// at start-up. A schema that does not load changes nothing.
func (s *Session) SetSchema(ctx context.Context, sc Schema) error {
	roots, err := loadSchema(ctx, s.opts.ProtoFS, sc)
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
	s.opts.Schema = sc
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

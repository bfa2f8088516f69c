package dynamic

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// ProjectFile is one file of the project a lesson writes.
type ProjectFile struct {
	Path string // relative, slash-separated
	Text string
}

// ProjectFiles are the files of a small runnable project for the lesson's
// call: the .proto files, the clients, the server skeletons and a README
// with the exact commands.
func (l *Lesson) ProjectFiles() []ProjectFile {
	var files []ProjectFile
	for _, p := range l.Protos {
		// Comments come from the server: no escape sequences into files
		// people cat.
		files = append(files, ProjectFile{p.Path, SafeText(p.Source)})
	}
	byLang := func(snips []Snippet, lang string) string {
		for _, s := range snips {
			if s.Language == lang {
				return s.Text
			}
		}
		return ""
	}
	files = append(files,
		ProjectFile{"client.py", byLang(l.Clients, "Python")},
		ProjectFile{"client.cc", "// build: " + l.CppBuild + "\n" + byLang(l.Clients, "C++")},
		ProjectFile{"go/client/main.go", byLang(l.Clients, "Go")},
		ProjectFile{"server.py", byLang(l.Servers, "Python")},
		ProjectFile{"go/server/main.go", byLang(l.Servers, "Go")},
		ProjectFile{"README.md", l.projectReadme()},
	)
	return files
}

func (l *Lesson) projectReadme() string {
	var b strings.Builder
	method := MethodPath(l.Method)
	fmt.Fprintf(&b, "# Calling %s (%s)\n\n", method, MethodKind(l.Method))
	fmt.Fprintf(&b, "Written by `grpcsh explain -write` for the server at `%s`.\n", l.Target.Address)
	b.WriteString("Every command runs in this directory. On Debian the tools are\n`apt-get install python3-grpcio python3-grpc-tools libgrpc++-dev protobuf-compiler-grpc protobuf-compiler g++ pkg-config`.\n\n")
	fmt.Fprintf(&b, "The contract: %s.\n\n", protoPaths(l.Protos))
	b.WriteString("## Python\n\n")
	pyGen := firstLine(l.Codegen[0].Text)
	if l.usesProto3Optional() {
		// Debian's grpc_tools (1.14) predates proto3 optional; its
		// protoc (3.21) and grpc_python_plugin know it.
		b.WriteString("These files use proto3 `optional`, which older `grpc_tools` (Debian's 1.14) rejects; protoc itself\nwith the gRPC plugin of `protobuf-compiler-grpc` reads them:\n\n")
		pyGen = pythonProtocCommand(protoPaths(l.Protos))
	}
	fmt.Fprintf(&b, "```sh\n%s\npython3 client.py\n```\n\n", pyGen)
	b.WriteString("## C++\n\n```sh\n")
	cc := strings.Split(l.Codegen[1].Text, "\n")
	fmt.Fprintf(&b, "%s\n%s\n%s\n./client            # or ./client HOST:PORT\n```\n\n", cc[0], cc[1], l.CppBuild)
	b.WriteString("## Go\n\n`go/client/main.go` and `go/server/main.go` import the generated package named by the\n`go_package` option (or a placeholder under example.com when the file has none): generate it with\n\n")
	fmt.Fprintf(&b, "`%s`\n(protoc-gen-go and protoc-gen-go-grpc) into your module, copy `go/` there, then `go run ./go/client`.\n\n", firstLine(l.Codegen[2].Text))
	b.WriteString("## Your own server\n\n`server.py` is a skeleton: replace the line marked `# your answer`, then\n\n```sh\npython3 server.py 127.0.0.1:50051\n")
	fmt.Fprintf(&b, "grpcsh -plaintext 127.0.0.1:50051 call %s -d '{}'\n```\n", method)
	return b.String()
}

// usesProto3Optional says a file of the lesson has a proto3 optional
// field.
func (l *Lesson) usesProto3Optional() bool {
	found := false
	var visit func(msgs protoreflect.MessageDescriptors)
	visit = func(msgs protoreflect.MessageDescriptors) {
		for i := 0; i < msgs.Len(); i++ {
			md := msgs.Get(i)
			for j := 0; j < md.Fields().Len(); j++ {
				if md.Fields().Get(j).HasOptionalKeyword() && md.Syntax() == protoreflect.Proto3 {
					found = true
				}
			}
			visit(md.Messages())
		}
	}
	for _, fd := range l.protoDescriptors() {
		visit(fd.Messages())
	}
	return found
}

// protoDescriptors are the descriptors of the lesson's files.
func (l *Lesson) protoDescriptors() []protoreflect.FileDescriptor {
	var out []protoreflect.FileDescriptor
	seen := map[string]bool{}
	var visit func(f protoreflect.FileDescriptor)
	visit = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] || isWellKnownFile(f.Path()) {
			return
		}
		seen[f.Path()] = true
		out = append(out, f)
		for i := 0; i < f.Imports().Len(); i++ {
			visit(f.Imports().Get(i).FileDescriptor)
		}
	}
	visit(l.Method.ParentFile())
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// WriteProjectError is a project that could not be written: which file,
// and why. Nothing was written when Existing is set.
type WriteProjectError struct {
	Path     string
	Existing []string // files that exist and would be overwritten
	Err      error
}

func (e *WriteProjectError) Error() string {
	if len(e.Existing) > 0 {
		return fmt.Sprintf("%s already has %s: nothing written (-force overwrites)", e.Path, strings.Join(e.Existing, ", "))
	}
	return fmt.Sprintf("cannot write %s: %v", e.Path, e.Err)
}

func (e *WriteProjectError) Unwrap() error { return e.Err }

// WriteProject writes the lesson's project into dir, creating it. Unless
// force, it refuses before writing anything when a file it would write
// exists. It returns the paths written, relative to dir.
func (l *Lesson) WriteProject(dir string, force bool) ([]string, error) {
	if dir == "" {
		return nil, &WriteProjectError{Path: dir, Err: errors.New("no directory given")}
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, &WriteProjectError{Path: dir, Err: errors.New("it is a file, not a directory")}
	}
	files := l.ProjectFiles()
	for _, f := range files {
		// File names of the .proto files come from the server: none may
		// leave DIR (../, an absolute path).
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) {
			return nil, &WriteProjectError{Path: SafeLine(f.Path), Err: errors.New("the server names this .proto file outside DIR: nothing written")}
		}
		// Nor may a name carry what a terminal or a shell acts on: the
		// README's commands and the clients' imports are made of it.
		if !isPlainPath(f.Path) {
			return nil, &WriteProjectError{Path: SafeLine(f.Path), Err: errors.New("the server names this .proto file with characters other than letters, digits, '.', '_', '-' and '/': nothing written")}
		}
	}
	if !force {
		var existing []string
		for _, f := range files {
			p := filepath.Join(dir, filepath.FromSlash(f.Path))
			switch _, err := os.Lstat(p); {
			case err == nil:
				existing = append(existing, f.Path)
			case !errors.Is(err, fs.ErrNotExist):
				return nil, &WriteProjectError{Path: p, Err: unwrapPathError(err)}
			}
		}
		if len(existing) > 0 {
			return nil, &WriteProjectError{Path: dir, Existing: existing}
		}
	}
	var written []string
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return written, &WriteProjectError{Path: filepath.Dir(p), Err: unwrapPathError(err)}
		}
		if err := os.WriteFile(p, []byte(f.Text), 0o644); err != nil {
			return written, &WriteProjectError{Path: p, Err: unwrapPathError(err)}
		}
		written = append(written, f.Path)
	}
	return written, nil
}

// unwrapPathError drops the path a *fs.PathError repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// isPlainPath says a file path is made of letters, digits, '.', '_', '-'
// and '/' only: safe to write, to show and to paste into a shell.
func isPlainPath(p string) bool {
	return p != "" && strings.IndexFunc(p, func(r rune) bool {
		return !(r == '.' || r == '_' || r == '-' || r == '/' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}

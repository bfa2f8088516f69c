package dynamic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// ParseProtoFiles compiles .proto sources at run time (no protoc), with the
// well-known types built in. Files are named as the user typed them: paths
// relative to the working directory or absolute ones are accepted when they
// lie under an import path, as well as names relative to an import path.
// With no import paths, the import path is inferred: the file's directory,
// or the nearest ancestor from which all its imports resolve.
//
// fsys, when not nil, replaces the file system (grpcsh reads its embedded
// demo sources this way).
func ParseProtoFiles(ctx context.Context, fsys fs.FS, files, importPaths []string) ([]protoreflect.FileDescriptor, error) {
	if len(files) == 0 {
		return nil, errors.New("no .proto file given")
	}
	if len(importPaths) > 0 {
		names := make([]string, len(files))
		for i, f := range files {
			name, err := nameInImportPaths(fsys, f, importPaths)
			if err != nil {
				return nil, err
			}
			names[i] = name
		}
		return compileProtos(ctx, fsys, names, importPaths)
	}
	var firstErr error
	for _, root := range candidateRoots(files) {
		names := make([]string, len(files))
		for i, f := range files {
			rel, err := filepath.Rel(root, f)
			if err != nil {
				return nil, err
			}
			names[i] = filepath.ToSlash(rel)
		}
		fds, err := compileProtos(ctx, fsys, names, []string{root})
		if err == nil {
			return fds, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		var miss *importNotFoundError
		if !errors.As(err, &miss) {
			// A real error in the sources: trying elsewhere won't help.
			return nil, err
		}
	}
	return nil, firstErr
}

// candidateRoots are the directories an import path may be inferred from:
// the common directory of the files, then its ancestors.
func candidateRoots(files []string) []string {
	dir := filepath.Dir(filepath.Clean(files[0]))
	for _, f := range files[1:] {
		for !isUnder(filepath.Clean(f), dir) {
			dir = filepath.Dir(dir)
		}
	}
	roots := []string{dir}
	for d := dir; ; {
		parent := filepath.Dir(d)
		if parent == d || (d == "." && !filepath.IsAbs(files[0])) {
			break
		}
		roots = append(roots, parent)
		d = parent
	}
	if !filepath.IsAbs(dir) && dir != "." {
		// Relative paths stop at ".": walk no higher than the working directory.
		for len(roots) > 0 && strings.HasPrefix(roots[len(roots)-1], "..") {
			roots = roots[:len(roots)-1]
		}
	}
	return roots
}

func isUnder(path, dir string) bool {
	if dir == "." && !filepath.IsAbs(path) && !strings.HasPrefix(path, "..") {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// nameInImportPaths turns what the user typed into the name the file has
// relative to an import path, so that grpcurl's "does not reside in any
// import path" never happens for a file that is in one.
func nameInImportPaths(fsys fs.FS, file string, importPaths []string) (string, error) {
	for _, ip := range importPaths {
		if isUnder(filepath.Clean(file), filepath.Clean(ip)) && exists(fsys, file) {
			rel, err := filepath.Rel(ip, file)
			if err == nil {
				return filepath.ToSlash(rel), nil
			}
		}
	}
	for _, ip := range importPaths {
		if exists(fsys, filepath.Join(ip, file)) {
			return filepath.ToSlash(file), nil
		}
	}
	return "", fmt.Errorf("%s: not found in any import path (searched: %s); pass -import-path with the directory the file's name is relative to",
		file, strings.Join(importPaths, ", "))
}

func exists(fsys fs.FS, path string) bool {
	if fsys != nil {
		_, err := fs.Stat(fsys, filepath.ToSlash(filepath.Clean(path)))
		return err == nil
	}
	_, err := os.Stat(path)
	return err == nil
}

// importNotFoundError says which import could not be found, where it was
// imported, and where grpcsh looked.
type importNotFoundError struct {
	pos      string
	name     string
	searched []string
}

func (e *importNotFoundError) Error() string {
	where := ""
	if e.pos != "" {
		where = e.pos + ": "
	}
	return fmt.Sprintf("%simport %q not found (searched: %s); add the directory it is relative to with -import-path",
		where, e.name, strings.Join(e.searched, ", "))
}

// dirsResolver finds sources in import paths and remembers what it missed.
type dirsResolver struct {
	fsys fs.FS
	dirs []string
}

func (r dirsResolver) FindFileByPath(path string) (protocompile.SearchResult, error) {
	for _, dir := range r.dirs {
		full := filepath.Join(dir, filepath.FromSlash(path))
		var rc io.ReadCloser
		var err error
		if r.fsys != nil {
			rc, err = r.fsys.Open(filepath.ToSlash(full))
		} else {
			rc, err = os.Open(full)
		}
		if err == nil {
			return protocompile.SearchResult{Source: rc}, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return protocompile.SearchResult{}, err
		}
	}
	return protocompile.SearchResult{}, &importNotFoundError{name: path, searched: r.dirs}
}

func compileProtos(ctx context.Context, fsys fs.FS, names, importPaths []string) ([]protoreflect.FileDescriptor, error) {
	compiler := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(dirsResolver{fsys: fsys, dirs: importPaths}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := compiler.Compile(ctx, names...)
	if err != nil {
		var miss *importNotFoundError
		if errors.As(err, &miss) {
			var ewp reporter.ErrorWithPos
			if errors.As(err, &ewp) {
				miss.pos = ewp.GetPosition().String()
			} else {
				// A file the user named, not an import.
				return nil, fmt.Errorf("%s: not found in any import path (searched: %s); pass -import-path with the directory the file's name is relative to",
					miss.name, strings.Join(importPaths, ", "))
			}
			return nil, miss
		}
		return nil, err
	}
	out := make([]protoreflect.FileDescriptor, len(files))
	for i, f := range files {
		out[i] = f
	}
	return out, nil
}

// LoadProtosets reads FileDescriptorSet files, as protoc --descriptor_set_out
// (with --include_imports) writes them.
func LoadProtosets(paths []string) ([]protoreflect.FileDescriptor, error) {
	merged := &descriptorpb.FileDescriptorSet{}
	seen := map[string]bool{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("protoset: %w", err)
		}
		var set descriptorpb.FileDescriptorSet
		if err := proto.Unmarshal(b, &set); err != nil {
			return nil, fmt.Errorf("protoset %s: not a FileDescriptorSet: %w", p, err)
		}
		if len(set.File) == 0 {
			// An empty file parses as an empty set: say so, rather than
			// carry on as if no -protoset had been given.
			return nil, fmt.Errorf("protoset %s holds no files: write one with protoc --include_imports --descriptor_set_out=FILE, or grpcsh/grpcurl -protoset-out FILE", p)
		}
		for _, f := range set.File {
			if !seen[f.GetName()] {
				seen[f.GetName()] = true
				merged.File = append(merged.File, f)
			}
		}
	}
	files, err := protodesc.NewFiles(merged)
	if err != nil {
		// A protoset written without --include_imports lacks the
		// well-known types: take those from the runtime.
		files, err = newFilesWithGlobals(merged)
		if err != nil {
			return nil, fmt.Errorf("protoset: %w (was it written with --include_imports?)", err)
		}
	}
	var out []protoreflect.FileDescriptor
	for _, f := range merged.File {
		fd, err := files.FindFileByPath(f.GetName())
		if err != nil {
			return nil, err
		}
		out = append(out, fd)
	}
	return out, nil
}

func newFilesWithGlobals(set *descriptorpb.FileDescriptorSet) (*protoregistry.Files, error) {
	files := new(protoregistry.Files)
	byName := map[string]*descriptorpb.FileDescriptorProto{}
	for _, f := range set.File {
		byName[f.GetName()] = f
	}
	resolver := &globalFallback{files}
	var add func(name string) error
	add = func(name string) error {
		if _, err := files.FindFileByPath(name); err == nil {
			return nil
		}
		f, ok := byName[name]
		if !ok {
			if _, err := protoregistry.GlobalFiles.FindFileByPath(name); err == nil {
				return nil
			}
			return fmt.Errorf("import %q is not in the protoset", name)
		}
		for _, dep := range f.Dependency {
			if err := add(dep); err != nil {
				return err
			}
		}
		fd, err := protodesc.NewFile(f, resolver)
		if err != nil {
			return err
		}
		return files.RegisterFile(fd)
	}
	for _, f := range set.File {
		if err := add(f.GetName()); err != nil {
			return nil, err
		}
	}
	return files, nil
}

type globalFallback struct{ files *protoregistry.Files }

func (g *globalFallback) FindFileByPath(p string) (protoreflect.FileDescriptor, error) {
	if fd, err := g.files.FindFileByPath(p); err == nil {
		return fd, nil
	}
	return protoregistry.GlobalFiles.FindFileByPath(p)
}

func (g *globalFallback) FindDescriptorByName(n protoreflect.FullName) (protoreflect.Descriptor, error) {
	if d, err := g.files.FindDescriptorByName(n); err == nil {
		return d, nil
	}
	return protoregistry.GlobalFiles.FindDescriptorByName(n)
}

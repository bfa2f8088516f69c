package dynamic

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// Source is where descriptors come from. Implementations are interchangeable
// and composable (see Composite), as grpcurl's DescriptorSource.
type Source interface {
	// ListServices returns the fully-qualified names of the services.
	ListServices() ([]protoreflect.FullName, error)
	// FindSymbol finds a service, method, message, enum, field or extension
	// by fully-qualified name.
	FindSymbol(name protoreflect.FullName) (protoreflect.Descriptor, error)
	// FindExtensions lists the known extensions of a message.
	FindExtensions(message protoreflect.FullName) ([]protoreflect.ExtensionDescriptor, error)
}

// ErrNotFound is wrapped by the errors sources return for unknown symbols.
var ErrNotFound = errors.New("not found")

// FilesSource serves descriptors from a set of files: compiled .proto
// sources (see ParseProtoFiles) or protosets (see LoadProtosets).
type FilesSource struct {
	files *protoregistry.Files
	// roots are the files the user named; their services are listed.
	roots []protoreflect.FileDescriptor
}

// NewFilesSource indexes roots and all their imports.
func NewFilesSource(roots []protoreflect.FileDescriptor) (*FilesSource, error) {
	files := new(protoregistry.Files)
	var add func(fd protoreflect.FileDescriptor) error
	add = func(fd protoreflect.FileDescriptor) error {
		if _, err := files.FindFileByPath(fd.Path()); err == nil {
			return nil
		}
		imports := fd.Imports()
		for i := 0; i < imports.Len(); i++ {
			if err := add(imports.Get(i).FileDescriptor); err != nil {
				return err
			}
		}
		if err := files.RegisterFile(fd); err != nil {
			return fmt.Errorf("%s: %w", fd.Path(), err)
		}
		return nil
	}
	for _, fd := range roots {
		if err := add(fd); err != nil {
			return nil, err
		}
	}
	return &FilesSource{files: files, roots: roots}, nil
}

func (f *FilesSource) ListServices() ([]protoreflect.FullName, error) {
	var names []protoreflect.FullName
	f.files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		svcs := fd.Services()
		for i := 0; i < svcs.Len(); i++ {
			names = append(names, svcs.Get(i).FullName())
		}
		return true
	})
	slices.Sort(names)
	return slices.Compact(names), nil
}

func (f *FilesSource) FindSymbol(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	d, err := f.files.FindDescriptorByName(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w in the given files", name, ErrNotFound)
	}
	return d, nil
}

func (f *FilesSource) FindExtensions(message protoreflect.FullName) ([]protoreflect.ExtensionDescriptor, error) {
	var exts []protoreflect.ExtensionDescriptor
	f.files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		exts = append(exts, extensionsOf(fd, message, 0)...)
		return true
	})
	return exts, nil
}

// Files returns every file of the source, imports included.
func (f *FilesSource) Files() []protoreflect.FileDescriptor {
	var out []protoreflect.FileDescriptor
	f.files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		out = append(out, fd)
		return true
	})
	return out
}

// Composite asks Primary first and Fallback when Primary fails: reflection
// first, files as fallback, as grpcurl does when given both.
type Composite struct {
	Primary, Fallback Source
}

// WithContext bounds the lookups of both sources by ctx (see WithContext).
func (c Composite) WithContext(ctx context.Context) Source {
	return Composite{Primary: WithContext(ctx, c.Primary), Fallback: WithContext(ctx, c.Fallback)}
}

func (c Composite) ListServices() ([]protoreflect.FullName, error) {
	names, err := c.Primary.ListServices()
	if err == nil {
		return names, nil
	}
	more, err2 := c.Fallback.ListServices()
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	return more, nil
}

func (c Composite) FindSymbol(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	d, err := c.Primary.FindSymbol(name)
	if err == nil {
		return d, nil
	}
	d, err2 := c.Fallback.FindSymbol(name)
	if err2 != nil {
		if errors.Is(err, ErrNotFound) && errors.Is(err2, ErrNotFound) {
			return nil, fmt.Errorf("%s: %w on the server nor in the given files", SafeLine(string(name)), ErrNotFound)
		}
		if errors.Is(err2, ErrNotFound) {
			// The files do not have it: why the server failed is the news.
			return nil, err
		}
		return nil, errors.Join(err, err2)
	}
	return d, nil
}

func (c Composite) FindExtensions(message protoreflect.FullName) ([]protoreflect.ExtensionDescriptor, error) {
	exts, err := c.Primary.FindExtensions(message)
	more, err2 := c.Fallback.FindExtensions(message)
	if err != nil && err2 != nil {
		return nil, errors.Join(err, err2)
	}
	seen := map[protoreflect.FullName]bool{}
	var out []protoreflect.ExtensionDescriptor
	for _, x := range append(exts, more...) {
		if !seen[x.FullName()] {
			seen[x.FullName()] = true
			out = append(out, x)
		}
	}
	return out, nil
}

// findInFile finds a symbol declared in fd (services, methods, messages,
// enums, enum values, fields, oneofs, extensions, at any nesting) by walking
// down the name's components.
func findInFile(fd protoreflect.FileDescriptor, name protoreflect.FullName) protoreflect.Descriptor {
	pkg := fd.Package()
	rel := name
	if pkg != "" {
		if !strings.HasPrefix(string(name), string(pkg)+".") {
			return nil
		}
		rel = name[len(pkg)+1:]
	}
	parts := strings.Split(string(rel), ".")
	first := protoreflect.Name(parts[0])
	if len(parts) == 1 {
		if d := fd.Messages().ByName(first); d != nil {
			return d
		}
		if d := fd.Enums().ByName(first); d != nil {
			return d
		}
		if d := fd.Services().ByName(first); d != nil {
			return d
		}
		if d := fd.Extensions().ByName(first); d != nil {
			return d
		}
		return enumValueIn(fd.Enums(), first)
	}
	if svc := fd.Services().ByName(first); svc != nil {
		if len(parts) == 2 {
			if m := svc.Methods().ByName(protoreflect.Name(parts[1])); m != nil {
				return m
			}
		}
		return nil
	}
	msg := fd.Messages().ByName(first)
	for i := 1; msg != nil; i++ {
		part := protoreflect.Name(parts[i])
		if i == len(parts)-1 {
			switch {
			case msg.Fields().ByName(part) != nil:
				return msg.Fields().ByName(part)
			case msg.Messages().ByName(part) != nil:
				return msg.Messages().ByName(part)
			case msg.Enums().ByName(part) != nil:
				return msg.Enums().ByName(part)
			case msg.Extensions().ByName(part) != nil:
				return msg.Extensions().ByName(part)
			case msg.Oneofs().ByName(part) != nil:
				return msg.Oneofs().ByName(part)
			}
			return enumValueIn(msg.Enums(), part)
		}
		msg = msg.Messages().ByName(part)
	}
	return nil
}

// enumValueIn finds an enum value, which protobuf scopes beside its enum.
func enumValueIn(enums protoreflect.EnumDescriptors, name protoreflect.Name) protoreflect.Descriptor {
	for i := 0; i < enums.Len(); i++ {
		if v := enums.Get(i).Values().ByName(name); v != nil {
			return v
		}
	}
	return nil
}

// extensionsOf lists the extensions of message declared in fd; number 0
// means any number.
func extensionsOf(fd protoreflect.FileDescriptor, message protoreflect.FullName, number protoreflect.FieldNumber) []protoreflect.ExtensionDescriptor {
	var out []protoreflect.ExtensionDescriptor
	var walk func(exts protoreflect.ExtensionDescriptors, msgs protoreflect.MessageDescriptors)
	walk = func(exts protoreflect.ExtensionDescriptors, msgs protoreflect.MessageDescriptors) {
		for i := 0; i < exts.Len(); i++ {
			x := exts.Get(i)
			if x.ContainingMessage().FullName() == message && (number == 0 || x.Number() == number) {
				out = append(out, x)
			}
		}
		for i := 0; i < msgs.Len(); i++ {
			walk(msgs.Get(i).Extensions(), msgs.Get(i).Messages())
		}
	}
	walk(fd.Extensions(), fd.Messages())
	return out
}

package dynamic

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jhump/protoreflect/v2/protoprint"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Describe prints a descriptor as .proto source, with its comments when the
// source has them (files compiled with source info, or a server that serves
// it). A method is shown with its request and response messages.
func Describe(d protoreflect.Descriptor) (string, error) {
	p := &protoprint.Printer{Indent: "  "}
	src, err := p.PrintProtoToString(d)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s is a %s", d.FullName(), kindOf(d))
	if f := d.ParentFile(); f != nil {
		fmt.Fprintf(&b, " in %s", f.Path())
	}
	b.WriteString(":\n")
	b.WriteString(strings.TrimRight(src, "\n"))
	b.WriteString("\n")
	if m, ok := d.(protoreflect.MethodDescriptor); ok {
		for _, msg := range []protoreflect.MessageDescriptor{m.Input(), m.Output()} {
			s, err := p.PrintProtoToString(msg)
			if err != nil {
				return "", err
			}
			b.WriteString("\n")
			b.WriteString(strings.TrimRight(s, "\n"))
			b.WriteString("\n")
		}
	}
	// Comments, json_name options and file names come from the server.
	return SafeText(b.String()), nil
}

// SchemaFiles returns the files that define the source's services and every
// file they import, dependencies first.
func SchemaFiles(src Source) ([]protoreflect.FileDescriptor, error) {
	services, err := src.ListServices()
	if err != nil {
		return nil, err
	}
	var out []protoreflect.FileDescriptor
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		for i := 0; i < fd.Imports().Len(); i++ {
			add(fd.Imports().Get(i).FileDescriptor)
		}
		out = append(out, fd)
	}
	for _, s := range services {
		d, err := src.FindSymbol(s)
		if err != nil {
			return nil, err
		}
		add(d.ParentFile())
	}
	return out, nil
}

// WriteProtoset writes files as a FileDescriptorSet, as protoc
// --descriptor_set_out --include_imports does, so grpcurl -protoset reads it.
func WriteProtoset(w io.Writer, files []protoreflect.FileDescriptor) error {
	set := &descriptorpb.FileDescriptorSet{}
	for _, fd := range files {
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(set)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteProtoFiles writes files as .proto sources under dir, one per file at
// its import path, skipping the well-known types every compiler has.
func WriteProtoFiles(dir string, files []protoreflect.FileDescriptor) ([]string, error) {
	var own []protoreflect.FileDescriptor
	for _, fd := range files {
		if strings.HasPrefix(fd.Path(), "google/protobuf/") {
			continue
		}
		// File names come from the server: they must stay under dir.
		if p := fd.Path(); !filepath.IsLocal(p) || strings.Contains(p, "\\") {
			return nil, fmt.Errorf("the schema names a file %q, which would be written outside %s: not writing it", SafeLine(p), dir)
		}
		own = append(own, fd)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := &protoprint.Printer{Indent: "  "}
	if err := p.PrintProtosToFileSystem(own, dir); err != nil {
		return nil, err
	}
	var names []string
	for _, fd := range own {
		names = append(names, fd.Path())
	}
	slices.Sort(names)
	return names, nil
}

package protos_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/google/go-cmp/cmp"

	"github.com/grpcsh/grpcsh/protos"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
	"github.com/grpcsh/grpcsh/protos/testserverpb"
)

// TestGeneratedCodeMatchesSources compiles the embedded .proto sources and
// checks that the committed generated code was made from exactly these
// sources, so that CI needs no code generator to catch a stale file.
func TestGeneratedCodeMatchesSources(t *testing.T) {
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(readAll(t)),
		}),
	}
	compiled, err := compiler.Compile(context.Background(), protos.Files...)
	if err != nil {
		t.Fatalf("compiling the embedded sources: %v", err)
	}
	generated := map[string]protoreflect.FileDescriptor{
		"hello.proto":    helloworldpb.File_hello_proto,
		"test.proto":     testserverpb.File_test_proto,
		"showcase.proto": showcasepb.File_showcase_proto,
	}
	if len(compiled) != len(generated) {
		t.Fatalf("compiled %d files, want %d", len(compiled), len(generated))
	}
	for _, fd := range compiled {
		gen, ok := generated[fd.Path()]
		if !ok {
			t.Fatalf("no generated code for %s", fd.Path())
		}
		want := strip(protodesc.ToFileDescriptorProto(fd))
		got := strip(protodesc.ToFileDescriptorProto(gen))
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("%s: generated code is stale; run `go generate ./protos` (-source +generated):\n%s", fd.Path(), diff)
		}
	}
}

func readAll(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range protos.Files {
		b, err := fs.ReadFile(protos.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

// strip drops source info, which the generated code does not carry.
func strip(fd *descriptorpb.FileDescriptorProto) *descriptorpb.FileDescriptorProto {
	fd = proto.Clone(fd).(*descriptorpb.FileDescriptorProto)
	fd.SourceCodeInfo = nil
	return fd
}

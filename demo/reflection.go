package demo

import (
	"context"
	"io"
	"io/fs"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
	v1grpc "google.golang.org/grpc/reflection/grpc_reflection_v1"
	v1alphagrpc "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/grpcsh/grpcsh/protos"
)

// registerReflection serves reflection from the embedded .proto sources
// compiled with their comments, so that a client's describe shows them: the
// descriptors compiled into the generated Go code carry no source info.
// Everything else (health, reflection, well-known types) comes from the
// global registry.
func registerReflection(s *grpc.Server, v1 bool) {
	opts := reflection.ServerOptions{Services: s, DescriptorResolver: commentedFiles{}}
	if v1 {
		v1grpc.RegisterServerReflectionServer(s, reflection.NewServerV1(opts))
	}
	v1alphagrpc.RegisterServerReflectionServer(s, reflection.NewServer(opts))
}

// compiled holds the embedded sources compiled once per process.
var compiled = sync.OnceValue(func() *protoregistry.Files {
	files := new(protoregistry.Files)
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: func(path string) (io.ReadCloser, error) { return protos.FS.Open(path) },
		}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	result, err := compiler.Compile(context.Background(), protos.Files...)
	if err != nil {
		// The sources are tested to compile (protos_test.go); a failure
		// here only loses the comments: fall back to the global registry.
		return files
	}
	for _, f := range result {
		_ = files.RegisterFile(f)
	}
	return files
})

var _ fs.FS = protos.FS

type commentedFiles struct{}

func (commentedFiles) FindFileByPath(path string) (protoreflect.FileDescriptor, error) {
	if fd, err := compiled().FindFileByPath(path); err == nil {
		return fd, nil
	}
	return protoregistry.GlobalFiles.FindFileByPath(path)
}

func (commentedFiles) FindDescriptorByName(name protoreflect.FullName) (protoreflect.Descriptor, error) {
	if d, err := compiled().FindDescriptorByName(name); err == nil {
		return d, nil
	}
	return protoregistry.GlobalFiles.FindDescriptorByName(name)
}

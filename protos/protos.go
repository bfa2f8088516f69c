// Package protos holds the .proto sources of the demo services, embedded so
// that grpcsh can show, compile and export them without any file on disk.
//
// The generated Go code lives in the sub-packages helloworldpb, testserverpb
// and showcasepb. Regenerate it after editing a .proto file with:
//
//	go generate ./protos
//
// which needs neither protoc nor anything outside the Go module proxy: the
// sources are compiled with protocompile and fed to protoc-gen-go and
// protoc-gen-go-grpc, both pinned as tools in go.mod.
package protos

import "embed"

//go:generate go run ./internal/protogen

// FS holds every .proto source of this directory, at its root.
//
//go:embed *.proto
var FS embed.FS

// Files lists the embedded sources in the order they are generated.
var Files = []string{"hello.proto", "test.proto", "showcase.proto"}

package dynamic_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/demotest"
)

var updateLessons = flag.Bool("update", false, "rewrite the golden files of dynamic/testdata/explain")

// checkGolden compares got with testdata/explain/name; -update rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "explain", name)
	if *updateLessons {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant: %s\ngot:  %s", i+1, wl, gl)
		}
	}
	return ""
}

// Every RPC kind, explained: the whole text is the golden file.
func TestLessonGoldenForEveryKind(t *testing.T) {
	target := dynamic.CallTarget{Address: "127.0.0.1:8888", Plaintext: true,
		Header: metadata.Pairs("authorization", "Bearer s3cret", "x-trace", "7")}
	for _, c := range []struct{ file, method, req string }{
		{"unary.golden", "TestServer/GetRandom", `{"id":"123"}`},
		{"server_stream.golden", "showcase.Showcase/Count", `{"count":3}`},
		{"client_stream.golden", "showcase.Showcase/Sum", `{"value":"5"}`},
		{"bidi_stream.golden", "showcase.Showcase/Chat", `{"text":"hi"}`},
		// A response type from another package and file (google.protobuf.Empty).
		{"other_package.golden", "showcase.Showcase/Fail", `{"code":5}`},
	} {
		t.Run(c.method, func(t *testing.T) {
			l := lesson(t, c.method, c.req, target)
			text := l.Text()
			if strings.Contains(text, "s3cret") {
				t.Errorf("the lesson shows a secret")
			}
			checkGolden(t, c.file, text)
		})
	}
}

// A method whose file is in a directory and a package, imports another
// such file, and uses a nested message: every language names it right.
func TestLessonForPackagedFilesWithImports(t *testing.T) {
	fsys := fstest.MapFS{
		"acme/common/v1/money.proto": {Data: []byte(`syntax = "proto3";
package acme.common.v1;
option go_package = "example.com/acme/gen/commonv1;commonv1";
message Money { string currency = 1; int64 units = 2; }
`)},
		"acme/shop/v1/shop.proto": {Data: []byte(`syntax = "proto3";
package acme.shop.v1;
import "acme/common/v1/money.proto";
message Order { message Line { string sku = 1; acme.common.v1.Money price = 2; } repeated Line lines = 1; }
service Shop { rpc Price(Order) returns (acme.common.v1.Money); rpc Watch(stream Order) returns (stream acme.common.v1.Money); }
`)},
	}
	files, err := dynamic.ParseProtoFiles(context.Background(), fsys, []string{"acme/shop/v1/shop.proto"}, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	src, err := dynamic.NewFilesSource(files)
	if err != nil {
		t.Fatal(err)
	}
	m, err := dynamic.FindMethod(src, "acme.shop.v1.Shop/Price")
	if err != nil {
		t.Fatal(err)
	}
	reqJSON := `{"lines":[{"sku":"a","price":{"currency":"EUR","units":"3"}}]}`
	req, err := dynamic.ParseJSON(dynamic.NewTypes(src), m.Input(), []byte(reqJSON))
	if err != nil {
		t.Fatal(err)
	}
	l, err := dynamic.Explain(m, req, reqJSON, dynamic.CallTarget{Address: "shop.example:443"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Protos) != 2 || l.Protos[0].Path != "acme/shop/v1/shop.proto" || l.Protos[1].Path != "acme/common/v1/money.proto" {
		t.Errorf("protos = %v", l.Protos)
	}
	checkGolden(t, "packaged_imports.golden", l.Text())
	// The project carries both files at their paths.
	dir := t.TempDir()
	written, err := l.WriteProject(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"acme/shop/v1/shop.proto", "acme/common/v1/money.proto", "client.py", "client.cc", "go/client/main.go", "server.py", "go/server/main.go", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("project lacks %s (wrote %v)", want, written)
		}
	}
}

// -write refuses to overwrite, names what is in the way, and writes
// nothing; -force overwrites; a DIR that is a file or can't be made is a
// clear error.
func TestWriteProjectRefusesToOverwrite(t *testing.T) {
	l := lesson(t, "TestServer/GetRandom", `{"id":"1"}`, dynamic.CallTarget{Address: "127.0.0.1:8888", Plaintext: true})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "client.py"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := l.WriteProject(dir, false)
	var we *dynamic.WriteProjectError
	if !errors.As(err, &we) || !strings.Contains(err.Error(), dir+" already has client.py: nothing written (-force overwrites)") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "client.py")); string(b) != "mine" {
		t.Error("client.py was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "test.proto")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("test.proto was written although the project was refused")
	}
	if _, err := l.WriteProject(dir, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "client.py")); !strings.Contains(string(b), "test_pb2_grpc.TestServerStub") {
		t.Errorf("-force did not write client.py: %s", b)
	}
	file := filepath.Join(t.TempDir(), "afile")
	os.WriteFile(file, nil, 0o644)
	if _, err := l.WriteProject(file, false); err == nil || err.Error() != "cannot write "+file+": it is a file, not a directory" {
		t.Errorf("DIR is a file: %v", err)
	}
	if _, err := l.WriteProject(filepath.Join(file, "sub"), false); err == nil || !strings.Contains(err.Error(), "cannot write "+file) || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("DIR under a file: %v", err)
	}
}

// normalizeSend hides what changes between runs: the port, the times,
// grpc-go's version, and the connection-level frames (SETTINGS,
// WINDOW_UPDATE, PING, GOAWAY), whose number and order depend on timing.
func normalizeSend(text, addr string) string {
	text = strings.ReplaceAll(text, addr, "ADDR")
	text = regexp.MustCompile(`\d+\.\d{3}ms`).ReplaceAllString(text, "T")
	text = regexp.MustCompile(`grpc-go/\S+`).ReplaceAllString(text, "grpc-go/V")
	text = regexp.MustCompile(`(?m)^[→←] (SETTINGS|WINDOW_UPDATE|PING|GOAWAY)\b.*\n`).ReplaceAllString(text, "")
	// HEADERS' size depends on the port's digits and HPACK's table.
	text = regexp.MustCompile(`(?m)^([→←] HEADERS .*), \d+ bytes`).ReplaceAllString(text, "$1, N bytes")
	return text
}

// explain -send against the demo server: the real frames of a unary and a
// server-streaming call, normalised, are the golden files; a secret header
// is redacted in them.
func TestSendCapturesTheRealFrames(t *testing.T) {
	srv := demotest.Start(t, demo.Options{})
	ctx := context.Background()
	for _, c := range []struct{ file, method, req string }{
		{"send_unary.golden", "helloworld.Greeter/SayHello", `{"name":"wire"}`},
		// A client stream: its order is fixed (the server answers after
		// the client's END_STREAM); a bidi stream's is not.
		{"send_client_stream.golden", "showcase.Showcase/Sum", `{"value":"5"}`},
		// One field each: a dynamic message's fields go out in no fixed
		// order.
		{"send_failure.golden", "showcase.Showcase/Fail", `{"code":5}`},
	} {
		t.Run(c.method, func(t *testing.T) {
			src := filesSource(t)
			m, err := dynamic.FindMethod(src, c.method)
			if err != nil {
				t.Fatal(err)
			}
			types := dynamic.NewTypes(src)
			req, err := dynamic.ParseJSON(types, m.Input(), []byte(c.req))
			if err != nil {
				t.Fatal(err)
			}
			header := metadata.Pairs("authorization", "Bearer s3cret")
			call, err := dynamic.SendCaptured(ctx, dynamic.ConnConfig{Target: srv.Target(), Security: dynamic.SecurityPlaintext},
				types, dynamic.Call{Method: m, Header: header}, []proto.Message{req})
			if err != nil {
				t.Fatal(err)
			}
			text := call.Text()
			if strings.Contains(text, "s3cret") {
				t.Errorf("the frames show a secret:\n%s", text)
			}
			checkGolden(t, c.file, normalizeSend(text, srv.Target()))
		})
	}
}

// A server names its files: one named outside DIR is refused before
// anything is written.
func TestWriteProjectKeepsServerPathsInDir(t *testing.T) {
	fdp := &descriptorpb.FileDescriptorProto{
		Name:        proto.String("../escape.proto"),
		Syntax:      proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("M")}},
		Service: []*descriptorpb.ServiceDescriptorProto{{Name: proto.String("S"), Method: []*descriptorpb.MethodDescriptorProto{
			{Name: proto.String("Do"), InputType: proto.String(".M"), OutputType: proto.String(".M")}}}},
	}
	fd, err := protodesc.NewFile(fdp, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := fd.Services().Get(0).Methods().Get(0)
	l, err := dynamic.Explain(m, dynamicpb.NewMessage(m.Input()), "{}", dynamic.CallTarget{Address: "x:1", Plaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "proj")
	if _, err := l.WriteProject(dir, false); err == nil || err.Error() != "cannot write ../escape.proto: the server names this .proto file outside DIR: nothing written" {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("DIR was made: %v", err)
	}
}

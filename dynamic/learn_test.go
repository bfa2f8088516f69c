package dynamic_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/dynamic"
)

func lesson(t *testing.T, method, reqJSON string, target dynamic.CallTarget) *dynamic.Lesson {
	t.Helper()
	src := filesSource(t)
	m, err := dynamic.FindMethod(src, method)
	if err != nil {
		t.Fatal(err)
	}
	req, err := dynamic.ParseJSON(dynamic.NewTypes(src), m.Input(), []byte(reqJSON))
	if err != nil {
		t.Fatal(err)
	}
	l, err := dynamic.Explain(m, req, reqJSON, target)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The seed document's Python example, step by step.
func TestLessonOfTheSeedsGetRandom(t *testing.T) {
	l := lesson(t, "TestServer/GetRandom", `{"id":"123"}`, dynamic.CallTarget{Address: "127.0.0.1:8888", Plaintext: true})
	if l.WireHex != "0a 03 31 32 33" {
		t.Errorf("wire = %s, want 0a 03 31 32 33", l.WireHex)
	}
	if len(l.Wire) != 1 || l.Wire[0].Field != "id (1)" || l.Wire[0].Type != "LEN" || l.Wire[0].Meaning != `3 bytes: "123"` {
		t.Errorf("annotation = %+v", l.Wire)
	}
	py := l.Clients[0].Text
	for _, want := range []string{
		"import test_pb2, test_pb2_grpc",
		`channel = grpc.insecure_channel("127.0.0.1:8888")`,
		"stub = test_pb2_grpc.TestServerStub(channel)",
		"req = test_pb2.Request(id='123')",
		"response = stub.GetRandom(req)",
	} {
		if !strings.Contains(py, want) {
			t.Errorf("Python client lacks %q:\n%s", want, py)
		}
	}
	if l.Codegen[0].Text[:strings.IndexByte(l.Codegen[0].Text, '\n')] != "python3 -m grpc_tools.protoc -I . --python_out=. --grpc_python_out=. test.proto" {
		t.Errorf("python codegen: %s", l.Codegen[0].Text)
	}
	if !strings.Contains(l.Codegen[1].Text, "protoc --grpc_out=. --plugin=protoc-gen-grpc=`which grpc_cpp_plugin` test.proto") {
		t.Errorf("C++ codegen: %s", l.Codegen[1].Text)
	}
	if want := `grpcurl -plaintext -d '{"id":"123"}' 127.0.0.1:8888 TestServer/GetRandom`; l.Grpcurl != want {
		t.Errorf("grpcurl = %s\nwant %s", l.Grpcurl, want)
	}
	if !strings.Contains(l.ProtoSource, "rpc GetRandom ( Request ) returns ( Response );") {
		t.Errorf("proto source:\n%s", l.ProtoSource)
	}
	goSrc := l.Clients[1].Text
	for _, want := range []string{`testserverpb "github.com/grpcsh/grpcsh/protos/testserverpb"`, "client := testserverpb.NewTestServerClient(conn)", "req := &testserverpb.Request{}", "resp, err := client.GetRandom(ctx, req)"} {
		if !strings.Contains(goSrc, want) {
			t.Errorf("Go client lacks %q:\n%s", want, goSrc)
		}
	}
}

func TestWireAnnotationOfNestedAndPackedFields(t *testing.T) {
	l := lesson(t, "showcase.Showcase/Echo", `{"fSint32":-2,"color":"BLUE","address":{"city":"Pa","geo":{"lat":1.5}},"numbers":[1,2],"fBool":true}`,
		dynamic.CallTarget{Address: "api.example.com:443"})
	var got []string
	for _, f := range l.Wire {
		got = append(got, strings.Repeat("  ", f.Depth)+f.Field+" "+f.Type+" "+f.Meaning)
	}
	want := []string{
		"f_sint32 (7) VARINT -2 (zigzag 3)",
		"f_bool (13) VARINT true",
		"color (16) VARINT BLUE (3)",
		"address (18) LEN 15 bytes: a Address",
		`  city (2) LEN 2 bytes: "Pa"`,
		"  geo (4) LEN 9 bytes: a Geo",
		"    lat (1) I64 1.5",
		"numbers (21) LEN 2 bytes: packed int32 values",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("annotation:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Offsets point at each field's tag inside the whole request.
	for _, f := range l.Wire {
		if hex := l.WireHex; !strings.Contains(hex, fmt.Sprintf("% x", f.Bytes)) {
			t.Errorf("%s bytes %x not in the request", f.Field, f.Bytes)
		}
	}
	if !strings.Contains(l.Clients[0].Text, "json_format.Parse(") || !strings.Contains(l.Clients[0].Text, "grpc.secure_channel(") {
		t.Errorf("Python client for nested request over TLS:\n%s", l.Clients[0].Text)
	}
	if strings.Contains(l.Grpcurl, "-plaintext") {
		t.Errorf("TLS target with -plaintext: %s", l.Grpcurl)
	}
	text := l.Text()
	for _, want := range []string{"── 1. The contract: showcase.proto ──", "── 4. The request on the wire (showcase.Everything,", "── 5. The same call with grpcurl ──"} {
		if !strings.Contains(text, want) {
			t.Errorf("lesson text lacks %q", want)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
)

// explain -send makes the call and prints its frames after the static
// sections; a secret header stays redacted on the wire too.
func TestExplainSendShowsTheFrames(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	r := grpcsh(t, "", target, "explain", "-send", "SayHello", "-d", `{"name":"wire"}`, "-H", "authorization: Bearer s3cret", "-max-time", "30")
	r.check(t, 0, "*")
	for _, want := range []string{
		"── 1. The contract: hello.proto ──",
		"→ HEADERS stream 1 [END_HEADERS]",
		":path: /helloworld.Greeter/SayHello",
		"content-type: application/grpc",
		"te: trailers",
		"grpc-timeout: ", // -max-time's deadline, as gRPC sends it
		"authorization: Bearer <redacted>",
		"gRPC prefix: 00 = 0: not compressed, then 6 as 4 bytes big-endian",
		`name (1) LEN: 4 bytes: "wire"`,
		`message (1) LEN: 10 bytes: "Hello wire"`,
		"the trailers",
		"grpc-status: 0",
		"The call took ",
		"── 6. Serve it: a server skeleton ──",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain -send lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "s3cret") {
		t.Error("explain -send leaks a secret header")
	}
}

// Bad input: each a clear error, nothing overwritten; an unreachable
// server still gets the static sections, then the error.
func TestExplainBadInput(t *testing.T) {
	target := startTestDemo(t, demo.Options{})
	grpcsh(t, "", target, "explain", "Greeter/SayHi").check(t, 1, "", `unknown method "Greeter/SayHi"`)
	grpcsh(t, "", target, "explain", "SayHello", "-d", `{"name": "a",`+"\n"+` "nmae": "b"}`).check(t, 2, "", "line 2:2: ", "nmae")
	grpcsh(t, "", target, "-force", "explain", "SayHello").check(t, 2, "", "-force goes with -write DIR")
	grpcsh(t, "", target, "-send", "list").check(t, 2, "", "-send, -write and -force go with explain")

	// A closed port: the schema comes from the file, the call fails.
	r := grpcsh(t, "", "-proto", "../../protos/hello.proto", "127.0.0.1:1", "explain", "-send", "SayHello", "-d", `{"name":"x"}`)
	r.check(t, 1, "*", "grpcsh: explain -send: ", "127.0.0.1:1", "refused")
	for _, want := range []string{"── 1. The contract: hello.proto ──", "── 4. The request on the wire (helloworld.HelloRequest, 3 bytes) ──", "── 6. Serve it"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the static sections lack %q:\n%s", want, r.stdout)
		}
	}

	dir := t.TempDir()
	mine := filepath.Join(dir, "client.py")
	os.WriteFile(mine, []byte("mine"), 0o644)
	grpcsh(t, "", target, "explain", "SayHello", "-write", dir).check(t, 1, "*", dir+" already has client.py: nothing written (-force overwrites)")
	if b, _ := os.ReadFile(mine); string(b) != "mine" {
		t.Error("client.py was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "hello.proto")); err == nil {
		t.Error("hello.proto was written although the project was refused")
	}
	grpcsh(t, "", target, "explain", "SayHello", "-write", dir, "-force").check(t, 0, "*", "wrote hello.proto, client.py")
	grpcsh(t, "", target, "explain", "SayHello", "-write", filepath.Join(mine, "sub")).check(t, 1, "*", "cannot write "+mine, "not a directory")
}

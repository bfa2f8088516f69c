package main

import (
	"strings"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/connecttest"
)

// One-shots over gRPC-Web and Connect: against the demo (reflection over
// the same protocol) and against connect-go's own server (-proto files).
func TestOneShotProtocols(t *testing.T) {
	target := startTestDemo(t, demo.Options{Web: true})
	ref := connecttest.Start(t, nil)
	for _, p := range []string{"connect", "grpcweb"} {
		grpcsh(t, "", "-protocol", p, target, "call", "SayHello", "-d", `{"name":"ada"}`).check(t, 0, "{\"message\":\"Hello ada\"}\n")
		grpcsh(t, "", "-protocol", p, target, "list", "Greeter").check(t, 0, "helloworld.Greeter.SayHello\n")
		grpcsh(t, "", "-protocol", p, target, "call", "Chat", "-d", `{"text":"a"}{"text":"b"}`).
			check(t, 0, "{\"text\":\"you said: a\",\"seq\":1}\n{\"text\":\"you said: b\",\"seq\":2}\n")
		// A status with its details, exit 64 + the code, as over gRPC.
		grpcsh(t, "", "-protocol", p, target, "call", "Fail", "-d", `{"code":5,"message":"nope"}`).
			check(t, 64+5, "", "Code: NotFound", "Message: nope", "google.rpc.ErrorInfo", "showcase.FailureHint")

		proto := []string{"-protocol", p, "-proto", "../../protos/showcase.proto", "-proto", "../../protos/hello.proto"}
		grpcsh(t, "", append(proto, ref, "call", "SayHello", "-d", `{"name":"ada"}`)...).check(t, 0, "{\"message\":\"Hello ada from connect-go\"}\n")
		grpcsh(t, "", append(proto, ref, "call", "Sum", "-d", `{"value":1}{"value":41}`)...).check(t, 0, "{\"sum\":\"42\",\"count\":2}\n")
		grpcsh(t, "", append(proto, "-http1", ref, "call", "Count", "-d", `{"count":1}`)...).check(t, 0, "*")
		r := grpcsh(t, "", append(proto, "-v", "-H", "x-in: 7", ref, "call", "Echo", "-d", `{}`)...)
		r.check(t, 0, "{}\n", "x-ref-header: h", "x-in-echo: 7", "x-ref-trailer: t")
		grpcsh(t, "", append(proto, "-http1", ref, "call", "Chat", "-d", `{"text":"a"}`)...).
			check(t, 64+9, "", "bidi streaming method showcase.Showcase/Chat cannot run over", "on HTTP/1.1", "drop -http1")
	}
	grpcsh(t, "", "-protocol", "websocket", target, "list").check(t, 2, "", `unknown protocol "websocket": use grpc, grpcweb or connect`)
	grpcsh(t, "", "-http1", target, "list").check(t, 2, "", "-http1 and -http2 are for -protocol grpcweb or connect")
	grpcsh(t, "", "-http1", "-http2", "-protocol", "connect", target, "list").check(t, 2, "", "-http1 and -http2 contradict each other")
	r := grpcsh(t, "", "-protocol", "connect", "-http1", target, "list")
	r.check(t, 1, "", "server reflection (a bidi stream) cannot run over Connect on HTTP/1.1")
	if !strings.Contains(r.stderr, "-proto") {
		t.Errorf("the reflection error should name -proto: %s", r.stderr)
	}
}

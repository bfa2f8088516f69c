package dynamic

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/testcerts"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
)

// Over TLS the capture sees the HTTP/2 frames, not the TLS records: it
// wraps the connection after the handshake.
func TestSendCapturedOverTLS(t *testing.T) {
	certs := connNewCerts(t)
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{TLS: testcerts.ServerConfig(certs.server, nil)})
	m := helloworldpb.File_hello_proto.Services().ByName("Greeter").Methods().ByName("SayHello")
	call, err := SendCaptured(context.Background(), ConnConfig{Target: srv.Addr().String(), CACert: certs.caFile},
		NewTypes(nil), Call{Method: m}, []proto.Message{&helloworldpb.HelloRequest{Name: "tls"}})
	if err != nil {
		t.Fatal(err)
	}
	text := call.Text()
	for _, want := range []string{":scheme: https", ":path: /helloworld.Greeter/SayHello", `"Hello tls"`, "grpc-status: 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("TLS capture lacks %q:\n%s", want, text)
		}
	}
}

// Bytes that are not HTTP/2 are said to be so, not parsed into nonsense,
// and an empty capture has no frames.
func TestWireCaptureOfOtherBytes(t *testing.T) {
	c := NewWireCapture()
	c.record(true, []byte("GET / HTTP/1.1\r\n\r\n"))
	f := c.Frames()
	if len(f) != 1 || f[0].Detail != "no HTTP/2 client preface" {
		t.Errorf("frames = %+v", f)
	}
	if got := (&WireCapture{}).Frames(); len(got) != 0 {
		t.Errorf("an empty capture has frames: %+v", got)
	}
}

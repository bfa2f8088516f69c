package dynamic

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/testcerts"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
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

// explain -send of a long server stream keeps what CallCapture keeps of a
// call: at most 64 KiB of DATA and callMaxFrames frames (headers and
// trailers besides), the rest counted and said to be, so that neither the
// memory nor the text grows with the stream. The connection's own frames
// are the call's: its SETTINGS are shown.
func TestSendCapturedBoundsAServerStream(t *testing.T) {
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	m := showcasepb.File_showcase_proto.Services().ByName("Showcase").Methods().ByName("Count")
	call, err := SendCaptured(context.Background(), ConnConfig{Target: srv.Addr().String(), Security: SecurityPlaintext},
		NewTypes(nil), Call{Method: m}, []proto.Message{&showcasepb.CountRequest{Count: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	if call.Responses != 5000 {
		t.Fatalf("%d responses, want 5000", call.Responses)
	}
	kept := 0
	for _, f := range call.Frames {
		for _, msg := range f.Messages {
			kept += len(msg)
		}
	}
	if kept == 0 || kept > 64<<10 {
		t.Errorf("kept %d bytes of DATA, want 1..%d", kept, 64<<10)
	}
	if len(call.Frames) > callMaxFrames+4 {
		t.Errorf("kept %d frames, at most %d", len(call.Frames), callMaxFrames+4)
	}
	text := call.Text()
	for _, want := range []string{"→ SETTINGS", "grpc-status: 0", "… not kept: ", " DATA", "5000 response message(s)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the capture lacks %q:\n%s", want, text)
		}
	}
	if len(text) > 64<<10 {
		t.Errorf("the text is %d bytes, want at most %d", len(text), 64<<10)
	}
}

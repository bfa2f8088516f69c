package demo_test

import (
	"context"
	"io"
	"slices"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// With Options.Web, gRPC clients get what grpc-go's own server gives them
// (grpc-go's ServeHTTP answers them): the same metadata, no "trailer"
// announcement among the headers, a failure as trailers only, streams and
// the connection count; the OnCall hook sees every call.
func TestWebKeepsGRPCBehaviour(t *testing.T) {
	for _, web := range []bool{false, true} {
		var calls []string
		srv, cc := start(t, demo.Options{Web: web, OnCall: func(m string, _ metadata.MD) { calls = append(calls, m) }})
		c := showcasepb.NewShowcaseClient(cc)

		var header, trailer metadata.MD
		_, err := c.Fail(ctx(t), &showcasepb.FailRequest{Code: 5, Message: "nope"}, grpc.Header(&header), grpc.Trailer(&trailer))
		if st := status.Convert(err); st.Code() != codes.NotFound || len(st.Details()) != 3 {
			t.Fatalf("web=%v: Fail: %v", web, st)
		}
		if len(header) != 0 || trailer.Get("content-type")[0] != "application/grpc" || len(trailer.Get("content-length")) != 0 {
			t.Errorf("web=%v: Fail: header %v trailer %v, want trailers only", web, header, trailer)
		}

		ctxH := metadata.AppendToOutgoingContext(ctx(t), "x-a", "1")
		header, trailer = nil, nil
		if _, err := c.Metadata(ctxH, &emptypb.Empty{}, grpc.Header(&header), grpc.Trailer(&trailer)); err != nil {
			t.Fatal(err)
		}
		if header.Get("x-a")[0] != "1" || len(header.Get("trailer")) != 0 || trailer.Get("trailer-x-a")[0] != "1" {
			t.Errorf("web=%v: Metadata: header %v trailer %v", web, header, trailer)
		}

		chat, err := c.Chat(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"a", "b"} {
			if err := chat.Send(&showcasepb.ChatMessage{Text: m}); err != nil {
				t.Fatal(err)
			}
			if r, err := chat.Recv(); err != nil || r.GetText() != "you said: "+m {
				t.Fatalf("web=%v: Chat: %v %v", web, r, err)
			}
		}
		chat.CloseSend()
		if _, err := chat.Recv(); err != io.EOF {
			t.Fatalf("web=%v: Chat end: %v", web, err)
		}
		if n := srv.Connections(); n != 1 {
			t.Errorf("web=%v: %d connections, want 1", web, n)
		}
		want := []string{"/showcase.Showcase/Fail", "/showcase.Showcase/Metadata", "/showcase.Showcase/Chat"}
		if !slices.Equal(calls, want) {
			t.Errorf("web=%v: OnCall saw %v", web, calls)
		}
	}
}

package tui

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
	"github.com/grpcsh/grpcsh/repl"
)

type plainGreeter struct {
	helloworldpb.UnimplementedGreeterServer
}

func (plainGreeter) SayHello(_ context.Context, r *helloworldpb.HelloRequest) (*helloworldpb.HelloReply, error) {
	return &helloworldpb.HelloReply{Message: "Hello " + r.GetName()}, nil
}

// Rough edge 9: on a server without reflection, ":connect -proto FILE"
// gives the tree its methods, with no restart.
func TestTUIConnectProto(t *testing.T) {
	gs := grpc.NewServer() // no reflection
	helloworldpb.RegisterGreeterServer(gs, plainGreeter{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go gs.Serve(lis)
	t.Cleanup(gs.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: lis.Addr().String()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h := newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "h.jsonl")}, 120, 40)
	h.waitFor("the tree's error", func() bool { return !h.m.tree.loading && h.m.tree.err != nil }, 15*time.Second)

	h.press(":")
	h.typeText("connect -proto " + filepath.Join(moduleRoot(t), "protos", "hello.proto"))
	h.press("enter")
	h.press("esc") // the bar; its output pane stays
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.typeText("files")
	h.press("ctrl+s")
	h.waitCallDone()
	if scr := h.screen(); !strings.Contains(scr, "Hello files") {
		t.Fatalf("call after connect -proto:\n%s", scr)
	}
}

package repl

import (
	"context"
	"testing"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/protos/helloworldpb"
)

// A session that captures calls (the TUI's) keeps its capture when
// `connect TARGET` starts a connection from the defaults, and its client
// captures with it; a session without one captures nothing.
func TestSessionKeepsItsCallCapture(t *testing.T) {
	srv := startDemo(t, demo.Options{})
	capture := dynamic.NewCallCapture(0, 0)
	ctx := context.Background()
	s, err := NewSession(ctx, Options{Conn: dynamic.ConnConfig{Target: srv.Target(), Calls: capture}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Connect(ctx, dynamic.ConnConfig{Target: srv.Target()}); err != nil {
		t.Fatal(err)
	}
	if s.Conn().Calls() != capture {
		t.Fatal("connect TARGET dropped the session's call capture")
	}
	m, err := s.FindMethod("helloworld.Greeter.SayHello")
	if err != nil {
		t.Fatal(err)
	}
	stream, err := s.Start(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&helloworldpb.HelloRequest{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	stream.CloseSend()
	for range stream.Events() {
	}
	if w := stream.Wire(); w == nil || len(w.Frames) == 0 {
		t.Errorf("the session's call was not captured: %+v", w)
	}
	plain := newTestSession(t, srv.Target())
	if plain.Conn().Calls() != nil {
		t.Error("a session without a capture has one")
	}
}

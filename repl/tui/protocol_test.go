package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/demotest"
	"github.com/grpcsh/grpcsh/repl"
)

// protocolHarness is the app on a session speaking p to a demo that
// answers gRPC-Web and Connect; descriptors come by reflection over p.
func protocolHarness(t *testing.T, p dynamic.Protocol) *harness {
	t.Helper()
	srv := demotest.Start(t, demo.Options{Web: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target(), Protocol: p}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"), Version: "test"}, 120, 40)
}

// The TUI calls over Connect and gRPC-Web as over gRPC: a unary call with
// its headers, a bidi stream driven message by message, a failure with its
// details; the status bar names the protocol.
func TestAppProtocols(t *testing.T) {
	for _, tc := range []struct {
		p           dynamic.Protocol
		name, ctype string
	}{
		{dynamic.ProtocolConnect, "Connect", "content-type: application/proto"},
		{dynamic.ProtocolGRPCWeb, "gRPC-Web", "content-type: application/grpc-web+proto"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := protocolHarness(t, tc.p)
			h.waitScreen(tc.name)
			h.openMethod("helloworld.Greeter.SayHello", "sayhello")
			h.fillFirst("Ada")
			h.press("ctrl+s")
			h.waitCallDone()
			h.waitScreen(`"message": "Hello Ada"`)
			if c := h.m.call.code(); c != codes.OK {
				t.Fatalf("status %v, want OK", c)
			}
			h.press("2")
			h.waitScreen(tc.ctype)

			h.openMethod("showcase.Showcase.Chat", "showcase chat")
			h.fillFirst("hi")
			h.press("ctrl+s")
			h.waitScreen("you said: hi")
			h.press("home", "enter", "ctrl+a", "ctrl+k")
			h.typeText("again")
			h.press("enter", "ctrl+s")
			h.waitScreen("you said: again")
			if !h.m.call.running() {
				t.Fatal("the bidi stream ended before it was closed")
			}
			h.press("ctrl+x")
			h.waitCallDone()
			if c := h.m.call; c.code() != codes.OK || c.sent != 2 || c.msgs.total != 2 {
				t.Fatalf("Chat: status %v sent %d received %d; want OK 2 2", c.code(), c.sent, c.msgs.total)
			}

			h.openMethod("showcase.Showcase.Fail", "showcase fail")
			h.fillFirst("5")
			h.press("ctrl+s")
			h.waitCallDone()
			if c := h.m.call.code(); c != codes.NotFound {
				t.Fatalf("Fail: status %v, want NOT_FOUND", c)
			}
			h.press("4")
			h.waitScreen("NOT_FOUND (5)")
			h.waitScreen("google.rpc.BadRequest")
			if scr := h.screen(); !strings.Contains(scr, tc.name) {
				t.Errorf("the status bar does not name %s:\n%s", tc.name, scr)
			}
		})
	}
}

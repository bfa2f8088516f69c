package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// newCaptureHarness is newHarness on a session whose connection captures
// its calls, as the TUI's does (CallCapture).
func newCaptureHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	srv := startDemo(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target(), Calls: CallCapture()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	m := newApp(ctx, s, Options{HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"), Version: "test"})
	hs := &harness{t: t, m: m, msgs: make(chan tea.Msg, 1024), ctx: ctx}
	t.Cleanup(m.shutdown)
	hs.send(tea.ColorProfileMsg{Profile: colorprofile.NoTTY})
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(m.Init())
	return hs
}

// TestAppExplainWireOfTheLastCall: after a call made with ctrl+s, L's wire
// tab shows that call's own frames from the session's connection: its
// request HEADERS (:path), its request DATA decoded, and the trailers with
// grpc-status. Without s: the pane makes no call of its own.
func TestAppExplainWireOfTheLastCall(t *testing.T) {
	h := newCaptureHarness(t, 120, 50)
	h.openMethod("TestServer.GetRandom", "getrandom")
	h.fillFirst("777")
	h.press("ctrl+s")
	h.waitCallDone()
	if code := h.m.call.code(); code.String() != "OK" {
		t.Fatalf("the call ended %s:\n%s", code, h.screen())
	}
	h.press("alt+e", "5")
	scr := h.screen()
	if !strings.Contains(scr, "On the wire: the request, then the real call") {
		t.Fatalf("the wire tab does not show the real call:\n%s", scr)
	}
	text := h.m.learn.variant().Text
	// The call's stream is not the reflection streams' before it, on the
	// same connection: their frames are not kept.
	stream := fmt.Sprint(h.m.call.stream.Wire().Stream)
	for _, want := range []string{
		"frames of its stream " + stream + " on the session's connection",
		":path: /TestServer/GetRandom",
		"→ DATA stream " + stream + " [END_STREAM]",
		"a Request, 5 bytes: 0a 03 37 37 37",
		"grpc-status: 0",
		"The call took",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the wire tab lacks %q:\n%s", want, text)
		}
	}
	// What the text says is on the screen, found as the user finds it.
	for _, q := range []string{":path: /TestServer/GetRandom", "a Request, 5 bytes", "grpc-status: 0"} {
		h.press("/")
		h.typeText(q)
		h.press("enter")
		if scr := h.screen(); !strings.Contains(scr, q) || strings.Contains(scr, "no \"") {
			t.Errorf("searching %q does not show it:\n%s", q, scr)
		}
	}
	if strings.Contains(text, "ServerReflectionInfo") {
		t.Errorf("the wire tab shows the reflection stream's frames:\n%s", text)
	}
	if h.m.learn.sending {
		t.Error("the pane sent a call of its own")
	}
}

// A call of another method is not shown as this method's: the wire tab
// has the request's bytes only.
func TestAppExplainWireOfAnotherMethod(t *testing.T) {
	h := newCaptureHarness(t, 120, 50)
	h.openMethod("TestServer.GetRandom", "getrandom")
	h.fillFirst("1")
	h.press("ctrl+s")
	h.waitCallDone()
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("alt+e", "5")
	if text := h.m.learn.variant().Text; strings.Contains(text, "HTTP/2 frames") || strings.Contains(text, "GetRandom") {
		t.Errorf("the wire tab of SayHello shows GetRandom's call:\n%s", text)
	}
}

package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/internal/demotest"
)

// Rough edge 9: on a server without reflection, ":connect -proto FILE"
// gives the tree its methods, with no restart.
func TestTUIConnectProto(t *testing.T) {
	s := newSessionTo(t, demotest.Start(t, demo.Options{NoReflection: true}).Target())
	h := newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "h.jsonl")}, 120, 40)
	h.waitFor("the tree's error", func() bool { return !h.m.tree.loading && h.m.tree.err != nil }, 15*time.Second)

	h.commandLine("connect -proto " + filepath.Join(moduleRoot(t), "protos", "hello.proto"))
	h.press("esc") // the bar; its output pane stays
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.typeText("files")
	h.press("ctrl+s")
	h.waitCallDone()
	if scr := h.screen(); !strings.Contains(scr, "Hello files") {
		t.Fatalf("call after connect -proto:\n%s", scr)
	}
}

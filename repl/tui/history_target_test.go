package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// 5: the history lists the current target's calls; t lists every
// target's with a TARGET column; re-running another server's call says
// where it was made and how to get there, and starts nothing.
func TestHistoryByTarget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "history.jsonl")
	old := `{"time":"2026-01-02T03:04:05Z","target":"far.example:9999","method":"acme.Orders.Place","kind":"unary","requests":[{"id":"1"}],"code":"OK","latency_ms":3,"sent":1,"received":1}` + "\n"
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newTestSession(t)
	h := newHarnessSession(t, s, Options{HistoryPath: path, Version: "test"}, 120, 40)
	waitHandled[historyLoadedMsg](h, 1)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.typeText("here")
	h.press("enter", "ctrl+s")
	h.waitCallDone()
	waitHandled[historySavedMsg](h, 1)

	h.press("ctrl+r")
	scr := h.screen()
	if strings.Contains(scr, "acme.Orders.Place") || !strings.Contains(scr, "helloworld.Greeter.SayHello") {
		t.Fatalf("the history of this server lists another server's call, or not its own:\n%s", scr)
	}
	if !strings.Contains(scr, "History · 1 calls to this server (t: all 2)") {
		t.Errorf("title:\n%s", scr)
	}
	h.press("t")
	scr = h.screen()
	for _, want := range []string{"TARGET", "far.example:9999", "acme.Orders.Place", s.Target(), "every target"} {
		if !strings.Contains(scr, want) {
			t.Errorf("every target's history lacks %q:\n%s", want, scr)
		}
	}
	// The other server's call is the older one: second, newest first.
	h.press("down", "enter")
	if h.m.call.method.Name() != "SayHello" || h.m.call.id != 1 {
		t.Fatalf("re-running another server's call started a call")
	}
	if !strings.Contains(h.m.flash, "acme.Orders.Place was called on far.example:9999") || !strings.Contains(h.m.flash, ":connect far.example:9999") {
		t.Fatalf("flash %q does not say where the call was made", h.m.flash)
	}
	// e tries the current server's schema, and says where the call was made.
	h.press("e")
	h.waitFor("the history error", func() bool { return strings.Contains(h.m.flash, "far.example:9999 to use it") }, 10*time.Second)
	// Back to this target: its call re-runs.
	h.press("ctrl+r", "enter")
	h.waitFor("the re-run", func() bool { return h.m.call.id == 2 && !h.m.call.running() }, 20*time.Second)
	if !strings.Contains(h.screen(), "Hello here") {
		t.Fatalf("re-run:\n%s", h.screen())
	}
}

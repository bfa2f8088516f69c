package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/hostile"
	"github.com/grpcsh/grpcsh/repl"
)

// The TUI against internal/hostile's misbehaving server (escape sequences
// in names, comments, replies, status messages and details, metadata; a
// reflection that never answers; services it cannot serve) and the demo
// server echoing secrets in its response headers.

// newHarnessAt is newHarness on a session connected to addr.
func newHarnessAt(t testing.TB, addr string, w, h int) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: addr}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"), Version: "test"}, w, h)
}

// checkFrame fails when the frame holds a control character other than
// newline: the harness renders without colour (NoTTY), so any escape or C1
// byte on screen came from the server.
func checkFrame(t *testing.T, h *harness, where string) {
	t.Helper()
	frame := h.m.View().Content
	if !utf8.ValidString(frame) {
		t.Fatalf("%s: the frame is not valid UTF-8: %q", where, frame)
	}
	for i, r := range frame {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			start := max(i-40, 0)
			t.Fatalf("%s: control character %U in the frame at byte %d: %q\nscreen:\n%s", where, r, i, frame[start:min(i+40, len(frame))], frame)
		}
	}
}

// TestHeadersTabRedacts: secrets a server echoes in its headers (the
// demo's Metadata method echoes the request's) are redacted in the
// Response → Headers tab with the rule -v and the history use; v shows
// them on purpose, and says so (issue 9, item 3).
func TestHeadersTabRedacts(t *testing.T) {
	h := newHarness(t, 140, 40)
	h.m.s.SetHeader("authorization", "Bearer s3cr3t-token")
	h.m.s.SetHeader("x-session-id", "sess-42")
	h.openMethod("showcase.Showcase.Metadata", "showcase metadata")
	h.press("ctrl+s")
	h.waitCallDone()
	h.press("alt+3", "2")
	s := h.screen()
	if strings.Contains(s, "s3cr3t-token") || strings.Contains(s, "sess-42") {
		t.Fatalf("the Headers tab shows a secret:\n%s", s)
	}
	for _, want := range []string{"authorization: Bearer <redacted>", "x-session-id: <redacted>", "2 secret values redacted · v shows", "v show secrets"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Headers tab does not show %q:\n%s", want, s)
		}
	}
	h.press("v")
	s = h.screen()
	for _, want := range []string{"authorization: Bearer s3cr3t-token", "x-session-id: sess-42", "secrets shown · v hides them", "v hide secrets"} {
		if !strings.Contains(s, want) {
			t.Errorf("after v, the Headers tab does not show %q:\n%s", want, s)
		}
	}
	h.press("3") // the trailers echo them too, as trailer-authorization...
	if s := h.screen(); !strings.Contains(s, "trailer-authorization: Bearer s3cr3t-token") {
		t.Errorf("the reveal does not hold on the Trailers tab:\n%s", s)
	}
	h.press("v")
	if s := h.screen(); strings.Contains(s, "s3cr3t-token") || !strings.Contains(s, "trailer-authorization: Bearer <redacted>") {
		t.Errorf("a second v does not hide the secrets again:\n%s", s)
	}
	// The reveal is for one call: the next one starts redacted.
	h.press("v", "alt+2", "ctrl+s")
	h.waitFor("the second call", func() bool { return h.m.call != nil && h.m.call.id > 1 && !h.m.call.running() }, 20*time.Second)
	h.press("alt+3", "2")
	if s := h.screen(); strings.Contains(s, "s3cr3t-token") {
		t.Errorf("the reveal outlived its call:\n%s", s)
	}
}

// TestHeaderDialogRefusesNonASCII: a value gRPC would refuse at call time
// is refused where it is typed, with the engine's header rule, which
// suggests a -bin key (issue 9, item 7).
func TestHeaderDialogRefusesNonASCII(t *testing.T) {
	h := newHarness(t, 120, 36)
	h.waitServices()
	h.press("ctrl+o", "a")
	h.typeText("x-name: héllo")
	h.press("enter")
	s := h.screen()
	if !strings.Contains(s, "-bin") || !strings.Contains(s, "printable ASCII") {
		t.Errorf("a non-ASCII value is not refused with a -bin hint:\n%s", s)
	}
	if got := h.m.s.Header().Get("x-name"); len(got) != 0 {
		t.Errorf("the refused header was set: %q", got)
	}
	// A -bin key takes base64, stored decoded, shown as base64 again.
	h.press("ctrl+u")
	h.typeText("x-name-bin: aMOpbGxv")
	h.press("enter")
	if got := h.m.s.Header().Get("x-name-bin"); len(got) != 1 || got[0] != "héllo" {
		t.Fatalf("x-name-bin = %q, want the decoded héllo", got)
	}
	if s := h.screen(); !strings.Contains(s, "aMOpbGxv") {
		t.Errorf("the -bin value is not shown as base64:\n%s", s)
	}
}

// newHarnessConfig is newHarness on a session with cfg.
func newHarnessConfig(t testing.TB, cfg dynamic.ConnConfig, w, h int) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"), Version: "test"}, w, h)
}

// TestLoadingStaysUsable: while a reflection that never answers is
// awaited, q quits (and ends the lookup, which does not hold up the
// exit); once the lookup's bound passes, the tree shows what did not
// answer and what to try (issue 9, item 1).
func TestLoadingStaysUsable(t *testing.T) {
	waiting := make(chan struct{}, 8)
	ended := make(chan struct{}, 8)
	addr := hostile.Start(t, hostile.Options{
		SilentReflection: true,
		OnReflect:        func() { waiting <- struct{}{} },
		OnReflectEnd:     func() { ended <- struct{}{} },
	})
	for _, quitKey := range []string{"q", "ctrl+c"} {
		t.Run(quitKey, func(t *testing.T) {
			// A bound far beyond the test: only quitting ends the lookup.
			h := newHarnessConfig(t, dynamic.ConnConfig{Target: addr, ConnectTimeout: time.Hour}, 120, 36)
			// Handle the app's messages until the tree's lookup is
			// waiting for the server.
			for started := false; !started; {
				select {
				case <-waiting:
					started = true
				case msg := <-h.msgs:
					h.handle(msg)
				case <-time.After(10 * time.Second):
					t.Fatal("no reflection stream started")
				}
			}
			if s := h.screen(); !strings.Contains(s, "loading services…") {
				t.Fatalf("not loading:\n%s", s)
			}
			h.press(quitKey)
			h.waitFor("the quit", func() bool { return h.quit }, 10*time.Second)
			// The lookup's stream ends on quitting, not at its bound.
			select {
			case <-ended:
			case <-time.After(10 * time.Second):
				t.Fatal("quitting did not end the reflection lookup")
			}
		})
	}
	t.Run("bound", func(t *testing.T) {
		h := newHarnessConfig(t, dynamic.ConnConfig{Target: addr, ConnectTimeout: 300 * time.Millisecond}, 120, 36)
		h.waitFor("the load to fail", func() bool { return h.m.tree.err != nil }, 15*time.Second)
		checkFrame(t, h, "load error")
		s := h.screen()
		// Not "did not answer": the engine sometimes words it as gRPC's
		// DeadlineExceeded (a race between its timer and the stream's),
		// naming the server reflection either way.
		if err := h.m.tree.err.Error(); !strings.Contains(err, "reflection on "+addr) {
			t.Errorf("the load error does not name what did not answer: %s", err)
		}
		for _, want := range []string{"✗ server reflection", "R retries", "-proto"} {
			if !strings.Contains(s, want) {
				t.Errorf("the load error does not say %q:\n%s", want, s)
			}
		}
	})
}

// TestHostilePackageServer runs the TUI against internal/hostile's server,
// every option on: no frame holds a control character, and the services
// it cannot serve are rows of their own beside hostile.Evil, which works.
func TestHostilePackageServer(t *testing.T) {
	addr := hostile.Start(t, hostile.Options{BrokenService: true, MissingImport: true, EscapeInList: true})
	h := newHarnessAt(t, addr, 140, 40)
	h.waitFor("services", func() bool { return !h.m.tree.loading }, 15*time.Second)
	checkFrame(t, h, "tree")
	if h.m.tree.err != nil {
		t.Fatalf("the tree failed as a whole: %v", h.m.tree.err)
	}
	s := h.screen()
	for _, want := range []string{hostile.BrokenService + " (cannot load)", "Echo", "Fail", `hostile.\x1b]0;pwned\x07Listed`} {
		if !strings.Contains(s, want) {
			t.Errorf("the tree does not show %q:\n%s", want, s)
		}
	}
	// The broken service's details say why and what to try; a method's
	// comment is shown escaped.
	h.press("G")
	checkFrame(t, h, "details of a broken service")
	if s := h.screen(); !strings.Contains(s, "cannot be loaded") || !strings.Contains(s, "The other services work") {
		t.Errorf("the details of a broken service do not explain it:\n%s", s)
	}
	h.press("g", "down")
	checkFrame(t, h, "details of a method")
	if s := h.screen(); !strings.Contains(s, `<\x1b]52;c;aGFja2Vk\x07`) {
		t.Errorf("the comment is not shown escaped:\n%s", s)
	}
	for _, method := range []string{hostile.FailMethod, hostile.EchoMethod} {
		name := method[strings.LastIndex(method, ".")+1:]
		h.openMethod(method, strings.ToLower(name))
		checkFrame(t, h, "form of "+name)
		h.press("ctrl+s")
		h.waitFor(name+" to end", func() bool {
			return h.m.call != nil && string(h.m.call.method.FullName()) == method && !h.m.call.running()
		}, 20*time.Second)
		h.press("alt+3", "1")
		if s := h.screen(); !strings.Contains(s, `<\x1b]52;c;aGFja2Vk\x07`) && !strings.Contains(s, `<\u001b]52;c;aGFja2Vk\u0007`) {
			t.Errorf("%s: the server text is not shown escaped:\n%s", name, s)
		}
		for tab := '1'; tab <= '5'; tab++ {
			h.press("alt+3", string(tab))
			// Not hostile.HasControl: it looks for a 0x9b byte, which is
			// also inside valid UTF-8 such as the box corner ┛ (E2 94 9B).
			checkFrame(t, h, fmt.Sprintf("%s, tab %c", name, tab))
		}
	}
}

package tui

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"google.golang.org/grpc/connectivity"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// The model tests drive the app the way Bubble Tea does, without a
// terminal: Update is called with keys and with the messages its commands
// return (each command runs in its own goroutine, as in a program), and
// the screen is read from View. Everything runs against the demo server,
// started in-process.

var (
	demoOnce   sync.Once
	demoServer *demo.Server
	demoErr    error
)

// startDemo starts one demo server for the whole test binary.
func startDemo(t testing.TB) *demo.Server {
	t.Helper()
	demoOnce.Do(func() {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			demoErr = err
			return
		}
		demoServer = demo.Start(lis, demo.Options{})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoServer
}

// newTestSession connects a fresh session to the demo server.
func newTestSession(t testing.TB) *repl.Session {
	t.Helper()
	srv := startDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// harness runs an app model as Bubble Tea would.
type harness struct {
	t    testing.TB
	m    *appModel
	msgs chan tea.Msg
	quit bool
	ctx  context.Context
}

func newHarness(t testing.TB, w, h int) *harness {
	t.Helper()
	s := newTestSession(t)
	return newHarnessSession(t, s, Options{HistoryPath: filepath.Join(t.TempDir(), "history.jsonl"), Version: "test"}, w, h)
}

// newHarnessSession is newHarness on a session of the test's own.
func newHarnessSession(t testing.TB, s *repl.Session, opts Options, w, h int) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := newApp(ctx, s, opts)
	m.loc = time.UTC
	hs := &harness{t: t, m: m, msgs: make(chan tea.Msg, 1024), ctx: ctx}
	t.Cleanup(m.shutdown)
	hs.send(tea.ColorProfileMsg{Profile: colorprofile.NoTTY})
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(m.Init())
	return hs
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		select {
		case h.msgs <- msg:
		case <-h.ctx.Done():
		}
	}()
}

func (h *harness) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
		return
	case tea.QuitMsg:
		h.quit = true
		return
	}
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

func (h *harness) send(msgs ...tea.Msg) {
	for _, m := range msgs {
		h.handle(m)
	}
}

// press sends keys by name: "enter", "ctrl+s", "down", "a"...
func (h *harness) press(keys ...string) {
	for _, k := range keys {
		h.handle(keyMsg(k))
	}
}

// typeText types printable text.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.handle(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	}
	if rest, ok := strings.CutPrefix(s, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: []rune(rest)[0], Mod: tea.ModCtrl}
	}
	if rest, ok := strings.CutPrefix(s, "alt+"); ok {
		return tea.KeyPressMsg{Code: []rune(rest)[0], Mod: tea.ModAlt}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// screen is the current screen as plain text.
func (h *harness) screen() string {
	return ansi.Strip(h.m.View().Content)
}

// pump handles the messages that arrive within d.
func (h *harness) pump(d time.Duration) {
	deadline := time.After(d)
	for {
		select {
		case msg := <-h.msgs:
			h.handle(msg)
		case <-deadline:
			return
		}
	}
}

// waitFor handles messages until cond holds, failing after timeout.
func (h *harness) waitFor(what string, cond func() bool, timeout time.Duration) {
	h.t.Helper()
	if cond() {
		return
	}
	deadline := time.After(timeout)
	for {
		select {
		case msg := <-h.msgs:
			h.handle(msg)
			if cond() {
				return
			}
		case <-deadline:
			h.t.Fatalf("timed out after %s waiting for %s; screen:\n%s", timeout, what, h.screen())
		}
	}
}

// waitScreen waits for text on the screen.
func (h *harness) waitScreen(text string) {
	h.t.Helper()
	h.waitFor("screen to show "+text, func() bool { return strings.Contains(h.screen(), text) }, 15*time.Second)
}

// waitIdle waits for the current call to end.
func (h *harness) waitCallDone() {
	h.t.Helper()
	h.waitFor("the call to end", func() bool { return h.m.call != nil && !h.m.call.running() }, 20*time.Second)
}

// waitServices waits for the tree to load.
func (h *harness) waitServices() {
	h.t.Helper()
	h.waitFor("services", func() bool { return !h.m.tree.loading && len(h.m.tree.rows) > 0 }, 15*time.Second)
}

// selectMethod filters the tree to a method and opens its form.
func (h *harness) openMethod(name, filter string) {
	h.t.Helper()
	h.waitServices()
	h.press("alt+1", "/", "ctrl+u")
	h.typeText(filter)
	h.press("enter")
	if got := h.m.tree.selected(); got == nil || string(got.FullName()) != name {
		h.t.Fatalf("filter %q selected %v, want %s; screen:\n%s", filter, got, name, h.screen())
	}
	h.press("enter")
	h.waitFor("the form of "+name, func() bool { return h.m.hasForm && string(h.m.method.FullName()) == name && h.m.focus == focusForm }, 5*time.Second)
}

// stable normalizes what differs between runs (the demo server's port and
// the connection state's timing) before a golden comparison.
func (h *harness) stable() {
	h.m.describe = "127.0.0.1:8888 plaintext"
	h.m.connState, h.m.stateKnown = connectivity.Ready, true
	h.m.flash = ""
}

// fixedClock returns a clock that tests move by hand.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }

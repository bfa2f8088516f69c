package tui

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"reflect"
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
	return newSessionTo(t, startDemo(t).Target())
}

// newSessionTo connects a fresh session to target.
func newSessionTo(t testing.TB, target string) *repl.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: target}})
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
	// handled counts the messages Update was given, by type.
	handled map[reflect.Type]int
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
	if h.handled == nil {
		h.handled = make(map[reflect.Type]int)
	}
	h.handled[reflect.TypeOf(msg)]++
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// waitHandled handles messages until Update has been given n messages of
// type T.
func waitHandled[T tea.Msg](h *harness, n int) {
	h.t.Helper()
	typ := reflect.TypeFor[T]()
	h.waitFor(fmt.Sprintf("%d %v", n, typ), func() bool { return h.handled[typ] >= n }, 10*time.Second)
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

// stable prepares a golden comparison: it replaces the demo server's port,
// which differs between runs, and waits for the connection to report READY
// through the app's own watch. It overwrites nothing else: the connection
// state and any flash message are on the screen as the app has them (the
// states and the flash's clearing have tests of their own, in
// statusbar_test.go).
func (h *harness) stable() {
	h.t.Helper()
	h.m.describe = "127.0.0.1:8888 plaintext"
	h.waitFor("the connection to report READY", func() bool { return h.m.stateKnown && h.m.connState == connectivity.Ready }, 15*time.Second)
	if h.m.flash != "" {
		h.t.Fatalf("a flash message %q is on the screen of a golden: clear it in the test (clearFlash) or keep it on purpose", h.m.flash)
	}
}

// clearFlash delivers the message the flash's timer sends when it runs
// out, as the program would after a few seconds.
func (h *harness) clearFlash() {
	h.t.Helper()
	if h.m.flash == "" {
		h.t.Fatal("no flash to clear")
	}
	h.send(flashMsg{id: h.m.flashID})
	if h.m.flash != "" {
		h.t.Fatalf("the flash %q stayed after its timer ran out", h.m.flash)
	}
}

// fixedClock returns a clock that tests move by hand.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }

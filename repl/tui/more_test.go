package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/internal/testnet"
	"github.com/grpcsh/grpcsh/repl"
)

// TestStreamKeptAndBatched: a 5,000-message stream is kept whole, past a
// small memory budget in a 0600 temporary file, and reaches Update in
// batches, not once per message. Paging up from its tail reaches message
// #1; the file is removed when the TUI shuts down.
func TestStreamKeptAndBatched(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir, where the store makes its file
	h := newHarness(t, 120, 40)
	h.m.budget = 64 << 10 // ~1,000 messages in memory, the rest in the file
	const n = 5000
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst(fmt.Sprint(n))
	batches, updates := 0, 0
	start := time.Now()
	h.press("ctrl+s")
	deadline := time.After(5 * time.Minute) // a hang guard, not a timing check
	for h.m.call == nil || h.m.call.running() {
		select {
		case msg := <-h.msgs:
			if _, ok := msg.(callEventsMsg); ok {
				batches++
			}
			updates++
			h.handle(msg)
			_ = h.m.View() // Bubble Tea renders after every message
		case <-deadline:
			t.Fatalf("the stream did not end; screen:\n%s", h.screen())
		}
	}
	took := time.Since(start)
	c := h.m.call
	if c.code() != codes.OK || c.msgs.total != n {
		t.Fatalf("status %v, %d messages; want OK, %d", c.code(), c.msgs.total, n)
	}
	if c.msgs.n != n || c.msgs.dropped() != 0 || c.msgs.Len() != n {
		t.Fatalf("kept %d, dropped %d (%v); want %d, 0", c.msgs.n, c.msgs.dropped(), c.msgs.err, n)
	}
	if last, _ := c.msgs.last(); last.index != n || !strings.Contains(last.json, fmt.Sprintf(`"index": %d`, n)) {
		t.Fatalf("newest kept message is #%d %q, want #%d", last.index, last.json, n)
	}
	if batches > n/20 {
		t.Fatalf("%d batches for %d messages: events are not batched", batches, n)
	}
	t.Logf("%d messages in %s: %d event batches, %d updates (%.0f msg/s through the UI)", n, took, batches, updates, float64(n)/took.Seconds())
	path := c.msgs.st.Path()
	if path == "" || filepath.Dir(path) != tmp {
		t.Fatalf("store file %q, want one in %s", path, tmp)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("store file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	if mem := c.msgs.st.InMemory(); mem > h.m.budget {
		t.Fatalf("%d bytes in memory, budget %d", mem, h.m.budget)
	}
	scr := h.screen()
	for _, want := range []string{fmt.Sprintf("%d msgs", n), fmt.Sprintf(`"index": %d`, n), fmt.Sprintf("── #%d ·", n)} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	// Page up from the tail until the first message shows: the window of
	// laid-out messages slides under the viewport.
	first := regexp.MustCompile(`── #1 ·`)
	for i := 0; !first.MatchString(h.screen()); i++ {
		if i > 10*n {
			t.Fatalf("paging up never reached message #1; screen:\n%s", h.screen())
		}
		h.press("b") // page up
	}
	if scr := h.screen(); !strings.Contains(scr, `"index": 1,`) || !strings.Contains(scr, "── #2 ·") {
		t.Errorf("the top of the stream does not show messages #1 and #2:\n%s", scr)
	}
	// G goes back to the newest, and g to the first again.
	h.press("G")
	if scr := h.screen(); !strings.Contains(scr, fmt.Sprintf("── #%d ·", n)) || !strings.Contains(scr, "following") {
		t.Fatalf("G does not show the newest message, following:\n%s", scr)
	}
	h.press("g")
	if scr := h.screen(); !first.MatchString(scr) || !strings.Contains(scr, fmt.Sprintf("#1 of %d", n)) {
		t.Fatalf("g does not show the first message, and its place in the box's edge:\n%s", scr)
	}
	// Paging down again walks through every message to the newest.
	seen := map[string]bool{}
	num := regexp.MustCompile(`── #(\d+) ·`)
	for i := 0; !strings.Contains(h.screen(), fmt.Sprintf("── #%d ·", n)); i++ {
		if i > 10*n {
			t.Fatalf("paging down never reached message #%d", n)
		}
		for _, m := range num.FindAllStringSubmatch(h.screen(), -1) {
			seen[m[1]] = true
		}
		h.press("pgdown")
	}
	for _, m := range num.FindAllStringSubmatch(h.screen(), -1) {
		seen[m[1]] = true
	}
	if len(seen) != n {
		t.Errorf("paging down showed %d distinct messages, want all %d", len(seen), n)
	}
	h.m.shutdown()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the store file is still there after shutdown: %v", err)
	}
}

func TestStreamLiveCountAndRate(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Count", "showcase count")
	// count 40, interval 50ms: two seconds of ticks.
	h.fillFirst("40")
	h.press("down", "enter")
	h.typeText("50ms")
	h.press("enter", "ctrl+s")
	h.waitFor("some ticks", func() bool { return h.m.call != nil && h.m.call.msgs.total >= 5 }, 10*time.Second)
	if !h.m.call.running() {
		t.Fatal("the stream ended too early to be seen in progress")
	}
	scr := h.screen()
	re := regexp.MustCompile(`(\d+) msgs · ([\d.]+) msg/s`)
	m := re.FindStringSubmatch(scr)
	if m == nil {
		t.Fatalf("no live count and rate:\n%s", scr)
	}
	h.waitCallDone()
	if got := h.m.call.msgs.total; got != 40 {
		t.Fatalf("%d ticks, want 40", got)
	}
}

func TestStatusBarConnection(t *testing.T) {
	// A server of its own, to stop it and bring it back on the same
	// address: the port stays held.
	port := testnet.HoldPort(t)
	srv := demo.Start(port.Listen(t), demo.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := repl.NewSession(ctx, repl.Options{Conn: dynamic.ConnConfig{Target: srv.Target(), ConnectTimeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := newApp(ctx, s, Options{HistoryPath: filepath.Join(t.TempDir(), "h.jsonl")})
	h := &harness{t: t, m: m, msgs: make(chan tea.Msg, 1024), ctx: ctx}
	defer m.shutdown()
	h.send(tea.ColorProfileMsg{Profile: colorprofile.NoTTY}, tea.WindowSizeMsg{Width: 120, Height: 40})
	h.run(m.Init())
	h.waitScreen("● ready")
	if !strings.Contains(h.screen(), srv.Target()+" plaintext") {
		t.Fatalf("status bar lacks the target and transport:\n%s", h.screen())
	}
	md, err := s.FindMethod("helloworld.Greeter/SayHello")
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop(0)
	h.waitFor("the state to leave READY", func() bool { return m.connState != connectivity.Ready }, 10*time.Second)
	// A call now fails and the bar shows the failure state.
	h.send(treeOpenMsg{method: md})
	h.press("ctrl+s")
	h.waitCallDone()
	if c := m.call.code(); c != codes.Unavailable {
		t.Fatalf("call status %v, want UNAVAILABLE", c)
	}
	h.waitScreen("✗ UNAVAILABLE")
	// The channel retries in TRANSIENT_FAILURE: the bar says reconnecting.
	h.waitScreen("✗ reconnecting")

	// The server comes back on the same address: the next call works and
	// the bar is back to ready.
	srv2 := demo.Start(port.Listen(t), demo.Options{})
	defer srv2.Stop(0)
	h.press("ctrl+s")
	h.waitFor("a second call", func() bool { return m.call != nil && m.call.running() }, 5*time.Second)
	h.waitCallDone()
	if c := m.call.code(); c != codes.OK {
		t.Fatalf("after the server came back: %v", c)
	}
	h.waitScreen("● ready")

	// The state names, never by color alone.
	st := newStyles(colorprofile.NoTTY, true)
	for state, want := range map[connectivity.State]string{
		connectivity.Ready: "● ready", connectivity.TransientFailure: "✗ reconnecting",
		connectivity.Connecting: "◌ connecting", connectivity.Idle: "○ idle", connectivity.Shutdown: "✗ closed",
	} {
		if got := stateText(state, true, st); got != want {
			t.Errorf("state %v shows %q, want %q", state, got, want)
		}
	}
}

func TestStatusBarLastCall(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("ctrl+s")
	h.waitCallDone()
	last := strings.Split(h.screen(), "\n")[23]
	if !regexp.MustCompile(`grpcsh │ 127\.0\.0\.1:\d+ plaintext │ ● ready │ ✓ OK [\d.]+[µm]?s`).MatchString(last) {
		t.Fatalf("status bar: %q", last)
	}
}

func TestAppResize(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.fillFirst("Resize")
	h.press("ctrl+s")
	h.waitCallDone()
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}, {100, 30}, {60, 16}, {40, 12}, {80, 24}} {
		for _, ov := range []string{"", "?", "ctrl+r", "ctrl+o"} {
			h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			if ov != "" {
				h.press(ov)
			}
			content := h.m.View().Content
			lines := strings.Split(content, "\n")
			if len(lines) != sz.h {
				t.Fatalf("%dx%d %s: %d lines", sz.w, sz.h, ov, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != sz.w {
					t.Fatalf("%dx%d %s: line %d is %d wide: %q", sz.w, sz.h, ov, i, w, ansi.Strip(l))
				}
			}
			if ov != "" {
				h.press("esc")
			}
		}
	}
	if !strings.Contains(h.screen(), "Hello Resize") {
		t.Fatalf("the response is gone after resizing:\n%s", h.screen())
	}
}

func TestAppNoColor(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("ctrl+s")
	h.waitCallDone()
	color := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]`)
	h.send(tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
	if !color.MatchString(h.m.View().Content) {
		t.Fatal("no colors with a TrueColor profile: the test cannot tell")
	}
	h.send(tea.ColorProfileMsg{Profile: colorprofile.ASCII}) // what NO_COLOR gives
	h.m.resp.dirty = true
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	out := h.m.View().Content
	if loc := color.FindStringIndex(out); loc != nil {
		t.Fatalf("a color code with NO_COLOR: %q", out[max(loc[0]-20, 0):min(loc[1]+20, len(out))])
	}
	if !strings.Contains(out, "\x1b[1m") {
		t.Fatal("NO_COLOR dropped bold too: focus would not show")
	}
	// Options.NoColor keeps colors off even if the terminal has them.
	s := newTestSession(t)
	m := newApp(context.Background(), s, Options{NoColor: true, HistoryPath: filepath.Join(t.TempDir(), "h")})
	m.Update(tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
	if m.profile != colorprofile.ASCII {
		t.Fatalf("NoColor: profile %v", m.profile)
	}
}

// TestAppCrashReport makes Update panic inside a real program: the
// terminal is restored, a report is written with the secret redacted, and
// Run returns an error.
func TestAppCrashReport(t *testing.T) {
	s := newTestSession(t)
	s.SetHeader("authorization", "Bearer hunter2-very-secret")
	dir := t.TempDir()
	storeDir := spilledStore(t)
	var out, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inW.Close()
	errc := make(chan error, 1)
	outBuf := &safeBuffer{b: &out}
	var prog *tea.Program
	ready := make(chan struct{})
	go func() {
		errc <- run(ctx, s, Options{HistoryPath: filepath.Join(dir, "history.jsonl"), Version: "test"}, &stderr,
			tea.WithInput(inR), tea.WithOutput(outBuf), tea.WithWindowSize(80, 24), tea.WithoutSignals(),
			withProgram(func(p *tea.Program) { prog = p; close(ready) }))
	}()
	<-ready
	outBuf.waitFor(t, ctx, altScreenOn) // the program is up and drew its first frame
	prog.Send(debugPanicMsg("boom with authorization: Bearer hunter2-very-secret"))
	select {
	case err = <-errc:
	case <-ctx.Done():
		t.Fatal("run did not return after the panic")
	}
	if err == nil || !strings.Contains(err.Error(), "crashed") {
		t.Fatalf("run returned %v, want a crash error", err)
	}
	noFilesLeft(t, storeDir)
	if strings.Contains(err.Error(), "hunter2") || strings.Contains(stderr.String(), "hunter2") {
		t.Fatalf("the secret leaked: %v / %s", err, stderr.String())
	}
	m := regexp.MustCompile(`crash report: (\S+)`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("stderr does not name the report: %q", stderr.String())
	}
	report, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(report), "hunter2") {
		t.Fatalf("the report holds the secret:\n%s", report)
	}
	for _, want := range []string{"panic: boom", "where:   update", "request header keys: authorization", "goroutine"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if fi, _ := os.Stat(m[1]); fi.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v", fi.Mode().Perm())
	}
	// The terminal was restored: the alternate screen was left after it was
	// entered.
	o := out.String()
	enter, leave := strings.Index(o, "\x1b[?1049h"), strings.LastIndex(o, "\x1b[?1049l")
	if enter < 0 || leave < enter {
		t.Fatalf("alt screen entered at %d, left at %d", enter, leave)
	}
}

// TestAppQuitRestoresTerminal runs the real program and quits with q.
func TestAppQuitRestoresTerminal(t *testing.T) {
	s := newTestSession(t)
	storeDir := spilledStore(t)
	var out, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inW.Close()
	errc := make(chan error, 1)
	outBuf := &safeBuffer{b: &out}
	go func() {
		errc <- run(ctx, s, Options{HistoryPath: filepath.Join(t.TempDir(), "h.jsonl")}, &stderr,
			tea.WithInput(inR), tea.WithOutput(outBuf), tea.WithWindowSize(80, 24), tea.WithoutSignals())
	}()
	outBuf.waitFor(t, ctx, altScreenOn) // the program is up and drew its first frame
	inW.Write([]byte("q"))
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("run: %v (stderr %q)", err, stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("q did not quit")
	}
	noFilesLeft(t, storeDir)
	o := out.String()
	if enter, leave := strings.Index(o, "\x1b[?1049h"), strings.LastIndex(o, "\x1b[?1049l"); enter < 0 || leave < enter {
		t.Fatalf("alt screen entered at %d, left at %d", enter, leave)
	}
}

// altScreenOn is the sequence a program writes as it enters the alternate
// screen, before its first frame.
const altScreenOn = "\x1b[?1049h"

// safeBuffer is a bytes.Buffer safe for the program's writer goroutine; a
// test can wait for what the program writes.
type safeBuffer struct {
	mu      sync.Mutex
	b       *bytes.Buffer
	changed chan struct{} // closed, and replaced, on every write
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// waitFor returns once the output holds text, failing when ctx ends first.
func (s *safeBuffer) waitFor(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	for {
		s.mu.Lock()
		if strings.Contains(s.b.String(), text) {
			s.mu.Unlock()
			return
		}
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("the program never wrote %q", text)
		}
	}
}

func withProgram(fn func(*tea.Program)) tea.ProgramOption {
	return func(p *tea.Program) { fn(p) }
}

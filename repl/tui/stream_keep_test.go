package tui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl/msgstore"
)

// runCount runs a Count stream of n messages from the demo server to its
// end, with a memory budget small enough that most go to the file.
func runCount(t *testing.T, h *harness, n int) *call {
	t.Helper()
	h.m.budget = 32 << 10
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst(fmt.Sprint(n))
	h.press("ctrl+s")
	h.waitFor("the stream to end", func() bool { return h.m.call != nil && !h.m.call.running() }, 2*time.Minute)
	c := h.m.call
	if c.msgs.n != n || c.msgs.st.Path() == "" {
		t.Fatalf("kept %d of %d (%v), file %q; want all, in a file", c.msgs.n, n, c.msgs.err, c.msgs.st.Path())
	}
	return c
}

// TestSaveWritesWholeStream: s on a 5,000-message stream writes every
// message, most of them read back from the store's file, to a 0600 file;
// y copies every message too.
func TestSaveWritesWholeStream(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	h := newHarness(t, 100, 30)
	const n = 5000
	runCount(t, h, n)
	path := filepath.Join(t.TempDir(), "out", "stream.json")
	h.press("s")
	if !h.m.saving {
		t.Fatalf("s did not open the save prompt:\n%s", h.screen())
	}
	h.m.save.SetValue(path)
	h.press("enter")
	waitHandled[savedMsg](h, 1)
	if strings.Contains(h.screen(), "not saved") {
		t.Fatalf("save failed:\n%s", h.screen())
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("saved file mode %v, want 0600", fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkTicks(t, "the saved file", data, n)
	if !strings.Contains(h.screen(), fmt.Sprintf("saved %d bytes", len(data))) {
		t.Errorf("the flash does not give the bytes saved (%d):\n%s", len(data), h.screen())
	}
	checkTicks(t, "the copied text", []byte(h.m.copyText()), n)
}

// checkTicks: data is n Tick messages as JSON objects, #1 to #n in order.
func checkTicks(t *testing.T, what string, data []byte, n int) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	for i := 1; ; i++ {
		var tick struct{ Index int }
		err := dec.Decode(&tick)
		if errors.Is(err, io.EOF) {
			if i-1 != n {
				t.Fatalf("%s holds %d messages, want %d", what, i-1, n)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s, message %d: %v", what, i, err)
		}
		if tick.Index != i {
			t.Fatalf("%s: message %d has index %d", what, i, tick.Index)
		}
	}
}

// TestNewCallRemovesOldFile: a call's messages and file go when the next
// call replaces it.
func TestNewCallRemovesOldFile(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	h := newHarness(t, 100, 30)
	c := runCount(t, h, 3000)
	path := c.msgs.st.Path()
	h.press("ctrl+s")
	h.waitFor("the second call", func() bool { return h.m.call != c }, 10*time.Second)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the first call's file is still there: %v", err)
	}
	h.waitCallDone()
	if h.m.call.msgs.n != 3000 {
		t.Fatalf("the second call kept %d messages", h.m.call.msgs.n)
	}
}

// spilledStore is a store past its budget, its file in a directory of its
// own: the TUI's exit paths must remove it (TestAppQuitRestoresTerminal,
// TestAppCrashReport).
func spilledStore(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	st := msgstore.New(100, dir)
	for i := range 100 {
		if err := st.Append(fmt.Appendf(nil, `{"index": %d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	if st.Path() == "" {
		t.Fatal("no file")
	}
	return dir
}

// noFilesLeft: the store files in dir were removed.
func noFilesLeft(t *testing.T, dir string) {
	t.Helper()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("store files left after the TUI ended: %v", ents)
	}
}

// pushTicks gives a synthetic Count call messages from..to the way
// onEvents does, in one batch.
func pushTicks(t *testing.T, h *harness, c *call, from, to int) {
	t.Helper()
	var evs []dynamic.Event
	for i := from; i <= to; i++ {
		js := fmt.Sprintf(`{"index":%d,"sentAt":"2026-11-24T09:30:00Z"}`, i)
		evs = append(evs, dynamic.MessageEvent{Message: parseMsg(t, h, c.method.Output(), js), Index: i, Elapsed: time.Duration(i) * time.Millisecond})
	}
	h.send(callEventsMsg{id: c.id, events: evs})
}

// TestWheelScrollsToFirst: the mouse wheel on the response pane, like the
// keys, scrolls a long stream up to message #1.
func TestWheelScrollsToFirst(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.waitServices()
	c := syntheticCall(t, h, "showcase.Showcase/Count", t0)
	pushTicks(t, h, c, 1, 600)
	_ = h.m.View()
	if scr := h.screen(); !strings.Contains(scr, fmt.Sprintf("── #%d ·", 600)) {
		t.Fatalf("the tail is not shown:\n%s", scr)
	}
	// The pointer on the response pane, under its tab bar.
	x, y := -1, -1
	for row, line := range strings.Split(h.screen(), "\n") {
		if col := strings.Index(line, "[1 Body]"); col >= 0 {
			x, y = ansi.StringWidth(line[:col])+4, row+4
		}
	}
	if x < 0 {
		t.Fatalf("no response pane:\n%s", h.screen())
	}
	for i := 0; !strings.Contains(h.screen(), "── #1 ·"); i++ {
		if i > 10000 {
			t.Fatalf("the wheel never reached message #1:\n%s", h.screen())
		}
		h.send(tea.MouseWheelMsg{X: x, Y: y, Button: tea.MouseWheelUp})
	}
}

// TestCopyTooBigSaysSave: y on a stream past the clipboard limit says so
// and points to s, rather than sending megabytes through the terminal.
func TestCopyTooBigSaysSave(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.waitServices()
	c := syntheticCall(t, h, "showcase.Showcase/Count", t0)
	// The Tick has no string field for padding: the store is given big
	// messages directly, as onEvents would keep them.
	big := strings.Repeat("x", 1<<20)
	for i := 1; i <= maxCopyBytes>>20+1; i++ {
		c.msgs.push(streamMsg{index: i, json: big})
	}
	c.msgs.total = c.msgs.n
	h.press("y")
	if !strings.Contains(h.m.flash, "too much for the clipboard") || !strings.Contains(h.m.flash, "s saves") {
		t.Fatalf("flash %q, want it to say the stream is too big and s saves it", h.m.flash)
	}
}

// TestStoreErrorShown: when the temporary file cannot be made, the stream
// goes on, the stream line says how many messages were not kept and why,
// and what was kept still shows and saves.
func TestStoreErrorShown(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	t.Setenv("TMPDIR", missing)
	h := newHarness(t, 120, 40)
	h.m.budget = 16 << 10
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.fillFirst("2000")
	h.press("ctrl+s")
	h.waitCallDone()
	c := h.m.call
	if c.msgs.total != 2000 || c.msgs.n == 0 || c.msgs.n == 2000 || c.msgs.err == nil {
		t.Fatalf("received %d, kept %d, err %v; want 2000, some kept, an error", c.msgs.total, c.msgs.n, c.msgs.err)
	}
	scr := h.screen()
	want := fmt.Sprintf("%d not kept: keeping message %d: open %s", 2000-c.msgs.n, c.msgs.n+1, missing)
	if !strings.Contains(c.msgs.err.Error(), missing) || !strings.Contains(ansi.Strip(streamLine(c, h.m.now())), want) {
		t.Errorf("the stream line %q lacks %q", ansi.Strip(streamLine(c, h.m.now())), want)
	}
	if !strings.Contains(scr, fmt.Sprintf("%d not kept: keeping message %d", 2000-c.msgs.n, c.msgs.n+1)) {
		t.Errorf("the screen does not say what was not kept:\n%s", scr)
	}
	if !strings.Contains(scr, "2000 msgs") {
		t.Errorf("the count of received messages is gone:\n%s", scr)
	}
	var b strings.Builder
	if _, err := c.msgs.writeTo(&b, c.msgs.n); err != nil {
		t.Fatal(err)
	}
	checkTicks(t, "the kept messages", []byte(b.String()), c.msgs.n)
}

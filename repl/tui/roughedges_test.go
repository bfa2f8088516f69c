package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Rough edges of issue 12, one test each (the others are beside the code
// they test: treefilter_test.go, mouse_test.go, history_target_test.go).

// commandLine types line into the ":" bar and runs it.
func (h *harness) commandLine(line string) {
	h.press(":")
	h.typeText(line)
	h.press("enter")
}

// 1: the headers & deadline dialog's placeholders show whole.
func TestMetadataPlaceholders(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	h.press("ctrl+o", "enter")
	if scr := h.screen(); !strings.Contains(scr, "deadline> e.g. 5s, 1m30s, none") {
		t.Fatalf("deadline placeholder cut:\n%s", scr)
	}
	h.press("esc", "a")
	if scr := h.screen(); !strings.Contains(scr, "header> key: value") {
		t.Fatalf("header placeholder cut:\n%s", scr)
	}
}

// 3: the command-output pane keeps following a running stream through a
// resize.
func TestCmdOutputFollowsAfterResize(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	h.commandLine(`call showcase.Showcase/Count {"count": 60, "interval": "0.02s"}`)
	// The screen is drawn after every message, as Bubble Tea does: the
	// pane decides whether to follow when it is drawn.
	h.waitFor("the stream's output", func() bool { return strings.Contains(h.screen(), `"index": 10,`) }, 20*time.Second)
	h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
	h.waitFor("the command to end", func() bool {
		h.screen()
		return h.m.cmd.running == nil
	}, 20*time.Second)
	scr := h.screen()
	if !strings.Contains(scr, `"index": 60,`) || !strings.Contains(scr, "Command output") {
		t.Fatalf("after a resize the output pane did not follow to the last message:\n%s\noutput:\n%s", scr, h.m.cmd.out.String())
	}
}

// 4: a flash that states something goes when it stops being true.
func TestFlashesExpireWithTheirState(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.press("home")
	h.typeText("5x")
	h.press("enter", "ctrl+s")
	if !strings.Contains(h.m.flash, "not sent") || h.m.call != nil {
		t.Fatalf("an invalid count was sent, or no flash says so (%q):\n%s", h.m.flash, h.screen())
	}
	h.press("home")
	h.typeText("3")
	h.press("enter")
	if h.m.flash != "" {
		t.Fatalf("the flash %q stayed after the field was fixed:\n%s", h.m.flash, h.screen())
	}
	// "a call is running" lasts as long as the call.
	h.press("down")
	h.typeText("0.2s")
	h.press("enter", "ctrl+s")
	h.waitFor("the call to start", func() bool { return h.m.call != nil && h.m.call.phase != phaseStarting }, 10*time.Second)
	h.press("ctrl+s")
	if !strings.Contains(h.m.flash, "a call is running") {
		t.Fatalf("no flash for a second send (%q)", h.m.flash)
	}
	h.waitCallDone()
	if h.m.flash != "" {
		t.Fatalf("the flash %q outlived the call", h.m.flash)
	}

	// "request stream closed" lasts until the call's end.
	h.openMethod("showcase.Showcase.Sum", "showcase sum")
	h.press("ctrl+s")
	h.waitFor("the stream to open", func() bool { return h.m.call.phase == phaseOpen }, 10*time.Second)
	h.press("ctrl+x")
	if !strings.Contains(h.m.flash, "request stream closed") {
		t.Fatalf("ctrl+x flash %q", h.m.flash)
	}
	h.waitCallDone()
	if h.m.flash != "" {
		t.Fatalf("the flash %q outlived the call:\n%s", h.m.flash, h.screen())
	}
}

// 7: a stream's requests are numbered from 1 in the flash as in the
// stream line, and the responses from #1.
func TestStreamNumbering(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Chat", "showcase chat")
	h.typeText("hi")
	h.press("enter", "ctrl+s")
	h.waitFor("the first request sent", func() bool { return h.m.call != nil && h.m.call.sent == 1 }, 10*time.Second)
	for n := 2; n <= 3; n++ {
		h.press("ctrl+s")
		if want := fmt.Sprintf("request #%d queued", n); h.m.flash != want {
			t.Fatalf("flash %q, want %q", h.m.flash, want)
		}
		h.waitFor(fmt.Sprintf("request %d sent", n), func() bool { return h.m.call.sent == n }, 10*time.Second)
	}
	h.waitFor("three responses", func() bool { return h.m.call.msgs.total == 3 }, 10*time.Second)
	scr := h.screen()
	for _, want := range []string{"3 sent · 3 msgs received", "── #3 ·"} {
		if !strings.Contains(scr, want) {
			t.Errorf("%q is not on the screen:\n%s", want, scr)
		}
	}
	h.press("alt+3", "g")
	if scr := h.screen(); !strings.Contains(scr, "── #1 ·") || strings.Contains(scr, "#0") {
		t.Errorf("the responses are not numbered from #1:\n%s", scr)
	}
}

// 6: the Details pane shows a method's whole comment: it takes the focus
// (alt+4, a click), grows, and scrolls.
func TestDetailsFocusAndScroll(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.waitServices()
	h.press("/")
	h.typeText("chat")
	h.press("enter")
	const end = "before the next one is read."
	scr := h.screen()
	if strings.Contains(scr, "one is read") || !strings.Contains(scr, "more ─") {
		t.Fatalf("at 80x24 the comment should be cut with a ↓ N more mark:\n%s", scr)
	}
	h.press("alt+4")
	h.press("G")
	scr = h.screen()
	if !strings.Contains(scr, "one is read.") || !strings.Contains(scr, "┏━ Details") {
		t.Fatalf("focused and scrolled to its end, the Details pane lacks the comment's end %q:\n%s", end, scr)
	}
	// esc goes back to the tree, and the pane shrinks again.
	h.press("esc")
	if h.m.focus != focusTree {
		t.Fatalf("esc from Details: focus %d", h.m.focus)
	}
}

// 7: at very small sizes every line is the terminal's width and there are
// no more lines than its height (a response box a line too tall had its
// bottom border drawn under the Methods pane, and the screen scrolled).
func TestTinySizes(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("showcase.Showcase.Count", "showcase count")
	h.press("ctrl+s")
	h.waitCallDone()
	for _, sz := range [][2]int{{60, 4}, {60, 7}, {40, 5}, {20, 8}, {30, 3}, {50, 2}, {36, 9}} {
		h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, f := range []string{"alt+1", "alt+2", "alt+3", "alt+4"} {
			h.press(f)
			scr := h.screen()
			lines := strings.Split(scr, "\n")
			if len(lines) != sz[1] {
				t.Errorf("%dx%d %s: %d lines:\n%s", sz[0], sz[1], f, len(lines), scr)
				continue
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != sz[0] {
					t.Errorf("%dx%d %s: line %d is %d cells wide: %q", sz[0], sz[1], f, i, w, l)
				}
			}
		}
	}
}

// 7: the form's "↑ N more" shows on its top row even when that row fills
// the width.
func TestFormScrollHintOnAFullRow(t *testing.T) {
	h := newHarness(t, 60, 16) // at 60 cells a row of Everything fills the width
	h.openMethod("showcase.Showcase.Echo", "showcase echo")
	h.press("G")
	if first := strings.Split(h.m.form.View(), "\n")[1]; !strings.Contains(first, "↑ ") || !strings.Contains(first, " more") {
		t.Fatalf("no ↑ N more on the first row of a scrolled form: %q\n%s", first, h.screen())
	}
}

// 10: in the ":" bar, a Duration spelt as the form takes it gets the JSON
// spelling in the error.
func TestCmdbarDurationHint(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	h.commandLine(`call showcase.Showcase/Count {"count": 2, "interval": "100ms"}`)
	waitHandled[cmdDoneMsg](h, 1)
	if out := ansi.Strip(h.m.cmd.out.String()); !strings.Contains(out, `"100ms" is not a JSON Duration: write "0.1s"`) {
		t.Fatalf("output:\n%s", out)
	}
	if !strings.Contains(h.screen(), `write "0.1s"`) {
		t.Fatalf("screen:\n%s", h.screen())
	}
}

package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Rough edges of issue 12, one test each (the others are beside the code
// they test: treefilter_test.go, mouse_test.go, history_target_test.go).

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
	h.press(":")
	h.typeText(`call showcase.Showcase/Count {"count": 60, "interval": "0.02s"}`)
	h.press("enter")
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

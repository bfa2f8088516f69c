package tui

import (
	"strings"
	"testing"
)

// TestOverlayStack: overlays stack. History opened over the headers
// editor closes back to it; a focus key closes them all.
func TestOverlayStack(t *testing.T) {
	h := newHarness(t, 120, 36)
	h.waitServices()
	h.press("ctrl+o")
	if got := h.m.topOverlay(); got != ovMetadata {
		t.Fatalf("ctrl+o: top overlay %d, want the headers editor", got)
	}
	h.press("ctrl+r")
	if got := h.m.topOverlay(); got != ovHistory || !strings.Contains(h.screen(), "History") {
		t.Fatalf("ctrl+r over the headers editor: top overlay %d\n%s", got, h.screen())
	}
	h.press("esc")
	if got := h.m.topOverlay(); got != ovMetadata || !strings.Contains(h.screen(), "Request headers & deadline") {
		t.Fatalf("esc in the history: top overlay %d, want the headers editor back\n%s", got, h.screen())
	}
	h.press("ctrl+r", "alt+1")
	if len(h.m.overlays) != 0 || h.m.focus != focusTree {
		t.Fatalf("alt+1: overlays %v, focus %d; want none and the tree", h.m.overlays, h.m.focus)
	}
}

package tui

import "testing"

// In the app, a letter typed on the form's text row starts editing it
// (rough edge 8 of issue 12), and ctrl+z, ctrl+y and ctrl+l reach the form.
func TestAppFormTypingAndUndo(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("home")
	h.typeText("Ada")
	if !h.m.form.Editing() {
		t.Fatalf("typing did not open the name field:\n%s", h.screen())
	}
	h.press("enter")
	if got := h.m.form.JSON(); got != "{\n  \"name\": \"Ada\"\n}" {
		t.Fatalf("form JSON after typing: %q", got)
	}
	h.press("ctrl+z")
	if got := h.m.form.JSON(); got != "{}" {
		t.Fatalf("form JSON after ctrl+z: %q", got)
	}
	h.press("ctrl+y")
	if got := h.m.form.JSON(); got != "{\n  \"name\": \"Ada\"\n}" {
		t.Fatalf("form JSON after ctrl+y: %q", got)
	}
	h.press("ctrl+l")
	if got := h.m.form.JSON(); got != "{}" {
		t.Fatalf("form JSON after ctrl+l: %q", got)
	}
}

// The app's plain letter keys (H, m, L, C, ?, :) are text when the form's
// row takes them as the start of a value: nothing typed is lost to an
// overlay.
func TestAppLettersTypedOnTheFormAreText(t *testing.T) {
	for _, word := range []string{"Lars", "Hm", "mary", "Carl", "?x", ":y"} {
		h := newHarness(t, 120, 40)
		h.openMethod("helloworld.Greeter.SayHello", "sayhello")
		h.press("home")
		h.typeText(word)
		if h.m.topOverlay() != ovNone || h.m.cmd.active {
			t.Fatalf("typing %q opened an overlay or the command bar:\n%s", word, h.screen())
		}
		h.press("enter")
		if got, want := h.m.form.JSON(), "{\n  \"name\": \""+word+"\"\n}"; got != want {
			t.Fatalf("typing %q: form JSON %q, want %q", word, got, want)
		}
	}
}

package tui

import (
	"strings"
	"testing"
	"time"
)

// TestCmdBarSeesFormCalls: let and expect on the command bar read the
// call made last, whether the form (ctrl+s) or the bar made it.
func TestCmdBarSeesFormCalls(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	h.press("home")
	h.typeText("Form")
	h.press("enter", "ctrl+s")
	h.waitCallDone()
	bar := func(line string) string {
		t.Helper()
		before := h.m.cmd.out.Len()
		if !h.m.cmd.active {
			h.press(":")
		}
		h.typeText(line)
		h.press("enter")
		h.waitFor("the command "+line, func() bool { return h.m.cmd.running == nil }, 10*time.Second)
		return h.m.cmd.out.String()[before:]
	}
	if out := bar(`expect .message == "Hello Form"`); strings.Contains(out, "error") {
		t.Fatalf("expect on the form's call failed:\n%s", out)
	}
	if out := bar(`expect .message == "Hello Other"`); !strings.Contains(out, `got .message = "Hello Form"`) {
		t.Fatalf("a failing expect should show the form call's value:\n%s", out)
	}
	// A bar call, then a form call of another method: expect reads the
	// newest.
	bar(`call helloworld.Greeter/SayHello {"name":"Bar"}`)
	if out := bar(`expect .message == "Hello Bar"`); strings.Contains(out, "error") {
		t.Fatalf("expect on the bar's call failed:\n%s", out)
	}
	h.press("esc")
	h.openMethod("showcase.Showcase.Fail", "showcase fail")
	h.fillFirst("5")
	h.press("ctrl+s")
	h.waitCallDone()
	if out := bar(`expect status NOT_FOUND`); strings.Contains(out, "error") {
		t.Fatalf("expect status on the form's failed call:\n%s", out)
	}
	if out := bar(`let m = $status.message`); strings.Contains(out, "error") {
		t.Fatalf("let on the form's failed call after expect status:\n%s", out)
	}
}

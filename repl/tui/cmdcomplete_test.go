package tui

import (
	"strings"
	"testing"
	"time"
)

// TestCmdBarTabCompletes: tab in the : bar completes commands, methods,
// flags and ${VARS} with the shells' logic, and lists several candidates.
func TestCmdBarTabCompletes(t *testing.T) {
	h := newHarness(t, 140, 40)
	h.waitServices()
	h.press(":")
	tab := func(typed, want string) {
		t.Helper()
		h.m.cmd.input.SetValue("")
		h.typeText(typed)
		h.press("tab")
		h.waitFor("the completion of "+typed, func() bool { return h.m.cmd.input.Value() == want }, 10*time.Second)
	}
	tab("descr", "describe ")
	tab("call hel", "call helloworld.Greeter/SayHello ")
	// Two candidates: the common prefix stays, both are listed (without
	// the package they share).
	h.m.cmd.input.SetValue("")
	h.typeText("template helloworld.HelloRe")
	h.press("tab")
	h.waitFor("the candidates", func() bool { return len(h.m.cmd.cands) == 2 }, 10*time.Second)
	if v := h.m.cmd.input.Value(); v != "template helloworld.HelloRe" {
		t.Errorf("the line became %q", v)
	}
	h.waitScreen("tab: HelloReply  HelloRequest")
	tab("connect -prox", "connect -proxy ")
	tab("connect -proxy n", "connect -proxy none ")

	// ${VARS}: a let binding of the last response.
	h.m.cmd.input.SetValue("")
	h.typeText(`call helloworld.Greeter/SayHello {"name":"Tab"}`)
	h.press("enter")
	h.waitFor("the call", func() bool { return h.m.cmd.running == nil && strings.Contains(h.m.cmd.out.String(), "Hello Tab") }, 10*time.Second)
	h.typeText("let GREETING = .message")
	h.press("enter")
	h.waitFor("let", func() bool { return h.m.cmd.running == nil && strings.Count(h.m.cmd.out.String(), ":let") == 1 }, 10*time.Second)
	tab(`call helloworld.Greeter/SayHello {"name":"${GRE`, `call helloworld.Greeter/SayHello {"name":"${GREETING}`)
}

package tui

import (
	"strings"
	"testing"
	"time"
)

// TestCmdEchoMasksSecretHeaders: the output pane echoes a ":" line with
// secret header values masked, as the headers dialog shows them.
func TestCmdEchoMasksSecretHeaders(t *testing.T) {
	for in, want := range map[string]string{
		"header authorization: Bearer sekrit99":                                      "header authorization: Bearer ••••••",
		"header -a x-api-key: sekrit99":                                              "header -a x-api-key: ••••••",
		`grpcurl -plaintext -H 'authorization: sekrit99' -H "x-team: blue" h:1 list`: `grpcurl -plaintext -H 'authorization: ••••••' -H "x-team: blue" h:1 list`,
		"header x-team: blue":                                                        "header x-team: blue",
		`call a.B/C {"token": "x"}`:                                                  `call a.B/C {"token": "x"}`,
		"connect -proxy http://ann:pw123@h:1 h:2":                                    "connect -proxy http://ann:xxxxx@h:1 h:2",
	} {
		if got := shownCommand(in); got != want {
			t.Errorf("shownCommand(%q) = %q, want %q", in, got, want)
		}
	}

	h := newHarness(t, 120, 40)
	h.waitServices()
	h.press(":")
	h.typeText("header authorization: Bearer sekrit99")
	h.press("enter")
	h.waitFor("the header command", func() bool { return h.m.cmd.running == nil && strings.Contains(h.m.cmd.out.String(), ":header") }, 10*time.Second)
	if out := h.m.cmd.out.String(); strings.Contains(out, "sekrit99") {
		t.Errorf("the output pane shows the token:\n%s", out)
	}
}

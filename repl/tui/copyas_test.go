package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/grpcsh/grpcsh/repl"
)

// alt+y, with the form focused, opens the copy-as menu on the request in
// the form: its lines carry the body, the headers (secrets as ${VAR}
// until r) and the deadline; enter copies the line shown; the grpcurl
// line, pasted into a script, makes the same call.
func TestCopyAsMenu(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.press("alt+y")
	if h.m.topOverlay() == ovYank || !strings.Contains(h.screen(), "pick a method first") {
		t.Fatalf("alt+y without a method:\n%s", h.screen())
	}
	h.openMethod("helloworld.Greeter.SayHello", "sayhello")
	name := `it's "a b"`
	h.fillFirst(name)
	h.m.s.SetHeader("authorization", "Bearer s3cr3t")
	h.m.s.SetHeader("x-trace", "1 2")
	if h.m.focus != focusForm {
		t.Fatal("the form is not focused")
	}
	h.press("alt+y")
	if h.m.topOverlay() != ovYank {
		t.Fatalf("alt+y did not open the menu:\n%s", h.screen())
	}
	target := h.m.s.Target()
	scr := h.screen()
	if want := `grpcurl -plaintext -H 'authorization: Bearer ${AUTHORIZATION}' -H 'x-trace: 1 2' -expand-headers -d '{"name":"it'\''s \"a b\""}' ` + target + " helloworld.Greeter/SayHello"; h.m.yank.text() != want {
		t.Errorf("the grpcurl line is\n%s\nwant\n%s", h.m.yank.text(), want)
	}
	for _, want := range []string{"Copy the request as · helloworld.Greeter/SayHello", "1  grpcurl", "4  ghz (load test)",
		`grpcurl -plaintext -H 'authorization: Bearer ${AUTHORIZATION}'`, "export AUTHORIZATION before running the line"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the menu lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "s3cr3t") {
		t.Errorf("the secret is on the screen:\n%s", scr)
	}
	h.press("enter")
	if got := h.m.yank.copied; got != h.m.yank.text() || !strings.HasPrefix(got, "grpcurl ") || !strings.Contains(h.screen(), "copied") {
		t.Errorf("enter copied %q:\n%s", got, h.screen())
	}

	// Revealed, the grpcurl line runs in a script as the TUI's call.
	h.press("r")
	if !strings.Contains(h.screen(), "Bearer s3cr3t") {
		t.Errorf("r did not reveal:\n%s", h.screen())
	}
	h.press("y")
	line := h.m.yank.copied
	var out, errOut bytes.Buffer
	if err := repl.RunScript(context.Background(), h.m.s, strings.NewReader(line), &repl.Output{Out: &out, Err: &errOut}, repl.ScriptOptions{}); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, errOut.String())
	}
	if want := `{"message":"Hello it's \"a b\""}` + "\n"; out.String() != want {
		t.Errorf("the copied line printed %q, want %q", out.String(), want)
	}

	// 1-4 pick a format; esc closes, back to the form.
	h.press("3")
	if !strings.Contains(h.screen(), "connect "+target) || !strings.Contains(h.screen(), "call helloworld.Greeter/SayHello") {
		t.Errorf("3 is not the script:\n%s", h.screen())
	}
	h.press("esc")
	if h.m.topOverlay() != ovNone || h.m.focus != focusForm {
		t.Errorf("esc did not close the menu")
	}
	// alt+y toggles it.
	h.press("alt+y", "alt+y")
	if h.m.topOverlay() != ovNone {
		t.Errorf("alt+y did not close the menu")
	}
}

func TestCopyAsGolden(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			h := newHarness(t, sz.w, sz.h)
			h.openMethod("helloworld.Greeter.SayHello", "sayhello")
			h.fillFirst("Ada Lovelace")
			h.m.s.SetHeader("authorization", "Bearer s3cr3t")
			st := h.m.s.Settings()
			st.Deadline = 2 * time.Second
			h.m.s.SetSettings(st)
			h.press("alt+y", "down", "down", "down") // ghz
			h.m.yank.line.Conn.Target = "127.0.0.1:8888"
			h.stable()
			golden.RequireEqual(t, h.screen())
		})
	}
}

// A grpcurl line typed in the : bar runs as the same call.
func TestCmdBarGrpcurlLine(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.waitServices()
	h.press(":")
	h.typeText(`grpcurl -plaintext -H 'x-k: v' -d '{"name":"bar baz"}' ` + h.m.s.Target() + ` helloworld.Greeter/SayHello`)
	h.press("enter")
	h.waitFor("the grpcurl line", func() bool {
		return h.m.cmd.running == nil && strings.Contains(ansiStrip(h.m.cmd.out.String()), `"message": "Hello bar baz"`)
	}, 10*time.Second)
	// Pasted from a shell, over lines that end in a backslash.
	h.send(tea.PasteMsg{Content: "grpcurl -plaintext \\\n  -d '{\"name\":\"pasted\"}' \\\r  " + h.m.s.Target() + " helloworld.Greeter/SayHello"})
	h.press("enter")
	h.waitFor("the pasted line", func() bool {
		return h.m.cmd.running == nil && strings.Contains(ansiStrip(h.m.cmd.out.String()), `"message": "Hello pasted"`)
	}, 10*time.Second)
	h.typeText(`grpcurl -alts ` + h.m.s.Target() + ` helloworld.Greeter/SayHello`)
	h.press("enter")
	h.waitFor("the refusal", func() bool {
		return h.m.cmd.running == nil && strings.Contains(ansiStrip(h.m.cmd.out.String()), "grpcurl's -alts has no grpcsh equivalent")
	}, 10*time.Second)
}

package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/grpcsh/grpcsh/repl"
)

// FuzzCmdbarInput types text into the command bar and presses enter, as a
// user would: the bar gives back one trimmed line, its view fits its
// width, and the line goes to the script parser (what cmdExecutor.exec
// runs first) without a panic; a syntax error points inside the line, and
// one that needs more lines says the bar takes one. Lines that parse are
// not run: that would call servers.
func FuzzCmdbarInput(f *testing.F) {
	for _, seed := range []string{
		`call helloworld.Greeter/SayHello {"name": "x"}`,
		`call Chat {"text":"a"} {"text":"b"}`,
		`header authorization: Bearer ${TOKEN}`,
		"set deadline 2s", "ls", "desc showcase.Showcase", "exit 3",
		`call Echo {"a": [1, {"b": "}"}]`, `call X <<END`, `'unterminated`, `call M {"a": "\u12`,
		"connect 127.0.0.1:1 -plaintext", "  # only a comment  ", "\x1b[31mred\x1b[0m", "tab\there",
	} {
		f.Add(seed)
	}
	st := newStyles(colorprofile.NoTTY, true)
	// exec needs a session for lines that parse; the fuzz target only
	// gives it lines that do not.
	x := newCmdExecutor(newTestSession(f), &strings.Builder{}, false)
	const width = 60
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // keys carry runes
		}
		c := newCmdbar(newKeyMap().Cmd)
		c.ui = &uiCtx{}
		c.open()
		for _, r := range text {
			var msg tea.KeyPressMsg
			switch r {
			case '\n', '\r':
				continue // enter runs the line: typed below
			case '\t':
				msg = tea.KeyPressMsg{Code: tea.KeyTab}
			default:
				msg = tea.KeyPressMsg{Code: r, Text: string(r)}
			}
			c.Update(msg)
		}
		for _, l := range strings.Split(c.barView(st, "", width), "\n") {
			if w := lipgloss.Width(l); w > width {
				t.Fatalf("the bar is %d wide, wider than %d: %q", w, width, l)
			}
		}
		c.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		line := ""
		for _, m := range c.ui.outbox {
			if l, ok := m.(cmdLineMsg); ok {
				line = l.line
			}
		}
		if line != strings.TrimSpace(line) || strings.ContainsAny(line, "\n\r") {
			t.Fatalf("the bar gave %q: want one trimmed line", line)
		}
		if line == "" {
			return
		}
		cmds, err := repl.Parse(line, nil)
		var syn *repl.SyntaxError
		switch {
		case errors.As(err, &syn):
			if syn.Pos.Line != 1 || syn.Pos.Col < 1 || syn.Pos.Col > utf8.RuneCountInString(line)+1 {
				t.Fatalf("error at %s in the one-line %q: %v", syn.Pos, line, err)
			}
			got := x.exec(context.Background(), line)
			if got == nil || !strings.Contains(got.Error(), err.Error()) {
				t.Fatalf("exec(%q) = %v, want the parse error %v", line, got, err)
			}
			if repl.Incomplete(err) && !strings.Contains(got.Error(), "the command bar takes one line") {
				t.Fatalf("exec(%q) = %v: an open value must say the bar takes one line", line, got)
			}
		case err != nil:
			t.Fatalf("Parse(%q): %v, not a *SyntaxError", line, err)
		}
		for _, cmd := range cmds {
			if s := cmd.Summary(); strings.ContainsAny(s, "\n") {
				t.Fatalf("summary %q of %q is not one line", s, line)
			}
		}
	})
}

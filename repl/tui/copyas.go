package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// copyAsMenu is alt+y's menu: the request in the form, with the
// session's headers, deadline and connection, as a line for another
// tool (repl.CallLine writes them), shown whole and copied with OSC 52
// as y copies a response. Secret headers are written as ${VAR} (ghz:
// {{env `VAR`}}) until r reveals them, so that a line pasted in a chat
// or a ticket carries no credential and still runs once VAR is exported.
type copyAsMenu struct {
	ui     *uiCtx
	line   repl.CallLine
	cursor int
	reveal bool
	copied string // the text copied last, "" before the first copy
	w, h   int
	keys   copyAsKeys
}

type copyAsKeys struct {
	Up, Down, Pick, Copy, Reveal, Close key.Binding
}

func newCopyAsKeys() copyAsKeys {
	return copyAsKeys{
		Up:     kb([]string{"up", "k"}, "↑/k", "up"),
		Down:   kb([]string{"down", "j"}, "↓/j", "down"),
		Pick:   kb([]string{"1", "2", "3", "4"}, "1-4", "pick"),
		Copy:   kb([]string{"enter", "y"}, "enter/y", "copy (OSC 52)"),
		Reveal: kb([]string{"r"}, "r", "show/hide secrets"),
		Close:  kb([]string{"esc", "q", "alt+y"}, "esc", "close"),
	}
}

// copyAsFormats are the menu's lines, in its order.
var copyAsFormats = []struct {
	name string
	text func(repl.CallLine, bool) string
}{
	{"grpcurl", repl.CallLine.Grpcurl},
	{"grpcsh command", repl.CallLine.Command},
	{"grpcsh script", repl.CallLine.Script},
	{"ghz (load test)", repl.CallLine.Ghz},
}

// text is the selected format's line.
func (c *copyAsMenu) text() string {
	return copyAsFormats[c.cursor].text(c.line, c.reveal)
}

// secrets are the variables the secret headers are written as, sorted.
func (c *copyAsMenu) secrets() []string {
	var names []string
	for k := range c.line.Header {
		if dynamic.IsSecretKey(k) {
			names = append(names, repl.SecretVar(k))
		}
	}
	slices.Sort(names)
	return names
}

func (c *copyAsMenu) Update(msg tea.Msg) (Component, tea.Cmd) {
	kmsg, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return c, nil
	}
	k := c.keys
	switch {
	case key.Matches(kmsg, k.Up):
		c.cursor = max(c.cursor-1, 0)
	case key.Matches(kmsg, k.Down):
		c.cursor = min(c.cursor+1, len(copyAsFormats)-1)
	case key.Matches(kmsg, k.Pick):
		c.cursor = int(kmsg.String()[0] - '1')
	case key.Matches(kmsg, k.Reveal):
		c.reveal = !c.reveal
	case key.Matches(kmsg, k.Copy):
		c.copied = c.text()
		return c, tea.SetClipboard(c.copied)
	case key.Matches(kmsg, k.Close):
		c.ui.send(overlayClosedMsg{})
	}
	return c, nil
}

func (c *copyAsMenu) View() string {
	st := c.ui.st
	var b strings.Builder
	for i, f := range copyAsFormats {
		row := fmt.Sprintf(" %d  %s ", i+1, f.name)
		if i == c.cursor {
			row = st.Selected.Render("▸" + row)
		} else {
			row = " " + row
		}
		b.WriteString(row + "\n")
	}
	b.WriteString("\n")
	// The body and the headers are the user's, the method the server's
	// (reflection): escaped, as all text shown is.
	b.WriteString(wrapWords(dynamic.SafeText(c.text()), max(c.w, 10)) + "\n\n")
	switch names := c.secrets(); {
	case len(names) > 0 && c.reveal:
		b.WriteString(st.Err.Render("secret headers shown as they are: r hides them") + "\n")
	case len(names) > 0:
		note := fmt.Sprintf("secret headers are left to variables: export %s before running the line (ghz reads it with {{env}}), or r shows them", strings.Join(names, ", "))
		b.WriteString(st.Dim.Render(wrapWords(note, max(c.w, 10))) + "\n")
	}
	if c.copied != "" {
		what := "copied"
		if c.copied != c.text() {
			what = "copied (before the last change)"
		}
		b.WriteString(st.OK.Render(fmt.Sprintf("● %s %d bytes to the clipboard (OSC 52)", what, len(c.copied))) + "\n")
	}
	return b.String()
}

// wrapWords is wrap without the space a line may keep where it was
// broken, which would make it one cell too wide for the box.
func wrapWords(text string, w int) string {
	lines := strings.Split(wrap(text, w), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func (c *copyAsMenu) SetSize(w, h int) { c.w, c.h = w, h }

func (c *copyAsMenu) KeyMap() help.KeyMap {
	k := c.keys
	return keyList{k.Up, k.Down, k.Pick, k.Copy, k.Reveal, k.Close}
}

var _ Component = (*copyAsMenu)(nil)

// openCopyAs opens the menu on the request in the form.
func (m *appModel) openCopyAs() tea.Cmd {
	if !m.hasForm || m.method == nil {
		return m.setFlash("pick a method first: alt+y copies its request as a grpcurl, grpcsh or ghz line", true)
	}
	req, err := m.form.Message()
	if err != nil {
		return m.setFlash("fix the request first: "+err.Error(), true)
	}
	data, err := dynamic.Formatter{Types: m.s.Types()}.Format(req)
	if err != nil {
		return m.setFlash(err.Error(), true)
	}
	m.yank = copyAsMenu{ui: m.uiCtx, line: m.s.CallLine(m.method, data), keys: newCopyAsKeys()}
	m.layout()
	m.pushOverlay(ovYank)
	return nil
}

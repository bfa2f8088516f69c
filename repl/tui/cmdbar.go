package tui

import (
	"bytes"
	"context"
	"strings"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/grpcsh/grpcsh/repl"
)

// cmdbarModel is the ":" command bar: one line of the script command
// language, run against the session; its output (and errors) accumulate
// in a pane above the bar, live while the command runs.
type cmdbarModel struct {
	ui      *uiCtx
	keys    cmdKeys
	input   textinput.Model
	active  bool // the input has focus
	showOut bool // the output pane is shown
	// follow keeps the newest output in view until pgup scrolls away (a
	// flag, not "is the viewport at the bottom": a resize moves the
	// bottom, and a running stream must stay followed through it).
	follow  bool
	out     *syncBuffer
	vp      viewport.Model
	running *cmdRun
	past    []string // commands typed, oldest first
	pastIdx int
	w, h    int
	// complete is the executor's CompleteLine (tab); cands the candidates
	// of the last tab, shown above the bar (cmdcomplete.go).
	complete func(ctx context.Context, line string) repl.LineCompletion
	cands    []string
}

// cmdRun is a command in flight.
type cmdRun struct {
	id     int
	line   string
	cancel context.CancelFunc
}

// cmdDoneMsg reports a finished command.
type cmdDoneMsg struct {
	id   int
	line string
	err  error
}

// syncBuffer collects a running command's output; the view reads it while
// the command's goroutine writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	const maxOut = 4 << 20 // keep the pane bounded: drop the oldest half
	if s.b.Len()+len(p) > maxOut {
		rest := append([]byte(nil), s.b.Bytes()[s.b.Len()/2:]...)
		s.b.Reset()
		s.b.WriteString("… (earlier output dropped)\n")
		s.b.Write(rest)
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

func newCmdbar(keys cmdKeys) cmdbarModel {
	in := textinput.New()
	in.Prompt = ":"
	in.Placeholder = "command (help lists them)"
	in.CharLimit = 64 << 10
	// Tab completes (cmdcomplete.go), not textinput's suggestions.
	in.ShowSuggestions = false
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{}
	return cmdbarModel{keys: keys, input: in, out: &syncBuffer{}, vp: vp, follow: true}
}

func (c *cmdbarModel) setSize(w, h int) {
	c.w, c.h = w, h
	c.input.SetWidth(max(w-2, 1))
	c.vp.SetWidth(max(w, 1))
	c.vp.SetHeight(max(h, 1))
}

func (c *cmdbarModel) open() tea.Cmd {
	c.active = true
	c.showOut = true
	c.pastIdx = len(c.past)
	return c.input.Focus()
}

// runCmd runs one command line in the background.
func runCmd(ctx context.Context, x *cmdExecutor, id int, line string) tea.Cmd {
	return guard(func() tea.Msg {
		err := x.exec(ctx, line)
		return cmdDoneMsg{id: id, line: line, err: err}
	})
}

// Update handles a key while the bar has focus, or a key in the output
// pane (Component). Enter sends the app the line to run (cmdLineMsg).
func (c *cmdbarModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	if cm, ok := msg.(cmdCompleteMsg); ok {
		c.applyCompletion(cm)
		return c, nil
	}
	kmsg, ok := msg.(tea.KeyPressMsg)
	if ok && c.active && !key.Matches(kmsg, c.keys.Complete) {
		c.cands = nil
	}
	if paste, isPaste := msg.(tea.PasteMsg); isPaste {
		// A command pasted from a shell (a grpcurl line) goes on over
		// lines with a backslash: one line here, as the shell reads it.
		msg = tea.PasteMsg{Content: pasteLines.Replace(paste.Content)}
	}
	if !ok {
		var cmd tea.Cmd
		if c.active {
			c.input, cmd = c.input.Update(msg)
		}
		return c, cmd
	}
	k := c.keys
	switch {
	case key.Matches(kmsg, k.Abort):
		if c.active {
			c.active = false
			c.input.Blur()
			if c.out.Len() == 0 {
				c.showOut = false
			}
		} else {
			c.showOut = false
		}
		return c, nil
	case key.Matches(kmsg, k.Scroll):
		c.vp.PageUp()
		c.follow = c.vp.AtBottom()
		return c, nil
	case key.Matches(kmsg, k.Scroll2):
		c.vp.PageDown()
		c.follow = c.vp.AtBottom()
		return c, nil
	}
	if !c.active {
		return c, nil
	}
	switch {
	case key.Matches(kmsg, k.Complete):
		return c, c.completeCmd()
	case key.Matches(kmsg, k.Run):
		line := strings.TrimSpace(c.input.Value())
		if line == "" {
			return c, nil
		}
		if len(c.past) == 0 || c.past[len(c.past)-1] != line {
			c.past = append(c.past, line)
		}
		c.pastIdx = len(c.past)
		c.input.SetValue("")
		c.ui.send(cmdLineMsg{line: line})
		return c, nil
	case key.Matches(kmsg, k.Older):
		if c.pastIdx > 0 {
			c.pastIdx--
			c.input.SetValue(c.past[c.pastIdx])
			c.input.CursorEnd()
		}
		return c, nil
	case key.Matches(kmsg, k.Newer):
		if c.pastIdx < len(c.past) {
			c.pastIdx++
			if c.pastIdx == len(c.past) {
				c.input.SetValue("")
			} else {
				c.input.SetValue(c.past[c.pastIdx])
			}
			c.input.CursorEnd()
		}
		return c, nil
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return c, cmd
}

// outputView is the output pane's content, newest at the bottom.
func (c *cmdbarModel) outputView(st Styles) string {
	// Commands print server text (describe, call errors); our own
	// colour codes are kept, control characters of the server's escaped.
	text := strings.TrimRight(safeKeepSGR(c.out.String()), "\n")
	if text == "" {
		text = st.Dim.Render("Output of commands appears here. help lists the commands; esc closes.")
	}
	if cands := c.candidatesView(st); cands != "" {
		text += "\n" + st.Dim.Render("tab: ") + cands
	}
	c.vp.SetContent(ansi.Wrap(text, max(c.w, 1), ""))
	if c.follow {
		c.vp.GotoBottom()
	}
	return c.vp.View()
}

func (c cmdbarModel) barView(st Styles, spin string, w int) string {
	if c.running != nil && !c.active {
		// A -proxy URL's password is not shown while connect runs.
		return fit(st.Prompt.Render(spin+" ")+shownCommand(c.running.line)+st.Dim.Render("  (ctrl+c cancels)"), w)
	}
	return fit(c.input.View(), w)
}

// Component: the command bar and its output pane. A line to run (enter)
// is a cmdLineMsg sent to the app. View is the output pane; the bar
// itself is drawn in the bar row (barView).

func (c *cmdbarModel) View() string        { return c.outputView(c.ui.st) }
func (c *cmdbarModel) SetSize(w, h int)    { c.setSize(w, h) }
func (c *cmdbarModel) KeyMap() help.KeyMap { return c.keys }

// pasteLines joins the lines of a pasted command that end in a backslash
// (terminals may send a line end as \r).
var pasteLines = strings.NewReplacer("\\\r\n", " ", "\\\n", " ", "\\\r", " ")

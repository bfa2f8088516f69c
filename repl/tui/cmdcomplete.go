package tui

// Tab in the ":" bar: the word before the cursor is completed with repl's
// logic (the same as the shells'): commands, flags, methods, message names,
// ${VARS}, paths. The lookup runs off the UI goroutine; its answer applies
// only if the line has not changed meanwhile. Several candidates: the common
// prefix is inserted and they are listed above the bar.

import (
	"context"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// cmdCompleteWait bounds a tab's reflection lookups on a slow server.
const cmdCompleteWait = time.Second

// cmdCompleteMsg is the answer to a tab on line (the text before the cursor).
type cmdCompleteMsg struct {
	line, rest string
	c          repl.LineCompletion
}

// completeCmd asks for the completion of the text before the cursor.
func (c *cmdbarModel) completeCmd() tea.Cmd {
	if c.complete == nil {
		return nil
	}
	runes := []rune(c.input.Value())
	pos := min(c.input.Position(), len(runes))
	line, rest := string(runes[:pos]), string(runes[pos:])
	complete := c.complete
	return guard(func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), cmdCompleteWait)
		defer cancel()
		return cmdCompleteMsg{line: line, rest: rest, c: complete(ctx, line)}
	})
}

// applyCompletion puts the answer into the bar.
func (c *cmdbarModel) applyCompletion(msg cmdCompleteMsg) {
	if c.input.Value() != msg.line+msg.rest {
		return // typed on meanwhile
	}
	items := msg.c.Items
	c.cands = nil
	if len(items) == 0 {
		c.cands = []string{"(no completion)"}
		return
	}
	word := items[0]
	if len(items) > 1 {
		for _, it := range items[1:] {
			word = commonPrefix(word, it)
		}
		c.cands = items
	} else if !strings.HasSuffix(word, "/") && !strings.HasSuffix(word, "}") { // inside a path or JSON: no space
		word += " "
	}
	head := msg.line[:msg.c.Start] + word
	c.input.SetValue(head + msg.rest)
	c.input.SetCursor(len([]rune(head)))
}

func commonPrefix(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[:i]
}

// candidatesView lists the candidates of the last tab (at most
// maxShownCands), without the part they all share up to its last "." or
// "/": "Big  Chat  Count" under "call showcase.Showcase/".
func (c *cmdbarModel) candidatesView(st Styles) string {
	if len(c.cands) == 0 {
		return ""
	}
	p := c.cands[0]
	for _, it := range c.cands[1:] {
		p = commonPrefix(p, it)
	}
	cut := strings.LastIndexAny(p, "./") + 1
	shown := c.cands[:min(len(c.cands), maxShownCands)]
	parts := make([]string, len(shown))
	for i, it := range shown {
		// Paths come from the folder's listing: a name may hold control
		// characters, escaped as server text is.
		parts[i] = dynamic.SafeLine(it[cut:])
	}
	out := strings.Join(parts, "  ")
	if n := len(c.cands) - len(shown); n > 0 {
		out += st.Dim.Render("  … " + strconv.Itoa(n) + " more")
	}
	return out
}

const maxShownCands = 60

package tui

import (
	"fmt"

	"github.com/grpcsh/grpcsh/dynamic"
)

// The history lists the calls of the current target by default; t shows
// every target's, with a TARGET column. A call of another server is not
// re-run here, where its method may not exist or mean something else: the
// flash says which server it was made on and how to get there (rough edge
// 5 of issue 12).

// shown is the entries listed, newest first, as indices into entries.
func (m *historyModel) shown() []int {
	out := make([]int, 0, len(m.entries))
	for i := len(m.entries) - 1; i >= 0; i-- {
		if m.all || m.entries[i].Target == m.target {
			out = append(out, i)
		}
	}
	return out
}

// count is how many entries are listed.
func (m *historyModel) count() int {
	if m.all {
		return len(m.entries)
	}
	n := 0
	for _, e := range m.entries {
		if e.Target == m.target {
			n++
		}
	}
	return n
}

// title is the history box's title. The target itself is on the status
// bar: the title counts.
func (m *historyModel) title() string {
	if m.all {
		return fmt.Sprintf("History · %d calls, every target", len(m.entries))
	}
	if n := m.count(); n < len(m.entries) {
		return fmt.Sprintf("History · %d calls to this server (%s: all %d)", n, m.keys.Targets.Help().Key, len(m.entries))
	}
	return fmt.Sprintf("History · %d calls", len(m.entries))
}

// elsewhere is the flash for re-running e when it was made on another
// server, "" when it was made on this one.
func (m *historyModel) elsewhere(e historyEntry) string {
	if e.Target == m.target || e.Target == "" {
		return ""
	}
	t := dynamic.SafeLine(e.Target)
	return fmt.Sprintf("%s was called on %s, not on this server: :connect %s first (e loads it into the form)", dynamic.SafeLine(e.Method), t, t)
}

// clickLine selects the entry drawn on line y of the history's content.
func (m *historyModel) clickLine(y int) {
	hdr := 1 // the column titles
	if m.err != nil {
		hdr++
	}
	i := m.offset + y - hdr
	if y < hdr || i >= m.count() {
		return
	}
	m.cursor = i
	m.clamp()
}

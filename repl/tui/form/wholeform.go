package form

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Keys that act on the whole form in every mode: undo, redo, reset and
// the next invalid field. While an input is open it is closed first (its
// text kept), so that its edit is the step undone.

func (m *Model) wholeFormKey(msg tea.KeyPressMsg) {
	k := m.keys
	if m.editing && !m.jsonMode {
		m.commitEdit(false)
	}
	switch {
	case key.Matches(msg, k.Undo, k.Redo):
		redo := key.Matches(msg, k.Redo)
		if m.jsonMode {
			m.undoJSON(redo)
		} else {
			m.undoForm(redo)
		}
	case key.Matches(msg, k.Reset):
		m.reset()
	case key.Matches(msg, k.NextInvalid):
		m.nextInvalid()
	}
}

// reset goes back to the method's empty request.
func (m *Model) reset() {
	if m.jsonMode {
		text, err := marshalJSON(dynamicpb.NewMessage(m.md), m.ctx)
		if err != nil {
			m.setStatus("cannot reset: "+err.Error(), true)
			return
		}
		if m.area.Value() == text {
			m.setStatus("the request is already empty", false)
			return
		}
		m.recordJSON(m.jsonNow(), "")
		m.setJSONText(jsonState{text: text})
		m.setStatus("reset to the empty request (ctrl+z undoes)", false)
		return
	}
	if fingerprint(m.root) == "" {
		m.setStatus("the request is already empty", false)
		return
	}
	m.loadMessage(nil)
	m.cursor = 0
	m.ensureVisible()
	m.setStatus("reset to the empty request (ctrl+z undoes)", false)
}

// nextInvalid moves the cursor to the next invalid value after it,
// wrapping, opening what contains it; in the JSON view, to the error.
func (m *Model) nextInvalid() {
	if m.jsonMode {
		if m.jsonErr == nil {
			m.setStatus("no invalid field: the JSON is valid", false)
			return
		}
		m.moveAreaTo(m.jsonErr)
		m.setStatus(m.jsonErr.Error(), true)
		return
	}
	n := len(m.rows)
	for step := 1; step <= n; step++ {
		i := (m.cursor + step) % n
		r := m.rows[i]
		if r.problem() == "" {
			continue
		}
		m.cursor = i
		// A collapsed row stands for the problems inside: open the first.
		if inside := insideProblems(r); len(inside) > 0 {
			m.gotoPath(inside[0].path)
		}
		m.ensureVisible()
		if step == n {
			m.setStatus("the only invalid field", false)
		}
		return
	}
	m.setStatus("no invalid field", false)
}

// insideProblems are the problems of the values under a collapsed row,
// with their full paths (none for a row that is itself invalid).
func insideProblems(r row) []fieldProblem {
	var out []fieldProblem
	switch {
	case r.err != "" || r.unset() || r.kind == rowAnyType:
	case r.val == nil && r.field != nil && !r.field.expanded: // repeated / map header
		prefix := r.path[:len(r.path)-len(r.field.fd.Name())]
		if len(prefix) > 0 {
			prefix = prefix[:len(prefix)-1] // the dot
		}
		(&msgNode{fields: []*fieldNode{r.field}}).check(prefix, &out)
	case r.val != nil && !r.val.t.w.textual() && r.val.t.expandable() && !r.val.expanded:
		r.val.check(r.path, &out)
	}
	return out
}

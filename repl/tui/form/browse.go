package form

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Browsing the rows: moving, expanding, toggling, cycling and clearing.

func (m Model) cur() row {
	if m.cursor >= 0 && m.cursor < len(m.rows) {
		return m.rows[m.cursor]
	}
	return row{kind: rowEmpty}
}

// updateBrowse takes a key while no input is open: a printable key that
// can begin the cursor row's value opens its input with it; any other key
// that changes a value is one undo step.
func (m Model) updateBrowse(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case m.StartsEditing(msg):
		return m.startTyping(msg) // recorded when the input closes
	case key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom):
		return m.browseKey(msg) // moves only
	}
	before := m.snapshot()
	m, cmd := m.browseKey(msg)
	m.record(before)
	return m, cmd
}

// browseKey does what a key bound while browsing does.
func (m Model) browseKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.ToggleJSON, k.JSONToggleAlt):
		return m.toggleJSON()
	case key.Matches(msg, k.Editor):
		return m.openEditor()
	case key.Matches(msg, k.MoveUp):
		m.moveElem(-1)
	case key.Matches(msg, k.MoveDown):
		m.moveElem(1)
	case key.Matches(msg, k.Up):
		m.moveCursor(-1)
	case key.Matches(msg, k.Down):
		m.moveCursor(1)
	case key.Matches(msg, k.PageUp):
		m.moveCursor(-max(1, m.bodyHeight()-1))
	case key.Matches(msg, k.PageDown):
		m.moveCursor(max(1, m.bodyHeight()-1))
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = len(m.rows) - 1
	case key.Matches(msg, k.Expand):
		m.right()
	case key.Matches(msg, k.Collapse):
		m.left()
	case key.Matches(msg, k.Activate):
		return m.activate()
	case key.Matches(msg, k.Clear):
		m.clear()
	case key.Matches(msg, k.Add):
		return m.add()
	}
	m.rebuild()
	return m, nil
}

func (m *Model) moveCursor(delta int) {
	m.cursor = max(0, min(len(m.rows)-1, m.cursor+delta))
}

// markSet records that the user gave a row's field a value: an
// explicit-presence field becomes set (in a oneof, the others are cleared).
func (m *Model) markSet(r row) {
	if r.kind == rowField && r.field != nil && r.msg != nil {
		r.msg.setField(r.field)
	}
}

func (m Model) activate() (Model, tea.Cmd) {
	r := m.cur()
	switch {
	case r.kind == rowEmpty:
		return m.add()
	case r.kind == rowOneof:
		m.cycleOneof(r, 1)
	case r.kind == rowAnyType:
		return m.startEdit("")
	case r.val == nil: // repeated or map header
		r.field.expanded = !r.field.expanded
	default:
		if r.val.t.w.textual() {
			return m.startEdit("")
		}
		r.val.t.w.activate(&m, r)
	}
	m.rebuild()
	return m, nil
}

func (m *Model) right() {
	r := m.cur()
	switch {
	case r.kind == rowOneof:
		m.cycleOneof(r, 1)
	case r.kind == rowAnyType:
		m.cycleAnyType(r, 1)
	case r.val == nil && r.field != nil && r.kind == rowField: // repeated or map header
		if r.field.expanded {
			m.moveCursor(1)
		} else {
			r.field.expanded = true
		}
	case r.val == nil:
	case r.val.t.w.cycle(m, r, 1):
	case r.val.t.expandable():
		if r.unset() {
			m.markSet(r)
			r.val.expanded = true
		} else if r.val.expanded {
			m.moveCursor(1)
		} else {
			r.val.expanded = true
		}
	}
}

func (m *Model) left() {
	r := m.cur()
	switch {
	case r.kind == rowOneof:
		m.cycleOneof(r, -1)
		return
	case r.kind == rowAnyType:
		m.cycleAnyType(r, -1)
		return
	case r.val == nil && r.field != nil && r.kind == rowField && r.field.expanded:
		r.field.expanded = false
		return
	case r.val != nil && r.val.t.w.cycle(m, r, -1):
		return
	case r.val != nil && r.val.t.expandable() && r.val.expanded && !r.unset():
		r.val.expanded = false
		return
	}
	// Go to the parent row.
	for i := m.cursor - 1; i >= 0; i-- {
		if m.rows[i].depth < r.depth {
			m.cursor = i
			return
		}
	}
}

// clear unsets a field, removes an element or entry, or empties a value.
func (m *Model) clear() {
	r := m.cur()
	switch r.kind {
	case rowElem:
		f := r.field
		f.elems = append(f.elems[:r.index:r.index], f.elems[r.index+1:]...)
		m.rebuild()
		m.selectCollectionRow(f, r.index, rowElem)
	case rowKey, rowMapVal:
		f := r.field
		f.entries = append(f.entries[:r.index:r.index], f.entries[r.index+1:]...)
		m.rebuild()
		m.selectCollectionRow(f, r.index, rowKey)
	case rowOneof:
		for _, f := range r.msg.fields {
			if f.fd.ContainingOneof() == r.oneof {
				f.set = false
			}
		}
	case rowAnyType:
		v := r.val
		v.anyType, v.anyURL, v.anyRaw, v.text, v.err = "", "", nil, "", ""
	case rowEmpty:
	case rowField:
		switch {
		case r.val == nil:
			m.setStatus("x on an element or entry removes it", false)
		case r.field.explicit():
			r.field.set = false
		default:
			r.val.text, r.val.b, r.val.err = "", false, ""
		}
	case rowAnyVal:
		r.val.text, r.val.b, r.val.err = "", false, ""
	}
}

func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusErr = s, isErr
}

// rebuild flattens the form into rows again, keeping the cursor on its row.
func (m *Model) rebuild() {
	var id rowID
	had := m.cursor >= 0 && m.cursor < len(m.rows)
	if had {
		id = m.rows[m.cursor].id()
	}
	m.rows = rowsOf(m.root)
	if had {
		for i, r := range m.rows {
			if r.id() == id {
				m.cursor = i
				m.ensureVisible()
				return
			}
		}
	}
	m.cursor = max(0, min(m.cursor, len(m.rows)-1))
	m.ensureVisible()
}

// gotoPath moves the cursor to the row of a field path, expanding what
// contains it, if the path can be found.
func (m *Model) gotoPath(path string) {
	for range 32 { // each pass may expand one level
		for i, r := range m.rows {
			if r.path == path || r.kind == rowKey && r.path == path {
				m.cursor = i
				m.ensureVisible()
				return
			}
		}
		expanded := false
		for _, r := range m.rows {
			if !strings.HasPrefix(path, r.path) || len(path) <= len(r.path) {
				continue
			}
			if c := path[len(r.path)]; c != '.' && c != '[' && c != ' ' {
				continue
			}
			switch {
			case r.val == nil && r.field != nil && r.kind == rowField && !r.field.expanded:
				r.field.expanded, expanded = true, true
			case r.val != nil && r.val.t.expandable() && !r.val.expanded && !r.unset():
				r.val.expanded, expanded = true, true
			}
		}
		if !expanded {
			return
		}
		m.rebuild()
	}
}

package form

import (
	tea "charm.land/bubbletea/v2"
)

// Repeated and map fields: adding, removing and moving elements and
// entries (their rows are in rows.go, their values edited by the widget of
// the element type).

// add inserts an element (repeated) or an entry (map) after the cursor.
func (m Model) add() (Model, tea.Cmd) {
	r := m.cur()
	f := r.field
	if f == nil || !(f.fd.IsList() || f.fd.IsMap()) {
		m.setStatus("a adds an element to a repeated or map field", false)
		return m, nil
	}
	f.expanded = true
	at := len(f.elems)
	if f.fd.IsMap() {
		at = len(f.entries)
	}
	if r.kind == rowElem || r.kind == rowKey || r.kind == rowMapVal {
		at = r.index + 1
	}
	var target *valueNode
	if f.fd.IsList() {
		e := f.newElem()
		if e.t.expandable() {
			e.expanded = true
			e.ensureMsg()
		}
		f.elems = append(f.elems[:at:at], append([]*valueNode{e}, f.elems[at:]...)...)
		target = e
	} else {
		e := f.newEntry()
		e.val.ensureMsg()
		f.entries = append(f.entries[:at:at], append([]*entryNode{e}, f.entries[at:]...)...)
		target = e.key
	}
	m.rebuild()
	for i, row := range m.rows {
		if row.val == target {
			m.cursor = i
			break
		}
	}
	if m.cur().textEditable() {
		return m.startEdit("")
	}
	return m, nil
}

// moveElem moves an element or entry up or down.
func (m *Model) moveElem(delta int) {
	r := m.cur()
	j := r.index + delta
	switch r.kind {
	case rowElem:
		f := r.field
		if j < 0 || j >= len(f.elems) {
			return
		}
		f.elems[r.index], f.elems[j] = f.elems[j], f.elems[r.index]
	case rowKey, rowMapVal:
		f := r.field
		if j < 0 || j >= len(f.entries) {
			return
		}
		f.entries[r.index], f.entries[j] = f.entries[j], f.entries[r.index]
	default:
		m.setStatus("⇧↑/⇧↓ move elements of a repeated or map field", false)
	}
}

// selectCollectionRow puts the cursor on element / entry i of f (or the
// last one, or the field when it is empty).
func (m *Model) selectCollectionRow(f *fieldNode, i int, kind rowKind) {
	best := -1
	for j, r := range m.rows {
		if r.field == f && r.kind == kind {
			best = j
			if r.index >= i {
				break
			}
		}
		if r.field == f && r.kind == rowField && best < 0 {
			best = j
		}
	}
	if best >= 0 {
		m.cursor = best
	}
}

package form

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Editing one row in the form's text input, with a picker of choices for
// enums and Any types.

// startEdit opens the input of the cursor row, with extra text appended
// (a paste).
func (m Model) startEdit(extra string) (Model, tea.Cmd) {
	r := m.cur()
	if !r.textEditable() {
		return m, nil
	}
	v := r.val
	m.editBefore = m.snapshot()
	m.editing = true
	m.editID = r.id()
	m.editDirty = false
	m.input.Reset()
	m.input.SetValue(v.text)
	m.input.CursorEnd()
	m.input.Placeholder = placeholder(v.t)
	if r.kind == rowAnyType {
		m.input.Placeholder = "type name, e.g. package.Message"
	}
	m.input.SetWidth(max(m.columns().val-1, 1))
	m.candFilter, m.candFollows = false, false
	m.refreshCands()
	cmd := m.input.Focus()
	if extra != "" {
		var c tea.Cmd
		m.input, c = m.input.Update(tea.PasteMsg{Content: extra})
		m.inputChanged()
		cmd = tea.Batch(cmd, c)
	}
	return m, cmd
}

// editRow is the row being edited.
// StartsEditing reports whether the form, browsing its fields, would take
// a key as the first character typed into the cursor row's input (see
// keyMap): a host that has plain keys of its own can ask before taking one.
func (m Model) StartsEditing(msg tea.KeyPressMsg) bool {
	if !m.focused || m.editing || m.jsonMode {
		return false
	}
	c, ok := printableKey(msg)
	if !ok {
		return false
	}
	r := m.cur()
	switch r.kind {
	case rowAnyType:
		return true // a type name
	case rowElem, rowKey, rowMapVal:
		k := m.keys
		if key.Matches(msg, k.Add, k.Clear, k.MoveUp, k.MoveDown) {
			return false
		}
	}
	return r.textEditable() && r.val.t.w.startsValue(r.val.t, c)
}

// printableKey is the first character of a key that types text: no ctrl or
// alt, not blank (space activates a row).
func printableKey(msg tea.KeyPressMsg) (rune, bool) {
	if msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModMeta|tea.ModSuper|tea.ModHyper) != 0 {
		return 0, false
	}
	c, _ := utf8.DecodeRuneInString(msg.Text)
	if !unicode.IsPrint(c) || unicode.IsSpace(c) {
		return 0, false
	}
	return c, true
}

// startTyping opens the input of the cursor row with the key typed in it,
// in place of the text there.
func (m Model) startTyping(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	m, cmd := m.startEdit("")
	if !m.editing {
		return m, cmd
	}
	m.input.SetValue("")
	m, c := m.typeKey(msg)
	return m, tea.Batch(cmd, c)
}

func (m Model) editRow() (row, bool) {
	for _, r := range m.rows {
		if r.id() == m.editID {
			return r, true
		}
	}
	return row{}, false
}

func (m Model) updateEditing(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.ToggleJSON):
		m.commitEdit(false)
		return m.toggleJSON()
	case key.Matches(msg, k.Editor):
		m.commitEdit(false)
		return m.openEditor()
	case key.Matches(msg, k.Leave):
		m.commitEdit(false)
	case key.Matches(msg, k.Done):
		m.commitEdit(true)
	case key.Matches(msg, k.Next) && len(m.cands) > 0 && m.candFilter:
		m.input.SetValue(m.cands[m.candSel])
		m.input.CursorEnd()
		m.inputChanged()
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev):
		m.commitEdit(true)
		d := 1
		if key.Matches(msg, k.Prev) {
			d = -1
		}
		m.moveCursor(d)
		if m.cur().textEditable() {
			return m.startEdit("")
		}
	case len(m.cands) > 0 && key.Matches(msg, k.PickUp):
		m.candSel = max(0, m.candSel-1)
		m.candFollows = true
	case len(m.cands) > 0 && key.Matches(msg, k.PickDown):
		m.candSel = min(len(m.cands)-1, m.candSel+1)
		m.candFollows = true
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
		if msg.Text != "" { // j and k are text here
			return m.typeKey(msg)
		}
		m.commitEdit(false)
		if key.Matches(msg, k.Up) {
			m.moveCursor(-1)
		} else {
			m.moveCursor(1)
		}
	default:
		return m.typeKey(msg)
	}
	return m, nil
}

func (m Model) typeKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != before {
		m.inputChanged()
	}
	return m, cmd
}

// inputChanged mirrors the input into the value: what the user types is
// kept (and validated) as it is typed.
func (m *Model) inputChanged() {
	r, ok := m.editRow()
	if !ok {
		return
	}
	m.editDirty = true
	r.val.setText(m.input.Value(), m.ctx)
	if r.kind != rowAnyType {
		m.markSet(r)
	}
	m.candFilter = true
	m.refreshCands()
	m.rebuild()
}

// refreshCands recomputes the picker choices of the row being edited.
func (m *Model) refreshCands() {
	m.cands = nil
	r, ok := m.editRow()
	if !ok {
		return
	}
	var all []string
	switch {
	case r.kind == rowAnyType:
		for _, n := range m.ctx.anyTypeNames() {
			all = append(all, string(n))
		}
	default:
		if all = r.val.t.w.choices(r.val.t); all == nil {
			return
		}
	}
	text := strings.TrimSpace(m.input.Value())
	if !m.candFilter {
		m.cands = all
		m.candSel = 0
		for i, c := range all {
			if c == text || r.kind != rowAnyType && strings.EqualFold(c, text) {
				m.candSel = i
			}
		}
		return
	}
	lower := strings.ToLower(text)
	var exact, prefix, sub []string
	for _, c := range all {
		lc := strings.ToLower(c)
		switch {
		case lc == lower:
			exact = append(exact, c)
		case strings.HasPrefix(lc, lower):
			prefix = append(prefix, c)
		case strings.Contains(lc, lower):
			sub = append(sub, c)
		default:
			// For type names, also match the last part ("addr" → showcase.Address).
			if i := strings.LastIndexByte(lc, '.'); i >= 0 && strings.HasPrefix(lc[i+1:], lower) {
				sub = append(sub, c)
			}
		}
	}
	m.cands = append(append(exact, prefix...), sub...)
	m.candSel = 0
}

// commitEdit leaves the input. With pick (enter), the highlighted choice of
// a picker is taken and an explicit-presence field becomes set even when
// empty (its zero value). The typed text is kept even when invalid.
func (m *Model) commitEdit(pick bool) {
	r, ok := m.editRow()
	m.editing = false
	m.input.Blur()
	defer func() { m.cands = nil }()
	if !ok {
		m.rebuild()
		m.record(m.editBefore)
		return
	}
	v := r.val
	if pick && len(m.cands) > 0 && (m.candFilter || m.candFollows) {
		m.input.SetValue(m.cands[m.candSel])
		m.editDirty = true
	}
	if m.editDirty {
		v.setText(m.input.Value(), m.ctx)
	}
	v.t.w.commit(v)
	if r.kind == rowAnyType {
		m.commitAnyType(v)
	} else if pick || m.editDirty {
		m.markSet(r)
	}
	m.rebuild()
	m.record(m.editBefore)
}

// paste puts pasted text into the input being edited, or opens the input of
// the cursor row with it, or into the JSON text.
func (m Model) paste(msg tea.PasteMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case m.jsonMode:
		m.jsonEditing = true
		before := m.jsonNow()
		m.area, cmd = m.area.Update(msg)
		if m.area.Value() != before.text {
			m.recordJSON(before, "")
			m.jsonChanged()
		}
	case m.editing:
		before := m.input.Value()
		m.input, cmd = m.input.Update(msg)
		if m.input.Value() != before {
			m.inputChanged()
		}
	case m.cur().textEditable():
		return m.startEdit(msg.Content)
	default:
		m.setStatus("move to a text field to paste", false)
	}
	return m, cmd
}

package form

// The mouse, for a host that hit-tests its panes: the host says which line
// of View was clicked, or that the wheel turned over the form. Neither
// needs the focus: the host focuses the form after a click if it wants.

// ClickLine puts the cursor on the row drawn on line y of View (0 is the
// header line) and reports whether a row is there. While a field is
// edited, or in the JSON view, it does nothing: a click must not throw an
// edit away.
func (m *Model) ClickLine(y int) bool {
	if m.jsonMode || m.editing || y < 1 || len(m.rows) == 0 {
		return false
	}
	total := 0
	for i := range m.rows {
		total += m.rowLines(i)
	}
	// The first line drawn, as rowsView computes it.
	off := max(0, min(m.offset, total-m.bodyHeight()))
	line := off + y - 1
	start := 0
	for i := range m.rows {
		n := m.rowLines(i)
		if line >= start && line < start+n {
			m.cursor = i
			m.ensureVisible()
			return true
		}
		start += n
	}
	return false
}

// Scroll moves the cursor d rows (the JSON view's cursor d lines), as the
// wheel does; not while a field is edited.
func (m *Model) Scroll(d int) {
	switch {
	case m.editing:
	case m.jsonMode:
		for ; d < 0; d++ {
			m.area.CursorUp()
		}
		for ; d > 0; d-- {
			m.area.CursorDown()
		}
	default:
		m.cursor = max(0, min(m.cursor+d, len(m.rows)-1))
		m.ensureVisible()
	}
}

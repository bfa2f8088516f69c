package tui

// clickLine selects the entry drawn on line y of the history's content.
func (m *historyModel) clickLine(y int) {
	hdr := 1 // the column titles
	if m.err != nil {
		hdr++
	}
	i := m.offset + y - hdr
	if y < hdr || i >= len(m.entries) {
		return
	}
	m.cursor = i
	m.clamp()
}

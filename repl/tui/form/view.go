package form

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// The form renders as a header line, the rows (or the JSON text) and a footer
// line. A row is:
//
//	› ▾ name            type                 #12  value
//	      ✗ reason of an invalid value
//
// with the name indented by depth. Columns are sized from all rows (so they do
// not move while scrolling) and shrink to fit the width: long types are
// shortened from the left ("…protobuf.Timestamp"), values are truncated.

const (
	maxCands = 6 // picker choices shown under the input
	gap      = 1
)

// colWidths are the widths of the row columns (after the 2-cell cursor mark).
type colWidths struct {
	name, typ, num, val int
}

func (m Model) rowLabel(r row) string {
	switch r.kind {
	case rowOneof:
		return string(r.oneof.Name())
	case rowElem:
		return "[" + strconv.Itoa(r.index) + "]"
	case rowKey:
		return "key"
	case rowMapVal, rowAnyVal:
		return "value"
	case rowAnyType:
		return "@type"
	case rowEmpty:
		return "(empty)"
	}
	return string(r.field.fd.Name())
}

func (m Model) rowType(r row) string {
	switch r.kind {
	case rowField:
		return fieldTypeName(r.field.fd, m.pkg)
	case rowOneof:
		return "oneof"
	case rowElem:
		return elemTypeName(r.field.fd, m.pkg)
	case rowKey:
		return elemTypeName(r.field.fd.MapKey(), m.pkg)
	case rowMapVal:
		return elemTypeName(r.field.fd.MapValue(), m.pkg)
	case rowAnyVal:
		return valueTypeName(r.val.t, m.pkg)
	case rowAnyType:
		return "type"
	}
	return ""
}

func (m Model) rowNumber(r row) string {
	if r.kind == rowField {
		return "#" + strconv.Itoa(int(r.field.fd.Number()))
	}
	return ""
}

// rowMarker is the tree marker before the name.
func (m Model) rowMarker(r row) string {
	switch {
	case r.kind == rowKey:
		return "•"
	case r.kind == rowField && r.val == nil: // repeated / map
		if r.field.expanded {
			return "▾"
		}
		return "▸"
	case r.val != nil && r.kind != rowAnyType && r.val.t.expandable():
		if r.val.expanded && !r.unset() {
			return "▾"
		}
		return "▸"
	}
	return " "
}

func (m Model) columns() colWidths {
	avail := max(m.width, 20) - 2
	var name, typ, num int
	for _, r := range m.rows {
		if r.kind == rowEmpty {
			continue
		}
		name = max(name, r.depth*2+2+ansi.StringWidth(m.rowLabel(r)))
		typ = max(typ, ansi.StringWidth(m.rowType(r)))
		num = max(num, len(m.rowNumber(r)))
	}
	c := colWidths{
		name: min(name, max(12, avail*32/100)),
		typ:  min(typ, max(8, avail*28/100)),
		num:  num,
	}
	c.val = avail - c.name - c.typ - c.num - 3*gap
	const minVal = 16
	if c.val < minVal {
		d := min(minVal-c.val, max(0, c.typ-6))
		c.typ -= d
		c.val += d
	}
	if c.val < minVal {
		d := min(minVal-c.val, max(0, c.name-8))
		c.name -= d
		c.val += d
	}
	c.val = max(c.val, 1)
	return c
}

// bodyHeight is the number of lines for rows (or JSON text).
func (m Model) bodyHeight() int {
	if m.height <= 0 {
		return 1 << 30
	}
	return max(1, m.height-2)
}

// rowLines is how many lines row i takes.
func (m Model) rowLines(i int) int {
	n := 1
	if m.rowProblem(i) != "" {
		n++
	}
	if m.editing && i == m.cursor && len(m.cands) > 0 {
		n += min(len(m.cands), maxCands)
		if len(m.cands) > maxCands {
			n++
		}
	}
	return n
}

// rowProblem is the problem shown under row i: none while the user filters
// the choices of a picker on it.
func (m Model) rowProblem(i int) string {
	if m.editing && i == m.cursor && len(m.cands) > 0 {
		return ""
	}
	return m.rows[i].problem()
}

// ensureVisible scrolls so that the cursor row (with its error and picker
// lines) is on screen.
func (m *Model) ensureVisible() {
	if len(m.rows) == 0 {
		m.offset = 0
		return
	}
	m.cursor = max(0, min(m.cursor, len(m.rows)-1))
	start, total := 0, 0
	for i := range m.rows {
		if i == m.cursor {
			start = total
		}
		total += m.rowLines(i)
	}
	end := start + m.rowLines(m.cursor)
	h := m.bodyHeight()
	if start < m.offset {
		m.offset = start
	}
	if end > m.offset+h {
		m.offset = end - h
	}
	m.offset = max(0, min(m.offset, total-h))
}

// View renders the form.
func (m Model) View() string {
	width := max(m.width, 20)
	var lines []string
	lines = append(lines, m.headerView(width))
	if m.jsonMode {
		lines = append(lines, strings.Split(m.area.View(), "\n")...)
	} else {
		lines = append(lines, m.rowsView(width)...)
	}
	if m.height > 0 {
		for len(lines) < m.height-1 {
			lines = append(lines, "")
		}
		lines = lines[:max(1, m.height-1)]
	}
	lines = append(lines, m.footerView(width))
	return strings.Join(lines, "\n")
}

func (m Model) headerView(width int) string {
	s := m.styles
	title := s.Title.Render(ansi.Truncate(string(m.md.FullName()), max(width-24, 8), "…"))
	var right string
	switch {
	case m.jsonMode && m.jsonErr != nil:
		right = s.Mode.Render("json ") + s.Invalid.Render("✗ invalid JSON")
	case m.jsonMode:
		right = s.Mode.Render("json ") + s.Valid.Render("✓ valid")
	default:
		n := len(m.problems())
		mode := "form "
		if n == 0 {
			right = s.Mode.Render(mode) + s.Valid.Render("✓ valid")
		} else {
			right = s.Mode.Render(mode) + s.Invalid.Render(fmt.Sprintf("✗ %d invalid", n))
		}
	}
	gap := max(1, width-lipgloss.Width(title)-lipgloss.Width(right))
	return title + strings.Repeat(" ", gap) + right
}

func (m Model) footerView(width int) string {
	s := m.styles
	if m.status != "" {
		st := s.Status
		prefix := ""
		if m.statusErr {
			st, prefix = s.Error, "✗ "
		}
		return st.Render(ansi.Truncate(prefix+m.status, width, "…"))
	}
	if m.jsonMode {
		if m.jsonErr != nil {
			return s.Error.Render(ansi.Truncate("✗ "+m.jsonErr.Error(), width, "…"))
		}
		mode := "view"
		if m.jsonEditing {
			mode = "editing"
		}
		pos := fmt.Sprintf("JSON %s · line %d, column %d", mode, m.area.Line()+1, m.area.LineInfo().ColumnOffset+m.area.LineInfo().StartColumn+1)
		return s.Footer.Render(ansi.Truncate(pos, width, "…"))
	}
	if len(m.rows) == 0 {
		return ""
	}
	r := m.cur()
	if p := m.rowProblem(m.cursor); p != "" {
		return s.Error.Render(ansi.Truncate("✗ "+r.path+": "+p, width, "…"))
	}
	parts := []string{r.path}
	if t := m.rowFullType(r); t != "" {
		parts = append(parts, t)
	}
	if h := m.rowHint(r); h != "" {
		parts = append(parts, h)
	}
	return s.Footer.Render(ansi.Truncate(strings.Join(parts, " · "), width, "…"))
}

func (m Model) rowFullType(r row) string {
	switch r.kind {
	case rowField:
		return fieldTypeName(r.field.fd, "")
	case rowElem:
		return elemTypeName(r.field.fd, "")
	case rowKey:
		return elemTypeName(r.field.fd.MapKey(), "")
	case rowMapVal:
		return elemTypeName(r.field.fd.MapValue(), "")
	case rowAnyVal:
		return valueTypeName(r.val.t, "")
	case rowOneof:
		return "oneof: setting one member clears the others"
	}
	return ""
}

func (m Model) rowHint(r row) string {
	switch {
	case r.kind == rowOneof:
		return "←/→ pick the member"
	case r.kind == rowAnyType:
		return "enter: pick a type · ←/→ cycle"
	case r.kind == rowEmpty:
		return "a: add"
	case r.val == nil && r.field != nil && r.field.fd.IsMap():
		return "enter: expand · a: add an entry"
	case r.val == nil && r.field != nil:
		return "enter: expand · a: add an element"
	case r.unset():
		return r.val.t.w.unsetHint(r.val.t)
	case r.kind == rowField && r.field.explicit():
		unset := "x: unset"
		if r.textEditable() && r.val.t.w.startsValue(r.val.t, 'x') {
			unset = "del: unset" // x types here
		}
		return "set · " + unset + " · " + hint(r.val.t)
	}
	return hint(r.val.t)
}

// rowValue is the value column of a row (not being edited) and its style.
func (m Model) rowValue(r row, selected bool) (string, lipgloss.Style) {
	s := m.styles
	switch r.kind {
	case rowEmpty:
		return "", s.Default
	case rowOneof:
		if f := r.msg.oneofMember(r.oneof); f != nil {
			return string(f.fd.Name()), s.Oneof
		}
		return "none", s.Unset
	case rowAnyType:
		v := r.val
		switch {
		case v.text != "" && v.err != "":
			return v.text, s.Error
		case v.anyURL != "":
			return fmt.Sprintf("%s (unknown type, %d bytes kept)", v.anyURL, len(v.anyRaw)), s.Value
		case v.anyType != "":
			return string(v.anyType), s.Enum
		}
		return "choose a type", s.Unset
	}
	if r.val == nil { // repeated / map header
		f := r.field
		if f.fd.IsMap() {
			switch n := len(f.entries); n {
			case 0:
				return "{}", s.Default
			case 1:
				return "{1 entry}", s.Summary
			default:
				return fmt.Sprintf("{%d entries}", n), s.Summary
			}
		}
		switch n := len(f.elems); n {
		case 0:
			return "[]", s.Default
		case 1:
			return "[1 item]", s.Summary
		default:
			return fmt.Sprintf("[%d items]", n), s.Summary
		}
	}
	if r.unset() {
		return "unset", s.Unset
	}
	return r.val.t.w.display(s, r, selected)
}

// displayText shows control characters of a value visibly on one line.
func displayText(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	return strings.NewReplacer("\n", "⏎", "\r", "␍", "\t", "⇥").Replace(s)
}

// shortenType fits a type name into w cells: the package part goes
// first ("…protobuf.Timestamp"), then the end is cut.
func shortenType(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	prefix := ""
	for _, p := range []string{"repeated ", "optional "} {
		if strings.HasPrefix(s, p) {
			prefix, s = p, s[len(p):]
		}
	}
	if !strings.Contains(s, "<") {
		rest := s
		for {
			i := strings.IndexByte(rest, '.')
			if i < 0 {
				break
			}
			rest = rest[i+1:]
			if c := prefix + "…" + rest; ansi.StringWidth(c) <= w {
				return c
			}
		}
		if prefix != "" {
			return shortenType(strings.TrimSpace(prefix)[:3]+" "+s, w)
		}
	}
	return ansi.Truncate(prefix+s, w, "…")
}

// renderForm renders with a style, leaving blanks unstyled unless they carry
// a background.
type renderForm struct {
	st lipgloss.Style
	bg bool
}

func (r renderForm) Render(s string) string {
	if !r.bg && strings.TrimSpace(s) == "" {
		return s
	}
	return r.st.Render(s)
}

// pad pads or truncates s to exactly w cells.
func pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

func (m Model) rowsView(width int) []string {
	if len(m.rows) == 0 {
		return []string{"  " + m.styles.Default.Render("(no fields: the request is empty)")}
	}
	cols := m.columns()
	var all []string
	for i, r := range m.rows {
		all = append(all, m.rowView(i, r, cols, width)...)
	}
	h := m.bodyHeight()
	off := max(0, min(m.offset, len(all)-h))
	end := min(len(all), off+h)
	out := all[off:end]
	if len(all) > h && h >= 3 {
		// Scroll hints on the first / last line when there is more.
		if off > 0 {
			out[0] = m.scrollHint(out[0], fmt.Sprintf("↑ %d more", off), width)
		}
		if end < len(all) {
			out[len(out)-1] = m.scrollHint(out[len(out)-1], fmt.Sprintf("↓ %d more", len(all)-end), width)
		}
	}
	return out
}

// scrollHint writes a hint at the right end of a line if there is room.
func (m Model) scrollHint(line, hint string, width int) string {
	w := ansi.StringWidth(hint) + 1
	lw := lipgloss.Width(line)
	if lw+w > width {
		// No room after the row: the hint takes the row's end, so that
		// it shows at every width (it vanished on a full first row).
		if width <= w {
			return m.styles.Footer.Render(ansi.Truncate(hint, width, ""))
		}
		line = ansi.Truncate(line, width-w, "…")
		lw = lipgloss.Width(line)
	}
	return line + strings.Repeat(" ", width-w-lw) + " " + m.styles.Footer.Render(hint)
}

func (m Model) rowView(i int, r row, cols colWidths, width int) []string {
	s := m.styles
	selected := i == m.cursor
	withBG := selected && m.focused && s.SelectedBG != nil && !m.editing
	bg := func(st lipgloss.Style) renderForm {
		if withBG {
			return renderForm{st.Background(s.SelectedBG), true}
		}
		return renderForm{st, false}
	}
	mark := "  "
	if selected {
		mark = "› "
		if !m.focused {
			mark = "· "
		}
	}
	indent := strings.Repeat(" ", r.depth*2)
	nameSt := s.Name
	switch {
	case r.kind == rowOneof:
		nameSt = s.Oneof
	case r.kind == rowEmpty:
		nameSt = s.Default
	case r.kind == rowField && r.field.present():
		nameSt = s.NameSet
	}
	if selected && s.profile == colorprofile.ASCII {
		nameSt = nameSt.Bold(true)
	}
	nameW := max(0, cols.name-len(indent)-2)
	var b strings.Builder
	b.WriteString(bg(s.Cursor).Render(mark))
	b.WriteString(bg(lipgloss.NewStyle()).Render(indent))
	b.WriteString(bg(s.Marker).Render(m.rowMarker(r) + " "))
	b.WriteString(bg(nameSt).Render(pad(m.rowLabel(r), nameW)))
	b.WriteString(bg(lipgloss.NewStyle()).Render(" "))
	b.WriteString(bg(s.Type).Render(pad(shortenType(m.rowType(r), cols.typ), cols.typ)))
	b.WriteString(bg(lipgloss.NewStyle()).Render(" "))
	num := m.rowNumber(r)
	b.WriteString(bg(s.Number).Render(strings.Repeat(" ", max(0, cols.num-len(num))) + num))
	b.WriteString(bg(lipgloss.NewStyle()).Render(" "))
	editingThis := m.editing && selected
	if editingThis {
		b.WriteString(ansi.Truncate(m.input.View(), cols.val, ""))
	} else {
		text, st := m.rowValue(r, selected && m.focused)
		text = ansi.Truncate(text, cols.val, "…")
		b.WriteString(bg(st).Render(text))
		if pad := cols.val - ansi.StringWidth(text); pad > 0 && withBG {
			b.WriteString(bg(lipgloss.NewStyle()).Render(strings.Repeat(" ", pad)))
		}
	}
	lines := []string{strings.TrimRight(b.String(), " ")}
	if p := m.rowProblem(i); p != "" {
		pre := "  " + indent + "  "
		lines = append(lines, pre+s.Error.Render(ansi.Truncate("✗ "+p, max(1, width-len(pre)), "…")))
	}
	if editingThis && len(m.cands) > 0 {
		pre := strings.Repeat(" ", 2+cols.name+cols.typ+cols.num+3*gap)
		first := 0
		if m.candSel >= maxCands {
			first = m.candSel - maxCands + 1
		}
		last := min(len(m.cands), first+maxCands)
		for j := first; j < last; j++ {
			c := ansi.Truncate(m.cands[j], max(1, cols.val-2), "…")
			if j == m.candSel {
				lines = append(lines, pre+s.CandidateS.Render("▸ "+c))
			} else {
				lines = append(lines, pre+s.Candidate.Render("  "+c))
			}
		}
		if len(m.cands) > maxCands {
			lines = append(lines, pre+s.Footer.Render(fmt.Sprintf("  %d of %d · type to filter", m.candSel+1, len(m.cands))))
		}
	}
	return lines
}

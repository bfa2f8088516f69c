package form

import (
	"sort"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Undo and redo. The form's history holds whole copies of the value tree
// (forms are small, and a copy is the one way to bring back invalid text,
// oneof members not chosen and Any values of other types exactly); a change
// is recorded when the tree's fingerprint (values, not what is expanded)
// differs after a key. One edit of an input is one step. The JSON view keeps
// its own history of the text, with a run of typed characters (up to a
// blank) or of deletions as one step. Both are bounded.

const (
	maxUndo          = 100     // steps kept by each history
	maxJSONUndoBytes = 8 << 20 // text kept by the JSON view's history
)

// formState is the form's value tree at one point, with where the cursor was.
type formState struct {
	root       *msgNode
	fp         string // fingerprint of root
	cursorPath string
	cursorKind rowKind
}

// jsonState is the JSON text at one point, with the cursor.
type jsonState struct {
	text      string
	line, col int
}

// history is shared by the copies of a Model, like the value tree.
type history struct {
	undo, redo []formState

	jsonUndo, jsonRedo []jsonState
	jsonGroup          string // the kind of the last JSON change, to merge runs
}

// snapshot copies the value tree and the cursor.
func (m *Model) snapshot() formState {
	st := formState{root: cloneMsg(m.root), fp: fingerprint(m.root)}
	if r := m.cur(); r.kind != rowEmpty || r.field != nil {
		st.cursorPath, st.cursorKind = r.path, r.kind
	}
	return st
}

// record keeps before as an undo step if the tree changed since.
func (m *Model) record(before formState) {
	h := m.hist
	if h == nil || fingerprint(m.root) == before.fp {
		return
	}
	if n := len(h.undo); n > 0 && h.undo[n-1].fp == before.fp {
		h.redo = nil // a step within a step (an input opened by a key): kept once
		return
	}
	h.undo = pushBounded(h.undo, before)
	h.redo = nil
}

func pushBounded[T any](s []T, e T) []T {
	if len(s) >= maxUndo {
		s = append(s[:0], s[len(s)-maxUndo+1:]...)
	}
	return append(s, e)
}

// undoForm brings back the tree before the last change (redo: the reverse).
func (m *Model) undoForm(redo bool) {
	h := m.hist
	from, to := &h.undo, &h.redo
	word := "undo"
	if redo {
		from, to, word = &h.redo, &h.undo, "redo"
	}
	if len(*from) == 0 {
		m.setStatus("nothing to "+word, false)
		return
	}
	st := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = pushBounded(*to, m.snapshot())
	m.restore(st)
	if redo {
		m.setStatus("redone", false)
	} else {
		m.setStatus("undone (ctrl+y redoes)", false)
	}
}

// restore puts a state's tree in the form (a copy: the state stays as it
// was in case it is restored again).
func (m *Model) restore(st formState) {
	m.root = cloneMsg(st.root)
	m.editing = false
	m.input.Blur()
	m.cands = nil
	m.rows = rowsOf(m.root)
	for i, r := range m.rows {
		if r.path == st.cursorPath && r.kind == st.cursorKind {
			m.cursor = i
			m.ensureVisible()
			return
		}
	}
	m.gotoPath(st.cursorPath)
	m.ensureVisible()
}

// ---------------------------------------------------------------------------
// The JSON view's history.

func (m *Model) jsonNow() jsonState {
	return jsonState{text: m.area.Value(), line: m.area.Line(), col: m.area.Column()}
}

// recordJSON keeps the text before a change as a step; a change of the same
// group as the one before (typing a word, deleting) joins its step.
func (m *Model) recordJSON(before jsonState, group string) {
	h := m.hist
	if h == nil {
		return
	}
	if group != "" && group == h.jsonGroup && len(h.jsonUndo) > 0 {
		h.jsonRedo = nil
		return
	}
	h.jsonGroup = group
	h.jsonUndo = pushBounded(h.jsonUndo, before)
	total := 0
	for _, s := range h.jsonUndo {
		total += len(s.text)
	}
	for len(h.jsonUndo) > 1 && total > maxJSONUndoBytes {
		total -= len(h.jsonUndo[0].text)
		h.jsonUndo = h.jsonUndo[1:]
	}
	h.jsonRedo = nil
}

// jsonGroupOf is the group of a key that changed the JSON text: typing a
// character that is not blank, or deleting one; "" for anything else (its
// own step).
func jsonGroupOf(msg tea.KeyPressMsg) string {
	switch {
	case msg.Code == tea.KeyBackspace || msg.Code == tea.KeyDelete:
		return "delete"
	case msg.Text != "" && strings.TrimSpace(msg.Text) == msg.Text && msg.Mod&^tea.ModShift == 0:
		return "type"
	}
	return ""
}

// resetJSONHistory starts the history of a new JSON text.
func (m *Model) resetJSONHistory() {
	if m.hist != nil {
		m.hist.jsonUndo, m.hist.jsonRedo, m.hist.jsonGroup = nil, nil, ""
	}
}

func (m *Model) undoJSON(redo bool) {
	h := m.hist
	from, to := &h.jsonUndo, &h.jsonRedo
	word := "undo"
	if redo {
		from, to, word = &h.jsonRedo, &h.jsonUndo, "redo"
	}
	h.jsonGroup = ""
	if len(*from) == 0 {
		m.setStatus("nothing to "+word+" in the JSON text", false)
		return
	}
	st := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = pushBounded(*to, m.jsonNow())
	m.setJSONText(st)
}

// setJSONText replaces the JSON text and puts the cursor at line, col.
func (m *Model) setJSONText(st jsonState) {
	m.area.SetValue(st.text)
	m.fitArea()
	m.area.MoveToBegin()
	for i := 0; i < 1<<20 && m.area.Line() < st.line; i++ {
		m.area.CursorDown()
	}
	m.area.SetCursorColumn(st.col)
	m.jsonChanged()
}

// ---------------------------------------------------------------------------
// Copying and comparing value trees.

func cloneMsg(fm *msgNode) *msgNode {
	if fm == nil {
		return nil
	}
	out := &msgNode{md: fm.md, fields: make([]*fieldNode, len(fm.fields))}
	for i, f := range fm.fields {
		g := *f
		g.val = cloneValue(f.val)
		if f.elems != nil {
			g.elems = make([]*valueNode, len(f.elems))
			for j, e := range f.elems {
				g.elems[j] = cloneValue(e)
			}
		}
		if f.entries != nil {
			g.entries = make([]*entryNode, len(f.entries))
			for j, e := range f.entries {
				g.entries[j] = &entryNode{key: cloneValue(e.key), val: cloneValue(e.val)}
			}
		}
		out.fields[i] = &g
	}
	return out
}

func cloneValue(v *valueNode) *valueNode {
	if v == nil {
		return nil
	}
	w := *v
	w.msg = cloneMsg(v.msg)
	if v.anyVals != nil {
		w.anyVals = make(map[protoreflect.FullName]*valueNode, len(v.anyVals))
		for k, a := range v.anyVals {
			w.anyVals[k] = cloneValue(a)
		}
	}
	// anyRaw is never changed in place: shared.
	return &w
}

// fingerprint writes down the values of a tree (what would be sent, and the
// text kept for the user), not what is expanded, to tell whether a key
// changed anything. Values left empty write nothing, so that a nested form
// made when first expanded changes nothing.
func fingerprint(fm *msgNode) string {
	var b strings.Builder
	fingerprintMsg(&b, fm)
	return b.String()
}

func fingerprintMsg(b *strings.Builder, fm *msgNode) {
	if fm == nil {
		return
	}
	for _, f := range fm.fields {
		var fb strings.Builder
		if f.set {
			fb.WriteByte('!')
		}
		for _, e := range f.elems {
			fb.WriteByte('[')
			fingerprintValue(&fb, e)
			fb.WriteByte(']')
		}
		for _, e := range f.entries {
			fb.WriteByte('<')
			fingerprintValue(&fb, e.key)
			fb.WriteByte('=')
			fingerprintValue(&fb, e.val)
			fb.WriteByte('>')
		}
		if f.val != nil {
			fingerprintValue(&fb, f.val)
		}
		if fb.Len() > 0 {
			b.WriteString(strconv.Itoa(int(f.fd.Number())) + "(" + fb.String() + ")")
		}
	}
}

func fingerprintValue(b *strings.Builder, v *valueNode) {
	if v.text != "" {
		b.WriteString(strconv.Quote(v.text))
	}
	if v.b {
		b.WriteByte('T')
	}
	if v.anyType != "" || v.anyURL != "" {
		b.WriteString("@" + strconv.Quote(string(v.anyType)) + strconv.Quote(v.anyURL) + strconv.Itoa(len(v.anyRaw)))
	}
	names := make([]string, 0, len(v.anyVals))
	for n := range v.anyVals {
		names = append(names, string(n))
	}
	sort.Strings(names)
	for _, n := range names {
		var ib strings.Builder
		fingerprintValue(&ib, v.anyVals[protoreflect.FullName(n)])
		if ib.Len() > 0 {
			b.WriteString("@" + n + "(" + ib.String() + ")")
		}
	}
	if v.msg != nil {
		var mb strings.Builder
		fingerprintMsg(&mb, v.msg)
		if mb.Len() > 0 {
			b.WriteString("{" + mb.String() + "}")
		}
	}
}

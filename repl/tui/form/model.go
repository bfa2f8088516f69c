package form

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// Resolver resolves the message types that a google.protobuf.Any field
// can hold. *protoregistry.Types satisfies it; if the resolver also has
// RangeMessages(func(protoreflect.MessageType) bool) (as *protoregistry.Types
// does), the Any type picker offers every message it ranges over, unless
// Options.AnyTypes lists the choices (use that with dynamicpb.Types).
type Resolver interface {
	FindMessageByName(message protoreflect.FullName) (protoreflect.MessageType, error)
	FindMessageByURL(url string) (protoreflect.MessageType, error)
}

// Options configures a request form.
type Options struct {
	// Resolver finds the types of Any values (nil: protoregistry.GlobalTypes).
	Resolver Resolver
	// AnyTypes are the choices of the Any type picker (nil: every message the
	// resolver ranges over).
	AnyTypes []protoreflect.FullName
	// Width and Height of the component (SetSize changes them).
	Width, Height int
	// Profile is the terminal's color profile: colorprofile.ASCII (NO_COLOR)
	// renders without colors, NoTTY without any attribute. Unknown (the zero
	// value) renders in full color and leaves downsampling to the program.
	// A tea.ColorProfileMsg passed to Update changes it.
	Profile colorprofile.Profile
	// LightBackground picks colors for a light terminal background (a
	// tea.BackgroundColorMsg passed to Update changes it).
	LightBackground bool
}

var lastID atomic.Int64

// Model is the request form: a message as rows of fields, edited in
// place, or as JSON text.
type Model struct {
	id     int64
	md     protoreflect.MessageDescriptor
	pkg    protoreflect.FullName
	root   *msgNode
	ctx    *valueCtx
	styles styles
	keys   keyMap

	width, height int
	focused       bool

	rows   []row
	cursor int
	offset int // first visible line of the rows

	// Editing one row.
	editing     bool
	editID      rowID
	editDirty   bool // the user changed the text
	input       textinput.Model
	cands       []string // picker choices (enum values, Any types)
	candSel     int
	candFilter  bool // filter the choices by the input text
	candFollows bool // the user moved through the choices

	// JSON view.
	jsonMode    bool
	jsonEditing bool
	area        textarea.Model
	jsonOrig    string // the JSON the form produced (unchanged: no reload)
	jsonErr     error

	status    string
	statusErr bool

	execEditor execFunc
}

// New builds a form for messages of md.
func New(md protoreflect.MessageDescriptor, opts Options) Model {
	m := Model{
		id:         lastID.Add(1),
		md:         md,
		pkg:        md.ParentFile().Package(),
		root:       newMsgNode(md),
		ctx:        &valueCtx{res: opts.Resolver, anyNames: sortedNames(opts.AnyTypes), now: clockNow},
		keys:       newKeyMap(),
		input:      textinput.New(),
		area:       textarea.New(),
		execEditor: tea.ExecProcess,
	}
	m.input.Prompt = ""
	m.area.ShowLineNumbers = true
	m.area.MaxContentHeight = 1 << 30 // no limit on the lines (MaxHeight only sizes the gutter)
	m.area.MaxWidth = 0
	m.area.CharLimit = 0
	m.area.Prompt = ""
	m.area.KeyMap.InsertNewline.SetKeys("enter", "ctrl+m")
	m.setStyles(newStyles(opts.Profile, !opts.LightBackground))
	m.SetSize(opts.Width, opts.Height)
	m.rebuild()
	return m
}

func sortedNames(names []protoreflect.FullName) []protoreflect.FullName {
	if names == nil {
		return nil
	}
	out := append([]protoreflect.FullName{}, names...)
	sortNames(out)
	return out
}

func (m *Model) setStyles(s styles) {
	m.styles = s
	m.input.SetStyles(s.textInputStyles())
	m.area.SetStyles(s.textAreaStyles())
}

// SetSize sets the size the form renders in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.fitArea()
	m.input.SetWidth(max(m.columns().val-1, 1))
	m.ensureVisible()
}

// fitArea sizes the JSON text area; its line-number gutter is as wide as
// the digits of MaxHeight, so MaxHeight grows with the number of lines.
func (m *Model) fitArea() {
	maxH := 99
	for maxH < m.area.LineCount()+1 || maxH < m.height {
		maxH = maxH*10 + 9
	}
	m.area.MaxHeight = maxH
	m.area.SetWidth(max(m.width, 10))
	m.area.SetHeight(max(min(m.bodyHeight(), maxH), 1))
}

// Focus gives the form the keyboard.
func (m *Model) Focus() tea.Cmd {
	m.focused = true
	if m.jsonMode {
		return m.area.Focus()
	}
	if m.editing {
		return m.input.Focus()
	}
	return nil
}

// Blur takes the keyboard away (a field being edited stays in its input).
func (m *Model) Blur() {
	m.focused = false
	m.input.Blur()
	m.area.Blur()
}

// Focused reports whether the form has the keyboard.
func (m Model) Focused() bool { return m.focused }

// Editing reports whether keys go to an input (a field, or the JSON text) so
// that the app does not take printable keys as shortcuts.
func (m Model) Editing() bool { return m.editing || m.jsonMode && m.jsonEditing }

// Descriptor is the message type of the form.
func (m Model) Descriptor() protoreflect.MessageDescriptor { return m.md }

// Message builds the request. It fails, naming the field path (e.g.
// "address.geo.lat: not a number"), while any value is invalid; in the JSON
// view it parses the JSON text (the error gives line and column).
func (m Model) Message() (*dynamicpb.Message, error) {
	if m.jsonMode {
		return parseJSON(m.area.Value(), m.md, m.ctx)
	}
	dm := dynamicpb.NewMessage(m.md)
	if err := m.root.build(dm, m.ctx, ""); err != nil {
		return nil, err
	}
	return dm, nil
}

// SetMessage loads a message (from history, a file, ...) into the form;
// the form's fields that were expanded stay expanded.
func (m *Model) SetMessage(pm proto.Message) error {
	if pm == nil {
		m.loadMessage(nil)
		return nil
	}
	src := pm.ProtoReflect()
	if src.Descriptor().FullName() != m.md.FullName() {
		return fmt.Errorf("the form is for %s, not %s", m.md.FullName(), src.Descriptor().FullName())
	}
	if src.Descriptor() != m.md {
		b, err := proto.Marshal(pm)
		if err != nil {
			return err
		}
		dm := dynamicpb.NewMessage(m.md)
		if err := (proto.UnmarshalOptions{Resolver: m.ctx.protoResolver()}).Unmarshal(b, dm); err != nil {
			return err
		}
		src = dm
	}
	m.loadMessage(src)
	if m.jsonMode {
		m.enterJSON()
	}
	return nil
}

// JSON is the request as indented JSON: in the JSON view the text as it
// stands, in the form the JSON of Message() ("" while a field is invalid).
func (m Model) JSON() string {
	if m.jsonMode {
		return m.area.Value()
	}
	dm, err := m.Message()
	if err != nil {
		return ""
	}
	s, err := marshalJSON(dm, m.ctx)
	if err != nil {
		return ""
	}
	return s
}

// Valid reports whether Message() would succeed (without reading @files).
func (m Model) Valid() bool {
	if m.jsonMode {
		return m.jsonErr == nil
	}
	return len(m.problems()) == 0
}

func (m Model) problems() []fieldProblem {
	var out []fieldProblem
	m.root.check("", &out)
	return out
}

// KeyMap returns the bindings that apply now, for bubbles/help.
func (m Model) KeyMap() help.KeyMap {
	k := m.keys
	switch {
	case m.jsonMode && m.jsonEditing:
		return helpKeys{
			short: []key.Binding{k.JSONLeave, k.ToggleJSON, k.Editor},
			full:  [][]key.Binding{{k.JSONLeave, k.ToggleJSON, k.Editor}},
		}
	case m.jsonMode:
		return helpKeys{
			short: []key.Binding{k.JSONEdit, k.JSONToggleAlt, k.JSONEditor, k.ToggleJSON},
			full: [][]key.Binding{
				{k.JSONScrollUp, k.JSONScrollDn, k.JSONPageUp, k.JSONPageDown},
				{k.JSONEdit, k.JSONEditor, k.Editor},
				{k.ToggleJSON, k.JSONToggleAlt},
			},
		}
	case m.editing:
		pickUp, pickDown := k.PickUp, k.PickDown
		pickUp.SetEnabled(len(m.cands) > 0)
		pickDown.SetEnabled(len(m.cands) > 0)
		next := k.Next
		if len(m.cands) > 0 {
			next.SetHelp("tab", "complete")
		}
		return helpKeys{
			short: []key.Binding{k.Done, k.Leave, next, pickUp, pickDown},
			full:  [][]key.Binding{{k.Done, k.Leave}, {next, k.Prev, pickUp, pickDown}, {k.ToggleJSON, k.Editor}},
		}
	}
	r := m.cur()
	add, clr, mvUp, mvDown := k.Add, k.Clear, k.MoveUp, k.MoveDown
	inColl := r.field != nil && (r.field.fd.IsList() || r.field.fd.IsMap())
	add.SetEnabled(inColl)
	movable := r.kind == rowElem || r.kind == rowKey || r.kind == rowMapVal
	mvUp.SetEnabled(movable)
	mvDown.SetEnabled(movable)
	if movable {
		clr.SetHelp("x", "remove")
	}
	toggle := k.ToggleJSON
	toggle.SetHelp("ctrl+j/J", "JSON")
	move := key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑↓", "move"))
	act := k.Activate
	act.SetHelp("enter", "edit")
	shortClr := clr
	if !movable {
		shortClr.SetHelp("x", "unset")
	}
	editor := k.Editor
	editor.SetHelp("ctrl+e", "$EDITOR")
	return helpKeys{
		short: []key.Binding{move, act, add, shortClr, toggle, editor},
		full: [][]key.Binding{
			{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
			{k.Activate, k.Expand, k.Collapse, clr},
			{add, mvUp, mvDown},
			{toggle, k.Editor},
		},
	}
}

// Update handles keys, paste, the $EDITOR result and color changes.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.ColorProfileMsg:
		m.setStyles(newStyles(msg.Profile, m.styles.isDark))
		return m, nil
	case tea.BackgroundColorMsg:
		m.setStyles(newStyles(m.styles.profile, msg.IsDark()))
		return m, nil
	case editorMsg:
		if msg.id == m.id {
			m.applyEditor(msg)
		}
		return m, nil
	}
	if !m.focused {
		return m, nil
	}
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		m.status, m.statusErr = "", false
		switch {
		case m.jsonMode:
			m, cmd = m.updateJSON(msg)
		case m.editing:
			m, cmd = m.updateEditing(msg)
		default:
			m, cmd = m.updateBrowse(msg)
		}
		m.ensureVisible()
		return m, cmd
	case tea.PasteMsg:
		m, cmd = m.paste(msg)
		m.ensureVisible()
		return m, cmd
	}
	// Anything else (cursor blinks, ...) goes to the active input.
	switch {
	case m.jsonMode:
		m.area, cmd = m.area.Update(msg)
	case m.editing:
		m.input, cmd = m.input.Update(msg)
	}
	return m, cmd
}

// ---------------------------------------------------------------------------
// Browsing.

func (m Model) cur() row {
	if m.cursor >= 0 && m.cursor < len(m.rows) {
		return m.rows[m.cursor]
	}
	return row{kind: rowEmpty}
}

func (m Model) updateBrowse(msg tea.KeyPressMsg) (Model, tea.Cmd) {
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

// cycleOneof moves a oneof through none, member 1, member 2, ...
func (m *Model) cycleOneof(r row, delta int) {
	var members []*fieldNode
	cur := -1
	for _, f := range r.msg.fields {
		if f.fd.ContainingOneof() == r.oneof {
			if f.set {
				cur = len(members)
			}
			members = append(members, f)
		}
	}
	n := len(members) + 1
	next := ((cur+1+delta)%n+n)%n - 1
	for _, f := range members {
		f.set = false
	}
	if next >= 0 {
		r.msg.setField(members[next])
	}
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

// ---------------------------------------------------------------------------
// Editing one row.

// startEdit opens the input of the cursor row, with extra text appended
// (a paste).
func (m Model) startEdit(extra string) (Model, tea.Cmd) {
	r := m.cur()
	if !r.textEditable() {
		return m, nil
	}
	v := r.val
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
}

// paste puts pasted text into the input being edited, or opens the input of
// the cursor row with it, or into the JSON text.
func (m Model) paste(msg tea.PasteMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case m.jsonMode:
		m.jsonEditing = true
		before := m.area.Value()
		m.area, cmd = m.area.Update(msg)
		if m.area.Value() != before {
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

// ---------------------------------------------------------------------------
// JSON view.

// enterJSON shows the JSON text of the current form.
func (m *Model) enterJSON() bool {
	dm, err := m.Message()
	if err != nil {
		m.setStatus("fix this first: "+err.Error(), true)
		var fe *fieldError
		if errors.As(err, &fe) {
			m.gotoPath(fe.Path)
		}
		return false
	}
	text, err := marshalJSON(dm, m.ctx)
	if err != nil {
		m.setStatus("cannot show JSON: "+err.Error(), true)
		return false
	}
	m.showJSON(text)
	m.jsonOrig = text
	return true
}

// showJSON switches to the JSON view with text.
func (m *Model) showJSON(text string) {
	m.jsonMode = true
	m.jsonEditing = false
	m.jsonErr = nil
	m.jsonOrig = ""
	m.area.SetValue(text)
	m.fitArea()
	m.area.MoveToBegin()
	if m.focused {
		m.area.Focus()
	}
}

func (m Model) toggleJSON() (Model, tea.Cmd) {
	if !m.jsonMode {
		m.enterJSON()
		return m, nil
	}
	text := m.area.Value()
	if text == m.jsonOrig {
		m.leaveJSON()
		return m, nil
	}
	dm, err := parseJSON(text, m.md, m.ctx)
	if err != nil {
		m.jsonErr = err
		m.moveAreaTo(err)
		m.setStatus(err.Error()+" (fix it to go back to the form)", true)
		return m, nil
	}
	m.loadMessage(dm)
	m.leaveJSON()
	return m, nil
}

func (m *Model) leaveJSON() {
	m.jsonMode, m.jsonEditing, m.jsonErr = false, false, nil
	m.area.Blur()
}

func (m Model) updateJSON(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.ToggleJSON), !m.jsonEditing && key.Matches(msg, k.JSONToggleAlt):
		return m.toggleJSON()
	case key.Matches(msg, k.Editor), !m.jsonEditing && key.Matches(msg, k.JSONEditor):
		return m.openEditor()
	}
	var cmd tea.Cmd
	if m.jsonEditing {
		if key.Matches(msg, k.JSONLeave) {
			m.jsonEditing = false
			return m, nil
		}
		before := m.area.Value()
		m.area, cmd = m.area.Update(msg)
		if m.area.Value() != before {
			m.jsonChanged()
		}
		return m, cmd
	}
	var nav tea.KeyPressMsg
	switch {
	case key.Matches(msg, k.JSONEdit):
		m.jsonEditing = true
		return m, m.area.Focus()
	case key.Matches(msg, k.JSONScrollUp):
		nav = tea.KeyPressMsg{Code: tea.KeyUp}
	case key.Matches(msg, k.JSONScrollDn):
		nav = tea.KeyPressMsg{Code: tea.KeyDown}
	case key.Matches(msg, k.JSONPageUp):
		nav = tea.KeyPressMsg{Code: tea.KeyPgUp}
	case key.Matches(msg, k.JSONPageDown):
		nav = tea.KeyPressMsg{Code: tea.KeyPgDown}
	case key.Matches(msg, k.Top):
		m.area.MoveToBegin()
		return m, nil
	case key.Matches(msg, k.Bottom):
		m.area.MoveToEnd()
		return m, nil
	case msg.Code == tea.KeyLeft || msg.Code == tea.KeyRight || msg.Code == tea.KeyHome || msg.Code == tea.KeyEnd:
		nav = msg
	default:
		return m, nil
	}
	m.area, cmd = m.area.Update(nav)
	return m, cmd
}

// jsonChanged validates the JSON text as it is typed.
func (m *Model) jsonChanged() {
	m.fitArea()
	_, err := parseJSON(m.area.Value(), m.md, m.ctx)
	m.jsonErr = err
}

// moveAreaTo puts the JSON cursor where an error points.
func (m *Model) moveAreaTo(err error) {
	var je *dynamic.JSONError
	if !errors.As(err, &je) || je.Line == 0 {
		return
	}
	m.area.MoveToBegin()
	for i := 0; i < 100000 && m.area.Line() < je.Line-1; i++ {
		m.area.CursorDown()
	}
	m.area.SetCursorColumn(je.Col - 1)
}

// ---------------------------------------------------------------------------
// $EDITOR

func (m Model) openEditor() (Model, tea.Cmd) {
	var text string
	if m.jsonMode {
		text = m.area.Value()
	} else {
		dm, err := m.Message()
		if err != nil {
			m.setStatus("fix this first: "+err.Error(), true)
			var fe *fieldError
			if errors.As(err, &fe) {
				m.gotoPath(fe.Path)
			}
			return m, nil
		}
		if text, err = marshalJSON(dm, m.ctx); err != nil {
			m.setStatus(err.Error(), true)
			return m, nil
		}
	}
	return m, editCmd(m.id, text+"\n", m.execEditor)
}

// applyEditor takes the JSON back from $EDITOR: a valid request is loaded
// into the form; an invalid one is shown in the JSON view with its error (the
// text is kept).
func (m *Model) applyEditor(msg editorMsg) {
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		return
	}
	text := strings.TrimRight(msg.text, "\n")
	dm, err := parseJSON(text, m.md, m.ctx)
	if err != nil {
		m.showJSON(text)
		m.jsonErr = err
		m.moveAreaTo(err)
		m.setStatus("the edited JSON has an error", true)
		return
	}
	m.loadMessage(dm)
	if m.jsonMode {
		m.showJSON(text)
		m.jsonOrig = text
	}
	m.setStatus("loaded the request from $EDITOR", false)
}

// loadMessage replaces the form's content (nil: empty), keeping what was
// expanded expanded.
func (m *Model) loadMessage(src protoreflect.Message) {
	exp := map[string]bool{}
	walk(m.root, "", func(k string, f *fieldNode, v *valueNode) {
		if f != nil && f.expanded || v != nil && v.expanded {
			exp[k] = true
		}
	})
	root := newMsgNode(m.md)
	if src != nil {
		root.load(src, m.ctx)
	}
	walk(root, "", func(k string, f *fieldNode, v *valueNode) {
		if !exp[k] {
			return
		}
		if f != nil {
			f.expanded = true
		}
		if v != nil {
			v.expanded = true
		}
	})
	m.root = root
	m.editing = false
	m.input.Blur()
	m.rows = nil
	m.rebuild()
}

// walk calls fn for every field (v nil) and value (f nil) of a form that
// exists, with a key naming its place.
func walk(fm *msgNode, prefix string, fn func(key string, f *fieldNode, v *valueNode)) {
	for _, f := range fm.fields {
		path := pathJoin(prefix, string(f.fd.Name()))
		fn(path, f, nil)
		switch {
		case f.fd.IsList():
			for i, e := range f.elems {
				walkValue(e, fmt.Sprintf("%s[%d]", path, i), fn)
			}
		case f.fd.IsMap():
			for _, e := range f.entries {
				walkValue(e.val, mapKeyPath(path, e.key), fn)
			}
		default:
			walkValue(f.val, path, fn)
		}
	}
}

func walkValue(v *valueNode, path string, fn func(string, *fieldNode, *valueNode)) {
	fn(path+"#", nil, v)
	if v.msg != nil {
		walk(v.msg, path, fn)
	}
	if inner := v.anyInner(); inner != nil {
		walkValue(inner, path+"<"+string(v.anyType)+">", fn)
	}
}

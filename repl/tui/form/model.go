// Package form is the TUI's request form: a protobuf message as rows of
// fields edited in place, or as JSON text, with $EDITOR. The app uses it
// through Model (New, Update, View, SetSize, Focus, Blur, Message,
// SetMessage, JSON, Valid, KeyMap) and AllBindings.
//
// Where things are: the value tree (tree.go) mirrors the message; rows.go
// flattens it into rows; browse.go and edit.go take the keys; view.go
// draws; jsonview.go is the JSON view. How one kind of value is edited is a
// widget (widget.go), one per file: text.go, toggle.go, enum.go, bytes.go,
// message.go, any.go, empty.go, timestamp.go, duration.go, fieldmask.go,
// structjson.go (the wrappers use the widget of their value, wrapper.go).
// Repeated, map and oneof fields are rows over such values: list.go,
// mapfield.go, oneof.go. Reading text into values that has nothing to do
// with the UI is in package dynamic (textvalue.go), shared with scripts.
package form

import (
	"fmt"
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
	editDirty   bool      // the user changed the text
	editBefore  formState // the tree when the input opened (its undo step)
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

	hist *history // undo / redo (shared by copies, like the tree)

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
		hist:       &history{},
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
	whole := []key.Binding{k.Undo, k.Redo, k.Reset, k.NextInvalid}
	switch {
	case m.jsonMode && m.jsonEditing:
		return helpKeys{
			short: []key.Binding{k.JSONLeave, k.ToggleJSON, k.Editor},
			full:  [][]key.Binding{{k.JSONLeave, k.ToggleJSON, k.Editor}, whole},
		}
	case m.jsonMode:
		return helpKeys{
			short: []key.Binding{k.JSONEdit, k.JSONToggleAlt, k.JSONEditor, k.ToggleJSON},
			full: [][]key.Binding{
				{k.JSONScrollUp, k.JSONScrollDn, k.JSONPageUp, k.JSONPageDown},
				{k.JSONEdit, k.JSONEditor, k.Editor},
				{k.ToggleJSON, k.JSONToggleAlt},
				whole,
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
			full:  [][]key.Binding{{k.Done, k.Leave}, {next, k.Prev, pickUp, pickDown}, {k.ToggleJSON, k.Editor}, whole},
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
	// On a text row the letters type: name the keys that still work.
	if m.StartsEditing(tea.KeyPressMsg{Code: 'J', Text: "J", Mod: tea.ModShift}) {
		toggle.SetHelp("ctrl+j", "JSON")
	}
	xTypes := m.StartsEditing(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if xTypes {
		clr.SetHelp("del", "unset")
	}
	move := key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑↓", "move"))
	act := k.Activate
	act.SetHelp("enter", "edit")
	shortClr := clr
	if !movable && !xTypes {
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
			whole,
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
		case m.hist != nil && key.Matches(msg, m.keys.Undo, m.keys.Redo, m.keys.Reset, m.keys.NextInvalid):
			m.wholeFormKey(msg)
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

// loadMessage replaces the form's content (nil: empty), keeping what was
// expanded expanded; ctrl+z brings back what was there.
func (m *Model) loadMessage(src protoreflect.Message) {
	if m.editing {
		m.commitEdit(false) // the edit is a step of its own
	}
	before := m.snapshot()
	defer m.record(before)
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

package form

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// keyMap holds the key bindings of the request form. Bindings are
// grouped by mode: browsing the fields, editing one input, and the JSON view.
//
// Typing on a field starts editing it. While browsing, a printable key
// (not space, no ctrl/alt) on the row of a typed value opens its input with
// the key as the first character typed, replacing the text (ctrl+z brings
// it back) — when the key can begin a value of the row's type (the widget's
// startsValue). Which keys that is, per widget:
//
//   - string, bytes, field mask, Struct/Value/ListValue JSON, the @type of
//     an Any: every printable key but space. The form's letter shortcuts
//     (j k g G h l i x a J) are text there: arrows, home/end, pgup/pgdn,
//     delete (unset), enter and ctrl+j do their work on these rows.
//   - enum: letters, digits, _ and - (they filter the value picker); ←/→
//     cycle the values.
//   - integers, floats, Duration: digits, - and . ; letters keep their
//     shortcuts (0x… and inf start with 0 / i: enter first for "inf").
//   - Timestamp: digits and n (now).
//   - bool, message, oneof, repeated/map header: none; space still toggles
//     a bool, and every letter keeps its shortcut.
//   - on an element or entry row of a repeated or map field, a + x [ ] keep
//     their meaning (add, remove, move) whatever the element type: adding
//     the next element after typing one is the common case.
//
// A host's own plain keys (grpcsh's ? : H m L) are taken by the host before
// the form sees them while it browses; StartsEditing tells a host which keys
// the form would type, if it wants to give them to the form first.
//
// Undo (ctrl+z) and redo (ctrl+y) work in every mode: on the value tree in
// the form, on the text in the JSON view. Bubble Tea puts the terminal in
// raw mode, so ctrl+z arrives as a key (it does not suspend) and so does
// ctrl+y (no delayed suspend); neither is a key of bubbles' text inputs.
type keyMap struct {
	// Browsing the fields.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Expand   key.Binding // right: expand, next enum value / oneof member
	Collapse key.Binding // left: collapse, go to parent, previous value
	Activate key.Binding // enter/space: edit, toggle, expand
	Clear    key.Binding // x: unset a field, remove an element or entry
	Add      key.Binding // a: add an element or entry
	MoveUp   key.Binding // move an element up
	MoveDown key.Binding // move an element down

	// Everywhere.
	ToggleJSON  key.Binding
	Editor      key.Binding
	Undo        key.Binding // ctrl+z: undo the last change
	Redo        key.Binding // ctrl+y: redo what was undone
	Reset       key.Binding // ctrl+l: back to the method's empty request (undoable)
	NextInvalid key.Binding // f8/alt+n: the next invalid field, wrapping

	// Editing one input.
	Done     key.Binding // enter: keep the value, leave the input
	Leave    key.Binding // esc: leave the input (the text is kept)
	Next     key.Binding // tab: keep, go to the next field
	Prev     key.Binding // shift+tab
	PickUp   key.Binding // up/down in a picker list
	PickDown key.Binding

	// JSON view.
	JSONEdit      key.Binding // enter/i: edit the JSON text
	JSONLeave     key.Binding // esc: stop editing the JSON text
	JSONEditor    key.Binding // e: open $EDITOR
	JSONScrollUp  key.Binding
	JSONScrollDn  key.Binding
	JSONPageUp    key.Binding
	JSONPageDown  key.Binding
	JSONToggleAlt key.Binding // J: back to the form (when not typing)
}

func newKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first field")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last field")),
		Expand:   key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "expand · next value")),
		Collapse: key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "collapse · previous value")),
		Activate: key.NewBinding(key.WithKeys("enter", "space", "i"), key.WithHelp("enter", "edit · toggle · expand")),
		Clear:    key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "unset · remove")),
		Add:      key.NewBinding(key.WithKeys("a", "+"), key.WithHelp("a", "add element")),
		MoveUp:   key.NewBinding(key.WithKeys("shift+up", "alt+up", "["), key.WithHelp("⇧↑/[", "move element up")),
		MoveDown: key.NewBinding(key.WithKeys("shift+down", "alt+down", "]"), key.WithHelp("⇧↓/]", "move element down")),

		ToggleJSON: key.NewBinding(key.WithKeys("ctrl+j"), key.WithHelp("ctrl+j", "form ⇄ JSON")),
		Editor:     key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "edit in $EDITOR")),
		// Not letters: on a text row every letter types. ctrl+l clears a
		// shell's screen, as it clears the form; f8 is "next problem" in
		// editors, alt+n for terminals without function keys.
		Undo:        key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "undo")),
		Redo:        key.NewBinding(key.WithKeys("ctrl+y"), key.WithHelp("ctrl+y", "redo")),
		Reset:       key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "reset form")),
		NextInvalid: key.NewBinding(key.WithKeys("f8", "alt+n"), key.WithHelp("f8/alt+n", "next invalid field")),

		Done:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
		Leave:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave input")),
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		PickUp:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "previous choice")),
		PickDown: key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "next choice")),

		JSONEdit:      key.NewBinding(key.WithKeys("enter", "i"), key.WithHelp("enter/i", "edit JSON")),
		JSONLeave:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop editing")),
		JSONEditor:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit in $EDITOR")),
		JSONScrollUp:  key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		JSONScrollDn:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		JSONPageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		JSONPageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		JSONToggleAlt: key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "back to the form")),
	}
}

// helpKeys is the help.KeyMap of the form in its current mode.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

var _ help.KeyMap = helpKeys{}

// AllBindings lists every binding of the form, in every mode, so that the
// app can check that its global keys do not take one of them.
func AllBindings() []key.Binding {
	k := newKeyMap()
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Expand, k.Collapse,
		k.Activate, k.Clear, k.Add, k.MoveUp, k.MoveDown, k.ToggleJSON, k.Editor, k.Undo, k.Redo, k.Reset,
		k.NextInvalid, k.Done, k.Leave, k.Next,
		k.Prev, k.PickUp, k.PickDown, k.JSONEdit, k.JSONLeave, k.JSONEditor, k.JSONScrollUp, k.JSONScrollDn,
		k.JSONPageUp, k.JSONPageDown, k.JSONToggleAlt}
}

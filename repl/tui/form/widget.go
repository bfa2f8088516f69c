package form

import (
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A widget is how one kind of value is edited in the form, in the spirit of
// huh's Field: it reads what was typed (Value), says what is wrong with it
// (Error, through validate/check), renders its row's value, takes the keys
// of its row (activate / cycle: the Update of a row) and names those keys
// (keyBinds). Unlike huh's fields, widgets hold no state of their own: the
// state is the value tree (valueNode), so that a value survives collapsing,
// switching to JSON and back, and the rows, which share the form's one text
// input, are rebuilt at will. Focus and Blur are the form's: a textual
// widget is edited in that shared input.
//
// Adding a widget is one new file that implements this interface (embed
// textBase for the defaults of a text input) and one line in the widgets
// list below.
type widget interface {
	// name names the widget, for tests and error messages.
	name() string
	// matches reports whether the widget edits values of type t.
	matches(t valueType) bool
	// textual reports whether the value is typed in the row's text input
	// (and validated as it is typed).
	textual() bool
	// expands reports whether the value has child rows.
	expands() bool

	// parse reads the text of a textual value (a wrapper's value without
	// its wrapper). With doIO false it does no I/O (validation as typed).
	parse(t valueType, text string, ctx *valueCtx, doIO bool) (protoreflect.Value, error)
	// format writes a value as the text its input edits.
	format(t valueType, pv protoreflect.Value) string
	// validate recomputes v.err after a change (no I/O).
	validate(v *valueNode, ctx *valueCtx)
	// commit runs when the user leaves the input (may do light I/O).
	commit(v *valueNode)
	// isZero reports whether an implicit-presence value is left empty.
	isZero(v *valueNode) bool

	// toValue builds the protobuf value (a wrapper's value without it).
	toValue(v *valueNode, ctx *valueCtx, path string) (protoreflect.Value, error)
	// load puts a protobuf value into v.
	load(v *valueNode, pv protoreflect.Value, ctx *valueCtx)
	// check appends v's problems (no I/O).
	check(v *valueNode, path string, out *[]fieldProblem)

	// placeholder is what an empty input shows while typing; emptyText what
	// an empty value stands for on its row.
	placeholder(t valueType) string
	emptyText(t valueType) string
	// hint is the footer's how-to; unsetHint the one of an unset field.
	hint(t valueType) string
	unsetHint(t valueType) string
	// startsValue reports whether a printable key pressed on the value's row
	// while browsing can begin a value: it then opens the input with the key
	// as the first character typed (keys.go says which keys, per widget).
	startsValue(t valueType, r rune) bool
	// choices are the picker's candidates while typing (nil: none).
	choices(t valueType) []string
	// display is the value column of the value's row (not being edited).
	display(s styles, r row, selected bool) (string, lipgloss.Style)
	// appendRows appends the child rows of an expanded value.
	appendRows(rows *[]row, v *valueNode, depth int, path string)

	// activate is enter/space on the row of a value that is not textual.
	activate(m *Model, r row)
	// cycle is ←/→ (delta -1/+1) on the row; false if the widget has no use
	// for them (the form then expands, collapses or moves).
	cycle(m *Model, r row, delta int) bool
	// keyBinds are the keys the widget gives a meaning on its row.
	keyBinds(k keyMap) []key.Binding
}

// widgets are tried in order: the first that matches a type edits it, so
// the well-known message types come before messageWidget, and the scalars
// (which also edit the value of a google.protobuf.*Value wrapper) last.
var widgets = []widget{
	anyWidget{},
	emptyWidget{},
	timestampWidget{},
	durationWidget{},
	fieldMaskWidget{},
	structWidget{},
	messageWidget{},
	toggleWidget{},
	enumWidget{},
	bytesWidget{},
	textWidget{},
}

// widgetFor is the widget that edits values of t.
func widgetFor(t valueType) widget {
	for _, w := range widgets {
		if w.matches(t) {
			return w
		}
	}
	return textWidget{}
}

// textBase is the behaviour of a value typed in the row's text input;
// widgets embed it and override what differs. Its methods reach the
// widget's own parse / format / placeholder through t.w (Go has no virtual
// methods on embedded structs).
type textBase struct{}

func (textBase) textual() bool { return true }
func (textBase) expands() bool { return false }

func (textBase) format(t valueType, pv protoreflect.Value) string { return formatScalar(t, pv) }

func (textBase) validate(v *valueNode, ctx *valueCtx) {
	v.err = ""
	if _, err := v.parse(ctx, false); err != nil {
		v.err = err.Error()
	}
}

func (textBase) commit(*valueNode) {}

func (textBase) isZero(v *valueNode) bool { return v.text == "" }

func (textBase) toValue(v *valueNode, ctx *valueCtx, path string) (protoreflect.Value, error) {
	pv, err := v.t.w.parse(v.t, v.text, ctx, true)
	if err != nil {
		return pv, &fieldError{Path: path, Reason: err.Error()}
	}
	return pv, nil
}

func (textBase) load(v *valueNode, pv protoreflect.Value, ctx *valueCtx) {
	v.text = v.t.w.format(v.t, pv)
	v.t.w.validate(v, ctx)
}

func (textBase) check(v *valueNode, path string, out *[]fieldProblem) {
	if v.err != "" {
		*out = append(*out, fieldProblem{path, v.err})
	}
}

func (textBase) emptyText(t valueType) string { return t.w.placeholder(t) }

func (textBase) unsetHint(t valueType) string {
	return "unset (not sent) · enter: set · " + t.w.hint(t)
}

func (textBase) choices(valueType) []string { return nil }

// startsValue: a value typed as free text begins with anything.
func (textBase) startsValue(valueType, rune) bool { return true }

func (textBase) display(s styles, r row, _ bool) (string, lipgloss.Style) {
	v := r.val
	if v.err != "" {
		return displayText(v.text), s.Error
	}
	if v.text == "" {
		return v.t.w.emptyText(v.t), s.Default
	}
	return displayText(v.text), s.Value
}

func (textBase) appendRows(*[]row, *valueNode, int, string) {}

func (textBase) activate(*Model, row) {}

func (textBase) cycle(*Model, row, int) bool { return false }

func (textBase) keyBinds(k keyMap) []key.Binding { return []key.Binding{k.Activate, k.Clear} }

// nodeBase is the behaviour of a value with no text input (a toggle, a
// nested message, an Any, Empty).
type nodeBase struct{ textBase }

func (nodeBase) textual() bool { return false }

func (nodeBase) validate(v *valueNode, _ *valueCtx) { v.err = "" }

func (nodeBase) isZero(*valueNode) bool { return false }

func (nodeBase) check(*valueNode, string, *[]fieldProblem) {}

func (nodeBase) unsetHint(valueType) string { return "unset (not sent) · enter: set" }

func (nodeBase) startsValue(valueType, rune) bool { return false }

func (nodeBase) parse(valueType, string, *valueCtx, bool) (protoreflect.Value, error) {
	return protoreflect.Value{}, errNotText
}

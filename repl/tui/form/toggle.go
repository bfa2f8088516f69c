package form

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// toggleWidget edits a bool (and a BoolValue's value): enter, space, ← and
// → flip it; an explicit-presence bool cycles unset → true → false → unset.
type toggleWidget struct{ nodeBase }

func (toggleWidget) name() string { return "toggle" }

func (toggleWidget) matches(t valueType) bool { return t.scalar == protoreflect.BoolKind }

func (toggleWidget) isZero(v *valueNode) bool { return !v.b }

func (toggleWidget) toValue(v *valueNode, _ *valueCtx, _ string) (protoreflect.Value, error) {
	return protoreflect.ValueOfBool(v.b), nil
}

func (toggleWidget) load(v *valueNode, pv protoreflect.Value, _ *valueCtx) { v.b = pv.Bool() }

func (toggleWidget) placeholder(t valueType) string {
	if t.hasDef {
		return strconv.FormatBool(t.def.Bool())
	}
	return "false"
}

func (toggleWidget) hint(valueType) string { return "enter/space: toggle" }

func (toggleWidget) unsetHint(valueType) string { return "unset (not sent) · space: set" }

func (toggleWidget) display(s styles, r row, _ bool) (string, lipgloss.Style) {
	v := r.val
	st := s.Value
	if !v.b && !(r.kind == rowField && r.field.explicit()) {
		st = s.Default
	}
	return strconv.FormatBool(v.b), st
}

func (toggleWidget) activate(m *Model, r row) { toggle(m, r) }

func (toggleWidget) cycle(m *Model, r row, _ int) bool {
	toggle(m, r)
	return true
}

func (toggleWidget) keyBinds(k keyMap) []key.Binding {
	return []key.Binding{k.Activate, k.Expand, k.Collapse}
}

func toggle(m *Model, r row) {
	v := r.val
	switch {
	case r.unset():
		m.markSet(r)
		v.b = true
	case r.kind == rowField && r.field.explicit() && !v.b:
		r.field.set = false
	default:
		v.b = !v.b
	}
}

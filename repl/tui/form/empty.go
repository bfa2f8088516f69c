package form

import (
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// emptyWidget is google.protobuf.Empty: nothing to edit, only set or not.
type emptyWidget struct{ nodeBase }

func (emptyWidget) name() string { return "empty" }

func (emptyWidget) matches(t valueType) bool {
	return t.msg != nil && t.msg.FullName() == "google.protobuf.Empty"
}

func (emptyWidget) toValue(v *valueNode, _ *valueCtx, _ string) (protoreflect.Value, error) {
	return protoreflect.ValueOfMessage(dynamicpb.NewMessage(v.t.msg)), nil
}

func (emptyWidget) load(*valueNode, protoreflect.Value, *valueCtx) {}

func (emptyWidget) placeholder(valueType) string { return "0" }

func (emptyWidget) hint(valueType) string { return "enter: set / unset" }

func (emptyWidget) display(s styles, _ row, _ bool) (string, lipgloss.Style) {
	return "{} set", s.Summary
}

func (emptyWidget) activate(m *Model, r row) {
	if r.kind == rowField && r.field.explicit() {
		if r.field.set {
			r.field.set = false
		} else {
			m.markSet(r)
		}
		return
	}
	m.setStatus("google.protobuf.Empty has no fields", false)
}

func (emptyWidget) keyBinds(k keyMap) []key.Binding { return []key.Binding{k.Activate, k.Clear} }

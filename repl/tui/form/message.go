package form

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// messageWidget edits a nested message as child rows, one per field; the
// nested form is made when first expanded, so recursive types cost nothing.
type messageWidget struct{ nodeBase }

func (messageWidget) name() string { return "message" }

func (messageWidget) matches(t valueType) bool { return t.msg != nil && !t.wrapper }

func (messageWidget) expands() bool { return true }

func (messageWidget) toValue(v *valueNode, ctx *valueCtx, path string) (protoreflect.Value, error) {
	dm := dynamicpb.NewMessage(v.t.msg)
	if v.msg != nil {
		if err := v.msg.build(dm, ctx, path); err != nil {
			return protoreflect.Value{}, err
		}
	}
	return protoreflect.ValueOfMessage(dm), nil
}

func (messageWidget) load(v *valueNode, pv protoreflect.Value, ctx *valueCtx) {
	v.msg = newMsgNode(v.t.msg)
	v.msg.load(pv.Message(), ctx)
}

func (messageWidget) check(v *valueNode, path string, out *[]fieldProblem) {
	if v.msg != nil {
		v.msg.check(path, out)
	}
}

func (messageWidget) placeholder(valueType) string { return "0" }

func (messageWidget) hint(valueType) string { return "enter: expand / collapse" }

func (messageWidget) display(s styles, r row, _ bool) (string, lipgloss.Style) {
	if r.val.msg == nil {
		return "{}", s.Summary
	}
	return fmt.Sprintf("{%d set}", r.val.msg.countPresent()), s.Summary
}

func (messageWidget) appendRows(rows *[]row, v *valueNode, depth int, path string) {
	appendMsgRows(rows, v.ensureMsg(), depth, path)
}

func (messageWidget) activate(m *Model, r row) { expandOnEnter(m, r) }

func (messageWidget) keyBinds(k keyMap) []key.Binding {
	return []key.Binding{k.Activate, k.Expand, k.Collapse, k.Clear}
}

// expandOnEnter sets an unset message (or Any) field and expands it, or
// expands / collapses a set one.
func expandOnEnter(m *Model, r row) {
	if r.unset() {
		m.markSet(r)
		r.val.expanded = true
	} else {
		r.val.expanded = !r.val.expanded
	}
}

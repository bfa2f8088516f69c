package form

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// anyWidget edits a google.protobuf.Any: an @type row (a type picker over
// the resolver's messages) and, under it, the value of the chosen type,
// edited by that type's own widget. A value of each type tried is kept, so
// switching back and forth keeps what was typed; the payload of a type the
// resolver does not know is kept as it came.
type anyWidget struct{ nodeBase }

func (anyWidget) name() string { return "any" }

func (anyWidget) matches(t valueType) bool {
	return t.msg != nil && t.msg.FullName() == "google.protobuf.Any"
}

func (anyWidget) expands() bool { return true }

// validate checks the typed type name (the @type row's text).
func (anyWidget) validate(v *valueNode, ctx *valueCtx) {
	v.err = ""
	if v.text == "" || v.anyURL != "" && v.text == v.anyURL {
		return
	}
	if _, err := ctx.findType(v.text); err != nil {
		v.err = err.Error()
	}
}

const anyURLPrefix = "type.googleapis.com/"

func (anyWidget) toValue(v *valueNode, ctx *valueCtx, path string) (protoreflect.Value, error) {
	dm := dynamicpb.NewMessage(v.t.msg)
	urlFD := v.t.msg.Fields().ByName("type_url")
	valFD := v.t.msg.Fields().ByName("value")
	if v.err != "" {
		return protoreflect.Value{}, errf(path+".@type", "%s", v.err)
	}
	switch inner := v.anyInner(); {
	case inner != nil:
		iv, err := inner.toValue(ctx, path)
		if err != nil {
			return protoreflect.Value{}, err
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(iv.Message().Interface())
		if err != nil {
			return protoreflect.Value{}, errf(path, "%v", err)
		}
		dm.Set(urlFD, protoreflect.ValueOfString(anyURLPrefix+string(v.anyType)))
		dm.Set(valFD, protoreflect.ValueOfBytes(b))
	case v.anyURL != "":
		dm.Set(urlFD, protoreflect.ValueOfString(v.anyURL))
		dm.Set(valFD, protoreflect.ValueOfBytes(v.anyRaw))
	default:
		return protoreflect.Value{}, errf(path+".@type", "no type chosen")
	}
	return protoreflect.ValueOfMessage(dm), nil
}

func (anyWidget) load(v *valueNode, pv protoreflect.Value, ctx *valueCtx) {
	m := pv.Message()
	fds := m.Descriptor().Fields()
	url := m.Get(fds.ByName("type_url")).String()
	raw := m.Get(fds.ByName("value")).Bytes()
	v.anyType, v.anyURL, v.anyRaw, v.err = "", "", nil, ""
	if url == "" && len(raw) == 0 {
		v.text = ""
		return
	}
	mt, err := ctx.resolver().FindMessageByURL(url)
	if err == nil {
		dm := dynamicpb.NewMessage(mt.Descriptor())
		if err = (proto.UnmarshalOptions{Resolver: ctx.protoResolver()}).Unmarshal(raw, dm); err == nil {
			v.chooseAnyType(mt.Descriptor())
			v.expanded = false
			inner := v.anyVals[v.anyType]
			inner.load(protoreflect.ValueOfMessage(dm), ctx)
			return
		}
	}
	// Keep the payload of a type that cannot be decoded.
	v.anyURL, v.anyRaw = url, append([]byte(nil), raw...)
	v.text = url
}

func (anyWidget) check(v *valueNode, path string, out *[]fieldProblem) {
	switch inner := v.anyInner(); {
	case v.err != "":
		*out = append(*out, fieldProblem{path + ".@type", v.err})
	case inner != nil:
		inner.check(path, out)
	case v.anyURL == "":
		*out = append(*out, fieldProblem{path + ".@type", "no type chosen"})
	}
}

func (anyWidget) placeholder(valueType) string { return "0" }

func (anyWidget) hint(valueType) string { return "enter: pick the type, then fill it in" }

func (anyWidget) display(s styles, r row, _ bool) (string, lipgloss.Style) {
	v := r.val
	if v.expanded {
		return "", s.Summary
	}
	switch {
	case v.anyType != "":
		return "{" + string(v.anyType) + "}", s.Summary
	case v.anyURL != "":
		return "{" + v.anyURL + "}", s.Summary
	}
	return "{no type}", s.Summary
}

func (anyWidget) appendRows(rows *[]row, v *valueNode, depth int, path string) {
	r := row{kind: rowAnyType, depth: depth, val: v, path: path + ".@type"}
	if v.err == "" && v.anyInner() == nil && v.anyURL == "" {
		r.err = "no type chosen"
	}
	*rows = append(*rows, r)
	inner := v.anyInner()
	if inner == nil {
		return
	}
	if isMessage(inner.t) {
		appendMsgRows(rows, inner.ensureMsg(), depth, path)
		return
	}
	*rows = append(*rows, row{kind: rowAnyVal, depth: depth, val: inner, path: path})
	appendValueRows(rows, inner, depth+1, path)
}

func (anyWidget) activate(m *Model, r row) { expandOnEnter(m, r) }

func (anyWidget) keyBinds(k keyMap) []key.Binding {
	return []key.Binding{k.Activate, k.Expand, k.Collapse, k.Clear}
}

// anyInner is the value inside an Any for the chosen type (nil if none).
func (v *valueNode) anyInner() *valueNode {
	if v.anyType == "" {
		return nil
	}
	return v.anyVals[v.anyType]
}

// chooseAnyType makes md the type of an Any value.
func (v *valueNode) chooseAnyType(md protoreflect.MessageDescriptor) {
	if v.anyVals == nil {
		v.anyVals = map[protoreflect.FullName]*valueNode{}
	}
	v.anyType = md.FullName()
	v.text = string(md.FullName())
	v.err = ""
	v.anyURL, v.anyRaw = "", nil
	inner := v.anyVals[md.FullName()]
	if inner == nil {
		inner = newValueNode(typeOfMessage(md))
		inner.expanded = true
		v.anyVals[md.FullName()] = inner
	}
	v.expanded = true
}

// cycleAnyType is ←/→ on the @type row: the previous / next known type.
func (m *Model) cycleAnyType(r row, delta int) {
	names := m.ctx.anyTypeNames()
	if len(names) == 0 {
		return
	}
	i := -1
	for j, n := range names {
		if n == r.val.anyType {
			i = j
		}
	}
	if i < 0 {
		i, delta = 0, 0
	}
	i = (i + delta + len(names)) % len(names)
	if mt, err := m.ctx.findType(string(names[i])); err == nil {
		r.val.chooseAnyType(mt.Descriptor())
	}
}

// commitAnyType takes the type typed on the @type row.
func (m *Model) commitAnyType(v *valueNode) {
	text := strings.TrimSpace(v.text)
	if text == "" {
		v.anyType, v.err = "", ""
		return
	}
	if v.anyURL != "" && text == v.anyURL {
		return
	}
	mt, err := m.ctx.findType(text)
	if err != nil {
		v.err = err.Error()
		return
	}
	if mt.Descriptor().FullName() != v.anyType || v.anyURL != "" {
		v.chooseAnyType(mt.Descriptor())
	}
	v.text = string(mt.Descriptor().FullName())
}

package form

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// The request form keeps what the user typed in a tree that mirrors the
// message: msgNode (one message) holds a fieldNode per field, which holds a
// valueNode (singular), a list of valueNodes (repeated) or entryNodes (map).
// A valueNode keeps the raw text of text inputs, so an invalid value is never
// lost; the protobuf message is built from the tree on demand (build) and a
// message is loaded into a fresh tree (load). Nested messages are created
// lazily, when expanded or loaded, so recursive types cost nothing.

// valueType is the type of one value: a field's (element) type, a map key or
// value type, or the type inside an Any. w is the widget that edits it.
type valueType struct {
	kind protoreflect.Kind
	enum protoreflect.EnumDescriptor
	msg  protoreflect.MessageDescriptor
	// wrapper: msg is a google.protobuf.*Value wrapper, edited as its value.
	wrapper bool
	// scalar is the kind that the text holds: kind itself, or for a wrapper
	// the kind of its value.
	scalar protoreflect.Kind
	def    protoreflect.Value // default of the scalar (proto2 defaults)
	hasDef bool
	w      widget
}

func typeOfField(fd protoreflect.FieldDescriptor) valueType {
	if fd.Message() != nil {
		return typeOfMessage(fd.Message())
	}
	t := valueType{kind: fd.Kind(), enum: fd.Enum(), scalar: fd.Kind()}
	if fd.HasDefault() {
		t.def, t.hasDef = fd.Default(), true
	}
	t.w = widgetFor(t)
	return t
}

func typeOfMessage(md protoreflect.MessageDescriptor) valueType {
	t := valueType{kind: protoreflect.MessageKind, msg: md, scalar: protoreflect.MessageKind}
	if isWrapper(md) {
		t.wrapper = true
		t.scalar = md.Fields().ByName("value").Kind()
	}
	t.w = widgetFor(t)
	return t
}

// expandable reports whether a value of this type has child rows.
func (t valueType) expandable() bool { return t.w.expands() }

// isMessage reports whether t is edited as a nested form.
func isMessage(t valueType) bool {
	_, ok := t.w.(messageWidget)
	return ok
}

// valueNode is one editable value.
type valueNode struct {
	t    valueType
	text string // text, enum and Any-type inputs: exactly what the user typed
	b    bool   // bool inputs
	err  string // why text is invalid ("" when valid)

	msg      *msgNode // nested form (inputMessage), created lazily
	expanded bool

	// Any: the chosen type, a value per type tried (so switching back and
	// forth keeps what was typed), or the payload of a type that the resolver
	// does not know.
	anyType protoreflect.FullName
	anyVals map[protoreflect.FullName]*valueNode
	anyURL  string
	anyRaw  []byte
}

func newValueNode(t valueType) *valueNode {
	return &valueNode{t: t}
}

// setText replaces the text and validates it.
func (v *valueNode) setText(s string, ctx *valueCtx) {
	v.text = s
	v.validate(ctx)
}

// validate recomputes err from text (no I/O).
func (v *valueNode) validate(ctx *valueCtx) { v.t.w.validate(v, ctx) }

// parse reads the text of a textual value, without its wrapper (doIO
// false: no I/O, for validating as typed).
func (v *valueNode) parse(ctx *valueCtx, doIO bool) (protoreflect.Value, error) {
	return v.t.w.parse(v.t, v.text, ctx, doIO)
}

// ensureMsg creates the nested form of a message value.
func (v *valueNode) ensureMsg() *msgNode {
	if v.msg == nil && isMessage(v.t) {
		v.msg = newMsgNode(v.t.msg)
	}
	return v.msg
}

// isZeroInput reports whether an implicit-presence value was left empty.
func (v *valueNode) isZeroInput() bool { return v.t.w.isZero(v) }

// fieldNode is one field of a message in the form.
type fieldNode struct {
	fd       protoreflect.FieldDescriptor
	set      bool // presence of explicit-presence singular fields
	val      *valueNode
	elems    []*valueNode
	entries  []*entryNode
	expanded bool // repeated and map fields
}

// entryNode is one map entry.
type entryNode struct {
	key, val *valueNode
}

// explicit reports whether the field tracks presence (message fields, proto3
// optional, oneof members, proto2): such a field is only sent when set, even
// with its zero value.
func (f *fieldNode) explicit() bool {
	return !f.fd.IsList() && !f.fd.IsMap() && f.fd.HasPresence()
}

// present reports whether the field will be sent.
func (f *fieldNode) present() bool {
	switch {
	case f.fd.IsList():
		return len(f.elems) > 0
	case f.fd.IsMap():
		return len(f.entries) > 0
	case f.explicit():
		return f.set
	}
	return !f.val.isZeroInput()
}

func (f *fieldNode) newElem() *valueNode {
	return newValueNode(typeOfField(f.fd))
}

func (f *fieldNode) newEntry() *entryNode {
	e := &entryNode{
		key: newValueNode(typeOfField(f.fd.MapKey())),
		val: newValueNode(typeOfField(f.fd.MapValue())),
	}
	if e.val.t.expandable() {
		e.val.expanded = true
	}
	return e
}

// msgNode is the form of one message.
type msgNode struct {
	md     protoreflect.MessageDescriptor
	fields []*fieldNode
}

func newMsgNode(md protoreflect.MessageDescriptor) *msgNode {
	fm := &msgNode{md: md}
	fds := md.Fields()
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		f := &fieldNode{fd: fd}
		if !fd.IsList() && !fd.IsMap() {
			f.val = newValueNode(typeOfField(fd))
		}
		fm.fields = append(fm.fields, f)
	}
	return fm
}

// setField marks an explicit-presence field as set; in a oneof it clears the
// other members (their text is kept for when the user switches back).
func (fm *msgNode) setField(f *fieldNode) {
	if !f.explicit() {
		return
	}
	f.set = true
	if oo := f.fd.ContainingOneof(); oo != nil && !oo.IsSynthetic() {
		for _, g := range fm.fields {
			if g != f && g.fd.ContainingOneof() == oo {
				g.set = false
			}
		}
	}
	if f.val.t.expandable() {
		f.val.ensureMsg()
	}
}

// countPresent is the number of fields that will be sent.
func (fm *msgNode) countPresent() int {
	n := 0
	for _, f := range fm.fields {
		if f.present() {
			n++
		}
	}
	return n
}

// ---------------------------------------------------------------------------
// Building a message from the form.

// pathJoin joins a field path and a field name.
func pathJoin(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// fieldError is the error of an invalid field, naming its path.
type fieldError struct {
	Path   string
	Reason string
}

func (e *fieldError) Error() string { return e.Path + ": " + e.Reason }

func errf(path, format string, args ...any) error {
	return &fieldError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// build fills dm from the form.
func (fm *msgNode) build(dm protoreflect.Message, ctx *valueCtx, prefix string) error {
	for _, f := range fm.fields {
		fd := f.fd
		path := pathJoin(prefix, string(fd.Name()))
		switch {
		case fd.IsList():
			if len(f.elems) == 0 {
				continue
			}
			l := dm.Mutable(fd).List()
			for i, e := range f.elems {
				v, err := e.toValue(ctx, fmt.Sprintf("%s[%d]", path, i))
				if err != nil {
					return err
				}
				l.Append(v)
			}
		case fd.IsMap():
			if len(f.entries) == 0 {
				continue
			}
			mp := dm.Mutable(fd).Map()
			seen := map[any]bool{}
			for _, e := range f.entries {
				epath := mapKeyPath(path, e.key)
				k, err := e.key.toValue(ctx, epath+" (key)")
				if err != nil {
					return err
				}
				if seen[k.Interface()] {
					return errf(epath, "duplicate key")
				}
				seen[k.Interface()] = true
				v, err := e.val.toValue(ctx, epath)
				if err != nil {
					return err
				}
				mp.Set(k.MapKey(), v)
			}
		case f.explicit():
			if !f.set {
				if fd.Cardinality() == protoreflect.Required {
					return errf(path, "required")
				}
				continue
			}
			v, err := f.val.toValue(ctx, path)
			if err != nil {
				return err
			}
			dm.Set(fd, v)
		default:
			if f.val.isZeroInput() {
				continue
			}
			v, err := f.val.toValue(ctx, path)
			if err != nil {
				return err
			}
			dm.Set(fd, v)
		}
	}
	return nil
}

// toValue converts a form value to a protobuf value (I/O: @file bytes).
func (v *valueNode) toValue(ctx *valueCtx, path string) (protoreflect.Value, error) {
	pv, err := v.t.w.toValue(v, ctx, path)
	if err != nil || !v.t.wrapper {
		return pv, err
	}
	return wrap(v.t, pv), nil
}

// ---------------------------------------------------------------------------
// Checking the form without building it (no I/O): for Valid and the header.

// fieldProblem is one invalid value.
type fieldProblem struct {
	path, reason string
}

func (fm *msgNode) check(prefix string, out *[]fieldProblem) {
	for _, f := range fm.fields {
		path := pathJoin(prefix, string(f.fd.Name()))
		switch {
		case f.fd.IsList():
			for i, e := range f.elems {
				e.check(fmt.Sprintf("%s[%d]", path, i), out)
			}
		case f.fd.IsMap():
			seen := map[string]bool{}
			for _, e := range f.entries {
				epath := mapKeyPath(path, e.key)
				e.key.check(epath+" (key)", out)
				if k := e.key.keyID(); seen[k] {
					*out = append(*out, fieldProblem{epath, "duplicate key"})
				} else {
					seen[k] = true
				}
				e.val.check(epath, out)
			}
		case f.explicit() && !f.set:
			if f.fd.Cardinality() == protoreflect.Required {
				*out = append(*out, fieldProblem{path, "required"})
			}
		default:
			f.val.check(path, out)
		}
	}
}

func (v *valueNode) check(path string, out *[]fieldProblem) { v.t.w.check(v, path, out) }

// ---------------------------------------------------------------------------
// Loading a message into the form.

func (fm *msgNode) load(src protoreflect.Message, ctx *valueCtx) {
	for _, f := range fm.fields {
		fd := f.fd
		switch {
		case fd.IsList():
			l := src.Get(fd).List()
			f.elems = nil
			for i := 0; i < l.Len(); i++ {
				e := f.newElem()
				e.load(l.Get(i), ctx)
				f.elems = append(f.elems, e)
			}
		case fd.IsMap():
			mp := src.Get(fd).Map()
			f.entries = nil
			var keys []protoreflect.MapKey
			mp.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				keys = append(keys, k)
				return true
			})
			sort.Slice(keys, func(i, j int) bool { return lessMapKey(keys[i], keys[j]) })
			for _, k := range keys {
				e := f.newEntry()
				e.key.load(k.Value(), ctx)
				e.val.load(mp.Get(k), ctx)
				e.val.expanded = false
				f.entries = append(f.entries, e)
			}
		default:
			if !src.Has(fd) {
				continue
			}
			f.set = f.explicit()
			f.val.load(src.Get(fd), ctx)
		}
	}
}

func (v *valueNode) load(pv protoreflect.Value, ctx *valueCtx) {
	if v.t.wrapper {
		pv = unwrap(pv)
	}
	v.t.w.load(v, pv, ctx)
}

// ---------------------------------------------------------------------------
// Describing types.

// typeName names a message or enum type as the user knows it: relative to
// the package of the form's root message, full otherwise.
func typeName(full protoreflect.FullName, pkg protoreflect.FullName) string {
	if pkg != "" && strings.HasPrefix(string(full), string(pkg)+".") {
		return string(full)[len(pkg)+1:]
	}
	return string(full)
}

// elemTypeName describes the (element) type of a field, without
// "repeated".
func elemTypeName(fd protoreflect.FieldDescriptor, pkg protoreflect.FullName) string {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return typeName(fd.Message().FullName(), pkg)
	case protoreflect.EnumKind:
		return typeName(fd.Enum().FullName(), pkg)
	}
	return fd.Kind().String()
}

// fieldTypeName describes the type of a field: "repeated string",
// "map<string, Address>", "optional int32", "Color", ...
func fieldTypeName(fd protoreflect.FieldDescriptor, pkg protoreflect.FullName) string {
	switch {
	case fd.IsMap():
		return "map<" + elemTypeName(fd.MapKey(), pkg) + ", " + elemTypeName(fd.MapValue(), pkg) + ">"
	case fd.IsList():
		return "repeated " + elemTypeName(fd, pkg)
	case fd.HasOptionalKeyword() && fd.Message() == nil:
		return "optional " + elemTypeName(fd, pkg)
	}
	return elemTypeName(fd, pkg)
}

// valueTypeName describes the type of a value.
func valueTypeName(t valueType, pkg protoreflect.FullName) string {
	switch {
	case t.msg != nil:
		return typeName(t.msg.FullName(), pkg)
	case t.enum != nil:
		return typeName(t.enum.FullName(), pkg)
	}
	return t.kind.String()
}

// placeholder is what an empty input shows: the default value, or how to
// type a well-known type.
func placeholder(t valueType) string { return t.w.placeholder(t) }

// hint explains how to type a value, for the footer.
func hint(t valueType) string { return t.w.hint(t) }

// clockNow is the clock of the form (tests replace it through valueCtx).
func clockNow() time.Time { return time.Now() }

package form

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// The request form keeps what the user typed in a tree that mirrors the
// message: msgNode (one message) holds a fieldNode per field, which holds a
// valueNode (singular), a list of valueNodes (repeated) or entryNodes (map).
// A valueNode keeps the raw text of text inputs, so an invalid value is never
// lost; the protobuf message is built from the tree on demand (build) and a
// message is loaded into a fresh tree (load). Nested messages are created
// lazily, when expanded or loaded, so recursive types cost nothing.

// wktKind tells which well-known type a message value is, for the ones that get
// a natural input instead of a nested form.
type wktKind int

const (
	wktNone wktKind = iota
	wktTimestamp
	wktDuration
	wktWrapper   // google.protobuf.*Value wrappers: the plain value
	wktJSON      // Struct, Value, ListValue: JSON text
	wktFieldMask // comma-separated paths
	wktEmpty     // set/unset only
	wktAny       // type picker and a nested form
)

func wktOf(md protoreflect.MessageDescriptor) wktKind {
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		return wktTimestamp
	case "google.protobuf.Duration":
		return wktDuration
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
		"google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		return wktWrapper
	case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue":
		return wktJSON
	case "google.protobuf.FieldMask":
		return wktFieldMask
	case "google.protobuf.Empty":
		return wktEmpty
	case "google.protobuf.Any":
		return wktAny
	}
	return wktNone
}

// inputKind is how a value is edited.
type inputKind int

const (
	inputText    inputKind = iota // a single-line text input, validated as typed
	inputBool                     // a toggle
	inputEnum                     // text input with the value names as candidates; left/right cycle
	inputMessage                  // a nested form
	inputEmpty                    // nothing to edit: present or not
	inputAny                      // a type picker and a nested value
)

// valueType is the type of one value: a field's (element) type, a map key or
// value type, or the type inside an Any.
type valueType struct {
	kind protoreflect.Kind
	enum protoreflect.EnumDescriptor
	msg  protoreflect.MessageDescriptor
	wkt  wktKind
	// scalar is the kind that the text holds: kind itself, or for a wrapper
	// the kind of its value.
	scalar protoreflect.Kind
	def    protoreflect.Value // default of the scalar (proto2 defaults)
	hasDef bool
}

func typeOfField(fd protoreflect.FieldDescriptor) valueType {
	t := valueType{kind: fd.Kind(), enum: fd.Enum(), msg: fd.Message(), scalar: fd.Kind()}
	if t.msg != nil {
		return typeOfMessage(t.msg)
	}
	if fd.HasDefault() {
		t.def, t.hasDef = fd.Default(), true
	}
	return t
}

func typeOfMessage(md protoreflect.MessageDescriptor) valueType {
	t := valueType{kind: protoreflect.MessageKind, msg: md, wkt: wktOf(md), scalar: protoreflect.MessageKind}
	if t.wkt == wktWrapper {
		if vf := md.Fields().ByName("value"); vf != nil {
			t.scalar = vf.Kind()
		} else {
			t.wkt = wktNone
		}
	}
	return t
}

func (t valueType) input() inputKind {
	switch t.wkt {
	case wktNone:
		if t.msg != nil {
			return inputMessage
		}
	case wktEmpty:
		return inputEmpty
	case wktAny:
		return inputAny
	case wktWrapper:
		if t.scalar == protoreflect.BoolKind {
			return inputBool
		}
		return inputText
	default:
		return inputText
	}
	switch t.kind {
	case protoreflect.BoolKind:
		return inputBool
	case protoreflect.EnumKind:
		return inputEnum
	}
	return inputText
}

// expandable reports whether a value of this type has child rows.
func (t valueType) expandable() bool {
	in := t.input()
	return in == inputMessage || in == inputAny
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
func (v *valueNode) validate(ctx *valueCtx) {
	v.err = ""
	switch v.t.input() {
	case inputText, inputEnum:
		if _, err := v.parse(ctx, false); err != nil {
			v.err = err.Error()
		}
	case inputAny:
		if v.text == "" || v.anyURL != "" && v.text == v.anyURL {
			return
		}
		if _, err := ctx.findType(v.text); err != nil {
			v.err = err.Error()
		}
	}
}

// ensureMsg creates the nested form of a message value.
func (v *valueNode) ensureMsg() *msgNode {
	if v.msg == nil && v.t.input() == inputMessage {
		v.msg = newMsgNode(v.t.msg)
	}
	return v.msg
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

// isZeroInput reports whether an implicit-presence value was left empty.
func (v *valueNode) isZeroInput() bool {
	switch v.t.input() {
	case inputBool:
		return !v.b
	case inputText, inputEnum:
		return v.text == ""
	}
	return false
}

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

// oneofMember returns the set member of a oneof (nil if none).
func (fm *msgNode) oneofMember(oo protoreflect.OneofDescriptor) *fieldNode {
	for _, f := range fm.fields {
		if f.fd.ContainingOneof() == oo && f.set {
			return f
		}
	}
	return nil
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

// mapKeyPath formats the path of a map entry from its key text.
func mapKeyPath(path string, key *valueNode) string {
	switch {
	case key.t.input() == inputBool:
		return fmt.Sprintf("%s[%t]", path, key.b)
	case key.t.kind == protoreflect.StringKind:
		return fmt.Sprintf("%s[%s]", path, strconv.Quote(key.text))
	case key.text == "":
		return path + "[0]"
	}
	return fmt.Sprintf("%s[%s]", path, key.text)
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
	switch v.t.input() {
	case inputText, inputEnum:
		pv, err := v.parse(ctx, true)
		if err != nil {
			return pv, &fieldError{Path: path, Reason: err.Error()}
		}
		return pv, nil
	case inputBool:
		if v.t.wkt == wktWrapper {
			dm := dynamicpb.NewMessage(v.t.msg)
			dm.Set(v.t.msg.Fields().ByName("value"), protoreflect.ValueOfBool(v.b))
			return protoreflect.ValueOfMessage(dm), nil
		}
		return protoreflect.ValueOfBool(v.b), nil
	case inputEmpty:
		return protoreflect.ValueOfMessage(dynamicpb.NewMessage(v.t.msg)), nil
	case inputMessage:
		dm := dynamicpb.NewMessage(v.t.msg)
		if v.msg != nil {
			if err := v.msg.build(dm, ctx, path); err != nil {
				return protoreflect.Value{}, err
			}
		}
		return protoreflect.ValueOfMessage(dm), nil
	case inputAny:
		return v.anyToValue(ctx, path)
	}
	return protoreflect.Value{}, errf(path, "cannot edit this field")
}

func (v *valueNode) anyToValue(ctx *valueCtx, path string) (protoreflect.Value, error) {
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

const anyURLPrefix = "type.googleapis.com/"

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

func (v *valueNode) check(path string, out *[]fieldProblem) {
	switch v.t.input() {
	case inputText, inputEnum:
		if v.err != "" {
			*out = append(*out, fieldProblem{path, v.err})
		}
	case inputMessage:
		if v.msg != nil {
			v.msg.check(path, out)
		}
	case inputAny:
		switch inner := v.anyInner(); {
		case v.err != "":
			*out = append(*out, fieldProblem{path + ".@type", v.err})
		case inner != nil:
			inner.check(path, out)
		case v.anyURL == "":
			*out = append(*out, fieldProblem{path + ".@type", "no type chosen"})
		}
	}
}

// keyID identifies a map key for duplicate detection.
func (v *valueNode) keyID() string {
	if v.t.input() == inputBool {
		return strconv.FormatBool(v.b)
	}
	if v.t.kind != protoreflect.StringKind {
		if pv, err := v.parse(nil, false); err == nil {
			return fmt.Sprint(pv.Interface())
		}
	}
	return v.text
}

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

func lessMapKey(a, b protoreflect.MapKey) bool {
	switch x := a.Interface().(type) {
	case bool:
		return !x && b.Bool()
	case int32, int64:
		return a.Int() < b.Int()
	case uint32, uint64:
		return a.Uint() < b.Uint()
	}
	return a.String() < b.String()
}

func (v *valueNode) load(pv protoreflect.Value, ctx *valueCtx) {
	switch v.t.input() {
	case inputBool:
		if v.t.wkt == wktWrapper {
			m := pv.Message()
			v.b = m.Get(m.Descriptor().Fields().ByName("value")).Bool()
		} else {
			v.b = pv.Bool()
		}
	case inputText, inputEnum:
		if v.t.msg != nil {
			v.text = formatWKT(v.t, pv.Message())
		} else {
			v.text = formatScalar(v.t, pv)
		}
		v.validate(ctx)
	case inputMessage:
		v.msg = newMsgNode(v.t.msg)
		v.msg.load(pv.Message(), ctx)
	case inputAny:
		v.loadAny(pv.Message(), ctx)
	}
}

func (v *valueNode) loadAny(m protoreflect.Message, ctx *valueCtx) {
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
func placeholder(t valueType) string {
	switch t.wkt {
	case wktTimestamp:
		return "RFC 3339 or now"
	case wktDuration:
		return "e.g. 1.5s, 100ms, 1h30m"
	case wktFieldMask:
		return "paths, comma-separated"
	case wktJSON:
		switch t.msg.FullName() {
		case "google.protobuf.Struct":
			return "{}"
		case "google.protobuf.ListValue":
			return "[]"
		}
		return "null"
	}
	switch t.scalar {
	case protoreflect.StringKind:
		if t.hasDef && t.def.String() != "" {
			return t.def.String()
		}
		return `""`
	case protoreflect.BytesKind:
		return "base64, hex:…, @file"
	case protoreflect.BoolKind:
		if t.hasDef {
			return strconv.FormatBool(t.def.Bool())
		}
		return "false"
	case protoreflect.EnumKind:
		if t.enum == nil {
			return "0"
		}
		num := t.enum.Values().Get(0).Number()
		if t.hasDef {
			num = t.def.Enum()
		}
		if ev := t.enum.Values().ByNumber(num); ev != nil {
			return string(ev.Name())
		}
		return strconv.Itoa(int(num))
	}
	if t.hasDef {
		return formatScalar(t, t.def)
	}
	return "0"
}

// hint explains how to type a value, for the footer.
func hint(t valueType) string {
	switch t.wkt {
	case wktTimestamp:
		return "RFC 3339 (2024-05-01T12:00:00Z), now, now-1h"
	case wktDuration:
		return "1.5s, 100ms, 2h45m, -3s"
	case wktFieldMask:
		return "comma-separated paths: a.b, c_d"
	case wktJSON:
		return "JSON text"
	case wktEmpty:
		return "enter: set / unset"
	case wktAny:
		return "enter: pick the type, then fill it in"
	}
	switch t.scalar {
	case protoreflect.BytesKind:
		return "base64 · hex:0a1b2c · @path/to/file"
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return "1.5, -2e-3, inf, -inf, nan"
	case protoreflect.EnumKind:
		return "←/→ cycle · enter: pick by name"
	case protoreflect.BoolKind:
		return "enter/space: toggle"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		lo, hi := dynamic.IntRange(t.scalar)
		return "integer " + lo + " to " + hi
	case protoreflect.MessageKind:
		return "enter: expand / collapse"
	}
	return ""
}

// clockNow is the clock of the form (tests replace it through valueCtx).
func clockNow() time.Time { return time.Now() }

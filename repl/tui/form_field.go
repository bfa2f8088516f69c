package tui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The request form keeps what the user typed in a tree that mirrors the
// message: formMsg (one message) holds a formField per field, which holds a
// formValue (singular), a list of formValues (repeated) or formEntries (map).
// A formValue keeps the raw text of text inputs, so an invalid value is never
// lost; the protobuf message is built from the tree on demand (build) and a
// message is loaded into a fresh tree (load). Nested messages are created
// lazily, when expanded or loaded, so recursive types cost nothing.

// formWKT tells which well-known type a message value is, for the ones that get
// a natural input instead of a nested form.
type formWKT int

const (
	formWKTNone formWKT = iota
	formWKTTimestamp
	formWKTDuration
	formWKTWrapper   // google.protobuf.*Value wrappers: the plain value
	formWKTJSON      // Struct, Value, ListValue: JSON text
	formWKTFieldMask // comma-separated paths
	formWKTEmpty     // set/unset only
	formWKTAny       // type picker and a nested form
)

func formWKTOf(md protoreflect.MessageDescriptor) formWKT {
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		return formWKTTimestamp
	case "google.protobuf.Duration":
		return formWKTDuration
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
		"google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		return formWKTWrapper
	case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue":
		return formWKTJSON
	case "google.protobuf.FieldMask":
		return formWKTFieldMask
	case "google.protobuf.Empty":
		return formWKTEmpty
	case "google.protobuf.Any":
		return formWKTAny
	}
	return formWKTNone
}

// formInput is how a value is edited.
type formInput int

const (
	formInputText    formInput = iota // a single-line text input, validated as typed
	formInputBool                     // a toggle
	formInputEnum                     // text input with the value names as candidates; left/right cycle
	formInputMessage                  // a nested form
	formInputEmpty                    // nothing to edit: present or not
	formInputAny                      // a type picker and a nested value
)

// formType is the type of one value: a field's (element) type, a map key or
// value type, or the type inside an Any.
type formType struct {
	kind protoreflect.Kind
	enum protoreflect.EnumDescriptor
	msg  protoreflect.MessageDescriptor
	wkt  formWKT
	// scalar is the kind that the text holds: kind itself, or for a wrapper
	// the kind of its value.
	scalar protoreflect.Kind
	def    protoreflect.Value // default of the scalar (proto2 defaults)
	hasDef bool
}

func formTypeOfField(fd protoreflect.FieldDescriptor) formType {
	t := formType{kind: fd.Kind(), enum: fd.Enum(), msg: fd.Message(), scalar: fd.Kind()}
	if t.msg != nil {
		return formTypeOfMessage(t.msg)
	}
	if fd.HasDefault() {
		t.def, t.hasDef = fd.Default(), true
	}
	return t
}

func formTypeOfMessage(md protoreflect.MessageDescriptor) formType {
	t := formType{kind: protoreflect.MessageKind, msg: md, wkt: formWKTOf(md), scalar: protoreflect.MessageKind}
	if t.wkt == formWKTWrapper {
		if vf := md.Fields().ByName("value"); vf != nil {
			t.scalar = vf.Kind()
		} else {
			t.wkt = formWKTNone
		}
	}
	return t
}

func (t formType) input() formInput {
	switch t.wkt {
	case formWKTNone:
		if t.msg != nil {
			return formInputMessage
		}
	case formWKTEmpty:
		return formInputEmpty
	case formWKTAny:
		return formInputAny
	case formWKTWrapper:
		if t.scalar == protoreflect.BoolKind {
			return formInputBool
		}
		return formInputText
	default:
		return formInputText
	}
	switch t.kind {
	case protoreflect.BoolKind:
		return formInputBool
	case protoreflect.EnumKind:
		return formInputEnum
	}
	return formInputText
}

// expandable reports whether a value of this type has child rows.
func (t formType) expandable() bool {
	in := t.input()
	return in == formInputMessage || in == formInputAny
}

// formValue is one editable value.
type formValue struct {
	t    formType
	text string // text, enum and Any-type inputs: exactly what the user typed
	b    bool   // bool inputs
	err  string // why text is invalid ("" when valid)

	msg      *formMsg // nested form (formInputMessage), created lazily
	expanded bool

	// Any: the chosen type, a value per type tried (so switching back and
	// forth keeps what was typed), or the payload of a type that the resolver
	// does not know.
	anyType protoreflect.FullName
	anyVals map[protoreflect.FullName]*formValue
	anyURL  string
	anyRaw  []byte
}

func newFormValue(t formType) *formValue {
	return &formValue{t: t}
}

// setText replaces the text and validates it.
func (v *formValue) setText(s string, ctx *formCtx) {
	v.text = s
	v.validate(ctx)
}

// validate recomputes err from text (no I/O).
func (v *formValue) validate(ctx *formCtx) {
	v.err = ""
	switch v.t.input() {
	case formInputText, formInputEnum:
		if _, err := v.parse(ctx, false); err != nil {
			v.err = err.Error()
		}
	case formInputAny:
		if v.text == "" || v.anyURL != "" && v.text == v.anyURL {
			return
		}
		if _, err := ctx.findType(v.text); err != nil {
			v.err = err.Error()
		}
	}
}

// ensureMsg creates the nested form of a message value.
func (v *formValue) ensureMsg() *formMsg {
	if v.msg == nil && v.t.input() == formInputMessage {
		v.msg = newFormMsg(v.t.msg)
	}
	return v.msg
}

// anyInner is the value inside an Any for the chosen type (nil if none).
func (v *formValue) anyInner() *formValue {
	if v.anyType == "" {
		return nil
	}
	return v.anyVals[v.anyType]
}

// chooseAnyType makes md the type of an Any value.
func (v *formValue) chooseAnyType(md protoreflect.MessageDescriptor) {
	if v.anyVals == nil {
		v.anyVals = map[protoreflect.FullName]*formValue{}
	}
	v.anyType = md.FullName()
	v.text = string(md.FullName())
	v.err = ""
	v.anyURL, v.anyRaw = "", nil
	inner := v.anyVals[md.FullName()]
	if inner == nil {
		inner = newFormValue(formTypeOfMessage(md))
		inner.expanded = true
		v.anyVals[md.FullName()] = inner
	}
	v.expanded = true
}

// isZeroInput reports whether an implicit-presence value was left empty.
func (v *formValue) isZeroInput() bool {
	switch v.t.input() {
	case formInputBool:
		return !v.b
	case formInputText, formInputEnum:
		return v.text == ""
	}
	return false
}

// formField is one field of a message in the form.
type formField struct {
	fd       protoreflect.FieldDescriptor
	set      bool // presence of explicit-presence singular fields
	val      *formValue
	elems    []*formValue
	entries  []*formEntry
	expanded bool // repeated and map fields
}

// formEntry is one map entry.
type formEntry struct {
	key, val *formValue
}

// explicit reports whether the field tracks presence (message fields, proto3
// optional, oneof members, proto2): such a field is only sent when set, even
// with its zero value.
func (f *formField) explicit() bool {
	return !f.fd.IsList() && !f.fd.IsMap() && f.fd.HasPresence()
}

// present reports whether the field will be sent.
func (f *formField) present() bool {
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

func (f *formField) newElem() *formValue {
	return newFormValue(formTypeOfField(f.fd))
}

func (f *formField) newEntry() *formEntry {
	e := &formEntry{
		key: newFormValue(formTypeOfField(f.fd.MapKey())),
		val: newFormValue(formTypeOfField(f.fd.MapValue())),
	}
	if e.val.t.expandable() {
		e.val.expanded = true
	}
	return e
}

// formMsg is the form of one message.
type formMsg struct {
	md     protoreflect.MessageDescriptor
	fields []*formField
}

func newFormMsg(md protoreflect.MessageDescriptor) *formMsg {
	fm := &formMsg{md: md}
	fds := md.Fields()
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		f := &formField{fd: fd}
		if !fd.IsList() && !fd.IsMap() {
			f.val = newFormValue(formTypeOfField(fd))
		}
		fm.fields = append(fm.fields, f)
	}
	return fm
}

// setField marks an explicit-presence field as set; in a oneof it clears the
// other members (their text is kept for when the user switches back).
func (fm *formMsg) setField(f *formField) {
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
func (fm *formMsg) oneofMember(oo protoreflect.OneofDescriptor) *formField {
	for _, f := range fm.fields {
		if f.fd.ContainingOneof() == oo && f.set {
			return f
		}
	}
	return nil
}

// countPresent is the number of fields that will be sent.
func (fm *formMsg) countPresent() int {
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

// formPathJoin joins a field path and a field name.
func formPathJoin(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// formMapKeyPath formats the path of a map entry from its key text.
func formMapKeyPath(path string, key *formValue) string {
	switch {
	case key.t.input() == formInputBool:
		return fmt.Sprintf("%s[%t]", path, key.b)
	case key.t.kind == protoreflect.StringKind:
		return fmt.Sprintf("%s[%s]", path, strconv.Quote(key.text))
	case key.text == "":
		return path + "[0]"
	}
	return fmt.Sprintf("%s[%s]", path, key.text)
}

// formFieldError is the error of an invalid field, naming its path.
type formFieldError struct {
	Path   string
	Reason string
}

func (e *formFieldError) Error() string { return e.Path + ": " + e.Reason }

func formErrf(path, format string, args ...any) error {
	return &formFieldError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// build fills dm from the form.
func (fm *formMsg) build(dm protoreflect.Message, ctx *formCtx, prefix string) error {
	for _, f := range fm.fields {
		fd := f.fd
		path := formPathJoin(prefix, string(fd.Name()))
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
				epath := formMapKeyPath(path, e.key)
				k, err := e.key.toValue(ctx, epath+" (key)")
				if err != nil {
					return err
				}
				if seen[k.Interface()] {
					return formErrf(epath, "duplicate key")
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
					return formErrf(path, "required")
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
func (v *formValue) toValue(ctx *formCtx, path string) (protoreflect.Value, error) {
	switch v.t.input() {
	case formInputText, formInputEnum:
		pv, err := v.parse(ctx, true)
		if err != nil {
			return pv, &formFieldError{Path: path, Reason: err.Error()}
		}
		return pv, nil
	case formInputBool:
		if v.t.wkt == formWKTWrapper {
			dm := dynamicpb.NewMessage(v.t.msg)
			dm.Set(v.t.msg.Fields().ByName("value"), protoreflect.ValueOfBool(v.b))
			return protoreflect.ValueOfMessage(dm), nil
		}
		return protoreflect.ValueOfBool(v.b), nil
	case formInputEmpty:
		return protoreflect.ValueOfMessage(dynamicpb.NewMessage(v.t.msg)), nil
	case formInputMessage:
		dm := dynamicpb.NewMessage(v.t.msg)
		if v.msg != nil {
			if err := v.msg.build(dm, ctx, path); err != nil {
				return protoreflect.Value{}, err
			}
		}
		return protoreflect.ValueOfMessage(dm), nil
	case formInputAny:
		return v.anyToValue(ctx, path)
	}
	return protoreflect.Value{}, formErrf(path, "cannot edit this field")
}

func (v *formValue) anyToValue(ctx *formCtx, path string) (protoreflect.Value, error) {
	dm := dynamicpb.NewMessage(v.t.msg)
	urlFD := v.t.msg.Fields().ByName("type_url")
	valFD := v.t.msg.Fields().ByName("value")
	if v.err != "" {
		return protoreflect.Value{}, formErrf(path+".@type", "%s", v.err)
	}
	switch inner := v.anyInner(); {
	case inner != nil:
		iv, err := inner.toValue(ctx, path)
		if err != nil {
			return protoreflect.Value{}, err
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(iv.Message().Interface())
		if err != nil {
			return protoreflect.Value{}, formErrf(path, "%v", err)
		}
		dm.Set(urlFD, protoreflect.ValueOfString(formAnyURLPrefix+string(v.anyType)))
		dm.Set(valFD, protoreflect.ValueOfBytes(b))
	case v.anyURL != "":
		dm.Set(urlFD, protoreflect.ValueOfString(v.anyURL))
		dm.Set(valFD, protoreflect.ValueOfBytes(v.anyRaw))
	default:
		return protoreflect.Value{}, formErrf(path+".@type", "no type chosen")
	}
	return protoreflect.ValueOfMessage(dm), nil
}

const formAnyURLPrefix = "type.googleapis.com/"

// ---------------------------------------------------------------------------
// Checking the form without building it (no I/O): for Valid and the header.

// formProblem is one invalid value.
type formProblem struct {
	path, reason string
}

func (fm *formMsg) check(prefix string, out *[]formProblem) {
	for _, f := range fm.fields {
		path := formPathJoin(prefix, string(f.fd.Name()))
		switch {
		case f.fd.IsList():
			for i, e := range f.elems {
				e.check(fmt.Sprintf("%s[%d]", path, i), out)
			}
		case f.fd.IsMap():
			seen := map[string]bool{}
			for _, e := range f.entries {
				epath := formMapKeyPath(path, e.key)
				e.key.check(epath+" (key)", out)
				if k := e.key.keyID(); seen[k] {
					*out = append(*out, formProblem{epath, "duplicate key"})
				} else {
					seen[k] = true
				}
				e.val.check(epath, out)
			}
		case f.explicit() && !f.set:
			if f.fd.Cardinality() == protoreflect.Required {
				*out = append(*out, formProblem{path, "required"})
			}
		default:
			f.val.check(path, out)
		}
	}
}

func (v *formValue) check(path string, out *[]formProblem) {
	switch v.t.input() {
	case formInputText, formInputEnum:
		if v.err != "" {
			*out = append(*out, formProblem{path, v.err})
		}
	case formInputMessage:
		if v.msg != nil {
			v.msg.check(path, out)
		}
	case formInputAny:
		switch inner := v.anyInner(); {
		case v.err != "":
			*out = append(*out, formProblem{path + ".@type", v.err})
		case inner != nil:
			inner.check(path, out)
		case v.anyURL == "":
			*out = append(*out, formProblem{path + ".@type", "no type chosen"})
		}
	}
}

// keyID identifies a map key for duplicate detection.
func (v *formValue) keyID() string {
	if v.t.input() == formInputBool {
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

func (fm *formMsg) load(src protoreflect.Message, ctx *formCtx) {
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
			sort.Slice(keys, func(i, j int) bool { return formLessMapKey(keys[i], keys[j]) })
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

func formLessMapKey(a, b protoreflect.MapKey) bool {
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

func (v *formValue) load(pv protoreflect.Value, ctx *formCtx) {
	switch v.t.input() {
	case formInputBool:
		if v.t.wkt == formWKTWrapper {
			m := pv.Message()
			v.b = m.Get(m.Descriptor().Fields().ByName("value")).Bool()
		} else {
			v.b = pv.Bool()
		}
	case formInputText, formInputEnum:
		if v.t.msg != nil {
			v.text = formFormatWKT(v.t, pv.Message())
		} else {
			v.text = formFormatScalar(v.t, pv)
		}
		v.validate(ctx)
	case formInputMessage:
		v.msg = newFormMsg(v.t.msg)
		v.msg.load(pv.Message(), ctx)
	case formInputAny:
		v.loadAny(pv.Message(), ctx)
	}
}

func (v *formValue) loadAny(m protoreflect.Message, ctx *formCtx) {
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

// formTypeName names a message or enum type as the user knows it: relative to
// the package of the form's root message, full otherwise.
func formTypeName(full protoreflect.FullName, pkg protoreflect.FullName) string {
	if pkg != "" && strings.HasPrefix(string(full), string(pkg)+".") {
		return string(full)[len(pkg)+1:]
	}
	return string(full)
}

// formElemTypeName describes the (element) type of a field, without
// "repeated".
func formElemTypeName(fd protoreflect.FieldDescriptor, pkg protoreflect.FullName) string {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return formTypeName(fd.Message().FullName(), pkg)
	case protoreflect.EnumKind:
		return formTypeName(fd.Enum().FullName(), pkg)
	}
	return fd.Kind().String()
}

// formFieldTypeName describes the type of a field: "repeated string",
// "map<string, Address>", "optional int32", "Color", ...
func formFieldTypeName(fd protoreflect.FieldDescriptor, pkg protoreflect.FullName) string {
	switch {
	case fd.IsMap():
		return "map<" + formElemTypeName(fd.MapKey(), pkg) + ", " + formElemTypeName(fd.MapValue(), pkg) + ">"
	case fd.IsList():
		return "repeated " + formElemTypeName(fd, pkg)
	case fd.HasOptionalKeyword() && fd.Message() == nil:
		return "optional " + formElemTypeName(fd, pkg)
	}
	return formElemTypeName(fd, pkg)
}

// formValueTypeName describes the type of a value.
func formValueTypeName(t formType, pkg protoreflect.FullName) string {
	switch {
	case t.msg != nil:
		return formTypeName(t.msg.FullName(), pkg)
	case t.enum != nil:
		return formTypeName(t.enum.FullName(), pkg)
	}
	return t.kind.String()
}

// formPlaceholder is what an empty input shows: the default value, or how to
// type a well-known type.
func formPlaceholder(t formType) string {
	switch t.wkt {
	case formWKTTimestamp:
		return "RFC 3339 or now"
	case formWKTDuration:
		return "e.g. 1.5s, 100ms, 1h30m"
	case formWKTFieldMask:
		return "paths, comma-separated"
	case formWKTJSON:
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
		return formFormatScalar(t, t.def)
	}
	return "0"
}

// formHint explains how to type a value, for the footer.
func formHint(t formType) string {
	switch t.wkt {
	case formWKTTimestamp:
		return "RFC 3339 (2024-05-01T12:00:00Z), now, now-1h"
	case formWKTDuration:
		return "1.5s, 100ms, 2h45m, -3s"
	case formWKTFieldMask:
		return "comma-separated paths: a.b, c_d"
	case formWKTJSON:
		return "JSON text"
	case formWKTEmpty:
		return "enter: set / unset"
	case formWKTAny:
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
		lo, hi := formIntRange(t.scalar)
		return "integer " + lo + " to " + hi
	case protoreflect.MessageKind:
		return "enter: expand / collapse"
	}
	return ""
}

// formNow is the clock of the form (tests replace it through formCtx).
func formNow() time.Time { return time.Now() }

package dynamic

import (
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Template returns a JSON request of type md with every field shown, for
// people to fill in: scalars at their zero value, enums at their first
// value, nested messages expanded (a recursive type once), repeated fields
// with one element, maps with one entry, and the first member of each oneof
// (JSON cannot hold two).
func Template(types *Types, md protoreflect.MessageDescriptor) string {
	msg := types.New(md)
	fillTemplate(types, msg, map[protoreflect.FullName]bool{})
	b, err := protojson.MarshalOptions{EmitUnpopulated: true, Resolver: types}.Marshal(msg)
	if err != nil {
		return "{}"
	}
	// Field names (json_name) come from the server.
	return SafeJSON(stableJSON(b, true))
}

func fillTemplate(types *Types, msg protoreflect.Message, inPath map[protoreflect.FullName]bool) {
	md := msg.Descriptor()
	switch md.FullName() {
	case "google.protobuf.Any":
		// An Any needs a type every server knows. Not Empty: JSON mappings
		// disagree on whether an Any of Empty has a "value" (Go's protojson
		// says no, grpcurl says yes); a wrapper's "value" all agree on.
		msg.Set(md.Fields().ByName("type_url"), protoreflect.ValueOfString("type.googleapis.com/google.protobuf.StringValue"))
		return
	case "google.protobuf.Value":
		msg.Set(md.Fields().ByName("string_value"), protoreflect.ValueOfString(""))
		return
	case "google.protobuf.Struct", "google.protobuf.ListValue", "google.protobuf.Timestamp",
		"google.protobuf.Duration", "google.protobuf.FieldMask", "google.protobuf.Empty":
		return
	}
	inPath[md.FullName()] = true
	defer delete(inPath, md.FullName())
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if oo := fd.ContainingOneof(); oo != nil && !oo.IsSynthetic() && oo.Fields().Get(0) != fd {
			continue
		}
		switch {
		case fd.IsMap():
			m := msg.Mutable(fd).Map()
			key := templateScalar(fd.MapKey()).MapKey()
			if fd.MapValue().Message() != nil {
				v := m.NewValue()
				if !inPath[fd.MapValue().Message().FullName()] {
					fillTemplate(types, v.Message(), inPath)
				}
				m.Set(key, v)
			} else {
				m.Set(key, templateScalar(fd.MapValue()))
			}
		case fd.IsList():
			l := msg.Mutable(fd).List()
			if fd.Message() != nil {
				if inPath[fd.Message().FullName()] {
					continue // an empty list ends the recursion
				}
				v := l.NewElement()
				fillTemplate(types, v.Message(), inPath)
				l.Append(v)
			} else {
				// NewElement is the zero value: templateScalar's Default
				// is not defined for list fields.
				l.Append(l.NewElement())
			}
		case fd.Message() != nil:
			if inPath[fd.Message().FullName()] {
				continue
			}
			fillTemplate(types, msg.Mutable(fd).Message(), inPath)
		default:
			msg.Set(fd, templateScalar(fd))
		}
	}
}

func templateScalar(fd protoreflect.FieldDescriptor) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if vals := fd.Enum().Values(); vals.Len() > 0 {
			return protoreflect.ValueOfEnum(vals.Get(0).Number())
		}
		return protoreflect.ValueOfEnum(0)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString("")
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes(nil)
	}
	return fd.Default()
}

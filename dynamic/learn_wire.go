package dynamic

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// WireField is one field of a message on the wire: its tag and value bytes
// and what they mean. Fields of nested messages follow their parent with a
// greater Depth.
type WireField struct {
	Depth   int
	Offset  int    // of the tag, from the start of the top message
	Bytes   []byte // tag, length and value
	Field   string // "name (number)"; "(number)" for an unknown field
	Type    string // VARINT, I64, LEN, I32
	Meaning string // the decoded value
}

// AnnotateWire explains the protobuf encoding of a message of type md,
// field by field; it never fails, marking bytes it cannot parse.
func AnnotateWire(md protoreflect.MessageDescriptor, b []byte) []WireField {
	var out []WireField
	annotate(md, b, 0, 0, &out)
	return out
}

func annotate(md protoreflect.MessageDescriptor, b []byte, base, depth int, out *[]WireField) {
	for off := 0; off < len(b); {
		num, typ, tagLen := protowire.ConsumeTag(b[off:])
		if tagLen < 0 {
			*out = append(*out, WireField{Depth: depth, Offset: base + off, Bytes: b[off:], Meaning: "cannot parse: " + protowire.ParseError(tagLen).Error()})
			return
		}
		valLen := protowire.ConsumeFieldValue(num, typ, b[off+tagLen:])
		if valLen < 0 {
			*out = append(*out, WireField{Depth: depth, Offset: base + off, Bytes: b[off:], Meaning: "cannot parse: " + protowire.ParseError(valLen).Error()})
			return
		}
		var fd protoreflect.FieldDescriptor
		if md != nil {
			fd = md.Fields().ByNumber(num)
		}
		val := b[off+tagLen : off+tagLen+valLen]
		wf := WireField{Depth: depth, Offset: base + off, Bytes: b[off : off+tagLen+valLen], Field: fmt.Sprintf("(%d)", num), Type: wireTypeName(typ)}
		if fd != nil {
			wf.Field = fmt.Sprintf("%s (%d)", fd.Name(), num)
		}
		var nested protoreflect.MessageDescriptor
		wf.Meaning, nested = wireMeaning(fd, typ, val)
		*out = append(*out, wf)
		if nested != nil {
			inner, _ := protowire.ConsumeBytes(val)
			// The nested message starts after the tag and its length.
			annotate(nested, inner, base+off+tagLen+len(val)-len(inner), depth+1, out)
		}
		off += tagLen + valLen
	}
}

func wireTypeName(t protowire.Type) string {
	switch t {
	case protowire.VarintType:
		return "VARINT"
	case protowire.Fixed64Type:
		return "I64"
	case protowire.BytesType:
		return "LEN"
	case protowire.Fixed32Type:
		return "I32"
	case protowire.StartGroupType:
		return "SGROUP"
	case protowire.EndGroupType:
		return "EGROUP"
	}
	return "?"
}

// wireMeaning decodes one value; for a nested message it returns the
// message's descriptor so that its fields are annotated too.
func wireMeaning(fd protoreflect.FieldDescriptor, typ protowire.Type, val []byte) (string, protoreflect.MessageDescriptor) {
	switch typ {
	case protowire.VarintType:
		v, _ := protowire.ConsumeVarint(val)
		if fd == nil {
			return strconv.FormatUint(v, 10), nil
		}
		switch fd.Kind() {
		case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
			return fmt.Sprintf("%d (zigzag %d)", protowire.DecodeZigZag(v), v), nil
		case protoreflect.BoolKind:
			return strconv.FormatBool(v != 0), nil
		case protoreflect.EnumKind:
			if ev := fd.Enum().Values().ByNumber(protoreflect.EnumNumber(int32(v))); ev != nil {
				return fmt.Sprintf("%s (%d)", ev.Name(), int32(v)), nil
			}
			return strconv.Itoa(int(int32(v))), nil
		case protoreflect.Int32Kind:
			return strconv.Itoa(int(int32(v))), nil
		case protoreflect.Int64Kind:
			return strconv.FormatInt(int64(v), 10), nil
		}
		return strconv.FormatUint(v, 10), nil
	case protowire.Fixed32Type:
		v, _ := protowire.ConsumeFixed32(val)
		if fd != nil {
			switch fd.Kind() {
			case protoreflect.FloatKind:
				return strconv.FormatFloat(float64(mathFloat32(v)), 'g', -1, 32), nil
			case protoreflect.Sfixed32Kind:
				return strconv.Itoa(int(int32(v))), nil
			}
		}
		return strconv.FormatUint(uint64(v), 10), nil
	case protowire.Fixed64Type:
		v, _ := protowire.ConsumeFixed64(val)
		if fd != nil {
			switch fd.Kind() {
			case protoreflect.DoubleKind:
				return strconv.FormatFloat(mathFloat64(v), 'g', -1, 64), nil
			case protoreflect.Sfixed64Kind:
				return strconv.FormatInt(int64(v), 10), nil
			}
		}
		return strconv.FormatUint(v, 10), nil
	case protowire.BytesType:
		inner, _ := protowire.ConsumeBytes(val)
		switch {
		case fd != nil && fd.Message() != nil:
			return fmt.Sprintf("%d bytes: a %s", len(inner), fd.Message().Name()), fd.Message()
		case fd != nil && fd.Kind() == protoreflect.StringKind:
			return fmt.Sprintf("%d bytes: %q", len(inner), string(inner)), nil
		case fd != nil && fd.IsList():
			return fmt.Sprintf("%d bytes: packed %s values", len(inner), fd.Kind()), nil
		case utf8.Valid(inner) && fd == nil:
			return fmt.Sprintf("%d bytes: %q", len(inner), string(inner)), nil
		}
		return fmt.Sprintf("%d bytes", len(inner)), nil
	}
	return "", nil
}

func mathFloat32(v uint32) float32 { return math.Float32frombits(v) }
func mathFloat64(v uint64) float64 { return math.Float64frombits(v) }

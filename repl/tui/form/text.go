package form

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// textWidget edits strings and numbers (and the Int32Value, StringValue, …
// wrappers' values) in the row's text input. Integers take 0x / 0o / 0b;
// floats take inf and nan (dynamic/textvalue.go reads them).
type textWidget struct{ textBase }

func (textWidget) name() string { return "text" }

func (textWidget) matches(valueType) bool { return true }

func (textWidget) parse(t valueType, text string, ctx *valueCtx, doIO bool) (protoreflect.Value, error) {
	return parseScalar(t, text, ctx, doIO)
}

func (textWidget) placeholder(t valueType) string {
	if t.scalar == protoreflect.StringKind {
		if t.hasDef && t.def.String() != "" {
			return t.def.String()
		}
		return `""`
	}
	if t.hasDef {
		return formatScalar(t, t.def)
	}
	return "0"
}

func (textWidget) hint(t valueType) string {
	switch t.scalar {
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return "1.5, -2e-3, inf, -inf, nan"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		lo, hi := dynamic.IntRange(t.scalar)
		return "integer " + lo + " to " + hi
	}
	return ""
}

// startsValue: a string begins with anything, a number with a digit, a sign
// or a point, so that letters keep their shortcuts on number rows.
func (textWidget) startsValue(t valueType, r rune) bool {
	if t.scalar == protoreflect.StringKind {
		return true
	}
	return startsNumber(r)
}

func startsNumber(r rune) bool { return r >= '0' && r <= '9' || r == '-' || r == '.' }

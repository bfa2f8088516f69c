package form

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/grpcsh/grpcsh/dynamic"
)

// valueCtx is what parsing and building need besides the text: the resolver
// for Any, the clock for "now" and file reading for "@path" bytes.
type valueCtx struct {
	res      Resolver
	anyNames []protoreflect.FullName // picker choices for Any; nil: from res
	now      func() time.Time
	readFile func(string) ([]byte, error)
}

func (c *valueCtx) resolver() Resolver {
	if c == nil || c.res == nil {
		return protoregistry.GlobalTypes
	}
	return c.res
}

// protoResolver adapts a Resolver to what protojson and proto need.
type protoResolver struct{ Resolver }

func (r protoResolver) FindExtensionByName(n protoreflect.FullName) (protoreflect.ExtensionType, error) {
	if x, ok := r.Resolver.(protoregistry.ExtensionTypeResolver); ok {
		return x.FindExtensionByName(n)
	}
	return nil, protoregistry.NotFound
}

func (r protoResolver) FindExtensionByNumber(m protoreflect.FullName, n protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	if x, ok := r.Resolver.(protoregistry.ExtensionTypeResolver); ok {
		return x.FindExtensionByNumber(m, n)
	}
	return nil, protoregistry.NotFound
}

func (c *valueCtx) protoResolver() protoResolver {
	return protoResolver{c.resolver()}
}

// findType resolves a message type by full name or type URL.
func (c *valueCtx) findType(name string) (protoreflect.MessageType, error) {
	name = strings.TrimSpace(name)
	var mt protoreflect.MessageType
	var err error
	if strings.Contains(name, "/") {
		mt, err = c.resolver().FindMessageByURL(name)
	} else {
		mt, err = c.resolver().FindMessageByName(protoreflect.FullName(name))
	}
	if err != nil || mt == nil {
		return nil, fmt.Errorf("unknown message type %q", name)
	}
	if mt.Descriptor().IsMapEntry() {
		return nil, fmt.Errorf("%s is a map entry, not a message type", name)
	}
	return mt, nil
}

// anyTypeNames lists the message types offered by the Any type picker.
func (c *valueCtx) anyTypeNames() []protoreflect.FullName {
	if c.anyNames != nil {
		return c.anyNames
	}
	var names []protoreflect.FullName
	if r, ok := c.resolver().(interface {
		RangeMessages(func(protoreflect.MessageType) bool)
	}); ok {
		r.RangeMessages(func(mt protoreflect.MessageType) bool {
			if !mt.Descriptor().IsMapEntry() {
				names = append(names, mt.Descriptor().FullName())
			}
			return true
		})
	}
	sortNames(names)
	c.anyNames = names
	return names
}

func sortNames(names []protoreflect.FullName) {
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && names[j] < names[j-1]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

func (c *valueCtx) clock() time.Time {
	if c == nil || c.now == nil {
		return clockNow()
	}
	return c.now()
}

// fileReader is how "@path" bytes are read (tests replace readFile).
func (c *valueCtx) fileReader() func(string) ([]byte, error) {
	if c == nil || c.readFile == nil {
		return os.ReadFile
	}
	return c.readFile
}

// parseScalar parses the text of a scalar (or enum) value. The empty text
// is the default value.
func parseScalar(t valueType, text string, ctx *valueCtx, doIO bool) (protoreflect.Value, error) {
	s := strings.TrimSpace(text)
	kind := t.scalar
	if s == "" && kind != protoreflect.StringKind && kind != protoreflect.BytesKind {
		if t.hasDef {
			return t.def, nil
		}
		switch kind {
		case protoreflect.EnumKind:
			if t.enum != nil && t.enum.Values().Len() > 0 {
				return protoreflect.ValueOfEnum(t.enum.Values().Get(0).Number()), nil
			}
			return protoreflect.ValueOfEnum(0), nil
		case protoreflect.BoolKind:
			return protoreflect.ValueOfBool(false), nil
		}
	}
	var read func(string) ([]byte, error)
	if doIO {
		read = ctx.fileReader()
	}
	return dynamic.ParseScalar(kind, t.enum, text, read)
}

// enumCanonical returns the declared name of an enum text ("red" → "RED").
func enumCanonical(ed protoreflect.EnumDescriptor, s string) string {
	n, err := dynamic.ParseEnum(ed, strings.TrimSpace(s))
	if err != nil {
		return s
	}
	if _, numErr := strconv.Atoi(strings.TrimSpace(s)); numErr == nil {
		return strings.TrimSpace(s)
	}
	if ev := ed.Values().ByNumber(n); ev != nil {
		return string(ev.Name())
	}
	return s
}

// ---------------------------------------------------------------------------
// Formatting values as text for the inputs.

func formatScalar(t valueType, pv protoreflect.Value) string {
	switch t.scalar {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return strconv.FormatInt(pv.Int(), 10)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return strconv.FormatUint(pv.Uint(), 10)
	case protoreflect.FloatKind:
		return dynamic.FormatFloat(pv.Float(), 32)
	case protoreflect.DoubleKind:
		return dynamic.FormatFloat(pv.Float(), 64)
	case protoreflect.BoolKind:
		return strconv.FormatBool(pv.Bool())
	case protoreflect.StringKind:
		return pv.String()
	case protoreflect.BytesKind:
		return base64.StdEncoding.EncodeToString(pv.Bytes())
	case protoreflect.EnumKind:
		if t.enum != nil {
			if ev := t.enum.Values().ByNumber(pv.Enum()); ev != nil {
				return string(ev.Name())
			}
		}
		return strconv.Itoa(int(pv.Enum()))
	}
	return fmt.Sprint(pv.Interface())
}

var errNotText = errors.New("not a text value")

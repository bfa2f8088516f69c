package form

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/dynamic"
)

// fieldMaskWidget edits a google.protobuf.FieldMask as comma-separated
// paths (dynamic.ParseFieldMask reads them; camelCase becomes snake_case).
type fieldMaskWidget struct{ textBase }

func (fieldMaskWidget) name() string { return "fieldmask" }

func (fieldMaskWidget) matches(t valueType) bool {
	return t.msg != nil && t.msg.FullName() == "google.protobuf.FieldMask"
}

func (fieldMaskWidget) parse(t valueType, text string, _ *valueCtx, _ bool) (protoreflect.Value, error) {
	paths, err := dynamic.ParseFieldMask(text)
	if err != nil {
		return protoreflect.Value{}, err
	}
	dm := dynamicpb.NewMessage(t.msg)
	l := dm.Mutable(t.msg.Fields().ByName("paths")).List()
	for _, p := range paths {
		l.Append(protoreflect.ValueOfString(p))
	}
	return protoreflect.ValueOfMessage(dm), nil
}

func (fieldMaskWidget) format(_ valueType, pv protoreflect.Value) string {
	m := pv.Message()
	l := m.Get(m.Descriptor().Fields().ByName("paths")).List()
	paths := make([]string, l.Len())
	for i := range paths {
		paths[i] = l.Get(i).String()
	}
	return strings.Join(paths, ",")
}

func (fieldMaskWidget) placeholder(valueType) string { return "paths, comma-separated" }

func (fieldMaskWidget) emptyText(valueType) string { return `""` }

func (fieldMaskWidget) hint(valueType) string { return "comma-separated paths: a.b, c_d" }

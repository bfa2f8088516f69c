package form

import (
	"bytes"
	"encoding/json"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// structWidget edits google.protobuf.Struct, Value and ListValue as one
// line of JSON text.
type structWidget struct{ textBase }

func (structWidget) name() string { return "struct" }

func (structWidget) matches(t valueType) bool {
	if t.msg == nil {
		return false
	}
	switch t.msg.FullName() {
	case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue":
		return true
	}
	return false
}

func (w structWidget) parse(t valueType, text string, _ *valueCtx, _ bool) (protoreflect.Value, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		text = w.placeholder(t)
	}
	dm := dynamicpb.NewMessage(t.msg)
	if err := (protojson.UnmarshalOptions{}).Unmarshal([]byte(text), dm); err != nil {
		return protoreflect.Value{}, jsonProblem([]byte(text), err)
	}
	return protoreflect.ValueOfMessage(dm), nil
}

func (structWidget) format(_ valueType, pv protoreflect.Value) string {
	b, err := protojson.Marshal(pv.Message().Interface())
	if err != nil {
		return ""
	}
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return string(b)
	}
	return out.String()
}

func (structWidget) placeholder(t valueType) string {
	switch t.msg.FullName() {
	case "google.protobuf.Struct":
		return "{}"
	case "google.protobuf.ListValue":
		return "[]"
	}
	return "null"
}

func (structWidget) hint(valueType) string { return "JSON text" }

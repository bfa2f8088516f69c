package dynamic

import (
	"bytes"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// JSONResolver is what reading JSON needs to resolve Any values and
// extensions: *Types, *protoregistry.Types and dynamicpb.Types are ones.
type JSONResolver interface {
	protoregistry.MessageTypeResolver
	protoregistry.ExtensionTypeResolver
}

// ParseJSONWith is ParseJSON for a caller that resolves types with
// something other than *Types (the TUI's request form is given any
// resolver): the same reading, the same *JSONError. Empty text is an empty
// message.
func ParseJSONWith(res JSONResolver, md protoreflect.MessageDescriptor, data []byte) (*dynamicpb.Message, error) {
	if t, ok := res.(*Types); ok {
		return ParseJSON(t, md, data)
	}
	msg := dynamicpb.NewMessage(md)
	if len(bytes.TrimSpace(data)) == 0 {
		return msg, nil
	}
	if err := (protojson.UnmarshalOptions{Resolver: res}).Unmarshal(data, msg); err != nil {
		return nil, LocateJSONError(data, err)
	}
	return msg, nil
}

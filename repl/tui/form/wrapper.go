package form

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The google.protobuf.*Value wrappers are edited by the widget of their
// value's kind (text, toggle, bytes): valueNode wraps what the widget
// builds and unwraps what it loads, so no widget knows about wrappers.

func isWrapper(md protoreflect.MessageDescriptor) bool {
	switch md.FullName() {
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
		"google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		return md.Fields().ByName("value") != nil
	}
	return false
}

// wrap puts a wrapper's value into a new wrapper message of t.
func wrap(t valueType, pv protoreflect.Value) protoreflect.Value {
	dm := dynamicpb.NewMessage(t.msg)
	dm.Set(t.msg.Fields().ByName("value"), pv)
	return protoreflect.ValueOfMessage(dm)
}

// unwrap is the value inside a wrapper message.
func unwrap(pv protoreflect.Value) protoreflect.Value {
	m := pv.Message()
	return m.Get(m.Descriptor().Fields().ByName("value"))
}

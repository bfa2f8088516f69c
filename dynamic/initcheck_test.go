package dynamic

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// Skipping the required-field check where it cannot fail keeps it where
// it can: a proto2 required field, at the top or nested, unset, is still
// an error when read from JSON and when printed.
func TestRequiredFieldsStillChecked(t *testing.T) {
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	fdp := &descriptorpb.FileDescriptorProto{
		Name: proto.String("req.proto"), Package: proto.String("req"), Syntax: proto.String("proto2"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Inner"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("id"), JsonName: proto.String("id"), Number: proto.Int32(1), Label: descriptorpb.FieldDescriptorProto_LABEL_REQUIRED.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum()},
			}},
			{Name: proto.String("Outer"), Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("inner"), JsonName: proto.String("inner"), Number: proto.Int32(1), Label: opt, Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".req.Inner")},
			}},
		},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	outer := fd.Messages().ByName("Outer")
	types := NewTypes(nil)
	if _, err := ParseJSON(types, outer, []byte(`{"inner": {}}`)); err == nil || !strings.Contains(err.Error(), "required field req.Inner.id not set") {
		t.Errorf("unset nested required field read: %v", err)
	}
	m, err := ParseJSON(types, outer, []byte(`{"inner": {"id": 3}}`))
	if err != nil {
		t.Fatal(err)
	}
	if text, err := (Formatter{}).Format(m); err != nil || text != `{"inner":{"id":3}}` {
		t.Errorf("Format = %q, %v", text, err)
	}
	m.Get(outer.Fields().ByName("inner")).Message().Clear(fd.Messages().ByName("Inner").Fields().ByName("id"))
	if _, err := (Formatter{}).Format(m); err == nil {
		t.Error("a message without its required field printed")
	}
	if _, err := (bigCodec{}).Marshal(m); err == nil {
		t.Error("a message without its required field sent")
	}
	if !mayBeUninitialized(outer) || mayBeUninitialized((&showcasepb.BigReply{}).ProtoReflect().Descriptor()) {
		t.Error("mayBeUninitialized is wrong about Outer or BigReply")
	}
}

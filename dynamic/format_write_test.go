package dynamic

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/grpcsh/grpcsh/demo"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// blobsType is a message with large bytes in every place Prepare streams
// them from: a field, a list, a map, a sub-message, a wrapper.
func blobsType(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	label := func(l descriptorpb.FieldDescriptorProto_Label) *descriptorpb.FieldDescriptorProto_Label { return &l }
	typ := func(k descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto_Type { return &k }
	opt, rep := label(descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL), label(descriptorpb.FieldDescriptorProto_LABEL_REPEATED)
	fdp := &descriptorpb.FileDescriptorProto{
		Name: proto.String("blobs.proto"), Package: proto.String("blobs"), Syntax: proto.String("proto3"),
		Dependency: []string{"google/protobuf/wrappers.proto"},
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Blobs"),
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("one"), Number: proto.Int32(1), Label: opt, Type: typ(descriptorpb.FieldDescriptorProto_TYPE_BYTES)},
				{Name: proto.String("many"), Number: proto.Int32(2), Label: rep, Type: typ(descriptorpb.FieldDescriptorProto_TYPE_BYTES)},
				{Name: proto.String("named"), Number: proto.Int32(3), Label: rep, Type: typ(descriptorpb.FieldDescriptorProto_TYPE_MESSAGE), TypeName: proto.String(".blobs.Blobs.NamedEntry")},
				{Name: proto.String("inner"), Number: proto.Int32(4), Label: opt, Type: typ(descriptorpb.FieldDescriptorProto_TYPE_MESSAGE), TypeName: proto.String(".blobs.Blobs")},
				{Name: proto.String("wrapped"), Number: proto.Int32(5), Label: opt, Type: typ(descriptorpb.FieldDescriptorProto_TYPE_MESSAGE), TypeName: proto.String(".google.protobuf.BytesValue")},
				{Name: proto.String("note"), Number: proto.Int32(6), Label: opt, Type: typ(descriptorpb.FieldDescriptorProto_TYPE_STRING)},
			},
			NestedType: []*descriptorpb.DescriptorProto{{
				Name:    proto.String("NamedEntry"),
				Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
				Field: []*descriptorpb.FieldDescriptorProto{
					{Name: proto.String("key"), Number: proto.Int32(1), Label: opt, Type: typ(descriptorpb.FieldDescriptorProto_TYPE_STRING)},
					{Name: proto.String("value"), Number: proto.Int32(2), Label: opt, Type: typ(descriptorpb.FieldDescriptorProto_TYPE_BYTES)},
				},
			}},
		}},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return fd.Messages().Get(0)
}

// blob is n bytes that differ along their length, so that a value put
// back in the wrong place shows.
func blob(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

// Prepare and WriteTo write what Format and a newline write, in every
// setting (compact, multi-line, decorated), with large bytes in a field,
// a list, a map, a sub-message and a wrapper; and the message is as it
// was afterwards.
func TestPrepareWritesWhatFormatWrites(t *testing.T) {
	md := blobsType(t)
	m := dynamicpb.NewMessage(md)
	f := func(name string) protoreflect.FieldDescriptor { return md.Fields().ByName(protoreflect.Name(name)) }
	big := streamBytesMin + 5
	m.Set(f("one"), protoreflect.ValueOfBytes(blob(big, 1)))
	l := m.Mutable(f("many")).List()
	l.Append(protoreflect.ValueOfBytes([]byte("small")))
	l.Append(protoreflect.ValueOfBytes(blob(big+1, 2)))
	mp := m.Mutable(f("named")).Map()
	mp.Set(protoreflect.ValueOfString("a").MapKey(), protoreflect.ValueOfBytes(blob(big+2, 3)))
	mp.Set(protoreflect.ValueOfString("b").MapKey(), protoreflect.ValueOfBytes([]byte("b")))
	inner := m.Mutable(f("inner")).Message()
	inner.Set(f("one"), protoreflect.ValueOfBytes(blob(big+3, 4)))
	inner.Set(f("note"), protoreflect.ValueOfString("inner\u0085note"))
	m.Set(f("wrapped"), protoreflect.ValueOfMessage(dynamicpb.NewMessage(wrapperspb.File_google_protobuf_wrappers_proto.Messages().ByName("BytesValue"))))
	m.Get(f("wrapped")).Message().Set(wrapperspb.File_google_protobuf_wrappers_proto.Messages().ByName("BytesValue").Fields().ByName("value"), protoreflect.ValueOfBytes(blob(big+4, 5)))
	before := proto.Clone(m)
	upper := func(s string) string { return "<" + strings.ReplaceAll(s, `"`, `'`) + ">" }
	for _, tc := range []struct {
		name     string
		f        Formatter
		decorate func(string) string
	}{
		{"compact", Formatter{}, nil},
		{"multiline", Formatter{Multiline: true}, nil},
		{"decorated", Formatter{Multiline: true}, upper},
		{"proto names, defaults", Formatter{ProtoNames: true, EmitDefaults: true}, nil},
		{"text", Formatter{Text: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := tc.f.Format(m)
			if err != nil {
				t.Fatal(err)
			}
			if tc.decorate != nil {
				want = tc.decorate(want)
			}
			p, err := tc.f.Prepare(m, tc.decorate)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.f.Text && len(p.big) != 5 {
				t.Errorf("%d values streamed, want 5", len(p.big))
			}
			var got bytes.Buffer
			n, err := p.WriteTo(&got)
			if err != nil || int(n) != got.Len() {
				t.Fatalf("WriteTo = %d, %v; wrote %d", n, err, got.Len())
			}
			if got.String() != want+"\n" {
				t.Errorf("WriteTo wrote %d bytes, Format %d+1: they differ", got.Len(), len(want))
			}
			if p.String() != want+"\n" {
				t.Error("String differs from Format")
			}
			if !proto.Equal(m, before) {
				t.Error("the message changed")
			}
		})
	}
}

// A value that looks like a placeholder does not fool Prepare: the text
// is then formatted whole.
func TestPrepareWithAPlaceholderLookalike(t *testing.T) {
	md := blobsType(t)
	m := dynamicpb.NewMessage(md)
	fields := md.Fields()
	m.Set(fields.ByName("one"), protoreflect.ValueOfBytes(blob(streamBytesMin, 9)))
	// The first placeholder's own bytes, in another field.
	m.Mutable(fields.ByName("many")).List().Append(protoreflect.ValueOfBytes([]byte("\xfe\xedgrpcsh0000000")))
	want, _ := Formatter{}.Format(m)
	p, err := Formatter{}.Prepare(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.String() != want+"\n" {
		t.Error("Prepare's text differs from Format's")
	}
}

// A large response read through bigCodec (which points its payload into
// the received buffer: TestUnmarshalAliasingReadsWhatProtoReads) is the
// response the server sent, as a small one read by grpc's codec is.
func TestBigResponseThroughTheCodec(t *testing.T) {
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	conn := connMustDial(t, ConnConfig{Target: srv.Target(), MaxMsgSize: 64 << 20})
	defer conn.Close()
	c := &Client{CC: conn.ClientConn(), Types: NewTypes(nil)}
	m := showcasepb.File_showcase_proto.Services().ByName("Showcase").Methods().ByName("Big")
	for _, size := range []int{10, 3 << 20} {
		req := dynamicpb.NewMessage(m.Input())
		req.Set(m.Input().Fields().ByName("size"), protoreflect.ValueOfInt64(int64(size)))
		req.Set(m.Input().Fields().ByName("items"), protoreflect.ValueOfInt32(3))
		var reply *dynamicpb.Message
		err := c.InvokeOne(context.Background(), Call{Method: m}, req, func(ev Event) error {
			switch e := ev.(type) {
			case MessageEvent:
				reply = e.Message
			case EndEvent:
				if !e.Status.OK() {
					t.Errorf("status %v", e.Status.Err())
				}
			}
			return nil
		})
		if err != nil || reply == nil {
			t.Fatal(err, reply)
		}
		want := &showcasepb.BigReply{Payload: make([]byte, size)}
		for i := range want.Payload {
			want.Payload[i] = byte('a' + i%26)
		}
		for i := range 3 {
			want.Items = append(want.Items, &showcasepb.Item{Index: int32(i + 1), Name: "item-" + string(rune('1'+i))})
		}
		wire, _ := proto.Marshal(reply)
		got := &showcasepb.BigReply{}
		if err := proto.Unmarshal(wire, got); err != nil || !proto.Equal(got, want) {
			t.Errorf("size %d: the reply differs from what the server sent (%v)", size, err)
		}
	}
}

// stableJSON's one-line output is json.Compact's, whether or not this
// binary's protojson adds its random spaces (compactIsStable).
func TestStableJSONCompactsProtojson(t *testing.T) {
	m := &showcasepb.BigReply{Payload: []byte("p, q"), Items: []*showcasepb.Item{{Index: 1, Name: "a, b"}, {Index: 2}}}
	b, err := protojson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, b); err != nil {
		t.Fatal(err)
	}
	if got := stableJSON(b, false); got != want.String() {
		t.Errorf("stableJSON = %s, want %s (compactIsStable %v)", got, want.String(), compactIsStable)
	}
}

// dropCommaSpaces takes out only the spaces protojson adds after commas
// between values, never one inside a string, escaped quotes and
// backslashes included.
func TestDropCommaSpaces(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"a":1, "b":"x, y", "c":[1, 2, {"d":"\", e"}]}`, `{"a":1,"b":"x, y","c":[1,2,{"d":"\", e"}]}`},
		{`{"a":"\\", "b":2}`, `{"a":"\\","b":2}`},
		{`{"a":"\\\", ", "b":", "}`, `{"a":"\\\", ","b":", "}`},
		{`{"message":"Hello, world"}`, `{"message":"Hello, world"}`},
		{`[]`, `[]`},
		{`{"a":[, ]}`, `{"a":[,]}`},
	} {
		if got := string(dropCommaSpaces([]byte(tt.in))); got != tt.want {
			t.Errorf("dropCommaSpaces(%s) = %s, want %s", tt.in, got, tt.want)
		}
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(tt.in)) == nil && compact.String() != tt.want {
			t.Errorf("want %s, but json.Compact gives %s", tt.want, compact.String())
		}
	}
}

// BenchmarkFormatSmall is a script's printing of a small response:
// Prepare (one line of JSON) and WriteTo.
func BenchmarkFormatSmall(b *testing.B) {
	m := &showcasepb.Item{Index: 7, Name: "Hello bench"}
	f := Formatter{Types: NewTypes(nil)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		text, err := f.Prepare(m, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := text.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

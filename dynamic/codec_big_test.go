package dynamic

import (
	"bytes"
	"testing"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// unmarshalAliasing reads what proto.Unmarshal reads, field repeated on
// the wire included (the last value counts), and points the large bytes
// field into the buffer only when it is most of it.
func TestUnmarshalAliasingReadsWhatProtoReads(t *testing.T) {
	md := (&showcasepb.BigReply{}).ProtoReflect().Descriptor()
	payload := md.Fields().ByName("payload")
	big := bytes.Repeat([]byte("xyz"), bigCodecMin/2)
	item, _ := proto.Marshal(&showcasepb.Item{Index: 7, Name: "seven"})
	field := func(b []byte, num protowire.Number, v []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(b, num, protowire.BytesType), v)
	}
	cases := map[string][]byte{
		"big payload":               field(field(nil, 2, item), 1, big),
		"big then small payload":    field(field(nil, 1, big), 1, []byte("last")),
		"small then big payload":    field(field(nil, 1, []byte("first")), 1, big),
		"items are most of it":      field(field(nil, 1, big[:bigCodecMin/4]), 2, field(nil, 2, bytes.Repeat([]byte("n"), bigCodecMin))),
		"unknown field":             field(field(nil, 9, []byte("?")), 1, big),
		"truncated":                 field(nil, 1, big)[:len(big)/2],
		"a payload of another type": protowire.AppendVarint(protowire.AppendTag(field(nil, 1, big), 1, protowire.VarintType), 3),
	}
	for name, wire := range cases {
		t.Run(name, func(t *testing.T) {
			want := dynamicpb.NewMessage(md)
			wantErr := proto.Unmarshal(wire, want)
			got := dynamicpb.NewMessage(md)
			buf := bytes.Clone(wire)
			err := unmarshalAliasing(buf, got)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("error %v, proto.Unmarshal's %v", err, wantErr)
			}
			if err != nil {
				return
			}
			if !proto.Equal(got, want) {
				t.Errorf("read differs from proto.Unmarshal's")
			}
			v := got.Get(payload).Bytes()
			aliased := len(v) > 0 && uintptr(unsafe.Pointer(&v[0])) >= uintptr(unsafe.Pointer(&buf[0])) &&
				uintptr(unsafe.Pointer(&v[0])) < uintptr(unsafe.Pointer(&buf[0]))+uintptr(len(buf))
			if wantAlias := name != "big then small payload" && name != "items are most of it"; aliased != wantAlias {
				t.Errorf("payload points into the buffer: %v, want %v", aliased, wantAlias)
			}
		})
	}
}

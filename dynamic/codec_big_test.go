package dynamic

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
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

// wideTypes are two messages for bigCodec's tests: Wide has two singular
// bytes fields (a, b) that may be large, and fields of other kinds around
// them; Req has a required field (proto2), which bigCodec checks.
func wideTypes(t testing.TB) (wide, req protoreflect.MessageDescriptor) {
	t.Helper()
	label := func(l descriptorpb.FieldDescriptorProto_Label) *descriptorpb.FieldDescriptorProto_Label { return &l }
	typ := func(k descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto_Type { return &k }
	opt, rep := label(descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL), label(descriptorpb.FieldDescriptorProto_LABEL_REPEATED)
	field := func(name string, num int32, l *descriptorpb.FieldDescriptorProto_Label, k descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto {
		return &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(num), Label: l, Type: typ(k)}
	}
	inner := field("inner", 6, opt, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE)
	inner.TypeName = proto.String(".bigcodec.Wide")
	fdp := &descriptorpb.FileDescriptorProto{
		Name: proto.String("bigcodec.proto"), Package: proto.String("bigcodec"), Syntax: proto.String("proto2"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Wide"),
			Field: []*descriptorpb.FieldDescriptorProto{
				field("a", 1, opt, descriptorpb.FieldDescriptorProto_TYPE_BYTES),
				field("b", 2, opt, descriptorpb.FieldDescriptorProto_TYPE_BYTES),
				field("note", 3, opt, descriptorpb.FieldDescriptorProto_TYPE_STRING),
				field("list", 4, rep, descriptorpb.FieldDescriptorProto_TYPE_BYTES),
				field("n", 5, opt, descriptorpb.FieldDescriptorProto_TYPE_INT64),
				inner,
			},
		}, {
			Name: proto.String("Req"),
			Field: []*descriptorpb.FieldDescriptorProto{
				field("id", 1, label(descriptorpb.FieldDescriptorProto_LABEL_REQUIRED), descriptorpb.FieldDescriptorProto_TYPE_INT32),
				field("data", 2, opt, descriptorpb.FieldDescriptorProto_TYPE_BYTES),
			},
		}},
	}
	fd, err := protodesc.NewFile(fdp, new(protoregistry.Files))
	if err != nil {
		t.Fatal(err)
	}
	return fd.Messages().ByName("Wide"), fd.Messages().ByName("Req")
}

// wireCase is a message on the wire and the type to read it as.
type wireCase struct {
	name string
	req  bool // Req, not Wide
	wire func() []byte
}

// wireCases are the shapes bigCodec must read as proto.Unmarshal does,
// with large values of size big (distinct contents for a and b).
func wireCases(big int) []wireCase {
	// blob's contents differ with seed and repeat every 251 bytes, so
	// that a value out of place shows, and the race detector does not
	// make each byte slow to write.
	blob := func(seed byte) []byte {
		period := make([]byte, 251)
		for i := range period {
			period[i] = seed + byte(i*7)
		}
		return bytes.Repeat(period, big/len(period)+1)[:big]
	}
	bytesField := func(b []byte, num protowire.Number, v []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(b, num, protowire.BytesType), v)
	}
	varintField := func(b []byte, num protowire.Number, v uint64) []byte {
		return protowire.AppendVarint(protowire.AppendTag(b, num, protowire.VarintType), v)
	}
	return []wireCase{
		{name: "a alone", wire: func() []byte { return bytesField(nil, 1, blob(1)) }},
		{name: "a and b", wire: func() []byte { return bytesField(bytesField(nil, 1, blob(1)), 2, blob(2)) }},
		{name: "other fields around", wire: func() []byte {
			w := varintField(bytesField(nil, 3, []byte("before")), 5, 1<<40)
			w = bytesField(w, 1, blob(1))
			w = bytesField(bytesField(w, 4, []byte("item")), 3, []byte("after"))
			return bytesField(w, 6, varintField(nil, 5, 7))
		}},
		{name: "a twice, small last", wire: func() []byte { return bytesField(bytesField(nil, 1, blob(1)), 1, []byte("last")) }},
		{name: "a twice, big last", wire: func() []byte { return bytesField(bytesField(nil, 1, blob(1)), 1, blob(3)) }},
		{name: "a twice, small first", wire: func() []byte { return bytesField(bytesField(nil, 1, []byte("first")), 1, blob(1)) }},
		{name: "unknown fields", wire: func() []byte {
			w := bytesField(varintField(nil, 98, 5), 99, []byte("?"))
			w = bytesField(w, 1, blob(1))
			return protowire.AppendFixed32(protowire.AppendTag(w, 97, protowire.Fixed32Type), 9)
		}},
		{name: "big in a repeated field", wire: func() []byte { return bytesField(bytesField(nil, 4, blob(1)), 3, []byte("x")) }},
		{name: "big in a nested message", wire: func() []byte { return bytesField(nil, 6, bytesField(nil, 1, blob(1))) }},
		{name: "a of another wire type too", wire: func() []byte { return varintField(bytesField(nil, 1, blob(1)), 1, 3) }},
		{name: "truncated", wire: func() []byte { w := bytesField(nil, 1, blob(1)); return w[:len(w)/2] }},
		{name: "length past the end", wire: func() []byte {
			return append(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.BytesType), uint64(2*big)), blob(1)...)
		}},
		{name: "field number 0", wire: func() []byte { return bytesField(protowire.AppendVarint(nil, 0), 1, blob(1)) }},
		{name: "required missing", req: true, wire: func() []byte { return bytesField(nil, 2, blob(1)) }},
		{name: "required present", req: true, wire: func() []byte { return bytesField(varintField(nil, 1, 4), 2, blob(1)) }},
	}
}

// splitWire cuts wire into pooled buffers as grpc hands them to a codec:
// frames (16 KiB, the first 5 bytes short for the message header), a
// random cut (pieces of 1-3 bytes too, which split tags and lengths), or
// one buffer.
func splitWire(wire []byte, how string, rnd *rand.Rand) mem.BufferSlice {
	var data mem.BufferSlice
	for rest, first := wire, true; len(rest) > 0; first = false {
		n := len(rest)
		switch how {
		case "frames":
			n = 16 << 10
			if first {
				n -= 5
			}
		case "random":
			if n = 1 + rnd.IntN(40000); rnd.IntN(4) == 0 {
				n = 1 + rnd.IntN(3)
			}
		}
		n = min(n, len(rest))
		data = append(data, mem.Copy(rest[:n], mem.DefaultBufferPool()))
		rest = rest[n:]
	}
	return data
}

// bigCodec.Unmarshal reads every shape as proto.Unmarshal does, however
// the message is cut into buffers, below and above bigReleaseMin; the
// buffers it is given still hold the message afterwards (grpc's binary
// log copies them out after Unmarshal) and grpc's Free of them after it
// does not panic; above bigReleaseMin it collects at most 4 times.
func TestBigCodecUnmarshalReadsWhatProtoReads(t *testing.T) {
	wide, req := wideTypes(t)
	releases := 0
	release := releaseMemory
	releaseMemory = func() { releases++; release() }
	t.Cleanup(func() { releaseMemory = release })
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, big := range []int{bigCodecMin + 1000, bigReleaseMin + 1<<20} {
		// Above bigReleaseMin, the random cut alone: it has pieces of
		// frame size and of a few bytes, gatherReleasing reads them all
		// alike, and each run copies MiBs, slow under -race (real frames
		// of that size: TestBigCodecOverTheWire).
		cuts := []string{"frames", "random", "one"}
		if big > bigReleaseMin {
			cuts = []string{"random"}
		}
		for _, c := range wireCases(big) {
			wire := c.wire()
			md := wide
			if c.req {
				md = req
			}
			want := dynamicpb.NewMessage(md)
			wantErr := proto.Unmarshal(wire, want)
			for _, how := range cuts {
				t.Run(fmt.Sprintf("%s/%dMiB/%s", c.name, big>>20, how), func(t *testing.T) {
					data := splitWire(wire, how, rnd)
					got := dynamicpb.NewMessage(md)
					releases = 0
					err := bigCodec{}.Unmarshal(data, got)
					if (err != nil) != (wantErr != nil) {
						t.Fatalf("error %v, proto.Unmarshal's %v", err, wantErr)
					}
					if err == nil && !proto.Equal(got, want) {
						t.Error("read differs from proto.Unmarshal's")
					}
					if !bytes.Equal(data.Materialize(), wire) {
						t.Error("the buffers no longer hold the message")
					}
					data.Free()
					wantMax := 0
					if len(wire) >= bigReleaseMin {
						wantMax = 4
					}
					if releases > wantMax || (wantMax > 0 && releases == 0) {
						t.Errorf("%d collections for %d bytes, want 1..%d", releases, len(wire), wantMax)
					}
				})
			}
		}
	}
}

// rawServerCodec lets a test server send any bytes as a message.
type rawServerCodec struct{}

func (rawServerCodec) Name() string { return "proto" }

func (rawServerCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.([]byte))}, nil
}

func (rawServerCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*(v.(*[]byte)) = data.Materialize()
	return nil
}

// wireServer is a gRPC server on loopback that answers any method with
// the messages named in the request (a StringValue, names separated by
// "|"): the wires of cases, sent one after another on the stream.
func wireServer(t *testing.T, cases map[string]wireCase) string {
	t.Helper()
	gs := grpc.NewServer(grpc.ForceServerCodecV2(rawServerCodec{}), grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
		var raw []byte
		if err := ss.RecvMsg(&raw); err != nil {
			return err
		}
		var names wrapperspb.StringValue
		if err := proto.Unmarshal(raw, &names); err != nil {
			return err
		}
		for _, name := range strings.Split(names.GetValue(), "|") {
			if err := ss.SendMsg(cases[name].wire()); err != nil {
				return err
			}
		}
		return nil
	}))
	return serveOnLoopback(t, gs)
}

// serveOnLoopback serves gs on a free loopback port until t ends.
func serveOnLoopback(t testing.TB, gs *grpc.Server) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go gs.Serve(lis)
	t.Cleanup(gs.Stop)
	return lis.Addr().String()
}

// inPayloads records the length of each message the client received, as
// grpc reports it to a stats handler after the codec has read it.
type inPayloads struct {
	mu    sync.Mutex
	sizes [][2]int // length, compressed length
}

func (h *inPayloads) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (h *inPayloads) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (h *inPayloads) HandleConn(context.Context, stats.ConnStats)                       {}
func (h *inPayloads) HandleRPC(_ context.Context, s stats.RPCStats) {
	if in, ok := s.(*stats.InPayload); ok {
		h.mu.Lock()
		h.sizes = append(h.sizes, [2]int{in.Length, in.CompressedLength})
		h.mu.Unlock()
	}
}

func (h *inPayloads) take() [][2]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.sizes
	h.sizes = nil
	return s
}

// Over a real connection (frames as grpc's transport cuts them, its
// buffer pool, gzip), bigCodec reads each shape as proto.Unmarshal does; a
// malformed one is an error, not a panic; a stream of large and small
// messages, whose frames may hold the end of one and the start of the
// next, reads each; and a stats handler (which makes grpc keep its own
// reference to the received buffers) is told each message's true length.
func TestBigCodecOverTheWire(t *testing.T) {
	wide, req := wideTypes(t)
	byName := map[string]wireCase{"small": {name: "small", wire: func() []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, 3, protowire.BytesType), []byte("small"))
	}}}
	for _, c := range wireCases(bigReleaseMin + 1<<20) {
		byName[c.name] = c
	}
	payloads := &inPayloads{}
	cc, err := grpc.NewClient(wireServer(t, byName),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(payloads),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(bigCodec{}), grpc.MaxCallRecvMsgSize(64<<20)))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	// recv reads the named messages on one stream and checks each.
	recv := func(t *testing.T, names string, opts ...grpc.CallOption) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := cc.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/bigcodec.Wire/Get", opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SendMsg(wrapperspb.String(names)); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseSend(); err != nil {
			t.Fatal(err)
		}
		payloads.take()
		for _, name := range strings.Split(names, "|") {
			c := byName[name]
			md := wide
			if c.req {
				md = req
			}
			wire := c.wire()
			want := dynamicpb.NewMessage(md)
			wantErr := proto.Unmarshal(wire, want)
			got := dynamicpb.NewMessage(md)
			err := s.RecvMsg(got)
			if wantErr != nil {
				if status.Code(err) != codes.Internal {
					t.Errorf("%s: error %v, want Internal (proto.Unmarshal: %v)", name, err, wantErr)
				}
				return // the stream ends with the error
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !proto.Equal(got, want) {
				t.Errorf("%s: read differs from proto.Unmarshal's", name)
			}
			if sizes := payloads.take(); len(sizes) != 1 || sizes[0][0] != len(wire) {
				t.Errorf("%s: the stats handler saw lengths %v, want [%d]", name, sizes, len(wire))
			} else if len(opts) > 0 && len(wire) >= bigCodecMin && sizes[0][1] >= len(wire) {
				t.Errorf("%s: %d bytes on the wire for %d: not compressed", name, sizes[0][1], len(wire))
			}
		}
		if err := s.RecvMsg(dynamicpb.NewMessage(wide)); err != io.EOF {
			t.Errorf("after the messages: %v, want EOF", err)
		}
	}
	// The shapes proto reads, one after another (the table test above
	// has every shape on cut buffers; this is the transport's cut, and
	// what grpc does with the buffers after), then each malformed one,
	// which ends its stream.
	t.Run("stream", func(t *testing.T) {
		recv(t, "a alone|small|other fields around|a and b|small|a twice, big last|unknown fields|required present")
	})
	for _, name := range []string{"truncated", "length past the end", "field number 0", "required missing"} {
		t.Run(name, func(t *testing.T) { recv(t, name) })
	}
	t.Run("gzip", func(t *testing.T) {
		recv(t, "other fields around|small|a and b", grpc.UseCompressor(gzip.Name))
		recv(t, "truncated", grpc.UseCompressor(gzip.Name))
	})
}

// A large response through a Conn, the product's own (the demo server,
// plain and with -gzip, whose response is then compressed too), is the
// response the server sent.
func TestBigResponseThroughConn(t *testing.T) {
	srv := connStartDemo(t, "127.0.0.1:0", demo.Options{})
	for _, zip := range []bool{false, true} {
		conn := connMustDial(t, ConnConfig{Target: srv.Target(), MaxMsgSize: 64 << 20, Gzip: zip})
		size := bigReleaseMin + 1<<20
		reply := &showcasepb.BigReply{}
		if err := conn.ClientConn().Invoke(context.Background(), "/showcase.Showcase/Big", &showcasepb.BigRequest{Size: int64(size), Items: 2}, reply); err != nil {
			t.Fatalf("gzip %v: %v", zip, err)
		}
		want := &showcasepb.BigReply{Payload: make([]byte, size)}
		for i := range want.Payload {
			want.Payload[i] = byte('a' + i%26)
		}
		want.Items = []*showcasepb.Item{{Index: 1, Name: "item-1"}, {Index: 2, Name: "item-2"}}
		if !proto.Equal(reply, want) {
			t.Errorf("gzip %v: the reply differs from what the server sent", zip)
		}
	}
}

// FuzzBigCodecUnmarshal: a large field a between any bytes before and
// after it, cut into buffers at any point, reads as proto.Unmarshal reads
// it (the same message, or an error from both), never a panic.
func FuzzBigCodecUnmarshal(f *testing.F) {
	tag := func(num protowire.Number, typ protowire.Type) []byte { return protowire.AppendTag(nil, num, typ) }
	f.Add([]byte{}, []byte{}, uint32(0))
	f.Add(append(tag(3, protowire.BytesType), 2, 'h', 'i'), protowire.AppendVarint(tag(5, protowire.VarintType), 300), uint32(1))
	f.Add(tag(99, protowire.Fixed64Type), append(tag(1, protowire.BytesType), 1, 'x'), uint32(1<<20))
	f.Add([]byte{}, append(tag(1, protowire.BytesType), 0x80), uint32(7)) // a length cut short
	f.Add([]byte{0x80, 0x80}, []byte{}, uint32(3))                        // a tag cut short
	f.Add(append(tag(4, protowire.BytesType), 3, 1, 2, 3), tag(6, protowire.StartGroupType), uint32(5))
	wide, _ := wideTypes(f)
	big := bytes.Repeat([]byte("0123456789abcdef"), bigCodecMin/16+1)
	f.Fuzz(func(t *testing.T, before, after []byte, cut uint32) {
		wire := append(protowire.AppendBytes(protowire.AppendTag(bytes.Clone(before), 1, protowire.BytesType), big), after...)
		want := dynamicpb.NewMessage(wide)
		wantErr := proto.Unmarshal(wire, want)
		at := int(cut) % len(wire)
		data := mem.BufferSlice{mem.SliceBuffer(wire[:at]), mem.Copy(wire[at:], mem.DefaultBufferPool())}
		got := dynamicpb.NewMessage(wide)
		err := bigCodec{}.Unmarshal(data, got)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("error %v, proto.Unmarshal's %v", err, wantErr)
		}
		if err == nil && !proto.Equal(got, want) {
			t.Fatal("read differs from proto.Unmarshal's")
		}
		data.Free()
	})
}

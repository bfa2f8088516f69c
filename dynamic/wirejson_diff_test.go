package dynamic

// Differential tests of the plain-message fast path (wirejson.go,
// wireprint.go) against protojson and proto.Unmarshal on the same input,
// from a review of it: each failure would be a divergence.

import (
	"context"
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/grpc"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// compileProtoSource compiles one proto file from source.
func compileProtoSource(t testing.TB, name, src string) protoreflect.FileDescriptor {
	t.Helper()
	compiler := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{name: src}),
	})}
	files, err := compiler.Compile(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return files[0]
}

// checkWireReplyAsLibrary compares the fast reply path (what the codec + formatWire
// print) with the library path (decode, Format) for wire, in the three
// styles checkPlainReply uses. It reports a divergence instead of
// stopping, and says whether the fast path printed at all.
func checkWireReplyAsLibrary(t *testing.T, md protoreflect.MessageDescriptor, wire []byte) bool {
	t.Helper()
	types := NewTypes(nil)
	sh := plainShapeOf(md)
	if sh == nil {
		t.Fatalf("%s is not plain", md.FullName())
	}
	printed := false
	for _, f := range []Formatter{{Types: types}, {Types: types, ProtoNames: true}, {Types: types, Multiline: true}} {
		w := &WireMessage{md: md, types: types, wire: wire}
		if b, ok := appendPlainWire(nil, sh, wire, false); ok {
			w.json = b
		}
		fast, ok := f.formatWire(w)
		if !ok {
			continue
		}
		printed = true
		ref := types.New(md)
		if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(wire, ref); err != nil {
			t.Errorf("wire %x: fast path printed %s but it does not decode: %v", wire, fast, err)
			continue
		}
		want, err := f.Format(ref)
		if err != nil {
			t.Errorf("wire %x: fast path printed %s but protojson fails: %v", wire, fast, err)
			continue
		}
		if fast != want {
			t.Errorf("wire %x (%+v):\n fast path prints %s\n protojson prints %s", wire, Formatter{ProtoNames: f.ProtoNames, Multiline: f.Multiline}, fast, want)
		}
	}
	return printed
}

// A reply whose wire has two members of one oneof: proto.Unmarshal keeps
// the last (setting a member clears the others), so protojson prints one;
// appendPlainWire prints both, which is not even what any message holds.
func TestPlainWireReplyOneofTwoMembers(t *testing.T) {
	md := plainType(t, "All")
	tag := protowire.AppendTag
	var b []byte
	b = protowire.AppendBytes(tag(b, 23, protowire.BytesType), []byte("a")) // ps = "a"
	b = protowire.AppendVarint(tag(b, 24, protowire.VarintType), 1)         // pi = 1: clears ps
	checkWireReplyAsLibrary(t, md, b)

	// The same through a real codec round: what a server that sends two
	// members (a merge of two messages, an older schema...) gets printed.
	var c []byte
	c = protowire.AppendVarint(tag(c, 24, protowire.VarintType), 7)         // pi = 7
	c = protowire.AppendBytes(tag(c, 25, protowire.BytesType), []byte{})    // pm = {}: clears pi
	c = protowire.AppendBytes(tag(c, 23, protowire.BytesType), []byte("z")) // ps = "z": clears pm
	checkWireReplyAsLibrary(t, md, c)
}

// The concatenation of two valid messages is a valid message (a merge):
// the simplest way to get several oneof members on the wire.
func TestPlainWireReplyConcatenatedMessages(t *testing.T) {
	md := plainType(t, "All")
	types := NewTypes(nil)
	marshal := func(js string) []byte {
		m, err := ParseJSON(types, md, []byte(js))
		if err != nil {
			t.Fatal(err)
		}
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, pair := range [][2]string{
		{`{"ps":"first"}`, `{"pi":"2"}`},
		{`{"pm":{"s":"x"}}`, `{"ps":""}`},
		{`{"i32":5,"ri32":[1]}`, `{"i32":6,"ri32":[2]}`}, // not a oneof: fine
	} {
		checkWireReplyAsLibrary(t, md, append(marshal(pair[0]), marshal(pair[1])...))
	}
}

// proto2 lets two fields share a JSON name (protoc and protocompile only
// refuse it in proto3): which one protojson reads is its to say, so the
// shape is not plain and requests and replies take the library's path.
func TestPlainJSONNameConflictProto2(t *testing.T) {
	fd := compileProtoSource(t, "conflict.proto", `syntax = "proto2";
package review;
message Conflict { optional int32 foo_bar = 1; optional int32 fooBar = 2; }
`)
	md := fd.Messages().ByName("Conflict")
	if plainShapeOf(md) != nil {
		t.Fatal("a message with two fields of one JSON name has a plain shape")
	}
	types := NewTypes(nil)
	for _, text := range []string{`{"fooBar":1}`, `{"foo_bar":1}`} {
		want, err := ParseJSON(types, md, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseRequestJSON(types, md, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(got, want) {
			t.Errorf("%s: ParseRequestJSON reads a message ParseJSON does not", text)
		}
	}
}

// randomPlain fills m with random values (of a plain shape), depth-bounded.
func randomPlain(r *rand.Rand, m protoreflect.Message, depth int) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if r.Intn(3) != 0 {
			continue
		}
		if fd.Kind() == protoreflect.MessageKind && depth > 2 {
			continue
		}
		if fd.IsList() {
			l := m.Mutable(fd).List()
			for range r.Intn(4) {
				if fd.Kind() == protoreflect.MessageKind {
					e := l.NewElement()
					randomPlain(r, e.Message(), depth+1)
					l.Append(e)
				} else {
					l.Append(randomScalar(r, fd))
				}
			}
			continue
		}
		if fd.Kind() == protoreflect.MessageKind {
			sub := m.Mutable(fd).Message()
			randomPlain(r, sub, depth+1)
			continue
		}
		m.Set(fd, randomScalar(r, fd))
	}
}

var randomStrings = []string{"", "a", "é", "\x00", "\x1b[31m", "\u2028\u2029", "<>&", "\u0085", "\"\\/", "😀", "\u00ad", "\t\n\r\b\f", "\x7f", "\u200e\u202e"}

func randomScalar(r *rand.Rand, fd protoreflect.FieldDescriptor) protoreflect.Value {
	pick := func(vals ...int64) int64 {
		if r.Intn(2) == 0 {
			return vals[r.Intn(len(vals))]
		}
		return r.Int63() - r.Int63()
	}
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(r.Intn(2) == 0)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(randomStrings[r.Intn(len(randomStrings))] + randomStrings[r.Intn(len(randomStrings))])
	case protoreflect.BytesKind:
		b := make([]byte, r.Intn(6))
		r.Read(b)
		return protoreflect.ValueOfBytes(b)
	case protoreflect.EnumKind:
		return protoreflect.ValueOfEnum(protoreflect.EnumNumber(pick(0, 1, 2, 77, -1, -2147483648)))
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(pick(0, -1, 1, -2147483648, 2147483647)))
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(pick(0, 1, 4294967295)))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(pick(0, -1, 1, -9223372036854775808, 9223372036854775807))
	default:
		return protoreflect.ValueOfUint64(uint64(pick(0, 1, -1)))
	}
}

var quotedNumber = regexp.MustCompile(`([:\[,]\s*)"(-?[0-9]+)"`)

// Random messages both ways: protojson's JSON of a random message (in
// several styles) read by the fast path must give the same message; the
// random message's wire printed by the fast path must be protojson's.
func TestPlainRandomDifferential(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	types := NewTypes(nil)
	for _, name := range []string{"All", "P2"} {
		md := plainType(t, name)
		for i := 0; i < 3000; i++ {
			m := dynamicpb.NewMessage(md)
			randomPlain(r, m, 0)
			wire, err := proto.MarshalOptions{Deterministic: r.Intn(2) == 0}.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			checkWireReplyAsLibrary(t, md, wire)
			for k, opts := range []protojson.MarshalOptions{{}, {UseProtoNames: true}, {EmitUnpopulated: true}, {Multiline: true}, {}, {UseProtoNames: true, Multiline: true}} {
				js, err := opts.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				if k >= 4 {
					// Numbers as a person writes them: 64-bit ones
					// unquoted (protojson quotes them, and the fast path
					// declines quoted numbers). No generated string is
					// all digits, so only numbers change.
					js = quotedNumber.ReplaceAll(js, []byte("$1$2"))
				}
				// protojson's own whitespace is random: use it as it is.
				fast, ok := encodePlainJSON(plainShapeOf(md), js)
				want, err := ParseJSON(types, md, js)
				if !ok {
					continue
				}
				if err != nil {
					t.Errorf("%s: fast path reads it, ParseJSON fails: %v", js, err)
					continue
				}
				got := types.New(md)
				if err := proto.Unmarshal(fast, got); err != nil {
					t.Errorf("%s: fast wire %x does not decode: %v", js, fast, err)
					continue
				}
				if !proto.Equal(got, want) {
					t.Errorf("%s: fast path reads a different message", js)
				}
			}
			if t.Failed() {
				return
			}
		}
	}
}

// rawReplyServer answers every call with reply, whatever the request.
func rawReplyServer(t *testing.T, reply []byte) string {
	t.Helper()
	gs := grpc.NewServer(grpc.ForceServerCodecV2(rawServerCodec{}), grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
		var raw []byte
		if err := ss.RecvMsg(&raw); err != nil {
			return err
		}
		return ss.SendMsg(reply)
	}))
	return serveOnLoopback(t, gs)
}

// End to end, as a script's call prints a unary reply (Session.callOne:
// InvokeOne with WireReplies): a server whose reply has two members of a
// oneof on the wire (legal: the last wins) is printed as before, with the
// last one only (the fast path printed both).
func TestPlainOneofReplyOverTheWire(t *testing.T) {
	fd := compileProtoSource(t, "svc.proto", `syntax = "proto3";
package review;
message Req { string q = 1; }
message Reply { oneof pick { string text = 1; int32 code = 2; } }
service S { rpc Get(Req) returns (Reply); }
`)
	m := fd.Services().Get(0).Methods().Get(0)
	var wire []byte
	wire = protowire.AppendBytes(protowire.AppendTag(wire, 1, protowire.BytesType), []byte("stale"))
	wire = protowire.AppendVarint(protowire.AppendTag(wire, 2, protowire.VarintType), 7)
	addr := rawReplyServer(t, wire)
	conn, err := Dial(context.Background(), ConnConfig{Target: addr, Security: SecurityPlaintext})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := &Client{CC: conn.Transport(), Types: NewTypes(nil)}
	print := func(wireReplies bool) string {
		req, err := ParseRequestJSON(client.Types, m.Input(), []byte(`{"q":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		var text string
		err = client.InvokeOne(context.Background(), Call{Method: m, WireReplies: wireReplies}, req, func(ev Event) error {
			if e, ok := ev.(MessageEvent); ok {
				text, err = (Formatter{Types: client.Types}).Format(e.Proto())
				if err != nil {
					t.Fatal(err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	fast, slow := print(true), print(false)
	if fast != slow {
		t.Errorf("the same reply prints\n  %s as a script's call (WireReplies)\n  %s before (and in the TUI)", fast, slow)
	}
}

// A WireMessage read from several goroutines at once (printing, let and
// expect, the codec, whoever decodes it): run with -race.
func TestWireMessageConcurrentUse(t *testing.T) {
	md := plainType(t, "All")
	types := NewTypes(nil)
	req, err := ParseRequestJSON(types, md, []byte(`{"s":"a","ri32":[1,2],"child":{"i32":3}}`))
	if err != nil {
		t.Fatal(err)
	}
	w := req.(*WireMessage)
	reply := &WireMessage{md: md, types: types}
	wire, _ := bigCodec{}.Marshal(w)
	if err := (bigCodec{}).Unmarshal(wire, reply); err != nil {
		t.Fatal(err)
	}
	if reply.msg.Load() != nil || reply.json == nil {
		t.Fatal("reply not kept in its wire form")
	}
	var wg sync.WaitGroup
	for _, m := range []*WireMessage{w, reply} {
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch i % 4 {
				case 0:
					if _, err := (Formatter{Types: types}).Format(m); err != nil {
						t.Error(err)
					}
				case 1:
					_ = proto.Size(m)
				case 2:
					if _, err := (bigCodec{}).Marshal(m); err != nil {
						t.Error(err)
					}
				case 3:
					_ = m.ProtoReflect().Get(md.Fields().ByName("s")).String()
				}
			}()
		}
	}
	wg.Wait()
}

// The codec's fallbacks over a real connection. A plain
// reply bigger than plainReplyMax, one appendPlainWire declines (a field
// twice, merged), an empty one, and one that does not decode (a proto3
// string that is not UTF-8) come out as before: same text, same error.
func TestPlainReplyFallbacksOverTheWire(t *testing.T) {
	fd := compileProtoSource(t, "svc2.proto", `syntax = "proto3";
package review2;
message Req { string q = 1; }
message Sub { int32 a = 1; int32 b = 2; }
message Reply { bytes payload = 1; Sub sub = 2; string s = 3; }
service S { rpc Get(Req) returns (Reply); }
`)
	m := fd.Services().Get(0).Methods().Get(0)
	tag := protowire.AppendTag
	big := protowire.AppendBytes(tag(nil, 1, protowire.BytesType), make([]byte, plainReplyMax+10))
	var merged []byte
	merged = protowire.AppendBytes(tag(merged, 2, protowire.BytesType), protowire.AppendVarint(tag(nil, 1, protowire.VarintType), 1))
	merged = protowire.AppendBytes(tag(merged, 2, protowire.BytesType), protowire.AppendVarint(tag(nil, 2, protowire.VarintType), 2))
	badUTF8 := protowire.AppendBytes(tag(nil, 3, protowire.BytesType), []byte{0xff})
	for name, c := range map[string]struct {
		wire     []byte
		wantWire bool
	}{"big": {big, false}, "merged": {merged, false}, "empty": {nil, true}, "bad utf-8": {badUTF8, false}} {
		addr := rawReplyServer(t, c.wire)
		conn, err := Dial(context.Background(), ConnConfig{Target: addr, Security: SecurityPlaintext})
		if err != nil {
			t.Fatal(err)
		}
		client := &Client{CC: conn.Transport(), Types: NewTypes(nil)}
		run := func(wireReplies bool) (text string, asWire bool, status string) {
			req, _ := ParseRequestJSON(client.Types, m.Input(), []byte(`{}`))
			err := client.InvokeOne(context.Background(), Call{Method: m, WireReplies: wireReplies}, req, func(ev Event) error {
				switch e := ev.(type) {
				case MessageEvent:
					asWire = e.Wire != nil
					text, _ = (Formatter{Types: client.Types, Multiline: true}).Format(e.Proto())
				case EndEvent:
					status = e.Status.String()
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		ft, fw, fs := run(true)
		st, _, ss := run(false)
		if ft != st || fs != ss || fw != c.wantWire {
			t.Errorf("%s: with WireReplies %.60q (wire form %v) %s; without %.60q %s", name, ft, fw, fs, st, ss)
		}
		conn.Close()
	}
}

// Lengths of two and three varint bytes (insertLength
// moving what it wrote), in nested messages and packed runs.
func TestPlainLongValues(t *testing.T) {
	md := plainType(t, "All")
	long := strings.Repeat("é", 200)
	var ints []string
	for i := range 5000 {
		ints = append(ints, fmt.Sprint(i*7919))
	}
	for _, text := range []string{
		`{"child":{"s":"` + long + `","child":{"rs":["` + long + `","` + long + `"]}}}`,
		`{"ri32":[` + strings.Join(ints, ",") + `],"rchild":[{"s":"` + strings.Repeat("x", 20000) + `"}]}`,
	} {
		if !checkPlainRequest(t, md, text) {
			t.Errorf("not read by the fast path")
		}
		m, _ := ParseJSON(NewTypes(nil), md, []byte(text))
		b, _ := proto.Marshal(m)
		if !checkWireReplyAsLibrary(t, md, b) {
			t.Errorf("not printed by the fast path")
		}
	}
}

// A singular string field twice on the wire, the first not UTF-8: proto3's
// unmarshal refuses the message (every occurrence is checked), the fast
// path checked the last one only and printed it. Over a connection the
// call then succeeded where it failed before, and whatever decoded the
// WireMessage afterwards (text format, emit-defaults) panicked in Message
// ("cannot fail"). FuzzPlainWireReply found it (testdata 1fd1c0b2b95a7bc2).
func TestPlainWireReplyOverriddenInvalidString(t *testing.T) {
	md := plainType(t, "All")
	tag := protowire.AppendTag
	var b []byte
	b = protowire.AppendBytes(tag(b, 12, protowire.BytesType), []byte{0xff}) // s = invalid
	b = protowire.AppendBytes(tag(b, 12, protowire.BytesType), []byte("ok")) // s = "ok": the last
	if out, ok := appendPlainWire(nil, plainShapeOf(md), b, false); ok {
		err := proto.Unmarshal(b, NewTypes(nil).New(md))
		t.Errorf("wire %x: fast path prints %s, proto.Unmarshal says %v", b, out, err)
	}
	// And through the codec, then decoded as the text format does.
	w := &WireMessage{md: md, types: NewTypes(nil)}
	if err := (bigCodec{}).Unmarshal(mem.BufferSlice{mem.SliceBuffer(b)}, w); err == nil {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("the codec took the reply, then Formatter{Text: true} panics: %v", r)
				}
			}()
			(Formatter{Text: true, Types: w.types}).Format(w)
		}()
	}
}

// Every connection's reflection makes descriptors of its own: the shapes
// cache must not keep those of every one a long session has seen.
func TestPlainShapesBounded(t *testing.T) {
	count := func() (n int) {
		plainShapes.Range(func(_, _ any) bool { n++; return true })
		return n
	}
	src := `syntax = "proto3"; package grow; message A { string s = 1; B b = 2; } message B { int32 i = 1; }`
	fd := compileProtoSource(t, "grow.proto", src)
	fdp := protodesc.ToFileDescriptorProto(fd)
	for range maxPlainShapes { // two shapes each: twice the bound
		again, err := protodesc.NewFile(fdp, nil)
		if err != nil {
			t.Fatal(err)
		}
		if plainShapeOf(again.Messages().ByName("A")) == nil {
			t.Fatal("grow.A is not plain")
		}
	}
	if n := count(); n > maxPlainShapes {
		t.Errorf("plainShapes holds %d shapes after %d files of two messages; the bound is %d", n, maxPlainShapes, maxPlainShapes)
	}
	// A shape read after the cache started again still prints.
	md := fd.Messages().ByName("A")
	wire := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), []byte("x"))
	if got, ok := appendPlainWire(nil, plainShapeOf(md), wire, false); !ok || string(got) != `{"s":"x"}` {
		t.Errorf("after the cache was cleared: %s, %v", got, ok)
	}
}

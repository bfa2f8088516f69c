package dynamic

import (
	"context"
	"sync"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// plainProtos are message types for wirejson.go: All has a field of every
// kind it reads and prints, P2 is proto2 (unpacked lists, presence), the
// others are not plain.
var plainProtos = map[string]string{
	"plain.proto": `syntax = "proto3";
package plain;
import "google/protobuf/timestamp.proto";
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }
message All {
  bool b = 1; int32 i32 = 2; sint32 s32 = 3; sfixed32 sf32 = 4; uint32 u32 = 5; fixed32 f32 = 6;
  int64 i64 = 7; sint64 s64 = 8; sfixed64 sf64 = 9; uint64 u64 = 10; fixed64 f64 = 11;
  string s = 12; bytes by = 13; Color c = 14; All child = 15;
  repeated int32 ri32 = 16; repeated string rs = 17; repeated All rchild = 18; repeated Color rc = 19;
  repeated sint64 rs64 = 20 [packed = false];
  optional int32 oi32 = 21; optional string os = 22;
  oneof pick { string ps = 23; int64 pi = 24; All pm = 25; }
  repeated bytes rby = 26; repeated fixed32 rf32 = 27; uint32 snake_case_name = 28;
  string custom = 29 [json_name = "otherName"];
  repeated uint64 ru64 = 30; repeated bool rb = 31;
}
message NotPlainDouble { double d = 1; }
message NotPlainMap { map<string, int32> m = 1; }
message NotPlainWKT { google.protobuf.Timestamp t = 1; }
message NotPlainInside { All a = 1; NotPlainDouble d = 2; }
`,
	"plain2.proto": `syntax = "proto2";
package plain;
message P2 { optional int32 a = 1; repeated int32 r = 2; optional string s = 3; optional P2 m = 4; optional bool t = 5; }
message P2Required { required int32 a = 1; }
message P2Ext { optional int32 a = 1; extensions 10 to 20; }
enum Closed { ONE = 1; TWO = 2; }
message P2Closed { optional Closed c = 1; }
`,
}

var plainTypesOnce = sync.OnceValues(func() (map[string]protoreflect.MessageDescriptor, error) {
	compiler := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(plainProtos),
	})}
	files, err := compiler.Compile(context.Background(), "plain.proto", "plain2.proto")
	if err != nil {
		return nil, err
	}
	out := map[string]protoreflect.MessageDescriptor{}
	for _, fd := range files {
		for i := range fd.Messages().Len() {
			md := fd.Messages().Get(i)
			out[string(md.Name())] = md
		}
	}
	return out, nil
})

func plainType(t testing.TB, name string) protoreflect.MessageDescriptor {
	t.Helper()
	types, err := plainTypesOnce()
	if err != nil {
		t.Fatal(err)
	}
	return types[name]
}

func TestPlainShapeOf(t *testing.T) {
	for name, plain := range map[string]bool{
		"All": true, "P2": true,
		"NotPlainDouble": false, "NotPlainMap": false, "NotPlainWKT": false, "NotPlainInside": false,
		"P2Required": false, "P2Ext": false, "P2Closed": false,
	} {
		if got := plainShapeOf(plainType(t, name)) != nil; got != plain {
			t.Errorf("plainShapeOf(%s) plain = %v, want %v", name, got, plain)
		}
	}
}

// plainRequests are JSON requests for All; those marked fast are read by
// encodePlainJSON (the rest are protojson's, errors or not).
var plainRequests = []struct {
	json string
	fast bool
}{
	{`{}`, true},
	{` { "s" : "héllo \"q\" \\ \/ \n\t\u00e9\u2028" } `, true},
	{`{"b":true,"i32":-2147483648,"s32":-5,"sf32":7,"u32":4294967295,"f32":1,"i64":-9223372036854775808,"s64":-1,"sf64":9,"u64":18446744073709551615,"f64":3}`, true},
	{`{"by":"aGk=","c":"RED","child":{"s":"in","child":{}},"ri32":[1,-2,3],"rs":["a","",""],"rchild":[{},{"i32":1}],"rc":["GREEN",0,5]}`, true},
	{`{"rs64":[1,-1],"oi32":0,"os":"","ps":"","rby":["", "_-8"],"rf32":[0,1],"snake_case_name":3,"otherName":"x","ru64":[0],"rb":[false]}`, true},
	{`{"snakeCaseName":3,"pm":{"pi":"0"}}`, false}, // the quoted int64 is protojson's
	{`{"b":false,"i32":0,"s":"","c":"COLOR_UNSPECIFIED","ri32":[],"pi":0}`, true},
	{`{"c":2}`, true},
	{`{"by":"aGk"}`, true},
	{`{"i32":1e2}`, false},
	{`{"i32":1.0}`, false},
	{`{"i32":2147483648}`, false},
	{`{"u32":-1}`, false},
	{`{"u32":-0}`, false},
	{`{"i32":01}`, false},
	{`{"i64":"5"}`, false},
	{`{"s":null}`, false},
	{`{"s":"a","s":"b"}`, false},
	{`{"s32":1,"s32":1}`, false},
	{`{"ps":"a","pi":1}`, false},
	{`{"nope":1}`, false},
	{`{"s\u0074":"x"}`, false},
	{`{"s":"\ud800"}`, false},
	{`{"s":"\ud83d\ude00"}`, false},
	{`{"s":"a` + "\x01" + `"}`, false},
	{"{\"s\":\"\xff\"}", false},
	{`{"c":"BLUE"}`, false},
	{`{"b":tru}`, false},
	{`{"b":truex}`, false},
	{`{"by":"!!"}`, false},
	{`{"i32":1,}`, false},
	{`{"i32":1} x`, false},
	{`{"i32":1}{}`, false},
	{`[]`, false},
	{``, false},
	{`{"rchild":[{"x":1}]}`, false},
	{`{"child":{"child":{"child":{"i32":"1"}}}}`, false},
}

// checkPlainRequest holds encodePlainJSON to ParseJSON for one text:
// when it reads the text, ParseJSON does too, into the same message.
func checkPlainRequest(t *testing.T, md protoreflect.MessageDescriptor, text string) bool {
	t.Helper()
	types := NewTypes(nil)
	wire, ok := encodePlainJSON(plainShapeOf(md), []byte(text))
	want, err := ParseJSON(types, md, []byte(text))
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("%q: read as wire %x, but ParseJSON fails: %v", text, wire, err)
	}
	got := types.New(md)
	if err := proto.Unmarshal(wire, got); err != nil {
		t.Fatalf("%q: its wire form %x does not decode: %v", text, wire, err)
	}
	if !proto.Equal(got, want) {
		g, _ := Formatter{}.Format(got)
		w, _ := Formatter{}.Format(want)
		t.Fatalf("%q: read as %s, protojson reads %s", text, g, w)
	}
	return true
}

func TestPlainJSONRequestMatchesProtojson(t *testing.T) {
	md := plainType(t, "All")
	for _, c := range plainRequests {
		if got := checkPlainRequest(t, md, c.json); got != c.fast {
			t.Errorf("%q: read by encodePlainJSON = %v, want %v", c.json, got, c.fast)
		}
	}
	for _, text := range []string{`{"a":1,"r":[1,2],"s":"x","m":{"a":0,"m":{}},"t":false}`, `{"a":0}`} {
		if !checkPlainRequest(t, plainType(t, "P2"), text) {
			t.Errorf("P2 %q was not read by encodePlainJSON", text)
		}
	}
}

// checkPlainReply holds appendPlainWire to Formatter.Format: when it
// prints wire, the library decodes wire and prints the same, in every
// name and line style.
func checkPlainReply(t *testing.T, md protoreflect.MessageDescriptor, wire []byte) bool {
	t.Helper()
	types := NewTypes(nil)
	sh := plainShapeOf(md)
	printed := false
	for _, f := range []Formatter{{Types: types}, {Types: types, ProtoNames: true}, {Types: types, Multiline: true}} {
		got, ok := appendPlainWire(nil, sh, wire, f.ProtoNames)
		ref := types.New(md)
		err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(wire, ref)
		if !ok {
			continue
		}
		printed = true
		if err != nil {
			t.Fatalf("wire %x: printed %s, but it does not decode: %v", wire, got, err)
		}
		want, err := f.Format(ref)
		if err != nil {
			t.Fatalf("wire %x: printed %s, but protojson fails: %v", wire, got, err)
		}
		fast, ok := f.formatWire(&WireMessage{md: md, types: types, wire: wire})
		if !ok || fast != want {
			t.Fatalf("wire %x (%+v): printed\n%s\nprotojson prints\n%s", wire, f, fast, want)
		}
	}
	return printed
}

func TestPlainWireReplyMatchesProtojson(t *testing.T) {
	md := plainType(t, "All")
	types := NewTypes(nil)
	for _, c := range plainRequests {
		m, err := ParseJSON(types, md, []byte(c.json))
		if err != nil {
			continue
		}
		wire, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !checkPlainReply(t, md, wire) {
			t.Errorf("%s: its wire form %x was not printed by appendPlainWire", c.json, wire)
		}
	}
	tag := func(b []byte, num protowire.Number, typ protowire.Type) []byte {
		return protowire.AppendTag(b, num, typ)
	}
	var b []byte
	b = protowire.AppendVarint(tag(b, 2, protowire.VarintType), 5)           // i32 = 5
	b = protowire.AppendVarint(tag(b, 99, protowire.VarintType), 1)          // unknown: not printed
	b = protowire.AppendVarint(tag(b, 16, protowire.VarintType), 7)          // ri32 unpacked ...
	b = protowire.AppendBytes(tag(b, 16, protowire.BytesType), []byte{1, 2}) // ... and packed
	b = protowire.AppendBytes(tag(b, 27, protowire.BytesType), nil)          // an empty packed run only
	b = protowire.AppendVarint(tag(b, 14, protowire.VarintType), 77)         // an enum number it has no name for
	b = protowire.AppendBytes(tag(b, 12, protowire.BytesType), []byte("\x1b[31m\u0085<"))
	if !checkPlainReply(t, md, b) {
		t.Errorf("wire %x was not printed by appendPlainWire", b)
	}
	for _, bad := range [][]byte{
		protowire.AppendBytes(tag(nil, 12, protowire.BytesType), []byte{0xff}),                                         // a string that is not UTF-8
		protowire.AppendVarint(tag(nil, 12, protowire.VarintType), 1),                                                  // a known field of another wire type
		append(protowire.AppendBytes(tag(nil, 15, protowire.BytesType), nil), tag(nil, 15, protowire.BytesType)[0], 0), // a message twice: merged
		append(protowire.AppendVarint(tag(nil, 2, protowire.VarintType), 5), tag(nil, 2, protowire.VarintType)[0], 0),  // a scalar twice: the last counts, each is checked
		append(protowire.AppendVarint(tag(nil, 24, protowire.VarintType), 1), tag(nil, 23, protowire.BytesType)[0], 0), // two members of a oneof: the last wins
		{0x10}, // a tag without its value
		{0xff}, // a tag cut short
	} {
		if _, ok := appendPlainWire(nil, plainShapeOf(md), bad, false); ok {
			t.Errorf("wire %x was printed; it is the library's to read", bad)
		}
	}
}

func FuzzPlainJSONRequest(f *testing.F) {
	for _, c := range plainRequests {
		f.Add(c.json)
	}
	md := plainType(f, "All")
	f.Fuzz(func(t *testing.T, text string) { checkPlainRequest(t, md, text) })
}

func FuzzPlainWireReply(f *testing.F) {
	md := plainType(f, "All")
	types := NewTypes(nil)
	for _, c := range plainRequests {
		if m, err := ParseJSON(types, md, []byte(c.json)); err == nil {
			wire, _ := proto.Marshal(m)
			f.Add(wire)
		}
	}
	f.Add([]byte{0x10, 0x01, 0x82, 0x01, 0x02, 0x01, 0x02})
	f.Fuzz(func(t *testing.T, wire []byte) { checkPlainReply(t, md, wire) })
}

// TestWireMessageDecodesOnUse: a request in its wire form is a message
// like another to whoever looks at it, and once looked at, the codec
// sends what it has become.
func TestWireMessageDecodesOnUse(t *testing.T) {
	md := plainType(t, "All")
	types := NewTypes(nil)
	m, err := ParseRequestJSON(types, md, []byte(`{"s":"a","ri32":[1,2]}`))
	if err != nil {
		t.Fatal(err)
	}
	w, ok := m.(*WireMessage)
	if !ok {
		t.Fatalf("ParseRequestJSON gave a %T, want a *WireMessage", m)
	}
	if got := messageSize(w); got != proto.Size(w.Message()) {
		t.Errorf("messageSize = %d, want %d", got, proto.Size(w.Message()))
	}
	w.ProtoReflect().Set(md.Fields().ByName("s"), protoreflect.ValueOfString("b"))
	bufs, err := bigCodec{}.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	sent := types.New(md)
	if err := proto.Unmarshal(bufs.Materialize(), sent); err != nil {
		t.Fatal(err)
	}
	if got := sent.Get(md.Fields().ByName("s")).String(); got != "b" {
		t.Errorf("sent s = %q after it was set to b", got)
	}
	// Not plain: the library's message, as ParseJSON makes it.
	if m, err := ParseRequestJSON(types, plainType(t, "NotPlainDouble"), []byte(`{"d":1.5}`)); err != nil {
		t.Fatalf("ParseRequestJSON(NotPlainDouble): %v", err)
	} else if _, isWire := m.(*WireMessage); isWire {
		t.Error("a message with a double field was read into its wire form")
	}
}

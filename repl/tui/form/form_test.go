package form

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Every scalar kind typed through the keyboard ends up in Message().
func TestFormScalarsFilledByKeys(t *testing.T) {
	d := newFormDriver(t, Options{})
	dir := t.TempDir()
	file := filepath.Join(dir, "payload.bin")
	if err := os.WriteFile(file, []byte{1, 2, 3, 250}, 0o600); err != nil {
		t.Fatal(err)
	}
	d.set("f_double", "1.5e300")
	d.set("f_float", "-2.25")
	d.set("f_int32", "-2147483648")
	d.set("f_int64", "-9000000000")
	d.set("f_uint32", "4294967295")
	d.set("f_uint64", "18446744073709551615")
	d.set("f_sint32", "-7")
	d.set("f_sint64", "-9223372036854775808")
	d.set("f_fixed32", "0x10") // hex integers are accepted
	d.set("f_fixed64", "10")
	d.set("f_sfixed32", "-11")
	d.set("f_sfixed64", "9223372036854775807")
	d.goTo("f_bool")
	d.keys("space")
	d.set("f_string", "héllo wörld")
	d.set("f_bytes", "hex:00ff10")
	want := &showcasepb.Everything{
		FDouble: 1.5e300, FFloat: -2.25, FInt32: math.MinInt32, FInt64: -9000000000,
		FUint32: math.MaxUint32, FUint64: math.MaxUint64, FSint32: -7, FSint64: math.MinInt64,
		FFixed32: 16, FFixed64: 10, FSfixed32: -11, FSfixed64: math.MaxInt64,
		FBool: true, FString: "héllo wörld", FBytes: []byte{0, 0xff, 0x10},
	}
	requireEqual(t, want, d.message())

	// Bytes: base64 (padded or not, URL alphabet) and @file.
	for text, b := range map[string][]byte{
		"AQID+g==":  {1, 2, 3, 250},
		"AQID-g":    {1, 2, 3, 250},
		"@" + file:  {1, 2, 3, 250},
		"hex:01 02": {1, 2},
	} {
		d.set("f_bytes", text)
		if got := d.message().Get(d.row().field.fd).Bytes(); string(got) != string(b) {
			t.Errorf("bytes %q: got %v, want %v", text, got, b)
		}
	}
	d.set("f_bytes", "@"+filepath.Join(dir, "missing"))
	if p := d.row().problem(); !strings.Contains(p, "cannot read") {
		t.Errorf("@missing: problem %q", p)
	}
	// Float special values.
	d.set("f_double", "-inf")
	d.set("f_float", "nan")
	d.set("f_bytes", "")
	dm := d.message()
	fds := dm.Descriptor().Fields()
	if v := dm.Get(fds.ByName("f_double")).Float(); !math.IsInf(v, -1) {
		t.Errorf("f_double = %v, want -inf", v)
	}
	if v := dm.Get(fds.ByName("f_float")).Float(); !math.IsNaN(v) {
		t.Errorf("f_float = %v, want nan", v)
	}
}

// The range and syntax of every integer and float kind is checked as typed.
func TestFormNumberValidation(t *testing.T) {
	cases := []struct {
		field, text, reason string // reason "" means valid
	}{
		{"f_int32", "2147483647", ""},
		{"f_int32", "2147483648", "out of range for int32 (-2147483648 to 2147483647)"},
		{"f_int32", "-2147483649", "out of range for int32"},
		{"f_int32", "1.5", "not an integer"},
		{"f_int32", "12abc", "not an integer"},
		{"f_sint32", "-2147483649", "out of range for sint32"},
		{"f_sfixed32", "2147483648", "out of range for sfixed32"},
		{"f_int64", "9223372036854775808", "out of range for int64"},
		{"f_sint64", "-9223372036854775809", "out of range for sint64"},
		{"f_sfixed64", "-9223372036854775808", ""},
		{"f_uint32", "4294967296", "out of range for uint32 (0 to 4294967295)"},
		{"f_uint32", "-1", "out of range for uint32"},
		{"f_fixed32", "-0", ""},
		{"f_uint64", "18446744073709551616", "out of range for uint64"},
		{"f_fixed64", "-5", "out of range for fixed64"},
		{"f_float", "3.4e38", ""},
		{"f_float", "3.5e38", "out of range for float"},
		{"f_float", "Infinity", ""},
		{"f_double", "1e309", "out of range for double"},
		{"f_double", "1e", "not a number"},
		{"f_double", "NaN", ""},
		{"f_double", "-1.5E-7", ""},
	}
	for _, c := range cases {
		d := newFormDriver(t, Options{})
		d.set(c.field, c.text)
		p := d.row().problem()
		if c.reason == "" && p != "" || !strings.Contains(p, c.reason) {
			t.Errorf("%s = %q: problem %q, want %q", c.field, c.text, p, c.reason)
		}
	}
}

// An int32 out of range is marked invalid with the reason; the typed text is
// kept; Message() refuses, naming the field path.
func TestFormInvalidValueKeptAndRefused(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.goTo("f_int32")
	d.keys("enter")
	d.typ("99999999999")
	// Marked while typing.
	if p := d.row().problem(); !strings.Contains(p, "out of range for int32") {
		t.Fatalf("while typing: problem %q", p)
	}
	d.keys("esc")
	if d.m.editing {
		t.Fatal("esc did not leave the input")
	}
	if got := d.row().val.text; got != "99999999999" {
		t.Fatalf("text after esc = %q, want it kept", got)
	}
	view := d.m.View()
	for _, s := range []string{"99999999999", "✗ out of range for int32 (-2147483648 to 2147483647)", "✗ 1 invalid"} {
		if !strings.Contains(view, s) {
			t.Errorf("view lacks %q:\n%s", s, view)
		}
	}
	if d.m.Valid() {
		t.Error("Valid() = true with an invalid field")
	}
	if _, err := d.m.Message(); err == nil || !strings.HasPrefix(err.Error(), "f_int32: out of range for int32") {
		t.Fatalf("Message() error = %v", err)
	}
	// Reopening the input shows the text as typed; fixing it makes the form valid.
	d.keys("enter")
	if d.m.input.Value() != "99999999999" {
		t.Fatalf("input reopened with %q", d.m.input.Value())
	}
	d.keys("backspace", "backspace", "backspace", "enter")
	if !d.m.Valid() {
		t.Fatalf("still invalid: %v", d.m.problems())
	}

	// A nested path is named in full.
	d.goTo("address")
	d.keys("enter") // set and expand
	d.goTo("address.geo")
	d.keys("enter")
	d.set("address.geo.lat", "north")
	_, err := d.m.Message()
	var fe *fieldError
	if !errors.As(err, &fe) || fe.Path != "address.geo.lat" || !strings.Contains(fe.Reason, "not a number") {
		t.Fatalf("Message() error = %v, want address.geo.lat: not a number", err)
	}
	// Collapsed, the parent row tells that something inside is invalid.
	d.goTo("address")
	d.keys("left")
	if p := d.row().problem(); !strings.Contains(p, "geo.lat") {
		t.Fatalf("collapsed address: problem %q", p)
	}
	// Toggling to JSON is refused, the cursor goes to the invalid field.
	d.keys("ctrl+j")
	if d.m.jsonMode {
		t.Fatal("JSON view opened with an invalid field")
	}
	if d.row().path != "address.geo.lat" || !strings.Contains(d.m.status, "address.geo.lat") {
		t.Fatalf("cursor on %q, status %q", d.row().path, d.m.status)
	}
}

func TestFormEnum(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.goTo("color")
	colorFD := d.row().field.fd
	d.keys("right")
	if got := d.message().Get(colorFD).Enum(); got != 1 {
		t.Fatalf("right: color = %d, want RED", got)
	}
	d.keys("right", "right", "right") // wraps around
	if got := d.row().val.text; got != "COLOR_UNSPECIFIED" {
		t.Fatalf("after wrap: %q", got)
	}
	d.keys("left")
	if got := d.row().val.text; got != "BLUE" {
		t.Fatalf("left: %q", got)
	}
	// The picker: enter lists the values, typing filters, enter picks.
	d.keys("enter")
	if len(d.m.cands) != 4 {
		t.Fatalf("picker choices %v", d.m.cands)
	}
	if !strings.Contains(d.m.View(), "▸ BLUE") {
		t.Errorf("picker does not highlight the current value:\n%s", d.m.View())
	}
	d.keys("ctrl+u")
	d.typ("gr")
	if len(d.m.cands) != 1 || d.m.cands[0] != "GREEN" {
		t.Fatalf("filtered choices %v", d.m.cands)
	}
	d.keys("enter")
	if got := d.message().Get(colorFD).Enum(); got != 2 {
		t.Fatalf("picked: color = %d, want GREEN", got)
	}
	// Case does not matter when unambiguous; the name is normalized.
	d.set("color", "blue")
	if d.row().val.text != "BLUE" || d.message().Get(colorFD).Enum() != 3 {
		t.Fatalf("blue: text %q", d.row().val.text)
	}
	// Arrow keys move through the choices.
	d.keys("enter", "up", "up", "enter")
	if d.row().val.text != "RED" {
		t.Fatalf("up up enter from BLUE: %q", d.row().val.text)
	}
	// Unknown names are rejected, the text is kept.
	d.set("color", "PURPLE")
	if p := d.row().problem(); p != `unknown Color value "PURPLE"` || d.row().val.text != "PURPLE" {
		t.Fatalf("PURPLE: problem %q text %q", p, d.row().val.text)
	}
	if _, err := d.m.Message(); err == nil || !strings.Contains(err.Error(), "color: unknown Color value") {
		t.Fatalf("Message() = %v", err)
	}
	// A number is accepted (open enum).
	d.set("color", "7")
	if got := d.message().Get(colorFD).Enum(); got != 7 {
		t.Fatalf("7: %d", got)
	}
	// Repeated enum.
	d.goTo("colors")
	d.keys("a")
	d.typ("RED")
	d.keys("enter", "a")
	d.typ("b")
	d.keys("enter")
	l := d.message().Get(d.m.root.field(17).fd).List()
	if l.Len() != 2 || l.Get(0).Enum() != 1 || l.Get(1).Enum() != 3 {
		t.Fatalf("colors = %v", l)
	}
}

func TestFormNestedMessages(t *testing.T) {
	d := newFormDriver(t, Options{})
	// Unset message fields are not sent (not as empty sub-messages either).
	if dm := d.message(); dm.Has(d.m.root.field(18).fd) {
		t.Fatal("address sent while unset")
	}
	d.goTo("address")
	if v, _ := d.m.rowValue(d.row(), false); v != "unset" {
		t.Fatalf("address shows %q", v)
	}
	d.keys("enter") // set + expand
	if !d.message().Has(d.m.root.field(18).fd) {
		t.Fatal("expanded address is not set")
	}
	d.set("address.street", "1 Main St")
	d.set("address.zip", "75001")
	d.goTo("address.geo")
	d.keys("right") // right sets and expands too
	d.set("address.geo.lat", "48.85")
	want := &showcasepb.Everything{Address: &showcasepb.Address{
		Street: "1 Main St", Zip: 75001, Geo: &showcasepb.Address_Geo{Lat: 48.85},
	}}
	requireEqual(t, want, d.message())
	// Collapsing keeps the values; the row summarizes.
	d.goTo("address")
	d.keys("enter")
	if v, _ := d.m.rowValue(d.row(), false); v != "{3 set}" {
		t.Fatalf("collapsed address shows %q", v)
	}
	requireEqual(t, want, d.message())
	// x unsets it: not sent, but what was typed comes back when set again.
	d.keys("x")
	if d.message().Has(d.m.root.field(18).fd) {
		t.Fatal("address sent after x")
	}
	d.keys("enter")
	requireEqual(t, want, d.message())

	// left on a child goes to the parent.
	d.goTo("address.geo.lat")
	d.keys("left")
	if d.row().path != "address.geo" {
		t.Fatalf("left went to %q", d.row().path)
	}
}

// A recursive type expands one level at a time.
func TestFormRecursiveType(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.goTo("tree")
	d.keys("enter")
	d.set("tree.name", "root")
	d.goTo("tree.children")
	d.keys("a") // a child, expanded
	d.set("tree.children[0].name", "kid")
	d.goTo("tree.children[0].children")
	d.keys("a")
	d.goTo("tree.children[0].children[0].children")
	d.keys("a")
	want := &showcasepb.Everything{Tree: &showcasepb.Node{Name: "root", Children: []*showcasepb.Node{
		{Name: "kid", Children: []*showcasepb.Node{{Children: []*showcasepb.Node{{}}}}},
	}}}
	requireEqual(t, want, d.message())
	if n := len(d.m.rows); n > 80 {
		t.Fatalf("%d rows: recursion expanded eagerly", n)
	}
	// A deep tree loaded from a message stays collapsed.
	deep := &showcasepb.Node{Name: "0"}
	cur := deep
	for i := 1; i < 200; i++ {
		cur.Children = []*showcasepb.Node{{Name: "n"}}
		cur = cur.Children[0]
	}
	if err := d.m.SetMessage(&showcasepb.Everything{Tree: deep}); err != nil {
		t.Fatal(err)
	}
	requireEqual(t, &showcasepb.Everything{Tree: deep}, d.message())
}

func TestFormRepeated(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.goTo("tags")
	for _, s := range []string{"a", "b", "c"} {
		d.keys("a") // add after the cursor and start editing
		d.typ(s)
		d.keys("enter")
	}
	tagsFD := d.m.root.field(20).fd
	tags := func() string {
		l := d.message().Get(tagsFD).List()
		var out []string
		for i := 0; i < l.Len(); i++ {
			out = append(out, l.Get(i).String())
		}
		return strings.Join(out, ",")
	}
	if got := tags(); got != "a,b,c" {
		t.Fatalf("tags = %s", got)
	}
	// The cursor is on "c": move it up twice, then down once.
	d.keys("shift+up", "shift+up")
	if got := tags(); got != "c,a,b" || d.row().path != "tags[0]" {
		t.Fatalf("after moving up: %s (cursor %s)", got, d.row().path)
	}
	d.keys("]")
	if got := tags(); got != "a,c,b" || d.row().path != "tags[1]" {
		t.Fatalf("after moving down: %s (cursor %s)", got, d.row().path)
	}
	// Insert after the cursor.
	d.goTo("tags[0]")
	d.keys("a")
	d.typ("new")
	d.keys("enter")
	if got := tags(); got != "a,new,c,b" {
		t.Fatalf("after insert: %s", got)
	}
	// Remove.
	d.goTo("tags[2]")
	d.keys("x")
	if got := tags(); got != "a,new,b" || d.row().path != "tags[2]" {
		t.Fatalf("after remove: %s (cursor %s)", got, d.row().path)
	}
	d.keys("x", "x", "x")
	if got := tags(); got != "" {
		t.Fatalf("after removing all: %q", got)
	}
	if d.row().kind != rowEmpty && d.row().path != "tags" {
		t.Fatalf("cursor on %v %s after removing all", d.row().kind, d.row().path)
	}
	// Repeated ints are validated per element.
	d.goTo("numbers")
	d.keys("a")
	d.typ("1")
	d.keys("enter", "a")
	d.typ("x")
	d.keys("enter")
	if _, err := d.m.Message(); err == nil || !strings.HasPrefix(err.Error(), "numbers[1]: not an integer") {
		t.Fatalf("Message() = %v", err)
	}
	d.set("numbers[1]", "2")
	// Repeated messages get nested forms.
	d.goTo("addresses")
	d.keys("a")
	d.set("addresses[0].city", "Lyon")
	d.goTo("addresses[0]")
	d.keys("a")
	d.set("addresses[1].city", "Nice")
	want := &showcasepb.Everything{Numbers: []int32{1, 2}, Addresses: []*showcasepb.Address{{City: "Lyon"}, {City: "Nice"}}}
	requireEqual(t, want, d.message())
}

func TestFormMap(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.goTo("counts")
	d.keys("a") // new entry, editing its key
	if !d.m.editing || d.row().kind != rowKey {
		t.Fatalf("a on a map: editing=%v row %v", d.m.editing, d.row().kind)
	}
	d.typ("a")
	d.keys("tab") // to the value
	if !d.m.editing || d.row().kind != rowMapVal {
		t.Fatalf("tab: editing=%v row %v", d.m.editing, d.row().kind)
	}
	d.typ("5")
	d.keys("enter", "a")
	d.typ("b")
	d.keys("tab")
	d.typ("7")
	d.keys("enter")
	want := &showcasepb.Everything{Counts: map[string]int64{"a": 5, "b": 7}}
	requireEqual(t, want, d.message())
	// The value is validated per the value kind.
	d.set(`counts["b"]`, "seven")
	if _, err := d.m.Message(); err == nil || err.Error() != `counts["b"]: not an integer` {
		t.Fatalf("Message() = %v", err)
	}
	d.set(`counts["b"]`, "7")
	// Duplicate keys are invalid.
	d.goTo(`counts["b"]`)
	d.keys("up") // its key row
	d.keys("enter", "ctrl+u")
	d.typ("a")
	d.keys("enter")
	if p := d.row().problem(); p != "duplicate key" {
		t.Fatalf("duplicate key: problem %q", p)
	}
	if _, err := d.m.Message(); err == nil || !strings.Contains(err.Error(), "duplicate key") {
		t.Fatalf("Message() = %v", err)
	}
	// Remove the entry (x on its key or value row).
	d.keys("x")
	requireEqual(t, &showcasepb.Everything{Counts: map[string]int64{"a": 5}}, d.message())

	// Message values get a nested form.
	d.goTo("places")
	d.keys("a")
	d.typ("home")
	d.keys("enter")
	d.set(`places["home"].street`, "rue X")
	requireEqual(t, &showcasepb.Everything{
		Counts: map[string]int64{"a": 5},
		Places: map[string]*showcasepb.Address{"home": {Street: "rue X"}},
	}, d.message())
}

// keyKinds builds a message with maps keyed by int32, uint64 and bool.
func keyKinds(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	entry := func(name string, k descriptorpb.FieldDescriptorProto_Type) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{
			Name: proto.String(name),
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("key"), Number: proto.Int32(1), Type: k.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), JsonName: proto.String("key")},
				{Name: proto.String("value"), Number: proto.Int32(2), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), JsonName: proto.String("value")},
			},
			Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
		}
	}
	mapField := func(name string, num int32, typ string) *descriptorpb.FieldDescriptorProto {
		return &descriptorpb.FieldDescriptorProto{
			Name: proto.String(name), Number: proto.Int32(num), JsonName: proto.String(name),
			Label: descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum(),
			Type:  descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".keytest.Keys." + typ),
		}
	}
	fdp := &descriptorpb.FileDescriptorProto{
		Name: proto.String("keytest.proto"), Package: proto.String("keytest"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Keys"),
			Field: []*descriptorpb.FieldDescriptorProto{
				mapField("by_int", 1, "ByIntEntry"), mapField("by_uint", 2, "ByUintEntry"), mapField("by_bool", 3, "ByBoolEntry"),
			},
			NestedType: []*descriptorpb.DescriptorProto{
				entry("ByIntEntry", descriptorpb.FieldDescriptorProto_TYPE_INT32),
				entry("ByUintEntry", descriptorpb.FieldDescriptorProto_TYPE_UINT64),
				entry("ByBoolEntry", descriptorpb.FieldDescriptorProto_TYPE_BOOL),
			},
		}},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return fd.Messages().ByName("Keys")
}

// Map keys are validated per key kind.
func TestFormMapKeyKinds(t *testing.T) {
	md := keyKinds(t)
	m := New(md, Options{Width: 100, Height: 30, Profile: colorprofile.NoTTY})
	m.Focus()
	d := &driver{t: t, m: m}
	d.goTo("by_int")
	d.keys("a")
	d.typ("abc")
	if p := d.row().problem(); p != "not an integer" {
		t.Fatalf("int32 key abc: %q", p)
	}
	d.keys("ctrl+u")
	d.typ("3000000000")
	if p := d.row().problem(); !strings.Contains(p, "out of range for int32") {
		t.Fatalf("int32 key 3000000000: %q", p)
	}
	d.keys("ctrl+u")
	d.typ("-3")
	d.keys("tab")
	d.typ("minus three")
	d.keys("enter")
	d.goTo("by_uint")
	d.keys("a")
	d.typ("-1")
	if p := d.row().problem(); !strings.Contains(p, "out of range for uint64") {
		t.Fatalf("uint64 key -1: %q", p)
	}
	d.keys("ctrl+u")
	d.typ("18446744073709551615")
	d.keys("enter")
	d.goTo("by_bool")
	d.keys("a") // a bool key is a toggle: no input opens
	if d.m.editing {
		t.Fatal("bool key opened an input")
	}
	d.keys("space") // false → true
	d.keys("a", "x")
	dm := d.message()
	byInt := dm.Get(md.Fields().ByName("by_int")).Map()
	if byInt.Len() != 1 || byInt.Get(protoreflect.ValueOfInt32(-3).MapKey()).String() != "minus three" {
		t.Fatalf("by_int = %v", byInt)
	}
	if !dm.Get(md.Fields().ByName("by_uint")).Map().Has(protoreflect.ValueOfUint64(math.MaxUint64).MapKey()) {
		t.Fatal("by_uint lacks the max key")
	}
	byBool := dm.Get(md.Fields().ByName("by_bool")).Map()
	if byBool.Len() != 1 || !byBool.Has(protoreflect.ValueOfBool(true).MapKey()) {
		t.Fatalf("by_bool = %v", byBool)
	}
}

func TestFormOneof(t *testing.T) {
	d := newFormDriver(t, Options{})
	emailFD := d.m.root.field(25).fd
	phoneFD := d.m.root.field(26).fd
	postalFD := d.m.root.field(27).fd
	d.set("email", "a@example.com")
	if v, _ := d.m.rowValue(d.rowAt("contact"), false); v != "email" {
		t.Fatalf("oneof shows %q", v)
	}
	d.set("phone", "+33 1 23")
	dm := d.message()
	if dm.Has(emailFD) || dm.Get(phoneFD).String() != "+33 1 23" {
		t.Fatalf("after phone: email set=%v phone=%q", dm.Has(emailFD), dm.Get(phoneFD).String())
	}
	if v, _ := d.m.rowValue(d.rowAt("email"), false); v != "unset" {
		t.Fatalf("email row shows %q after phone was set", v)
	}
	// A message member: enter sets it and clears the others.
	d.goTo("postal")
	d.keys("enter")
	d.set("postal.city", "Rome")
	dm = d.message()
	if dm.Has(emailFD) || dm.Has(phoneFD) || !dm.Has(postalFD) {
		t.Fatal("postal did not clear the other members")
	}
	requireEqual(t, &showcasepb.Everything{Contact: &showcasepb.Everything_Postal{Postal: &showcasepb.Address{City: "Rome"}}}, dm)
	// The header cycles: postal → none → email (with its text kept) → phone.
	d.goTo("contact")
	d.keys("right")
	if dm := d.message(); dm.WhichOneof(emailFD.ContainingOneof()) != nil {
		t.Fatal("oneof not cleared by cycling to none")
	}
	d.keys("right")
	if got := d.message().Get(emailFD).String(); got != "a@example.com" {
		t.Fatalf("email came back as %q", got)
	}
	d.keys("left")
	if d.message().WhichOneof(emailFD.ContainingOneof()) != nil {
		t.Fatal("left from email should be none")
	}
	d.keys("left")
	if !d.message().Has(postalFD) {
		t.Fatal("left from none should be postal")
	}
	// x on the header clears it.
	d.keys("x")
	if d.message().WhichOneof(emailFD.ContainingOneof()) != nil {
		t.Fatal("x did not clear the oneof")
	}
	// An empty member set with enter is present (zero value).
	d.goTo("email")
	d.keys("enter", "ctrl+u", "enter")
	if dm := d.message(); !dm.Has(emailFD) || dm.Get(emailFD).String() != "" {
		t.Fatal("empty email member not present")
	}
}

func TestFormOptional(t *testing.T) {
	d := newFormDriver(t, Options{})
	nickFD := d.m.root.field(28).fd
	ageFD := d.m.root.field(29).fd
	// Unset stays absent; opening and leaving with esc does not set it.
	d.goTo("nickname")
	d.keys("enter", "esc")
	if d.message().Has(nickFD) {
		t.Fatal("esc set nickname")
	}
	// Set to the zero value: present.
	d.keys("enter", "enter")
	if !d.message().Has(nickFD) {
		t.Fatal(`nickname "" not present after enter`)
	}
	d.set("age", "0")
	dm := d.message()
	if !dm.Has(ageFD) || dm.Get(ageFD).Int() != 0 {
		t.Fatal("age 0 not present")
	}
	want := &showcasepb.Everything{Nickname: proto.String(""), Age: proto.Int32(0)}
	requireEqual(t, want, dm)
	// x unsets; the view says so.
	d.keys("x")
	if d.message().Has(ageFD) {
		t.Fatal("age still present after x")
	}
	if v, _ := d.m.rowValue(d.row(), false); v != "unset" {
		t.Fatalf("age shows %q", v)
	}
	// Compare with a plain int32: 0 is not sent.
	d.set("f_int32", "0")
	if d.message().Has(d.m.root.field(3).fd) {
		t.Fatal("implicit int32 0 is present")
	}
}

func TestFormWellKnownTypes(t *testing.T) {
	fixed := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	d := newFormDriver(t, Options{})
	d.m.ctx.now = func() time.Time { return fixed }

	d.set("created_at", "2024-05-01T12:34:56.5+02:00")
	d.set("ttl", "1.5s")
	d.set("note", "")
	d.set("big_number", "-42")
	d.goTo("flag")
	d.keys("space", "space") // unset → true → false: false is set
	d.set("ratio", "0.25")
	d.set("blob", "hex:0102")
	d.set("attributes", `{"a": 1, "b": [true, null]}`)
	d.set("anything", `"str"`)
	d.set("list", `[1, "x"]`)
	d.set("update_mask", "f_int32, address.geo.lat,createdAt")
	d.goTo("nothing")
	d.keys("enter")

	attrs, _ := structpb.NewStruct(map[string]any{"a": 1, "b": []any{true, nil}})
	list, _ := structpb.NewList([]any{1, "x"})
	want := &showcasepb.Everything{
		CreatedAt:  timestamppb.New(time.Date(2024, 5, 1, 10, 34, 56, 500000000, time.UTC)),
		Ttl:        durationpb.New(1500 * time.Millisecond),
		Note:       wrapperspb.String(""),
		BigNumber:  wrapperspb.Int64(-42),
		Flag:       wrapperspb.Bool(false),
		Ratio:      wrapperspb.Double(0.25),
		Blob:       wrapperspb.Bytes([]byte{1, 2}),
		Attributes: attrs,
		Anything:   structpb.NewStringValue("str"),
		List:       list,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"f_int32", "address.geo.lat", "created_at"}},
		Nothing:    &emptypb.Empty{},
	}
	requireEqual(t, want, d.message())

	// now, now-1h; Go and proto duration syntax.
	d.set("created_at", "now")
	d.set("ttl", "100ms")
	dm := d.message()
	ts := dm.Get(d.m.root.field(30).fd).Message().Interface()
	if got := timestampOf(t, ts); !got.Equal(fixed) {
		t.Fatalf("now = %v", got)
	}
	d.set("created_at", "now-1h")
	if got := timestampOf(t, d.message().Get(d.m.root.field(30).fd).Message().Interface()); !got.Equal(fixed.Add(-time.Hour)) {
		t.Fatalf("now-1h = %v", got)
	}
	for text, dur := range map[string]time.Duration{"100ms": 100 * time.Millisecond, "3.000000001s": 3*time.Second + 1, "-1m30s": -90 * time.Second, "2h45m": 165 * time.Minute} {
		d.set("ttl", text)
		secs, nanos := durationOf(t, d.message().Get(d.m.root.field(31).fd).Message())
		if time.Duration(secs)*time.Second+time.Duration(nanos) != dur {
			t.Errorf("ttl %q = %ds %dns", text, secs, nanos)
		}
	}
	// Invalid inputs are marked with a reason.
	for _, c := range []struct{ field, text, reason string }{
		{"created_at", "yesterday", "not RFC 3339"},
		{"created_at", "2024-05-01T12:00:00", "add a time zone"},
		{"created_at", "10000-01-01T00:00:00Z", "not RFC 3339"},
		{"ttl", "5", "missing unit"},
		{"ttl", "soon", "not a duration"},
		{"big_number", "1e3", "not an integer"},
		{"attributes", `{"a": }`, "invalid JSON at column 7"},
		{"attributes", `[1]`, "invalid JSON"},
		{"update_mask", "a,,b", "empty path"},
		{"update_mask", "a-b", "invalid character"},
		{"blob", "not*base64", "not base64"},
	} {
		d.set(c.field, c.text)
		if p := d.row().problem(); !strings.Contains(p, c.reason) {
			t.Errorf("%s = %q: problem %q, want %q", c.field, c.text, p, c.reason)
		}
		d.keys("delete") // unset again (x types on a text row)
	}
	// flag cycles back to unset; nothing toggles off.
	d.goTo("flag")
	d.keys("space")
	d.goTo("nothing")
	d.keys("enter")
	dm = d.message()
	if dm.Has(d.m.root.field(34).fd) || dm.Has(d.m.root.field(42).fd) {
		t.Fatal("flag / nothing still set")
	}
}

func timestampOf(t *testing.T, m proto.Message) time.Time {
	t.Helper()
	r := m.ProtoReflect()
	f := r.Descriptor().Fields()
	return time.Unix(r.Get(f.ByName("seconds")).Int(), r.Get(f.ByName("nanos")).Int()).UTC()
}

func durationOf(t *testing.T, r protoreflect.Message) (int64, int64) {
	t.Helper()
	f := r.Descriptor().Fields()
	return r.Get(f.ByName("seconds")).Int(), r.Get(f.ByName("nanos")).Int()
}

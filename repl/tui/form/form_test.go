package form

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/grpcsh/grpcsh/dynamic"
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
		d.keys("x") // unset again
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

func TestFormAny(t *testing.T) {
	d := newFormDriver(t, Options{
		Resolver: protoregistry.GlobalTypes,
		AnyTypes: []protoreflect.FullName{"google.protobuf.Duration", "showcase.Address", "showcase.Address.Geo", "showcase.Node"},
	})
	d.goTo("detail")
	d.keys("enter") // set + expand: the type must be chosen
	if p := d.rowAt("detail.@type").problem(); p != "no type chosen" {
		t.Fatalf("@type problem %q", p)
	}
	if _, err := d.m.Message(); err == nil || err.Error() != "detail.@type: no type chosen" {
		t.Fatalf("Message() = %v", err)
	}
	d.goTo("detail.@type")
	d.keys("enter")
	if len(d.m.cands) != 4 {
		t.Fatalf("type choices %v", d.m.cands)
	}
	d.typ("addr")
	if len(d.m.cands) != 2 || d.m.cands[0] != "showcase.Address" {
		t.Fatalf("filtered choices %v", d.m.cands)
	}
	d.keys("enter")
	d.set("detail.city", "Paris")
	dm := d.message()
	anyMsg := dm.Get(d.m.root.field(40).fd).Message()
	url := anyMsg.Get(anyMsg.Descriptor().Fields().ByName("type_url")).String()
	if url != "type.googleapis.com/showcase.Address" {
		t.Fatalf("type_url %q", url)
	}
	var addr showcasepb.Address
	if err := proto.Unmarshal(anyMsg.Get(anyMsg.Descriptor().Fields().ByName("value")).Bytes(), &addr); err != nil || addr.City != "Paris" {
		t.Fatalf("value = %v (%v)", &addr, err)
	}
	// A well-known type inside Any has its natural input.
	d.goTo("detail.@type")
	d.keys("enter", "ctrl+u")
	d.typ("google.protobuf.Duration")
	d.keys("enter")
	d.goTo("detail")
	d.keys("down", "down") // @type, value
	if d.row().kind != rowAnyVal {
		t.Fatalf("row after @type is %v", d.row().kind)
	}
	d.keys("enter")
	d.typ("2s")
	d.keys("enter")
	wantAny, _ := anypb.New(durationpb.New(2 * time.Second))
	requireEqual(t, &showcasepb.Everything{Detail: wantAny}, d.message())
	// Switching back to Address finds what was typed there.
	d.goTo("detail.@type")
	d.keys("enter", "ctrl+u")
	d.typ("showcase.Address")
	d.keys("enter")
	if got := d.rowAt("detail.city").val.text; got != "Paris" {
		t.Fatalf("city came back as %q", got)
	}
	// Unknown types are rejected, the text is kept.
	d.goTo("detail.@type")
	d.keys("enter", "ctrl+u")
	d.typ("nope.Nope")
	d.keys("esc")
	if p := d.row().problem(); p != `unknown message type "nope.Nope"` || d.row().val.text != "nope.Nope" {
		t.Fatalf("nope.Nope: problem %q text %q", p, d.row().val.text)
	}
	if _, err := d.m.Message(); err == nil || !strings.HasPrefix(err.Error(), "detail.@type: unknown message type") {
		t.Fatalf("Message() = %v", err)
	}
	// ←/→ on @type cycle through the known types.
	d.keys("right")
	if got := d.row().val.anyType; got != "showcase.Address.Geo" {
		t.Fatalf("right on @type: %q", got)
	}
}

func TestFormJSONRoundTrip(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.set("f_int32", "5")
	d.set("f_string", "hi")
	d.goTo("tags")
	d.keys("a")
	d.typ("x")
	d.keys("enter")
	// Form → JSON.
	d.keys("ctrl+j")
	if !d.m.jsonMode {
		t.Fatalf("ctrl+j did not open the JSON view (status %q)", d.m.status)
	}
	wantJSON := "{\n  \"fInt32\": 5,\n  \"fString\": \"hi\",\n  \"tags\": [\n    \"x\"\n  ]\n}"
	if got := d.m.JSON(); got != wantJSON {
		t.Fatalf("JSON view:\n%s\nwant:\n%s", got, wantJSON)
	}
	// Unchanged, J goes back without touching the form.
	d.keys("J")
	if d.m.jsonMode {
		t.Fatal("J did not go back to the form")
	}
	if got := d.m.JSON(); got != wantJSON {
		t.Fatalf("form JSON() = %s", got)
	}
	// JSON → form: edit the text (select all, paste a new request).
	d.keys("J", "enter", "ctrl+g")
	d.send(tea.PasteMsg{Content: "{\n  \"fInt32\": 7,\n  \"color\": \"GREEN\",\n  \"address\": {\"city\": \"Oslo\"},\n  \"tags\": [\"p\", \"q\"]\n}"})
	if d.m.jsonErr != nil {
		t.Fatalf("JSON error: %v", d.m.jsonErr)
	}
	d.keys("esc") // stop typing; J is a command again
	d.keys("J")
	if d.m.jsonMode {
		t.Fatalf("J refused: %v", d.m.jsonErr)
	}
	want := &showcasepb.Everything{FInt32: 7, Color: showcasepb.Color_GREEN, Address: &showcasepb.Address{City: "Oslo"}, Tags: []string{"p", "q"}}
	requireEqual(t, want, d.message())
	if got := d.rowAt("f_int32").val.text; got != "7" {
		t.Fatalf("f_int32 row shows %q", got)
	}
	// tags was expanded before and stays expanded.
	if r := d.rowAt("tags[1]"); r.val.text != "q" {
		t.Fatalf("tags[1] = %q", r.val.text)
	}
	// Form edits show up in the JSON again.
	d.set("f_int32", "8")
	d.keys("ctrl+j")
	if !strings.Contains(d.m.JSON(), `"fInt32": 8`) || !strings.Contains(d.m.JSON(), `"city": "Oslo"`) {
		t.Fatalf("JSON after form edit:\n%s", d.m.JSON())
	}
	// Message() in the JSON view parses the text.
	requireEqual(t, &showcasepb.Everything{FInt32: 8, Color: showcasepb.Color_GREEN, Address: &showcasepb.Address{City: "Oslo"}, Tags: []string{"p", "q"}}, d.message())
}

// The JSON view reads with the engine's request reader (dynamic.ParseJSON):
// its *dynamic.JSONError gives line:col and the field path, as -d does.
func TestFormJSONErrors(t *testing.T) {
	cases := []struct {
		name, text string
		line, col  int
		msg        string
	}{
		{"syntax", "{\n  \"fInt32\": 1,\n}", 3, 1, "unexpected token }"},
		{"bad value", "{\n  \"fString\": \"ok\",\n  \"fInt32\": \"abc\"\n}", 3, 13, "invalid value for int32 field fInt32"},
		{"unknown field", "{\n  \"nope\": 1\n}", 2, 3, `unknown field "nope"`},
		{"unterminated", "{\n  \"fInt32\": 1", 2, 14, "the JSON ends before the value is complete"},
		{"trailing", "{}\n{}", 2, 1, "unexpected token {"},
		{"not an object", "[1]", 1, 1, "unexpected token ["},
		{"wide chars", "{\"fString\": \"éé\", \"fInt32\": x}", 1, 29, "invalid value x"},
		// protojson counts columns in characters, not bytes.
		{"wide chars, bad value", "{\"fString\": \"éé\", \"fInt32\": \"x\"}", 1, 29, "invalid value for int32 field fInt32"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newFormDriver(t, Options{})
			d.keys("ctrl+j", "enter", "ctrl+g")
			d.send(tea.PasteMsg{Content: c.text})
			var je *dynamic.JSONError
			if !errors.As(d.m.jsonErr, &je) {
				t.Fatalf("jsonErr = %v", d.m.jsonErr)
			}
			if je.Line != c.line || je.Col != c.col || !strings.Contains(je.Msg, c.msg) {
				t.Fatalf("error %q at %d:%d, want %q at %d:%d", je.Msg, je.Line, je.Col, c.msg, c.line, c.col)
			}
			// Going back is refused; the text is kept; the error shows.
			d.keys("ctrl+j")
			if !d.m.jsonMode {
				t.Fatal("went back to the form with invalid JSON")
			}
			if d.m.area.Value() != c.text {
				t.Fatalf("text changed to %q", d.m.area.Value())
			}
			if !strings.Contains(d.m.View(), "line "+strconv.Itoa(c.line)+":"+strconv.Itoa(c.col)+": ") {
				t.Fatalf("view lacks the position:\n%s", d.m.View())
			}
			if _, err := d.m.Message(); err == nil {
				t.Fatal("Message() accepted invalid JSON")
			}
			if d.m.Valid() {
				t.Fatal("Valid() with invalid JSON")
			}
			// The cursor was moved to the error.
			if d.m.area.Line() != c.line-1 {
				t.Fatalf("cursor on line %d", d.m.area.Line()+1)
			}
		})
	}
}

// ctrl+e writes the JSON to a file, runs $EDITOR through tea.ExecProcess
// and loads the file back.
func TestFormEditor(t *testing.T) {
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", "myeditor --wait")
	var ran []string
	var edit func(path string)
	fake := func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
		ran = c.Args
		return func() tea.Msg {
			edit(c.Args[len(c.Args)-1])
			return fn(nil)
		}
	}
	d := newFormDriver(t, Options{})
	d.m.execEditor = fake
	d.set("f_int32", "3")

	var before string
	edit = func(path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		before = string(b)
		if err := os.WriteFile(path, []byte(`{"fInt32": 4, "nickname": ""}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d.keys("ctrl+e")
	if len(d.cmds) != 1 {
		t.Fatalf("ctrl+e gave %d commands", len(d.cmds))
	}
	msg := d.cmds[0]()
	d.cmds = nil
	if len(ran) != 3 || ran[0] != "myeditor" || ran[1] != "--wait" || !strings.HasSuffix(ran[2], ".json") {
		t.Fatalf("editor command %q", ran)
	}
	if before != "{\n  \"fInt32\": 3\n}\n" {
		t.Fatalf("the editor got %q", before)
	}
	if _, err := os.Stat(ran[2]); !os.IsNotExist(err) {
		t.Fatalf("temp file not removed: %v", err)
	}
	d.send(msg)
	requireEqual(t, &showcasepb.Everything{FInt32: 4, Nickname: proto.String("")}, d.message())
	if d.m.jsonMode {
		t.Fatal("valid editor result switched to the JSON view")
	}

	// Invalid JSON from the editor lands in the JSON view with its error.
	edit = func(path string) {
		_ = os.WriteFile(path, []byte("{\n  \"fInt32\": true\n}\n"), 0o600)
	}
	d.keys("ctrl+e")
	d.send(d.cmds[0]())
	d.cmds = nil
	if !d.m.jsonMode || d.m.jsonErr == nil || !strings.Contains(d.m.jsonErr.Error(), "line 2:13: fInt32: ") {
		t.Fatalf("jsonMode=%v err=%v", d.m.jsonMode, d.m.jsonErr)
	}
	if d.m.area.Value() != "{\n  \"fInt32\": true\n}" {
		t.Fatalf("text %q", d.m.area.Value())
	}
	// The form kept its last valid state.
	requireEqual(t, &showcasepb.Everything{FInt32: 4, Nickname: proto.String("")}, mustBuild(t, d.m))

	// e in the JSON view opens the editor on the text as it stands.
	edit = func(path string) {
		b, _ := os.ReadFile(path)
		before = string(b)
		_ = os.WriteFile(path, []byte(`{"fInt32": 9}`), 0o600)
	}
	d.keys("e")
	d.send(d.cmds[0]())
	d.cmds = nil
	if before != "{\n  \"fInt32\": true\n}\n" {
		t.Fatalf("e gave the editor %q", before)
	}
	if !d.m.jsonMode || d.m.jsonErr != nil || d.m.area.Value() != `{"fInt32": 9}` {
		t.Fatalf("after e: jsonMode=%v err=%v text=%q", d.m.jsonMode, d.m.jsonErr, d.m.area.Value())
	}
	requireEqual(t, &showcasepb.Everything{FInt32: 9}, mustBuild(t, d.m))
	d.keys("J")
	if d.m.jsonMode {
		t.Fatal("J refused after the editor")
	}

	// An editor that fails leaves everything as it was.
	failing := func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
		return func() tea.Msg { return fn(errors.New("exit status 1")) }
	}
	d.m.execEditor = failing
	d.keys("ctrl+e")
	d.send(d.cmds[0]())
	d.cmds = nil
	if !strings.Contains(d.m.status, "exit status 1") {
		t.Fatalf("status %q", d.m.status)
	}
	requireEqual(t, &showcasepb.Everything{FInt32: 9}, d.message())

	// Messages of another form are ignored.
	other := New(everything(), Options{})
	d.send(editorMsg{id: other.id, text: `{"fInt32": 1}`})
	requireEqual(t, &showcasepb.Everything{FInt32: 9}, d.message())
}

// mustBuild builds the form's message from the fields, whatever the view.
func mustBuild(t *testing.T, m Model) proto.Message {
	t.Helper()
	dm := dynamicpb.NewMessage(m.md)
	if err := m.root.build(dm, m.ctx, ""); err != nil {
		t.Fatal(err)
	}
	return dm
}

func TestFormPaste(t *testing.T) {
	d := newFormDriver(t, Options{})
	// Browsing: paste opens the input of a text row with the text.
	d.goTo("f_string")
	d.send(tea.PasteMsg{Content: "pasted"})
	if !d.m.editing || d.m.input.Value() != "pasted" {
		t.Fatalf("editing=%v value=%q", d.m.editing, d.m.input.Value())
	}
	// Editing: paste goes in at the cursor.
	d.send(tea.PasteMsg{Content: " more"})
	d.keys("enter")
	if got := d.message().Get(d.m.root.field(14).fd).String(); got != "pasted more" {
		t.Fatalf("f_string = %q", got)
	}
	// Not on a text row: nothing changes, the status says why.
	d.goTo("address")
	d.send(tea.PasteMsg{Content: "x"})
	if d.m.editing || d.m.status == "" {
		t.Fatalf("paste on a message row: editing=%v status=%q", d.m.editing, d.m.status)
	}
	// Blurred: ignored.
	d.goTo("f_string")
	d.m.Blur()
	d.send(tea.PasteMsg{Content: "zzz"})
	if d.m.editing {
		t.Fatal("paste accepted while blurred")
	}
}

// fullEverything has every field populated.
func fullEverything(t *testing.T) *showcasepb.Everything {
	t.Helper()
	attrs, _ := structpb.NewStruct(map[string]any{"k": "v", "n": 2.5, "l": []any{1, false}})
	list, _ := structpb.NewList([]any{"a", 1, nil})
	detail, err := anypb.New(&showcasepb.Address{City: "Bergen", Geo: &showcasepb.Address_Geo{Lat: 60.39}})
	if err != nil {
		t.Fatal(err)
	}
	return &showcasepb.Everything{
		FDouble: -1.25, FFloat: 3.5, FInt32: -5, FInt64: 1 << 40, FUint32: 7, FUint64: 1 << 63,
		FSint32: -9, FSint64: -1 << 50, FFixed32: 11, FFixed64: 12, FSfixed32: -13, FSfixed64: -14,
		FBool: true, FString: "straße", FBytes: []byte{0, 1, 2, 0xfe},
		Color: showcasepb.Color_BLUE, Colors: []showcasepb.Color{showcasepb.Color_RED, showcasepb.Color_GREEN},
		Address: &showcasepb.Address{Street: "s", City: "c", Zip: 1, Geo: &showcasepb.Address_Geo{Lat: 1.5, Lng: -2}},
		Tree:    &showcasepb.Node{Name: "r", Children: []*showcasepb.Node{{Name: "a"}, {Name: "b", Children: []*showcasepb.Node{{Name: "c"}}}}},
		Tags:    []string{"x", "y"}, Numbers: []int32{1, -2, 3},
		Addresses: []*showcasepb.Address{{City: "one"}, {Zip: 2}},
		Counts:    map[string]int64{"a": 1, "b": -2},
		Places:    map[string]*showcasepb.Address{"home": {Street: "h"}, "work": {Geo: &showcasepb.Address_Geo{Lng: 3}}},
		Contact:   &showcasepb.Everything_Phone{Phone: "+1 555"},
		Nickname:  proto.String(""), Age: proto.Int32(0),
		CreatedAt:  timestamppb.New(time.Date(2023, 12, 31, 23, 59, 59, 123456789, time.UTC)),
		Ttl:        durationpb.New(-90*time.Second - 5),
		Note:       wrapperspb.String("note"),
		BigNumber:  wrapperspb.Int64(-1),
		Flag:       wrapperspb.Bool(false),
		Ratio:      wrapperspb.Double(0.5),
		Blob:       wrapperspb.Bytes([]byte("blob")),
		Attributes: attrs,
		Anything:   structpb.NewNumberValue(42),
		List:       list,
		Detail:     detail,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"a.b", "c"}},
		Nothing:    &emptypb.Empty{},
	}
}

func TestFormSetMessageRoundTrip(t *testing.T) {
	full := fullEverything(t)
	d := newFormDriver(t, Options{Resolver: protoregistry.GlobalTypes})
	if err := d.m.SetMessage(full); err != nil {
		t.Fatal(err)
	}
	got := d.message()
	if !proto.Equal(full, got) {
		requireEqual(t, full, got)
	}
	if !d.m.Valid() {
		t.Fatalf("problems: %v", d.m.problems())
	}
	// Through the JSON view and back.
	d.keys("ctrl+j")
	if !d.m.jsonMode {
		t.Fatalf("JSON view refused: %s", d.m.status)
	}
	d.keys("enter", "ctrl+g")
	d.send(tea.PasteMsg{Content: d.m.jsonOrig + "\n"}) // same request, changed text: reloaded
	d.keys("ctrl+j")
	if d.m.jsonMode {
		t.Fatalf("back to form refused: %v", d.m.jsonErr)
	}
	if got := d.message(); !proto.Equal(full, got) {
		requireEqual(t, full, got)
	}
	// A message of another type is refused; nil empties the form.
	if err := d.m.SetMessage(&showcasepb.Address{}); err == nil {
		t.Fatal("SetMessage accepted an Address")
	}
	if err := d.m.SetMessage(nil); err != nil {
		t.Fatal(err)
	}
	requireEqual(t, &showcasepb.Everything{}, d.message())
	// A message built from another copy of the descriptor (as reflection
	// gives) is converted through the wire format.
	fdp := protodesc.ToFileDescriptorProto(showcasepb.File_showcase_proto)
	files, err := protodesc.NewFiles(&descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{
		protodesc.ToFileDescriptorProto(anypb.File_google_protobuf_any_proto),
		protodesc.ToFileDescriptorProto(durationpb.File_google_protobuf_duration_proto),
		protodesc.ToFileDescriptorProto(emptypb.File_google_protobuf_empty_proto),
		protodesc.ToFileDescriptorProto(fieldmaskpb.File_google_protobuf_field_mask_proto),
		protodesc.ToFileDescriptorProto(structpb.File_google_protobuf_struct_proto),
		protodesc.ToFileDescriptorProto(timestamppb.File_google_protobuf_timestamp_proto),
		protodesc.ToFileDescriptorProto(wrapperspb.File_google_protobuf_wrappers_proto),
		fdp,
	}})
	if err != nil {
		t.Fatal(err)
	}
	desc, err := files.FindDescriptorByName("showcase.Everything")
	if err != nil {
		t.Fatal(err)
	}
	other := New(desc.(protoreflect.MessageDescriptor), Options{Resolver: protoregistry.GlobalTypes})
	if err := other.SetMessage(full); err != nil {
		t.Fatal(err)
	}
	dm, err := other.Message()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(dm)
	var back showcasepb.Everything
	if err := proto.Unmarshal(b, &back); err != nil || !proto.Equal(full, &back) {
		t.Fatalf("through a dynamic descriptor: %v", err)
	}
}

// The view scrolls to keep the cursor visible in a small height.
func TestFormScrolling(t *testing.T) {
	d := newFormDriver(t, Options{Width: 80, Height: 8})
	check := func() {
		t.Helper()
		lines := strings.Split(d.m.View(), "\n")
		if len(lines) != 8 {
			t.Fatalf("%d lines, want 8", len(lines))
		}
		found := false
		for _, l := range lines[1 : len(lines)-1] {
			if strings.HasPrefix(l, "› ") {
				found = true
			}
		}
		if !found {
			t.Fatalf("cursor row %s not visible:\n%s", d.row().path, strings.Join(lines, "\n"))
		}
	}
	for i := 0; i < len(d.m.rows)+3; i++ {
		check()
		d.keys("j")
	}
	if d.row().path != "nothing" {
		t.Fatalf("last row %q", d.row().path)
	}
	for i := 0; i < 10; i++ {
		check()
		d.keys("k")
	}
	d.keys("g")
	check()
	d.keys("pgdown", "pgdown")
	check()
	d.keys("G")
	check()
	// An invalid row takes two lines; both are shown.
	d.goTo("ttl")
	d.keys("enter")
	d.typ("5")
	d.keys("enter")
	check()
	if !strings.Contains(d.m.View(), "✗ missing unit") {
		t.Fatalf("error line not visible:\n%s", d.m.View())
	}
	// Tiny height still works.
	d.m.SetSize(80, 3)
	check3 := strings.Split(d.m.View(), "\n")
	if len(check3) != 3 {
		t.Fatalf("height 3: %d lines", len(check3))
	}
}

// No line is wider than the width, at 80 and 120 columns, in every mode.
func TestFormWidth(t *testing.T) {
	for _, w := range []int{60, 80, 120} {
		d := newFormDriver(t, Options{Width: w, Height: 200, Resolver: protoregistry.GlobalTypes})
		if err := d.m.SetMessage(fullEverything(t)); err != nil {
			t.Fatal(err)
		}
		// Expand everything.
		for i := 0; i < len(d.m.rows); i++ {
			d.m.cursor = i
			r := d.m.cur()
			if r.val == nil && r.field != nil && r.kind == rowField && !r.field.expanded ||
				r.val != nil && r.val.t.expandable() && !r.val.expanded && !r.unset() {
				d.keys("right")
			}
		}
		d.set("f_int32", "123456789012345678901234567890")
		views := []string{d.m.View()}
		d.set("f_int32", "1")
		d.goTo("color")
		d.keys("enter")
		views = append(views, d.m.View())
		d.keys("esc", "ctrl+j")
		views = append(views, d.m.View())
		for _, v := range views {
			for _, l := range strings.Split(v, "\n") {
				if lw := lipgloss.Width(l); lw > w {
					t.Fatalf("width %d: line of %d cells: %q", w, lw, l)
				}
			}
		}
	}
}

// With NO_COLOR (colorprofile.ASCII) there are no color sequences; the
// default profile has colors.
func TestFormNoColor(t *testing.T) {
	colorSeq := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|38|48)[;m]`)
	for _, p := range []colorprofile.Profile{colorprofile.ASCII, colorprofile.NoTTY} {
		d := newFormDriver(t, Options{Profile: p})
		d.set("f_int32", "x")
		d.goTo("color")
		d.keys("enter")
		views := d.m.View()
		d.keys("esc", "x", "ctrl+j")
		views += d.m.View()
		if colorSeq.MatchString(views) {
			t.Errorf("profile %v: color sequences in %q", p, views)
		}
	}
	d := newFormDriver(t, Options{Profile: colorprofile.TrueColor})
	if !colorSeq.MatchString(d.m.View()) {
		t.Error("TrueColor view has no color")
	}
	// A ColorProfileMsg restyles.
	d.send(tea.ColorProfileMsg{Profile: colorprofile.ASCII})
	if colorSeq.MatchString(d.m.View()) {
		t.Error("ColorProfileMsg{ASCII} did not remove colors")
	}
}

func TestFormKeyMapAndFocus(t *testing.T) {
	d := newFormDriver(t, Options{})
	has := func(want string) bool {
		for _, b := range d.m.KeyMap().ShortHelp() {
			if b.Enabled() && b.Help().Desc == want {
				return true
			}
		}
		return false
	}
	if !has("edit") || has("add element") {
		t.Fatal("browse help")
	}
	d.goTo("tags")
	if !has("add element") {
		t.Fatal("no add on a repeated field")
	}
	d.goTo("f_string")
	d.keys("enter")
	if !has("done") || !has("leave input") || !d.m.Editing() {
		t.Fatal("editing help")
	}
	d.keys("esc", "ctrl+j")
	if !has("edit JSON") {
		t.Fatal("JSON help")
	}
	full := d.m.KeyMap().FullHelp()
	if len(full) == 0 {
		t.Fatal("no full help")
	}
	// Every binding has help text.
	for _, g := range [][]key.Binding{d.m.KeyMap().ShortHelp()} {
		for _, b := range g {
			if b.Help().Key == "" {
				t.Errorf("binding %v has no help", b.Keys())
			}
		}
	}
	// Blurred: keys are ignored.
	d.keys("J")
	d.m.Blur()
	d.keys("j", "enter")
	if d.row().path != "f_string" || d.m.editing {
		t.Fatal("keys handled while blurred")
	}
	d.m.Focus()
	d.keys("j")
	if d.row().path != "f_bytes" {
		t.Fatalf("cursor on %s after focus + j", d.row().path)
	}
}

// The type column shortens long names, directly (the text parsers are
// tested in dynamic: textvalue_test.go).
func TestFormShortenType(t *testing.T) {
	if got := shortenType("google.protobuf.Timestamp", 20); got != "…protobuf.Timestamp" {
		t.Errorf("shorten: %q", got)
	}
	if got := shortenType("repeated google.protobuf.Timestamp", 20); got != "rep …Timestamp" && !strings.HasSuffix(got, "Timestamp") {
		t.Errorf("shorten repeated: %q", got)
	}
	if got := shortenType("map<string, google.protobuf.Timestamp>", 20); lipgloss.Width(got) > 20 {
		t.Errorf("shorten map: %q", got)
	}
}

// proto2: required fields must be set; defaults are the placeholders.
func TestFormProto2(t *testing.T) {
	opt := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
	fdp := &descriptorpb.FileDescriptorProto{
		Name: proto.String("p2test.proto"), Package: proto.String("p2test"), Syntax: proto.String("proto2"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Req"),
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("id"), Number: proto.Int32(1), Type: descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum(),
					Label: descriptorpb.FieldDescriptorProto_LABEL_REQUIRED.Enum(), JsonName: proto.String("id")},
				{Name: proto.String("limit"), Number: proto.Int32(2), Type: descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum(),
					Label: opt, DefaultValue: proto.String("5"), JsonName: proto.String("limit")},
				{Name: proto.String("greeting"), Number: proto.Int32(3), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
					Label: opt, DefaultValue: proto.String("hi"), JsonName: proto.String("greeting")},
			},
		}},
	}
	fd, err := protodesc.NewFile(fdp, nil)
	if err != nil {
		t.Fatal(err)
	}
	md := fd.Messages().ByName("Req")
	m := New(md, Options{Width: 80, Height: 20, Profile: colorprofile.NoTTY})
	m.Focus()
	d := &driver{t: t, m: m}
	if _, err := d.m.Message(); err == nil || err.Error() != "id: required" {
		t.Fatalf("Message() = %v", err)
	}
	if p := d.rowAt("id").problem(); p != "required" {
		t.Fatalf("id problem %q", p)
	}
	d.goTo("limit")
	d.keys("enter")
	if d.m.input.Placeholder != "5" {
		t.Fatalf("limit placeholder %q", d.m.input.Placeholder)
	}
	d.keys("esc")
	d.goTo("greeting")
	d.keys("enter")
	if d.m.input.Placeholder != "hi" {
		t.Fatalf("greeting placeholder %q", d.m.input.Placeholder)
	}
	d.keys("esc")
	d.set("id", "1")
	d.goTo("limit")
	d.keys("enter", "enter") // set, empty: the default
	dm := d.message()
	if dm.Get(md.Fields().ByName("id")).Int() != 1 || !dm.Has(md.Fields().ByName("limit")) ||
		dm.Get(md.Fields().ByName("limit")).Int() != 5 || dm.Has(md.Fields().ByName("greeting")) {
		t.Fatalf("message %v", dm)
	}
}

// A message without fields (google.protobuf.Empty requests) renders and
// builds; keys do nothing harmful.
func TestFormEmptyMessage(t *testing.T) {
	m := New(emptypb.File_google_protobuf_empty_proto.Messages().ByName("Empty"), Options{Width: 80, Height: 10, Profile: colorprofile.NoTTY})
	m.Focus()
	d := &driver{t: t, m: m}
	d.keys("j", "k", "enter", "space", "x", "a", "left", "right", "shift+up", "G", "g")
	d.send(tea.PasteMsg{Content: "x"})
	if !strings.Contains(d.m.View(), "(no fields") {
		t.Fatalf("view:\n%s", d.m.View())
	}
	if dm := d.message(); dm.Descriptor().FullName() != "google.protobuf.Empty" {
		t.Fatal(dm)
	}
	d.keys("ctrl+j")
	if d.m.JSON() != "{}" {
		t.Fatalf("JSON %q", d.m.JSON())
	}
}

package form

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
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
	d.keys("ctrl+j", "enter", "ctrl+g") // J would type on tags[0]
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

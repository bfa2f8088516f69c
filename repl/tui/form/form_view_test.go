package form

import (
	"regexp"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/emptypb"
)

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
		d.keys("down") // j types on a text row
	}
	if d.row().path != "nothing" {
		t.Fatalf("last row %q", d.row().path)
	}
	for i := 0; i < 10; i++ {
		check()
		d.keys("up")
	}
	d.keys("home")
	check()
	d.keys("pgdown", "pgdown")
	check()
	d.keys("end")
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
	d.keys("down") // j would type on f_string
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

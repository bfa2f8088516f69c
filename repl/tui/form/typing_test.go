package form

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// Which printable key starts editing on which row (keys.go): free text
// takes every key, numbers take digits, a sign or a point, an enum letters
// and digits, a timestamp digits and n; rows with no input take none, and
// on elements the collection keys keep their meaning.
func TestFormTypingStartsEditingPerWidget(t *testing.T) {
	cases := []struct {
		path string
		key  string
		want bool
	}{
		{"f_string", "j", true}, {"f_string", "x", true}, {"f_string", "G", true}, {"f_string", "?", true},
		{"f_string", "space", false}, {"f_string", "ctrl+a", false}, {"f_string", "alt+n", false},
		{"f_bytes", "h", true},
		{"f_int32", "7", true}, {"f_int32", "-", true}, {"f_int32", ".", true},
		{"f_int32", "j", false}, {"f_int32", "x", false}, {"f_int32", "+", false},
		{"f_double", "l", false},
		{"f_bool", "t", false}, {"f_bool", "1", false},
		{"color", "g", true}, {"color", "2", true}, {"color", "_", true}, {"color", "[", false},
		{"address", "l", false},
		{"tags", "b", false},
		{"created_at", "2", true}, {"created_at", "n", true}, {"created_at", "y", false},
		{"ttl", "1", true}, {"ttl", "m", false},
		{"update_mask", "p", true},
		{"attributes", "{", true},
		{"nickname", "k", true}, // unset optional string
		{"age", "4", true},      // Int32Value
		{"age", "k", false},
	}
	for _, c := range cases {
		d := newFormDriver(t, Options{})
		d.goTo(c.path)
		if got := d.m.StartsEditing(keyMsg(c.key)); got != c.want {
			t.Errorf("%s, key %q: StartsEditing = %v, want %v", c.path, c.key, got, c.want)
		}
		k := keyMsg(c.key)
		d.send(k)
		if typed := d.m.Editing() && d.m.input.Value() == k.Text; typed != c.want {
			t.Errorf("%s, key %q: typed = %v (editing %v, input %q), want %v", c.path, c.key, typed, d.m.Editing(), d.m.input.Value(), c.want)
		}
	}

	// On elements of a repeated field a, x, [ and ] keep their meaning.
	d := newFormDriver(t, Options{})
	d.goTo("tags")
	d.keys("a")
	d.typ("one")
	d.keys("enter")
	for _, k := range []string{"a", "+", "x", "[", "]"} {
		if d.m.StartsEditing(keyMsg(k)) {
			t.Errorf("%s starts editing on tags[0]", k)
		}
	}
	if !d.m.StartsEditing(keyMsg("b")) || !d.m.StartsEditing(keyMsg("j")) {
		t.Error("b and j do not start editing on a string element")
	}
	// The Any's @type row takes a type name.
	d = newFormDriver(t, Options{Resolver: protoregistry.GlobalTypes})
	d.goTo("detail")
	d.keys("enter")
	d.goTo("detail.@type")
	if !d.m.StartsEditing(keyMsg("s")) {
		t.Error("s does not start editing the @type row")
	}
	// Not focused, editing, or in the JSON view: never.
	d = newFormDriver(t, Options{})
	d.goTo("f_string")
	d.m.Blur()
	if d.m.StartsEditing(keyMsg("a")) {
		t.Error("StartsEditing while blurred")
	}
	d.m.Focus()
	d.keys("enter")
	if d.m.StartsEditing(keyMsg("a")) {
		t.Error("StartsEditing while editing")
	}
	d.keys("esc", "ctrl+j")
	if d.m.StartsEditing(keyMsg("a")) {
		t.Error("StartsEditing in the JSON view")
	}
}

// The first key is the first character typed: it replaces the text there,
// the following keys go on typing, enter keeps the value; a number row's
// letters still move, space still toggles a bool, an enum's picker filters
// on the first letter.
func TestFormTypingReplacesTheValue(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.set("f_string", "old")
	d.typ("new")
	if !d.m.Editing() || d.m.input.Value() != "new" || d.row().val.text != "new" {
		t.Fatalf("typing on f_string: editing %v, input %q, value %q", d.m.Editing(), d.m.input.Value(), d.row().val.text)
	}
	d.keys("enter")
	requireEqual(t, &showcasepb.Everything{FString: "new"}, d.message())

	d.goTo("f_int32")
	d.keys("j") // a letter on a number row: down
	if d.row().path != "f_int64" || d.m.Editing() {
		t.Fatalf("j on f_int32: cursor on %s, editing %v", d.row().path, d.m.Editing())
	}
	d.typ("-12")
	d.keys("tab") // keeps the value, opens the next field
	d.keys("esc")
	d.goTo("f_bool")
	d.keys("space")
	if d.m.Editing() || !d.row().val.b {
		t.Fatal("space did not toggle f_bool")
	}
	d.goTo("color")
	d.typ("g")
	if len(d.m.cands) != 1 || d.m.cands[0] != "GREEN" {
		t.Fatalf("picker after g: %v", d.m.cands)
	}
	d.keys("enter")
	// An unset optional field becomes set by typing.
	d.goTo("nickname")
	d.typ("Bo")
	d.keys("enter")
	nick := "Bo"
	requireEqual(t, &showcasepb.Everything{FString: "new", FInt64: -12, FBool: true, Color: showcasepb.Color_GREEN, Nickname: &nick}, d.message())
	// A paste-like multi-rune key (an input method) types all of it.
	d.goTo("f_string")
	d.send(tea.KeyPressMsg{Code: 'é', Text: "éa"})
	if d.m.input.Value() != "éa" {
		t.Fatalf("multi-rune key typed %q", d.m.input.Value())
	}
}

// The footer of a set optional text field names delete, not x, to unset
// it: x types there.
func TestFormTypingHintNamesDelete(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.set("nickname", "Bo")
	if f := d.m.footerView(200); !strings.Contains(f, "del: unset") {
		t.Fatalf("footer on nickname: %s", f)
	}
	d.keys("delete")
	if d.row().field.set {
		t.Fatal("delete did not unset nickname")
	}
	d.goTo("age")
	d.keys("enter")
	d.typ("4")
	d.keys("enter")
	if f := d.m.footerView(200); !strings.Contains(f, "x: unset") {
		t.Fatalf("footer on age: %s", f)
	}
}

// On a text row the short help names the keys that still work there:
// delete to unset and ctrl+j for JSON (x and J type); on a number row, x
// and J.
func TestFormTypingShortHelp(t *testing.T) {
	d := newFormDriver(t, Options{})
	keysOf := func() string {
		var out []string
		for _, b := range d.m.KeyMap().ShortHelp() {
			if b.Enabled() {
				out = append(out, b.Help().Key+" "+b.Help().Desc)
			}
		}
		return strings.Join(out, " · ")
	}
	d.goTo("f_string")
	if got := keysOf(); !strings.Contains(got, "del unset") || !strings.Contains(got, "ctrl+j JSON") {
		t.Errorf("short help on f_string: %s", got)
	}
	d.goTo("f_int32")
	if got := keysOf(); !strings.Contains(got, "x unset") || !strings.Contains(got, "ctrl+j/J JSON") {
		t.Errorf("short help on f_int32: %s", got)
	}
}

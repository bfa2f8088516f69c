package form

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// ctrl+l resets the form to the method's empty request (what was expanded
// stays expanded); ctrl+z brings the request back; on an empty form it
// says so. In the JSON view it resets the text, also undoable.
func TestFormReset(t *testing.T) {
	d := newFormDriver(t, Options{})
	loaded := &showcasepb.Everything{FString: "x", Tags: []string{"a"}, Address: &showcasepb.Address{City: "Oslo"}}
	if err := d.m.SetMessage(loaded); err != nil {
		t.Fatal(err)
	}
	d.set("f_int32", "bad")
	d.goTo("tags")
	d.keys("right", "ctrl+l")
	if got := fingerprint(d.m.root); got != "" {
		t.Fatalf("after reset: %s", got)
	}
	if !strings.Contains(d.m.status, "reset to the empty request") || d.m.cursor != 0 {
		t.Fatalf("status %q, cursor %d", d.m.status, d.m.cursor)
	}
	if !d.m.root.field(20).expanded {
		t.Error("tags was collapsed by the reset")
	}
	d.keys("ctrl+z")
	if got := d.rowAt("f_int32").val.text; got != "bad" {
		t.Fatalf("undo of reset: f_int32 = %q", got)
	}
	d.set("f_int32", "1")
	requireEqual(t, &showcasepb.Everything{FInt32: 1, FString: "x", Tags: []string{"a"}, Address: &showcasepb.Address{City: "Oslo"}}, d.message())
	// Reset while typing: the edit is kept as its own step, then reset.
	d.goTo("f_string")
	d.typ("typed")
	d.keys("ctrl+l")
	if d.m.editing || fingerprint(d.m.root) != "" {
		t.Fatalf("reset while typing: editing %v, tree %s", d.m.editing, fingerprint(d.m.root))
	}
	d.keys("ctrl+z")
	if got := d.rowAt("f_string").val.text; got != "typed" {
		t.Fatalf("undo of a reset while typing: f_string = %q", got)
	}
	d.keys("ctrl+l", "ctrl+l")
	if d.m.status != "the request is already empty" {
		t.Fatalf("second reset: status %q", d.m.status)
	}

	// JSON view.
	d.set("f_int32", "9")
	d.keys("ctrl+j", "ctrl+l")
	if got := d.m.area.Value(); got != "{}" {
		t.Fatalf("JSON after reset: %q", got)
	}
	d.keys("ctrl+z")
	if got := d.m.area.Value(); !strings.Contains(got, `"fInt32": 9`) {
		t.Fatalf("JSON after undoing the reset: %q", got)
	}
}

// f8 (alt+n) goes to the next invalid field after the cursor, wrapping,
// opening the collapsed rows that hold it; with none it says so; in the
// JSON view it goes to the JSON error.
func TestFormNextInvalid(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.keys("f8")
	if d.m.status != "no invalid field" {
		t.Fatalf("status %q on a valid form", d.m.status)
	}
	d.set("f_int32", "x1")
	d.keys("f8")
	if d.row().path != "f_int32" || d.m.status != "the only invalid field" {
		t.Fatalf("one invalid field: cursor on %s, status %q", d.row().path, d.m.status)
	}
	d.set("ttl", "5")
	// address.geo.lat invalid, address collapsed.
	d.goTo("address")
	d.keys("enter")
	d.goTo("address.geo")
	d.keys("enter")
	d.set("address.geo.lat", "north")
	d.goTo("address")
	d.keys("left")
	// A map value invalid, the map collapsed.
	d.goTo("counts")
	d.keys("a")
	d.typ("k")
	d.keys("tab")
	d.typ("many")
	d.keys("enter")
	d.goTo("counts")
	d.keys("left")
	if r := d.rowAt("address"); r.val.expanded {
		t.Fatal("address is still expanded")
	}

	d.goTo("f_bool") // after f_int32
	var visited []string
	for range 5 {
		d.keys("f8")
		visited = append(visited, d.row().path)
	}
	want := []string{"address.geo.lat", "counts[\"k\"]", "ttl", "f_int32", "address.geo.lat"}
	if strings.Join(visited, " ") != strings.Join(want, " ") {
		t.Fatalf("f8 visited %v, want %v", visited, want)
	}
	if !strings.Contains(d.m.View(), "› ") || !strings.Contains(d.m.View(), "north") {
		t.Fatalf("the invalid field is not on screen:\n%s", d.m.View())
	}
	// alt+n too, and from an open input (its text kept).
	d.goTo("f_string")
	d.typ("abc")
	d.keys("alt+n")
	if d.m.editing || d.rowAt("f_string").val.text != "abc" || d.row().path != "address.geo.lat" {
		t.Fatalf("alt+n while typing: editing %v, cursor on %s", d.m.editing, d.row().path)
	}

	// JSON view: to the error.
	d = newFormDriver(t, Options{})
	d.keys("ctrl+j", "f8")
	if d.m.status != "no invalid field: the JSON is valid" {
		t.Fatalf("JSON f8 on valid text: %q", d.m.status)
	}
	d.keys("enter", "ctrl+g")
	d.send(tea.PasteMsg{Content: "{\n  \"fInt32\": 1,\n  \"color\": \"PURPLE\"\n}"})
	d.keys("up", "up", "home", "f8")
	if d.m.area.Line() != 2 || !d.m.statusErr {
		t.Fatalf("JSON f8: line %d, status %q", d.m.area.Line(), d.m.status)
	}
}

// Undo, redo, reset and next invalid are in the full help of every mode,
// and among AllBindings (for the app's clash check).
func TestFormWholeFormKeysInHelp(t *testing.T) {
	d := newFormDriver(t, Options{})
	wantDescs := []string{"undo", "redo", "reset form", "next invalid field"}
	check := func(mode string) {
		t.Helper()
		descs := map[string]bool{}
		for _, col := range d.m.KeyMap().FullHelp() {
			for _, b := range col {
				descs[b.Help().Desc] = true
			}
		}
		for _, w := range wantDescs {
			if !descs[w] {
				t.Errorf("%s: full help lacks %q", mode, w)
			}
		}
	}
	check("browsing")
	d.goTo("f_string")
	d.keys("enter")
	check("editing")
	d.keys("esc", "ctrl+j")
	check("JSON view")
	d.keys("enter")
	check("JSON editing")
	all := map[string]bool{}
	for _, b := range AllBindings() {
		all[b.Help().Desc] = true
	}
	for _, w := range wantDescs {
		if !all[w] {
			t.Errorf("AllBindings lacks %q", w)
		}
	}
}

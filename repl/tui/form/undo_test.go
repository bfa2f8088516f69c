package form

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// Every change to the value tree is one step that ctrl+z undoes and ctrl+y
// redoes: an edit, a typed-in value, add / remove / move an element, set /
// unset, an enum pick, a oneof member, an Any type, JSON brought back, a
// message loaded, a reset. Moving and expanding are not steps.
func TestFormUndoRedoEveryChange(t *testing.T) {
	d := newFormDriver(t, Options{Resolver: protoregistry.GlobalTypes})
	steps := []struct {
		name string
		do   func()
	}{
		{"edit", func() { d.set("f_string", "hello") }},
		{"typed-in value", func() { d.goTo("f_string"); d.typ("bye"); d.keys("enter") }},
		{"invalid text", func() { d.set("f_int32", "12abc") }},
		{"add element", func() { d.goTo("tags"); d.keys("a"); d.keys("esc") }},
		{"element typed", func() { d.goTo("tags[0]"); d.typ("t0"); d.keys("enter") }},
		{"add another", func() { d.goTo("tags[0]"); d.keys("a", "esc") }},
		{"move element", func() { d.goTo("tags[1]"); d.keys("shift+up") }},
		{"remove element", func() { d.goTo("tags[1]"); d.keys("x") }},
		{"toggle", func() { d.goTo("f_bool"); d.keys("space") }},
		{"set optional", func() { d.goTo("flag"); d.keys("space") }},
		{"unset optional", func() { d.goTo("flag"); d.keys("x") }},
		{"enum cycle", func() { d.goTo("color"); d.keys("right") }},
		{"enum pick", func() { d.goTo("color"); d.typ("blu"); d.keys("enter") }},
		{"set message", func() { d.goTo("address"); d.keys("enter") }},
		{"unset message", func() { d.goTo("address"); d.keys("x") }},
		{"map entry", func() { d.goTo("counts"); d.keys("a", "esc") }},
		{"set any", func() { d.goTo("detail"); d.keys("enter") }},
		{"any type", func() { d.goTo("detail.@type"); d.typ("showcase.Address"); d.keys("enter") }},
		{"json back to the form", func() {
			d.keys("home", "ctrl+j", "enter", "ctrl+g")
			d.send(tea.PasteMsg{Content: `{"fInt32": 3}`})
			d.keys("ctrl+j")
		}},
		{"set message from outside", func() {
			if err := d.m.SetMessage(&showcasepb.Everything{FString: "loaded"}); err != nil {
				t.Fatal(err)
			}
		}},
		{"reset", func() { d.keys("ctrl+l") }},
	}
	var states []string
	for _, s := range steps {
		before := fingerprint(d.m.root)
		s.do()
		if d.m.jsonMode || d.m.editing {
			t.Fatalf("%s: left the form in json %v, editing %v", s.name, d.m.jsonMode, d.m.editing)
		}
		after := fingerprint(d.m.root)
		if after == before {
			t.Fatalf("%s changed nothing", s.name)
		}
		states = append(states, before)
		// Moving and expanding are not steps.
		d.keys("home", "down", "end")
		d.goTo("counts")
		d.keys("right", "left")
		if got := fingerprint(d.m.root); got != after {
			t.Fatalf("%s: moving changed the tree", s.name)
		}
		d.keys("ctrl+z")
		if got := fingerprint(d.m.root); got != before {
			t.Fatalf("%s: ctrl+z gave\n%s\nwant\n%s", s.name, got, before)
		}
		d.keys("ctrl+y")
		if got := fingerprint(d.m.root); got != after {
			t.Fatalf("%s: ctrl+y gave\n%s\nwant\n%s", s.name, got, after)
		}
	}
	// Undo all the way back, then redo all the way forward.
	last := fingerprint(d.m.root)
	for i := len(states) - 1; i >= 0; i-- {
		d.keys("ctrl+z")
		if got := fingerprint(d.m.root); got != states[i] {
			t.Fatalf("undo to before %s: got\n%s\nwant\n%s", steps[i].name, got, states[i])
		}
	}
	if got := fingerprint(d.m.root); got != "" {
		t.Fatalf("the first state is not the empty form: %s", got)
	}
	d.keys("ctrl+z")
	if d.m.status != "nothing to undo" {
		t.Fatalf("status %q after undoing everything", d.m.status)
	}
	for range states {
		d.keys("ctrl+y")
	}
	if got := fingerprint(d.m.root); got != last {
		t.Fatalf("redo all: got\n%s\nwant\n%s", got, last)
	}
	d.keys("ctrl+y")
	if d.m.status != "nothing to redo" {
		t.Fatalf("status %q after redoing everything", d.m.status)
	}
}

// Undo brings back invalid text as it was typed, puts the cursor back on
// the row changed, and a new change after an undo drops the redo.
func TestFormUndoDetails(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.set("f_int32", "12abc")
	d.set("f_int32", "5")
	d.goTo("f_bool")
	d.keys("ctrl+z")
	r := d.row()
	if r.path != "f_int32" || r.val.text != "12abc" || r.problem() != "not an integer" {
		t.Fatalf("after undo: cursor on %s, text %q, problem %q", r.path, r.val.text, r.problem())
	}
	if !strings.Contains(d.m.View(), "✗ not an integer") {
		t.Fatalf("the problem is not shown:\n%s", d.m.View())
	}
	d.set("f_int64", "6") // a new change: no redo
	d.keys("ctrl+y")
	if d.m.status != "nothing to redo" || d.rowAt("f_int32").val.text != "12abc" {
		t.Fatalf("redo after a new change: status %q, f_int32 %q", d.m.status, d.rowAt("f_int32").val.text)
	}
	// ctrl+z in an open input closes it and undoes its edit in one step.
	d.goTo("f_string")
	d.typ("abc")
	d.keys("backspace")
	d.typ("d")
	d.keys("ctrl+z")
	if d.m.editing || d.rowAt("f_string").val.text != "" {
		t.Fatalf("ctrl+z while typing: editing %v, text %q", d.m.editing, d.rowAt("f_string").val.text)
	}
	d.keys("ctrl+y")
	if got := d.rowAt("f_string").val.text; got != "abd" {
		t.Fatalf("redo of the edit: %q", got)
	}
	// Adding an element opens its input: the add and the typing are two steps.
	d.goTo("tags")
	d.keys("a")
	d.typ("t")
	d.keys("enter", "ctrl+z")
	if r := d.rowAt("tags[0]"); r.val.text != "" {
		t.Fatalf("first undo: tags[0] = %q", r.val.text)
	}
	d.keys("ctrl+z")
	if n := len(d.m.root.field(20).elems); n != 0 {
		t.Fatalf("second undo: %d elements", n)
	}
	// An input opened and left unchanged is no step.
	d.goTo("f_double")
	d.keys("enter", "esc")
	d.keys("ctrl+z")
	if got := d.rowAt("f_string").val.text; got != "" {
		t.Fatalf("the unchanged input took an undo step (f_string %q)", got)
	}
}

// The history is bounded: the oldest steps go.
func TestFormUndoBounded(t *testing.T) {
	d := newFormDriver(t, Options{})
	for i := 1; i <= maxUndo+20; i++ {
		d.set("f_int32", fmt.Sprint(i))
	}
	n := 0
	for d.keys("ctrl+z"); d.m.status != "nothing to undo"; d.keys("ctrl+z") {
		n++
	}
	if n != maxUndo || len(d.m.hist.undo) != 0 {
		t.Fatalf("%d undos, want %d", n, maxUndo)
	}
	if got := d.rowAt("f_int32").val.text; got != "20" {
		t.Fatalf("the oldest step kept is f_int32 = %q, want 20", got)
	}
}

// In the JSON view ctrl+z / ctrl+y undo and redo the text: a typed word is
// one step, a run of deletions one, a paste one; the cursor goes back too.
func TestFormJSONUndo(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.set("f_int32", "5")
	d.keys("ctrl+j", "enter", "ctrl+g")
	d.send(tea.PasteMsg{Content: "{\n  \"fInt32\": 7\n}"})
	pasted := d.m.area.Value()
	d.keys("up", "end")
	d.typ(", ")
	d.typ("\"fString\": \"ab\"")
	d.keys("left", "backspace", "backspace")
	typed := d.m.area.Value()
	if !strings.Contains(typed, `7, "fString": ""`) {
		t.Fatalf("typed text:\n%s", typed)
	}
	var seen []string
	for d.keys("ctrl+z"); d.m.status == ""; d.keys("ctrl+z") {
		seen = append(seen, d.m.area.Value())
	}
	if d.m.status != "nothing to undo in the JSON text" {
		t.Fatalf("status %q", d.m.status)
	}
	// Steps: the deletions, "\"fString\":", "\"ab\"" after the blank, ", "
	// (the comma, then the blank), the paste.
	want := []string{
		strings.Replace(pasted, "7", `7, "fString": "ab"`, 1),
		strings.Replace(pasted, "7", `7, "fString": `, 1),
		strings.Replace(pasted, "7", `7, "fString":`, 1),
		strings.Replace(pasted, "7", `7, `, 1),
		strings.Replace(pasted, "7", `7,`, 1),
		pasted,
		"{\n  \"fInt32\": 5\n}",
	}
	if strings.Join(seen, "\n---\n") != strings.Join(want, "\n---\n") {
		t.Fatalf("undo steps:\n%s\nwant:\n%s", strings.Join(seen, "\n---\n"), strings.Join(want, "\n---\n"))
	}
	for range want {
		d.keys("ctrl+y")
	}
	if d.m.area.Value() != typed {
		t.Fatalf("redo all:\n%s\nwant:\n%s", d.m.area.Value(), typed)
	}
	if d.m.area.Line() != 1 {
		t.Fatalf("cursor on line %d after redo, want 1", d.m.area.Line())
	}
	// Back in the form, the form's history is the form's: leaving the JSON
	// view is one step.
	d.keys("ctrl+j")
	if d.m.jsonMode {
		t.Fatalf("JSON not taken: %v", d.m.jsonErr)
	}
	d.keys("ctrl+z")
	if got := d.rowAt("f_int32").val.text; got != "5" {
		t.Fatalf("form undo after the JSON view: f_int32 = %q", got)
	}
}

// The JSON history is bounded by steps and by size.
func TestFormJSONUndoBounded(t *testing.T) {
	d := newFormDriver(t, Options{})
	d.keys("ctrl+j", "enter")
	for i := 0; i < maxUndo+10; i++ {
		d.send(tea.PasteMsg{Content: " "})
	}
	if n := len(d.m.hist.jsonUndo); n != maxUndo {
		t.Fatalf("%d JSON steps kept, want %d", n, maxUndo)
	}
	// By size: steps of a third of the budget each (recorded directly, as
	// the text area takes a while to paste megabytes).
	big := strings.Repeat("x", maxJSONUndoBytes/3)
	for i := 0; i < 5; i++ {
		d.m.recordJSON(jsonState{text: big}, "")
	}
	if n := len(d.m.hist.jsonUndo); n >= maxUndo {
		t.Fatalf("%d steps kept after big ones", n)
	}
	total := 0
	for _, s := range d.m.hist.jsonUndo {
		total += len(s.text)
	}
	if total > maxJSONUndoBytes {
		t.Fatalf("%d bytes of JSON history, limit %d", total, maxJSONUndoBytes)
	}
}

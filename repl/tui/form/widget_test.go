package form

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/protos/showcasepb"
)

// Every kind of value of showcase.Everything is edited by the widget meant
// for it, wrappers by the widget of their value's kind.
func TestFormWidgetForEachKind(t *testing.T) {
	md := (&showcasepb.Everything{}).ProtoReflect().Descriptor()
	want := map[string]string{
		"f_double": "text", "f_int32": "text", "f_uint64": "text", "f_sfixed64": "text", "f_string": "text",
		"f_bool": "toggle", "f_bytes": "bytes", "color": "enum", "colors": "enum",
		"address": "message", "tree": "message", "tags": "text", "addresses": "message",
		"nickname": "text", "age": "text",
		"created_at": "timestamp", "ttl": "duration", "note": "text", "big_number": "text", "flag": "toggle",
		"ratio": "text", "blob": "bytes", "attributes": "struct", "anything": "struct", "list": "struct",
		"detail": "any", "update_mask": "fieldmask", "nothing": "empty",
	}
	for name, w := range want {
		fd := md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			t.Fatalf("no field %s", name)
		}
		if got := typeOfField(fd).w.name(); got != w {
			t.Errorf("%s is edited by %s, want %s", name, got, w)
		}
	}
	// Map keys and values get the widgets of their types.
	places := md.Fields().ByName("places")
	if k, v := typeOfField(places.MapKey()).w.name(), typeOfField(places.MapValue()).w.name(); k != "text" || v != "message" {
		t.Errorf("map<string, Address> edited by %s, %s", k, v)
	}
}

// A widget's keys are keys of the form's key map, each with its help text;
// textual widgets are the ones typed in the text input.
func TestFormWidgetKeyBinds(t *testing.T) {
	k := newKeyMap()
	known := map[string]bool{}
	for _, b := range AllBindings() {
		known[b.Help().Key+" "+b.Help().Desc] = true
	}
	textual := map[string]bool{"text": true, "enum": true, "bytes": true, "timestamp": true, "duration": true,
		"fieldmask": true, "struct": true}
	for _, w := range widgets {
		binds := w.keyBinds(k)
		if len(binds) == 0 {
			t.Errorf("%s names no keys", w.name())
		}
		for _, b := range binds {
			if !known[b.Help().Key+" "+b.Help().Desc] {
				t.Errorf("%s: key %q is not one of the form's", w.name(), b.Help().Key)
			}
		}
		if w.textual() != textual[w.name()] {
			t.Errorf("%s: textual = %v", w.name(), w.textual())
		}
		if w.expands() != (w.name() == "message" || w.name() == "any") {
			t.Errorf("%s: expands = %v", w.name(), w.expands())
		}
	}
}

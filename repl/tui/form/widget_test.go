package form

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

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

// lineAddressWidget is a widget made for the test below: it edits a
// showcase.Address as one line, "street, city". It is all a new widget
// needs: this type and one entry in the widgets list.
type lineAddressWidget struct{ textBase }

func (lineAddressWidget) name() string { return "address-line" }

func (lineAddressWidget) matches(t valueType) bool {
	return t.msg != nil && t.msg.FullName() == "showcase.Address"
}

func (lineAddressWidget) parse(t valueType, text string, _ *valueCtx, _ bool) (protoreflect.Value, error) {
	street, city, ok := strings.Cut(text, ",")
	if !ok {
		return protoreflect.Value{}, errors.New("write street, city")
	}
	dm := dynamicpb.NewMessage(t.msg)
	dm.Set(t.msg.Fields().ByName("street"), protoreflect.ValueOfString(strings.TrimSpace(street)))
	dm.Set(t.msg.Fields().ByName("city"), protoreflect.ValueOfString(strings.TrimSpace(city)))
	return protoreflect.ValueOfMessage(dm), nil
}

func (lineAddressWidget) format(t valueType, pv protoreflect.Value) string {
	m := pv.Message()
	return m.Get(t.msg.Fields().ByName("street")).String() + ", " + m.Get(t.msg.Fields().ByName("city")).String()
}

func (lineAddressWidget) placeholder(valueType) string { return "street, city" }

func (lineAddressWidget) hint(valueType) string { return "street, city" }

// Adding a widget is one type and one line of registration: the form
// then edits, validates, builds, loads and shows values with it.
func TestFormNewWidgetIsOneTypeAndOneLine(t *testing.T) {
	saved := widgets
	t.Cleanup(func() { widgets = saved })
	widgets = append([]widget{lineAddressWidget{}}, widgets...) // the one line

	d := newFormDriver(t, Options{})
	d.set("address", "no comma")
	if p := d.rowAt("address").problem(); p != "write street, city" {
		t.Fatalf("problem = %q", p)
	}
	d.set("address", "1 Main St, Oslo")
	requireEqual(t, &showcasepb.Everything{Address: &showcasepb.Address{Street: "1 Main St", City: "Oslo"}}, d.message())
	if err := d.m.SetMessage(&showcasepb.Everything{Address: &showcasepb.Address{Street: "Kirkegata 1", City: "Bergen"}}); err != nil {
		t.Fatal(err)
	}
	if got := d.rowAt("address").val.text; got != "Kirkegata 1, Bergen" {
		t.Fatalf("loaded as %q", got)
	}
	if !strings.Contains(d.m.View(), "Kirkegata 1, Bergen") {
		t.Fatalf("view lacks the value:\n%s", d.m.View())
	}
}

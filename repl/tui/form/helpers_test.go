package form

import (
	"strings"
	"testing"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// everything is the descriptor with a field of every kind.
func everything() protoreflect.MessageDescriptor {
	return showcasepb.File_showcase_proto.Messages().ByName("Everything")
}

// driver drives a Model with key messages, as the program would.
type driver struct {
	t    *testing.T
	m    Model
	cmds []tea.Cmd
}

func newFormDriver(t *testing.T, opts Options) *driver {
	t.Helper()
	if opts.Width == 0 {
		opts.Width, opts.Height = 100, 30
	}
	if opts.Profile == colorprofile.Unknown {
		opts.Profile = colorprofile.NoTTY
	}
	m := New(everything(), opts)
	m.Focus()
	return &driver{t: t, m: m}
}

// keyMsg turns a key name ("enter", "ctrl+j", "shift+up", "J", "x") into
// the message Bubble Tea delivers for it.
func keyMsg(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "space": tea.KeySpace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"backspace": tea.KeyBackspace, "delete": tea.KeyDelete,
	}
	var mod tea.KeyMod
	rest := name
	for {
		switch {
		case strings.HasPrefix(rest, "ctrl+"):
			mod |= tea.ModCtrl
			rest = rest[5:]
			continue
		case strings.HasPrefix(rest, "shift+"):
			mod |= tea.ModShift
			rest = rest[6:]
			continue
		case strings.HasPrefix(rest, "alt+"):
			mod |= tea.ModAlt
			rest = rest[4:]
			continue
		}
		break
	}
	if code, ok := special[rest]; ok {
		k := tea.KeyPressMsg{Code: code, Mod: mod}
		if code == tea.KeySpace && mod == 0 {
			k.Text = " "
		}
		return k
	}
	r := []rune(rest)[0]
	if mod != 0 {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	if unicode.IsUpper(r) {
		return tea.KeyPressMsg{Code: unicode.ToLower(r), Text: rest, Mod: tea.ModShift, ShiftedCode: r}
	}
	return tea.KeyPressMsg{Code: r, Text: rest}
}

func (d *driver) send(msgs ...tea.Msg) {
	d.t.Helper()
	for _, msg := range msgs {
		var cmd tea.Cmd
		d.m, cmd = d.m.Update(msg)
		if cmd != nil {
			d.cmds = append(d.cmds, cmd)
		}
	}
}

// keys presses named keys.
func (d *driver) keys(names ...string) {
	d.t.Helper()
	for _, n := range names {
		d.send(keyMsg(n))
	}
}

// typ types text one key at a time.
func (d *driver) typ(s string) {
	d.t.Helper()
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (d *driver) row() row { return d.m.cur() }

// goTo moves the cursor with the arrow keys to the row of a path.
func (d *driver) goTo(path string) {
	d.t.Helper()
	if d.m.editing {
		d.t.Fatalf("goTo(%s) while editing %s", path, d.row().path)
	}
	d.keys("home")
	for i := 0; i <= len(d.m.rows); i++ {
		if d.row().path == path && d.row().kind != rowKey {
			return
		}
		d.keys("down")
	}
	var paths []string
	for _, r := range d.m.rows {
		paths = append(paths, r.path)
	}
	d.t.Fatalf("no row %q; rows: %s", path, strings.Join(paths, ", "))
}

// set goes to a text field, opens it, types text and presses enter.
func (d *driver) set(path, text string) {
	d.t.Helper()
	d.goTo(path)
	d.keys("enter")
	if !d.m.editing {
		d.t.Fatalf("enter on %s did not open an input", path)
	}
	d.keys("ctrl+u") // clear what is there
	d.typ(text)
	d.keys("enter")
	if d.m.editing {
		d.t.Fatalf("%s: still editing after enter", path)
	}
}

// message calls Message() and fails the test on error.
func (d *driver) message() *dynamicpb.Message {
	d.t.Helper()
	dm, err := d.m.Message()
	if err != nil {
		d.t.Fatalf("Message(): %v", err)
	}
	return dm
}

// requireEqual compares two messages by their JSON (readable diffs) and
// with proto.Equal.
func requireEqual(t *testing.T, want, got proto.Message) {
	t.Helper()
	ctx := &valueCtx{}
	wj, err := marshalJSON(want, ctx)
	if err != nil {
		t.Fatal(err)
	}
	gj, err := marshalJSON(got, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if wj != gj {
		t.Fatalf("JSON differs\nwant:\n%s\ngot:\n%s", wj, gj)
	}
	if !proto.Equal(want, got) {
		t.Fatalf("proto.Equal: false (JSON equal):\n%s", gj)
	}
}

func (d *driver) rowAt(path string) row {
	d.t.Helper()
	for _, r := range d.m.rows {
		if r.path == path {
			return r
		}
	}
	d.t.Fatalf("no row %q", path)
	return row{}
}

// field returns the form field of fd (by number).
func (fm *msgNode) field(num protoreflect.FieldNumber) *fieldNode {
	for _, f := range fm.fields {
		if f.fd.Number() == num {
			return f
		}
	}
	return nil
}

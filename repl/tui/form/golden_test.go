package form

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/grpcsh/grpcsh/protos/showcasepb"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// harness runs a Model as a program, the way the app embeds it.
type harness struct{ form Model }

func (h harness) Init() tea.Cmd { return nil }

func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.form.SetSize(msg.Width, msg.Height)
		return h, nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return h, tea.Quit
		}
	case tea.ColorProfileMsg:
		// The form got its profile in Options; the test program's own
		// detection must not change it half-way.
		return h, nil
	}
	var cmd tea.Cmd
	h.form, cmd = h.form.Update(msg)
	return h, cmd
}

func (h harness) View() tea.View { return tea.NewView(h.form.View()) }

// script records key messages while playing them on a shadow form, so
// that "go to the row of this path" can be turned into arrow keys.
type script struct {
	shadow *driver
	msgs   []tea.Msg
}

func (s *script) send(msg tea.Msg) {
	s.shadow.send(msg)
	s.msgs = append(s.msgs, msg)
}

func (s *script) keys(names ...string) {
	for _, n := range names {
		s.send(keyMsg(n))
	}
}

func (s *script) typ(text string) {
	for _, r := range text {
		s.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (s *script) goTo(path string) {
	s.shadow.t.Helper()
	s.keys("home")
	for i := 0; s.shadow.row().path != path; i++ {
		if i > len(s.shadow.m.rows) {
			s.shadow.t.Fatalf("no row %s", path)
		}
		s.keys("down")
	}
}

type goldenCase struct {
	name    string
	profile colorprofile.Profile
	load    func(t *testing.T) *showcasepb.Everything // nil: empty form
	script  func(s *script)
}

func TestFormGolden(t *testing.T) {
	collections := func(*testing.T) *showcasepb.Everything {
		return &showcasepb.Everything{
			Tags:      []string{"alpha", "beta", "gamma"},
			Addresses: []*showcasepb.Address{{City: "Lyon"}},
			Counts:    map[string]int64{"a": 1, "b": 22},
			Places:    map[string]*showcasepb.Address{"home": {Street: "1 rue de la Paix", Zip: 75002}},
		}
	}
	cases := []goldenCase{
		{name: "top"},
		{name: "scrolled", script: func(s *script) {
			s.keys("pgdown", "down", "down", "down") // j types on a text row
		}},
		{name: "invalid", script: func(s *script) {
			s.goTo("f_int32")
			s.keys("enter")
			s.typ("99999999999")
			s.keys("enter")
			s.goTo("f_float")
			s.keys("enter")
			s.typ("1e")
			s.keys("tab") // keeps the text, opens the next field with its text
		}},
		{name: "invalid_color", profile: colorprofile.TrueColor, script: func(s *script) {
			s.goTo("f_int32")
			s.keys("enter")
			s.typ("99999999999")
			s.keys("enter", "j", "j", "right")
		}},
		{name: "enum_picker", script: func(s *script) {
			s.goTo("color")
			s.keys("enter")
			s.typ("r")
		}},
		{name: "json", load: fullEverything, script: func(s *script) {
			s.keys("ctrl+j", "j", "j", "j")
		}},
		{name: "json_error", script: func(s *script) {
			s.keys("ctrl+j", "enter", "ctrl+g")
			s.send(tea.PasteMsg{Content: "{\n  \"fInt32\": 1,\n  \"fString\": \"ok\",\n  \"color\": \"PURPLE\"\n}"})
			s.keys("ctrl+j")
		}},
		{name: "nested", script: func(s *script) {
			s.goTo("address")
			s.keys("enter", "j", "enter")
			s.typ("1 Main St")
			s.keys("enter")
			s.goTo("address.geo")
			s.keys("enter")
			s.goTo("address.geo.lat")
			s.keys("enter")
			s.typ("48.8566")
			s.keys("enter")
		}},
		{name: "collections", load: collections, script: func(s *script) {
			s.goTo("tags")
			s.keys("enter")
			s.goTo("tags[2]")
			s.keys("shift+up", "a")
			s.typ("delta")
			s.keys("enter")
			s.goTo("counts")
			s.keys("enter")
			s.goTo("places")
			s.keys("enter")
			s.goTo(`places["home"]`)
			s.keys("enter")
			s.goTo("tags")
		}},
		// Rough edge 8 of issue 12: a key typed on a field opens it with
		// the key; f8 opens the collapsed rows of the next invalid value;
		// undo says what it did in the footer.
		{name: "type_to_edit", load: collections, script: func(s *script) {
			s.goTo("f_string")
			s.typ("typed")
		}},
		{name: "next_invalid", script: func(s *script) {
			s.goTo("address")
			s.keys("enter")
			s.goTo("address.geo")
			s.keys("enter")
			s.goTo("address.geo.lat")
			s.typ("1e")
			s.keys("enter")
			s.goTo("address")
			s.keys("left", "home", "f8")
		}},
		{name: "undo", script: func(s *script) {
			s.goTo("f_int32")
			s.typ("42")
			s.keys("enter", "ctrl+z")
		}},
	}
	sizes := [][2]int{{80, 24}, {120, 40}}
	for _, c := range cases {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				runGolden(t, c, size[0], size[1])
			})
		}
	}
}

func runGolden(t *testing.T, c goldenCase, w, h int) {
	profile := c.profile
	if profile == colorprofile.Unknown {
		profile = colorprofile.NoTTY
	}
	newForm := func() Model {
		m := New(everything(), Options{Width: w, Height: h, Profile: profile, Resolver: protoregistry.GlobalTypes})
		if c.load != nil {
			if err := m.SetMessage(c.load(t)); err != nil {
				t.Fatal(err)
			}
		}
		m.Focus()
		return m
	}
	s := &script{shadow: &driver{t: t, m: newForm()}}
	if c.script != nil {
		c.script(s)
	}

	tm := teatest.NewTestModel(t, harness{form: newForm()},
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(profile)))
	for _, msg := range s.msgs {
		tm.Send(msg)
	}
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(harness)
	view := final.form.View()
	if shadow := s.shadow.m.View(); shadow != view {
		t.Fatalf("the program's view differs from the model driven directly:\nprogram:\n%s\ndirect:\n%s", view, shadow)
	}
	golden.RequireEqual(t, view)
}

package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/grpcsh/grpcsh/dynamic"
)

// TestAppExplainPane: L's pane has a tab per section, a language picker,
// search, copy, and s sends the call: the wire tab then shows its frames.
func TestAppExplainPane(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.openMethod("TestServer.GetRandom", "getrandom")
	h.fillFirst("123")
	h.press("alt+e", "3") // the client tab, Python first
	for _, want := range []string{"language (l/h): [Python]  Go  C++", "stub = test_pb2_grpc.TestServerStub(channel)"} {
		if !strings.Contains(h.screen(), want) {
			t.Errorf("client tab lacks %q:\n%s", want, h.screen())
		}
	}
	h.press("l", "l") // C++
	for _, want := range []string{"[C++]", "grpc::CreateChannel", "std::unique_ptr<TestServer::Stub> stub = TestServer::NewStub(channel);", "grpc::ClientContext context;"} {
		if !strings.Contains(h.screen(), want) {
			t.Errorf("C++ client lacks %q:\n%s", want, h.screen())
		}
	}
	h.press("y")
	if !strings.Contains(h.screen(), "copied the client section") {
		t.Errorf("y did not copy:\n%s", h.screen())
	}
	if got := h.m.learn.copyText(); !strings.HasPrefix(got, "// build: g++") || !strings.Contains(got, "NewStub") {
		t.Errorf("y copies %q, want the C++ client", got)
	}
	h.press("4") // server: the language picked stays where it can
	if !strings.Contains(h.screen(), "add_TestServerServicer_to_server") && !strings.Contains(h.screen(), "RegisterTestServerServer") {
		t.Errorf("server tab:\n%s", h.screen())
	}
	h.press("h")
	if !strings.Contains(h.screen(), "class TestServerServicer(test_pb2_grpc.TestServerServicer):") {
		t.Errorf("Python server skeleton:\n%s", h.screen())
	}
	// Search: / opens the input, enter finds, n moves on.
	h.press("/")
	h.typeText("serve")
	h.press("enter")
	if !strings.Contains(h.screen(), "/serve: 1 of ") {
		t.Errorf("search status:\n%s", h.screen())
	}
	h.press("n")
	if !strings.Contains(h.screen(), "/serve: 2 of ") {
		t.Errorf("n did not move to the next match:\n%s", h.screen())
	}
	h.press("/")
	h.typeText("nothing-like-this")
	h.press("enter")
	if !strings.Contains(h.screen(), `no "nothing-like-this" in this section`) {
		t.Errorf("a search without match:\n%s", h.screen())
	}
	// s sends the call and the wire tab shows its real frames.
	h.press("s")
	h.waitScreen("sent: the wire tab shows its")
	h.press("pgdown")
	scr := h.screen()
	for _, want := range []string{"5 wire", ":path: /TestServer/GetRandom"} {
		if !strings.Contains(scr, want) {
			t.Errorf("after s the wire tab lacks %q:\n%s", want, scr)
		}
	}
	wire := h.m.learn.copyText()
	for _, want := range []string{"→ HEADERS stream 1", "te: trailers", "grpc-status: 0", "a Response,", "random (1) VARINT: "} {
		if !strings.Contains(wire, want) {
			t.Errorf("the wire section lacks %q:\n%s", want, wire)
		}
	}
	h.press("esc")
	if h.m.topOverlay() != ovNone {
		t.Errorf("esc did not close the pane")
	}
}

// explainHarness runs the pane alone as a program, for teatest.
type explainHarness struct{ pane explainPane }

func (e explainHarness) Init() tea.Cmd { return nil }

func (e explainHarness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		e.pane.setSize(msg.Width, msg.Height)
		return e, nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return e, tea.Quit
		}
	}
	var cmd tea.Cmd
	e.pane, cmd, _ = e.pane.update(msg)
	return e, cmd
}

func (e explainHarness) View() tea.View {
	return tea.NewView(e.pane.view(newStyles(colorprofile.NoTTY, true)))
}

// The pane as a program of its own: keys through Bubble Tea reach it, and
// the final view shows the tab, language and search they chose.
func TestExplainPaneProgram(t *testing.T) {
	l := lessonOf(t, "showcase.Showcase/Chat", `{"text":"hi"}`)
	tm := teatest.NewTestModel(t, explainHarness{pane: newExplainPane(l, nil)}, teatest.WithInitialTermSize(100, 30))
	for _, k := range []string{"tab", "tab", "l", "l", "/"} {
		tm.Send(keyMsg(k))
	}
	for _, r := range "ReaderWriter" {
		tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	tm.Send(keyMsg("enter"))
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(explainHarness)
	view := ansi.Strip(final.pane.view(newStyles(colorprofile.NoTTY, true)))
	for _, want := range []string{"3 client", "[C++]", "grpc::ClientReaderWriter<showcase::ChatMessage, showcase::ChatMessage>", "/ReaderWriter: 1 of 1"} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
}

// lessonOf explains a method of the demo server, without calling it.
func lessonOf(t *testing.T, method, req string) *dynamic.Lesson {
	t.Helper()
	s := newTestSession(t)
	m, err := s.FindMethod(method)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Explain(m, []byte(req))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

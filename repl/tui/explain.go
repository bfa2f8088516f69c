package tui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
)

// CallCapture is what the TUI's session connection keeps of its calls'
// HTTP/2 frames (ConnConfig.Calls): the latest 8 calls, 64 KiB of DATA
// each, so that L's wire tab shows the last call as it crossed the wire.
// Scripts and the CLI do not capture.
func CallCapture() *dynamic.CallCapture { return dynamic.NewCallCapture(64<<10, 8) }

// wire is the call's frames, when it was a call of m made on a connection
// that captures calls; nil otherwise.
func (c *call) wire(m protoreflect.MethodDescriptor) *dynamic.CapturedCall {
	if c == nil || c.stream == nil || m == nil || c.method.FullName() != m.FullName() {
		return nil
	}
	w := c.stream.Wire()
	if w == nil {
		return nil
	}
	w.Responses = c.msgs.total
	w.Running = c.running()
	if !w.Running {
		w.Status, w.Elapsed = c.status, c.elapsed
	}
	return w
}

// explainPane is L's screen: the lesson of the call in the form, one tab
// per section (contract, codegen, client, server, wire, grpcurl), with a
// language picker where a section has several, scrolling, search (/, n,
// N), copy of the section shown (y, OSC 52), and s to make the call and
// show its real HTTP/2 frames in the wire tab. It knows nothing of the
// app: the app gives it a lesson and a function that sends.
type explainPane struct {
	ui     *uiCtx
	lesson *dynamic.Lesson
	tabs   []dynamic.Section
	tab    int
	lang   int // the variant shown in sections that have several
	send   func(ctx context.Context) (*dynamic.Lesson, error)

	vp        viewport.Model
	search    textinput.Model
	searching bool
	query     string
	matches   []int // lines of the content that contain the query
	match     int
	sending   bool
	sendID    uint64             // the send running, or the last one; 0: none yet
	stopSend  context.CancelFunc // cancels the send running; nil when none
	status    string             // the outcome of the last send or search
	w, h      int
	keys      explainKeys
}

type explainKeys struct {
	NextTab, PrevTab, NextLang, PrevLang, Search, NextMatch, PrevMatch, Copy, Send, Close key.Binding
}

func newExplainKeys() explainKeys {
	return explainKeys{
		NextTab:   kb([]string{"tab", "right"}, "tab/→", "next section"),
		PrevTab:   kb([]string{"shift+tab", "left"}, "shift+tab/←", "previous section"),
		NextLang:  kb([]string{"l"}, "l/h", "language"),
		PrevLang:  kb([]string{"h"}, "h", "previous language"),
		Search:    kb([]string{"/"}, "/", "search"),
		NextMatch: kb([]string{"n"}, "n/N", "next/previous match"),
		PrevMatch: kb([]string{"N"}, "N", "previous match"),
		Copy:      kb([]string{"y"}, "y", "copy section"),
		Send:      kb([]string{"s"}, "s", "send: real frames (one at a time; esc cancels)"),
		Close:     kb([]string{"esc", "L"}, "esc/L", "close"),
	}
}

// explainSentMsg is the lesson after s: with the call's frames, or the
// reason it could not be sent. id is the send's (explainSendIDs): the
// app hands the message to whatever pane is open, which may be a newer
// one than the send's, or the same pane after a newer send.
type explainSentMsg struct {
	id     uint64
	lesson *dynamic.Lesson
	err    error
}

// explainSendIDs numbers every pane's sends, across panes, so that a
// result is taken only by the pane and send it belongs to.
var explainSendIDs atomic.Uint64

// explainAction is what the app must do after a key.
type explainAction int

const (
	explainStay explainAction = iota
	explainClose
	explainCopy // copy copyText()
)

func newExplainPane(l *dynamic.Lesson, send func(context.Context) (*dynamic.Lesson, error)) explainPane {
	vp := viewport.New()
	vp.KeyMap = viewport.DefaultKeyMap()
	vp.SoftWrap = true // code lines are wider than small terminals
	in := textinput.New()
	in.Prompt = "/"
	p := explainPane{vp: vp, search: in, send: send, keys: newExplainKeys()}
	p.setLesson(l)
	if l.Call != nil {
		p.status = fmt.Sprintf("the wire tab shows your last call's %d frames; s sends the call again on a connection of its own", len(l.Call.Frames))
	}
	return p
}

func (p *explainPane) setLesson(l *dynamic.Lesson) {
	p.lesson = l
	p.tabs = l.Sections()
	p.refresh()
}

// setSize gives the pane its inner size (inside the box).
func (p *explainPane) setSize(w, h int) {
	p.w, p.h = w, h
	p.vp.SetWidth(max(w, 1))
	p.vp.SetHeight(max(h-3, 1)) // tabs, languages, status
	p.search.SetWidth(max(w-2, 1))
}

func (p *explainPane) section() dynamic.Section { return p.tabs[p.tab] }

// variant is the snippet shown: the picked language, or the only one.
func (p *explainPane) variant() dynamic.Snippet {
	vs := p.section().Variants
	return vs[min(p.lang, len(vs)-1)]
}

// copyText is what y copies: the section shown, in the language shown.
func (p *explainPane) copyText() string { return p.variant().Text }

func (p *explainPane) refresh() {
	p.vp.SetContent(p.variant().Text)
	p.findMatches()
}

func (p *explainPane) findMatches() {
	p.matches, p.match = nil, 0
	if p.query == "" {
		return
	}
	q := strings.ToLower(p.query)
	for i, line := range strings.Split(p.variant().Text, "\n") {
		if strings.Contains(strings.ToLower(line), q) {
			p.matches = append(p.matches, i)
		}
	}
}

func (p *explainPane) showMatch() {
	if len(p.matches) == 0 {
		p.status = fmt.Sprintf("no %q in this section", p.query)
		return
	}
	p.status = fmt.Sprintf("/%s: %d of %d", p.query, p.match+1, len(p.matches))
	p.vp.SetYOffset(p.matches[p.match])
}

func (p *explainPane) setTab(i int) {
	p.tab = (i + len(p.tabs)) % len(p.tabs)
	p.vp.GotoTop()
	p.status = ""
	p.refresh()
}

// update handles a key; the action says whether to close or copy.
func (p explainPane) update(msg tea.Msg) (explainPane, tea.Cmd, explainAction) {
	switch msg := msg.(type) {
	case explainSentMsg:
		if !p.sending || msg.id != p.sendID {
			return p, nil, explainStay // a closed pane's send, or a cancelled one
		}
		p.cancelSend()
		if msg.lesson != nil {
			p.setLesson(msg.lesson)
			for i, s := range p.tabs {
				if s.Key == "wire" {
					p.setTab(i)
				}
			}
		}
		switch {
		case msg.err != nil:
			p.status = "not sent: " + dynamic.SafeLine(msg.err.Error())
		case msg.lesson.SendErr != nil:
			p.status = "not sent: " + dynamic.SafeLine(msg.lesson.SendErr.Error())
		default:
			p.status = fmt.Sprintf("sent: the wire tab shows its %d frames", len(msg.lesson.Call.Frames))
		}
		return p, nil, explainStay
	case tea.KeyPressMsg:
		if p.searching {
			switch msg.String() {
			case "enter":
				p.searching = false
				p.search.Blur()
				p.query = p.search.Value()
				p.findMatches()
				if p.query != "" {
					p.showMatch()
				}
				return p, nil, explainStay
			case "esc":
				p.searching = false
				p.search.Blur()
				return p, nil, explainStay
			}
			var cmd tea.Cmd
			p.search, cmd = p.search.Update(msg)
			return p, cmd, explainStay
		}
		k := p.keys
		switch {
		case key.Matches(msg, k.Close):
			p.cancelSend()
			return p, nil, explainClose
		case key.Matches(msg, k.NextTab):
			p.setTab(p.tab + 1)
		case key.Matches(msg, k.PrevTab):
			p.setTab(p.tab - 1)
		case len(msg.Text) == 1 && msg.Text[0] >= '1' && msg.Text[0] < '1'+byte(len(p.tabs)):
			p.setTab(int(msg.Text[0] - '1'))
		case key.Matches(msg, k.NextLang, k.PrevLang):
			n := len(p.section().Variants)
			if n > 1 {
				d := 1
				if key.Matches(msg, k.PrevLang) {
					d = -1
				}
				p.lang = (min(p.lang, n-1) + d + n) % n
				p.refresh()
			}
		case key.Matches(msg, k.Search):
			p.searching = true
			p.search.SetValue("")
			return p, p.search.Focus(), explainStay
		case key.Matches(msg, k.NextMatch, k.PrevMatch):
			if len(p.matches) > 0 {
				d := 1
				if key.Matches(msg, k.PrevMatch) {
					d = -1
				}
				p.match = (p.match + d + len(p.matches)) % len(p.matches)
			}
			if p.query != "" {
				p.showMatch()
			}
		case key.Matches(msg, k.Copy):
			return p, nil, explainCopy
		case key.Matches(msg, k.Send):
			if p.send == nil {
				return p, nil, explainStay
			}
			if p.sending {
				// One send at a time: a second would only race the first
				// for the wire tab.
				p.status = "sending… (one at a time: esc closes the pane and cancels it)"
				return p, nil, explainStay
			}
			ctx, cancel := context.WithCancel(context.Background())
			id := explainSendIDs.Add(1)
			p.sending, p.sendID, p.stopSend = true, id, cancel
			p.status = "sending… (esc cancels it)"
			send := p.send
			return p, func() tea.Msg {
				l, err := send(ctx)
				return explainSentMsg{id: id, lesson: l, err: err}
			}, explainStay
		default:
			var cmd tea.Cmd
			p.vp, cmd = p.vp.Update(msg)
			return p, cmd, explainStay
		}
		return p, nil, explainStay
	}
	return p, nil, explainStay
}

// cancelSend ends the send running, if any: its connection closes and
// its result, when it comes, is dropped.
func (p *explainPane) cancelSend() {
	if p.stopSend != nil {
		p.stopSend()
	}
	p.sending, p.stopSend = false, nil
}

// view draws the tabs, the language picker, the section and a status
// line.
func (p explainPane) view(st Styles) string {
	var tabs []string
	for i, s := range p.tabs {
		label := fmt.Sprintf("%d %s", i+1, s.Key)
		if i == p.tab {
			tabs = append(tabs, st.Selected.Render(" "+label+" "))
		} else {
			tabs = append(tabs, st.Dim.Render(" "+label+" "))
		}
	}
	var langs string
	if vs := p.section().Variants; len(vs) > 1 {
		var ls []string
		for i, v := range vs {
			if i == min(p.lang, len(vs)-1) {
				ls = append(ls, st.TitleFocus.Render("["+v.Language+"]"))
			} else {
				ls = append(ls, st.Dim.Render(v.Language))
			}
		}
		langs = "language (l/h): " + strings.Join(ls, "  ")
	} else {
		langs = st.TitleFocus.Render(p.section().Title)
	}
	bottom := st.Dim.Render(p.status)
	if p.searching {
		bottom = p.search.View()
	}
	return lipgloss.JoinVertical(lipgloss.Left,
		fit(strings.Join(tabs, "│"), p.w),
		fit(langs, p.w),
		p.vp.View(),
		fit(bottom, p.w))
}

func (p explainPane) helpKeys() []key.Binding {
	k := p.keys
	if p.searching {
		return []key.Binding{kb([]string{"enter"}, "enter", "find"), kb([]string{"esc"}, "esc", "cancel")}
	}
	return []key.Binding{k.NextTab, k.NextLang, k.Search, k.NextMatch, k.Copy, k.Send, k.Close}
}

// onLearnKey gives the explain pane a key or its send's result, and does
// what it asks: close, or copy the section shown (OSC 52, as y does).
func (m *appModel) onLearnKey(msg tea.Msg) tea.Cmd { return m.drive(&m.learn, msg) }

// copyLesson copies the explain pane's section (OSC 52, as y does).
func (m *appModel) copyLesson() tea.Cmd {
	text := m.learn.copyText()
	return tea.Batch(tea.SetClipboard(text), m.setFlash(fmt.Sprintf("copied the %s section (%d bytes) to the clipboard (OSC 52)", m.learn.section().Key, len(text)), false))
}

// Component: the explain overlay. Close is an overlayClosedMsg, copy an
// explainCopyMsg, both sent to the app. The three-result update and
// view(st) stay: explain_test drives the pane alone, without an app.

func (p *explainPane) Update(msg tea.Msg) (Component, tea.Cmd) {
	var cmd tea.Cmd
	var act explainAction
	*p, cmd, act = p.update(msg)
	switch act {
	case explainClose:
		p.ui.send(overlayClosedMsg{})
	case explainCopy:
		p.ui.send(explainCopyMsg{})
	}
	return p, cmd
}

func (p *explainPane) View() string        { return p.view(p.ui.st) }
func (p *explainPane) SetSize(w, h int)    { p.setSize(w, h) }
func (p *explainPane) KeyMap() help.KeyMap { return keyList(p.helpKeys()) }

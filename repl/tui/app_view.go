package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/grpcsh/grpcsh/dynamic"
)

// The root model's view: the panes or an overlay, the hint or command bar
// and the status bar, and the hint bar's bindings for the focused place.

// View renders the whole screen: panes (or an overlay), the help or
// command bar, and the status bar.
func (m *appModel) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion // clicks and the wheel (mouse.go)
	v.WindowTitle = "grpcsh"
	if t := m.s.Target(); t != "" {
		v.WindowTitle = "grpcsh · " + t
	}
	return v
}

func (m *appModel) render() string {
	if m.w == 0 || m.h == 0 {
		return "starting grpcsh…"
	}
	if m.quitting {
		return ""
	}
	mainH := m.mainHeight()
	var main string
	switch m.topOverlay() {
	case ovHelp:
		title := "Keys"
		if m.opts.Version != "" {
			title += " · grpcsh " + m.opts.Version
		}
		main = box(m.st, title, hints(m.keys.Over.CloseHelp, m.keys.Over.Scroll, m.keys.Over.Find.Search), m.helpm.View(), m.w, mainH, true)
	case ovHistory:
		main = box(m.st, m.hist.title(), hints(m.keys.Hist.Rerun, m.keys.Hist.Edit, m.keys.Hist.Targets, m.keys.Hist.Save, m.keys.Hist.Close), m.hist.View()+"\n"+m.st.Dim.Render(fit(m.hist.detail(), m.w-2)), m.w, mainH, true)
	case ovMetadata:
		main = box(m.st, "Request headers & deadline", "", m.meta.View(), m.w, mainH, true)
	case ovColl:
		main = box(m.st, "Collection", hints(m.coll.KeyMap().ShortHelp()[2:]...), m.coll.View(), m.w, mainH, true)
	case ovLearn:
		main = box(m.st, "Explain · "+dynamic.MethodPath(m.learn.lesson.Method), "tab section · l language · / search · y copy · s send", m.learn.View(), m.w, mainH, true)
	case ovYank:
		main = box(m.st, "Copy the request as · "+m.yank.line.Method, hints(m.yank.keys.Copy, m.yank.keys.Reveal, m.yank.keys.Close), m.yank.View(), m.w, mainH, true)
	default:
		main = m.panes(mainH)
	}
	var bar string
	switch {
	case m.saving:
		bar = fit(m.save.View(), m.w)
	case m.cmd.active || m.cmd.running != nil:
		bar = m.cmd.barView(m.st, m.spinner.View(), m.w)
	case m.flash != "":
		// A message (saved, copied, why a request was not sent) takes the
		// help bar's place for a few seconds: the whole width is its.
		fs, mark := m.st.OK, "● "
		if m.flashErr {
			fs, mark = m.st.Err, "✗ "
		}
		bar = fit(fs.Render(mark+m.flash), m.w)
	default:
		bar = shortHelp(m.st, m.shortKeys(), m.w)
	}
	info := statusInfo{
		describe:  m.callModel.describe,
		state:     m.callModel.connState,
		known:     m.callModel.stateKnown,
		noServer:  m.s.Conn() == nil,
		last:      m.call,
		extra:     m.sessionInfo(),
		version:   m.opts.Version,
		hint:      "? keys",
		now:       m.now(),
		spin:      m.spinner.View(),
		cmdActive: m.cmd.active,
	}
	if m.opts.Demo {
		info.describe = "demo · " + info.describe
	}
	// A terminal shorter than the panes' minimum keeps the bars: lines
	// beyond its height would scroll the screen.
	if lines := strings.Split(main, "\n"); len(lines) > m.h-2 {
		main = strings.Join(lines[:max(m.h-2, 0)], "\n")
	}
	if m.h < 2 {
		return bar
	}
	if main == "" {
		return bar + "\n" + statusBarView(m.st, info, m.w)
	}
	return strings.Join([]string{main, bar, statusBarView(m.st, info, m.w)}, "\n")
}

func (m *appModel) panes(mainH int) string {
	lw := m.leftWidth()
	infoH := m.infoHeight(mainH)
	treeInfo := ""
	if n := len(m.tree.rows); n > 0 {
		treeInfo = fmt.Sprintf("%d/%d", m.tree.cursor+1, n)
	}
	m.tree.focused = m.focus == focusTree && m.topOverlay() == ovNone
	left := box(m.st, "Methods", treeInfo, m.tree.View(), lw, mainH-infoH, m.focus == focusTree)
	if infoH > 0 {
		sel := m.tree.selected()
		if sel == nil && m.method != nil && m.focus != focusTree {
			sel = m.method
		}
		subject, info := "", methodDetails(sel, m.st, lw-2)
		if sel != nil {
			subject = string(sel.FullName())
		}
		if r, ok := m.tree.selectedRow(); ok && r.broken != nil && (m.focus == focusTree || m.focus == focusInfo) {
			subject, info = r.broken.name, brokenInfo(r.broken, m.st, lw-2)
		}
		m.info.show(subject, info)
		left = vjoin(left, box(m.st, "Details", m.info.scrollInfo(), m.info.View(), lw, infoH, m.focus == focusInfo))
	}
	rw := m.w - lw
	reqH, respH := m.rightHeights(mainH)
	var req string
	if m.hasForm {
		req = box(m.st, "Request · "+dynamic.SafeLine(string(m.method.FullName())), hints(m.keys.Global.Send), m.form.View(), rw, reqH, m.focus == focusForm)
	} else {
		hint := "Pick a method on the left (↑/↓, enter) to fill in its request."
		if m.opts.Demo {
			hint = "Demo server: try helloworld.Greeter/SayHello — select it, enter, type a name, ctrl+s."
		}
		req = box(m.st, "Request", "", m.st.Dim.Render(wrap(hint, rw-2)), rw, reqH, false)
	}
	var resp string
	if m.cmd.showOut {
		title := "Command output"
		if m.cmd.running != nil {
			title += " · running"
		}
		resp = box(m.st, title, hints(m.keys.Cmd.Close, m.keys.Cmd.Scroll, m.keys.Cmd.Scroll2), m.cmd.View(), rw, respH, m.cmd.active)
	} else {
		title := "Response"
		if c := m.call; c != nil {
			title += " · " + dynamic.SafeLine(string(c.method.FullName()))
		}
		resp = box(m.st, title, m.resp.scrollInfo(), m.resp.View(), rw, respH, m.focus == focusResp)
	}
	return hjoin(left, vjoin(req, resp))
}

// sessionInfo sums up the environment (-env, :env NAME), the request
// headers and the deadline for the status bar.
func (m *appModel) sessionInfo() string {
	var parts []string
	if name := m.s.EnvName(); name != "" {
		parts = append(parts, "env "+dynamic.SafeLine(name))
	}
	if n := len(m.s.Header()); n > 0 {
		parts = append(parts, fmt.Sprintf("%d header", n))
		if n > 1 {
			parts[len(parts)-1] += "s"
		}
	}
	if d := m.s.Settings().Deadline; d > 0 {
		parts = append(parts, "deadline "+d.String())
	}
	return strings.Join(parts, " · ")
}

// shortKeys are the help bar's bindings for the focused place.
func (m *appModel) shortKeys() []key.Binding {
	g := m.keys.Global
	running := m.call != nil && m.call.running()
	cancel := g.Cancel
	if running {
		cancel.SetHelp("ctrl+c", "cancel call")
	} else {
		cancel.SetHelp("ctrl+c", "quit")
	}
	var ks []key.Binding
	if top := m.top(); top != nil {
		return top.KeyMap().ShortHelp()
	}
	streamOpen := running && m.call.canSend()
	switch m.focus {
	case focusTree:
		if m.tree.filtering {
			fk := m.keys.Tree.Filtering
			return []key.Binding{fk.Done, fk.Clear, fk.Prev, cancel}
		}
		ks = append(m.tree.KeyMap().ShortHelp(), g.Send, g.NextPane)
	case focusForm:
		ks = append(ks, g.Send, g.CopyAs)
		if streamOpen {
			ks = append(ks, g.CloseSend)
		}
		if m.hasForm {
			ks = append(ks, m.form.KeyMap().ShortHelp()...)
		}
		if !m.typing() {
			ks = append(ks, m.keys.Tree.Methods)
		}
	case focusInfo:
		ks = m.info.KeyMap().ShortHelp()
	case focusResp:
		ks = m.resp.KeyMap().ShortHelp()
		if t := m.resp.tab; t == tabHeaders || t == tabTrailers {
			reveal := m.keys.Resp.Reveal
			if m.resp.reveal {
				reveal.SetHelp("v", "hide secrets")
			} else {
				reveal.SetHelp("v", "show secrets")
			}
			ks = append(ks, reveal)
		}
		if running && m.call.method.IsStreamingServer() {
			ks = append(ks, m.keys.Resp.Follow)
		}
	}
	if running && m.focus != focusForm {
		back := g.Back
		back.SetHelp("esc", "cancel call")
		ks = append([]key.Binding{back}, ks...)
	}
	ks = append(ks, cancel, g.History, g.Metadata, g.Colon, g.Help)
	return ks
}

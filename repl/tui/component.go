package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/grpcsh/grpcsh/repl"
	"github.com/grpcsh/grpcsh/repl/tui/form"
)

// Component is the contract every pane and overlay keeps: the app holds
// them as Components, sizes them with SetSize, gives them messages with
// Update, draws them with View (the box around is the app's), and builds
// the hint bar and the "?" screen from KeyMap.
//
// Components have pointer receivers and change in place; Update returns
// the Component for the Bubble Tea idiom. A child that has something to
// say to the app (open this method, close me, run this line) says it with
// uiCtx.send: the app handles those messages as soon as the child's
// Update returns, before the next key, as a returned tea.Cmd would not.
type Component interface {
	Update(tea.Msg) (Component, tea.Cmd)
	View() string
	SetSize(w, h int)
	KeyMap() help.KeyMap
}

// uiCtx is what the app shares with its components: styles, the session,
// the clock, the current call, the spinner, and the outbox of the
// messages children send to the app.
type uiCtx struct {
	ctx     context.Context // the app's: ends when it quits
	st      Styles
	s       *repl.Session
	now     func() time.Time
	loc     *time.Location
	call    *call
	spinner spinner.Model

	outbox []tea.Msg
}

// send queues msg for the app, which handles it when the Update that
// sent it returns.
func (u *uiCtx) send(msg tea.Msg) {
	if u != nil && msg != nil {
		u.outbox = append(u.outbox, msg)
	}
}

// drive gives msg to c, then handles at once what c sent to the app.
func (m *appModel) drive(c Component, msg tea.Msg) tea.Cmd {
	_, cmd := c.Update(msg)
	return m.drain(cmd)
}

// drain handles, in order, the messages sent to the app, after cmd.
func (m *appModel) drain(cmd tea.Cmd) tea.Cmd {
	cmds := []tea.Cmd{cmd}
	for len(m.outbox) > 0 {
		reply := m.outbox[0]
		m.outbox = m.outbox[1:]
		cmds = append(cmds, m.update(reply))
	}
	return tea.Batch(cmds...)
}

// formPane is the request form (package form) as a Component.
type formPane struct{ form.Model }

func (f *formPane) Update(msg tea.Msg) (Component, tea.Cmd) {
	var cmd tea.Cmd
	f.Model, cmd = f.Model.Update(msg)
	return f, cmd
}

// cmdLineMsg is the command bar's line to run (enter).
type cmdLineMsg struct{ line string }

// explainCopyMsg asks the app to copy the explain pane's section.
type explainCopyMsg struct{}

// keyList is a help.KeyMap of one row of bindings.
type keyList []key.Binding

func (k keyList) ShortHelp() []key.Binding  { return k }
func (k keyList) FullHelp() [][]key.Binding { return [][]key.Binding{k} }

var (
	_ Component = (*treeModel)(nil)
	_ Component = (*formPane)(nil)
	_ Component = (*responseModel)(nil)
	_ Component = (*historyModel)(nil)
	_ Component = (*metadataModel)(nil)
	_ Component = (*cmdbarModel)(nil)
	_ Component = (*helpModel)(nil)
	_ Component = (*explainPane)(nil)
)

package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
	"github.com/grpcsh/grpcsh/repl/tui/form"
)

// focus is the pane that gets the keys.
type focus int

const (
	focusTree focus = iota
	focusForm
	focusResp
)

// overlay is a screen drawn over the panes.
type overlay int

const (
	ovNone overlay = iota
	ovHelp
	ovHistory
	ovMetadata
	ovLearn // explain: the seed's workflow for the request in the form
)

// appModel is the root model: it owns the panes, routes keys by focus,
// and runs calls. Every network or disk step is a tea.Cmd.
type appModel struct {
	ctx  context.Context
	s    *repl.Session
	opts Options
	keys keyMap

	st      Styles
	profile colorprofile.Profile
	isDark  bool
	now     func() time.Time
	loc     *time.Location
	keep    int // stream messages kept per call

	w, h    int
	focus   focus
	overlay overlay

	tree     treeModel
	anyTypes []protoreflect.FullName

	form       form.Model
	hasForm    bool
	method     protoreflect.MethodDescriptor // the form's method
	savedForms map[protoreflect.FullName]form.Model

	resp     responseModel
	call     *call
	nextID   int
	spinner  spinner.Model
	spinning bool

	hist  historyModel
	store *historyStore
	meta  metadataModel
	cmd   cmdbarModel
	exec  *cmdExecutor
	helpm helpModel
	learn explainPane // L (explain.go)

	saving bool // the save prompt has focus
	save   textinput.Model

	conn       *dynamic.Conn
	connState  connectivity.State
	stateKnown bool
	describe   string

	flash    string
	flashErr bool
	flashID  int
	quitting bool
}

func newApp(ctx context.Context, s *repl.Session, opts Options) *appModel {
	keys := newKeyMap()
	profile := colorprofile.Unknown
	if opts.NoColor {
		profile = colorprofile.ASCII
	}
	histPath := opts.HistoryPath
	if histPath == "" {
		histPath = defaultHistoryPath()
	}
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	save := textinput.New()
	save.Prompt = "save to: "
	save.CharLimit = 4096
	m := &appModel{
		ctx:        ctx,
		s:          s,
		opts:       opts,
		keys:       keys,
		profile:    profile,
		isDark:     true,
		now:        time.Now,
		loc:        time.Local,
		keep:       defaultKeep,
		tree:       newTree(keys.Tree),
		savedForms: map[protoreflect.FullName]form.Model{},
		resp:       newResponse(keys.Resp),
		spinner:    sp,
		hist:       historyModel{keys: keys.Hist},
		store:      &historyStore{path: histPath},
		meta:       newMetadata(keys.Meta),
		cmd:        newCmdbar(keys.Cmd),
		helpm:      newHelp(),
		save:       save,
	}
	m.st = newStyles(profile, m.isDark)
	m.exec = newCmdExecutor(s, m.cmd.out, !opts.NoColor)
	if conn := s.Conn(); conn != nil {
		m.describe = conn.Describe()
	}
	return m
}

func (m *appModel) Init() tea.Cmd {
	cmds := []tea.Cmd{loadServicesCmd(m.s), loadHistoryCmd(m.store), tea.RequestBackgroundColor}
	conn, watch := startWatch(m.ctx, m.s)
	m.conn = conn
	if watch != nil {
		cmds = append(cmds, watch)
	}
	return tea.Batch(cmds...)
}

// busy says something runs that the spinner shows.
func (m *appModel) busy() bool {
	return (m.call != nil && m.call.running()) || m.cmd.running != nil
}

func (m *appModel) startSpinner() tea.Cmd {
	if m.spinning {
		return nil
	}
	m.spinning = true
	return m.spinner.Tick
}

func (m *appModel) setFlash(text string, isErr bool) tea.Cmd {
	m.flashID++
	m.flash, m.flashErr = text, isErr
	d := 4 * time.Second
	if isErr {
		d = 8 * time.Second
	}
	return flashCmd(m.flashID, d)
}

// layout sizes every pane for the window and the focus.
func (m *appModel) layout() {
	if m.w == 0 || m.h == 0 {
		return
	}
	mainH := m.mainHeight()
	lw := m.leftWidth()
	infoH := m.infoHeight(mainH)
	m.tree.setSize(lw-2, mainH-infoH-2)
	rw := m.w - lw
	reqH, respH := m.rightHeights(mainH)
	if m.hasForm {
		m.form.SetSize(rw-2, reqH-2)
	}
	m.resp.setSize(rw-2, respH-2)
	m.cmd.setSize(rw-2, respH-2)
	m.cmd.input.SetWidth(max(m.w-3, 1))
	m.hist.w, m.hist.h = m.w-2, mainH-3
	m.hist.clamp()
	m.meta.w, m.meta.h = m.w-2, mainH-2
	m.helpm.setSize(m.w-2, mainH-2)
	m.learn.setSize(m.w-2, mainH-2)
	m.save.SetWidth(max(m.w-12, 10))
}

func (m *appModel) mainHeight() int { return max(m.h-2, 3) }

func (m *appModel) leftWidth() int {
	lw := m.w * 34 / 100
	lw = max(lw, 24)
	lw = min(lw, 44)
	return min(lw, m.w/2)
}

func (m *appModel) infoHeight(mainH int) int {
	switch {
	case mainH >= 30:
		return 9
	case mainH >= 16:
		return 7
	}
	return 0
}

// rightHeights splits the right column between the request form and the
// response: the focused one gets more room.
func (m *appModel) rightHeights(mainH int) (int, int) {
	var req int
	switch {
	case !m.hasForm:
		req = 4
	case m.focus == focusForm:
		req = mainH * 58 / 100
	default:
		req = mainH * 40 / 100
	}
	req = max(req, 4)
	req = min(req, mainH-4)
	return req, mainH - req
}

func (m *appModel) setFocus(f focus) tea.Cmd {
	if f == focusForm && !m.hasForm {
		f = focusTree
	}
	m.focus = f
	var cmd tea.Cmd
	if m.hasForm {
		if f == focusForm {
			cmd = m.form.Focus()
		} else {
			m.form.Blur()
		}
	}
	m.layout()
	m.resp.dirty = true
	return cmd
}

// typing says a text input has the keys, so plain keys are text.
func (m *appModel) typing() bool {
	switch {
	case m.saving, m.cmd.active:
		return true
	case m.overlay == ovMetadata:
		return m.meta.typing()
	case m.overlay != ovNone:
		return false
	case m.focus == focusTree:
		return m.tree.typing()
	case m.focus == focusForm:
		return m.hasForm && m.form.Editing()
	}
	return false
}

// openForm shows the form of m's request, keeping what was typed in the
// form of a method opened before.
func (m *appModel) openForm(md protoreflect.MethodDescriptor) {
	if m.hasForm && m.method != nil {
		if m.method.FullName() == md.FullName() {
			return
		}
		m.form.Blur()
		m.savedForms[m.method.FullName()] = m.form
	}
	if f, ok := m.savedForms[md.FullName()]; ok && f.Descriptor().FullName() == md.Input().FullName() {
		m.form = f
	} else {
		m.form = newRequestForm(m.s, md, m.anyTypes, m.profile, m.isDark, 40, 10)
	}
	m.method = md
	m.hasForm = true
	m.layout()
}

func (m *appModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	// Keep the response viewer current after anything that changed it.
	m.resp.refresh(m.call, m.s, m.st, m.loc)
	return m, cmd
}

func (m *appModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.layout()
		m.resp.dirty = true
		return nil
	case tea.ColorProfileMsg:
		if m.opts.NoColor && msg.Profile > colorprofile.ASCII {
			msg.Profile = colorprofile.ASCII
		}
		m.profile = msg.Profile
		m.st = newStyles(m.profile, m.isDark)
		m.resp.dirty = true
		return m.forwardToForms(msg)
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.st = newStyles(m.profile, m.isDark)
		m.resp.dirty = true
		return m.forwardToForms(msg)
	case servicesMsg:
		m.tree.setServices(msg.services, msg.err)
		if msg.err == nil {
			m.anyTypes = messageNames(msg.services)
		}
		return nil
	case treeOpenMsg:
		m.openForm(msg.method)
		return m.setFocus(focusForm)
	case callStartedMsg:
		return m.onStarted(msg)
	case callEventsMsg:
		return m.onEvents(msg)
	case callSentMsg:
		return m.onSent(msg)
	case callClosedMsg:
		if c := m.call; c != nil && c.id == msg.id {
			if msg.err != nil {
				c.sendErr = msg.err
			}
			if c.phase == phaseOpen || c.phase == phaseStarting {
				c.phase = phaseHalfClosed
			}
		}
		return nil
	case spinner.TickMsg:
		if !m.busy() {
			m.spinning = false
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		if m.call != nil && m.call.running() && m.call.method.IsStreamingServer() {
			m.resp.dirty = m.resp.dirty || m.resp.tab == tabTiming
		}
		return cmd
	case connStateMsg:
		if msg.conn != m.s.Conn() {
			return nil // an old connection's watch
		}
		if !msg.ok {
			return nil
		}
		m.connState, m.stateKnown = msg.state, true
		return watchStateCmd(msg.conn, msg.ch)
	case explainSentMsg:
		return m.onLearnKey(msg)
	case flashMsg:
		if msg.id == m.flashID {
			m.flash = ""
		}
		return nil
	case historyLoadedMsg:
		m.hist.setLoaded(msg.entries, msg.err)
		return nil
	case historySavedMsg:
		if msg.err != nil {
			m.hist.err = msg.err
			return m.setFlash("history not saved: "+msg.err.Error(), true)
		}
		return nil
	case historyActMsg:
		m.overlay = ovNone
		return resolveHistoryCmd(m.s, msg.entry, msg.rerun)
	case historyResolvedMsg:
		return m.onHistoryResolved(msg)
	case savedMsg:
		if msg.err != nil {
			return m.setFlash("not saved: "+msg.err.Error(), true)
		}
		return m.setFlash(fmt.Sprintf("saved %d bytes to %s", msg.n, msg.path), false)
	case cmdDoneMsg:
		return m.onCmdDone(msg)
	case debugPanicMsg:
		panic(string(msg))
	case interface{ ack() }:
		msg.ack() // tests: every message before this one was handled
		return nil
	case tea.PasteMsg:
		return m.routeToFocused(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	// Anything else (cursor blinks, $EDITOR results...) goes to the
	// components that may be waiting for it.
	return m.routeOther(msg)
}

// debugPanicMsg makes Update panic: tests use it to check the crash path.
type debugPanicMsg string

func (m *appModel) forwardToForms(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	if m.hasForm {
		var cmd tea.Cmd
		m.form, cmd = m.form.Update(msg)
		cmds = append(cmds, cmd)
	}
	for k, f := range m.savedForms {
		f, _ = f.Update(msg)
		m.savedForms[k] = f
	}
	return tea.Batch(cmds...)
}

func (m *appModel) routeOther(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	if m.hasForm {
		var cmd tea.Cmd
		m.form, cmd = m.form.Update(msg)
		cmds = append(cmds, cmd)
	}
	if m.tree.filtering {
		var cmd tea.Cmd
		m.tree, cmd = m.tree.update(msg)
		cmds = append(cmds, cmd)
	}
	if m.cmd.active {
		var cmd tea.Cmd
		m.cmd, cmd, _ = m.cmd.update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (m *appModel) routeToFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.saving:
		m.save, cmd = m.save.Update(msg)
	case m.cmd.active:
		m.cmd, cmd, _ = m.cmd.update(msg)
	case m.overlay == ovMetadata:
		var done bool
		m.meta, cmd, done = m.meta.update(msg, m.s)
		if done {
			m.overlay = ovNone
		}
	case m.overlay != ovNone:
	case m.focus == focusForm && m.hasForm:
		m.form, cmd = m.form.Update(msg)
	case m.focus == focusTree:
		m.tree, cmd = m.tree.update(msg)
	}
	return cmd
}

func (m *appModel) onKey(msg tea.KeyPressMsg) tea.Cmd {
	g := m.keys.Global
	// Keys that work everywhere.
	switch {
	case key.Matches(msg, g.Cancel):
		return m.cancelOrQuit()
	case key.Matches(msg, g.Send) && !m.saving && !m.cmd.active:
		return m.send()
	case key.Matches(msg, g.CloseSend) && !m.saving && !m.cmd.active:
		return m.closeSend()
	case key.Matches(msg, g.History) && !m.saving && !m.cmd.active:
		return m.toggleOverlay(ovHistory)
	case key.Matches(msg, g.Metadata) && !m.saving && !m.cmd.active:
		return m.toggleOverlay(ovMetadata)
	case key.Matches(msg, g.FocusTree):
		m.overlay = ovNone
		return m.setFocus(focusTree)
	case key.Matches(msg, g.FocusForm):
		m.overlay = ovNone
		return m.setFocus(focusForm)
	case key.Matches(msg, g.FocusResp):
		m.overlay = ovNone
		return m.setFocus(focusResp)
	}
	if m.saving {
		return m.onSaveKey(msg)
	}
	if m.cmd.active {
		var cmd tea.Cmd
		var line string
		m.cmd, cmd, line = m.cmd.update(msg)
		if line != "" {
			return tea.Batch(cmd, m.runCommand(line))
		}
		return cmd
	}
	switch m.overlay {
	case ovLearn:
		return m.onLearnKey(msg)
	case ovHelp:
		if key.Matches(msg, g.Help, g.Back, g.Quit, g.LearnL) {
			m.overlay = ovNone
			return nil
		}
		var cmd tea.Cmd
		m.helpm, cmd = m.helpm.update(msg)
		return cmd
	case ovHistory:
		var cmd tea.Cmd
		var done bool
		m.hist, cmd, done = m.hist.update(msg)
		if done {
			m.overlay = ovNone
		}
		if act := m.hist.act; act != nil {
			m.hist.act = nil
			return tea.Batch(cmd, resolveHistoryCmd(m.s, act.entry, act.rerun))
		}
		return cmd
	case ovMetadata:
		var cmd tea.Cmd
		var done bool
		m.meta, cmd, done = m.meta.update(msg, m.s)
		if done {
			m.overlay = ovNone
		}
		return cmd
	}
	if m.typing() {
		return m.routeToFocused(msg)
	}
	// Plain keys outside text inputs.
	switch {
	case key.Matches(msg, g.Quit) && m.focus != focusForm:
		if m.busy() {
			return m.setFlash("a call is running: esc or ctrl+c cancels it first", true)
		}
		return m.quit()
	case key.Matches(msg, g.Help):
		m.helpm.render(m.keys.sections(m.formHelp()), m.st)
		m.helpm.vp.GotoTop()
		m.overlay = ovHelp
		return nil
	case key.Matches(msg, g.Colon):
		return m.cmd.open()
	case key.Matches(msg, g.HistoryH):
		return m.toggleOverlay(ovHistory)
	case key.Matches(msg, g.MetadataM):
		return m.toggleOverlay(ovMetadata)
	case key.Matches(msg, g.LearnL):
		return m.openLesson()
	case key.Matches(msg, g.NextPane):
		return m.setFocus(m.nextFocus(1))
	case key.Matches(msg, g.PrevPane):
		return m.setFocus(m.nextFocus(-1))
	case key.Matches(msg, g.Back):
		switch {
		case m.focus == focusTree && m.tree.filter.Value() != "":
			// the tree clears its filter
		case m.call != nil && m.call.running() && m.focus != focusForm:
			return m.cancelCall()
		case m.cmd.showOut:
			m.cmd.showOut = false
			return nil
		case m.focus != focusTree:
			return m.setFocus(focusTree)
		}
	}
	switch m.focus {
	case focusTree:
		if key.Matches(msg, m.keys.Tree.Reload) {
			m.tree.loading = true
			return loadServicesCmd(m.s)
		}
		var cmd tea.Cmd
		m.tree, cmd = m.tree.update(msg)
		if md := m.tree.open; md != nil {
			m.tree.open = nil
			m.openForm(md)
			return tea.Batch(cmd, m.setFocus(focusForm))
		}
		return cmd
	case focusForm:
		if m.hasForm {
			var cmd tea.Cmd
			m.form, cmd = m.form.Update(msg)
			return cmd
		}
	case focusResp:
		return m.onRespKey(msg)
	}
	return nil
}

// openLesson shows, for the request in the form, each step of the seed
// document's workflow: the .proto, the protoc commands, client code using
// the generated stub, the request's bytes on the wire, and grpcurl.
func (m *appModel) openLesson() tea.Cmd {
	if !m.hasForm || m.method == nil {
		return m.setFlash("pick a method first: L explains calling it", true)
	}
	req, err := m.form.Message()
	if err != nil {
		return m.setFlash("fix the request first: "+err.Error(), true)
	}
	data, err := dynamic.Formatter{Types: m.s.Types()}.Format(req)
	if err != nil {
		return m.setFlash(err.Error(), true)
	}
	lesson, err := m.s.Explain(m.method, []byte(data))
	if err != nil {
		return m.setFlash(err.Error(), true)
	}
	lesson.Call = m.call.wire(m.method) // the last call's frames, if of this method
	method := m.method
	m.learn = newExplainPane(lesson, func(ctx context.Context) (*dynamic.Lesson, error) {
		return m.s.ExplainSend(ctx, method, []byte(data))
	})
	m.layout()
	m.overlay = ovLearn
	return nil
}

func (m *appModel) nextFocus(d int) focus {
	order := []focus{focusTree, focusForm, focusResp}
	if !m.hasForm {
		order = []focus{focusTree, focusResp}
	}
	i := 0
	for j, f := range order {
		if f == m.focus {
			i = j
		}
	}
	return order[(i+d+len(order))%len(order)]
}

func (m *appModel) toggleOverlay(o overlay) tea.Cmd {
	if m.overlay == o {
		m.overlay = ovNone
		return nil
	}
	m.overlay = o
	switch o {
	case ovMetadata:
		m.meta.load(m.s)
	case ovHistory:
		m.hist.cursor = 0
		m.hist.offset = 0
		m.hist.clamp()
	}
	return nil
}

func (m *appModel) onRespKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys.Resp
	switch {
	case key.Matches(msg, k.Save):
		if m.call == nil || m.call.msgs.n == 0 {
			return m.setFlash("no response to save yet", true)
		}
		m.saving = true
		m.save.SetValue(defaultSavePath(m.call, m.now()))
		m.save.CursorEnd()
		return m.save.Focus()
	case key.Matches(msg, k.Copy):
		if m.call == nil || m.call.msgs.n == 0 {
			return m.setFlash("no response to copy yet", true)
		}
		text := m.copyText()
		return tea.Batch(tea.SetClipboard(text), m.setFlash(fmt.Sprintf("copied %d bytes to the clipboard (OSC 52)", len(text)), false))
	case key.Matches(msg, k.Edit):
		return m.setFocus(focusForm)
	}
	var cmd tea.Cmd
	m.resp, cmd = m.resp.update(msg, m.call)
	return cmd
}

// copyText is what y copies: the section shown, as plain text.
func (m *appModel) copyText() string {
	c := m.call
	switch m.resp.tab {
	case tabBody:
		return plainBody(c)
	case tabHeaders:
		return ansiStrip(mdText(c.respHeader, true, "", m.st)) + "\n"
	case tabTrailers:
		return ansiStrip(mdText(c.trailer, true, "", m.st)) + "\n"
	case tabStatus:
		return ansiStrip(statusText(c, m.s, m.st)) + "\n"
	}
	return ansiStrip(timingText(c, m.st, m.loc)) + "\n"
}

func (m *appModel) onSaveKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "enter":
		path := strings.TrimSpace(m.save.Value())
		m.saving = false
		m.save.Blur()
		if path == "" || m.call == nil {
			return nil
		}
		text := plainBody(m.call)
		if m.resp.tab != tabBody {
			text = m.copyText()
		}
		return saveCmd(path, text)
	case "esc":
		m.saving = false
		m.save.Blur()
		return nil
	}
	var cmd tea.Cmd
	m.save, cmd = m.save.Update(msg)
	return cmd
}

// formHelp is the request form's bindings, for the "?" screen.
func (m *appModel) formHelp() help.KeyMap {
	if m.hasForm {
		return m.form.KeyMap()
	}
	return newForm0().KeyMap()
}

// newForm0 is a form of an empty message, for its key bindings.
func newForm0() form.Model {
	return form.New((&emptypb.Empty{}).ProtoReflect().Descriptor(), form.Options{})
}

func (m *appModel) quit() tea.Cmd {
	m.quitting = true
	if m.cmd.running != nil {
		m.cmd.running.cancel()
	}
	return tea.Quit
}

// cancelOrQuit is ctrl+c: cancel what runs, else quit.
func (m *appModel) cancelOrQuit() tea.Cmd {
	if m.saving {
		m.saving = false
		m.save.Blur()
		return nil
	}
	if m.call != nil && m.call.running() {
		return m.cancelCall()
	}
	if m.cmd.running != nil {
		m.cmd.running.cancel()
		return m.setFlash("cancelling the command…", false)
	}
	return m.quit()
}

func (m *appModel) onHistoryResolved(msg historyResolvedMsg) tea.Cmd {
	if msg.err != nil {
		return m.setFlash("history: "+msg.err.Error(), true)
	}
	if msg.rerun && m.call != nil && m.call.running() {
		// Refuse before touching the form: what is typed there stays.
		return m.setFlash("a call is running: esc or ctrl+c cancels it", true)
	}
	m.tree.selectMethod(msg.method)
	m.openForm(msg.method)
	if len(msg.requests) > 0 {
		if err := m.form.SetMessage(msg.requests[0]); err != nil {
			return m.setFlash("history: "+err.Error(), true)
		}
	}
	if !msg.rerun {
		return tea.Batch(m.setFocus(focusForm), m.setFlash("loaded into the form: edit, then ctrl+s", false))
	}
	reqs := msg.requests
	if len(reqs) == 0 {
		// A client stream that sent nothing, or an old entry.
		dm, err := m.form.Message()
		if err != nil {
			return m.setFlash("history: "+err.Error(), true)
		}
		reqs = []proto.Message{dm}
		if msg.method.IsStreamingClient() {
			reqs = nil
		}
	}
	return m.startCall(msg.method, reqs, true)
}

func (m *appModel) runCommand(line string) tea.Cmd {
	if m.cmd.running != nil {
		return m.setFlash("a command is running: ctrl+c cancels it", true)
	}
	m.nextID++
	ctx, cancel := context.WithCancel(m.ctx)
	m.cmd.running = &cmdRun{id: m.nextID, line: line, cancel: cancel}
	fmt.Fprintf(m.cmd.out, ":%s\n", line)
	m.cmd.showOut = true
	return tea.Batch(runCmd(ctx, m.exec, m.nextID, line), m.startSpinner())
}

func (m *appModel) onCmdDone(msg cmdDoneMsg) tea.Cmd {
	if m.cmd.running == nil || m.cmd.running.id != msg.id {
		return nil
	}
	m.cmd.running.cancel()
	m.cmd.running = nil
	if errors.Is(msg.err, errExitRequested) {
		if m.busy() {
			return m.setFlash("a call is running: esc or ctrl+c cancels it first", true)
		}
		return m.quit()
	}
	if msg.err != nil {
		fmt.Fprintf(m.cmd.out, "error: %v\n", msg.err)
	}
	// A command may have changed the session: headers, settings, the
	// connection and so the services.
	var cmds []tea.Cmd
	if m.overlay == ovMetadata {
		m.meta.load(m.s)
	}
	if conn := m.s.Conn(); conn != m.conn {
		m.conn = conn
		m.describe = ""
		m.stateKnown = false
		if conn != nil {
			m.describe = conn.Describe()
			cmds = append(cmds, watchStateCmd(conn, conn.WatchState(m.ctx)))
		}
		m.tree.loading = true
		cmds = append(cmds, loadServicesCmd(m.s))
	}
	return tea.Batch(cmds...)
}

// View renders the whole screen: panes (or an overlay), the help or
// command bar, and the status bar.
func (m *appModel) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
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
	switch m.overlay {
	case ovHelp:
		title := "Keys"
		if m.opts.Version != "" {
			title += " · grpcsh " + m.opts.Version
		}
		main = box(m.st, title, "esc closes · ↑/↓ scroll", m.helpm.view(), m.w, mainH, true)
	case ovHistory:
		main = box(m.st, fmt.Sprintf("History · %d calls", len(m.hist.entries)), "enter re-run · e edit · esc close", m.hist.view(m.st, m.loc, m.now())+"\n"+m.st.Dim.Render(fit(m.hist.detail(), m.w-2)), m.w, mainH, true)
	case ovMetadata:
		main = box(m.st, "Request headers & deadline", "", m.meta.view(m.st), m.w, mainH, true)
	case ovLearn:
		main = box(m.st, "Explain · "+dynamic.MethodPath(m.learn.lesson.Method), "tab section · l language · / search · y copy · s send", m.learn.view(m.st), m.w, mainH, true)
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
		describe:  m.describe,
		state:     m.connState,
		known:     m.stateKnown,
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
	return strings.Join([]string{main, bar, statusBarView(m.st, info, m.w)}, "\n")
}

func (m *appModel) panes(mainH int) string {
	lw := m.leftWidth()
	infoH := m.infoHeight(mainH)
	treeInfo := ""
	if n := len(m.tree.rows); n > 0 {
		treeInfo = fmt.Sprintf("%d/%d", m.tree.cursor+1, n)
	}
	left := box(m.st, "Methods", treeInfo, m.tree.view(m.st, m.focus == focusTree && m.overlay == ovNone), lw, mainH-infoH, m.focus == focusTree)
	if infoH > 0 {
		sel := m.tree.selected()
		if sel == nil && m.method != nil && m.focus != focusTree {
			sel = m.method
		}
		left = vjoin(left, box(m.st, "Details", "", methodInfo(sel, m.st, lw-2), lw, infoH, false))
	}
	rw := m.w - lw
	reqH, respH := m.rightHeights(mainH)
	var req string
	if m.hasForm {
		req = box(m.st, "Request · "+string(m.method.FullName()), "ctrl+s send", m.form.View(), rw, reqH, m.focus == focusForm)
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
		resp = box(m.st, title, "esc closes · pgup/pgdn", m.cmd.outputView(m.st), rw, respH, m.cmd.active)
	} else {
		title := "Response"
		if c := m.call; c != nil {
			title += " · " + string(c.method.FullName())
		}
		resp = box(m.st, title, m.resp.scrollInfo(), m.resp.view(m.call, m.st, m.spinner.View(), m.now()), rw, respH, m.focus == focusResp)
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
			parts[0] += "s"
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
	switch m.overlay {
	case ovHistory:
		return []key.Binding{m.keys.Hist.Up, m.keys.Hist.Down, m.keys.Hist.Rerun, m.keys.Hist.Edit, m.keys.Hist.Close}
	case ovMetadata:
		return []key.Binding{m.keys.Meta.Add, m.keys.Meta.Edit, m.keys.Meta.Delete, m.keys.Meta.Close}
	case ovHelp:
		return []key.Binding{kb([]string{"up"}, "↑/↓", "scroll"), kb([]string{"esc"}, "esc/?", "close")}
	case ovLearn:
		return m.learn.helpKeys()
	}
	streamOpen := running && m.call.canSend()
	switch m.focus {
	case focusTree:
		if m.tree.filtering {
			return []key.Binding{
				kb([]string{"enter"}, "enter", "done"), kb([]string{"esc"}, "esc", "clear"),
				kb([]string{"up"}, "↑/↓", "move"), cancel,
			}
		}
		ks = []key.Binding{m.keys.Tree.Open, m.keys.Tree.Filter, g.Send, g.NextPane}
	case focusForm:
		ks = append(ks, g.Send)
		if streamOpen {
			ks = append(ks, g.CloseSend)
		}
		if m.hasForm {
			ks = append(ks, m.form.KeyMap().ShortHelp()...)
		}
		if !m.typing() {
			ks = append(ks, kb([]string{"esc"}, "esc", "methods"))
		}
	case focusResp:
		ks = []key.Binding{m.keys.Resp.NextTab, m.keys.Resp.Save, m.keys.Resp.Copy, m.keys.Resp.Edit}
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

// shutdown cancels whatever still runs when the program ends.
func (m *appModel) shutdown() {
	if m.call != nil && m.call.running() {
		m.call.cancel()
	}
	if m.cmd.running != nil {
		m.cmd.running.cancel()
	}
	m.store.wait(2 * time.Second)
}

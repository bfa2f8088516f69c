package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
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
	focusInfo // the Details pane (details.go)
)

// appModel is the root model: it owns the panes, routes keys by focus,
// and runs calls. Every network or disk step is a tea.Cmd.
type appModel struct {
	ctx context.Context
	// lookups is the context of the reflection lookups the tree makes:
	// quitting ends it, so that a server that never answers does not hold
	// up the exit.
	lookups    context.Context
	endLookups context.CancelFunc
	*uiCtx     // st, s, now, loc, call, spinner: shared with the components
	opts       Options
	keys       keyMap

	profile colorprofile.Profile
	isDark  bool

	w, h     int
	focus    focus
	overlays []Component // the screens over the panes, the last on top

	tree     treeModel
	anyTypes []protoreflect.FullName

	form       formPane
	hasForm    bool
	method     protoreflect.MethodDescriptor // the form's method
	savedForms map[protoreflect.FullName]form.Model

	resp      responseModel
	callModel // the call's lifecycle and the connection state; embedded: tests set keep, describe, connState
	nextID    int
	spinning  bool

	hist  historyModel
	store *historyStore
	meta  metadataModel
	cmd   cmdbarModel
	exec  *cmdExecutor
	helpm helpModel
	learn explainPane // L (explain.go)
	info  detailsModel
	coll  collectionsModel
	yank  copyAsMenu // alt+y (copyas.go)

	saving bool // the save prompt has focus
	save   textinput.Model

	flash    string
	flashErr bool
	flashID  int
	quitting bool
	signal   *SignalError // the signal that ended the TUI

	flashWhile func() bool // the flash is true only while this holds (flash.go)
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
	ui := &uiCtx{ctx: ctx, s: s, now: time.Now, loc: time.Local, spinner: sp}
	m := &appModel{
		ctx:        ctx,
		uiCtx:      ui,
		opts:       opts,
		keys:       keys,
		profile:    profile,
		isDark:     true,
		tree:       newTree(keys.Tree),
		savedForms: map[protoreflect.FullName]form.Model{},
		resp:       newResponse(keys.Resp),
		hist:       historyModel{keys: keys.Hist},
		store:      &historyStore{path: histPath},
		meta:       newMetadata(keys.Meta),
		cmd:        newCmdbar(keys.Cmd),
		helpm:      newHelp(),
		save:       save,
		info:       newDetails(keys.Info),
		coll:       newCollections(keys.Coll),
	}
	m.info.ui = ui
	m.tree.ui, m.resp.ui, m.hist.ui, m.meta.ui, m.cmd.ui, m.helpm.ui, m.learn.ui = ui, ui, ui, ui, ui, ui, ui
	m.coll.ui = ui
	m.helpm.keys = keys.Over
	m.callModel = callModel{ctx: ctx, ui: ui}
	m.lookups, m.endLookups = context.WithCancel(ctx)
	m.st = newStyles(profile, m.isDark)
	m.exec = newCmdExecutor(s, m.cmd.out, !opts.NoColor)
	m.cmd.complete = m.exec.x.CompleteLine
	if conn := s.Conn(); conn != nil {
		m.callModel.describe = conn.Describe()
	}
	return m
}

func (m *appModel) Init() tea.Cmd {
	cmds := []tea.Cmd{loadServicesCmd(m.lookups, m.s), loadHistoryCmd(m.store), tea.RequestBackgroundColor}
	conn, watch := startWatch(m.ctx, m.s)
	m.callModel.conn = conn
	if watch != nil {
		cmds = append(cmds, watch)
	}
	return tea.Batch(cmds...)
}

// busy says something runs that the spinner shows.
func (m *appModel) busy() bool {
	return m.callModel.running() || m.cmd.running != nil
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
	m.flashWhile = nil
	// Flashes quote errors, and errors quote the server.
	m.flash, m.flashErr = dynamic.SafeLine(text), isErr
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
	m.tree.SetSize(lw-2, mainH-infoH-2)
	m.info.SetSize(lw-2, infoH-2)
	rw := m.w - lw
	reqH, respH := m.rightHeights(mainH)
	if m.hasForm {
		m.form.SetSize(rw-2, reqH-2)
	}
	m.resp.SetSize(rw-2, respH-2)
	m.cmd.SetSize(rw-2, respH-2)
	m.cmd.input.SetWidth(max(m.w-3, 1))
	m.hist.SetSize(m.w-2, mainH-3)
	m.meta.SetSize(m.w-2, mainH-2)
	m.helpm.SetSize(m.w-2, mainH-2)
	m.learn.SetSize(m.w-2, mainH-2)
	m.coll.SetSize(m.w-2, mainH-2)
	m.yank.SetSize(m.w-2, mainH-2)
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
	if m.focus == focusInfo {
		// Focused, the Details pane takes half the column, at every size.
		return max(min(mainH/2, mainH-4), 0)
	}
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
	if req < 2 || mainH-req < 2 {
		// Too short for both boxes at their minimum: halves, never a
		// negative height (the response box was drawn a line too tall,
		// its bottom border under the Methods pane).
		req = mainH / 2
	}
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
	case m.topOverlay() == ovMetadata:
		return m.meta.typing()
	case m.topOverlay() == ovColl:
		return m.coll.typing()
	case m.topOverlay() != ovNone:
		return false
	case m.focus == focusTree:
		return m.tree.typing()
	case m.focus == focusForm:
		return m.hasForm && m.form.Editing()
	case m.focus == focusResp:
		return m.resp.typing()
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
		m.savedForms[m.method.FullName()] = m.form.Model
	}
	if f, ok := m.savedForms[md.FullName()]; ok && f.Descriptor().FullName() == md.Input().FullName() {
		m.form = formPane{f}
	} else {
		m.form = formPane{newRequestForm(m.s, md, m.anyTypes, m.profile, m.isDark, 40, 10)}
	}
	m.method = md
	m.hasForm = true
	m.layout()
}

func (m *appModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.expireFlash()
	// Keep the response viewer current after anything that changed it.
	return m, tea.Batch(cmd, m.resp.refresh(m.call, m.s, m.st, m.loc))
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
		m.tree.setServices(msg.services, msg.broken, msg.err)
		m.tree.version = msg.version
		if msg.err == nil {
			m.anyTypes = messageNames(msg.services)
		}
		return nil
	case treeOpenMsg:
		m.openForm(msg.method)
		return m.setFocus(focusForm)
	case callStartedMsg:
		return m.afterCalls(m.callModel.onStarted(msg))
	case callEventsMsg:
		m.observeEvents(msg)
		return m.afterCalls(m.callModel.onEvents(msg))
	case callSentMsg:
		return m.afterCalls(m.callModel.onSent(msg))
	case callClosedMsg:
		m.callModel.onClosed(msg)
		return nil
	case callChangedMsg:
		m.resp.dirty = true
		return nil
	case docSearchStepMsg:
		return msg.v.searchStep(msg)
	case callFlashMsg:
		if msg.untilEnd {
			return m.setFlashWhile(msg.text, msg.isErr, m.whileCallRuns())
		}
		return m.setFlash(msg.text, msg.isErr)
	case callEndedMsg:
		return m.finish(msg.c)
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
		return m.callModel.onConnState(msg)
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
	case overlayClosedMsg:
		m.popOverlay()
		return nil
	case cmdLineMsg:
		return m.runCommand(msg.line)
	case explainCopyMsg:
		return m.copyLesson()
	case historyActMsg:
		m.popOverlay()
		return resolveHistoryCmd(m.s, msg.entry, msg.rerun)
	case historyResolvedMsg:
		return m.onHistoryResolved(msg)
	case collLoadedMsg, collSavedMsg, collTestMsg:
		return m.drive(&m.coll, msg)
	case collOpenMsg:
		m.popOverlay()
		return m.loadCollCall(msg.call)
	case collResolvedMsg:
		return m.onCollResolved(msg)
	case historySaveMsg:
		return m.saveHistoryCall(msg.entry)
	case savedMsg:
		if msg.err != nil {
			return m.setFlash("not saved: "+msg.err.Error(), true)
		}
		return m.setFlash(fmt.Sprintf("saved %d bytes to %s", msg.n, msg.path), false)
	case cmdDoneMsg:
		return m.onCmdDone(msg)
	case signalMsg:
		m.signal = &SignalError{Signal: msg.sig, Cancelled: m.busy()}
		if m.call != nil && m.call.running() {
			m.call.cancel()
		}
		return m.quit()
	case debugPanicMsg:
		panic(string(msg))
	case interface{ ack() }:
		msg.ack() // tests: every message before this one was handled
		return nil
	case tea.PasteMsg:
		return m.routeToFocused(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseMsg:
		return m.onMouse(msg) // mouse.go
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
		cmds = append(cmds, m.drive(&m.form, msg))
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
		cmds = append(cmds, m.drive(&m.form, msg))
	}
	if m.tree.filtering {
		cmds = append(cmds, m.drive(&m.tree, msg))
	}
	if m.cmd.active {
		cmds = append(cmds, m.drive(&m.cmd, msg))
	}
	return tea.Batch(cmds...)
}

func (m *appModel) routeToFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.saving:
		m.save, cmd = m.save.Update(msg)
	case m.cmd.active:
		// A paste is never enter: the bar sends no line here.
		cmd = m.drive(&m.cmd, msg)
	case m.topOverlay() == ovMetadata:
		cmd = m.drive(&m.meta, msg)
	case m.topOverlay() == ovColl:
		cmd = m.drive(&m.coll, msg)
	case m.topOverlay() != ovNone:
	case m.focus == focusForm && m.hasForm:
		cmd = m.drive(&m.form, msg)
	case m.focus == focusTree:
		cmd = m.drive(&m.tree, msg)
	case m.focus == focusResp:
		cmd = m.drive(&m.resp, msg)
	}
	return cmd
}

// overlayClosedMsg says the overlay on top closed itself.
type overlayClosedMsg struct{}

// openLesson shows, for the request in the form, each step of the seed
// document's workflow: the .proto, the protoc commands, client code using
// the generated stub, the request's bytes on the wire, and grpcurl.
func (m *appModel) openLesson() tea.Cmd {
	data, fail := m.formRequest("pick a method first: L explains calling it")
	if fail != nil {
		return fail
	}
	lesson, err := m.s.Explain(m.method, []byte(data))
	if err != nil {
		return m.setFlash(err.Error(), true)
	}
	lesson.Call = m.call.wire(m.method) // the last call's frames, if of this method
	method := m.method
	m.learn.cancelSend() // the pane it replaces, if it was not closed
	m.learn = newExplainPane(lesson, func(ctx context.Context) (*dynamic.Lesson, error) {
		return m.s.ExplainSend(ctx, method, []byte(data))
	})
	m.learn.ui = m.uiCtx
	m.layout()
	m.pushOverlay(ovLearn)
	return nil
}

func (m *appModel) nextFocus(d int) focus {
	order := []focus{focusTree, focusForm, focusResp, focusInfo}
	if !m.hasForm {
		order = []focus{focusTree, focusResp, focusInfo}
	}
	i := 0
	for j, f := range order {
		if f == m.focus {
			i = j
		}
	}
	return order[(i+d+len(order))%len(order)]
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
	m.endLookups()
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
	if m.topOverlay() == ovColl && m.coll.typing() {
		return m.drive(&m.coll, tea.KeyPressMsg{Code: tea.KeyEscape}) // cancels the save prompt, as esc
	}
	if m.call != nil && m.call.running() {
		return m.cancelCall()
	}
	if m.cmd.running != nil {
		m.cmd.running.cancel()
		return m.setFlashWhile("cancelling the command…", false, m.whileCmdRuns())
	}
	return m.quit()
}

func (m *appModel) onHistoryResolved(msg historyResolvedMsg) tea.Cmd {
	if msg.err != nil {
		return m.setFlash("history: "+msg.err.Error(), true)
	}
	if msg.rerun && m.call != nil && m.call.running() {
		// Refuse before touching the form: what is typed there stays.
		return m.setFlashWhile("a call is running: esc or ctrl+c cancels it", true, m.whileCallRuns())
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
		return m.setFlashWhile("a command is running: ctrl+c cancels it", true, m.whileCmdRuns())
	}
	m.nextID++
	ctx, cancel := context.WithCancel(m.ctx)
	m.cmd.running = &cmdRun{id: m.nextID, line: line, cancel: cancel}
	fmt.Fprintf(m.cmd.out, ":%s\n", shownCommand(line)) // a -proxy password, secret headers stay off the screen
	m.cmd.showOut = true
	m.cmd.follow = true
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
			return m.setFlashWhile("a call is running: esc or ctrl+c cancels it first", true, m.whileBusy())
		}
		return m.quit()
	}
	if msg.err != nil {
		fmt.Fprintf(m.cmd.out, "error: %v\n", msg.err)
	}
	// A command may have changed the session: headers, settings, the
	// connection and so the services.
	var cmds []tea.Cmd
	if m.topOverlay() == ovMetadata {
		m.meta.load(m.s)
	}
	if watch, changed := m.callModel.watchConn(); changed {
		cmds = append(cmds, watch)
		m.tree.loading = true
		cmds = append(cmds, loadServicesCmd(m.lookups, m.s))
	} else if m.s.SourceVersion() != m.tree.version {
		// connect -proto/-protoset: new descriptors, the same connection.
		m.tree.loading = true
		cmds = append(cmds, loadServicesCmd(m.lookups, m.s))
	}
	return tea.Batch(cmds...)
}

// shutdown cancels whatever still runs when the program ends.
func (m *appModel) shutdown() {
	m.endLookups()
	if m.call != nil && m.call.running() {
		m.call.cancel()
	}
	if m.cmd.running != nil {
		m.cmd.running.cancel()
	}
	m.learn.cancelSend()
	m.store.wait(2 * time.Second)
	if m.call != nil {
		m.call.msgs.close() // and its temporary file
	}
}

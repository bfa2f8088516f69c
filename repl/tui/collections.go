package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// collectionsModel is the collections overlay (C): the collection's files
// and their calls (collection_file.go). enter loads a call into the form,
// t runs the file as a test; alt+s in the form and w in the history open
// it to save a call, asking for a file and a name.
type collectionsModel struct {
	ui      *uiCtx
	keys    collKeys
	dir     string
	files   []collFile
	err     error
	loading bool
	rows    []collRow
	cursor  int
	offset  int
	w, h    int

	// The save prompt, while pending is not nil.
	pending *savedCall
	field   int // 0: the file, 1: the name
	fileIn  textinput.Model
	nameIn  textinput.Model
	saveErr string

	// The last test run: its file and its PASS/FAIL lines.
	testing    string             // the file running, "" when none
	stopTest   context.CancelFunc // ends the run of testing (t again, or the app's end)
	testFile   string
	testOut    []string
	testPassed bool

	// selectFile puts the cursor on the last call of this file once the
	// listing is read again (after a save).
	selectFile string
}

// collRow is a file (call < 0) or one of its calls.
type collRow struct{ file, call int }

func newCollections(keys collKeys) collectionsModel {
	fileIn, nameIn := textinput.New(), textinput.New()
	fileIn.Prompt, nameIn.Prompt = "file: ", "name: "
	fileIn.CharLimit, nameIn.CharLimit = 1024, 200
	return collectionsModel{keys: keys, fileIn: fileIn, nameIn: nameIn}
}

// Messages of the overlay: the listing read, a call to load (to the app),
// a call saved, a test run's result.
type (
	collLoadedMsg struct {
		files []collFile
		err   error
	}
	collOpenMsg     struct{ call collCall }
	collResolvedMsg struct {
		res  historyResolvedMsg
		call collCall
		file collFile
	}
	collSavedMsg struct {
		file, name string
		warns      []string
		err        error
	}
	collTestMsg struct {
		file string
		out  string
		code int
	}
	// historySaveMsg asks the app to save a history entry (w).
	historySaveMsg struct{ entry historyEntry }
)

// envVars are the variables a secret header's value may be found in, for
// saving it as ${VAR}: the process environment, then the env file's.
func envVars(s *repl.Session) map[string]string {
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	if e := s.Env(); e != nil {
		for k, v := range e.Vars {
			vars[k] = v
		}
	}
	return vars
}

func loadCollectionCmd(s *repl.Session, dir string) tea.Cmd {
	ce := collEnvOf(s)
	return guard(func() tea.Msg {
		files, err := scanCollection(dir, ce)
		return collLoadedMsg{files: files, err: err}
	})
}

// reload reads the folder again (in the background).
func (m *collectionsModel) reload() tea.Cmd {
	m.dir = m.ui.s.Collection()
	m.loading = true
	return loadCollectionCmd(m.ui.s, m.dir)
}

func (m *collectionsModel) setFiles(files []collFile, err error) {
	m.loading = false
	m.files, m.err = files, err
	m.rows = m.rows[:0]
	for i, f := range files {
		m.rows = append(m.rows, collRow{i, -1})
		for j := range f.calls {
			m.rows = append(m.rows, collRow{i, j})
		}
	}
	m.clamp()
}

func (m *collectionsModel) clamp() {
	m.cursor = max(min(m.cursor, len(m.rows)-1), 0)
	lh := max(m.listHeight(), 1)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+lh {
		m.offset = m.cursor - lh + 1
	}
}

// listHeight is the rows left for the list under the heading and over
// the bottom part (the prompt, test results or the call's details).
func (m *collectionsModel) listHeight() int {
	return m.h - len(m.heading()) - len(m.bottom())
}

func (m *collectionsModel) selected() (collFile, *collCall, bool) {
	if m.cursor >= len(m.rows) {
		return collFile{}, nil, false
	}
	r := m.rows[m.cursor]
	f := m.files[r.file]
	if r.call < 0 {
		return f, nil, true
	}
	return f, &f.calls[r.call], true
}

// startSave opens the prompt for sc, the file the cursor is on (or
// requests.grpcsh) and name proposed.
func (m *collectionsModel) startSave(sc savedCall, name string) tea.Cmd {
	m.pending = &sc
	m.saveErr = ""
	file := "requests.grpcsh"
	if f, _, ok := m.selected(); ok {
		file = f.rel
	}
	m.fileIn.SetValue(file)
	m.fileIn.CursorEnd()
	m.nameIn.SetValue(name)
	m.nameIn.CursorEnd()
	m.field = 1
	m.fileIn.Blur()
	return m.nameIn.Focus()
}

func (m *collectionsModel) focusField(f int) tea.Cmd {
	m.field = f
	if f == 0 {
		m.nameIn.Blur()
		return m.fileIn.Focus()
	}
	m.fileIn.Blur()
	return m.nameIn.Focus()
}

// typing says the save prompt has the keys.
func (m *collectionsModel) typing() bool { return m.pending != nil }

// Update handles keys and the overlay's own messages (Component).
func (m *collectionsModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	switch msg := msg.(type) {
	case collLoadedMsg:
		m.setFiles(msg.files, msg.err)
		if m.selectFile != "" {
			for i, r := range m.rows {
				if m.files[r.file].path == m.selectFile {
					m.cursor = i
				}
			}
			m.selectFile = ""
			m.clamp()
		}
		return m, nil
	case collSavedMsg:
		if msg.err != nil {
			m.saveErr = msg.err.Error()
			return m, nil
		}
		m.pending = nil
		m.fileIn.Blur()
		m.nameIn.Blur()
		m.selectFile = msg.file
		text := fmt.Sprintf("saved %q to %s", msg.name, msg.file)
		if len(msg.warns) > 0 {
			m.ui.send(callFlashMsg{text: text + " · " + strings.Join(msg.warns, "; "), isErr: true})
		} else {
			m.ui.send(callFlashMsg{text: text + " · t runs it as a test"})
		}
		return m, m.reload()
	case collTestMsg:
		if m.stopTest != nil {
			m.stopTest()
		}
		m.testing, m.stopTest = "", nil
		m.testFile, m.testPassed = msg.file, msg.code == 0
		m.testOut = strings.Split(strings.TrimRight(msg.out, "\n"), "\n")
		m.clamp()
		return m, nil
	case tea.KeyPressMsg:
		if m.pending != nil {
			return m, m.onSaveKey(msg)
		}
		return m, m.onKey(msg)
	case tea.PasteMsg:
		if m.pending != nil {
			var cmd tea.Cmd
			if m.field == 0 {
				m.fileIn, cmd = m.fileIn.Update(msg)
			} else {
				m.nameIn, cmd = m.nameIn.Update(msg)
			}
			return m, cmd
		}
	}
	return m, nil
}

func (m *collectionsModel) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.cursor--
	case key.Matches(msg, k.Down):
		m.cursor++
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = len(m.rows) - 1
	case key.Matches(msg, k.Load):
		f, c, ok := m.selected()
		switch {
		case !ok:
		case f.err != nil:
			m.ui.send(callFlashMsg{text: dynamic.SafeLine(f.rel) + ": " + dynamic.SafeLine(f.err.Error()), isErr: true})
		case c != nil:
			m.ui.send(collOpenMsg{call: *c})
		}
		return nil
	case key.Matches(msg, k.Test):
		if m.testing != "" {
			// t again stops the run: a slow server must not hold up the
			// next one (the run reports its file as cancelled).
			m.stopTest()
			return nil
		}
		f, _, ok := m.selected()
		if !ok {
			return nil
		}
		ctx := m.ui.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, m.stopTest = context.WithCancel(ctx)
		m.testing = f.path
		m.testOut = nil
		m.clamp()
		return runFileTestCmd(ctx, m.ui.s, f.path)
	case key.Matches(msg, k.Reload):
		return m.reload()
	case key.Matches(msg, k.Close):
		m.ui.send(overlayClosedMsg{})
		return nil
	}
	m.clamp()
	return nil
}

func (m *collectionsModel) onSaveKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Abort):
		m.pending, m.saveErr = nil, ""
		m.fileIn.Blur()
		m.nameIn.Blur()
		m.ui.send(callFlashMsg{text: "not saved"})
		return nil
	case key.Matches(msg, k.Field):
		return m.focusField(1 - m.field)
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
		// ↑/↓ pick an existing file for the file field.
		if msg.String() == "k" || msg.String() == "j" {
			break
		}
		if key.Matches(msg, k.Up) {
			m.cursor--
		} else {
			m.cursor++
		}
		m.clamp()
		if f, _, ok := m.selected(); ok {
			m.fileIn.SetValue(f.rel)
			m.fileIn.CursorEnd()
		}
		return nil
	case key.Matches(msg, k.Confirm):
		if m.field == 0 {
			return m.focusField(1)
		}
		file, err := collFileName(m.dir, m.fileIn.Value())
		if err != nil {
			m.saveErr = err.Error()
			return m.focusField(0)
		}
		return saveCallCmd(m.ui.s, m.dir, file, m.nameIn.Value(), *m.pending)
	}
	var cmd tea.Cmd
	if m.field == 0 {
		m.fileIn, cmd = m.fileIn.Update(msg)
	} else {
		m.nameIn, cmd = m.nameIn.Update(msg)
	}
	m.saveErr = ""
	return cmd
}

func saveCallCmd(s *repl.Session, dir, file, name string, sc savedCall) tea.Cmd {
	vars, ce := envVars(s), collEnvOf(s)
	name = strings.TrimSpace(name)
	return guard(func() tea.Msg {
		warns, err := appendCall(dir, file, name, sc, vars, ce)
		return collSavedMsg{file: file, name: name, warns: warns, err: err}
	})
}

// runFileTestCmd runs one file as `grpcsh TARGET test FILE` does, over a
// connection of its own, in the background.
func runFileTestCmd(ctx context.Context, s *repl.Session, file string) tea.Cmd {
	return guard(func() tea.Msg {
		var out bytes.Buffer
		code := repl.RunTests(ctx, repl.TestOptions{Paths: []string{file}, Out: &out, NewSession: s.NewSessionLike})
		return collTestMsg{file: file, out: out.String(), code: code}
	})
}

// bottom is the part under the list: the save prompt, the test run, or
// the selected call's details.
func (m *collectionsModel) bottom() []string {
	st := m.ui.st
	w := max(m.w, 10)
	var out []string
	switch {
	case m.pending != nil:
		out = append(out, st.Dim.Render(fit("save "+dynamic.SafeLine(m.pending.method)+" to the collection "+dynamic.SafeLine(m.dir)+" · ↑/↓ an existing file · "+hints(m.keys.Field, m.keys.Confirm, m.keys.Abort), w)))
		m.fileIn.SetWidth(max(w-8, 10))
		m.nameIn.SetWidth(max(w-8, 10))
		out = append(out, fit(m.fileIn.View(), w), fit(m.nameIn.View(), w))
		if m.saveErr != "" {
			out = append(out, st.Err.Render(fit("✗ "+dynamic.SafeLine(m.saveErr), w)))
		}
	case m.testing != "":
		out = append(out, st.Dim.Render(fit("running "+dynamic.SafeLine(m.testing)+" as a test… (t stops it)", w)))
	case m.testFile != "":
		style := st.OK
		if !m.testPassed {
			style = st.Err
		}
		n := max(min(len(m.testOut), m.h/3), 1)
		for i, l := range m.testOut[:n] {
			s := dynamic.SafeLine(l)
			if i == 0 {
				s = style.Render(fit(s, w))
			} else {
				s = st.Dim.Render(fit(s, w))
			}
			out = append(out, s)
		}
	default:
		f, c, ok := m.selected()
		switch {
		case !ok:
		case f.err != nil:
			out = append(out, st.Err.Render(fit("✗ "+dynamic.SafeLine(f.err.Error()), w)))
		case c != nil:
			out = append(out, st.Dim.Render(fit(callDetail(*c), w)))
			if len(c.requests) > 0 {
				out = append(out, st.Dim.Render(fit(dynamic.SafeLine(string(c.requests[0])), w)))
			}
		}
	}
	return out
}

// callDetail sums up a saved call's headers (secrets redacted) and
// deadline.
func callDetail(c collCall) string {
	parts := []string{dynamic.SafeLine(c.method)}
	for _, kv := range repl.MDLines(c.state.header, true) {
		parts = append(parts, dynamic.SafeLine(kv[0]+": "+kv[1]))
	}
	if c.state.deadline > 0 {
		parts = append(parts, "deadline "+c.state.deadline.String())
	}
	return strings.Join(parts, " · ")
}

// heading is the line (or lines) over the list.
func (m *collectionsModel) heading() []string {
	st := m.ui.st
	w := max(m.w, 10)
	var lines []string
	switch {
	case m.loading && len(m.files) == 0:
		lines = append(lines, st.Dim.Render("reading "+dynamic.SafeLine(m.dir)+"…"))
	case m.err != nil:
		lines = append(lines, st.Err.Render(fit("✗ "+dynamic.SafeLine(m.err.Error()), w)))
	case len(m.files) == 0:
		// One entry per screen line: the padding below counts them.
		for _, l := range strings.Split(wrap("No .grpcsh files in "+dynamic.SafeLine(m.dir)+" yet. alt+s in a method's form (or w in the history) saves the call there, as the lines a script has.", w), "\n") {
			lines = append(lines, st.Dim.Render(l))
		}
	default:
		n := 0
		for _, f := range m.files {
			n += len(f.calls)
		}
		lines = append(lines, st.Dim.Render(fit(fmt.Sprintf("%s · %d files · %d calls", dynamic.SafeLine(m.dir), len(m.files), n), w)))
	}
	return lines
}

func (m *collectionsModel) View() string {
	w := max(m.w, 10)
	lines := m.heading()
	bottom := m.bottom()
	lh := max(m.h-len(lines)-len(bottom), 1)
	for i := m.offset; i < len(m.rows) && i < m.offset+lh; i++ {
		lines = append(lines, m.rowView(i, w))
	}
	for len(lines) < m.h-len(bottom) {
		lines = append(lines, "")
	}
	lines = append(lines, bottom...)
	return strings.Join(lines, "\n")
}

func (m *collectionsModel) rowView(i, w int) string {
	st := m.ui.st
	r := m.rows[i]
	f := m.files[r.file]
	marker := "  "
	if i == m.cursor {
		marker = "▸ "
	}
	var line string
	if r.call < 0 {
		info := fmt.Sprintf("%d calls", len(f.calls))
		if len(f.calls) == 1 {
			info = "1 call"
		}
		if f.err != nil {
			info = "✗ does not parse"
		}
		if f.path == m.testFile && m.testing == "" {
			info += map[bool]string{true: " · PASS", false: " · FAIL"}[m.testPassed]
		}
		name := dynamic.SafeLine(filepath.ToSlash(f.rel))
		line = fmt.Sprintf("%s%-*s %s", marker, max(w-len(info)-3, 1), name, info)
	} else {
		c := f.calls[r.call]
		name := dynamic.SafeLine(c.title())
		method := dynamic.SafeLine(c.method)
		nameW := max(w/2-4, 8)
		line = fmt.Sprintf("%s    %-*s %s", marker, nameW, truncate(name, nameW), method)
	}
	line = fit(line, w)
	if i == m.cursor {
		return st.Selected.Render(ansiStrip(line))
	}
	return line
}

func truncate(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	return string(r[:max(w-1, 0)]) + "…"
}

func (m *collectionsModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.clamp()
}

func (m *collectionsModel) KeyMap() help.KeyMap {
	if m.pending != nil {
		// The first two are left out of the box's hint (as ↑/↓ are).
		return keyList{m.keys.Up, m.keys.Down, m.keys.Field, m.keys.Confirm, m.keys.Abort}
	}
	return m.keys
}

var _ Component = (*collectionsModel)(nil)

// The app's side: opening the overlay, loading a call, saving one.

// openCollections shows the overlay and reads the folder.
func (m *appModel) openCollections() tea.Cmd {
	m.pushOverlay(ovColl)
	return m.coll.reload()
}

// formRequest is the form's request as JSON, or the flash saying why
// there is none (noForm when no form is open).
func (m *appModel) formRequest(noForm string) (string, tea.Cmd) {
	if !m.hasForm || m.method == nil {
		return "", m.setFlash(noForm, true)
	}
	req, err := m.form.Message()
	if err != nil {
		return "", m.setFlash("fix the request first: "+err.Error(), true)
	}
	data, err := dynamic.Formatter{Types: m.s.Types()}.Format(req)
	if err != nil {
		return "", m.setFlash(err.Error(), true)
	}
	return data, nil
}

// saveFormCall is alt+s: the form's request, with the session's headers
// and deadline, to save.
func (m *appModel) saveFormCall() tea.Cmd {
	data, fail := m.formRequest("open a method's form first: alt+s saves its request to the collection")
	if fail != nil {
		return fail
	}
	sc := savedCall{
		method:   dynamic.MethodPath(m.method),
		requests: []string{data},
		state:    callState{header: m.s.Header().Copy(), deadline: m.s.Settings().Deadline},
	}
	m.form.Blur()
	cmd := m.openCollections()
	return tea.Batch(cmd, m.coll.startSave(sc, string(m.method.Name())))
}

// saveHistoryCall is w in the history: the entry's requests and headers
// (secrets already redacted in the history file, so saved as variables).
func (m *appModel) saveHistoryCall(e historyEntry) tea.Cmd {
	method := e.Method
	if i := strings.LastIndexByte(method, '.'); i > 0 && !strings.Contains(method, "/") {
		method = method[:i] + "/" + method[i+1:]
	}
	sc := savedCall{method: method, state: callState{header: e.Header}, redacted: true}
	if sc.state.header == nil {
		sc.state.header = map[string][]string{}
	}
	for _, r := range e.Requests {
		sc.requests = append(sc.requests, string(r))
	}
	m.popOverlay()
	cmd := m.openCollections()
	name := method
	if i := strings.LastIndexByte(method, '/'); i >= 0 {
		name = method[i+1:]
	}
	return tea.Batch(cmd, m.coll.startSave(sc, name))
}

// loadCollCall resolves a saved call's method and requests as a history
// entry's are (e), in the background.
func (m *appModel) loadCollCall(c collCall) tea.Cmd {
	e := historyEntry{Method: c.method}
	for _, r := range c.requests {
		e.Requests = append(e.Requests, json.RawMessage(r))
	}
	resolve := resolveHistoryCmd(m.s, e, false)
	var file collFile
	if f, _, ok := m.coll.selected(); ok {
		file = f
	}
	return func() tea.Msg {
		msg := resolve()
		if r, ok := msg.(historyResolvedMsg); ok {
			return collResolvedMsg{res: r, call: c, file: file}
		}
		return msg
	}
}

// onCollResolved puts the call into the form, and its headers and
// deadline into the session (replacing the ones set before: they are
// what the call sends). Nothing changes when the call does not resolve.
func (m *appModel) onCollResolved(msg collResolvedMsg) tea.Cmd {
	if msg.res.err != nil {
		return m.setFlash("collection: "+msg.res.err.Error(), true)
	}
	cmd := m.onHistoryResolved(msg.res)
	for k := range m.s.Header() {
		m.s.DelHeader(k)
	}
	for k, vs := range msg.call.state.header {
		m.s.SetHeader(k, vs...)
	}
	st := m.s.Settings()
	st.Deadline = msg.call.state.deadline
	m.s.SetSettings(st)
	text := fmt.Sprintf("loaded %q: %d header(s)", msg.call.title(), len(msg.call.state.header))
	if d := msg.call.state.deadline; d > 0 {
		text += ", deadline " + d.String()
	}
	text += " · edit, then ctrl+s"
	isErr := false
	if len(msg.file.unset) > 0 {
		text += " · left as written: ${" + strings.Join(msg.file.unset, "}, ${") + "} (let binds them when the file runs)"
		isErr = true
	}
	return tea.Batch(cmd, m.setFlash(text, isErr))
}

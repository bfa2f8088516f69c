package tui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// historyEntry is one call, as kept in the history file (one JSON object
// per line). Secret-looking header values are redacted before they are
// written; request bodies are kept so a call can be re-run.
type historyEntry struct {
	Time      time.Time           `json:"time"`
	Target    string              `json:"target,omitempty"`
	Method    string              `json:"method"` // full name: pkg.Service.Method
	Kind      string              `json:"kind"`   // unary, server, client, bidi
	Requests  []json.RawMessage   `json:"requests,omitempty"`
	Header    map[string][]string `json:"header,omitempty"`
	Code      string              `json:"code"` // OK, NOT_FOUND...
	Message   string              `json:"message,omitempty"`
	LatencyMS float64             `json:"latency_ms"`
	Sent      int                 `json:"sent"`
	Received  int                 `json:"received"`
}

func (e historyEntry) latency() time.Duration {
	return time.Duration(e.LatencyMS * float64(time.Millisecond))
}

// maxHistory bounds the entries kept in memory and loaded from the file.
const maxHistory = 1000

// historyStore is the history file: loaded once, appended to after each
// call. It is safe for use from commands.
type historyStore struct {
	path    string
	mu      sync.Mutex
	pending sync.WaitGroup // appends not written yet
}

// wait waits, at most d, for the appends under way, so that quitting right
// after a call keeps it.
func (h *historyStore) wait(d time.Duration) {
	done := make(chan struct{})
	go func() {
		h.pending.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// defaultHistoryPath is $XDG_STATE_HOME/grpcsh/history.jsonl, else
// ~/.local/state/grpcsh/history.jsonl.
func defaultHistoryPath() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "grpcsh", "history.jsonl")
}

// load reads the newest maxHistory entries; lines that do not parse (a
// crash mid-write, a future format) are skipped.
func (h *historyStore) load() ([]historyEntry, error) {
	if h == nil || h.path == "" {
		return nil, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	f, err := os.Open(h.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []historyEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var e historyEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Method == "" {
			continue
		}
		out = append(out, e)
		if len(out) > 2*maxHistory {
			out = append(out[:0:0], out[len(out)-maxHistory:]...)
		}
	}
	if len(out) > maxHistory {
		out = out[len(out)-maxHistory:]
	}
	return out, sc.Err()
}

// add appends an entry. The directory is created 0700 and the file 0600;
// a file found with wider permissions is narrowed.
func (h *historyStore) add(e historyEntry) error {
	if h == nil || h.path == "" {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return err
	}
	line := buf.Bytes() // with its newline
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		_ = f.Chmod(0o600)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// historyLoadedMsg carries the entries of earlier sessions.
type historyLoadedMsg struct {
	entries []historyEntry
	err     error
}

// historySavedMsg reports an append to the history file.
type historySavedMsg struct{ err error }

func loadHistoryCmd(h *historyStore) tea.Cmd {
	return guard(func() tea.Msg {
		es, err := h.load()
		return historyLoadedMsg{entries: es, err: err}
	})
}

// addHistoryCmd appends e; the append counts as pending from now on.
func addHistoryCmd(h *historyStore, e historyEntry) tea.Cmd {
	h.pending.Add(1)
	return guard(func() tea.Msg {
		defer h.pending.Done()
		return historySavedMsg{err: h.add(e)}
	})
}

// entryOf makes the history entry of a finished call.
func entryOf(c *call, target string) historyEntry {
	e := historyEntry{
		Time:      c.startedAt,
		Target:    target,
		Method:    string(c.method.FullName()),
		Kind:      dynamic.MethodKind(c.method).Short(),
		Code:      repl.CodeName(c.code()),
		LatencyMS: float64(c.elapsed.Microseconds()) / 1000,
		Sent:      c.sent,
		Received:  c.msgs.total,
	}
	if c.status != nil && c.status.Status != nil {
		e.Message = c.status.Message()
	}
	for _, r := range c.requests {
		e.Requests = append(e.Requests, compactJSON(r))
	}
	if md := redactMD(c.header); len(md) > 0 {
		e.Header = md
	}
	return e
}

func compactJSON(s string) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, []byte(s)) != nil {
		raw, _ := json.Marshal(s)
		return raw
	}
	return b.Bytes()
}

// historyModel is the history pane: the calls of this and earlier
// sessions, newest first.
type historyModel struct {
	ui      *uiCtx
	keys    histKeys
	entries []historyEntry // oldest first
	cursor  int            // index into the newest-first view
	offset  int
	w, h    int
	err     error
	target  string // the current target: its calls are listed (history_target.go)
	all     bool   // every target's calls are listed
}

func (m *historyModel) add(e historyEntry) {
	m.entries = append(m.entries, e)
	if len(m.entries) > maxHistory {
		m.entries = m.entries[len(m.entries)-maxHistory:]
	}
	if m.cursor > 0 && (m.all || e.Target == m.target) {
		m.cursor++ // stay on the same entry
	}
	m.clamp()
}

// setLoaded puts the entries of earlier sessions before this session's.
func (m *historyModel) setLoaded(es []historyEntry, err error) {
	m.err = err
	m.entries = append(es, m.entries...)
	if len(m.entries) > maxHistory {
		m.entries = m.entries[len(m.entries)-maxHistory:]
	}
	m.clamp()
}

// at is the i-th entry listed, newest first.
func (m *historyModel) at(i int) (historyEntry, bool) {
	shown := m.shown()
	if i < 0 || i >= len(shown) {
		return historyEntry{}, false
	}
	return m.entries[shown[i]], true
}

func (m *historyModel) selected() (historyEntry, bool) { return m.at(m.cursor) }

func (m *historyModel) clamp() {
	m.cursor = min(m.cursor, m.count()-1)
	m.cursor = max(m.cursor, 0)
	lh := max(m.h-2, 1)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+lh {
		m.offset = m.cursor - lh + 1
	}
}

// historyActMsg asks the app to re-run an entry, or load it into the form.
type historyActMsg struct {
	entry historyEntry
	rerun bool
}

// historyResolvedMsg carries an entry's method and requests, found in the
// background (reflection may be needed).
type historyResolvedMsg struct {
	entry    historyEntry
	rerun    bool
	method   protoreflect.MethodDescriptor
	requests []proto.Message
	err      error
}

func resolveHistoryCmd(s *repl.Session, e historyEntry, rerun bool) tea.Cmd {
	return guard(func() tea.Msg {
		out := historyResolvedMsg{entry: e, rerun: rerun}
		m, err := s.FindMethod(e.Method)
		if err != nil {
			if t := s.Target(); e.Target != "" && e.Target != t {
				err = fmt.Errorf("%w (the call was made on %s: :connect %s to use it)", err, dynamic.SafeLine(e.Target), dynamic.SafeLine(e.Target))
			}
			out.err = err
			return out
		}
		out.method = m
		for i, r := range e.Requests {
			msg, err := s.ParseRequest(m, r)
			if err != nil {
				out.err = fmt.Errorf("request %d of the history entry: %w", i+1, err)
				return out
			}
			out.requests = append(out.requests, msg)
		}
		return out
	})
}

// Update handles a key (Component); it sends the app historyActMsg
// (re-run or edit an entry) or overlayClosedMsg.
func (m *historyModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	kmsg, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	k := m.keys
	switch {
	case key.Matches(kmsg, k.Up):
		m.cursor--
	case key.Matches(kmsg, k.Down):
		m.cursor++
	case key.Matches(kmsg, k.Top):
		m.cursor = 0
	case key.Matches(kmsg, k.Bottom):
		m.cursor = m.count() - 1
	case key.Matches(kmsg, k.Targets):
		m.all = !m.all
		m.cursor, m.offset = 0, 0
	case key.Matches(kmsg, k.Rerun), key.Matches(kmsg, k.Edit):
		e, ok := m.selected()
		if !ok {
			return m, nil
		}
		if why := m.elsewhere(e); why != "" && key.Matches(kmsg, k.Rerun) {
			m.ui.send(callFlashMsg{text: why, isErr: true})
			return m, nil
		}
		m.ui.send(historyActMsg{entry: e, rerun: key.Matches(kmsg, k.Rerun)})
		return m, nil
	case key.Matches(kmsg, k.Save):
		if e, ok := m.selected(); ok {
			m.ui.send(historySaveMsg{entry: e})
		}
		return m, nil
	case key.Matches(kmsg, k.Close):
		m.ui.send(overlayClosedMsg{})
		return m, nil
	}
	m.clamp()
	return m, nil
}

func (m historyModel) view(st Styles, loc *time.Location, now time.Time) string {
	w := m.w
	var lines []string
	if m.err != nil {
		lines = append(lines, st.Warn.Render("history file: "+m.err.Error()))
	}
	if m.count() == 0 {
		text := "No calls yet. Calls made here are listed, newest first, and kept across runs."
		if len(m.entries) > 0 {
			text = fmt.Sprintf("No calls to this server yet: %s shows the %d of other targets.", m.keys.Targets.Help().Key, len(m.entries))
		}
		lines = append(lines, st.Dim.Render(text))
		return strings.Join(lines, "\n")
	}
	// time · [target ·] method · status · latency · messages sent→received
	const statusW, latW, msgsW = 20, 9, 11
	targetW := 0
	if m.all {
		for _, e := range m.entries {
			targetW = max(targetW, len(dynamic.SafeLine(e.Target)))
		}
		targetW = min(targetW, max(w/5, 12))
	}
	methodW := max(w-2-8-1-1-statusW-latW-msgsW-targetW-min(targetW, 1), 10)
	tcol := func(s string) string {
		if targetW == 0 {
			return ""
		}
		if len(s) > targetW {
			s = s[:targetW-1] + "…"
		}
		return fmt.Sprintf("%-*s ", targetW, s)
	}
	header := fmt.Sprintf("  %-8s %s%-*s %-*s%*s%*s", "TIME", tcol("TARGET"), methodW, "METHOD", statusW, "STATUS", latW, "LATENCY", msgsW, "SENT→RECV")
	lines = append(lines, st.Dim.Render(fit(header, w)))
	lh := max(m.h-1-len(lines)+1, 1)
	today := now.In(loc).Format("2006-01-02")
	for i := m.offset; i < m.count() && i < m.offset+lh; i++ {
		e, _ := m.at(i)
		t := e.Time.In(loc)
		ts := t.Format("15:04:05")
		if t.Format("2006-01-02") != today {
			ts = t.Format("Jan 02")
		}
		code := e.Code
		cs := st.OK
		if code != "OK" {
			cs = st.Err
			code = "✗ " + code
		} else {
			code = "✓ OK"
		}
		method := dynamic.SafeLine(e.Method)
		if len(method) > methodW {
			method = "…" + method[len(method)-methodW+1:]
		}
		msgs := fmt.Sprintf("%d→%d", e.Sent, e.Received)
		marker := "  "
		if i == m.cursor {
			marker = "▸ "
		}
		line := fmt.Sprintf("%s%-8s %s%-*s %s%*s%*s", marker, ts, tcol(dynamic.SafeLine(e.Target)), methodW, method, cs.Render(fmt.Sprintf("%-*s", statusW, code)), latW, fmtDur(e.latency()), msgsW, msgs)
		line = fit(line, w)
		if i == m.cursor {
			line = st.Selected.Render(ansiStrip(line))
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// detail is the selected entry's request, for the bottom of the pane.
func (m historyModel) detail() string {
	e, ok := m.selected()
	if !ok {
		return ""
	}
	var parts []string
	for _, r := range e.Requests {
		parts = append(parts, string(r))
	}
	s := strings.Join(parts, " ")
	if e.Message != "" {
		s += "  — " + e.Message
	}
	return dynamic.SafeLine(s)
}

// Component: the history overlay. Choosing an entry is a historyActMsg,
// closing an overlayClosedMsg, both sent to the app.

func (m *historyModel) View() string { return m.view(m.ui.st, m.ui.loc, m.ui.now()) }
func (m *historyModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.clamp()
}
func (m *historyModel) KeyMap() help.KeyMap { return m.keys }

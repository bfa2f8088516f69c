package tui

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/grpcsh/grpcsh/dynamic"
	"github.com/grpcsh/grpcsh/repl"
)

// metadataModel edits the session's request headers (sent with every call,
// Session.SetHeader/DelHeader) and the per-call deadline
// (Settings.Deadline). Changes apply at once: they are session state, the
// same the command bar's `header`/`set deadline` change.
type metadataModel struct {
	ui      *uiCtx
	keys    metaKeys
	rows    []metaRow
	cursor  int
	editing bool
	adding  bool
	input   textinput.Model
	err     string
	w, h    int
}

// metaRow is the deadline row (key "") or one header value.
type metaRow struct {
	key, value string
}

func newMetadata(keys metaKeys) metadataModel {
	in := textinput.New()
	in.CharLimit = 8192
	return metadataModel{keys: keys, input: in}
}

// load reads the rows from the session.
func (m *metadataModel) load(s *repl.Session) {
	md := s.Header()
	ks := make([]string, 0, len(md))
	for k := range md {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	m.rows = []metaRow{{key: "", value: fmtDeadline(s.Settings().Deadline)}}
	for _, k := range ks {
		for _, v := range md[k] {
			m.rows = append(m.rows, metaRow{key: k, value: v})
		}
	}
	m.cursor = min(m.cursor, len(m.rows)-1)
}

func fmtDeadline(d time.Duration) string {
	if d <= 0 {
		return "none"
	}
	return d.String()
}

// typing says a text input takes the keys.
func (m *metadataModel) typing() bool { return m.editing }

// Update handles a key (Component); it sends the app overlayClosedMsg
// when the editor closes.
func (m *metadataModel) Update(msg tea.Msg) (Component, tea.Cmd) {
	s := m.ui.s
	kmsg, ok := msg.(tea.KeyPressMsg)
	if m.editing {
		if ok {
			switch {
			case key.Matches(kmsg, m.keys.Save):
				m.commit(s)
				return m, nil
			case key.Matches(kmsg, m.keys.Abort):
				m.editing, m.adding, m.err = false, false, ""
				m.input.Blur()
				return m, nil
			}
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	if !ok {
		return m, nil
	}
	k := m.keys
	switch {
	case key.Matches(kmsg, k.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(kmsg, k.Down):
		m.cursor = min(m.cursor+1, len(m.rows)-1)
	case key.Matches(kmsg, k.Add):
		m.editing, m.adding, m.err = true, true, ""
		m.input.Prompt = "header> "
		m.input.Placeholder = "key: value"
		m.input.SetValue("")
		m.fitInput()
		return m, m.input.Focus()
	case key.Matches(kmsg, k.Edit):
		if m.cursor >= len(m.rows) {
			return m, nil
		}
		r := m.rows[m.cursor]
		m.editing, m.adding, m.err = true, false, ""
		if r.key == "" {
			m.input.Prompt = "deadline> "
			m.input.Placeholder = "e.g. 5s, 1m30s, none"
			v := r.value
			if v == "none" {
				v = ""
			}
			m.input.SetValue(v)
		} else {
			m.input.Prompt = "header> "
			m.input.Placeholder = "key: value"
			m.input.SetValue(r.key + ": " + shownValue(r.key, r.value))
		}
		m.fitInput()
		m.input.CursorEnd()
		return m, m.input.Focus()
	case key.Matches(kmsg, k.Delete):
		if m.cursor <= 0 || m.cursor >= len(m.rows) {
			if m.cursor == 0 {
				st := s.Settings()
				st.Deadline = 0
				s.SetSettings(st)
				m.load(s)
			}
			return m, nil
		}
		r := m.rows[m.cursor]
		m.deleteValue(s, r)
		m.load(s)
	case key.Matches(kmsg, k.Close):
		m.ui.send(overlayClosedMsg{})
		return m, nil
	}
	return m, nil
}

// deleteValue removes one value of a header, keeping its others.
func (m *metadataModel) deleteValue(s *repl.Session, r metaRow) {
	vals := s.Header().Get(r.key)
	var keep []string
	removed := false
	for _, v := range vals {
		if v == r.value && !removed {
			removed = true
			continue
		}
		keep = append(keep, v)
	}
	if len(keep) == 0 {
		s.DelHeader(r.key)
	} else {
		s.SetHeader(r.key, keep...)
	}
}

// commit applies the input: a deadline, or a header ("key: value").
func (m *metadataModel) commit(s *repl.Session) {
	text := strings.TrimSpace(m.input.Value())
	editingDeadline := !m.adding && m.cursor == 0
	if editingDeadline {
		var d time.Duration
		if text != "" && text != "none" && text != "0" {
			var err error
			d, err = repl.ParseDeadline(text)
			if err != nil {
				m.err = err.Error()
				return
			}
		}
		st := s.Settings()
		st.Deadline = d
		s.SetSettings(st)
	} else {
		// The engine's header rule, the one -H and the script `header`
		// command use: a value gRPC would refuse at call time (non-ASCII
		// text, a control character) is refused here, where it is typed.
		k, v, err := dynamic.ParseHeader(text)
		if err != nil {
			m.err = err.Error()
			return
		}
		if !m.adding && m.cursor < len(m.rows) {
			m.deleteValue(s, m.rows[m.cursor])
		}
		s.SetHeader(k, append(s.Header().Get(k), v)...)
	}
	m.editing, m.adding, m.err = false, false, ""
	m.input.Blur()
	m.load(s)
}

// shownValue is a header value as it is typed: base64 for a -bin key
// (the session holds the decoded bytes, as dynamic.ParseHeader returns).
func shownValue(k, v string) string {
	if strings.HasSuffix(k, "-bin") {
		return base64Text([]byte(v))
	}
	return v
}

func (m metadataModel) view(st Styles) string {
	w := m.w
	lines := []string{st.Dim.Render(fit("Sent with every call of this session. Secret-looking values are masked here and redacted in the history.", w))}
	lines = append(lines, "")
	for i, r := range m.rows {
		marker := "  "
		if i == m.cursor {
			marker = "▸ "
		}
		var line string
		if r.key == "" {
			line = marker + fit(st.Key.Render("deadline"), 24) + r.value + st.Dim.Render("  (per call)")
		} else {
			v := dynamic.SafeLine(shownValue(r.key, r.value))
			if isSecretKey(r.key) {
				v = maskSecret(v)
			}
			line = marker + fit(st.Key.Render(r.key), 24) + st.Value.Render(v)
		}
		line = fit(line, w)
		if i == m.cursor && !m.editing {
			line = st.Selected.Render(ansiStrip(line))
		}
		lines = append(lines, line)
	}
	if len(m.rows) == 1 {
		lines = append(lines, st.Dim.Render("  no headers: a adds one"))
	}
	lines = append(lines, "")
	if m.editing {
		lines = append(lines, fit(m.input.View(), w))
		if m.err != "" {
			lines = append(lines, st.Err.Render("✗ "+m.err))
		}
		lines = append(lines, st.Dim.Render(hints(m.keys.Save, m.keys.Abort)))
	} else {
		lines = append(lines, st.Dim.Render(hints(m.keys.ShortHelp()...)))
	}
	return strings.Join(lines, "\n")
}

// maskSecret shows the first few characters of a secret.
func maskSecret(v string) string {
	if strings.HasPrefix(strings.ToLower(v), "bearer ") {
		return v[:7] + "••••••"
	}
	return "••••••"
}

// Component: the request headers & deadline overlay, editing the
// session's settings; closing is an overlayClosedMsg sent to the app.

func (m *metadataModel) View() string { return m.view(m.ui.st) }
func (m *metadataModel) SetSize(w, h int) {
	m.w, m.h = w, h
	m.fitInput()
}

// fitInput gives the input its width: a textinput of width 0 shows only
// the first letter of its placeholder (bubbles' placeholderView), which
// is how "deadline> e" and "header> k" came about.
func (m *metadataModel) fitInput() {
	m.input.SetWidth(max(m.w-ansi.StringWidth(m.input.Prompt)-1, 1))
}
func (m *metadataModel) KeyMap() help.KeyMap { return m.keys }

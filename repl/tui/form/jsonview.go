package form

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/grpcsh/grpcsh/dynamic"
)

// The JSON view (the request as JSON text, read back with the engine's
// request reader) and $EDITOR.

// enterJSON shows the JSON text of the current form.
func (m *Model) enterJSON() bool {
	dm, err := m.Message()
	if err != nil {
		m.setStatus("fix this first: "+err.Error(), true)
		var fe *fieldError
		if errors.As(err, &fe) {
			m.gotoPath(fe.Path)
		}
		return false
	}
	text, err := marshalJSON(dm, m.ctx)
	if err != nil {
		m.setStatus("cannot show JSON: "+err.Error(), true)
		return false
	}
	m.showJSON(text)
	m.jsonOrig = text
	return true
}

// showJSON switches to the JSON view with text; coming from the form, the
// text's history starts there (in the JSON view, the text replaced is a
// step).
func (m *Model) showJSON(text string) {
	if m.jsonMode {
		if m.area.Value() != text {
			m.recordJSON(m.jsonNow(), "")
		}
	} else {
		m.resetJSONHistory()
	}
	m.jsonMode = true
	m.jsonEditing = false
	m.jsonErr = nil
	m.jsonOrig = ""
	m.area.SetValue(text)
	m.fitArea()
	m.area.MoveToBegin()
	if m.focused {
		m.area.Focus()
	}
}

func (m Model) toggleJSON() (Model, tea.Cmd) {
	if !m.jsonMode {
		m.enterJSON()
		return m, nil
	}
	text := m.area.Value()
	if text == m.jsonOrig {
		m.leaveJSON()
		return m, nil
	}
	dm, err := parseJSON(text, m.md, m.ctx)
	if err != nil {
		m.jsonErr = err
		m.moveAreaTo(err)
		m.setStatus(err.Error()+" (fix it to go back to the form)", true)
		return m, nil
	}
	m.loadMessage(dm)
	m.leaveJSON()
	return m, nil
}

func (m *Model) leaveJSON() {
	m.jsonMode, m.jsonEditing, m.jsonErr = false, false, nil
	m.area.Blur()
}

func (m Model) updateJSON(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.ToggleJSON), !m.jsonEditing && key.Matches(msg, k.JSONToggleAlt):
		return m.toggleJSON()
	case key.Matches(msg, k.Editor), !m.jsonEditing && key.Matches(msg, k.JSONEditor):
		return m.openEditor()
	}
	var cmd tea.Cmd
	if m.jsonEditing {
		if key.Matches(msg, k.JSONLeave) {
			m.jsonEditing = false
			return m, nil
		}
		before := m.jsonNow()
		m.area, cmd = m.area.Update(msg)
		if m.area.Value() != before.text {
			m.recordJSON(before, jsonGroupOf(msg))
			m.jsonChanged()
		} else if m.hist != nil {
			m.hist.jsonGroup = "" // the cursor moved: the next change is a new step
		}
		return m, cmd
	}
	var nav tea.KeyPressMsg
	switch {
	case key.Matches(msg, k.JSONEdit):
		m.jsonEditing = true
		return m, m.area.Focus()
	case key.Matches(msg, k.JSONScrollUp):
		nav = tea.KeyPressMsg{Code: tea.KeyUp}
	case key.Matches(msg, k.JSONScrollDn):
		nav = tea.KeyPressMsg{Code: tea.KeyDown}
	case key.Matches(msg, k.JSONPageUp):
		nav = tea.KeyPressMsg{Code: tea.KeyPgUp}
	case key.Matches(msg, k.JSONPageDown):
		nav = tea.KeyPressMsg{Code: tea.KeyPgDown}
	case key.Matches(msg, k.Top):
		m.area.MoveToBegin()
		return m, nil
	case key.Matches(msg, k.Bottom):
		m.area.MoveToEnd()
		return m, nil
	case msg.Code == tea.KeyLeft || msg.Code == tea.KeyRight || msg.Code == tea.KeyHome || msg.Code == tea.KeyEnd:
		nav = msg
	default:
		return m, nil
	}
	m.area, cmd = m.area.Update(nav)
	return m, cmd
}

// jsonChanged validates the JSON text as it is typed.
func (m *Model) jsonChanged() {
	m.fitArea()
	_, err := parseJSON(m.area.Value(), m.md, m.ctx)
	m.jsonErr = err
}

// moveAreaTo puts the JSON cursor where an error points.
func (m *Model) moveAreaTo(err error) {
	var je *dynamic.JSONError
	if !errors.As(err, &je) || je.Line == 0 {
		return
	}
	m.area.MoveToBegin()
	for i := 0; i < 100000 && m.area.Line() < je.Line-1; i++ {
		m.area.CursorDown()
	}
	m.area.SetCursorColumn(je.Col - 1)
}

func (m Model) openEditor() (Model, tea.Cmd) {
	var text string
	if m.jsonMode {
		text = m.area.Value()
	} else {
		dm, err := m.Message()
		if err != nil {
			m.setStatus("fix this first: "+err.Error(), true)
			var fe *fieldError
			if errors.As(err, &fe) {
				m.gotoPath(fe.Path)
			}
			return m, nil
		}
		if text, err = marshalJSON(dm, m.ctx); err != nil {
			m.setStatus(err.Error(), true)
			return m, nil
		}
	}
	return m, editCmd(m.id, text+"\n", m.execEditor)
}

// applyEditor takes the JSON back from $EDITOR: a valid request is loaded
// into the form; an invalid one is shown in the JSON view with its error (the
// text is kept).
func (m *Model) applyEditor(msg editorMsg) {
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		return
	}
	text := strings.TrimRight(msg.text, "\n")
	dm, err := parseJSON(text, m.md, m.ctx)
	if err != nil {
		m.showJSON(text)
		m.jsonErr = err
		m.moveAreaTo(err)
		m.setStatus("the edited JSON has an error", true)
		return
	}
	m.loadMessage(dm)
	if m.jsonMode {
		m.showJSON(text)
		m.jsonOrig = text
	}
	m.setStatus("loaded the request from $EDITOR", false)
}

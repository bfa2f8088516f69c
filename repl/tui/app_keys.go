package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// The app's key dispatch: keys that work everywhere, then the focused
// pane's, the response pane's own (save, copy) and the save prompt's.
// Out of app.go (over 800 lines with them), code as it was.

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
	case key.Matches(msg, g.CopyAs) && !m.saving && !m.cmd.active:
		if m.topOverlay() == ovYank {
			m.popOverlay()
			return nil
		}
		return m.openCopyAs()
	case key.Matches(msg, g.FocusTree):
		m.overlays = nil
		return m.setFocus(focusTree)
	case key.Matches(msg, g.FocusForm):
		m.overlays = nil
		return m.setFocus(focusForm)
	case key.Matches(msg, g.FocusResp):
		m.overlays = nil
		return m.setFocus(focusResp)
	case key.Matches(msg, g.FocusInfo):
		m.overlays = nil
		return m.setFocus(focusInfo)
	case key.Matches(msg, g.Learn) && !m.saving && !m.cmd.active && m.top() == nil:
		return m.openLesson()
	case key.Matches(msg, g.SaveCall) && !m.saving && !m.cmd.active && !(m.topOverlay() == ovColl && m.coll.typing()):
		return m.saveFormCall()
	}
	if m.saving {
		return m.onSaveKey(msg)
	}
	if m.cmd.active {
		return m.drive(&m.cmd, msg)
	}
	if top := m.top(); top != nil {
		return m.drive(top, msg)
	}
	if m.typing() {
		return m.routeToFocused(msg)
	}
	// A letter the form's row takes as the first character of its value is
	// text, not one of the app's plain keys: typing "Lars" or "a?b:c" into
	// a name must not open the explain pane at L, help at ? or the bar at :.
	if m.focus == focusForm && m.form.StartsEditing(msg) {
		return m.routeToFocused(msg)
	}
	// Plain keys outside text inputs.
	switch {
	case key.Matches(msg, g.Quit) && m.focus != focusForm:
		if m.busy() {
			return m.setFlashWhile("a call is running: esc or ctrl+c cancels it first", true, m.whileBusy())
		}
		return m.quit()
	case key.Matches(msg, g.Help):
		m.helpm.render(m.keys.sections(m.formHelp()), m.st)
		m.pushOverlay(ovHelp)
		return nil
	case key.Matches(msg, g.Colon):
		return m.cmd.open()
	case key.Matches(msg, g.HistoryH):
		return m.toggleOverlay(ovHistory)
	case key.Matches(msg, g.MetadataM):
		return m.toggleOverlay(ovMetadata)
	case key.Matches(msg, g.LearnL):
		return m.openLesson()
	case key.Matches(msg, g.CollC) && m.focus != focusForm:
		// Not from the form: a letter typed on its text row is text.
		return m.openCollections()
	case key.Matches(msg, g.NextPane):
		return m.setFocus(m.nextFocus(1))
	case key.Matches(msg, g.PrevPane):
		return m.setFocus(m.nextFocus(-1))
	case key.Matches(msg, g.Back):
		switch {
		case m.focus == focusTree && m.tree.filter.Value() != "":
			// the tree clears its filter
		case m.focus == focusResp && m.resp.searching():
			return m.drive(&m.resp, msg) // esc clears the search
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
			return loadServicesCmd(m.lookups, m.s)
		}
		return m.drive(&m.tree, msg)
	case focusForm:
		if m.hasForm {
			return m.drive(&m.form, msg)
		}
	case focusResp:
		return m.onRespKey(msg)
	case focusInfo:
		return m.drive(&m.info, msg)
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
		if n := m.call.msgs.jsonBytes(); m.resp.tab == tabBody && n > maxCopyBytes {
			return m.setFlash(fmt.Sprintf("%d MiB of messages is too much for the clipboard (at most %d MiB): s saves them to a file", n>>20, maxCopyBytes>>20), true)
		}
		text := m.copyText()
		return tea.Batch(tea.SetClipboard(text), m.setFlash(fmt.Sprintf("copied %d bytes to the clipboard (OSC 52)", len(text)), false))
	case key.Matches(msg, k.Edit):
		return m.setFocus(focusForm)
	}
	return m.drive(&m.resp, msg)
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
		if m.resp.tab == tabBody {
			return saveLogCmd(path, &m.call.msgs, m.call.msgs.n)
		}
		return saveCmd(path, m.copyText())
	case "esc":
		m.saving = false
		m.save.Blur()
		return nil
	}
	var cmd tea.Cmd
	m.save, cmd = m.save.Update(msg)
	return cmd
}

// copyText is what y copies: the section shown, as plain text.
func (m *appModel) copyText() string {
	c := m.call
	switch m.resp.tab {
	case tabBody:
		return plainBody(c)
	case tabHeaders:
		return ansiStrip(mdText(c.respHeader, true, "", m.resp.reveal, m.st)) + "\n"
	case tabTrailers:
		return ansiStrip(mdText(c.trailer, true, "", m.resp.reveal, m.st)) + "\n"
	case tabStatus:
		return ansiStrip(statusText(c, m.s, m.st)) + "\n"
	}
	return ansiStrip(timingText(c, m.st, m.loc)) + "\n"
}

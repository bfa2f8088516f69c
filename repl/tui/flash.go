package tui

import tea "charm.land/bubbletea/v2"

// Flashes that say something about a state ("✗ a call is running", "✗ not
// sent: the form is invalid", "● request stream closed") go away when the
// state does, not only when their timer runs out: a message that is no
// longer true misleads (rough edge 4 of issue 12).

// setFlashWhile is setFlash for a message that stays true only while
// holds does; the app clears it after the first message that ends it.
func (m *appModel) setFlashWhile(text string, isErr bool, holds func() bool) tea.Cmd {
	cmd := m.setFlash(text, isErr)
	m.flashWhile = holds
	return cmd
}

// expireFlash clears a flash whose state has ended.
func (m *appModel) expireFlash() {
	if m.flash != "" && m.flashWhile != nil && !m.flashWhile() {
		m.flash, m.flashWhile = "", nil
	}
}

// whileCallRuns holds while the current call runs.
func (m *appModel) whileCallRuns() func() bool {
	c := m.call
	return func() bool { return c != nil && m.call == c && c.running() }
}

// whileBusy holds while a call or a command runs.
func (m *appModel) whileBusy() func() bool { return m.busy }

// whileCmdRuns holds while the current ":" command runs.
func (m *appModel) whileCmdRuns() func() bool {
	r := m.cmd.running
	return func() bool { return r != nil && m.cmd.running == r }
}

// whileFormInvalid holds while the form of the same method has an
// invalid value.
func (m *appModel) whileFormInvalid() func() bool {
	md := m.method
	return func() bool { return m.hasForm && m.method == md && !m.form.Valid() }
}
